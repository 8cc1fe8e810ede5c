//! `ivr compare`: two menus on the same callers (the same intents, the same random numbers).

use std::path::{Path, PathBuf};

use super::Failure;
use super::sim::{
    check_queues, check_simulable, exact_error, intents_for, join_flows, traffic_name,
};
use crate::callers::CallerModel;
use crate::diagnostic::Diagnostic;
use crate::document::{display_path, load_menu, traffic_path};
use crate::intents::Intents;
use crate::menu::Menu;
use crate::sim::compare::{CompareReport, PairTally, exact_diff, monte_carlo_diff, run_pair};
use crate::sim::exact::exact_report;
use crate::sim::flow::{
    Flow, FlowChanges, FlowNames, exact_flow, exact_flow_figures, flow_changes, monte_carlo_flow,
    run_with_flow,
};
use crate::sim::program::Program;
use crate::sim::queue_compare::queue_diff;
use crate::sim::queues::{QueuePlan, QueueRunTally, queue_report, run_with_queues};
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
    /// Days to simulate when the traffic file describes a day in intervals.
    pub days: u32,
}

/// Runs `ivr compare`: both menus read once, their shared intents read once.
pub fn compare(request: &CompareRequest) -> Result<CompareReport, Failure> {
    let (menu_a, menu_b, intents) = load_pair(request)?;
    compare_loaded(request, &menu_a, &menu_b, &intents)
}

/// Everything `ivr compare --format html` shows: the comparison, both menus, and where each
/// menu's callers go.
#[derive(Clone, Debug)]
pub struct ComparePage {
    pub report: CompareReport,
    pub menu_a: Menu,
    pub menu_b: Menu,
    /// The intents file, as the user would name it.
    pub traffic: String,
    pub callers: CallerModel,
    pub flow_a: Flow,
    pub flow_b: Flow,
    /// Where the traffic moved from A to B.
    pub changes: FlowChanges,
}

/// Runs `ivr compare` with the flow of each menu (the same calls as the comparison's, or the
/// exact flow with `exact`).
pub fn compare_page(request: &CompareRequest) -> Result<ComparePage, Failure> {
    let (menu_a, menu_b, intents) = load_pair(request)?;
    let report = compare_loaded(request, &menu_a, &menu_b, &intents)?;
    let flow_of = |menu: &Menu| {
        let program = Program::compile(menu, &intents);
        let names = FlowNames::of(menu);
        if request.exact {
            exact_flow(&program)
                .map(|(overall, _)| exact_flow_figures(&program, &names, &overall))
                .unwrap_or_default()
        } else {
            let (_, flows) = run_with_flow(&program, request.run, false, &|_| {});
            flows
                .first()
                .map(|f| monte_carlo_flow(&program, &names, f))
                .unwrap_or_default()
        }
    };
    let (flow_a, flow_b) = (flow_of(&menu_a), flow_of(&menu_b));
    Ok(page_of(
        request,
        report,
        (menu_a, flow_a),
        (menu_b, flow_b),
        &intents,
    ))
}

/// The page's data from a comparison and each menu's flow (from a run, or from merged
/// partial results).
pub(crate) fn page_of(
    request: &CompareRequest,
    report: CompareReport,
    (menu_a, flow_a): (Menu, Flow),
    (menu_b, flow_b): (Menu, Flow),
    intents: &Intents,
) -> ComparePage {
    let changes = flow_changes(&flow_a, &flow_b);
    let traffic = match menu_b.traffic {
        Some(_) => traffic_name(request.intents.as_deref(), &menu_b),
        None => traffic_name(request.intents.as_deref(), &menu_a),
    };
    ComparePage {
        report,
        traffic,
        callers: intents.callers,
        flow_a,
        flow_b,
        changes,
        menu_a,
        menu_b,
    }
}

