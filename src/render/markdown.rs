//! `--format markdown`: GitHub-flavoured Markdown tables of `ivr sim` (with `--check` and
//! `--vary`) and `ivr compare`, to paste into a pull-request comment or a report. The same
//! figures as the human tables, with the number of calls behind each and their 95% intervals.
//!
//! Names from a user's files (menu files, intents, queues, nodes) land in the page as code
//! spans ([`code`]): inside one, GitHub renders no emphasis, link, HTML, emoji, maths, `@`
//! mention or `#` reference, so a name shows as written and cannot do anything else. Our own
//! prose that quotes a name goes through [`text`], which escapes every character Markdown could
//! act on. Both keep a row on one line and a cell in its column.

use std::fmt::Write;

use super::interval_text;
use crate::sim::compare::{CompareReport, Difference, ScopeDiff};
use crate::sim::engine::Outcome;
use crate::sim::flow::Flow;
use crate::sim::gates::GateResult;
use crate::sim::queues::{QueueFigures, QueueReport};
use crate::sim::report::{Distribution, Figures, SimReport};
use crate::sim::staffing::{LEVELS, QueueStaffing, StaffReport};
use crate::sim::sweep::{Param, Point};
use crate::stats::Interval;

/// A user's string as an inline code span that renders as exactly this text, in a heading or
/// in prose.
///
/// Control characters are written as visible escapes ([`crate::text::printable`]), so a line
/// break cannot end the line. The fence is one backtick longer than the longest run of
/// backticks in the text, and padded with a space when the text starts or ends with a backtick
/// or a space (Markdown strips one space from each side).
pub fn code(name: &str) -> String {
    fenced(&crate::text::printable(name))
}

/// [`code`] for a table cell: a `|` would end the cell even inside a code span, so it is
/// written `\|`, which GitHub turns back into `|` before it reads the span. (A backslash right
/// before a `|` in the name stays, and GitHub then shows it doubled: its table reader never
/// takes the backslash of `\\|` away. The cell still holds the whole name.)
pub fn cell(name: &str) -> String {
    fenced(&crate::text::printable(name).replace('|', "\\|"))
}

fn fenced(name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in name.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if name.starts_with(['`', ' ']) || name.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{name}{pad}{fence}")
}

