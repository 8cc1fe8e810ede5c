//! `ivr sim --vary` output: one row per grid point, as a human table, CSV or JSON.

use std::fmt::Write;

use crate::render::sim as sim_report;
use crate::sim::report::SimReport;
use crate::sim::sweep::{Param, Point};

/// A human table: the point's values, then the overall self_served, agent, misrouted and
/// abandoned shares, the mean inputs, the mean time and the time p90.
pub fn human(params: &[Param], rows: &[(Point, SimReport)]) -> String {
    let mut out = String::new();
    let Some((_, first)) = rows.first() else {
        return out;
    };
    let how = match (first.calls, first.seed) {
        (Some(calls), Some(seed)) => format!(
            "{calls} simulated calls at each, seed {seed} (the same random numbers at every point)"
        ),
        _ => "exact solution of the caller model at each".to_string(),
    };
    let _ = writeln!(
        out,
        "{}: {} point{}, {how}\n",
        crate::text::printable(&first.menu),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    let mut header: Vec<String> = params.iter().map(|p| p.short().to_string()).collect();
    header.extend(
        [
            "self_served",
            "agent",
            "misrouted",
            "abandoned",
            "inputs",
            "time s",
            "time p90",
        ]
        .map(str::to_string),
    );
    table.push(header);
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    for (point, report) in rows {
        let f = &report.overall;
        let mut row: Vec<String> = point.values.iter().map(|(_, v)| v.to_string()).collect();
        row.extend([
            pct(f.outcomes.self_served),
            pct(f.outcomes.agent),
            pct(f.outcomes.misrouted),
            pct(f.outcomes.abandoned),
            format!("{:.2}", f.inputs.mean),
            format!("{:.1}", f.time.mean),
            f.time.p90.map_or("-".to_string(), |v| format!("{v:.1}")),
        ]);
        table.push(row);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let width = widths[c];
            // The point's values are left-aligned, the figures right-aligned.
            if c < params.len() {
                let _ = write!(line, "  {cell:<width$}");
            } else {
                let _ = write!(line, "  {cell:>width$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The point's values as leading columns (`callers.mistake_rate`, ...; null is an empty cell),
/// then the columns of the overall row of `ivr sim --format csv` after `scope` and `share`.
pub fn csv(params: &[Param], rows: &[(Point, SimReport)]) -> String {
    let mut out = String::new();
    let Some((_, first)) = rows.first() else {
        return out;
    };
    let after_scope_and_share = |line: &str| line.splitn(3, ',').nth(2).unwrap_or("").to_string();
    let sim_header = sim_report::csv(first);
    let mut header: Vec<String> = params.iter().map(|p| p.path().to_string()).collect();
    header.push(after_scope_and_share(
        sim_header.lines().next().unwrap_or(""),
    ));
    out.push_str(&header.join(","));
    out.push('\n');
    for (point, report) in rows {
        let sim = sim_report::csv(report);
        let mut cells: Vec<String> = point
            .values
            .iter()
            .map(|(_, v)| match v {
                crate::sim::sweep::Value::Null => String::new(),
                v => v.to_string(),
            })
            .collect();
        cells.push(after_scope_and_share(sim.lines().nth(1).unwrap_or("")));
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A list of `{ "point": {...}, "result": {sim object} }`.
///
/// Serialised straight from the reports: building a JSON tree of every point first took
/// gigabytes for 1,000 points of 1,000 intents.
pub fn json(rows: &[(Point, SimReport)]) -> String {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        point: serde_json::Map<String, serde_json::Value>,
        result: &'a SimReport,
    }
    let list: Vec<Row> = rows
        .iter()
        .map(|(point, report)| Row {
            point: point
                .values
                .iter()
                .map(|(p, v)| (p.path().to_string(), v.to_json()))
                .collect(),
            result: report,
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
}
