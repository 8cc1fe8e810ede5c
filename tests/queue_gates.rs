//! `ivr sim --check` on the queue figures: per queue (`queue.NAME.x`), all queues together
//! (`queues.x`) and end to end (`answered`, `time_to_answer.p90`, ...), decided on their
//! intervals from the batches like every other check, and usage errors that say what to write.

mod common;

use common::{Run, ivr_in, scratch, write};
use serde_json::Value;

/// Every caller goes straight to the queue `general`.
const STRAIGHT_TO_QUEUE: &str = "\
menu: Straight to an agent
entry: agent
nodes:
  agent: { type: transfer, queue: general, serves: [\"*\"] }
";

/// 1,000 calls an hour, 38 agents at 120 s: Erlang C answers 84.68% within 20 s.
const ERLANG_C: &str = "\
intents: { anything: 1 }
arrivals: { calls_per_hour: 1000 }
queues:
  general: { agents: 38, handle_time: 120 }
";

/// `ivr sim` of the straight-to-queue menu on `traffic` with these checks.
fn check(traffic: &str, checks: &[&str], extra: &[&str]) -> Run {
    let dir = scratch();
    write(dir.path(), "menu.yaml", STRAIGHT_TO_QUEUE);
    write(dir.path(), "traffic.yaml", traffic);
    let mut args = vec![
        "sim",
        "menu.yaml",
        "--intents",
        "traffic.yaml",
        "--calls",
        "100000",
        "--seed",
        "1",
    ];
    for c in checks {
        args.extend(["--check", c]);
    }
    args.extend_from_slice(extra);
    ivr_in(dir.path(), &args)
}

#[test]
fn queue_checks_pass_fail_or_are_inconclusive_on_their_intervals() {
    let run = check(
        ERLANG_C,
        &[
            "queue.general.service_level>=0.8",
            "queue.general.service_level>=0.95",
            "queues.asa<=30",
            "queue.general.wait.p90<=1",
            "queue.general.answered>=0.99",
            "queue.general.occupancy<=0.9",
            "answered>=0.99",
            "time_to_answer.p90<=60",
            "abandoned_total<=0.01",
        ],
        &["--format", "json"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = run.json();
    let checks = report["checks"].as_array().expect("checks");
    let verdicts: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| (c["expr"].as_str().unwrap(), c["verdict"].as_str().unwrap()))
        .collect();
    // Erlang C: service level 0.8468, occupancy 1000 · 120 / 3600 / 38 = 0.877, nobody hangs up.
    assert_eq!(
        verdicts,
        [
            ("queue.general.service_level >= 0.8", "pass"),
            ("queue.general.service_level >= 0.95", "fail"),
            ("queues.asa <= 30", "pass"),
            ("queue.general.wait.p90 <= 1", "fail"),
            ("queue.general.answered >= 0.99", "pass"),
            ("queue.general.occupancy <= 0.9", "pass"),
            ("answered >= 0.99", "pass"),
            ("time_to_answer.p90 <= 60", "pass"),
            ("abandoned_total <= 0.01", "pass"),
        ]
    );
    let sl = &checks[0];
    let queue = &report["queues"]["queues"]["general"];
    // The check reads the figure and interval the report shows, and the calls behind them.
    assert_eq!(sl["value"], queue["service_level"]["value"]);
    assert_eq!(sl["ci95"], queue["service_level"]["ci95"]);
    assert_eq!(sl["calls"], queue["offered"]);
}

#[test]
fn a_bound_inside_the_interval_is_inconclusive() {
    let run = check(ERLANG_C, &[], &["--format", "json"]);
    let report = run.json();
    let sl = report["queues"]["queues"]["general"]["service_level"]["value"]
        .as_f64()
        .unwrap();
    // The estimate itself lies strictly inside its interval.
    let bound = format!("queue.general.service_level>={sl}");
    let run = check(ERLANG_C, &[&bound], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("inconclusive"), "{}", run.stdout);
    assert!(
        run.stdout.contains("the interval straddles"),
        "{}",
        run.stdout
    );
}

#[test]
fn queue_checks_name_queues_and_figures_that_exist() {
    let two_queues = "\
intents: { anything: 1 }
arrivals: { calls_per_hour: 1000 }
queues:
  general: { agents: 38, handle_time: 120 }
  sales: { agents: 5, handle_time: 120 }
";
    let mut shown = String::new();
    for expr in [
        "queue.generl.service_level>=0.8",
        "queue.billing.service_level>=0.8",
        "queue.general.servce_level>=0.8",
        "queue.general.time_to_answer.p90<=60",
        "queue.general.wait<=20",
        "queue.general>=0.8",
        "queues.service_level>=80",
        "time_to_answer<=60",
    ] {
        let stderr = check(two_queues, &[expr], &[]).failure(2);
        shown.push_str(&format!("$ --check '{expr}'\n{stderr}\n"));
    }
    let no_queues = "intents: { anything: 1 }\n";
    let stderr = check(no_queues, &["answered>=0.9"], &[]).failure(2);
    shown.push_str(&format!(
        "$ --check 'answered>=0.9' (no queues)\n{stderr}\n"
    ));
    let stderr = check(
        ERLANG_C,
        &["queue.general.service_level>=0.8"],
        &["--exact"],
    )
    .failure(2);
    shown.push_str(&format!(
        "$ --check 'queue.general.service_level>=0.8' --exact\n{stderr}\n"
    ));
    insta::assert_snapshot!(shown);
}

#[test]
fn config_checks_may_name_queue_figures() {
    let dir = scratch();
    write(dir.path(), "menu.yaml", STRAIGHT_TO_QUEUE);
    write(dir.path(), "traffic.yaml", ERLANG_C);
    write(
        dir.path(),
        ".ivr.yaml",
        "checks:\n  - queue.general.service_level >= 0.8\n  - time_to_answer.p90 <= 60\n",
    );
    let run = ivr_in(
        dir.path(),
        &[
            "sim",
            "menu.yaml",
            "--intents",
            "traffic.yaml",
            "--calls",
            "50000",
            "--format",
            "json",
        ],
    );
    // Exit 0 or 1 with the verdicts; a check the config cannot hold would be exit 2.
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let report: Value = run.json();
    let exprs: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["expr"].as_str().unwrap())
        .collect();
    assert_eq!(
        exprs,
        [
            "queue.general.service_level >= 0.8",
            "time_to_answer.p90 <= 60"
        ]
    );
}
