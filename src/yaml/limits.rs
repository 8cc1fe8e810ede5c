//! Input limits, and what to tell a user whose file exceeds one.

use std::sync::Arc;

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

/// Which of [`Limits`] a file exceeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Limit {
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

/// A limit reached at `span`.
pub(super) fn limit_error(
    source: &Arc<SourceFile>,
    span: Span,
    limit: Limit,
    limits: &Limits,
) -> Diagnostic {
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
