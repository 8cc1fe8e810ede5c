//! YAML text -> a small spanned tree. The only module that talks to the YAML parser.
//!
//! We parse into a generic tree (rather than straight into the model's structs) because the
//! loader wants to say more than a derived deserializer can: "did you mean", the comma that cut
//! a prompt short, a field that belongs to another node type, keys `1` and `"1"` alike. The tree
//! is built from the parser's event stream with an explicit stack (no recursion, so deep nesting
//! cannot overflow the stack), and [`Limits`] are enforced as it grows, so that alias bombs and
//! deep nesting stop where the limit is reached.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::Arc;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, Tag};

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
    // A parser bug must not take down a lint run over many files: it is this file's error.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Builder::new(source, limits).run()
    }));
    let root = match built {
        Ok(Ok(root)) => root,
        Ok(Err(stop)) => return Err(Box::new(stop.into_diagnostic(source, limits))),
        Err(_) => {
            return Err(Box::new(
                Diagnostic::input_error(
                    source,
                    Span::new(0, 0),
                    "the YAML parser failed on this file",
                    "here",
                )
                .with_help("please report this file as a bug in ivr"),
            ));
        }
    };
    check_duplicate_keys(source, &root, Within::Root)?;
    Ok(root)
}

/// Why building the tree stopped.
enum Stop {
    /// The parser's syntax error.
    Syntax(ScanError),
    /// A limit was exceeded at this byte offset.
    Limit(Limit, usize),
    /// A second document starts at this byte offset.
    SecondDocument(usize),
    /// An alias used inside the value it refers to (the alias token).
    RecursiveAlias(Span),
    /// Valid syntax the tree cannot hold (a merge of a scalar), at this byte offset.
    Invalid(usize, &'static str),
}

impl Stop {
    fn into_diagnostic(self, source: &Arc<SourceFile>, limits: &Limits) -> Diagnostic {
        let offset = match &self {
            Stop::Syntax(error) => {
                let mark = error.marker();
                source.offset_of(mark.line(), mark.col() + 1)
            }
            Stop::Limit(_, offset) | Stop::SecondDocument(offset) | Stop::Invalid(offset, _) => {
                *offset
            }
            Stop::RecursiveAlias(span) => span.start,
        };
        if let Some(diagnostic) = bare_key_symbol(source, offset) {
            return diagnostic;
        }
        let span = Span::new(
            offset,
            source.text()[offset..]
                .chars()
                .next()
                .map_or(0, char::len_utf8),
        );
        match self {
            Stop::Syntax(error) => match error.kind() {
                ErrorKind::RecursionLimitExceeded => {
                    limit_error(source, span, Limit::Depth, limits)
                }
                ErrorKind::UnknownAnchor => {
                    syntax_error(source, offset, span, "alias references unknown anchor")
                }
                _ => syntax_error(source, offset, span, &error.info()),
            },
            Stop::Limit(limit, _) => limit_error(source, span, limit, limits),
            Stop::SecondDocument(_) => Diagnostic::input_error(
                source,
                span,
                "the file holds more than one YAML document",
                "a second document starts here",
            )
            .with_help("put each menu or intents file in a file of its own"),
            Stop::RecursiveAlias(alias) => Diagnostic::input_error(
                source,
                alias,
                format!(
                    "this is not valid YAML: the alias `{}` is used inside the value it refers to",
                    source.slice(alias)
                ),
                "this alias is inside its own anchored value",
            )
            .with_help("a value cannot contain itself: write the inner copy out"),
            Stop::Invalid(_, message) => syntax_error(source, offset, span, message),
        }
    }
}

/// What an anchor (`&name`) stands for, for its aliases to copy.
struct Anchor {
    node: Node,
    /// Nodes in the value (itself included).
    nodes: usize,
    /// Bytes of scalar text in the value.
    bytes: usize,
    /// Levels of mappings and sequences in the value (0 for a scalar).
    height: usize,
}

/// A mapping or sequence being built.
struct Frame {
    span: Span,
    anchor: usize,
    /// The node and scalar-byte counts before this collection started.
    nodes_before: usize,
    bytes_before: usize,
    /// The greatest height among the children so far.
    child_height: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        /// A key waiting for its value.
        key: Option<Node>,
        /// The last key was a merge key (`<<`): the next value is a merge source.
        merge_next: bool,
        /// Mappings to merge in, in the order written.
        merges: Vec<Node>,
    },
}

