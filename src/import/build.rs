//! What every importer needs to build the menu model: blank nodes, readable unique ids, and
//! prompts from text, SSML or audio.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::{Node as YamlNode, Value};

use crate::menu::duration::seconds;
use crate::menu::model::Speech;
use crate::menu::{Node, NodeKind};
use crate::source::{Span, Spanned};

/// Seconds an audio-only prompt is taken to last (a prompt id or a sound file, which `ivr`
/// cannot hear).
pub const AUDIO_SECONDS: f64 = 3.0;

/// Where a node came from in the platform's file.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// `Connect action 3f2a…`, `extensions.conf:41`: what `ivr import` writes as a comment.
    pub what: String,
    /// The element's span in the platform's file.
    pub span: Span,
}

/// A node of this type with no fields yet.
pub fn blank(id: Spanned<String>, kind: NodeKind, span: Span) -> Node {
    Node::blank(id, kind, span)
}

/// Hands out readable node ids (`snake_case`, unique within one import).
#[derive(Default)]
pub struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// A unique id from a platform's name for an element: lower-case letters, digits and `_`,
    /// at most 40 characters; a UUID becomes `prefix_` and its first eight characters.
    pub fn make(&mut self, name: &str, prefix: &str) -> String {
        let looks_generated = name.len() >= 32
            && name.chars().filter(|c| *c == '-').count() >= 4
            && name.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let base = if looks_generated {
            format!("{prefix}_{}", &name[..8].to_ascii_lowercase())
        } else {
            let mut s = String::new();
            for c in name.chars() {
                if c.is_ascii_alphanumeric() {
                    s.push(c.to_ascii_lowercase());
                } else if !s.ends_with('_') {
                    s.push('_');
                }
            }
            let s = s.trim_matches('_').chars().take(40).collect::<String>();
            if s.is_empty() { prefix.to_string() } else { s }
        };
        let mut id = base.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }
}

/// A prompt as `say` and `duration`: text as it is, SSML with its tags dropped and its
/// `<break time>` pauses added to the estimate; `None` for an empty prompt.
pub fn spoken(text: &str, ssml: bool) -> Option<(String, Option<f64>)> {
    if !ssml {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        return (!text.is_empty()).then_some((text, None));
    }
    let mut plain = String::new();
    let mut pauses = 0.0;
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        plain.push_str(&rest[..open]);
        plain.push(' ');
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open..open + close + 1];
        if tag.starts_with("<break") {
            pauses += break_seconds(tag);
        }
        rest = &rest[open + close + 1..];
    }
    plain.push_str(rest);
    let plain = plain
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'");
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.is_empty() && pauses == 0.0 {
        return None;
    }
    let duration = (pauses > 0.0).then(|| seconds(Some(&plain), None, &Speech::default()) + pauses);
    Some((plain, duration))
}

/// The pause of a `<break time="500ms"/>` or `time="2s"` tag, in seconds (0 when unreadable).
fn break_seconds(tag: &str) -> f64 {
    let Some(at) = tag.find("time=") else {
        return 0.0;
    };
    let value: String = tag[at + 5..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = value.strip_suffix('s') {
        (s, 1.0)
    } else {
        (value.as_str(), 0.001)
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map_or(0.0, |v| (v * scale).min(60.0))
}

/// The last part of a prompt id, an ARN or a sound file path: what an audio prompt is called.
pub fn audio_name(reference: &str) -> String {
    let name = reference.rsplit(['/', ':']).next().unwrap_or(reference);
    if name.is_empty() {
        reference.to_string()
    } else {
        name.to_string()
    }
}

/// Typed look-ups in a platform file's spanned tree.
pub struct Reader<'a> {
    pub source: &'a Arc<SourceFile>,
    /// What the file should be, for errors: `an Amazon Connect flow export`.
    pub platform: &'static str,
}

impl<'a> Reader<'a> {
    pub fn get(&self, map: &'a YamlNode, key: &str) -> Option<&'a YamlNode> {
        map.as_map()?
            .iter()
            .find(|(k, _)| k.as_text(self.source).as_deref() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn text(&self, node: Option<&'a YamlNode>) -> Option<String> {
        node?.as_text(self.source)
    }

    pub fn spanned(&self, node: Option<&'a YamlNode>) -> Option<Spanned<String>> {
        let node = node?;
        Some(Spanned::new(node.as_text(self.source)?, node.span))
    }

    pub fn seq(&self, node: Option<&'a YamlNode>) -> &'a [YamlNode] {
        match node.map(|n| &n.value) {
            Some(Value::Seq(items)) => items,
            _ => &[],
        }
    }

    pub fn error(&self, span: Span, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::input_error(self.source, span, message, "here").with_help(format!(
                "this does not read as {}; export the flow again",
                self.platform
            )),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssml_loses_its_tags_and_keeps_its_pauses() {
        let (say, duration) = spoken(
            "<speak>Hello <break time=\"2s\"/> world &amp; co</speak>",
            true,
        )
        .unwrap();
        assert_eq!(say, "Hello world & co");
        let words = seconds(Some("Hello world & co"), None, &Speech::default());
        assert!((duration.unwrap() - words - 2.0).abs() < 1e-9);
    }

    #[test]
    fn ids_are_readable_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(
            ids.make("b1f189b3-b138-4cc1-9698-3a4226df878b", "menu"),
            "menu_b1f189b3"
        );
        assert_eq!(ids.make("Main Menu", "x"), "main_menu");
        assert_eq!(ids.make("Main-Menu", "x"), "main_menu_2");
        assert_eq!(ids.make("!!!", "step"), "step");
    }
}
