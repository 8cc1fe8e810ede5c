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

use crate::menu::NodeKind;

use super::engine::Outcome;
use super::program::{DISCONNECT, HANG_UP, Handling, Program};
use super::report::{Distribution, Figures, IntentFigures, PerOutcome, SimReport};

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
    pub(super) ways: Vec<Way>,
    /// Expected invalid keys and silences (timeouts) in the visit.
    pub(super) invalid: f64,
    pub(super) silent: f64,
}

impl Visit<'_> {
    fn add(&mut self, exit: Exit, p: f64, time: f64, inputs: f64) {
        self.add_along(exit, NO_EDGE, p, time, inputs);
    }

    fn add_along(&mut self, exit: Exit, edge: u32, p: f64, time: f64, inputs: f64) {
        if p <= 0.0 {
            return;
        }
        if let Some(w) = self
            .ways
            .iter_mut()
            .find(|w| w.exit == exit && w.edge == edge)
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
        let (stay, mean) = match self.program.callers.patience {
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

    fn go(&mut self, target: u32, edge: u32, (p, time, inputs): (f64, f64, f64)) {
        let exit = if target == DISCONNECT {
            Exit::End(Outcome::Disconnected)
        } else {
            Exit::Node(target)
        };
        self.add_along(exit, edge, p, time, inputs);
    }
}

/// The ways out of a visit to `node` by a caller of `intent`.
fn visit(program: &Program, intent: usize, at: u32) -> Vec<Way> {
    visit_summary(program, intent, at).ways
}

/// A visit to `node` by a caller of `intent`: its ways out, and its expected invalid keys and
/// silences.
pub(super) fn visit_summary(program: &Program, intent: usize, at: u32) -> Visit<'_> {
    let node = &program.nodes[at as usize];
    let mut v = Visit {
        program,
        ways: Vec::with_capacity(8),
        invalid: 0.0,
        silent: 0.0,
    };
    let start = (1.0, 0.0, 0.0);
    match node.kind {
        NodeKind::Message | NodeKind::Flow => {
            let cont = v.segment(start, node.intro, false);
            v.go(node.to, program.to_edge(at), cont);
        }
        NodeKind::Decision => {
            let (p, time, inputs) = v.segment(start, node.intro, false);
            for i in node.options.clone() {
                let chance = program.chances[i as usize];
                if chance > 0.0 {
                    let along = (p * chance, time * chance, inputs * chance);
                    v.go(program.targets[i as usize], i, along);
                }
            }
        }
        NodeKind::SelfService => {
            if program.serves(node, intent) {
                v.add(Exit::End(Outcome::SelfServed), 1.0, node.intro, 0.0);
            } else if node.to == DISCONNECT {
                v.add(Exit::End(Outcome::Unresolved), 1.0, node.intro, 0.0);
            } else {
                v.go(node.to, program.to_edge(at), (1.0, node.intro, 0.0));
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
        NodeKind::Menu | NodeKind::Input => prompts(&mut v, node, intent, at),
    }
    v
}

/// A menu or input visit: attempts with re-prompts, in closed form over the re-prompt count.
fn prompts(v: &mut Visit<'_>, node: &super::program::SimNode, intent: usize, at: u32) {
    let program = v.program;
    let callers = program.callers;
    let react = program.reaction_time;
    let is_menu = node.kind == NodeKind::Menu;
    // (target, edge, probability of the choice, seconds of its segment)
    let mut choices: Vec<(u32, u32, f64, f64)> = Vec::new();
    let chosen_rate = 1.0 - callers.no_input_rate - callers.invalid_rate;
    let full = node.full;
    if is_menu {
        let intended = program.intended(intent, at);
        if intended == HANG_UP {
            v.add(Exit::End(Outcome::Abandoned), 1.0, 0.0, 0.0);
            return;
        }
        let range = node.options.start as usize..node.options.end as usize;
        let n = range.len();
        let mistake = callers.mistake_rate_at(n);
        for (k, i) in range.clone().enumerate() {
            let p = if k == intended as usize {
                chosen_rate - mistake
            } else {
                mistake / (n - 1) as f64
            };
            let listen = if callers.barge_in {
                program.listen[i]
            } else {
                full
            };
            choices.push((program.targets[i], i as u32, p, listen + react));
        }
    } else {
        choices.push((
            node.to,
            program.to_edge(at),
            chosen_rate,
            node.intro + react + node.typing,
        ));
    }
    let max_retries = node.invalid.retries.max(node.no_input.retries);
    let mut state = (1.0, 0.0, 0.0);
    for used in 0..=max_retries {
        if state.0 <= 0.0 {
            break;
        }
        let scale = |s: (f64, f64, f64), f: f64| (s.0 * f, s.1 * f, s.2 * f);
        for &(target, edge, p, d) in &choices {
            let cont = v.segment(scale(state, p), d, true);
            v.go(target, edge, cont);
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
                callers.invalid_rate,
                full + react,
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
                v.go(handling.then, edge, after);
            }
        }
        state = next;
    }
}

/// Solves one intent.
pub fn solve_intent(program: &Program, intent: usize) -> Result<ExactIntent, ExactError> {
    let mut budget = MAX_SWEEP_WORK;
    solve_intent_within(program, intent, &mut budget)
}

/// Solves one intent with at most `budget` way updates, and takes those it used from it.
fn solve_intent_within(
    program: &Program,
    intent: usize,
    budget: &mut u64,
) -> Result<ExactIntent, ExactError> {
    let n = program.nodes.len();
    let name = || program.intent_names[intent].clone();
    if program.entry == DISCONNECT {
        return Ok(ExactIntent {
            outcomes: outcome_vector(Outcome::Disconnected),
            ..ExactIntent::default()
        });
    }
    // The visits reachable from entry, in breadth-first order.
    let mut ways: Vec<Option<Vec<Way>>> = vec![None; n];
    let mut order = vec![program.entry];
    ways[program.entry as usize] = Some(visit(program, intent, program.entry));
    let mut i = 0;
    while i < order.len() {
        let at = order[i] as usize;
        let targets: Vec<u32> = ways[at]
            .iter()
            .flatten()
            .filter_map(|w| match w.exit {
                Exit::Node(t) => Some(t),
                Exit::End(_) => None,
            })
            .collect();
        for t in targets {
            if ways[t as usize].is_none() {
                ways[t as usize] = Some(visit(program, intent, t));
                order.push(t);
            }
        }
        i += 1;
    }
    check_traps(&order, &ways).map_err(|nodes| ExactError::TrapLoop {
        intent: name(),
        nodes,
    })?;

    // x_v = (outcome probabilities, E[time], E[inputs], E[time · 1{agent}]) from a fresh visit to v.
    const K: usize = 10;
    let mut x = vec![[0.0f64; K]; n];
    let agent = |o: Outcome| o.reached_agent();
    let sweep_order: Vec<u32> = order.iter().rev().copied().collect();
    let work: u64 = sweep_order
        .iter()
        .map(|&v| ways[v as usize].as_ref().map_or(0, Vec::len) as u64)
        .sum();
    for sweep in 0.. {
        *budget = budget
            .checked_sub(work.max(1))
            .ok_or_else(|| ExactError::NoConvergence {
                intent: name(),
                limit: "MAX_SWEEP_WORK",
            })?;
        let mut change = 0.0f64;
        for &v in &sweep_order {
            let mut new = [0.0f64; K];
            for w in ways[v as usize].iter().flatten() {
                match w.exit {
                    Exit::End(o) => {
                        new[o as usize] += w.p;
                        new[7] += w.time;
                        new[8] += w.inputs;
                        if agent(o) {
                            new[9] += w.time;
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
                    }
                }
            }
            let old = &mut x[v as usize];
            for k in 0..K {
                change = change.max((new[k] - old[k]).abs() / (1.0 + new[k].abs()));
            }
            *old = new;
        }
        if change <= 1e-15 {
            break;
        }
        if sweep >= MAX_SWEEPS {
            return Err(ExactError::NoConvergence {
                intent: name(),
                limit: "MAX_SWEEPS",
            });
        }
    }
    let e = x[program.entry as usize];
    let mut outcomes = [0.0; 7];
    outcomes.copy_from_slice(&e[..7]);
    Ok(ExactIntent {
        outcomes,
        time: e[7],
        inputs: e[8],
        time_to_agent_mass: e[9],
    })
}

fn outcome_vector(o: Outcome) -> [f64; 7] {
    let mut v = [0.0; 7];
    v[o as usize] = 1.0;
    v
}

/// The loops callers can be caught in: the visits from which no outcome can be reached and
/// that lie on a cycle of such visits (`Err` with them, in file order). Nodes that only lead
/// into a loop are left out, so the message names the loop itself.
fn check_traps(order: &[u32], ways: &[Option<Vec<Way>>]) -> Result<(), Vec<u32>> {
    let n = ways.len();
    let mut can_end = vec![false; n];
    // Reverse reachability to an outcome, by repeated relaxation (graphs are small).
    let mut changed = true;
    while changed {
        changed = false;
        for &v in order {
            if can_end[v as usize] {
                continue;
            }
            let ends = ways[v as usize].iter().flatten().any(|w| match w.exit {
                Exit::End(_) => true,
                Exit::Node(t) => can_end[t as usize],
            });
            if ends {
                can_end[v as usize] = true;
                changed = true;
            }
        }
    }
    let mut trapped: Vec<u32> = order
        .iter()
        .copied()
        .filter(|&v| !can_end[v as usize])
        .collect();
    if trapped.is_empty() {
        return Ok(());
    }
    // A trapped visit's every way leads to another trapped visit, so following the ways from
    // any of them ends up going round a loop; keep the visits that can come back to themselves.
    let exits = |v: u32| {
        ways[v as usize]
            .iter()
            .flatten()
            .filter_map(|w| match w.exit {
                Exit::Node(t) => Some(t),
                Exit::End(_) => None,
            })
    };
    let mut seen = vec![false; n];
    let on_loop = |v: u32, seen: &mut Vec<bool>| {
        seen.fill(false);
        let mut stack: Vec<u32> = exits(v).collect();
        while let Some(u) = stack.pop() {
            if u == v {
                return true;
            }
            if !std::mem::replace(&mut seen[u as usize], true) {
                stack.extend(exits(u));
            }
        }
        false
    };
    trapped.retain(|&v| on_loop(v, &mut seen));
    trapped.sort_unstable();
    Err(trapped)
}

/// Exact figures for every intent and the whole traffic.
pub fn exact_report(menu: &str, program: &Program) -> Result<SimReport, ExactError> {
    exact_report_within(menu, program, MAX_SWEEP_WORK)
}

/// [`exact_report`] with at most `budget` way updates in all (tests use a small one).
pub fn exact_report_within(
    menu: &str,
    program: &Program,
    mut budget: u64,
) -> Result<SimReport, ExactError> {
    let solved: Vec<ExactIntent> = (0..program.shares.len())
        .map(|i| solve_intent_within(program, i, &mut budget))
        .collect::<Result<_, _>>()?;
    let mut overall = ExactIntent::default();
    for (s, share) in solved.iter().zip(&program.shares) {
        for o in 0..7 {
            overall.outcomes[o] += share * s.outcomes[o];
        }
        overall.time += share * s.time;
        overall.inputs += share * s.inputs;
        overall.time_to_agent_mass += share * s.time_to_agent_mass;
    }
    Ok(SimReport {
        menu: menu.to_string(),
        calls: None,
        seed: None,
        exact: true,
        overall: exact_figures(&overall),
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
                        figures: exact_figures(s),
                        flow: None,
                    },
                )
            })
            .collect(),
        flow: None,
        queues: None,
        queues_exact: None,
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
    }
}
