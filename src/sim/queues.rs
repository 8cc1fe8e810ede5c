//! Calls carried past the transfer into the agent queues.
//!
//! The IVR part of each call is simulated exactly as without queues, block by block on any
//! number of threads (block `b` of day `d` draws from its own stream; day 0 is the stream the
//! IVR simulation uses). The blocks of a chunk are then fed, in call order, on one thread, to
//! the queue stage ([`crate::queue::stage`]) with the call's arrival time, queue patience and
//! handle time from their own streams. Only a chunk of blocks is held at a time, so memory does
//! not grow with `--calls`, and the figures do not depend on `--threads`.

use rand_distr::Distribution as _;
use rand_distr::weighted::WeightedAliasIndex;
use rayon::prelude::*;
use serde::Serialize;

use super::engine::{Call as IvrCall, Outcome as IvrOutcome, simulate_call};
use super::program::Program;
use super::report::{Distribution, ordered_map};
use super::run::{BLOCK, RunOptions, Tally, call_rng};
use crate::intents::Intents;
use crate::intents::traffic::{Arrivals, DEFAULT_QUEUE};
use crate::menu::graph::MenuGraph;
use crate::menu::{Menu, NodeKind};
use crate::queue::stage::{
    Call, Counting, Fate, Offer, Outcome, Stage, StageConfig, StageTally, Transfer,
};
use crate::queue::streams::{
    ArrivalClock, ArrivalRate, BlockDraws, HandleTime, Stream, patience, stream_rng, to_micros,
};
use crate::queue::tally::{QueueTally, batch_means};
use crate::stats::{Interval, Sums, TimeHistogram, t_quantile};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Steady state: calls arriving in the first hour are simulated but not counted.
pub const WARM_UP_SECONDS: f64 = 3600.0;
/// Steady state: counted calls are cut into this many batches (batch means).
pub const BATCHES: u32 = 32;
/// A queue id meaning "no queue" (a transfer to a queue the traffic file lacks).
pub const NO_QUEUE: u32 = u32::MAX;

/// The queues of a menu and its traffic file, compiled for the run.
#[derive(Clone, Debug)]
pub struct QueuePlan {
    pub names: Vec<String>,
    /// Per node: the queue a transfer node sends callers to ([`NO_QUEUE`] otherwise).
    node_queue: Vec<u32>,
    /// Per intent: the queue of its right transfer node ([`NO_QUEUE`] when there is none).
    right_queue: Vec<u32>,
    pub handle: Vec<HandleTime>,
    pub patience: Vec<Option<f64>>,
    /// Agents per queue (one number, or one per interval).
    pub agents: Vec<Vec<u32>>,
    pub arrivals: Arrivals,
    pub answer_within: f64,
    pub target: f64,
    pub misroute_handle: f64,
}

