//! `decision` and `flow` nodes: a decision sends calls along its branches by share, with no
//! input; a flow node continues the call in another menu file, and the files run as one menu.

mod common;

use common::figures::{exact, sampled};
use common::ivr;
use common::load::{document, menu, program, rendered};

const HOURS: &str = r#"
menu: Hours
entry: hours
nodes:
  hours:
    type: decision
    branches:
      - { when: open, share: 4, to: main }
      - { when: closed, share: 1, to: closed }
  closed:
    type: hangup
  main:
    options:
      - { key: 1, say: "For billing, press 1.", to: billing }
      - { key: 0, say: "For an agent, press 0.", to: agent }
  billing: { type: transfer, queue: billing, serves: [billing] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

const TRAFFIC: &str = "intents:\n  billing: { share: 3 }\n  other: { share: 1 }\n";

#[test]
fn a_decision_sends_calls_along_its_branches_by_their_normalised_shares() {
    let program = program(HOURS, TRAFFIC);
    let solved = exact(&program);
    // The closed branch ends at a silent hangup: exactly its share of calls is unresolved.
    assert!((solved.overall.outcomes.unresolved - 0.2).abs() < 1e-12);
    let (mc, _) = sampled(&program, 20_000, 7, 1);
    assert!((mc.overall.outcomes.unresolved - 0.2).abs() < 0.02);
}

#[test]
fn a_branch_with_share_zero_is_never_taken_but_its_target_is_reachable() {
    let text = HOURS.replace("share: 1, to: closed", "share: 0, to: closed");
    let solved = exact(&program(&text, TRAFFIC));
    assert_eq!(solved.overall.outcomes.unresolved, 0.0);
    let m = menu(&text);
    let found = ivr::lint::lint_menu(&m, None, &ivr::lint::Settings::default());
    assert!(
        !found.iter().any(|d| d.code == "unreachable-node"),
        "{found:?}"
    );
}

#[test]
fn lint_paths_show_the_branch_a_decision_takes() {
    // A transfer three inputs deep behind the `open` branch.
    let text = r#"
menu: Deep
entry: hours
nodes:
  hours:
    type: decision
    branches:
      - { when: open, share: 1, to: a }
  a: { options: [{ key: 1, say: "Press 1.", to: b }] }
  b: { options: [{ key: 1, say: "Press 1.", to: c }] }
  c: { options: [{ key: 1, say: "Press 1.", to: d }] }
  d: { options: [{ key: 1, say: "Press 1.", to: agent }] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let found = ivr::lint::lint_menu(&menu(text), None, &ivr::lint::Settings::default());
    let depth = found
        .iter()
        .find(|d| d.code == "agent-depth")
        .expect("agent-depth finding");
    assert!(
        depth.message.contains("hours > [open] > 1 > 1 > 1 > 1"),
        "{}",
        depth.message
    );
}

#[test]
fn a_decision_whose_branches_all_have_share_zero_is_an_input_error_at_the_branches() {
    let text = HOURS
        .replace("share: 4", "share: 0")
        .replace("share: 1,", "share: 0,");
    let error = document("menu.yaml", &text).expect_err("refused");
    let _snapshots = common::snapshot_folder("decision_flow");
    insta::assert_snapshot!("all_shares_zero", rendered(&error));
}

#[test]
fn a_branch_without_share_is_an_input_error_at_the_branch() {
    let text = HOURS.replace(
        "{ when: closed, share: 1, to: closed }",
        "{ when: closed, to: closed }",
    );
    let error = document("menu.yaml", &text).expect_err("refused");
    let _snapshots = common::snapshot_folder("decision_flow");
    insta::assert_snapshot!("branch_without_share", rendered(&error));
}

#[test]
fn graph_draws_a_decision_as_a_diamond_with_branch_labels_and_shares() {
    let dot = ivr(&[
        "graph",
        "tests/fixtures/flows/hours.yaml",
        "--format",
        "dot",
    ]);
    assert!(dot.success(), "{}", dot.stderr);
    assert!(
        dot.stdout.contains("[decision]\", shape=diamond"),
        "{}",
        dot.stdout
    );
    assert!(
        dot.stdout.contains("label=\"[open] 80%\""),
        "{}",
        dot.stdout
    );
    assert!(
        dot.stdout.contains("label=\"[closed] 20%\""),
        "{}",
        dot.stdout
    );
    let mermaid = ivr(&["graph", "tests/fixtures/flows/hours.yaml"]);
    assert!(
        mermaid.stdout.contains("{\"hours<br/>[decision]\"}"),
        "{}",
        mermaid.stdout
    );
    let svg = ivr(&[
        "graph",
        "tests/fixtures/flows/hours.yaml",
        "--format",
        "svg",
    ]);
    assert!(svg.stdout.contains("<polygon points="), "{}", svg.stdout);
}

#[test]
fn graph_draws_a_flow_hand_off_as_a_link_to_the_other_file() {
    let dot = ivr(&[
        "graph",
        "tests/fixtures/flows/front.yaml",
        "--format",
        "dot",
    ]);
    assert!(dot.success(), "{}", dot.stderr);
    assert!(dot.stdout.contains("[flow → hours.yaml]"), "{}", dot.stdout);
    assert!(dot.stdout.contains("URL=\"hours.yaml\""), "{}", dot.stdout);
    let svg = ivr(&[
        "graph",
        "tests/fixtures/flows/front.yaml",
        "--format",
        "svg",
    ]);
    assert!(
        svg.stdout.contains("<a href=\"hours.yaml\">"),
        "{}",
        svg.stdout
    );
}

/// The figures of `ivr sim --exact --format json`, without the file name.
fn exact_outcomes(menu: &str) -> serde_json::Value {
    let run = ivr(&["sim", menu, "--exact", "--format", "json"]);
    assert!(run.success(), "{}", run.stderr);
    run.json()["overall"]["outcomes"].clone()
}

#[test]
fn a_flow_hand_off_runs_the_other_file_as_part_of_one_menu() {
    // `front.yaml` only hands over to `hours.yaml`: the same calls, the same figures.
    assert_eq!(
        exact_outcomes("tests/fixtures/flows/front.yaml"),
        exact_outcomes("tests/fixtures/flows/hours.yaml")
    );
    let run = ivr(&[
        "sim",
        "tests/fixtures/flows/front.yaml",
        "--exact",
        "--flow",
        "--format",
        "json",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let ids: Vec<String> = run.json()["nodes"]
        .as_array()
        .expect("flow nodes")
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&"hours.yaml#main".to_string()), "{ids:?}");
}

#[test]
fn a_hand_off_to_a_missing_file_is_unknown_target_in_lint_and_exit_2_in_sim() {
    let lint = ivr(&[
        "lint",
        "tests/fixtures/flows/broken.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    let found = lint.json();
    let hit = found["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "unknown-target")
        .unwrap_or_else(|| panic!("{found:#}"))
        .clone();
    assert_eq!(hit["line"], 6);
    assert_eq!(hit["column"], 11);
    let sim = ivr(&[
        "sim",
        "tests/fixtures/flows/broken.yaml",
        "--intents",
        "tests/fixtures/flows/hours.intents.yaml",
    ]);
    let stderr = sim.failure(2);
    assert!(
        stderr.contains("nowhere.yaml, which does not exist"),
        "{stderr}"
    );
}

#[test]
fn files_that_hand_calls_to_each_other_or_to_themselves_end_as_looped_not_as_a_hang() {
    for menu in [
        "tests/fixtures/flows/ping.yaml",
        "tests/fixtures/flows/itself.yaml",
    ] {
        let run = common::Ivr::new(&["sim", menu, "--calls", "2000", "--format", "json"])
            .run_guarded(std::time::Duration::from_secs(60));
        assert!(run.success(), "{menu}: {}", run.stderr);
        let looped = run.json()["overall"]["outcomes"]["looped"]
            .as_f64()
            .unwrap();
        assert!(looped > 0.5, "{menu}: {looped}");
    }
}

#[test]
fn depth_rules_judge_the_files_joined_by_flow_nodes_as_one_menu() {
    // `front.yaml` holds no transfer, but the next file does: no agent-depth finding.
    let lint = ivr(&[
        "lint",
        "tests/fixtures/flows/front.yaml",
        "--format",
        "json",
    ]);
    let found = lint.json();
    let codes: Vec<&str> = found["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"agent-depth"), "{codes:?}");
    assert!(!codes.contains(&"intent-coverage"), "{codes:?}");
}

#[test]
fn vary_sweeps_a_branch_share_of_a_decision() {
    let run = ivr(&[
        "sim",
        "tests/fixtures/flows/hours.yaml",
        "--exact",
        "--format",
        "json",
        "--vary",
        "nodes.hours.branches.closed=0..0.3",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let rows = run.json();
    let rows = rows.as_array().expect("one row per point");
    assert_eq!(rows.len(), 5);
    // Open has share 0.8: closed at 0.3 sends 0.3 / 1.1 of the calls to the silent hangup.
    let last = &rows[4]["result"]["overall"]["outcomes"]["unresolved"];
    assert!((last.as_f64().unwrap() - 0.3 / 1.1).abs() < 1e-12, "{last}");
    let first = &rows[0]["result"]["overall"]["outcomes"]["unresolved"];
    assert_eq!(first.as_f64(), Some(0.0));
    let wrong = ivr(&[
        "sim",
        "tests/fixtures/flows/hours.yaml",
        "--vary",
        "nodes.hours.branches.shut=0,1",
    ]);
    let stderr = wrong.failure(2);
    assert!(stderr.contains("has no branch `shut`"), "{stderr}");
}

#[test]
fn compare_runs_files_joined_by_flow_nodes_as_one_menu() {
    // The front door only hands over: the two menus are the same calls, with no difference.
    let run = ivr(&[
        "compare",
        "tests/fixtures/flows/front.yaml",
        "tests/fixtures/flows/hours.yaml",
        "--exact",
        "--format",
        "json",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let json = run.json();
    assert_eq!(
        json["a"]["overall"]["outcomes"], json["b"]["overall"]["outcomes"],
        "{json:#}"
    );
}
