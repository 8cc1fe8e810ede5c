//! Where callers go: per node, the visits, the share of calls that reach it, the share that end
//! there (by outcome), the invalid keys and silences there; per edge, the traversals.
//!
//! The engine tells a [`FlowObserver`] each step of a call. A Monte Carlo run tallies them in
//! a [`FlowTally`] only when an output asks for the flow: with [`NoFlow`] the calls compile
//! away. A tally keeps the current call's counts in a scratch array with the list of entries it
//! touched, and folds them into exact integer sums (and sums of squares, for the intervals)
//! when the call ends, so the cost of a call grows with its path, not with the menu.
//!
//! The exact solver gives the same figures: the expected visits solve the forward equations
//! `m = e_entry + Pᵀ m` over the visits' ways out, and the share of calls that reach a node is
//! the same solve with that node made absorbing.

use rand_distr::weighted::WeightedAliasIndex;
use serde::{Deserialize, Serialize};

use super::engine::{Outcome, simulate_call_observed};
use super::exact::{Exit, NO_EDGE, Visit, Who, visit_summary};
use super::program::{DISCONNECT, Program};
use super::report::PerOutcome;
use super::run::{ByIntent, RunOptions, Tally, run_block_range};
use crate::menu::NodeKind;
use crate::stats::{Interval, Sign, mean_interval, wilson};

/// What the engine says about a call as it goes. Every call ends with exactly one `end`.
pub trait FlowObserver {
    fn visit(&mut self, node: u32);
    /// An edge taken, numbered as [`Program::edge_count`] says.
    fn edge(&mut self, edge: u32);
    fn invalid(&mut self, node: u32);
    fn silence(&mut self, node: u32);
    /// The call ends at `node` (for a disconnect, the node it left last).
    fn end(&mut self, node: u32, outcome: Outcome);
}

/// Observes nothing: the engine without flow.
pub struct NoFlow;

impl FlowObserver for NoFlow {
    #[inline(always)]
    fn visit(&mut self, _: u32) {}
    #[inline(always)]
    fn edge(&mut self, _: u32) {}
    #[inline(always)]
    fn invalid(&mut self, _: u32) {}
    #[inline(always)]
    fn silence(&mut self, _: u32) {}
    #[inline(always)]
    fn end(&mut self, _: u32, _: Outcome) {}
}

/// A count per call: its sum and sum of squares over the calls (exact integers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counted {
    sum: u64,
    sum_sq: u64,
}

/// Per node: visits, invalid keys, silences (the three per-call counts).
const COUNTS: usize = 3;

/// The flow of many calls (a partial result stores its sums; the scratch space is for
/// recording only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowTally {
    pub calls: u64,
    /// `node * COUNTS + k`.
    counts: Vec<Counted>,
    /// Calls that visited each node at least once.
    reached: Vec<u64>,
    /// `node * 7 + outcome`: calls that ended there.
    ended: Vec<u64>,
    edges: Vec<Counted>,
    /// The current call: counts by index (nodes' three, then edges) and the indices touched.
    #[serde(skip)]
    scratch: Vec<u32>,
    #[serde(skip)]
    touched: Vec<u32>,
}

impl FlowTally {
    pub fn new(program: &Program) -> FlowTally {
        let nodes = program.nodes.len();
        let edges = program.edge_count();
        FlowTally {
            calls: 0,
            counts: vec![Counted::default(); nodes * COUNTS],
            reached: vec![0; nodes],
            ended: vec![0; nodes * 7],
            edges: vec![Counted::default(); edges],
            scratch: vec![0; nodes * COUNTS + edges],
            touched: Vec::new(),
        }
    }

    #[inline]
    fn bump(&mut self, index: usize) {
        let c = &mut self.scratch[index];
        if *c == 0 {
            self.touched.push(index as u32);
        }
        *c += 1;
    }

