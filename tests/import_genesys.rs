//! Genesys Cloud Architect flows (Archy YAML): menus, choices and tasks imported, with findings
//! at the flow file's own lines.

mod common;

use common::import::{assert_round_trip, imported};
use common::{ivr, root, scratch};

const SMALL: &str = "tests/fixtures/import/genesys/small.yaml";
const DECISIONS: &str = "tests/fixtures/import/genesys/decisions.yaml";
const CORPUS: &str = "tests/fixtures/import/genesys/corpus/GenesysCloudBlueprints-simple-ivr-deploy-with-cx-as-code-blueprint__blueprint-SimpleFinancialIvr_v2-0.yaml";

#[test]
fn every_mapped_choice_and_task_imports() {
    let _snapshots = common::snapshot_folder("import_genesys");
    insta::assert_snapshot!("small", imported(SMALL));
}

#[test]
fn the_corpus_flow_imports_lints_and_simulates() {
    let _snapshots = common::snapshot_folder("import_genesys");
    insta::assert_snapshot!("corpus", imported(CORPUS));
    let lint = ivr(&["lint", CORPUS, "--format", "json"]).json();
    let found: Vec<String> = lint["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect();
    // The menu disconnects callers who run out of repeats: at the menu's `name` in the file.
    insta::assert_snapshot!("corpus_lint", found.join("\n"));
    let sim = ivr(&["sim", CORPUS, "--calls", "2000"]);
    assert!(sim.success(), "{}", sim.stderr);
}

#[test]
fn import_then_lint_and_sim_give_the_same_findings_and_figures() {
    let dir = scratch();
    for file in [SMALL, DECISIONS, CORPUS] {
        assert_round_trip(&root().join(file), &dir.path().join("out.yaml"));
    }
}

#[test]
fn decisions_inside_tasks_are_decision_nodes() {
    // `decision` (yes / no), `switch` (its cases and default) and `evaluateScheduleGroup`
    // (open / closed / holiday): one branch per output, each output's actions followed by the
    // actions after the branching one; an output with no actions goes straight on.
    let _snapshots = common::snapshot_folder("import_genesys");
    let yaml = imported(DECISIONS);
    insta::assert_snapshot!("decisions", yaml);
    let menu = common::load::menu(&yaml);
    let billing = menu.lookup("billing").expect("the task's node");
    let billing = &menu.nodes[billing.0];
    assert_eq!(billing.kind, ivr::menu::NodeKind::Decision);
    let whens: Vec<&str> = billing
        .branches
        .iter()
        .map(|b| b.when.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(whens, ["yes", "no"]);
    let sim = ivr(&["sim", DECISIONS, "--exact", "--format", "json"]);
    assert!(sim.success(), "{}", sim.stderr);
    // Findings about a decision point at the action in the flow file.
    let lint = ivr(&["lint", DECISIONS, "--format", "json"]);
    assert!(
        !lint.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "input-error"),
        "{}",
        lint.stdout
    );
}

#[test]
fn the_shared_corpus_copy_is_current() {
    let shared = root().join("../shared/corpus/genesys-archy");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        println!("note: ../shared/corpus is absent; the copy in tests/fixtures is tested alone");
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let copy = root()
            .join("tests/fixtures/import/genesys/corpus")
            .join(path.file_name().unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&copy).unwrap_or_default(),
            "{}",
            path.display()
        );
    }
}
