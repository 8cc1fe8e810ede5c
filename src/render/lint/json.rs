//! `--format json`: one object with `files`, `diagnostics` and `summary`, a shape scripts can
//! rely on (docs/ci.md).

use serde_json::{Value, json};

use super::line_column;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let summary = report.summary();
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = line_column(d);
            json!({
                "rule": d.code,
                "severity": d.severity.as_str(),
                "file": d.path,
                "line": line,
                "column": column,
                "node": d.node,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    let value = json!({
        "files": report.files,
        "diagnostics": diagnostics,
        "summary": { "errors": summary.errors, "warnings": summary.warnings, "infos": summary.infos },
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
