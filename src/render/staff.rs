//! The analytic queue report (`ivr staff`, and `ivr sim --exact` with queues): a table for
//! people and JSON.

use std::fmt::Write;

use crate::sim::staffing::{LEVELS, QueueStaffing, StaffReport};

pub fn json(report: &StaffReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

fn agents(n: Option<u32>) -> String {
    n.map_or("-".to_string(), |n| n.to_string())
}

fn row(out: &mut String, name: &str, q: &QueueStaffing) {
    let today = &q.today;
    let figures = if today.unstable {
        format!("{:>8} {:>7} {:>8} {:>6}", "unstable", "inf", "-", "100%")
    } else {
        format!(
            "{:>7.1}% {:>7} {:>7.1}% {:>5.0}%",
            today.service_level * 100.0,
            today.asa.map_or("inf".to_string(), |a| format!("{a:.1}")),
            today.abandoned * 100.0,
            today.occupancy * 100.0
        )
    };
    let levels: Vec<String> = q
        .agents_for
        .iter()
        .map(|(_, n)| format!("{:>4}", agents(*n)))
        .collect();
    let _ = writeln!(
        out,
        "  {:<20} {:>8.1} {:>7.2} {:>6} {figures} {:>7}  {}",
        crate::text::cell(name, 20),
        q.calls_per_hour,
        q.erlangs,
        q.agents,
        agents(q.fewest_agents),
        levels.join(" ")
    );
}

/// Per queue (and interval): offered calls, Erlangs, today's figures, the fewest agents for
/// the target and for each service level of [`LEVELS`].
pub fn human(report: &StaffReport) -> String {
    let mut out = String::new();
    let cap = report.max_occupancy.map_or(String::new(), |c| {
        format!(", occupancy at most {:.0}%", c * 100.0)
    });
    let _ = writeln!(
        out,
        "{}: Erlang C/A per queue; target {:.0}% answered within {} s{cap}",
        crate::text::printable(&report.menu),
        report.target * 100.0,
        report.answer_within
    );
    if report.approximate {
        let _ = writeln!(
            out,
            "  approximate: misrouted callers join a second queue, and that stream is not random (Poisson)"
        );
    }
    let levels: Vec<String> = LEVELS
        .iter()
        .map(|l| format!("{:>4}", format!("{:.0}%", l * 100.0)))
        .collect();
    let header = |out: &mut String, first: &str| {
        let _ = writeln!(
            out,
            "\n  {:<20} {:>8} {:>7} {:>6} {:>8} {:>7} {:>8} {:>6} {:>7}  {}",
            first,
            "calls/h",
            "erlangs",
            "agents",
            "service",
            "asa s",
            "abandon",
            "occup",
            "fewest",
            levels.join(" ")
        );
    };
    if !report.queues.is_empty() {
        header(&mut out, "queue");
        for (name, q) in &report.queues {
            row(&mut out, name, q);
        }
    }
    for interval in report.intervals.iter().flatten() {
        let minutes = interval.start_minutes.round() as u64;
        header(
            &mut out,
            &format!("+{:02}:{:02}", minutes / 60, minutes % 60),
        );
        for (name, q) in &interval.queues {
            row(&mut out, name, q);
        }
    }
    out.lines()
        .map(str::trim_end)
        .fold(String::new(), |mut text, l| {
            text.push_str(l);
            text.push('\n');
            text
        })
}
