//! The queue part of `ivr sim` output: a table for people, rows for CSV.

use std::fmt::Write;

use crate::sim::queues::{Estimate, QueueFigures, QueueReport};

fn pct(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn secs(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.1}"))
}

fn pct_interval(e: &Estimate) -> String {
    super::interval_text(e.ci95, 100.0, 1, false)
}

/// The queue table: one row per queue and one for all queues, then the end-to-end figures
/// and, for a day, one row per interval.
pub fn human(q: &QueueReport) -> String {
    let mut out = String::new();
    let how = match q.days {
        Some(days) => format!("{days} simulated days, intervals from the spread across days"),
        None => "steady state after the first hour, intervals by batch means".to_string(),
    };
    let _ = writeln!(
        out,
        "\n  queues ({how}); service level: answered within {} s, target {}",
        q.answer_within,
        pct(Some(q.target))
    );
    let header = |out: &mut String, first: &str| {
        let _ = writeln!(
            out,
            "  {:<20} {:>8} {:>8} {:<14} {:>7} {:>7} {:>8} {:>9} {:>7}",
            first,
            "offered",
            "service",
            "95% interval",
            "asa s",
            "p_wait",
            "abandon",
            "occupancy",
            "p90 s"
        );
    };
    let row = |out: &mut String, name: &str, f: &QueueFigures| {
        let _ = writeln!(
            out,
            "  {:<20} {:>8} {:>8} {:<14} {:>7} {:>7} {:>8} {:>9} {:>7}",
            crate::text::cell(name, 20),
            f.offered,
            pct(f.service_level.value),
            pct_interval(&f.service_level),
            secs(f.asa.value),
            pct(f.p_wait.value),
            pct(f.abandoned.value),
            pct(f.occupancy.value),
            secs(f.wait.p90)
        );
    };
    header(&mut out, "queue");
    for (name, f) in &q.queues {
        row(&mut out, name, f);
    }
    row(&mut out, "all queues", &q.overall);
    let e = &q.end_to_end;
    let _ = writeln!(
        out,
        "\n  end to end ({} calls): answered {} {}, abandoned {} {}, transferred {}",
        e.calls,
        pct(e.answered.value),
        pct_interval(&e.answered),
        pct(e.abandoned_total.value),
        pct_interval(&e.abandoned_total),
        pct(e.transferred.value)
    );
    if let Some(t) = &e.time_to_answer {
        let quantiles = match (t.p50, t.p90, t.p99) {
            (Some(a), Some(b), Some(c)) => format!("{a:.1} / {b:.1} / {c:.1}"),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "  time to answer (s): mean {:.1}, p50 / p90 / p99 {quantiles}, within {} s {}",
            t.mean,
            q.answer_within,
            pct(e.time_to_answer_within)
        );
    }
    if let Some(intervals) = &q.intervals {
        out.push('\n');
        header(&mut out, "interval (all queues)");
        for i in intervals {
            let minutes = i.start_minutes.round() as u64;
            row(
                &mut out,
                &format!("+{:02}:{:02}", minutes / 60, minutes % 60),
                &i.overall,
            );
        }
    }
    out
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s.is_empty() || s == "-" {
            "0".to_string()
        } else {
            s.to_string()
        }
    })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The queue rows of the CSV output (after a blank line): per queue and all queues, and per
/// interval of a day.
pub fn csv(q: &QueueReport) -> String {
    let mut out = String::from(
        "\nqueue,interval_start_minutes,offered,answered,service_level,service_level_low,service_level_high,asa,asa_low,asa_high,p_wait,abandoned,abandoned_low,abandoned_high,occupancy,occupancy_low,occupancy_high,wait_mean,wait_p50,wait_p90,wait_p99\n",
    );
    let row = |out: &mut String, name: &str, start: Option<f64>, f: &QueueFigures| {
        let ci = |e: &Estimate, i: usize| {
            num(e.ci95.and_then(|c| if i == 0 { Some(c.lo) } else { c.hi }))
        };
        let cells = [
            csv_field(name),
            num(start),
            f.offered.to_string(),
            f.answered.to_string(),
            num(f.service_level.value),
            ci(&f.service_level, 0),
            ci(&f.service_level, 1),
            num(f.asa.value),
            ci(&f.asa, 0),
            ci(&f.asa, 1),
            num(f.p_wait.value),
            num(f.abandoned.value),
            ci(&f.abandoned, 0),
            ci(&f.abandoned, 1),
            num(f.occupancy.value),
            ci(&f.occupancy, 0),
            ci(&f.occupancy, 1),
            num(f.wait.mean),
            num(f.wait.p50),
            num(f.wait.p90),
            num(f.wait.p99),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    for (name, f) in &q.queues {
        row(&mut out, name, None, f);
    }
    row(&mut out, "all", None, &q.overall);
    for i in q.intervals.iter().flatten() {
        for (name, f) in &i.queues {
            row(&mut out, name, Some(i.start_minutes), f);
        }
        row(&mut out, "all", Some(i.start_minutes), &i.overall);
    }
    out
}
