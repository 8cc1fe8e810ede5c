//! `--shard I/N --format partial` and `ivr merge`: one run cut into shards that any batch
//! engine can run, and their partial results put back together into the run's own output.
//!
//! A shard reads the menu and traffic as the whole run would, simulates its share of the
//! blocks of calls (and of the days of a day of agent queues, or of a sweep's grid points)
//! and returns the tallies. One run through queues in steady state cannot be cut exactly,
//! and is refused. `merge` reads the
//! partial results, checks they are the shards of one run, reads the menu and traffic again
//! (refusing them if they changed since), adds the tallies up and builds the report with the
//! same functions the unsharded run uses: the figures are the same to the last digit.

use std::path::{Path, PathBuf};

use super::compare::{ComparePage, CompareRequest, add_queues, load_pair, page_of, pair_report};
use super::sim::{
    DEFAULT_DAYS, FlowRequest, SimOutput, SimRequest, SimResult, Subject, at_point, flow_report,
    gather_gates, load_for_simulation, parse_varies, persona_names, queue_run_report, starter_note,
    sweep_gates, sweep_notes, sweep_points, usage,
};
use super::{Failure, Progress};
use crate::diagnostic::Diagnostic;
use crate::intents::Intents;
use crate::intents::traffic::Arrivals;
use crate::menu::Menu;
use crate::sim::compare::run_pair_range;
use crate::sim::flow::{FlowNames, FlowTally, monte_carlo_flow, run_with_flow_range};
use crate::sim::gates::evaluate;
use crate::sim::program::Program;
use crate::sim::queues::{BATCHES, QueuePlan, run_queue_days, run_with_queues};
use crate::sim::report::monte_carlo_report;
use crate::sim::run::{RunOptions, run};
use crate::sim::shard::{
    MergeError, PARTIAL_FORMAT, PARTIAL_VERSION, Partial, PointTally, QueueShape, RunSettings,
    Shape, Shard, Tallies, check_together, combine, fingerprint, read,
};
use crate::yaml::Limits;

/// The version of `ivr` partial results name, and merging requires.
const IVR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Largest partial result `ivr merge` reads (a flow per intent of a big menu is large).
const MAX_PARTIAL_BYTES: usize = 512 * 1024 * 1024;

/// `--shard`, read: a usage error names the flag.
pub fn parse_shard(text: &str) -> Result<Shard, Failure> {
    Shard::parse(text).map_err(|e| usage(&format!("--shard `{text}`"), e).into())
}

/// Refuses `--exact`: the exact solution simulates no calls to share out.
fn refuse_exact(exact: bool) -> Result<(), Failure> {
    if exact {
        return Err(Diagnostic::usage_error(
            "--shard cannot be combined with --exact: the exact solution simulates no calls to share out",
        )
        .with_help("run --exact once, without --shard")
        .into());
    }
    Ok(())
}

/// How a run goes through agent queues, which decides how it can be cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QueueKind {
    None,
    /// Calls per hour without end: one run in time order.
    Steady,
    /// A day in intervals, repeated: each day starts with empty queues.
    Days,
}

fn queue_kind(plan: Option<&QueuePlan>) -> QueueKind {
    match plan.map(|p| &p.arrivals) {
        None => QueueKind::None,
        Some(Arrivals::PerHour(_)) => QueueKind::Steady,
        Some(Arrivals::Day { .. }) => QueueKind::Days,
    }
}

/// Refuses one run through queues in steady state: the queue stage follows every call in
/// time order through one set of agents, and cut into shards each shard's queues would start
/// empty, changing the waits. The message says what can be sharded instead.
fn refuse_steady_queues(kind: QueueKind, command: &str) -> Result<(), Failure> {
    if kind != QueueKind::Steady {
        return Ok(());
    }
    let sweep = if command == "sim" {
        "a `--vary` sweep through these queues (each shard runs whole grid points), "
    } else {
        ""
    };
    Err(Diagnostic::usage_error(
        "--shard cannot split one run through agent queues in steady state (`arrivals: {calls_per_hour: ...}`): the queue stage follows the calls in time order, and cut into shards its queues would start empty at every cut, changing the figures",
    )
    .with_help(format!(
        "these can be sharded exactly: {sweep}a traffic file that describes a day in intervals (each shard runs its share of the days), and runs without queues; or run this one without --shard, one job per variant (menu, traffic file)"
    ))
    .into())
}

