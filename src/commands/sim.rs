//! `ivr sim`: one menu's traffic simulated once, against gates, or over a sweep of caller
//! parameters.

use std::path::{Path, PathBuf};

use super::{Failure, Progress};
use crate::callers::CallerModel;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{load_intents, load_menu, load_traffic, read_source};
use crate::intents::Intents;
use crate::intents::traffic::Arrivals;
use crate::menu::{Menu, NodeId};
use crate::sim::UsageError;
use crate::sim::exact::{ExactError, exact_report};
use crate::sim::flow::{
    Flow, FlowNames, FlowTally, exact_flow, exact_flow_figures, monte_carlo_flow, run_with_flow,
};
use crate::sim::gates::{Gate, GateResult, evaluate, parse_scoped as parse_gate};
use crate::sim::program::Program;
use crate::sim::queues::{QueuePlan, QueueRunTally, queue_report, run_with_queues};
use crate::sim::report::{SimReport, monte_carlo_report};
use crate::sim::run::{RunOptions, Tally, run};
use crate::sim::staffing::{StaffGoal, staff_report};
use crate::sim::sweep::{Param, Point, Vary, check_traffic, grid, parse_vary};
use crate::yaml::Limits;

/// Days simulated by default when the traffic file describes a day in intervals.
pub const DEFAULT_DAYS: u32 = 20;

/// What `ivr sim` was asked to do.
#[derive(Clone, Debug)]
pub struct SimRequest {
    /// The menu file.
    pub menu: PathBuf,
    /// `--intents`: the intents file (else the menu's `traffic:`).
    pub intents: Option<PathBuf>,
    pub run: RunOptions,
    /// Solve exactly instead of sampling.
    pub exact: bool,
    /// Days to simulate when the traffic file describes a day in intervals.
    pub days: u32,
    /// `--check` expressions; when there are none, the config's `checks:` apply.
    pub gates: Vec<String>,
    /// `--config`: the config whose `checks:` apply (else the nearest `.ivr.yaml`).
    pub config: Option<PathBuf>,
    /// `--vary` grids of caller parameters.
    pub vary: Vec<String>,
    /// Whether to tally where callers go (per node and edge), and per intent too.
    pub flow: FlowRequest,
}

/// Which flow figures a simulation keeps: tallying them costs a little per call, so only the
/// outputs that show them ask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FlowRequest {
    #[default]
    None,
    /// For the whole traffic.
    Overall,
    /// For the whole traffic and for each intent.
    ByIntent,
}

/// What a simulation produced.
#[derive(Clone, Debug)]
pub enum SimOutput {
    /// One run.
    Report(SimReport),
    /// One run and the verdicts of its gates.
    Gated {
        report: SimReport,
        results: Vec<GateResult>,
    },
    /// One run per point of the grid, all with the same random numbers.
    Sweep {
        params: Vec<Param>,
        rows: Vec<(Point, SimReport)>,
        /// With `--check`: the verdicts of the checks at each point, in the rows' order
        /// (empty without `--check`).
        checks: Vec<Vec<GateResult>>,
    },
}

/// The output and notes for people (such as config checks a sweep does not apply).
#[derive(Clone, Debug)]
pub struct SimResult {
    pub output: SimOutput,
    pub notes: Vec<String>,
    /// What was simulated, as a page's header shows it.
    pub subject: Subject,
}

/// The menu and traffic a simulation ran, as pages name them.
#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    /// The menu's `menu:` name (else its file name).
    pub title: String,
    /// The language of its prompts, when it can be told.
    pub language: Option<&'static str>,
    /// The intents file, as the user would name it.
    pub traffic: String,
    /// The intents file's caller model (a sweep varies it at each point).
    pub callers: CallerModel,
}

impl Subject {
    pub(crate) fn of(menu: &Menu, intents: &Intents, intents_path: Option<&Path>) -> Subject {
        Subject {
            title: menu.title(),
            language: menu.language(),
            traffic: traffic_name(intents_path, menu),
            callers: intents.callers,
        }
    }
}

/// The intents file as the user would name it: `--intents`, else the menu's `traffic:`.
pub(crate) fn traffic_name(intents_path: Option<&Path>, menu: &Menu) -> String {
    match (intents_path, &menu.traffic) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(name)) => name.value.clone(),
        (None, None) => String::new(),
    }
}

