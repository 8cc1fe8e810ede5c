//! Small menus that load and that `ivr sim` would accept (no refusals) are simulated: a few
//! thousand Monte Carlo calls on one thread and the exact solver. Intents come from the part of
//! the input after `#@intents`, or else are made up from the intents the menu serves. Nothing
//! may panic or hang, and the outcome shares of each report sum to 1.

#![no_main]

use libfuzzer_sys::fuzz_target;

use ivr::callers::CallerModel;
use ivr::intents::{Intent, Intents};
use ivr::document::Document;
use ivr::menu::Menu;
use ivr::sim::exact::exact_report;
use ivr::sim::program::Program;
use ivr::sim::report::{SimReport, monte_carlo_report};
use ivr::sim::run::{RunOptions, run};
use ivr::source::{SourceFile, Span, Spanned};

mod common;

/// Bigger inputs are skipped, so that each run stays fast.
const MAX_INPUT: usize = 16 * 1024;
const MAX_NODES: usize = 40;
const MAX_INTENTS: usize = 16;
const CALLS: u64 = 2_000;

/// One intent per name the menu serves (`x` when it serves none), equal weights, the default
/// callers.
fn made_up_intents(menu: &Menu) -> Intents {
    let mut names: Vec<String> = Vec::new();
    for node in &menu.nodes {
        for name in node.serves() {
            if name != "*" && !names.iter().any(|n| n == name) && names.len() < MAX_INTENTS {
                names.push(name.to_string());
            }
        }
    }
    if names.is_empty() {
        names.push("x".to_string());
    }
    let share = 1.0 / names.len() as f64;
    let intents = names
        .into_iter()
        .map(|name| Intent {
            name: Spanned::new(name, Span::new(0, 0)),
            weight: 1.0,
            share,
            complaint: false,
        })
        .collect();
    Intents::new(
        SourceFile::new("made-up.intents.yaml", String::new()),
        intents,
        CallerModel::default(),
    )
}

fn assert_shares_sum_to_one(report: &SimReport, what: &str) {
    let f = &report.overall;
    let total: f64 = ivr::sim::engine::Outcome::ALL
        .iter()
        .map(|&o| f.outcomes.get(o))
        .sum();
    assert!((total - 1.0).abs() <= 1e-6, "{what}: shares sum to {total}");
    assert!(
        f.time.mean.is_finite() && f.time.mean >= 0.0,
        "{what}: time {}",
        f.time.mean
    );
    assert!(
        f.inputs.mean.is_finite() && f.inputs.mean >= 0.0,
        "{what}: inputs {}",
        f.inputs.mean
    );
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let (menu, intents) = common::split(data);
    let Some(Document::Menu(menu)) = common::load("menu.yaml", menu) else {
        return;
    };
    if menu.nodes.len() > MAX_NODES {
        return;
    }
    let intents = match intents.and_then(|i| common::load("menu.intents.yaml", i)) {
        Some(Document::Intents(intents)) if intents.intents.len() <= MAX_INTENTS => *intents,
        Some(_) => return,
        None => made_up_intents(&menu),
    };
    if !ivr::lint::structural_errors(&menu, Some(&intents)).is_empty() {
        return;
    }
    let program = Program::compile(&menu, &intents);
    let options = RunOptions {
        calls: CALLS,
        seed: u64::from(data.len() as u32),
        threads: 1,
    };
    let tally = run(&program, options, &|_| {});
    let mc = monte_carlo_report(
        "menu.yaml",
        &program.intent_names,
        &program.shares,
        &tally,
        CALLS,
        options.seed,
    );
    assert_shares_sum_to_one(&mc, "Monte Carlo");
    if let Ok(exact) = exact_report("menu.yaml", &program) {
        assert_shares_sum_to_one(&exact, "exact");
    }
});
