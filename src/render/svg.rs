//! Drawing a menu as SVG ourselves, without Graphviz: a layered tree layout.
//!
//! Menus are trees with a few back edges (a "back" or "main menu" option, a `then` to a parent,
//! a fallback to the agent). The layout walks the menu breadth first from the entry: a node's
//! layer is its depth, the first edge that reaches a node makes it a child of that node, and the
//! tree is drawn tidily (leaves side by side in the order their options are written, each
//! parent centred over its children). Every other edge is drawn as a curve between the boxes.
//! Nodes the entry cannot reach are put in a last row. The same menu always gives the same
//! picture, and ids (`node-3`, `edge-3-5-0`) follow the file order.
//!
//! With the flow, arrows are as thick as the share of calls that take them and node fills turn
//! red with the share of calls lost there; every box and arrow carries a `<title>` (shown on
//! hover) with its figures and prompt.

use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::draw::{FlowLookup, arrows, excerpt_to, label_lines, look, percent};
use crate::menu::Menu;
use crate::menu::graph::{MenuGraph, Vertex};
use crate::sim::flow::{Flow, NodeFlow};

/// Box size and gaps, in pixels.
const BOX_W: f64 = 180.0;
const BOX_H: f64 = 64.0;
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 70.0;
const MARGIN: f64 = 20.0;
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

/// Where each vertex goes: its layer, its x (in box widths) and its tree parent.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub depth: Vec<usize>,
    pub x: Vec<f64>,
    pub parent: Vec<Option<usize>>,
}

