//! What rules look at: the menu, its graph, the intents, and the analyses several rules share
//! (depth, parents and back options, exempt options, complaint handling, popularity).

use std::cell::OnceCell;

use petgraph::visit::EdgeRef;

use crate::diagnostic::Label;
use crate::intents::Intents;
use crate::menu::graph::{Distances, EdgeKind, MenuGraph};
use crate::menu::routing::{Choice, Policy};

use super::settings::RuleSettings;
use crate::menu::{Menu, MenuOption, NodeId, NodeKind};

/// Analyses computed once per menu and shared by the rules.
pub struct Shared<'a> {
    pub menu: &'a Menu,
    pub graph: &'a MenuGraph,
    pub intents: Option<&'a Intents>,
    /// Least inputs from `entry` along choosable edges.
    pub depth: Distances,
    /// Reachable from `entry` along any edge.
    pub reachable: Vec<bool>,
    policy: OnceCell<Option<Policy>>,
    parents: OnceCell<Vec<Vec<NodeId>>>,
    popularity: OnceCell<Option<Vec<Vec<f64>>>>,
}

impl<'a> Shared<'a> {
    pub fn new(menu: &'a Menu, graph: &'a MenuGraph, intents: Option<&'a Intents>) -> Self {
        Shared {
            menu,
            graph,
            intents,
            depth: graph.inputs_from_entry(),
            reachable: graph.reachable_from_entry(),
            policy: OnceCell::new(),
            parents: OnceCell::new(),
            popularity: OnceCell::new(),
        }
    }
}

/// The view one rule gets: the shared analyses and its own settings.
pub struct Context<'a> {
    pub shared: &'a Shared<'a>,
    pub settings: &'a RuleSettings,
}

impl<'a> std::ops::Deref for Context<'a> {
    type Target = Shared<'a>;
    fn deref(&self) -> &Shared<'a> {
        self.shared
    }
}

impl Context<'_> {
    /// The value of one of the rule's options.
    pub fn option(&self, name: &str) -> f64 {
        self.settings.values.get(name).copied().unwrap_or(0.0)
    }
}

impl<'a> Shared<'a> {
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

    /// `main > 1 > 3 > 2`: the entry's id, then the key of each option on a least path
    /// (an input node's step shows as `(id)`).
    pub fn path_text(&self, id: NodeId) -> String {
        let mut parts = vec![
            self.menu
                .entry
                .as_ref()
                .map_or("?".to_string(), |e| e.value.clone()),
        ];
        for e in self.depth.path_to(self.graph, self.graph.vertex(id)) {
            let (from, _) = self
                .graph
                .graph
                .edge_endpoints(e)
                .expect("edge of this graph");
            match &self.graph.graph[e].kind {
                EdgeKind::Option { key, .. } => parts.push(key.clone()),
                EdgeKind::To if self.graph.graph[e].inputs > 0 => {
                    let name = self
                        .graph
                        .node_of(from)
                        .map_or("?", |n| self.menu.node(n).id.value.as_str());
                    parts.push(format!("({name})"));
                }
                _ => {}
            }
        }
        parts.join(" > ")
    }

    /// Secondary labels on each input along a least path to a node ("input 1", "input 2", ...).
    pub fn path_labels(&self, id: NodeId) -> Vec<Label> {
        let mut labels = Vec::new();
        let mut count = 0;
        for e in self.depth.path_to(self.graph, self.graph.vertex(id)) {
            let edge = &self.graph.graph[e];
            if edge.inputs == 0 {
                continue;
            }
            count += 1;
            let (from, _) = self
                .graph
                .graph
                .edge_endpoints(e)
                .expect("edge of this graph");
            let span = match (&edge.kind, self.graph.node_of(from)) {
                (EdgeKind::Option { index, .. }, Some(n)) => {
                    let option = &self.menu.node(n).options[*index];
                    option.key.as_ref().map_or(option.span, |k| k.span)
                }
                (_, Some(n)) => self.menu.node(n).id.span,
                _ => continue,
            };
            labels.push(Label::new(span, format!("input {count}")));
        }
        labels
    }

