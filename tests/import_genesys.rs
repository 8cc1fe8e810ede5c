//! Genesys Cloud Architect flows (Archy YAML) read as a menu: what each construct becomes
//! (small flows in, `ivr import`'s YAML out), findings at the Archy file's lines, the corpus
//! flow, and broken files that must be input errors.

mod common;

use std::path::PathBuf;

use common::{ivr_in, scratch, write};

/// `ivr import` of a flow written to a scratch folder: the menu it prints.
fn imported(name: &str, text: &str) -> String {
    let dir = scratch();
    write(dir.path(), name, text);
    let run = ivr_in(dir.path(), &["import", name]);
    assert!(run.success(), "{}", run.stderr);
    run.stdout
}

const FLOW: &str = r#"inboundCall:
  name: Support line
  startUpRef: "/inboundCall/tasks/task[Hours_1]"
  initialGreeting:
    tts: Thanks for calling.
  settingsMenu:
    repeatCount:
      lit: 2
    menuSelectionTimeout:
      lit:
        seconds: 6
  menus:
    - menu:
        name: Main Menu
        refId: Main_2
        audio:
          tts: Press 1 for orders, 2 for your account, star to hear this again.
        settingsMenu:
          repeatCount:
            noValue: true
        choices:
          - menuTransferToAcd:
              name: Orders
              dtmf: digit_1
              targetQueue:
                lit:
                  name: Orders queue
              preTransferAudio:
                tts: One moment.
          - menuTask:
              name: Account
              dtmf: digit_2
              targetTaskRef: "./tasks/task[Account_3]"
          - menuRepeat:
              name: Repeat
              dtmf: digit_star
          - menuDisconnect:
              name: Goodbye
              dtmf: digit_9
  tasks:
    - task:
        name: Hours
        refId: Hours_1
        actions:
          - evaluateScheduleGroup:
              name: Open?
              outputs:
                open:
                  actions:
                    - jumpToMenu:
                        name: To menu
                        targetMenuRef: "./menus/menu[Main_2]"
                closed:
                  actions:
                    - playAudio:
                        name: Closed
                        audio:
                          tts: We are closed.
                    - disconnect:
                        name: Closed bye
    - task:
        name: Account
        refId: Account_3
        actions:
          - collectInput:
              name: Account number
              inputAudio:
                tts: Enter your account number.
              maxNumberOfDigits:
                lit: 8
          - decision:
              name: Known?
              outputs:
                yes:
                  actions:
                    - playAudio:
                        name: Balance
                        audio:
                          tts: Your balance is ten dollars.
                no:
                  actions:
                    - transferToAcd:
                        name: Accounts
                        targetQueue:
                          lit:
                            name: Accounts queue
          - setParticipantData:
              name: Note
          - frobnicate:
              name: Odd
"#;

#[test]
fn menus_tasks_and_their_actions_become_nodes() {
    insta::assert_snapshot!(imported("support.yaml", FLOW));
}

#[test]
fn findings_point_at_the_archy_files_own_lines() {
    let dir = scratch();
    let text = FLOW.replace("task[Account_3]", "task[Acount_3]");
    write(dir.path(), "support.yaml", &text);
    let report = ivr_in(dir.path(), &["lint", "support.yaml", "--format", "json"]).json();
    let finding = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unknown-target")
        .unwrap_or_else(|| panic!("no unknown-target: {report}"));
    let line = text.lines().position(|l| l.contains("Acount_3")).unwrap() + 1;
    assert_eq!(finding["line"], line, "{finding}");
}

#[test]
fn a_flow_is_linted_and_simulated_directly_and_found_in_a_folder() {
    let dir = scratch();
    write(dir.path(), "flows/support.yaml", FLOW);
    let sim = ivr_in(
        dir.path(),
        &["sim", "flows/support.yaml", "--calls", "2000"],
    );
    assert!(sim.success(), "{}", sim.stderr);
    assert!(sim.stdout.contains("orders"), "{}", sim.stdout);
    let lint = ivr_in(dir.path(), &["lint", "flows", "--format", "json"]).json();
    let files = lint["files"].as_u64().unwrap();
    assert_eq!(files, 1, "{lint}");
}

#[test]
fn a_menu_item_that_is_not_a_menu_is_an_input_error_at_its_line() {
    let dir = scratch();
    let text =
        "inboundCall:\n  name: x\n  startUpRef: \"./menus/menu[a]\"\n  menus:\n    - just text\n";
    write(dir.path(), "bad.yaml", text);
    let run = ivr_in(dir.path(), &["sim", "bad.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("bad.yaml:5:"), "{}", run.stderr);
}

#[test]
fn deeply_nested_decisions_are_read_without_recursion() {
    // Each level: `{ decision: { outputs: { yes: { actions: [ ...next level... ] } } } }`.
    let mut inner = String::from("[ { disconnect: { name: end } } ]");
    for _ in 0..40 {
        inner = format!("[ {{ decision: {{ outputs: {{ yes: {{ actions: {inner} }} }} }} }} ]");
    }
    let text = format!(
        "inboundCall:\n  name: deep\n  startUpRef: \"./tasks/task[t]\"\n  tasks:\n    - task:\n        name: t\n        refId: t\n        actions: {inner}\n"
    );
    let dir = scratch();
    write(dir.path(), "deep.yaml", &text);
    let run = ivr_in(dir.path(), &["import", "deep.yaml"]);
    // Either read (every decision a node) or refused by the YAML layer's limits: never a crash.
    assert!(run.code == Some(0) || run.code == Some(2), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

fn corpus() -> Option<PathBuf> {
    [
        "/work/shared/corpus/genesys-archy",
        "../shared/corpus/genesys-archy",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_dir())
}

#[test]
fn the_corpus_imports_lints_and_simulates_without_an_input_error() {
    let Some(folder) = corpus() else {
        eprintln!("note: no shared corpus (/work/shared or ../shared): corpus test skipped");
        return;
    };
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let dir = scratch();
        std::fs::copy(&path, dir.path().join("flow.yaml")).unwrap();
        let import = ivr_in(dir.path(), &["import", "flow.yaml"]);
        assert!(import.success(), "{}: {}", path.display(), import.stderr);
        let lint = ivr_in(dir.path(), &["lint", "flow.yaml"]);
        assert!(!lint.stdout.contains("input-error"), "{}", lint.stdout);
        let sim = ivr_in(dir.path(), &["sim", "flow.yaml", "--calls", "2000"]);
        assert!(sim.success(), "{}: {}", path.display(), sim.stderr);
        seen += 1;
    }
    assert!(seen >= 1);
}

/// A real Archy export (MIT, see tests/fixtures/import/genesys/README.md).
#[test]
fn a_real_export_reads_its_queues_and_repeat_count() {
    let path = common::root().join("tests/fixtures/import/genesys/SimpleFinancialIvr_v2-0.yaml");
    let run = common::ivr(&["import", path.to_str().unwrap()]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("queue: \"Simple Financial 401K queue\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("queue: \"Simple Financial IRA queue\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("on_invalid: { retries: 3 }"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("timeout: 10"), "{}", run.stdout);
}