/// Runs `ivr sim`. Usage errors come before any file is read.
pub fn simulate(request: &SimRequest, progress: &dyn Progress) -> Result<SimResult, Failure> {
    request.run.validate()?;
    let varies = parse_varies(request)?;
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let subject = Subject::of(&menu, &intents, request.intents.as_deref());
    if !varies.is_empty() {
        let (output, notes) = sweep(request, &menu, &intents, &varies, progress)?;
        return Ok(SimResult {
            output,
            notes,
            subject,
        });
    }
    let starter = starter_note(&menu, request.intents.is_some());
    let program = Program::compile(&menu, &intents);
    let personas = persona_names(&program);
    let plan = QueuePlan::compile(&menu, &intents);
    let queue_names = plan.as_ref().map_or(&[][..], |p| p.names.as_slice());
    let gates = gather_gates(request, &program.intent_names, queue_names, &personas)?;
    // With a day of queues the menu's figures come from a run of `--calls` calls whatever the
    // output (the flow run) and the queue figures from their own run of the days' calls, so
    // every format agrees. In steady state the queue run is a run of `--calls` calls on the
    // same streams, so without flow figures it gives the menu's figures too, in one run.
    let steady = plan
        .as_ref()
        .is_none_or(|p| matches!(p.arrivals, Arrivals::PerHour(_)));
    let report = if request.flow == FlowRequest::None && steady {
        run_once(
            &menu,
            &program,
            plan.as_ref(),
            request,
            request.run,
            progress,
        )?
    } else {
        let mut report =
            run_with_flow_figures(&menu, &program, plan.as_ref(), request, progress)?.0;
        if request.flow == FlowRequest::None {
            report.flow = None;
            for (_, figures) in &mut report.intents {
                figures.flow = None;
            }
        }
        report
    };
    let output = if gates.is_empty() {
        SimOutput::Report(report)
    } else {
        let results = gates.iter().map(|g| evaluate(g, &report)).collect();
        SimOutput::Gated { report, results }
    };
    Ok(SimResult {
        output,
        notes: starter.into_iter().collect(),
        subject,
    })
}

/// The caller groups a check may name (none when the file names none).
pub(crate) fn persona_names(program: &Program) -> Vec<String> {
    if program.persona_mix.is_empty() {
        Vec::new()
    } else {
        program.personas.iter().map(|p| p.name.clone()).collect()
    }
}

/// The `--vary` grids.
pub(crate) fn parse_varies(request: &SimRequest) -> Result<Vec<Vary>, Failure> {
    request
        .vary
        .iter()
        .map(|text| {
            parse_vary(text).map_err(|e| Failure::from(usage(&format!("--vary `{text}`"), e)))
        })
        .collect()
}

/// A menu and the intents it runs, ready to simulate: both read, and no structural errors.
pub fn load_for_simulation(
    menu_path: &Path,
    intents_path: Option<&Path>,
) -> Result<(Menu, Intents), Failure> {
    let limits = Limits::DEFAULT;
    let menu = load_menu(menu_path, &limits)?;
    let intents = intents_for(menu_path, &menu, intents_path, &limits)?;
    check_simulable(&menu, &intents)?;
    let menu = join_flows(menu_path, menu, &intents, &limits)?;
    check_queues(&menu, &intents)?;
    Ok((menu, intents))
}

/// The menu and the files its flow nodes hand calls to, as one menu to simulate; a hand-off
/// to a file that cannot be read, or a file with structural errors, stops the run.
pub(crate) fn join_flows(
    menu_path: &Path,
    menu: Menu,
    intents: &Intents,
    limits: &Limits,
) -> Result<Menu, Failure> {
    let flows = crate::document::load_flow_files(menu_path, &menu, limits);
    if !flows.problems.is_empty() {
        return Err(Failure {
            diagnostics: flows.problems,
        });
    }
    if flows.links.is_empty() {
        return Ok(menu);
    }
    for (_, _, other) in &flows.files {
        check_simulable(other, intents)?;
    }
    Ok(flows.join(&menu))
}

