//! `--shard I/N --format partial` and `ivr merge`: one run cut into shards that any batch
//! engine can run, and their partial results put back together into the run's own output.
//!
//! A shard reads the menu and traffic as the whole run would, simulates its share of the
//! blocks of calls (or of a sweep's grid points) and returns the tallies. `merge` reads the
//! partial results, checks they are the shards of one run, reads the menu and traffic again
//! (refusing them if they changed since), adds the tallies up and builds the report with the
//! same functions the unsharded run uses: the figures are the same to the last digit.

use std::path::{Path, PathBuf};

use super::compare::{CompareRequest, load_pair, pair_report};
use super::sim::{
    DEFAULT_DAYS, FlowRequest, SimOutput, SimRequest, SimResult, Subject, at_point, flow_report,
    gather_gates, load_for_simulation, parse_varies, starter_note, sweep_gates, sweep_notes,
    sweep_points, usage,
};
use super::{Failure, Progress};
use crate::diagnostic::Diagnostic;
use crate::intents::Intents;
use crate::menu::Menu;
use crate::sim::compare::{CompareReport, run_pair_range};
use crate::sim::flow::{FlowTally, run_with_flow_range};
use crate::sim::gates::evaluate;
use crate::sim::program::Program;
use crate::sim::queues::QueuePlan;
use crate::sim::report::monte_carlo_report;
use crate::sim::run::{RunOptions, run};
use crate::sim::shard::{
    MergeError, PARTIAL_FORMAT, PARTIAL_VERSION, Partial, RunSettings, Shape, Shard, Tallies,
    check_together, combine, fingerprint, read,
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

/// Refuses what cannot be sharded exactly: `--exact` (no calls to share out) and agent queues
/// (the queue stage is one run in time order: cut into pieces, its queues would start empty
/// at every cut and its figures would change).
fn refuse(exact: bool, queues: bool) -> Result<(), Failure> {
    if exact {
        return Err(Diagnostic::usage_error(
            "--shard cannot be combined with --exact: the exact solution simulates no calls to share out",
        )
        .with_help("run --exact once, without --shard")
        .into());
    }
    if queues {
        return Err(Diagnostic::usage_error(
            "--shard cannot split a run with agent queues: the queue stage follows the calls in time order, and cut into shards its queues would start empty at every cut, changing the figures",
        )
        .with_help(
            "run it without --shard; to spread a study of queues over machines, run each variant (menu, traffic file) as its own job",
        )
        .into());
    }
    Ok(())
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
    refuse(request.exact, false)?;
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    refuse(false, QueuePlan::compile(&menu, &intents).is_some())?;
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
        (settings("sim"), Tallies::Sim { tally, flows })
    } else {
        let points = sweep_points(&menu, &intents, &varies)?;
        let mine = shard.points(points.len());
        let mut tallies = Vec::with_capacity(mine.len());
        for (i, point) in points.iter().enumerate().take(mine.end).skip(mine.start) {
            let (menu, varied) = at_point(&menu, &intents, point)?;
            let program = Program::compile(&menu, &varied);
            progress.start(request.run.calls);
            tallies.push((i, run(&program, request.run, &|c| progress.advance(c))));
            progress.finish();
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
    refuse(request.exact, false)?;
    let (menu_a, menu_b, intents) = load_pair(request)?;
    refuse(false, QueuePlan::compile(&menu_a, &intents).is_some())?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    let tally = run_pair_range(&a, &b, request.run, shard.blocks(request.run.calls));
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
        },
        fingerprint: compare_fingerprint([&menu_a, &menu_b], &intents, [&a, &b]),
        tallies: Tallies::Compare { tally },
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
    Compare(Box<CompareReport>),
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
        days: DEFAULT_DAYS,
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
    let shape = Shape {
        intents: program.shares.len(),
        personas: personas(&program),
        nodes: program.nodes.len(),
        edges: program.edge_count(),
        points: 0,
    };
    let Tallies::Sim { tally, mut flows } = combine(partials, &shape).map_err(merge_error)? else {
        return Err(merge_error(MergeError {
            file: partials[0].0.clone(),
            message: "holds tallies of another kind of run".into(),
            help: None,
        }));
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
    if request.flow == FlowRequest::None {
        report.flow = None;
        for (_, figures) in &mut report.intents {
            figures.flow = None;
        }
    }
    let persona_names: Vec<String> = if program.persona_mix.is_empty() {
        Vec::new()
    } else {
        program.personas.iter().map(|p| p.name.clone()).collect()
    };
    let gates = gather_gates(request, &program.intent_names, &[], &persona_names)?;
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
        ..Shape::default()
    };
    let Tallies::Vary { points: tallies } = combine(partials, &shape).map_err(merge_error)? else {
        return Err(merge_error(MergeError {
            file: partials[0].0.clone(),
            message: "holds tallies of another kind of run".into(),
            help: None,
        }));
    };
    let gates = sweep_gates(request, &menu, &intents)?;
    let mut rows = Vec::with_capacity(points.len());
    let mut checks = Vec::new();
    for ((_, tally), point) in tallies.iter().zip(points) {
        let (menu, varied) = at_point(&menu, &intents, &point)?;
        let program = Program::compile(&menu, &varied);
        let report = monte_carlo_report(
            &menu.source.name(),
            &program.intent_names,
            &program.shares,
            tally,
            request.run.calls,
            request.run.seed,
        );
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
        days: DEFAULT_DAYS,
    };
    let (menu_a, menu_b, intents) = load_pair(&request)?;
    let a = Program::compile(&menu_a, &intents);
    let b = Program::compile(&menu_b, &intents);
    same_inputs(
        partials,
        &compare_fingerprint([&menu_a, &menu_b], &intents, [&a, &b]),
    )?;
    let shape = Shape {
        intents: a.shares.len(),
        personas: personas(&a),
        ..Shape::default()
    };
    let Tallies::Compare { tally } = combine(partials, &shape).map_err(merge_error)? else {
        return Err(merge_error(MergeError {
            file: partials[0].0.clone(),
            message: "holds tallies of another kind of run".into(),
            help: None,
        }));
    };
    let (name_a, name_b) = (menu_a.source.name(), menu_b.source.name());
    Ok(Merged::Compare(Box::new(pair_report(
        (&name_a, &a),
        (&name_b, &b),
        options,
        &tally,
    ))))
}
