//! The menu as a graph, and the one least-inputs function the linter and simulator share.
//!
//! Vertices are the menu's nodes (in file order, so `NodeId(i)` is vertex `i`), then one
//! vertex per target name that names no node (drawn as a missing node), then one
//! "disconnect" vertex where calls end when retries run out with nowhere to go.
//! Edges are options (with their key), `to`, and the error edges `then` / `on_fail`.

use std::collections::{HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::model::{Menu, NodeId, NodeKind};
use crate::source::Span;

/// A vertex of the menu graph.
#[derive(Clone, Debug, PartialEq)]
pub enum Vertex {
    Node(NodeId),
    /// A target name that names no node.
    Missing(String),
    /// The call is disconnected (retries ran out and no `then` or `on_fail` is set).
    Disconnect,
}

/// Which error a handler edge answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    Invalid,
    NoInput,
}

/// Why an edge exists.
#[derive(Clone, Debug, PartialEq)]
pub enum EdgeKind {
    /// The `index`-th option of a menu, pressed with `key`.
    Option { index: usize, key: String },
    /// The `to` of an input, message or self_service node (and of a flow node once the files
    /// it joins are one menu).
    To,
    /// The `index`-th branch of a decision, taken when `when`.
    Branch { index: usize, when: String },
    /// A handler's `then`, when retries run out.
    Then(Handler),
    /// `defaults.on_fail`, when retries run out and the handler has no `then`.
    OnFail(Handler),
    /// Nowhere to go when retries run out.
    Disconnect(Handler),
}

/// An edge: what it is, what it costs a caller, and whether a caller can choose it.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Key inputs this step costs: 1 for an option or an input node's `to`, else 0.
    pub inputs: u32,
    /// Options and `to` are choosable; error edges are not (callers do not plan with them).
    pub choosable: bool,
    /// Where the target is written (`to:`, `then:`, `on_fail:`), if anywhere.
    pub span: Option<Span>,
}

/// Unreachable, in a distance table.
pub const UNREACHABLE: u32 = u32::MAX;

/// The graph of one menu.
#[derive(Clone, Debug)]
pub struct MenuGraph {
    pub graph: DiGraph<Vertex, Edge>,
    missing: HashMap<String, NodeIndex>,
    disconnect: Option<NodeIndex>,
    entry: Option<NodeIndex>,
    /// Choosable edges by vertex, in file order, both ways: what the least-inputs search walks.
    forward: Adjacency,
    backward: Adjacency,
}

/// Compressed adjacency lists: the edges of vertex `v` are `edges[starts[v]..starts[v + 1]]`,
/// each as (neighbour, inputs, edge).
#[derive(Clone, Debug, Default)]
struct Adjacency {
    starts: Vec<u32>,
    edges: Vec<(NodeIndex, u32, EdgeIndex)>,
}

impl Adjacency {
    fn build(graph: &DiGraph<Vertex, Edge>, direction: Direction) -> Adjacency {
        let n = graph.node_count();
        let mut lists: Vec<Vec<(NodeIndex, u32, EdgeIndex)>> = vec![Vec::new(); n];
        // Edge indices grow in file order, so walking them in order keeps each list in it.
        for e in graph.edge_references().filter(|e| e.weight().choosable) {
            let (from, to) = match direction {
                Direction::Outgoing => (e.source(), e.target()),
                Direction::Incoming => (e.target(), e.source()),
            };
            lists[from.index()].push((to, e.weight().inputs, e.id()));
        }
        let mut starts = Vec::with_capacity(n + 1);
        let mut edges = Vec::new();
        for list in lists {
            starts.push(edges.len() as u32);
            edges.extend(list);
        }
        starts.push(edges.len() as u32);
        Adjacency { starts, edges }
    }

    fn of(&self, v: NodeIndex) -> &[(NodeIndex, u32, EdgeIndex)] {
        &self.edges[self.starts[v.index()] as usize..self.starts[v.index() + 1] as usize]
    }
}

