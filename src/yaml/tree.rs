//! The spanned YAML tree: values with where they are used and where they are written.

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
