//! `ivr sim --vary` on the queue settings: a queue's agents and the arrival rate, each point
//! run on the same random numbers, with the queue figures per point — a staffing curve in one
//! command.

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

fn traffic(calls_per_hour: u32, agents: u32) -> String {
    format!(
        "intents: {{ anything: 1 }}\narrivals: {{ calls_per_hour: {calls_per_hour} }}\nqueues:\n  general: {{ agents: {agents}, handle_time: 120 }}\n"
    )
}

/// `ivr sim` of the straight-to-queue menu on `traffic`.
fn sim(traffic: &str, args: &[&str]) -> Run {
    let dir = scratch();
    write(dir.path(), "menu.yaml", STRAIGHT_TO_QUEUE);
    write(dir.path(), "traffic.yaml", traffic);
    let mut all = vec![
        "sim",
        "menu.yaml",
        "--intents",
        "traffic.yaml",
        "--seed",
        "2",
    ];
    all.extend_from_slice(args);
    ivr_in(dir.path(), &all)
}

fn json(run: Run) -> Value {
    assert!(run.success(), "{}", run.stderr);
    run.json()
}

#[test]
fn varying_the_agents_draws_a_staffing_curve() {
    let rows = json(sim(
        &traffic(1000, 38),
        &[
            "--calls",
            "20000",
            "--vary",
            "queues.general.agents=30..45",
            "--format",
            "json",
        ],
    ));
    let rows = rows.as_array().unwrap();
    let agents: Vec<u64> = rows
        .iter()
        .map(|r| r["point"]["queues.general.agents"].as_u64().unwrap())
        .collect();
    assert_eq!(agents, (30..=45).collect::<Vec<_>>());
    let service = |r: &Value| {
        r["result"]["queues"]["queues"]["general"]["service_level"]["value"]
            .as_f64()
            .unwrap()
    };
    // 33.3 Erlangs: 30 agents cannot keep up, 45 answer nearly everyone at once.
    assert!(service(&rows[0]) < 0.2, "{}", service(&rows[0]));
    assert!(service(&rows[15]) > 0.99, "{}", service(&rows[15]));
    // Each point is the simulation of the traffic file with that many agents, call for call.
    let at_36 = json(sim(
        &traffic(1000, 36),
        &["--calls", "20000", "--format", "json"],
    ));
    assert_eq!(rows[6]["result"]["queues"], at_36["queues"]);
}

#[test]
fn varying_the_arrival_rate_runs_each_rate() {
    let rows = json(sim(
        &traffic(1000, 38),
        &[
            "--calls",
            "20000",
            "--vary",
            "arrivals.calls_per_hour=800..1200:200",
            "--format",
            "json",
        ],
    ));
    let rows = rows.as_array().unwrap();
    let rates: Vec<f64> = rows
        .iter()
        .map(|r| r["point"]["arrivals.calls_per_hour"].as_f64().unwrap())
        .collect();
    assert_eq!(rates, [800.0, 1000.0, 1200.0]);
    let at_1200 = json(sim(
        &traffic(1200, 38),
        &["--calls", "20000", "--format", "json"],
    ));
    assert_eq!(rows[2]["result"]["queues"], at_1200["queues"]);
    let occupancy = |r: &Value| {
        r["result"]["queues"]["overall"]["occupancy"]["value"]
            .as_f64()
            .unwrap()
    };
    assert!(occupancy(&rows[0]) < occupancy(&rows[1]) && occupancy(&rows[1]) < occupancy(&rows[2]));
}

#[test]
fn the_sweep_table_and_csv_show_the_queue_figures_per_point() {
    let human = sim(
        &traffic(1000, 38),
        &[
            "--calls",
            "20000",
            "--vary",
            "queues.general.agents=36..40:2",
        ],
    );
    assert!(human.success(), "{}", human.stderr);
    insta::assert_snapshot!(human.stdout);
    let csv = sim(
        &traffic(1000, 38),
        &[
            "--calls",
            "20000",
            "--vary",
            "queues.general.agents=36,38",
            "--format",
            "csv",
        ],
    );
    assert!(csv.success(), "{}", csv.stderr);
    let mut lines = csv.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "queues.general.agents");
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    for name in [
        "queues.service_level",
        "queue.general.service_level",
        "queue.general.service_level_low",
        "queue.general.wait.p90",
        "answered",
        "time_to_answer.p90",
    ] {
        let c = column(name);
        for row in &rows {
            assert_eq!(row.len(), header.len());
            assert!(row[c].parse::<f64>().is_ok(), "{name}: {row:?}");
        }
    }
    let sl = column("queue.general.service_level");
    assert!(rows[0][sl].parse::<f64>().unwrap() < rows[1][sl].parse::<f64>().unwrap());
}

#[test]
fn queue_settings_a_sweep_cannot_vary_are_usage_errors() {
    let day = "\
intents: { anything: 1 }
arrivals: { interval_minutes: 30, calls: [100, 200] }
queues:
  general: { agents: [5, 8], handle_time: 120 }
";
    let cases: [(&str, String); 8] = [
        ("queues.genral.agents=30", traffic(1000, 38)),
        ("queues.general.agents=30.5", traffic(1000, 38)),
        ("queues.general.agents=45..30", traffic(1000, 38)),
        ("queues.general.agents=30..45:0", traffic(1000, 38)),
        ("queues.general.handle_time=100", traffic(1000, 38)),
        ("arrivals.calls_per_hour=0..1000:100", traffic(1000, 38)),
        ("arrivals.calls_per_hour=800", day.to_string()),
        (
            "queues.general.agents=30",
            "intents: { anything: 1 }\n".to_string(),
        ),
    ];
    let mut shown = String::new();
    for (vary, traffic) in cases {
        let stderr = sim(&traffic, &["--vary", vary]).failure(2);
        shown.push_str(&format!("$ --vary '{vary}'\n{stderr}\n"));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn a_day_sweeps_the_agents_of_every_interval() {
    let day = "\
intents: { anything: 1 }
arrivals: { interval_minutes: 30, calls: [100, 200] }
queues:
  general: { agents: [5, 8], handle_time: 120 }
";
    let rows = json(sim(
        day,
        &[
            "--days",
            "3",
            "--vary",
            "queues.general.agents=10",
            "--format",
            "json",
        ],
    ));
    let flat = day.replace("[5, 8]", "10");
    let direct = json(sim(&flat, &["--days", "3", "--format", "json"]));
    assert_eq!(rows[0]["result"]["queues"], direct["queues"]);
}
