//! `ivr lint` from the command line: formats, exit codes, configuration, suppressions, folders.

mod common;

use common::menus::WARNING_MENU;
use common::{ivr, ivr_in, write};

/// Rules reported in a JSON lint report.
fn rules(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A menu with one error (an unknown target).
const ERROR_MENU: &str = r#"menu: Broken
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: biling, traffic: 0.8 }
      - { key: "2", say: "To complain, press 2.", to: complaints }
      - { key: "0", say: "For an agent, press 0.", to: agent }
  complaints: { type: transfer, queue: complaints, complaint: true }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

#[test]
fn the_bad_menu_demo_reports_every_rule() {
    let _snapshots = common::snapshot_folder("lint_cli");
    let output = ivr(&["lint", "tests/fixtures/bad-menu.yaml"]);
    assert_eq!(output.code, Some(1));
    insta::with_settings!({ filters => vec![(r"in \d+ ms", "in [time] ms")] }, {
        insta::assert_snapshot!("bad_menu_human", output.stdout);
    });
    let report = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--format", "json"]).json();
    let found = rules(&report);
    for rule in ivr::lint::registry::RULES {
        assert!(
            found.iter().any(|r| r == rule.name),
            "the demo does not break `{}`",
            rule.name
        );
    }
    insta::assert_json_snapshot!("bad_menu_json", report);
}

#[test]
fn example_menus_lint_clean() {
    let output = ivr(&["lint", "menus/", "--deny", "warnings", "--format", "json"]);
    let report = output.json();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["files"], 8);
    assert_eq!(output.code, Some(0));
}

#[test]
fn exit_codes_for_each_format() {
    let dir = common::scratch();
    write(dir.path(), "warn.yaml", WARNING_MENU);
    write(dir.path(), "error.yaml", ERROR_MENU);
    for format in ["human", "json", "sarif", "github"] {
        let warn = ivr_in(dir.path(), &["lint", "warn.yaml", "--format", format]);
        assert_eq!(warn.code, Some(0), "{format}: warnings alone pass");
        let denied = ivr_in(
            dir.path(),
            &[
                "lint",
                "warn.yaml",
                "--format",
                format,
                "--deny",
                "warnings",
            ],
        );
        assert_eq!(
            denied.code,
            Some(1),
            "{format}: --deny warnings fails on warnings"
        );
        let error = ivr_in(dir.path(), &["lint", "error.yaml", "--format", format]);
        assert_eq!(error.code, Some(1), "{format}: errors fail");
        let missing = ivr_in(
            dir.path(),
            &["lint", "nothing-here.yaml", "--format", format],
        );
        assert_eq!(
            missing.code,
            Some(2),
            "{format}: a missing path cannot proceed"
        );
    }
}

#[test]
fn json_has_the_shape_of_cli_md() {
    let _snapshots = common::snapshot_folder("lint_cli");
    let dir = common::scratch();
    write(dir.path(), "error.yaml", ERROR_MENU);
    let report = ivr_in(dir.path(), &["lint", "error.yaml", "--format", "json"]).json();
    insta::assert_json_snapshot!("error_menu_json", report);
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-target");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(55))
    );
    assert_eq!(d["node"], "main");
    assert_eq!(
        report["summary"],
        serde_json::json!({ "errors": 1, "warnings": 0, "infos": 0 })
    );
}

#[test]
fn github_annotations_escape_their_text() {
    let _snapshots = common::snapshot_folder("lint_cli");
    let dir = common::scratch();
    write(dir.path(), "error.yaml", ERROR_MENU);
    let output = ivr_in(dir.path(), &["lint", "error.yaml", "--format", "github"]);
    let text = output.stdout;
    insta::assert_snapshot!("error_menu_github", text);
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=error.yaml,line=")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}

#[test]
fn sarif_is_what_code_scanning_accepts() {
    let output = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--format", "sarif"]);
    let sarif = output.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for field in [
            "id",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!rule[field].is_null(), "rule {} lacks {field}", rule["id"]);
        }
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.contains("tests/fixtures/bad-menu"), "{uri}");
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn config_turns_rules_off_changes_severity_and_options() {
    let dir = common::scratch();
    write(
        dir.path(),
        "menus/deep.yaml",
        WARNING_MENU.replace("menu: Small", "menu: Deep"),
    );
    // Without config: a warning for no human within 1 input? No: agent is 1 input away. Tighten it.
    write(
        dir.path(),
        ".ivr.yaml",
        "rules:\n  agent-depth: { max_inputs: 0 }\n  menu-navigation: off\n  reentry: false\n",
    );
    let report = ivr_in(dir.path(), &["lint", "--format", "json"]).json();
    let found = rules(&report);
    assert!(found.iter().any(|r| r == "agent-depth"), "{report:#}");
    assert!(!found.iter().any(|r| r == "menu-navigation"));
    write(
        dir.path(),
        ".ivr.yaml",
        "rules:\n  menu-navigation: error\n",
    );
    let output = ivr_in(dir.path(), &["lint", "--format", "json"]);
    let report = output.json();
    let navigation = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "menu-navigation")
        .expect("menu-navigation finding");
    assert_eq!(navigation["severity"], "error");
    assert_eq!(output.code, Some(1));
    // --config overrides the nearest file.
    write(
        dir.path(),
        "other.yaml",
        "rules:\n  menu-navigation: info\n",
    );
    let report = ivr_in(
        dir.path(),
        &["lint", "--config", "other.yaml", "--format", "json"],
    )
    .json();
    let navigation = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "menu-navigation")
        .unwrap();
    assert_eq!(navigation["severity"], "info");
}

