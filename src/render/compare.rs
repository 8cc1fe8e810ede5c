//! `ivr compare` output: a human table of A, B and their difference, or JSON.

use std::fmt::Write;

use crate::sim::compare::{CompareReport, Difference, ScopeDiff};
use crate::sim::engine::Outcome;
use crate::sim::report::Figures;

pub fn json(report: &CompareReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

fn cell_pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// `+1.2 [+1.0, +1.4] *` in the given units.
fn diff_text(d: &Difference, scale: f64, digits: usize) -> (String, String) {
    match d.diff {
        None => ("-".to_string(), String::new()),
        Some(v) => {
            let ci = d.ci95.map_or(String::new(), |[lo, hi]| {
                format!("[{:+.digits$}, {:+.digits$}]", lo * scale, hi * scale)
            });
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
    let _ = writeln!(
        out,
        "A: {}\nB: {}\n{how}; differences are B - A, * marks a significant one\n",
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
    out
}