/// The shape of a plan's queue tallies, with `days` days when it describes a day.
fn queue_shape(plan: Option<&QueuePlan>, days: u32) -> Option<QueueShape> {
    let plan = plan?;
    Some(match &plan.arrivals {
        Arrivals::PerHour(_) => QueueShape {
            queues: plan.names.len(),
            periods: BATCHES as usize,
            days: None,
        },
        Arrivals::Day { .. } => QueueShape {
            queues: plan.names.len(),
            // The stage has one period per interval, as many as the first queue's agents.
            periods: plan.agents.first().map_or(1, Vec::len),
            days: Some(days.max(1)),
        },
    })
}

/// Refuses `--check` on a shard: gates decide on the merged result.
fn no_gates(gates: &[String]) -> Result<(), Failure> {
    if gates.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::usage_error(
        "--check decides on the whole run, not on a shard: pass it to `ivr merge`",
    )
    .with_help("ivr merge PARTIAL... --check EXPR")
    .into())
}

/// The path of a file as a partial result records it.
fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The fingerprint of a menu and its traffic: their texts and the compiled program (which
/// holds the files `flow` nodes join).
fn sim_fingerprint(menu: &Menu, intents: &Intents, program: &Program) -> String {
    fingerprint(&[
        menu.source.text(),
        intents.source.text(),
        &format!("{program:?}"),
    ])
}

fn compare_fingerprint(menus: [&Menu; 2], intents: &Intents, programs: [&Program; 2]) -> String {
    fingerprint(&[
        menus[0].source.text(),
        menus[1].source.text(),
        intents.source.text(),
        &format!("{:?}", programs[0]),
        &format!("{:?}", programs[1]),
    ])
}

/// The caller groups a tally of `program` keeps.
fn personas(program: &Program) -> usize {
    if program.persona_mix.is_empty() {
        0
    } else {
        program.personas.len()
    }
}

/// `ivr sim --shard I/N --format partial` (with or without `--vary`).
pub fn sim_partial(
    request: &SimRequest,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Partial, Failure> {
    request.run.validate()?;
    no_gates(&request.gates)?;
    let varies = parse_varies(request)?;
    refuse_exact(request.exact)?;
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let plan = QueuePlan::compile(&menu, &intents);
    let kind = queue_kind(plan.as_ref());
    if varies.is_empty() {
        refuse_steady_queues(kind, "sim")?;
    }
    let program = Program::compile(&menu, &intents);
    let settings = |command: &str| RunSettings {
        command: command.to_string(),
        menu: path_text(&request.menu),
        menu_b: None,
        intents: request.intents.as_deref().map(path_text),
        calls: request.run.calls,
        seed: request.run.seed,
        vary: request.vary.clone(),
        by_intent: request.flow == FlowRequest::ByIntent,
        days: (kind == QueueKind::Days).then_some(request.days.max(1)),
    };
    let (run_settings, tallies) = if varies.is_empty() {
        let calls = shard.calls(request.run.calls);
        progress.start(calls);
        let (tally, flows) = run_with_flow_range(
            &program,
            request.run,
            shard.blocks(request.run.calls),
            request.flow == FlowRequest::ByIntent,
            &|calls| progress.advance(calls),
        );
        progress.finish();
        // A day of queues: the shard's days through the queues too (in steady state the run
        // was refused above).
        let queues = plan
            .as_ref()
            .filter(|_| kind == QueueKind::Days)
            .map(|plan| {
                let days = shard.days(request.days.max(1));
                run_queue_days(&program, plan, request.run, days, &|_| {}).1
            });
        (
            settings("sim"),
            Tallies::Sim {
                tally,
                flows,
                queues,
            },
        )
    } else {
        let points = sweep_points(&menu, &intents, &varies)?;
        let mine = shard.points(points.len());
        let mut tallies = Vec::with_capacity(mine.len());
        for (i, point) in points.iter().enumerate().take(mine.end).skip(mine.start) {
            let (menu, varied) = at_point(&menu, &intents, point)?;
            let program = Program::compile(&menu, &varied);
            progress.start(request.run.calls);
            // A point through queues is run whole, as the unsharded sweep runs it.
            let (tally, queues) = match QueuePlan::compile(&menu, &varied) {
                Some(plan) => {
                    let (tally, queues) =
                        run_with_queues(&program, &plan, request.run, request.days, &|c| {
                            progress.advance(c)
                        });
                    (tally, Some(queues))
                }
                None => (run(&program, request.run, &|c| progress.advance(c)), None),
            };
            progress.finish();
            tallies.push(PointTally {
                point: i,
                tally,
                queues,
            });
        }
        let mut run = settings("vary");
        run.by_intent = false;
        (run, Tallies::Vary { points: tallies })
    };
    Ok(Partial {
        format: PARTIAL_FORMAT.to_string(),
        version: PARTIAL_VERSION,
        ivr: IVR_VERSION.to_string(),
        shard,
        run: run_settings,
        fingerprint: sim_fingerprint(&menu, &intents, &program),
        tallies,
    })
}

/// `ivr compare --shard I/N --format partial`.
pub fn compare_partial(request: &CompareRequest, shard: Shard) -> Result<Partial, Failure> {
    refuse_exact(request.exact)?;
    let (menu_a, menu_b, intents) = load_pair(request)?;
    // Both menus share the traffic file, so both have queues or neither has.
    let plans = QueuePlan::compile(&menu_a, &intents).zip(QueuePlan::compile(&menu_b, &intents));
    let kind = queue_kind(plans.as_ref().map(|(a, _)| a));
    refuse_steady_queues(kind, "compare")?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    let blocks = shard.blocks(request.run.calls);
    let tally = run_pair_range(&a, &b, request.run, blocks.clone());
    // Each menu's flow over the same calls, for the page (`ivr merge --format html`).
    let flow = |program: &Program| {
        run_with_flow_range(program, request.run, blocks.clone(), false, &|_| {})
            .1
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    let flows = vec![flow(&a), flow(&b)];
    let queues = plans.as_ref().map(|(plan_a, plan_b)| {
        let days = shard.days(request.days.max(1));
        vec![
            run_queue_days(&a, plan_a, request.run, days.clone(), &|_| {}).1,
            run_queue_days(&b, plan_b, request.run, days, &|_| {}).1,
        ]
    });
    Ok(Partial {
        format: PARTIAL_FORMAT.to_string(),
        version: PARTIAL_VERSION,
        ivr: IVR_VERSION.to_string(),
        shard,
        run: RunSettings {
            command: "compare".to_string(),
            menu: path_text(&request.menu_a),
            menu_b: Some(path_text(&request.menu_b)),
            intents: request.intents.as_deref().map(path_text),
            calls: request.run.calls,
            seed: request.run.seed,
            vary: Vec::new(),
            by_intent: false,
            days: (kind == QueueKind::Days).then_some(request.days.max(1)),
        },
        fingerprint: compare_fingerprint([&menu_a, &menu_b], &intents, [&a, &b]),
        tallies: Tallies::Compare {
            tally,
            flows,
            queues,
        },
    })
}

/// What `ivr merge` was asked to do.
#[derive(Clone, Debug)]
pub struct MergeRequest {
    /// The partial results, in any order.
    pub partials: Vec<PathBuf>,
    /// `--check` expressions (else the config's `checks:`, as `ivr sim` finds them).
    pub gates: Vec<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// Which flow figures the output shows.
    pub flow: FlowRequest,
}

/// The merged output: what the unsharded `ivr sim` or `ivr compare` would have produced.
#[derive(Clone, Debug)]
pub enum Merged {
    Sim {
        result: Box<SimResult>,
        /// The menu file, as the shards named it.
        menu: PathBuf,
    },
    /// The comparison, with what its page shows.
    Compare {
        page: Box<ComparePage>,
        /// Both menu files, as the shards named them.
        menus: [PathBuf; 2],
    },
}

/// `ivr merge`: the partial results of every shard of one run, put back together.
pub fn merge(request: &MergeRequest) -> Result<Merged, Failure> {
    let limits = Limits {
        max_file_bytes: MAX_PARTIAL_BYTES,
        ..Limits::DEFAULT
    };
    let mut partials = Vec::with_capacity(request.partials.len());
    for path in &request.partials {
        let source = crate::document::read_source(path, &limits)?;
        partials.push((source.name(), read(&source)?));
    }
    check_together(&partials).map_err(merge_error)?;
    let Some((first_file, first)) = partials.first() else {
        return Err(Diagnostic::usage_error("no partial results to merge").into());
    };
    if first.ivr != IVR_VERSION {
        return Err(Diagnostic::file_error(
            first_file,
            format!(
                "written by ivr {}, and this is ivr {IVR_VERSION}: the figures could differ",
                first.ivr
            ),
        )
        .with_help("run every shard and the merge with the same version of ivr")
        .into());
    }
    let run = first.run.clone();
    let options = RunOptions {
        calls: run.calls,
        seed: run.seed,
        threads: 0,
    };
    options.validate()?;
    if request.flow == FlowRequest::ByIntent && !run.by_intent {
        return Err(Diagnostic::usage_error(
            "--by-intent needs the flow of each intent, which the shards did not tally",
        )
        .with_help("run the shards with --by-intent too")
        .into());
    }
    let sim_request = SimRequest {
        menu: PathBuf::from(&run.menu),
        intents: run.intents.as_ref().map(PathBuf::from),
        run: options,
        exact: false,
        days: run.days.unwrap_or(DEFAULT_DAYS),
        gates: request.gates.clone(),
        config: request.config.clone(),
        vary: run.vary.clone(),
        flow: request.flow,
    };
    match run.command.as_str() {
        "compare" => {
            if !request.gates.is_empty() {
                return Err(Diagnostic::usage_error(
                    "--check decides on a simulation of one menu: these are shards of `ivr compare`",
                )
                .into());
            }
            merge_compare(&partials, &run, options)
        }
        "vary" => merge_vary(&partials, &sim_request),
        _ => merge_sim(&partials, &sim_request, run.by_intent),
    }
}

/// A merge error as a diagnostic on the file at fault.
/// The partials combined into the tallies of another kind of run than the command merging
/// them asked for (a sweep's shards where a single run's were expected, say).
fn other_kind_of_run(partials: &[(String, Partial)]) -> Failure {
    merge_error(MergeError {
        file: partials[0].0.clone(),
        message: "holds tallies of another kind of run".into(),
        help: None,
    })
}

fn merge_error(error: MergeError) -> Failure {
    let d = Diagnostic::file_error(&error.file, error.message);
    match error.help {
        Some(help) => d.with_help(help),
        None => d,
    }
    .into()
}

/// Refuses partials whose menu or traffic no longer is what the merge reads.
fn same_inputs(partials: &[(String, Partial)], now: &str) -> Result<(), Failure> {
    let (file, first) = &partials[0];
    if first.fingerprint == now {
        return Ok(());
    }
    Err(Diagnostic::file_error(
        file,
        format!(
            "the menu or traffic changed since the shards ran (fingerprint {} in the partial results, {now} now)",
            first.fingerprint
        ),
    )
    .with_help("merge with the files the shards simulated, or run the shards again")
    .into())
}

fn merge_sim(
    partials: &[(String, Partial)],
    request: &SimRequest,
    by_intent: bool,
) -> Result<Merged, Failure> {
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let program = Program::compile(&menu, &intents);
    same_inputs(partials, &sim_fingerprint(&menu, &intents, &program))?;
    let plan = QueuePlan::compile(&menu, &intents);
    let shape = Shape {
        intents: program.shares.len(),
        personas: personas(&program),
        nodes: program.nodes.len(),
        edges: program.edge_count(),
        queues: queue_shape(plan.as_ref(), request.days),
        ..Shape::default()
    };
    let Tallies::Sim {
        tally,
        mut flows,
        queues,
    } = combine(partials, &shape).map_err(merge_error)?
    else {
        return Err(other_kind_of_run(partials));
    };
    if by_intent && request.flow != FlowRequest::ByIntent {
        // The overall flow is the sum of the intents' (exact integer sums).
        flows = flows
            .into_iter()
            .reduce(FlowTally::merge)
            .into_iter()
            .collect();
    }
    let mut report = flow_report(&menu, &program, request, &tally, &flows);
    if let (Some(plan), Some(queues)) = (&plan, &queues) {
        report.queues = Some(crate::sim::queues::queue_report(plan, queues));
    }
    if request.flow == FlowRequest::None {
        report.flow = None;
        for (_, figures) in &mut report.intents {
            figures.flow = None;
        }
    }
    let queue_names = plan.as_ref().map_or(&[][..], |p| p.names.as_slice());
    let gates = gather_gates(
        request,
        &program.intent_names,
        queue_names,
        &persona_names(&program),
    )?;
    let output = if gates.is_empty() {
        SimOutput::Report(report)
    } else {
        let results = gates.iter().map(|g| evaluate(g, &report)).collect();
        SimOutput::Gated { report, results }
    };
    Ok(Merged::Sim {
        result: Box::new(SimResult {
            output,
            notes: starter_note(&menu, request.intents.is_some())
                .into_iter()
                .collect(),
            subject: Subject::of(&menu, &intents, request.intents.as_deref()),
        }),
        menu: request.menu.clone(),
    })
}

fn merge_vary(partials: &[(String, Partial)], request: &SimRequest) -> Result<Merged, Failure> {
    let varies = parse_varies(request)?;
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let program = Program::compile(&menu, &intents);
    same_inputs(partials, &sim_fingerprint(&menu, &intents, &program))?;
    let points = sweep_points(&menu, &intents, &varies)?;
    let shape = Shape {
        intents: program.shares.len(),
        personas: personas(&program),
        points: points.len(),
        queues: queue_shape(QueuePlan::compile(&menu, &intents).as_ref(), request.days),
        ..Shape::default()
    };
    let Tallies::Vary { points: tallies } = combine(partials, &shape).map_err(merge_error)? else {
        return Err(other_kind_of_run(partials));
    };
    let gates = sweep_gates(request, &menu, &intents)?;
    let mut rows = Vec::with_capacity(points.len());
    let mut checks = Vec::new();
    for (tallied, point) in tallies.iter().zip(points) {
        let (menu, varied) = at_point(&menu, &intents, &point)?;
        let program = Program::compile(&menu, &varied);
        let report = match (QueuePlan::compile(&menu, &varied), &tallied.queues) {
            (Some(plan), Some(queues)) => queue_run_report(
                &menu.source.name(),
                &program,
                &plan,
                &tallied.tally,
                queues,
                request.run.seed,
            ),
            _ => monte_carlo_report(
                &menu.source.name(),
                &program.intent_names,
                &program.shares,
                &tallied.tally,
                request.run.calls,
                request.run.seed,
            ),
        };
        if !gates.is_empty() {
            checks.push(gates.iter().map(|g| evaluate(g, &report)).collect());
        }
        rows.push((point, report));
    }
    Ok(Merged::Sim {
        result: Box::new(SimResult {
            output: SimOutput::Sweep {
                params: varies.iter().map(|v| v.param.clone()).collect(),
                rows,
                checks,
            },
            notes: sweep_notes(request)?,
            subject: Subject::of(&menu, &intents, request.intents.as_deref()),
        }),
        menu: request.menu.clone(),
    })
}

fn merge_compare(
    partials: &[(String, Partial)],
    run: &RunSettings,
    options: RunOptions,
) -> Result<Merged, Failure> {
    let request = CompareRequest {
        menu_a: PathBuf::from(&run.menu),
        menu_b: PathBuf::from(run.menu_b.clone().unwrap_or_default()),
        intents: run.intents.as_ref().map(PathBuf::from),
        run: options,
        exact: false,
        days: run.days.unwrap_or(DEFAULT_DAYS),
    };
    let (menu_a, menu_b, intents) = load_pair(&request)?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    same_inputs(
        partials,
        &compare_fingerprint([&menu_a, &menu_b], &intents, [&a, &b]),
    )?;
    let plans = QueuePlan::compile(&menu_a, &intents).zip(QueuePlan::compile(&menu_b, &intents));
    let shape = Shape {
        intents: a.shares.len(),
        personas: personas(&a),
        nodes: a.nodes.len(),
        edges: a.edge_count(),
        nodes_b: b.nodes.len(),
        edges_b: b.edge_count(),
        queues: queue_shape(plans.as_ref().map(|(a, _)| a), request.days),
        ..Shape::default()
    };
    let Tallies::Compare {
        tally,
        flows,
        queues,
    } = combine(partials, &shape).map_err(merge_error)?
    else {
        return Err(other_kind_of_run(partials));
    };
    let (name_a, name_b) = (menu_a.source.name(), menu_b.source.name());
    let mut report = pair_report((&name_a, &a), (&name_b, &b), options, &tally);
    if let (Some((plan_a, plan_b)), Some([queues_a, queues_b])) = (&plans, queues.as_deref()) {
        add_queues(&mut report, [plan_a, plan_b], [queues_a, queues_b]);
    }
    let flow = |menu: &Menu, program: &Program, tally: Option<&FlowTally>| {
        monte_carlo_flow(
            program,
            &FlowNames::of(menu),
            &tally.cloned().unwrap_or_default(),
        )
    };
    let (flow_a, flow_b) = (
        flow(&menu_a, &a, flows.first()),
        flow(&menu_b, &b, flows.get(1)),
    );
    let page = page_of(
        &request,
        report,
        (menu_a, flow_a),
        (menu_b, flow_b),
        &intents,
    );
    Ok(Merged::Compare {
        page: Box::new(page),
        menus: [request.menu_a, request.menu_b],
    })
}
