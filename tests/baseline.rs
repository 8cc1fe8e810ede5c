//! `ivr lint --baseline`: a team accepts today's findings and CI fails only on new ones.

mod common;

use common::{ivr_in, scratch, write};

use common::menus::WARNING_MENU as MENU;

fn rules(run: &common::Run) -> Vec<String> {
    run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().expect("rule").to_string())
        .collect()
}

fn lint(dir: &std::path::Path, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "lint",
        "menu.yaml",
        "--format",
        "json",
        "--deny",
        "warnings",
    ];
    args.extend_from_slice(extra);
    ivr_in(dir, &args)
}

#[test]
fn round_trip_edits_elsewhere_and_a_new_problem() {
    let dir = scratch();
    write(dir.path(), "menu.yaml", MENU);
    let before = lint(dir.path(), &[]);
    assert_eq!(before.code, Some(1));
    assert_eq!(rules(&before), ["menu-navigation"]);

    // Writing the baseline accepts today's finding: nothing left to report.
    let update = lint(
        dir.path(),
        &["--baseline", "base.json", "--update-baseline"],
    );
    assert_eq!(update.code, Some(0), "{}", update.stderr);
    assert!(rules(&update).is_empty());
    assert!(
        update.stderr.contains("wrote 1 finding to base.json"),
        "{}",
        update.stderr
    );
    let written = std::fs::read_to_string(dir.path().join("base.json")).expect("written");
    insta::assert_snapshot!(written);

    // Reading it back gives the same answer, and writing again changes nothing.
    let again = lint(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(again.code, Some(0));
    lint(
        dir.path(),
        &["--baseline", "base.json", "--update-baseline"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("base.json")).expect("rewritten"),
        written
    );

    // An unrelated edit that moves every line: comments on top, a renamed menu title.
    let moved = format!("# Billing menu, owned by the payments team.\n\n{}", MENU)
        .replace("menu: Small", "menu: Small and tidy");
    write(dir.path(), "menu.yaml", &moved);
    assert_eq!(lint(dir.path(), &["--baseline", "base.json"]).code, Some(0));

    // A new problem is reported, the accepted one still hidden.
    let broken = moved.replace(
        "  balance: { type: self_service, serves: [balance] }",
        "  balance: { type: self_service, serves: [balance] }\n  orphan: { type: transfer, queue: general }",
    );
    write(dir.path(), "menu.yaml", &broken);
    let new = lint(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(new.code, Some(1));
    assert_eq!(rules(&new), ["unreachable-node"]);
}

#[test]
fn findings_that_vanished_are_pruned_on_update() {
    let dir = scratch();
    write(dir.path(), "menu.yaml", MENU);
    lint(
        dir.path(),
        &["--baseline", "base.json", "--update-baseline"],
    );
    let fixed = MENU.replace(
        "      - { key: \"0\", say: \"An agent, press 0.\", to: agent }",
        "      - { key: \"0\", say: \"An agent, press 0.\", to: agent }\n      - { key: \"9\", say: \"To go back, press 9.\", to: main }",
    );
    write(dir.path(), "menu.yaml", &fixed);
    assert!(rules(&lint(dir.path(), &[])).is_empty());
    let update = lint(
        dir.path(),
        &["--baseline", "base.json", "--update-baseline"],
    );
    assert!(
        update
            .stderr
            .contains("wrote 0 findings to base.json (1 no longer found, pruned)"),
        "{}",
        update.stderr
    );
    let written = std::fs::read_to_string(dir.path().join("base.json")).expect("written");
    assert!(!written.contains("menu-navigation"), "{written}");
}

#[test]
fn a_file_that_is_not_our_baseline_is_never_overwritten() {
    let dir = scratch();
    write(dir.path(), "menu.yaml", MENU);
    let theirs = "{\"dependencies\": {\"left-pad\": \"1.0\"}}\n";
    write(dir.path(), "package.json", theirs);
    let run = lint(
        dir.path(),
        &["--baseline", "package.json", "--update-baseline"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("not a baseline `ivr` wrote"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("package.json")).expect("kept"),
        theirs
    );
}

#[test]
fn input_errors_are_never_accepted() {
    let dir = scratch();
    write(dir.path(), "menu.yaml", "menu: [unclosed\n");
    let run = lint(
        dir.path(),
        &["--baseline", "base.json", "--update-baseline"],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(rules(&run), ["input-error"]);
}
