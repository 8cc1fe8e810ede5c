//! A menu read together with its graph and intents: the facts about it that the linter (and
//! anything else that reasons about a menu) asks for, each computed once.
//!
//! Depth and reachability come from the graph's least-inputs search. What an option is for —
//! going back, reaching an agent, reaching complaint handling (`complaints.rs`) — and where each
//! intent's callers go ([`super::routing`]) are defined here once, so that every rule and the
//! simulator mean the same thing by them.

use std::cell::OnceCell;

use petgraph::graph::EdgeIndex;

use super::graph::{Distances, EdgeKind, MenuGraph};
use super::model::{Menu, MenuOption, NodeId, NodeKind};
use super::routing::{IntentRoute, Policy, intent_routes, popularity};
use crate::intents::Intents;

/// A menu, its graph and its intents, with the analyses computed from them.
pub struct Analysis<'a> {
    pub menu: &'a Menu,
    pub graph: &'a MenuGraph,
    pub intents: Option<&'a Intents>,
    /// Least inputs from `entry` along choosable edges.
    pub depth: Distances,
    /// Reachable from `entry` along any edge.
    pub reachable: Vec<bool>,
    policy: OnceCell<Option<Policy>>,
    routes: OnceCell<Option<Vec<IntentRoute>>>,
    parents: OnceCell<Vec<Vec<NodeId>>>,
    popularity: OnceCell<Option<Vec<Vec<f64>>>>,
    /// Per node: every choice from it leads only to complaint handling (`complaints.rs`).
    pub(super) complaints_only: OnceCell<Vec<bool>>,
}

impl<'a> Analysis<'a> {
    pub fn new(menu: &'a Menu, graph: &'a MenuGraph, intents: Option<&'a Intents>) -> Self {
        Analysis {
            menu,
            graph,
            intents,
            depth: graph.inputs_from_entry(),
            reachable: graph.reachable_from_entry(),
            policy: OnceCell::new(),
            routes: OnceCell::new(),
            parents: OnceCell::new(),
            popularity: OnceCell::new(),
            complaints_only: OnceCell::new(),
        }
    }

    /// The node an option's `to` names, if it names one.
    pub fn target(&self, option: &MenuOption) -> Option<NodeId> {
        option.to.as_ref().and_then(|t| self.menu.lookup(&t.value))
    }

    /// The node a `to` names.
    pub fn to_of(&self, id: NodeId) -> Option<NodeId> {
        self.menu
            .node(id)
            .to
            .as_ref()
            .and_then(|t| self.menu.lookup(&t.value))
    }

    /// Least inputs from `entry` to a node along choosable edges.
    pub fn depth_of(&self, id: NodeId) -> Option<u32> {
        self.depth.get(self.graph.vertex(id))
    }

    pub fn is_reachable(&self, id: NodeId) -> bool {
        self.reachable[self.graph.vertex(id).index()]
    }

    pub fn entry_id(&self) -> Option<NodeId> {
        self.menu.entry_node()
    }

    /// The edges of a least path from `entry` to a node, in order.
    pub fn least_path(&self, id: NodeId) -> Vec<EdgeIndex> {
        self.depth.path_to(self.graph, self.graph.vertex(id))
    }

    /// The last option on a least path from `entry` to a node: (menu, option index).
    pub fn last_option_to(&self, id: NodeId) -> Option<(NodeId, usize)> {
        self.least_path(id)
            .into_iter()
            .rev()
            .find_map(|e| match self.graph.graph[e].kind {
                EdgeKind::Option { index, .. } => {
                    let (from, _) = self.graph.graph.edge_endpoints(e)?;
                    Some((self.graph.node_of(from)?, index))
                }
                _ => None,
            })
    }

    /// Follows `to` through nodes of the given kinds; returns where it stops (None on a loop
    /// or an unknown target).
    pub fn through(&self, start: NodeId, kinds: &[NodeKind]) -> Option<NodeId> {
        let mut at = start;
        for _ in 0..=self.menu.nodes.len() {
            let node = self.menu.node(at);
            if !kinds.contains(&node.kind) {
                return Some(at);
            }
            at = self.to_of(at)?;
        }
        None
    }

    /// The parents of a menu: menus closer to `entry` (fewer inputs away) with an option
    /// reaching it directly or through message, input or self_service nodes only.
    pub fn parents(&self, id: NodeId) -> &[NodeId] {
        let all = self.parents.get_or_init(|| {
            let mut parents = vec![Vec::new(); self.menu.nodes.len()];
            for p in self.menu.node_ids() {
                let node = self.menu.node(p);
                if node.kind != NodeKind::Menu {
                    continue;
                }
                let Some(pd) = self.depth_of(p) else { continue };
                for option in &node.options {
                    let through = [NodeKind::Message, NodeKind::Input, NodeKind::SelfService];
                    let Some(m) = self.target(option).and_then(|t| self.through(t, &through))
                    else {
                        continue;
                    };
                    if self.menu.node(m).kind == NodeKind::Menu
                        && self.depth_of(m).is_some_and(|md| pd < md)
                        && !parents[m.0].contains(&p)
                    {
                        parents[m.0].push(p);
                    }
                }
            }
            parents
        });
        &all[id.0]
    }

    /// Where an option leads through `message` nodes only.
    pub fn destination(&self, option: &MenuOption) -> Option<NodeId> {
        self.target(option)
            .and_then(|t| self.through(t, &[NodeKind::Message]))
    }

    /// A back option: its target is a parent, `entry` or the menu itself (repeat), directly or
    /// through message nodes only.
    pub fn is_back_option(&self, menu: NodeId, option: &MenuOption) -> bool {
        self.destination(option).is_some_and(|d| {
            d == menu || Some(d) == self.entry_id() || self.parents(menu).contains(&d)
        })
    }

    /// The agent option: key `0`, or a target that is a transfer serving `"*"`.
    pub fn is_agent_option(&self, option: &MenuOption) -> bool {
        option.key_text() == "0"
            || self.target(option).is_some_and(|t| {
                let node = self.menu.node(t);
                node.kind == NodeKind::Transfer && node.serves_everyone()
            })
    }

    /// The routing policy, when there are intents.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy
            .get_or_init(|| {
                self.intents
                    .map(|i| Policy::build(self.menu, self.graph, i))
            })
            .as_ref()
    }

    /// Each intent's mistake-free route from `entry` (by intent number), when there are
    /// intents and an entry node; computed on first use.
    pub fn intent_routes(&self) -> Option<&[IntentRoute]> {
        self.routes
            .get_or_init(|| {
                self.intents
                    .and_then(|i| intent_routes(self.menu, self.graph, i))
            })
            .as_deref()
    }

    /// The share of all calls whose intended option at this menu is each option, from the
    /// intents routed by the caller model; `None` without intents. Computed for every menu
    /// at once, on first use.
    pub fn popularity_from_intents(&self, menu: NodeId) -> Option<Vec<f64>> {
        let table = self.popularity.get_or_init(|| {
            let intents = self.intents?;
            Some(popularity(self.menu, self.intent_routes()?, intents))
        });
        table.as_ref().map(|t| t[menu.0].clone())
    }
}
