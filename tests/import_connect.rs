//! Amazon Connect flows: `ivr import` writes them as menus, and `lint`, `sim` and `graph` read
//! them directly, with findings at the export's own lines.

mod common;

use std::path::{Path, PathBuf};

use common::import::{assert_round_trip, imported};
use common::{ivr, root, scratch, write};

const SMALL: &str = "tests/fixtures/import/connect/small.json";
const OLDER: &str = "tests/fixtures/import/connect/older.json";
const CORPUS: &str = "tests/fixtures/import/connect/corpus";

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(CORPUS))
        .expect("the corpus copies")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_mapped_block_of_the_flow_language_imports() {
    let _snapshots = common::snapshot_folder("import_connect");
    insta::assert_snapshot!("small", imported(SMALL));
}

#[test]
fn the_older_export_imports_alike() {
    let _snapshots = common::snapshot_folder("import_connect");
    insta::assert_snapshot!("older", imported(OLDER));
}

#[test]
fn approximations_are_listed_on_stderr_too() {
    let run = ivr(&["import", SMALL]);
    assert!(
        run.stderr.starts_with("6 approximations:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`main` (GetParticipantInput): the condition `help`")
    );
}

/// The findings of `ivr lint --format json` as (rule, line, column).
fn findings(path: &str) -> Vec<(String, u64, u64)> {
    let run = ivr(&["lint", path, "--format", "json"]);
    assert!(matches!(run.code, Some(0 | 1)), "{path}: {}", run.stderr);
    run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const BROKEN: &str = r#"{
  "Version": "2019-10-30",
  "StartAction": "main",
  "Actions": [
    {
      "Identifier": "main",
      "Type": "GetParticipantInput",
      "Parameters": { "Text": "For sales, press 1.", "StoreInput": "False" },
      "Transitions": {
        "Conditions": [
          { "NextAction": "sales", "Condition": { "Operator": "Equals", "Operands": ["1"] } }
        ],
        "Errors": [ { "NextAction": "bye", "ErrorType": "NoMatchingError" } ]
      }
    },
    { "Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {} }
  ]
}
"#;

#[test]
fn findings_point_at_the_exports_own_lines_in_every_format() {
    let dir = scratch();
    let path = write(dir.path(), "flows/main flow.json", BROKEN);
    let path = path.to_str().unwrap();
    // `sales` names no action: reported where the condition names it.
    let found = findings(path);
    assert!(
        found.contains(&("unknown-target".to_string(), 11, 27)),
        "{found:?}"
    );
    let github = ivr(&["lint", path, "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("main flow.json,line=11,col=27,title=ivr unknown-target"),
        "{}",
        github.stdout
    );
    let sarif = ivr(&["lint", path, "--format", "sarif"]).json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let hit = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-target")
        .expect("a SARIF result");
    let region = &hit["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 11);
    assert_eq!(region["startColumn"], 27);
    let human = ivr(&["lint", path]);
    assert!(
        human.stdout.contains("main flow.json:11:27"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_folder_walk_lints_flow_exports_and_skips_other_json() {
    let dir = scratch();
    write(dir.path(), "connect/main.json", BROKEN);
    write(dir.path(), "package.json", r#"{ "name": "x" }"#);
    write(
        dir.path(),
        "tsconfig.json",
        "{ // a comment JSON does not allow\n}\n",
    );
    let run = common::ivr_in(dir.path(), &["lint", ".", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["files"], 1, "{json:#}");
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "unknown-target" && d["file"] == "connect/main.json"),
        "{json:#}"
    );
}

#[test]
fn tab_indented_exports_read_like_space_indented_ones() {
    let dir = scratch();
    let tabbed: String = BROKEN
        .lines()
        .map(|l| {
            let spaces = l.len() - l.trim_start().len();
            format!("{}{}\n", "\t".repeat(spaces / 2), l.trim_start())
        })
        .collect();
    let path = write(dir.path(), "tabbed.json", tabbed);
    let found = findings(path.to_str().unwrap());
    assert!(
        found
            .iter()
            .any(|(rule, line, _)| rule == "unknown-target" && *line == 11),
        "{found:?}"
    );
}

#[test]
fn import_then_lint_and_sim_give_the_same_findings_and_figures() {
    let dir = scratch();
    let mut files: Vec<PathBuf> = vec![root().join(SMALL), root().join(OLDER)];
    files.extend(corpus_files());
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        assert_round_trip(&file, &dir.path().join(format!("{stem}.yaml")));
    }
}

#[test]
fn import_never_replaces_a_file_it_did_not_write() {
    let dir = scratch();
    let out = write(dir.path(), "menu.yaml", "menu: mine\n");
    let run = ivr(&["import", SMALL, "-o", out.to_str().unwrap()]);
    let stderr = run.stderr_unwrapped();
    run.failure(2);
    assert!(
        stderr.contains("was not written by `ivr import`"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "menu: mine\n");
}

#[test]
fn import_writes_a_starter_traffic_file_named_by_the_menu() {
    let dir = scratch();
    let out = dir.path().join("bank.yaml");
    assert!(ivr(&["import", SMALL, "-o", out.to_str().unwrap()]).success());
    let menu = std::fs::read_to_string(&out).unwrap();
    assert!(menu.contains("\ntraffic: bank.intents.yaml\n"), "{menu}");
    let traffic = std::fs::read_to_string(dir.path().join("bank.intents.yaml")).unwrap();
    let _snapshots = common::snapshot_folder("import_connect");
    insta::assert_snapshot!("small_traffic", traffic);
}

#[test]
fn sim_on_an_export_uses_the_starter_traffic_and_says_so() {
    let run = ivr(&["sim", SMALL, "--exact"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("simulated with starter traffic"),
        "{}",
        run.stderr
    );
}

#[test]
fn graph_draws_an_export() {
    let run = ivr(&["graph", SMALL, "--format", "dot"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stdout.contains("hours\\n[decision]"), "{}", run.stdout);
}

#[test]
fn malformed_exports_are_input_errors_at_their_line() {
    let dir = scratch();
    let truncated = write(dir.path(), "cut.json", &BROKEN[..BROKEN.len() / 2]);
    // `lint` reports a file it cannot read as a finding of the run (exit 1), as for YAML.
    for (command, code) in [("lint", 1), ("import", 2), ("sim", 2)] {
        let run = ivr(&[command, truncated.to_str().unwrap()]);
        assert_eq!(run.code, Some(code), "{command}: {}", run.stderr);
        let text = format!("{}{}", run.stdout, run.stderr);
        assert!(text.contains("cut.json:"), "{command}: {text}");
    }
    let not_a_map = write(
        dir.path(),
        "odd.json",
        r#"{ "Version": "2019-10-30", "StartAction": "a", "Actions": [ 42 ] }"#,
    );
    let stderr = ivr(&["import", not_a_map.to_str().unwrap()]).failure(2);
    assert!(stderr.contains("this action is not a mapping"), "{stderr}");
}

#[test]
fn every_corpus_flow_imports_lints_and_simulates() {
    let _snapshots = common::snapshot_folder("import_connect");
    for file in corpus_files() {
        let path = file.to_str().unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let yaml = imported(path);
        let found = findings(path);
        assert!(
            !found.iter().any(|(rule, _, _)| rule == "input-error"),
            "{path}: {found:?}"
        );
        let sim = ivr(&["sim", path, "--calls", "2000"]);
        assert!(sim.success(), "{path}: {}", sim.stderr);
        insta::assert_snapshot!(format!("{stem}_yaml"), yaml);
        let listed: Vec<String> = found
            .iter()
            .map(|(rule, line, column)| format!("{line}:{column} {rule}"))
            .collect();
        insta::assert_snapshot!(format!("{stem}_lint"), listed.join("\n"));
    }
}

#[test]
fn the_shared_corpus_copies_are_current() {
    let shared = Path::new("../shared/corpus/amazon-connect");
    let Ok(entries) = std::fs::read_dir(root().join(shared)) else {
        println!("note: ../shared/corpus is absent; the copies in {CORPUS} are tested alone");
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let copy = root().join(CORPUS).join(path.file_name().unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&copy).unwrap_or_default(),
            "{} differs from its copy (or has none) in {CORPUS}",
            path.display()
        );
    }
}

#[test]
fn report_accepts_an_export_directly() {
    let dir = scratch();
    let out = dir.path().join("page.html");
    let run = ivr(&[
        "report",
        SMALL,
        "-o",
        out.to_str().unwrap(),
        "--calls",
        "2000",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("main"), "the page names the menu's nodes");
}

#[test]
fn deeply_nested_json_is_an_input_error_not_a_crash() {
    let dir = scratch();
    let depth = 50_000;
    let text = format!(
        "{{\"Version\": \"2019-10-30\", \"Actions\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let path = write(dir.path(), "deep.json", text);
    let run = common::Ivr::new(&["import", path.to_str().unwrap()])
        .run_guarded(std::time::Duration::from_secs(60));
    let stderr = run.failure(2);
    assert!(stderr.contains("deep.json"), "{stderr}");
}
