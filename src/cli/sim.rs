use clap::{Args, ValueEnum};

use super::progress::Bar;
use super::{PathArg, exit, fail, fail_all, print_stderr, print_stdout};
use crate::commands::Failure;
use crate::commands::report::{page_beside, write_report};
use crate::commands::shard::{parse_shard, sim_partial};
use crate::commands::sim::{FlowRequest, SimOutput, SimRequest, SimResult, simulate};
use crate::diagnostic::Diagnostic;
use crate::render::gates as gates_render;
use crate::render::markdown;
use crate::render::sim as sim_render;
use crate::render::sweep as sweep_render;
use crate::render::sweep_html;
use crate::sim::gates::VerdictCounts;
use crate::sim::shard::Shard;
use crate::sim::sweep::Point;
use std::path::Path;

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
    /// Days simulated when the traffic file describes a day in intervals (each day starts
    /// with empty queues; intervals come from the spread across days).
    #[arg(long, default_value_t = crate::commands::sim::DEFAULT_DAYS, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub days: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
    #[command(flatten)]
    pub gates: GateArgs,
    /// Run a grid of caller parameters (may repeat): `callers.mistake_rate=0.01,0.03,0.1`,
    /// `callers.patience=60,null`, ... One row per point, the same random numbers at each.
    #[arg(long = "vary", value_name = "PATH=V1,V2,...")]
    pub vary: Vec<String>,
    /// Where callers go, per node and per edge: in JSON always (`nodes`, `edges`); in CSV with
    /// this flag, as two tables (nodes, then edges) instead of the outcome table.
    #[arg(long)]
    pub flow: bool,
    /// The flow figures of each intent too (JSON: each intent's `nodes` and `edges`; CSV: one
    /// row per intent and node or edge).
    #[arg(long)]
    pub by_intent: bool,
    /// With `--vary` and `--format html`: where to write the page (default:
    /// `<menu file stem>.vary.html` beside the menu).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathArg>,
    /// With `--format html`: replace the output file even if it is not a page `ivr` wrote.
    #[arg(long)]
    pub force: bool,
    /// Simulate only shard I of N (I from 0 to N-1): its share of the blocks of calls (and of
    /// the days, through agent queues over a day in intervals), or with `--vary` of the grid
    /// points. Needs `--format partial`; `ivr merge` puts the shards back together, exactly.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// The gates on simulated figures, shared by `ivr sim` and `ivr merge`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// A gate, `FIGURE OP NUMBER` (may repeat): `abandoned<=0.08`, `time.p90<=90`,
    /// `intent.NAME.inputs.mean<=2`. Exit 0 only when every check passes. Without it, the
    /// `checks:` of the config are used.
    #[arg(long = "check", value_name = "EXPR")]
    pub checks: Vec<String>,
    /// Config file whose `checks:` apply (else the nearest .ivr.yaml above the menu).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathArg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Human,
    Json,
    Csv,
    /// With `--vary`: a self-contained HTML page of charts, written to a file (`-o`).
    Html,
    /// GitHub-flavoured Markdown tables, for a pull-request comment or a report.
    Markdown,
    /// The exact tallies of a shard (`--shard I/N`), as versioned JSON for `ivr merge`.
    Partial,
}

/// `--shard` needs `--format partial`, and the reverse: a partial result is what a shard
/// writes (without `--shard` it is the whole run, shard 0/1).
pub(super) fn shard_of(shard: Option<&str>, partial: bool) -> Result<Option<Shard>, Failure> {
    match (shard, partial) {
        (Some(_), false) => Err(Diagnostic::usage_error(
            "--shard writes a partial result for `ivr merge`: add --format partial",
        )
        .into()),
        (Some(text), true) => Ok(Some(parse_shard(text)?)),
        (None, true) => Ok(Some(Shard::WHOLE)),
        (None, false) => Ok(None),
    }
}

