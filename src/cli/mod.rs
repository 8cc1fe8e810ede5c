//! The command line: clap arguments, flags mapped to one library call per subcommand
//! ([`crate::commands`]), the renderer chosen by `--format`, and exit codes.

// The one layer that writes to the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::Failure;
use crate::diagnostic::{Diagnostic, RenderStyle};

mod compare;
mod graph;
mod import;
mod lint;
mod lsp;
mod merge;
mod progress;
mod report;
mod rules;
mod schema;
mod sim;
mod staff;

/// Lint IVR phone menus written in YAML, and simulate callers going through them.
#[derive(Debug, Parser)]
#[command(name = "ivr", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check menus against call-centre practice and report every problem at its line.
    Lint(lint::LintArgs),
    /// Simulate callers going through a menu (Monte Carlo, or exactly with --exact).
    Sim(sim::SimArgs),
    /// Compare two menu variants on the same callers (common random numbers).
    Compare(compare::CompareArgs),
    /// Put the partial results of `--shard I/N` runs back together: the output of the whole
    /// run, exactly (any format, `--check` included).
    Merge(merge::MergeArgs),
    /// Agents each queue needs: Erlang C / A from the exact share of calls reaching it.
    Staff(staff::StaffArgs),
    /// Draw a menu as a diagram (Mermaid, Graphviz DOT or SVG), with where callers go on request.
    Graph(graph::GraphArgs),
    /// Read a flow from Amazon Connect, Twilio Studio, Genesys Architect, VoiceXML, FreeSWITCH or Asterisk and write it as a menu file.
    Import(import::ImportArgs),
    /// Write one self-contained HTML page about a menu: figures, flow diagram, findings, charts.
    Report(report::ReportArgs),
    /// List the lint rules.
    Rules(rules::RulesArgs),
    /// Print one rule's documentation.
    Rule(rules::RuleArgs),
    /// Print the JSON Schema of a file kind (for editor completion and checks) or of a JSON output.
    Schema(schema::SchemaArgs),
    /// Serve editors on stdin and stdout: diagnostics as you type, hover, go to definition,
    /// rename, completion (the Language Server Protocol).
    Lsp(lsp::LspArgs),
}

/// Exit codes: 0 success, 1 findings (lint errors, failed gates), 2 the command could not
/// proceed (bad input, usage errors, limits).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const CANNOT_PROCEED: u8 = 2;
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::CANNOT_PROCEED
            } else {
                exit::SUCCESS
            });
        }
    };
    let code = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Rule(args) => rules::show(&args),
        Command::Sim(args) => sim::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Staff(args) => staff::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Lsp(args) => lsp::run(&args),
    };
    ExitCode::from(code)
}

/// How diagnostics are drawn on a stream: colour only on a terminal and without NO_COLOR.
pub fn render_style(terminal: bool) -> RenderStyle {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = if terminal {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100)
    } else {
        RenderStyle::PLAIN.width
    };
    RenderStyle {
        color: terminal && !no_color,
        unicode: true,
        width,
    }
}

/// Writes `text` on stderr. A stderr that cannot be written (`2>/dev/full`, a closed pipe) is
/// ignored: there is nowhere left to say so, and `eprint!` would panic (exit code 101).
pub fn print_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Prints an input or usage error on stderr and returns exit code 2.
pub fn fail(diagnostic: &Diagnostic) -> u8 {
    let stderr = std::io::stderr();
    let style = render_style(stderr.is_terminal());
    let _ = write!(stderr.lock(), "{}", diagnostic.render(style));
    exit::CANNOT_PROCEED
}

/// Prints every diagnostic of a failed command on stderr and returns exit code 2.
pub fn fail_all(failure: &Failure) -> u8 {
    for diagnostic in &failure.diagnostics {
        fail(diagnostic);
    }
    exit::CANNOT_PROCEED
}

/// Writes to stdout; a closed pipe (`ivr graph m.yaml | head`) is not an error.
pub fn print_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            print_stderr(&format!("ivr: cannot write the output: {e}\n"));
            exit::CANNOT_PROCEED
        }
    }
}

/// How many calls to simulate, with which seed, on how many threads (`sim` and `compare`).
#[derive(Clone, Copy, Debug, clap::Args)]
pub struct RunArgs {
    /// Calls to simulate.
    #[arg(long, default_value_t = 100_000)]
    pub calls: u64,
    /// Random seed: the same seed gives the same figures, whatever --threads is.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

impl RunArgs {
    /// The run options (the library checks their limits).
    pub fn options(&self) -> crate::sim::run::RunOptions {
        crate::sim::run::RunOptions {
            calls: self.calls,
            seed: self.seed,
            threads: self.threads,
        }
    }
}

/// A path argument as given.
pub type PathArg = PathBuf;

/// Output formats of `ivr graph`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    #[default]
    Mermaid,
    Dot,
    /// A picture laid out by `ivr` itself (no Graphviz needed).
    Svg,
}
