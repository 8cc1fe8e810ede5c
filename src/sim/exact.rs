//! The exact solver: the caller model as an absorbing Markov chain with rewards, per intent.
//!
//! Within one visit to a menu or input node, the re-prompt states (node, re-prompts used) form
//! a chain that only moves forward, so a visit is summed up in closed form: for every way out
//! of the visit (an option's target, a `then`, an outcome) its probability and the expected
//! seconds and inputs spent in the visit on that way. Between visits the chain runs over the
//! nodes; its absorption probabilities and expected rewards solve `x = b + P x`, which we solve
//! by Gauss-Seidel sweeps ordered from the leaves up (a tree menu converges in a few sweeps,
//! since only back options, mistakes and `then` edges lead upwards) to full double precision.
//! Exponential patience is memoryless: a navigation segment of `d` seconds ends in abandonment
//! with probability `1 - exp(-d / patience)` and adds `patience * (1 - exp(-d / patience))`
//! seconds on average.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::menu::NodeKind;

use super::engine::Outcome;
use super::program::{DISCONNECT, HANG_UP, Handling, Program};
use super::report::{Distribution, Figures, IntentFigures, PerOutcome, SimReport, SpeechFigures};

/// Where a visit leads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Exit {
    Node(u32),
    End(Outcome),
}

/// One way out of a visit: its probability and the expected seconds and inputs spent in the
/// visit on that way, each times the probability (`E[x · 1{exit}]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Way {
    pub(super) exit: Exit,
    /// The edge taken (numbered as [`Program::edge_count`] says), or [`NO_EDGE`].
    pub(super) edge: u32,
    pub(super) p: f64,
    time: f64,
    inputs: f64,
    /// The way follows a confusion (the caller picked a wrong category in this visit).
    confused: bool,
}

/// A way out of a visit along no edge (the call ends in the node).
pub(super) const NO_EDGE: u32 = u32::MAX;

/// The exact figures of one intent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExactIntent {
    pub outcomes: [f64; 7],
    pub inputs: f64,
    pub time: f64,
    /// `E[time · 1{agent or misrouted}]`.
    pub time_to_agent_mass: f64,
    /// The chance the call follows a confusion somewhere.
    pub confused: f64,
    /// Expected speech attempts recognised, rejected and misrecognised per call.
    pub speech: [f64; 3],
}

/// Why the exact solver cannot answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ExactError {
    /// Callers of this intent can get into these nodes and never reach an outcome.
    TrapLoop { intent: String, nodes: Vec<u32> },
    /// The sweeps did not settle (a loop callers leave with vanishing probability) within the
    /// limit named: [`MAX_SWEEPS`] for one intent, or [`MAX_SWEEP_WORK`] for the whole report.
    NoConvergence { intent: String, limit: &'static str },
}

/// Most Gauss-Seidel sweeps for one intent.
pub const MAX_SWEEPS: usize = 200_000;

/// Most updates of a way out of a visit, summed over the sweeps of every intent of one report
/// (seconds of work; the example menus need under a hundredth of it): a long loop that callers
/// leave with a small probability would otherwise take hours to settle.
pub const MAX_SWEEP_WORK: u64 = 200_000_000;

/// Accumulates the ways out of a visit.
pub(super) struct Visit<'a> {
    program: &'a Program,
    /// The caller's group.
    persona: usize,
    /// Whether the ways added now follow a confusion.
    confusing: bool,
    pub(super) ways: Vec<Way>,
    /// Expected invalid keys and silences (timeouts) in the visit.
    pub(super) invalid: f64,
    pub(super) silent: f64,
    /// At a speech node: expected attempts recognised, rejected and misrecognised.
    pub(super) speech: [f64; 3],
    /// The choices of a menu or input visit (kept to be reused by the next visit).
    choices: Vec<Choice>,
}

/// A choice in a menu or input visit: (target, mode after, edge, probability of the choice,
/// seconds of its segment, confused, and at a speech node which attempts it counts:
/// 1 recognised, 2 misrecognised, else 0).
type Choice = (u32, u32, u32, f64, f64, bool, usize);

impl<'a> Visit<'a> {
    /// An empty visit by a caller of group `persona`.
    fn new(program: &'a Program, persona: usize) -> Self {
        Visit {
            program,
            persona,
            confusing: false,
            ways: Vec::with_capacity(8),
            invalid: 0.0,
            silent: 0.0,
            speech: [0.0; 3],
            choices: Vec::new(),
        }
    }
}

