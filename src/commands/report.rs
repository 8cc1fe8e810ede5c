//! `ivr report`: one menu simulated with its flow, linted, and written as one self-contained
//! HTML file. A report is only written over a file `ivr` wrote itself (or with `--force`).

use std::path::{Path, PathBuf};

use super::lint::{LintRequest, lint_paths};
use super::sim::{FlowRequest, SimRequest, load_for_simulation, run_with_flow_figures};
use super::{Failure, Progress};
use crate::callers::CallerModel;
use crate::diagnostic::Diagnostic;
use crate::menu::Menu;
use crate::sim::program::Program;
use crate::sim::queues::QueuePlan;
use crate::sim::report::SimReport;
use crate::sim::run::RunOptions;

/// What `ivr report` was asked to do.
#[derive(Clone, Debug)]
pub struct ReportRequest {
    pub menu: PathBuf,
    /// `--intents` (else the menu's `traffic:`).
    pub intents: Option<PathBuf>,
    pub run: RunOptions,
}

/// Everything a report shows.
#[derive(Clone, Debug)]
pub struct ReportData {
    pub menu: Menu,
    /// The intents file, as the user would name it (`--intents`, else the menu's `traffic:`).
    pub traffic: String,
    pub callers: CallerModel,
    /// With the flow (`nodes`, `edges`) of the whole traffic.
    pub sim: SimReport,
    /// Seconds in the menu and to an agent at evenly spaced quantiles (0.5%, 1.5%, ... 99.5%),
    /// for the distribution charts; empty when no call got there.
    pub time_quantiles: Vec<f64>,
    pub to_agent_quantiles: Vec<f64>,
    /// The linter's findings on the menu (with the nearest configuration's settings).
    pub findings: Vec<Diagnostic>,
}

/// The marker that says a file is a report `ivr` wrote (and may write again).
pub const MARKER: &str = "<meta name=\"generator\" content=\"ivr report\">";

/// Simulates and lints a menu for its report.
pub fn report(request: &ReportRequest, progress: &dyn Progress) -> Result<ReportData, Failure> {
    request.run.validate()?;
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let program = Program::compile(&menu, &intents);
    let sim_request = SimRequest {
        menu: request.menu.clone(),
        intents: request.intents.clone(),
        run: request.run,
        exact: false,
        gates: Vec::new(),
        config: None,
        vary: Vec::new(),
        flow: FlowRequest::Overall,
        days: super::sim::DEFAULT_DAYS,
    };
    let plan = QueuePlan::compile(&menu, &intents);
    let (sim, tally) =
        run_with_flow_figures(&menu, &program, plan.as_ref(), &sim_request, progress)?;
    let overall = tally.overall();
    let levels: Vec<f64> = (0..100).map(|i| (i as f64 + 0.5) / 100.0).collect();
    let quantiles = |h: &crate::stats::TimeHistogram| -> Vec<f64> {
        levels.iter().filter_map(|&q| h.quantile(q)).collect()
    };
    let findings = lint_paths(&LintRequest {
        paths: vec![request.menu.clone()],
        intents: request.intents.clone(),
        ..LintRequest::default()
    })
    .map(|r| r.diagnostics)
    .unwrap_or_default();
    let traffic = super::sim::traffic_name(request.intents.as_deref(), &menu);
    Ok(ReportData {
        traffic,
        callers: intents.callers,
        sim,
        time_quantiles: quantiles(&overall.time_histogram),
        to_agent_quantiles: quantiles(&overall.to_agent_histogram),
        findings,
        menu,
    })
}

/// Where a report goes by default: `<menu file stem>.report.html` beside the menu.
pub fn default_output(menu: &Path) -> PathBuf {
    page_beside(menu, "report")
}

/// `<menu file stem>.<kind>.html` beside the menu: where a page about it goes by default.
pub fn page_beside(menu: &Path, kind: &str) -> PathBuf {
    let stem = menu
        .file_stem()
        .map_or_else(|| "menu".to_string(), |s| s.to_string_lossy().into_owned());
    menu.with_file_name(format!("{stem}.{kind}.html"))
}

/// Writes a report, refusing to replace a file `ivr` did not write unless `force`.
pub fn write_report(path: &Path, html: &str, force: bool) -> Result<(), Failure> {
    if !force && let Ok(existing) = std::fs::read(path) {
        let head = String::from_utf8_lossy(&existing[..existing.len().min(4096)]).into_owned();
        if !head.contains(MARKER) {
            return Err(Diagnostic::file_error(
                &path.display().to_string(),
                "this file exists and is not a report ivr wrote, so it is left as it is",
            )
            .with_help("choose another file with `-o FILE`, or pass `--force` to replace it")
            .into());
        }
    }
    std::fs::write(path, html).map_err(|e| {
        Diagnostic::file_error(
            &path.display().to_string(),
            format!("cannot write the report: {e}"),
        )
        .into()
    })
}
