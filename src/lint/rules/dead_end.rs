use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::graph::Vertex;
use crate::menu::{NodeId, NodeKind};

declare_rule! {
    /// ## What it checks
    ///
    /// From every reachable node, a caller can reach some end: a `self_service` node without
    /// `to`, a `transfer` or a `hangup`, along the options and `to` links they can choose. A
    /// loop with no way out is reported once, at its first node in the file, with its cycle; a
    /// menu none of whose options has a `to` is reported as going nowhere.
    /// Error edges (`then`, `on_fail`) do not count as a way out: a caller should not have to
    /// fail three times to leave. (Nodes that lack the field that would lead on are left to
    /// `missing-field`, and unknown targets to `unknown-target`.)
    ///
    /// ## Why it matters
    ///
    /// A caller in a loop with no exit hears the same menus until they hang up: the worst
    /// outcome an IVR has, with nothing resolved and the full cost of the time spent. The
    /// simulator counts such calls as `looped`.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main: { options: [{ key: "1", say: "More, press 1.", to: more }] }
    /// more: { options: [{ key: "1", say: "Back, press 1.", to: main }] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "More, press 1.", to: more }
    ///     - { key: "0", say: "An agent, press 0.", to: agent }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static DEAD_END = {
        name: "dead-end",
        severity: Error,
        summary: "from every reachable node some end (self-service, transfer, hangup) is reachable",
        options: [],
        check: check,
    };
}

/// Whether a node ends the caller's way (or is left to another rule).
fn is_exit(ctx: &Context<'_>, id: NodeId) -> bool {
    let node = ctx.menu.node(id);
    match node.kind {
        NodeKind::Transfer | NodeKind::Hangup => true,
        NodeKind::SelfService => node.to.is_none(),
        // A menu with an option that leads nowhere is `missing-field`'s finding.
        NodeKind::Menu => node.options.is_empty() || node.options.iter().any(|o| o.to.is_none()),
        NodeKind::Input | NodeKind::Message => node.to.is_none(),
        // A decision without branches is `missing-field`'s finding.
        NodeKind::Decision => node.branches.is_empty(),
        // The call continues in another file (joined with this one, the hand-off has a `to`).
        NodeKind::Flow => node.to.is_none(),
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let g = &ctx.graph.graph;
    // Vertices that can reach an exit along choosable edges, by a backward search from the exits.
    let mut can_exit = vec![false; g.node_count()];
    let mut stack: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&v| match g[v] {
            Vertex::Node(id) => is_exit(ctx, id),
            Vertex::Missing(_) => true,
            Vertex::Disconnect => false,
        })
        .collect();
    while let Some(v) = stack.pop() {
        if std::mem::replace(&mut can_exit[v.index()], true) {
            continue;
        }
        for e in g.edges_directed(v, petgraph::Direction::Incoming) {
            if e.weight().choosable && !can_exit[e.source().index()] {
                stack.push(e.source());
            }
        }
    }
    // The trapped nodes, and the loops among them with no edge to another trapped loop.
    let trapped: Vec<NodeId> = ctx
        .menu
        .node_ids()
        .filter(|&id| ctx.is_reachable(id) && !can_exit[ctx.graph.vertex(id).index()])
        .collect();
    if trapped.is_empty() {
        return;
    }
    let mut sub = DiGraph::<NodeId, ()>::new();
    let mut index = vec![None; g.node_count()];
    for &id in &trapped {
        index[ctx.graph.vertex(id).index()] = Some(sub.add_node(id));
    }
    for &id in &trapped {
        for e in g
            .edges(ctx.graph.vertex(id))
            .filter(|e| e.weight().choosable)
        {
            if let (Some(a), Some(b)) = (index[e.source().index()], index[e.target().index()]) {
                sub.add_edge(a, b, ());
            }
        }
    }
    let sccs = petgraph::algo::tarjan_scc(&sub);
    let mut component = vec![0; sub.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for v in scc {
            component[v.index()] = c;
        }
    }
    for (c, scc) in sccs.iter().enumerate() {
        let leaves = scc
            .iter()
            .any(|&v| sub.neighbors(v).any(|w| component[w.index()] != c));
        let is_loop = scc.len() > 1 || sub.contains_edge(scc[0], scc[0]);
        if leaves {
            continue;
        }
        if !is_loop {
            // A trapped node with no way on at all: a menu none of whose options has a `to`.
            let node = ctx.menu.node(sub[scc[0]]);
            out.push(
                Finding::new(
                    node.id.span,
                    format!(
                        "callers who reach `{}` can go no further: none of its options has a `to`",
                        node.id.value
                    ),
                    "no way on from here",
                )
                .help(format!(
                    "give each option of `{}` a `to` naming the node it leads to",
                    node.id.value
                ))
                .node(node.id.value.clone()),
            );
            continue;
        }
        let mut ids: Vec<NodeId> = scc.iter().map(|&v| sub[v]).collect();
        ids.sort();
        let first = ctx.menu.node(ids[0]);
        let start = index[ctx.graph.vertex(ids[0]).index()].expect("trapped node");
        let cycle = cycle_through(&sub, &component, start);
        let names: Vec<&str> = cycle
            .iter()
            .map(|&v| ctx.menu.node(sub[v]).id.value.as_str())
            .collect();
        let mut finding = Finding::new(
            first.id.span,
            format!("callers who reach `{}` can never leave the loop {}", first.id.value, cycle_text(&names)),
            "loop with no way out starts here",
        )
        .help("add an option from one of these menus to an agent (key \"0\") or to a self-service or transfer node")
        .node(first.id.value.clone());
        for &id in &ids[1..] {
            finding = finding.with_label(ctx.menu.node(id).id.span, "in the loop");
        }
        out.push(finding);
    }
}

/// A shortest cycle from `start` back to itself within its component.
fn cycle_through(
    sub: &DiGraph<NodeId, ()>,
    component: &[usize],
    start: NodeIndex,
) -> Vec<NodeIndex> {
    let c = component[start.index()];
    let mut parent: Vec<Option<NodeIndex>> = vec![None; sub.node_count()];
    let mut queue = std::collections::VecDeque::from([start]);
    let mut seen = vec![false; sub.node_count()];
    seen[start.index()] = true;
    while let Some(v) = queue.pop_front() {
        let mut next: Vec<NodeIndex> = sub.neighbors(v).collect();
        next.sort();
        for w in next {
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while let Some(p) = parent[at.index()] {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return path;
            }
            if component[w.index()] == c && !seen[w.index()] {
                seen[w.index()] = true;
                parent[w.index()] = Some(v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

fn cycle_text(names: &[&str]) -> String {
    let mut text = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" > ");
    text.push_str(&format!(" > `{}`", names[0]));
    if names.len() == 1 {
        format!("(`{}` leads only back to itself)", names[0])
    } else {
        format!("({text})")
    }
}
