//! A menu and its intents compiled for the simulator: flat arrays of the numbers a call needs
//! (durations in seconds, targets as indices), so the per-call loop never looks at names.

use crate::callers::CallerModel;
use crate::intents::Intents;
use crate::menu::duration::seconds;
use crate::menu::graph::MenuGraph;
use crate::menu::keys::announced;
use crate::menu::model::ErrorHandler;
use crate::menu::{Menu, NodeId, NodeKind};

use crate::menu::routing::{Choice, Policy, Route};

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
    /// Seconds to type the digits of an input node (at the file's `callers.digit_time`).
    pub typing: f64,
    /// The digits of an input node (a caller group types them at its own `digit_time`).
    pub digits: f64,
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
    /// The caller groups (one, the file's `callers`, when it names none); each call belongs to
    /// one of them.
    pub personas: Vec<PersonaModel>,
    /// `persona_mix[intent]`: the chance of each group among that intent's callers (empty when
    /// the file names no groups: every call is of group 0, and none is drawn).
    pub persona_mix: Vec<Vec<f64>>,
    /// Whether each policy entry heads for a node serving the intent (not a fallback).
    pub served: Vec<bool>,
    /// The policy of callers who choose announced options only (empty when no group does),
    /// laid out as `policy`, with its `served`.
    pub announced_policy: Vec<u16>,
    pub announced_served: Vec<bool>,
    /// Per menu slot: the option with key 0 ([`HANG_UP`] when there is none).
    pub zero_key: Vec<u16>,
    /// The nodes intents are confused with (`confused_with`), each a goal callers may head
    /// for instead; `goal_policy[goal * menus + slot]` is the option towards it.
    pub goals: Vec<u32>,
    pub goal_policy: Vec<u16>,
    /// `confused_with[intent]`: (goal, probability), in file order.
    pub confused_with: Vec<Vec<(u32, f64)>>,
    /// Per node, for speech nodes only: each intent's ways out ([`SpeechWays`]).
    pub speech: Vec<Option<Vec<SpeechWays>>>,
}

/// Where the callers of one intent go at a speech node, once they have spoken: each route
/// (option index) with its chance; the rest are asked to repeat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeechWays {
    /// (option, chance, recognised): recognised ways reach the intent's own route (or `"*"`);
    /// the others are misrecognitions.
    pub ways: Vec<(u16, f64, bool)>,
}

impl SpeechWays {
    /// The chance a caller who spoke is asked to repeat.
    pub fn rejected(&self) -> f64 {
        (1.0 - self.ways.iter().map(|w| w.1).sum::<f64>()).max(0.0)
    }

    /// Whether a program has speech nodes (whose figures the reports then give).
    pub fn any(program: &Program) -> bool {
        program.speech.iter().any(Option::is_some)
    }
}

/// Default `reject_rate` and `accuracy` of a speech node.
pub const DEFAULT_REJECT_RATE: f64 = 0.1;
pub const DEFAULT_ACCURACY: f64 = 0.9;

/// The ways out of speech node `node` for each intent: rejected with `reject_rate`; else routed
/// to the intent's own route (or `"*"`) with `accuracy`, and otherwise to another intent's
/// route in proportion to the intents' shares (to `"*"` when no other intent is named). A
/// caller the recogniser has nowhere to send is asked to repeat.
pub fn speech_ways(node: &crate::menu::Node, intents: &Intents) -> Vec<SpeechWays> {
    let reject = node
        .reject_rate
        .as_ref()
        .map_or(DEFAULT_REJECT_RATE, |r| r.value);
    let accuracy = node.accuracy.as_ref().map_or(DEFAULT_ACCURACY, |a| a.value);
    let route = |name: &str| node.options.iter().position(|o| o.key_text() == name);
    let star = route("*");
    intents
        .intents
        .iter()
        .map(|intent| {
            let own = route(&intent.name.value).or(star);
            let others: Vec<(u16, f64)> = node
                .options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.key_text() != intent.name.value)
                .filter_map(|(k, o)| {
                    let share = intents.get(o.key_text())?.share;
                    (share > 0.0).then_some((k as u16, share))
                })
                .collect();
            let total: f64 = others.iter().map(|o| o.1).sum();
            let spoken = 1.0 - reject;
            let mut ways: Vec<(u16, f64, bool)> = Vec::new();
            let mut add = |k: usize, p: f64, recognised: bool| {
                if p <= 0.0 {
                    return;
                }
                match ways
                    .iter_mut()
                    .find(|w| w.0 as usize == k && w.2 == recognised)
                {
                    Some(w) => w.1 += p,
                    None => ways.push((k as u16, p, recognised)),
                }
            };
            if let Some(k) = own {
                add(k, spoken * accuracy, true);
            }
            let wrong = spoken * (1.0 - accuracy);
            if total > 0.0 {
                for &(k, share) in &others {
                    add(k as usize, wrong * share / total, false);
                }
            } else if let Some(k) = star.or(own) {
                add(k, wrong, false);
            }
            SpeechWays { ways }
        })
        .collect()
}

