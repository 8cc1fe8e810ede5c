//! A menu and its intents compiled for the simulator: flat arrays of the numbers a call needs
//! (durations in seconds, targets as indices), so the per-call loop never looks at names.

use crate::callers::CallerModel;
use crate::intents::Intents;
use crate::menu::duration::seconds;
use crate::menu::graph::MenuGraph;
use crate::menu::model::ErrorHandler;
use crate::menu::{Menu, NodeId, NodeKind};

use crate::menu::routing::{Choice, Policy};

/// A target meaning "disconnect the call".
pub const DISCONNECT: u32 = u32::MAX;
/// A policy entry meaning "the caller hangs up here".
pub const HANG_UP: u16 = u16::MAX;

/// What happens when retries run out or a re-prompt plays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Handling {
    /// Seconds of the handler's `say`.
    pub say: f64,
    pub retries: u32,
    /// Where the call goes when retries run out ([`DISCONNECT`] for nowhere).
    pub then: u32,
}

/// One node, as the engine sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct SimNode {
    pub kind: NodeKind,
    /// Seconds of the node's own `say`.
    pub intro: f64,
    /// `intro` plus every option's `say`.
    pub full: f64,
    pub timeout: f64,
    /// Options: `listen[k]` = intro + opt(1..=k); `target[k]` the node index. A decision's
    /// branches take the same place, with their chance in `chances[k]`.
    pub options: std::ops::Range<u32>,
    /// `to` ([`DISCONNECT`] when absent).
    pub to: u32,
    /// Seconds to type the digits of an input node.
    pub typing: f64,
    pub invalid: Handling,
    pub no_input: Handling,
    /// Serves every caller (`"*"`).
    pub serves_everyone: bool,
    /// The intents it serves (indices), sorted.
    pub serves: Vec<u32>,
}

/// The text of an optional prompt.
fn say(s: &Option<crate::source::Spanned<String>>) -> Option<&str> {
    s.as_ref().map(|s| s.value.as_str())
}

/// The compiled menu, intents and caller parameters.
#[derive(Clone, Debug)]
pub struct Program {
    pub nodes: Vec<SimNode>,
    pub entry: u32,
    pub listen: Vec<f64>,
    pub targets: Vec<u32>,
    /// Beside `targets`: a decision branch's normalised share (0 for a menu option).
    pub chances: Vec<f64>,
    /// `policy[intent * menus + slot]`: the intended option index, or [`HANG_UP`], by menu slot
    /// (menus only, so the table of one intent is small and stays in cache).
    pub policy: Vec<u16>,
    /// Each node's slot among the menus (`u32::MAX` for other nodes).
    pub slots: Vec<u32>,
    /// Number of menu nodes.
    pub menus: usize,
    /// Normalised intent weights (shares), in file order.
    pub shares: Vec<f64>,
    pub intent_names: Vec<String>,
    pub callers: CallerModel,
    pub reaction_time: f64,
}

