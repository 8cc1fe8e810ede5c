//! Routing: each caller's intended option at each menu, and the routes and popularity that
//! follow from it.
//!
//! A caller heads for the option with the fewest inputs to a node that serves their intent
//! (ties: the option announced first); if nothing serves it, for the nearest transfer serving
//! `"*"`, else any transfer, else they hang up. Callers plan along choosable edges only (options
//! and `to`, not error handlers), with the graph's one least-inputs function, so the linter's
//! depth rules and the simulator measure distance the same way. The policy depends only on
//! (node, intent), so it is computed once per menu and intents file and stored compactly: one
//! `u16` per (intent, menu node).

use petgraph::graph::NodeIndex;
use rayon::prelude::*;

use std::collections::HashMap;

use super::graph::{Distances, MenuGraph, NearestSearch, UNREACHABLE};
use super::model::{Menu, MenuOption, NodeId, NodeKind};
use crate::intents::Intents;

/// What a caller with a given intent does at a menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Presses the option at this index (announcement order).
    Option(usize),
    /// No option leads anywhere useful: the caller hangs up (`abandoned`).
    HangUp,
}

/// Why the caller chose what they chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Towards a node that serves the intent.
    Served,
    /// Towards the nearest transfer serving `"*"`.
    GeneralAgent,
    /// Towards the nearest transfer of any kind.
    AnyAgent,
    /// Nowhere.
    Nowhere,
}

/// Most (intent, node) pairs routing may plan for: choosing every intent's option at every menu
/// costs one walk of the menu graph per intent and a table of intents x menus, so a menu and an
/// intents file whose product passes this are refused as an input error (see docs/limits.md)
/// rather than run for minutes and gigabytes.
pub const MAX_ROUTING_PAIRS: u64 = 50_000_000;

/// Why routing `intents` over `menu` is refused: the message of the input error, `None` when
/// the pair is within [`MAX_ROUTING_PAIRS`].
pub fn routing_too_large(menu: &Menu, intents: &Intents) -> Option<String> {
    let (n, i) = (menu.nodes.len() as u64, intents.intents.len() as u64);
    (n.saturating_mul(i) > MAX_ROUTING_PAIRS).then(|| {
        format!(
            "the menu and its intents exceed a limit: {i} intents x {n} nodes is more than \
             {MAX_ROUTING_PAIRS} pairs to route (MAX_ROUTING_PAIRS)"
        )
    })
}

/// Encoded choice: option index in the low 14 bits, the route in the top 2 bits.
type Packed = u16;
/// The bits of a packed choice that hold the option index.
const INDEX_BITS: Packed = 0x3FFF;
/// The option index that means "hangs up" (the largest the index bits hold).
const PACKED_HANG_UP: Packed = INDEX_BITS;

fn pack(choice: Choice, route: Route) -> Packed {
    let index = match choice {
        Choice::Option(i) => (i as Packed).min(PACKED_HANG_UP - 1),
        Choice::HangUp => PACKED_HANG_UP,
    };
    let route = match route {
        Route::Served => 0,
        Route::GeneralAgent => 1,
        Route::AnyAgent => 2,
        Route::Nowhere => 3,
    };
    index | (route << 14)
}

fn unpack(packed: Packed) -> (Choice, Route) {
    let index = packed & INDEX_BITS;
    let choice = if index == PACKED_HANG_UP {
        Choice::HangUp
    } else {
        Choice::Option(index as usize)
    };
    let route = match packed >> 14 {
        0 => Route::Served,
        1 => Route::GeneralAgent,
        2 => Route::AnyAgent,
        _ => Route::Nowhere,
    };
    (choice, route)
}

/// The intended option of every (menu node, intent).
#[derive(Clone, Debug)]
pub struct Policy {
    /// For each node, its slot among the menu nodes (`u32::MAX` for other nodes).
    slot: Vec<u32>,
    menus: usize,
    /// `choices[intent * menus + slot]`.
    choices: Vec<Packed>,
}

impl Policy {
    /// Computes the policy for every intent of `intents` (in file order).
    pub fn build(menu: &Menu, graph: &MenuGraph, intents: &Intents) -> Policy {
        let names: Vec<&str> = intents
            .intents
            .iter()
            .map(|i| i.name.value.as_str())
            .collect();
        Policy::for_intents(menu, graph, &names)
    }

