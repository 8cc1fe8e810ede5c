//! The simulation check of an unsafe fix: the menu before and after the fix, run on the menu's
//! traffic with the same callers (the exact solver when it can solve both, else paired calls
//! on common random numbers), and the verdict on its headline figures.

use std::path::Path;

use super::Failure;
use super::sim::{check_simulable, intents_for, join_flows};
use crate::document::{Document, load_document, source_from_bytes};
use crate::menu::Menu;
use crate::sim::compare::{exact_diff, monte_carlo_diff, run_pair};
use crate::sim::exact::exact_report;
use crate::sim::headline::{HeadlineChange, headline_changes};
use crate::sim::program::Program;
use crate::sim::run::RunOptions;
use crate::yaml::Limits;

/// Paired calls when the exact solver cannot solve the menus: enough to see a change of a few
/// tenths of a point in a share.
pub const CHECK_CALLS: u64 = 100_000;

/// What simulating the fix found.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// No headline figure got significantly worse: how each moved.
    Keeps(Vec<HeadlineChange>),
    /// These figures got significantly worse (with all the changes).
    Worsens(Vec<HeadlineChange>),
    /// The fix could not be checked, and why (no traffic, a menu that cannot be simulated).
    Unchecked(String),
}

impl Verdict {
    /// What a fix that was written changed: `−2.1 s per call, containment +0.3 points`.
    pub fn summary(changes: &[HeadlineChange]) -> String {
        let shown: Vec<String> = changes
            .iter()
            .filter(|c| c.shows())
            .map(HeadlineChange::describe)
            .collect();
        if shown.is_empty() {
            "no headline figure changed".to_string()
        } else {
            shown.join(", ")
        }
    }

    /// Why a fix was not written.
    pub fn refusal(&self) -> Option<String> {
        match self {
            Verdict::Keeps(_) => None,
            Verdict::Worsens(changes) => {
                let worse: Vec<String> = changes
                    .iter()
                    .filter(|c| c.worse)
                    .map(HeadlineChange::describe)
                    .collect();
                Some(format!(
                    "callers would be worse off: {} (all changes: {})",
                    worse.join(", "),
                    Verdict::summary(changes)
                ))
            }
            Verdict::Unchecked(why) => {
                Some(format!("it could not be checked by simulation: {why}"))
            }
        }
    }
}

/// Simulates the menu `path` as `before` and as `after` on its traffic (`intents`, else the
/// menu's `traffic:`).
pub fn check_fix(path: &str, intents: Option<&Path>, before: &str, after: &str) -> Verdict {
    match compare_texts(path, intents, before, after) {
        Ok(changes) if changes.iter().any(|c| c.worse) => Verdict::Worsens(changes),
        Ok(changes) => Verdict::Keeps(changes),
        Err(failure) => Verdict::Unchecked(
            failure
                .diagnostics
                .iter()
                .rev()
                .map(|d| d.message.replace(" (listed above)", ""))
                .next()
                .unwrap_or_else(|| "the menu cannot be simulated".to_string()),
        ),
    }
}

fn compare_texts(
    path: &str,
    intents: Option<&Path>,
    before: &str,
    after: &str,
) -> Result<Vec<HeadlineChange>, Failure> {
    let limits = Limits::DEFAULT;
    let menu_path = Path::new(path);
    let menu_a = menu_of(path, before, &limits)?;
    let menu_b = menu_of(path, after, &limits)?;
    let intents = intents_for(menu_path, &menu_a, intents, &limits)?;
    check_simulable(&menu_a, &intents)?;
    check_simulable(&menu_b, &intents)?;
    let menu_a = join_flows(menu_path, menu_a, &intents, &limits)?;
    let menu_b = join_flows(menu_path, menu_b, &intents, &limits)?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    if let (Ok(ra), Ok(rb)) = (exact_report(path, &a), exact_report(path, &b)) {
        return Ok(headline_changes(&exact_diff(&ra, &rb).overall, true));
    }
    let options = RunOptions {
        calls: CHECK_CALLS,
        seed: 0,
        threads: 0,
    };
    let tally = run_pair(&a, &b, options);
    Ok(headline_changes(
        &monte_carlo_diff(&a.intent_names, &tally).overall,
        false,
    ))
}

fn menu_of(path: &str, text: &str, limits: &Limits) -> Result<Menu, Failure> {
    let source = source_from_bytes(path, text.as_bytes().to_vec(), limits)?;
    match load_document(&source, limits)? {
        Document::Menu(menu) => Ok(*menu),
        _ => Err(crate::diagnostic::Diagnostic::file_error(path, "it is not a menu").into()),
    }
}
