//! `ivr sim --check` (gates) and `ivr sim --vary` (sweeps), through the real binary.
//!
//! The fixture `tests/fixtures/gates/small.yaml` has exact figures known by hand (see its
//! header): bounds are chosen far from them, or (for `inconclusive`) at the estimate itself,
//! which lies strictly inside its own Wilson interval, so every verdict is certain.

mod common;

use common::{Run, ivr, ivr_in, root};
use serde_json::Value;

const SMALL: &str = "tests/fixtures/gates/small.yaml";
const SELF_SERVICE: &str = "tests/fixtures/gates/self-service.yaml";

/// `sim SMALL --calls N --seed 1` with these checks.
fn gate(calls: &str, checks: &[&str]) -> Run {
    let mut args = vec!["sim", SMALL, "--calls", calls, "--seed", "1"];
    for c in checks {
        args.extend(["--check", c]);
    }
    ivr(&args)
}

/// The check lines of the human output: (expr, verdict word).
fn verdicts(text: &str) -> Vec<(String, String)> {
    let table = text
        .split("\n  check ")
        .nth(1)
        .expect("a check table after the report");
    table
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let verdict = words
                .iter()
                .find(|w| ["pass", "fail", "inconclusive"].contains(w))
                .expect("a verdict");
            let expr = l.trim().split("  ").next().unwrap().trim().to_string();
            (expr, verdict.to_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Gates

#[test]
fn all_checks_pass_exit_0() {
    let out = gate(
        "2000",
        &[
            "abandoned<=0.01",
            "self_served >= 0.5",
            "time.p90<=60",
            "time.mean < 12",
            "intent.complaint.inputs.mean>=0.9",
            "intent.balance.self_served>0.8",
            "time_to_agent.p99 <= 30",
        ],
    );
    let text = out.stdout;
    assert_eq!(out.code, Some(0), "{text}{}", out.stderr);
    // The report comes first, then the checks.
    assert!(text.starts_with("tests/fixtures/gates/small.yaml: 2000 simulated calls, seed 1"));
    let found = verdicts(&text);
    assert_eq!(found.len(), 7);
    assert!(found.iter().all(|(_, v)| v == "pass"), "{text}");
    assert_eq!(found[0].0, "abandoned <= 0.01");
    // Every complaint call pressed one key: nothing bounds the mean from above, but the
    // calls bound it from below.
    assert_eq!(found[4].0, "intent.complaint.inputs.mean >= 0.9");
    // Every line shows the value and its interval.
    let line = text
        .lines()
        .find(|l| l.contains("intent.complaint.inputs.mean >= 0.9"))
        .unwrap();
    assert!(line.contains("  1.000  [0.994, open)  "), "{line}");
    assert!(
        text.ends_with("\n7 checks: 7 passed, 0 failed, 0 inconclusive\n"),
        "{text}"
    );
}

#[test]
fn a_failing_check_exits_1() {
    let out = gate(
        "2000",
        &["self_served >= 0.9", "abandoned <= 0.01", "time.mean > 30"],
    );
    let text = out.stdout;
    assert_eq!(out.code, Some(1), "{text}");
    let found: Vec<String> = verdicts(&text).into_iter().map(|(_, v)| v).collect();
    assert_eq!(found, ["fail", "pass", "fail"]);
    assert!(
        text.ends_with("\n3 checks: 1 passed, 2 failed, 0 inconclusive\n"),
        "{text}"
    );
}

/// The estimate at 100 calls, read from the JSON.
fn estimate(figure: &str) -> f64 {
    let out = ivr(&[
        "sim", SMALL, "--calls", "100", "--seed", "3", "--format", "json",
    ]);
    let json: Value = out.json();
    json["overall"]["outcomes"][figure].as_f64().unwrap()
}

#[test]
fn a_bound_inside_the_interval_is_inconclusive_exit_1() {
    // A bound at the estimate is inside its interval (0 < k < n), whatever the seed.
    let p = estimate("self_served");
    assert!(p > 0.0 && p < 1.0);
    let bound = format!("self_served >= {p}");
    let out = ivr(&[
        "sim", SMALL, "--calls", "100", "--seed", "3", "--check", &bound,
    ]);
    let text = out.stdout;
    assert_eq!(out.code, Some(1), "{text}");
    assert_eq!(verdicts(&text)[0].1, "inconclusive");
    assert!(text.contains("the interval straddles"), "{text}");
    assert!(text.contains("raise --calls"), "{text}");
    assert!(
        text.ends_with("\n1 check: 0 passed, 0 failed, 1 inconclusive\n"),
        "{text}"
    );

    // Fails and inconclusives are counted apart.
    let out = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "100",
        "--seed",
        "3",
        "--check",
        &bound,
        "--check",
        "agent >= 0.9",
        "--check",
        "abandoned <= 0.5",
    ]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout
            .ends_with("\n3 checks: 1 passed, 1 failed, 1 inconclusive\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_null_figure_is_inconclusive_with_a_note() {
    let out = ivr(&[
        "sim",
        SELF_SERVICE,
        "--calls",
        "200",
        "--check",
        "time_to_agent.mean <= 100",
        "--check",
        "self_served >= 0.5",
    ]);
    let text = out.stdout;
    assert_eq!(out.code, Some(1), "{text}");
    assert_eq!(
        verdicts(&text),
        [
            (
                "time_to_agent.mean <= 100".to_string(),
                "inconclusive".to_string()
            ),
            ("self_served >= 0.5".to_string(), "pass".to_string()),
        ]
    );
    assert!(text.contains("no call reached an agent"), "{text}");
    let out = ivr(&[
        "sim",
        SELF_SERVICE,
        "--calls",
        "200",
        "--format",
        "json",
        "--check",
        "time_to_agent.mean <= 100",
    ]);
    let json: Value = out.json();
    assert_eq!(
        json["checks"][0],
        serde_json::json!({ "expr": "time_to_agent.mean <= 100", "value": null, "ci95": null, "calls": null, "verdict": "inconclusive" })
    );
}

#[test]
fn exact_checks_pass_or_fail_without_intervals() {
    let out = ivr(&[
        "sim",
        SMALL,
        "--exact",
        "--check",
        "self_served >= 0.6",
        "--check",
        "unresolved < 0.01",
        "--check",
        "intent.complaint.agent >= 0.9",
    ]);
    let text = out.stdout;
    assert_eq!(out.code, Some(1), "{text}");
    let found: Vec<String> = verdicts(&text).into_iter().map(|(_, v)| v).collect();
    assert_eq!(found, ["pass", "fail", "pass"]);
    assert!(!text.contains("interval"), "{text}");
    assert!(
        text.ends_with("\n3 checks: 2 passed, 1 failed, 0 inconclusive\n"),
        "{text}"
    );

    let out = ivr(&[
        "sim",
        SMALL,
        "--exact",
        "--check",
        "self_served >= 0.6",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, Some(0));
    let json: Value = out.json();
    assert_eq!(json["checks"][0]["ci95"], Value::Null);
    assert_eq!(json["checks"][0]["verdict"], "pass");
    assert!((json["checks"][0]["value"].as_f64().unwrap() - 0.675).abs() < 1e-9);
}

#[test]
fn json_adds_a_checks_list() {
    let output = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "1000",
        "--seed",
        "1",
        "--format",
        "json",
        "--check",
        "abandoned<=0.01",
        "--check",
        "agent >= 0.9",
    ]);
    assert_eq!(output.code, Some(1));
    let json: Value = output.json();
    let checks = json["checks"].as_array().expect("a checks list");
    assert_eq!(checks.len(), 2);
    for c in checks {
        let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["expr", "value", "ci95", "calls", "verdict"]);
    }
    assert_eq!(checks[0]["expr"], "abandoned <= 0.01");
    assert_eq!(checks[0]["value"], 0.0);
    assert_eq!(checks[0]["verdict"], "pass");
    assert_eq!(checks[1]["verdict"], "fail");
    let [low, high] = [0, 1].map(|i| checks[1]["ci95"][i].as_f64().unwrap());
    let agent = json["overall"]["outcomes"]["agent"].as_f64().unwrap();
    assert!(low < agent && agent < high);
    // The rest is the plain `sim --format json` object.
    let plain = ivr(&[
        "sim", SMALL, "--calls", "1000", "--seed", "1", "--format", "json",
    ]);
    let mut plain: Value = plain.json();
    assert!(plain.get("checks").is_none());
    plain["checks"] = json["checks"].clone();
    assert_eq!(plain, json);
    // The quantile intervals are there too.
    assert!(json["overall"]["time"]["p90_ci95"].is_array());
}

