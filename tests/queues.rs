//! Calls carried past the transfer into agent queues: the simulation agrees with Erlang C and
//! Erlang A where they apply, does not depend on the number of threads, and refuses a transfer
//! to a queue the traffic file does not define.

mod common;

use common::{ivr_in, scratch, write};
use ivr::queue::erlang::{QueueModel, Solution, solve};
use serde_json::Value;

/// A menu that sends every caller straight to the queue `general`, with no IVR time.
const STRAIGHT_TO_QUEUE: &str = "\
menu: Straight to an agent
entry: agent
nodes:
  agent: { type: transfer, queue: general, serves: [\"*\"] }
";

/// Two teams: key 1 for sales, key 2 for support; callers never slip.
const TWO_TEAMS: &str = "\
menu: Two teams
entry: main
nodes:
  main:
    say: Hello.
    options:
      - { key: 1, say: For sales press 1., to: sales }
      - { key: 2, say: For support press 2., to: support }
  sales: { type: transfer, queue: sales, serves: [buy] }
  support: { type: transfer, queue: support, serves: [\"*\"] }
";

const CAREFUL_CALLERS: &str =
    "callers: { mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null }\n";

/// `ivr sim --format json` of a menu and a traffic file written to a scratch folder.
fn simulate(menu: &str, traffic: &str, extra: &[&str]) -> Value {
    let dir = scratch();
    write(dir.path(), "menu.yaml", menu);
    write(dir.path(), "traffic.yaml", traffic);
    let mut args = vec![
        "sim",
        "menu.yaml",
        "--intents",
        "traffic.yaml",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = ivr_in(dir.path(), &args);
    assert!(run.success(), "{}", run.stderr);
    run.json()
}

/// The standard error behind a 95% interval.
fn standard_error(figure: &Value) -> f64 {
    let lo = figure["ci95"][0].as_f64().expect("interval");
    let hi = figure["ci95"][1].as_f64().expect("interval");
    (hi - lo) / (2.0 * 1.96)
}

/// Every queue figure of `queue` (JSON) within four standard errors of Erlang's.
fn assert_agrees_with_erlang(queue: &Value, model: &QueueModel, agents: u32, what: &str) {
    let Solution::Stable(exact) = solve(model, agents, 20.0) else {
        panic!("{what}: a stable queue expected")
    };
    for (name, expected) in [
        ("service_level", exact.service_level),
        ("asa", exact.asa),
        ("p_wait", exact.p_wait),
        ("abandoned", exact.abandoned),
        ("occupancy", exact.occupancy),
    ] {
        let value = queue[name]["value"].as_f64().expect("a value");
        if expected == 0.0 {
            assert_eq!(value, 0.0, "{what}: {name}");
            continue;
        }
        let se = standard_error(&queue[name]);
        assert!(
            (value - expected).abs() < 4.0 * se,
            "{what}: {name} simulated {value} ± {se}, Erlang {expected}"
        );
    }
}

#[test]
fn one_queue_behind_a_menu_agrees_with_erlang_c() {
    let traffic = "intents: { anything: 1 }\narrivals: { calls_per_hour: 1000 }\nqueues:\n  general: { agents: 38, handle_time: 120 }\n";
    let report = simulate(
        STRAIGHT_TO_QUEUE,
        traffic,
        &["--calls", "200000", "--seed", "3"],
    );
    let queue = &report["queues"]["queues"]["general"];
    let model = QueueModel {
        calls_per_hour: 1000.0,
        handle_time: 120.0,
        patience: None,
    };
    assert_agrees_with_erlang(queue, &model, 38, "Erlang C");
    assert_eq!(report["queues"]["mode"], "steady");
    // Every caller joins; none hangs up in a queue without patience.
    assert_eq!(
        report["queues"]["end_to_end"]["abandoned_total"]["value"],
        0.0
    );
}

#[test]
fn one_queue_with_impatient_callers_agrees_with_erlang_a() {
    let traffic = "intents: { anything: 1 }\narrivals: { calls_per_hour: 1000 }\nqueues:\n  general: { agents: 36, handle_time: 120, patience: 120 }\n";
    let report = simulate(
        STRAIGHT_TO_QUEUE,
        traffic,
        &["--calls", "200000", "--seed", "4"],
    );
    let model = QueueModel {
        calls_per_hour: 1000.0,
        handle_time: 120.0,
        patience: Some(120.0),
    };
    assert_agrees_with_erlang(
        &report["queues"]["queues"]["general"],
        &model,
        36,
        "Erlang A",
    );
}

#[test]
fn two_queues_split_by_intent_each_agree_with_erlang() {
    let traffic = format!(
        "intents: {{ buy: 30, fix: 70 }}\n{CAREFUL_CALLERS}arrivals: {{ calls_per_hour: 1200 }}\nqueues:\n  sales: {{ agents: 18, handle_time: 150 }}\n  support: {{ agents: 24, handle_time: 90, patience: 200 }}\n"
    );
    let report = simulate(TWO_TEAMS, &traffic, &["--calls", "200000", "--seed", "5"]);
    let queues = &report["queues"]["queues"];
    let sales = QueueModel {
        calls_per_hour: 1200.0 * 0.3,
        handle_time: 150.0,
        patience: None,
    };
    let support = QueueModel {
        calls_per_hour: 1200.0 * 0.7,
        handle_time: 90.0,
        patience: Some(200.0),
    };
    assert_agrees_with_erlang(&queues["sales"], &sales, 18, "sales");
    assert_agrees_with_erlang(&queues["support"], &support, 24, "support");
    let offered = |q: &str| queues[q]["offered"].as_u64().expect("offered");
    assert_eq!(
        report["queues"]["overall"]["offered"].as_u64(),
        Some(offered("sales") + offered("support"))
    );
}

#[test]
fn the_figures_do_not_depend_on_the_threads() {
    let traffic = format!(
        "intents: {{ buy: 30, fix: 70 }}\n{CAREFUL_CALLERS}arrivals: {{ calls_per_hour: 1200 }}\nqueues:\n  sales: {{ agents: 18, handle_time: 150 }}\n  support: {{ agents: 24, handle_time: 90, patience: 200 }}\n"
    );
    let run = |threads| {
        simulate(
            TWO_TEAMS,
            &traffic,
            &["--calls", "150000", "--seed", "8", "--threads", threads],
        )
    };
    assert_eq!(run("1"), run("3"));
}

#[test]
fn a_day_in_intervals_reports_every_interval_and_the_spread_across_days() {
    let traffic = "intents: { anything: 1 }\narrivals:\n  interval_minutes: 60\n  calls: [400, 1000, 600]\nqueues:\n  general: { agents: [10, 38, 24], handle_time: 120 }\n";
    let report = simulate(STRAIGHT_TO_QUEUE, traffic, &["--days", "40", "--seed", "2"]);
    let q = &report["queues"];
    assert_eq!(q["mode"], "day");
    assert_eq!(q["days"], 40);
    let intervals = q["intervals"].as_array().expect("intervals");
    assert_eq!(intervals.len(), 3);
    // The first hour is overloaded (400 calls of 120 s on 10 agents): its agents are busy
    // nearly all the time, never more, and leave a backlog of work to the second hour.
    let figure = |k: usize, name: &str| intervals[k]["queues"]["general"][name].clone();
    let occupancy = |k: usize| figure(k, "occupancy")["value"].as_f64().unwrap();
    let offered = |k: usize| figure(k, "offered").as_f64().unwrap() / 40.0;
    assert!((0.9..=1.0).contains(&occupancy(0)), "{}", occupancy(0));
    // An hour is long enough for the busy middle hour (1,000 calls on 38 agents) to end near
    // Erlang C's steady state. Its agents handle, within the hour, the work of its own calls
    // plus the backlog the first hour left (the first hour's offered work less what its agents
    // did), less the work still in the system as the hour ends (Erlang C: the calls with an
    // agent and those waiting, each carrying a handle time on average).
    let Solution::Stable(exact) = solve(
        &QueueModel {
            calls_per_hour: 1000.0,
            handle_time: 120.0,
            patience: None,
        },
        38,
        20.0,
    ) else {
        panic!("stable")
    };
    let (hour, aht) = (3600.0, 120.0);
    let backlog = offered(0) * aht - occupancy(0) * 10.0 * hour;
    let in_system = (1000.0 * aht / hour + 1000.0 / hour * exact.asa) * aht;
    let expected = (offered(1) * aht + backlog - in_system) / (38.0 * hour);
    let se = standard_error(&figure(1, "occupancy"));
    assert!(
        (occupancy(1) - expected).abs() < 4.0 * se + 0.02,
        "occupancy {} ± {se}, expected {expected} (Erlang's {} and the backlog)",
        occupancy(1),
        exact.occupancy
    );
    let offered: u64 = intervals
        .iter()
        .map(|i| i["overall"]["offered"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(offered), q["overall"]["offered"].as_u64());
    // About 2,000 calls a day for 40 days.
    assert!((70_000..90_000).contains(&offered), "{offered}");
}

#[test]
fn occupancy_and_share_intervals_stay_within_zero_and_one_in_short_and_long_runs() {
    // 2,100 calls leave about a hundred counted after the warm-up hour: batches a few seconds
    // long whose calls take agents for minutes. Each queue's agents can be no more than busy.
    for calls in ["2100", "2200", "20000"] {
        for seed in ["0", "1", "2"] {
            let args = [
                "sim",
                "menus/retail-bank.yaml",
                "--calls",
                calls,
                "--seed",
                seed,
                "--format",
                "json",
            ];
            let report = common::ivr(&args).json();
            let queues = report["queues"]["queues"].as_object().expect("queues");
            for (name, queue) in queues
                .iter()
                .chain([(&"all".to_string(), &report["queues"]["overall"])])
            {
                if let Some(occupancy) = queue["occupancy"]["value"].as_f64() {
                    assert!(
                        (0.0..=1.0).contains(&occupancy),
                        "{calls} calls, seed {seed}, {name}: {occupancy}"
                    );
                }
                // A share's interval stays between 0 and 1, however few calls are behind it.
                for share in [
                    "service_level",
                    "p_wait",
                    "abandoned",
                    "occupancy",
                    "answered_share",
                ] {
                    if let Some(ci) = queue[share]["ci95"].as_array() {
                        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
                        assert!(
                            0.0 <= lo && lo <= hi && hi <= 1.0,
                            "{calls} calls, seed {seed}, {name} {share}: {ci:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_transfer_to_an_undefined_queue_is_an_input_error() {
    let _snapshots = common::snapshot_folder("queues");
    let dir = scratch();
    write(dir.path(), "menu.yaml", TWO_TEAMS);
    write(
        dir.path(),
        "traffic.yaml",
        "intents: { buy: 1, fix: 1 }\narrivals: { calls_per_hour: 100 }\nqueues:\n  sales: { agents: 3, handle_time: 100 }\n  suport: { agents: 3, handle_time: 100 }\n",
    );
    let stderr = ivr_in(
        dir.path(),
        &["sim", "menu.yaml", "--intents", "traffic.yaml"],
    )
    .failure(2);
    insta::assert_snapshot!(stderr);
}

#[test]
fn without_arrivals_and_queues_the_report_has_no_queue_part() {
    let report = simulate(
        STRAIGHT_TO_QUEUE,
        "intents: { anything: 1 }\nqueues:\n  general: { agents: 3, handle_time: 100 }\n",
        &["--calls", "1000"],
    );
    assert!(report.get("queues").is_none());
}

/// `ivr staff` on a menu and traffic file in a scratch folder, as JSON.
fn staff(menu: &str, traffic: &str, extra: &[&str]) -> Value {
    let dir = scratch();
    write(dir.path(), "menu.yaml", menu);
    write(dir.path(), "traffic.yaml", traffic);
    let mut args = vec![
        "staff",
        "menu.yaml",
        "--intents",
        "traffic.yaml",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = ivr_in(dir.path(), &args);
    assert!(run.success(), "{}", run.stderr);
    run.json()
}

#[test]
fn staff_finds_38_agents_for_80_20_and_40_under_an_85_percent_occupancy_cap() {
    let traffic = "intents: { anything: 1 }\narrivals: { calls_per_hour: 1000 }\nqueues:\n  general: { agents: 36, handle_time: 120 }\n";
    let plain = staff(STRAIGHT_TO_QUEUE, traffic, &[]);
    let general = &plain["queues"]["general"];
    assert_eq!(general["fewest_agents"], 38);
    assert_eq!(general["agents_for"]["0.8"], 38);
    assert!((general["erlangs"].as_f64().unwrap() - 1000.0 * 120.0 / 3600.0).abs() < 1e-9);
    assert_eq!(plain["approximate"], false);
    let capped = staff(STRAIGHT_TO_QUEUE, traffic, &["--max-occupancy", "0.85"]);
    assert_eq!(capped["queues"]["general"]["fewest_agents"], 40);
    // A stricter target costs agents, never saves them.
    let levels: Vec<u64> = general["agents_for"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
}

#[test]
fn staff_sees_the_shares_the_menu_sends_to_each_queue() {
    let traffic = format!(
        "intents: {{ buy: 30, fix: 70 }}\n{CAREFUL_CALLERS}arrivals: {{ calls_per_hour: 1200 }}\nqueues:\n  sales: {{ agents: 18, handle_time: 150 }}\n  support: {{ agents: 24, handle_time: 90, patience: 200 }}\n"
    );
    let report = staff(TWO_TEAMS, &traffic, &[]);
    let per_hour = |q: &str| report["queues"][q]["calls_per_hour"].as_f64().unwrap();
    assert!((per_hour("sales") - 360.0).abs() < 1e-6);
    assert!((per_hour("support") - 840.0).abs() < 1e-6);
    // Erlang A at today's staffing, as the library computes it.
    let Solution::Stable(exact) = solve(
        &QueueModel {
            calls_per_hour: 840.0,
            handle_time: 90.0,
            patience: Some(200.0),
        },
        24,
        20.0,
    ) else {
        panic!("stable")
    };
    let today = &report["queues"]["support"]["today"];
    assert!((today["service_level"].as_f64().unwrap() - exact.service_level).abs() < 1e-12);
}

#[test]
fn staff_tables_of_the_examples() {
    let _snapshots = common::snapshot_folder("queues");
    let run = common::ivr(&["staff", "menus/retail-bank.yaml"]);
    assert!(run.success(), "{}", run.stderr);
    insta::assert_snapshot!("retail_bank_staff", run.stdout);
}

#[test]
fn exact_sim_adds_erlang_per_queue() {
    let run = common::ivr(&[
        "sim",
        "menus/retail-bank.yaml",
        "--exact",
        "--format",
        "json",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let report = run.json();
    let exact = &report["queues_exact"];
    assert_eq!(exact["approximate"], true, "retail-bank has misroutes");
    let staffed = common::ivr(&["staff", "menus/retail-bank.yaml", "--format", "json"]).json();
    assert_eq!(exact["queues"], staffed["queues"]);
}