#[test]
fn config_errors_stop_the_run_with_a_hint() {
    let _snapshots = common::snapshot_folder("lint_cli");
    let dir = common::scratch();
    write(dir.path(), "warn.yaml", WARNING_MENU);
    for (config, name) in [
        ("rules:\n  agent-dept: error\n", "unknown_rule"),
        (
            "rules:\n  agent-depth: { max_input: 2 }\n",
            "unknown_option",
        ),
        ("rules:\n  agent-depth: loud\n", "bad_severity"),
        (
            "rules:\n  agent-depth: { max_inputs: 18446744073709551616 }\n",
            "option_beyond_u32",
        ),
        (
            "rules:\n  agent-depth: { max_inputs: 2, ideal_inputs: 3 }\n",
            "ideal_above_max",
        ),
        (
            "rules:\n  agent-depth: { ideal_inputs: 4 }\n",
            "ideal_above_default_max",
        ),
        ("exclude:\n  - \"old/**\"\n  - \"drafts/[a-\"\n", "bad_glob"),
        ("rulez: {}\n", "unknown_field"),
    ] {
        write(dir.path(), ".ivr.yaml", config);
        let output = ivr_in(dir.path(), &["lint", "warn.yaml"]);
        assert_eq!(output.code, Some(2), "{name}");
        insta::assert_snapshot!(format!("config_{name}"), output.stderr);
    }
}

#[test]
fn suppressions_silence_findings_and_unused_ones_are_reported() {
    let _snapshots = common::snapshot_folder("lint_cli");
    let dir = common::scratch();
    // `billing` has no way back: a menu-navigation warning, silenced three ways.
    let by_field = WARNING_MENU.replace(
        "  billing:\n    options:",
        "  billing:\n    lint: { allow: [menu-navigation], reason: callers never go back here }\n    options:",
    );
    let by_comment = WARNING_MENU.replace(
        "  billing:\n",
        "  billing:  # ivr: allow(menu-navigation) one-way menu\n",
    );
    let by_comment_above = WARNING_MENU.replace(
        "  billing:\n",
        "  # ivr: allow(menu-navigation) one-way menu\n  billing:\n",
    );
    for (name, text) in [
        ("field", by_field),
        ("comment", by_comment),
        ("above", by_comment_above),
    ] {
        write(dir.path(), "m.yaml", &text);
        let report = ivr_in(dir.path(), &["lint", "m.yaml", "--format", "json"]).json();
        assert_eq!(rules(&report), Vec::<String>::new(), "{name}: {report:#}");
    }
    let unused = WARNING_MENU.replace(
        "serves: [balance] }",
        "serves: [balance] }  # ivr: allow(dead-end, no-such-rule)",
    );
    write(dir.path(), "m.yaml", &unused);
    let output = ivr_in(dir.path(), &["lint", "m.yaml"]);
    insta::with_settings!({ filters => vec![(r"in \d+ ms", "in [time] ms")] }, {
        insta::assert_snapshot!("unused_allow_human", output.stdout);
    });
}

