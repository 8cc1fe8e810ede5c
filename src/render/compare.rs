//! `ivr compare` output: a human table of A, B and their difference, or JSON.

use std::fmt::Write;

use crate::sim::compare::{CompareReport, Difference, ScopeDiff};
use crate::sim::engine::Outcome;
use crate::sim::report::{Figures, IntentFigures};

pub fn json(report: &CompareReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// The unit a compared figure is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A share: shown in percent, its difference in percentage points.
    Share,
    Seconds,
    /// Key presses.
    Inputs,
}

impl Unit {
    /// What a share, time or count is multiplied by to be shown.
    pub(crate) fn scale(self) -> f64 {
        if self == Unit::Share { 100.0 } else { 1.0 }
    }
}

/// One compared figure: its name (`agent`, `inputs_mean`, `time_p90`, ...), its unit, A's and
/// B's values and B minus A.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FigureRow {
    pub name: String,
    pub unit: Unit,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub diff: Difference,
}

/// The figures every comparison shows, in order: the seven outcome shares, the mean inputs,
/// the mean time and its quantiles (their differences exist for `overall` only), and the mean
/// time to an agent.
pub(crate) fn figure_rows(a: &Figures, b: &Figures, d: &ScopeDiff) -> Vec<FigureRow> {
    let row = |name: &str, unit, a, b, diff: Option<Difference>| FigureRow {
        name: name.to_string(),
        unit,
        a,
        b,
        diff: diff.unwrap_or(Difference::NULL),
    };
    let mut rows: Vec<FigureRow> = Outcome::ALL
        .iter()
        .map(|&o| {
            row(
                o.name(),
                Unit::Share,
                Some(a.outcomes.get(o)),
                Some(b.outcomes.get(o)),
                Some(d.outcomes.get(o)),
            )
        })
        .collect();
    rows.extend([
        row(
            "inputs_mean",
            Unit::Inputs,
            Some(a.inputs.mean),
            Some(b.inputs.mean),
            d.inputs.mean,
        ),
        row(
            "time_mean",
            Unit::Seconds,
            Some(a.time.mean),
            Some(b.time.mean),
            d.time.mean,
        ),
        row(
            "time_p50",
            Unit::Seconds,
            a.time.p50,
            b.time.p50,
            d.time.p50,
        ),
        row(
            "time_p90",
            Unit::Seconds,
            a.time.p90,
            b.time.p90,
            d.time.p90,
        ),
        row(
            "time_p99",
            Unit::Seconds,
            a.time.p99,
            b.time.p99,
            d.time.p99,
        ),
        row(
            "time_to_agent_mean",
            Unit::Seconds,
            a.time_to_agent.map(|t| t.mean),
            b.time_to_agent.map(|t| t.mean),
            d.time_to_agent.mean,
        ),
    ]);
    rows.extend(extra_rows(a, b, d));
    rows
}

/// The figures a comparison shows only when a menu uses them: the confused share (when the
/// callers can be confused) and what speech nodes heard (when a menu has one). A menu without
/// them counts as 0.
pub(crate) fn extra_rows(a: &Figures, b: &Figures, d: &ScopeDiff) -> Vec<FigureRow> {
    let mut rows = Vec::new();
    if let Some(diff) = d.confused {
        rows.push(FigureRow {
            name: "confused".to_string(),
            unit: Unit::Share,
            a: Some(a.confused.unwrap_or(0.0)),
            b: Some(b.confused.unwrap_or(0.0)),
            diff,
        });
    }
    if let Some(speech) = &d.speech {
        let heard = |f: &Figures| f.speech.unwrap_or_default();
        let (x, y) = (heard(a), heard(b));
        rows.extend(
            [
                (
                    "speech_attempts",
                    Unit::Inputs,
                    x.attempts,
                    y.attempts,
                    speech.attempts,
                ),
                (
                    "speech_recognised",
                    Unit::Share,
                    x.recognised,
                    y.recognised,
                    speech.recognised,
                ),
                (
                    "speech_rejected",
                    Unit::Share,
                    x.rejected,
                    y.rejected,
                    speech.rejected,
                ),
                (
                    "speech_misrecognised",
                    Unit::Share,
                    x.misrecognised,
                    y.misrecognised,
                    speech.misrecognised,
                ),
            ]
            .map(|(name, unit, a, b, diff)| FigureRow {
                name: name.to_string(),
                unit,
                a: Some(a),
                b: Some(b),
                diff,
            }),
        );
    }
    rows
}

