//! Lint reports in every output format; each reads the same [`LintReport`](crate::lint::LintReport).

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::Diagnostic;

/// The 1-based line and column a diagnostic points at (1, 1 when it has no position).
pub fn line_column(d: &Diagnostic) -> (usize, usize) {
    d.position().map_or((1, 1), |p| (p.line, p.column))
}