impl QueuePlan {
    /// The plan, when the traffic file has `arrivals` and `queues`.
    pub fn compile(menu: &Menu, intents: &Intents) -> Option<QueuePlan> {
        let traffic = &intents.traffic;
        let arrivals = traffic.arrivals.as_ref()?.value.clone();
        if traffic.queues.is_empty() {
            return None;
        }
        let intervals = arrivals.intervals().unwrap_or(1);
        let queue_of = |node: &crate::menu::Node| {
            let name = node
                .queue
                .as_ref()
                .map_or(DEFAULT_QUEUE, |q| q.value.as_str());
            traffic.queue_index(name).map_or(NO_QUEUE, |i| i as u32)
        };
        let node_queue: Vec<u32> = menu
            .nodes
            .iter()
            .map(|n| {
                if n.kind == NodeKind::Transfer {
                    queue_of(n)
                } else {
                    NO_QUEUE
                }
            })
            .collect();
        // The right transfer node of an intent: the one serving it by name fewest inputs from
        // the entry (ties: first in the file), else the nearest one serving everyone.
        let graph = MenuGraph::build(menu);
        let depth = graph.inputs_from_entry();
        let nearest = |serves: &dyn Fn(&crate::menu::Node) -> bool| {
            menu.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == NodeKind::Transfer && serves(n))
                .min_by_key(|(i, _)| depth.inputs[graph.vertex(crate::menu::NodeId(*i)).index()])
                .map(|(i, _)| i)
        };
        let right_queue = intents
            .intents
            .iter()
            .map(|intent| {
                let name = intent.name.value.as_str();
                nearest(&|n| n.serves().any(|s| s == name))
                    .or_else(|| nearest(&|n| n.serves_everyone()))
                    .map_or(NO_QUEUE, |i| node_queue[i])
            })
            .collect();
        Some(QueuePlan {
            names: traffic
                .queues
                .iter()
                .map(|q| q.name.value.clone())
                .collect(),
            node_queue,
            right_queue,
            handle: traffic
                .queues
                .iter()
                .map(|q| HandleTime {
                    mean: q.handle_time,
                    cv: q.handle_cv,
                })
                .collect(),
            patience: traffic.queues.iter().map(|q| q.patience).collect(),
            agents: traffic
                .queues
                .iter()
                .map(|q| (0..intervals).map(|k| q.agents.value.at(k)).collect())
                .collect(),
            arrivals,
            answer_within: traffic.service_level.answer_within,
            target: traffic.service_level.target,
            misroute_handle: traffic.misroute_handle_time,
        })
    }

    /// The queue transfer node `node` sends callers to ([`NO_QUEUE`]: none).
    pub fn node_queue(&self, node: usize) -> u32 {
        self.node_queue[node]
    }

    /// The queue of an intent's right transfer node ([`NO_QUEUE`]: none).
    pub fn right_queue(&self, intent: usize) -> u32 {
        self.right_queue[intent]
    }

    /// The queue an IVR call joins first and, for a misrouted one, where it goes next.
    fn offer(
        &self,
        intent: usize,
        call: &IvrCall,
        draws: &crate::queue::streams::CallDraws,
    ) -> Option<Offer> {
        if !call.outcome.reached_agent() {
            return None;
        }
        let queue = self.node_queue[call.node as usize];
        if queue == NO_QUEUE {
            return None;
        }
        let right = self.right_queue[intent];
        let transfer = (call.outcome == IvrOutcome::Misrouted
            && right != NO_QUEUE
            && right != queue)
            .then(|| Transfer {
                queue: right,
                patience: patience(self.patience[right as usize], draws.patience[1]),
            });
        let served_by = if transfer.is_some() { right } else { queue };
        Some(Offer {
            ivr: to_micros(call.time),
            queue,
            patience: patience(self.patience[queue as usize], draws.patience[0]),
            handle: self.handle[served_by as usize].sample(draws),
            transfer,
            tag: intent as u32,
        })
    }
}

/// End-to-end counts over the counted calls of one period (a batch, or a day).
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndToEndTally {
    pub calls: u64,
    /// Answered by the agent their intent needs.
    pub answered: u64,
    pub answered_in_time: u64,
    pub abandoned_ivr: u64,
    pub abandoned_queue: u64,
    pub transferred: u64,
    pub time_to_answer: Sums,
    pub time_to_answer_histogram: TimeHistogram,
}

impl EndToEndTally {
    pub fn merge(&mut self, other: &EndToEndTally) {
        self.calls += other.calls;
        self.answered += other.answered;
        self.answered_in_time += other.answered_in_time;
        self.abandoned_ivr += other.abandoned_ivr;
        self.abandoned_queue += other.abandoned_queue;
        self.transferred += other.transferred;
        self.time_to_answer.merge(&other.time_to_answer);
        self.time_to_answer_histogram
            .merge(&other.time_to_answer_histogram);
    }

    pub fn share(&self, count: u64) -> Option<f64> {
        (self.calls > 0).then(|| count as f64 / self.calls as f64)
    }

    /// Mean seconds from arrival to the right agent's answer.
    pub fn time_to_answer_mean(&self) -> Option<f64> {
        let t = &self.time_to_answer;
        (t.n > 0).then(|| t.sum as f64 / t.n as f64 / 1e6)
    }

    /// The `q` quantile of the time to answer, seconds.
    pub fn time_to_answer_quantile(&self, q: f64) -> Option<f64> {
        self.time_to_answer_histogram.quantile(q)
    }

    /// Share of answered calls answered within `answer_within` of their arrival.
    pub fn time_to_answer_within(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.answered_in_time as f64 / self.answered as f64)
    }
}

