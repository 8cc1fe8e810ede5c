use clap::Args;

use super::{fail, print_stdout};
use crate::lint::registry;
use crate::render::rules::{rule_list, rule_page};

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's name, as `ivr rules` lists it.
    pub name: String,
}

/// `ivr rules`: name, default severity and one line for each rule.
pub fn list() -> u8 {
    print_stdout(&rule_list())
}

/// `ivr rule NAME`: the rule's documentation.
pub fn show(args: &RuleArgs) -> u8 {
    match registry::rule(&args.name) {
        Some(rule) => print_stdout(&rule_page(rule)),
        None => fail(&registry::unknown_rule(&args.name)),
    }
}
