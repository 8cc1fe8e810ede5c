//! Drawing a menu: Mermaid (renders in GitHub Markdown) and Graphviz DOT.
//!
//! Vertices get generated ids (`n0`, `n1`, ...) so no node id can collide with a reserved word
//! (`end` in Mermaid, `graph` in DOT); ids and prompts appear only inside escaped labels.

use std::fmt::Write;

use petgraph::visit::EdgeRef;

use crate::menu::graph::{EdgeKind, Handler, MenuGraph, Vertex};
use crate::menu::{Menu, NodeKind};

/// Longest prompt excerpt shown in a box, in characters.
const PROMPT_EXCERPT: usize = 40;

/// What a vertex shows: its id, its type and the start of its prompt.
fn label_lines(menu: &Menu, vertex: &Vertex) -> Vec<String> {
    match vertex {
        Vertex::Node(id) => {
            let node = menu.node(*id);
            let mut kind = node.kind.name().to_string();
            if let Some(queue) = &node.queue {
                kind = format!("{kind} → {}", queue.value);
            }
            if node.is_complaint() {
                kind.push_str(" · complaint");
            }
            let mut lines = vec![node.id.value.clone(), format!("[{kind}]")];
            if let Some(say) = &node.say {
                lines.push(excerpt(&say.value));
            }
            lines
        }
        Vertex::Missing(name) => vec![name.clone(), "[missing: no such node]".to_string()],
        Vertex::Disconnect => vec!["disconnect".to_string()],
    }
}

fn excerpt(text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= PROMPT_EXCERPT {
        return text;
    }
    let cut: String = text.chars().take(PROMPT_EXCERPT - 1).collect();
    format!("{cut}…")
}

fn edge_label(kind: &EdgeKind) -> String {
    let handler = |h: &Handler| match h {
        Handler::Invalid => "invalid",
        Handler::NoInput => "no input",
    };
    match kind {
        EdgeKind::Option { key, .. } => key.clone(),
        EdgeKind::To => String::new(),
        EdgeKind::Then(h) => format!("{}: then", handler(h)),
        EdgeKind::OnFail(h) => format!("{}: on_fail", handler(h)),
        EdgeKind::Disconnect(h) => handler(h).to_string(),
    }
}

fn is_error_edge(kind: &EdgeKind) -> bool {
    matches!(
        kind,
        EdgeKind::Then(_) | EdgeKind::OnFail(_) | EdgeKind::Disconnect(_)
    )
}

/// Escapes text for a Mermaid quoted label (entity codes, so quotes and `#` survive).
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
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The menu as a Mermaid flowchart.
pub fn mermaid(menu: &Menu, graph: &MenuGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\ntitle: \"{}\"\n---",
        mermaid_escape(&menu.title())
    );
    out.push_str("flowchart TD\n");
    for v in graph.graph.node_indices() {
        let vertex = &graph.graph[v];
        let label = label_lines(menu, vertex)
            .iter()
            .map(|l| mermaid_escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close, class) = match vertex {
            Vertex::Node(id) => match menu.node(*id).kind {
                NodeKind::Menu => ("[", "]", "menu"),
                NodeKind::Input => ("[/", "/]", "input"),
                NodeKind::Message => ("(", ")", "message"),
                NodeKind::SelfService => ("([", "])", "selfservice"),
                NodeKind::Transfer => ("{{", "}}", "transfer"),
                NodeKind::Hangup => ("((", "))", "hangup"),
            },
            Vertex::Missing(_) => ("[", "]", "missing"),
            Vertex::Disconnect => ("(((", ")))", "disconnect"),
        };
        let _ = writeln!(out, "    n{}{open}\"{label}\"{close}:::{class}", v.index());
    }
    if let Some(entry) = graph.entry() {
        let _ = writeln!(out, "    start((\" \")):::start --> n{}", entry.index());
    }
    for e in graph.graph.edge_references() {
        let (from, to) = (e.source().index(), e.target().index());
        let label = edge_label(&e.weight().kind);
        let arrow = if is_error_edge(&e.weight().kind) {
            "-.->"
        } else {
            "-->"
        };
        if label.is_empty() {
            let _ = writeln!(out, "    n{from} {arrow} n{to}");
        } else {
            let _ = writeln!(
                out,
                "    n{from} {arrow}|\"{}\"| n{to}",
                mermaid_escape(&label)
            );
        }
    }
    out.push_str(concat!(
        "    classDef menu fill:#eef4ff,stroke:#3060c0\n",
        "    classDef input fill:#f4eeff,stroke:#7040c0\n",
        "    classDef message fill:#f6f6f6,stroke:#808080\n",
        "    classDef selfservice fill:#e8f8ec,stroke:#2a8a45\n",
        "    classDef transfer fill:#fff4e0,stroke:#c07a00\n",
        "    classDef hangup fill:#f0f0f0,stroke:#404040\n",
        "    classDef missing fill:#ffecec,stroke:#d00000,stroke-dasharray:5 3\n",
        "    classDef disconnect fill:#ffffff,stroke:#d00000\n",
        "    classDef start fill:#000000,stroke:#000000\n",
    ));
    out
}

/// Escapes text for a DOT double-quoted string.
fn dot_escape(text: &str) -> String {
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

/// The menu as a Graphviz DOT digraph.
pub fn dot(menu: &Menu, graph: &MenuGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&menu.title()));
    out.push_str("    rankdir=TB;\n    node [fontname=\"Helvetica\", style=filled, fillcolor=\"#ffffff\"];\n    edge [fontname=\"Helvetica\"];\n");
    for v in graph.graph.node_indices() {
        let vertex = &graph.graph[v];
        let label = label_lines(menu, vertex)
            .iter()
            .map(|l| dot_escape(l))
            .collect::<Vec<_>>()
            .join("\\n");
        let attrs = match vertex {
            Vertex::Node(id) => match menu.node(*id).kind {
                NodeKind::Menu => "shape=box, fillcolor=\"#eef4ff\"",
                NodeKind::Input => "shape=parallelogram, fillcolor=\"#f4eeff\"",
                NodeKind::Message => "shape=box, style=\"rounded,filled\", fillcolor=\"#f6f6f6\"",
                NodeKind::SelfService => {
                    "shape=box, style=\"rounded,filled,bold\", fillcolor=\"#e8f8ec\""
                }
                NodeKind::Transfer => "shape=hexagon, fillcolor=\"#fff4e0\"",
                NodeKind::Hangup => "shape=octagon, fillcolor=\"#f0f0f0\"",
            },
            Vertex::Missing(_) => {
                "shape=box, style=\"dashed,filled\", color=\"#d00000\", fillcolor=\"#ffecec\""
            }
            Vertex::Disconnect => "shape=doublecircle, color=\"#d00000\"",
        };
        let _ = writeln!(out, "    n{} [label=\"{label}\", {attrs}];", v.index());
    }
    if let Some(entry) = graph.entry() {
        let _ = writeln!(
            out,
            "    start [label=\"\", shape=point, width=0.2];\n    start -> n{};",
            entry.index()
        );
    }
    for e in graph.graph.edge_references() {
        let label = dot_escape(&edge_label(&e.weight().kind));
        let style = if is_error_edge(&e.weight().kind) {
            ", style=dashed, color=\"#a00000\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    n{} -> n{} [label=\"{label}\"{style}];",
            e.source().index(),
            e.target().index()
        );
    }
    out.push_str("}\n");
    out
}
