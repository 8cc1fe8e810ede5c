use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, fail_all, print_stdout};
use crate::commands::compare::{
    ComparePage, CompareRequest, compare, compare_page, default_output,
};
use crate::commands::report::write_report;
use crate::commands::shard::compare_partial;
use crate::diagnostic::Diagnostic;
use crate::render::compare as compare_render;
use crate::render::compare_html;
use crate::sim::compare::CompareReport;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The current menu (A).
    pub menu_a: PathArg,
    /// The variant (B); differences are B minus A.
    pub menu_b: PathArg,
    /// Intents file for both menus (required when their `traffic:` files differ).
    #[arg(long)]
    pub intents: Option<PathArg>,
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Compare exact solutions instead of sampling.
    #[arg(long)]
    pub exact: bool,
    /// Days simulated when the traffic file describes a day in intervals (each day starts
    /// with empty queues; intervals come from the paired days).
    #[arg(long, default_value_t = crate::commands::sim::DEFAULT_DAYS, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub days: u32,
    #[arg(long, value_enum, default_value_t = CompareFormat::Human)]
    pub format: CompareFormat,
    /// With `--format html`: where to write the page (default: `<A>-vs-<B>.compare.html`
    /// beside menu B).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathArg>,
    /// With `--format html`: replace the output file even if it is not a page `ivr` wrote.
    #[arg(long)]
    pub force: bool,
    /// Simulate only shard I of N (I from 0 to N-1): its share of the blocks of calls (and of
    /// the days, through agent queues over a day in intervals). Needs `--format partial`;
    /// `ivr merge` puts the shards back together, exactly.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Human,
    Json,
    Csv,
    /// A self-contained HTML page, written to a file (`-o`).
    Html,
    /// GitHub-flavoured Markdown tables, for a pull-request comment or a report.
    Markdown,
    /// The exact tallies of a shard (`--shard I/N`), as versioned JSON for `ivr merge`.
    Partial,
}

pub fn run(args: &CompareArgs) -> u8 {
    let request = CompareRequest {
        menu_a: args.menu_a.clone(),
        menu_b: args.menu_b.clone(),
        intents: args.intents.clone(),
        run: args.run.options(),
        exact: args.exact,
        days: args.days,
    };
    let shard =
        match super::sim::shard_of(args.shard.as_deref(), args.format == CompareFormat::Partial) {
            Ok(shard) => shard,
            Err(failure) => return fail_all(&failure),
        };
    if args.format == CompareFormat::Html {
        return html(args, &request);
    }
    if args.output.is_some() || args.force {
        return fail(
            &Diagnostic::usage_error("-o and --force are for --format html, which writes a file")
                .with_help("the other formats print on standard output"),
        );
    }
    if let Some(shard) = shard {
        return match compare_partial(&request, shard) {
            Ok(partial) => print_stdout(&partial.to_json()),
            Err(failure) => fail_all(&failure),
        };
    }
    match compare(&request) {
        Ok(report) => print(&report, args.format),
        Err(failure) => fail_all(&failure),
    }
}

/// Prints a comparison in a format that goes to standard output (`ivr compare`, `ivr merge`).
pub(super) fn print(report: &CompareReport, format: CompareFormat) -> u8 {
    print_stdout(&match format {
        CompareFormat::Human | CompareFormat::Html | CompareFormat::Partial => {
            compare_render::human(report)
        }
        CompareFormat::Json => compare_render::json(report),
        CompareFormat::Csv => compare_render::csv(report),
        CompareFormat::Markdown => crate::render::markdown::compare(report),
    })
}

/// `--format html`: the page, written only over a page `ivr` wrote (or with `--force`).
fn html(args: &CompareArgs, request: &CompareRequest) -> u8 {
    let data = match compare_page(request) {
        Ok(data) => data,
        Err(failure) => return fail_all(&failure),
    };
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.menu_a, &args.menu_b));
    write_page(&data, &path, args.force)
}

/// Writes the page of a comparison (`ivr compare`, `ivr merge`), only over a page `ivr`
/// wrote unless `force`.
pub(super) fn write_page(data: &ComparePage, path: &std::path::Path, force: bool) -> u8 {
    let page = compare_html::page(data, env!("CARGO_PKG_VERSION"));
    if let Err(failure) = write_report(path, &page, force) {
        return fail_all(&failure);
    }
    eprintln!("wrote {}", path.display());
    exit::SUCCESS
}
