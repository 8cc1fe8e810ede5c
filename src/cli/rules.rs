use clap::Args;

use super::{exit, print_stdout};
use crate::lint::registry::{self, RULES};
use crate::text::did_you_mean;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's name, as `ivr rules` lists it.
    pub name: String,
}

/// `ivr rules`: name, default severity and one line for each rule.
pub fn list() -> u8 {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    print_stdout(&out)
}

/// `ivr rule NAME`: the rule's documentation.
pub fn show(args: &RuleArgs) -> u8 {
    match registry::rule(&args.name) {
        Some(rule) => print_stdout(&crate::lint::docs::rule_page(rule)),
        None => {
            let hint = did_you_mean(&args.name, registry::names())
                .map_or(String::new(), |b| format!(" (did you mean `{b}`?)"));
            eprintln!(
                "error: no rule is named `{}`{hint}; `ivr rules` lists them",
                args.name
            );
            exit::CANNOT_PROCEED
        }
    }
}
