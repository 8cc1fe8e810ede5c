//! YAML text -> a small spanned tree. The only module that talks to the YAML parser.
//!
//! We parse into a generic tree (rather than straight into the model's structs) because the
//! loaders want to say more than a derived deserializer can: "did you mean", the comma that cut
//! a prompt short, a field that belongs to another node type, keys `1` and `"1"` alike.
//!
//! - [`tree`]: the tree ([`Node`], [`Value`]) with spans;
//! - [`limits`]: the input [`Limits`] and the errors for exceeding them;
//! - `builder`: the parser's events -> the tree, counting against the limits;
//! - `scalars`: which plain scalars are numbers, booleans and nulls (YAML 1.2 core schema);
//! - `tags`: the tags a file may use (the core schema's) and what they do;
//! - [`duplicates`]: keys written twice in one mapping, as a fact for the loaders to phrase;
//! - `hints`: what to tell a designer about a syntax error;
//! - [`reader`]: typed values out of the tree, with the errors designers need.

mod builder;
pub mod duplicates;
mod hints;
pub mod limits;
pub mod reader;
mod scalars;
mod tags;
pub mod tree;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

pub use duplicates::{DuplicateKey, PathStep};
pub use hints::bare_hash_key;
pub use limits::Limits;
pub use scalars::reads_as_number;
pub use tree::{Node, Value};

/// Why a file is not a YAML tree we can load.
#[derive(Debug)]
pub enum YamlError {
    /// Not valid YAML, or beyond a limit: the error as users see it.
    Invalid(Box<Diagnostic>),
    /// Valid YAML but for a key written twice, for the loader to phrase (or
    /// [`DuplicateKey::diagnostic`] for plain YAML terms).
    DuplicateKey(Box<DuplicateKey>),
}

impl From<YamlError> for Box<Diagnostic> {
    fn from(error: YamlError) -> Self {
        match error {
            YamlError::Invalid(diagnostic) => diagnostic,
            YamlError::DuplicateKey(duplicate) => Box::new(duplicate.diagnostic()),
        }
    }
}

/// Parses one YAML document and rejects keys written twice in one mapping.
pub fn parse(source: &Arc<SourceFile>, limits: &Limits) -> Result<Node, YamlError> {
    // A parser bug must not take down a lint run over many files: it is this file's error.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        builder::build(source, limits)
    }));
    let root = match built {
        Ok(Ok(root)) => root,
        Ok(Err(diagnostic)) => return Err(YamlError::Invalid(diagnostic)),
        Err(_) => {
            return Err(YamlError::Invalid(Box::new(
                Diagnostic::input_error(
                    source,
                    Span::new(0, 0),
                    "the YAML parser failed on this file",
                    "here",
                )
                .with_help("please report this file as a bug in ivr"),
            )));
        }
    };
    match duplicates::find_duplicate_key(source, &root) {
        Some(duplicate) => Err(YamlError::DuplicateKey(Box::new(duplicate))),
        None => Ok(root),
    }
}

#[cfg(test)]
mod tests;