/// Builds the tree from the parser's events, counting against the limits as it goes.
struct Builder<'s> {
    source: &'s SourceFile,
    limits: &'s Limits,
    stack: Vec<Frame>,
    /// Indexed by the parser's anchor id.
    anchors: Vec<Option<Anchor>>,
    root: Option<Node>,
    nodes: usize,
    scalar_bytes: usize,
    aliases: usize,
    anchors_defined: usize,
    merge_keys: usize,
    /// What the anchors' copies hold, bounded like the tree itself.
    recorded_nodes: usize,
    recorded_bytes: usize,
}

impl<'s> Builder<'s> {
    fn new(source: &'s SourceFile, limits: &'s Limits) -> Self {
        Builder {
            source,
            limits,
            stack: Vec::new(),
            anchors: Vec::new(),
            root: None,
            nodes: 0,
            scalar_bytes: 0,
            aliases: 0,
            anchors_defined: 0,
            merge_keys: 0,
            recorded_nodes: 0,
            recorded_bytes: 0,
        }
    }

    fn run(mut self) -> Result<Node, Stop> {
        let mut options = granit_parser::options! {
            // The parser's own flow nesting cap is ours: it can trip while the scanner looks
            // ahead through `[[[[`, before the events reach the depth count below.
            flow_nesting_limit: self.limits.max_depth,
        };
        options.set_emit_comments(false);
        let mut end = Span::new(0, 0);
        for item in Parser::new_from_str_with_options(self.source.text(), options) {
            let (event, span) = item.map_err(Stop::Syntax)?;
            let span = self.span(&span);
            match event {
                Event::Scalar(text, style, anchor, tag) => {
                    self.scalar(text, style, anchor, tag.as_deref(), span)?;
                }
                Event::SequenceStart(_, anchor, _) => {
                    self.start(anchor, span, Body::Seq(Vec::new()))?;
                }
                Event::MappingStart(_, anchor, _) => {
                    let body = Body::Map {
                        entries: Vec::new(),
                        key: None,
                        merge_next: false,
                        merges: Vec::new(),
                    };
                    self.start(anchor, span, body)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.end()?,
                Event::Alias(anchor) => self.alias(anchor, span)?,
                Event::StreamEnd => end = span,
                _ => {}
            }
        }
        Ok(self.root.unwrap_or(Node {
            value: Value::Null,
            span: Span::new(end.start, 0),
            defined: Span::new(end.start, 0),
        }))
    }

    /// The parser's span as byte offsets into the file.
    fn span(&self, span: &granit_parser::Span) -> Span {
        match (span.start.byte_offset(), span.end.byte_offset()) {
            (Some(start), Some(end)) if start <= end && end <= self.source.text().len() => {
                Span::new(start, end - start)
            }
            _ => Span::new(
                self.source
                    .offset_of(span.start.line(), span.start.col() + 1),
                0,
            ),
        }
    }

    /// A node event starts; a second root means a second document.
    fn count_node(&mut self, span: Span) -> Result<(), Stop> {
        if self.stack.is_empty() && self.root.is_some() {
            return Err(Stop::SecondDocument(span.start));
        }
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(Stop::Limit(Limit::Nodes, span.start));
        }
        Ok(())
    }

