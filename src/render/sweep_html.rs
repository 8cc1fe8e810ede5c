//! `ivr sim --vary ... --format html`: one self-contained page with each figure drawn against
//! the varied setting (a line chart with its 95% interval as a band), and the table of every
//! point.
//!
//! The x axis is the first `--vary` parameter; each combination of the others is a line of its
//! own. Built from the report page's parts, under the same rules (escaped text, a script that
//! carries no data, nothing loaded).

use std::fmt::Write;

use super::chart::{ChartPoint, LineChart, Series, XAxis, line_chart};
use super::html::{callers_text, header, now_utc, page_end, page_start};
use super::svg::escape;
use crate::commands::sim::Subject;
use crate::sim::engine::Outcome;
use crate::sim::report::{Figures, SimReport};
use crate::sim::sweep::{Param, Point, Value};
use crate::stats::Interval;

/// A figure's value at a point and its interval.
type Reading = Option<(f64, Option<Interval>)>;

/// A figure drawn against the setting: its name in the page, its title, how it is read, and
/// how it is taken from a point's figures (value and interval).
struct Figure {
    name: &'static str,
    title: &'static str,
    scale: f64,
    digits: usize,
    unit: &'static str,
    of: fn(&Figures) -> Reading,
}

fn share(f: &Figures, o: Outcome) -> Reading {
    Some((f.outcomes.get(o), f.outcomes_ci95.get(o)))
}

const FIGURES: [Figure; 8] = [
    Figure {
        name: "self_served",
        title: "Contained (self-served)",
        scale: 100.0,
        digits: 1,
        unit: "%",
        of: |f| share(f, Outcome::SelfServed),
    },
    Figure {
        name: "agent",
        title: "Reached the right agent",
        scale: 100.0,
        digits: 1,
        unit: "%",
        of: |f| share(f, Outcome::Agent),
    },
    Figure {
        name: "misrouted",
        title: "Misrouted",
        scale: 100.0,
        digits: 1,
        unit: "%",
        of: |f| share(f, Outcome::Misrouted),
    },
    Figure {
        name: "abandoned",
        title: "Abandoned",
        scale: 100.0,
        digits: 1,
        unit: "%",
        of: |f| share(f, Outcome::Abandoned),
    },
    Figure {
        name: "time.mean",
        title: "Mean time in the menu",
        scale: 1.0,
        digits: 1,
        unit: " s",
        of: |f| Some((f.time.mean, f.time.mean_ci95)),
    },
    Figure {
        name: "time.p90",
        title: "90th percentile of the time in the menu",
        scale: 1.0,
        digits: 1,
        unit: " s",
        of: |f| f.time.p90.map(|v| (v, f.time.p90_ci95)),
    },
    Figure {
        name: "inputs.mean",
        title: "Mean key presses",
        scale: 1.0,
        digits: 2,
        unit: "",
        of: |f| Some((f.inputs.mean, f.inputs.mean_ci95)),
    },
    Figure {
        name: "time_to_agent.mean",
        title: "Mean time to an agent",
        scale: 1.0,
        digits: 1,
        unit: " s",
        of: |f| f.time_to_agent.map(|t| (t.mean, t.mean_ci95)),
    },
];

/// Whether a point's figures have an extra figure at all.
type Present = fn(&Figures) -> bool;

/// Figures drawn only when some point has them: the confused share (callers who can be
/// confused) and what speech nodes heard (a menu with a speech node). A point whose callers
/// cannot be confused has nobody confused.
const EXTRA_FIGURES: [(Figure, Present); 3] = [
    (
        Figure {
            name: "confused",
            title: "Followed a confusion",
            scale: 100.0,
            digits: 1,
            unit: "%",
            of: |f| Some((f.confused.unwrap_or(0.0), f.confused_ci95)),
        },
        |f| f.confused.is_some(),
    ),
    (
        Figure {
            name: "speech.recognised",
            title: "Speech attempts recognised",
            scale: 100.0,
            digits: 1,
            unit: "%",
            of: |f| f.speech.map(|s| (s.recognised, None)),
        },
        |f| f.speech.is_some(),
    ),
    (
        Figure {
            name: "speech.misrecognised",
            title: "Speech attempts misrecognised",
            scale: 100.0,
            digits: 1,
            unit: "%",
            of: |f| f.speech.map(|s| (s.misrecognised, None)),
        },
        |f| f.speech.is_some(),
    ),
];

/// The figures of this sweep: every common one, and the extra ones some point has.
fn figures_of(rows: &[(Point, SimReport)]) -> Vec<&'static Figure> {
    let extra = EXTRA_FIGURES
        .iter()
        .filter(|(_, present)| rows.iter().any(|(_, r)| present(&r.overall)))
        .map(|(figure, _)| figure);
    FIGURES.iter().chain(extra).collect()
}

