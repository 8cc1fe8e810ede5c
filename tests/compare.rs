//! `ivr compare`: paired differences with common random numbers.

mod common;

use common::figures::OUTCOMES;
use common::{Run, ivr};
use serde_json::Value;

fn json(output: &Run) -> Value {
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    output.json()
}

const SLOW: &str = "tests/fixtures/compare/slow.yaml";
const FAST: &str = "tests/fixtures/compare/fast.yaml";

fn diff(report: &Value, path: &[&str]) -> (f64, [f64; 2], bool) {
    let mut d = &report["diff"]["overall"];
    for p in path {
        d = &d[p];
    }
    let ci = d["ci95"]
        .as_array()
        .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
        .unwrap_or([f64::NAN; 2]);
    (
        d["diff"].as_f64().unwrap(),
        ci,
        d["significant"].as_bool().unwrap(),
    )
}

#[test]
fn a_menu_compared_with_itself_differs_by_nothing() {
    let report = json(&ivr(&[
        "compare", SLOW, SLOW, "--calls", "30000", "--format", "json",
    ]));
    // No pair of calls differs, yet 30,000 pairs cannot rule out a true difference of about
    // 3.8 / 30,000 either way: the interval of a share difference stays open by that much.
    for o in OUTCOMES {
        let (d, [lo, hi], significant) = diff(&report, &["outcomes", o]);
        assert_eq!((d, significant), (0.0, false), "{o}");
        assert!(
            lo < -1e-4 && hi > 1e-4 && lo > -2e-4 && hi < 2e-4,
            "{o}: [{lo}, {hi}]"
        );
    }
    // Every paired difference of a mean was 0: the sample bounds nothing, so no interval.
    for q in ["inputs", "time"] {
        let d = &report["diff"]["overall"][q]["mean"];
        assert_eq!(
            (d["diff"].as_f64(), &d["ci95"]),
            (Some(0.0), &Value::Null),
            "{q}"
        );
    }
    for (_, intent) in report["diff"]["intents"].as_object().unwrap() {
        assert_eq!(intent["time"]["mean"]["diff"], 0.0);
    }
    assert_eq!(report["a"]["overall"], report["b"]["overall"]);
}

#[test]
fn a_reorder_the_exact_solver_says_saves_time_shows_a_significant_saving() {
    let exact = json(&ivr(&[
        "compare", SLOW, FAST, "--exact", "--format", "json",
    ]));
    let (exact_saving, _, _) = diff(&exact, &["time", "mean"]);
    assert!(
        exact_saving < -1.0,
        "moving the popular option first saves seconds: {exact_saving}"
    );
    assert!(exact["diff"]["overall"]["time"]["mean"]["ci95"].is_null());
    let sampled = json(&ivr(&[
        "compare", SLOW, FAST, "--calls", "100000", "--format", "json",
    ]));
    let (saving, [lo, hi], significant) = diff(&sampled, &["time", "mean"]);
    assert!(significant && hi < 0.0, "{saving} [{lo}, {hi}]");
    // The exact difference lies within the paired interval (widened by a little for 4 SE).
    let half = (hi - lo) / 2.0;
    assert!(
        (saving - exact_saving).abs() <= 2.1 * half,
        "{saving} vs exact {exact_saving} ± {half}"
    );
    // Most callers want the balance: the median call gets shorter (batch means over 4,096 calls).
    let (p50, _, p50_significant) = diff(&sampled, &["time", "p50"]);
    assert!(
        p50 < 0.0 && p50_significant,
        "p50 difference from batch means: {p50}"
    );
}

/// Common random numbers make the interval of a difference far narrower than two
/// independent runs would.
#[test]
fn common_random_numbers_narrow_the_interval_of_a_difference() {
    let paired = json(&ivr(&[
        "compare", SLOW, FAST, "--calls", "50000", "--format", "json",
    ]));
    let (_, [lo, hi], _) = diff(&paired, &["time", "mean"]);
    let paired_width = hi - lo;
    let width = |report: &Value| {
        let ci = &report["overall"]["time"]["mean_ci95"];
        ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()
    };
    let a = json(&ivr(&[
        "sim", SLOW, "--calls", "50000", "--seed", "1", "--format", "json",
    ]));
    let b = json(&ivr(&[
        "sim", FAST, "--calls", "50000", "--seed", "2", "--format", "json",
    ]));
    // Independent runs: the variances add.
    let independent_width = (width(&a).powi(2) + width(&b).powi(2)).sqrt();
    let ratio = paired_width / independent_width;
    assert!(
        ratio < 0.7,
        "paired width {paired_width} vs independent {independent_width} (ratio {ratio})"
    );
    // Within one intent the paired calls follow each other even more closely.
    let intent_width = |report: &Value| {
        let ci = &report["intents"]["balance"]["time"]["mean_ci95"];
        ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()
    };
    let ci = &paired["diff"]["intents"]["balance"]["time"]["mean"]["ci95"];
    let paired_intent = ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap();
    let independent_intent = (intent_width(&a).powi(2) + intent_width(&b).powi(2)).sqrt();
    assert!(
        paired_intent / independent_intent < 0.6,
        "{paired_intent} vs {independent_intent}"
    );
}