impl Visit<'_> {
    fn add(&mut self, exit: Exit, p: f64, time: f64, inputs: f64) {
        self.add_along(exit, NO_EDGE, p, time, inputs);
    }

    fn add_along(&mut self, exit: Exit, edge: u32, p: f64, time: f64, inputs: f64) {
        if p <= 0.0 {
            return;
        }
        let confused = self.confusing;
        if let Some(w) = self
            .ways
            .iter_mut()
            .find(|w| w.exit == exit && w.edge == edge && w.confused == confused)
        {
            w.p += p;
            w.time += time;
            w.inputs += inputs;
        } else {
            self.ways.push(Way {
                exit,
                edge,
                p,
                time,
                inputs,
                confused,
            });
        }
    }

    /// A navigation segment of `d` seconds, entered with probability `p` carrying `time` and
    /// `inputs` (both already multiplied by `p`): returns the continuing (p, time, inputs) and
    /// records the abandoning part. `counts` says whether finishing it counts one input.
    fn segment(
        &mut self,
        (p, time, inputs): (f64, f64, f64),
        d: f64,
        counts: bool,
    ) -> (f64, f64, f64) {
        let (stay, mean) = match self.program.personas[self.persona].callers.patience {
            Some(patience) if d > 0.0 => {
                let stay = (-d / patience).exp();
                (stay, patience * (1.0 - stay))
            }
            _ => (1.0, d),
        };
        // Continuing: time grows by d; abandoning: by E[R | R < d] on average.
        let abandon_time = mean - d * stay;
        self.add(
            Exit::End(Outcome::Abandoned),
            p * (1.0 - stay),
            time * (1.0 - stay) + p * abandon_time,
            inputs * (1.0 - stay),
        );
        let add_input = if counts { 1.0 } else { 0.0 };
        (
            p * stay,
            time * stay + p * d * stay,
            inputs * stay + p * add_input * stay,
        )
    }

    /// Goes to node `target` in `mode` (the caller state: node `target + mode * nodes`).
    fn go(&mut self, target: u32, mode: u32, edge: u32, (p, time, inputs): (f64, f64, f64)) {
        let exit = if target == DISCONNECT {
            Exit::End(Outcome::Disconnected)
        } else {
            let mode = self.program.arrive(target, mode);
            Exit::Node(target + mode * self.program.nodes.len() as u32)
        };
        self.add_along(exit, edge, p, time, inputs);
    }
}

/// Who is calling: the intent and the caller group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Who {
    pub(super) intent: usize,
    pub(super) persona: usize,
}

/// A visit in caller state `state` (node `state % nodes`, mode `state / nodes`) by `who`: its
/// ways out, and its expected invalid keys and silences.
pub(super) fn visit_summary(program: &Program, who: Who, state: u32) -> Visit<'_> {
    let mut v = Visit::new(program, who.persona);
    fill_visit(&mut v, who.intent, state);
    v
}

/// Makes `v` (a visit by a caller of its group and `intent`) the visit in caller state `state`,
/// reusing its buffers.
fn fill_visit(v: &mut Visit<'_>, intent: usize, state: u32) {
    let program = v.program;
    let nodes = program.nodes.len() as u32;
    let (at, mode) = (state % nodes, state / nodes);
    let node = &program.nodes[at as usize];
    v.confusing = false;
    v.ways.clear();
    v.invalid = 0.0;
    v.silent = 0.0;
    v.speech = [0.0; 3];
    let start = (1.0, 0.0, 0.0);
    match node.kind {
        NodeKind::Message | NodeKind::Flow => {
            let cont = v.segment(start, node.intro, false);
            v.go(node.to, mode, program.to_edge(at), cont);
        }
        NodeKind::Decision => {
            let (p, time, inputs) = v.segment(start, node.intro, false);
            for i in node.options.clone() {
                let chance = program.chances[i as usize];
                if chance > 0.0 {
                    let along = (p * chance, time * chance, inputs * chance);
                    v.go(program.targets[i as usize], mode, i, along);
                }
            }
        }
        NodeKind::SelfService => {
            if program.serves(node, intent) {
                v.add(Exit::End(Outcome::SelfServed), 1.0, node.intro, 0.0);
            } else if node.to == DISCONNECT {
                v.add(Exit::End(Outcome::Unresolved), 1.0, node.intro, 0.0);
            } else {
                v.go(node.to, mode, program.to_edge(at), (1.0, node.intro, 0.0));
            }
        }
        NodeKind::Transfer => {
            let served = node.serves_everyone || program.serves(node, intent);
            v.add(
                Exit::End(if served {
                    Outcome::Agent
                } else {
                    Outcome::Misrouted
                }),
                1.0,
                node.intro,
                0.0,
            );
        }
        NodeKind::Hangup => v.add(Exit::End(Outcome::Unresolved), 1.0, node.intro, 0.0),
        NodeKind::Menu | NodeKind::Input | NodeKind::Speech => prompts(v, node, intent, at, mode),
    }
}

