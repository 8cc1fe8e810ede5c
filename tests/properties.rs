//! Property tests of the linter over generated menus (tests/sim_agreement.rs has the simulator's).
//!
//! The generator (`tests/common/generate.rs`, wild menus) writes menus on which most rules fire:
//! all node types with fields missing or present, valid, invalid and repeated keys, targets that
//! name no node, Unicode ids and prompts (so columns count code points), block and flow style,
//! suppressions by field and by comment, option traffic, complaints, and an intents file or
//! none. Over them:
//!
//! - linting never panics, with or without intents;
//! - lint output is deterministic: the same findings in the same order, linted twice or loaded
//!   afresh (new hash maps), and `ivr lint` prints the same output (bar the time taken) on 1
//!   or 4 threads;
//! - every label lies inside its file on character boundaries, and every position's line and
//!   column lie inside the file;
//! - a finding that names a node names one of the menu, and in the menu file points inside the
//!   lines the generator wrote for that node;
//! - files that do not load give an input error that points inside the file;
//! - a generated menu that `ivr sim` accepts gives the same tally on 1 and 3 threads
//!   (tests/sim_agreement.rs has the simulator's other properties: no panic, shares sum to 1,
//!   agreement with the exact solver).
//!
//! 64 cases from a fixed seed, so the suite is repeatable and quick; set `PROPTEST_CASES` and
//! `PROPTEST_RNG_SEED` to explore more menus.

use std::sync::Arc;

mod common;

use common::figures::{BLOCK, Program, RunOptions, run};
use common::generate::{Menus, Rendered, case, render_intents, render_menu};
use common::load::menu_and_intents;
use common::{Ivr, Run};
use ivr::diagnostic::{Diagnostic, Severity};
use ivr::intents::Intents;
use ivr::lint::Settings;
use ivr::lint::lint_menu;
use ivr::menu::Menu;
use ivr::menu::graph::MenuGraph;
use ivr::menu::routing::{Policy, intent_routes, routes};
use ivr::source::{SourceFile, Span};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestRunner};

/// Everything of a diagnostic that any output format shows.
type Shown = (
    String,
    Severity,
    String,
    Option<String>,
    String,
    Vec<(Span, String)>,
    Option<String>,
);

fn shown(findings: &[Diagnostic]) -> Vec<Shown> {
    findings
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.severity,
                d.message.clone(),
                d.help.clone(),
                d.path.clone(),
                d.labels.iter().map(|l| (l.span, l.text.clone())).collect(),
                d.node.clone(),
            )
        })
        .collect()
}

/// Every label inside its file on character boundaries; the position's line and column on a
/// real line of the file.
fn assert_inside(d: &Diagnostic, source: &Arc<SourceFile>, what: &str) {
    let text = source.text();
    for label in &d.labels {
        let end = label.span.start + label.span.len;
        assert!(
            end <= text.len(),
            "{what}\n{}: label {:?} `{}` ends past the end of the file ({} bytes)",
            d.code,
            label.span,
            label.text,
            text.len()
        );
        assert!(
            text.is_char_boundary(label.span.start) && text.is_char_boundary(end),
            "{what}\n{}: label {:?} splits a character",
            d.code,
            label.span
        );
    }
    if let Some(p) = d.position() {
        assert!(
            (1..=source.line_count()).contains(&p.line),
            "{what}\n{}: line {} of {}",
            d.code,
            p.line,
            source.line_count()
        );
        let line = source.line_text(d.labels[0].span.start);
        assert!(
            p.column >= 1 && p.column <= line.chars().count() + 1,
            "{what}\n{}: column {} on a line of {} characters",
            d.code,
            p.column,
            line.chars().count()
        );
        // The column counts code points: the text before it on that line has column - 1 of them.
        let start = source.offset_of(p.line, p.column);
        assert_eq!(
            start, d.labels[0].span.start,
            "{what}\n{}: line {} column {} is not where the label starts",
            d.code, p.line, p.column
        );
    }
}

fn check_findings(
    findings: &[Diagnostic],
    menu: &Menu,
    intents: Option<&Intents>,
    rendered: &Rendered,
    what: &str,
) {
    for d in findings {
        let source = if d.path == menu.source.name() {
            &menu.source
        } else {
            let intents = intents.unwrap_or_else(|| {
                panic!(
                    "{what}\n{} is about {}, but there is no intents file",
                    d.code, d.path
                )
            });
            assert_eq!(d.path, intents.source.name(), "{what}");
            &intents.source
        };
        assert!(!d.labels.is_empty(), "{what}\n{} has no label", d.code);
        assert_inside(d, source, what);
        let Some(node) = &d.node else { continue };
        assert!(
            menu.lookup(node).is_some(),
            "{what}\n{} names node `{node}`, which the menu does not have",
            d.code
        );
        if Arc::ptr_eq(source, &menu.source) {
            let lines = &rendered.lines[node];
            let line = d.position().expect("a position").line;
            assert!(
                lines.contains(&line),
                "{what}\n{} ({}) is about node `{node}` (lines {lines:?}) but points at line {line}",
                d.code,
                d.message
            );
        }
    }
}