/// One row per scope (overall, then each intent in file order). For every figure, six columns
/// whose names carry the unit: A, B, B − A, the interval's bounds and whether it is significant.
/// Shares are in percent and their differences in percentage points (`_pct`, `_pp`), times in
/// seconds (`_s`), inputs in key presses. Quantile differences exist for `overall` only.
pub fn csv(report: &CompareReport) -> String {
    let mut header = vec!["scope".to_string(), "calls".to_string()];
    let names = figure_rows(&report.a.overall, &report.b.overall, &report.diff.overall);
    for f in &names {
        let (value, diff) = match f.unit {
            Unit::Share => ("_pct", "_pp"),
            Unit::Seconds => ("_s", "_s"),
            Unit::Inputs => ("", ""),
        };
        let stem = &f.name;
        header.extend([
            format!("{stem}_a{value}"),
            format!("{stem}_b{value}"),
            format!("{stem}_diff{diff}"),
            format!("{stem}_diff_low{diff}"),
            format!("{stem}_diff_high{diff}"),
            format!("{stem}_significant"),
        ]);
    }
    let mut out = header.join(",") + "\n";
    let number =
        |v: Option<f64>, scale: f64| v.map_or(String::new(), |v| format!("{}", round6(v * scale)));
    let row = |out: &mut String, scope: &str, a: &Figures, b: &Figures, d: &ScopeDiff| {
        let mut cells = vec![
            csv_field(scope),
            d.calls.map_or(String::new(), |n| n.to_string()),
        ];
        for f in figure_rows(a, b, d) {
            let (diff, scale) = (f.diff, f.unit.scale());
            cells.extend([
                number(f.a, scale),
                number(f.b, scale),
                number(diff.diff, scale),
                number(diff.ci95.map(|c| c.lo), scale),
                number(diff.ci95.and_then(|c| c.hi), scale),
                if diff.diff.is_some() {
                    diff.significant.to_string()
                } else {
                    String::new()
                },
            ]);
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    row(
        &mut out,
        "overall",
        &report.a.overall,
        &report.b.overall,
        &report.diff.overall,
    );
    for (name, a) in &report.a.intents {
        let b = report.b.intents.iter().find(|(n, _)| n == name);
        let d = report.diff.intents.iter().find(|(n, _)| n == name);
        if let (Some((_, b)), Some((_, d))) = (b, d) {
            row(&mut out, name, &a.figures, &b.figures, d);
        }
    }
    for (name, a, b, d) in groups(report) {
        row(
            &mut out,
            &format!("persona:{name}"),
            &a.figures,
            &b.figures,
            d,
        );
    }
    out.push_str(&super::queue_compare::csv(report));
    out
}

/// Each caller group in both menus' reports, with its differences (the intents file's order).
pub(crate) fn groups(
    report: &CompareReport,
) -> impl Iterator<Item = (&str, &IntentFigures, &IntentFigures, &ScopeDiff)> {
    report.diff.personas.iter().filter_map(|(name, d)| {
        let a = report.a.personas.iter().find(|(n, _)| n == name)?;
        let b = report.b.personas.iter().find(|(n, _)| n == name)?;
        Some((name.as_str(), &a.1, &b.1, d))
    })
}

/// Six decimals at most, without trailing zeros.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6 + 0.0
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn cell_pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// `+1.2 [+1.0, +1.4] *` in the given units.
fn diff_text(d: &Difference, scale: f64, digits: usize) -> (String, String) {
    match d.diff {
        None => ("-".to_string(), String::new()),
        Some(v) => {
            let ci = super::interval_text(d.ci95, scale, digits, true);
            (
                format!(
                    "{:+.digits$}{}",
                    v * scale,
                    if d.significant { " *" } else { "" }
                ),
                ci,
            )
        }
    }
}

fn scope_rows(out: &mut String, a: &Figures, b: &Figures, d: &ScopeDiff) {
    for o in Outcome::ALL {
        let (diff, ci) = diff_text(&d.outcomes.get(o), 100.0, 2);
        let _ = writeln!(
            out,
            "  {:<18} {:>9} {:>9} {:>11}  {}",
            o.name(),
            cell_pct(a.outcomes.get(o)),
            cell_pct(b.outcomes.get(o)),
            diff,
            ci
        );
    }
    let rows: [(&str, f64, f64, Option<Difference>, usize); 2] = [
        (
            "inputs mean",
            a.inputs.mean,
            b.inputs.mean,
            d.inputs.mean,
            2,
        ),
        ("time mean (s)", a.time.mean, b.time.mean, d.time.mean, 1),
    ];
    for (name, x, y, diff, digits) in rows {
        let (text, ci) = diff.map_or(("-".into(), String::new()), |d| diff_text(&d, 1.0, digits));
        let _ = writeln!(
            out,
            "  {:<18} {:>9.digits$} {:>9.digits$} {:>11}  {}",
            name, x, y, text, ci
        );
    }
    if let (Some(x), Some(y), Some(diff)) = (a.time.p90, b.time.p90, d.time.p90) {
        let (text, ci) = diff_text(&diff, 1.0, 1);
        let _ = writeln!(
            out,
            "  {:<18} {:>9.1} {:>9.1} {:>11}  {}",
            "time p90 (s)", x, y, text, ci
        );
    }
    // Over the calls reaching a person in each menu: absent where either menu has none.
    if let (Some(x), Some(y), Some(diff)) =
        (&a.time_to_agent, &b.time_to_agent, d.time_to_agent.mean)
    {
        let (text, ci) = diff_text(&diff, 1.0, 1);
        let _ = writeln!(
            out,
            "  {:<18} {:>9.1} {:>9.1} {:>11}  {}",
            "to agent mean (s)", x.mean, y.mean, text, ci
        );
    }
    for row in extra_rows(a, b, d) {
        let (x, y) = (row.a.unwrap_or(0.0), row.b.unwrap_or(0.0));
        // The speech figures in the words of `ivr sim`'s speech line.
        let name = match row.name.as_str() {
            "speech_attempts" => "spoken attempts",
            "speech_recognised" => "recognised",
            "speech_rejected" => "asked to repeat",
            "speech_misrecognised" => "misrecognised",
            other => other,
        };
        let (x, y, (text, ci)) = match row.unit {
            Unit::Share => (cell_pct(x), cell_pct(y), diff_text(&row.diff, 100.0, 2)),
            _ => (
                format!("{x:.2}"),
                format!("{y:.2}"),
                diff_text(&row.diff, 1.0, 2),
            ),
        };
        let _ = writeln!(out, "  {name:<18} {x:>9} {y:>9} {text:>11}  {ci}");
    }
}

/// The human report: overall, then each intent (largest share first).
pub fn human(report: &CompareReport) -> String {
    let mut out = String::new();
    let how = match (report.a.calls, report.a.seed) {
        (Some(calls), Some(seed)) => {
            format!("{calls} paired calls (common random numbers), seed {seed}")
        }
        _ => "exact solutions of the caller model".to_string(),
    };
    let marks = if report.a.exact {
        "differences are B - A (exact: no intervals, nothing to be significant against)"
    } else {
        "differences are B - A, * marks a significant one"
    };
    let _ = writeln!(
        out,
        "A: {}\nB: {}\n{how}; {marks}\n",
        crate::text::printable(&report.a.menu),
        crate::text::printable(&report.b.menu)
    );
    let header = |out: &mut String, title: &str| {
        let _ = writeln!(
            out,
            "  {:<18} {:>9} {:>9} {:>11}  {}",
            title,
            "A",
            "B",
            "B - A",
            if report.a.exact { "" } else { "95% interval" }
        );
    };
    header(&mut out, "overall");
    scope_rows(
        &mut out,
        &report.a.overall,
        &report.b.overall,
        &report.diff.overall,
    );
    let mut intents: Vec<usize> = (0..report.a.intents.len()).collect();
    intents.sort_by(|&i, &j| {
        report.a.intents[j]
            .1
            .share
            .total_cmp(&report.a.intents[i].1.share)
    });
    // By name, once: a linear search per intent made 100,000 intents take minutes.
    let b_of: std::collections::HashMap<&str, _> = report
        .b
        .intents
        .iter()
        .map(|(n, f)| (n.as_str(), f))
        .collect();
    let d_of: std::collections::HashMap<&str, _> = report
        .diff
        .intents
        .iter()
        .map(|(n, d)| (n.as_str(), d))
        .collect();
    for i in intents {
        let (name, a) = &report.a.intents[i];
        let (Some(b), Some(d)) = (b_of.get(name.as_str()), d_of.get(name.as_str())) else {
            continue;
        };
        out.push('\n');
        header(
            &mut out,
            &format!("{} ({:.1}%)", crate::text::printable(name), a.share * 100.0),
        );
        scope_rows(&mut out, &a.figures, &b.figures, d);
    }
    for (name, a, b, d) in groups(report) {
        out.push('\n');
        header(
            &mut out,
            &format!(
                "group {} ({:.1}%)",
                crate::text::printable(name),
                a.share * 100.0
            ),
        );
        scope_rows(&mut out, &a.figures, &b.figures, d);
    }
    out.push_str(&super::queue_compare::human(report));
    out
}
