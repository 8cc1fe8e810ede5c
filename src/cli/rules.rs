use clap::{Args, ValueEnum};

use super::{fail, print_stdout};
use crate::lint::registry;
use crate::render::rules::{output_code, output_code_page, rule_list, rule_list_json, rule_page};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's name, as `ivr rules` lists it (or `input-error`, `usage-error`).
    pub name: String,
}

/// `ivr rules`: name, default severity and one line for each rule.
pub fn list(args: &RulesArgs) -> u8 {
    match args.format {
        RulesFormat::Text => print_stdout(&rule_list()),
        RulesFormat::Json => print_stdout(&rule_list_json()),
    }
}

/// `ivr rule NAME`: the rule's documentation (or that of a code that is not a rule).
pub fn show(args: &RuleArgs) -> u8 {
    if let Some(rule) = registry::rule(&args.name) {
        return print_stdout(&rule_page(rule));
    }
    match output_code(&args.name) {
        Some(code) => print_stdout(&output_code_page(code)),
        None => fail(&registry::unknown_rule(&args.name)),
    }
}
