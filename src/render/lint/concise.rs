//! `--format concise`: one line per finding, `file:line:col: severity[rule] message`, for logs
//! and editors' error parsers, then the summary line.

use std::fmt::Write;

use super::line_column;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (line, column) = line_column(d);
        // One finding, one line: a message never breaks it.
        let message = d.message.replace(['\r', '\n'], " ");
        let _ = writeln!(
            out,
            "{}:{line}:{column}: {}[{}] {message}",
            d.path, d.severity, d.code
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push_str(&super::human::summary_line(report, false));
    out.push('\n');
    out
}