#[test]
fn csv_stays_csv_and_the_checks_go_to_stderr() {
    let out = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "500",
        "--format",
        "csv",
        "--check",
        "agent >= 0.9",
    ]);
    assert_eq!(out.code, Some(1));
    let plain = ivr(&["sim", SMALL, "--calls", "500", "--format", "csv"]);
    assert_eq!(out.stdout, plain.stdout);
    let err = out.stderr;
    assert!(err.contains("agent >= 0.9"), "{err}");
    assert!(
        err.contains("1 check: 0 passed, 1 failed, 0 inconclusive"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Checks from the config

/// A folder with the small menu, its intents and a `.ivr.yaml` with this text.
fn folder_with_config(config: &str) -> tempfile::TempDir {
    let dir = common::scratch();
    for name in ["small.yaml", "small.intents.yaml"] {
        std::fs::copy(
            root().join("tests/fixtures/gates").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join(".ivr.yaml"), config).unwrap();
    dir
}

#[test]
fn config_checks_apply_when_no_check_is_given() {
    let dir = folder_with_config("checks:\n  - abandoned <= 0.01\n  - self_served >= 0.9\n");
    let out = ivr_in(dir.path(), &["sim", "small.yaml", "--calls", "1000"]);
    let text = out.stdout;
    assert_eq!(out.code, Some(1), "{text}{}", out.stderr);
    assert_eq!(
        verdicts(&text),
        [
            ("abandoned <= 0.01".to_string(), "pass".to_string()),
            ("self_served >= 0.9".to_string(), "fail".to_string()),
        ]
    );
    // `--check` replaces the config's checks.
    let out = ivr_in(
        dir.path(),
        &[
            "sim",
            "small.yaml",
            "--calls",
            "1000",
            "--check",
            "self_served >= 0.5",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(verdicts(&out.stdout).len(), 1);
    // Found from the menu's folder, not the current one.
    let out = ivr(&[
        "sim",
        dir.path().join("small.yaml").to_str().unwrap(),
        "--calls",
        "1000",
    ]);
    assert_eq!(out.code, Some(1));
    assert_eq!(verdicts(&out.stdout).len(), 2);
}

#[test]
fn config_flag_names_the_checks_file() {
    let out = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "1000",
        "--config",
        "tests/fixtures/gates/checks.ivr.yaml",
    ]);
    assert_eq!(out.code, Some(1));
    let text = out.stdout;
    assert_eq!(verdicts(&text).len(), 2);
    assert!(
        text.ends_with("\n2 checks: 1 passed, 1 failed, 0 inconclusive\n"),
        "{text}"
    );
    // Without it (and no .ivr.yaml above the fixtures) there are no checks.
    let out = ivr(&["sim", SMALL, "--calls", "1000"]);
    assert_eq!(out.code, Some(0));
    assert!(!out.stdout.contains("checks:"));
}

#[test]
fn a_bad_check_in_the_config_points_at_its_line() {
    let dir = folder_with_config("checks:\n  - abandoned <= 0.01\n  - abandonned <= 0.1\n");
    let out = ivr_in(dir.path(), &["sim", "small.yaml", "--calls", "100"]);
    assert_eq!(out.code, Some(2));
    let err = out.stderr;
    assert!(err.contains(".ivr.yaml:3:"), "{err}");
    assert!(err.contains("unknown figure `abandonned`"), "{err}");
    assert!(err.contains("did you mean `abandoned`?"), "{err}");
}

/// Whitespace runs as one space: the renderer wraps long help lines.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checks of `ivr sim --format json` in `dir` with its `.ivr.yaml`, as written.
fn config_check_exprs(dir: &std::path::Path) -> Vec<String> {
    let run = ivr_in(
        dir,
        &["sim", "small.yaml", "--calls", "1000", "--format", "json"],
    );
    // Exit 0 or 1 with verdicts; a check the config cannot hold would be exit 2.
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let report: Value = run.json();
    report["checks"]
        .as_array()
        .expect("a checks list")
        .iter()
        .map(|c| c["expr"].as_str().unwrap().to_string())
        .collect()
}

/// A misshapen `checks:` is an error at its line whose help shows a `checks:` that works: the
/// example, written to a config as it is shown, runs its checks.
#[test]
fn the_checks_help_shows_a_config_that_works() {
    for (config, at, says) in [
        (
            "checks:\n  - abandoned: 0.08\n",
            ".ivr.yaml:2:5",
            "a check is text, found a mapping",
        ),
        (
            "checks: abandoned <= 0.08\n",
            ".ivr.yaml:1:9",
            "expected a list of checks, found a string",
        ),
        (
            "checks:\n  - [abandoned, 0.08]\n",
            ".ivr.yaml:2:5",
            "a check is text, found a list",
        ),
    ] {
        let dir = folder_with_config(config);
        let out = ivr_in(dir.path(), &["sim", "small.yaml", "--calls", "100"]);
        assert_eq!(out.code, Some(2), "{config:?}: {}", out.stderr);
        assert!(out.stderr.contains(at), "{config:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{config:?}: {}", out.stderr);
        let help = one_line(&out.stderr);
        assert!(
            help.contains(&format!("`{}`", ivr::config::CHECKS_EXAMPLE)),
            "{config:?}: {help}"
        );
    }
    let dir = folder_with_config(&format!("{}\n", ivr::config::CHECKS_EXAMPLE));
    assert_eq!(
        config_check_exprs(dir.path()),
        ["abandoned <= 0.08", "time.p90 <= 90"]
    );
}

/// Every example check in `ivr sim --help` and in the config's JSON Schema is one `ivr sim`
/// accepts (`NAME` standing for an intent of the menu).
#[test]
fn the_example_checks_in_help_texts_parse() {
    let help = ivr(&["sim", "--help"]).stdout;
    let schema = ivr(&["schema", "config"]).stdout;
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let description = schema["properties"]["checks"]["description"]
        .as_str()
        .expect("a description of `checks`")
        .to_string();
    let mut examples = Vec::new();
    for text in [help, description] {
        for (i, quoted) in text.split('`').enumerate() {
            if i % 2 == 1 && quoted.contains(['<', '>']) && !quoted.contains(' ') {
                examples.push(quoted.replace("NAME", "balance"));
            }
        }
    }
    assert!(examples.len() >= 4, "{examples:?}");
    let config = examples
        .iter()
        .map(|e| format!("  - {e}\n"))
        .collect::<String>();
    let dir = folder_with_config(&format!("checks:\n{config}"));
    assert_eq!(config_check_exprs(dir.path()).len(), examples.len());
}

// ---------------------------------------------------------------------------------------------
// Usage errors

/// A usage error is a diagnostic like an input error: one `error(usage-error)` report (with its
/// help, when it has one), given before any file is read.
#[test]
fn usage_errors_are_diagnostics() {
    let cases: &[&[&str]] = &[
        &["sim", "nowhere.yaml", "--calls", "0"],
        &["sim", "nowhere.yaml", "--threads", "5000"],
        &["sim", "nowhere.yaml", "--vary", "mistake_rate=0.1"],
        &["sim", SMALL, "--check", "abandonned <= 0.1"],
        &["compare", "nowhere.yaml", "nowhere.yaml", "--calls", "0"],
        &["rule", "popular-frist"],
    ];
    for args in cases {
        let err = ivr(args).failure(2);
        assert!(err.starts_with("error(usage-error)"), "{args:?}:\n{err}");
        assert_eq!(err.matches("error(").count(), 1, "{args:?}:\n{err}");
        assert!(!err.contains("nowhere.yaml"), "{args:?}:\n{err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--check", "abandoned 0.08"], "has no comparison"),
        (&["--check", "abandoned = 0.08"], "cannot test `=`"),
        (&["--check", "abandoned <= lots"], "`lots` is not a number"),
        (&["--check", "abandoned <= 8"], "write 8% as 0.08"),
        (
            &["--check", "abandonned <= 0.1"],
            "did you mean `abandoned`?",
        ),
        (&["--check", "time.p95 <= 10"], "unknown figure `time.p95`"),
        (
            &["--check", "intent.complaints.agent >= 0.5"],
            "did you mean `complaint`?",
        ),
        (
            &["--check", "intent.nobody.agent >= 0.5"],
            "the intents are: balance, complaint",
        ),
        (
            &["--check", "complaint.agent >= 0.5"],
            "did you mean `intent.complaint.agent`?",
        ),
        (&["--exact", "--check", "time.p90 <= 60"], "is a quantile"),
        (
            &["--exact", "--check", "intent.balance.inputs.p50 <= 2"],
            "is a quantile",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["sim", SMALL, "--calls", "100"];
        all.extend_from_slice(args);
        let out = ivr(&all);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stdout);
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = out.stderr_unwrapped();
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn sweep_usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--vary", "callers.mistake_rate"], "has no `=`"),
        (
            &["--vary", "mistake_rate=0.1"],
            "did you mean `callers.mistake_rate`?",
        ),
        (
            &["--vary", "callers.speed=1"],
            "not a parameter a sweep can vary",
        ),
        (
            &["--vary", "callers.mistake_rate=0.1,1.5"],
            "a probability from 0 to 1",
        ),
        (
            &["--vary", "callers.mistake_rate=0.1,,0.2"],
            "an empty value",
        ),
        (
            &["--vary", "callers.patience=0"],
            "above 0 and at most 86400 seconds (one day), or null",
        ),
        (
            &["--vary", "callers.patience=1e18"],
            "above 0 and at most 86400 seconds (one day), or null",
        ),
        (
            &["--vary", "callers.patience=forever"],
            "`forever` is not a number",
        ),
        (&["--vary", "callers.barge_in=yes"], "true or false"),
        (
            &["--vary", "callers.digit_time=-1"],
            "a number of seconds from 0 to 86400 (one day)",
        ),
        (
            &["--vary", "callers.digit_time=86401"],
            "a number of seconds from 0 to 86400 (one day)",
        ),
        (
            &[
                "--vary",
                "callers.mistake_rate=0.5,0.9",
                "--vary",
                "callers.invalid_rate=0,0.2",
            ],
            "at the point callers.mistake_rate=0.9, callers.invalid_rate=0.2",
        ),
        (
            &[
                "--vary",
                "callers.patience=60",
                "--vary",
                "callers.patience=120",
            ],
            "varied twice",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["sim", SMALL, "--calls", "100"];
        all.extend_from_slice(args);
        let out = ivr(&all);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stdout);
        let err = out.stderr_unwrapped();
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Sweeps

const SWEEP: [&str; 10] = [
    "sim",
    SMALL,
    "--calls",
    "400",
    "--seed",
    "7",
    "--vary",
    "callers.mistake_rate=0,0.1",
    "--vary",
    "callers.patience=20,null",
];

#[test]
fn sweep_human_snapshot() {
    let _snapshots = common::snapshot_folder("sim_gates");
    let out = ivr(&SWEEP);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    insta::assert_snapshot!("sweep_human", out.stdout);
}

#[test]
fn sweep_csv_snapshot() {
    let _snapshots = common::snapshot_folder("sim_gates");
    let mut args = SWEEP.to_vec();
    args.extend(["--format", "csv"]);
    let out = ivr(&args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout;
    insta::assert_snapshot!("sweep_csv", text);
    // The point's values lead; then the overall row of `sim --format csv` after scope and share.
    let plain = ivr(&["sim", SMALL, "--calls", "400", "--format", "csv"]).stdout;
    let sim_header = plain.lines().next().unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        format!(
            "callers.mistake_rate,callers.patience,{}",
            sim_header.strip_prefix("scope,share,").unwrap()
        )
    );
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn sweep_points_use_the_same_random_numbers_as_a_plain_run() {
    // The fixture's callers have mistake_rate 0.1 and no patience limit: that point of the
    // grid is the plain run, to the last digit.
    let mut args = SWEEP.to_vec();
    args.extend(["--format", "json"]);
    let out = ivr(&args);
    let list: Value = out.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    let points: Vec<Value> = list.iter().map(|p| p["point"].clone()).collect();
    assert_eq!(
        points,
        [
            serde_json::json!({ "callers.mistake_rate": 0.0, "callers.patience": 20.0 }),
            serde_json::json!({ "callers.mistake_rate": 0.0, "callers.patience": null }),
            serde_json::json!({ "callers.mistake_rate": 0.1, "callers.patience": 20.0 }),
            serde_json::json!({ "callers.mistake_rate": 0.1, "callers.patience": null }),
        ]
    );
    let plain = ivr(&[
        "sim", SMALL, "--calls", "400", "--seed", "7", "--format", "json",
    ]);
    let plain = common::without_flow(plain.json());
    assert_eq!(list[3]["result"], plain);
    // No mistakes and no patience limit: every balance call is served.
    assert_eq!(
        list[1]["result"]["intents"]["balance"]["outcomes"]["self_served"],
        1.0
    );
}

#[test]
fn exact_sweep() {
    let out = ivr(&[
        "sim",
        SMALL,
        "--exact",
        "--vary",
        "callers.mistake_rate=0,0.1",
        "--vary",
        "callers.barge_in=true,false",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let list: Value = out.json();
    let share = |i: usize| {
        list[i]["result"]["overall"]["outcomes"]["self_served"]
            .as_f64()
            .unwrap()
    };
    assert!((share(0) - 0.75).abs() < 1e-12);
    assert!((share(2) - 0.675).abs() < 1e-12);
    let plain = ivr(&["sim", SMALL, "--exact", "--format", "json"]);
    let plain = common::without_flow(plain.json());
    assert_eq!(list[2]["result"], plain);
    // Without barge-in callers hear the whole menu: 1 + 3 + 3 + 3 s, then 1 s to react.
    let time = list[1]["result"]["overall"]["time"]["mean"]
        .as_f64()
        .unwrap();
    assert!((time - 11.0).abs() < 1e-9, "{time}");
    let human = ivr(&["sim", SMALL, "--exact", "--vary", "callers.digit_time=0,1"]).stdout;
    assert!(
        human.contains("2 points, exact solution of the caller model at each"),
        "{human}"
    );
}

/// The two wrong passes: a p99 from 46 calls and a mean of 43 identical calls bound
/// nothing above, so `<=` gates on them are inconclusive and say how many calls they had.
#[test]
fn a_gate_on_too_few_calls_is_inconclusive_and_says_how_many_it_needs() {
    let out = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "1000",
        "--seed",
        "1",
        "--check",
        "intent.complaint.time.p99<=45",
        "--check",
        "intent.complaint.time_to_agent.mean<=16",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let json: Value = out.json();
    let p99 = &json["checks"][0];
    assert_eq!(p99["verdict"], "inconclusive");
    assert_eq!(p99["ci95"][1], Value::Null, "open above: {p99}");
    assert_eq!(p99["calls"], json["intents"]["complaint"]["calls"]);
    let mean = &json["checks"][1];
    assert_eq!(mean["verdict"], "inconclusive");
    assert_eq!(mean["ci95"][1], Value::Null, "{mean}");
    let human = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "1000",
        "--seed",
        "1",
        "--check",
        "intent.complaint.time.p99<=45",
    ])
    .stdout;
    assert!(
        human.contains("too few calls: intent `complaint` had 46 calls; a p99 needs at least 368"),
        "{human}"
    );
}

/// `misrouted+unresolved`: the share of calls ending in either, with the Wilson interval of
/// their combined count (exact: misrouted 0.0375 + unresolved 0.0125 = 0.05).
#[test]
fn a_sum_of_shares_is_one_share_with_its_own_interval() {
    let out = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "2000",
        "--seed",
        "1",
        "--format",
        "json",
        "--check",
        "misrouted+unresolved<=0.1",
        "--check",
        "misrouted + unresolved >= 0.1",
    ]);
    let json: Value = out.json();
    let overall = &json["overall"]["outcomes"];
    let sum = overall["misrouted"].as_f64().unwrap() + overall["unresolved"].as_f64().unwrap();
    let check = &json["checks"][0];
    assert_eq!(check["expr"], "misrouted+unresolved <= 0.1");
    assert!((check["value"].as_f64().unwrap() - sum).abs() < 1e-12);
    let (lo, hi) = (
        check["ci95"][0].as_f64().unwrap(),
        check["ci95"][1].as_f64().unwrap(),
    );
    assert!(lo < sum && sum < hi && hi < 0.1, "[{lo}, {hi}]");
    assert_eq!(check["verdict"], "pass");
    assert_eq!(json["checks"][1]["verdict"], "fail");
    let exact = ivr(&[
        "sim",
        SMALL,
        "--exact",
        "--format",
        "json",
        "--check",
        "misrouted+unresolved<=0.05",
    ]);
    let check = &exact.json()["checks"][0];
    assert!(
        (check["value"].as_f64().unwrap() - 0.05).abs() < 1e-9,
        "{check}"
    );
}

#[test]
fn the_share_reaching_a_person_within_a_bound_is_a_gate() {
    // In the fixture every call reaching a person does so in at most 11 s, none in half a
    // second; 8 s is a time some calls take, so the bucket holding it straddles the bound.
    let out = ivr(&[
        "sim",
        SMALL,
        "--calls",
        "2000",
        "--seed",
        "1",
        "--format",
        "json",
        "--check",
        "time_to_agent.within(30)>=0.8",
        "--check",
        "time_to_agent.within(0.5) >= 0.8",
        "--check",
        "time_to_agent.within(8) >= 0.8",
        "--check",
        "intent.complaint.time_to_agent.within(30) >= 0.8",
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let json: Value = out.json();
    let reached = json["overall"]["calls_to_agent"].as_u64().unwrap();
    let checks = &json["checks"];
    assert_eq!(checks[0]["expr"], "time_to_agent.within(30) >= 0.8");
    // Its calls are those reaching a person, and its interval is Wilson's from their count.
    assert_eq!(checks[0]["calls"].as_u64(), Some(reached));
    assert_eq!(checks[0]["value"].as_f64(), Some(1.0));
    assert!(checks[0]["ci95"][0].as_f64().unwrap() > 0.99);
    let verdicts: Vec<&str> = (0..4)
        .map(|i| checks[i]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["pass", "fail", "inconclusive", "pass"]);
    let (lo, hi) = (
        checks[2]["ci95"][0].as_f64().unwrap(),
        checks[2]["ci95"][1].as_f64().unwrap(),
    );
    let value = checks[2]["value"].as_f64().unwrap();
    assert!(
        lo < value && value < hi && lo < 0.8 && 0.8 < hi,
        "{}",
        checks[2]
    );
    assert_eq!(
        json["checks"][3]["calls"],
        json["intents"]["complaint"]["calls_to_agent"]
    );
}

#[test]
fn the_share_within_a_bound_is_refused_under_exact_and_when_malformed() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--exact", "--check", "time_to_agent.within(30) >= 0.8"],
            "the exact solver computes their mean only",
        ),
        (
            &["--check", "time_to_agent.within(30) >= 80"],
            "write 80% as 0.8",
        ),
        (
            &["--check", "time_to_agent.within(soon) >= 0.8"],
            "unknown figure `time_to_agent.within(soon)`",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["sim", SMALL, "--calls", "100"];
        all.extend_from_slice(args);
        let out = ivr(&all);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stdout);
        let err = out.stderr_unwrapped();
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