/// Prose as plain Markdown text: every ASCII punctuation character Markdown or GitHub could act
/// on is escaped with a backslash (which Markdown allows before any of them), control
/// characters are written as visible escapes.
pub fn text(prose: &str) -> String {
    let prose = crate::text::printable(prose);
    let mut out = String::with_capacity(prose.len());
    for c in prose.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '~'
                | '$'
                | '&'
                | '!'
                | '#'
                | '@'
                | ':'
                | '('
                | ')'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table: a header row, its alignment row (`right` columns right-aligned) and the rows.
fn table(out: &mut String, header: &[String], right: &[bool], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = right
        .iter()
        .map(|&r| if r { "--:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.map(str::to_string).to_vec()
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn pct_or_dash(v: Option<f64>) -> String {
    v.map_or("-".to_string(), pct)
}

fn secs(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.1}"))
}

fn interval_pct(ci: Option<Interval>) -> String {
    interval_text(ci, 100.0, 1, false)
}

/// `3 [2, 4]`: a quantile and its interval (`-` when there is none, with `--exact`).
fn quantile(q: Option<f64>, ci: Option<Interval>, digits: usize) -> String {
    match q {
        None => "-".to_string(),
        Some(q) => {
            let ci = interval_text(ci, 1.0, digits, false);
            format!("{q:.digits$} {ci}").trim_end().to_string()
        }
    }
}

/// What was run: `N simulated calls, seed S` or the exact solution.
fn how(report: &SimReport) -> String {
    match (report.calls, report.seed) {
        (Some(calls), Some(seed)) => format!("{calls} simulated calls, seed {seed}"),
        _ => "exact solution of the caller model".to_string(),
    }
}

/// `ivr sim --format markdown`: the overall outcomes, the figures per call, every intent, and
/// the queues when the traffic has them; with `--flow`, where calls go per node.
pub fn sim(report: &SimReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}: {}\n", code(&report.menu), how(report));
    figures_tables(&mut out, &report.overall, report.exact);
    intents_table(&mut out, report, "intent", &report.intents);
    if !report.personas.is_empty() {
        intents_table(&mut out, report, "caller group", &report.personas);
    }
    if let Some(flow) = &report.flow {
        flow_table(&mut out, flow, report.exact);
    }
    if let Some(queues) = &report.queues {
        queues_tables(&mut out, queues);
    }
    if let Some(staff) = &report.queues_exact {
        staff_tables(&mut out, staff);
    }
    finish(out)
}

/// The outcome shares and the figures per call of one scope.
fn figures_tables(out: &mut String, f: &Figures, exact: bool) {
    let mut header = strings(["outcome", "share"]);
    let mut right = vec![false, true];
    if !exact {
        header.push("95% interval".into());
        right.push(false);
    }
    let rows: Vec<Vec<String>> = Outcome::ALL
        .iter()
        .map(|&o| {
            let mut row = vec![o.name().to_string(), pct(f.outcomes.get(o))];
            if !exact {
                row.push(interval_pct(f.outcomes_ci95.get(o)));
            }
            row
        })
        .collect();
    let mut rows = rows;
    if let Some(confused) = f.confused {
        // Calls that picked a wrong category at some menu (not an outcome: counted apart).
        let mut row = vec!["confused".to_string(), pct(confused)];
        if !exact {
            row.push(interval_pct(f.confused_ci95));
        }
        rows.push(row);
    }
    table(out, &header, &right, &rows);

    let mut header = strings(["per call", "mean"]);
    let mut right = vec![false, true];
    if !exact {
        header.extend(strings(["95% interval", "p50", "p90", "p99", "calls"]));
        right.extend([false, true, true, true, true]);
    }
    let mut rows = Vec::new();
    let calls = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
    let mut distribution = |name: &str, d: &Distribution, calls: String| {
        let mut row = vec![name.to_string(), format!("{:.1}", d.mean)];
        if !exact {
            row.extend([
                interval_text(d.mean_ci95, 1.0, 1, false),
                quantile(d.p50, d.p50_ci95, 1),
                quantile(d.p90, d.p90_ci95, 1),
                quantile(d.p99, d.p99_ci95, 1),
                calls,
            ]);
        }
        rows.push(row);
    };
    let inputs = &f.inputs;
    distribution("time (s)", &f.time, calls(f.calls));
    if let Some(tta) = &f.time_to_agent {
        distribution("time to agent (s)", tta, calls(f.calls_to_agent));
    }
    let mut row = vec![
        "inputs (key presses)".to_string(),
        format!("{:.2}", inputs.mean),
    ];
    if !exact {
        // Whole key presses: no decimals.
        let whole = |q: Option<u64>, ci: Option<Interval<u64>>| {
            quantile(q.map(|q| q as f64), ci.map(|c| c.map(|v| v as f64)), 0)
        };
        row.extend([
            interval_text(inputs.mean_ci95, 1.0, 2, false),
            whole(inputs.p50, inputs.p50_ci95),
            whole(inputs.p90, inputs.p90_ci95),
            whole(inputs.p99, inputs.p99_ci95),
            calls(f.calls),
        ]);
    }
    rows.insert(0, row);
    table(out, &header, &right, &rows);

    if let Some(heard) = &f.speech {
        // The attempts at speech nodes, as `ivr sim`'s speech line gives them.
        let rows = vec![
            vec![
                "spoken attempts per call".to_string(),
                format!("{:.2}", heard.attempts),
            ],
            vec!["recognised".to_string(), pct(heard.recognised)],
            vec!["asked to repeat".to_string(), pct(heard.rejected)],
            vec!["misrecognised".to_string(), pct(heard.misrecognised)],
        ];
        table(
            out,
            &strings(["speech nodes", "value"]),
            &[false, true],
            &rows,
        );
    }
}

/// Every intent (or caller group), in the intents file's order: share, calls, every outcome
/// (a row adds up to 100%), mean inputs and mean time, and the confused share when callers can
/// be confused.
fn intents_table(
    out: &mut String,
    report: &SimReport,
    heading: &str,
    scopes: &[(String, crate::sim::report::IntentFigures)],
) {
    if scopes.is_empty() {
        return;
    }
    let confusable = report.overall.confused.is_some();
    let mut header = strings([heading, "share"]);
    let mut right = vec![false, true];
    if !report.exact {
        header.push("calls".into());
        right.push(true);
    }
    for o in Outcome::ALL {
        header.push(o.name().to_string());
        right.push(true);
    }
    header.extend(strings(["inputs", "time (s)"]));
    right.extend([true, true]);
    if confusable {
        header.push("confused".into());
        right.push(true);
    }
    let rows: Vec<Vec<String>> = scopes
        .iter()
        .map(|(name, intent)| {
            let g = &intent.figures;
            let mut row = vec![cell(name), pct(intent.share)];
            if let Some(calls) = g.calls {
                row.push(calls.to_string());
            }
            row.extend(Outcome::ALL.iter().map(|&o| pct(g.outcomes.get(o))));
            row.push(format!("{:.2}", g.inputs.mean));
            row.push(format!("{:.1}", g.time.mean));
            if confusable {
                row.push(g.confused.map_or(String::new(), pct));
            }
            row
        })
        .collect();
    table(out, &header, &right, &rows);
}

/// Per node: visits and invalid keys per call, the share reaching it and the share lost there.
fn flow_table(out: &mut String, flow: &Flow, exact: bool) {
    let mut header = strings(["node", "type", "visits per call", "reached"]);
    let mut right = vec![false, false, true, true];
    if !exact {
        header.push("95% interval".into());
        right.push(false);
    }
    header.extend(strings(["lost here", "invalid keys per call"]));
    right.extend([true, true]);
    let rows: Vec<Vec<String>> = flow
        .nodes
        .iter()
        .map(|node| {
            let mut row = vec![
                cell(&node.id),
                node.kind.to_string(),
                format!("{:.3}", node.visits.mean),
                pct_or_dash(node.reached),
            ];
            if !exact {
                row.push(interval_pct(node.reached_ci95));
            }
            row.push(pct(node.lost));
            row.push(format!("{:.3}", node.invalid.mean));
            row
        })
        .collect();
    table(out, &header, &right, &rows);
}

fn queue_row(name: String, f: &QueueFigures) -> Vec<String> {
    vec![
        name,
        f.offered.to_string(),
        pct_or_dash(f.service_level.value),
        interval_pct(f.service_level.ci95),
        secs(f.asa.value),
        pct_or_dash(f.p_wait.value),
        pct_or_dash(f.abandoned.value),
        pct_or_dash(f.occupancy.value),
        secs(f.wait.p90),
    ]
}

fn queue_header(first: &str) -> (Vec<String>, Vec<bool>) {
    let mut header = vec![first.to_string()];
    header.extend(strings([
        "offered calls",
        "service level",
        "95% interval",
        "ASA (s)",
        "waited",
        "abandoned",
        "occupancy",
        "wait p90 (s)",
    ]));
    let right = vec![false, true, true, false, true, true, true, true, true];
    (header, right)
}

/// The simulated queues: per queue and all queues, end to end, and per interval of a day.
fn queues_tables(out: &mut String, q: &QueueReport) {
    let how = match q.days {
        Some(days) => format!("{days} simulated days, intervals from the spread across days"),
        None => "steady state after the first hour, intervals by batch means".to_string(),
    };
    let _ = writeln!(
        out,
        "#### Queues\n\n{how}; service level: answered within {} s, target {}.\n",
        q.answer_within,
        pct(q.target)
    );
    let (header, right) = queue_header("queue");
    let mut rows: Vec<Vec<String>> = q
        .queues
        .iter()
        .map(|(name, f)| queue_row(cell(name), f))
        .collect();
    rows.push(queue_row("all queues".to_string(), &q.overall));
    table(out, &header, &right, &rows);
    let e = &q.end_to_end;
    let mut rows = vec![
        vec![
            "answered by the right agent".to_string(),
            pct_or_dash(e.answered.value),
            interval_pct(e.answered.ci95),
        ],
        vec![
            "abandoned (IVR or queue)".to_string(),
            pct_or_dash(e.abandoned_total.value),
            interval_pct(e.abandoned_total.ci95),
        ],
        vec![
            "transferred by a wrong agent".to_string(),
            pct_or_dash(e.transferred.value),
            interval_pct(e.transferred.ci95),
        ],
    ];
    if let Some(t) = &e.time_to_answer {
        rows.push(vec![
            "time to answer, mean (s)".to_string(),
            format!("{:.1}", t.mean),
            interval_text(t.mean_ci95, 1.0, 1, false),
        ]);
        for (level, value, ci) in [
            ("p50", t.p50, t.p50_ci95),
            ("p90", t.p90, t.p90_ci95),
            ("p99", t.p99, t.p99_ci95),
        ] {
            rows.push(vec![
                format!("time to answer, {level} (s)"),
                secs(value),
                interval_text(ci, 1.0, 1, false),
            ]);
        }
        rows.push(vec![
            format!("answered within {} s", q.answer_within),
            pct_or_dash(e.time_to_answer_within),
            String::new(),
        ]);
    }
    table(
        out,
        &[
            format!("end to end ({} calls)", e.calls),
            "value".into(),
            "95% interval".into(),
        ],
        &[false, true, false],
        &rows,
    );
    if let Some(intervals) = &q.intervals {
        let (header, right) = queue_header("interval (all queues)");
        let rows: Vec<Vec<String>> = intervals
            .iter()
            .map(|i| {
                let minutes = i.start_minutes.round() as u64;
                queue_row(
                    format!("+{:02}:{:02}", minutes / 60, minutes % 60),
                    &i.overall,
                )
            })
            .collect();
        table(out, &header, &right, &rows);
    }
}

fn staff_row(name: String, q: &QueueStaffing) -> Vec<String> {
    let agents = |n: Option<u32>| n.map_or("-".to_string(), |n| n.to_string());
    let today = &q.today;
    let mut row = vec![
        name,
        format!("{:.1}", q.calls_per_hour),
        format!("{:.2}", q.erlangs),
        q.agents.to_string(),
    ];
    if today.unstable {
        row.extend(strings(["unstable", "-", "-", "100%"]));
    } else {
        row.extend([
            pct(today.service_level),
            secs(today.asa),
            pct(today.abandoned),
            pct(today.occupancy),
        ]);
    }
    row.push(agents(q.fewest_agents));
    row.extend(q.agents_for.iter().map(|(_, n)| agents(*n)));
    row
}

/// Erlang C / A per queue (and interval), as `ivr sim --exact` gives them.
fn staff_tables(out: &mut String, report: &StaffReport) {
    let cap = report.max_occupancy.map_or(String::new(), |c| {
        format!(", occupancy at most {:.0}%", c * 100.0)
    });
    let _ = writeln!(
        out,
        "#### Queues (Erlang C/A)\n\nTarget {:.0}% answered within {} s{cap}.{}\n",
        report.target * 100.0,
        report.answer_within,
        if report.approximate {
            " Approximate: misrouted callers join a second queue, and that stream is not random (Poisson)."
        } else {
            ""
        }
    );
    let header = |first: &str| {
        let mut header = vec![first.to_string()];
        header.extend(strings([
            "calls/h",
            "erlangs",
            "agents",
            "service level",
            "ASA (s)",
            "abandoned",
            "occupancy",
            "fewest agents",
        ]));
        header.extend(
            LEVELS
                .iter()
                .map(|l| format!("agents for {:.0}%", l * 100.0)),
        );
        header
    };
    let right: Vec<bool> = (0..9 + LEVELS.len()).map(|c| c > 0).collect();
    if !report.queues.is_empty() {
        let rows: Vec<Vec<String>> = report
            .queues
            .iter()
            .map(|(name, q)| staff_row(cell(name), q))
            .collect();
        table(out, &header("queue"), &right, &rows);
    }
    for interval in report.intervals.iter().flatten() {
        let minutes = interval.start_minutes.round() as u64;
        let rows: Vec<Vec<String>> = interval
            .queues
            .iter()
            .map(|(name, q)| staff_row(cell(name), q))
            .collect();
        table(
            out,
            &header(&format!("+{:02}:{:02}", minutes / 60, minutes % 60)),
            &right,
            &rows,
        );
    }
}

/// `ivr sim --check --format markdown`: the report, then one row per check.
pub fn gates(report: &SimReport, results: &[GateResult]) -> String {
    let mut out = sim(report);
    let _ = writeln!(out, "#### Checks\n");
    let mut header = strings(["check", "value"]);
    let mut right = vec![false, true];
    if !report.exact {
        header.extend(strings(["95% interval", "calls"]));
        right.extend([false, true]);
    }
    header.push("verdict".into());
    right.push(false);
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            let digits = r.digits;
            let mut row = vec![
                cell(&r.expr),
                r.value.map_or("-".to_string(), |v| format!("{v:.digits$}")),
            ];
            if !report.exact {
                row.push(interval_text(r.ci95, 1.0, digits, false));
                row.push(r.calls.map_or(String::new(), |n| n.to_string()));
            }
            let mut verdict = format!("**{}**", r.verdict.name());
            if let Some(note) = &r.note {
                let _ = write!(verdict, " ({})", text(note));
            }
            row.push(verdict);
            row
        })
        .collect();
    table(&mut out, &header, &right, &rows);
    let _ = writeln!(out, "{}", super::gates::summary(results));
    finish(out)
}

