use std::io::IsTerminal;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, print_stdout};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::intents::Intents;
use crate::load::{load_intents, load_menu};
use crate::menu::Menu;
use crate::report::checks as checks_report;
use crate::report::sim as sim_report;
use crate::report::sweep as sweep_report;
use crate::sim::check::{Check, CheckResult, Tally, evaluate, parse as parse_check};
use crate::sim::exact::{ExactError, exact_report};
use crate::sim::program::Program;
use crate::sim::report::{SimReport, monte_carlo_report};
use crate::sim::run::run;
use crate::sim::sweep::{Param, Vary, grid, parse_vary};
use crate::yaml::Limits;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The menu file to simulate.
    pub menu: PathArg,
    /// Intents file (else the menu's `traffic:`).
    #[arg(long)]
    pub intents: Option<PathArg>,
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Solve the caller model exactly instead of sampling (no intervals, no quantiles).
    #[arg(long)]
    pub exact: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
    /// A gate, `FIGURE OP NUMBER` (may repeat): `abandoned<=0.08`, `time.p90<=90`,
    /// `intent.NAME.inputs.mean<=2`. Exit 0 only when every check passes. Without it, the
    /// `checks:` of the config are used.
    #[arg(long = "check", value_name = "EXPR")]
    pub checks: Vec<String>,
    /// Config file whose `checks:` apply (else the nearest .ivr.yaml above the menu).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathArg>,
    /// Run a grid of caller parameters (may repeat): `callers.mistake_rate=0.01,0.03,0.1`,
    /// `callers.patience=60,null`, ... One row per point, the same random numbers at each.
    #[arg(long = "vary", value_name = "PATH=V1,V2,...")]
    pub vary: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Human,
    Json,
    Csv,
}

/// Most calls one run may simulate.
pub const MAX_CALLS: u64 = 1_000_000_000_000;

/// Most worker threads (`--threads`): more than any machine has cores, and few enough to start
/// in a moment (each is an OS thread).
pub const MAX_THREADS: usize = 1024;

/// The menu and its intents, ready to simulate, or the input error that stops it.
pub fn prepare(
    menu_path: &std::path::Path,
    intents_path: Option<&std::path::Path>,
) -> Result<(Menu, Intents), u8> {
    let limits = Limits::DEFAULT;
    let menu = load_menu(menu_path, &limits).map_err(|e| fail(&e))?;
    let intents_path = match (intents_path, &menu.traffic) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(traffic)) => menu_path
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .join(&traffic.value),
        (None, None) => {
            let error = Diagnostic::file_error(
                &menu.source.name(),
                "the menu names no intents file, so there is no traffic to simulate",
            )
            .with_help("pass `--intents FILE`, or add `traffic: NAME.intents.yaml` to the menu");
            return Err(fail(&error));
        }
    };
    let intents = load_intents(&intents_path, &limits).map_err(|e| fail(&e))?;
    let refusals = crate::sim::refusals(&menu, Some(&intents));
    if !refusals.is_empty() {
        for d in &refusals {
            fail(d);
        }
        eprintln!(
            "error: {} cannot be simulated: {} structural error{} (listed above); `ivr lint` shows every finding",
            menu.source.name(),
            refusals.len(),
            if refusals.len() == 1 { "" } else { "s" }
        );
        return Err(exit::CANNOT_PROCEED);
    }
    Ok((menu, intents))
}