    fn count_anchor(&mut self, anchor: usize, span: Span) -> Result<(), Stop> {
        if anchor != 0 {
            self.anchors_defined += 1;
            if self.anchors_defined > self.limits.max_aliases {
                return Err(Stop::Limit(Limit::Anchors, span.start));
            }
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Stop> {
        self.count_node(span)?;
        self.scalar_bytes = self.scalar_bytes.saturating_add(text.len());
        if self.scalar_bytes > self.limits.max_file_bytes {
            return Err(Stop::Limit(Limit::TextBytes, span.start));
        }
        self.count_anchor(anchor, span)?;
        let merge_key = text == "<<" && style == ScalarStyle::Plain && tag.is_none();
        let bytes = text.len();
        let node = Node {
            value: resolve_scalar(text, style, tag),
            span,
            defined: span,
        };
        if anchor != 0 {
            self.record(anchor, &node, 1, bytes, 0)?;
        }
        self.push(node, 0, merge_key)
    }

    fn start(&mut self, anchor: usize, span: Span, body: Body) -> Result<(), Stop> {
        let nodes_before = self.nodes;
        self.count_node(span)?;
        if self.stack.len() >= self.limits.max_depth {
            return Err(Stop::Limit(Limit::Depth, span.start));
        }
        self.count_anchor(anchor, span)?;
        self.stack.push(Frame {
            span,
            anchor,
            nodes_before,
            bytes_before: self.scalar_bytes,
            child_height: 0,
            body,
        });
        Ok(())
    }

    fn end(&mut self) -> Result<(), Stop> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.body {
            Body::Seq(items) => Value::Seq(items),
            Body::Map {
                mut entries,
                merges,
                ..
            } => {
                merge_into(self.source, &mut entries, merges);
                Value::Map(entries)
            }
        };
        let node = Node {
            value,
            span: frame.span,
            defined: frame.span,
        };
        let height = frame.child_height + 1;
        if frame.anchor != 0 {
            let nodes = self.nodes - frame.nodes_before;
            let bytes = self.scalar_bytes - frame.bytes_before;
            self.record(frame.anchor, &node, nodes, bytes, height)?;
        }
        self.push(node, height, false)
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), Stop> {
        if self.stack.is_empty() && self.root.is_some() {
            return Err(Stop::SecondDocument(span.start));
        }
        self.aliases += 1;
        if self.aliases > self.limits.max_aliases {
            return Err(Stop::Limit(Limit::Aliases, span.start));
        }
        let Some(target) = self.anchors.get(anchor).and_then(Option::as_ref) else {
            if self.stack.iter().any(|frame| frame.anchor == anchor) {
                return Err(Stop::RecursiveAlias(span));
            }
            return Err(Stop::Invalid(span.start, "alias references unknown anchor"));
        };
        // Check before copying, so that an alias bomb stops before it takes memory.
        if self.stack.len() + target.height > self.limits.max_depth {
            return Err(Stop::Limit(Limit::Depth, span.start));
        }
        self.nodes = self.nodes.saturating_add(target.nodes);
        if self.nodes > self.limits.max_nodes {
            return Err(Stop::Limit(Limit::Nodes, span.start));
        }
        self.scalar_bytes = self.scalar_bytes.saturating_add(target.bytes);
        if self.scalar_bytes > self.limits.max_file_bytes {
            return Err(Stop::Limit(Limit::TextBytes, span.start));
        }
        let height = target.height;
        let mut node = target.node.clone();
        relocate(&mut node, span);
        self.push(node, height, false)
    }

    /// Keeps a copy of an anchored value for its aliases.
    fn record(
        &mut self,
        anchor: usize,
        node: &Node,
        nodes: usize,
        bytes: usize,
        height: usize,
    ) -> Result<(), Stop> {
        self.recorded_nodes = self.recorded_nodes.saturating_add(nodes);
        if self.recorded_nodes > self.limits.max_nodes {
            return Err(Stop::Limit(Limit::Nodes, node.span.start));
        }
        self.recorded_bytes = self.recorded_bytes.saturating_add(bytes);
        if self.recorded_bytes > self.limits.max_file_bytes {
            return Err(Stop::Limit(Limit::TextBytes, node.span.start));
        }
        if anchor >= self.anchors.len() {
            self.anchors.resize_with(anchor + 1, || None);
        }
        self.anchors[anchor] = Some(Anchor {
            node: node.clone(),
            nodes,
            bytes,
            height,
        });
        Ok(())
    }

    /// Puts a finished node where it belongs: the root, a list item, a key or a value.
    fn push(&mut self, node: Node, height: usize, merge_key: bool) -> Result<(), Stop> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.child_height = frame.child_height.max(height);
        match &mut frame.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                entries,
                key,
                merge_next,
                merges,
            } => {
                if *merge_next {
                    *merge_next = false;
                    add_merge_source(merges, node)?;
                } else if let Some(key) = key.take() {
                    entries.push((key, node));
                } else if merge_key {
                    self.merge_keys += 1;
                    if self.merge_keys > self.limits.max_aliases {
                        return Err(Stop::Limit(Limit::MergeKeys, node.span.start));
                    }
                    *merge_next = true;
                } else {
                    *key = Some(node);
                }
            }
        }
        Ok(())
    }
}