impl MenuGraph {
    pub fn build(menu: &Menu) -> MenuGraph {
        let mut graph = DiGraph::with_capacity(menu.nodes.len() + 1, menu.nodes.len() * 4);
        for id in menu.node_ids() {
            graph.add_node(Vertex::Node(id));
        }
        let mut built = MenuGraph {
            graph,
            missing: HashMap::new(),
            disconnect: None,
            entry: None,
            forward: Adjacency::default(),
            backward: Adjacency::default(),
        };
        built.entry = menu.entry.as_ref().map(|e| built.target(menu, &e.value));
        for id in menu.node_ids() {
            let node = menu.node(id);
            let from = NodeIndex::new(id.0);
            for (index, option) in node.options.iter().enumerate() {
                if let Some(to) = &option.to {
                    let target = built.target(menu, &to.value);
                    let kind = EdgeKind::Option {
                        index,
                        key: option.key_text().to_string(),
                    };
                    built.graph.add_edge(
                        from,
                        target,
                        Edge {
                            kind,
                            inputs: 1,
                            choosable: true,
                            span: Some(to.span),
                        },
                    );
                }
            }
            for (index, branch) in node.branches.iter().enumerate() {
                if let Some(to) = &branch.to {
                    let target = built.target(menu, &to.value);
                    // A branch no call takes still makes its target reachable, but callers
                    // do not plan with it (they hope for a branch that can happen).
                    built.graph.add_edge(
                        from,
                        target,
                        Edge {
                            kind: EdgeKind::Branch {
                                index,
                                when: branch.when_text().to_string(),
                            },
                            inputs: 0,
                            choosable: branch.share_value() > 0.0,
                            span: Some(to.span),
                        },
                    );
                }
            }
            if let Some(to) = &node.to {
                let target = built.target(menu, &to.value);
                let inputs = u32::from(node.kind == NodeKind::Input);
                built.graph.add_edge(
                    from,
                    target,
                    Edge {
                        kind: EdgeKind::To,
                        inputs,
                        choosable: true,
                        span: Some(to.span),
                    },
                );
            }
            if node.kind.takes_input() {
                for (handler, spec) in [
                    (Handler::Invalid, &node.on_invalid),
                    (Handler::NoInput, &node.on_no_input),
                ] {
                    let then = spec.as_ref().and_then(|h| h.then.as_ref());
                    let (kind, target, span) = match (then, &menu.defaults.on_fail) {
                        (Some(then), _) => (
                            EdgeKind::Then(handler),
                            built.target(menu, &then.value),
                            Some(then.span),
                        ),
                        (None, Some(fail)) => (
                            EdgeKind::OnFail(handler),
                            built.target(menu, &fail.value),
                            Some(fail.span),
                        ),
                        (None, None) => (
                            EdgeKind::Disconnect(handler),
                            built.disconnect_vertex(),
                            None,
                        ),
                    };
                    built.graph.add_edge(
                        from,
                        target,
                        Edge {
                            kind,
                            inputs: 0,
                            choosable: false,
                            span,
                        },
                    );
                }
            }
        }
        built.forward = Adjacency::build(&built.graph, Direction::Outgoing);
        built.backward = Adjacency::build(&built.graph, Direction::Incoming);
        built
    }

    /// The vertex a target name resolves to (a missing vertex when it names no node).
    fn target(&mut self, menu: &Menu, name: &str) -> NodeIndex {
        if let Some(id) = menu.lookup(name) {
            return NodeIndex::new(id.0);
        }
        if let Some(&v) = self.missing.get(name) {
            return v;
        }
        let v = self.graph.add_node(Vertex::Missing(name.to_string()));
        self.missing.insert(name.to_string(), v);
        v
    }

    fn disconnect_vertex(&mut self) -> NodeIndex {
        *self
            .disconnect
            .get_or_insert_with(|| self.graph.add_node(Vertex::Disconnect))
    }

    /// The vertex of a node.
    pub fn vertex(&self, id: NodeId) -> NodeIndex {
        NodeIndex::new(id.0)
    }

    /// The node a vertex is, if it is one.
    pub fn node_of(&self, v: NodeIndex) -> Option<NodeId> {
        match self.graph[v] {
            Vertex::Node(id) => Some(id),
            _ => None,
        }
    }

    /// The entry vertex (a missing vertex when `entry` names no node), if `entry` is set.
    pub fn entry(&self) -> Option<NodeIndex> {
        self.entry
    }

