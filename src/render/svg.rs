//! Drawing a menu as SVG ourselves, without Graphviz, on the layered tree layout of
//! [`super::layout`]: boxes where the layout puts them, the tree's edges drawn downwards and
//! every other edge as a curve between the boxes. The same menu always gives the same picture,
//! and ids (`node-3`, `edge-3-5-0`) follow the file order.
//!
//! With the flow, arrows are as thick as the share of calls that take them and node fills turn
//! red with the share of calls lost there; every box and arrow carries a `<title>` (shown on
//! hover) with its figures and prompt.
//!
//! A folded drawing (the pages' diagrams of big menus) lays out only the boxes shown and is
//! laid out again by the page's script when a box is opened: each box is drawn at its origin
//! and moved by a `transform`, and carries its place in the tree (`data-parent`, `data-rank`),
//! each arrow its number (`data-k`). The folded boxes and the arrows to or from them follow the
//! drawing in a `<template>`, unplaced, for the script to move into it.

use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use std::collections::HashMap;

use super::draw::{Arrow, FlowLookup, arrows, edge_key, excerpt_to, label_lines, look, percent};
use super::layout::{BOX_H, BOX_W, LONG, Layout, layout};
use crate::menu::Menu;
use crate::menu::graph::{MenuGraph, Vertex};
use crate::sim::compare::Difference;
use crate::sim::flow::{Flow, FlowChanges, NodeFlow};

/// Columns of text a box line holds (a CJK character takes two).
const LINE_COLUMNS: usize = 26;

/// Escapes text for SVG or HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Options of an SVG drawing.
#[derive(Clone, Copy, Debug, Default)]
pub struct SvgOptions<'c> {
    /// Boxes deeper than this start hidden (the report expands them on click); `None` shows all.
    pub collapse_below: Option<usize>,
    /// How the traffic changed from another menu (`ivr compare`): boxes and arrows whose
    /// traffic changed are marked, orange when it grew and blue when it shrank.
    pub changes: Option<&'c FlowChanges>,
}

/// Colours of a change of traffic: more, less.
const MORE: &str = "#e07000";
const LESS: &str = "#1f6fd0";

/// A change as the hover text says it: `B − A: +0.120 visits per call [+0.100, +0.140]`.
fn change_text(diff: &Difference, unit: &str) -> String {
    let value = diff.diff.unwrap_or(0.0);
    let ci = super::interval_text(diff.ci95, 1.0, 3, true);
    format!("changed, B − A: {value:+.3} {unit} per call {ci}")
        .trim_end()
        .to_string()
}

/// The changed elements of a drawing, by what it knows: node ids and (from, kind, key).
struct Changed<'c> {
    nodes: HashMap<&'c str, &'c Difference>,
    edges: HashMap<(&'c str, &'static str, Option<&'c str>), &'c Difference>,
}

impl<'c> Changed<'c> {
    fn of(changes: &'c FlowChanges) -> Changed<'c> {
        Changed {
            nodes: changes
                .nodes
                .iter()
                .filter(|(_, c)| c.changed() && c.b.is_some())
                .map(|(id, c)| (id.as_str(), &c.diff))
                .collect(),
            edges: changes
                .edges
                .iter()
                .filter(|(_, c)| c.changed() && c.b.is_some())
                .map(|(k, c)| ((k.from.as_str(), k.kind, k.key.as_deref()), &c.diff))
                .collect(),
        }
    }
}

/// A red as strong as the share of calls lost (0 white, 25% or more full).
fn lost_fill(lost: f64) -> String {
    let t = (lost / 0.25).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(255.0, 230.0),
        mix(255.0, 80.0),
        mix(255.0, 80.0)
    )
}

/// The figures a box's hover shows.
fn node_figures(node: &NodeFlow) -> String {
    let mut lines = vec![format!(
        "reached by {} of calls · {:.3} visits per call",
        node.reached.map_or("?".to_string(), percent),
        node.visits.mean
    )];
    let ends: Vec<String> = crate::sim::engine::Outcome::ALL
        .iter()
        .filter(|&&o| node.ended.get(o) > 0.0)
        .map(|&o| format!("{} {}", o.name(), percent(node.ended.get(o))))
        .collect();
    if !ends.is_empty() {
        lines.push(format!("ends here: {}", ends.join(", ")));
    }
    if node.invalid.mean > 0.0 || node.silences.mean > 0.0 {
        lines.push(format!(
            "invalid keys {:.3} · silences {:.3} per call",
            node.invalid.mean, node.silences.mean
        ));
    }
    lines.join("\n")
}