/// The intents a menu runs: `--intents`, else the menu's `traffic:`.
pub(crate) fn intents_for(
    menu_path: &Path,
    menu: &Menu,
    intents_path: Option<&Path>,
    limits: &Limits,
) -> Result<Intents, Failure> {
    if let Some(path) = intents_path {
        return Ok(load_intents(path, limits)?);
    }
    match load_traffic(menu_path, menu, limits) {
        Some((_, loaded)) => Ok(loaded?),
        None if menu.imported_from.is_some() => Ok(starter_traffic(menu)?),
        None => Err(Diagnostic::file_error(
            &menu.source.name(),
            "the menu names no intents file, so there is no traffic to simulate",
        )
        .with_help("pass `--intents FILE`, or add `traffic: NAME.intents.yaml` to the menu")
        .into()),
    }
}

/// The starter traffic of an imported flow (`ivr import` writes the same file): one intent per
/// transfer and self-service node, equal shares.
pub(crate) fn starter_traffic(menu: &Menu) -> Result<Intents, Failure> {
    let text = crate::import::starter_intents(menu);
    let source = crate::source::SourceFile::new(starter_name(menu), text);
    match crate::document::load_document(&source, &Limits::DEFAULT)? {
        crate::document::Document::Intents(intents) => Ok(*intents),
        _ => Err(Diagnostic::file_error(
            &menu.source.name(),
            "the imported flow has no transfer or self-service node to make starter traffic from",
        )
        .with_help("pass `--intents FILE`")
        .into()),
    }
}

/// A finding about the starter traffic of an imported flow (no reachable transfer serves its
/// placeholder intent), moved from that traffic, which is no file of the user's, to the start
/// of the flow in the platform's file, with a help saying what the traffic is. Findings
/// elsewhere are returned as they are.
pub(crate) fn onto_flow(menu: &Menu, mut diagnostic: Diagnostic) -> Diagnostic {
    let starter = starter_name(menu);
    if diagnostic.path != starter {
        return diagnostic;
    }
    let span = menu
        .entry
        .as_ref()
        .map(|entry| {
            menu.lookup(&entry.value)
                .map_or(entry.span, |id| menu.node(id).id.span)
        })
        .unwrap_or(crate::source::Span::new(0, 0));
    diagnostic.path = menu.source.name();
    diagnostic.source = Some(menu.source.clone());
    diagnostic.labels = vec![crate::diagnostic::Label::new(span, "the flow starts here")];
    diagnostic.fix = None;
    diagnostic.help = Some(
        "the flow was linted on the starter traffic ivr makes for it (one intent per transfer or self-service node a caller can reach, equal shares); here a caller reaches none, so every call ends unserved. Pass `--intents FILE` with your call reasons, or check where the flow hands calls to people".to_string(),
    );
    diagnostic
}

/// The name the starter traffic of an imported flow goes by in messages.
fn starter_name(menu: &Menu) -> String {
    format!("{} (starter traffic)", menu.source.name())
}

/// The note `ivr sim` prints when it runs an imported flow on its starter traffic.
pub(crate) fn starter_note(menu: &Menu, intents_given: bool) -> Option<String> {
    let platform = menu.imported_from?;
    (!intents_given && menu.traffic.is_none()).then(|| {
        format!(
            "{} is a flow exported from {platform}: simulated with starter traffic (one intent per transfer, equal shares); pass `--intents FILE` with real call-reason shares",
            menu.source.name()
        )
    })
}

/// Refuses a transfer to a queue the traffic file does not define, when it defines queues.
pub(crate) fn check_queues(menu: &Menu, intents: &Intents) -> Result<(), Failure> {
    let traffic = &intents.traffic;
    if traffic.queues.is_empty() {
        return Ok(());
    }
    let defined: Vec<&str> = traffic
        .queues
        .iter()
        .map(|q| q.name.value.as_str())
        .collect();
    let mut diagnostics = Vec::new();
    for node in menu
        .nodes
        .iter()
        .filter(|n| n.kind == crate::menu::NodeKind::Transfer)
    {
        let (name, span, label) = match &node.queue {
            Some(q) => (q.value.as_str(), q.span, "this queue"),
            None => (
                crate::intents::traffic::DEFAULT_QUEUE,
                node.id.span,
                "a transfer without `queue` uses the queue `default`",
            ),
        };
        if traffic.queue_index(name).is_some() {
            continue;
        }
        let help = match crate::text::did_you_mean(name, defined.iter().copied()) {
            Some(better) => format!(
                "did you mean `{better}`? The traffic file defines: {}",
                defined.join(", ")
            ),
            None => format!(
                "add `{name}` under `queues:` in {}, or name one of its queues: {}",
                intents.source.name(),
                defined.join(", ")
            ),
        };
        diagnostics.push(
            Diagnostic::input_error(
                &menu.source,
                span,
                format!(
                    "transfer `{}` sends callers to the queue `{name}`, which the traffic file does not define",
                    node.id.value
                ),
                label,
            )
            .with_help(help),
        );
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(Failure { diagnostics })
    }
}