/// `ivr sim --vary --format markdown`: one row per point, the overall figures with intervals.
pub fn sweep(params: &[Param], rows: &[(Point, SimReport)]) -> String {
    let mut out = String::new();
    let Some((_, first)) = rows.first() else {
        return out;
    };
    let _ = writeln!(
        out,
        "### {}: {} point{}, {} at each (the same random numbers at every point)\n",
        code(&first.menu),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        how(first)
    );
    let exact = first.exact;
    let mut header: Vec<String> = params.iter().map(|p| p.path().to_string()).collect();
    let mut right = vec![false; params.len()];
    for name in ["self_served", "agent", "misrouted", "abandoned"] {
        header.push(name.to_string());
        right.push(true);
    }
    header.extend(strings(["inputs", "time (s)", "time p90 (s)"]));
    right.extend([true, true, true]);
    // The confused share when the callers can be confused, what speech nodes heard when the
    // menu has one.
    // At any point: a sweep of `callers.confusion` from 0 has no confused share at its first.
    let confusable = rows.iter().any(|(_, r)| r.overall.confused.is_some());
    let speech = rows.iter().any(|(_, r)| r.overall.speech.is_some());
    if confusable {
        header.push("confused".to_string());
        right.push(true);
    }
    if speech {
        header.extend(strings(["recognised", "asked to repeat", "misrecognised"]));
        right.extend([true, true, true]);
    }
    let with_ci = |value: String, ci: String| {
        if exact || ci.is_empty() {
            value
        } else {
            format!("{value} {ci}")
        }
    };
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|(point, report)| {
            let f = &report.overall;
            let mut row: Vec<String> = point.values.iter().map(|(_, v)| v.to_string()).collect();
            for o in [
                Outcome::SelfServed,
                Outcome::Agent,
                Outcome::Misrouted,
                Outcome::Abandoned,
            ] {
                row.push(with_ci(
                    pct(f.outcomes.get(o)),
                    interval_pct(f.outcomes_ci95.get(o)),
                ));
            }
            row.push(with_ci(
                format!("{:.2}", f.inputs.mean),
                interval_text(f.inputs.mean_ci95, 1.0, 2, false),
            ));
            row.push(with_ci(
                format!("{:.1}", f.time.mean),
                interval_text(f.time.mean_ci95, 1.0, 1, false),
            ));
            row.push(quantile(f.time.p90, f.time.p90_ci95, 1));
            if confusable {
                // A point whose callers cannot be confused has nobody confused.
                row.push(
                    f.confused
                        .map_or(pct(0.0), |c| with_ci(pct(c), interval_pct(f.confused_ci95))),
                );
            }
            if speech {
                match &f.speech {
                    Some(h) => row.extend([h.recognised, h.rejected, h.misrecognised].map(pct)),
                    None => row.extend(strings(["-", "-", "-"])),
                }
            }
            row
        })
        .collect();
    table(&mut out, &header, &right, &body);
    finish(out)
}

