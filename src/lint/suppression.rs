//! Suppressions: `lint: { allow: [...] }` on a node, and `# ivr: allow(rule, ...) reason`
//! comments at the end of a node's or option's line or on the line above it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Edit, Fix};
use crate::menu::Menu;
use crate::source::{SourceFile, Span};
use crate::text::did_you_mean;

use super::registry;
use super::rule::Finding;

/// One rule named in one suppression.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub rule: String,
    /// The rule name as written.
    pub span: Span,
    /// Where it applies: a node (for `lint: allow`) or a line (for a comment).
    pub scope: Scope,
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A node and its options.
    Node(String),
    /// Findings on this 1-based line of this file, and the node whose id is on it.
    Line { in_intents: bool, line: usize },
}

/// All suppressions of a menu (and of its intents file).
pub fn collect(menu: &Menu, intents: Option<&Arc<SourceFile>>) -> Vec<Suppression> {
    let mut allows = Vec::new();
    for node in &menu.nodes {
        for rule in node.allow.iter().flat_map(|a| a.rules.iter()) {
            allows.push(Suppression {
                rule: rule.value.clone(),
                span: rule.span,
                scope: Scope::Node(node.id.value.clone()),
                used: false,
            });
        }
    }
    comments(&menu.source, false, &mut allows);
    if let Some(source) = intents {
        comments(source, true, &mut allows);
    }
    allows
}

/// `# ivr: allow(a, b) reason` comments.
fn comments(source: &SourceFile, in_intents: bool, out: &mut Vec<Suppression>) {
    const MARK: &str = "ivr: allow(";
    let text = source.text();
    // Lines as the file's one index numbers them (a lone `\r` ends one too).
    for line_no in 1..=source.line_count() {
        let range = source.line_range(line_no);
        let (line_start, line) = (range.start, &text[range]);
        if let Some(hash) = line.find('#') {
            let comment = &line[hash + 1..];
            if let Some(at) = comment
                .find(MARK)
                .filter(|&at| comment[..at].trim().is_empty())
                && let Some(close) = comment[at + MARK.len()..].find(')')
            {
                let inner_start = line_start + hash + 1 + at + MARK.len();
                let inner = &comment[at + MARK.len()..at + MARK.len() + close];
                // A comment alone on its line applies to the next line.
                let target = if line[..hash].trim().is_empty() {
                    line_no + 1
                } else {
                    line_no
                };
                let mut offset = 0;
                for name in inner.split(',') {
                    let lead = name.len() - name.trim_start().len();
                    let trimmed = name.trim();
                    if !trimmed.is_empty() {
                        out.push(Suppression {
                            rule: trimmed.to_string(),
                            span: Span::new(inner_start + offset + lead, trimmed.len()),
                            scope: Scope::Line {
                                in_intents,
                                line: target,
                            },
                            used: false,
                        });
                    }
                    offset += name.len() + 1;
                }
            }
        }
    }
}

/// The allows of a menu indexed by rule and by where they apply, so that each finding finds its
/// allows at once: searching every allow for every finding made a menu with thousands of both
/// (a hostile one, say) cost their product.
pub struct AllowIndex {
    by_place: HashMap<(String, Scope), Vec<usize>>,
}

impl AllowIndex {
    pub fn new(allows: &[Suppression]) -> AllowIndex {
        let mut by_place: HashMap<(String, Scope), Vec<usize>> = HashMap::new();
        for (i, allow) in allows.iter().enumerate() {
            by_place
                .entry((allow.rule.clone(), allow.scope.clone()))
                .or_default()
                .push(i);
        }
        AllowIndex { by_place }
    }

    /// Whether the allows silence a finding of `rule` on `finding_line` of its file; marks every
    /// allow that does as used. An allow silences the findings about its node (`lint: allow`),
    /// the findings on its line, and, in the menu, the findings about the node whose id is on its
    /// line (with its options).
    pub fn silence(
        &self,
        allows: &mut [Suppression],
        rule: &str,
        finding: &Finding,
        menu: &Menu,
        finding_line: usize,
    ) -> bool {
        let in_intents = finding.file == super::rule::InFile::Intents;
        let node = finding.node.as_deref();
        let node_line = node
            .and_then(|n| menu.lookup(n))
            .map(|id| menu.source.line_of(menu.node(id).id.span.start));
        let mut places = vec![Scope::Line {
            in_intents,
            line: finding_line,
        }];
        if let Some(node) = node {
            places.push(Scope::Node(node.to_string()));
        }
        if let Some(line) = node_line.filter(|&l| in_intents || l != finding_line) {
            places.push(Scope::Line {
                in_intents: false,
                line,
            });
        }
        let mut silenced = false;
        for place in places {
            if let Some(found) = self.by_place.get(&(rule.to_string(), place)) {
                for &i in found {
                    allows[i].used = true;
                }
                silenced = true;
            }
        }
        silenced
    }
}