/// Takes the value of a merge key (`<<`): a mapping, a list of mappings, or nothing.
fn add_merge_source(merges: &mut Vec<Node>, value: Node) -> Result<(), Stop> {
    const NOT_A_MAPPING: &str = "YAML merge value must be mapping or sequence of mappings";
    match value.value {
        Value::Null => Ok(()),
        Value::Map(_) => {
            merges.push(value);
            Ok(())
        }
        Value::Seq(items) => {
            for item in items {
                match item.value {
                    Value::Null => {}
                    Value::Map(_) => merges.push(item),
                    _ => return Err(Stop::Invalid(item.span.start, NOT_A_MAPPING)),
                }
            }
            Ok(())
        }
        _ => Err(Stop::Invalid(value.span.start, NOT_A_MAPPING)),
    }
}

/// Appends the merged entries after the explicit ones: an explicit key wins over a merged one,
/// and an earlier merge source over a later one. Keys compare as the loaders read them. Merged
/// entries are used where the merge source is written (its alias, or its opening bracket).
fn merge_into(source: &SourceFile, entries: &mut Vec<(Node, Node)>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut seen: HashSet<String> = entries
        .iter()
        .filter_map(|(key, _)| key.as_text(source))
        .collect();
    for merge in merges {
        let used = merge.span;
        let Value::Map(merged) = merge.value else {
            continue;
        };
        for (mut key, mut value) in merged {
            if key.as_text(source).is_some_and(|text| !seen.insert(text)) {
                continue;
            }
            relocate(&mut key, used);
            relocate(&mut value, used);
            entries.push((key, value));
        }
    }
}

/// Marks a copied value, and everything in it, as used at `span`.
fn relocate(node: &mut Node, span: Span) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        node.span = span;
        match &mut node.value {
            Value::Seq(items) => pending.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (key, value) in entries {
                    pending.push(key);
                    pending.push(value);
                }
            }
            _ => {}
        }
    }
}

/// A scalar's value. Quoted and block scalars are strings; plain scalars resolve by the YAML 1.2
/// core schema (strict booleans, no `yes`/`no`); `!!str` and `!` make a string of anything.
fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let plain = match tag {
        None => style == ScalarStyle::Plain,
        Some(tag) => match tag.core_suffix() {
            Some("str") => false,
            Some("null") => return Value::Null,
            Some("bool" | "int" | "float") => true,
            // The non-specific tag `!` keeps the text a string, as `!!str` does.
            _ => {
                style == ScalarStyle::Plain
                    && !matches!(tag.suffix_in_namespace("!").as_deref(), Some("" | "!"))
            }
        },
    };
    if plain && let Some(value) = resolve_plain(&text) {
        return value;
    }
    Value::Str(text.into_owned())
}

/// A plain scalar's value by the core schema, or `None` for a string.
fn resolve_plain(text: &str) -> Option<Value> {
    match text.as_bytes().first() {
        None => Some(Value::Null),
        Some(b'~' | b'n' | b'N') => {
            matches!(text, "~" | "null" | "Null" | "NULL").then_some(Value::Null)
        }
        Some(b't' | b'T') => matches!(text, "true" | "True" | "TRUE").then_some(Value::Bool(true)),
        Some(b'f' | b'F') => {
            matches!(text, "false" | "False" | "FALSE").then_some(Value::Bool(false))
        }
        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => resolve_number(text),
        Some(_) => None,
    }
}

/// Integers (decimal with an optional sign, `0o` octal, `0x` hex) and floats (decimal and
/// exponent forms, `.inf`, `-.inf`, `.nan`, passed through non-finite for the loaders to
/// report). A decimal integer beyond `i64` is a float.
fn resolve_number(text: &str) -> Option<Value> {
    let (negative, unsigned) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if let Some(digits) = unsigned.strip_prefix("0x") {
        return radix_integer(digits, 16, negative);
    }
    if let Some(digits) = unsigned.strip_prefix("0o") {
        return radix_integer(digits, 8, negative);
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match text.parse::<i64>() {
            Ok(int) => Value::Int(int),
            Err(_) => Value::Float(text.parse::<f64>().ok()?),
        });
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Value::Float(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        ".nan" | ".NaN" | ".NAN" => {
            return (unsigned.len() == text.len()).then_some(Value::Float(f64::NAN));
        }
        _ => {}
    }
    if !is_decimal_float(unsigned) {
        return None;
    }
    text.parse::<f64>().ok().map(Value::Float)
}