/// Refuses an intent's `confused_with` naming a node the menu does not have: callers cannot
/// head for it.
fn check_confusions(menu: &Menu, intents: &Intents) -> Result<(), Failure> {
    let ids = || menu.nodes.iter().map(|n| n.id.value.as_str());
    let diagnostics: Vec<Diagnostic> = intents
        .intents
        .iter()
        .flat_map(|intent| intent.confused_with.iter().map(move |c| (intent, c)))
        .filter(|(_, (name, _))| menu.lookup(&name.value).is_none())
        .map(|(intent, (name, _))| {
            let help = match crate::text::did_you_mean(&name.value, ids()) {
                Some(better) => format!("did you mean `{better}`?"),
                None => format!("name a node of {}", menu.source.name()),
            };
            Diagnostic::input_error(
                &intents.source,
                name.span,
                format!(
                    "intent `{}` is confused with `{}`, which is not a node of the menu",
                    intent.name.value, name.value
                ),
                "no such node",
            )
            .with_help(help)
        })
        .collect();
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(Failure { diagnostics })
    }
}

/// Refuses a menu with structural errors (as the linter finds them): each error, then a summary.
pub(crate) fn check_simulable(menu: &Menu, intents: &Intents) -> Result<(), Failure> {
    let mut diagnostics = crate::lint::structural_errors(menu, Some(intents));
    if diagnostics.is_empty() {
        return check_confusions(menu, intents);
    }
    // Too large to route: that input error alone, no rule has run.
    if diagnostics
        .iter()
        .all(|d| d.code == crate::diagnostic::INPUT_ERROR)
    {
        return Err(Failure { diagnostics });
    }
    let n = diagnostics.len();
    diagnostics.push(
        Diagnostic::file_error(
            &menu.source.name(),
            format!(
                "cannot be simulated: {n} structural error{} (listed above)",
                if n == 1 { "" } else { "s" }
            ),
        )
        .with_help(
            "fix them: a menu with structural errors cannot be run, so they stop a simulation \
             whatever `.ivr.yaml` or a suppression says (`ivr lint` shows every finding)",
        ),
    );
    Err(Failure { diagnostics })
}

/// One run: the exact solution or a Monte Carlo sample.
fn run_once(
    menu: &Menu,
    program: &Program,
    plan: Option<&QueuePlan>,
    request: &SimRequest,
    options: RunOptions,
    progress: &dyn Progress,
) -> Result<SimReport, Failure> {
    let name = menu.source.name();
    if request.exact {
        // The intents are solved in parallel, on `--threads` threads like a Monte Carlo run.
        let solve = || exact_report(&name, program);
        let solved = match rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
        {
            Ok(pool) => pool.install(solve),
            Err(_) => solve(),
        };
        let mut report = solved.map_err(|error| exact_error(menu, error))?;
        if let Some(plan) = plan {
            report.queues_exact = Some(
                staff_report(&name, program, plan, StaffGoal::default())
                    .map_err(|error| exact_error(menu, error))?,
            );
        }
        return Ok(report);
    }
    if let Some(plan) = plan {
        progress.start(options.calls);
        let (tally, queues) = run_with_queues(program, plan, options, request.days, &|calls| {
            progress.advance(calls)
        });
        progress.finish();
        return Ok(queue_run_report(
            &name,
            program,
            plan,
            &tally,
            &queues,
            options.seed,
        ));
    }
    progress.start(options.calls);
    let tally = run(program, options, &|calls| progress.advance(calls));
    progress.finish();
    Ok(monte_carlo_report(
        &name,
        &program.intent_names,
        &program.shares,
        &tally,
        options.calls,
        options.seed,
    ))
}

