//! Where callers go: per-node and per-edge flow figures, from the exact solver and from Monte
//! Carlo, in `ivr sim --format json` and `--format csv --flow`.

mod common;

use common::{example_menus, ivr, scratch, sim_json, write};
use serde_json::Value;

/// Two options, no retries, no fallback: a silence or a wrong key disconnects the call at the
/// menu; everyone else presses their option (no mistakes) and reaches their transfer.
const TWO_WAY: &str = "\
menu: two ways
entry: main
traffic: two.intents.yaml
defaults: { timeout: 5, retries: 0, reaction_time: 1 }
nodes:
  main:
    say: Hello.
    options:
      - { key: 1, say: For sales press 1, to: sales }
      - { key: 2, say: For support press 2, to: support }
  sales: { type: transfer, queue: sales, serves: [buy] }
  support: { type: transfer, queue: support, serves: [fix] }
";

const TWO_WAY_INTENTS: &str = "\
intents:
  buy: 3
  fix: 1
callers: { mistake_rate: 0, invalid_rate: 0.2, no_input_rate: 0.1, patience: null }
";

fn node<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn edge<'a>(report: &'a Value, from: &str, kind: &str, key: Option<&str>) -> &'a Value {
    report["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["from"] == from && e["kind"] == kind && key.is_none_or(|k| e["key"] == k))
        .unwrap_or_else(|| panic!("no {kind} edge from {from}"))
}

fn close(got: &Value, want: f64, what: &str) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what}: {got}"));
    assert!((got - want).abs() < 1e-12, "{what}: {got}, by hand {want}");
}

#[test]
fn exact_flow_of_a_small_menu_is_what_the_hand_computes() {
    let dir = scratch();
    let menu = write(dir.path(), "two.yaml", TWO_WAY);
    write(dir.path(), "two.intents.yaml", TWO_WAY_INTENTS);
    let report = sim_json(&[menu.to_str().unwrap(), "--exact", "--by-intent"]);
    // 70% press a key they mean; 3 in 4 callers want sales.
    let main = node(&report, "main");
    close(&main["visits"]["mean"], 1.0, "main visits");
    close(&main["reached"], 1.0, "main reached");
    close(&main["ended"]["disconnected"], 0.3, "disconnected at main");
    close(&main["lost"], 0.3, "lost at main");
    close(&main["invalid"]["mean"], 0.2, "invalid keys at main");
    close(&main["silences"]["mean"], 0.1, "silences at main");
    let sales = node(&report, "sales");
    close(&sales["visits"]["mean"], 0.7 * 0.75, "sales visits");
    close(&sales["reached"], 0.7 * 0.75, "sales reached");
    close(&sales["ended"]["agent"], 0.7 * 0.75, "agent at sales");
    close(
        &node(&report, "support")["ended"]["agent"],
        0.7 * 0.25,
        "agent at support",
    );
    close(
        &edge(&report, "main", "option", Some("1"))["traversals"]["mean"],
        0.525,
        "key 1",
    );
    close(
        &edge(&report, "main", "option", Some("2"))["traversals"]["mean"],
        0.175,
        "key 2",
    );
    let invalid = edge(&report, "main", "invalid", None);
    assert_eq!(invalid["to"], Value::Null, "retries ran out: disconnected");
    close(&invalid["traversals"]["mean"], 0.2, "invalid way out");
    close(
        &edge(&report, "main", "no_input", None)["traversals"]["mean"],
        0.1,
        "silent way out",
    );
    // Per intent: fix callers never reach sales.
    let fix = &report["intents"]["fix"];
    close(&node(fix, "sales")["reached"], 0.0, "fix callers at sales");
    close(
        &node(fix, "support")["reached"],
        0.7,
        "fix callers at support",
    );
}

/// Every call ends at exactly one node: the ended-here shares add up to 1, and per outcome to
/// the outcome's share.
fn assert_ended_sums(report: &Value, what: &str) {
    let nodes = report["nodes"].as_array().expect("nodes");
    let mut total = 0.0;
    for (outcome, share) in report["overall"]["outcomes"].as_object().expect("outcomes") {
        let sum: f64 = nodes
            .iter()
            .map(|n| n["ended"][outcome].as_f64().unwrap())
            .sum();
        assert!(
            (sum - share.as_f64().unwrap()).abs() < 1e-9,
            "{what}: ended {outcome} sums to {sum}, the outcome's share is {share}"
        );
        total += sum;
    }
    assert!(
        (total - 1.0).abs() < 1e-9,
        "{what}: ended shares sum to {total}"
    );
}

#[test]
fn ended_here_shares_sum_to_one_and_to_each_outcome() {
    for menu in example_menus() {
        let path = menu.to_str().unwrap();
        assert_ended_sums(&sim_json(&[path, "--exact"]), &format!("{path} exact"));
        assert_ended_sums(
            &sim_json(&[path, "--calls", "20000"]),
            &format!("{path} sampled"),
        );
    }
}

