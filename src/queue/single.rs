//! One queue fed straight by Poisson arrivals, with no IVR in front: the situation the Erlang
//! formulas describe. It checks the formulas against the simulation (and the simulation
//! against them) and times the stage on its own.

use super::erlang::QueueModel;
use super::stage::{Call, Counting, Offer, Outcome, Stage, StageConfig, StageTally};
use super::streams::{
    ArrivalClock, ArrivalRate, CallDrawSequence, HandleTime, patience, to_micros,
};

/// Warm-up of a steady-state run: the queue starts empty, so the first hour is not counted.
pub const WARM_UP_SECONDS: f64 = 3600.0;

/// Batches of a steady-state run (batch means).
pub const BATCHES: u32 = 32;

/// A steady-state run of `calls` calls through one queue with `agents` agents: exponential
/// handle times (coefficient of variation 1) and patience from `queue`, answered within
/// `answer_within` seconds counting toward the service level. Every decided call goes to `sink`.
pub fn simulate_one_queue(
    queue: &QueueModel,
    agents: u32,
    answer_within: f64,
    calls: u64,
    seed: u64,
    sink: &mut impl FnMut(Outcome),
) -> StageTally {
    let config = StageConfig {
        agents: vec![vec![agents]],
        answer_within: to_micros(answer_within),
        misroute_handle: 0,
        counting: Counting::Steady {
            warm_up: to_micros(WARM_UP_SECONDS),
            calls,
            batches: BATCHES,
        },
    };
    let Ok(mut stage) = Stage::new(config) else {
        unreachable!("one queue with one staffing number fits steady-state counting")
    };
    let mut clock = ArrivalClock::new(ArrivalRate::Constant {
        calls_per_hour: queue.calls_per_hour,
    });
    let handle = HandleTime {
        mean: queue.handle_time,
        cv: 1.0,
    };
    for draws in CallDrawSequence::new(seed, 0).take(calls as usize) {
        let Some(arrival) = clock.next_arrival(draws.gap) else {
            break;
        };
        let offer = Offer {
            ivr: 0,
            queue: 0,
            patience: patience(queue.patience, draws.patience[0]),
            handle: handle.sample(&draws),
            transfer: None,
            tag: 0,
        };
        stage.feed(
            Call {
                arrival,
                offer: Some(offer),
            },
            sink,
        );
    }
    stage.finish(sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::erlang::{Figures, Solution, solve};
    use crate::queue::stage::{Fate, StageTally};
    use crate::queue::tally::{QueueTally, batch_means};

    fn queue(calls_per_hour: f64, handle_time: f64, patience: Option<f64>) -> QueueModel {
        QueueModel {
            calls_per_hour,
            handle_time,
            patience,
        }
    }

    /// A figure read from a tally.
    type Figure = fn(&QueueTally) -> Option<f64>;

    /// Each figure's batch mean is within four standard errors of the exact value.
    fn assert_agrees(tally: &StageTally, exact: &Figures) {
        let batches = &tally.queues[0];
        let figures: [(&str, Figure, f64); 5] = [
            (
                "service level",
                QueueTally::service_level,
                exact.service_level,
            ),
            ("asa", QueueTally::asa, exact.asa),
            ("p_wait", QueueTally::p_wait, exact.p_wait),
            ("abandoned", QueueTally::abandoned_share, exact.abandoned),
            ("occupancy", QueueTally::occupancy, exact.occupancy),
        ];
        for (name, figure, expected) in figures {
            let estimate = batch_means(batches.iter().map(figure)).unwrap();
            assert_eq!(estimate.batches, BATCHES as usize);
            let error = (estimate.mean - expected).abs();
            if expected == 0.0 {
                assert_eq!(estimate.mean, 0.0, "{name}");
            } else {
                assert!(
                    error < 4.0 * estimate.standard_error,
                    "{name}: simulated {} ± {}, exact {expected}",
                    estimate.mean,
                    estimate.standard_error
                );
            }
        }
    }

    fn check(q: QueueModel, agents: u32, answer_within: f64, seed: u64) {
        let Solution::Stable(exact) = solve(&q, agents, answer_within) else {
            panic!("stable queue expected")
        };
        let tally = simulate_one_queue(&q, agents, answer_within, 200_000, seed, &mut |_| {});
        assert_agrees(&tally, &exact);
    }

    #[test]
    fn simulation_agrees_with_erlang_c() {
        check(queue(200.0, 180.0, None), 14, 20.0, 1);
        check(queue(1000.0, 120.0, None), 38, 20.0, 2);
    }

    #[test]
    fn simulation_agrees_with_erlang_a() {
        check(queue(1000.0, 120.0, Some(120.0)), 36, 20.0, 3);
        // Heavier abandonment, a longer target and an overloaded queue: the service level
        // with abandoned calls counted as missed, checked by sampling rather than by vectors.
        check(queue(200.0, 180.0, Some(60.0)), 9, 30.0, 4);
        check(queue(1500.0, 120.0, Some(90.0)), 40, 15.0, 5);
    }

    #[test]
    fn occupancy_never_exceeds_one_in_any_batch_short_or_long_run() {
        // Short runs (a few hundred calls after the warm-up, where a batch spans seconds and
        // its calls' handling minutes) and long ones, loads below and above the agents, with
        // and without patience.
        let cases = [
            (queue(1000.0, 600.0, None), 150),
            (queue(1000.0, 600.0, Some(120.0)), 150),
            (queue(2000.0, 480.0, None), 300),
            (queue(200.0, 180.0, None), 14),
            (queue(1200.0, 120.0, Some(60.0)), 30),
        ];
        for (q, agents) in cases {
            for calls in [1_100, 1_300, 3_000, 60_000] {
                let calls = calls * q.calls_per_hour as u64 / 1000;
                for seed in 0..4 {
                    let tally = simulate_one_queue(&q, agents, 20.0, calls, seed, &mut |_| {});
                    for (b, batch) in tally.queues[0].iter().enumerate() {
                        if let Some(occupancy) = batch.occupancy() {
                            assert!(
                                (0.0..=1.0).contains(&occupancy),
                                "{q:?}, {agents} agents, {calls} calls, seed {seed}, batch {b}: {occupancy}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_calls_and_figures() {
        let q = queue(1000.0, 120.0, Some(120.0));
        let run = |seed| {
            let mut outcomes = Vec::new();
            let tally = simulate_one_queue(&q, 36, 20.0, 20_000, seed, &mut |o| outcomes.push(o));
            (outcomes, tally)
        };
        let (a, ta) = run(11);
        let (b, tb) = run(11);
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        let (c, tc) = run(12);
        assert_ne!(a, c);
        assert_ne!(ta, tc);
        // Every call is decided exactly once.
        assert_eq!(a.len(), 20_000);
        assert!(a.iter().any(|o| matches!(o.fate, Fate::Abandoned { .. })));
    }

    #[test]
    fn the_stage_holds_only_the_calls_in_the_system() {
        // A million calls, each spending an exponential 90 s in the IVR before joining an
        // under-loaded queue (33 Erlangs, 40 agents): about 25 calls are in the IVR at any
        // time, and that is all the stage holds, however many calls have gone through.
        use crate::queue::stage::{Call, Offer};
        use crate::queue::streams::{Stream, stream_rng};
        use rand_distr::{Distribution, Exp1};
        let calls = 1_000_000;
        let mut stage = Stage::new(StageConfig {
            agents: vec![vec![40]],
            answer_within: to_micros(20.0),
            misroute_handle: 0,
            counting: Counting::Steady {
                warm_up: to_micros(WARM_UP_SECONDS),
                calls,
                batches: BATCHES,
            },
        })
        .unwrap();
        let mut clock = ArrivalClock::new(ArrivalRate::Constant {
            calls_per_hour: 1000.0,
        });
        let mut ivr = stream_rng(0, Stream::Ivr, 0, 0);
        let handle = HandleTime {
            mean: 120.0,
            cv: 1.0,
        };
        let mut most_held = 0;
        let mut decided = 0u64;
        let mut sink = |_: Outcome| decided += 1;
        for draws in CallDrawSequence::new(0, 0).take(calls as usize) {
            let ivr_seconds: f64 = 90.0 * Distribution::<f64>::sample(&Exp1, &mut ivr);
            let call = Call {
                arrival: clock.next_arrival(draws.gap).unwrap(),
                offer: Some(Offer {
                    ivr: to_micros(ivr_seconds),
                    queue: 0,
                    patience: patience(Some(180.0), draws.patience[0]),
                    handle: handle.sample(&draws),
                    transfer: None,
                    tag: 0,
                }),
            };
            stage.feed(call, &mut sink);
            most_held = most_held.max(stage.live());
        }
        let tally = stage.finish(&mut sink);
        assert_eq!(decided, calls);
        assert!(most_held < 100, "held {most_held} calls at once");
        assert!(tally.overall().offered > 990_000);
    }
}
