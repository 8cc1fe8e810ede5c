//! The caller model of caller-model.md: routing, the Monte Carlo engine and the exact solver.
//!
//! `policy` (intended option per node and intent) -> `program` (the menu compiled to flat
//! arrays) -> `engine` (one call, pure) -> `run` (blocks, threads, seeds) -> `stats`
//! (streaming figures) -> `report` (one `Serialize` struct). `exact` solves the same model as
//! an absorbing Markov chain.

pub mod compare;
pub mod engine;
pub mod exact;
pub mod gates;
pub mod program;
pub mod report;
pub mod run;
pub mod stats;
pub mod sweep;

use crate::diagnostic::{Diagnostic, Severity};
use crate::intents::Intents;
use crate::menu::Menu;

/// Rules whose error findings make a menu impossible to simulate.
pub const REFUSING_RULES: [&str; 4] = [
    "unknown-target",
    "missing-field",
    "duplicate-key",
    "invalid-key",
];

/// The findings that stop a simulation: error-severity structural problems (with the
/// rules' default settings), in file order.
pub fn refusals(menu: &Menu, intents: Option<&Intents>) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> =
        crate::lint::lint_menu(menu, intents, &crate::config::Config::default())
            .into_iter()
            .filter(|d| d.severity == Severity::Error && REFUSING_RULES.contains(&d.code.as_str()))
            .collect();
    found.sort_by_key(|d| d.position());
    found
}
