//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};

use super::line_column;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        annotation(&mut out, d, &report.repository_path(&d.path));
    }
    out
}

/// What a run that could not be done (exit 2) writes: one error annotation per reason.
pub fn render_failure(errors: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in errors {
        annotation(&mut out, d, &d.path);
    }
    out
}

/// One workflow command; `path` is from the repository root, where GitHub looks for it.
fn annotation(out: &mut String, d: &Diagnostic, path: &str) {
    {
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
        let place = if path.is_empty() {
            String::new()
        } else {
            format!("file={},line={line},col={column},", escape_property(path))
        };
        let _ = writeln!(
            out,
            "::{level} {place}title={}::{}",
            escape_property(&format!("ivr {}", d.code)),
            escape_data(&message)
        );
    }
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