/// `ivr sim --vary --check --format markdown`: the sweep, then a row per point with each
/// check's verdict and figure.
pub fn sweep_checks(
    params: &[Param],
    rows: &[(Point, SimReport)],
    checks: &[Vec<GateResult>],
) -> String {
    let mut out = sweep(params, rows);
    let Some(first) = checks.first() else {
        return out;
    };
    let _ = writeln!(out, "#### Checks at each point\n");
    let mut header: Vec<String> = params.iter().map(|p| p.path().to_string()).collect();
    header.extend(first.iter().map(|r| cell(&r.expr)));
    let right = vec![false; header.len()];
    let body: Vec<Vec<String>> = rows
        .iter()
        .zip(checks)
        .map(|((point, _), results)| {
            let mut row: Vec<String> = point.values.iter().map(|(_, v)| v.to_string()).collect();
            row.extend(results.iter().map(super::gates::point_cell));
            row
        })
        .collect();
    table(&mut out, &header, &right, &body);
    let _ = writeln!(out, "{}", super::gates::sweep_summary(checks));
    finish(out)
}

/// `+1.20 pp` and its interval `[+0.50, +1.90]`, and whether it is significant.
fn difference(d: &Difference, scale: f64, digits: usize, unit: &str) -> [String; 3] {
    match d.diff {
        None => ["-".to_string(), String::new(), String::new()],
        Some(v) => [
            format!("{:+.digits$}{unit}", v * scale),
            interval_text(d.ci95, scale, digits, true),
            if d.ci95.is_some() && d.significant {
                "yes".to_string()
            } else if d.ci95.is_some() {
                "no".to_string()
            } else {
                String::new()
            },
        ],
    }
}

