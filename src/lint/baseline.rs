//! Baselines: the findings a team has accepted for now, so that CI fails only on new ones.
//!
//! A finding is remembered by a fingerprint that survives edits elsewhere in the file: its
//! rule, its file (from the repository root), its node and its message template — the message
//! with the numbers outside backticks replaced by `N`, so "4 inputs deep" and "5 inputs deep"
//! are the same finding while "option `1`" and "option `2`" are not. Line numbers are never
//! part of it. The same fingerprint can be accepted several times (`count`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, INPUT_ERROR, USAGE_ERROR};

/// The key that marks a JSON file as a baseline `ivr` wrote (and may overwrite).
pub const MARK: &str = "ivr-baseline";
/// The version of the baseline format written today.
pub const VERSION: u32 = 1;

/// What identifies a finding across edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub rule: String,
    /// The file's path from the repository root, with forward slashes.
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub message: String,
}

impl Fingerprint {
    /// The fingerprint of a lint finding; `None` for input and usage errors, which a baseline
    /// never hides (a file that no longer loads is always news).
    pub fn of(diagnostic: &Diagnostic, repository_path: &str) -> Option<Fingerprint> {
        if diagnostic.code == INPUT_ERROR || diagnostic.code == USAGE_ERROR {
            return None;
        }
        Some(Fingerprint {
            rule: diagnostic.code.clone(),
            file: repository_path.to_string(),
            node: diagnostic.node.clone(),
            message: template(&diagnostic.message),
        })
    }
}

/// The message with each number outside backticks written `N`.
pub fn template(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut in_number = false;
    for c in message.chars() {
        if c == '`' {
            quoted = !quoted;
        }
        let digit = !quoted && (c.is_ascii_digit() || (in_number && c == '.'));
        if digit {
            if !in_number {
                out.push('N');
            }
            in_number = true;
            continue;
        }
        in_number = false;
        out.push(c);
    }
    out
}

/// One accepted finding and how many times it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    fingerprint: Fingerprint,
    count: usize,
}

/// The file as written: a marker with the version, then the entries in a stable order.
#[derive(Serialize, Deserialize)]
struct BaselineFile {
    #[serde(rename = "ivr-baseline")]
    version: u32,
    findings: Vec<Entry>,
}

/// The accepted findings, as counts per fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    accepted: BTreeMap<Fingerprint, usize>,
}

/// Why a file cannot be used as a baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotABaseline {
    /// Not JSON, or JSON without the `ivr-baseline` marker: not a file `ivr` wrote.
    Foreign(String),
    /// Ours, but of a version this `ivr` does not know.
    Version(u32),
}

impl Baseline {
    /// The baseline of these findings (each with its repository path).
    pub fn of<'a>(findings: impl IntoIterator<Item = (&'a Diagnostic, String)>) -> Baseline {
        let mut accepted = BTreeMap::new();
        for (diagnostic, path) in findings {
            if let Some(fingerprint) = Fingerprint::of(diagnostic, &path) {
                *accepted.entry(fingerprint).or_insert(0) += 1;
            }
        }
        Baseline { accepted }
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, NotABaseline> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| NotABaseline::Foreign(format!("not JSON: {e}")))?;
        let Some(version) = value.get(MARK) else {
            return Err(NotABaseline::Foreign(format!(
                "no `{MARK}` key: not a baseline `ivr` wrote"
            )));
        };
        if version.as_u64() != Some(u64::from(VERSION)) {
            return Err(NotABaseline::Version(
                version
                    .as_u64()
                    .map_or(0, |v| v.min(u64::from(u32::MAX)) as u32),
            ));
        }
        let file: BaselineFile = serde_json::from_value(value)
            .map_err(|e| NotABaseline::Foreign(format!("not a baseline: {e}")))?;
        let mut accepted = BTreeMap::new();
        for entry in file.findings {
            *accepted.entry(entry.fingerprint).or_insert(0) += entry.count;
        }
        Ok(Baseline { accepted })
    }

    /// The file's text: pretty JSON, entries sorted, so a diff of two baselines reads well.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: VERSION,
            findings: self
                .accepted
                .iter()
                .map(|(fingerprint, &count)| Entry {
                    fingerprint: fingerprint.clone(),
                    count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// How many findings it accepts.
    pub fn len(&self) -> usize {
        self.accepted.values().sum()
    }

    /// How many findings either baseline accepts (the larger count of each fingerprint).
    pub fn union_len(&self, other: &Baseline) -> usize {
        let mut all = self.accepted.clone();
        for (fingerprint, &count) in &other.accepted {
            let entry = all.entry(fingerprint.clone()).or_insert(0);
            *entry = (*entry).max(count);
        }
        all.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Splits findings into the new ones (returned, in order) and the accepted ones (counted):
    /// each accepted fingerprint hides as many findings as its count.
    pub fn filter(
        &self,
        diagnostics: Vec<Diagnostic>,
        repository_path: impl Fn(&str) -> String,
    ) -> (Vec<Diagnostic>, usize) {
        let mut left = self.accepted.clone();
        let mut hidden = 0;
        let mut shown = Vec::with_capacity(diagnostics.len());
        for diagnostic in diagnostics {
            let fingerprint = Fingerprint::of(&diagnostic, &repository_path(&diagnostic.path));
            match fingerprint.and_then(|f| left.get_mut(&f)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    hidden += 1;
                }
                _ => shown.push(diagnostic),
            }
        }
        (shown, hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_backticks_are_a_template() {
        assert_eq!(
            template("option `2` of `main` is 4 inputs deep (ideal 3.5)"),
            "option `2` of `main` is N inputs deep (ideal N)"
        );
    }

    #[test]
    fn a_file_without_the_mark_is_not_ours() {
        assert!(matches!(
            Baseline::parse("{\"findings\": []}"),
            Err(NotABaseline::Foreign(_))
        ));
        assert!(matches!(
            Baseline::parse("menu: x"),
            Err(NotABaseline::Foreign(_))
        ));
        assert_eq!(
            Baseline::parse("{\"ivr-baseline\": 9, \"findings\": []}"),
            Err(NotABaseline::Version(9))
        );
    }

    #[test]
    fn text_round_trips() {
        let text = "{\n  \"ivr-baseline\": 1,\n  \"findings\": [\n    {\n      \"rule\": \"reentry\",\n      \"file\": \"menus/a.yaml\",\n      \"node\": \"main\",\n      \"message\": \"m\",\n      \"count\": 2\n    }\n  ]\n}\n";
        let baseline = Baseline::parse(text).expect("a baseline");
        assert_eq!(baseline.len(), 2);
        assert_eq!(baseline.to_json(), text);
    }
}