    /// Computes the policy for the named intents.
    pub fn for_intents(menu: &Menu, graph: &MenuGraph, intents: &[&str]) -> Policy {
        Policy::for_intents_choosing(menu, graph, intents, None)
    }

    /// Computes the policy for the named intents, where callers only choose the options
    /// `allowed[node][option]` allows (`None`: every option).
    pub fn for_intents_choosing(
        menu: &Menu,
        graph: &MenuGraph,
        intents: &[&str],
        allowed: Option<&[Vec<bool>]>,
    ) -> Policy {
        let mut serving: std::collections::HashMap<&str, Vec<NodeIndex>> =
            std::collections::HashMap::new();
        for id in menu.node_ids() {
            for name in menu.node(id).serves() {
                serving.entry(name).or_default().push(graph.vertex(id));
            }
        }
        let goals = intents
            .iter()
            .map(|intent| serving.get(intent).cloned().unwrap_or_default());
        Policy::towards(menu, graph, goals, true, allowed)
    }

    /// The policy of callers heading for one node each (`nodes`, in order): the option with
    /// the fewest inputs to it, and no fallback (they hang up where it cannot be reached).
    pub fn for_nodes(menu: &Menu, graph: &MenuGraph, nodes: &[NodeId]) -> Policy {
        let goals = nodes.iter().map(|&id| vec![graph.vertex(id)]);
        Policy::towards(menu, graph, goals, false, None)
    }

    /// The policy for each set of goal nodes, with the transfers as fallbacks when `fallbacks`.
    fn towards(
        menu: &Menu,
        graph: &MenuGraph,
        goals: impl ExactSizeIterator<Item = Vec<NodeIndex>>,
        fallbacks: bool,
        allowed: Option<&[Vec<bool>]>,
    ) -> Policy {
        let [to_general, to_any] = fallback_tables(menu, graph, fallbacks);
        let mut slot = vec![u32::MAX; menu.nodes.len()];
        let menu_ids: Vec<NodeId> = menu
            .node_ids()
            .filter(|&id| menu.node(id).kind == NodeKind::Menu)
            .collect();
        for (s, id) in menu_ids.iter().enumerate() {
            slot[id.0] = s as u32;
        }
        // Option targets resolved once (an option callers do not choose has none).
        let targets: Vec<Vec<Option<NodeIndex>>> = menu_ids
            .iter()
            .map(|&id| {
                let options = &menu.node(id).options;
                options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| {
                        if allowed.is_some_and(|a| !a[id.0][k]) {
                            return None;
                        }
                        o.to.as_ref()
                            .and_then(|t| menu.lookup(&t.value))
                            .map(|t| graph.vertex(t))
                    })
                    .collect()
            })
            .collect();
        let goals: Vec<Vec<NodeIndex>> = goals.collect();
        // One walk of the graph per goal, each filling its own row: the rows are independent,
        // so they are computed in parallel (a menu of thousands of nodes with thousands of
        // intents is most of a lint's time).
        let mut choices: Vec<Packed> = vec![0; goals.len() * menu_ids.len()];
        if !menu_ids.is_empty() {
            choices
                .par_chunks_mut(menu_ids.len())
                .zip(goals.par_iter())
                .for_each(|(row, goal)| {
                    let to_served = graph.inputs_to(goal.iter().copied());
                    let tables = [
                        (&to_served, Route::Served),
                        (&to_general, Route::GeneralAgent),
                        (&to_any, Route::AnyAgent),
                    ];
                    for (cell, options) in row.iter_mut().zip(&targets) {
                        let (choice, route) = choose(options, &tables);
                        *cell = pack(choice, route);
                    }
                });
        }
        Policy {
            slot,
            menus: menu_ids.len(),
            choices,
        }
    }

    /// The intended choice of intent number `intent` at a menu node (`None` for other nodes).
    pub fn choice(&self, intent: usize, node: NodeId) -> Option<(Choice, Route)> {
        let slot = *self.slot.get(node.0)?;
        if slot == u32::MAX {
            return None;
        }
        self.choices
            .get(intent * self.menus + slot as usize)
            .map(|&p| unpack(p))
    }
}

