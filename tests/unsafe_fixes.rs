//! `ivr lint --fix --unsafe-fixes` and `--diff --unsafe-fixes`: each unsafe fix on a small menu
//! with its traffic (the file before, the diff, the file after and what the simulation check
//! said), comments and odd quoting kept; the check refusing a fix that makes callers worse off
//! and accepting one that helps; and the examples and the bad demo menu end to end.

mod common;

use common::fixes::diff_fix_diff;
use common::{Run, ivr_in, root, scratch, write};

/// Traffic for the card menu: balance is by far the most wanted.
const TRAFFIC: &str = "intents:\n  balance: 60\n  lost: 10\n  payments: 25\n  other: 5\n";

/// A card menu whose `main` is given; the nodes the options lead to follow.
fn menu(main: &str) -> String {
    format!(
        "# Card services.\nmenu: 'Cards'   # the card line\nentry: main\ntraffic: menu.intents.yaml\ndefaults: {{ on_fail: agent }}\nnodes:\n{main}  lost: {{ type: self_service, serves: [lost] }}\n  payments: {{ type: self_service, serves: [payments] }}\n  balance: {{ type: self_service, serves: [balance] }}\n  agent: {{ type: transfer, queue: general, serves: [\"*\"] }}\n"
    )
}

/// Runs `--diff --unsafe-fixes`, then `--fix --unsafe-fixes`, then `--diff --unsafe-fixes`
/// again (which must find nothing left to write) on the menu and its traffic, and returns
/// the snapshot text and the `--fix` run.
fn fixed(input: &str, traffic: &str) -> (String, Run) {
    let dir = scratch();
    write(dir.path(), "menu.yaml", input);
    write(dir.path(), "menu.intents.yaml", traffic);
    diff_fix_diff(dir.path(), &["--unsafe-fixes"])
}

#[test]
fn prompt_key_mismatch_names_the_key_in_the_prompts_own_words() {
    let (text, fix) = fixed(
        &menu(
            r#"  main:
    options:
      - { key: "1", say: "For your balance, press 1.", to: balance }
      - { key: '2', say: 'For payments, press three.', to: payments }   # moved from 3
      - { key: "3", say: "For lost cards, press 3.", to: lost }
      - { key: "0", say: "For an agent, press 0.", to: agent }
"#,
        ),
        TRAFFIC,
    );
    assert!(
        fix.stderr.contains("prompt-key-mismatch on `main`"),
        "{}",
        fix.stderr
    );
    insta::assert_snapshot!(text);
}

#[test]
fn popular_first_reorders_and_renumbers_around_0_and_star() {
    // `0` and `*` keep their keys and places; the ordinary options move with their comments
    // and take the keys 1, 2, 3 in their new order, prompts and all.
    let (text, fix) = fixed(
        &menu(
            r#"  main:
    say: Welcome.
    options:
      # rare, but urgent
      - { key: "1", say: "For lost cards, press 1.", to: lost }
      - { key: "0", say: 'For an agent, press zero.', to: agent }
      - key: '2'
        say: To make a payment, press two.   # payments
        to: payments
      - { key: "3", say: "For your balance, press 3.", to: balance }
      - { key: "*", say: "To hear this again, press star.", to: main }
"#,
        ),
        TRAFFIC,
    );
    assert_eq!(fix.code, Some(0), "{}", fix.stderr);
    insta::assert_snapshot!(text);
}

