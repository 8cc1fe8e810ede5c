//! One simulated call: a pure function of the compiled menu, the caller's intent and a random
//! stream. It follows the caller model ([`crate::callers`]) step by step and allocates nothing.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::menu::NodeKind;

use super::flow::{FlowObserver, NoFlow};
use super::program::{DISCONNECT, HANG_UP, Handling, MenuRates, Program};

/// How a call ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    SelfServed,
    Agent,
    Misrouted,
    Unresolved,
    Disconnected,
    Abandoned,
    Looped,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::SelfServed,
        Outcome::Agent,
        Outcome::Misrouted,
        Outcome::Unresolved,
        Outcome::Disconnected,
        Outcome::Abandoned,
        Outcome::Looped,
    ];

    /// The name used in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::SelfServed => "self_served",
            Outcome::Agent => "agent",
            Outcome::Misrouted => "misrouted",
            Outcome::Unresolved => "unresolved",
            Outcome::Disconnected => "disconnected",
            Outcome::Abandoned => "abandoned",
            Outcome::Looped => "looped",
        }
    }

    /// Whether the call reached a person (the calls `time_to_agent` is over).
    pub fn reached_agent(self) -> bool {
        matches!(self, Outcome::Agent | Outcome::Misrouted)
    }
}

/// What one call did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Call {
    pub outcome: Outcome,
    pub inputs: u32,
    /// Seconds.
    pub time: f64,
    /// The node the call ended at (the transfer node of an `agent` or `misrouted` call).
    pub node: u32,
    /// The caller group of the call (0 when the file names none).
    pub persona: u16,
    /// The caller picked an option of the wrong category at some menu (a confusion).
    pub confused: bool,
    /// At speech nodes: attempts recognised, rejected (asked to repeat) and misrecognised.
    pub speech: [u16; 3],
}

/// The visit cap: the call that would make visit 201 ends as `looped`.
pub const MAX_VISITS: u32 = 200;

/// The caller's state along the call.
struct Caller {
    time: f64,
    at: u32,
    inputs: u32,
    persona: u16,
    /// Heading for the intent's own nodes (0) or for a goal after a confusion.
    mode: u32,
    confused: bool,
    speech: [u16; 3],
    /// Remaining patience in seconds (infinite when callers never give up).
    patience: f64,
}

impl Caller {
    /// A navigation segment of `d` seconds: the caller hangs up if patience runs out first.
    #[inline]
    fn segment(&mut self, d: f64) -> bool {
        if self.patience < d {
            self.time += self.patience;
            return false;
        }
        self.patience -= d;
        self.time += d;
        true
    }

    fn end(&self, outcome: Outcome) -> Call {
        Call {
            outcome,
            inputs: self.inputs,
            time: self.time,
            node: self.at,
            persona: self.persona,
            confused: self.confused,
            speech: self.speech,
        }
    }
}

/// Where a menu or input visit leads.
enum Next {
    Node(u32),
    End(Outcome),
}

/// Simulates one call of the given intent.
pub fn simulate_call<R: Rng + ?Sized>(program: &Program, intent: usize, rng: &mut R) -> Call {
    simulate_call_observed(program, intent, rng, &mut NoFlow)
}

/// Simulates one call, telling `flow` where it goes (visits, edges, errors, where it ends).
/// With [`NoFlow`] the calls compile away and this is [`simulate_call`].
pub fn simulate_call_observed<R: Rng + ?Sized, F: FlowObserver>(
    program: &Program,
    intent: usize,
    rng: &mut R,
    flow: &mut F,
) -> Call {
    // A group is drawn only when the file names groups, so that files without them see the
    // random numbers they always did.
    let persona = if program.persona_mix.is_empty() {
        0
    } else {
        program.persona_of(intent, rng.random())
    };
    let callers = &program.personas[persona].callers;
    let patience = match callers.patience {
        Some(mean) => mean * Distribution::<f64>::sample(&Exp1, rng),
        None => f64::INFINITY,
    };
    let mut caller = Caller {
        time: 0.0,
        at: program.entry,
        inputs: 0,
        persona: persona as u16,
        mode: 0,
        confused: false,
        speech: [0; 3],
        patience,
    };
    let mut at = program.entry;
    // The node a call that is disconnected on its way out ends at (the entry when the menu
    // has none).
    let mut last = at;
    let mut visits = 1;
    let end = |caller: &Caller, flow: &mut F, node: u32, outcome: Outcome| {
        flow.end(node, outcome);
        caller.end(outcome)
    };
    loop {
        if at == DISCONNECT {
            return end(&caller, flow, last, Outcome::Disconnected);
        }
        flow.visit(at);
        let node = &program.nodes[at as usize];
        caller.at = at;
        caller.mode = program.arrive(at, caller.mode);
        let next = match node.kind {
            NodeKind::Menu => visit_menu(program, intent, at, &mut caller, rng, flow),
            NodeKind::Input => visit_input(program, at, &mut caller, rng, flow),
            NodeKind::Speech => visit_speech(program, intent, at, &mut caller, rng, flow),
            // A flow node passes the call on to the other file's node (its `to` once the
            // files are joined), like a message.
            NodeKind::Message | NodeKind::Flow => {
                if !caller.segment(node.intro) {
                    return end(&caller, flow, at, Outcome::Abandoned);
                }
                flow.edge(program.to_edge(at));
                Next::Node(node.to)
            }
            NodeKind::Decision => {
                if !caller.segment(node.intro) {
                    return end(&caller, flow, at, Outcome::Abandoned);
                }
                let edge = draw_branch(program, node.options.clone(), rng);
                flow.edge(edge);
                Next::Node(program.targets[edge as usize])
            }
            NodeKind::SelfService => {
                caller.time += node.intro;
                if program.serves(node, intent) {
                    return end(&caller, flow, at, Outcome::SelfServed);
                }
                if node.to == DISCONNECT {
                    return end(&caller, flow, at, Outcome::Unresolved);
                }
                flow.edge(program.to_edge(at));
                Next::Node(node.to)
            }
            NodeKind::Transfer => {
                caller.time += node.intro;
                let served = node.serves_everyone || program.serves(node, intent);
                let outcome = if served {
                    Outcome::Agent
                } else {
                    Outcome::Misrouted
                };
                return end(&caller, flow, at, outcome);
            }
            NodeKind::Hangup => {
                caller.time += node.intro;
                return end(&caller, flow, at, Outcome::Unresolved);
            }
        };
        match next {
            Next::End(outcome) => return end(&caller, flow, at, outcome),
            Next::Node(target) => {
                if visits == MAX_VISITS {
                    return end(&caller, flow, at, Outcome::Looped);
                }
                visits += 1;
                last = at;
                at = target;
            }
        }
    }
}

