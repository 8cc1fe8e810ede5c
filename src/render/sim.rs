//! `ivr sim` output: a human table, JSON (the report struct as is) and CSV.

use std::fmt::Write;

use crate::sim::engine::Outcome;
use crate::sim::report::{Distribution, Figures, SimReport};

pub fn json(report: &SimReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// One header line, the overall row, then one row per intent.
pub fn csv(report: &SimReport) -> String {
    let mut out = String::from(
        "scope,share,self_served,agent,misrouted,unresolved,disconnected,abandoned,looped,inputs_mean,inputs_p50,inputs_p90,inputs_p99,time_mean,time_p50,time_p90,time_p99\n",
    );
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
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    row(&mut out, "overall", 1.0, &report.overall);
    for (name, intent) in &report.intents {
        row(&mut out, name, intent.share, &intent.figures);
    }
    if let Some(queues) = &report.queues {
        out.push_str(&super::queues::csv(queues));
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

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn interval_pct(ci: Option<[f64; 2]>) -> String {
    ci.map_or(String::new(), |[a, b]| {
        format!("[{:.1}, {:.1}]", a * 100.0, b * 100.0)
    })
}

fn interval(ci: Option<[f64; 2]>, digits: usize) -> String {
    ci.map_or(String::new(), |[a, b]| {
        format!("[{a:.digits$}, {b:.digits$}]")
    })
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
    let _ = writeln!(out, "{}: {how}\n", report.menu);
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
    out.push('\n');
    let mut intents: Vec<_> = report.intents.iter().collect();
    intents.sort_by(|a, b| b.1.share.total_cmp(&a.1.share));
    let shown = intents.len().min(10);
    let _ = writeln!(
        out,
        "  {:<22} {:>6} {:>8} {:>7} {:>9} {:>9} {:>7} {:>8}",
        if shown < intents.len() {
            format!("top {shown} of {} intents", intents.len())
        } else {
            "intent".to_string()
        },
        "share",
        "self",
        "agent",
        "misroute",
        "abandon",
        "inputs",
        "time s"
    );
    for (name, intent) in intents.iter().take(shown) {
        let g = &intent.figures;
        let _ = writeln!(
            out,
            "  {:<22} {:>6} {:>8} {:>7} {:>9} {:>9} {:>7.2} {:>8.1}",
            truncate(name, 22),
            pct(intent.share),
            pct(g.outcomes.self_served),
            pct(g.outcomes.agent),
            pct(g.outcomes.misrouted),
            pct(g.outcomes.abandoned),
            g.inputs.mean,
            g.time.mean
        );
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

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).collect::<String>() + "…"
    }
}