#[test]
fn reentry_adds_the_missing_re_prompt_handlers() {
    let input = r#"menu: Cards
entry: main
traffic: menu.intents.yaml
defaults:
  retries: 0   # one slip and the call is gone
nodes:
  main:
    say: "Welcome."
    options:
      - { key: "1", say: "For your balance, press 1.", to: balance }
      - { key: "2", say: "For payments, press 2.", to: payments }
      - { key: "0", say: "For an agent, press 0.", to: agent }
    on_invalid: { say: 'Oops, that is not a key.' }
  lost: { type: self_service, serves: [lost] }
  payments: { type: self_service, serves: [payments] }
  balance: { type: self_service, serves: [balance] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let (text, fix) = fixed(input, TRAFFIC);
    assert!(fix.stderr.contains("reentry on `main`"), "{}", fix.stderr);
    insta::assert_snapshot!(text);
}

#[test]
fn menu_navigation_adds_a_back_option() {
    let input = r#"menu: Cards
entry: main
traffic: menu.intents.yaml
defaults: { on_fail: agent }
nodes:
  main:
    options:
      - { key: "1", say: "For your cards, press 1.", to: cards }   # all card matters
      - { key: "0", say: "For an agent, press 0.", to: agent }
  cards:
    say: 'Card services.'
    options:
      - { key: "1", say: "For your balance, press 1.", to: balance }
      - { key: "2", say: "For payments, press 2.", to: payments }
      - { key: "3", say: "For lost cards, press 3.", to: lost }
  lost: { type: self_service, serves: [lost] }
  payments: { type: self_service, serves: [payments] }
  balance: { type: self_service, serves: [balance] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let (text, fix) = fixed(input, TRAFFIC);
    assert!(
        fix.stderr.contains("menu-navigation on `cards`"),
        "{}",
        fix.stderr
    );
    insta::assert_snapshot!(text);
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let dir = scratch();
    let input = menu(
        r#"  main:
    options:
      - { key: "1", say: "For lost cards, press 1.", to: lost }
      - { key: "2", say: "For your balance, press 2.", to: balance }
"#,
    );
    write(dir.path(), "menu.yaml", &input);
    write(dir.path(), "menu.intents.yaml", TRAFFIC);
    let diff = ivr_in(dir.path(), &["lint", "menu.yaml", "--diff"]);
    assert_eq!(diff.code, Some(0));
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
    ivr_in(dir.path(), &["lint", "menu.yaml", "--fix"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(),
        input
    );
    let alone = ivr_in(dir.path(), &["lint", "menu.yaml", "--unsafe-fixes"]);
    assert_eq!(alone.code, Some(2));
    assert!(
        alone.stderr.contains("`--unsafe-fixes`"),
        "{}",
        alone.stderr
    );
}

#[test]
fn the_simulation_check_accepts_a_fix_that_helps_and_says_what_it_changed() {
    let (_, fix) = fixed(
        &menu(
            r#"  main:
    options:
      - { key: "1", say: "For lost cards, press 1.", to: lost }
      - { key: "2", say: "For payments, press 2.", to: payments }
      - { key: "3", say: "For your balance, press 3.", to: balance }
"#,
        ),
        TRAFFIC,
    );
    // Balance callers (60%) no longer sit through two prompts first.
    let line = fix
        .stderr
        .lines()
        .find(|l| l.contains("popular-first on `main`"))
        .unwrap_or_else(|| panic!("{}", fix.stderr));
    assert!(
        line.contains("\u{2212}") && line.contains(" s per call"),
        "{line}"
    );
}

#[test]
fn the_simulation_check_refuses_a_fix_that_makes_callers_worse_off() {
    // Impatient callers who slip often: with a re-prompt, most of those the menu used to send
    // away politely hang up while it repeats itself, so more calls end abandoned.
    let dir = scratch();
    let input = r#"menu: Impatient
entry: main
traffic: menu.intents.yaml
defaults: { on_fail: bye }
nodes:
  main:
    say: Hello.
    options:
      - { key: "1", say: "For billing, press 1.", to: bill }
      - { key: "2", say: "For sales, press 2.", to: sales }
    retries: 0
  bill: { type: self_service, serves: [billing] }
  sales: { type: self_service, serves: [sales] }
  bye: { type: message, say: "Please call again.", to: end }
  end: { type: hangup }
"#;
    write(dir.path(), "menu.yaml", input);
    write(
        dir.path(),
        "menu.intents.yaml",
        "intents:\n  billing: 50\n  sales: 50\ncallers: { patience: 8, invalid_rate: 0.3, no_input_rate: 0.2 }\n",
    );
    let fix = ivr_in(
        dir.path(),
        &["lint", "menu.yaml", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(),
        input
    );
    let note = fix
        .stderr
        .lines()
        .find(|l| l.contains("not applying the unsafe fix of reentry on `main`"))
        .unwrap_or_else(|| panic!("{}", fix.stderr));
    assert!(
        note.contains("callers would be worse off: abandoned +"),
        "{note}"
    );
    let diff = ivr_in(
        dir.path(),
        &["lint", "menu.yaml", "--diff", "--unsafe-fixes"],
    );
    assert_eq!(diff.code, Some(0));
    assert!(diff.stdout.is_empty());
}

#[test]
fn an_unsafe_fix_that_would_break_loading_is_refused() {
    // `on_invalid:` is written but empty, so the re-prompt fix adds a second `on_invalid`:
    // the file would no longer load, and it is left as it was.
    let dir = scratch();
    let input = menu(
        r#"  main:
    options:
      - { key: "1", say: "For your balance, press 1.", to: balance }
      - { key: "2", say: "For payments, press 2.", to: payments }
    retries: 0
    on_invalid:
"#,
    );
    write(dir.path(), "menu.yaml", &input);
    write(dir.path(), "menu.intents.yaml", TRAFFIC);
    let fix = ivr_in(
        dir.path(),
        &["lint", "menu.yaml", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(),
        input
    );
    assert!(
        fix.stderr.contains("reentry on `main`") && fix.stderr.contains("would not load"),
        "{}",
        fix.stderr
    );
}

#[test]
fn the_examples_need_no_fix() {
    let diff = ivr_in(root(), &["lint", "menus", "--diff", "--unsafe-fixes"]);
    assert_eq!(diff.code, Some(0), "{}{}", diff.stdout, diff.stderr);
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
}

#[test]
fn the_bad_demo_menu_gets_its_safe_fixes_and_keeps_its_behaviour() {
    // It cannot be simulated (it has structural errors), so no unsafe fix can be checked:
    // one note says so, and only the safe fix (a stale suppression) is written.
    let dir = scratch();
    for name in ["bad-menu.yaml", "bad-menu.intents.yaml"] {
        let text = std::fs::read_to_string(root().join("tests/fixtures").join(name)).unwrap();
        write(dir.path(), name, text);
    }
    let fix = ivr_in(
        dir.path(),
        &["lint", "bad-menu.yaml", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(fix.code, Some(1));
    let notes: Vec<&str> = fix
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    insta::assert_snapshot!(notes.join("\n"));
    let after = std::fs::read_to_string(dir.path().join("bad-menu.yaml")).unwrap();
    assert!(!after.contains("allow(prompt-length)"));
    let again = ivr_in(
        dir.path(),
        &["lint", "bad-menu.yaml", "--diff", "--unsafe-fixes"],
    );
    assert_eq!(again.code, Some(0));
}

#[test]
fn a_menu_without_traffic_gets_no_unsafe_fix() {
    // Nothing to simulate, so nothing can show callers are not worse off.
    let dir = scratch();
    let input = menu(
        r#"  main:
    options:
      - { key: "1", say: "For your balance, press 2.", to: balance }
      - { key: "0", say: "For an agent, press 0.", to: agent }
"#,
    )
    .replace("traffic: menu.intents.yaml\n", "");
    write(dir.path(), "menu.yaml", &input);
    let fix = ivr_in(
        dir.path(),
        &["lint", "menu.yaml", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(),
        input
    );
    assert!(
        fix.stderr
            .contains("not applying the unsafe fix of prompt-key-mismatch on `main`")
            && fix.stderr.contains("no traffic to simulate"),
        "{}",
        fix.stderr
    );
}
