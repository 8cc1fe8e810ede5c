//! The analytic answer for the queues: each queue's offered calls from the exact IVR solution,
//! then Erlang C (or Erlang A, with patience) per queue and per interval, today's figures and
//! the fewest agents for a target. `ivr staff` prints it; `ivr sim --exact` adds it.

use serde::Serialize;

use super::exact::{ExactError, solve_intent};
use super::program::Program;
use super::queues::{NO_QUEUE, QueuePlan};
use super::report::ordered_map;
use crate::intents::traffic::Arrivals;
use crate::menu::NodeKind;
use crate::queue::erlang::{QueueModel, Solution, Target, fewest_agents, solve};

/// Service levels `ivr staff` gives the fewest agents for.
pub const LEVELS: [f64; 5] = [0.8, 0.85, 0.9, 0.95, 0.99];

/// Each queue's share of all calls (first joins plus joins after a misroute), from the exact
/// solution of the IVR; `approximate` when misrouted calls join a second queue (that stream
/// is not Poisson, so Erlang is then an approximation).
#[derive(Clone, Debug, PartialEq)]
pub struct OfferedShares {
    pub shares: Vec<f64>,
    /// Of each queue's share, the calls misrouted there: a wrong agent holds them only for
    /// the misroute handle time before passing them on.
    pub passed_on: Vec<f64>,
    pub approximate: bool,
}

impl OfferedShares {
    /// The mean time an agent of queue `q` holds a call: its handle time for the calls it
    /// serves, the misroute handle time for those it passes on.
    pub fn handle_time(&self, q: usize, plan: &QueuePlan) -> f64 {
        let share = self.shares[q];
        if share <= 0.0 {
            return plan.handle[q].mean;
        }
        let passed = self.passed_on[q] / share;
        (1.0 - passed) * plan.handle[q].mean + passed * plan.misroute_handle
    }
}

/// Solves the IVR once per transfer node (every other transfer made a hang-up), so the chance
/// that a caller of each intent ends at that node, as an agent or a misroute, is exact.
pub fn offered_shares(program: &Program, plan: &QueuePlan) -> Result<OfferedShares, ExactError> {
    let mut shares = vec![0.0; plan.names.len()];
    let mut passed_on = vec![0.0; plan.names.len()];
    let mut approximate = false;
    let transfers: Vec<usize> = (0..program.nodes.len())
        .filter(|&i| program.nodes[i].kind == NodeKind::Transfer)
        .collect();
    let agent = super::engine::Outcome::Agent as usize;
    let misrouted = super::engine::Outcome::Misrouted as usize;
    for &t in &transfers {
        let queue = plan.node_queue(t);
        if queue == NO_QUEUE {
            continue;
        }
        let mut only_t = program.clone();
        for &other in &transfers {
            if other != t {
                only_t.nodes[other].kind = NodeKind::Hangup;
            }
        }
        for (intent, &share) in program.shares.iter().enumerate() {
            if share == 0.0 {
                continue;
            }
            let solved = solve_intent(&only_t, intent)?;
            let (a, m) = (solved.outcomes[agent], solved.outcomes[misrouted]);
            shares[queue as usize] += share * (a + m);
            let right = plan.right_queue(intent);
            if m > 0.0 && right != NO_QUEUE && right != queue {
                shares[right as usize] += share * m;
                passed_on[queue as usize] += share * m;
                approximate = true;
            }
        }
    }
    Ok(OfferedShares {
        shares,
        passed_on,
        approximate,
    })
}

/// Erlang's figures for one queue and staffing (`None` where the queue is unstable: waits
/// without end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct AnalyticFigures {
    /// Offered load at or above the agents with no abandonment: the queue grows without bound.
    pub unstable: bool,
    pub service_level: f64,
    pub p_wait: f64,
    pub asa: Option<f64>,
    pub abandoned: f64,
    pub occupancy: f64,
}

impl AnalyticFigures {
    fn of(solution: &Solution) -> AnalyticFigures {
        AnalyticFigures {
            unstable: matches!(solution, Solution::Unstable),
            service_level: solution.service_level(),
            p_wait: solution.p_wait(),
            asa: Some(solution.asa()).filter(|a| a.is_finite()),
            abandoned: solution.abandoned(),
            occupancy: solution.occupancy(),
        }
    }
}