/// Everything a run through the queues counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueRunTally {
    /// Per queue and period, over the whole run (periods: batches, or intervals of a day).
    pub stage: StageTally,
    /// Steady state: per batch; days: per day (per queue and interval tallies in `days`).
    pub end_to_end: Vec<EndToEndTally>,
    /// Days: each day's stage tally (for the spread across days). Empty in steady state.
    pub days: Vec<StageTally>,
    /// Calls fed to the stage (counted or not).
    pub calls: u64,
}

impl QueueRunTally {
    /// The days of `later` after this run's days: the tally of a run of both sets of days
    /// (each day starts with empty queues, and every count is an exact integer sum, so the
    /// days of a run can be run apart and put back together to the same figures).
    pub fn append_days(&mut self, later: QueueRunTally) {
        if self.stage.queues.is_empty() {
            self.stage = later.stage;
        } else if !later.stage.queues.is_empty() {
            self.stage.merge(&later.stage);
        }
        self.end_to_end.extend(later.end_to_end);
        self.days.extend(later.days);
        self.calls += later.calls;
    }
}

/// One call made ready for the queue stage on a worker thread: everything about it that does
/// not depend on the calls before it (only its arrival time does).
#[derive(Clone, Copy, Debug)]
struct ReadyCall {
    intent: u32,
    abandoned_ivr: bool,
    /// Gap to the previous arrival at unit rate.
    gap: f64,
    offer: Option<Offer>,
}

/// The calls of one block, made ready in call order.
struct ReadyBlock {
    calls: Vec<ReadyCall>,
    /// A day's IVR calls, for the feeding thread to count as it feeds them (the day may end
    /// inside the block). Empty in steady state, where the worker counts them itself.
    ivr: Vec<IvrCall>,
}

/// What a worker needs to make a block ready: its number and the starts of its IVR and queue
/// streams (reached by fixed jumps on the feeding thread), and how many of its calls the run
/// takes (`None`: a day, which ends when its arrivals do).
struct BlockJob {
    ivr: Xoshiro256PlusPlus,
    draws: BlockDraws,
    count: Option<u64>,
}

/// The calls of one block through the IVR, with their queue draws and offers. In steady state
/// the IVR figures of the block's `count` calls go to `tally`; a day keeps the IVR calls for
/// the feeding thread.
fn ready_block(
    program: &Program,
    plan: &QueuePlan,
    pick: &WeightedAliasIndex<f64>,
    job: BlockJob,
    tally: Option<&std::sync::Mutex<Tally>>,
) -> ReadyBlock {
    let BlockJob {
        ivr: mut stream,
        mut draws,
        count,
    } = job;
    let n = count.unwrap_or(BLOCK) as usize;
    let mut calls = Vec::with_capacity(n);
    let mut ivr = Vec::with_capacity(if count.is_some() { 0 } else { n });
    let mut local = count.map(|_| Tally::for_program(program));
    for _ in 0..n {
        let mut rng = call_rng(&mut stream);
        let intent = pick.sample(&mut rng);
        let call = simulate_call(program, intent, &mut rng);
        let call_draws = draws.next_call();
        calls.push(ReadyCall {
            intent: intent as u32,
            abandoned_ivr: call.outcome == IvrOutcome::Abandoned,
            gap: call_draws.gap,
            offer: plan.offer(intent, &call, &call_draws),
        });
        match &mut local {
            Some(t) => t.add(intent, &call),
            None => ivr.push(call),
        }
    }
    if let (Some(local), Some(tally)) = (local, tally) {
        // Exact sums: the order in which blocks are added changes nothing.
        let mut tally = tally
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let total = std::mem::take(&mut *tally);
        *tally = total.merge(local);
    }
    ReadyBlock { calls, ivr }
}