    /// Least inputs from `entry` to every vertex along choosable edges (the linter's depth).
    pub fn inputs_from_entry(&self) -> Distances {
        least_inputs(self, self.entry, Direction::Outgoing, true)
    }

    /// Least inputs from every vertex to the nearest of `targets` along choosable edges
    /// (the distances the routing policy plans with, [`super::routing`]). Routing walks the
    /// graph once per intent and needs only the counts, so the table keeps no edges (`via` is
    /// empty).
    pub fn inputs_to(&self, targets: impl IntoIterator<Item = NodeIndex>) -> Distances {
        least_inputs(self, targets, Direction::Incoming, false)
    }

    /// Vertices reachable from `entry` along every edge, error edges included.
    pub fn reachable_from_entry(&self) -> Vec<bool> {
        let mut seen = vec![false; self.graph.node_count()];
        let mut stack: Vec<NodeIndex> = self.entry.into_iter().collect();
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v.index()], true) {
                continue;
            }
            stack.extend(self.graph.neighbors(v).filter(|n| !seen[n.index()]));
        }
        seen
    }
}

/// A table of least inputs, with the edge each vertex was reached by.
#[derive(Clone, Debug)]
pub struct Distances {
    /// Least inputs per vertex index; [`UNREACHABLE`] where there is no path.
    pub inputs: Vec<u32>,
    /// The edge a least path uses last, per vertex (forward tables; empty in backward ones).
    pub via: Vec<Option<EdgeIndex>>,
}

impl Distances {
    pub fn get(&self, v: NodeIndex) -> Option<u32> {
        self.inputs
            .get(v.index())
            .copied()
            .filter(|&d| d != UNREACHABLE)
    }

    /// The edges of a least path from the sources to `v` (forward tables only).
    pub fn path_to(&self, graph: &MenuGraph, v: NodeIndex) -> Vec<EdgeIndex> {
        let mut path = Vec::new();
        let mut at = v;
        while let Some(e) = self.via.get(at.index()).copied().flatten() {
            path.push(e);
            let (from, _) = graph.graph.edge_endpoints(e).expect("edge of this graph");
            at = from;
            if path.len() > graph.graph.node_count() {
                break;
            }
        }
        path.reverse();
        path
    }
}

/// 0-1 breadth-first search over choosable edges: edges that cost an input go to the back of
/// the queue, free ones to the front, so every vertex is settled at its least input count.
/// Ties keep the first edge found, and edges are visited in announcement order.
fn least_inputs(
    graph: &MenuGraph,
    sources: impl IntoIterator<Item = NodeIndex>,
    direction: Direction,
    keep_via: bool,
) -> Distances {
    let n = graph.graph.node_count();
    let mut via = if keep_via { vec![None; n] } else { Vec::new() };
    let adjacency = match direction {
        Direction::Outgoing => &graph.forward,
        Direction::Incoming => &graph.backward,
    };
    let mut search = Search::new(n);
    search.start(sources);
    while let Some(v) = search.next() {
        search.relax(v, adjacency, None, |next, edge| {
            if keep_via {
                via[next.index()] = Some(edge);
            }
        });
    }
    Distances {
        inputs: search.inputs,
        via,
    }
}

/// The state of one 0-1 search: the least inputs found so far and the queue of vertices to
/// settle, each with the count it was queued at (a vertex queued again at a smaller count leaves
/// a stale entry behind, skipped when it comes out). The counts in the queue never fall from
/// front to back, so the front's count is a frontier: every vertex whose count is at most the
/// frontier has its final count.
struct Search {
    inputs: Vec<u32>,
    queue: VecDeque<(NodeIndex, u32)>,
    /// The vertices given a count since [`Search::start`], to reset only them.
    touched: Vec<NodeIndex>,
}

impl Search {
    fn new(vertices: usize) -> Search {
        Search {
            inputs: vec![UNREACHABLE; vertices],
            queue: VecDeque::new(),
            touched: Vec::new(),
        }
    }