    /// Whether a tally (read from a partial result) is one of a menu of `nodes` nodes and
    /// `edges` edges over its calls: its arrays of that size, no more calls reaching or ending
    /// at the nodes than it has. An empty tally (of no calls) fits any menu.
    pub fn fits(&self, nodes: usize, edges: usize) -> bool {
        if self.counts.is_empty()
            && self.reached.is_empty()
            && self.ended.is_empty()
            && self.edges.is_empty()
        {
            return self.calls == 0;
        }
        let ended = self.ended.iter().try_fold(0u64, |a, &b| a.checked_add(b));
        self.counts.len() == nodes * COUNTS
            && self.reached.len() == nodes
            && self.ended.len() == nodes * 7
            && self.edges.len() == edges
            && self.reached.iter().all(|&r| r <= self.calls)
            && ended.is_some_and(|e| e <= self.calls)
    }

    pub fn merge(mut self, other: FlowTally) -> FlowTally {
        if self.counts.is_empty() {
            return other;
        }
        self.calls += other.calls;
        // Per-call counts are not bounded by the calls: saturate rather than wrap on sums read
        // from a partial result.
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            a.sum = a.sum.saturating_add(b.sum);
            a.sum_sq = a.sum_sq.saturating_add(b.sum_sq);
        }
        for (a, b) in self.edges.iter_mut().zip(&other.edges) {
            a.sum = a.sum.saturating_add(b.sum);
            a.sum_sq = a.sum_sq.saturating_add(b.sum_sq);
        }
        for (a, b) in self.reached.iter_mut().zip(&other.reached) {
            *a += b;
        }
        for (a, b) in self.ended.iter_mut().zip(&other.ended) {
            *a += b;
        }
        self
    }
}

impl FlowObserver for FlowTally {
    #[inline]
    fn visit(&mut self, node: u32) {
        self.bump(node as usize * COUNTS);
    }

    #[inline]
    fn edge(&mut self, edge: u32) {
        self.bump(self.counts.len() + edge as usize);
    }

    #[inline]
    fn invalid(&mut self, node: u32) {
        self.bump(node as usize * COUNTS + 1);
    }

    #[inline]
    fn silence(&mut self, node: u32) {
        self.bump(node as usize * COUNTS + 2);
    }

    fn end(&mut self, node: u32, outcome: Outcome) {
        self.calls += 1;
        if node != DISCONNECT && (node as usize) < self.reached.len() {
            self.ended[node as usize * 7 + outcome as usize] += 1;
        }
        let nodes = self.counts.len();
        for &i in &self.touched {
            let i = i as usize;
            let c = std::mem::take(&mut self.scratch[i]) as u64;
            let slot = if i < nodes {
                if i.is_multiple_of(COUNTS) {
                    self.reached[i / COUNTS] += 1;
                }
                &mut self.counts[i]
            } else {
                &mut self.edges[i - nodes]
            };
            slot.sum += c;
            slot.sum_sq += c * c;
        }
        self.touched.clear();
    }
}