#[test]
fn folders_respect_gitignore_hidden_folders_and_exclude() {
    let dir = common::scratch();
    write(dir.path(), "menus/a.yaml", WARNING_MENU);
    write(dir.path(), "menus/ignored/b.yaml", ERROR_MENU);
    write(dir.path(), ".gitignore", "menus/ignored/\n");
    write(dir.path(), ".hidden/c.yaml", ERROR_MENU);
    write(dir.path(), "old/d.yaml", ERROR_MENU);
    write(dir.path(), "notes.yaml", "title: not a menu\n");
    write(dir.path(), ".ivr.yaml", "exclude: [old]\n");
    let output = ivr_in(dir.path(), &["lint", "--format", "json"]);
    let report = output.json();
    assert_eq!(report["files"], 1, "{report:#}");
    assert_eq!(output.code, Some(0));
    // A broken YAML file in a walked folder is a finding, and the others are still linted.
    write(dir.path(), "menus/broken.yaml", "menu: [unclosed\n");
    let output = ivr_in(dir.path(), &["lint", "--format", "json"]);
    let report = output.json();
    assert_eq!(
        rules(&report),
        vec!["menu-navigation".to_string(), "input-error".to_string()],
        "{report:#}"
    );
    assert_eq!(report["files"], 2);
    assert_eq!(output.code, Some(1));
}

#[test]
fn no_menu_files_is_a_note_and_success() {
    let dir = common::scratch();
    write(dir.path(), "notes.yaml", "title: not a menu\n");
    let output = ivr_in(dir.path(), &["lint"]);
    assert_eq!(output.code, Some(0));
    assert!(
        output.stdout.contains("no menu files found"),
        "{}",
        output.stdout
    );
}

#[test]
fn popular_first_says_once_that_it_has_no_traffic_data() {
    let dir = common::scratch();
    write(
        dir.path(),
        "warn.yaml",
        WARNING_MENU.replace(", traffic: 0.8", ""),
    );
    let report = ivr_in(dir.path(), &["lint", "warn.yaml", "--format", "json"]).json();
    let infos: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "popular-first")
        .collect();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0]["severity"], "info");
}

#[test]
fn intents_flag_and_traffic_field_feed_the_rules() {
    let dir = common::scratch();
    write(
        dir.path(),
        "warn.yaml",
        WARNING_MENU.replace(", traffic: 0.8", ""),
    );
    write(
        dir.path(),
        "calls.intents.yaml",
        "intents:\n  balance: 10\n  lost_card: 5\n",
    );
    let report = ivr_in(
        dir.path(),
        &[
            "lint",
            "warn.yaml",
            "--intents",
            "calls.intents.yaml",
            "--format",
            "json",
        ],
    )
    .json();
    // Every intent is covered by the general agent; popular-first now has data, so no info.
    assert!(
        !rules(&report).iter().any(|r| r == "popular-first"),
        "{report:#}"
    );
    assert_eq!(report["files"], 2);
    // A `traffic:` naming a missing file points at `traffic:` itself.
    write(
        dir.path(),
        "t.yaml",
        WARNING_MENU.replace("entry: main", "entry: main\ntraffic: nope.intents.yaml"),
    );
    let report = ivr_in(dir.path(), &["lint", "t.yaml", "--format", "json"]).json();
    let error = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "input-error")
        .expect("input error");
    assert_eq!(
        (error["line"].as_u64(), error["file"].as_str()),
        (Some(3), Some("t.yaml"))
    );
}

/// A missing or misspelt `entry` leaves nothing reachable: with every rule on, the slip is
/// reported once, not once per intent (intent-coverage) or per node (unreachable-node).
#[test]
fn a_missing_or_misspelt_entry_is_reported_once() {
    for (fixture, cause) in [
        ("pass_misspelt_entry", "unknown-target"),
        ("pass_missing_entry", "missing-field"),
    ] {
        let path = format!("tests/fixtures/rules/intent-coverage/{fixture}.yaml");
        let report = ivr(&["lint", &path, "--format", "json"]).json();
        assert_eq!(rules(&report), [cause], "{fixture}: {report:#}");
    }
}

/// `popular-first` stays quiet over savings below `min_saving` (0.1 s per caller by default,
/// nothing without barge-in); `min_saving: 0` reports every menu out of popularity order.
#[test]
fn popular_first_min_saving_is_an_option() {
    let dir = common::scratch();
    write(
        dir.path(),
        "zero.ivr.yaml",
        "rules:\n  popular-first: { min_saving: 0 }\n",
    );
    let config = dir.path().join("zero.ivr.yaml");
    for fixture in ["pass_small_saving", "pass_no_barge_in"] {
        let path = format!("tests/fixtures/rules/popular-first/{fixture}.yaml");
        let quiet = ivr(&["lint", &path, "--format", "json"]).json();
        assert!(
            !rules(&quiet).iter().any(|r| r == "popular-first"),
            "{fixture}: {quiet:#}"
        );
        let config = config.to_str().unwrap();
        let loud = ivr(&["lint", &path, "--config", config, "--format", "json"]).json();
        assert!(
            rules(&loud).iter().any(|r| r == "popular-first"),
            "{fixture} with min_saving 0: {loud:#}"
        );
    }
}
