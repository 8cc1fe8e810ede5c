//! `ivr lint` as a CI gate in someone else's repository: the pre-commit hook, paths from the
//! repository root, machine output on failure, and the flags CI setups use.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Ivr, ivr, ivr_in, scratch, write};
use serde_json::Value;

/// A clean menu.
const GOOD_MENU: &str = r#"menu: Small
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing }
      - { key: "0", say: "For an agent, press 0.", to: agent }
  billing: { type: self_service, serves: [billing] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

/// A menu with one error (an unknown target) on line 7, and a warning-free rest.
const ERROR_MENU: &str = r#"menu: Broken
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: biling }
      - { key: "0", say: "For an agent, press 0.", to: agent }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

/// YAML files every repository has and that are not ours.
const FOREIGN: [(&str, &str); 3] = [
    (
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks: []\n",
    ),
    (
        ".github/workflows/ci.yml",
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n",
    ),
    (
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx\n",
    ),
];

/// A repository (a folder with `.git`) holding foreign YAML, a good menu, an excluded broken
/// draft, and a `.ivr.yaml` that excludes `drafts/`.
fn repository() -> tempfile::TempDir {
    let dir = scratch();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    for (name, text) in FOREIGN {
        write(dir.path(), name, text);
    }
    write(dir.path(), "menus/main.yaml", GOOD_MENU);
    write(dir.path(), "drafts/broken.yaml", ERROR_MENU);
    write(dir.path(), ".ivr.yaml", "exclude:\n  - drafts/\n");
    dir
}

/// The files pre-commit would pass to our hook: every YAML file but `.ivr.yaml`.
const STAGED: [&str; 5] = [
    ".pre-commit-config.yaml",
    ".github/workflows/ci.yml",
    "docker-compose.yml",
    "menus/main.yaml",
    "drafts/broken.yaml",
];

/// A field of our hook in `.pre-commit-hooks.yaml`.
fn hook_field(name: &str) -> String {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let prefix = format!("  {name}: ");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix) || l.starts_with(&format!("- {name}: ")))
        .unwrap_or_else(|| panic!("the hook has no `{name}`"));
    line.split_once(": ").unwrap().1.trim().to_string()
}

