//! What `ivr sim` prints: the JSON and CSV shapes, the human report (snapshots), and exit code 2
//! for what cannot be simulated.

mod common;

use common::figures::OUTCOMES;
use common::{ivr, sim_json};
use serde_json::Value;

/// Every figures object of a report: the overall one and each intent's.
fn scopes(report: &Value) -> Vec<(String, &Value)> {
    let mut all = vec![("overall".to_string(), &report["overall"])];
    for (name, v) in report["intents"].as_object().expect("intents object") {
        all.push((name.clone(), v));
    }
    all
}

fn assert_scope_shape(scope: &Value, exact: bool, what: &str) {
    let outcomes = scope["outcomes"].as_object().expect("outcomes");
    let keys: Vec<&str> = outcomes.keys().map(String::as_str).collect();
    assert_eq!(keys, OUTCOMES, "{what}: outcome names and order");
    let cis = scope["outcomes_ci95"].as_object().expect("outcomes_ci95");
    let keys: Vec<&str> = cis.keys().map(String::as_str).collect();
    assert_eq!(keys, OUTCOMES, "{what}: interval names and order");
    let total: f64 = outcomes.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() <= 1e-9, "{what}: shares sum to {total}");
    for (name, v) in outcomes {
        let share = v.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{what}: {name} = {share}");
        if !exact {
            let [lo, hi] = [
                cis[name][0].as_f64().unwrap(),
                cis[name][1].as_f64().unwrap(),
            ];
            assert!(
                lo <= share && share <= hi,
                "{what}: {name} outside its interval"
            );
        }
    }
    for quantity in ["inputs", "time"] {
        let d = &scope[quantity];
        assert!(
            d["mean"].as_f64().unwrap() >= 0.0,
            "{what}: {quantity} mean"
        );
        for q in ["p50", "p90", "p99"] {
            if exact {
                assert!(d[q].is_null(), "{what}: {quantity} {q} with --exact");
            } else if quantity == "inputs" {
                assert!(
                    d[q].is_u64(),
                    "{what}: inputs {q} = {} is not an integer",
                    d[q]
                );
                for bound in d[format!("{q}_ci95")].as_array().unwrap() {
                    assert!(bound.is_u64(), "{what}: inputs {q}_ci95 = {bound}");
                }
            } else {
                assert!(d[q].as_f64().unwrap() >= 0.0, "{what}: time {q}");
            }
        }
    }
}

/// Every key ending in `_ci95` and every quantile anywhere in `v` is null (`outcomes_ci95`
/// keeps its seven names, each null, so the shape does not change with `--exact`).
fn assert_no_intervals(v: &Value, path: &str) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let at = format!("{path}.{k}");
                if k == "outcomes_ci95" {
                    let each = child.as_object().expect("outcomes_ci95 object");
                    assert_eq!(each.len(), OUTCOMES.len());
                    assert!(
                        each.values().all(Value::is_null),
                        "{at} = {child} with --exact"
                    );
                } else if k.ends_with("_ci95") || ["p50", "p90", "p99"].contains(&k.as_str()) {
                    assert!(child.is_null(), "{at} = {child} with --exact");
                } else {
                    assert_no_intervals(child, &at);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| assert_no_intervals(child, path)),
        _ => {}
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let intents_order = [
        "track_order",
        "returns_policy",
        "arrange_return",
        "complaint",
        "other",
    ];
    for exact in [false, true] {
        let mut args = vec!["menus/tutorial.yaml", "--calls", "20000", "--seed", "3"];
        if exact {
            args.push("--exact");
        }
        let report = sim_json(&args);
        assert_eq!(report["menu"], "menus/tutorial.yaml");
        assert_eq!(report["exact"], exact);
        if exact {
            assert!(report["calls"].is_null() && report["seed"].is_null());
            assert_no_intervals(&report, "");
        } else {
            assert_eq!(report["calls"], 20000);
            assert_eq!(report["seed"], 3);
        }
        let names: Vec<&str> = report["intents"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, intents_order, "intents in the file's order");
        let shares: f64 = report["intents"]
            .as_object()
            .unwrap()
            .values()
            .map(|i| i["share"].as_f64().unwrap())
            .sum();
        assert!((shares - 1.0).abs() <= 1e-9);
        // track_order weighs 45 of 100.
        assert_eq!(report["intents"]["track_order"]["share"], 0.45);
        for (name, scope) in scopes(&report) {
            assert_scope_shape(scope, exact, &format!("{name} (exact: {exact})"));
        }
    }
}

/// Splits CSV text into rows of fields (quoted fields may hold commas and doubled quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', false) if field.is_empty() => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', true) => quoted = false,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        fields.push(field);
        rows.push(fields);
    }
    rows
}

const CSV_HEADER: &str = "scope,share,self_served,agent,misrouted,unresolved,disconnected,abandoned,looped,inputs_mean,inputs_p50,inputs_p90,inputs_p99,time_mean,time_p50,time_p90,time_p99";