/// A menu or input visit: attempts with re-prompts, in closed form over the re-prompt count.
fn prompts(v: &mut Visit<'_>, node: &super::program::SimNode, intent: usize, at: u32, mode: u32) {
    let program = v.program;
    let model = &program.personas[v.persona];
    let callers = model.callers;
    let react = model.reaction_time;
    let is_menu = node.kind == NodeKind::Menu;
    let mut choices = std::mem::take(&mut v.choices);
    choices.clear();
    let chosen_rate = 1.0 - callers.no_input_rate - callers.invalid_rate;
    let full = node.full;
    // The share of visits in which the caller tries at all (key 0 tried by some callers with
    // no announced route; the others hang up).
    let mut tried = 1.0;
    let mut mode = mode;
    if is_menu {
        let (intended, after) = program.intended_by(v.persona, intent, mode, at);
        mode = after;
        if intended.option == HANG_UP {
            v.add(Exit::End(Outcome::Abandoned), 1.0, 0.0, 0.0);
            v.choices = choices;
            return;
        }
        if intended.tried < 1.0 {
            v.add(
                Exit::End(Outcome::Abandoned),
                1.0 - intended.tried,
                0.0,
                0.0,
            );
            tried = intended.tried;
        }
        let rates = program.menu_rates(v.persona, intent, mode, at, intended);
        let intended = intended.option as usize;
        let range = node.options.start as usize..node.options.end as usize;
        let n = range.len();
        let listen = |i: usize| {
            if callers.barge_in {
                program.listen[i]
            } else {
                full
            }
        };
        for (k, i) in range.clone().enumerate() {
            let p = if k == intended {
                chosen_rate - rates.confused() - rates.slip
            } else {
                rates.slip / (n - 1) as f64
            };
            choices.push((
                program.targets[i],
                mode,
                i as u32,
                p,
                listen(i) + react,
                false,
                0,
            ));
        }
        let declared = program
            .declared_confusions(intent, at, intended as u16)
            .filter(|_| rates.declared > 0.0);
        for (k, p, after) in declared {
            let i = range.start + k as usize;
            choices.push((
                program.targets[i],
                after,
                i as u32,
                p,
                listen(i) + react,
                true,
                0,
            ));
        }
        if rates.wide > 0.0 {
            let each = rates.wide / rates.same_kind as f64;
            for k in program.same_kind_options(at, intended as u16) {
                let i = range.start + k as usize;
                choices.push((
                    program.targets[i],
                    mode,
                    i as u32,
                    each,
                    listen(i) + react,
                    true,
                    0,
                ));
            }
        }
    } else if node.kind == NodeKind::Speech {
        // The caller describes their own need, whatever they were heading for.
        mode = 0;
        let ways = &program.speech[at as usize].as_ref().expect("speech ways")[intent];
        let spoke = 1.0 - callers.no_input_rate;
        for &(k, p, recognised) in &ways.ways {
            let i = node.options.start as usize + k as usize;
            choices.push((
                program.targets[i],
                mode,
                i as u32,
                spoke * p,
                full + callers.speak_time,
                false,
                if recognised { 1 } else { 2 },
            ));
        }
    } else {
        choices.push((
            node.to,
            mode,
            program.to_edge(at),
            chosen_rate,
            node.intro + react + program.typing(node, v.persona),
            false,
            0,
        ));
    }
    // At a speech node an "invalid" attempt is a caller asked to repeat after speaking.
    let (invalid_rate, invalid_time) = match &program.speech[at as usize] {
        Some(ways) => (
            (1.0 - callers.no_input_rate) * ways[intent].rejected(),
            full + callers.speak_time,
        ),
        None => (callers.invalid_rate, full + react),
    };
    let max_retries = node.invalid.retries.max(node.no_input.retries);
    let mut state = (tried, 0.0, 0.0);
    for used in 0..=max_retries {
        if state.0 <= 0.0 {
            break;
        }
        let scale = |s: (f64, f64, f64), f: f64| (s.0 * f, s.1 * f, s.2 * f);
        for &(target, after, edge, p, d, confused, heard) in &choices {
            v.confusing = confused;
            let cont = v.segment(scale(state, p), d, true);
            if heard > 0 {
                v.speech[if heard == 1 { 0 } else { 2 }] += cont.0;
            }
            v.go(target, after, edge, cont);
            v.confusing = false;
        }
        let mut next = (0.0, 0.0, 0.0);
        let events: [(f64, f64, bool, &Handling, u32); 2] = [
            (
                callers.no_input_rate,
                full + node.timeout,
                false,
                &node.no_input,
                program.no_input_edge(at),
            ),
            (
                invalid_rate,
                invalid_time,
                true,
                &node.invalid,
                program.invalid_edge(at),
            ),
        ];
        for (rate, d, counts, handling, edge) in events {
            let after = v.segment(scale(state, rate), d, counts);
            if counts {
                v.invalid += after.0;
            } else {
                v.silent += after.0;
            }
            if used < handling.retries {
                let again = v.segment(after, handling.say, false);
                next = (next.0 + again.0, next.1 + again.1, next.2 + again.2);
            } else {
                v.go(handling.then, mode, edge, after);
            }
        }
        state = next;
    }
    if node.kind == NodeKind::Speech {
        // A rejected attempt is the speech node's "invalid" one.
        v.speech[1] = v.invalid;
    }
    v.choices = choices;
}