/// The menu as an SVG picture, with the flow when given.
pub fn svg(menu: &Menu, graph: &MenuGraph, flow: Option<&Flow>, options: SvgOptions) -> String {
    let lay = layout(graph, options.collapse_below);
    let folded = options.collapse_below.is_some();
    let shares = flow.map(FlowLookup::new);
    let n = graph.graph.node_count();
    let (width, height) = lay.size();
    let changed = options.changes.map(Changed::of);
    let mut out = String::new();
    // The arrows and boxes folded away: a folded drawing keeps them apart (see below).
    let mut folded_away = String::new();
    let class = if folded {
        "menu-diagram folded"
    } else {
        "menu-diagram"
    };
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"'Noto Sans', 'Noto Sans CJK SC', 'Helvetica', sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&menu.title()));
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
    // Arrows first, so boxes cover their ends.
    for (k, arrow) in arrows(menu, graph).iter().enumerate() {
        let (a, b) = (arrow.from, arrow.to);
        let share = shares.as_ref().map(|s| s.arrow(menu, graph, arrow));
        let stroke = share.map_or(1.2, |s| 1.0 + 9.0 * s.min(1.0));
        let mut el = String::new();
        // An arrow to or from a folded box is in the page, hidden and not placed.
        let place = (lay.shown[a] && lay.shown[b]).then(|| arrow_place(&lay, arrow, k));
        // The changes of the arrow's edges (two handler edges may share an arrow).
        let moved: Vec<&Difference> = changed.as_ref().map_or(Vec::new(), |c| {
            arrow
                .edges
                .iter()
                .filter_map(|&e| edge_key(menu, graph, e))
                .filter_map(|(from, kind, key)| {
                    c.edges.get(&(from.as_str(), kind, key.as_deref())).copied()
                })
                .collect()
        });
        let moved_by: f64 = moved.iter().map(|d| d.diff.unwrap_or(0.0)).sum();
        let colour = if !moved.is_empty() {
            if moved_by >= 0.0 { MORE } else { LESS }
        } else if arrow.is_error() {
            "#a00000"
        } else {
            "#555555"
        };
        // Error arrows are dashed, unless long: a browser draws every dash, and thousands of
        // arrows across a wide drawing (every menu's fallback to one agent) take it a minute.
        let dash = if arrow.is_error() && place.as_ref().is_some_and(|p| !p.long) {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let label = match share {
            Some(s) if arrow.label().is_empty() => percent(s),
            Some(s) => format!("{}: {}", arrow.label(), percent(s)),
            None => arrow.label(),
        };
        let mut title = label.clone();
        for d in &moved {
            title = format!("{title}\n{}", change_text(d, "traversals"));
        }
        let error = if arrow.is_error() { " error" } else { "" };
        let (class, change) = if moved.is_empty() {
            ("edge", String::new())
        } else {
            ("edge changed", format!(" data-change=\"{moved_by}\""))
        };
        let index = arrow_index(graph, arrow);
        let path = place
            .as_ref()
            .map_or(String::new(), |p| format!(" d=\"{}\"", p.path));
        let number = if folded {
            format!(" data-k=\"{k}\"")
        } else {
            String::new()
        };
        let _ = writeln!(
            el,
            "<g class=\"{class}{error}\" id=\"edge-{a}-{b}-{index}\" data-from=\"node-{a}\" data-to=\"node-{b}\"{number}{change}><title>{}</title><path{path} fill=\"none\" stroke=\"{colour}\" stroke-width=\"{stroke:.2}\" stroke-opacity=\"0.75\"{dash} marker-end=\"url(#arrow)\"/>",
            escape(&title)
        );
        if !label.is_empty() {
            let at = place.as_ref().map_or(String::new(), |p| {
                format!(" x=\"{:.1}\" y=\"{:.1}\"", p.label.0, p.label.1)
            });
            let _ = writeln!(
                el,
                "<text{at} text-anchor=\"middle\" font-size=\"10\" fill=\"{colour}\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
                escape(&label)
            );
        }
        el.push_str("</g>\n");
        if place.is_some() {
            out.push_str(&el)
        } else {
            folded_away.push_str(&el)
        }
    }
    for v in 0..n {
        let mut el = String::new();
        let vertex = &graph.graph[NodeIndex::new(v)];
        let lines = label_lines(menu, vertex);
        let node_flow = match (vertex, flow) {
            (Vertex::Node(id), Some(f)) => f.nodes.get(id.0),
            _ => None,
        };
        let fill = node_flow.map_or_else(|| "#ffffff".to_string(), |f| lost_fill(f.lost));
        let class = look(menu, vertex).class;
        let stroke = match class {
            "menu" => "#3060c0",
            "input" => "#7040c0",
            "selfservice" => "#2a8a45",
            "transfer" => "#c07a00",
            "decision" => "#a08000",
            "flow" => "#2080a0",
            "missing" | "disconnect" => "#d00000",
            _ => "#606060",
        };
        let mut title = lines.join("\n");
        if let Vertex::Node(id) = vertex
            && let Some(say) = &menu.node(*id).say
        {
            // The whole prompt, not the excerpt.
            title = format!("{}\n{}", lines[0], say.value);
        }
        if let Some(f) = node_flow {
            title = format!("{title}\n{}", node_figures(f));
        }
        let moved = match (vertex, &changed) {
            (Vertex::Node(id), Some(c)) => c.nodes.get(menu.node(*id).id.value.as_str()).copied(),
            _ => None,
        };
        if let Some(d) = moved {
            title = format!("{title}\n{}", change_text(d, "visits"));
        }
        // A folded drawing draws each box at its origin and moves it, so that the page's
        // script can move it again; a folded box is not placed at all.
        let (x, y, place) = if !folded {
            let (x, y) = lay.corner(v);
            (x, y, String::new())
        } else if lay.shown[v] {
            let (x, y) = lay.corner(v);
            (0.0, 0.0, format!(" transform=\"translate({x:.1},{y:.1})\""))
        } else {
            (0.0, 0.0, String::new())
        };
        let depth = lay.depth[v];
        let mut parent =
            lay.parent[v].map_or(String::new(), |p| format!(" data-parent=\"node-{p}\""));
        if let (true, Some(rank)) = (folded, lay.rank[v]) {
            let _ = write!(parent, " data-rank=\"{rank}\"");
        }
        let node_id = match vertex {
            Vertex::Node(id) => menu.node(*id).id.value.clone(),
            Vertex::Missing(name) => name.clone(),
            Vertex::Disconnect => "disconnect".to_string(),
        };
        let lost = node_flow.map_or(String::new(), |f| format!(" data-lost=\"{:.6}\"", f.lost));
        let (marked, change) = match moved {
            Some(d) => (
                " changed",
                format!(" data-change=\"{}\"", d.diff.unwrap_or(0.0)),
            ),
            None => ("", String::new()),
        };
        let _ = writeln!(
            el,
            "<g class=\"node {class}{marked}\" id=\"node-{v}\" data-node=\"{}\" data-depth=\"{depth}\"{parent}{lost}{change}{place}><title>{}</title>",
            escape(&node_id),
            escape(&title)
        );
        if let Some(d) = moved {
            let halo = if d.diff.unwrap_or(0.0) >= 0.0 {
                MORE
            } else {
                LESS
            };
            let _ = writeln!(
                el,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{}\" height=\"{}\" rx=\"9\" fill=\"none\" stroke=\"{halo}\" stroke-width=\"4\"/>",
                x - 4.0,
                y - 4.0,
                BOX_W + 8.0,
                BOX_H + 8.0
            );
        }
        let link = match vertex {
            Vertex::Node(id) => menu.node(*id).file.as_ref().map(|f| f.value.clone()),
            _ => None,
        };
        if let Some(file) = &link {
            // A flow hand-off links to the menu file it continues in.
            let _ = writeln!(el, "<a href=\"{}\">", escape(file));
        }
        if class == "decision" {
            let (cx, cy) = (x + BOX_W / 2.0, y + BOX_H / 2.0);
            let _ = writeln!(
                el,
                "<polygon points=\"{cx:.1},{y:.1} {:.1},{cy:.1} {cx:.1},{:.1} {x:.1},{cy:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
                x + BOX_W,
                y + BOX_H
            );
        } else {
            let _ = writeln!(
                el,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>"
            );
        }
        let shown: Vec<String> = lines
            .iter()
            .take(3)
            .map(|l| excerpt_to(l, LINE_COLUMNS))
            .collect();
        for (i, line) in shown.iter().enumerate() {
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let _ = writeln!(
                el,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"{weight}>{}</text>",
                x + BOX_W / 2.0,
                y + 18.0 + 16.0 * i as f64,
                escape(line)
            );
        }
        if link.is_some() {
            el.push_str("</a>\n");
        }
        el.push_str("</g>\n");
        if lay.shown[v] {
            out.push_str(&el)
        } else {
            folded_away.push_str(&el)
        }
    }
    out.push_str("</svg>\n");
    if folded {
        // Inert until opened: the browser parses a template's content but neither styles nor
        // lays it out, and the page's script moves boxes from it into the drawing.
        let _ = write!(
            out,
            "<template class=\"folded-away\"><svg xmlns=\"http://www.w3.org/2000/svg\">\n{folded_away}</svg></template>\n"
        );
    }
    out
}

/// Where an arrow is drawn: its path, the middle of its label, and whether it is long (its
/// ends more than [`LONG`] pixels apart, across and down together).
struct ArrowPlace {
    path: String,
    label: (f64, f64),
    long: bool,
}

/// The path of arrow number `k` between two placed boxes: down to a box in a lower row (along
/// the tree, or across it), under the row to a box beside it, and otherwise (back up, or to
/// itself) out of the right side and round into the right side of its target. The page's
/// script draws the same paths when it lays the drawing out again.
fn arrow_place(lay: &Layout, arrow: &Arrow, k: usize) -> ArrowPlace {
    let (a, b) = (arrow.from, arrow.to);
    let ((left_a, top_a), (left_b, top_b)) = (lay.corner(a), lay.corner(b));
    let (x1, y1) = (left_a + BOX_W / 2.0, top_a + BOX_H);
    let (x2, y2) = (left_b + BOX_W / 2.0, top_b);
    let long = (left_b - left_a).abs() + (top_b - top_a).abs() > LONG;
    if lay.parent[b] == Some(a) || lay.row[b] > lay.row[a] {
        let mid = (y1 + y2) / 2.0;
        ArrowPlace {
            path: format!("M{x1:.1},{y1:.1} C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}"),
            label: ((x1 + x2) / 2.0, (y1 + y2) / 2.0),
            long,
        }
    } else if lay.row[b] == lay.row[a] && a != b {
        let below = y1 + 28.0 + 4.0 * (k % 4) as f64;
        ArrowPlace {
            path: format!(
                "M{x1:.1},{y1:.1} C{x1:.1},{below:.1} {x2:.1},{below:.1} {x2:.1},{y1:.1}"
            ),
            label: ((x1 + x2) / 2.0, y1 + 24.0),
            long,
        }
    } else {
        let (sx, sy) = (left_a + BOX_W, top_a + BOX_H / 2.0);
        let (ex, ey) = (left_b + BOX_W, top_b + BOX_H / 2.0);
        let out_x = sx.max(ex) + 30.0 + 6.0 * (k % 5) as f64;
        ArrowPlace {
            path: format!(
                "M{sx:.1},{sy:.1} C{out_x:.1},{sy:.1} {out_x:.1},{ey:.1} {ex:.1},{ey:.1}"
            ),
            label: (left_a + BOX_W + 8.0, top_a + BOX_H / 2.0 - 4.0),
            long,
        }
    }
}

/// An arrow's rank among the arrows between the same two vertices (for a stable, unique id).
fn arrow_index(graph: &MenuGraph, arrow: &Arrow) -> usize {
    let Some(&first) = arrow.edges.first() else {
        return 0;
    };
    graph
        .graph
        .edges_connecting(NodeIndex::new(arrow.from), NodeIndex::new(arrow.to))
        .filter(|e| e.id() < first)
        .count()
}
