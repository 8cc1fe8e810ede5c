//! YAML tags (`!!int`, `!!binary`, `!custom`): which ones a file may use, and what they do.
//!
//! A menu is plain data, so the standard tags of YAML's core schema are read for what they
//! promise (`!!str 1234` is the text "1234", `!!int "3"` the number 3) and every other tag is
//! an input error at the tag. Ignoring a tag silently would read `!!binary` data as text or a
//! `!!python/object` as a mapping the writer never meant for us; the error says so instead.

use std::sync::Arc;

use granit_parser::{ScalarStyle, Tag};

use super::scalars::resolve_plain;
use super::tree::Value;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// Why a tag cannot stand where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TagProblem {
    /// A tag outside the core schema (`!!binary`, `!!timestamp`, `!python/object`, `!custom`).
    Unsupported,
    /// A core tag whose value is not of its kind (`!!int abc`, `!!map [1]`).
    Mismatch { expected: &'static str },
}

/// The non-specific tag `!`: the value as it is, a scalar as text.
fn non_specific(tag: &Tag) -> bool {
    matches!(tag.suffix_in_namespace("!").as_deref(), Some("" | "!"))
}

/// A tagged scalar's value: `!!str` and `!` keep the text, the other core tags must read as
/// their kind, whatever the quoting.
pub(super) fn tagged_scalar(
    text: String,
    style: ScalarStyle,
    tag: &Tag,
) -> Result<Value, TagProblem> {
    if non_specific(tag) {
        return Ok(Value::Str(text.into()));
    }
    match tag.core_suffix() {
        Some("str") => return Ok(Value::Str(text.into())),
        Some(_) => {}
        None => return Err(TagProblem::Unsupported),
    }
    // A block scalar's text ends with its line break; the tag speaks of the value.
    let trimmed = match style {
        ScalarStyle::Literal | ScalarStyle::Folded => text.trim_end_matches('\n'),
        _ => &text,
    };
    match (tag.core_suffix(), resolve_plain(trimmed)) {
        (Some("null"), Some(Value::Null)) => Ok(Value::Null),
        (Some("bool"), Some(Value::Bool(value))) => Ok(Value::Bool(value)),
        (Some("int"), Some(Value::Int(value))) => Ok(Value::Int(value)),
        (Some("float"), Some(Value::Int(value))) => Ok(Value::Float(value as f64)),
        (Some("float"), Some(Value::Float(value))) => Ok(Value::Float(value)),
        _ => Err(TagProblem::Mismatch {
            expected: kind_of(tag),
        }),
    }
}

/// Checks the tag of a mapping (`mapping` true) or a list.
pub(super) fn check_collection_tag(tag: &Tag, mapping: bool) -> Result<(), TagProblem> {
    if non_specific(tag) {
        return Ok(());
    }
    match (tag.core_suffix(), mapping) {
        (Some("map"), true) | (Some("seq"), false) => Ok(()),
        (Some(_), _) => Err(TagProblem::Mismatch {
            expected: kind_of(tag),
        }),
        (None, _) => Err(TagProblem::Unsupported),
    }
}

/// What a core tag promises, for the message.
fn kind_of(tag: &Tag) -> &'static str {
    match tag.core_suffix() {
        Some("str") => "text",
        Some("null") => "nothing (null)",
        Some("bool") => "true or false",
        Some("int") => "an integer",
        Some("float") => "a number",
        Some("map") => "a mapping",
        _ => "a list",
    }
}

/// The input error for a tag, pointing at the tag as written (`tag_span`).
pub(super) fn tag_error(
    source: &Arc<SourceFile>,
    tag_span: Span,
    problem: TagProblem,
) -> Diagnostic {
    let written = source.slice(tag_span);
    match problem {
        TagProblem::Unsupported => Diagnostic::input_error(
            source,
            tag_span,
            format!("the YAML tag `{written}` is not supported"),
            "this tag",
        )
        .with_help("remove the tag: ivr reads plain values and core tags like `!!str`"),
        TagProblem::Mismatch { expected } => Diagnostic::input_error(
            source,
            tag_span,
            format!("the YAML tag `{written}` says the value is {expected}, but it is not"),
            format!("expects {expected}"),
        )
        .with_help("write a value of that kind, or remove the tag"),
    }
}
