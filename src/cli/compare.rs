use clap::{Args, ValueEnum};

use super::{PathArg, fail_all, print_stdout};
use crate::commands::compare::{CompareRequest, compare};
use crate::render::compare as compare_render;

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
    #[arg(long, value_enum, default_value_t = CompareFormat::Human)]
    pub format: CompareFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Human,
    Json,
    Csv,
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
    };
    match compare(&request) {
        Ok(report) => print_stdout(&match args.format {
            CompareFormat::Human => compare_render::human(&report),
            CompareFormat::Json => compare_render::json(&report),
            CompareFormat::Csv => compare_render::csv(&report),
            CompareFormat::Markdown => crate::render::markdown::compare(&report),
        }),
        Err(failure) => fail_all(&failure),
    }
}
