//! Lint reports in every output format; each reads the same [`LintReport`](crate::lint::LintReport).

pub mod concise;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use crate::diagnostic::Diagnostic;

/// The 1-based line and column a diagnostic points at (1, 1 when it has no position).
pub fn line_column(d: &Diagnostic) -> (usize, usize) {
    d.position().map_or((1, 1), |p| (p.line, p.column))
}

/// The 1-based line and column just past what a diagnostic marks; on the start's line it is at
/// least one column past the start, so an empty mark still covers one character.
pub fn end_line_column(d: &Diagnostic) -> (usize, usize) {
    let (line, column) = line_column(d);
    match (&d.source, d.labels.first()) {
        (Some(source), Some(label)) => {
            let end = source.line_col(label.span.end());
            let floor = if end.line == line { column + 1 } else { 1 };
            (end.line, end.column.max(floor))
        }
        _ => (line, column + 1),
    }
}