impl Program {
    /// Compiles a menu that has passed the structural checks (every target names a node).
    pub fn compile(menu: &Menu, intents: &Intents) -> Program {
        let graph = MenuGraph::build(menu);
        let policy = Policy::build(menu, &graph, intents);
        let speech = &menu.speech;
        let index = |name: Option<&str>| {
            name.and_then(|n| menu.lookup(n))
                .map_or(DISCONNECT, |id| id.0 as u32)
        };
        let intent_index = |name: &str| intents.index(name);
        let mut listen = Vec::new();
        let mut targets = Vec::new();
        let mut chances = Vec::new();
        let mut nodes = Vec::with_capacity(menu.nodes.len());
        for node in &menu.nodes {
            let intro = seconds(
                say(&node.say),
                node.duration.as_ref().map(|d| d.value),
                speech,
            );
            let start = listen.len() as u32;
            let mut heard = intro;
            for option in &node.options {
                heard += seconds(
                    say(&option.say),
                    option.duration.as_ref().map(|d| d.value),
                    speech,
                );
                listen.push(heard);
                targets.push(index(option.to.as_ref().map(|t| t.value.as_str())));
                chances.push(0.0);
            }
            let total: f64 = node.branches.iter().map(|b| b.share_value()).sum();
            for branch in &node.branches {
                listen.push(heard);
                targets.push(index(branch.to.as_ref().map(|t| t.value.as_str())));
                chances.push(if total > 0.0 {
                    branch.share_value() / total
                } else {
                    0.0
                });
            }
            let node_retries = node.retries.as_ref().map(|r| r.value);
            let handling = |h: &Option<ErrorHandler>| Handling {
                say: h
                    .as_ref()
                    .map_or(0.0, |h| seconds(say(&h.say), None, speech)),
                retries: h
                    .as_ref()
                    .and_then(|h| h.retries.as_ref().map(|r| r.value))
                    .or(node_retries)
                    .unwrap_or(menu.defaults.retries),
                then: index(
                    h.as_ref()
                        .and_then(|h| h.then.as_ref())
                        .or(menu.defaults.on_fail.as_ref())
                        .map(|t| t.value.as_str()),
                ),
            };
            let mut serves: Vec<u32> = node
                .serves()
                .filter_map(intent_index)
                .map(|i| i as u32)
                .collect();
            serves.sort_unstable();
            serves.dedup();
            nodes.push(SimNode {
                kind: node.kind,
                intro,
                full: heard,
                timeout: node
                    .timeout
                    .as_ref()
                    .map_or(menu.defaults.timeout, |t| t.value),
                options: start..listen.len() as u32,
                to: index(node.to.as_ref().map(|t| t.value.as_str())),
                typing: node.digits.as_ref().map_or(0.0, |d| d.value as f64)
                    * intents.callers.digit_time,
                invalid: handling(&node.on_invalid),
                no_input: handling(&node.on_no_input),
                serves_everyone: node.serves_everyone(),
                serves,
            });
        }
        let mut slots = vec![u32::MAX; nodes.len()];
        let menu_ids: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].kind == NodeKind::Menu)
            .collect();
        for (slot, &id) in menu_ids.iter().enumerate() {
            slots[id] = slot as u32;
        }
        let menus = menu_ids.len();
        let mut table = vec![HANG_UP; intents.intents.len() * menus];
        for i in 0..intents.intents.len() {
            for (slot, &id) in menu_ids.iter().enumerate() {
                if let Some((Choice::Option(k), _)) = policy.choice(i, NodeId(id)) {
                    table[i * menus + slot] = k as u16;
                }
            }
        }
        Program {
            nodes,
            entry: menu.entry_node().map_or(DISCONNECT, |e| e.0 as u32),
            listen,
            targets,
            chances,
            policy: table,
            slots,
            menus,
            shares: intents.intents.iter().map(|i| i.share).collect(),
            intent_names: intents
                .intents
                .iter()
                .map(|i| i.name.value.clone())
                .collect(),
            callers: intents.callers,
            reaction_time: menu.defaults.reaction_time,
        }
    }

    /// The intended option of an intent at a node ([`HANG_UP`] when it has none).
    #[inline]
    pub fn intended(&self, intent: usize, node: u32) -> u16 {
        match self.slots[node as usize] {
            u32::MAX => HANG_UP,
            slot => self.policy[intent * self.menus + slot as usize],
        }
    }

    /// Edges are numbered for the flow tallies: option `i` (its index in `targets`) is edge
    /// `i`; then each node has three: its `to`, its invalid handler's way out and its no-input
    /// handler's way out.
    pub fn edge_count(&self) -> usize {
        self.targets.len() + 3 * self.nodes.len()
    }

    #[inline]
    pub fn to_edge(&self, node: u32) -> u32 {
        (self.targets.len() + 3 * node as usize) as u32
    }

    #[inline]
    pub fn invalid_edge(&self, node: u32) -> u32 {
        self.to_edge(node) + 1
    }

    #[inline]
    pub fn no_input_edge(&self, node: u32) -> u32 {
        self.to_edge(node) + 2
    }

    pub fn serves(&self, node: &SimNode, intent: usize) -> bool {
        node.serves.binary_search(&(intent as u32)).is_ok()
    }
}
