use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, fail_all, print_stdout};
use crate::commands::compare::{CompareRequest, compare, compare_page, default_output};
use crate::commands::report::write_report;
use crate::diagnostic::Diagnostic;
use crate::render::compare as compare_render;
use crate::render::compare_html;

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
    if args.format == CompareFormat::Html {
        return html(args, &request);
    }
    if args.output.is_some() || args.force {
        return fail(
            &Diagnostic::usage_error("-o and --force are for --format html, which writes a file")
                .with_help("the other formats print on standard output"),
        );
    }
    match compare(&request) {
        Ok(report) => print_stdout(&match args.format {
            CompareFormat::Human => compare_render::human(&report),
            CompareFormat::Json => compare_render::json(&report),
            CompareFormat::Csv => compare_render::csv(&report),
            CompareFormat::Html => unreachable!("written to a file above"),
            CompareFormat::Markdown => crate::render::markdown::compare(&report),
        }),
        Err(failure) => fail_all(&failure),
    }
}

/// `--format html`: the page, written only over a page `ivr` wrote (or with `--force`).
fn html(args: &CompareArgs, request: &CompareRequest) -> u8 {
    let data = match compare_page(request) {
        Ok(data) => data,
        Err(failure) => return fail_all(&failure),
    };
    let page = compare_html::page(&data, env!("CARGO_PKG_VERSION"));
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.menu_a, &args.menu_b));
    if let Err(failure) = write_report(&path, &page, args.force) {
        return fail_all(&failure);
    }
    eprintln!("wrote {}", path.display());
    exit::SUCCESS
}
