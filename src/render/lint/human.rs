//! The default format: miette's graphical report for each finding, then a summary line.

use std::fmt::Write;

use rayon::prelude::*;

use crate::diagnostic::RenderStyle;

use crate::lint::LintReport;

pub fn render(report: &LintReport, style: RenderStyle, show_time: bool) -> String {
    // Each finding is drawn on its own, so they are drawn in parallel (a big legacy menu has
    // thousands), and joined in the report's order.
    let drawn: Vec<String> = report
        .diagnostics
        .par_iter()
        .map(|d| d.render(style))
        .collect();
    let mut out = String::with_capacity(drawn.iter().map(|d| d.len() + 1).sum::<usize>() + 100);
    for d in &drawn {
        out.push_str(d);
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
