//! Drawing a menu: Mermaid (renders in GitHub Markdown) and Graphviz DOT.
//!
//! Vertices get generated ids (`n0`, `n1`, ...) so no node id can collide with a reserved word
//! (`end` in Mermaid, `graph` in DOT); ids and prompts appear only inside escaped labels.

use std::fmt::Write;

use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

use crate::menu::graph::{EdgeKind, Handler, MenuGraph, Vertex};
use std::collections::HashMap;

use crate::menu::{Menu, NodeKind};
use crate::sim::flow::Flow;
use crate::text::is_cjk;

/// Widest prompt excerpt shown in a box, in columns (a Chinese, Japanese or Korean character
/// takes two, as on screen).
const PROMPT_EXCERPT: usize = 40;

/// What a vertex shows: its id, its `label` (the designer's short name), its type and the start
/// of its prompt.
pub(super) fn label_lines(menu: &Menu, vertex: &Vertex) -> Vec<String> {
    match vertex {
        Vertex::Node(id) => {
            let node = menu.node(*id);
            let mut kind = node.kind.name().to_string();
            if let Some(queue) = &node.queue {
                kind = format!("{kind} → {}", queue.value);
            }
            if let Some(target) = flow_target(node) {
                kind = format!("{kind} → {target}");
            }
            if node.is_complaint() {
                kind.push_str(" · complaint");
            }
            let mut lines = vec![node.id.value.clone()];
            if let Some(label) = &node.label {
                lines.push(excerpt(&label.value));
            }
            lines.push(format!("[{kind}]"));
            if let Some(say) = &node.say {
                lines.push(excerpt(&say.value));
            }
            lines
        }
        Vertex::Missing(name) => vec![name.clone(), "[missing: no such node]".to_string()],
        Vertex::Disconnect => vec!["disconnect".to_string()],
    }
}

/// Where a flow node hands the call over: `file` or `file#entry`.
pub(super) fn flow_target(node: &crate::menu::Node) -> Option<String> {
    let file = node.file.as_ref()?;
    Some(match &node.flow_entry {
        Some(entry) => format!("{}#{}", file.value, entry.value),
        None => file.value.clone(),
    })
}

fn excerpt(text: &str) -> String {
    excerpt_to(text, PROMPT_EXCERPT)
}

/// The start of `text` in at most `limit` columns, with `…` when cut.
pub(super) fn excerpt_to(text: &str, limit: usize) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().map(columns).sum::<usize>() <= limit {
        return text;
    }
    let mut cut = String::new();
    let mut width = 0;
    for c in text.chars() {
        width += columns(c);
        if width > limit - 1 {
            break;
        }
        cut.push(c);
    }
    format!("{}…", cut.trim_end())
}

/// Columns a character takes: two for CJK characters and full-width forms.
pub(super) fn columns(c: char) -> usize {
    let wide = is_cjk(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF60 | 0xFFE0..=0xFFE6);
    if wide { 2 } else { 1 }
}

/// An arrow as drawn. A node's two handler edges that end at the same place the same way are
/// drawn as one ("invalid / no input: on_fail"), which halves the dashed arrows.
pub(super) struct Arrow {
    pub(super) from: usize,
    pub(super) to: usize,
    /// The graph edges drawn as this arrow (two handler edges may share one).
    pub(super) edges: Vec<EdgeIndex>,
    /// The option's key or the `to` edge's label; empty on error arrows.
    text: String,
    /// Error arrows: the handlers ending here (`invalid`, `no input`); empty on the others.
    handlers: Vec<&'static str>,
    /// How an error arrow's target was chosen: `then`, `on_fail`, or "" (disconnect).
    via: &'static str,
}

impl Arrow {
    /// Error arrows (`then`, `on_fail`, disconnect) are drawn dashed.
    pub(super) fn is_error(&self) -> bool {
        !self.handlers.is_empty()
    }

    pub(super) fn label(&self) -> String {
        match (self.handlers.as_slice(), self.via) {
            ([], _) => self.text.clone(),
            (handlers, "") => handlers.join(" / "),
            (handlers, via) => format!("{}: {via}", handlers.join(" / ")),
        }
    }
}