/// Solves one intent (its caller groups mixed by the intent's shares of them).
pub fn solve_intent(program: &Program, intent: usize) -> Result<ExactIntent, ExactError> {
    let budget = AtomicU64::new(MAX_SWEEP_WORK);
    solve_intent_within(program, intent, &budget)
}

/// Solves one intent with at most `budget` way updates, and takes those it used from it.
fn solve_intent_within(
    program: &Program,
    intent: usize,
    budget: &AtomicU64,
) -> Result<ExactIntent, ExactError> {
    Ok(mix_personas(
        program,
        intent,
        &solve_personas(program, intent, budget, &mut Workspace::default())?,
    ))
}

/// Each caller group's figures for one intent (one entry when the file names no groups;
/// groups the intent has no callers of are left at zero).
fn solve_personas(
    program: &Program,
    intent: usize,
    budget: &AtomicU64,
    work: &mut Workspace,
) -> Result<Vec<ExactIntent>, ExactError> {
    if program.persona_mix.is_empty() {
        let who = Who { intent, persona: 0 };
        return Ok(vec![solve_one(program, who, budget, work)?]);
    }
    program.persona_mix[intent]
        .iter()
        .enumerate()
        .map(|(persona, &share)| {
            if share > 0.0 {
                solve_one(program, Who { intent, persona }, budget, work)
            } else {
                Ok(ExactIntent::default())
            }
        })
        .collect()
}

/// The intent's figures from its groups' figures.
fn mix_personas(program: &Program, intent: usize, solved: &[ExactIntent]) -> ExactIntent {
    if program.persona_mix.is_empty() {
        return solved[0];
    }
    let mut mixed = ExactIntent::default();
    for (s, &share) in solved.iter().zip(&program.persona_mix[intent]) {
        mixed.add_scaled(s, share);
    }
    mixed
}

impl ExactIntent {
    /// Adds `share` times `other`.
    fn add_scaled(&mut self, other: &ExactIntent, share: f64) {
        for o in 0..7 {
            self.outcomes[o] += share * other.outcomes[o];
        }
        self.time += share * other.time;
        self.inputs += share * other.inputs;
        self.time_to_agent_mass += share * other.time_to_agent_mass;
        self.confused += share * other.confused;
        for (a, b) in self.speech.iter_mut().zip(other.speech) {
            *a += share * b;
        }
    }
}

/// The buffers of one solve, kept for the next one (on the same thread): an intent's chain of
/// visits is a few hundred kilobytes on a big menu, and allocating it afresh for each intent
/// cost more in page faults and copies as it grew than filling it did.
#[derive(Default)]
struct Workspace {
    reached: Reached,
    chain: Chain,
}