/// One queue (in one interval): the offered traffic, today's figures and what staffing needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueueStaffing {
    pub calls_per_hour: f64,
    /// Mean seconds an agent holds a call (misrouted calls only for the misroute time).
    pub handle_time: f64,
    /// Offered load in Erlangs.
    pub erlangs: f64,
    pub agents: u32,
    pub today: AnalyticFigures,
    /// Fewest agents that meet the target (and the occupancy cap); `None` beyond the search.
    pub fewest_agents: Option<u32>,
    /// Fewest agents for each of [`LEVELS`] (with the occupancy cap), keyed `"0.8"`...
    #[serde(serialize_with = "ordered_map")]
    pub agents_for: Vec<(String, Option<u32>)>,
}

/// One interval of a day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IntervalStaffing {
    pub start_minutes: f64,
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueStaffing)>,
}

/// The analytic queue report (`ivr staff`, `ivr sim --exact`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StaffReport {
    pub menu: String,
    pub answer_within: f64,
    pub target: f64,
    pub max_occupancy: Option<f64>,
    /// Misrouted callers join a second queue: that stream is not Poisson, so the figures are
    /// an approximation.
    pub approximate: bool,
    /// Each queue's share of all calls.
    #[serde(serialize_with = "ordered_map")]
    pub shares: Vec<(String, f64)>,
    /// Steady state: per queue. A day: empty (see `intervals`).
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueStaffing)>,
    pub intervals: Option<Vec<IntervalStaffing>>,
}

/// The target `ivr staff` searches for; `None` fields take the traffic file's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StaffGoal {
    pub target: Option<f64>,
    pub answer_within: Option<f64>,
    pub max_occupancy: Option<f64>,
}

fn staffing(model: &QueueModel, agents: u32, target: &Target) -> QueueStaffing {
    let level = |service_level| {
        fewest_agents(
            model,
            &Target {
                service_level,
                ..*target
            },
        )
    };
    QueueStaffing {
        calls_per_hour: model.calls_per_hour,
        handle_time: model.handle_time,
        erlangs: model.load(),
        agents,
        today: AnalyticFigures::of(&solve(model, agents, target.answer_within)),
        fewest_agents: fewest_agents(model, target),
        agents_for: LEVELS.iter().map(|&l| (format!("{l}"), level(l))).collect(),
    }
}

/// The analytic report of a menu's queues.
pub fn staff_report(
    menu: &str,
    program: &Program,
    plan: &QueuePlan,
    goal: StaffGoal,
) -> Result<StaffReport, ExactError> {
    let offered = offered_shares(program, plan)?;
    let target = Target {
        answer_within: goal.answer_within.unwrap_or(plan.answer_within),
        service_level: goal.target.unwrap_or(plan.target),
        max_occupancy: goal.max_occupancy,
    };
    let model = |q: usize, per_hour: f64| QueueModel {
        calls_per_hour: per_hour * offered.shares[q],
        handle_time: offered.handle_time(q, plan),
        patience: plan.patience[q],
    };
    let names = &plan.names;
    let (queues, intervals) = match &plan.arrivals {
        Arrivals::PerHour(per_hour) => (
            (0..names.len())
                .map(|q| {
                    (
                        names[q].clone(),
                        staffing(&model(q, *per_hour), plan.agents[q][0], &target),
                    )
                })
                .collect(),
            None,
        ),
        Arrivals::Day {
            interval_minutes,
            calls,
        } => (
            Vec::new(),
            Some(
                calls
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| IntervalStaffing {
                        start_minutes: k as f64 * interval_minutes,
                        queues: (0..names.len())
                            .map(|q| {
                                let per_hour = c * 60.0 / interval_minutes;
                                (
                                    names[q].clone(),
                                    staffing(&model(q, per_hour), plan.agents[q][k], &target),
                                )
                            })
                            .collect(),
                    })
                    .collect(),
            ),
        ),
    };
    Ok(StaffReport {
        menu: menu.to_string(),
        answer_within: target.answer_within,
        target: target.service_level,
        max_occupancy: target.max_occupancy,
        approximate: offered.approximate,
        shares: names.iter().cloned().zip(offered.shares).collect(),
        queues,
        intervals,
    })
}