/// The report of a run through the queues (from a run, or from merged partial results): the
/// menu's figures of the calls fed to the queues, and the queue figures.
pub(crate) fn queue_run_report(
    name: &str,
    program: &Program,
    plan: &QueuePlan,
    tally: &Tally,
    queues: &QueueRunTally,
    seed: u64,
) -> SimReport {
    let mut report = monte_carlo_report(
        name,
        &program.intent_names,
        &program.shares,
        tally,
        queues.calls,
        seed,
    );
    report.queues = Some(queue_report(plan, queues));
    report
}

/// One run with the flow figures: the exact solution and flow, or a Monte Carlo run that
/// tallies where its calls go (the same calls, so the same figures, as without).
pub fn run_with_flow_figures(
    menu: &Menu,
    program: &Program,
    plan: Option<&QueuePlan>,
    request: &SimRequest,
    progress: &dyn Progress,
) -> Result<(SimReport, Tally), Failure> {
    let names = FlowNames::of(menu);
    let by_intent = request.flow == FlowRequest::ByIntent;
    if request.exact {
        let mut report = run_once(menu, program, plan, request, request.run, progress)?;
        let Some((overall, intents)) = exact_flow(program) else {
            return Ok((report, Tally::default()));
        };
        report.flow = Some(exact_flow_figures(program, &names, &overall));
        if by_intent {
            for ((_, figures), flow) in report.intents.iter_mut().zip(&intents) {
                figures.flow = Some(exact_flow_figures(program, &names, flow));
            }
        }
        return Ok((report, Tally::default()));
    }
    request.run.validate()?;
    progress.start(request.run.calls);
    let (tally, flows) = run_with_flow(program, request.run, by_intent, &|calls| {
        progress.advance(calls)
    });
    progress.finish();
    let mut report = flow_report(menu, program, request, &tally, &flows);
    if plan.is_some() {
        // The queue figures come from their own run, on the same streams (with a day in
        // intervals its calls are the days' calls, not `--calls`, and it says how many).
        report.queues = run_once(menu, program, plan, request, request.run, progress)?.queues;
    }
    Ok((report, tally))
}

/// The report of a Monte Carlo run with its flow tallies (one overall, or one per intent with
/// `--by-intent`): from a run, or from merged partial results.
pub(crate) fn flow_report(
    menu: &Menu,
    program: &Program,
    request: &SimRequest,
    tally: &Tally,
    flows: &[FlowTally],
) -> SimReport {
    let names = FlowNames::of(menu);
    let mut report = monte_carlo_report(
        &menu.source.name(),
        &program.intent_names,
        &program.shares,
        tally,
        request.run.calls,
        request.run.seed,
    );
    if request.flow == FlowRequest::ByIntent {
        for ((_, figures), flow) in report.intents.iter_mut().zip(flows) {
            figures.flow = Some(monte_carlo_flow(program, &names, flow));
        }
        let overall = flows
            .iter()
            .cloned()
            .reduce(FlowTally::merge)
            .unwrap_or_default();
        report.flow = Some(monte_carlo_flow(program, &names, &overall));
    } else if let Some(flow) = flows.first() {
        report.flow = Some(monte_carlo_flow(program, &names, flow));
    }
    report
}

/// Where a menu's callers go, for drawings: the exact flow, or (when the exact solver cannot
/// answer, on a menu with a loop callers may never leave) a Monte Carlo run of `fallback`.
pub fn menu_flow(
    menu_path: &Path,
    intents_path: Option<&Path>,
    fallback: RunOptions,
) -> Result<(Menu, Flow), Failure> {
    let (menu, intents) = load_for_simulation(menu_path, intents_path)?;
    let program = Program::compile(&menu, &intents);
    let names = FlowNames::of(&menu);
    let exact = exact_report(&menu.source.name(), &program)
        .ok()
        .and_then(|_| exact_flow(&program));
    let flow = match exact {
        Some((overall, _)) => exact_flow_figures(&program, &names, &overall),
        None => {
            fallback.validate()?;
            let (_, flows) = run_with_flow(&program, fallback, false, &|_| {});
            flows
                .first()
                .map(|f| monte_carlo_flow(&program, &names, f))
                .unwrap_or_default()
        }
    };
    Ok((menu, flow))
}