    /// Forgets the last search and starts one from `sources` (at 0 inputs).
    fn start(&mut self, sources: impl IntoIterator<Item = NodeIndex>) {
        for v in self.touched.drain(..) {
            self.inputs[v.index()] = UNREACHABLE;
        }
        self.queue.clear();
        for s in sources {
            if self.inputs[s.index()] != 0 {
                self.inputs[s.index()] = 0;
                self.touched.push(s);
                self.queue.push_back((s, 0));
            }
        }
    }

    /// The count of the next vertex to settle; `None` once the search is over.
    fn frontier(&mut self) -> Option<u32> {
        while let Some(&(v, d)) = self.queue.front() {
            if d == self.inputs[v.index()] {
                return Some(d);
            }
            self.queue.pop_front();
        }
        None
    }

    /// The next vertex to settle (its count is final), skipping stale entries.
    fn next(&mut self) -> Option<NodeIndex> {
        while let Some((v, d)) = self.queue.pop_front() {
            if d == self.inputs[v.index()] {
                return Some(v);
            }
        }
        None
    }

    /// Relaxes the edges of a settled vertex (only towards vertices `within` allows, when
    /// given), calling `improved(next, edge)` for each vertex given a smaller count.
    fn relax(
        &mut self,
        v: NodeIndex,
        adjacency: &Adjacency,
        within: Option<&[bool]>,
        mut improved: impl FnMut(NodeIndex, EdgeIndex),
    ) {
        let d = self.inputs[v.index()];
        for &(next, cost, edge) in adjacency.of(v) {
            let nd = d + cost;
            let old = self.inputs[next.index()];
            if nd < old && within.is_none_or(|w| w[next.index()]) {
                if old == UNREACHABLE {
                    self.touched.push(next);
                }
                self.inputs[next.index()] = nd;
                improved(next, edge);
                if cost == 0 {
                    self.queue.push_front((next, nd));
                } else {
                    self.queue.push_back((next, nd));
                }
            }
        }
    }
}

/// Least inputs to the nearest of some targets along choosable edges, searched only as far as
/// the questions asked of it need: routing asks, at each menu of a route, which option leads
/// nearest to the goal, and a route from `entry` to a goal a few inputs away needs only the
/// vertices that near it. The counts are those of [`MenuGraph::inputs_to`].
///
/// The search keeps to the vertices `within` allows, which must be closed under choosable edges
/// (every vertex a choosable edge leaves one of them for is one of them, as the vertices
/// reachable from `entry` are): a least path from such a vertex never leaves them, so their
/// counts are exact. One search is reused for target after target (`start`), resetting only
/// what the last one touched.
pub struct NearestSearch<'g> {
    graph: &'g MenuGraph,
    within: Option<&'g [bool]>,
    search: Search,
}

impl<'g> NearestSearch<'g> {
    pub fn new(graph: &'g MenuGraph, within: Option<&'g [bool]>) -> NearestSearch<'g> {
        NearestSearch {
            graph,
            within,
            search: Search::new(graph.graph.node_count()),
        }
    }

    /// Starts a search towards `targets` (those outside `within` are left out).
    pub fn start(&mut self, targets: impl IntoIterator<Item = NodeIndex>) {
        let within = self.within;
        self.search.start(
            targets
                .into_iter()
                .filter(|t| within.is_none_or(|w| w[t.index()])),
        );
    }

    /// Of `candidates` (vertices within the search's bounds, or `None`), the index of the one
    /// with the least inputs to a target and that count, the first of equals; `None` when no
    /// candidate reaches a target. Searches on until the answer is certain: until the frontier
    /// passes the least count among the candidates.
    pub fn nearest(&mut self, candidates: &[Option<NodeIndex>]) -> Option<(usize, u32)> {
        loop {
            let mut best: Option<(usize, u32)> = None;
            for (index, candidate) in candidates.iter().enumerate() {
                let Some(c) = candidate else { continue };
                let d = self.search.inputs[c.index()];
                if d != UNREACHABLE && best.is_none_or(|(_, b)| d < b) {
                    best = Some((index, d));
                }
            }
            let bound = best.map_or(UNREACHABLE, |(_, d)| d);
            match self.search.frontier() {
                Some(front) if front <= bound => {
                    if let Some(v) = self.search.next() {
                        self.search
                            .relax(v, &self.graph.backward, self.within, |_, _| {});
                    }
                }
                _ => return best,
            }
        }
    }
}
