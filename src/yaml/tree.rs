//! The spanned YAML tree: values with where they are used and where they are written.

use compact_str::CompactString;

use crate::source::{SourceFile, Span};

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
    /// Text; most keys and values of a menu are short enough to be held without an allocation.
    Str(CompactString),
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
        self.text(source).map(str::to_string)
    }

    /// [`Node::as_text`] without a copy: the string itself or the raw text in the file.
    pub fn text<'a>(&'a self, source: &'a SourceFile) -> Option<&'a str> {
        match &self.value {
            Value::Str(s) => Some(s),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                Some(source.slice(self.defined).trim())
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