/// Solves one intent for one caller group.
fn solve_one(
    program: &Program,
    who: Who,
    budget: &AtomicU64,
    work: &mut Workspace,
) -> Result<ExactIntent, ExactError> {
    let intent = who.intent;
    let nodes = program.nodes.len();
    let name = || program.intent_names[intent].clone();
    if program.entry == DISCONNECT {
        return Ok(ExactIntent {
            outcomes: outcome_vector(Outcome::Disconnected),
            ..ExactIntent::default()
        });
    }
    let Workspace { reached, chain } = work;
    reached.fill(program, who);
    check_traps(reached).map_err(|states| {
        // A loop in caller states is a loop through their nodes.
        let mut nodes: Vec<u32> = states.iter().map(|s| s % nodes as u32).collect();
        nodes.sort_unstable();
        nodes.dedup();
        ExactError::TrapLoop {
            intent: name(),
            nodes,
        }
    })?;

    chain.fill(reached);
    let e = chain
        .solve(budget)
        .map_err(|limit| ExactError::NoConvergence {
            intent: name(),
            limit,
        })?;
    let mut outcomes = [0.0; 7];
    outcomes.copy_from_slice(&e[..7]);
    Ok(ExactIntent {
        outcomes,
        time: e[7],
        inputs: e[8],
        time_to_agent_mass: e[9],
        confused: e[10],
        speech: [e[11], e[12], e[13]],
    })
}

/// The caller states one caller can reach from entry with a positive probability, in
/// breadth-first order, with the ways out of each visit in one flat list.
#[derive(Default)]
struct Reached {
    /// The states, in the order found.
    order: Vec<u32>,
    /// Each caller state's place in `order` (`u32::MAX` if not reached).
    number: Vec<u32>,
    /// The ways out of the `i`th visit are `ways[first[i]..first[i + 1]]`.
    first: Vec<u32>,
    ways: Vec<Way>,
    /// Expected speech attempts of each kind within each visit.
    heard: Vec<[f64; 3]>,
}

impl Reached {
    /// Visits every state `who` can reach from entry, breadth first.
    fn fill(&mut self, program: &Program, who: Who) {
        let n = program.nodes.len() * program.modes();
        let Reached {
            order,
            number,
            first,
            ways,
            heard,
        } = self;
        number.clear();
        number.resize(n, u32::MAX);
        order.clear();
        order.push(program.entry);
        number[program.entry as usize] = 0;
        first.clear();
        first.push(0);
        ways.clear();
        heard.clear();
        let mut visit = Visit::new(program, who.persona);
        let mut i = 0;
        while i < order.len() {
            fill_visit(&mut visit, who.intent, order[i]);
            for w in &visit.ways {
                if let Exit::Node(t) = w.exit
                    && number[t as usize] == u32::MAX
                {
                    number[t as usize] = order.len() as u32;
                    order.push(t);
                }
            }
            ways.extend_from_slice(&visit.ways);
            first.push(ways.len() as u32);
            heard.push(visit.speech);
            i += 1;
        }
    }

    /// The ways out of the `i`th visit found.
    fn ways_of(&self, i: usize) -> &[Way] {
        &self.ways[self.first[i] as usize..self.first[i + 1] as usize]
    }
}

/// What a fresh visit to a state leads to: the outcome probabilities (0..7), E[time],
/// E[inputs], E[time · 1{agent or misrouted}], P(confused), and E[speech attempts recognised,
/// rejected, misrecognised].
const K: usize = 14;

/// One way out of a visit as the sweeps read it: where it leads (a state numbered in sweep
/// order, or an outcome) and what it adds, each times its probability.
#[derive(Clone, Copy)]
struct Step {
    to: Exit,
    confused: bool,
    p: f64,
    time: f64,
    inputs: f64,
}

/// The visits one caller can make, numbered in sweep order (from the leaves up: the reverse
/// of the breadth-first order from entry, so entry is last), with their ways out in one flat
/// list and, for each visit, the visits that lead to it.
#[derive(Default)]
struct Chain {
    /// Visit `i`'s ways out are `steps[first[i]..first[i + 1]]`.
    first: Vec<u32>,
    steps: Vec<Step>,
    /// Expected speech attempts of each kind within each visit.
    heard: Vec<[f64; 3]>,
    /// The visits with a way to visit `i` are `before[before_first[i]..before_first[i + 1]]`.
    before_first: Vec<u32>,
    before: Vec<u32>,
    /// Room for filling `before`: where the next visit leading to each visit goes.
    next: Vec<u32>,
    /// Room for the sweeps: each visit's figures, and whether to compute it again.
    x: Vec<[f64; K]>,
    stale: Vec<bool>,
}