/// Runs `options.calls` calls as [`super::run::run`] does (the same calls, the same figures)
/// and tallies their flow: overall, or per intent when `by_intent`.
pub fn run_with_flow(
    program: &Program,
    options: RunOptions,
    by_intent: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> (Tally, Vec<FlowTally>) {
    let all = 0..super::run::blocks(options.calls);
    run_with_flow_range(program, options, all, by_intent, progress)
}

/// [`run_with_flow`] over the blocks `blocks` only (a shard's share: see [`super::shard`]).
pub fn run_with_flow_range(
    program: &Program,
    options: RunOptions,
    blocks: std::ops::Range<u64>,
    by_intent: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> (Tally, Vec<FlowTally>) {
    let intents = program.shares.len();
    let flows = if by_intent { intents } else { 1 };
    let empty = || {
        (
            Tally::for_program(program),
            vec![FlowTally::default(); flows],
            ByIntent::default(),
        )
    };
    let Ok(pick) = WeightedAliasIndex::new(program.shares.clone()) else {
        let (tally, flow, _) = empty();
        return (tally, flow);
    };
    let (tally, flow, _) = run_block_range(
        options,
        blocks,
        empty,
        |(tally, flow, grouped), block, count| {
            if flow[0].counts.is_empty() {
                *flow = vec![FlowTally::new(program); flows];
            }
            let mut stream = grouped.block_stream(options.seed, block);
            grouped.each_call(&mut stream, &pick, intents, count, |intent, rng| {
                let observer = &mut flow[if by_intent { intent } else { 0 }];
                let call = simulate_call_observed(program, intent, rng, observer);
                tally.add(intent, &call);
            });
            progress(count);
        },
        |(ta, fa, grouped), (tb, fb, _)| {
            (
                ta.merge(tb),
                fa.into_iter().zip(fb).map(|(a, b)| a.merge(b)).collect(),
                grouped,
            )
        },
    );
    (tally, flow)
}

/// A mean per call and its 95% interval (null when exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PerCall {
    pub mean: f64,
    pub mean_ci95: Option<Interval>,
}

/// One node's flow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeFlow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Calls the figures are over (null when exact).
    pub n: Option<u64>,
    /// Visits per call.
    pub visits: PerCall,
    /// Share of calls that visit the node at least once (null when the exact solver would
    /// take too long to find it, on a big menu with loops).
    pub reached: Option<f64>,
    pub reached_ci95: Option<Interval>,
    /// Share of calls that end here, by outcome (summed over nodes, the outcome's share).
    pub ended: PerOutcome<f64>,
    pub ended_ci95: PerOutcome<Option<Interval>>,
    /// Share of calls lost here: abandoned, disconnected, unresolved or looped here.
    pub lost: f64,
    /// Invalid keys and silences (timeouts) here per call.
    pub invalid: PerCall,
    pub silences: PerCall,
}

/// One edge's flow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeFlow {
    pub from: String,
    /// The target node (null: the call is disconnected).
    pub to: Option<String>,
    /// `option`, `branch` (of a decision), `to`, `invalid` (retries ran out after invalid keys)
    /// or `no_input`.
    pub kind: &'static str,
    /// The option's key, or the branch's `when`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub n: Option<u64>,
    /// Traversals per call.
    pub traversals: PerCall,
}

/// The flow figures of the whole traffic or of one intent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Flow {
    pub nodes: Vec<NodeFlow>,
    pub edges: Vec<EdgeFlow>,
}

/// Whether an outcome ending at a node means the caller was lost there.
pub fn is_lost(outcome: Outcome) -> bool {
    matches!(
        outcome,
        Outcome::Abandoned | Outcome::Disconnected | Outcome::Unresolved | Outcome::Looped
    )
}

/// Names of the things the figures are about, from the menu.
#[derive(Clone, Debug)]
pub struct FlowNames {
    pub nodes: Vec<String>,
    /// Option keys, by option index.
    pub keys: Vec<String>,
}

impl FlowNames {
    pub fn of(menu: &crate::menu::Menu) -> FlowNames {
        FlowNames {
            nodes: menu.nodes.iter().map(|n| n.id.value.clone()).collect(),
            keys: menu
                .nodes
                .iter()
                .flat_map(|n| {
                    let keys = n.options.iter().map(|o| o.key_text().to_string());
                    keys.chain(n.branches.iter().map(|b| b.when_text().to_string()))
                })
                .collect(),
        }
    }
}

/// The edges that exist, as (edge number, from, to, kind, key).
fn edge_list(program: &Program) -> Vec<(u32, u32, u32, &'static str)> {
    let mut list = Vec::new();
    for (v, node) in program.nodes.iter().enumerate() {
        let v32 = v as u32;
        let kind = if node.kind == NodeKind::Decision {
            "branch"
        } else {
            "option"
        };
        for i in node.options.clone() {
            list.push((i, v32, program.targets[i as usize], kind));
        }
        let passes_on = match node.kind {
            NodeKind::Input | NodeKind::Message | NodeKind::Flow => true,
            // A self-service node without `to` ends the calls it does not serve.
            NodeKind::SelfService => node.to != DISCONNECT,
            _ => false,
        };
        if passes_on {
            list.push((program.to_edge(v32), v32, node.to, "to"));
        }
        if matches!(node.kind, NodeKind::Menu | NodeKind::Input) {
            list.push((program.invalid_edge(v32), v32, node.invalid.then, "invalid"));
            list.push((
                program.no_input_edge(v32),
                v32,
                node.no_input.then,
                "no_input",
            ));
        }
    }
    list
}

