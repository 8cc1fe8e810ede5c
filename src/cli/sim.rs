use std::io::IsTerminal;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, print_stdout};
use crate::diagnostic::Diagnostic;
use crate::intents::Intents;
use crate::load::{load_intents, load_menu};
use crate::menu::Menu;
use crate::report::sim as sim_report;
use crate::sim::exact::{ExactError, exact_report};
use crate::sim::program::Program;
use crate::sim::report::monte_carlo_report;
use crate::sim::run::{RunOptions, run};
use crate::yaml::Limits;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The menu file to simulate.
    pub menu: PathArg,
    /// Intents file (else the menu's `traffic:`).
    #[arg(long)]
    pub intents: Option<PathArg>,
    /// Calls to simulate.
    #[arg(long, default_value_t = 100_000)]
    pub calls: u64,
    /// Random seed: the same seed gives the same figures, whatever --threads is.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Solve the caller model exactly instead of sampling (no intervals, no quantiles).
    #[arg(long)]
    pub exact: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Human,
    Json,
    Csv,
}

/// Most calls one run may simulate.
pub const MAX_CALLS: u64 = 1_000_000_000_000;

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
    if args.calls == 0 || args.calls > MAX_CALLS {
        eprintln!("error: --calls must be from 1 to {MAX_CALLS}");
        return exit::CANNOT_PROCEED;
    }
    let (menu, intents) = match prepare(&args.menu, args.intents.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let program = Program::compile(&menu, &intents);
    let name = menu.source.name();
    let report = if args.exact {
        match exact_report(&name, &program) {
            Ok(report) => report,
            Err(error) => return exact_failure(&menu, &program, error),
        }
    } else {
        let options = RunOptions {
            calls: args.calls,
            seed: args.seed,
            threads: args.threads,
        };
        let tally = with_progress(args.calls, |tick| run(&program, options, tick));
        monte_carlo_report(
            &name,
            &program.intent_names,
            &program.shares,
            &tally,
            args.calls,
            args.seed,
        )
    };
    let text = match args.format {
        SimFormat::Human => sim_report::human(&report),
        SimFormat::Json => sim_report::json(&report),
        SimFormat::Csv => sim_report::csv(&report),
    };
    print_stdout(&text)
}

/// Reports why the exact solver could not answer (exit 2).
pub fn exact_failure(menu: &Menu, program: &Program, error: ExactError) -> u8 {
    let _ = program;
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
        ExactError::NoConvergence { intent } => Diagnostic::file_error(
            &menu.source.name(),
            format!("the exact solver did not settle for intent `{intent}`: callers leave some loop with vanishing probability"),
        )
        .with_help("run without --exact, or give the loop a clearer way out"),
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
