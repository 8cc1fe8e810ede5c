//! `ivr lint` on big menus: work that grew with the square of the menu, run under a generous
//! guard (a hang check, not a speed check: the old code took minutes on the same input in a
//! debug build). Figures are in docs/performance.md.

use std::fmt::Write as _;
use std::time::Duration;

mod common;

use common::Ivr;

const GUARD: Duration = Duration::from_secs(120);

/// Every suppression was tried against every finding: 20,000 nodes, each unreachable and each
/// with its own `# ivr: allow(unreachable-node)`, took 30 s of CPU in a release build (400
/// million tries); an index finds each finding's allows at once.
#[test]
fn thousands_of_suppressions_and_findings_are_matched_by_place() {
    let mut menu = String::from("menu: Many\nentry: main\nnodes:\n  main: { type: hangup }\n");
    for i in 0..20_000 {
        writeln!(
            menu,
            "  n{i}: {{ type: hangup }}  # ivr: allow(unreachable-node) kept for the audit"
        )
        .unwrap();
    }
    let dir = common::scratch();
    common::write(dir.path(), "many.yaml", &menu);
    let run = Ivr::new(&["lint", "--format", "json", "many.yaml"])
        .current_dir(dir.path())
        .run_guarded(GUARD);
    let rules: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(!rules.iter().any(|r| r == "unreachable-node"), "{rules:?}");
    assert!(!rules.iter().any(|r| r == "unused-allow"), "{rules:?}");
}

/// The human format of a generated menu of 2,000 menus and 2,000 self-service nodes: about
/// 4,500 findings, one of them a loop labelling hundreds of nodes, and most with a label on each
/// input of a long path. Drawing them rescanned the file for every label and drew every line
/// between a finding's first and last label (50 s in a release build for 3,000 + 3,000).
#[test]
fn the_human_format_of_a_big_generated_menu_draws_only_the_lines_near_each_label() {
    let (menu, intents) = common::big::menus_and_services(2_000, 2_000);
    let dir = common::scratch();
    common::write(dir.path(), "big.yaml", &menu);
    common::write(dir.path(), "big.intents.yaml", &intents);
    let run = Ivr::new(&["lint", "big.yaml"])
        .current_dir(dir.path())
        .run_guarded(GUARD);
    assert_eq!(run.code, Some(1), "{}", common::run::head(&run.stderr));
    let findings = run
        .stdout
        .lines()
        .filter(|l| {
            ["error(", "warning(", "info("]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .count();
    assert!(findings > 4_000, "{findings}");
    // The loop's labels beyond the first 50 are counted, not drawn.
    assert!(
        run.stdout
            .contains("more places in the file belong to this finding"),
        "{}",
        common::run::head(&run.stdout)
    );
    // Far less than the file (4,000 lines) per finding: about 13 lines each.
    let lines = run.stdout.lines().count();
    assert!(
        lines < 40 * findings,
        "{lines} lines for {findings} findings"
    );
}
