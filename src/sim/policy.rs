//! The routing policy of caller-model.md: each caller's intended option at each menu.
//!
//! Callers plan along choosable edges only, using the graph's one least-inputs function. The
//! policy depends only on (node, intent), so it is computed once per menu and intents file.

use petgraph::graph::NodeIndex;

use crate::intents::Intents;
use crate::menu::graph::{Distances, MenuGraph, UNREACHABLE};
use crate::menu::{Menu, NodeKind};

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

/// The intended option of every (menu node, intent).
#[derive(Clone, Debug)]
pub struct Policy {
    /// `choices[intent][node]`; `None` for nodes that are not menus.
    choices: Vec<Vec<Option<(Choice, Route)>>>,
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
        let transfers = |everyone: bool| -> Vec<NodeIndex> {
            menu.node_ids()
                .filter(|&id| {
                    let node = menu.node(id);
                    node.kind == NodeKind::Transfer && (!everyone || node.serves_everyone())
                })
                .map(|id| graph.vertex(id))
                .collect()
        };
        let to_general = graph.inputs_to(transfers(true));
        let to_any = graph.inputs_to(transfers(false));
        let choices = intents
            .iter()
            .map(|intent| {
                let serving = menu
                    .node_ids()
                    .filter(|&id| menu.node(id).serves().any(|s| s == *intent))
                    .map(|id| graph.vertex(id));
                let to_served = graph.inputs_to(serving);
                menu.node_ids()
                    .map(|id| {
                        (menu.node(id).kind == NodeKind::Menu).then(|| {
                            choose(
                                menu,
                                graph,
                                id,
                                [
                                    (&to_served, Route::Served),
                                    (&to_general, Route::GeneralAgent),
                                    (&to_any, Route::AnyAgent),
                                ],
                            )
                        })
                    })
                    .collect()
            })
            .collect();
        Policy { choices }
    }

    /// The intended choice of intent number `intent` at a menu node (`None` for other nodes).
    pub fn choice(&self, intent: usize, node: crate::menu::NodeId) -> Option<(Choice, Route)> {
        self.choices.get(intent)?.get(node.0).copied().flatten()
    }
}

/// The option with the least `1 + dist(option.to)` under the first table that reaches anything;
/// ties go to the option announced first.
fn choose(
    menu: &Menu,
    graph: &MenuGraph,
    id: crate::menu::NodeId,
    tables: [(&Distances, Route); 3],
) -> (Choice, Route) {
    let options = &menu.node(id).options;
    for (table, route) in tables {
        let mut best: Option<(u32, usize)> = None;
        for (index, option) in options.iter().enumerate() {
            let Some(target) = option.to.as_ref().and_then(|t| menu.lookup(&t.value)) else {
                continue;
            };
            let d = table.inputs[graph.vertex(target).index()];
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
