//! `ivr compare --format html`: one self-contained page with the two menus side by side, the
//! differences with their intervals, and menu B's diagram with the traffic that moved.
//!
//! Built from the report page's parts (head, Content-Security-Policy, styles, script, header,
//! cards, diagram), so it follows the same rules: every string from a file is escaped and the
//! script carries no data.

use std::fmt::Write;

use super::compare::{FigureRow, Unit, figure_rows};
use super::html::{
    COLLAPSE_DEPTH, COLLAPSE_NODES, callers_text, diagram_section_end, header, now_utc, page_end,
    page_start, summary_cards,
};
use super::svg::{SvgOptions, escape, svg};
use crate::commands::compare::ComparePage;
use crate::menu::graph::MenuGraph;
use crate::sim::compare::{Difference, ScopeDiff};
use crate::sim::engine::Outcome;
use crate::sim::flow::{EdgeKey, FlowChange};
use crate::sim::report::IntentFigures;

/// A figure's name as people read it.
fn label(row: &FigureRow) -> String {
    match row.name.as_str() {
        "inputs_mean" => "Mean key presses".to_string(),
        "time_mean" => "Mean time in the menu (s)".to_string(),
        "time_p50" => "Median time in the menu (s)".to_string(),
        "time_p90" => "90th percentile time (s)".to_string(),
        "time_p99" => "99th percentile time (s)".to_string(),
        "time_to_agent_mean" => "Mean time to an agent (s)".to_string(),
        "confused" => "Followed a confusion (share of calls)".to_string(),
        "speech_attempts" => "Spoken attempts per call".to_string(),
        "speech_recognised" => "Speech attempts recognised".to_string(),
        "speech_rejected" => "Speech attempts asked to repeat".to_string(),
        "speech_misrecognised" => "Speech attempts misrecognised".to_string(),
        outcome => format!("{outcome} (share of calls)"),
    }
}

/// A value in its unit: `12.3%`, `41.2 s`, `2.10`.
fn value_text(v: Option<f64>, unit: Unit) -> String {
    match (v, unit) {
        (None, _) => "–".to_string(),
        (Some(v), Unit::Share) => format!("{:.1}%", v * 100.0),
        (Some(v), Unit::Seconds) => format!("{v:.1}"),
        (Some(v), Unit::Inputs) => format!("{v:.2}"),
    }
}

/// A difference in its unit (percentage points for shares) and its interval.
fn diff_cells(d: &Difference, unit: Unit) -> (String, String) {
    let (digits, suffix) = match unit {
        Unit::Share => (1, " pp"),
        Unit::Seconds => (1, " s"),
        Unit::Inputs => (2, ""),
    };
    match d.diff {
        None => ("–".to_string(), String::new()),
        Some(v) => (
            format!("{:+.digits$}{suffix}", v * unit.scale()),
            super::interval_text(d.ci95, unit.scale(), digits, true),
        ),
    }
}

/// `significant`, or `""`, as a row's class and mark.
fn mark(d: &Difference) -> (&'static str, &'static str) {
    if d.significant {
        (" class=\"significant\"", "✱")
    } else {
        ("", "")
    }
}

