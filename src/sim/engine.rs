//! One simulated call: a pure function of the compiled menu, the caller's intent and a random
//! stream. It follows the caller model ([`crate::callers`]) step by step and allocates nothing.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::menu::NodeKind;

use super::program::{DISCONNECT, HANG_UP, Handling, Program};

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
}

/// The visit cap: the call that would make visit 201 ends as `looped`.
pub const MAX_VISITS: u32 = 200;

/// The caller's state along the call.
struct Caller {
    time: f64,
    at: u32,
    inputs: u32,
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
    let callers = &program.callers;
    let patience = match callers.patience {
        Some(mean) => mean * Distribution::<f64>::sample(&Exp1, rng),
        None => f64::INFINITY,
    };
    let mut caller = Caller {
        time: 0.0,
        at: program.entry,
        inputs: 0,
        patience,
    };
    let mut at = program.entry;
    let mut visits = 1;
    loop {
        if at == DISCONNECT {
            return caller.end(Outcome::Disconnected);
        }
        let node = &program.nodes[at as usize];
        caller.at = at;
        let next = match node.kind {
            NodeKind::Menu => visit_menu(program, intent, at, &mut caller, rng),
            NodeKind::Input => visit_input(program, at, &mut caller, rng),
            NodeKind::Message => {
                if !caller.segment(node.intro) {
                    return caller.end(Outcome::Abandoned);
                }
                Next::Node(node.to)
            }
            NodeKind::SelfService => {
                caller.time += node.intro;
                if program.serves(node, intent) {
                    return caller.end(Outcome::SelfServed);
                }
                if node.to == DISCONNECT {
                    return caller.end(Outcome::Unresolved);
                }
                Next::Node(node.to)
            }
            NodeKind::Transfer => {
                caller.time += node.intro;
                let served = node.serves_everyone || program.serves(node, intent);
                return caller.end(if served {
                    Outcome::Agent
                } else {
                    Outcome::Misrouted
                });
            }
            NodeKind::Hangup => {
                caller.time += node.intro;
                return caller.end(Outcome::Unresolved);
            }
        };
        match next {
            Next::End(outcome) => return caller.end(outcome),
            Next::Node(target) => {
                if visits == MAX_VISITS {
                    return caller.end(Outcome::Looped);
                }
                visits += 1;
                at = target;
            }
        }
    }
}

/// After a no-input or invalid event: re-prompt (`Ok(())`) or leave.
#[inline]
fn handle_error(handling: &Handling, used: &mut u32, caller: &mut Caller) -> Result<(), Next> {
    if *used < handling.retries {
        if !caller.segment(handling.say) {
            return Err(Next::End(Outcome::Abandoned));
        }
        *used += 1;
        return Ok(());
    }
    Err(if handling.then == DISCONNECT {
        Next::End(Outcome::Disconnected)
    } else {
        Next::Node(handling.then)
    })
}

fn visit_menu<R: Rng + ?Sized>(
    program: &Program,
    intent: usize,
    at: u32,
    caller: &mut Caller,
    rng: &mut R,
) -> Next {
    let node = &program.nodes[at as usize];
    let intended = program.intended(intent, at);
    if intended == HANG_UP {
        return Next::End(Outcome::Abandoned);
    }
    let callers = &program.callers;
    let react = program.reaction_time;
    let options = node.options.start as usize..node.options.end as usize;
    let n = options.len();
    let mistake_rate = callers.mistake_rate_at(n);
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
            if !caller.segment(node.full + node.timeout) {
                return Next::End(Outcome::Abandoned);
            }
            if let Err(next) = handle_error(&node.no_input, &mut used, caller) {
                return next;
            }
        } else if u < callers.no_input_rate + callers.invalid_rate {
            if !caller.segment(node.full + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            if let Err(next) = handle_error(&node.invalid, &mut used, caller) {
                return next;
            }
        } else {
            let chosen = if u < callers.no_input_rate + callers.invalid_rate + mistake_rate {
                // A uniformly chosen option other than the intended one.
                let j = rng.random_range(0..n - 1);
                if j >= intended as usize { j + 1 } else { j }
            } else {
                intended as usize
            };
            if !caller.segment(listen(chosen) + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            return Next::Node(program.targets[options.start + chosen]);
        }
    }
}

fn visit_input<R: Rng + ?Sized>(
    program: &Program,
    at: u32,
    caller: &mut Caller,
    rng: &mut R,
) -> Next {
    let node = &program.nodes[at as usize];
    let callers = &program.callers;
    let react = program.reaction_time;
    let mut used = 0;
    loop {
        let u: f64 = rng.random();
        if u < callers.no_input_rate {
            if !caller.segment(node.intro + node.timeout) {
                return Next::End(Outcome::Abandoned);
            }
            if let Err(next) = handle_error(&node.no_input, &mut used, caller) {
                return next;
            }
        } else if u < callers.no_input_rate + callers.invalid_rate {
            if !caller.segment(node.intro + react) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            if let Err(next) = handle_error(&node.invalid, &mut used, caller) {
                return next;
            }
        } else {
            if !caller.segment(node.intro + react + node.typing) {
                return Next::End(Outcome::Abandoned);
            }
            caller.inputs += 1;
            return Next::Node(node.to);
        }
    }
}
