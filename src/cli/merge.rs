use clap::Args;

use super::compare::CompareFormat;
use super::sim::{GateArgs, Output, SimFormat};
use super::{PathArg, fail, fail_all};
use crate::commands::compare::default_output;
use crate::commands::shard::{MergeRequest, Merged, merge};
use crate::commands::sim::FlowRequest;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial results of every shard of one run (`--shard I/N --format partial`), in any
    /// order.
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<PathArg>,
    /// Output format: the formats of the command the shards ran.
    #[arg(long, value_enum, default_value_t = MergeFormat::Human)]
    pub format: MergeFormat,
    /// Gates on the merged figures, as for `ivr sim`.
    #[command(flatten)]
    pub gates: GateArgs,
    /// As for `ivr sim`: the flow tables in CSV.
    #[arg(long)]
    pub flow: bool,
    /// As for `ivr sim`: the flow of each intent (the shards must have run with it).
    #[arg(long)]
    pub by_intent: bool,
    /// With `--format html` (of a sweep, or of `ivr compare`): where to write the page
    /// (default: where the unsharded command writes it).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathArg>,
    /// With `--format html`: replace the output file even if it is not a page `ivr` wrote.
    #[arg(long)]
    pub force: bool,
}

/// The formats of `ivr sim` and `ivr compare` (a merge writes the run's output, never a
/// partial result).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MergeFormat {
    Human,
    Json,
    Csv,
    /// Of a sweep's or a comparison's shards: the page the unsharded command writes, to a
    /// file (`-o`).
    Html,
    /// GitHub-flavoured Markdown tables.
    Markdown,
}

impl MergeFormat {
    fn sim(self) -> SimFormat {
        match self {
            MergeFormat::Human => SimFormat::Human,
            MergeFormat::Json => SimFormat::Json,
            MergeFormat::Csv => SimFormat::Csv,
            MergeFormat::Html => SimFormat::Html,
            MergeFormat::Markdown => SimFormat::Markdown,
        }
    }
}

pub fn run(args: &MergeArgs) -> u8 {
    let format = args.format.sim();
    if format != SimFormat::Html && (args.output.is_some() || args.force) {
        return fail(
            &Diagnostic::usage_error("-o and --force are for --format html, which writes a file")
                .with_help("the other formats print on standard output"),
        );
    }
    let request = MergeRequest {
        partials: args.partials.clone(),
        gates: args.gates.checks.clone(),
        config: args.gates.config.clone(),
        flow: if args.by_intent {
            FlowRequest::ByIntent
        } else if format == SimFormat::Json || args.flow {
            FlowRequest::Overall
        } else {
            FlowRequest::None
        },
    };
    let merged = match merge(&request) {
        Ok(merged) => merged,
        Err(failure) => return fail_all(&failure),
    };
    let html_needs_sweep = || {
        fail(
            &Diagnostic::usage_error(
                "--format html of merged shards draws a sweep or a comparison: these are shards of one run of `ivr sim`",
            )
            .with_help("choose --format human, json, csv or markdown; for the page of one run (diagram, findings, charts), use `ivr report MENU`"),
        )
    };
    match merged {
        Merged::Sim { result, menu } => {
            let sweep = matches!(result.output, crate::commands::sim::SimOutput::Sweep { .. });
            if format == SimFormat::Html && !sweep {
                return html_needs_sweep();
            }
            let output = Output {
                format,
                flow: args.flow,
                by_intent: args.by_intent,
                page: args.output.clone(),
                force: args.force,
            };
            output.print(*result, &menu)
        }
        Merged::Compare { page, menus } => {
            let format = match args.format {
                MergeFormat::Json => CompareFormat::Json,
                MergeFormat::Csv => CompareFormat::Csv,
                MergeFormat::Markdown => CompareFormat::Markdown,
                MergeFormat::Html => {
                    // The page `ivr compare --format html` writes, at the same default place.
                    let path = args
                        .output
                        .clone()
                        .unwrap_or_else(|| default_output(&menus[0], &menus[1]));
                    return super::compare::write_page(&page, &path, args.force);
                }
                MergeFormat::Human => CompareFormat::Human,
            };
            super::compare::print(&page.report, format)
        }
    }
}