/// Runs the calls through the IVR and the queues: `options.calls` calls in steady state, or
/// `days` days of intervals. The IVR figures (`Tally`, per intent and caller group) count
/// every call simulated: in steady state they are those of a run of the same calls without
/// queues.
///
/// Workers make blocks of calls ready (IVR walk, queue draws, offer) while this thread feeds
/// the previous chunk of blocks to the queue stage in call order: in steady state the next
/// chunk is made ready while this one is fed, so the stage's one thread and the IVR's
/// threads work at once. Two chunks at most are held, whatever `--calls` is.
pub fn run_with_queues(
    program: &Program,
    plan: &QueuePlan,
    options: RunOptions,
    days: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> (Tally, QueueRunTally) {
    run_queue_days(program, plan, options, 0..days.max(1), progress)
}

/// [`run_with_queues`] over the days `days` only, of a traffic file that describes a day in
/// intervals (a shard's share; in steady state the range is ignored and the one run is
/// made). Day `d` draws from the same streams whichever days are run, so the tallies of
/// consecutive ranges, put together with [`QueueRunTally::append_days`], are the tally of
/// the whole range.
pub fn run_queue_days(
    program: &Program,
    plan: &QueuePlan,
    options: RunOptions,
    days: std::ops::Range<u32>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Tally, QueueRunTally) {
    let mut result = QueueRunTally::default();
    let Ok(pick) = WeightedAliasIndex::new(program.shares.clone()) else {
        return (Tally::for_program(program), result);
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .ok();
    let workers = pool
        .as_ref()
        .map_or(1, rayon::ThreadPool::current_num_threads)
        .max(1);
    // One block per worker: the next chunk is made ready while this one is fed.
    let chunk = workers as u64;
    // One IVR tally per worker (steady state), merged at the end.
    let tallies: Vec<std::sync::Mutex<Tally>> = (0..workers)
        .map(|_| std::sync::Mutex::new(Tally::for_program(program)))
        .collect();
    let mut ivr = Tally::for_program(program);
    let (rate, counting, day_range, limit) = match &plan.arrivals {
        Arrivals::PerHour(per_hour) => (
            ArrivalRate::Constant {
                calls_per_hour: *per_hour,
            },
            Counting::Steady {
                warm_up: to_micros(WARM_UP_SECONDS),
                calls: options.calls,
                batches: BATCHES,
            },
            0..1,
            Some(options.calls),
        ),
        Arrivals::Day {
            interval_minutes,
            calls,
        } => (
            ArrivalRate::Intervals {
                interval: interval_minutes * 60.0,
                calls: calls.clone(),
            },
            Counting::Day {
                interval: to_micros(interval_minutes * 60.0),
            },
            days,
            None,
        ),
    };
    let steady = limit.is_some();
    let blocks_in_run = limit.map(|l| l.div_ceil(BLOCK));
    // The streams of block 0 of the current day.
    let mut day_draws = BlockDraws::new(options.seed, 0, 0);
    let mut day_ivr = stream_rng(options.seed, Stream::Ivr, 0, 0);
    for day in 0..day_range.end {
        if day > 0 {
            day_draws = day_draws.next_day();
            for _ in 0..4 {
                day_ivr.long_jump();
            }
        }
        // The days before the range only move the streams on.
        if day < day_range.start {
            continue;
        }
        let config = StageConfig {
            agents: plan.agents.clone(),
            answer_within: to_micros(plan.answer_within),
            misroute_handle: to_micros(plan.misroute_handle),
            counting,
        };
        let Ok(mut stage) = Stage::new(config) else {
            return (ivr, result);
        };
        let periods = if steady { BATCHES as usize } else { 1 };
        // The sink and the feeding loop both count into it.
        let e2e = std::cell::RefCell::new(vec![EndToEndTally::default(); periods]);
        let answer_within = to_micros(plan.answer_within);
        let mut sink = |o: Outcome| {
            let Some(batch) = o.batch else { return };
            let period = if steady { batch as usize } else { 0 };
            let mut e2e = e2e.borrow_mut();
            let t = &mut e2e[period.min(periods - 1)];
            t.transferred += u64::from(o.transferred);
            match o.fate {
                Fate::Answered { .. } => {
                    t.answered += 1;
                    if let Some(time) = o.time_to_answer() {
                        t.time_to_answer.record(time);
                        t.time_to_answer_histogram.record(time);
                        // Time to answer counted from arrival, IVR included.
                        t.answered_in_time += u64::from(time <= answer_within);
                    }
                }
                Fate::Abandoned { .. } => t.abandoned_queue += 1,
                Fate::Unserved { .. } => {}
            }
        };
        let mut clock = ArrivalClock::new(rate.clone());
        let mut fed: u64 = 0;
        // The next block to hand out, with its streams' starts.
        let mut next_block = 0u64;
        let mut next_draws = day_draws.clone();
        let mut next_ivr = day_ivr.clone();
        let mut jobs = || -> Vec<BlockJob> {
            let end = match blocks_in_run {
                Some(blocks) => (next_block + chunk).min(blocks),
                None => next_block + chunk,
            };
            let jobs = (next_block..end)
                .map(|b| {
                    let job = BlockJob {
                        ivr: next_ivr.clone(),
                        draws: next_draws.clone(),
                        count: limit.map(|l| BLOCK.min(l - b * BLOCK)),
                    };
                    next_ivr.jump();
                    next_draws = next_draws.next_block();
                    job
                })
                .collect();
            next_block = end;
            jobs
        };
        let tallies = &tallies;
        let pick = &pick;
        let make_ready = |jobs: Vec<BlockJob>| -> Vec<ReadyBlock> {
            let work = || {
                jobs.into_par_iter()
                    .map(|job| {
                        let tally = rayon::current_thread_index().map(|i| &tallies[i % workers]);
                        ready_block(program, plan, pick, job, tally.or(tallies.first()))
                    })
                    .collect()
            };
            match &pool {
                Some(pool) => pool.install(work),
                None => work(),
            }
        };
        std::thread::scope(|scope| {
            let mut pending = Some(scope.spawn({
                let jobs = jobs();
                move || make_ready(jobs)
            }));
            while let Some(handle) = pending.take() {
                let ready = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                // Steady state: make the next chunk ready while this one is fed. A day stops
                // where its arrivals do, so its next chunk waits until it is needed.
                if steady {
                    let jobs = jobs();
                    if !jobs.is_empty() {
                        pending = Some(scope.spawn(move || make_ready(jobs)));
                    }
                }
                let mut day_over = false;
                for block in ready {
                    let before = fed;
                    for (i, call) in block.calls.iter().enumerate() {
                        if limit.is_some_and(|l| fed >= l) {
                            day_over = true;
                            break;
                        }
                        let Some(arrival) = clock.next_arrival(call.gap) else {
                            day_over = true;
                            break;
                        };
                        fed += 1;
                        if let Some(ivr_call) = block.ivr.get(i) {
                            ivr.add(call.intent as usize, ivr_call);
                        }
                        let batch = stage.feed(
                            Call {
                                arrival,
                                offer: call.offer,
                            },
                            &mut sink,
                        );
                        if let Some(b) = batch {
                            let period = if steady { b as usize } else { 0 };
                            let mut e2e = e2e.borrow_mut();
                            let t = &mut e2e[period.min(periods - 1)];
                            t.calls += 1;
                            t.abandoned_ivr += u64::from(call.abandoned_ivr);
                        }
                    }
                    progress(fed - before);
                    if day_over {
                        break;
                    }
                }
                if !steady && !day_over {
                    let jobs = jobs();
                    pending = Some(scope.spawn(move || make_ready(jobs)));
                }
            }
        });
        let tally = stage.finish(&mut sink);
        let e2e = e2e.into_inner();
        result.calls += fed;
        if result.stage.queues.is_empty() {
            result.stage = tally.clone();
        } else {
            result.stage.merge(&tally);
        }
        if steady {
            result.end_to_end = e2e;
        } else {
            result.days.push(tally);
            let mut whole = EndToEndTally::default();
            for t in &e2e {
                whole.merge(t);
            }
            result.end_to_end.push(whole);
        }
    }
    for t in tallies {
        ivr = ivr.merge(
            t.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }
    (ivr, result)
}

/// The values a queue figure can take, which its interval keeps to.
///
/// A Student t interval is symmetric, so around a share near 0 or 1 (a service level of 99%
/// from a few batches, say) it reaches past what a share can be. Its bounds are cut at the
/// figure's range: the true value lies in the range, so it lies in the cut interval exactly
/// when it lay in the whole one, and the 95% coverage is unchanged; only impossible values go.
/// The interval still holds the figure itself, which is in the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// A share, from 0 to 1 (a difference of two: from -1 to 1).
    Share,
    /// A time, 0 or more (a difference of two: any value).
    Time,
}

impl Bounds {
    /// The interval cut at the figure's range.
    pub fn clip(self, ci: Interval) -> Interval {
        let hi = ci.hi.map(|hi| match self {
            Bounds::Share => hi.min(1.0),
            Bounds::Time => hi,
        });
        Interval {
            lo: ci.lo.max(0.0),
            hi,
        }
    }

    /// The interval of a difference of two such figures (B minus A) cut at its range.
    pub fn clip_difference(self, ci: Interval) -> Interval {
        match self {
            Bounds::Share => Interval {
                lo: ci.lo.max(-1.0),
                hi: ci.hi.map(|hi| hi.min(1.0)),
            },
            Bounds::Time => ci,
        }
    }
}

/// A 95% interval around `value` (the figure over the whole run) from the spread of its
/// independent replicates (batches or days), kept to the figure's `bounds`. The one place
/// queue intervals are made, so a better interval serves every figure at once.
pub fn replicate_interval(
    value: Option<f64>,
    replicates: impl IntoIterator<Item = Option<f64>>,
    bounds: Bounds,
) -> Option<Interval> {
    let value = value?;
    let estimate = batch_means(replicates)?;
    // Student t on the replicates (batches or days): few replicates widen the interval.
    let half = t_quantile(estimate.batches as u64 - 1) * estimate.standard_error;
    Some(bounds.clip(Interval::closed(value - half, value + half)))
}

/// A 95% interval around `diff` (B's figure over the whole run minus A's) from the paired
/// replicates of two runs on the same seed: batch `k` (or day `k`) of B against batch `k` of
/// A, which met the same arrivals, intents, patience and handle times. Student t on the
/// replicates' differences, cut at the range of a difference of two shares (`Some(Bounds)`);
/// with `sum` (`None`), the figure is a total over the replicates (a count), so the interval
/// is the replicates' count times that of their mean. No interval when every replicate
/// differed by the same amount (two identical menus) or fewer than two had both.
pub fn replicate_difference_interval(
    diff: f64,
    pairs: impl IntoIterator<Item = (Option<f64>, Option<f64>)>,
    bounds: Option<Bounds>,
) -> Option<Interval> {
    let sum = bounds.is_none();
    let estimate = batch_means(pairs.into_iter().map(|(a, b)| Some(b? - a?)))?;
    if estimate.standard_error == 0.0 || !estimate.standard_error.is_finite() {
        return None;
    }
    let scale = if sum { estimate.batches as f64 } else { 1.0 };
    let half = t_quantile(estimate.batches as u64 - 1) * estimate.standard_error * scale;
    let ci = Interval::closed(diff - half, diff + half);
    Some(bounds.map_or(ci, |b| b.clip_difference(ci)))
}

/// A figure and its interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Estimate {
    pub value: Option<f64>,
    pub ci95: Option<Interval>,
}

/// Wait of answered calls, seconds. The quantiles' intervals come from the spread of each
/// replicate's quantile (batches or days), like every queue figure's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Wait {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub p50_ci95: Option<Interval>,
    pub p90_ci95: Option<Interval>,
    pub p99_ci95: Option<Interval>,
}

