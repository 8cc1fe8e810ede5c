//! The only list of rules, in the order their documentation lists them: depth and routing
//! first, then menu shape, then structure, then the intents file and suppressions.

use super::rule::Rule;
use super::rules::*;
use crate::diagnostic::Diagnostic;
use crate::text::did_you_mean;

/// Every rule.
pub static RULES: &[&Rule] = &[
    &self_service_depth::SELF_SERVICE_DEPTH,
    &agent_depth::AGENT_DEPTH,
    &complaint_standalone::COMPLAINT_STANDALONE,
    &complaint_high_level::COMPLAINT_HIGH_LEVEL,
    &popular_first::POPULAR_FIRST,
    &reentry::REENTRY,
    &menu_navigation::MENU_NAVIGATION,
    &too_many_options::TOO_MANY_OPTIONS,
    &prompt_length::PROMPT_LENGTH,
    &unknown_target::UNKNOWN_TARGET,
    &duplicate_key::DUPLICATE_KEY,
    &invalid_key::INVALID_KEY,
    &unreachable_node::UNREACHABLE_NODE,
    &dead_end::DEAD_END,
    &missing_field::MISSING_FIELD,
    &numeric_id::NUMERIC_ID,
    &prompt_key_mismatch::PROMPT_KEY_MISMATCH,
    &unannounced_option::UNANNOUNCED_OPTION,
    &confusable_options::CONFUSABLE_OPTIONS,
    &intent_coverage::INTENT_COVERAGE,
    &unused_traffic::UNUSED_TRAFFIC,
    &undefined_queue::UNDEFINED_QUEUE,
    &understaffed::UNDERSTAFFED,
    &unused_allow::UNUSED_ALLOW,
    &invalid_suppression::INVALID_SUPPRESSION,
];

/// The rule with this name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// Rule names, for "did you mean".
pub fn names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.name)
}

/// The usage error for a name that is not a rule, with the closest rule name.
pub fn unknown_rule(name: &str) -> Diagnostic {
    let hint =
        did_you_mean(name, names()).map_or(String::new(), |b| format!(" (did you mean `{b}`?)"));
    Diagnostic::usage_error(format!("no rule is named `{name}`{hint}"))
        .with_help("run `ivr rules` to list them")
}