proptest! {
    #![proptest_config(common::generate::config(0x1147_c0de))]

    #[test]
    fn findings_are_deterministic_and_point_inside_the_named_node((m, i) in case(Menus::Wild)) {
        let rendered = render_menu(&m);
        let intents_text = i.as_ref().map(render_intents);
        let what = format!(
            "menu:\n{}\nintents:\n{}",
            rendered.text,
            intents_text.as_deref().unwrap_or("(none)")
        );
        let (menu, intents) = match menu_and_intents(&rendered.text, intents_text.as_deref()) {
            Ok(pair) => pair,
            Err(error) => {
                // Not every generated file is valid: the error points inside it.
                let source = error.source.clone().expect("an input error has its text");
                assert_inside(&error, &source, &what);
                return Ok(());
            }
        };
        let settings = Settings::default();
        for intents in [None, intents.as_ref()] {
            let first = lint_menu(&menu, intents, &settings);
            check_findings(&first, &menu, intents, &rendered, &what);
            // The same findings in the same order: linted again, and loaded afresh.
            let again = lint_menu(&menu, intents, &settings);
            prop_assert_eq!(shown(&first), shown(&again), "linted twice:\n{}", what);
            let (menu2, intents2) = menu_and_intents(&rendered.text, intents_text.as_deref())
                .expect("it loaded once");
            let intents2 = intents.and(intents2.as_ref());
            let fresh = lint_menu(&menu2, intents2, &settings);
            prop_assert_eq!(shown(&first), shown(&fresh), "loaded afresh:\n{}", what);
            // Refusals are a sorted subset of the findings.
            let refusals = ivr::lint::structural_errors(&menu, intents);
            prop_assert!(refusals.len() <= first.len());
            prop_assert!(refusals.windows(2).all(|w| w[0].position() <= w[1].position()));
            // A menu `ivr sim` accepts gives the same tally on 1 and 3 threads, over two
            // blocks of calls (tests/sim_agreement.rs checks the figures themselves).
            if let Some(intents) = intents
                && refusals.is_empty()
            {
                let program = Program::compile(&menu, intents);
                let calls = BLOCK + 500;
                let tally = |threads| run(&program, RunOptions { calls, seed: 3, threads }, &|_| {});
                prop_assert_eq!(tally(1), tally(3), "threads:\n{}", what);
            }
        }
    }
}

/// Each intent's route from `entry`, found with the searches cut short (what the linter uses),
/// is the route the whole routing policy gives (what the simulator's policy table holds).
fn assert_routes_agree(menu: &Menu, intents: &Intents, what: &str) {
    let graph = MenuGraph::build(menu);
    let policy = Policy::build(menu, &graph, intents);
    assert_eq!(
        intent_routes(menu, &graph, intents),
        routes(menu, &policy, intents),
        "{what}"
    );
}

proptest! {
    #![proptest_config(common::generate::config(0x2047_e5e5))]

    #[test]
    fn the_linters_routes_are_the_policys((m, i) in case(Menus::Wild)) {
        let rendered = render_menu(&m);
        let Some(intents_text) = i.as_ref().map(render_intents) else { return Ok(()) };
        let Ok((menu, Some(intents))) = menu_and_intents(&rendered.text, Some(&intents_text))
        else {
            return Ok(());
        };
        let what = format!("menu:\n{}\nintents:\n{intents_text}", rendered.text);
        assert_routes_agree(&menu, &intents, &what);
    }
}

#[test]
fn the_linters_routes_are_the_policys_on_big_generated_menus() {
    let (tangle, tangle_intents) = ivr::generate::menus_and_services(400, 400);
    let tree = ivr::generate::tree_menu(4, 4, 120);
    let tree_intents = ivr::generate::tree_intents(120);
    for (menu, intents) in [(tangle, tangle_intents), (tree, tree_intents)] {
        let (menu, intents) =
            menu_and_intents(&menu, Some(&intents)).expect("generated menus load");
        assert_routes_agree(&menu, &intents.expect("intents"), "generated");
    }
}

/// Generated menus, from a fixed seed.
fn sample_menus(count: usize) -> Vec<(String, Option<String>)> {
    let mut runner = TestRunner::new(ProptestConfig {
        rng_seed: RngSeed::Fixed(7),
        ..ProptestConfig::default()
    });
    let strategy = case(Menus::Wild);
    (0..count)
        .map(|_| {
            let (m, i) = strategy.new_tree(&mut runner).expect("a value").current();
            (render_menu(&m).text, i.as_ref().map(render_intents))
        })
        .collect()
}

#[test]
fn lint_cli_output_does_not_depend_on_threads_or_runs() {
    let dir = common::scratch();
    for (n, (menu, intents)) in sample_menus(40).into_iter().enumerate() {
        let menu = match intents {
            Some(intents) => {
                std::fs::write(dir.path().join(format!("m{n}.intents.yaml")), intents).unwrap();
                format!("traffic: m{n}.intents.yaml\n{menu}")
            }
            None => menu,
        };
        std::fs::write(dir.path().join(format!("m{n}.yaml")), menu).unwrap();
    }
    let lint = |threads: &str, format: &str| {
        let output = Ivr::new(&["lint", ".", "--format", format])
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .run();
        assert!(
            matches!(output.code, Some(0..=2)),
            "{:?}: {}",
            output.code,
            output.stderr
        );
        assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
        // The human summary ends with the time taken, which varies.
        let stdout = match output.stdout.rfind(" in ") {
            Some(at) if format == "human" && output.stdout.ends_with(" ms.\n") => {
                output.stdout[..at].to_string()
            }
            _ => output.stdout.clone(),
        };
        Run { stdout, ..output }
    };
    for format in ["json", "human"] {
        let one = lint("1", format);
        assert!(!one.stdout.is_empty(), "{format}: no output");
        assert_eq!(one, lint("4", format), "{format}: 1 thread vs 4");
        assert_eq!(one, lint("4", format), "{format}: a second run");
    }
}
