//! Keys written twice in one mapping. YAML forbids them; the parser passes them through so that
//! the message can show both places, and the loaders can say what the key names ("two nodes
//! have the id ..."), knowing where the mapping sits.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

use super::tree::{Node, Value};

/// A key written twice in one mapping.
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    pub source: Arc<SourceFile>,
    /// The key as written text (`1` and `"1"` are one key).
    pub key: String,
    /// The first key, at least one character long.
    pub first: Span,
    /// The repeated key, at least one character long.
    pub again: Span,
    /// Where the mapping sits: the steps from the root down to it.
    pub path: Vec<PathStep>,
}

/// One step down the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// The value of this key.
    Key(String),
    /// The value of a key that is not a scalar (a list, a mapping or nothing).
    UnnamedKey,
    /// This item of a list (from 0).
    Item(usize),
}

impl DuplicateKey {
    /// Whether the mapping is the value of the root mapping's key `name`.
    pub fn is_in_root_key(&self, name: &str) -> bool {
        matches!(self.path.as_slice(), [PathStep::Key(key)] if key == name)
    }

    /// The error in plain YAML terms, for mappings no loader names.
    pub fn diagnostic(&self) -> Diagnostic {
        let key = &self.key;
        self.phrased(
            format!("`{key}` is written twice in the same mapping"),
            "written again here",
            "first written here",
            format!("write `{key}` once: remove or rename one of the two"),
        )
    }

    /// The error in the caller's words: labels on the repeat, then on the first.
    pub fn phrased(
        &self,
        message: impl Into<String>,
        again_label: impl Into<String>,
        first_label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::input_error(&self.source, self.again, message, again_label)
            .with_label(self.first, first_label)
            .with_help(help)
    }
}

/// The first key written twice in one mapping, in file order. Keys compare as written text, as
/// the loaders read them (`1` and `"1"` are one node id).
pub fn find_duplicate_key(source: &Arc<SourceFile>, root: &Node) -> Option<DuplicateKey> {
    let mut path = Vec::new();
    find(source, root, &mut path)
}

/// A [`PathStep`] borrowing its key, so that the search copies no text until it finds a repeat.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    UnnamedKey,
    Item(usize),
}

impl Step<'_> {
    fn owned(self) -> PathStep {
        match self {
            Step::Key(key) => PathStep::Key(key.to_string()),
            Step::UnnamedKey => PathStep::UnnamedKey,
            Step::Item(i) => PathStep::Item(i),
        }
    }
}

/// Mappings up to this many entries are searched for a repeat by comparing every pair, which is
/// cheaper than hashing for the few keys a menu's mappings have.
const PAIRWISE_UP_TO: usize = 16;

fn find<'a>(
    source: &'a Arc<SourceFile>,
    node: &'a Node,
    path: &mut Vec<Step<'a>>,
) -> Option<DuplicateKey> {
    match &node.value {
        Value::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(Step::Item(i));
            let found = find(source, item, path);
            path.pop();
            found
        }),
        Value::Map(entries) => {
            let mut seen: HashMap<&str, &Node> = if entries.len() > PAIRWISE_UP_TO {
                HashMap::with_capacity(entries.len())
            } else {
                HashMap::new()
            };
            for (i, (key, value)) in entries.iter().enumerate() {
                let text = key.text(source);
                if let Some(text) = text {
                    let first = if entries.len() > PAIRWISE_UP_TO {
                        seen.insert(text, key)
                    } else {
                        entries[..i]
                            .iter()
                            .map(|(first, _)| first)
                            .find(|first| first.text(source) == Some(text))
                    };
                    if let Some(first) = first {
                        return Some(DuplicateKey {
                            source: source.clone(),
                            key: text.to_string(),
                            first: key_span(source, first),
                            again: key_span(source, key),
                            path: path.iter().map(|step| step.owned()).collect(),
                        });
                    }
                }
                path.push(text.map_or(Step::UnnamedKey, Step::Key));
                let found = find(source, value, path);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

/// A key's span, at least one character long.
fn key_span(source: &SourceFile, key: &Node) -> Span {
    if key.span.len > 0 {
        key.span
    } else {
        span_of_word(source, key.span.start)
    }
}

/// The span of the word starting at `offset` (up to `:`, a space or a bracket).
fn span_of_word(source: &SourceFile, offset: usize) -> Span {
    let rest = &source.text()[offset..];
    let len = rest.find([':', '\n', ',', '}']).unwrap_or(rest.len());
    Span::new(offset, rest[..len].trim_end().len().max(1).min(rest.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, YamlError, parse};

    fn duplicate(text: &str) -> DuplicateKey {
        let source = SourceFile::new("test.yaml", text.to_string());
        match parse(&source, &Limits::DEFAULT) {
            Err(YamlError::DuplicateKey(duplicate)) => *duplicate,
            other => panic!("no duplicate key in {text:?}: {other:?}"),
        }
    }

    #[test]
    fn the_path_says_where_the_mapping_sits() {
        let found = duplicate("nodes:\n  main: {}\n  1: {}\n  \"1\": {}\n");
        assert_eq!(found.key, "1");
        assert_eq!(found.path, [PathStep::Key("nodes".into())]);
        assert!(found.is_in_root_key("nodes"));
        assert_eq!(found.source.slice(found.first), "1");
        assert_eq!(found.source.slice(found.again), "\"1\"");

        let found = duplicate("a:\n  - x: 1\n  - {y: 1, y: 2}\n");
        assert_eq!(
            found.path,
            [PathStep::Key("a".into()), PathStep::Item(1)],
            "{found:?}"
        );
        assert!(!found.is_in_root_key("a"));

        let found = duplicate("nodes:\n  main:\n    say: a\n    say: b\n");
        assert!(!found.is_in_root_key("nodes"));
        let found = duplicate("a: 1\na: 2\n");
        assert!(found.path.is_empty());
    }

    #[test]
    fn the_first_repeat_in_file_order_is_reported() {
        let found = duplicate("a:\n  b: 1\n  b: 2\nc: 1\nc: 2\n");
        assert_eq!(found.key, "b");
    }

    #[test]
    fn the_plain_wording_names_no_menu_concept() {
        let error = duplicate("nodes: {}\nnodes: {}\n").diagnostic();
        assert_eq!(
            error.message,
            "`nodes` is written twice in the same mapping"
        );
        assert_eq!(error.labels[0].text, "written again here");
        assert_eq!(error.labels[1].text, "first written here");
    }
}