fn per_call(n: u64, c: Counted) -> PerCall {
    match mean_interval(n, c.sum as i128, c.sum_sq as u128, 1.0, Sign::NonNegative) {
        Some((mean, ci)) => PerCall {
            mean,
            mean_ci95: ci,
        },
        None => PerCall::default(),
    }
}

fn name_of(names: &FlowNames, node: u32) -> Option<String> {
    (node != DISCONNECT).then(|| names.nodes[node as usize].clone())
}

fn edges_of(
    program: &Program,
    names: &FlowNames,
    n: Option<u64>,
    traversals: impl Fn(u32) -> PerCall,
) -> Vec<EdgeFlow> {
    edge_list(program)
        .into_iter()
        .map(|(e, from, to, kind)| EdgeFlow {
            from: names.nodes[from as usize].clone(),
            to: name_of(names, to),
            kind,
            key: matches!(kind, "option" | "branch").then(|| names.keys[e as usize].clone()),
            n,
            traversals: traversals(e),
        })
        .collect()
}

/// The figures of a Monte Carlo flow tally.
pub fn monte_carlo_flow(program: &Program, names: &FlowNames, tally: &FlowTally) -> Flow {
    let n = tally.calls;
    if tally.counts.is_empty() {
        return Flow::default();
    }
    let share = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let nodes = program
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| {
            let ended = |o: Outcome| tally.ended[v * 7 + o as usize];
            NodeFlow {
                id: names.nodes[v].clone(),
                kind: node.kind.name(),
                n: Some(n),
                visits: per_call(n, tally.counts[v * COUNTS]),
                reached: Some(share(tally.reached[v])),
                reached_ci95: wilson(tally.reached[v], n),
                ended: PerOutcome::from_fn(|o| share(ended(o))),
                ended_ci95: PerOutcome::from_fn(|o| wilson(ended(o), n)),
                lost: share(
                    Outcome::ALL
                        .iter()
                        .filter(|&&o| is_lost(o))
                        .map(|&o| ended(o))
                        .sum(),
                ),
                invalid: per_call(n, tally.counts[v * COUNTS + 1]),
                silences: per_call(n, tally.counts[v * COUNTS + 2]),
            }
        })
        .collect();
    let edges = edges_of(program, names, Some(n), |e| {
        per_call(n, tally.edges[e as usize])
    });
    Flow { nodes, edges }
}

/// The exact flow of one intent: per node (visits, reached, ended by outcome, invalid,
/// silences) and per edge the expected traversals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExactFlow {
    pub visits: Vec<f64>,
    /// `None` when the solves for it would exceed [`MAX_REACH_WORK`].
    pub reached: Option<Vec<f64>>,
    pub ended: Vec<[f64; 7]>,
    pub invalid: Vec<f64>,
    pub silent: Vec<f64>,
    pub edges: Vec<f64>,
}

impl ExactFlow {
    fn zeros(program: &Program) -> ExactFlow {
        let n = program.nodes.len();
        ExactFlow {
            visits: vec![0.0; n],
            reached: Some(vec![0.0; n]),
            ended: vec![[0.0; 7]; n],
            invalid: vec![0.0; n],
            silent: vec![0.0; n],
            edges: vec![0.0; program.edge_count()],
        }
    }