#[test]
fn the_hook_entry_passes_in_a_repository_with_foreign_yaml() {
    let dir = repository();
    // Exactly what pre-commit runs: the entry, split on spaces, then the staged files.
    let entry = hook_field("entry");
    let mut words: Vec<&str> = entry.split_whitespace().collect();
    assert_eq!(words.remove(0), "ivr", "the entry runs ivr");
    words.extend(STAGED);
    let run = ivr_in(dir.path(), &words);
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    for (name, _) in FOREIGN {
        assert!(
            run.stderr
                .contains(&format!("note: skipped {name}: not a menu")),
            "{name} is skipped with a note:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("skipped drafts/broken.yaml: excluded by `exclude:`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("Linted 1 file: 0 errors"),
        "{}",
        run.stdout
    );
}

#[test]
fn exclude_applies_to_named_files_only_with_force_exclude() {
    let dir = repository();
    let run = ivr_in(dir.path(), &["lint", "drafts/broken.yaml"]);
    assert_eq!(run.code, Some(1), "named without --force-exclude: linted");
    let run = ivr_in(
        dir.path(),
        &["lint", "--force-exclude", "drafts/broken.yaml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_menu_with_a_misspelt_nodes_key_is_still_checked() {
    let dir = scratch();
    let menu = write(
        dir.path(),
        "menu.yaml",
        GOOD_MENU.replace("nodes:", "nodez:"),
    );
    let run = ivr(&["lint", menu.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = run.json();
    let messages = report["diagnostics"].to_string();
    assert!(messages.contains("nodes"), "{report:#}");
}

#[test]
fn foreign_yaml_keeps_machine_output_clean() {
    let dir = repository();
    let run = ivr_in(
        dir.path(),
        &["lint", "docker-compose.yml", "--format", "json"],
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.json()["diagnostics"], serde_json::json!([]));
    assert!(
        run.stderr.contains("note: skipped docker-compose.yml"),
        "{}",
        run.stderr
    );
}

/// A real pre-commit run in a scratch git repository with our hook's definition. CI installs
/// pre-commit (.ci/run); elsewhere the test says loudly that it did not run.
#[test]
fn a_real_pre_commit_run_passes() {
    let pre_commit = std::env::var("IVR_PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    if Command::new(&pre_commit).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("IVR_REQUIRE_PRE_COMMIT").is_none(),
            "pre-commit is required here (IVR_REQUIRE_PRE_COMMIT) but `{pre_commit}` does not run"
        );
        eprintln!(
            "\n!!!!! SKIPPED a_real_pre_commit_run_passes: pre-commit is not installed \
             (pip install pre-commit, or set IVR_PRE_COMMIT) !!!!!\n"
        );
        return;
    }
    let dir = repository();
    std::fs::remove_dir_all(dir.path().join(".git")).unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Our hook as a local hook: the same entry, file pattern and exclusions, with the binary
    // under test in place of an installed `ivr`.
    let entry = hook_field("entry").replacen("ivr", env!("CARGO_BIN_EXE_ivr"), 1);
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: ivr-lint\n        name: ivr lint\n        \
         entry: {entry}\n        language: system\n        files: {}\n        exclude: {}\n        \
         require_serial: true\n",
        hook_field("files"),
        hook_field("exclude"),
    );
    write(dir.path(), ".pre-commit-config.yaml", config);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    let home = scratch();
    let run = |dir: &Path| {
        Command::new(&pre_commit)
            .args(["run", "--all-files", "--verbose"])
            .current_dir(dir)
            .env("PRE_COMMIT_HOME", home.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("pre-commit runs")
    };
    let out = run(dir.path());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pre-commit failed:\n{text}");
    assert!(text.contains("skipped docker-compose.yml"), "{text}");
    // And it fails on a broken menu that is not excluded.
    write(dir.path(), "menus/broken.yaml", ERROR_MENU);
    git(&["add", "-A"]);
    let out = run(dir.path());
    assert!(!out.status.success(), "a broken menu fails the hook");
}

// ---------------------------------------------------------------------------------------------
// Paths from the repository root

fn sarif_uris(run: &common::Run) -> Vec<String> {
    run.json()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn sarif_and_github_paths_are_from_the_repository_root() {
    let dir = repository();
    let absolute = dir.path().join("drafts/broken.yaml");
    let absolute = absolute.to_str().unwrap();
    let runs = [
        ivr_in(
            &dir.path().join("drafts"),
            &["lint", "broken.yaml", "--format", "sarif"],
        ),
        ivr_in(
            &dir.path().join("menus"),
            &["lint", "../drafts/broken.yaml", "--format", "sarif"],
        ),
        ivr(&["lint", absolute, "--format", "sarif"]),
        ivr_in(
            dir.path(),
            &["lint", "./drafts/broken.yaml", "--format", "sarif"],
        ),
    ];
    for run in &runs {
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let uris = sarif_uris(run);
        assert!(!uris.is_empty());
        assert!(uris.iter().all(|u| u == "drafts/broken.yaml"), "{uris:?}");
    }
    let github = ivr_in(
        &dir.path().join("drafts"),
        &["lint", absolute, "--format", "github"],
    );
    assert!(
        github
            .stdout
            .contains("::error file=drafts/broken.yaml,line=7,col=55,"),
        "{}",
        github.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Exit 2 still writes a document

#[test]
fn sarif_on_exit_2_is_a_log_whose_invocation_failed() {
    let run = ivr(&["lint", "no/such/menu.yaml", "--format", "sarif"]);
    assert_eq!(run.code, Some(2));
    let log = run.json();
    assert_eq!(log["version"], "2.1.0");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .contains("no such file"),
        "{log:#}"
    );
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(
        run.stderr.contains("no such file"),
        "people still read it on stderr"
    );

    let ok = ivr(&["lint", "menus/retail-bank.yaml", "--format", "sarif"]).json();
    assert_eq!(ok["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn json_on_exit_2_has_an_errors_array() {
    let run = ivr(&[
        "lint",
        "menus/",
        "--select",
        "self-servce-depth",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(2));
    let report = run.json();
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["errors"][0]["rule"], "usage-error");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `self-service-depth`"),
        "{report:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// Flags for CI

fn rules(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn select_and_ignore_choose_rules() {
    let all = rules(&ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--format", "json"]).json());
    assert!(all.iter().any(|r| r == "too-many-options"));
    let selected = ivr(&[
        "lint",
        "tests/fixtures/bad-menu.yaml",
        "--select",
        "too-many-options,dead-end",
        "--format",
        "json",
    ])
    .json();
    let selected = rules(&selected);
    assert!(!selected.is_empty());
    assert!(
        selected
            .iter()
            .all(|r| r == "too-many-options" || r == "dead-end"),
        "{selected:?}"
    );
    let ignored = rules(
        &ivr(&[
            "lint",
            "tests/fixtures/bad-menu.yaml",
            "--ignore",
            "too-many-options",
            "--format",
            "json",
        ])
        .json(),
    );
    assert!(!ignored.iter().any(|r| r == "too-many-options"));
    assert_eq!(
        ignored.len() + all.iter().filter(|r| *r == "too-many-options").count(),
        all.len()
    );
    let unknown = ivr(&["lint", "menus/", "--ignore", "dead-ends"]).failure(2);
    assert!(unknown.contains("did you mean `dead-end`"), "{unknown}");
}

#[test]
fn statistics_count_findings_per_rule() {
    let run = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--statistics"]);
    assert_eq!(run.code, Some(1));
    let report = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--format", "json"]).json();
    let all = rules(&report);
    for line in run.stdout.lines().filter(|l| !l.starts_with("Linted")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let count: usize = words[0].parse().unwrap();
        assert_eq!(
            count,
            all.iter().filter(|r| *r == words[1]).count(),
            "{line}"
        );
    }
    assert!(run.stdout.contains("too-many-options"), "{}", run.stdout);
    let refused = ivr(&["lint", "menus/", "--statistics", "--format", "sarif"]);
    assert_eq!(refused.code, Some(2));
}

#[test]
fn concise_is_one_line_per_finding() {
    let dir = scratch();
    let menu = write(dir.path(), "m.yaml", ERROR_MENU);
    let run = ivr_in(dir.path(), &["lint", "m.yaml", "--format", "concise"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .lines()
            .any(|l| l
                == "m.yaml:7:55: error[unknown-target] `to` names `biling`, which is not a node"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 info.\n"),
        "ends with the summary:\n{}",
        run.stdout
    );
    let _ = menu;
}

#[test]
fn stdin_is_linted_under_the_name_given() {
    let dir = scratch();
    let run = Ivr::new(&[
        "lint",
        "-",
        "--stdin-filename",
        "menus/main.yaml",
        "--format",
        "concise",
    ])
    .current_dir(dir.path())
    .stdin(ERROR_MENU)
    .run();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("menus/main.yaml:7:55: error[unknown-target] `to` names `biling`"),
        "{}",
        run.stdout
    );
    let without = Ivr::new(&["lint", "-"]).stdin(ERROR_MENU).run().failure(2);
    assert!(without.contains("--stdin-filename"), "{without}");
}

#[test]
fn color_is_chosen_by_flag() {
    let always = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--color", "always"]);
    assert!(
        always.stdout.contains('\u{1b}'),
        "colour on a pipe when asked"
    );
    let never = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'));
}

#[test]
fn sarif_rules_have_a_name_and_a_help_uri() {
    let log = ivr(&[
        "lint",
        "menus/retail-bank.yaml",
        "--format",
        "sarif",
        "--rules-url",
        "https://example.com/ivr/docs/rules",
    ])
    .json();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_ne!(rule["name"], rule["id"], "{id}: a distinct name");
        assert_eq!(
            rule["helpUri"],
            format!("https://example.com/ivr/docs/rules/{id}.md")
        );
        assert!(
            common::root().join(format!("docs/rules/{id}.md")).exists(),
            "{id} has a page"
        );
    }
    let depth = rules
        .iter()
        .find(|r| r["id"] == "self-service-depth")
        .unwrap();
    assert_eq!(depth["name"], "SelfServiceDepth");
}

#[test]
fn rules_list_as_json_and_every_output_code_is_documented() {
    let list = ivr(&["rules", "--format", "json"]).json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for rule in ivr::lint::registry::RULES {
        assert!(names.contains(&rule.name));
    }
    for code in ["input-error", "usage-error"] {
        assert!(names.contains(&code));
        let page = ivr(&["rule", code]);
        assert!(page.success(), "{}", page.stderr);
        assert!(page.stdout.starts_with(&format!("# {code}")));
        assert!(page.stdout.contains("## What it checks"));
    }
}

// ---------------------------------------------------------------------------------------------
// The GitHub Action

#[test]
fn the_action_installs_once_uploads_sarif_and_gates_last() {
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&text).expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter().any(|u| u.starts_with("actions/cache@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("cargo install --locked --path"))
    );
    // The gate (exit 1 on errors) is the last step, so SARIF is uploaded whatever it finds.
    let last = steps.last().unwrap()["run"].as_str().unwrap();
    assert!(
        last.trim_end()
            .ends_with("lint --format github $IVR_ARGS $IVR_PATHS"),
        "{last}"
    );
    // Every flag the action passes exists.
    let help = ivr(&["lint", "--help"]).stdout;
    for flag in ["--format", "--rules-url", "--statistics"] {
        assert!(
            runs.iter().any(|r| r.contains(flag)),
            "the action uses {flag}"
        );
        assert!(help.contains(flag), "ivr lint has {flag}");
    }
    let ci = std::fs::read_to_string(common::root().join("docs/ci.md")).unwrap();
    assert!(
        ci.contains("uses: your-org/ivr@"),
        "docs/ci.md uses the action"
    );
}