/// The x axis (the first parameter's values, in the order given) and, for each row, its tick
/// and its line (the other parameters' values); with the lines' names.
fn axes(
    params: &[Param],
    rows: &[(Point, SimReport)],
) -> (XAxis, Vec<(usize, usize)>, Vec<String>) {
    let mut values: Vec<Value> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let mut at = Vec::with_capacity(rows.len());
    for (point, _) in rows {
        let Some(&(_, x)) = point.values.first() else {
            continue;
        };
        let tick = values.iter().position(|&v| v == x).unwrap_or_else(|| {
            values.push(x);
            values.len() - 1
        });
        let name: Vec<String> = point.values[1..]
            .iter()
            .map(|(p, v)| format!("{} = {v}", p.short()))
            .collect();
        let name = name.join(", ");
        let line = lines.iter().position(|l| *l == name).unwrap_or_else(|| {
            lines.push(name);
            lines.len() - 1
        });
        at.push((tick, line));
    }
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| match v {
            Value::Number(n) => Some(*n),
            _ => None,
        })
        .collect();
    let positions = numbers.unwrap_or_else(|| (0..values.len()).map(|i| i as f64).collect());
    let axis = XAxis {
        label: params
            .first()
            .map_or(String::new(), |p| p.short().into_owned()),
        ticks: values.iter().map(Value::to_string).collect(),
        positions,
    };
    (axis, at, lines)
}

/// A cell of the table: the value, its interval on hover, the raw value to sort by.
fn cell(figure: &Figure, figures: &Figures) -> String {
    match (figure.of)(figures) {
        None => "<td data-sort=\"\">–</td>".to_string(),
        Some((v, ci)) => format!(
            "<td data-sort=\"{v}\" title=\"{}\">{:.d$}{}</td>",
            super::interval_text(ci, figure.scale, figure.digits, false),
            v * figure.scale,
            figure.unit,
            d = figure.digits
        ),
    }
}

/// The whole page.
pub fn page(
    subject: &Subject,
    params: &[Param],
    rows: &[(Point, SimReport)],
    version: &str,
) -> String {
    let mut out = String::new();
    let first = rows.first().map(|(_, r)| r);
    page_start(
        &mut out,
        &format!("{} · ivr sim --vary", subject.title),
        subject.language,
    );
    let varied: Vec<String> = params.iter().map(|p| p.path().to_string()).collect();
    let how = match first.and_then(|r| r.calls) {
        Some(calls) => {
            format!("{calls} simulated calls at each point, the same random numbers at every point")
        }
        None => "exact solution of the caller model at each point".to_string(),
    };
    header(
        &mut out,
        &format!("What if: {}", subject.title),
        &[
            ("menu", first.map_or(String::new(), |r| r.menu.clone())),
            ("traffic", subject.traffic.clone()),
            ("date", now_utc()),
            ("ivr version", version.to_string()),
            (
                "seed",
                first
                    .and_then(|r| r.seed)
                    .map_or(String::new(), |s| s.to_string()),
            ),
            ("calls", how),
            ("varied", varied.join(", ")),
            (
                "callers",
                format!("{} (except what is varied)", callers_text(&subject.callers)),
            ),
        ],
    );
    let (axis, at, lines) = axes(params, rows);
    let exact = first.is_some_and(|r| r.exact);
    let _ = writeln!(
        out,
        "<section id=\"charts\"><h2>Each figure against {}</h2>\n<p>{}{}Hover over a point for its figures.</p>\n<div class=\"charts\">",
        escape(&axis.label),
        if exact {
            "Exact solutions: no sampling error, so no bands. "
        } else {
            "The shaded band is the 95% interval of each point. "
        },
        if lines.len() > 1 {
            "Each line holds the other varied settings fixed. "
        } else {
            ""
        }
    );
    let figures = figures_of(rows);
    for &figure in &figures {
        let mut series: Vec<Series> = lines
            .iter()
            .map(|name| Series {
                name: name.clone(),
                points: Vec::new(),
            })
            .collect();
        for ((_, report), &(tick, line)) in rows.iter().zip(&at) {
            if let Some((value, ci)) = (figure.of)(&report.overall) {
                series[line].points.push(ChartPoint {
                    tick,
                    value,
                    band: ci.map(|c| (c.lo, c.hi)),
                });
            }
        }
        let id = format!("chart-{}", figure.name.replace('.', "-"));
        out.push_str(&line_chart(&LineChart {
            id: &id,
            figure: figure.name,
            title: figure.title,
            scale: figure.scale,
            digits: figure.digits,
            unit: figure.unit,
            x: &axis,
            series: &series,
        }));
    }
    out.push_str("</div></section>\n<section id=\"points\"><h2>Every point (click a heading to sort; hover a figure for its interval)</h2>\n<table class=\"sortable\" id=\"sweep\"><thead><tr>");
    for p in params {
        let _ = write!(out, "<th>{}</th>", p.short());
    }
    for figure in &figures {
        let _ = write!(out, "<th>{}</th>", figure.title);
    }
    out.push_str("</tr></thead><tbody>\n");
    for (point, report) in rows {
        out.push_str("<tr>");
        for (_, v) in &point.values {
            let _ = write!(out, "<td>{v}</td>");
        }
        for figure in &figures {
            out.push_str(&cell(figure, &report.overall));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></section>\n");
    page_end(&mut out);
    out
}