pub(super) fn arrows(menu: &Menu, graph: &MenuGraph) -> Vec<Arrow> {
    let mut arrows: Vec<Arrow> = Vec::new();
    // The error arrows by (from, to, via), for each handler edge to find its twin at once (a
    // search through every arrow made a chain of 40,000 menus take 23 s to draw).
    let mut error_arrows: HashMap<(usize, usize, &str), usize> = HashMap::new();
    for e in graph.graph.edge_references() {
        let (from, to) = (e.source().index(), e.target().index());
        let (text, handler, via) = match &e.weight().kind {
            EdgeKind::Option { key, .. } => (key.clone(), None, ""),
            EdgeKind::To => (to_label(menu, graph, e.source()), None, ""),
            EdgeKind::Branch { index, when } => (
                branch_label(menu, graph, e.source(), *index, when),
                None,
                "",
            ),
            EdgeKind::Then(h) => (String::new(), Some(*h), "then"),
            EdgeKind::OnFail(h) => (String::new(), Some(*h), "on_fail"),
            EdgeKind::Disconnect(h) => (String::new(), Some(*h), ""),
        };
        let handler = handler.map(|h| match h {
            Handler::Invalid => "invalid",
            Handler::NoInput => "no input",
        });
        if handler.is_some() {
            if let Some(&twin) = error_arrows.get(&(from, to, via)) {
                let twin = &mut arrows[twin];
                twin.handlers.extend(handler);
                twin.edges.push(e.id());
                continue;
            }
            error_arrows.insert((from, to, via), arrows.len());
        }
        arrows.push(Arrow {
            from,
            to,
            edges: vec![e.id()],
            text,
            handlers: handler.into_iter().collect(),
            via,
        });
    }
    arrows
}

/// The label of a decision branch: `[when]` and its share of the decision's calls.
fn branch_label(
    menu: &Menu,
    graph: &MenuGraph,
    from: petgraph::graph::NodeIndex,
    index: usize,
    when: &str,
) -> String {
    let Some(id) = graph.node_of(from) else {
        return format!("[{when}]");
    };
    let branches = &menu.node(id).branches;
    let total: f64 = branches.iter().map(|b| b.share_value()).sum();
    match branches.get(index) {
        Some(b) if total > 0.0 => format!("[{when}] {}", percent(b.share_value() / total)),
        _ => format!("[{when}]"),
    }
}

/// The label of a `to` edge: how many digits an input takes, or who a self-service passes on.
fn to_label(menu: &Menu, graph: &MenuGraph, from: petgraph::graph::NodeIndex) -> String {
    let Some(id) = graph.node_of(from) else {
        return String::new();
    };
    let node = menu.node(id);
    match node.kind {
        NodeKind::Input => match node.digits.as_ref().map(|d| d.value) {
            Some(1) => "1 digit".to_string(),
            Some(n) => format!("{n} digits"),
            None => String::new(),
        },
        NodeKind::SelfService => "not served".to_string(),
        _ => String::new(),
    }
}

/// How a vertex is drawn: its Mermaid shape and class, and its DOT attributes.
pub(super) struct Look {
    /// The Mermaid shape's brackets.
    open: &'static str,
    close: &'static str,
    /// The Mermaid class, styled by `mermaid`.
    pub(super) class: &'static str,
    mermaid: &'static str,
    dot: &'static str,
}

/// One look per node type (in [`NodeKind::ALL`] order), then missing nodes and disconnect.
const LOOKS: [Look; 10] = [
    Look {
        open: "[",
        close: "]",
        class: "menu",
        mermaid: "fill:#eef4ff,stroke:#3060c0",
        dot: "shape=box, fillcolor=\"#eef4ff\"",
    },
    Look {
        open: "[/",
        close: "/]",
        class: "input",
        mermaid: "fill:#f4eeff,stroke:#7040c0",
        dot: "shape=box, style=\"filled,diagonals\", fillcolor=\"#f4eeff\"",
    },
    Look {
        open: "(",
        close: ")",
        class: "message",
        mermaid: "fill:#f6f6f6,stroke:#808080",
        dot: "shape=box, style=\"rounded,filled\", fillcolor=\"#f6f6f6\"",
    },
    Look {
        open: "([",
        close: "])",
        class: "selfservice",
        mermaid: "fill:#e8f8ec,stroke:#2a8a45",
        dot: "shape=box, style=\"rounded,filled,bold\", fillcolor=\"#e8f8ec\"",
    },
    Look {
        open: "{{",
        close: "}}",
        class: "transfer",
        mermaid: "fill:#fff4e0,stroke:#c07a00",
        dot: "shape=hexagon, fillcolor=\"#fff4e0\"",
    },
    Look {
        open: "((",
        close: "))",
        class: "hangup",
        mermaid: "fill:#f0f0f0,stroke:#404040",
        dot: "shape=octagon, fillcolor=\"#f0f0f0\"",
    },
    Look {
        open: "{",
        close: "}",
        class: "decision",
        mermaid: "fill:#fffbe0,stroke:#a08000",
        dot: "shape=diamond, fillcolor=\"#fffbe0\"",
    },
    Look {
        open: "[[",
        close: "]]",
        class: "flow",
        mermaid: "fill:#e8f4f8,stroke:#2080a0",
        dot: "shape=box, peripheries=2, fillcolor=\"#e8f4f8\"",
    },
    Look {
        open: "[",
        close: "]",
        class: "missing",
        mermaid: "fill:#ffecec,stroke:#d00000,stroke-width:2px,stroke-dasharray:5 3",
        dot: "shape=box, style=\"dashed,filled\", penwidth=2, color=\"#d00000\", fillcolor=\"#ffecec\"",
    },
    Look {
        open: "(((",
        close: ")))",
        class: "disconnect",
        mermaid: "fill:#ffffff,stroke:#d00000",
        dot: "shape=doublecircle, color=\"#d00000\"",
    },
];