/// One table: A, B, B − A, its interval and whether it is significant, for every figure.
fn compare_table(out: &mut String, a: &Figures, b: &Figures, d: &ScopeDiff, exact: bool) {
    let mut header = strings(["figure", "A", "B", "B − A"]);
    let mut right = vec![false, true, true, true];
    if !exact {
        header.extend(strings(["95% interval", "significant"]));
        right.extend([false, false]);
    }
    let mut rows = Vec::new();
    let mut push = |name: String, x: String, y: String, diff: [String; 3]| {
        let mut row = vec![name, x, y, diff[0].clone()];
        if !exact {
            row.push(diff[1].clone());
            row.push(diff[2].clone());
        }
        rows.push(row);
    };
    for o in Outcome::ALL {
        push(
            format!("{} (%)", o.name()),
            pct(a.outcomes.get(o)),
            pct(b.outcomes.get(o)),
            difference(&d.outcomes.get(o), 100.0, 2, " pp"),
        );
    }
    let seconds = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    let or_null = |d: Option<Difference>| d.unwrap_or(Difference::NULL);
    push(
        "inputs, mean (key presses)".into(),
        format!("{:.2}", a.inputs.mean),
        format!("{:.2}", b.inputs.mean),
        difference(&or_null(d.inputs.mean), 1.0, 2, ""),
    );
    push(
        "time, mean (s)".into(),
        format!("{:.1}", a.time.mean),
        format!("{:.1}", b.time.mean),
        difference(&or_null(d.time.mean), 1.0, 1, ""),
    );
    for (level, x, y, diff) in [
        ("p50", a.time.p50, b.time.p50, d.time.p50),
        ("p90", a.time.p90, b.time.p90, d.time.p90),
        ("p99", a.time.p99, b.time.p99, d.time.p99),
    ] {
        if let Some(diff) = diff {
            push(
                format!("time, {level} (s)"),
                seconds(x),
                seconds(y),
                difference(&diff, 1.0, 1, ""),
            );
        }
    }
    if let (Some(x), Some(y)) = (&a.time_to_agent, &b.time_to_agent) {
        push(
            "time to agent, mean (s)".into(),
            format!("{:.1}", x.mean),
            format!("{:.1}", y.mean),
            difference(&or_null(d.time_to_agent.mean), 1.0, 1, ""),
        );
    }
    for row in super::compare::extra_rows(a, b, d) {
        let (x, y) = (row.a.unwrap_or(0.0), row.b.unwrap_or(0.0));
        match row.unit {
            super::compare::Unit::Share => push(
                format!("{} (%)", row.name.replace('_', " ")),
                pct(x),
                pct(y),
                difference(&row.diff, 100.0, 2, " pp"),
            ),
            _ => push(
                "speech attempts, per call".into(),
                format!("{x:.2}"),
                format!("{y:.2}"),
                difference(&row.diff, 1.0, 2, ""),
            ),
        }
    }
    table(out, &header, &right, &rows);
}

