//! `ivr compare` through the agent queues: both menus meet the same arrivals, intents,
//! patience and handle times, and every queue figure's difference comes with an interval from
//! the paired replicates (batches, or days).

mod common;

use common::{Run, ivr_in, scratch, write};
use ivr::queue::erlang::{QueueModel, Solution, solve};
use serde_json::Value;

/// Balance on key 1 and everything else on key 2, both to an agent.
const BALANCE_BY_AGENT: &str = "\
menu: Bank
entry: main
nodes:
  main:
    say: Hello.
    options:
      - { key: 1, say: For your balance press 1., to: agent }
      - { key: 2, say: For anything else press 2., to: agent }
  agent: { type: transfer, queue: general, serves: [\"*\"] }
";

/// The same menu with the balance read out by the machine.
const BALANCE_SELF_SERVED: &str = "\
menu: Bank
entry: main
nodes:
  main:
    say: Hello.
    options:
      - { key: 1, say: For your balance press 1., to: balance }
      - { key: 2, say: For anything else press 2., to: agent }
  balance: { type: self_service, say: Your balance is ten pounds., serves: [balance] }
  agent: { type: transfer, queue: general, serves: [\"*\"] }
";

/// 1,000 calls an hour, 40% for the balance; 36 agents at 120 s are busy with all of them.
const TRAFFIC: &str = "\
intents: { balance: 40, other: 60 }
callers: { mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null }
arrivals: { calls_per_hour: 1000 }
queues:
  general: { agents: 36, handle_time: 120, patience: 120 }
";

/// A day of four half hours, two agents more after the first hour.
const DAY: &str = "\
intents: { balance: 40, other: 60 }
callers: { mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null }
arrivals: { interval_minutes: 30, calls: [300, 500, 500, 300] }
queues:
  general: { agents: [20, 20, 22, 22], handle_time: 120, patience: 120 }
";

/// `ivr compare a.yaml b.yaml` of two menus on one traffic file, in a scratch folder.
fn compare(a: &str, b: &str, traffic: &str, extra: &[&str]) -> Run {
    let dir = scratch();
    write(dir.path(), "a.yaml", a);
    write(dir.path(), "b.yaml", b);
    write(dir.path(), "traffic.yaml", traffic);
    let mut args = vec!["compare", "a.yaml", "b.yaml", "--intents", "traffic.yaml"];
    args.extend_from_slice(extra);
    let run = ivr_in(dir.path(), &args);
    assert!(run.success(), "{}", run.stderr);
    run
}

fn compare_json(a: &str, b: &str, traffic: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    compare(a, b, traffic, &args).json()
}

/// Every `{diff, ci95, significant}` object under `value`, with its path.
fn differences<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) if map.contains_key("significant") => out.push((path, value)),
        Value::Object(map) => {
            for (k, v) in map {
                differences(v, format!("{path}.{k}"), out);
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                differences(v, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn a_menu_compared_with_itself_has_no_queue_difference() {
    for traffic in [TRAFFIC, DAY] {
        let report = compare_json(
            BALANCE_BY_AGENT,
            BALANCE_BY_AGENT,
            traffic,
            &["--calls", "20000", "--days", "4"],
        );
        let queues = &report["diff"]["queues"];
        let mut found = Vec::new();
        differences(queues, "queues".into(), &mut found);
        // Per queue, all queues, end to end, and (for a day) every interval.
        assert!(found.len() >= 18, "{found:?}");
        for (path, d) in found {
            if d["diff"].is_null() {
                continue;
            }
            assert_eq!(d["diff"].as_f64(), Some(0.0), "{path}");
            assert_eq!(d["significant"], false, "{path}");
        }
        assert_eq!(report["a"]["queues"], report["b"]["queues"]);
    }
}

#[test]
fn serving_the_balance_by_machine_raises_the_service_level_significantly() {
    let report = compare_json(
        BALANCE_BY_AGENT,
        BALANCE_SELF_SERVED,
        TRAFFIC,
        &["--calls", "30000"],
    );
    let general = &report["diff"]["queues"]["queues"]["general"];
    let service_level = &general["service_level"];
    let (diff, lo) = (
        service_level["diff"].as_f64().unwrap(),
        service_level["ci95"][0].as_f64().unwrap(),
    );
    // Every caller of A reaches the queue (1,000 an hour), 600 an hour of B: Erlang A's
    // service levels at those rates differ by as much as the interval says.
    let erlang = |calls_per_hour: f64| {
        let model = QueueModel {
            calls_per_hour,
            handle_time: 120.0,
            patience: Some(120.0),
        };
        match solve(&model, 36, 20.0) {
            Solution::Stable(s) => s.service_level,
            other => panic!("{other:?}"),
        }
    };
    let expected = erlang(600.0) - erlang(1000.0);
    let hi = service_level["ci95"][1].as_f64().unwrap();
    assert!(
        lo <= expected && expected <= hi,
        "{expected} vs {service_level}"
    );
    assert!(
        lo > 0.0 && service_level["significant"] == true,
        "{service_level}"
    );
    assert!(diff > 0.05, "{service_level}");
    for figure in ["asa", "abandoned", "occupancy", "offered"] {
        let d = &general[figure];
        assert!(d["diff"].as_f64().unwrap() < 0.0, "{figure}: {d}");
        assert_eq!(d["significant"], true, "{figure}: {d}");
    }
    // Common random numbers: a batch with more arrivals keeps the agents of both menus busier,
    // so the paired difference varies less than two independent runs' figures would (their
    // ratio would be near 1, give or take the 12% a 32-batch standard error wobbles by).
    let half = |ci: &Value| (ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()) / 2.0;
    let figure = |side: &str| &report[side]["queues"]["queues"]["general"]["occupancy"]["ci95"];
    let independent = half(figure("a")).hypot(half(figure("b")));
    let paired = half(&general["occupancy"]["ci95"]);
    assert!(paired < 0.75 * independent, "{paired} vs {independent}");
    let answered = &report["diff"]["queues"]["end_to_end"]["answered"];
    // Answered by an agent: the balance callers no longer are.
    assert!(answered["diff"].as_f64().unwrap() < 0.0, "{answered}");
    // The menus' own figures are still there, and both sides' queue reports.
    assert!(
        report["a"]["queues"]["queues"]["general"]["offered"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(report["diff"]["queues"]["replicates"], 32);
}

#[test]
fn a_day_pairs_the_days_and_reports_every_interval() {
    let report = compare_json(BALANCE_BY_AGENT, BALANCE_SELF_SERVED, DAY, &["--days", "6"]);
    let queues = &report["diff"]["queues"];
    assert_eq!(queues["mode"], "day");
    assert_eq!(queues["replicates"], 6);
    let intervals = queues["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 4);
    for i in intervals {
        let sl = &i["queues"]["general"]["service_level"];
        assert!(sl["diff"].as_f64().unwrap() > 0.0, "{i}");
        assert!(sl["ci95"].is_array(), "{i}");
    }
}

#[test]
fn every_format_carries_the_queue_differences() {
    let csv = compare(
        BALANCE_BY_AGENT,
        BALANCE_SELF_SERVED,
        TRAFFIC,
        &["--calls", "20000", "--format", "csv"],
    )
    .stdout;
    let (_, queues) = csv
        .split_once("\n\n")
        .expect("a blank line before the queue rows");
    let mut lines = queues.lines();
    assert_eq!(
        lines.next(),
        Some("scope,queue,interval_start_minutes,figure,a,b,diff,diff_low,diff_high,significant")
    );
    let sl = lines
        .clone()
        .find(|l| l.starts_with("queue,general,,service_level,"))
        .expect("the service level row");
    let cells: Vec<&str> = sl.split(',').collect();
    assert_eq!(cells.len(), 10);
    assert!(
        cells[6].parse::<f64>().unwrap() > 0.0 && cells[9] == "true",
        "{sl}"
    );
    assert!(lines.any(|l| l.starts_with("end_to_end,,,time_to_answer.p90,")));
    let human = compare(
        BALANCE_BY_AGENT,
        BALANCE_SELF_SERVED,
        TRAFFIC,
        &["--calls", "20000"],
    )
    .stdout;
    let (_, queues) = human.split_once("\nqueues (").expect("a queue section");
    insta::assert_snapshot!(format!("queues ({queues}"));
    let markdown = compare(
        BALANCE_BY_AGENT,
        BALANCE_SELF_SERVED,
        TRAFFIC,
        &["--calls", "20000", "--format", "markdown"],
    )
    .stdout;
    let (_, queues) = markdown.split_once("#### Queues").expect("a queue section");
    insta::assert_snapshot!("markdown", format!("#### Queues{queues}"));
}

#[test]
fn without_queues_compare_has_no_queue_part() {
    let traffic = "intents: { balance: 40, other: 60 }\n";
    let report = compare_json(
        BALANCE_BY_AGENT,
        BALANCE_SELF_SERVED,
        traffic,
        &["--calls", "2000"],
    );
    assert!(report["diff"].get("queues").is_none());
    assert!(report["a"]["queues"].is_null());
}