/// The look of a speech node; kept apart from [`LOOKS`] so that drawings of menus without one
/// define no style for it.
const SPEECH_LOOK: Look = Look {
    open: "{{",
    close: "}}",
    class: "speech",
    mermaid: "fill:#e6f7f7,stroke:#1a8080",
    dot: "shape=hexagon, style=\"filled,dashed\", fillcolor=\"#e6f7f7\"",
};

/// The look of a vertex.
pub(super) fn look(menu: &Menu, vertex: &Vertex) -> &'static Look {
    let index = match vertex {
        Vertex::Node(id) if menu.node(*id).kind == NodeKind::Speech => return &SPEECH_LOOK,
        Vertex::Node(id) => match menu.node(*id).kind {
            NodeKind::Menu => 0,
            NodeKind::Input => 1,
            NodeKind::Message => 2,
            NodeKind::SelfService => 3,
            NodeKind::Transfer => 4,
            NodeKind::Hangup | NodeKind::Speech => 5,
            NodeKind::Decision => 6,
            NodeKind::Flow => 7,
        },
        Vertex::Missing(_) => 8,
        Vertex::Disconnect => 9,
    };
    &LOOKS[index]
}

/// Escapes text for a Mermaid quoted label: entity codes (`#quot;`, `#35;`) for everything the
/// flowchart parser or the HTML renderer could read as syntax, so no prompt can end a label.
fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '%' => out.push_str("#37;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The menu as a Mermaid flowchart (renders in GitHub Markdown inside a ```mermaid block).
pub fn mermaid(menu: &Menu, graph: &MenuGraph) -> String {
    mermaid_with_flow(menu, graph, None)
}

/// The Mermaid flowchart, with the flow when given: each arrow labelled with the share of calls
/// that take it, and the nodes where many callers are lost outlined in red.
pub fn mermaid_with_flow(menu: &Menu, graph: &MenuGraph, flow: Option<&Flow>) -> String {
    let shares = flow.map(FlowLookup::new);
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: \"{}\"\n---", quote_escape(&menu.title()));
    out.push_str("flowchart TD\n");
    let mut lost_nodes = Vec::new();
    for v in graph.graph.node_indices() {
        let vertex = &graph.graph[v];
        let label = label_lines(menu, vertex)
            .iter()
            .map(|l| mermaid_escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let Look {
            open, close, class, ..
        } = look(menu, vertex);
        let lost = shares.as_ref().and_then(|s| s.lost(menu, vertex));
        let label = match lost {
            Some(lost) if lost > 0.0 => format!(
                "{label}<br/>{}",
                mermaid_escape(&format!("lost here: {}", percent(lost)))
            ),
            _ => label,
        };
        let _ = writeln!(out, "    n{}{open}\"{label}\"{close}:::{class}", v.index());
        if lost.is_some_and(|l| l >= LOST_HIGHLIGHT) {
            lost_nodes.push(format!("n{}", v.index()));
        }
    }
    // Mermaid styles links by their position among all the links written.
    let mut links = 0;
    let mut error_links = Vec::new();
    if let Some(entry) = graph.entry() {
        let _ = writeln!(out, "    start((\" \")):::start --> n{}", entry.index());
        links += 1;
    }
    for arrow in arrows(menu, graph) {
        let (from, to) = (arrow.from, arrow.to);
        let label = with_share(arrow.label(), shares.as_ref(), menu, graph, &arrow);
        if arrow.is_error() {
            error_links.push(links.to_string());
        }
        links += 1;
        let link = if arrow.is_error() { "-.->" } else { "-->" };
        if label.is_empty() {
            let _ = writeln!(out, "    n{from} {link} n{to}");
        } else {
            let label = mermaid_escape(&label);
            let _ = writeln!(out, "    n{from} {link}|\"{label}\"| n{to}");
        }
    }
    if !error_links.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:#a00000,color:#a00000",
            error_links.join(",")
        );
    }
    for style in &LOOKS {
        // The two newest node types are styled only where they appear, so drawings of menus
        // without them stay as they were.
        let used = !matches!(style.class, "decision" | "flow")
            || graph
                .graph
                .node_indices()
                .any(|v| look(menu, &graph.graph[v]).class == style.class);
        if used {
            let _ = writeln!(out, "    classDef {} {}", style.class, style.mermaid);
        }
    }
    if menu.nodes.iter().any(|n| n.kind == NodeKind::Speech) {
        let _ = writeln!(
            out,
            "    classDef {} {}",
            SPEECH_LOOK.class, SPEECH_LOOK.mermaid
        );
    }
    out.push_str("    classDef start fill:#000000,stroke:#000000\n");
    if !lost_nodes.is_empty() {
        let _ = writeln!(
            out,
            "    classDef lost stroke:#d00000,stroke-width:4px\n    class {} lost",
            lost_nodes.join(",")
        );
    }
    out
}