/// `ivr compare --format markdown`: overall, then each intent in the intents file's order.
pub fn compare(report: &CompareReport) -> String {
    let mut out = String::new();
    let exact = report.a.exact;
    let how = match (report.a.calls, report.a.seed) {
        (Some(calls), Some(seed)) => {
            format!("{calls} paired calls (common random numbers), seed {seed}")
        }
        _ => "exact solutions of the caller model".to_string(),
    };
    let marks = if exact {
        "differences are B − A (exact: no intervals, nothing to be significant against)"
    } else {
        "differences are B − A; shares in percent, their differences in percentage points (pp)"
    };
    let _ = writeln!(
        out,
        "### Comparison of {} (A) and {} (B)\n\n{how}; {marks}.\n",
        code(&report.a.menu),
        code(&report.b.menu)
    );
    let calls = |n: Option<u64>| n.map_or(String::new(), |n| format!(", {n} calls"));
    let _ = writeln!(out, "#### Overall{}\n", calls(report.diff.overall.calls));
    compare_table(
        &mut out,
        &report.a.overall,
        &report.b.overall,
        &report.diff.overall,
        exact,
    );
    // Both menus share one intents file, so the three lists are in the same order.
    for ((name, a), ((_, b), (_, d))) in report
        .a
        .intents
        .iter()
        .zip(report.b.intents.iter().zip(&report.diff.intents))
    {
        let _ = writeln!(
            out,
            "#### Intent {} ({} of calls{})\n",
            code(name),
            pct(a.share),
            calls(d.calls)
        );
        compare_table(&mut out, &a.figures, &b.figures, d, exact);
    }
    for (name, a, b, d) in super::compare::groups(report) {
        let _ = writeln!(
            out,
            "#### Caller group {} ({} of calls{})\n",
            code(name),
            pct(a.share),
            calls(d.calls)
        );
        compare_table(&mut out, &a.figures, &b.figures, d, exact);
    }
    compare_queues(&mut out, report);
    finish(out)
}