/// `0x`/`0o` digits as an integer; one beyond `i64` is a float, one beyond `u64` a string.
fn radix_integer(digits: &str, radix: u32, negative: bool) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        i64::try_from(-i128::from(magnitude)).ok().map(Value::Int)
    } else {
        Some(i64::try_from(magnitude).map_or(Value::Float(magnitude as f64), Value::Int))
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the unsigned core-schema float.
fn is_decimal_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    let mut at = whole;
    let mut fraction = 0;
    if bytes.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        at += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == bytes.len()
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

/// A YAML syntax error as ours, recognising the slips designers make. `span` is the character
/// at `offset`, where the parser stopped.
fn syntax_error(source: &Arc<SourceFile>, offset: usize, span: Span, message: &str) -> Diagnostic {
    let (label, help) = syntax_hint(source, offset, message);
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

/// A limit reached at `span`.
fn limit_error(source: &Arc<SourceFile>, span: Span, limit: Limit, limits: &Limits) -> Diagnostic {
    let (what, name, help) = exceeded_limit(limit, limits);
    Diagnostic::input_error(
        source,
        span,
        format!("the file exceeds a limit: {what} ({name})"),
        "the limit is reached here",
    )
    .with_help(format!(
        "{help}; these limits protect CI from hostile files (see docs/limits.md)"
    ))
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

/// Which of [`Limits`] a file exceeds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Limit {
    Depth,
    Nodes,
    Aliases,
    Anchors,
    MergeKeys,
    TextBytes,
}

/// What was exceeded, the limit's name, and what to do.
fn exceeded_limit(limit: Limit, limits: &Limits) -> (String, &'static str, &'static str) {
    const DEPTH: &str = "a menu nests about 8 levels deep: look for brackets that are never closed or indentation that keeps growing";
    const ALIASES: &str = "write the repeated values out, or put shared settings in `defaults:`";
    const NODES: &str = "a large menu has a few thousand values: split the file, or remove aliases that expand into large copies";
    let aliases = |what: &str| {
        (
            format!("more than {} {what}", limits.max_aliases),
            "max_aliases",
            ALIASES,
        )
    };
    match limit {
        Limit::Depth => (
            format!("nesting deeper than {} levels", limits.max_depth),
            "max_depth",
            DEPTH,
        ),
        Limit::Nodes => (
            format!(
                "more than {} YAML values once aliases are expanded",
                limits.max_nodes
            ),
            "max_nodes",
            NODES,
        ),
        Limit::Aliases => aliases("alias uses (`*name`)"),
        Limit::Anchors => aliases("anchors (`&name`)"),
        Limit::MergeKeys => aliases("merge keys (`<<`)"),
        Limit::TextBytes => (
            format!("more than {} bytes of text", limits.max_file_bytes),
            "max_file_bytes",
            "split the file, or remove aliases that copy long texts",
        ),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Arc<SourceFile> {
        SourceFile::new("test.yaml", text.to_string())
    }

    fn parse_text(text: &str) -> Result<(Arc<SourceFile>, Node), String> {
        parse_with(text, &Limits::DEFAULT)
    }

    fn parse_with(text: &str, limits: &Limits) -> Result<(Arc<SourceFile>, Node), String> {
        let source = source(text);
        match parse(&source, limits) {
            Ok(node) => Ok((source, node)),
            Err(error) => Err(format!(
                "{} at {}",
                error.render(crate::diagnostic::RenderStyle::PLAIN),
                error.location()
            )),
        }
    }

    /// The value of `key` in the root mapping.
    fn get<'n>(root: &'n Node, source: &SourceFile, key: &str) -> &'n Node {
        root.as_map()
            .unwrap()
            .iter()
            .find(|(k, _)| k.as_text(source).as_deref() == Some(key))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no key `{key}`"))
    }

    fn scalar(text: &str) -> Value {
        let (source, root) = parse_text(&format!("v: {text}\n")).unwrap();
        get(&root, &source, "v").value.clone()
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        for null in ["~", "null", "Null", "NULL", ""] {
            assert!(matches!(scalar(null), Value::Null), "{null}");
        }
        for (text, b) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
        ] {
            assert!(matches!(scalar(text), Value::Bool(v) if v == b), "{text}");
        }
        for (text, i) in [
            ("12", 12),
            ("-12", -12),
            ("+12", 12),
            ("012", 12),
            ("0o17", 15),
            ("0x1F", 31),
            ("-0x1F", -31),
        ] {
            assert!(matches!(scalar(text), Value::Int(v) if v == i), "{text}");
        }
        for (text, f) in [
            ("1.5", 1.5),
            ("-1.5e3", -1500.0),
            (".5", 0.5),
            ("1.", 1.0),
            ("1e3", 1000.0),
            ("+.5", 0.5),
            ("1.5E+3", 1500.0),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
        ] {
            assert!(matches!(scalar(text), Value::Float(v) if v == f), "{text}");
        }
        for text in [".inf", ".Inf", ".INF", "+.inf", "1e999"] {
            assert!(
                matches!(scalar(text), Value::Float(v) if v == f64::INFINITY),
                "{text}"
            );
        }
        assert!(matches!(scalar("-.inf"), Value::Float(v) if v == f64::NEG_INFINITY));
        for text in [".nan", ".NaN", ".NAN"] {
            assert!(
                matches!(scalar(text), Value::Float(v) if v.is_nan()),
                "{text}"
            );
        }
        for text in [
            "yes",
            "no",
            "on",
            "tRue",
            "0X1F",
            "0b101",
            "1_000",
            "-.nan",
            "inf",
            "nan",
            "1e",
            "+",
            ".",
            "0x",
            "0o8",
            "1:2",
            "2001-12-14",
        ] {
            assert!(matches!(scalar(text), Value::Str(s) if s == text), "{text}");
        }
    }

    #[test]
    fn quoted_block_and_str_tagged_scalars_are_strings() {
        for (text, expected) in [
            ("\"12\"", "12"),
            ("'true'", "true"),
            ("\"~\"", "~"),
            ("!!str 12", "12"),
            ("! 12", "12"),
            ("!!str", ""),
            ("|\n  a\n  b", "a\nb\n"),
            (">\n  a\n  b", "a b\n"),
        ] {
            assert!(
                matches!(scalar(text), Value::Str(s) if s == expected),
                "{text}"
            );
        }
        assert!(matches!(scalar("!!int \"12\""), Value::Int(12)));
        assert!(matches!(scalar("!!null \"\""), Value::Null));
    }

    #[test]
    fn plain_scalar_spans_cover_the_text() {
        let (source, root) =
            parse_text("a:   spaced value   \nb: multi\n  line\nc: 1.50\n").unwrap();
        assert_eq!(source.slice(get(&root, &source, "a").span), "spaced value");
        assert_eq!(source.slice(get(&root, &source, "b").span), "multi\n  line");
        let c = get(&root, &source, "c");
        assert_eq!(c.as_text(&source).as_deref(), Some("1.50"));
    }

    #[test]
    fn aliases_copy_the_anchored_value_and_are_used_at_the_alias() {
        let text = "a: &m {k: 1, j: [2, 3]}\nb: *m\n";
        let (source, root) = parse_text(text).unwrap();
        let b = get(&root, &source, "b");
        assert_eq!(source.slice(b.span), "*m");
        assert_eq!(source.slice(b.defined), "{");
        let j = get(b, &source, "j");
        assert_eq!(source.slice(j.span), "*m");
        assert_eq!(source.slice(j.defined), "[");
        assert!(matches!(&j.value, Value::Seq(items) if items.len() == 2));
        let one = get(b, &source, "k");
        assert_eq!(one.as_text(&source).as_deref(), Some("1"));
    }

    #[test]
    fn merge_keys_explicit_keys_win_then_earlier_sources() {
        let text = "b: &b {a: 1, b: 2}\no: &o {b: 3, c: 4}\nx:\n  <<: [*b, *o]\n  b: 9\ny: {<<: {q: 1}, r: 2}\nz: {<<: ~, s: 1}\n";
        let (source, root) = parse_text(text).unwrap();
        let x = get(&root, &source, "x");
        let keys: Vec<String> = x
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    k.as_text(&source).unwrap(),
                    v.as_text(&source).unwrap()
                )
            })
            .collect();
        assert_eq!(keys, ["b=9", "a=1", "c=4"]);
        let a = get(x, &source, "a");
        assert_eq!(source.slice(a.span), "*b");
        let c = get(x, &source, "c");
        assert_eq!(source.slice(c.span), "*o");
        let y = get(&root, &source, "y");
        assert_eq!(source.slice(get(y, &source, "q").span), "{");
        assert_eq!(get(&root, &source, "z").as_map().unwrap().len(), 1);
    }

    #[test]
    fn merge_of_a_scalar_is_an_error() {
        let error = parse_text("a:\n  <<: 1\n").unwrap_err();
        assert!(error.contains("merge value must be mapping"), "{error}");
        assert!(error.ends_with("test.yaml:2:7"), "{error}");
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_an_error() {
        let error = parse_text("a: &a [1, *a]\n").unwrap_err();
        assert!(error.contains("the alias `*a` is used inside"), "{error}");
        assert!(error.ends_with("test.yaml:1:11"), "{error}");
    }

    #[test]
    fn a_second_document_is_an_error_where_it_starts() {
        for (text, at) in [
            ("a: 1\n---\nb: 2\n", "3:1"),
            ("a: 1\n...\nb: 2\n", "3:1"),
            ("a: 1\n---\n", "2:4"),
        ] {
            let error = parse_text(text).unwrap_err();
            assert!(error.contains("more than one YAML document"), "{error}");
            assert!(error.ends_with(at), "{text:?}: {error}");
        }
        assert!(parse_text("---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn limits_stop_where_they_are_reached() {
        let limits = Limits::DEFAULT;
        // Root mapping plus 31 brackets is 32 levels; one more is too deep.
        let ok = format!("a: {}{}\n", "[".repeat(31), "]".repeat(31));
        assert!(parse_with(&ok, &limits).is_ok());
        let deep = format!("a: {}{}\n", "[".repeat(32), "]".repeat(32));
        let error = parse_with(&deep, &limits).unwrap_err();
        assert!(
            error.contains("(max_depth)") && error.ends_with("1:35"),
            "{error}"
        );

        // An alias that would nest too deep stops at the alias.
        let text = format!(
            "a: &a {}x{}\nb: {}*a{}\n",
            "[".repeat(20),
            "]".repeat(20),
            "[".repeat(20),
            "]".repeat(20)
        );
        let error = parse_with(&text, &limits).unwrap_err();
        assert!(
            error.contains("(max_depth)") && error.ends_with("2:24"),
            "{error}"
        );

        let small = Limits {
            max_nodes: 25,
            max_aliases: 2,
            max_file_bytes: 30,
            ..Limits::DEFAULT
        };
        let error =
            parse_with("a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: *a\nc: *a\n", &small).unwrap_err();
        assert!(
            error.contains("(max_nodes)") && error.ends_with("3:4"),
            "{error}"
        );
        let error = parse_with("a: &a x\nb: [*a, *a, *a]\n", &small).unwrap_err();
        assert!(
            error.contains("alias uses") && error.ends_with("2:13"),
            "{error}"
        );
        let error = parse_with("a: [&a x, &b y, &c z]\n", &small).unwrap_err();
        assert!(
            error.contains("anchors") && error.ends_with("1:20"),
            "{error}"
        );
        let error = parse_with("a: &a 0123456789\nb: [*a, *a]\n", &small).unwrap_err();
        assert!(
            error.contains("(max_file_bytes)") && error.ends_with("2:9"),
            "{error}"
        );
        let error = parse_with(
            "m: &m {a: 1}\nl: [{<<: *m}, {<<: *m}, {<<: *m}]\n",
            &Limits {
                max_aliases: 2,
                ..Limits::DEFAULT
            },
        )
        .unwrap_err();
        assert!(
            error.contains("merge keys") && error.ends_with("2:26"),
            "{error}"
        );
    }

    #[test]
    fn billion_laughs_stop_quickly() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..=9 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let error = parse_text(&text).unwrap_err();
        assert!(error.contains("(max_nodes)"), "{error}");
    }

    #[test]
    fn deep_nesting_needs_no_big_stack() {
        // The tree is built without recursion: 20,000 brackets stop at the depth limit on a
        // thread with a small stack.
        let text = format!("a: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
        let error = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse_text(&text).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert!(error.contains("(max_depth)"), "{error}");
    }

    #[test]
    fn syntax_errors_keep_the_parser_message() {
        let error = parse_text("a: *nope\n").unwrap_err();
        assert!(error.contains("alias references unknown anchor"), "{error}");
        let error = parse_text("a: [1, 2\n").unwrap_err();
        assert!(error.contains("unclosed bracket '['"), "{error}");
    }
}