/// The layered tree layout of a menu graph.
pub fn layout(graph: &MenuGraph) -> Layout {
    let n = graph.graph.node_count();
    let mut depth = vec![usize::MAX; n];
    let mut parent = vec![None; n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order = Vec::new();
    if let Some(entry) = graph.entry() {
        depth[entry.index()] = 0;
        order.push(entry.index());
        let mut i = 0;
        while i < order.len() {
            let v = order[i];
            // Edges in file order (petgraph lists a vertex's edges newest first).
            let mut out: Vec<_> = graph.graph.edges(NodeIndex::new(v)).collect();
            out.sort_by_key(|e| e.id().index());
            for e in out {
                let t = e.target().index();
                if depth[t] == usize::MAX {
                    depth[t] = depth[v] + 1;
                    parent[t] = Some(v);
                    children[v].push(t);
                    order.push(t);
                }
            }
            i += 1;
        }
    }
    let deepest = order.iter().map(|&v| depth[v]).max().map_or(0, |d| d + 1);
    let mut x = vec![0.0; n];
    let mut next_leaf = 0.0;
    // Post-order over the tree: leaves take the next column, parents centre over children.
    if let Some(&root) = order.first() {
        let mut stack = vec![(root, false)];
        while let Some((v, done)) = stack.pop() {
            if done || children[v].is_empty() {
                if children[v].is_empty() {
                    x[v] = next_leaf;
                    next_leaf += 1.0;
                } else {
                    let first = x[children[v][0]];
                    let last = x[*children[v].last().unwrap_or(&v)];
                    x[v] = (first + last) / 2.0;
                }
                continue;
            }
            stack.push((v, true));
            for &c in children[v].iter().rev() {
                stack.push((c, false));
            }
        }
    }
    // Unreached vertices: a last row, in file order.
    let mut column = 0.0;
    for v in 0..n {
        if depth[v] == usize::MAX {
            depth[v] = deepest;
            x[v] = column;
            column += 1.0;
        }
    }
    Layout { depth, x, parent }
}

/// Options of an SVG drawing.
#[derive(Clone, Copy, Debug, Default)]
pub struct SvgOptions {
    /// Boxes deeper than this start hidden (the report expands them on click); `None` shows all.
    pub collapse_below: Option<usize>,
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
    let lay = layout(graph);
    let shares = flow.map(FlowLookup::new);
    let n = graph.graph.node_count();
    let columns = lay.x.iter().fold(0.0f64, |m, &x| m.max(x + 1.0));
    let layers = lay.depth.iter().max().map_or(1, |&d| d + 1);
    let width = 2.0 * MARGIN + columns * (BOX_W + GAP_X) - GAP_X + 60.0;
    let height = 2.0 * MARGIN + layers as f64 * (BOX_H + GAP_Y) - GAP_Y + 20.0;
    let left = |v: usize| MARGIN + lay.x[v] * (BOX_W + GAP_X);
    let top = |v: usize| MARGIN + 20.0 + lay.depth[v] as f64 * (BOX_H + GAP_Y);
    let hidden = |v: usize| options.collapse_below.is_some_and(|d| lay.depth[v] > d);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"menu-diagram\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"'Noto Sans', 'Noto Sans CJK SC', 'Helvetica', sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&menu.title()));
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
    // Arrows first, so boxes cover their ends.
    for (k, arrow) in arrows(menu, graph).iter().enumerate() {
        let (a, b) = (arrow.from, arrow.to);
        let share = shares.as_ref().map(|s| s.arrow(menu, graph, arrow));
        let stroke = share.map_or(1.2, |s| 1.0 + 9.0 * s.min(1.0));
        let tree = lay.parent[b] == Some(a) && lay.depth[b] == lay.depth[a] + 1;
        let (x1, y1) = (left(a) + BOX_W / 2.0, top(a) + BOX_H);
        let (x2, y2) = (left(b) + BOX_W / 2.0, top(b));
        let down = tree || lay.depth[b] > lay.depth[a];
        let path = if down {
            let mid = (y1 + y2) / 2.0;
            format!("M{x1:.1},{y1:.1} C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}")
        } else if lay.depth[b] == lay.depth[a] && a != b {
            // Sideways: under the row, from bottom to bottom.
            let below = y1 + 28.0 + 4.0 * (k % 4) as f64;
            format!("M{x1:.1},{y1:.1} C{x1:.1},{below:.1} {x2:.1},{below:.1} {x2:.1},{y1:.1}")
        } else {
            // Back or sideways: leave from the right side, loop round, enter from the right.
            let (sx, sy) = (left(a) + BOX_W, top(a) + BOX_H / 2.0);
            let (ex, ey) = (left(b) + BOX_W, top(b) + BOX_H / 2.0);
            let out_x = sx.max(ex) + 30.0 + 6.0 * (k % 5) as f64;
            format!("M{sx:.1},{sy:.1} C{out_x:.1},{sy:.1} {out_x:.1},{ey:.1} {ex:.1},{ey:.1}")
        };
        let colour = if arrow.is_error() {
            "#a00000"
        } else {
            "#555555"
        };
        let dash = if arrow.is_error() {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let label = match share {
            Some(s) if arrow.label().is_empty() => percent(s),
            Some(s) => format!("{}: {}", arrow.label(), percent(s)),
            None => arrow.label(),
        };
        let index = arrow_index(graph, arrow);
        let hide = if hidden(b) {
            " style=\"display:none\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<g class=\"edge\" id=\"edge-{a}-{b}-{index}\" data-from=\"node-{a}\" data-to=\"node-{b}\"{hide}><title>{}</title><path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{stroke:.2}\" stroke-opacity=\"0.75\"{dash} marker-end=\"url(#arrow)\"/>",
            escape(&label)
        );
        if !label.is_empty() {
            let (lx, ly) = if down {
                ((x1 + x2) / 2.0, (y1 + y2) / 2.0)
            } else if lay.depth[b] == lay.depth[a] && a != b {
                ((x1 + x2) / 2.0, y1 + 24.0)
            } else {
                (left(a) + BOX_W + 8.0, top(a) + BOX_H / 2.0 - 4.0)
            };
            let _ = writeln!(
                out,
                "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{colour}\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
                escape(&label)
            );
        }
        out.push_str("</g>\n");
    }
    for v in 0..n {
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
        let (x, y) = (left(v), top(v));
        let depth = lay.depth[v];
        let parent = lay.parent[v].map_or(String::new(), |p| format!(" data-parent=\"node-{p}\""));
        let hide = if hidden(v) {
            " style=\"display:none\""
        } else {
            ""
        };
        let node_id = match vertex {
            Vertex::Node(id) => menu.node(*id).id.value.clone(),
            Vertex::Missing(name) => name.clone(),
            Vertex::Disconnect => "disconnect".to_string(),
        };
        let lost = node_flow.map_or(String::new(), |f| format!(" data-lost=\"{:.6}\"", f.lost));
        let _ = writeln!(
            out,
            "<g class=\"node {class}\" id=\"node-{v}\" data-node=\"{}\" data-depth=\"{depth}\"{parent}{lost}{hide}><title>{}</title>",
            escape(&node_id),
            escape(&title)
        );
        let link = match vertex {
            Vertex::Node(id) => menu.node(*id).file.as_ref().map(|f| f.value.clone()),
            _ => None,
        };
        if let Some(file) = &link {
            // A flow hand-off links to the menu file it continues in.
            let _ = writeln!(out, "<a href=\"{}\">", escape(file));
        }
        if class == "decision" {
            let (cx, cy) = (x + BOX_W / 2.0, y + BOX_H / 2.0);
            let _ = writeln!(
                out,
                "<polygon points=\"{cx:.1},{y:.1} {:.1},{cy:.1} {cx:.1},{:.1} {x:.1},{cy:.1}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
                x + BOX_W,
                y + BOX_H
            );
        } else {
            let _ = writeln!(
                out,
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
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"{weight}>{}</text>",
                x + BOX_W / 2.0,
                y + 18.0 + 16.0 * i as f64,
                escape(line)
            );
        }
        if link.is_some() {
            out.push_str("</a>\n");
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// An arrow's rank among the arrows between the same two vertices (for a stable, unique id).
fn arrow_index(graph: &MenuGraph, arrow: &super::draw::Arrow) -> usize {
    let Some(&first) = arrow.edges.first() else {
        return 0;
    };
    graph
        .graph
        .edges_connecting(NodeIndex::new(arrow.from), NodeIndex::new(arrow.to))
        .filter(|e| e.id() < first)
        .count()
}
