//! Asterisk dialplans read as a menu: what each construct becomes (small dialplans in,
//! `ivr import`'s YAML out), findings at the dialplan's lines, the corpus, and hostile files.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Ivr, ivr_in, scratch, write};

fn import(name: &str, text: &str) -> common::Run {
    let dir = scratch();
    write(dir.path(), name, text);
    let run = ivr_in(dir.path(), &["import", name]);
    assert!(run.success(), "{}", run.stderr);
    run
}

const DIALPLAN: &str = r#"; A small company IVR.
[general]
static=yes

[globals](+)
SALES=sales

#include "users.conf"

[ivr]
include => shared
exten => s,1,Answer()
 same => n,Set(TIMEOUT(response)=7)
 same => n(start),Background(welcome)
 same => n,Background(press-1-sales&press-2-support)
 same => n,WaitExten()
 same => n,Playback(never-heard)
 same => n,Hangup()

exten => 1,1,Queue(sales,,,,300)
exten => 2,1,Goto(support,s,1)
exten => 3,1,GotoIfTime(9:00-17:00,mon-fri,*,*?open:closed)
 same => n(open),Dial(PJSIP/reception)
 same => n(closed),Playback(we-are-closed)
 same => n,Hangup()
exten => 4,1,Read(ACCOUNT,enter-account,6)
 same => n,Playback(thank-you)
 same => n,Hangup()
exten => 4,2,Playback(written-twice)
exten => 1234,1,Dial(PJSIP/1234)
exten => i,1,Playback(invalid)
 same => n,Goto(s,start)
exten => t,1,Playback(are-you-there)
 same => n,Goto(s,start)

[shared]
exten => 0,1,Dial(SIP/operator)

[support]
exten => s,1,Background(support-menu|m)
 same => n,WaitExten(5)
 same => n,Hangup()
exten => 1,1,VoiceMail(100@default,u)
exten => 9,1,Goto(ivr,s,start)
exten => i,1,Frobnicate(x)
 same => n,Hangup()

[unused]
exten => s,1,Playback(nobody-comes-here)
"#;

#[test]
fn contexts_extensions_and_priorities_become_nodes() {
    let run = import("extensions.conf", DIALPLAN);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn what_cannot_be_said_exactly_is_listed() {
    let run = import("extensions.conf", DIALPLAN);
    let notes = run.stderr;
    for expected in [
        "`#include users.conf` is not read",
        "priority 2 of `4` in `[ivr]` is written twice: the first is kept",
        "the priorities after `WaitExten` never run",
        "the `i` extension goes back to the menu without end: retries 20",
        "extensions of several digits or patterns are not menu keys: 1234",
        "the application `frobnicate` is passed over",
        "contexts the IVR never reaches are left out: unused",
        "`gotoiftime` is decided at run time",
    ] {
        assert!(
            notes.contains(expected),
            "missing {expected:?} in:\n{notes}"
        );
    }
}

#[test]
fn findings_point_at_the_dialplans_own_lines() {
    let dir = scratch();
    write(dir.path(), "extensions.conf", DIALPLAN);
    let report = ivr_in(dir.path(), &["lint", "extensions.conf", "--format", "json"]).json();
    // The menu loops without end on a wrong key: `reentry` at the line of its Background.
    let finding = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "reentry" && d["node"] == "ivr_s_menu")
        .unwrap_or_else(|| panic!("no reentry finding: {report}"));
    let line = DIALPLAN
        .lines()
        .position(|l| l.contains("Background(welcome)"))
        .unwrap()
        + 1;
    assert_eq!(finding["line"], line, "{finding}");
}

#[test]
fn a_dialplan_is_simulated_directly_and_found_by_a_folder_walk() {
    let dir = scratch();
    write(dir.path(), "pbx/extensions.conf", DIALPLAN);
    write(dir.path(), "pbx/sip.conf", "[general]\ncontext=default\n");
    let sim = ivr_in(
        dir.path(),
        &["sim", "pbx/extensions.conf", "--calls", "2000"],
    );
    assert!(sim.success(), "{}", sim.stderr);
    let report = ivr_in(dir.path(), &["lint", "pbx", "--format", "json"]).json();
    assert_eq!(report["files"], 1, "{report}");
}

#[test]
fn a_dialplan_without_an_ivr_is_an_input_error() {
    let dir = scratch();
    write(
        dir.path(),
        "extensions.conf",
        "[internal]\nexten => 100,1,Dial(PJSIP/100)\n",
    );
    let run = ivr_in(dir.path(), &["sim", "extensions.conf"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("waits for digits"), "{}", run.stderr);
}

#[test]
fn hostile_dialplans_end_in_an_answer_not_a_panic_or_a_hang() {
    let dir = scratch();
    // Cut in the middle of a line.
    let cut = &DIALPLAN[..DIALPLAN.find("exten => 1,1,Queue(sa").unwrap() + 20];
    write(dir.path(), "cut.conf", cut);
    let run = Ivr::new(&["import", "cut.conf"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(20));
    assert!(run.success(), "{}", run.stderr);
    // A chain of 20,000 gotos, each to the next context: read without recursion, in time.
    let mut long = String::from(
        "[c0]\nexten => s,1,Background(hi)\n same => n,WaitExten(5)\nexten => 1,1,Goto(c1,s,1)\n",
    );
    for i in 1..20_000 {
        long.push_str(&format!("[c{i}]\nexten => s,1,Goto(c{},s,1)\n", i + 1));
    }
    long.push_str("[c20000]\nexten => s,1,Hangup()\n");
    write(dir.path(), "long.conf", long);
    let run = Ivr::new(&["lint", "long.conf"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(120));
    assert!(run.code.is_some(), "{}", run.stderr);
    // Unknown applications and lines that are not dialplan.
    write(
        dir.path(),
        "odd.conf",
        "[m]\nexten => s,1,Background(x)\n same => n,WaitExten\nthis line is not dialplan\nexten => 1,1,Teleport(mars)\nexten => 1,nope,Hangup\n",
    );
    let run = Ivr::new(&["import", "odd.conf"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(20));
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("`teleport` is passed over"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("is not read"), "{}", run.stderr);
}

fn corpus() -> Option<PathBuf> {
    ["/work/shared/corpus/asterisk", "../shared/corpus/asterisk"]
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
        std::fs::copy(&path, dir.path().join("extensions.conf")).unwrap();
        let import = ivr_in(dir.path(), &["import", "extensions.conf"]);
        assert!(import.success(), "{}: {}", path.display(), import.stderr);
        let lint = ivr_in(dir.path(), &["lint", "extensions.conf"]);
        assert!(!lint.stdout.contains("input-error"), "{}", lint.stdout);
        let sim = ivr_in(dir.path(), &["sim", "extensions.conf", "--calls", "2000"]);
        assert!(sim.success(), "{}: {}", path.display(), sim.stderr);
        seen += 1;
    }
    assert!(seen >= 2);
}

#[test]
fn the_basic_pbx_menu_loops_without_end_on_a_wrong_key() {
    let Some(folder) = corpus() else {
        eprintln!("note: no shared corpus (/work/shared or ../shared): corpus test skipped");
        return;
    };
    let path = folder.join("asterisk-asterisk__configs-basic-pbx-extensions.conf");
    let dir = scratch();
    std::fs::copy(&path, dir.path().join("extensions.conf")).unwrap();
    let out = ivr_in(dir.path(), &["import", "extensions.conf"]).stdout;
    assert!(
        out.contains("on_invalid: { say: \"[option-is-invalid]\", retries: 20 }"),
        "{out}"
    );
    assert!(out.contains("queue: sales"), "{out}");
}
