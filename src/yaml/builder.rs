//! The tree builder: granit-parser's events -> the spanned tree, with [`Limits`] enforced as it
//! grows. The tree is built with an explicit stack (no recursion, so deep nesting cannot
//! overflow the stack), so that alias bombs and deep nesting stop where the limit is reached.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, Tag};

use super::hints::{bare_symbol, syntax_error};
use super::limits::{Limit, Limits, limit_error};
use super::scalars::resolve_scalar;
use super::tags::{TagProblem, check_collection_tag, tag_error, tagged_scalar};
use super::tree::{Node, Value};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// Builds the tree of one YAML document; errors are input errors with a position.
pub(super) fn build(source: &Arc<SourceFile>, limits: &Limits) -> Result<Node, Box<Diagnostic>> {
    Builder::new(source, limits)
        .run()
        .map_err(|stop| Box::new(stop.into_diagnostic(source, limits)))
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
    /// A tag we do not read, or a core tag on a value not of its kind (the tag as written).
    Tag(Span, TagProblem),
}

impl Stop {
    fn into_diagnostic(self, source: &Arc<SourceFile>, limits: &Limits) -> Diagnostic {
        if let Stop::Tag(span, problem) = self {
            return tag_error(source, span, problem);
        }
        let offset = match &self {
            Stop::Syntax(error) => {
                let mark = error.marker();
                source.offset_of(mark.line(), mark.col() + 1)
            }
            Stop::Limit(_, offset) | Stop::SecondDocument(offset) | Stop::Invalid(offset, _) => {
                *offset
            }
            Stop::RecursiveAlias(span) => span.start,
            Stop::Tag(span, _) => span.start,
        };
        if let Some(diagnostic) = bare_symbol(source, offset) {
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
            Stop::Tag(span, problem) => tag_error(source, span, problem),
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
            let (event, parser_span) = item.map_err(Stop::Syntax)?;
            let span = self.span(&parser_span);
            // Where a tag is written, for its error (the node's start when the parser has none).
            let tag_span = parser_span
                .tag_span()
                .map_or(Span::new(span.start, 1), |tag| self.span(&tag));
            match event {
                Event::Scalar(text, style, anchor, tag) => {
                    let tagged = tag.as_deref().map(|tag| (tag, tag_span));
                    self.scalar(text, style, anchor, tagged, span)?;
                }
                Event::SequenceStart(_, anchor, tag) => {
                    if let Some(tag) = tag.as_deref() {
                        check_collection_tag(tag, false).map_err(|p| Stop::Tag(tag_span, p))?;
                    }
                    self.start(anchor, span, Body::Seq(Vec::new()))?;
                }
                Event::MappingStart(_, anchor, tag) => {
                    if let Some(tag) = tag.as_deref() {
                        check_collection_tag(tag, true).map_err(|p| Stop::Tag(tag_span, p))?;
                    }
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
        tag: Option<(&Tag, Span)>,
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
        let value = match tag {
            None => resolve_scalar(text, style),
            Some((tag, tag_span)) => tagged_scalar(text.into_owned(), style, tag)
                .map_err(|problem| Stop::Tag(tag_span, problem))?,
        };
        let node = Node {
            value,
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
