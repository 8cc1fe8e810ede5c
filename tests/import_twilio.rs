//! Twilio Studio flows: imported bare, inside `definition`, or wrapped in JavaScript, with
//! findings at the flow file's own lines.

mod common;

use common::import::{assert_round_trip, imported};
use common::{ivr, root, scratch, write};

const SMALL: &str = "tests/fixtures/import/twilio/small.json";
const CORPUS: &str = "tests/fixtures/import/twilio/corpus/gbernz-twilio-serverless-studio-flow-ivr-builder__assets-jsoneditor-flowtemplate.js";

#[test]
fn every_mapped_widget_imports() {
    let _snapshots = common::snapshot_folder("import_twilio");
    insta::assert_snapshot!("small", imported(SMALL));
}

#[test]
fn a_flow_wrapped_in_javascript_or_in_definition_imports_with_its_positions() {
    let flow = std::fs::read_to_string(root().join(SMALL)).unwrap();
    let dir = scratch();
    let wrapped = write(
        dir.path(),
        "flow.js",
        format!("// the flow\nmodule.exports = {};\n", flow.trim_end()),
    );
    let wrapped_in_definition = write(
        dir.path(),
        "exported.json",
        format!(
            "{{ \"sid\": \"FW1\", \"definition\": {} }}",
            flow.trim_end()
        ),
    );
    let body = |text: String| text.split_once("\nentry:").unwrap().1.to_string();
    let plain = body(imported(SMALL));
    // The same menu; the JavaScript file's provenance lines are one further down.
    let js = body(imported(wrapped.to_str().unwrap()));
    assert_eq!(
        js.replace("line 9,", "line 8,").lines().count(),
        plain.lines().count()
    );
    assert!(
        js.contains("# Twilio say-play greeting (line 9, column 5)"),
        "{js}"
    );
    assert_eq!(
        body(imported(wrapped_in_definition.to_str().unwrap())),
        plain
    );
}

#[test]
fn findings_point_at_the_flow_files_lines() {
    let run = ivr(&["lint", SMALL, "--format", "json"]);
    let json = run.json();
    let unreachable: Vec<(u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unreachable-node")
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    // `operator` and `mystery` are reached by nothing: at their `name` in the file.
    assert!(unreachable.contains(&(46, 15)), "{unreachable:?}");
    assert!(unreachable.contains(&(52, 15)), "{unreachable:?}");
}

#[test]
fn import_then_lint_and_sim_give_the_same_findings_and_figures() {
    let dir = scratch();
    for file in [SMALL, CORPUS] {
        assert_round_trip(&root().join(file), &dir.path().join("out.yaml"));
    }
}

#[test]
fn the_corpus_template_imports_lints_and_simulates() {
    let _snapshots = common::snapshot_folder("import_twilio");
    insta::assert_snapshot!("corpus_template", imported(CORPUS));
    let lint = ivr(&["lint", CORPUS, "--format", "json"]).json();
    assert!(
        !lint["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "input-error"),
        "{lint:#}"
    );
    let sim = ivr(&["sim", CORPUS, "--calls", "2000"]);
    assert!(sim.success(), "{}", sim.stderr);
}

#[test]
fn a_truncated_flow_is_an_input_error_at_its_line() {
    let flow = std::fs::read_to_string(root().join(SMALL)).unwrap();
    let dir = scratch();
    let cut = write(dir.path(), "cut.json", &flow[..flow.len() / 3]);
    let run = ivr(&["import", cut.to_str().unwrap()]);
    let stderr = run.failure(2);
    assert!(stderr.contains("cut.json:"), "{stderr}");
}

#[test]
fn the_shared_corpus_copy_is_current() {
    let shared = root().join("../shared/corpus/twilio-studio");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        println!("note: ../shared/corpus is absent; the copy in tests/fixtures is tested alone");
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let copy = root()
            .join("tests/fixtures/import/twilio/corpus")
            .join(path.file_name().unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&copy).unwrap_or_default(),
            "{}",
            path.display()
        );
    }
}