/// The unused-allow finding for an allow that silenced nothing.
pub fn unused(allow: &Suppression) -> Finding {
    let in_intents = matches!(
        allow.scope,
        Scope::Line {
            in_intents: true,
            ..
        }
    );
    let node = match &allow.scope {
        Scope::Node(id) => Some(id.clone()),
        Scope::Line { .. } => None,
    };
    let mut finding = Finding::new(
        allow.span,
        format!("this allow of `{}` silences nothing", allow.rule),
        "nothing to silence here",
    )
    .help("remove the suppression: the finding it was written for is gone");
    finding.node = node;
    if in_intents {
        finding = finding.in_intents();
    }
    finding
}

/// The safe fix that removes an allow that silences nothing: the rule's name from a list of
/// several, or the whole `# ivr: allow(...)` comment (its line, when the comment is alone on
/// it). `None` for the only rule of a `lint: allow` list, whose removal would leave an empty
/// list to tidy by hand.
pub fn removal(source: &SourceFile, allow: &Suppression) -> Option<Fix> {
    let text = source.text();
    let (start, end) = (allow.span.start, allow.span.end());
    let before = text.get(..start)?;
    let after = text.get(end..)?;
    let left = before.trim_end_matches([' ', '\t']);
    let right = after.trim_start_matches([' ', '\t']);
    let title = format!("remove the allow of `{}`", allow.rule);
    let edit = if let Some(rest) = right.strip_prefix(',') {
        // `a, b` -> `b`: the name, its comma and the spaces up to the next name.
        let comma = end + (after.len() - right.len());
        let next = comma + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        Edit::delete(Span::new(start, next - start))
    } else if left.ends_with(',') {
        // `a, b` -> `a`: the comma before the name and the name.
        let comma = left.len() - 1;
        Edit::delete(Span::new(comma, end - comma))
    } else if matches!(allow.scope, Scope::Line { .. }) && left.ends_with("ivr: allow(") {
        // The only rule of a comment: the comment goes, with its line when it is alone on it.
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = after.find('\n').map_or(text.len(), |i| end + i);
        // A `\r\n` line keeps its `\r` when only the comment goes.
        let line_end = if text[..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        };
        let hash = left.rfind('#')?;
        let code = text[line_start..hash].trim_end_matches([' ', '\t']);
        if code.trim().is_empty() {
            let through = text[line_end..]
                .find('\n')
                .map_or(text.len(), |i| line_end + i + 1);
            Edit::delete(Span::new(line_start, through - line_start))
        } else {
            let from = line_start + code.len();
            Edit::delete(Span::new(from, line_end - from))
        }
    } else {
        return None;
    };
    Some(Fix::safe(title, vec![edit]))
}

/// A suppression `ivr` cannot obey: a comment meant as one but not written as one, or a rule
/// name that is no rule. Reported by `invalid-suppression`, never silently ignored.
#[derive(Clone, Debug)]
pub struct Invalid {
    pub span: Span,
    pub message: String,
    pub label: &'static str,
    pub help: String,
    pub in_intents: bool,
    /// The node of a `lint: allow` entry.
    pub node: Option<String>,
}

/// Every invalid suppression of a menu and its intents file.
pub fn invalid(menu: &Menu, intents: Option<&Arc<SourceFile>>) -> Vec<Invalid> {
    let mut found: Vec<Invalid> = collect(menu, intents)
        .into_iter()
        .filter(|allow| registry::rule(&allow.rule).is_none())
        .map(|allow| {
            let help = match did_you_mean(&allow.rule, registry::names()) {
                Some(better) => format!("did you mean `{better}`?"),
                None => "run `ivr rules` for the rule names".to_string(),
            };
            Invalid {
                span: allow.span,
                message: format!(
                    "`{}` is not a rule, so this suppression silences nothing",
                    allow.rule
                ),
                label: "unknown rule",
                help,
                in_intents: matches!(
                    allow.scope,
                    Scope::Line {
                        in_intents: true,
                        ..
                    }
                ),
                node: match &allow.scope {
                    Scope::Node(id) => Some(id.clone()),
                    Scope::Line { .. } => None,
                },
            }
        })
        .collect();
    malformed(&menu.source, false, &mut found);
    if let Some(source) = intents {
        malformed(source, true, &mut found);
    }
    found
}

