//! `ivr sim --check` output: one line per check and a summary line (human), or a `checks` list
//! added to the `ivr sim --format json` object.

use std::fmt::Write;

use crate::sim::gates::{GateResult, VerdictCounts};
use crate::sim::report::SimReport;
use crate::sim::sweep::{Param, Point};

/// One line per check (figure, value, interval, verdict), then the summary line.
pub fn human(results: &[GateResult], exact: bool) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        ["check", "value", "95% interval", "verdict"]
            .map(str::to_string)
            .to_vec(),
    ];
    for r in results {
        let digits = r.digits;
        let mut verdict = r.verdict.name().to_string();
        if let Some(note) = &r.note {
            let _ = write!(verdict, " ({})", crate::text::printable(note));
        }
        rows.push(vec![
            crate::text::printable(&r.expr).into_owned(),
            r.value.map_or("-".to_string(), |v| format!("{v:.digits$}")),
            super::interval_text(r.ci95, 1.0, digits, false),
            verdict,
        ]);
    }
    if exact {
        // No intervals: no column for them.
        for row in &mut rows {
            row.remove(2);
        }
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::from(" ");
        for (c, cell) in row.iter().enumerate() {
            let width = widths[c];
            // The value column is right-aligned; the rest left-aligned.
            if c == 1 {
                let _ = write!(line, " {cell:>width$} ");
            } else {
                let _ = write!(line, " {cell:<width$} ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&summary(results));
    out.push('\n');
    out
}

/// `3 checks: 1 passed, 1 failed, 1 inconclusive`.
pub fn summary(results: &[GateResult]) -> String {
    let t = VerdictCounts::of(results);
    let n = results.len();
    format!(
        "{n} check{}: {} passed, {} failed, {} inconclusive",
        if n == 1 { "" } else { "s" },
        t.passed,
        t.failed,
        t.inconclusive
    )
}

/// The `ivr sim --format json` object with a top-level `checks` list.
pub fn json(report: &SimReport, results: &[GateResult]) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        map.insert(
            "checks".to_string(),
            serde_json::to_value(results).unwrap_or_default(),
        );
    }
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The checks of a sweep (`--vary` with `--check`): a row per point, its values then each
/// check's verdict and figure, then the summary line over every point.
pub fn sweep_human(params: &[Param], points: &[&Point], checks: &[Vec<GateResult>]) -> String {
    let Some(first) = checks.first() else {
        return String::new();
    };
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(checks.len() + 1);
    let mut header: Vec<String> = params.iter().map(|p| p.short().into_owned()).collect();
    header.extend(
        first
            .iter()
            .map(|r| crate::text::printable(&r.expr).into_owned()),
    );
    rows.push(header);
    for (point, results) in points.iter().zip(checks) {
        let mut row: Vec<String> = point.values.iter().map(|(_, v)| v.to_string()).collect();
        row.extend(results.iter().map(point_cell));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, "  {cell:<width$}");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    // Why a check is inconclusive, once per point and check.
    let mut notes = String::new();
    for (point, results) in points.iter().zip(checks) {
        for r in results {
            if let Some(note) = &r.note {
                let at: Vec<String> = point
                    .values
                    .iter()
                    .map(|(p, v)| format!("{}={v}", p.short()))
                    .collect();
                let _ = writeln!(
                    notes,
                    "  at {}: {} is {}: {}",
                    at.join(", "),
                    crate::text::printable(&r.expr),
                    r.verdict.name(),
                    crate::text::printable(note)
                );
            }
        }
    }
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes);
    }
    out.push('\n');
    out.push_str(&sweep_summary(checks));
    out.push('\n');
    out
}

/// A check's cell in the table of a sweep's checks: its verdict and the figure it judged, to
/// the check's own digits (`pass 0.071`).
pub fn point_cell(result: &GateResult) -> String {
    let digits = result.digits;
    match result.value {
        Some(v) => format!("{} {v:.digits$}", result.verdict.name()),
        None => result.verdict.name().to_string(),
    }
}

/// `2 checks at 5 points: 8 passed, 2 failed, 0 inconclusive`.
pub fn sweep_summary(checks: &[Vec<GateResult>]) -> String {
    let all: Vec<GateResult> = checks.iter().flatten().cloned().collect();
    let t = VerdictCounts::of(&all);
    let n = checks.first().map_or(0, Vec::len);
    let points = checks.len();
    format!(
        "{n} check{} at {points} point{}: {} passed, {} failed, {} inconclusive",
        if n == 1 { "" } else { "s" },
        if points == 1 { "" } else { "s" },
        t.passed,
        t.failed,
        t.inconclusive
    )
}