    /// Adds `share` times `other` (the mixture of intents).
    fn add_scaled(&mut self, other: &ExactFlow, share: f64) {
        let add = |a: &mut [f64], b: &[f64]| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += share * y;
            }
        };
        add(&mut self.visits, &other.visits);
        add(&mut self.invalid, &other.invalid);
        add(&mut self.silent, &other.silent);
        add(&mut self.edges, &other.edges);
        for (a, b) in self.ended.iter_mut().zip(&other.ended) {
            add(a, b);
        }
        match (&mut self.reached, &other.reached) {
            (Some(a), Some(b)) => add(a, b),
            _ => self.reached = None,
        }
    }
}

/// Most way updates the reach solves (one per node) may take for one intent: a big menu with
/// loops would take minutes, and its reach shares are then left out of the exact report.
pub const MAX_REACH_WORK: u64 = 50_000_000;

/// Solves the forward equations: expected arrivals at each caller state from one call, where
/// arriving at node `absorbing` (in any of its `nodes`-strided states: whatever the caller is
/// heading for) ends the walk, so the figures of that node's states add up to the chance of
/// ever getting there.
fn forward(
    entry: u32,
    order: &[u32],
    incoming: &[Vec<(u32, f64)>],
    absorbing: Option<(u32, usize)>,
    work: &mut u64,
) -> Option<Vec<f64>> {
    let absorbs =
        |u: u32| absorbing.is_some_and(|(node, nodes)| u as usize % nodes == node as usize);
    let mut m = vec![0.0f64; incoming.len()];
    let per_sweep: u64 = order
        .iter()
        .map(|&v| incoming[v as usize].len() as u64 + 1)
        .sum();
    for _ in 0..super::exact::MAX_SWEEPS {
        *work = work.checked_sub(per_sweep)?;
        let mut change = 0.0f64;
        for &v in order {
            let mut new = if v == entry { 1.0 } else { 0.0 };
            for &(u, p) in &incoming[v as usize] {
                if !absorbs(u) {
                    new += m[u as usize] * p;
                }
            }
            let old = &mut m[v as usize];
            change = change.max((new - *old).abs() / (1.0 + new.abs()));
            *old = new;
        }
        if change <= 1e-15 {
            return Some(m);
        }
    }
    None
}

/// The exact flow of one intent (its caller groups mixed by its shares of them). `None` when
/// the visits do not settle (the exact report itself fails first, with the reason, on such a
/// menu).
pub fn exact_intent_flow(program: &Program, intent: usize) -> Option<ExactFlow> {
    if program.persona_mix.is_empty() {
        return exact_group_flow(program, Who { intent, persona: 0 });
    }
    let mut flow = ExactFlow::zeros(program);
    for (persona, &share) in program.persona_mix[intent].iter().enumerate() {
        if share > 0.0 {
            flow.add_scaled(&exact_group_flow(program, Who { intent, persona })?, share);
        }
    }
    Some(flow)
}