/// The queue differences of a compare (nothing without queues): a table per queue, one for all
/// queues when there are several, and one end to end.
fn compare_queues(out: &mut String, report: &CompareReport) {
    use super::queue_compare::{Section, Unit, sections};
    let Some((how, blocks)) = sections(report) else {
        return;
    };
    let mut how = how.chars();
    let first = how
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let _ = writeln!(out, "#### Queues\n\n{}.\n", text(&(first + how.as_str())));
    let header = strings(["figure", "A", "B", "B − A", "95% interval", "significant"]);
    let right = [false, true, true, true, false, false];
    for (section, rows) in blocks {
        let title = match section {
            Section::Queue(name) => format!("Queue {}", code(&name)),
            Section::AllQueues => "All queues".to_string(),
            Section::EndToEnd(calls) => format!("End to end, {calls} calls"),
        };
        let _ = writeln!(out, "##### {title}\n");
        let body: Vec<Vec<String>> = rows
            .into_iter()
            .map(|(name, unit, x, y, diff)| {
                let (scale, digits) = unit.scale();
                let suffix = if unit == Unit::Share { " pp" } else { "" };
                let [d, ci, significant] = difference(&diff, scale, digits, suffix);
                vec![
                    unit.label(name),
                    unit.cell(x),
                    unit.cell(y),
                    d,
                    ci,
                    significant,
                ]
            })
            .collect();
        table(out, &header, &right, &body);
    }
}

/// One trailing newline.
fn finish(out: String) -> String {
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_a_plain_code_span() {
        assert_eq!(code("check_balance"), "`check_balance`");
    }

    #[test]
    fn a_name_keeps_its_cell_and_row() {
        assert_eq!(cell("a|b"), "`a\\|b`");
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(code("two\nlines"), "`two\\nlines`");
        assert_eq!(code("x\r\u{1b}[2J"), "`x\\r\\e[2J`");
    }

    #[test]
    fn backticks_get_a_longer_fence_and_padding() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code(" x "), "`  x  `");
    }

    #[test]
    fn prose_escapes_what_markdown_and_github_act_on() {
        assert_eq!(
            text("no call had intent `a_b*` <b> [x](y) @team #1 |"),
            "no call had intent \\`a\\_b\\*\\` \\<b\\> \\[x\\]\\(y\\) \\@team \\#1 \\|"
        );
    }
}