    /// The last option on a least path from `entry` to a node: (menu, option index).
    pub fn last_option_to(&self, id: NodeId) -> Option<(NodeId, usize)> {
        self.depth
            .path_to(self.graph, self.graph.vertex(id))
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

    /// The parents of each menu (precise points of rules.md): menus closer to `entry` with an
    /// option reaching it directly or through message, input or self_service nodes only.
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

    /// Exempt from `popular-first` and `too-many-options`: agent, back/repeat, complaint.
    pub fn is_exempt(&self, menu: NodeId, index: usize) -> bool {
        let option = &self.menu.node(menu).options[index];
        matches!(option.key_text(), "*" | "#")
            || self.is_agent_option(option)
            || self.is_back_option(menu, option)
            || self.is_complaint_option(option)
    }

    /// Whether an intent is marked `complaint` in the intents file.
    pub fn is_complaint_intent(&self, name: &str) -> bool {
        self.intents
            .and_then(|i| i.get(name))
            .is_some_and(|i| i.complaint)
    }

    /// Handles complaints: marked `complaint: true`, or serves an intent marked `complaint`.
    pub fn handles_complaints(&self, id: NodeId) -> bool {
        let node = self.menu.node(id);
        node.is_complaint() || node.serves().any(|s| self.is_complaint_intent(s))
    }

    /// A complaint node that serves nothing else.
    ///
    /// When some intent it serves is marked `complaint`, every other one must be marked too
    /// (`serves: [pay_bill, complaint]` is merged). When none is marked (or there is no intents
    /// file), `serves` names cannot be told apart, so a node marked `complaint: true` counts as
    /// pure. A node serving every caller (`"*"`) is never pure.
    pub fn is_pure_complaint_node(&self, id: NodeId) -> bool {
        let node = self.menu.node(id);
        if !self.handles_complaints(id) || node.serves_everyone() {
            return false;
        }
        let marked = node
            .serves()
            .filter(|s| self.is_complaint_intent(s))
            .count();
        marked == 0 || marked == node.serves().count()
    }

    /// The intents a complaint node serves besides complaints (empty for a pure one).
    pub fn non_complaint_intents(&self, id: NodeId) -> Vec<&str> {
        if self.is_pure_complaint_node(id) {
            return Vec::new();
        }
        self.menu
            .node(id)
            .serves()
            .filter(|s| !self.is_complaint_intent(s))
            .collect()
    }

    /// The complaint option: its target (through message or input nodes) is a pure complaint
    /// node, or a menu all of whose non-exempt options lead only to complaint nodes.
    pub fn is_complaint_option(&self, option: &MenuOption) -> bool {
        self.target(option)
            .is_some_and(|t| self.leads_only_to_complaints(t, &mut Vec::new()))
    }

    fn leads_only_to_complaints(&self, start: NodeId, seen: &mut Vec<NodeId>) -> bool {
        let Some(at) = self.through(start, &[NodeKind::Message, NodeKind::Input]) else {
            return false;
        };
        if seen.contains(&at) {
            return false;
        }
        seen.push(at);
        let node = self.menu.node(at);
        if node.kind != NodeKind::Menu {
            return self.is_pure_complaint_node(at);
        }
        let mut any = false;
        for option in &node.options {
            if matches!(option.key_text(), "*" | "#") || self.is_agent_option(option) {
                continue;
            }
            let Some(t) = self.target(option) else {
                return false;
            };
            if self.is_back_option(at, option)
                || self.destination(option).is_some_and(|d| seen.contains(&d))
            {
                continue;
            }
            if !self.leads_only_to_complaints(t, seen) {
                return false;
            }
            any = true;
        }
        any
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

    /// Each intent's mistake-free route from `entry`: the menus it passes, with the option it
    /// presses at each. Index by intent number.
    pub fn routes(&self) -> Option<Vec<Vec<(NodeId, usize)>>> {
        let policy = self.policy()?;
        let intents = self.intents?;
        let entry = self.entry_id()?;
        Some(
            (0..intents.intents.len())
                .map(|i| {
                    let name = intents.intents[i].name.value.as_str();
                    let mut route = Vec::new();
                    let mut seen = vec![false; self.menu.nodes.len()];
                    let mut at = Some(entry);
                    while let Some(id) = at {
                        if std::mem::replace(&mut seen[id.0], true) {
                            break;
                        }
                        let node = self.menu.node(id);
                        at = match node.kind {
                            NodeKind::Menu => match policy.choice(i, id) {
                                Some((Choice::Option(k), _)) => {
                                    route.push((id, k));
                                    self.target(&node.options[k])
                                }
                                _ => None,
                            },
                            NodeKind::Input | NodeKind::Message => self.to_of(id),
                            NodeKind::SelfService if !node.serves().any(|s| s == name) => {
                                self.to_of(id)
                            }
                            _ => None,
                        };
                    }
                    route
                })
                .collect(),
        )
    }

    /// The share of all calls whose intended option at this menu is each option, from the
    /// intents routed by the caller model; `None` without intents. Computed for every menu
    /// at once, on first use.
    pub fn popularity_from_intents(&self, menu: NodeId) -> Option<Vec<f64>> {
        let table = self.popularity.get_or_init(|| {
            let routes = self.routes()?;
            let intents = self.intents?;
            let mut table: Vec<Vec<f64>> = self
                .menu
                .nodes
                .iter()
                .map(|n| vec![0.0; n.options.len()])
                .collect();
            for (i, route) in routes.iter().enumerate() {
                for &(m, k) in route {
                    table[m.0][k] += intents.intents[i].share;
                }
            }
            Some(table)
        });
        table.as_ref().map(|t| t[menu.0].clone())
    }

    /// Edges of the graph leaving a node, in file order (for rules that walk the graph).
    pub fn out_edges(
        &self,
        id: NodeId,
    ) -> Vec<petgraph::graph::EdgeReference<'_, crate::menu::graph::Edge>> {
        let mut edges: Vec<_> = self.graph.graph.edges(self.graph.vertex(id)).collect();
        edges.sort_by_key(|e| e.id());
        edges
    }
}