/// The branch a decision takes: drawn by the branches' chances (the last branch with a
/// positive chance takes what rounding leaves over).
fn draw_branch<R: Rng + ?Sized>(
    program: &Program,
    branches: std::ops::Range<u32>,
    rng: &mut R,
) -> u32 {
    let u: f64 = rng.random();
    let mut sum = 0.0;
    let mut last = branches.start;
    for i in branches {
        let chance = program.chances[i as usize];
        if chance > 0.0 {
            sum += chance;
            last = i;
            if u < sum {
                return i;
            }
        }
    }
    last
}

/// After a no-input or invalid event: re-prompt (`Ok(())`) or leave.
#[inline]
fn handle_error<F: FlowObserver>(
    handling: &Handling,
    edge: u32,
    used: &mut u32,
    caller: &mut Caller,
    flow: &mut F,
) -> Result<(), Next> {
    if *used < handling.retries {
        if !caller.segment(handling.say) {
            return Err(Next::End(Outcome::Abandoned));
        }
        *used += 1;
        return Ok(());
    }
    flow.edge(edge);
    Err(if handling.then == DISCONNECT {
        Next::End(Outcome::Disconnected)
    } else {
        Next::Node(handling.then)
    })
}

/// A caller who says nothing: they wait `waited` seconds (the prompt and the timeout), then the
/// node's no-input handler re-prompts them or ends the visit (`Err`).
fn on_silence<F: FlowObserver>(
    program: &Program,
    at: u32,
    waited: f64,
    used: &mut u32,
    caller: &mut Caller,
    flow: &mut F,
) -> Result<(), Next> {
    if !caller.segment(waited) {
        return Err(Next::End(Outcome::Abandoned));
    }
    flow.silence(at);
    let handling = &program.nodes[at as usize].no_input;
    handle_error(handling, program.no_input_edge(at), used, caller, flow)
}

/// An input the node does not take (its time already spent): the node's invalid-input handler
/// re-prompts the caller or ends the visit (`Err`).
fn on_invalid<F: FlowObserver>(
    program: &Program,
    at: u32,
    used: &mut u32,
    caller: &mut Caller,
    flow: &mut F,
) -> Result<(), Next> {
    flow.invalid(at);
    let handling = &program.nodes[at as usize].invalid;
    handle_error(handling, program.invalid_edge(at), used, caller, flow)
}

