//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use std::fmt::Write;

use crate::diagnostic::Severity;

use super::line_column;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (line, column) = line_column(d);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={line},col={column},title={}::{}",
            escape_property(&d.path),
            escape_property(&format!("ivr {}", d.code)),
            escape_data(&message)
        );
    }
    out
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