/// The table of differences of one scope: one row per figure.
fn differences_table(out: &mut String, id: &str, rows: &[FigureRow], exact: bool) {
    let _ = writeln!(
        out,
        "<table id=\"{id}\" class=\"differences\"><thead><tr><th>figure</th><th>A</th><th>B</th><th>B − A</th><th>{}</th><th>significant</th></tr></thead><tbody>",
        if exact { "" } else { "95% interval" }
    );
    for row in rows {
        let (diff, ci) = diff_cells(&row.diff, row.unit);
        let (class, star) = mark(&row.diff);
        let raw = row.diff.diff.map_or(String::new(), |v| v.to_string());
        let _ = writeln!(
            out,
            "<tr{class} data-figure=\"{}\" data-diff=\"{raw}\" data-significant=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{diff}</td><td>{ci}</td><td>{star}</td></tr>",
            row.name,
            row.diff.significant,
            label(row),
            value_text(row.a, row.unit),
            value_text(row.b, row.unit)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Per intent: its share and the differences of the outcomes the cards show, of its mean time
/// and (when callers can be confused) of its confused share (sortable).
fn intents_table(out: &mut String, page: &ComparePage) {
    let report = &page.report;
    let b_of: std::collections::HashMap<&str, _> = report
        .b
        .intents
        .iter()
        .map(|(n, f)| (n.as_str(), f))
        .collect();
    let scopes = report
        .a
        .intents
        .iter()
        .zip(&report.diff.intents)
        .filter_map(|((name, a), (_, d))| Some((name.as_str(), a, *b_of.get(name.as_str())?, d)));
    scopes_table(out, page, "intent-differences", "intent", scopes);
}

/// The same for each caller group, when the traffic names groups.
fn groups_table(out: &mut String, page: &ComparePage) {
    if page.report.diff.personas.is_empty() {
        return;
    }
    out.push_str(
        "<h3>Per caller group (click a heading to sort; hover a cell for its interval)</h3>\n",
    );
    let scopes = super::compare::groups(&page.report);
    scopes_table(out, page, "group-differences", "caller group", scopes);
}

/// One row per scope (intent or caller group): its share and its differences.
fn scopes_table<'r>(
    out: &mut String,
    page: &ComparePage,
    id: &str,
    what: &str,
    scopes: impl Iterator<Item = (&'r str, &'r IntentFigures, &'r IntentFigures, &'r ScopeDiff)>,
) {
    let report = &page.report;
    let shown = [
        Outcome::SelfServed,
        Outcome::Agent,
        Outcome::Misrouted,
        Outcome::Abandoned,
    ];
    let _ = write!(
        out,
        "<table class=\"sortable\" id=\"{id}\"><thead><tr><th>{what}</th><th>share of calls</th>"
    );
    for o in shown {
        let _ = write!(out, "<th>{} B − A</th>", o.name());
    }
    out.push_str("<th>mean time B − A</th>");
    let confusable = report.diff.overall.confused.is_some();
    if confusable {
        out.push_str("<th>confused B − A</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for (name, a, b, d) in scopes {
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-sort=\"{}\">{:.1}%</td>",
            escape(name),
            a.share,
            a.share * 100.0
        );
        for row in figure_rows(&a.figures, &b.figures, d).iter().filter(|r| {
            shown.iter().any(|o| o.name() == r.name)
                || r.name == "time_mean"
                || r.name == "confused"
        }) {
            let (diff, ci) = diff_cells(&row.diff, row.unit);
            let (class, star) = mark(&row.diff);
            let _ = write!(
                out,
                "<td{class} data-sort=\"{}\" title=\"{ci}\">{diff}{star}</td>",
                row.diff.diff.unwrap_or(0.0)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// How an element's traffic is named in the table of changes.
fn edge_name(key: &EdgeKey) -> String {
    let to = key.to.as_deref().unwrap_or("disconnect");
    match (key.kind, &key.key) {
        ("option", Some(k)) => format!("{} → {to} (key {k})", key.from),
        (kind, _) => format!("{} → {to} ({kind})", key.from),
    }
}

/// The table of the nodes and edges whose traffic changed, largest change first.
fn changes_table(out: &mut String, page: &ComparePage) {
    let mut rows: Vec<(String, &str, &FlowChange)> = page
        .changes
        .nodes
        .iter()
        .map(|(id, c)| (id.clone(), "visits", c))
        .chain(
            page.changes
                .edges
                .iter()
                .map(|(k, c)| (edge_name(k), "traversals", c)),
        )
        .filter(|(_, _, c)| c.changed())
        .collect();
    if rows.is_empty() {
        out.push_str("<p id=\"no-changes\">No node or edge carries a different traffic.</p>\n");
        return;
    }
    rows.sort_by(|x, y| {
        let size = |c: &FlowChange| c.diff.diff.unwrap_or(0.0).abs();
        size(y.2).total_cmp(&size(x.2))
    });
    out.push_str("<table class=\"sortable\" id=\"flow-changes\"><thead><tr><th>node or edge</th><th>per call</th><th>A</th><th>B</th><th>B − A</th><th>interval</th></tr></thead><tbody>\n");
    for (name, what, c) in rows {
        let per = |p: Option<crate::sim::flow::PerCall>| {
            p.map_or("(not in this menu)".to_string(), |p| {
                format!("{:.3}", p.mean)
            })
        };
        let d = c.diff.diff.unwrap_or(0.0);
        let _ = writeln!(
            out,
            "<tr data-change=\"{d}\"><td>{}</td><td>{what}</td><td>{}</td><td>{}</td><td data-sort=\"{d}\">{d:+.3}</td><td>{}</td></tr>",
            escape(&name),
            per(c.a),
            per(c.b),
            super::interval_text(c.diff.ci95, 1.0, 3, true)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// The whole page.
pub fn page(page: &ComparePage, version: &str) -> String {
    let report = &page.report;
    let (title_a, title_b) = (page.menu_a.title(), page.menu_b.title());
    let exact = report.a.exact;
    // Variants often keep the menu's name: then the name once (the header gives both files).
    let heading = if title_a == title_b {
        format!("Compare: {title_b}")
    } else {
        format!("Compare: {title_a} → {title_b}")
    };
    let mut out = String::new();
    page_start(
        &mut out,
        &format!("{heading} · ivr"),
        page.menu_b.language().or(page.menu_a.language()),
    );
    let how = match (report.a.calls, report.a.seed) {
        (Some(calls), Some(_)) => {
            format!("{calls} paired calls (the same callers and random numbers in both menus)")
        }
        _ => "exact solutions of the caller model".to_string(),
    };
    header(
        &mut out,
        &heading,
        &[
            ("A", report.a.menu.clone()),
            ("B", report.b.menu.clone()),
            ("traffic", page.traffic.clone()),
            ("date", now_utc()),
            ("ivr version", version.to_string()),
            (
                "seed",
                report.a.seed.map_or(String::new(), |s| s.to_string()),
            ),
            ("calls", how),
            ("callers", callers_text(&page.callers)),
        ],
    );
    out.push_str("<section id=\"side-by-side\"><h2>Side by side</h2><div class=\"variants\">\n");
    for (id, name, sim) in [("a", "A", &report.a), ("b", "B", &report.b)] {
        let _ = writeln!(
            out,
            "<div class=\"variant\" id=\"variant-{id}\"><h3>{name}: {}</h3>",
            escape(&sim.menu)
        );
        summary_cards(&mut out, &sim.overall);
        out.push_str("</div>\n");
    }
    out.push_str("</div></section>\n<section id=\"differences\"><h2>Differences (B − A)</h2>\n");
    out.push_str(if exact {
        "<p>Exact solutions: the differences have no sampling error, so there are no intervals and nothing is marked significant.</p>\n"
    } else {
        "<p>Both menus ran the same calls, so the noise mostly cancels. Intervals are 95%; ✱ marks a difference whose interval excludes 0 (significant). Shares differ in percentage points (pp).</p>\n"
    });
    let rows = figure_rows(&report.a.overall, &report.b.overall, &report.diff.overall);
    differences_table(&mut out, "overall-differences", &rows, exact);
    out.push_str("<h3>Per intent (click a heading to sort; hover a cell for its interval)</h3>\n");
    intents_table(&mut out, page);
    groups_table(&mut out, page);
    let menu = &page.menu_b;
    let graph = MenuGraph::build(menu);
    let collapse = (menu.nodes.len() > COLLAPSE_NODES).then_some(COLLAPSE_DEPTH);
    let diagram = svg(
        menu,
        &graph,
        Some(&page.flow_b),
        SvgOptions {
            collapse_below: collapse,
            changes: Some(&page.changes),
        },
    );
    out.push_str("</section>\n<section id=\"flow\"><h2>Where B's callers go, and what changed</h2>\n<p>Menu B, with arrows as thick as the share of calls taking them and boxes redder the more callers are lost there. Boxes and arrows whose traffic changed from A are marked: <span class=\"more\">orange</span> where more calls pass, <span class=\"less\">blue</span> where fewer do");
    out.push_str(if exact {
        " (exact: any change)"
    } else {
        " (where the 95% interval of the change excludes 0; it treats the two runs as independent, so it is wider than it needs to be)"
    });
    out.push_str(". Hover over a box or arrow for its figures, click a box for its prompt");
    diagram_section_end(&mut out, collapse, &diagram);
    out.push_str("<section id=\"changes\"><h2>Changed traffic, per call</h2>\n");
    changes_table(&mut out, page);
    out.push_str("</section>\n");
    page_end(&mut out);
    out
}