/// A queue's (or all queues') figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct QueueFigures {
    /// Calls that joined the queue (first joins and joins after a misroute).
    pub offered: u64,
    pub answered: u64,
    /// Share of the offered calls an agent answered (the rest hung up in the queue, or were
    /// still waiting when the run ended).
    pub answered_share: Estimate,
    pub service_level: Estimate,
    pub asa: Estimate,
    pub p_wait: Estimate,
    pub abandoned: Estimate,
    pub occupancy: Estimate,
    pub wait: Wait,
}

type Figure = fn(&QueueTally) -> Option<f64>;
const FIGURES: [(Figure, Bounds); 6] = [
    (QueueTally::service_level, Bounds::Share),
    (QueueTally::asa, Bounds::Time),
    (QueueTally::p_wait, Bounds::Share),
    (QueueTally::abandoned_share, Bounds::Share),
    (QueueTally::occupancy, Bounds::Share),
    (QueueTally::answered_share, Bounds::Share),
];

/// Figures of `total`, with intervals from its replicates.
fn queue_figures(total: &QueueTally, replicates: &[QueueTally]) -> QueueFigures {
    let estimate = |i: usize| {
        let (figure, bounds) = FIGURES[i];
        let value = figure(total);
        Estimate {
            value,
            ci95: replicate_interval(value, replicates.iter().map(figure), bounds),
        }
    };
    QueueFigures {
        offered: total.offered,
        answered: total.answered,
        answered_share: estimate(5),
        service_level: estimate(0),
        asa: estimate(1),
        p_wait: estimate(2),
        abandoned: estimate(3),
        occupancy: estimate(4),
        wait: {
            let quantile = |q: f64| {
                let value = total.wait_quantile(q);
                let ci = replicate_interval(
                    value,
                    replicates.iter().map(|r| r.wait_quantile(q)),
                    Bounds::Time,
                );
                (value, ci)
            };
            let ((p50, p50_ci95), (p90, p90_ci95), (p99, p99_ci95)) =
                (quantile(0.5), quantile(0.9), quantile(0.99));
            Wait {
                mean: total.asa(),
                p50,
                p90,
                p99,
                p50_ci95,
                p90_ci95,
                p99_ci95,
            }
        },
    }
}

