//! `--statistics`: how many findings each rule reported, most first, instead of the findings.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::diagnostic::Severity;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *counts.entry((d.code.as_str(), d.severity)).or_default() += 1;
    }
    let mut rows: Vec<((&str, Severity), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = rows.iter().map(|r| r.0.0.len()).max().unwrap_or(0);
    let mut out = String::new();
    for ((rule, severity), count) in rows {
        let _ = writeln!(out, "{count:>width$}  {rule:name_width$}  {severity}");
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push_str(&super::human::summary_line(report, false));
    out.push('\n');
    out
}