/// Nodes where at least this share of calls is lost are highlighted.
pub const LOST_HIGHLIGHT: f64 = 0.02;

/// A share as people read it: `42%`, `3.5%`, `0.12%`, `<0.01%`.
pub(super) fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p < 0.01 {
        "<0.01%".to_string()
    } else if p < 1.0 {
        format!("{p:.2}%")
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// An arrow's label with the share of calls that take it (per call: a loop may count twice).
fn with_share(
    label: String,
    shares: Option<&FlowLookup>,
    menu: &Menu,
    graph: &MenuGraph,
    arrow: &Arrow,
) -> String {
    match shares.map(|s| s.arrow(menu, graph, arrow)) {
        Some(share) if label.is_empty() => percent(share),
        Some(share) => format!("{label}: {}", percent(share)),
        None => label,
    }
}

/// A graph edge as the flow figures name it: the node it leaves, its kind (`option`, `to`,
/// `invalid`, `no_input`) and the option's key.
pub(super) fn edge_key(
    menu: &Menu,
    graph: &MenuGraph,
    edge: EdgeIndex,
) -> Option<(String, &'static str, Option<String>)> {
    let (from, _) = graph.graph.edge_endpoints(edge)?;
    let from = menu.node(graph.node_of(from)?).id.value.clone();
    let (kind, key) = match &graph.graph[edge].kind {
        EdgeKind::Option { key, .. } => ("option", Some(key.clone())),
        EdgeKind::To => ("to", None),
        EdgeKind::Branch { when, .. } => ("branch", Some(when.clone())),
        EdgeKind::Then(h) | EdgeKind::OnFail(h) | EdgeKind::Disconnect(h) => match h {
            Handler::Invalid => ("invalid", None),
            Handler::NoInput => ("no_input", None),
        },
    };
    Some((from, kind, key))
}

/// The flow figures by what the drawings know: node ids and graph edges.
pub(super) struct FlowLookup {
    lost: HashMap<String, f64>,
    edges: HashMap<(String, &'static str, Option<String>), f64>,
}

impl FlowLookup {
    pub(super) fn new(flow: &Flow) -> FlowLookup {
        FlowLookup {
            lost: flow.nodes.iter().map(|n| (n.id.clone(), n.lost)).collect(),
            edges: flow
                .edges
                .iter()
                .map(|e| ((e.from.clone(), e.kind, e.key.clone()), e.traversals.mean))
                .collect(),
        }
    }

    /// The share of calls lost at a vertex (nodes only).
    pub(super) fn lost(&self, menu: &Menu, vertex: &Vertex) -> Option<f64> {
        match vertex {
            Vertex::Node(id) => self.lost.get(&menu.node(*id).id.value).copied(),
            _ => None,
        }
    }

    /// Traversals per call of one graph edge.
    pub(super) fn edge(&self, menu: &Menu, graph: &MenuGraph, edge: EdgeIndex) -> f64 {
        edge_key(menu, graph, edge)
            .and_then(|key| self.edges.get(&key).copied())
            .unwrap_or(0.0)
    }

    /// Traversals per call of an arrow (the sum of its edges').
    pub(super) fn arrow(&self, menu: &Menu, graph: &MenuGraph, arrow: &Arrow) -> f64 {
        arrow.edges.iter().map(|&e| self.edge(menu, graph, e)).sum()
    }
}

/// Escapes text for a double-quoted string in YAML (the Mermaid front matter's title) or DOT:
/// quotes and backslashes get a backslash, control characters become spaces. In DOT, doubled
/// backslashes also keep Graphviz's label escapes (`\N`, `\l`, ...) in a prompt as written.
fn quote_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The menu as a Graphviz DOT digraph (`dot -Tsvg`).
pub fn dot(menu: &Menu, graph: &MenuGraph) -> String {
    dot_with_flow(menu, graph, None)
}

/// The DOT digraph, with the flow when given: arrows labelled with the share of calls that take
/// them and as thick as that share, nodes where many callers are lost outlined in red.
pub fn dot_with_flow(menu: &Menu, graph: &MenuGraph, flow: Option<&Flow>) -> String {
    let shares = flow.map(FlowLookup::new);
    let mut out = String::new();
    let title = quote_escape(&menu.title());
    let _ = writeln!(out, "digraph \"{title}\" {{");
    let _ = writeln!(
        out,
        "    label=\"{title}\";\n    labelloc=t;\n    fontname=\"Helvetica\";\n    fontsize=18;"
    );
    // No `rankdir`: top to bottom is Graphviz's default, and `dot -Grankdir=LR` can then turn it
    // (attributes written in the file would win over the command line).
    out.push_str("    node [fontname=\"Helvetica\", style=filled, fillcolor=\"#ffffff\"];\n    edge [fontname=\"Helvetica\"];\n");
    for v in graph.graph.node_indices() {
        let vertex = &graph.graph[v];
        let label = label_lines(menu, vertex)
            .iter()
            .map(|l| quote_escape(l))
            .collect::<Vec<_>>()
            .join("\\n");
        let attrs = look(menu, vertex).dot;
        let lost = shares.as_ref().and_then(|s| s.lost(menu, vertex));
        let (label, extra) = match lost {
            Some(lost) if lost >= LOST_HIGHLIGHT => (
                format!("{label}\\nlost here: {}", percent(lost)),
                ", color=\"#d00000\", penwidth=3",
            ),
            Some(lost) if lost > 0.0 => (format!("{label}\\nlost here: {}", percent(lost)), ""),
            _ => (label, ""),
        };
        let link = match vertex {
            Vertex::Node(id) => menu.node(*id).file.as_ref().map_or(String::new(), |f| {
                format!(", URL=\"{}\"", quote_escape(&f.value))
            }),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    n{} [label=\"{label}\", {attrs}{extra}{link}];",
            v.index()
        );
    }
    if let Some(entry) = graph.entry() {
        let _ = writeln!(
            out,
            "    start [label=\"\", shape=point, width=0.2];\n    start -> n{};",
            entry.index()
        );
    }
    for arrow in arrows(menu, graph) {
        let (from, to) = (arrow.from, arrow.to);
        let label = with_share(arrow.label(), shares.as_ref(), menu, graph, &arrow);
        let mut attrs = Vec::new();
        if let Some(shares) = &shares {
            let share = shares.arrow(menu, graph, &arrow).min(1.0);
            attrs.push(format!("penwidth={:.2}", 1.0 + 7.0 * share));
        }
        if !label.is_empty() {
            attrs.push(format!("label=\"{}\"", quote_escape(&label)));
        }
        if arrow.is_error() {
            attrs.push("style=dashed, color=\"#a00000\", fontcolor=\"#a00000\"".to_string());
        }
        if attrs.is_empty() {
            let _ = writeln!(out, "    n{from} -> n{to};");
        } else {
            let _ = writeln!(out, "    n{from} -> n{to} [{}];", attrs.join(", "));
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_escape_for_yaml_and_dot_double_quoted_strings() {
        assert_eq!(
            quote_escape("say \"hi\" \\N\tnow\n"),
            "say \\\"hi\\\" \\\\N now "
        );
        assert_eq!(quote_escape("Café 银行"), "Café 银行");
    }
}
