//! `--format json`: one object with `files`, `diagnostics` and `summary` (docs/output.md), and
//! an `errors` array when the run could not be done, so stdout always parses.

use serde_json::{Value, json};

use super::{end_line_column, fix_json, line_column};
use crate::diagnostic::Diagnostic;
use crate::lint::LintReport;

fn diagnostic(d: &Diagnostic) -> Value {
    let (line, column) = line_column(d);
    let (end_line, end_column) = end_line_column(d);
    json!({
        "rule": d.code,
        "severity": d.severity.as_str(),
        "file": d.path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "node": d.node,
        "message": d.message,
        "help": d.help,
        "fix": fix_json(d),
    })
}

pub fn render(report: &LintReport) -> String {
    let summary = report.summary();
    let diagnostics: Vec<Value> = report.diagnostics.iter().map(diagnostic).collect();
    let value = json!({
        "files": report.files,
        "diagnostics": diagnostics,
        "summary": { "errors": summary.errors, "warnings": summary.warnings, "infos": summary.infos },
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// What a run that could not be done (exit 2) writes: no findings, and the reasons in
/// `errors`, each shaped like a finding.
pub fn render_failure(errors: &[Diagnostic]) -> String {
    let errors: Vec<Value> = errors.iter().map(diagnostic).collect();
    let value = json!({
        "files": 0,
        "diagnostics": [],
        "summary": { "errors": 0, "warnings": 0, "infos": 0 },
        "errors": errors,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
