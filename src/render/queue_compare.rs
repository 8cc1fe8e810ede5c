//! The queue part of `ivr compare` output: A, B and B − A of every queue figure, for people
//! and as CSV rows.

use std::fmt::Write;

use crate::sim::compare::{CompareReport, Difference};
use crate::sim::queue_compare::{EndToEndDiff, QueueFiguresDiff};
use crate::sim::queues::{EndToEnd, QueueFigures, QueueReport};

/// How a figure is counted, for its units.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Share,
    Seconds,
    Calls,
}

/// One figure: its name (as in the JSON), unit, A, B and the difference.
pub(crate) type Row = (&'static str, Unit, Option<f64>, Option<f64>, Difference);

/// A section and its rows.
pub(crate) type Block = (Section, Vec<Row>);

/// A block of rows: one queue, all queues together, or end to end.
pub(crate) enum Section {
    Queue(String),
    AllQueues,
    /// The calls counted in each run.
    EndToEnd(u64),
}

/// How the queue differences were made, for the heading: the paired replicates and the
/// service level's threshold; then the blocks of rows (per queue, all queues when there are
/// several, end to end). `None` without queues.
pub(crate) fn sections(report: &CompareReport) -> Option<(String, Vec<Block>)> {
    let ((qa, qb), d) = (parts(report)?, report.diff.queues.as_ref()?);
    let replicates = match d.mode {
        "day" => format!("{} paired days", d.replicates),
        _ => format!("{} paired batches after the first hour", d.replicates),
    };
    let how = format!(
        "both menus met the same arrivals, patience and handle times; intervals from {replicates}; service level: answered within {} s",
        qa.answer_within
    );
    let mut blocks = Vec::new();
    let b_of = |name: &str| qb.queues.iter().find(|(n, _)| n == name).map(|(_, f)| f);
    for ((name, fa), (_, fd)) in qa.queues.iter().zip(&d.queues) {
        if let Some(fb) = b_of(name) {
            blocks.push((Section::Queue(name.clone()), queue_rows(fa, fb, fd)));
        }
    }
    if qa.queues.len() > 1 {
        blocks.push((
            Section::AllQueues,
            queue_rows(&qa.overall, &qb.overall, &d.overall),
        ));
    }
    blocks.push((
        Section::EndToEnd(d.end_to_end.calls),
        end_to_end_rows(&qa.end_to_end, &qb.end_to_end, &d.end_to_end),
    ));
    Some((how, blocks))
}

fn queue_rows(a: &QueueFigures, b: &QueueFigures, d: &QueueFiguresDiff) -> Vec<Row> {
    let or_null = |d: Option<Difference>| d.unwrap_or(Difference::NULL);
    vec![
        (
            "offered",
            Unit::Calls,
            Some(a.offered as f64),
            Some(b.offered as f64),
            d.offered,
        ),
        (
            "answered",
            Unit::Calls,
            Some(a.answered as f64),
            Some(b.answered as f64),
            d.answered,
        ),
        (
            "answered_share",
            Unit::Share,
            a.answered_share.value,
            b.answered_share.value,
            d.answered_share,
        ),
        (
            "service_level",
            Unit::Share,
            a.service_level.value,
            b.service_level.value,
            d.service_level,
        ),
        ("asa", Unit::Seconds, a.asa.value, b.asa.value, d.asa),
        (
            "p_wait",
            Unit::Share,
            a.p_wait.value,
            b.p_wait.value,
            d.p_wait,
        ),
        (
            "abandoned",
            Unit::Share,
            a.abandoned.value,
            b.abandoned.value,
            d.abandoned,
        ),
        (
            "occupancy",
            Unit::Share,
            a.occupancy.value,
            b.occupancy.value,
            d.occupancy,
        ),
        (
            "wait.p50",
            Unit::Seconds,
            a.wait.p50,
            b.wait.p50,
            or_null(d.wait.p50),
        ),
        (
            "wait.p90",
            Unit::Seconds,
            a.wait.p90,
            b.wait.p90,
            or_null(d.wait.p90),
        ),
        (
            "wait.p99",
            Unit::Seconds,
            a.wait.p99,
            b.wait.p99,
            or_null(d.wait.p99),
        ),
    ]
}

fn end_to_end_rows(a: &EndToEnd, b: &EndToEnd, d: &EndToEndDiff) -> Vec<Row> {
    let or_null = |d: Option<Difference>| d.unwrap_or(Difference::NULL);
    let (ta, tb) = (a.time_to_answer.as_ref(), b.time_to_answer.as_ref());
    vec![
        (
            "answered",
            Unit::Share,
            a.answered.value,
            b.answered.value,
            d.answered,
        ),
        (
            "abandoned_total",
            Unit::Share,
            a.abandoned_total.value,
            b.abandoned_total.value,
            d.abandoned_total,
        ),
        (
            "transferred",
            Unit::Share,
            a.transferred.value,
            b.transferred.value,
            d.transferred,
        ),
        (
            "time_to_answer.mean",
            Unit::Seconds,
            ta.map(|t| t.mean),
            tb.map(|t| t.mean),
            or_null(d.time_to_answer.mean),
        ),
        (
            "time_to_answer.p50",
            Unit::Seconds,
            ta.and_then(|t| t.p50),
            tb.and_then(|t| t.p50),
            or_null(d.time_to_answer.p50),
        ),
        (
            "time_to_answer.p90",
            Unit::Seconds,
            ta.and_then(|t| t.p90),
            tb.and_then(|t| t.p90),
            or_null(d.time_to_answer.p90),
        ),
        (
            "time_to_answer.p99",
            Unit::Seconds,
            ta.and_then(|t| t.p99),
            tb.and_then(|t| t.p99),
            or_null(d.time_to_answer.p99),
        ),
        (
            "time_to_answer_within",
            Unit::Share,
            a.time_to_answer_within,
            b.time_to_answer_within,
            d.time_to_answer_within,
        ),
    ]
}

/// Both runs' queue reports, when the compare went through the queues.
fn parts(report: &CompareReport) -> Option<(&QueueReport, &QueueReport)> {
    report.diff.queues.as_ref()?;
    Some((report.a.queues.as_ref()?, report.b.queues.as_ref()?))
}

/// The queue section of the human compare report (empty without queues): per queue and for
/// all queues, then end to end.
pub fn human(report: &CompareReport) -> String {
    let mut out = String::new();
    let Some((how, blocks)) = sections(report) else {
        return out;
    };
    let _ = writeln!(out, "\nqueues ({how})");
    for (section, rows) in blocks {
        let title = match section {
            Section::Queue(name) => format!("queue {}", crate::text::printable(&name)),
            Section::AllQueues => "all queues".to_string(),
            Section::EndToEnd(calls) => format!("end to end ({calls} calls)"),
        };
        let width = title.chars().count().max(22);
        let _ = writeln!(
            out,
            "\n  {:<width$} {:>9} {:>9} {:>11}  95% interval",
            title, "A", "B", "B - A"
        );
        for (name, unit, x, y, diff) in rows {
            let (scale, digits) = unit.scale();
            let (text, ci) = match diff.diff {
                None => ("-".to_string(), String::new()),
                Some(v) => (
                    format!(
                        "{:+.digits$}{}",
                        v * scale,
                        if diff.significant { " *" } else { "" }
                    ),
                    super::interval_text(diff.ci95, scale, digits, true),
                ),
            };
            let _ = writeln!(
                out,
                "  {:<width$} {:>9} {:>9} {:>11}  {ci}",
                unit.label(name),
                unit.cell(x),
                unit.cell(y),
                text
            );
        }
    }
    out
}

impl Unit {
    /// The factor and decimals of a difference (shares in percentage points).
    pub(crate) fn scale(self) -> (f64, usize) {
        match self {
            Unit::Share => (100.0, 2),
            Unit::Seconds => (1.0, 1),
            Unit::Calls => (1.0, 0),
        }
    }

    /// A value for people: percent, seconds or calls.
    pub(crate) fn cell(self, v: Option<f64>) -> String {
        match (v, self) {
            (None, _) => "-".to_string(),
            (Some(v), Unit::Share) => format!("{:.1}%", v * 100.0),
            (Some(v), Unit::Seconds) => format!("{v:.1}"),
            (Some(v), Unit::Calls) => format!("{v:.0}"),
        }
    }

    /// The figure's name with its unit.
    pub(crate) fn label(self, name: &str) -> String {
        match self {
            Unit::Share => name.to_string(),
            Unit::Seconds => format!("{name} (s)"),
            Unit::Calls => format!("{name} (calls)"),
        }
    }
}

/// The queue rows of the compare CSV, after a blank line (empty without queues): one row per
/// figure, shares as fractions and times in seconds. `scope` is `queue` (with its name),
/// `all` (all queues together) or `end_to_end`; a day's intervals follow with their start.
pub fn csv(report: &CompareReport) -> String {
    let (Some((qa, qb)), Some(d)) = (parts(report), report.diff.queues.as_ref()) else {
        return String::new();
    };
    let mut out = String::from(
        "\nscope,queue,interval_start_minutes,figure,a,b,diff,diff_low,diff_high,significant\n",
    );
    let number = |v: Option<f64>| {
        v.map_or(String::new(), |v| {
            format!("{}", (v * 1e6).round() / 1e6 + 0.0)
        })
    };
    let rows = |out: &mut String, scope: &str, queue: &str, start: Option<f64>, rows: Vec<Row>| {
        for (name, _, x, y, diff) in rows {
            let cells = [
                scope.to_string(),
                csv_field(queue),
                number(start),
                name.to_string(),
                number(x),
                number(y),
                number(diff.diff),
                number(diff.ci95.map(|c| c.lo)),
                number(diff.ci95.and_then(|c| c.hi)),
                if diff.diff.is_some() {
                    diff.significant.to_string()
                } else {
                    String::new()
                },
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    };
    let find = |list: &'_ [(String, QueueFigures)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, f)| *f)
    };
    for (name, fd) in &d.queues {
        if let (Some(fa), Some(fb)) = (find(&qa.queues, name), find(&qb.queues, name)) {
            rows(&mut out, "queue", name, None, queue_rows(&fa, &fb, fd));
        }
    }
    rows(
        &mut out,
        "all",
        "",
        None,
        queue_rows(&qa.overall, &qb.overall, &d.overall),
    );
    rows(
        &mut out,
        "end_to_end",
        "",
        None,
        end_to_end_rows(&qa.end_to_end, &qb.end_to_end, &d.end_to_end),
    );
    let intervals = (
        qa.intervals.as_ref(),
        qb.intervals.as_ref(),
        d.intervals.as_ref(),
    );
    if let (Some(ia), Some(ib), Some(id)) = intervals {
        for ((a, b), diff) in ia.iter().zip(ib).zip(id) {
            let start = Some(diff.start_minutes);
            for (name, fd) in &diff.queues {
                if let (Some(fa), Some(fb)) = (find(&a.queues, name), find(&b.queues, name)) {
                    rows(&mut out, "queue", name, start, queue_rows(&fa, &fb, fd));
                }
            }
            rows(
                &mut out,
                "all",
                "",
                start,
                queue_rows(&a.overall, &b.overall, &diff.overall),
            );
        }
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
