//! YAML text -> a small spanned tree. The only module that talks to the YAML parser.
//!
//! We parse into a generic tree (rather than straight into the model's structs) because the
//! loader wants to say more than a derived deserializer can: "did you mean", the comma that cut
//! a prompt short, a field that belongs to another node type, keys `1` and `"1"` alike. The
//! parser's budgets guard against alias bombs and deep nesting; see [`Limits`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// Input limits; each exceeded limit is an input error that names it.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences (a menu needs about 8).
    pub max_depth: usize,
    /// Most YAML nodes (scalars, mappings, sequences), aliases expanded.
    pub max_nodes: usize,
    /// Most alias (`*name`) uses.
    pub max_aliases: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 16 * 1024 * 1024,
        max_depth: 32,
        max_nodes: 1_000_000,
        max_aliases: 10_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A YAML value with where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    /// Where the value is used (for an alias: the `*name`).
    pub span: Span,
    /// Where the value is written (for an alias: the anchored value); plain scalars' raw text.
    pub defined: Span,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What the value is, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// A scalar as text: strings as they are, other plain scalars as written in the file
    /// (so `to: 404`, `to: yes` and `key: 1` read as the text the designer typed).
    pub fn as_text(&self, source: &SourceFile) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let raw = source.slice(self.defined).trim();
                Some(raw.to_string())
            }
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// Parses one YAML document. Errors are input errors with a position.
pub fn parse(source: &Arc<SourceFile>, limits: &Limits) -> Result<Node, Box<Diagnostic>> {
    let options = || {
        serde_saphyr::options! {
            with_snippet: false,
            strict_booleans: true,
            non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::PassThrough,
            // We find repeated keys ourselves, to show both places ([`check_duplicate_keys`]).
            duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
            // The parser's own caps are tied to ours, so that the one a file hits is one that
            // docs/limits.md names; the alias/anchor ratio heuristic is off because one anchor
            // used by every node is legitimate (max_nodes bounds what aliases can expand to).
            budget: serde_saphyr::budget! {
                max_depth: limits.max_depth,
                flow_nesting_limit: limits.max_depth,
                max_nodes: limits.max_nodes,
                max_events: 2 * limits.max_nodes + limits.max_aliases + 16,
                max_recorded_anchor_events: limits.max_nodes,
                max_recorded_anchor_bytes: limits.max_file_bytes,
                max_aliases: limits.max_aliases,
                max_anchors: limits.max_aliases,
                max_merge_keys: limits.max_aliases,
                enforce_alias_anchor_ratio: false,
                max_total_scalar_bytes: limits.max_file_bytes,
            },
            alias_limits: serde_saphyr::alias_limits! {
                max_total_replayed_events: 2 * limits.max_nodes,
            },
        }
    };
    // The parser recurses once per nesting level with large frames in unoptimised builds; a
    // thread with a roomy stack keeps the depth limit, not the stack, the thing that stops it.
    let text = source.text();
    let parsed = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("yaml-parse".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(scope, || {
                serde_saphyr::from_str_with_options::<Raw>(text, options())
            })
            .map(|handle| handle.join())
    });
    match parsed {
        Ok(Ok(Ok(raw))) => {
            let root = raw.into_node(source);
            check_duplicate_keys(source, &root, Within::Root)?;
            Ok(root)
        }
        Ok(Ok(Err(error))) => Err(Box::new(translate(source, &error, limits))),
        Ok(Err(_)) | Err(_) => Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                "the YAML parser failed on this file",
                "here",
            )
            .with_help("please report this file as a bug in ivr"),
        )),
    }
}

/// Where a mapping sits, to name what a repeated key is.
#[derive(Clone, Copy, PartialEq)]
enum Within {
    Root,
    Nodes,
    Intents,
    Other,
}

