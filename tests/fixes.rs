//! `ivr lint --fix` and `--diff`: each safe fix on a small menu, the file before, the diff and
//! the file after, with the comments and the odd quoting of the rest of the file kept.

mod common;

use common::fixes::diff_fix_diff;
use common::{Run, ivr_in, scratch, write};

/// A menu's tail every case shares: the nodes the options lead to.
const TAIL: &str = r#"  billing:
    options:
      - { key: "1", say: "Your balance, press 1.", to: balance }
      - { key: "9", say: 'Back, press 9.', to: main }   # back to the top
      - { key: "0", say: "An agent, press 0.", to: agent }
  balance: { type: self_service, serves: [balance] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

fn menu(main: &str) -> String {
    format!(
        "# Owned by the payments team.\nmenu: 'Small'   # the small one\nentry: main\ndefaults: {{ on_fail: agent }}\nnodes:\n{main}{TAIL}"
    )
}

/// Runs `--diff` then `--fix` on the menu and returns the snapshot text: input, diff, output.
fn fixed(main: &str) -> (String, Run) {
    fixed_file(menu(main))
}

fn fixed_file(input: String) -> (String, Run) {
    let dir = scratch();
    write(dir.path(), "menu.yaml", &input);
    diff_fix_diff(dir.path(), &[])
}

#[test]
fn quotes_a_bare_star_key() {
    let (text, fix) = fixed(
        r#"  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: *, say: "For an agent, press star.", to: agent }   # star: agent
"#,
    );
    assert_eq!(fix.code, Some(0));
    insta::assert_snapshot!(text);
}

#[test]
fn quotes_a_bare_hash_key() {
    // Last in the file: YAML reads the rest of the line as a comment, and the parser's error
    // comes where the bracket is missed, which must be near for `ivr` to see why.
    let (text, fix) = fixed_file(format!(
        "{}{}",
        menu(""),
        r#"  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: #, say: "For the operator, press hash.", to: agent }
"#
    ));
    assert_eq!(fix.code, Some(0));
    insta::assert_snapshot!(text);
}

#[test]
fn quotes_a_bare_star_in_a_list() {
    let (text, _) = fixed(
        r#"  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: "0", say: "For anything else, press 0.", to: other }
  other: { type: transfer, queue: general, serves: [*] }
"#,
    );
    insta::assert_snapshot!(text);
}

#[test]
fn quotes_every_bare_star_round_after_round() {
    // The loader stops at the first; the second shows only once the first is quoted.
    let (text, fix) = fixed(
        r#"  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: *, say: "For an agent, press star.", to: agent }
  other: { type: transfer, queue: general, serves: [*] }
"#,
    );
    assert!(
        fix.stderr.contains("quote the key; quote the `*`"),
        "{}",
        fix.stderr
    );
    insta::assert_snapshot!(text);
}

#[test]
fn quotes_the_whole_prompt_a_comma_cut() {
    let (text, _) = fixed(
        r#"  main:
    options:
      - { key: "1", say: For billing, or to pay a "bill" or two, press 1., to: billing }
      - { key: "0", say: "For an agent, press 0.", to: agent }
"#,
    );
    insta::assert_snapshot!(text);
}

#[test]
fn removes_suppressions_that_suppress_nothing() {
    let (text, _) = fixed(
        r#"  main:   # ivr: allow(too-many-options, reentry) seasonal menu
    lint: { allow: [dead-end, self-service-depth] }
    options:
      # ivr: allow(prompt-length)
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: "0", say: "For an agent, press 0.", to: agent }   # ivr: allow(prompt-length) long
"#,
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_fix_that_would_break_loading_is_refused() {
    // Quoting the `*` makes the file readable YAML, where `say` is written twice: the
    // fixed file would not load either, so nothing is written.
    let dir = scratch();
    let input = menu(
        r#"  main:
    options:
      - { key: *, say: "Star.", to: agent, say: "Again." }
"#,
    );
    write(dir.path(), "menu.yaml", &input);
    let diff = ivr_in(dir.path(), &["lint", "menu.yaml", "--diff"]);
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
    assert!(
        diff.stderr
            .contains("not fixing menu.yaml: the fixed file would not load"),
        "{}",
        diff.stderr
    );
    let fix = ivr_in(dir.path(), &["lint", "menu.yaml", "--fix"]);
    assert_eq!(fix.code, Some(1));
    assert!(
        fix.stderr.contains("not fixing menu.yaml"),
        "{}",
        fix.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("menu.yaml")).expect("kept"),
        input
    );
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = scratch();
    write(
        dir.path(),
        "menu.yaml",
        menu(
            r#"  main:   # ivr: allow(reentry)
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: "0", say: "For an agent, press 0.", to: agent }
"#,
        ),
    );
    let json = ivr_in(dir.path(), &["lint", "menu.yaml", "--format", "json"]).json();
    let at = |findings: &serde_json::Value, key: &str| {
        findings
            .as_array()
            .expect("findings")
            .iter()
            .position(|d| d[key] == "unused-allow")
            .expect("the unused allow")
    };
    let finding = &json["diagnostics"][at(&json["diagnostics"], "rule")];
    insta::assert_json_snapshot!(finding["fix"]);
    let sarif = ivr_in(dir.path(), &["lint", "menu.yaml", "--format", "sarif"]).json();
    let results = &sarif["runs"][0]["results"];
    insta::assert_json_snapshot!(results[at(results, "ruleId")]["fixes"]);
}

#[test]
fn quotes_numeric_looking_ids_where_defined_and_named() {
    let (text, fix) = fixed_file(
        r#"# Numbered the way the old platform numbered its blocks.
menu: 'Numbered'
entry: 0100   # the main menu
defaults: { on_fail: agent }
nodes:
  0100:
    options:
      - { key: "1", say: 'Billing, press 1.', to: 2.50 }
      - { key: "0", say: "An agent, press 0.", to: agent }
  2.50: { type: self_service, serves: [pay_bill] }   # was block 2.5
  agent: { type: transfer, queue: general, serves: ["*"] }
"#
        .to_string(),
    );
    assert_eq!(fix.code, Some(0));
    insta::assert_snapshot!(text);
}
