use std::io::{IsTerminal, Read};

use clap::{Args, ValueEnum};

use super::{PathArg, exit, fail, print_stderr, print_stdout, render_style};
use crate::commands::baseline::apply_baseline;
use crate::commands::fix::{FileFix, fix_paths};
use crate::commands::lint::{LintRequest, StdinFile, lint_paths};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::lint::Summary;
use crate::render;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Menu files or folders to lint (folders are searched for *.yaml and *.yml; `-` reads
    /// standard input, with --stdin-filename).
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
    /// Run only these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (comma-separated), whatever the configuration says.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Print how many findings each rule reported instead of the findings (human and concise).
    #[arg(long)]
    pub statistics: bool,
    /// The path the menu read from `-` (standard input) is shown with; its configuration and
    /// `traffic:` are found from it.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathArg>,
    /// Apply the configuration's `exclude:` to files named on the command line too (the
    /// pre-commit hook does).
    #[arg(long)]
    pub force_exclude: bool,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// SARIF: the address rule pages live under (ending in `/`), such as
    /// `https://github.com/ORG/ivr/blob/main/docs/rules/`; each rule's `helpUri` is
    /// `<URL><rule>.md`.
    #[arg(long, value_name = "URL")]
    pub rules_url: Option<String>,
    /// Report only findings this baseline file does not accept (written by
    /// --update-baseline; a missing file accepts nothing).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathArg>,
    /// Write today's findings to the --baseline file (pruning the ones that are gone), then
    /// report only what it does not accept.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Apply the safe fixes (quoting, stale suppressions) to the files, then report what is
    /// left. A file the fixes would stop loading is left as it was.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the safe fixes as a unified diff and write nothing (exit 1 when there is
    /// something to fix).
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff: the unsafe fixes too (they change what callers hear or press),
    /// each written only when simulating the menu's traffic before and after shows no
    /// headline figure got significantly worse.
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

pub fn run(args: &LintArgs) -> u8 {
    match lint(args) {
        Ok(code) => code,
        Err(error) => {
            // Machine formats always write a document stdout can parse, then the error for
            // people on stderr.
            let document = match args.format {
                LintFormat::Json => Some(render::lint::json::render_failure(&[*error.clone()])),
                LintFormat::Sarif => Some(render::lint::sarif::render_failure(
                    &[*error.clone()],
                    rules_url(args).as_deref(),
                )),
                LintFormat::Github => Some(render::lint::github::render_failure(&[*error.clone()])),
                LintFormat::Human | LintFormat::Concise => None,
            };
            if let Some(document) = document {
                print_stdout(&document);
            }
            fail(&error)
        }
    }
}

fn rules_url(args: &LintArgs) -> Option<String> {
    args.rules_url.as_ref().map(|url| {
        if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        }
    })
}

fn lint(args: &LintArgs) -> Result<u8, Box<Diagnostic>> {
    if args.statistics && !matches!(args.format, LintFormat::Human | LintFormat::Concise) {
        return Err(Box::new(Diagnostic::usage_error(
            "`--statistics` replaces the findings with counts, so it goes with `--format human` or `concise` only",
        )));
    }
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let stdin = match (&args.stdin_filename, reads_stdin) {
        (Some(name), true) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    Box::new(Diagnostic::usage_error(format!(
                        "cannot read standard input: {e}"
                    )))
                })?;
            Some(StdinFile {
                name: name.clone(),
                bytes,
            })
        }
        (Some(_), false) => {
            return Err(Box::new(Diagnostic::usage_error(
                "`--stdin-filename` names the menu read from `-`, and no path is `-`",
            )));
        }
        (None, _) => None,
    };
    let request = LintRequest {
        paths: args.paths.clone(),
        intents: args.intents.clone(),
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        force_exclude: args.force_exclude,
        stdin,
    };
    let applicability = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err(Box::new(Diagnostic::usage_error(
            "`--unsafe-fixes` says which fixes `--fix` or `--diff` apply; add one of them",
        )));
    }
    if args.diff {
        return diff(&request, applicability);
    }
    if args.fix {
        fix(&request, applicability)?;
    }
    let mut report = lint_paths(&request)?;
    for warning in &report.warnings {
        print_stderr(&format!("warning: {warning}\n"));
    }
    if let Some(path) = &args.baseline {
        let outcome = apply_baseline(&mut report, path, args.update_baseline)?;
        if let Some(written) = outcome.written {
            print_stderr(&format!(
                "note: wrote {written} finding{} to {} ({} no longer found, pruned)\n",
                if written == 1 { "" } else { "s" },
                crate::document::display_path(path),
                outcome.pruned
            ));
        }
    }
    for note in &report.skipped {
        print_stderr(&format!("note: {note}\n"));
    }
    let text = match args.format {
        _ if args.statistics => render::lint::statistics::render(&report),
        LintFormat::Human => {
            let mut style = render_style(std::io::stdout().is_terminal());
            style.color = match args.color {
                Color::Auto => style.color,
                Color::Always => true,
                Color::Never => false,
            };
            render::lint::human::render(&report, style, true)
        }
        LintFormat::Concise => render::lint::concise::render(&report),
        LintFormat::Json => render::lint::json::render(&report),
        LintFormat::Sarif => render::lint::sarif::render(&report, rules_url(args).as_deref()),
        LintFormat::Github => render::lint::github::render(&report),
    };
    let written = print_stdout(&text);
    if written != exit::SUCCESS {
        return Ok(written);
    }
    Ok(exit_code(report.summary(), args.deny.is_some()))
}