pub fn run(args: &SimArgs) -> u8 {
    if args.format == SimFormat::Html && args.vary.is_empty() {
        return fail(
            &Diagnostic::usage_error("--format html draws a sweep: it needs --vary").with_help(
                "for the page of one run (diagram, findings, charts), use `ivr report MENU`",
            ),
        );
    }
    if args.format != SimFormat::Html && (args.output.is_some() || args.force) {
        return fail(
            &Diagnostic::usage_error("-o and --force are for --format html, which writes a file")
                .with_help("the other formats print on standard output"),
        );
    }
    let request = SimRequest {
        menu: args.menu.clone(),
        intents: args.intents.clone(),
        run: args.run.options(),
        exact: args.exact,
        days: args.days,
        gates: args.gates.checks.clone(),
        config: args.gates.config.clone(),
        vary: args.vary.clone(),
        flow: if args.by_intent {
            FlowRequest::ByIntent
        } else if args.format == SimFormat::Json || args.flow {
            FlowRequest::Overall
        } else {
            FlowRequest::None
        },
    };
    match shard_of(args.shard.as_deref(), args.format == SimFormat::Partial) {
        Err(failure) => return fail_all(&failure),
        Ok(Some(shard)) => {
            return match sim_partial(&request, shard, &Bar::default()) {
                Ok(partial) => print_stdout(&partial.to_json()),
                Err(failure) => fail_all(&failure),
            };
        }
        Ok(None) => {}
    }
    let result = match simulate(&request, &Bar::default()) {
        Ok(result) => result,
        Err(failure) => return fail_all(&failure),
    };
    let output = Output {
        format: args.format,
        flow: args.flow,
        by_intent: args.by_intent,
        page: args.output.clone(),
        force: args.force,
    };
    output.print(result, &args.menu)
}

/// How a simulation's result is printed (`ivr sim` and `ivr merge`).
pub(super) struct Output {
    pub format: SimFormat,
    pub flow: bool,
    pub by_intent: bool,
    /// `-o`: where an HTML page goes.
    pub page: Option<PathArg>,
    pub force: bool,
}

impl Output {
    /// Prints the result (or writes the page) and returns the exit code: 1 when a gate fails.
    pub(super) fn print(&self, result: SimResult, menu: &Path) -> u8 {
        for note in &result.notes {
            print_stderr(&format!("note: {note}\n"));
        }
        match result.output {
            SimOutput::Report(report) => print_stdout(&match self.format {
                SimFormat::Human | SimFormat::Html | SimFormat::Partial => {
                    sim_render::human(&report)
                }
                SimFormat::Json => sim_render::json(&report),
                SimFormat::Csv if self.flow || self.by_intent => sim_render::flow_csv(&report),
                SimFormat::Csv => sim_render::csv(&report),
                SimFormat::Markdown => markdown::sim(&report),
            }),
            SimOutput::Gated { report, results } => {
                let lines = gates_render::human(&results, report.exact);
                let printed = match self.format {
                    SimFormat::Human | SimFormat::Html | SimFormat::Partial => {
                        print_stdout(&format!("{}\n{lines}", sim_render::human(&report)))
                    }
                    SimFormat::Json => print_stdout(&gates_render::json(&report, &results)),
                    SimFormat::Markdown => print_stdout(&markdown::gates(&report, &results)),
                    SimFormat::Csv => {
                        let printed = print_stdout(&sim_render::csv(&report));
                        print_stderr(&lines);
                        printed
                    }
                };
                if printed != exit::SUCCESS {
                    printed
                } else if VerdictCounts::of(&results).all_passed() {
                    exit::SUCCESS
                } else {
                    exit::FINDINGS
                }
            }
            SimOutput::Sweep {
                params,
                rows,
                checks,
            } => {
                let points: Vec<&Point> = rows.iter().map(|(p, _)| p).collect();
                let lines = gates_render::sweep_human(&params, &points, &checks);
                let printed = match self.format {
                    SimFormat::Html => {
                        let page = sweep_html::page(
                            &result.subject,
                            &params,
                            &rows,
                            env!("CARGO_PKG_VERSION"),
                        );
                        let path = self
                            .page
                            .clone()
                            .unwrap_or_else(|| page_beside(menu, "vary"));
                        if let Err(failure) = write_report(&path, &page, self.force) {
                            return fail_all(&failure);
                        }
                        eprintln!("wrote {}", path.display());
                        // The page has no place for them: the checks go beside it.
                        print_stderr(&lines);
                        exit::SUCCESS
                    }
                    SimFormat::Human | SimFormat::Partial => {
                        let table = sweep_render::human(&params, &rows);
                        if checks.is_empty() {
                            print_stdout(&table)
                        } else {
                            print_stdout(&format!("{table}\n{lines}"))
                        }
                    }
                    SimFormat::Json => {
                        print_stdout(&sweep_render::json_with_checks(&rows, &checks))
                    }
                    SimFormat::Csv => {
                        let printed = print_stdout(&sweep_render::csv(&params, &rows));
                        print_stderr(&lines);
                        printed
                    }
                    SimFormat::Markdown => {
                        print_stdout(&markdown::sweep_checks(&params, &rows, &checks))
                    }
                };
                let all: Vec<_> = checks.into_iter().flatten().collect();
                if printed != exit::SUCCESS {
                    printed
                } else if VerdictCounts::of(&all).all_passed() {
                    exit::SUCCESS
                } else {
                    exit::FINDINGS
                }
            }
        }
    }
}