/// Least inputs to the transfers callers fall back on: those serving `"*"`, and any transfer
/// (both unreachable everywhere without `fallbacks`).
fn fallback_tables(menu: &Menu, graph: &MenuGraph, fallbacks: bool) -> [Distances; 2] {
    let transfers = |everyone: bool| -> Vec<NodeIndex> {
        menu.node_ids()
            .filter(|&id| {
                fallbacks && {
                    let node = menu.node(id);
                    node.kind == NodeKind::Transfer && (!everyone || node.serves_everyone())
                }
            })
            .map(|id| graph.vertex(id))
            .collect()
    };
    [
        graph.inputs_to(transfers(true)),
        graph.inputs_to(transfers(false)),
    ]
}

/// The option with the least `1 + dist(option.to)` under the first table that reaches anything;
/// ties go to the option announced first.
fn choose(targets: &[Option<NodeIndex>], tables: &[(&Distances, Route)]) -> (Choice, Route) {
    for &(table, route) in tables {
        let mut best: Option<(u32, usize)> = None;
        for (index, target) in targets.iter().enumerate() {
            let Some(target) = target else { continue };
            let d = table.inputs[target.index()];
            if d == UNREACHABLE {
                continue;
            }
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, index));
            }
        }
        if let Some((_, index)) = best {
            return (Choice::Option(index), route);
        }
    }
    (Choice::HangUp, Route::Nowhere)
}

/// One intent's mistake-free route from `entry`: the menus it passes, with the option it
/// presses at each.
pub type IntentRoute = Vec<(NodeId, usize)>;

/// Each intent's mistake-free route from `entry`, by intent number (`None` without an entry
/// node). A route stops where the call ends, at a node that serves the intent, where the caller
/// hangs up, or where it would come round again.
pub fn routes(menu: &Menu, policy: &Policy, intents: &Intents) -> Option<Vec<IntentRoute>> {
    let entry = menu.entry_node()?;
    let target = |option: &MenuOption| option.to.as_ref().and_then(|t| menu.lookup(&t.value));
    let to_of = |id: NodeId| {
        menu.node(id)
            .to
            .as_ref()
            .and_then(|t| menu.lookup(&t.value))
    };
    Some(
        (0..intents.intents.len())
            .map(|i| {
                let name = intents.intents[i].name.value.as_str();
                let mut route = Vec::new();
                let mut seen = vec![false; menu.nodes.len()];
                let mut at = Some(entry);
                while let Some(id) = at {
                    if std::mem::replace(&mut seen[id.0], true) {
                        break;
                    }
                    let node = menu.node(id);
                    at = match node.kind {
                        NodeKind::Menu => match policy.choice(i, id) {
                            Some((Choice::Option(k), _)) => {
                                route.push((id, k));
                                target(&node.options[k])
                            }
                            _ => None,
                        },
                        NodeKind::Input | NodeKind::Message | NodeKind::Flow => to_of(id),
                        NodeKind::SelfService if !node.serves().any(|s| s == name) => to_of(id),
                        // A route follows the branch most calls take.
                        NodeKind::Decision => likeliest_branch(node)
                            .and_then(|b| b.to.as_ref())
                            .and_then(|t| menu.lookup(&t.value)),
                        _ => None,
                    };
                }
                route
            })
            .collect(),
    )
}