/// `--diff`: every file's fixes as one unified diff on stdout; nothing is written.
fn diff(request: &LintRequest, applicability: Applicability) -> Result<u8, Box<Diagnostic>> {
    let fixes = fix_paths(request, applicability)?;
    let mut text = String::new();
    for file in &fixes {
        print_checked(file);
        if let Some(why) = &file.refused {
            print_stderr(&format!(
                "note: not fixing {}: the fixed file would not load: {}\n",
                crate::text::printable(&file.path),
                crate::text::printable(&why.to_string())
            ));
        } else {
            text.push_str(&render::lint::diff::unified(
                &file.path,
                &file.before,
                &file.after,
            ));
        }
    }
    let written = print_stdout(&text);
    if written != exit::SUCCESS {
        return Ok(written);
    }
    Ok(if fixes.iter().any(|f| f.changed()) {
        exit::FINDINGS
    } else {
        exit::SUCCESS
    })
}

/// `--fix`: writes each file its fixes changed (only files that still load), says so on
/// stderr.
fn fix(request: &LintRequest, applicability: Applicability) -> Result<(), Box<Diagnostic>> {
    for file in fix_paths(request, applicability)? {
        print_checked(&file);
        if let Some(why) = &file.refused {
            print_stderr(&format!(
                "note: not fixing {}: the fixed file would not load: {}\n",
                crate::text::printable(&file.path),
                crate::text::printable(&why.to_string())
            ));
            continue;
        }
        if !file.changed() {
            continue;
        }
        std::fs::write(&file.path, &file.after).map_err(|e| {
            Box::new(Diagnostic::file_error(
                &file.path,
                format!("cannot write the fixes: {e}"),
            ))
        })?;
        print_stderr(&format!(
            "note: fixed {}: {}\n",
            crate::text::printable(&file.path),
            crate::text::printable(&file.applied.join("; "))
        ));
    }
    Ok(())
}

/// What the simulation check said of each unsafe fix: what a written one changed, why one
/// was not written. Fixes refused for the same reason (a menu that cannot be simulated) make
/// one note.
fn print_checked(file: &FileFix) {
    if file.refused.is_some() {
        return;
    }
    let path = crate::text::printable(&file.path);
    let mut refused: Vec<(&str, Vec<String>)> = Vec::new();
    for fix in &file.checked {
        let what = format!(
            "{} ({})",
            crate::text::printable(&fix.what()),
            crate::text::printable(&fix.title)
        );
        match &fix.outcome {
            Ok(changes) => print_stderr(&format!("note: {path}: {what}: {changes}\n")),
            Err(why) => match refused.iter_mut().find(|(w, _)| *w == why.as_str()) {
                Some((_, fixes)) => fixes.push(what),
                None => refused.push((why.as_str(), vec![what])),
            },
        }
    }
    for (why, fixes) in refused {
        let why = crate::text::printable(why);
        let line = match fixes.as_slice() {
            [one] => format!("note: {path}: not applying the unsafe fix of {one}: {why}\n"),
            [first, rest @ ..] => format!(
                "note: {path}: not applying {} unsafe fixes ({first} and {} more): {why}\n",
                fixes.len(),
                rest.len()
            ),
            [] => continue,
        };
        print_stderr(&line);
    }
}

fn exit_code(summary: Summary, deny_warnings: bool) -> u8 {
    if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        exit::FINDINGS
    } else {
        exit::SUCCESS
    }
}
