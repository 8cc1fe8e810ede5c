//! `--format json`: one object with `files`, `diagnostics` and `summary` (docs/output.md), and
//! an `errors` array when the run could not be done, so stdout always parses.

use serde::Serialize;
use serde_json::Value;

use super::{end_line_column, fix_json, line_column};
use crate::diagnostic::Diagnostic;
use crate::lint::LintReport;

/// The whole output. Written straight from these structs (fields in this order) rather than
/// through a `serde_json::Value` tree: building, copying and dropping that tree was a third of
/// linting a menu with thousands of findings.
#[derive(Serialize)]
struct Output<'a> {
    files: usize,
    diagnostics: Vec<Finding<'a>>,
    summary: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<Finding<'a>>>,
}

#[derive(Serialize)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: &'static str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    node: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    fix: Value,
}

fn diagnostic(d: &Diagnostic) -> Finding<'_> {
    let (line, column) = line_column(d);
    let (end_line, end_column) = end_line_column(d);
    Finding {
        rule: &d.code,
        severity: d.severity.as_str(),
        file: &d.path,
        line,
        column,
        end_line,
        end_column,
        node: d.node.as_deref(),
        message: &d.message,
        help: d.help.as_deref(),
        fix: fix_json(d),
    }
}

fn write(output: &Output<'_>) -> String {
    serde_json::to_string_pretty(output).unwrap_or_default() + "\n"
}

pub fn render(report: &LintReport) -> String {
    let summary = report.summary();
    write(&Output {
        files: report.files,
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
        summary: Counts {
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
        errors: None,
    })
}

/// What a run that could not be done (exit 2) writes: no findings, and the reasons in
/// `errors`, each shaped like a finding.
pub fn render_failure(errors: &[Diagnostic]) -> String {
    write(&Output {
        files: 0,
        diagnostics: Vec::new(),
        summary: Counts {
            errors: 0,
            warnings: 0,
            infos: 0,
        },
        errors: Some(errors.iter().map(diagnostic).collect()),
    })
}
