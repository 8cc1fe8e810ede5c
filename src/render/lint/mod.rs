//! Lint reports in every output format; each reads the same [`LintReport`](crate::lint::LintReport).

pub mod concise;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::source::LineCol;

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

/// One edit of a fix with where it starts and ends (1-based line, code-point column, and the
/// byte offset in the file).
pub struct PlacedEdit<'a> {
    pub edit: &'a Edit,
    pub start: LineCol,
    pub end: LineCol,
}

/// A diagnostic's fix with its edits placed in the file, when it has one and its text.
pub fn placed_fix(d: &Diagnostic) -> Option<(&Fix, Vec<PlacedEdit<'_>>)> {
    let fix = d.fix.as_ref()?;
    let source = d.source.as_ref()?;
    let edits = fix
        .edits
        .iter()
        .map(|edit| PlacedEdit {
            edit,
            start: source.line_col(edit.span.start),
            end: source.line_col(edit.span.end()),
        })
        .collect();
    Some((fix, edits))
}

/// The `fix` of a finding in the JSON output: null, or its title, applicability and edits.
pub fn fix_json(d: &Diagnostic) -> Value {
    let Some((fix, edits)) = placed_fix(d) else {
        return Value::Null;
    };
    let place = |at: LineCol, offset: usize| json!({ "line": at.line, "column": at.column, "offset": offset });
    let edits: Vec<Value> = edits
        .iter()
        .map(|e| {
            json!({
                "start": place(e.start, e.edit.span.start),
                "end": place(e.end, e.edit.span.end()),
                "replacement": e.edit.replacement,
            })
        })
        .collect();
    json!({
        "title": fix.title,
        "applicability": fix.applicability.as_str(),
        "edits": edits,
    })
}
