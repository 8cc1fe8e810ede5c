//! The default format: miette's graphical report for each finding, then a summary line.

use std::fmt::Write;

use crate::diagnostic::RenderStyle;

use crate::lint::LintReport;

pub fn render(report: &LintReport, style: RenderStyle, show_time: bool) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&d.render(style));
        out.push('\n');
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {}", crate::text::printable(note));
    }
    out.push_str(&summary_line(report, show_time));
    out.push('\n');
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `Linted 4 files: 1 error, 2 warnings, 0 infos in 12 ms.`
pub fn summary_line(report: &LintReport, show_time: bool) -> String {
    let s = report.summary();
    let mut line = format!(
        "Linted {}: {}, {}, {}",
        plural(report.files, "file"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    );
    if show_time {
        let _ = write!(line, " in {} ms", report.elapsed.as_millis());
    }
    line.push('.');
    line
}