/// The exact flow of one intent's callers of one group. With confusions declared, a caller
/// state is a node and where the caller is heading; the figures add the states of each node
/// (the reach shares stop at the first arrival in any state of the node).
fn exact_group_flow(program: &Program, who: Who) -> Option<ExactFlow> {
    let nodes = program.nodes.len();
    let n = nodes * program.modes();
    let mut flow = ExactFlow::zeros(program);
    if program.entry == DISCONNECT {
        return Some(flow);
    }
    let mut visits: Vec<Option<Visit<'_>>> = (0..n).map(|_| None).collect();
    let mut order = vec![program.entry];
    visits[program.entry as usize] = Some(visit_summary(program, who, program.entry));
    let mut i = 0;
    while i < order.len() {
        let at = order[i] as usize;
        let targets: Vec<u32> = visits[at]
            .iter()
            .flat_map(|v| &v.ways)
            .filter_map(|w| match w.exit {
                Exit::Node(t) => Some(t),
                Exit::End(_) => None,
            })
            .collect();
        for t in targets {
            if visits[t as usize].is_none() {
                visits[t as usize] = Some(visit_summary(program, who, t));
                order.push(t);
            }
        }
        i += 1;
    }
    let mut incoming: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for &u in &order {
        for w in visits[u as usize].iter().flat_map(|v| &v.ways) {
            if let Exit::Node(t) = w.exit {
                incoming[t as usize].push((u, w.p));
            }
        }
    }
    let mut work = u64::MAX;
    let m = forward(program.entry, &order, &incoming, None, &mut work)?;
    // The chance of ever reaching a node: with confusions a node has one state per goal the
    // caller may be heading for, and the walk stops at the first arrival in any of them.
    let mut reach_work = MAX_REACH_WORK;
    let mut reached = vec![0.0; nodes];
    let mut done = vec![false; nodes];
    for &s in &order {
        let t = s as usize % nodes;
        if std::mem::replace(&mut done[t], true) {
            continue;
        }
        let absorbing = Some((t as u32, nodes));
        match forward(program.entry, &order, &incoming, absorbing, &mut reach_work) {
            Some(r) => {
                let first: f64 = (t..n).step_by(nodes).map(|state| r[state]).sum();
                reached[t] = first.min(1.0);
            }
            None => {
                flow.reached = None;
                break;
            }
        }
    }
    if flow.reached.is_some() {
        flow.reached = Some(reached);
    }
    for &u in &order {
        let Some(visit) = &visits[u as usize] else {
            continue;
        };
        let mu = m[u as usize];
        let u = u as usize % nodes;
        flow.visits[u] += mu;
        flow.invalid[u] += mu * visit.invalid;
        flow.silent[u] += mu * visit.silent;
        for w in &visit.ways {
            if let Exit::End(o) = w.exit {
                flow.ended[u][o as usize] += mu * w.p;
            }
            if w.edge != NO_EDGE {
                flow.edges[w.edge as usize] += mu * w.p;
            }
        }
    }
    Some(flow)
}

/// The exact flow of the whole traffic (the intents mixed by share) and of each intent.
pub fn exact_flow(program: &Program) -> Option<(ExactFlow, Vec<ExactFlow>)> {
    let per_intent: Vec<ExactFlow> = (0..program.shares.len())
        .map(|i| exact_intent_flow(program, i))
        .collect::<Option<_>>()?;
    let mut overall = ExactFlow::zeros(program);
    for (f, &share) in per_intent.iter().zip(&program.shares) {
        overall.add_scaled(f, share);
    }
    Some((overall, per_intent))
}

/// The figures of an exact flow (no intervals).
pub fn exact_flow_figures(program: &Program, names: &FlowNames, flow: &ExactFlow) -> Flow {
    let exact = |mean: f64| PerCall {
        mean,
        mean_ci95: None,
    };
    let nodes = program
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| NodeFlow {
            id: names.nodes[v].clone(),
            kind: node.kind.name(),
            n: None,
            visits: exact(flow.visits[v]),
            reached: flow.reached.as_ref().map(|r| r[v]),
            reached_ci95: None,
            ended: PerOutcome::from_fn(|o| flow.ended[v][o as usize]),
            ended_ci95: PerOutcome::default(),
            lost: Outcome::ALL
                .iter()
                .filter(|&&o| is_lost(o))
                .map(|&o| flow.ended[v][o as usize])
                .sum(),
            invalid: exact(flow.invalid[v]),
            silences: exact(flow.silent[v]),
        })
        .collect();
    let edges = edges_of(program, names, None, |e| exact(flow.edges[e as usize]));
    Flow { nodes, edges }
}

/// How the traffic through one node or edge moved from menu A to menu B, per call.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowChange {
    /// Visits (nodes) or traversals (edges) per call in A; `None` when A has no such element.
    pub a: Option<PerCall>,
    /// The same in B; `None` when B has no such element.
    pub b: Option<PerCall>,
    /// B minus A (a missing side counts as 0), with its interval and whether it is significant
    /// (Monte Carlo) or not zero (exact).
    pub diff: super::compare::Difference,
}