/// One interval of a day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IntervalFigures {
    /// Minutes from the start of the day.
    pub start_minutes: f64,
    pub overall: QueueFigures,
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueFigures)>,
}

/// Per call, from arrival to the right agent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EndToEnd {
    /// Calls counted.
    pub calls: u64,
    /// Share answered by the agent their intent needs.
    pub answered: Estimate,
    /// Share that hung up, in the IVR or in a queue.
    pub abandoned_total: Estimate,
    /// Share answered by a wrong agent and transferred.
    pub transferred: Estimate,
    /// Seconds from arrival to the right agent's answer, over answered calls.
    pub time_to_answer: Option<Distribution>,
    /// Share of answered calls whose time to answer is within `answer_within`.
    pub time_to_answer_within: Option<f64>,
}

/// The queue part of a simulation report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueueReport {
    /// `steady` (calls per hour, first hour not counted) or `day` (intervals).
    pub mode: &'static str,
    /// Days simulated (day mode).
    pub days: Option<u32>,
    pub answer_within: f64,
    pub target: f64,
    pub overall: QueueFigures,
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueFigures)>,
    pub end_to_end: EndToEnd,
    /// Per interval of the day (day mode).
    pub intervals: Option<Vec<IntervalFigures>>,
}

/// The tally of queue `q` (`None`: all queues) over period `p` (`None`: all periods) of the
/// whole run.
pub fn total_tally(tally: &QueueRunTally, q: Option<usize>, p: Option<usize>) -> QueueTally {
    stage_total(&tally.stage, q, p)
}

