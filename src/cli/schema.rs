use clap::{Args, ValueEnum};

use super::print_stdout;
use crate::schema;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind, or which command's `--format json` output.
    #[arg(value_enum, default_value_t = SchemaKind::Menu)]
    pub kind: SchemaKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Menu,
    Intents,
    Config,
    /// What `ivr sim --format json` prints.
    SimOutput,
    /// What `ivr compare --format json` prints.
    CompareOutput,
    /// What `ivr lint --format json` prints.
    LintOutput,
    /// What `--shard I/N --format partial` writes and `ivr merge` reads.
    Partial,
}

pub fn run(args: &SchemaArgs) -> u8 {
    let schema = match args.kind {
        SchemaKind::Menu => schema::menu(),
        SchemaKind::Intents => schema::intents(),
        SchemaKind::Config => schema::config(),
        SchemaKind::SimOutput => schema::sim_output(),
        SchemaKind::CompareOutput => schema::compare_output(),
        SchemaKind::LintOutput => schema::lint_output(),
        SchemaKind::Partial => schema::partial(),
    };
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    print_stdout(&format!("{text}\n"))
}