impl Chain {
    /// Makes this the chain of the visits `reached`, last found first.
    fn fill(&mut self, reached: &Reached) {
        let m = reached.order.len();
        let Chain {
            first,
            steps,
            heard,
            before_first,
            before,
            next,
            ..
        } = self;
        first.clear();
        first.push(0);
        steps.clear();
        heard.clear();
        // How many ways lead to each visit, counted one place up to become offsets.
        before_first.clear();
        before_first.resize(m + 1, 0);
        for i in (0..m).rev() {
            for w in reached.ways_of(i) {
                let to = match w.exit {
                    Exit::Node(t) => {
                        let t = m as u32 - 1 - reached.number[t as usize];
                        before_first[t as usize + 1] += 1;
                        Exit::Node(t)
                    }
                    end => end,
                };
                steps.push(Step {
                    to,
                    confused: w.confused,
                    p: w.p,
                    time: w.time,
                    inputs: w.inputs,
                });
            }
            first.push(steps.len() as u32);
            heard.push(reached.heard[i]);
        }
        for i in 0..m {
            before_first[i + 1] += before_first[i];
        }
        before.clear();
        before.resize(before_first[m] as usize, 0);
        next.clone_from(before_first);
        for v in 0..m {
            for s in &steps[first[v] as usize..first[v + 1] as usize] {
                if let Exit::Node(t) = s.to {
                    before[next[t as usize] as usize] = v as u32;
                    next[t as usize] += 1;
                }
            }
        }
    }

    /// Solves `x = b + P x` by Gauss-Seidel sweeps in visit order until no figure moves by
    /// more than 1e-15 (relative) in a sweep; returns entry's figures. A visit none of whose
    /// ways leads to a visit that changed since it was last computed would come out the same
    /// to the bit, so it is not computed again: the figures and the number of sweeps are those
    /// of computing every visit in every sweep, for a fraction of the work on a tree, where
    /// the visits far from a loop settle in the first sweeps. Each sweep still takes all of its
    /// ways from `budget` (the work a full sweep would do), so the limit means what it did.
    fn solve(&mut self, budget: &AtomicU64) -> Result<[f64; K], &'static str> {
        // Figures that no visit can make other than zero stay zero to the bit: leave them out.
        let speech = self.heard.iter().flatten().any(|h| h.to_bits() != 0);
        let confused = self.steps.iter().any(|s| s.confused);
        match (speech, confused) {
            (false, false) => self.solve_with::<false, false>(budget),
            (false, true) => self.solve_with::<false, true>(budget),
            (true, false) => self.solve_with::<true, false>(budget),
            (true, true) => self.solve_with::<true, true>(budget),
        }
    }

    fn solve_with<const SPEECH: bool, const CONFUSED: bool>(
        &mut self,
        budget: &AtomicU64,
    ) -> Result<[f64; K], &'static str> {
        let (mut x, mut stale) = (std::mem::take(&mut self.x), std::mem::take(&mut self.stale));
        let solved = self.sweep::<SPEECH, CONFUSED>(budget, &mut x, &mut stale);
        (self.x, self.stale) = (x, stale);
        solved
    }

    fn sweep<const SPEECH: bool, const CONFUSED: bool>(
        &self,
        budget: &AtomicU64,
        x: &mut Vec<[f64; K]>,
        stale: &mut Vec<bool>,
    ) -> Result<[f64; K], &'static str> {
        let m = self.heard.len();
        let work = self.steps.len() as u64;
        x.clear();
        x.resize(m, [0.0; K]);
        // The visits to compute in this sweep (or the next, for those already passed).
        stale.clear();
        stale.resize(m, true);
        for sweep in 0.. {
            budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(work.max(1))
                })
                .map_err(|_| "MAX_SWEEP_WORK")?;
            // Whether every figure has moved by at most 1e-15 (relative) so far in the sweep;
            // once one has moved more, the others need not be measured.
            let mut settled = true;
            for v in 0..m {
                if !std::mem::replace(&mut stale[v], false) {
                    continue;
                }
                let new = self.evaluate::<SPEECH, CONFUSED>(v, x);
                let old = &mut x[v];
                if (0..K).all(|k| new[k].to_bits() == old[k].to_bits()) {
                    continue;
                }
                if settled {
                    settled = (0..K).all(|k| {
                        let moved = (new[k] - old[k]).abs() / (1.0 + new[k].abs());
                        // A NaN does not count as moving (`f64::max` passes over it).
                        moved <= 1e-15 || moved.is_nan()
                    });
                }
                *old = new;
                let from = self.before_first[v] as usize..self.before_first[v + 1] as usize;
                for &u in &self.before[from] {
                    stale[u as usize] = true;
                }
            }
            if settled {
                break;
            }
            if sweep >= MAX_SWEEPS {
                return Err("MAX_SWEEPS");
            }
        }
        Ok(x[m - 1])
    }

    /// Visit `v`'s figures from the current figures of the visits it leads to. Without
    /// `SPEECH` (no speech attempts anywhere) or `CONFUSED` (no way follows a confusion) those
    /// figures are zero everywhere and are not computed.
    #[inline]
    fn evaluate<const SPEECH: bool, const CONFUSED: bool>(
        &self,
        v: usize,
        x: &[[f64; K]],
    ) -> [f64; K] {
        let mut new = [0.0f64; K];
        if SPEECH {
            new[11..14].copy_from_slice(&self.heard[v]);
        }
        for w in &self.steps[self.first[v] as usize..self.first[v + 1] as usize] {
            match w.to {
                Exit::End(o) => {
                    // Every index a constant, so that `new` can stay in registers (an index
                    // only known at run time puts it in memory, and every way then waits on
                    // a store and a load of each figure).
                    for (k, figure) in new[..7].iter_mut().enumerate() {
                        if k == o as usize {
                            *figure += w.p;
                        }
                    }
                    new[7] += w.time;
                    new[8] += w.inputs;
                    if o.reached_agent() {
                        new[9] += w.time;
                    }
                    if CONFUSED && w.confused {
                        new[10] += w.p;
                    }
                }
                Exit::Node(t) => {
                    let xt = &x[t as usize];
                    for o in 0..7 {
                        new[o] += w.p * xt[o];
                    }
                    let p_agent = xt[Outcome::Agent as usize] + xt[Outcome::Misrouted as usize];
                    new[7] += w.time + w.p * xt[7];
                    new[8] += w.inputs + w.p * xt[8];
                    new[9] += w.time * p_agent + w.p * xt[9];
                    if CONFUSED {
                        new[10] += if w.confused { w.p } else { w.p * xt[10] };
                    }
                    if SPEECH {
                        for k in 11..14 {
                            new[k] += w.p * xt[k];
                        }
                    }
                }
            }
        }
        new
    }
}

