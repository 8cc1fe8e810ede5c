use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{PathArg, exit, print_stdout};
use crate::load::load_menu;
use crate::report::compare as compare_report;
use crate::sim::compare::{CompareReport, exact_diff, monte_carlo_diff, run_pair};
use crate::sim::exact::exact_report;
use crate::sim::program::Program;
use crate::sim::report::monte_carlo_report;
use crate::yaml::Limits;

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
}

/// The intents file the two menus share: `--intents`, or their common `traffic:`.
fn shared_intents(args: &CompareArgs) -> Result<Option<PathBuf>, u8> {
    if let Some(path) = &args.intents {
        return Ok(Some(path.clone()));
    }
    let traffic = |menu: &Path| -> Result<Option<PathBuf>, u8> {
        let loaded = load_menu(menu, &Limits::DEFAULT).map_err(|e| super::fail(&e))?;
        Ok(loaded
            .traffic
            .map(|t| menu.parent().unwrap_or(Path::new("")).join(&t.value)))
    };
    match (traffic(&args.menu_a)?, traffic(&args.menu_b)?) {
        (Some(a), Some(b)) if same_file(&a) != same_file(&b) => {
            eprintln!(
                "error: the menus name different traffic files ({} and {}); pass --intents FILE so both run the same callers",
                a.display(),
                b.display()
            );
            Err(exit::CANNOT_PROCEED)
        }
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b),
    }
}

/// A path as one file: resolved through `..` and links when it exists.
fn same_file(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .ok()
}

pub fn run(args: &CompareArgs) -> u8 {
    if let Err(code) = args.run.check() {
        return code;
    }
    let intents = match shared_intents(args) {
        Ok(path) => path,
        Err(code) => return code,
    };
    let (menu_a, intents_a) = match super::sim::prepare(&args.menu_a, intents.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let (menu_b, intents_b) = match super::sim::prepare(&args.menu_b, intents.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let a = Program::compile(&menu_a, &intents_a);
    let b = Program::compile(&menu_b, &intents_b);
    let (name_a, name_b) = (menu_a.source.name(), menu_b.source.name());
    let report = if args.exact {
        let (ra, rb) = match (exact_report(&name_a, &a), exact_report(&name_b, &b)) {
            (Ok(ra), Ok(rb)) => (ra, rb),
            (Err(e), _) => return super::sim::exact_failure(&menu_a, e),
            (_, Err(e)) => return super::sim::exact_failure(&menu_b, e),
        };
        let diff = exact_diff(&ra, &rb);
        CompareReport { a: ra, b: rb, diff }
    } else {
        let options = args.run.options();
        let tally = run_pair(&a, &b, options);
        CompareReport {
            a: monte_carlo_report(
                &name_a,
                &a.intent_names,
                &a.shares,
                &tally.a,
                args.run.calls,
                args.run.seed,
            ),
            b: monte_carlo_report(
                &name_b,
                &b.intent_names,
                &b.shares,
                &tally.b,
                args.run.calls,
                args.run.seed,
            ),
            diff: monte_carlo_diff(&a.intent_names, &tally),
        }
    };
    let text = match args.format {
        CompareFormat::Human => compare_report::human(&report),
        CompareFormat::Json => compare_report::json(&report),
    };
    print_stdout(&text)
}
