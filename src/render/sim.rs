//! `ivr sim` output: a human table, JSON (the report struct as is) and CSV.

use std::fmt::Write;

use super::interval_text;
use crate::sim::engine::Outcome;
use crate::sim::flow::Flow;
use crate::sim::report::{Distribution, Figures, SimReport};
use crate::stats::Interval;

pub fn json(report: &SimReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// One header line, the overall row, then one row per intent, then one per caller group
/// (scope `persona:NAME`) when the intents file names groups. A `confused` column ends each
/// row when the callers can be confused.
pub fn csv(report: &SimReport) -> String {
    let columns = CsvColumns {
        confused: report.overall.confused.is_some(),
        speech: report.overall.speech.is_some(),
    };
    csv_with(report, columns)
}

/// The columns a CSV ends with beyond version 1's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvColumns {
    /// `confused` (0 where the callers cannot be confused).
    pub confused: bool,
    /// The four speech figures (empty where the menu has no speech node).
    pub speech: bool,
}

/// The CSV with the given closing columns: a sweep gives every point the columns of any point,
/// so that its rows line up under one header.
pub fn csv_with(report: &SimReport, columns: CsvColumns) -> String {
    let confusable = columns.confused;
    let mut out = String::from(
        "scope,share,self_served,agent,misrouted,unresolved,disconnected,abandoned,looped,inputs_mean,inputs_p50,inputs_p90,inputs_p99,time_mean,time_p50,time_p90,time_p99,calls,calls_to_agent,time_to_agent_mean,time_to_agent_p50,time_to_agent_p90,time_to_agent_p99",
    );
    let speech = columns.speech;
    if confusable {
        out.push_str(",confused");
    }
    if speech {
        out.push_str(",speech_attempts,speech_recognised,speech_rejected,speech_misrecognised");
    }
    out.push('\n');
    let row = |out: &mut String, scope: &str, share: f64, f: &Figures| {
        let mut cells = vec![csv_field(scope), num(share)];
        cells.extend(Outcome::ALL.iter().map(|&o| num(f.outcomes.get(o))));
        let inputs = &f.inputs;
        cells.push(num(inputs.mean));
        cells.extend(
            [inputs.p50, inputs.p90, inputs.p99]
                .map(|q| q.map_or(String::new(), |v| v.to_string())),
        );
        let time = &f.time;
        cells.push(num(time.mean));
        cells.extend([time.p50, time.p90, time.p99].map(|q| q.map_or(String::new(), num)));
        let count = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
        cells.push(count(f.calls));
        cells.push(count(f.calls_to_agent));
        match &f.time_to_agent {
            Some(t) => {
                cells.push(num(t.mean));
                cells.extend([t.p50, t.p90, t.p99].map(|q| q.map_or(String::new(), num)));
            }
            None => cells.extend(std::iter::repeat_n(String::new(), 4)),
        }
        if confusable {
            cells.push(num(f.confused.unwrap_or(0.0)));
        }
        if speech {
            match &f.speech {
                Some(s) => {
                    cells.extend([s.attempts, s.recognised, s.rejected, s.misrecognised].map(num))
                }
                None => cells.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    row(&mut out, "overall", 1.0, &report.overall);
    for (name, intent) in &report.intents {
        row(&mut out, name, intent.share, &intent.figures);
    }
    for (name, group) in &report.personas {
        row(
            &mut out,
            &format!("persona:{name}"),
            group.share,
            &group.figures,
        );
    }
    if let Some(queues) = &report.queues {
        out.push_str(&super::queues::csv(queues));
    }
    out
}

/// The flow figures as one table: a row per node and per edge (the `element` column says
/// which), for the whole traffic and then, with `--by-intent`, for each intent. Cells that do
/// not apply to the row are empty.
pub fn flow_csv(report: &SimReport) -> String {
    let mut out = String::from(
        "scope,element,node,to,kind,key,visits,reached,self_served,agent,misrouted,unresolved,disconnected,abandoned,looped,lost,invalid,silences,traversals\n",
    );
    let opt = |v: Option<f64>| v.map_or(String::new(), num);
    let mut table = |scope: &str, flow: &Flow| {
        for node in &flow.nodes {
            let mut cells = vec![
                csv_field(scope),
                "node".to_string(),
                csv_field(&node.id),
                String::new(),
                node.kind.to_string(),
                String::new(),
                num(node.visits.mean),
                opt(node.reached),
            ];
            cells.extend(Outcome::ALL.iter().map(|&o| num(node.ended.get(o))));
            cells.extend([
                num(node.lost),
                num(node.invalid.mean),
                num(node.silences.mean),
                String::new(),
            ]);
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        for edge in &flow.edges {
            let mut cells = vec![
                csv_field(scope),
                "edge".to_string(),
                csv_field(&edge.from),
                edge.to.as_deref().map_or(String::new(), csv_field),
                edge.kind.to_string(),
                edge.key.as_deref().map_or(String::new(), csv_field),
            ];
            cells.extend(std::iter::repeat_n(String::new(), 12));
            cells.push(num(edge.traversals.mean));
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    };
    if let Some(flow) = &report.flow {
        table("overall", flow);
    }
    for (name, intent) in &report.intents {
        if let Some(flow) = &intent.flow {
            table(name, flow);
        }
    }
    out
}

fn num(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A text cell: control characters escaped (a line break in a cell would start a line of its
/// own in a CI log), quoted when it holds a separator or a quote, and a text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first)
/// starts with `'` so that it stays text. Only names go through here, never our numbers, so
/// `-0.5` stays a number.
pub(crate) fn csv_field(text: &str) -> String {
    let text = crate::text::printable(text);
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.into_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Column headings of the outcomes in the per-intent table, in `Outcome::ALL` order.
const OUTCOME_HEADINGS: [&str; 7] = [
    "self", "agent", "misroute", "unresolv", "discon", "abandon", "looped",
];

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn interval_pct(ci: Option<Interval>) -> String {
    interval_text(ci, 100.0, 1, false)
}

fn interval(ci: Option<Interval>, digits: usize) -> String {
    interval_text(ci, 1.0, digits, false)
}

/// `p50 / p90 / p99` (integers print without decimals).
fn quantiles<Q: std::fmt::Display>(d: &Distribution<Q>, digits: usize) -> String {
    match (&d.p50, &d.p90, &d.p99) {
        (Some(a), Some(b), Some(c)) => format!("{a:.digits$} / {b:.digits$} / {c:.digits$}"),
        _ => "-".to_string(),
    }
}

/// The human report: overall outcomes with intervals, inputs and time, and the intents that
/// matter most (the largest shares).
pub fn human(report: &SimReport) -> String {
    let mut out = String::new();
    let how = match (report.calls, report.seed) {
        (Some(calls), Some(seed)) => format!("{calls} simulated calls, seed {seed}"),
        _ => "exact solution of the caller model".to_string(),
    };
    let _ = writeln!(out, "{}: {how}\n", crate::text::printable(&report.menu));
    let f = &report.overall;
    let _ = writeln!(
        out,
        "  {:<14} {:>7}  {}",
        "outcome",
        "share",
        if report.exact { "" } else { "95% interval" }
    );
    for o in Outcome::ALL {
        let _ = writeln!(
            out,
            "  {:<14} {:>7}  {}",
            o.name(),
            pct(f.outcomes.get(o)),
            interval_pct(f.outcomes_ci95.get(o))
        );
    }
    if let Some(confused) = f.confused {
        let _ = writeln!(
            out,
            "  {:<14} {:>7}  {}",
            "confused",
            pct(confused),
            interval_pct(f.confused_ci95)
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "  {:<14} {:>9}  {:<20} {}",
        "",
        "mean",
        if report.exact { "" } else { "95% interval" },
        if report.exact { "" } else { "p50 / p90 / p99" }
    );
    line(&mut out, "inputs", &f.inputs, 2);
    line(&mut out, "time (s)", &f.time, 1);
    if let Some(tta) = &f.time_to_agent {
        line(&mut out, "time to agent", tta, 1);
    }
    if let Some(speech) = &f.speech {
        let _ = writeln!(
            out,
            "\n  speech: {:.2} spoken attempts a call; recognised {}, asked to repeat {}, misrecognised {}",
            speech.attempts,
            pct(speech.recognised),
            pct(speech.rejected),
            pct(speech.misrecognised)
        );
    }
    out.push('\n');
    let mut intents: Vec<_> = report.intents.iter().collect();
    intents.sort_by(|a, b| b.1.share.total_cmp(&a.1.share));
    let shown = intents.len().min(10);
    // Every outcome has a column, so that each row adds up to 100%.
    let _ = write!(
        out,
        "  {:<22} {:>6}",
        if shown < intents.len() {
            format!("top {shown} of {} intents", intents.len())
        } else {
            "intent".to_string()
        },
        "share",
    );
    if !report.exact {
        let _ = write!(out, " {:>8}", "calls");
    }
    for heading in OUTCOME_HEADINGS {
        let _ = write!(out, " {heading:>8}");
    }
    let _ = write!(out, " {:>7} {:>8}", "inputs", "time s");
    if f.confused.is_some() {
        let _ = write!(out, " {:>8}", "confused");
    }
    out.push('\n');
    for (name, intent) in intents.iter().take(shown) {
        let g = &intent.figures;
        let _ = write!(
            out,
            "  {:<22} {:>6}",
            crate::text::cell(name, 22),
            pct(intent.share)
        );
        if let Some(calls) = g.calls {
            let _ = write!(out, " {calls:>8}");
        }
        for o in Outcome::ALL {
            let _ = write!(out, " {:>8}", pct(g.outcomes.get(o)));
        }
        let _ = write!(out, " {:>7.2} {:>8.1}", g.inputs.mean, g.time.mean);
        if let Some(c) = g.confused {
            let _ = write!(out, " {:>8}", pct(c));
        }
        out.push('\n');
    }
    if !report.personas.is_empty() {
        personas_table(&mut out, report);
    }
    if let Some(queues) = &report.queues {
        out.push_str(&super::queues::human(queues));
    }
    if let Some(queues) = &report.queues_exact {
        out.push('\n');
        out.push_str(&super::staff::human(queues));
    }
    // Columns left empty (no intervals with `--exact`) leave no trailing blanks.
    out.lines()
        .map(str::trim_end)
        .fold(String::new(), |mut text, l| {
            text.push_str(l);
            text.push('\n');
            text
        })
}

/// One row per caller group: its share of the calls, its outcomes, inputs and time, and its
/// confused share when the callers can be confused.
fn personas_table(out: &mut String, report: &SimReport) {
    let confusable = report.overall.confused.is_some();
    let _ = write!(out, "\n  {:<22} {:>6}", "caller group", "share");
    if !report.exact {
        let _ = write!(out, " {:>8}", "calls");
    }
    for heading in OUTCOME_HEADINGS {
        let _ = write!(out, " {heading:>8}");
    }
    let _ = write!(out, " {:>7} {:>8}", "inputs", "time s");
    if confusable {
        let _ = write!(out, " {:>8}", "confused");
    }
    out.push('\n');
    for (name, group) in &report.personas {
        let g = &group.figures;
        let _ = write!(
            out,
            "  {:<22} {:>6}",
            crate::text::cell(name, 22),
            pct(group.share)
        );
        if let Some(calls) = g.calls {
            let _ = write!(out, " {calls:>8}");
        }
        for o in Outcome::ALL {
            let _ = write!(out, " {:>8}", pct(g.outcomes.get(o)));
        }
        let _ = write!(out, " {:>7.2} {:>8.1}", g.inputs.mean, g.time.mean);
        if let Some(c) = g.confused {
            let _ = write!(out, " {:>8}", pct(c));
        }
        out.push('\n');
    }
}

/// One row of means: the mean, its interval and the quantiles (empty with `--exact`).
fn line<Q: std::fmt::Display>(out: &mut String, name: &str, d: &Distribution<Q>, digits: usize) {
    let _ = writeln!(
        out,
        "  {:<14} {:>9}  {:<20} {}",
        name,
        format!("{:.digits$}", d.mean),
        interval(d.mean_ci95, digits),
        if d.p50.is_some() {
            quantiles(d, digits)
        } else {
            String::new()
        }
    );
}
