//! Which rules run, at what severity, with which option values.
//!
//! The linter does not read configuration files: `config` turns `.ivr.yaml`'s `rules:` into
//! these settings, and [`Settings::default`] is every rule at its default.

use std::collections::HashMap;

use crate::diagnostic::Severity;

use super::rule::Rule;

/// What the settings say about one rule.
#[derive(Clone, Debug, Default)]
struct RuleEntry {
    /// `Some(None)` is `off`; `None` keeps the default severity.
    severity: Option<Option<Severity>>,
    values: HashMap<&'static str, f64>,
}

/// Per-rule severities and option values; rules not mentioned keep their defaults.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    rules: HashMap<&'static str, RuleEntry>,
}

/// Resolved option values of the rule being run.
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    pub values: HashMap<&'static str, f64>,
}

impl Settings {
    /// The severity (`None`: off) and option values of a rule.
    pub fn rule(&self, rule: &Rule) -> (Option<Severity>, RuleSettings) {
        let entry = self.rules.get(rule.name);
        let severity = entry
            .and_then(|e| e.severity)
            .unwrap_or(Some(rule.severity));
        let mut values: HashMap<&'static str, f64> =
            rule.options.iter().map(|o| (o.name, o.default)).collect();
        if let Some(entry) = entry {
            values.extend(entry.values.iter().map(|(k, v)| (*k, *v)));
        }
        (severity, RuleSettings { values })
    }

    /// Sets a rule's severity (`None`: off).
    pub fn set_severity(&mut self, rule: &'static Rule, severity: Option<Severity>) {
        self.rules.entry(rule.name).or_default().severity = Some(severity);
    }

    /// Sets one of a rule's options (the caller has checked that the rule has it).
    pub fn set_option(&mut self, rule: &'static Rule, option: &'static str, value: f64) {
        self.rules
            .entry(rule.name)
            .or_default()
            .values
            .insert(option, value);
    }
}
