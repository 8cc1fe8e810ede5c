use clap::Args;

use super::progress::Bar;
use super::{PathArg, exit, fail_all};
use crate::commands::report::{ReportRequest, default_output, report, write_report};
use crate::render::html;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The menu file to report on.
    pub menu: PathArg,
    /// Intents file (else the menu's `traffic:`).
    #[arg(long)]
    pub intents: Option<PathArg>,
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Where to write the page (default: `<menu file stem>.report.html` beside the menu).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathArg>,
    /// Replace the output file even if it is not a report `ivr` wrote.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &ReportArgs) -> u8 {
    let request = ReportRequest {
        menu: args.menu.clone(),
        intents: args.intents.clone(),
        run: args.run.options(),
    };
    let data = match report(&request, &Bar::default()) {
        Ok(data) => data,
        Err(failure) => return fail_all(&failure),
    };
    let page = html::report(&data, env!("CARGO_PKG_VERSION"));
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.menu));
    if let Err(failure) = write_report(&path, &page, args.force) {
        return fail_all(&failure);
    }
    eprintln!("wrote {}", path.display());
    exit::SUCCESS
}
