use std::io::IsTerminal;

use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, print_stdout, render_style};
use crate::commands::lint::{LintRequest, lint_paths};
use crate::lint::Summary;
use crate::render;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Menu files or folders to lint (folders are searched for *.yaml and *.yml).
    #[arg(default_value = ".")]
    pub paths: Vec<PathArg>,
    /// Intents file to use for every menu (else each menu's `traffic:`).
    #[arg(long)]
    pub intents: Option<PathArg>,
    /// Configuration file (else the nearest `.ivr.yaml` above each file).
    #[arg(long)]
    pub config: Option<PathArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(args: &LintArgs) -> u8 {
    let request = LintRequest {
        paths: args.paths.clone(),
        intents: args.intents.clone(),
        config: args.config.clone(),
    };
    let report = match lint_paths(&request) {
        Ok(report) => report,
        Err(error) => return fail(&error),
    };
    let text = match args.format {
        LintFormat::Human => render::lint::human::render(
            &report,
            render_style(std::io::stdout().is_terminal()),
            true,
        ),
        LintFormat::Json => render::lint::json::render(&report),
        LintFormat::Sarif => render::lint::sarif::render(&report),
        LintFormat::Github => render::lint::github::render(&report),
    };
    let written = print_stdout(&text);
    if written != exit::SUCCESS {
        return written;
    }
    exit_code(report.summary(), args.deny.is_some())
}

fn exit_code(summary: Summary, deny_warnings: bool) -> u8 {
    if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        exit::FINDINGS
    } else {
        exit::SUCCESS
    }
}