impl FlowChange {
    /// Whether to show this element as changed: the difference is significant (Monte Carlo), or
    /// not zero (exact).
    pub fn changed(&self) -> bool {
        self.diff.significant
    }
}

/// An edge as both menus know it: where it starts and ends, its kind and key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdgeKey {
    pub from: String,
    pub to: Option<String>,
    pub kind: &'static str,
    pub key: Option<String>,
}

impl EdgeKey {
    fn of(edge: &EdgeFlow) -> EdgeKey {
        EdgeKey {
            from: edge.from.clone(),
            to: edge.to.clone(),
            kind: edge.kind,
            key: edge.key.clone(),
        }
    }
}

/// Where the traffic moved between two menus run on the same callers: every node and edge of
/// B (in B's order), then those only A has. Nodes are matched by id; edges by their start,
/// end, kind and key, so an option that now leads elsewhere is one edge gone and one new.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowChanges {
    pub nodes: Vec<(String, FlowChange)>,
    pub edges: Vec<(EdgeKey, FlowChange)>,
}

/// Exact differences below this (per call) are rounding, not a change.
const EXACT_CHANGE: f64 = 1e-9;

/// B minus A of one figure per call. With intervals (Monte Carlo), the interval of the
/// difference treats the two runs as independent samples: `±√(hA² + hB²)` from each side's
/// half width. The runs share their random numbers, which correlates them positively, so the
/// interval is wider than a paired one would be, never narrower: a change it calls significant
/// is one.
fn change(a: Option<&PerCall>, b: Option<&PerCall>, sampled: bool) -> FlowChange {
    let mean = |p: Option<&PerCall>| p.map_or(0.0, |p| p.mean);
    let half = |p: Option<&PerCall>| {
        p.map_or(0.0, |p| {
            p.mean_ci95.map_or(0.0, |ci| {
                (p.mean - ci.lo).max(ci.hi.map_or(0.0, |hi| hi - p.mean))
            })
        })
    };
    let diff = mean(b) - mean(a);
    let difference = if sampled {
        let h = half(a).hypot(half(b));
        let ci = Interval::closed(diff - h, diff + h);
        super::compare::Difference {
            diff: Some(diff),
            ci95: Some(ci),
            significant: diff != 0.0 && ci.excludes_zero(),
        }
    } else {
        super::compare::Difference {
            diff: Some(diff),
            ci95: None,
            significant: diff.abs() > EXACT_CHANGE,
        }
    };
    FlowChange {
        a: a.copied(),
        b: b.copied(),
        diff: difference,
    }
}

