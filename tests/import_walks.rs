//! A folder walk finds platform flows by what they hold, not only by their extension: a Connect
//! export saved without an extension (as the console downloads it), a Twilio Studio flow in a
//! JavaScript file, names with spaces. Files of those kinds that hold no flow (scripts, a
//! licence, a binary) are skipped without a word.

mod common;

use common::{root, scratch, write};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/import").join(path)).unwrap()
}

/// The files `ivr lint --format json .` linted in `dir`, and the run.
fn walked(dir: &std::path::Path) -> (Vec<String>, common::Run) {
    let run = common::ivr_in(dir, &["lint", ".", "--format", "json"]);
    let json = run.json();
    let mut files: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files.dedup();
    (files, run)
}

#[test]
fn flows_without_their_usual_extension_are_found_by_content() {
    let dir = scratch();
    write(
        dir.path(),
        "connect/Main Inbound flow",
        fixture("connect/small.json"),
    );
    write(
        dir.path(),
        "studio/ivr flow.js",
        format!(
            "// exported from Studio\nmodule.exports = {};\n",
            fixture("twilio/small.json").trim_end()
        ),
    );
    write(
        dir.path(),
        "pbx/extensions",
        "[main]\nexten => s,1,Background(welcome)\n same => n,WaitExten(5)\nexten => 1,1,Queue(sales)\n",
    );
    let (files, run) = walked(dir.path());
    assert_eq!(
        files,
        [
            "connect/Main Inbound flow",
            "pbx/extensions",
            "studio/ivr flow.js"
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.json()["files"], 3, "{}", run.stdout);
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
}

#[test]
fn scripts_licences_and_binaries_are_skipped_quietly() {
    let dir = scratch();
    write(dir.path(), "menus/main.yaml", common::menus::WARNING_MENU);
    write(
        dir.path(),
        "src/build.js",
        "const x = { a: 1 };\nmodule.exports = x;\n",
    );
    write(
        dir.path(),
        "src/other.js",
        "// mentions initial_state but is no flow\nconst initial_state = 1;\n",
    );
    write(
        dir.path(),
        "LICENSE",
        "MIT License\n\nCopyright (c) someone\n",
    );
    write(dir.path(), "Makefile", "all:\n\tcargo build\n");
    write(dir.path(), "bin/tool", [0u8, 159, 146, 150, 0, 1, 2, 255]);
    write(dir.path(), "empty", "");
    write(dir.path(), "notes", "nodes: are not a menu here\n");
    let run = common::ivr_in(dir.path(), &["lint", ".", "--format", "json"]);
    assert_eq!(run.json()["files"], 1, "{}", run.stdout);
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
}

#[test]
fn a_broken_flow_without_an_extension_is_still_an_input_error() {
    let dir = scratch();
    let flow = fixture("connect/small.json");
    write(dir.path(), "exports/main flow", &flow[..flow.len() / 2]);
    let (files, run) = walked(dir.path());
    assert_eq!(files, ["exports/main flow"], "{}", run.stdout);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rule"] == "input-error"),
        "{}",
        run.stdout
    );
}