fn stage_total(stage: &StageTally, q: Option<usize>, p: Option<usize>) -> QueueTally {
    let mut t = QueueTally::default();
    for (qi, periods) in stage.queues.iter().enumerate() {
        if q.is_some_and(|q| q != qi) {
            continue;
        }
        for (pi, x) in periods.iter().enumerate() {
            if p.is_none_or(|p| p == pi) {
                t.merge(x);
            }
        }
    }
    t
}

/// The independent replicates of queue `q` (`None`: all queues) over period `p` (`None`: all
/// periods): the batches in steady state (periods are batches there, so `p` is not used), or
/// the days. Two runs on the same seed have the same replicates, call for call.
pub fn replicate_tallies(
    tally: &QueueRunTally,
    q: Option<usize>,
    p: Option<usize>,
) -> Vec<QueueTally> {
    if tally.days.is_empty() {
        let batches = tally.stage.queues.first().map_or(0, Vec::len);
        (0..batches)
            .map(|b| {
                let mut t = QueueTally::default();
                for (qi, periods) in tally.stage.queues.iter().enumerate() {
                    if q.is_none_or(|q| q == qi) {
                        t.merge(&periods[b]);
                    }
                }
                t
            })
            .collect()
    } else {
        tally
            .days
            .iter()
            .map(|day| stage_total(day, q, p))
            .collect()
    }
}

