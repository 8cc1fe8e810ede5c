//! XML flows (VoiceXML, FreeSWITCH) read with positions: the parse, its errors at their line,
//! and the spans and text the importers take from elements.

use std::sync::Arc;

use roxmltree::{Document, Node, ParsingOptions};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;

/// Most XML nodes (elements, text, comments) one file may hold: far above any real flow, low
/// enough that a generated file cannot fill the memory.
const MAX_NODES: u32 = 500_000;

/// Parses the file's text. A doctype is read (VoiceXML files often carry one) but entity
/// expansion is bounded by the parser, so an entity bomb is an error, not a hang.
pub fn parse<'a>(source: &Arc<SourceFile>, text: &'a str, what: &str) -> LoadResult<Document<'a>> {
    let options = ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|error| {
        let offset = match error {
            // These carry no position: the file stops too early, so its end is where.
            roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
                text.trim_end().len()
            }
            _ => {
                let pos = error.pos();
                source.offset_of(pos.row as usize, pos.col as usize)
            }
        };
        Box::new(
            Diagnostic::input_error(
                source,
                Span::new(offset, 0),
                format!("this {what} file is not well-formed XML: {error}"),
                "here",
            )
            .with_help(
                "fix the XML (a truncated file, an unclosed tag, an entity that expands without end) and try again",
            ),
        )
    })
}

/// Where an element is: its `<name`, so a message points at the tag rather than the whole
/// element.
pub fn tag_span(node: Node<'_, '_>) -> Span {
    let start = node.range().start;
    Span::new(start, 1 + node.tag_name().name().len())
}

/// An attribute's value with the span of that value.
pub fn attribute(node: Node<'_, '_>, name: &str) -> Option<Spanned<String>> {
    let attr = node.attribute_node(name)?;
    Some(Spanned::new(
        attr.value().to_string(),
        Span::new(attr.range_value().start, attr.range_value().len()),
    ))
}

/// The element children of a node.
pub fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

/// The element's local name (`vxml:menu` and `menu` alike).
pub fn name<'a>(node: Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}