fn outcome_vector(o: Outcome) -> [f64; 7] {
    let mut v = [0.0; 7];
    v[o as usize] = 1.0;
    v
}

/// The loops callers can be caught in: the visits from which no outcome can be reached and
/// that lie on a cycle of such visits (`Err` with their caller states, sorted). Visits that
/// only lead into a loop are left out, so the message names the loop itself.
fn check_traps(reached: &Reached) -> Result<(), Vec<u32>> {
    let m = reached.order.len();
    let exits = |i: usize| {
        reached.ways_of(i).iter().filter_map(|w| match w.exit {
            Exit::Node(t) => Some(reached.number[t as usize] as usize),
            Exit::End(_) => None,
        })
    };
    let mut can_end = vec![false; m];
    // Reverse reachability to an outcome, by repeated relaxation from the last visits found
    // (mostly the leaves) up, so that a tree takes one round and a check.
    let mut changed = true;
    while changed {
        changed = false;
        for i in (0..m).rev() {
            if can_end[i] {
                continue;
            }
            let ends = reached.ways_of(i).iter().any(|w| match w.exit {
                Exit::End(_) => true,
                Exit::Node(t) => can_end[reached.number[t as usize] as usize],
            });
            if ends {
                can_end[i] = true;
                changed = true;
            }
        }
    }
    let mut trapped: Vec<usize> = (0..m).filter(|&i| !can_end[i]).collect();
    if trapped.is_empty() {
        return Ok(());
    }
    // A trapped visit's every way leads to another trapped visit, so following the ways from
    // any of them ends up going round a loop; keep the visits that can come back to themselves.
    let mut seen = vec![false; m];
    let on_loop = |v: usize, seen: &mut Vec<bool>| {
        seen.fill(false);
        let mut stack: Vec<usize> = exits(v).collect();
        while let Some(u) = stack.pop() {
            if u == v {
                return true;
            }
            if !std::mem::replace(&mut seen[u], true) {
                stack.extend(exits(u));
            }
        }
        false
    };
    trapped.retain(|&v| on_loop(v, &mut seen));
    let mut states: Vec<u32> = trapped.iter().map(|&i| reached.order[i]).collect();
    states.sort_unstable();
    Err(states)
}