/// The report of a run through the queues.
pub fn queue_report(plan: &QueuePlan, tally: &QueueRunTally) -> QueueReport {
    let steady = tally.days.is_empty();
    let queue_count = plan.names.len();
    let figures = |q, p| queue_figures(&total_tally(tally, q, p), &replicate_tallies(tally, q, p));
    let intervals = match &plan.arrivals {
        Arrivals::Day {
            interval_minutes,
            calls,
        } => Some(
            (0..calls.len())
                .map(|k| IntervalFigures {
                    start_minutes: k as f64 * interval_minutes,
                    overall: figures(None, Some(k)),
                    queues: (0..queue_count)
                        .map(|q| (plan.names[q].clone(), figures(Some(q), Some(k))))
                        .collect(),
                })
                .collect(),
        ),
        Arrivals::PerHour(_) => None,
    };
    let mut e2e = EndToEndTally::default();
    for t in &tally.end_to_end {
        e2e.merge(t);
    }
    let e2e_estimate = |count: fn(&EndToEndTally) -> u64| {
        let value = e2e.share(count(&e2e));
        Estimate {
            value,
            ci95: replicate_interval(
                value,
                tally.end_to_end.iter().map(|t| t.share(count(t))),
                Bounds::Share,
            ),
        }
    };
    // Calls in a queue wait behind the same busy agents, so they are not independent: the
    // intervals come from the spread of the replicates, not from the calls as a sample.
    let time_to_answer = (e2e.time_to_answer.n > 0).then(|| {
        let mut d = Distribution::of_times(&e2e.time_to_answer, &e2e.time_to_answer_histogram);
        let replicates = &tally.end_to_end;
        d.mean_ci95 = replicate_interval(
            Some(d.mean),
            replicates.iter().map(|t| t.time_to_answer_mean()),
            Bounds::Time,
        );
        d.p50_ci95 = replicate_interval(
            d.p50,
            replicates.iter().map(|t| t.time_to_answer_quantile(0.5)),
            Bounds::Time,
        );
        d.p90_ci95 = replicate_interval(
            d.p90,
            replicates.iter().map(|t| t.time_to_answer_quantile(0.9)),
            Bounds::Time,
        );
        d.p99_ci95 = replicate_interval(
            d.p99,
            replicates.iter().map(|t| t.time_to_answer_quantile(0.99)),
            Bounds::Time,
        );
        d
    });
    QueueReport {
        mode: if steady { "steady" } else { "day" },
        days: (!steady).then_some(tally.days.len() as u32),
        answer_within: plan.answer_within,
        target: plan.target,
        overall: figures(None, None),
        queues: (0..queue_count)
            .map(|q| (plan.names[q].clone(), figures(Some(q), None)))
            .collect(),
        end_to_end: EndToEnd {
            calls: e2e.calls,
            answered: e2e_estimate(|t| t.answered),
            abandoned_total: e2e_estimate(|t| t.abandoned_ivr + t.abandoned_queue),
            transferred: e2e_estimate(|t| t.transferred),
            time_to_answer,
            time_to_answer_within: e2e.time_to_answer_within(),
        },
        intervals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_interval_stays_within_zero_and_one_and_a_time_interval_above_zero() {
        // Three batches with service levels 1, 1 and 0.7: Student t around 0.9 reaches past 1.
        let batches = [Some(1.0), Some(1.0), Some(0.7)];
        let ci = replicate_interval(Some(0.9), batches, Bounds::Share).unwrap();
        assert_eq!(ci.hi, Some(1.0));
        assert!(ci.lo > 0.0 && ci.lo < 0.9, "{ci:?}");
        // The same numbers as a share near 0 (abandonment 0, 0, 0.3) lose their negative part.
        let batches = [Some(0.0), Some(0.0), Some(0.3)];
        let ci = replicate_interval(Some(0.1), batches, Bounds::Share).unwrap();
        assert_eq!(ci.lo, 0.0);
        assert!(ci.hi.unwrap() > 0.1 && ci.hi.unwrap() < 1.0, "{ci:?}");
        // A time (seconds) has no upper bound but cannot be negative.
        let batches = [Some(0.0), Some(0.0), Some(30.0)];
        let ci = replicate_interval(Some(10.0), batches, Bounds::Time).unwrap();
        assert_eq!(ci.lo, 0.0);
        assert!(ci.hi.unwrap() > 30.0, "{ci:?}");
    }

    #[test]
    fn an_interval_inside_the_range_is_left_as_it_is() {
        let batches = [Some(0.4), Some(0.5), Some(0.6)];
        let ci = replicate_interval(Some(0.5), batches, Bounds::Share).unwrap();
        let half = crate::stats::t_quantile(2) * 0.1 / 3f64.sqrt();
        assert!((ci.lo - (0.5 - half)).abs() < 1e-12);
        assert!((ci.hi.unwrap() - (0.5 + half)).abs() < 1e-12);
    }
}