/// Each intent's mistake-free route from `entry`, by intent number: the same routes as
/// [`routes`] over [`Policy::build`], found without choosing every intent's option at every
/// menu. A route needs the choice only at the menus it passes, and that choice only needs the
/// least inputs from the menu's options to the intent's goal, so each intent's search towards
/// its goal goes only as far as the route's questions need ([`NearestSearch`]), among the
/// nodes callers can reach from `entry` (nothing else is ever asked about), and intents served
/// by the same nodes share one route. A menu with thousands of intents was linted with a whole
/// search of the graph and a choice at every menu per intent.
pub fn intent_routes(
    menu: &Menu,
    graph: &MenuGraph,
    intents: &Intents,
) -> Option<Vec<IntentRoute>> {
    let entry = menu.entry_node()?;
    let within: Vec<bool> = graph
        .inputs_from_entry()
        .inputs
        .iter()
        .map(|&d| d != UNREACHABLE)
        .collect();
    let [to_general, to_any] = fallback_tables(menu, graph, true);
    let fallbacks = [
        (&to_general, Route::GeneralAgent),
        (&to_any, Route::AnyAgent),
    ];
    let lookup =
        |to: Option<&crate::source::Spanned<String>>| to.and_then(|t| menu.lookup(&t.value));
    // Option targets of the menus callers reach, resolved once.
    let targets: Vec<Vec<Option<NodeIndex>>> = menu
        .node_ids()
        .map(|id| {
            let node = menu.node(id);
            if node.kind != NodeKind::Menu || !within[graph.vertex(id).index()] {
                return Vec::new();
            }
            node.options
                .iter()
                .map(|o| lookup(o.to.as_ref()).map(|t| graph.vertex(t)))
                .collect()
        })
        .collect();
    // The nodes serving each intent (in file order), and each distinct set once.
    let mut serving: HashMap<&str, Vec<NodeIndex>> = HashMap::new();
    for id in menu.node_ids() {
        for name in menu.node(id).serves() {
            serving.entry(name).or_default().push(graph.vertex(id));
        }
    }
    let mut goals: Vec<&[NodeIndex]> = Vec::new();
    let mut goal_numbers: HashMap<&[NodeIndex], usize> = HashMap::new();
    let goal_of: Vec<usize> = intents
        .intents
        .iter()
        .map(|intent| {
            let goal = serving
                .get(intent.name.value.as_str())
                .map_or(&[][..], |g| g.as_slice());
            *goal_numbers.entry(goal).or_insert_with(|| {
                goals.push(goal);
                goals.len() - 1
            })
        })
        .collect();
    let found: Vec<IntentRoute> = goals
        .par_iter()
        .map_init(
            || {
                (
                    NearestSearch::new(graph, Some(&within)),
                    vec![0u32; menu.nodes.len()],
                    0u32,
                )
            },
            |(search, seen, walk), goal| {
                search.start(goal.iter().copied());
                *walk += 1;
                let mut route = Vec::new();
                let mut at = Some(entry);
                while let Some(id) = at {
                    if std::mem::replace(&mut seen[id.0], *walk) == *walk {
                        break;
                    }
                    let node = menu.node(id);
                    at = match node.kind {
                        NodeKind::Menu => {
                            let options = &targets[id.0];
                            let k = match search.nearest(options) {
                                Some((k, _)) => Some(k),
                                None => match choose(options, &fallbacks) {
                                    (Choice::Option(k), _) => Some(k),
                                    (Choice::HangUp, _) => None,
                                },
                            };
                            k.and_then(|k| {
                                route.push((id, k));
                                lookup(node.options[k].to.as_ref())
                            })
                        }
                        NodeKind::Input | NodeKind::Message | NodeKind::Flow => {
                            lookup(node.to.as_ref())
                        }
                        NodeKind::SelfService if goal.binary_search(&graph.vertex(id)).is_err() => {
                            lookup(node.to.as_ref())
                        }
                        // A route follows the branch most calls take.
                        NodeKind::Decision => {
                            likeliest_branch(node).and_then(|b| lookup(b.to.as_ref()))
                        }
                        _ => None,
                    };
                }
                route
            },
        )
        .collect();
    Some(goal_of.iter().map(|&g| found[g].clone()).collect())
}

/// The branch of a decision most calls take (the first of equals), if any has a share above 0.
pub fn likeliest_branch(node: &super::model::Node) -> Option<&super::model::Branch> {
    let mut best: Option<&super::model::Branch> = None;
    for b in &node.branches {
        if b.share_value() > best.map_or(0.0, |x| x.share_value()) {
            best = Some(b);
        }
    }
    best
}

/// For every node, the share of all calls whose route presses each of its options (intents
/// weighted by their shares): `popularity[node][option]`.
pub fn popularity(menu: &Menu, routes: &[IntentRoute], intents: &Intents) -> Vec<Vec<f64>> {
    let mut table: Vec<Vec<f64>> = menu
        .nodes
        .iter()
        .map(|n| vec![0.0; n.options.len()])
        .collect();
    for (i, route) in routes.iter().enumerate() {
        for &(m, k) in route {
            table[m.0][k] += intents.intents[i].share;
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips() {
        for choice in [Choice::Option(0), Choice::Option(11), Choice::HangUp] {
            for route in [
                Route::Served,
                Route::GeneralAgent,
                Route::AnyAgent,
                Route::Nowhere,
            ] {
                assert_eq!(unpack(pack(choice, route)), (choice, route));
            }
        }
    }
}