/// The chances of one attempt at a menu beyond silence and invalid keys.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MenuRates {
    /// Declared confusions (`confused_with`) that apply here, summed.
    pub declared: f64,
    /// The menu-wide `confusion`, when it applies here.
    pub wide: f64,
    /// How many options the menu-wide confusion picks among.
    pub same_kind: usize,
    /// A wrong option chosen uniformly among the others.
    pub slip: f64,
}

impl MenuRates {
    /// Every confusion's chance.
    #[inline]
    pub fn confused(&self) -> f64 {
        self.declared + self.wide
    }
}

/// One caller group as the engine sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonaModel {
    pub name: String,
    pub callers: CallerModel,
    /// Seconds to react once the option is heard.
    pub reaction_time: f64,
}

/// How a caller picks at a menu visit: the intended option (or [`HANG_UP`]), whether it
/// heads for a node serving the intent (so confusions apply), and the chance the caller
/// tries it at all (below 1 only for key 0 tried by a caller with no announced route).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Intended {
    pub option: u16,
    pub served: bool,
    pub tried: f64,
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
                digits: node.digits.as_ref().map_or(0.0, |d| d.value as f64),
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
        let table_of = |policy: &Policy, rows: usize| {
            let mut table = vec![HANG_UP; rows * menus];
            let mut served = vec![false; rows * menus];
            for i in 0..rows {
                for (slot, &id) in menu_ids.iter().enumerate() {
                    if let Some((Choice::Option(k), route)) = policy.choice(i, NodeId(id)) {
                        table[i * menus + slot] = k as u16;
                        served[i * menus + slot] = route == Route::Served;
                    }
                }
            }
            (table, served)
        };
        let (table, served) = table_of(&policy, intents.intents.len());
        let personas: Vec<PersonaModel> = if intents.personas.is_empty() {
            vec![PersonaModel {
                name: String::new(),
                callers: intents.callers,
                reaction_time: intents
                    .callers
                    .reaction_time
                    .unwrap_or(menu.defaults.reaction_time),
            }]
        } else {
            intents
                .personas
                .iter()
                .map(|p| PersonaModel {
                    name: p.name.value.clone(),
                    callers: p.callers,
                    reaction_time: p
                        .callers
                        .reaction_time
                        .unwrap_or(menu.defaults.reaction_time),
                })
                .collect()
        };
        let persona_mix = if intents.personas.is_empty() {
            Vec::new()
        } else {
            intents
                .intents
                .iter()
                .map(|intent| {
                    let weights: Vec<f64> = if intent.personas.is_empty() {
                        intents.personas.iter().map(|p| p.share).collect()
                    } else {
                        intents
                            .personas
                            .iter()
                            .map(|p| {
                                intent
                                    .personas
                                    .iter()
                                    .filter(|(n, _)| n.value == p.name.value)
                                    .map(|(_, w)| w.value)
                                    .sum()
                            })
                            .collect()
                    };
                    let total: f64 = weights.iter().sum();
                    weights.iter().map(|w| w / total).collect()
                })
                .collect()
        };
        let (announced_policy, announced_served) =
            if personas.iter().any(|p| !p.callers.use_unannounced) {
                let allowed: Vec<Vec<bool>> = menu.nodes.iter().map(announced).collect();
                let names: Vec<&str> = intents
                    .intents
                    .iter()
                    .map(|i| i.name.value.as_str())
                    .collect();
                let filtered = Policy::for_intents_choosing(menu, &graph, &names, Some(&allowed));
                table_of(&filtered, names.len())
            } else {
                (Vec::new(), Vec::new())
            };
        let zero_key = menu_ids
            .iter()
            .map(|&id| {
                menu.nodes[id]
                    .options
                    .iter()
                    .position(|o| o.key_text() == "0")
                    .map_or(HANG_UP, |k| k as u16)
            })
            .collect();
        let mut goals: Vec<u32> = Vec::new();
        let confused_with = intents
            .intents
            .iter()
            .map(|intent| {
                intent
                    .confused_with
                    .iter()
                    .filter_map(|(name, p)| {
                        let node = menu.lookup(&name.value)?.0 as u32;
                        let goal = goals.iter().position(|&g| g == node).unwrap_or_else(|| {
                            goals.push(node);
                            goals.len() - 1
                        });
                        Some((goal as u32, p.value))
                    })
                    .collect()
            })
            .collect();
        let speech = menu
            .nodes
            .iter()
            .map(|n| (n.kind == NodeKind::Speech).then(|| speech_ways(n, intents)))
            .collect();
        let goal_ids: Vec<NodeId> = goals.iter().map(|&g| NodeId(g as usize)).collect();
        let (goal_policy, _) = table_of(&Policy::for_nodes(menu, &graph, &goal_ids), goals.len());
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
            reaction_time: personas[0].reaction_time,
            personas,
            persona_mix,
            served,
            announced_policy,
            announced_served,
            zero_key,
            goals,
            goal_policy,
            confused_with,
            speech,
        }
    }

    /// Whether any caller can be confused (declared confusions, or a group's `confusion`).
    pub fn can_confuse(&self) -> bool {
        !self.goals.is_empty() || self.personas.iter().any(|p| p.callers.confusion > 0.0)
    }

    /// The number of caller states per node: heading for the intent's own nodes (mode 0) or,
    /// after a confusion, for one of the [`Program::goals`] (mode `1 + goal`).
    pub fn modes(&self) -> usize {
        1 + self.goals.len()
    }

    /// The mode of a caller arriving at `node` in `mode`: a caller heading for a goal is done
    /// with it on arriving there, and heads for their own intent again.
    #[inline]
    pub fn arrive(&self, node: u32, mode: u32) -> u32 {
        if mode > 0 && self.goals[mode as usize - 1] == node {
            0
        } else {
            mode
        }
    }

    /// What a caller of `persona` and `intent` in `mode` heads for at menu `at`. A caller
    /// heading for a goal they cannot reach from here heads for their own intent again
    /// (the returned mode).
    #[inline]
    pub fn intended_by(
        &self,
        persona: usize,
        intent: usize,
        mode: u32,
        at: u32,
    ) -> (Intended, u32) {
        let slot = self.slots[at as usize];
        if slot == u32::MAX {
            let none = Intended {
                option: HANG_UP,
                served: false,
                tried: 1.0,
            };
            return (none, mode);
        }
        let slot = slot as usize;
        if mode > 0 {
            let k = self.goal_policy[(mode as usize - 1) * self.menus + slot];
            if k != HANG_UP {
                let goal = Intended {
                    option: k,
                    served: false,
                    tried: 1.0,
                };
                return (goal, mode);
            }
        }
        let callers = &self.personas[persona].callers;
        let entry = intent * self.menus + slot;
        if callers.use_unannounced {
            let intended = Intended {
                option: self.policy[entry],
                served: self.served[entry],
                tried: 1.0,
            };
            return (intended, 0);
        }
        let k = self.announced_policy[entry];
        if k != HANG_UP {
            let intended = Intended {
                option: k,
                served: self.announced_served[entry],
                tried: 1.0,
            };
            return (intended, 0);
        }
        // No announced route: some callers try key 0 for a person.
        let zero = self.zero_key[slot];
        let intended = Intended {
            option: zero,
            served: false,
            tried: if zero == HANG_UP {
                1.0
            } else {
                callers.zero_out
            },
        };
        (intended, 0)
    }

    /// The declared confusions at menu `at` for a caller of `intent` heading for option
    /// `intended` of its serving nodes: (option, probability, mode after), for each
    /// `confused_with` entry whose option differs from the intended one.
    pub fn declared_confusions(
        &self,
        intent: usize,
        at: u32,
        intended: u16,
    ) -> impl Iterator<Item = (u16, f64, u32)> + '_ {
        let slot = self.slots[at as usize] as usize;
        self.confused_with[intent]
            .iter()
            .filter_map(move |&(goal, p)| {
                let k = self.goal_policy[goal as usize * self.menus + slot];
                (k != HANG_UP && k != intended).then_some((k, p, goal + 1))
            })
    }

    /// The options a caller confused about categories may pick at menu `at` instead of
    /// `intended`: the others leading to a node of the same kind as the intended one's target
    /// (at a menu of 3 or more options).
    pub fn same_kind_options(&self, at: u32, intended: u16) -> impl Iterator<Item = u16> + '_ {
        let node = &self.nodes[at as usize];
        let start = node.options.start as usize;
        let n = node.options.len();
        let kind_of = move |k: usize| {
            let t = self.targets[start + k];
            (t != DISCONNECT).then(|| self.nodes[t as usize].kind)
        };
        let wanted = if n >= 3 && (intended as usize) < n {
            kind_of(intended as usize)
        } else {
            None
        };
        (0..n)
            .filter(move |&k| wanted.is_some() && k != intended as usize && kind_of(k) == wanted)
            .map(|k| k as u16)
    }

    /// The chances of an attempt at menu `at` by a caller of `persona` and `intent` in
    /// `mode` heading for `intended` (as [`Program::intended_by`] gives it). Declared confusions apply to callers heading for
    /// their intent's serving nodes; the menu-wide `confusion` to callers of intents that
    /// declare none (declared records replace the guess), where a same-kind option exists.
    #[inline]
    pub fn menu_rates(
        &self,
        persona: usize,
        intent: usize,
        mode: u32,
        at: u32,
        intended: Intended,
    ) -> MenuRates {
        let callers = &self.personas[persona].callers;
        let n = self.nodes[at as usize].options.len();
        if self.goals.is_empty() && callers.confusion <= 0.0 {
            // Nobody can be confused (no intent declares a confusion the menu has): the
            // common case, spared the search for confusions at every menu visit.
            return MenuRates {
                declared: 0.0,
                wide: 0.0,
                same_kind: 0,
                slip: callers.slip_rate_at(n, 0.0),
            };
        }
        let served = mode == 0 && intended.served;
        let intended = intended.option;
        let declared: f64 = if served {
            self.declared_confusions(intent, at, intended)
                .map(|(_, p, _)| p)
                .sum()
        } else {
            0.0
        };
        let (wide, same_kind) =
            if mode == 0 && self.confused_with[intent].is_empty() && callers.confusion > 0.0 {
                let count = self.same_kind_options(at, intended).count();
                (if count > 0 { callers.confusion } else { 0.0 }, count)
            } else {
                (0.0, 0)
            };
        MenuRates {
            declared,
            wide,
            same_kind,
            slip: callers.slip_rate_at(n, declared + wide),
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

    /// Seconds a caller of `persona` takes to type the digits of input node `node`.
    #[inline]
    pub fn typing(&self, node: &SimNode, persona: usize) -> f64 {
        if self.persona_mix.is_empty() {
            node.typing
        } else {
            node.digits * self.personas[persona].callers.digit_time
        }
    }

    /// Draws the caller group of a call of `intent` from `u` in [0, 1).
    pub fn persona_of(&self, intent: usize, u: f64) -> usize {
        let mix = &self.persona_mix[intent];
        let mut acc = 0.0;
        for (k, &p) in mix.iter().enumerate() {
            acc += p;
            if u < acc && p > 0.0 {
                return k;
            }
        }
        mix.iter().rposition(|&p| p > 0.0).unwrap_or(0)
    }

    pub fn serves(&self, node: &SimNode, intent: usize) -> bool {
        node.serves.binary_search(&(intent as u32)).is_ok()
    }
}