/// Exact figures for every intent and the whole traffic.
pub fn exact_report(menu: &str, program: &Program) -> Result<SimReport, ExactError> {
    exact_report_within(menu, program, MAX_SWEEP_WORK)
}

/// [`exact_report`] with at most `budget` way updates in all (tests use a small one).
pub fn exact_report_within(
    menu: &str,
    program: &Program,
    budget: u64,
) -> Result<SimReport, ExactError> {
    // Intents are solved in parallel from one shared budget. When every one settles, each had
    // all the work it needed, so the figures are those of solving them one after another.
    // When one fails, they are solved again one after another from a fresh budget, so that
    // the error (which intent, which limit) is the same on any number of threads.
    let intents = program.shares.len();
    let shared = AtomicU64::new(budget);
    let parallel: Result<Vec<Vec<ExactIntent>>, ExactError> = (0..intents)
        .into_par_iter()
        .map_init(Workspace::default, |work, i| {
            solve_personas(program, i, &shared, work)
        })
        .collect();
    let by_group = match parallel {
        Ok(solved) => solved,
        Err(_) => {
            let fresh = AtomicU64::new(budget);
            let mut work = Workspace::default();
            (0..intents)
                .map(|i| solve_personas(program, i, &fresh, &mut work))
                .collect::<Result<_, _>>()?
        }
    };
    let solved: Vec<ExactIntent> = by_group
        .iter()
        .enumerate()
        .map(|(i, groups)| mix_personas(program, i, groups))
        .collect();
    let mut overall = ExactIntent::default();
    for (s, &share) in solved.iter().zip(&program.shares) {
        overall.add_scaled(s, share);
    }
    let confusable = program.can_confuse();
    let speech = super::program::SpeechWays::any(program);
    let figures = |e: &ExactIntent| {
        let mut f = exact_figures(e);
        if confusable {
            f.confused = Some(e.confused);
        }
        if speech {
            f.speech = Some(SpeechFigures::of(e.speech, 1.0));
        }
        f
    };
    // Each group's figures: its callers of every intent, weighted by how many there are.
    let personas = if program.persona_mix.is_empty() {
        Vec::new()
    } else {
        program
            .personas
            .iter()
            .enumerate()
            .map(|(p, persona)| {
                let mut group = ExactIntent::default();
                let mut weight = 0.0;
                for (i, groups) in by_group.iter().enumerate() {
                    let w = program.shares[i] * program.persona_mix[i][p];
                    group.add_scaled(&groups[p], w);
                    weight += w;
                }
                if weight > 0.0 {
                    let mut normalised = ExactIntent::default();
                    normalised.add_scaled(&group, 1.0 / weight);
                    group = normalised;
                }
                (
                    persona.name.clone(),
                    IntentFigures {
                        share: weight,
                        figures: figures(&group),
                        flow: None,
                    },
                )
            })
            .collect()
    };
    Ok(SimReport {
        menu: menu.to_string(),
        calls: None,
        seed: None,
        exact: true,
        overall: figures(&overall),
        intents: program
            .intent_names
            .iter()
            .zip(&program.shares)
            .zip(&solved)
            .map(|((name, &share), s)| {
                (
                    name.clone(),
                    IntentFigures {
                        share,
                        figures: figures(s),
                        flow: None,
                    },
                )
            })
            .collect(),
        flow: None,
        queues: None,
        queues_exact: None,
        personas,
    })
}

/// A mean with no interval and no quantiles.
fn mean_only<Q: Default>(mean: f64) -> Distribution<Q> {
    Distribution {
        mean,
        ..Distribution::default()
    }
}

fn exact_figures(e: &ExactIntent) -> Figures {
    let p_agent = e.outcomes[Outcome::Agent as usize] + e.outcomes[Outcome::Misrouted as usize];
    Figures {
        calls: None,
        calls_to_agent: None,
        outcomes: PerOutcome::from_fn(|o| e.outcomes[o as usize]),
        outcomes_ci95: PerOutcome::default(),
        inputs: mean_only(e.inputs),
        time: mean_only(e.time),
        time_to_agent: (p_agent > 1e-15).then(|| mean_only(e.time_to_agent_mass / p_agent)),
        time_to_agent_histogram: Default::default(),
        confused: None,
        confused_ci95: None,
        speech: None,
    }
}