/// Where `ivr compare --format html` writes by default: `<A stem>-vs-<B stem>.compare.html`
/// beside menu B.
pub fn default_output(menu_a: &Path, menu_b: &Path) -> PathBuf {
    let stem = |p: &Path| {
        p.file_stem()
            .map_or_else(|| "menu".to_string(), |s| s.to_string_lossy().into_owned())
    };
    menu_b.with_file_name(format!("{}-vs-{}.compare.html", stem(menu_a), stem(menu_b)))
}

/// Both menus and their shared intents, read once and fit to simulate.
pub(crate) fn load_pair(request: &CompareRequest) -> Result<(Menu, Menu, Intents), Failure> {
    request.run.validate()?;
    let limits = Limits::DEFAULT;
    let menu_a = load_menu(&request.menu_a, &limits)?;
    let menu_b = load_menu(&request.menu_b, &limits)?;
    let intents = shared_intents(request, &menu_a, &menu_b, &limits)?;
    check_simulable(&menu_a, &intents)?;
    check_simulable(&menu_b, &intents)?;
    let menu_a = join_flows(&request.menu_a, menu_a, &intents, &limits)?;
    let menu_b = join_flows(&request.menu_b, menu_b, &intents, &limits)?;
    check_queues(&menu_a, &intents)?;
    check_queues(&menu_b, &intents)?;
    Ok((menu_a, menu_b, intents))
}

/// The comparison of two loaded menus.
fn compare_loaded(
    request: &CompareRequest,
    menu_a: &Menu,
    menu_b: &Menu,
    intents: &Intents,
) -> Result<CompareReport, Failure> {
    let a = Program::compile(menu_a, intents);
    let b = Program::compile(menu_b, intents);
    let (name_a, name_b) = (menu_a.source.name(), menu_b.source.name());
    if request.exact {
        let ra = exact_report(&name_a, &a).map_err(|e| exact_error(menu_a, e))?;
        let rb = exact_report(&name_b, &b).map_err(|e| exact_error(menu_b, e))?;
        let diff = exact_diff(&ra, &rb);
        return Ok(CompareReport { a: ra, b: rb, diff });
    }
    let options = request.run;
    let tally = run_pair(&a, &b, options);
    let mut report = pair_report((&name_a, &a), (&name_b, &b), options, &tally);
    // Both menus share the traffic file, so both have queues or neither has.
    if let (Some(plan_a), Some(plan_b)) = (
        QueuePlan::compile(menu_a, intents),
        QueuePlan::compile(menu_b, intents),
    ) {
        // The same seed for both: call `i` meets the same arrival, patience and handle time.
        let (_, queues_a) = run_with_queues(&a, &plan_a, options, request.days, &|_| {});
        let (_, queues_b) = run_with_queues(&b, &plan_b, options, request.days, &|_| {});
        add_queues(&mut report, [&plan_a, &plan_b], [&queues_a, &queues_b]);
    }
    Ok(report)
}

/// Both menus' queue figures and their differences, into a comparison (from a run, or from
/// merged partial results).
pub(crate) fn add_queues(
    report: &mut CompareReport,
    [plan_a, plan_b]: [&QueuePlan; 2],
    [queues_a, queues_b]: [&QueueRunTally; 2],
) {
    report.a.queues = Some(queue_report(plan_a, queues_a));
    report.b.queues = Some(queue_report(plan_b, queues_b));
    report.diff.queues = Some(queue_diff(plan_a, queues_a, queues_b));
}

/// The comparison of a paired Monte Carlo run (from a run, or from merged partial results).
pub(crate) fn pair_report(
    (name_a, a): (&str, &Program),
    (name_b, b): (&str, &Program),
    options: RunOptions,
    tally: &PairTally,
) -> CompareReport {
    CompareReport {
        a: monte_carlo_report(
            name_a,
            &a.intent_names,
            &a.shares,
            &tally.a,
            options.calls,
            options.seed,
        ),
        b: monte_carlo_report(
            name_b,
            &b.intent_names,
            &b.shares,
            &tally.b,
            options.calls,
            options.seed,
        ),
        diff: monte_carlo_diff(&a.intent_names, tally),
    }
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