#[test]
fn csv_report_has_one_row_per_intent_in_file_order() {
    for exact in [false, true] {
        let mut args = vec![
            "sim".to_string(),
            "tests/fixtures/sim/names.yaml".to_string(),
            "--calls".into(),
            "20000".into(),
            "--format".into(),
            "csv".into(),
        ];
        if exact {
            args.push("--exact".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = ivr(&args);
        assert!(output.success(), "{}", output.stderr);
        let text = output.stdout.clone();
        assert_eq!(text.lines().next(), Some(CSV_HEADER));
        assert!(
            text.contains("\n\"billing, payments\",") && text.contains("\n\"say \"\"hi\"\"\","),
            "names quoted as CSV requires:\n{text}"
        );
        let rows = parse_csv(&text);
        let scopes: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            scopes,
            [
                "overall",
                "zeta",
                "billing, payments",
                "say \"hi\"",
                "alpha"
            ]
        );
        for row in &rows {
            assert_eq!(row.len(), 17, "{row:?}");
        }
        // Weights 2, 5, 1, 3 of 11.
        let shares: Vec<f64> = rows[1..].iter().map(|r| r[1].parse().unwrap()).collect();
        for (got, want) in shares
            .iter()
            .zip([1.0, 2.0 / 11.0, 5.0 / 11.0, 1.0 / 11.0, 3.0 / 11.0])
        {
            assert!((got - want).abs() <= 1e-6, "share {got}, want {want}");
        }
        for row in &rows[1..] {
            let total: f64 = row[2..9].iter().map(|c| c.parse::<f64>().unwrap()).sum();
            assert!((total - 1.0).abs() <= 1e-5, "{row:?}");
            for (i, cell) in row.iter().enumerate().skip(10) {
                if i == 13 {
                    continue; // time_mean
                }
                if exact {
                    assert!(cell.is_empty(), "quantile {cell} with --exact");
                } else if i < 13 {
                    cell.parse::<u64>().expect("inputs quantiles are integers");
                } else {
                    assert!(cell.parse::<f64>().unwrap() >= 0.0);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Human output

fn human(args: &[&str]) -> String {
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    let output = ivr(&all);
    assert!(output.success(), "{}", output.stderr);
    output.stdout.clone()
}

#[test]
fn human_report_snapshots() {
    let _snapshots = common::snapshot_folder("sim_output");
    insta::assert_snapshot!(
        "tutorial_human",
        human(&["menus/tutorial.yaml", "--calls", "20000", "--seed", "1"])
    );
    insta::assert_snapshot!(
        "retail_bank_human",
        human(&["menus/retail-bank.yaml", "--calls", "20000", "--seed", "1"])
    );
    insta::assert_snapshot!(
        "retail_bank_exact_human",
        human(&["menus/retail-bank.yaml", "--exact"])
    );
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn unsimulable_input_exits_2() {
    let text = ivr(&["sim", "tests/fixtures/sim/unknown-target.yaml"]).failure(2);
    assert!(
        text.contains("unknown-target") && text.contains("`billing`") && text.contains(":7:"),
        "the finding is listed with its place:\n{text}"
    );

    let output = ivr(&["sim", "tests/fixtures/sim/no-traffic.yaml"]);
    assert_eq!(output.code, Some(2));
    assert!(output.stderr.contains("intents"), "{}", output.stderr);

    let stderr = ivr(&[
        "sim",
        "tests/fixtures/sim/worked-example.yaml",
        "--calls",
        "0",
    ])
    .failure(2);
    assert!(stderr.contains("--calls"), "{stderr}");
}

#[test]
fn a_suppression_does_not_let_sim_run_a_menu_it_refuses() {
    let dir = common::scratch();
    common::write(
        dir.path(),
        "names.intents.yaml",
        std::fs::read(common::root().join("tests/fixtures/sim/names.intents.yaml")).unwrap(),
    );
    let menu = common::write(
        dir.path(),
        "menu.yaml",
        r#"menu: Suppressed
entry: main
traffic: names.intents.yaml
nodes:
  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: nowhere }  # ivr: allow(unknown-target)
      - { key: "0", say: "For an agent, press 0.", to: agent }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#,
    );
    // The linter accepts the finding...
    let lint = common::ivr(&["lint", menu.to_str().unwrap()]);
    assert_eq!(lint.code, Some(0), "{}", lint.stdout);
    // ...but the simulator cannot run an option that leads nowhere, and says why.
    let run = common::Ivr::new(&["sim", menu.to_str().unwrap(), "--calls", "100"]).run();
    let text = common::Run {
        stderr: run.stderr_unwrapped(),
        ..run
    }
    .failure(2);
    assert!(text.contains("unknown-target"), "{text}");
    assert!(
        text.contains("whatever `.ivr.yaml` or a suppression says"),
        "{text}"
    );
}