/// The changes of visits per node and traversals per edge from `a` to `b`.
pub fn flow_changes(a: &Flow, b: &Flow) -> FlowChanges {
    use std::collections::HashMap;
    let sampled = a.nodes.iter().chain(&b.nodes).any(|n| n.n.is_some());
    let nodes_a: HashMap<&str, &NodeFlow> = a.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let ids_b: std::collections::HashSet<&str> = b.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut nodes: Vec<(String, FlowChange)> = b
        .nodes
        .iter()
        .map(|n| {
            let before = nodes_a.get(n.id.as_str()).map(|a| &a.visits);
            (n.id.clone(), change(before, Some(&n.visits), sampled))
        })
        .collect();
    nodes.extend(
        a.nodes
            .iter()
            .filter(|n| !ids_b.contains(n.id.as_str()))
            .map(|n| (n.id.clone(), change(Some(&n.visits), None, sampled))),
    );
    let edges_a: HashMap<EdgeKey, &EdgeFlow> =
        a.edges.iter().map(|e| (EdgeKey::of(e), e)).collect();
    let keys_b: std::collections::HashSet<EdgeKey> = b.edges.iter().map(EdgeKey::of).collect();
    let mut edges: Vec<(EdgeKey, FlowChange)> = b
        .edges
        .iter()
        .map(|e| {
            let key = EdgeKey::of(e);
            let before = edges_a.get(&key).map(|a| &a.traversals);
            (key, change(before, Some(&e.traversals), sampled))
        })
        .collect();
    edges.extend(
        a.edges
            .iter()
            .filter(|e| !keys_b.contains(&EdgeKey::of(e)))
            .map(|e| (EdgeKey::of(e), change(Some(&e.traversals), None, sampled))),
    );
    FlowChanges { nodes, edges }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, visits: f64, half: Option<f64>) -> NodeFlow {
        NodeFlow {
            id: id.to_string(),
            kind: "menu",
            n: half.map(|_| 1000),
            visits: PerCall {
                mean: visits,
                mean_ci95: half.map(|h| Interval::closed(visits - h, visits + h)),
            },
            reached: None,
            reached_ci95: None,
            ended: PerOutcome::default(),
            ended_ci95: PerOutcome::default(),
            lost: 0.0,
            invalid: PerCall::default(),
            silences: PerCall::default(),
        }
    }

    fn edge(from: &str, to: &str, key: &str, traversals: f64, half: Option<f64>) -> EdgeFlow {
        EdgeFlow {
            from: from.to_string(),
            to: Some(to.to_string()),
            kind: "option",
            key: Some(key.to_string()),
            n: half.map(|_| 1000),
            traversals: PerCall {
                mean: traversals,
                mean_ci95: half.map(|h| Interval::closed(traversals - h, traversals + h)),
            },
        }
    }

    #[test]
    fn a_change_is_marked_when_its_interval_excludes_zero() {
        let a = Flow {
            nodes: vec![
                node("main", 1.0, Some(0.0)),
                node("billing", 0.5, Some(0.03)),
                node("old", 0.1, Some(0.01)),
            ],
            edges: vec![edge("main", "billing", "1", 0.5, Some(0.03))],
        };
        let b = Flow {
            nodes: vec![
                node("main", 1.0, Some(0.0)),
                node("billing", 0.46, Some(0.03)),
                node("agent", 0.5, Some(0.03)),
            ],
            edges: vec![edge("main", "agent", "1", 0.5, Some(0.03))],
        };
        let changes = flow_changes(&a, &b);
        let of = |id: &str| &changes.nodes.iter().find(|(n, _)| n == id).unwrap().1;
        // The same: not marked. Within the intervals (0.04 < √2 × 0.03): not marked.
        assert!(!of("main").changed());
        assert!(!of("billing").changed());
        let ci = of("billing").diff.ci95.unwrap();
        assert!((ci.lo - (-0.04 - 0.03 * 2f64.sqrt())).abs() < 1e-12);
        // New in B, and only in A: marked, with the missing side `None` and counted as 0.
        assert!(of("agent").changed() && of("agent").a.is_none());
        assert!(of("old").changed() && of("old").b.is_none());
        assert_eq!(of("old").diff.diff, Some(-0.1));
        // B's nodes first in B's order, then A's only.
        let ids: Vec<&str> = changes.nodes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(ids, ["main", "billing", "agent", "old"]);
        // An option that now leads elsewhere is one edge new and one gone.
        assert_eq!(changes.edges.len(), 2);
        assert_eq!(changes.edges[0].0.to.as_deref(), Some("agent"));
        assert_eq!(changes.edges[0].1.diff.diff, Some(0.5));
        assert_eq!(changes.edges[1].1.diff.diff, Some(-0.5));
        assert!(changes.edges.iter().all(|(_, c)| c.changed()));
    }

    #[test]
    fn exact_changes_have_no_interval_and_ignore_rounding() {
        let a = Flow {
            nodes: vec![node("main", 1.0, None), node("billing", 0.5, None)],
            edges: Vec::new(),
        };
        let b = Flow {
            nodes: vec![node("main", 1.0 + 1e-13, None), node("billing", 0.49, None)],
            edges: Vec::new(),
        };
        let changes = flow_changes(&a, &b);
        assert!(!changes.nodes[0].1.changed());
        assert!(changes.nodes[1].1.changed());
        assert_eq!(changes.nodes[1].1.diff.ci95, None);
    }
}
