//! YAML text -> a small spanned tree. The only module that talks to the YAML parser.
//!
//! We parse into a generic tree (rather than straight into the model's structs) because the
//! loader wants to say more than a derived deserializer can: "did you mean", the comma that cut
//! a prompt short, a field that belongs to another node type, keys `1` and `"1"` alike. The
//! parser's budgets guard against alias bombs and deep nesting; see [`Limits`].

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
            budget: serde_saphyr::budget! {
                max_depth: limits.max_depth,
                max_nodes: limits.max_nodes,
                max_aliases: limits.max_aliases,
                max_total_scalar_bytes: limits.max_file_bytes,
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
        Ok(Ok(Ok(raw))) => Ok(raw.into_node(source)),
        Ok(Ok(Err(error))) => Err(Box::new(translate(source, &error, limits))),
        Ok(Err(_)) | Err(_) => Err(Box::new(Diagnostic::input_error(
            source,
            Span::new(0, 0),
            "the YAML parser failed on this file",
            "here",
        ))),
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
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
        return Diagnostic::input_error(
            source,
            span_of_word(source, offset),
            format!("`{key}` is written twice in the same mapping"),
            "written again here",
        )
        .with_help(
            "give every node its own id and write each field once; rename or remove one of the two",
        );
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
    if message.contains("budget breached") {
        let (what, raise) = if message.contains("Depth") {
            (
                format!("nesting deeper than {} levels", limits.max_depth),
                "max_depth",
            )
        } else if message.contains("Aliases") {
            (
                format!("more than {} alias uses", limits.max_aliases),
                "max_aliases",
            )
        } else if message.contains("ScalarBytes") {
            (
                format!("more than {} bytes of text", limits.max_file_bytes),
                "max_file_bytes",
            )
        } else {
            (
                format!(
                    "more than {} YAML values once aliases are expanded",
                    limits.max_nodes
                ),
                "max_nodes",
            )
        };
        return Diagnostic::input_error(
            source,
            span,
            format!("the file exceeds a limit: {what}"),
            "the limit is reached here",
        )
        .with_help(format!(
            "menus need far less; this limit ({raise}) protects CI from hostile files — split the file or remove the repeated aliases"
        ));
    }
    if message.contains("recursion limit") || message.contains("alias replay") {
        return Diagnostic::input_error(
            source,
            span,
            format!("the file exceeds a limit: {message}"),
            "the limit is reached here",
        )
        .with_help("menus need far less nesting and far fewer aliases; simplify the file");
    }
    Diagnostic::input_error(
        source,
        span,
        format!("this is not valid YAML: {message}"),
        "here",
    )
    .with_help("check the indentation and the brackets and quotes around this spot")
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
    let len = rest
        .find(|c: char| c == ':' || c == '\n' || c == ',' || c == '}')
        .unwrap_or(rest.len());
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