/// A figure's Monte Carlo standard error from its interval, floored by the binomial error of
/// the exact figure (a sample that never saw a rare event has an empty interval, and one whose
/// calls were all alike has an open one).
fn se(ci: &Value, exact: f64, n: f64) -> f64 {
    let floor = (exact.max(1.0 / n) / n).sqrt();
    match (ci[0].as_f64(), ci[1].as_f64()) {
        (Some(lo), Some(hi)) => ((hi - lo) / 3.92).max(floor),
        _ => floor,
    }
}

#[test]
fn monte_carlo_flow_agrees_with_exact_within_four_standard_errors() {
    for menu in example_menus() {
        let path = menu.to_str().unwrap();
        let exact = sim_json(&[path, "--exact"]);
        let mc = sim_json(&[path, "--calls", "200000", "--seed", "3"]);
        let n = 200_000.0;
        let mut checked = 0;
        let mut check = |what: String, got: &Value, want: &Value, ci: &Value| {
            let (got, want) = (got.as_f64().unwrap(), want.as_f64().unwrap());
            let z = (got - want).abs() / se(ci, want, n);
            assert!(
                z <= 4.0,
                "{path} {what}: Monte Carlo {got}, exact {want} ({z:.1} SE)"
            );
            checked += 1;
        };
        let pairs = exact["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .zip(mc["nodes"].as_array().unwrap());
        for (e, m) in pairs {
            let id = e["id"].as_str().unwrap();
            for figure in ["visits", "invalid", "silences"] {
                check(
                    format!("{id} {figure}"),
                    &m[figure]["mean"],
                    &e[figure]["mean"],
                    &m[figure]["mean_ci95"],
                );
            }
            if !e["reached"].is_null() {
                check(
                    format!("{id} reached"),
                    &m["reached"],
                    &e["reached"],
                    &m["reached_ci95"],
                );
            }
            for (outcome, share) in e["ended"].as_object().unwrap() {
                check(
                    format!("{id} ended {outcome}"),
                    &m["ended"][outcome],
                    share,
                    &m["ended_ci95"][outcome],
                );
            }
        }
        let edges = exact["edges"]
            .as_array()
            .unwrap()
            .iter()
            .zip(mc["edges"].as_array().unwrap());
        for (e, m) in edges {
            assert_eq!(
                (&e["from"], &e["kind"], &e["key"]),
                (&m["from"], &m["kind"], &m["key"])
            );
            let what = format!("edge {} {} {}", e["from"], e["kind"], e["key"]);
            check(
                what,
                &m["traversals"]["mean"],
                &e["traversals"]["mean"],
                &m["traversals"]["mean_ci95"],
            );
        }
        assert!(checked > 50, "{path}: only {checked} figures compared");
    }
}

#[test]
fn tallying_the_flow_does_not_change_the_other_figures() {
    let json = sim_json(&["menus/retail-bank.yaml", "--calls", "30000"]);
    let csv = ivr(&[
        "sim",
        "menus/retail-bank.yaml",
        "--calls",
        "30000",
        "--format",
        "csv",
    ]);
    let plain_first = csv.stdout.lines().nth(1).expect("overall row").to_string();
    let agent = json["overall"]["outcomes"]["agent"].as_f64().unwrap();
    // The CSV run tallies no flow; its overall agent share is the JSON run's.
    let cell: f64 = plain_first.split(',').nth(3).unwrap().parse().unwrap();
    assert!((cell - agent).abs() < 1e-6, "{cell} vs {agent}");
}

#[test]
fn flow_csv_has_a_row_per_node_and_edge_and_per_intent_with_by_intent() {
    let run = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--exact",
        "--format",
        "csv",
        "--flow",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap();
    let columns = header.split(',').count();
    for line in run.stdout.lines() {
        assert_eq!(line.split(',').count(), columns, "{line}");
    }
    let json = sim_json(&["menus/tutorial.yaml", "--exact"]);
    let rows = json["nodes"].as_array().unwrap().len() + json["edges"].as_array().unwrap().len();
    assert_eq!(run.stdout.lines().count(), 1 + rows);
    assert!(
        run.stdout.contains("\noverall,node,main,,menu,,"),
        "{}",
        run.stdout
    );
    let by_intent = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--exact",
        "--format",
        "csv",
        "--by-intent",
    ]);
    let intents = json["intents"].as_object().unwrap().len();
    assert_eq!(by_intent.stdout.lines().count(), 1 + rows * (1 + intents));
    assert!(
        by_intent
            .stdout
            .lines()
            .any(|l| l.starts_with("track_order,node,order_status,"))
    );
}