pub fn run_sim(args: &SimArgs) -> u8 {
    if let Err(code) = args.run.check() {
        return code;
    }
    // Usage errors in --vary come before any file is read.
    let varies = match args
        .vary
        .iter()
        .map(|v| parse_vary(v).map_err(|e| (v, e)))
        .collect::<Result<Vec<Vary>, _>>()
    {
        Ok(varies) => varies,
        Err((text, e)) => {
            return usage_error(&format!("--vary `{text}`"), &e.message, e.help.as_deref());
        }
    };
    if !varies.is_empty() && !args.checks.is_empty() {
        return usage_error(
            "--check",
            "--check cannot be combined with --vary: a sweep explores how the figures move, a gate decides on one menu and one set of callers",
            Some(
                "run the gate without --vary (at the callers of the intents file), or read the sweep's figures",
            ),
        );
    }
    let (menu, intents) = match prepare(&args.menu, args.intents.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if !varies.is_empty() {
        return run_sweep(args, &menu, &intents, &varies);
    }
    let program = Program::compile(&menu, &intents);
    let checks = match gather_checks(args, &program.intent_names) {
        Ok(checks) => checks,
        Err(code) => return code,
    };
    let report = match simulate(args, &menu, &program) {
        Ok(report) => report,
        Err(code) => return code,
    };
    if checks.is_empty() {
        let text = match args.format {
            SimFormat::Human => sim_report::human(&report),
            SimFormat::Json => sim_report::json(&report),
            SimFormat::Csv => sim_report::csv(&report),
        };
        return print_stdout(&text);
    }
    let results: Vec<CheckResult> = checks.iter().map(|c| evaluate(c, &report)).collect();
    let lines = checks_report::human(&results, report.exact);
    let printed = match args.format {
        SimFormat::Human => print_stdout(&format!("{}\n{lines}", sim_report::human(&report))),
        SimFormat::Json => print_stdout(&checks_report::json(&report, &results)),
        SimFormat::Csv => {
            let printed = print_stdout(&sim_report::csv(&report));
            eprint!("{lines}");
            printed
        }
    };
    if printed != exit::SUCCESS {
        printed
    } else if Tally::of(&results).all_passed() {
        exit::SUCCESS
    } else {
        exit::FINDINGS
    }
}

/// One run: the exact solution or a Monte Carlo sample, with the exit code of a failure.
fn simulate(args: &SimArgs, menu: &Menu, program: &Program) -> Result<SimReport, u8> {
    let name = menu.source.name();
    if args.exact {
        return exact_report(&name, program).map_err(|error| exact_failure(menu, error));
    }
    let options = args.run.options();
    let tally = with_progress(args.run.calls, |tick| run(program, options, tick));
    Ok(monte_carlo_report(
        &name,
        &program.intent_names,
        &program.shares,
        &tally,
        args.run.calls,
        args.run.seed,
    ))
}

/// Prints a usage error (exit 2).
fn usage_error(what: &str, message: &str, help: Option<&str>) -> u8 {
    eprintln!("error: {what}: {message}");
    if let Some(help) = help {
        eprintln!("  help: {help}");
    }
    exit::CANNOT_PROCEED
}

/// The config that applies to the menu: `--config FILE`, else the nearest `.ivr.yaml`.
fn find_config(args: &SimArgs) -> Result<Option<(Config, std::path::PathBuf)>, u8> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Config::find_for(&args.menu),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    Config::load(&path)
        .map(|config| Some((config, path)))
        .map_err(|e| fail(&e))
}

/// The checks to run: `--check`, else the config's `checks:` (usage errors exit 2, pointing at
/// the config's line for a check written there).
fn gather_checks(args: &SimArgs, intents: &[String]) -> Result<Vec<Check>, u8> {
    let config = if args.checks.is_empty() || args.config.is_some() {
        find_config(args)?
    } else {
        None
    };
    if !args.checks.is_empty() {
        return args
            .checks
            .iter()
            .map(|text| {
                parse_check(text, intents, args.exact).map_err(|e| {
                    usage_error(&format!("--check `{text}`"), &e.message, e.help.as_deref())
                })
            })
            .collect();
    }
    let Some((config, path)) = config else {
        return Ok(Vec::new());
    };
    if config.checks.is_empty() {
        return Ok(Vec::new());
    }
    let source = crate::load::read_source(&path, &Limits::DEFAULT).map_err(|e| fail(&e))?;
    config
        .checks
        .iter()
        .map(|text| {
            parse_check(&text.value, intents, args.exact).map_err(|e| {
                let mut d = Diagnostic::input_error(
                    &source,
                    text.span,
                    format!("check `{}`: {}", text.value.trim(), e.message),
                    "this check",
                );
                if let Some(help) = e.help {
                    d = d.with_help(help);
                }
                fail(&d)
            })
        })
        .collect()
}