/// Rejects a key written twice in one mapping (YAML forbids it). The parser passes repeats
/// through so that the message can show both places and say whether two nodes share an id.
/// Keys compare as written text, as the loaders read them (`1` and `"1"` are one node id).
fn check_duplicate_keys(
    source: &Arc<SourceFile>,
    node: &Node,
    within: Within,
) -> Result<(), Box<Diagnostic>> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .try_for_each(|item| check_duplicate_keys(source, item, Within::Other)),
        Value::Map(entries) => {
            let mut seen: HashMap<String, &Node> = HashMap::with_capacity(entries.len());
            for (key, value) in entries {
                let text = key.as_text(source);
                if let Some(text) = &text {
                    if let Some(first) = seen.get(text.as_str()) {
                        return Err(Box::new(duplicate_key(source, text, first, key, within)));
                    }
                    seen.insert(text.clone(), key);
                }
                let inner = match (within, text.as_deref()) {
                    (Within::Root, Some("nodes")) => Within::Nodes,
                    (Within::Root, Some("intents")) => Within::Intents,
                    _ => Within::Other,
                };
                check_duplicate_keys(source, value, inner)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn duplicate_key(
    source: &Arc<SourceFile>,
    key: &str,
    first: &Node,
    again: &Node,
    within: Within,
) -> Diagnostic {
    let (message, label, first_label, help) = match within {
        Within::Nodes => (
            format!("two nodes have the id `{key}`"),
            "the second node with this id".to_string(),
            "the first node with this id",
            "node ids must be unique: rename one of the two nodes (and the `to:` that should reach it)"
                .to_string(),
        ),
        Within::Intents => (
            format!("the intent `{key}` is listed twice"),
            "listed again here".to_string(),
            "first listed here",
            "list each intent once, with the two weights added up".to_string(),
        ),
        Within::Root | Within::Other => (
            format!("`{key}` is written twice in the same mapping"),
            "written again here".to_string(),
            "first written here",
            format!("write `{key}` once: remove or rename one of the two"),
        ),
    };
    Diagnostic::input_error(source, key_span(source, again), message, label)
        .with_label(key_span(source, first), first_label)
        .with_help(help)
}

/// A key's span, at least one character long.
fn key_span(source: &SourceFile, key: &Node) -> Span {
    if key.span.len > 0 {
        key.span
    } else {
        span_of_word(source, key.span.start)
    }
}

/// Turns the parser's error into ours, recognising the slips designers make.
fn translate(source: &Arc<SourceFile>, error: &serde_saphyr::Error, limits: &Limits) -> Diagnostic {
    let text = error.to_string();
    let location = error.location();
    let offset = location
        .map(|l| source.offset_of(l.line() as usize, l.column() as usize))
        .unwrap_or(0);
    let span = Span::new(
        offset,
        source.text()[offset..]
            .chars()
            .next()
            .map_or(0, char::len_utf8),
    );
    // The parser's message ends with its own "at line L, column C"; we show the position our way.
    let message = text
        .find(" at line ")
        .map_or(text.as_str(), |i| &text[..i])
        .trim()
        .to_string();

    if let Some(diagnostic) = bare_key_symbol(source, offset) {
        return diagnostic;
    }
    if message.starts_with("multiple YAML documents") {
        return Diagnostic::input_error(
            source,
            span,
            "the file holds more than one YAML document",
            "a second document starts here",
        )
        .with_help("put each menu or intents file in a file of its own");
    }
    if let Some((what, name, help)) = exceeded_limit(&message, limits) {
        return Diagnostic::input_error(
            source,
            span,
            format!("the file exceeds a limit: {what} ({name})"),
            "the limit is reached here",
        )
        .with_help(format!(
            "{help}; these limits protect CI from hostile files (see docs/limits.md)"
        ));
    }
    let (label, help) = syntax_hint(source, offset, &message);
    // Indentation slips are shown at the start of the line (the parser stops at the colon).
    let line_start = source
        .offset_of(source.line_col(offset).line, 1)
        .min(offset);
    let line = &source.text()[line_start..offset];
    let span = if label.starts_with("a tab") {
        line.find('\t')
            .map_or(span, |i| Span::new(line_start + i, 1))
    } else if label.starts_with("the indentation") {
        let start = line_start + (line.len() - line.trim_start_matches(' ').len());
        let first = source.text()[start..].chars().next();
        Span::new(start, first.map_or(0, char::len_utf8))
    } else {
        span
    };
    Diagnostic::input_error(
        source,
        span,
        format!("this is not valid YAML: {message}"),
        label,
    )
    .with_help(help)
}

/// The label and help for a YAML syntax error, for the slips people make most.
fn syntax_hint(source: &SourceFile, offset: usize, message: &str) -> (&'static str, String) {
    let line = source.line_text(offset);
    let column = source.line_col(offset).column;
    let before: String = line.chars().take(column.saturating_sub(1)).collect();
    if message.starts_with("unclosed bracket") {
        return (
            "this bracket is never closed",
            "close the bracket on the same line, or quote the text if the bracket is part of it"
                .into(),
        );
    }
    if message.starts_with("unclosed quote") {
        return (
            "this quote is never closed",
            "close the quote on the same line; inside \"...\" write a quote as \\\"".into(),
        );
    }
    if message.contains("tabs") {
        return (
            "a tab",
            "indent with spaces: YAML does not allow tabs for indentation".into(),
        );
    }
    if message.contains("trailing content after") {
        return (
            "text after the closing quote",
            "put all of the text inside the quotes, or add the comma that ends the value".into(),
        );
    }
    if message.contains("unknown anchor") {
        let why = "in YAML a value that starts with `*` is an alias of an anchor (`&name`)";
        return ("`*` starts an alias here", quote_fix(why, line));
    }
    if message.starts_with("mapping values are not allowed") && before.contains(": ") {
        let why = "a colon and a space inside a value start a mapping in YAML";
        return ("this colon is inside a value", quote_fix(why, line));
    }
    if message.contains("flow") && message.contains("did not find expected") {
        return (
            "a comma or a closing bracket was expected before this",
            "separate the entries inside brackets with commas, and quote any value that contains a comma, a colon or a bracket"
                .into(),
        );
    }
    if message.starts_with("mapping values are not allowed")
        || message.contains("did not find expected")
    {
        return (
            "the indentation of this line does not fit the lines above",
            "indent this line like the other fields of its mapping, or the other items of its list"
                .into(),
        );
    }
    (
        "here",
        "check the indentation and the brackets and quotes around this spot".into(),
    )
}

/// "`why`: quote the value", with the fixed line when it is a plain `key: value` line.
fn quote_fix(why: &str, line: &str) -> String {
    let plain = line
        .split_once(": ")
        .map(|(key, value)| (key.trim().trim_start_matches("- ").trim(), value.trim()))
        .filter(|(key, _)| !key.is_empty() && !key.contains(' '));
    match plain {
        Some((key, value)) if !line.contains(['{', '[', '"', '\'', '#']) => {
            format!("{why}: quote the value, {key}: \"{value}\"")
        }
        _ => format!("{why}: quote the value"),
    }
}

/// Which documented limit a parser error is about: what was exceeded, the limit's name, and
/// what to do. The parser has more caps than [`Limits`]; [`parse`] ties each to one of ours.
fn exceeded_limit(message: &str, limits: &Limits) -> Option<(String, &'static str, &'static str)> {
    const DEPTH: &str = "a menu nests about 8 levels deep: look for brackets that are never closed or indentation that keeps growing";
    const ALIASES: &str = "write the repeated values out, or put shared settings in `defaults:`";
    const NODES: &str = "a large menu has a few thousand values: split the file, or remove aliases that expand into large copies";
    let breach = message.strip_prefix("budget breached: ");
    let kind = breach.map(|b| b.split([' ', '{']).next().unwrap_or(b));
    let aliases = |what: &str| {
        Some((
            format!("more than {} {what}", limits.max_aliases),
            "max_aliases",
            ALIASES,
        ))
    };
    match kind {
        Some("Depth") => {}
        Some("Aliases") => return aliases("alias uses (`*name`)"),
        Some("Anchors") => return aliases("anchors (`&name`)"),
        Some("MergeKeys") => return aliases("merge keys (`<<`)"),
        Some("ScalarBytes" | "RecordedAnchorBytes") => {
            return Some((
                format!("more than {} bytes of text", limits.max_file_bytes),
                "max_file_bytes",
                "split the file, or remove aliases that copy long texts",
            ));
        }
        Some(_) => {
            return Some((
                format!(
                    "more than {} YAML values once aliases are expanded",
                    limits.max_nodes
                ),
                "max_nodes",
                NODES,
            ));
        }
        None if message.contains("alias replay limit")
            || message.contains("alias expansion limit") =>
        {
            return Some((
                format!(
                    "more than {} YAML values once aliases are expanded",
                    limits.max_nodes
                ),
                "max_nodes",
                NODES,
            ));
        }
        None if message.contains("recursion limit")
            || message.contains("nesting limit")
            || message.contains("replay stack depth") => {}
        None => return None,
    }
    Some((
        format!("nesting deeper than {} levels", limits.max_depth),
        "max_depth",
        DEPTH,
    ))
}

/// A bare `*` or `#` as an option key: in YAML `*` starts an alias and `#` a comment.
fn bare_key_symbol(source: &Arc<SourceFile>, offset: usize) -> Option<Diagnostic> {
    let line = source.line_text(offset);
    for symbol in ['*', '#'] {
        let bare = format!("key: {symbol}");
        let Some(col) = line.find(&bare) else {
            continue;
        };
        let after = line[col + bare.len()..].chars().next();
        if after.is_some_and(|c| !(c.is_whitespace() || c == ',' || c == '}')) {
            continue;
        }
        let line_start = source.offset_of(source.line_col(offset).line, 1);
        let at = line_start + col + "key: ".len();
        let what = if symbol == '*' {
            "an alias"
        } else {
            "a comment"
        };
        return Some(
            Diagnostic::input_error(
                source,
                Span::new(at, 1),
                format!("a bare `{symbol}` cannot be a key: in YAML it starts {what}"),
                "quote this key",
            )
            .with_help(format!("write the key in quotes: key: \"{symbol}\"")),
        );
    }
    None
}

/// Checks for a bare `#` key that YAML read as a comment, leaving `key:` empty.
pub fn bare_hash_key(source: &Arc<SourceFile>, key_value: &Node) -> Option<Diagnostic> {
    matches!(key_value.value, Value::Null)
        .then(|| bare_key_symbol(source, key_value.span.start))
        .flatten()
}

/// The span of the word starting at `offset` (up to `:`, a space or a bracket).
fn span_of_word(source: &SourceFile, offset: usize) -> Span {
    let rest = &source.text()[offset..];
    let len = rest.find([':', '\n', ',', '}']).unwrap_or(rest.len());
    Span::new(offset, rest[..len].trim_end().len().max(1).min(rest.len()))
}

/// What the parser hands us: serde-saphyr's spanned wrapper around a generic value.
struct Raw(serde_saphyr::Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Raw>),
    Map(Vec<(Raw, Raw)>),
}

impl Raw {
    fn into_node(self, source: &SourceFile) -> Node {
        let span = convert_span(source, &self.0.referenced);
        let defined = convert_span(source, &self.0.defined);
        let value = match self.0.value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(f) => Value::Float(f),
            RawValue::Str(s) => Value::Str(s),
            RawValue::Seq(items) => {
                Value::Seq(items.into_iter().map(|i| i.into_node(source)).collect())
            }
            RawValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_node(source), v.into_node(source)))
                    .collect(),
            ),
        };
        Node {
            value,
            span,
            defined,
        }
    }
}

fn convert_span(source: &SourceFile, location: &serde_saphyr::Location) -> Span {
    let span = location.span();
    let text_len = source.text().len() as u64;
    match (span.byte_offset(), span.byte_len()) {
        (Some(start), Some(len)) if start <= text_len && start + len <= text_len => {
            Span::new(start as usize, len as usize)
        }
        _ => Span::new(
            source.offset_of(location.line() as usize, location.column() as usize),
            0,
        ),
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_saphyr::Spanned::<RawValue>::deserialize(deserializer).map(Raw)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawValue, E> {
        Ok(RawValue::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawValue::Map(entries))
    }
}