/// Comments meant for `ivr` (`# ivr:allow(...)`, `# ivr: alow(...)`, `# ivr allow(...)`, a
/// missing `)`) that the suppression reader does not accept.
fn malformed(source: &SourceFile, in_intents: bool, out: &mut Vec<Invalid>) {
    const WRITTEN: &str = "ivr: allow(";
    for line_no in 1..=source.line_count() {
        let range = source.line_range(line_no);
        let (here, line) = (range.start, &source.text()[range]);
        let Some(hash) = line.find('#') else {
            continue;
        };
        let comment = &line[hash + 1..];
        let text = comment.trim_start().trim_end_matches('\r').trim_end();
        let start = here + hash + 1 + (comment.len() - comment.trim_start().len());
        let Some(rest) = text
            .get(..3)
            .filter(|head| head.eq_ignore_ascii_case("ivr"))
            .map(|_| &text[3..])
        else {
            continue;
        };
        // `# ivrs are ...` is prose, not a suppression.
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let after_ivr = rest.trim_start_matches([':', ' ', '\t']);
        let word_len = after_ivr
            .find(|c: char| !(c.is_alphabetic() || c == '-' || c == '_'))
            .unwrap_or(after_ivr.len());
        let word = &after_ivr[..word_len];
        let after_word = after_ivr[word_len..].trim_start();
        let allow_like =
            word.eq_ignore_ascii_case("allow") || did_you_mean(word, ["allow"]).is_some();
        let opens = after_word.starts_with('(');
        if !(opens || allow_like) {
            continue;
        }
        let closes = after_word.find(')');
        if text.starts_with(WRITTEN) && closes.is_some() {
            continue;
        }
        let inner = match (opens, closes) {
            (true, Some(close)) => after_word[1..close].trim(),
            (true, None) => after_word[1..].trim(),
            (false, _) => "RULE",
        };
        let end = match (opens, closes) {
            (true, Some(close)) => text.len() - after_word.len() + close + 1,
            _ => text.len(),
        };
        let fixed = format!("# ivr: allow({inner})");
        let (message, hint) = if word.is_empty() {
            ("this suppression does not say `allow`", "")
        } else if !word.eq_ignore_ascii_case("allow") {
            match did_you_mean(word, ["allow"]) {
                Some(_) => ("this suppression is misspelt", "did you mean `allow`? "),
                None => ("`ivr` knows only `allow(...)` suppressions", ""),
            }
        } else if !opens {
            (
                "this suppression names no rules: they go in parentheses",
                "",
            )
        } else if closes.is_none() {
            ("this suppression has no closing `)`", "")
        } else {
            ("this suppression is not written as `# ivr: allow(...)`", "")
        };
        out.push(Invalid {
            span: Span::new(start, end),
            message: format!("{message}, so it silences nothing"),
            label: "not read as a suppression",
            help: format!("{hint}write `{fixed}`"),
            in_intents,
            node: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, rule: &str) -> String {
        let source = SourceFile::new("menu.yaml", text.to_string());
        let mut allows = Vec::new();
        comments(&source, false, &mut allows);
        let allow = allows.iter().find(|a| a.rule == rule).expect("the allow");
        let fix = removal(&source, allow).expect("a fix");
        fix.apply(text).expect("edits that fit")
    }

    #[test]
    fn a_comment_goes_with_its_line_and_a_crlf_line_keeps_its_ending() {
        assert_eq!(
            removed("a: 1\n# ivr: allow(reentry)\nb: 2\n", "reentry"),
            "a: 1\nb: 2\n"
        );
        assert_eq!(
            removed("a: 1   # ivr: allow(reentry) why\r\nb: 2\r\n", "reentry"),
            "a: 1\r\nb: 2\r\n"
        );
        assert_eq!(
            removed("a: 1  # ivr: allow(reentry, dead-end)\n", "dead-end"),
            "a: 1  # ivr: allow(reentry)\n"
        );
        assert_eq!(
            removed("a: 1  # ivr: allow(reentry,  dead-end)\n", "reentry"),
            "a: 1  # ivr: allow(dead-end)\n"
        );
    }
}
