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