/// A usage error about `what` (a flag and its value).
pub(crate) fn usage(what: &str, error: UsageError) -> Diagnostic {
    let diagnostic = Diagnostic::usage_error(format!("{what}: {}", error.message));
    match error.help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// The config that applies to the menu: `--config FILE`, else the nearest `.ivr.yaml`.
fn find_config(request: &SimRequest) -> Result<Option<(Config, PathBuf)>, Failure> {
    let path = match &request.config {
        Some(path) => Some(path.clone()),
        None => Config::find_for(&request.menu),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    Ok(Some((Config::load(&path)?, path)))
}

/// The gates to decide: `--check`, else the config's `checks:` (an error in one written there
/// points at its line).
pub(crate) fn gather_gates(
    request: &SimRequest,
    intents: &[String],
    queues: &[String],
    personas: &[String],
) -> Result<Vec<Gate>, Failure> {
    let config = if request.gates.is_empty() || request.config.is_some() {
        find_config(request)?
    } else {
        None
    };
    if !request.gates.is_empty() {
        return request
            .gates
            .iter()
            .map(|text| {
                parse_gate(text, intents, queues, personas, request.exact)
                    .map_err(|e| usage(&format!("--check `{text}`"), e).into())
            })
            .collect();
    }
    let Some((config, path)) = config else {
        return Ok(Vec::new());
    };
    if config.checks.is_empty() {
        return Ok(Vec::new());
    }
    let source = read_source(&path, &Limits::DEFAULT)?;
    config
        .checks
        .iter()
        .map(|text| {
            parse_gate(&text.value, intents, queues, personas, request.exact).map_err(|e| {
                let mut d = Diagnostic::input_error(
                    &source,
                    text.span,
                    format!("check `{}`: {}", text.value.trim(), e.message),
                    "this check",
                );
                if let Some(help) = e.help {
                    d = d.with_help(help);
                }
                d.into()
            })
        })
        .collect()
}

/// `--vary`: every point of the grid with the same seed (common random numbers).
fn sweep(
    request: &SimRequest,
    menu: &Menu,
    intents: &Intents,
    varies: &[Vary],
    progress: &dyn Progress,
) -> Result<(SimOutput, Vec<String>), Failure> {
    let points = sweep_points(menu, intents, varies)?;
    let gates = sweep_gates(request, menu, intents)?;
    let notes = sweep_notes(request)?;
    let mut rows = Vec::with_capacity(points.len());
    let mut checks = Vec::new();
    for point in points {
        let (menu, varied) = at_point(menu, intents, &point)?;
        let menu = &menu;
        let program = Program::compile(menu, &varied);
        let plan = QueuePlan::compile(menu, &varied);
        let report = run_once(
            menu,
            &program,
            plan.as_ref(),
            request,
            request.run,
            progress,
        )
        .map_err(|f| stopped_at(menu, &point, f))?;
        if !gates.is_empty() {
            checks.push(gates.iter().map(|g| evaluate(g, &report)).collect());
        }
        rows.push((point, report));
    }
    Ok((
        SimOutput::Sweep {
            params: varies.iter().map(|v| v.param.clone()).collect(),
            rows,
            checks,
        },
        notes,
    ))
}

/// The diagnostics of a sweep that stopped at `point`, saying where.
fn stopped_at(menu: &Menu, point: &Point, mut f: Failure) -> Failure {
    let at: Vec<String> = point
        .values
        .iter()
        .map(|(p, v)| format!("{}={v}", p.path()))
        .collect();
    f.diagnostics.push(Diagnostic::file_error(
        &menu.source.name(),
        format!("the sweep stopped at the point {}", at.join(", ")),
    ));
    f
}

/// The points of a sweep's grid, checked against the menu and its traffic.
pub(crate) fn sweep_points(
    menu: &Menu,
    intents: &Intents,
    varies: &[Vary],
) -> Result<Vec<Point>, Failure> {
    check_traffic(varies, &intents.traffic).map_err(|e| usage("--vary", e))?;
    let points = grid(varies, intents.callers).map_err(|e| usage("--vary", e))?;
    for v in varies {
        v.param.check_menu(menu).map_err(|e| usage("--vary", e))?;
    }
    for vary in varies {
        if let Some((id, _)) = vary.param.node()
            && menu
                .lookup(id)
                .is_none_or(|n| menu.node(n).kind != crate::menu::NodeKind::Speech)
        {
            return Err(Diagnostic::usage_error(format!(
                "--vary {}: the menu has no speech node `{id}`",
                vary.param.path()
            ))
            .with_help("vary `accuracy` or `reject_rate` of a node of `type: speech`")
            .into());
        }
    }
    Ok(points)
}

/// `--check` with `--vary`: decided at every point (the groups, intents and queues a check may
/// name are the same at each); a config's checks are not: a sweep explores, and CI gates one menu.
pub(crate) fn sweep_gates(
    request: &SimRequest,
    menu: &Menu,
    intents: &Intents,
) -> Result<Vec<Gate>, Failure> {
    if request.gates.is_empty() {
        return Ok(Vec::new());
    }
    let program = Program::compile(menu, intents);
    let plan = QueuePlan::compile(menu, intents);
    let queue_names = plan.as_ref().map_or(&[][..], |p| p.names.as_slice());
    gather_gates(
        request,
        &program.intent_names,
        queue_names,
        &persona_names(&program),
    )
}

/// The note that a config's checks are not applied to a sweep, when it has some.
pub(crate) fn sweep_notes(request: &SimRequest) -> Result<Vec<String>, Failure> {
    let mut notes = Vec::new();
    if request.gates.is_empty()
        && (request.config.is_some() || Config::find_for(&request.menu).is_some())
        && let Some((config, path)) = find_config(request)?
        && !config.checks.is_empty()
    {
        notes.push(format!(
            "the checks of {} are not applied to a sweep",
            path.display()
        ));
    }
    Ok(notes)
}

/// The menu and intents at one point of a sweep: the intents file's callers, groups and
/// traffic, and the menu's speech nodes, with the point's values set.
pub(crate) fn at_point(
    menu: &Menu,
    intents: &Intents,
    point: &Point,
) -> Result<(Menu, Intents), Failure> {
    // Compiled again at each point: `digit_time` is folded into the input nodes' typing time.
    let mut varied = intents.clone();
    varied.callers = point.callers;
    // Caller groups take the varied values too: the sweep moves every caller.
    for persona in &mut varied.personas {
        for (param, value) in &point.values {
            param.apply(&mut persona.callers, *value);
        }
    }
    let mut copy = menu.clone();
    for (param, value) in &point.values {
        param
            .apply_to_menu(&mut copy, *value)
            .map_err(|e| usage("--vary", e))?;
        param.apply_traffic(&mut varied.traffic, *value);
        // Node parameters set the speech nodes.
        if let (Some((id, accuracy)), crate::sim::sweep::Value::Number(v)) = (param.node(), value)
            && let Some(n) = copy.lookup(id)
        {
            let node = &mut copy.nodes[n.0];
            let set = Some(crate::source::Spanned::new(*v, node.id.span));
            if accuracy {
                node.accuracy = set;
            } else {
                node.reject_rate = set;
            }
        }
    }
    Ok((copy, varied))
}

/// Why the exact solver could not answer, as a diagnostic on the menu.
pub(crate) fn exact_error(menu: &Menu, error: ExactError) -> Diagnostic {
    match error {
        ExactError::TrapLoop { intent, nodes } => {
            let node = |n: u32| menu.node(NodeId(n as usize));
            let names: Vec<String> = nodes
                .iter()
                .take(8)
                .map(|&n| format!("`{}`", node(n).id.value))
                .collect();
            let mut d = Diagnostic::input_error(
                &menu.source,
                node(nodes[0]).id.span,
                format!(
                    "callers with intent `{intent}` can be caught in a loop with no way out: {}",
                    names.join(", ")
                ),
                "the loop starts here",
            )
            .with_help("add a way out of the loop (an agent option, or a node that ends the call); `ivr lint` reports it as `dead-end`");
            for &n in nodes.iter().skip(1).take(7) {
                d = d.with_label(node(n).id.span, "in the loop");
            }
            d
        }
        ExactError::NoConvergence { intent, limit } => Diagnostic::file_error(
            &menu.source.name(),
            format!("the exact solver did not settle for intent `{intent}` within its limit ({limit}): callers leave some loop with vanishing probability"),
        )
        .with_help("run without --exact (Monte Carlo ends such calls as `looped` at the visit cap), or give the loop a clearer way out"),
    }
}