fn visit_menu<R: Rng + ?Sized, F: FlowObserver>(
    program: &Program,
    intent: usize,
    at: u32,
    caller: &mut Caller,
    rng: &mut R,
    flow: &mut F,
) -> Next {
    let node = &program.nodes[at as usize];
    let persona = caller.persona as usize;
    let (intended, mode) = program.intended_by(persona, intent, caller.mode, at);
    caller.mode = mode;
    if intended.option == HANG_UP {
        return Next::End(Outcome::Abandoned);
    }
    if intended.tried < 1.0 && rng.random::<f64>() >= intended.tried {
        return Next::End(Outcome::Abandoned);
    }
    let rates = program.menu_rates(caller.persona as usize, intent, mode, at, intended);
    let intended = intended.option as usize;
    let model = &program.personas[persona];
    let callers = &model.callers;
    let react = model.reaction_time;
    let options = node.options.start as usize..node.options.end as usize;
    let n = options.len();
    let listen = |k: usize| {
        if callers.barge_in {
            program.listen[options.start + k]
        } else {
            node.full
        }
    };
    let mut used = 0;
    loop {
        let u: f64 = rng.random();
        if u < callers.no_input_rate {
            let waited = node.full + node.timeout;
            if let Err(next) = on_silence(program, at, waited, &mut used, caller, flow) {
                return next;
            }
        } else if u < callers.no_input_rate + callers.invalid_rate {
            if !caller.segment(node.full + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            if let Err(next) = on_invalid(program, at, &mut used, caller, flow) {
                return next;
            }
        } else {
            let base = callers.no_input_rate + callers.invalid_rate;
            let chosen = if u < base + rates.confused() {
                caller.confused = true;
                let (k, after) =
                    pick_confusion(program, intent, at, intended, &rates, u - base, rng);
                caller.mode = after;
                k
            } else if u < base + rates.confused() + rates.slip {
                // A uniformly chosen option other than the intended one.
                let j = rng.random_range(0..n - 1);
                if j >= intended { j + 1 } else { j }
            } else {
                intended
            };
            if !caller.segment(listen(chosen) + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            flow.edge((options.start + chosen) as u32);
            return Next::Node(program.targets[options.start + chosen]);
        }
    }
}

/// The option a confused caller picks, and their mode after it, for `v` uniform in
/// `[0, rates.confused())`: the declared confusions in file order, then the menu-wide one
/// (uniform among the same-kind options).
fn pick_confusion<R: Rng + ?Sized>(
    program: &Program,
    intent: usize,
    at: u32,
    intended: usize,
    rates: &MenuRates,
    v: f64,
    rng: &mut R,
) -> (usize, u32) {
    let mut acc = 0.0;
    let mut last = None;
    for (k, p, after) in program.declared_confusions(intent, at, intended as u16) {
        acc += p;
        last = Some((k as usize, after));
        if v < acc {
            return (k as usize, after);
        }
    }
    if rates.same_kind > 0 {
        let j = rng.random_range(0..rates.same_kind);
        if let Some(k) = program.same_kind_options(at, intended as u16).nth(j) {
            return (k as usize, 0);
        }
    }
    // Rounding left `v` just above the declared total.
    last.unwrap_or((intended, 0))
}

fn visit_speech<R: Rng + ?Sized, F: FlowObserver>(
    program: &Program,
    intent: usize,
    at: u32,
    caller: &mut Caller,
    rng: &mut R,
    flow: &mut F,
) -> Next {
    let node = &program.nodes[at as usize];
    let callers = &program.personas[caller.persona as usize].callers;
    let ways = program.speech[at as usize]
        .as_ref()
        .map(|w| &w[intent])
        .expect("a speech node has its ways");
    // The caller describes their own need, whatever they were heading for.
    caller.mode = 0;
    let mut used = 0;
    loop {
        let u: f64 = rng.random();
        if u < callers.no_input_rate {
            let waited = node.full + node.timeout;
            if let Err(next) = on_silence(program, at, waited, &mut used, caller, flow) {
                return next;
            }
            continue;
        }
        if !caller.segment(node.full + callers.speak_time) {
            return Next::End(Outcome::Abandoned);
        }
        caller.inputs += 1;
        // The same draw, scaled to the callers who spoke.
        let v = (u - callers.no_input_rate) / (1.0 - callers.no_input_rate);
        let mut acc = 0.0;
        for &(k, p, recognised) in &ways.ways {
            acc += p;
            if v < acc {
                let kind = if recognised { 0 } else { 2 };
                caller.speech[kind] = caller.speech[kind].saturating_add(1);
                let i = node.options.start as usize + k as usize;
                flow.edge(i as u32);
                return Next::Node(program.targets[i]);
            }
        }
        caller.speech[1] = caller.speech[1].saturating_add(1);
        if let Err(next) = on_invalid(program, at, &mut used, caller, flow) {
            return next;
        }
    }
}

fn visit_input<R: Rng + ?Sized, F: FlowObserver>(
    program: &Program,
    at: u32,
    caller: &mut Caller,
    rng: &mut R,
    flow: &mut F,
) -> Next {
    let node = &program.nodes[at as usize];
    let model = &program.personas[caller.persona as usize];
    let callers = &model.callers;
    let react = model.reaction_time;
    let typing = program.typing(node, caller.persona as usize);
    let mut used = 0;
    loop {
        let u: f64 = rng.random();
        if u < callers.no_input_rate {
            let waited = node.intro + node.timeout;
            if let Err(next) = on_silence(program, at, waited, &mut used, caller, flow) {
                return next;
            }
        } else if u < callers.no_input_rate + callers.invalid_rate {
            if !caller.segment(node.intro + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            if let Err(next) = on_invalid(program, at, &mut used, caller, flow) {
                return next;
            }
        } else {
            if !caller.segment(node.intro + react + typing) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            flow.edge(program.to_edge(at));
            return Next::Node(node.to);
        }
    }
}
