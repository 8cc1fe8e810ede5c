//! `ivr sim --vary` output: one row per grid point, as a human table, CSV or JSON.

use std::fmt::Write;

use crate::render::sim as sim_report;
use crate::sim::gates::GateResult;
use crate::sim::queues::{QueueFigures, QueueReport};
use crate::sim::report::SimReport;
use crate::sim::sweep::{Param, Point};

/// A human table: the point's values, then the overall self_served, agent, misrouted and
/// abandoned shares, the mean inputs, the mean time and the time p90; the confused share when
/// the callers can be confused, and what speech nodes heard when the menu has one.
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
    // At any point: a sweep of `callers.confusion` from 0 has no confused share at its first.
    let confusable = rows.iter().any(|(_, r)| r.overall.confused.is_some());
    let speech = rows.iter().any(|(_, r)| r.overall.speech.is_some());
    if confusable {
        header.push("confused".to_string());
    }
    if speech {
        header.extend(["recognised", "asked to repeat", "misrecognised"].map(str::to_string));
    }
    // Queue columns: all queues together, then (when there are several) each queue whose
    // agents are varied.
    let queues = first.queues.as_ref();
    let several = queues.is_some_and(|q| q.queues.len() > 1);
    let varied_queues: Vec<&str> = params
        .iter()
        .filter_map(|p| match p {
            Param::Agents(name) if several => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if queues.is_some() {
        header
            .extend(["service", "asa s", "q abandon", "occupancy", "answered"].map(str::to_string));
        for name in &varied_queues {
            header.push(format!("{} service", crate::text::printable(name)));
        }
    }
    table.push(header);
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let opt_pct = |v: Option<f64>| v.map_or("-".to_string(), pct);
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
        if confusable {
            row.push(pct(f.confused.unwrap_or(0.0)));
        }
        if speech {
            match &f.speech {
                Some(h) => row.extend([h.recognised, h.rejected, h.misrecognised].map(pct)),
                None => row.extend((0..3).map(|_| "-".to_string())),
            }
        }
        if queues.is_some() {
            match &report.queues {
                Some(q) => {
                    row.extend([
                        opt_pct(q.overall.service_level.value),
                        q.overall
                            .asa
                            .value
                            .map_or("-".to_string(), |v| format!("{v:.1}")),
                        opt_pct(q.overall.abandoned.value),
                        opt_pct(q.overall.occupancy.value),
                        opt_pct(q.end_to_end.answered.value),
                    ]);
                    for name in &varied_queues {
                        let f = q.queues.iter().find(|(n, _)| n == name);
                        row.push(opt_pct(f.and_then(|(_, f)| f.service_level.value)));
                    }
                }
                None => row.extend((0..5 + varied_queues.len()).map(|_| "-".to_string())),
            }
        }
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
    // The closing columns of any point, at every point: a sweep of `callers.confusion` from 0
    // has no confused share at its first point.
    let columns = sim_report::CsvColumns {
        confused: rows.iter().any(|(_, r)| r.overall.confused.is_some()),
        speech: rows.iter().any(|(_, r)| r.overall.speech.is_some()),
    };
    let sim_header = sim_report::csv_with(first, columns);
    let mut header: Vec<String> = params.iter().map(|p| csv_field(&p.path())).collect();
    header.push(after_scope_and_share(
        sim_header.lines().next().unwrap_or(""),
    ));
    let queue_names: Option<Vec<String>> = first
        .queues
        .as_ref()
        .map(|q| q.queues.iter().map(|(n, _)| n.clone()).collect());
    if let Some(names) = &queue_names {
        header.push(queue_csv_header(names));
    }
    out.push_str(&header.join(","));
    out.push('\n');
    for (point, report) in rows {
        let sim = sim_report::csv_with(report, columns);
        let mut cells: Vec<String> = point
            .values
            .iter()
            .map(|(_, v)| match v {
                crate::sim::sweep::Value::Null => String::new(),
                v => v.to_string(),
            })
            .collect();
        cells.push(after_scope_and_share(sim.lines().nth(1).unwrap_or("")));
        if let Some(names) = &queue_names {
            cells.push(queue_csv_cells(names, report.queues.as_ref()));
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// The figures of one queue scope in the sweep CSV, named as a check names them.
const QUEUE_FIGURES: [&str; 7] = [
    "service_level",
    "service_level_low",
    "service_level_high",
    "asa",
    "abandoned",
    "occupancy",
    "wait.p90",
];

/// The end-to-end figures in the sweep CSV.
const END_TO_END_FIGURES: [&str; 3] = ["answered", "abandoned_total", "time_to_answer.p90"];

/// The queue columns: all queues (`queues.x`), each queue (`queue.NAME.x`), then end to end.
fn queue_csv_header(names: &[String]) -> String {
    let mut columns: Vec<String> = QUEUE_FIGURES
        .iter()
        .map(|f| format!("queues.{f}"))
        .collect();
    for name in names {
        columns.extend(
            QUEUE_FIGURES
                .iter()
                .map(|f| csv_field(&format!("queue.{name}.{f}"))),
        );
    }
    columns.extend(END_TO_END_FIGURES.map(str::to_string));
    columns.join(",")
}

/// The queue cells of one point (empty cells where a figure is null).
fn queue_csv_cells(names: &[String], queues: Option<&QueueReport>) -> String {
    let number = |v: Option<f64>| {
        v.map_or(String::new(), |v| {
            format!("{}", (v * 1e6).round() / 1e6 + 0.0)
        })
    };
    let scope = |f: Option<&QueueFigures>| -> Vec<String> {
        let Some(f) = f else {
            return vec![String::new(); QUEUE_FIGURES.len()];
        };
        vec![
            number(f.service_level.value),
            number(f.service_level.ci95.map(|c| c.lo)),
            number(f.service_level.ci95.and_then(|c| c.hi)),
            number(f.asa.value),
            number(f.abandoned.value),
            number(f.occupancy.value),
            number(f.wait.p90),
        ]
    };
    let mut cells = scope(queues.map(|q| &q.overall));
    for name in names {
        let f = queues.and_then(|q| q.queues.iter().find(|(n, _)| n == name).map(|(_, f)| f));
        cells.extend(scope(f));
    }
    let e = queues.map(|q| &q.end_to_end);
    cells.extend([
        number(e.and_then(|e| e.answered.value)),
        number(e.and_then(|e| e.abandoned_total.value)),
        number(e.and_then(|e| e.time_to_answer.as_ref()?.p90)),
    ]);
    cells.join(",")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A list of `{ "point": {...}, "result": {sim object} }`.
///
/// Serialised straight from the reports: building a JSON tree of every point first took
/// gigabytes for 1,000 points of 1,000 intents.
pub fn json(rows: &[(Point, SimReport)]) -> String {
    json_with_checks(rows, &[])
}

/// The list of [`json`], each point with the verdicts of `--check` at it (`checks`, as
/// `ivr sim --check --format json` gives them) when there are checks.
pub fn json_with_checks(rows: &[(Point, SimReport)], checks: &[Vec<GateResult>]) -> String {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        point: serde_json::Map<String, serde_json::Value>,
        result: &'a SimReport,
        #[serde(skip_serializing_if = "Option::is_none")]
        checks: Option<&'a [GateResult]>,
    }
    let list: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, (point, report))| Row {
            checks: checks.get(i).map(Vec::as_slice),
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