#[test]
fn each_side_is_the_sim_of_that_menu_with_the_same_seed() {
    let compared = json(&ivr(&[
        "compare", SLOW, FAST, "--calls", "20000", "--seed", "9", "--format", "json",
    ]));
    for (side, menu) in [("a", SLOW), ("b", FAST)] {
        let alone = common::without_flow(json(&ivr(&[
            "sim", menu, "--calls", "20000", "--seed", "9", "--format", "json",
        ])));
        assert_eq!(compared[side], alone, "{side}");
    }
}

#[test]
fn threads_do_not_change_a_comparison() {
    let one = ivr(&[
        "compare",
        SLOW,
        FAST,
        "--calls",
        "140000",
        "--threads",
        "1",
        "--format",
        "json",
    ]);
    let two = ivr(&[
        "compare",
        SLOW,
        FAST,
        "--calls",
        "140000",
        "--threads",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn human_output_marks_significant_differences() {
    let _snapshots = common::snapshot_folder("compare");
    let output = ivr(&["compare", SLOW, FAST, "--calls", "20000", "--seed", "3"]);
    assert_eq!(output.code, Some(0));
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn different_traffic_files_need_intents() {
    let dir = common::scratch();
    let root = common::root().join("tests/fixtures/compare");
    let text = std::fs::read_to_string(root.join("fast.yaml"))
        .unwrap()
        .replace("callers.intents.yaml", "other.intents.yaml");
    let other = dir.path().join("fast-other.yaml");
    std::fs::write(&other, text).unwrap();
    std::fs::copy(
        root.join("other.intents.yaml"),
        dir.path().join("other.intents.yaml"),
    )
    .unwrap();
    let other = other.to_string_lossy().into_owned();
    let output = ivr(&["compare", SLOW, &other, "--calls", "1000"]);
    assert_eq!(output.code, Some(2));
    assert!(output.stderr.contains("--intents"));
    let with_intents = ivr(&[
        "compare",
        SLOW,
        &other,
        "--calls",
        "1000",
        "--intents",
        "tests/fixtures/compare/callers.intents.yaml",
    ]);
    assert_eq!(with_intents.code, Some(0), "{}", with_intents.stderr);
}

/// Every `significant` flag of a report section, recursively.
fn significant_flags(v: &Value, out: &mut Vec<bool>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Bool(b)) = map.get("significant") {
                out.push(*b);
            }
            map.values().for_each(|x| significant_flags(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| significant_flags(x, out)),
        _ => {}
    }
}

#[test]
fn exact_differences_have_no_intervals_and_no_significance_marks() {
    let report = json(&ivr(&[
        "compare", SLOW, FAST, "--exact", "--format", "json",
    ]));
    let mut flags = Vec::new();
    significant_flags(&report["diff"], &mut flags);
    assert!(flags.len() > 20, "{flags:?}");
    assert!(
        flags.iter().all(|f| !f),
        "nothing is sampled, nothing is significant"
    );
    let human = ivr(&["compare", SLOW, FAST, "--exact"]).stdout;
    assert!(!human.contains(" *"), "{human}");
    assert!(human.contains("exact: no intervals"), "{human}");
}

#[test]
fn a_quantile_difference_is_b_quantile_minus_a_quantile_at_any_number_of_calls() {
    // 500 calls: below the 4,096-call batches quantile differences once needed.
    for calls in ["500", "20000"] {
        let report = json(&ivr(&[
            "compare", SLOW, FAST, "--calls", calls, "--seed", "4", "--format", "json",
        ]));
        for level in ["p50", "p90"] {
            let a = report["a"]["overall"]["time"][level].as_f64().unwrap();
            let b = report["b"]["overall"]["time"][level].as_f64().unwrap();
            let d = &report["diff"]["overall"]["time"][level];
            let diff = d["diff"].as_f64().unwrap();
            assert!(
                (diff - (b - a)).abs() < 1e-9,
                "{calls} {level}: {diff} vs {b} - {a}"
            );
            let ci = d["ci95"].as_array().expect("an interval");
            let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
            assert!(lo <= hi, "{calls} {level}: [{lo}, {hi}]");
        }
    }
    // The bootstrap is seeded: threads change nothing.
    let run = |threads: &str| {
        json(&ivr(&[
            "compare",
            SLOW,
            FAST,
            "--calls",
            "70000",
            "--seed",
            "4",
            "--threads",
            threads,
            "--format",
            "json",
        ]))["diff"]
            .clone()
    };
    assert_eq!(run("1"), run("3"));
}

/// `--format csv`: one row per scope, the unit in every column name, the same figures as JSON
/// (shares in percent, their differences in percentage points).
#[test]
fn csv_has_a_row_per_scope_with_units_in_the_column_names() {
    let args = ["compare", SLOW, FAST, "--calls", "3000", "--seed", "2"];
    let text = ivr(&[&args[..], &["--format", "csv"]].concat()).stdout;
    let report = json(&ivr(&[&args[..], &["--format", "json"]].concat()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        ["scope", "calls", "self_served_a_pct", "self_served_b_pct"]
    );
    assert!(header.contains(&"abandoned_diff_pp") && header.contains(&"time_p90_diff_s"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let intents = report["diff"]["intents"].as_object().unwrap();
    assert_eq!(rows.len(), 1 + intents.len());
    let cell = |row: &[&str], name: &str| -> f64 {
        let i = header.iter().position(|h| *h == name).unwrap();
        row[i].parse().unwrap()
    };
    let overall = &rows[0];
    assert_eq!(overall[0], "overall");
    assert_eq!(overall[1], report["diff"]["overall"]["calls"].to_string());
    let d = &report["diff"]["overall"]["outcomes"]["abandoned"];
    assert!(
        (cell(overall, "abandoned_diff_pp") - 100.0 * d["diff"].as_f64().unwrap()).abs() < 1e-4
    );
    assert!(
        (cell(overall, "abandoned_diff_low_pp") - 100.0 * d["ci95"][0].as_f64().unwrap()).abs()
            < 1e-4
    );
    let p90 = &report["diff"]["overall"]["time"]["p90"]["diff"];
    assert!((cell(overall, "time_p90_diff_s") - p90.as_f64().unwrap()).abs() < 1e-6);
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}");
    }
}

#[test]
fn time_to_agent_is_compared_as_b_mean_minus_a_mean_over_the_calls_reaching_a_person() {
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "compare",
            "menus/retail-bank.yaml",
            "docs/what-if/short-greeting.yaml",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        a
    };
    let sampled = json(&ivr(&args(&["--calls", "20000", "--seed", "1"])));
    let (d, [lo, hi], _) = diff(&sampled, &["time_to_agent", "mean"]);
    let mean = |side: &str| {
        sampled[side]["overall"]["time_to_agent"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!((d - (mean("b") - mean("a"))).abs() < 1e-9, "{d}");
    assert!(lo < d && d < hi, "[{lo}, {hi}]");
    // Its interval covers the exact difference.
    let exact = json(&ivr(&args(&["--exact"])));
    let (truth, _, significant) = diff(&exact, &["time_to_agent", "mean"]);
    assert!(!significant);
    assert!(lo <= truth && truth <= hi, "{truth} not in [{lo}, {hi}]");
    // Every intent has the figure too.
    for (name, scope) in sampled["diff"]["intents"].as_object().unwrap() {
        assert!(scope["time_to_agent"]["mean"].is_object(), "{name}");
    }
}

#[test]
fn time_to_agent_is_in_the_human_table_and_the_csv() {
    let run = |format: &'static str| {
        ivr(&[
            "compare",
            "menus/retail-bank.yaml",
            "docs/what-if/short-greeting.yaml",
            "--calls",
            "2000",
            "--seed",
            "1",
            "--format",
            format,
        ])
    };
    let human = run("human").stdout;
    assert!(human.contains("\n  to agent mean (s) "), "{human}");
    let csv = run("csv").stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for column in [
        "time_to_agent_mean_a_s",
        "time_to_agent_mean_b_s",
        "time_to_agent_mean_diff_s",
        "time_to_agent_mean_diff_low_s",
        "time_to_agent_mean_diff_high_s",
        "time_to_agent_mean_significant",
    ] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    let json = json(&run("json"));
    let at = header
        .iter()
        .position(|c| *c == "time_to_agent_mean_diff_s")
        .unwrap();
    let overall: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let (d, _, _) = diff(&json, &["time_to_agent", "mean"]);
    assert!((overall[at].parse::<f64>().unwrap() - d).abs() < 1e-5);
}