/// `--vary`: every point of the grid with the same seed (common random numbers).
fn run_sweep(args: &SimArgs, menu: &Menu, intents: &Intents, varies: &[Vary]) -> u8 {
    let points = match grid(varies, intents.callers) {
        Ok(points) => points,
        Err(e) => return usage_error("--vary", &e.message, e.help.as_deref()),
    };
    if args.config.is_some() || Config::find_for(&args.menu).is_some() {
        match find_config(args) {
            Ok(Some((config, path))) if !config.checks.is_empty() => eprintln!(
                "note: the checks of {} are not applied to a sweep",
                path.display()
            ),
            Ok(_) => {}
            Err(code) => return code,
        }
    }
    let mut rows = Vec::with_capacity(points.len());
    for point in points {
        // Compiled again at each point: `digit_time` is folded into the input nodes' typing time.
        let mut varied = intents.clone();
        varied.callers = point.callers;
        let program = Program::compile(menu, &varied);
        let report = match simulate(args, menu, &program) {
            Ok(report) => report,
            Err(code) => {
                let at: Vec<String> = point
                    .values
                    .iter()
                    .map(|(p, v)| format!("{}={v}", p.path()))
                    .collect();
                eprintln!("error: the sweep stopped at the point {}", at.join(", "));
                return code;
            }
        };
        rows.push((point, report));
    }
    let params: Vec<Param> = varies.iter().map(|v| v.param).collect();
    let text = match args.format {
        SimFormat::Human => sweep_report::human(&params, &rows),
        SimFormat::Json => sweep_report::json(&rows),
        SimFormat::Csv => sweep_report::csv(&params, &rows),
    };
    print_stdout(&text)
}

/// Reports why the exact solver could not answer (exit 2).
pub fn exact_failure(menu: &Menu, error: ExactError) -> u8 {
    let diagnostic = match error {
        ExactError::TrapLoop { intent, nodes } => {
            let first = menu.node(crate::menu::NodeId(nodes[0] as usize));
            let names: Vec<String> = nodes.iter().take(8).map(|&n| format!("`{}`", menu.node(crate::menu::NodeId(n as usize)).id.value)).collect();
            let mut d = Diagnostic::input_error(
                &menu.source,
                first.id.span,
                format!("callers with intent `{intent}` can be caught in a loop with no way out: {}", names.join(", ")),
                "the loop starts here",
            )
            .with_help("add a way out of the loop (an agent option, or a node that ends the call); `ivr lint` reports it as `dead-end`");
            for &n in nodes.iter().skip(1).take(7) {
                d = d.with_label(menu.node(crate::menu::NodeId(n as usize)).id.span, "in the loop");
            }
            d
        }
        ExactError::NoConvergence { intent, limit } => Diagnostic::file_error(
            &menu.source.name(),
            format!("the exact solver did not settle for intent `{intent}` within its limit ({limit}): callers leave some loop with vanishing probability"),
        )
        .with_help("run without --exact (Monte Carlo ends such calls as `looped` at the visit cap), or give the loop a clearer way out"),
    };
    fail(&diagnostic)
}

/// Runs `work` with a progress bar on stderr when stderr is a terminal and the run is long.
pub fn with_progress<T>(calls: u64, work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T) -> T {
    if !std::io::stderr().is_terminal() || calls < 2_000_000 {
        return work(&|_| {});
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(calls),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {human_pos}/{human_len} calls, {eta} left",
    ) {
        bar.set_style(style);
    }
    let started = Instant::now();
    let result = work(&|n| {
        if started.elapsed() > Duration::from_millis(500) {
            bar.inc(n);
        } else {
            bar.inc(n);
            bar.tick();
        }
    });
    bar.finish_and_clear();
    result
}
