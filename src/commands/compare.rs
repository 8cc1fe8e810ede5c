//! `ivr compare`: two menus on the same callers (the same intents, the same random numbers).

use std::path::{Path, PathBuf};

use super::Failure;
use super::sim::{check_simulable, exact_error, intents_for, join_flows};
use crate::diagnostic::Diagnostic;
use crate::document::{display_path, load_menu, traffic_path};
use crate::intents::Intents;
use crate::menu::Menu;
use crate::sim::compare::{CompareReport, exact_diff, monte_carlo_diff, run_pair};
use crate::sim::exact::exact_report;
use crate::sim::program::Program;
use crate::sim::report::monte_carlo_report;
use crate::sim::run::RunOptions;
use crate::yaml::Limits;

/// What `ivr compare` was asked to do.
#[derive(Clone, Debug)]
pub struct CompareRequest {
    /// The current menu (A).
    pub menu_a: PathBuf,
    /// The variant (B); differences are B minus A.
    pub menu_b: PathBuf,
    /// `--intents`: the intents file for both (else their common `traffic:`).
    pub intents: Option<PathBuf>,
    pub run: RunOptions,
    /// Compare exact solutions instead of sampling.
    pub exact: bool,
}

/// Runs `ivr compare`: both menus read once, their shared intents read once.
pub fn compare(request: &CompareRequest) -> Result<CompareReport, Failure> {
    request.run.validate()?;
    let limits = Limits::DEFAULT;
    let menu_a = load_menu(&request.menu_a, &limits)?;
    let menu_b = load_menu(&request.menu_b, &limits)?;
    let intents = shared_intents(request, &menu_a, &menu_b, &limits)?;
    check_simulable(&menu_a, &intents)?;
    check_simulable(&menu_b, &intents)?;
    let menu_a = join_flows(&request.menu_a, menu_a, &intents, &limits)?;
    let menu_b = join_flows(&request.menu_b, menu_b, &intents, &limits)?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    let (name_a, name_b) = (menu_a.source.name(), menu_b.source.name());
    if request.exact {
        let ra = exact_report(&name_a, &a).map_err(|e| exact_error(&menu_a, e))?;
        let rb = exact_report(&name_b, &b).map_err(|e| exact_error(&menu_b, e))?;
        let diff = exact_diff(&ra, &rb);
        return Ok(CompareReport { a: ra, b: rb, diff });
    }
    let options = request.run;
    let tally = run_pair(&a, &b, options);
    Ok(CompareReport {
        a: monte_carlo_report(
            &name_a,
            &a.intent_names,
            &a.shares,
            &tally.a,
            options.calls,
            options.seed,
        ),
        b: monte_carlo_report(
            &name_b,
            &b.intent_names,
            &b.shares,
            &tally.b,
            options.calls,
            options.seed,
        ),
        diff: monte_carlo_diff(&a.intent_names, &tally),
    })
}

/// The intents both menus run: `--intents`, or their common `traffic:` (one menu naming it is
/// enough; two naming different files is an error).
fn shared_intents(
    request: &CompareRequest,
    menu_a: &Menu,
    menu_b: &Menu,
    limits: &Limits,
) -> Result<Intents, Failure> {
    if let Some(path) = &request.intents {
        return intents_for(&request.menu_a, menu_a, Some(path), limits);
    }
    let traffic_a = traffic_path(&request.menu_a, menu_a);
    let traffic_b = traffic_path(&request.menu_b, menu_b);
    match (traffic_a, traffic_b) {
        (Some(a), Some(b)) if same_file(&a) != same_file(&b) => {
            Err(Diagnostic::usage_error(format!(
                "the menus name different traffic files ({} and {})",
                display_path(&a),
                display_path(&b)
            ))
            .with_help("pass `--intents FILE` so both menus run the same callers")
            .into())
        }
        (None, Some(_)) => intents_for(&request.menu_b, menu_b, None, limits),
        _ => intents_for(&request.menu_a, menu_a, None, limits),
    }
}

/// A path as one file: resolved through `..` and links when it exists.
fn same_file(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .ok()
}
