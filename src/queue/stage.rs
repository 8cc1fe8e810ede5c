//! The queue stage: calls leaving the IVR for agent queues, simulated event by event.
//!
//! Calls are fed in arrival order; each may join a queue after its IVR time, so joins come out
//! of order and wait in a time-ordered heap until no later-fed call can join before them (a
//! call arriving at `a` joins at `a` or later). Joins are then handled in time order across
//! all queues.
//!
//! Within a queue, first come first served makes a caller's wait depend only on the callers
//! who joined before him: he gets the agent that frees first after every earlier answered
//! caller took theirs. So each queue keeps only its agents' free times in a min-heap; a
//! joining caller's wait `W` is `max(0, earliest free - join)`, he hangs up if `W` exceeds his
//! patience (taking no agent time), and otherwise that agent is busy until the answer plus the
//! handle time. A call costs O(log agents) and no events for hang-ups are needed.
//!
//! Staffing that changes at interval boundaries: when agents are added they are free at the
//! boundary; when agents go, callers with an agent finish and the fewer agents take new calls
//! only, so the agents that free first after the boundary are the ones that leave. A caller
//! who could not be answered before the next boundary (and would still be waiting then) waits
//! in a first-come-first-served line until the boundary sets the staffing his answer depends
//! on. After a day's last interval its staffing stays until every caller is answered or gone.
//!
//! Occupancy sets the agent time spent handling calls inside a window of time (a batch's span
//! of arrivals, or an interval) against the agent time available in that same window, so it
//! is at most 1 and, in steady state, near the offered load per agent. Handlings are not cut
//! into windows one by one: when the stage has handled every join up to a window's edge `t`
//! (and none after it), an agent free at `f > t` is busy without a break from `t` to `f` (a
//! call answered after `t` took the agent the moment it freed, since it had joined by `t`), so
//! the handling time before `t` is all handling so far minus the agents' `f - t`. A window's
//! busy time is the difference of that figure at its two edges. Agents who leave at a staffing
//! drop while finishing a call stay in the figure until they are done, and their time counts
//! as available as well as busy.
//!
//! Memory holds only the calls in the IVR or in a queue line, never the calls already decided.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::tally::QueueTally;
use super::{Micros, NEVER};

/// A queue, by its index in the staffing table.
pub type QueueId = u32;

/// A misrouted call: once the wrong agent has handled it, it joins this queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// The queue of the right transfer node (differs from the first queue).
    pub queue: QueueId,
    /// Patience in that queue (microseconds, a fresh draw; [`NEVER`]: never hangs up).
    pub patience: Micros,
}

/// The queue part of a call that leaves the IVR for an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Time spent in the IVR before joining, microseconds.
    pub ivr: Micros,
    /// The queue joined first.
    pub queue: QueueId,
    /// Patience in that queue, microseconds ([`NEVER`]: never hangs up).
    pub patience: Micros,
    /// Time the right agent spends on the call, microseconds.
    pub handle: Micros,
    /// For a misrouted call, where the wrong agent sends it; `None` for a call that reached
    /// the right queue (including a misrouted call whose right queue is this one).
    pub transfer: Option<Transfer>,
    /// The caller's own label, handed back with the call's [`Outcome`] (an intent, say).
    pub tag: u32,
}

/// One call, fed in arrival order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// Arrival time, microseconds from the start of the run (or day).
    pub arrival: Micros,
    /// The queue part, `None` for a call that ends in the IVR.
    pub offer: Option<Offer>,
}

/// How the end of a call that joined a queue went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Answered by the right agent at this time.
    Answered { at: Micros },
    /// Hung up waiting in this queue at this time.
    Abandoned { queue: QueueId, at: Micros },
    /// Still waiting in this queue when the run ended.
    Unserved { queue: QueueId },
}

/// The end of a call that joined a queue, handed to the caller's sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The offer's tag.
    pub tag: u32,
    pub arrival: Micros,
    /// The batch the call counts in ([`Stage::feed`] returned it).
    pub batch: Option<u32>,
    /// Whether a wrong agent answered it and transferred it.
    pub transferred: bool,
    pub fate: Fate,
}

impl Outcome {
    /// From arrival to being answered by the right agent (IVR, waits and misroute handling).
    pub fn time_to_answer(&self) -> Option<Micros> {
        match self.fate {
            Fate::Answered { at } => Some(at - self.arrival),
            _ => None,
        }
    }
}

/// Which calls count, and how they are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// A steady-state run: calls arriving before `warm_up` are simulated but not counted;
    /// the counted ones among the `calls` fed are cut into `batches` batches of consecutive
    /// calls (periods of the tallies are batches). Staffing is one number per queue.
    Steady {
        warm_up: Micros,
        calls: u64,
        batches: u32,
    },
    /// A day of intervals of this length: every call counts, in the interval in which it
    /// joins the queue (joins after the last interval count in the last). Staffing is one
    /// number per queue and interval.
    Day { interval: Micros },
}

/// What the stage needs to know.
#[derive(Clone, Debug, PartialEq)]
pub struct StageConfig {
    /// Agents of each queue: one number, or (with [`Counting::Day`]) one per interval.
    pub agents: Vec<Vec<u32>>,
    /// A call answered within this wait counts towards the service level.
    pub answer_within: Micros,
    /// Time a wrong agent spends on a misrouted call before transferring it.
    pub misroute_handle: Micros,
    pub counting: Counting,
}

/// A staffing table that does not fit the counting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// A queue's agents are not one number (steady state) or the same length as the other
    /// queues' (day).
    AgentsShape { queue: QueueId },
    /// Zero batches or a zero-length interval.
    NoPeriods,
}

/// Everything counted, per queue and period: `queues[q][p]`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageTally {
    pub queues: Vec<Vec<QueueTally>>,
}

impl StageTally {
    /// One queue over all periods.
    pub fn queue(&self, queue: QueueId) -> QueueTally {
        let mut all = QueueTally::default();
        for p in &self.queues[queue as usize] {
            all.merge(p);
        }
        all
    }

    /// All queues in one period.
    pub fn period(&self, period: usize) -> QueueTally {
        let mut all = QueueTally::default();
        for q in &self.queues {
            all.merge(&q[period]);
        }
        all
    }

    /// All queues over all periods.
    pub fn overall(&self) -> QueueTally {
        let mut all = QueueTally::default();
        for q in &self.queues {
            for p in q {
                all.merge(p);
            }
        }
        all
    }

    /// Adds another run's tally period by period (days of the same shape).
    pub fn merge(&mut self, other: &StageTally) {
        for (a, b) in self.queues.iter_mut().zip(&other.queues) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// A call on its way into a queue.
#[derive(Clone, Copy, Debug)]
struct Join {
    time: Micros,
    /// Feed order, breaking ties between equal times.
    seq: u64,
    arrival: Micros,
    queue: QueueId,
    patience: Micros,
    handle: Micros,
    transfer: Option<Transfer>,
    tag: u32,
    batch: Option<u32>,
    transferred: bool,
}

impl Join {
    fn deadline(&self) -> Micros {
        self.time.saturating_add(self.patience)
    }
}

/// Joins waiting for their time, earliest first, then in feed order. The heap orders one
/// 128-bit key per join — time, then the feed order's low 32 bits, then the slot in the slab
/// where the call itself stays put — so reordering moves 16 bytes, not a call. (Feed orders
/// 2^32 apart could only tie if one call stayed in the IVR while four billion others went by.)
#[derive(Clone, Debug, Default)]
struct JoinQueue {
    order: BinaryHeap<Reverse<u128>>,
    slab: Vec<Join>,
    vacant: Vec<u32>,
}

impl JoinQueue {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn next_time(&self) -> Option<Micros> {
        self.order.peek().map(|Reverse(key)| (key >> 64) as Micros)
    }

    fn push(&mut self, join: Join) {
        let slot = match self.vacant.pop() {
            Some(slot) => {
                self.slab[slot as usize] = join;
                slot
            }
            None => {
                self.slab.push(join);
                (self.slab.len() - 1) as u32
            }
        };
        let key =
            u128::from(join.time) << 64 | u128::from(join.seq as u32) << 32 | u128::from(slot);
        self.order.push(Reverse(key));
    }

    fn pop(&mut self) -> Option<Join> {
        let Reverse(key) = self.order.pop()?;
        let slot = key as u32;
        self.vacant.push(slot);
        Some(self.slab[slot as usize])
    }
}

/// One queue's agents and line.
#[derive(Clone, Debug, Default)]
struct QueueState {
    /// When each agent taking calls is next free.
    free: BinaryHeap<Reverse<Micros>>,
    /// Callers who cannot be answered before the next staffing change, in join order, with
    /// the period they count in.
    line: VecDeque<(Join, Option<usize>)>,
    /// Agent time committed to every answered call so far, counted or not.
    handled: u128,
    /// When agents who left at a staffing drop while handling a call are free.
    departed: Vec<Micros>,
    /// Handling time before the current window's start.
    busy_mark: u128,
}

impl QueueState {
    /// Agent time spent handling calls before `t`, when every join up to `t` and none after it
    /// has been handled: each agent still busy at `t` is busy without a break until it frees.
    fn busy_before(&self, t: Micros) -> u128 {
        let after: u128 = self
            .free
            .iter()
            .map(|&Reverse(f)| f)
            .chain(self.departed.iter().copied())
            .map(|f| u128::from(f.saturating_sub(t)))
            .sum();
        self.handled.saturating_sub(after)
    }
}

/// Steady-state batch bookkeeping.
#[derive(Clone, Debug)]
struct Batches {
    warm_up: Micros,
    calls: u64,
    batches: u32,
    fed: u64,
    first_counted: Option<u64>,
    current: u32,
    /// Feed index at which the next batch starts.
    next_start: u64,
    /// The current batch's span starts here (the last arrival of the batch before).
    span_start: Micros,
    last_arrival: Micros,
    /// Whether the first batch's window has been opened at the end of the warm-up.
    opened: bool,
}

/// The queue stage of a run (or of one day).
#[derive(Clone, Debug)]
pub struct Stage {
    agents: Vec<Vec<u32>>,
    answer_within: Micros,
    misroute_handle: Micros,
    interval: Option<Micros>,
    intervals: usize,
    batches: Option<Batches>,
    queues: Vec<QueueState>,
    joins: JoinQueue,
    seq: u64,
    /// The interval whose staffing is in force, and when it ends.
    current_interval: usize,
    next_boundary: Micros,
    /// A day: the end of its last interval, until that interval's window is closed (then,
    /// and in steady state, [`NEVER`]).
    day_end: Micros,
    /// Where the window whose busy time is being measured starts.
    window_start: Micros,
    tally: StageTally,
}

impl Stage {
    pub fn new(config: StageConfig) -> Result<Stage, ConfigError> {
        let queue_count = config.agents.len();
        let (interval, intervals, batches, periods) = match config.counting {
            Counting::Steady {
                warm_up,
                calls,
                batches,
            } => {
                if batches == 0 {
                    return Err(ConfigError::NoPeriods);
                }
                let state = Batches {
                    warm_up,
                    calls,
                    batches,
                    fed: 0,
                    first_counted: None,
                    current: 0,
                    next_start: 0,
                    span_start: warm_up,
                    last_arrival: warm_up,
                    opened: false,
                };
                (None, 1, Some(state), batches as usize)
            }
            Counting::Day { interval } => {
                let n = config.agents.first().map_or(1, Vec::len);
                if interval == 0 || n == 0 {
                    return Err(ConfigError::NoPeriods);
                }
                (Some(interval), n, None, n)
            }
        };
        for (q, agents) in config.agents.iter().enumerate() {
            if agents.len() != intervals {
                return Err(ConfigError::AgentsShape {
                    queue: q as QueueId,
                });
            }
        }
        let mut tally = StageTally {
            queues: vec![vec![QueueTally::default(); periods]; queue_count],
        };
        if let Some(length) = interval {
            for (q, agents) in config.agents.iter().enumerate() {
                for (k, &n) in agents.iter().enumerate() {
                    tally.queues[q][k].available = u128::from(n) * u128::from(length);
                }
            }
        }
        let queues = config
            .agents
            .iter()
            .map(|agents| QueueState {
                free: std::iter::repeat_n(Reverse(0), agents[0] as usize).collect(),
                line: VecDeque::new(),
                handled: 0,
                departed: Vec::new(),
                busy_mark: 0,
            })
            .collect();
        Ok(Stage {
            agents: config.agents,
            answer_within: config.answer_within,
            misroute_handle: config.misroute_handle,
            interval,
            intervals,
            batches,
            queues,
            joins: JoinQueue::default(),
            seq: 0,
            current_interval: 0,
            next_boundary: match interval {
                Some(length) if intervals > 1 => length,
                _ => NEVER,
            },
            day_end: interval.map_or(NEVER, |length| length.saturating_mul(intervals as u64)),
            window_start: 0,
            tally,
        })
    }

    /// Calls held now: in the IVR on their way to a queue, or in a queue's line. Answered and
    /// abandoned calls are not held.
    pub fn live(&self) -> usize {
        self.joins.len() + self.queues.iter().map(|q| q.line.len()).sum::<usize>()
    }

    /// Takes the next call (arrival times must not decrease) and returns the batch it counts
    /// in (`None`: warm-up, not counted; a day is batch 0). Calls whose fate is decided go to
    /// `sink`, in the order they are decided.
    pub fn feed(&mut self, call: Call, sink: &mut impl FnMut(Outcome)) -> Option<u32> {
        if let Some(b) = &mut self.batches
            && !b.opened
            && call.arrival >= b.warm_up
        {
            // The first batch's window opens at the end of the warm-up: handle the joins up to
            // it (they come before this call's in time order anyway) and mark the busy time.
            b.opened = true;
            let warm_up = b.warm_up;
            while self.joins.next_time().is_some_and(|t| t <= warm_up) {
                if let Some(join) = self.joins.pop() {
                    self.join(join, sink);
                }
            }
            self.close_window(None, warm_up);
        }
        let batch = self.batch_of(call.arrival);
        // No call fed from now on joins before `call.arrival`.
        while self.joins.next_time().is_some_and(|t| t <= call.arrival) {
            if let Some(join) = self.joins.pop() {
                self.join(join, sink);
            }
        }
        if let Some(offer) = call.offer {
            let join = Join {
                time: call.arrival.saturating_add(offer.ivr),
                seq: self.seq,
                arrival: call.arrival,
                queue: offer.queue,
                patience: offer.patience,
                handle: offer.handle,
                transfer: offer.transfer,
                tag: offer.tag,
                batch,
                transferred: false,
            };
            self.seq += 1;
            if join.time == call.arrival {
                self.join(join, sink);
            } else {
                self.joins.push(join);
            }
        }
        batch
    }

    /// Decides every call still held and returns the tallies.
    pub fn finish(mut self, sink: &mut impl FnMut(Outcome)) -> StageTally {
        // The last batch's window ends at the last arrival, where the stage's clock is now.
        if let Some(b) = &self.batches
            && b.first_counted.is_some()
        {
            let (current, end) = (b.current as usize, b.last_arrival);
            self.close_window(Some(current), end);
        }
        while let Some(join) = self.joins.pop() {
            self.join(join, sink);
        }
        // The remaining staffing changes decide the callers in line and close the intervals'
        // windows (with no one in line they decide nothing).
        while self.next_boundary != NEVER {
            self.boundary(sink);
        }
        if self.day_end != NEVER {
            self.close_window(Some(self.intervals - 1), self.day_end);
            self.day_end = NEVER;
        }
        if let Some(b) = &self.batches {
            let span = b.last_arrival.saturating_sub(b.span_start);
            let current = b.current as usize;
            if b.first_counted.is_some() {
                for (q, agents) in self.agents.iter().enumerate() {
                    self.tally.queues[q][current].available +=
                        u128::from(agents[0]) * u128::from(span);
                }
            }
        }
        self.tally
    }

    /// Steady state: the batch of the next fed call, closing the agent time of a finished
    /// batch. A day: batch 0.
    fn batch_of(&mut self, arrival: Micros) -> Option<u32> {
        let Some(b) = &mut self.batches else {
            return Some(0);
        };
        let index = b.fed;
        b.fed += 1;
        if arrival < b.warm_up {
            return None;
        }
        let first = *b.first_counted.get_or_insert(index);
        let counted = b.calls.saturating_sub(first).max(1);
        let batches = u64::from(b.batches);
        // Batch `k` holds the counted calls `j` (from 0) with `k <= j * batches / counted < k + 1`.
        let start_of = |k: u64| first + (k * counted).div_ceil(batches);
        let mut closed = None;
        let close_at = b.last_arrival;
        if index == first {
            b.next_start = start_of(1);
        }
        while index >= b.next_start && b.current + 1 < b.batches {
            if index > first {
                closed.get_or_insert(b.current);
            }
            b.current += 1;
            b.next_start = start_of(u64::from(b.current) + 1);
        }
        if let Some(done) = closed {
            let span = b.last_arrival.saturating_sub(b.span_start);
            for (q, agents) in self.agents.iter().enumerate() {
                self.tally.queues[q][done as usize].available +=
                    u128::from(agents[0]) * u128::from(span);
            }
            b.span_start = b.last_arrival;
        }
        b.last_arrival = arrival;
        let current = b.current;
        if let Some(done) = closed {
            self.close_window(Some(done as usize), close_at);
        }
        Some(current)
    }

    /// Ends the current window at `t` and starts the next there: the busy time since the
    /// window's start goes to `period` (`None`: the warm-up, not counted), with the time agents
    /// who left at a staffing drop spent finishing calls inside it as available time too.
    /// Called when every join up to `t` and none after it has been handled.
    fn close_window(&mut self, period: Option<usize>, t: Micros) {
        let start = self.window_start;
        for (q, queue) in self.queues.iter_mut().enumerate() {
            let busy = queue.busy_before(t);
            if let Some(p) = period {
                let tally = &mut self.tally.queues[q][p];
                tally.busy += busy.saturating_sub(queue.busy_mark);
                // Agents leave at a window's start, so they are busy from it until they free.
                tally.available += queue
                    .departed
                    .iter()
                    .map(|&f| u128::from(f.min(t).saturating_sub(start)))
                    .sum::<u128>();
            }
            queue.departed.retain(|&f| f > t);
            queue.busy_mark = busy;
        }
        self.window_start = t;
    }

    /// Handles a join, after any staffing change due by its time.
    fn join(&mut self, join: Join, sink: &mut impl FnMut(Outcome)) {
        while join.time >= self.next_boundary {
            self.boundary(sink);
        }
        if join.time >= self.day_end {
            self.close_window(Some(self.intervals - 1), self.day_end);
            self.day_end = NEVER;
        }
        let period = match self.interval {
            Some(length) => Some(((join.time / length) as usize).min(self.intervals - 1)),
            None => join.batch.map(|b| b as usize),
        };
        self.enter(join, period, sink);
    }

    /// A caller enters a queue: behind its line if it has one, else at an agent if the
    /// staffing in force decides his wait.
    fn enter(&mut self, join: Join, period: Option<usize>, sink: &mut impl FnMut(Outcome)) {
        let queue = &mut self.queues[join.queue as usize];
        if !queue.line.is_empty() {
            // Answered at the next boundary at the earliest.
            if join.deadline() < self.next_boundary {
                self.abandon(join, period, sink);
            } else {
                queue.line.push_back((join, period));
            }
            return;
        }
        let answer = queue
            .free
            .peek()
            .map_or(NEVER, |&Reverse(free)| free.max(join.time));
        if answer >= self.next_boundary {
            // The staffing after the boundary (or, with no boundary left, no agents at all).
            if join.deadline() < self.next_boundary {
                self.abandon(join, period, sink);
            } else if self.next_boundary == NEVER {
                self.unserved(join, period, sink);
            } else {
                queue.line.push_back((join, period));
            }
            return;
        }
        let wait = answer - join.time;
        if wait > join.patience {
            self.abandon(join, period, sink);
            return;
        }
        let held = if join.transfer.is_some() {
            self.misroute_handle
        } else {
            join.handle
        };
        if let Some(mut top) = queue.free.peek_mut() {
            *top = Reverse(answer.saturating_add(held));
        }
        queue.handled += u128::from(held);
        if let Some(p) = period {
            let t = &mut self.tally.queues[join.queue as usize][p];
            t.record_answer(wait, self.answer_within);
            t.transferred += u64::from(join.transfer.is_some());
        }
        match join.transfer {
            Some(transfer) => {
                self.joins.push(Join {
                    time: answer.saturating_add(held),
                    seq: self.seq,
                    queue: transfer.queue,
                    patience: transfer.patience,
                    transfer: None,
                    transferred: true,
                    ..join
                });
                self.seq += 1;
            }
            None => sink(Outcome {
                tag: join.tag,
                arrival: join.arrival,
                batch: join.batch,
                transferred: join.transferred,
                fate: Fate::Answered { at: answer },
            }),
        }
    }

    fn abandon(&mut self, join: Join, period: Option<usize>, sink: &mut impl FnMut(Outcome)) {
        if let Some(p) = period {
            let t = &mut self.tally.queues[join.queue as usize][p];
            t.offered += 1;
            t.waited += 1;
            t.abandoned += 1;
        }
        sink(Outcome {
            tag: join.tag,
            arrival: join.arrival,
            batch: join.batch,
            transferred: join.transferred,
            fate: Fate::Abandoned {
                queue: join.queue,
                at: join.deadline(),
            },
        });
    }

    fn unserved(&mut self, join: Join, period: Option<usize>, sink: &mut impl FnMut(Outcome)) {
        if let Some(p) = period {
            let t = &mut self.tally.queues[join.queue as usize][p];
            t.offered += 1;
            t.waited += 1;
            t.unserved += 1;
        }
        sink(Outcome {
            tag: join.tag,
            arrival: join.arrival,
            batch: join.batch,
            transferred: join.transferred,
            fate: Fate::Unserved { queue: join.queue },
        });
    }

    /// The next interval's staffing comes into force; the callers in line are decided again
    /// under it, first come first served.
    fn boundary(&mut self, sink: &mut impl FnMut(Outcome)) {
        let at = self.next_boundary;
        self.close_window(Some(self.current_interval), at);
        self.current_interval += 1;
        let k = self.current_interval;
        self.next_boundary = match self.interval {
            Some(length) if k + 1 < self.intervals => length * (k as u64 + 1),
            _ => NEVER,
        };
        for q in 0..self.queues.len() {
            let now = self.agents[q][k] as usize;
            let queue = &mut self.queues[q];
            let before = queue.free.len();
            if now > before {
                queue
                    .free
                    .extend(std::iter::repeat_n(Reverse(at), now - before));
            } else {
                // Those who free first leave: the rest take new calls when they are free. One
                // still handling a call finishes it.
                for _ in now..before {
                    if let Some(Reverse(free)) = queue.free.pop()
                        && free > at
                    {
                        queue.departed.push(free);
                    }
                }
            }
            let line = std::mem::take(&mut queue.line);
            for (join, period) in line {
                self.enter(join, period, sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Micros = 1_000_000;

    fn day(agents: Vec<Vec<u32>>, interval_seconds: u64) -> Stage {
        Stage::new(StageConfig {
            agents,
            answer_within: 20 * S,
            misroute_handle: 45 * S,
            counting: Counting::Day {
                interval: interval_seconds * S,
            },
        })
        .unwrap()
    }

    fn steady(agents: u32, warm_up: Micros, calls: u64, batches: u32) -> Stage {
        Stage::new(StageConfig {
            agents: vec![vec![agents]],
            answer_within: 20 * S,
            misroute_handle: 45 * S,
            counting: Counting::Steady {
                warm_up,
                calls,
                batches,
            },
        })
        .unwrap()
    }

    /// A call to queue 0 arriving at `arrival` seconds (tenths allowed via `tenths`).
    fn call(tag: u32, arrival_tenths: u64, ivr: u64, handle: u64, patience: Micros) -> Call {
        Call {
            arrival: arrival_tenths * S / 10,
            offer: Some(Offer {
                ivr: ivr * S,
                queue: 0,
                patience,
                handle: handle * S,
                transfer: None,
                tag,
            }),
        }
    }

    /// Feeds the calls, finishes, and returns the outcomes by tag with the tally.
    fn run(mut stage: Stage, calls: &[Call]) -> (Vec<Outcome>, StageTally) {
        let mut outcomes = Vec::new();
        let mut sink = |o: Outcome| outcomes.push(o);
        for &c in calls {
            stage.feed(c, &mut sink);
        }
        let tally = stage.finish(&mut sink);
        outcomes.sort_by_key(|o| o.tag);
        (outcomes, tally)
    }

    fn answered_at(o: &Outcome) -> Option<f64> {
        match o.fate {
            Fate::Answered { at } => Some(at as f64 / S as f64),
            _ => None,
        }
    }

    #[test]
    fn first_come_first_served_by_join_time_not_arrival() {
        // One agent. Call 0 arrives first but spends 10 s in the IVR; call 1 arrives at 1 s
        // and joins at once, so it is answered first and call 0 waits for it.
        let (out, tally) = run(
            day(vec![vec![1]], 3600),
            &[call(0, 0, 10, 30, NEVER), call(1, 10, 0, 20, NEVER)],
        );
        assert_eq!(answered_at(&out[1]), Some(1.0));
        assert_eq!(answered_at(&out[0]), Some(21.0));
        assert_eq!(out[0].time_to_answer(), Some(21 * S));
        let t = &tally.queues[0][0];
        assert_eq!(
            (t.offered, t.answered, t.waited, t.answered_in_time),
            (2, 2, 1, 2)
        );
        assert_eq!(t.wait.sum, 11 * S as u128);
        assert_eq!(t.busy, 50 * S as u128);
        assert_eq!(t.available, 3600 * S as u128);
    }

    #[test]
    fn a_caller_whose_wait_exceeds_his_patience_hangs_up_and_takes_no_agent_time() {
        // One agent busy 0..60 s. Call 1 would wait 50 s but hangs up after 30 s; call 2,
        // behind him, gets the agent at 60 s (call 1 took none of its time).
        let (out, tally) = run(
            day(vec![vec![1]], 3600),
            &[
                call(0, 0, 0, 60, NEVER),
                call(1, 100, 0, 60, 30 * S),
                call(2, 200, 0, 10, NEVER),
            ],
        );
        assert_eq!(
            out[1].fate,
            Fate::Abandoned {
                queue: 0,
                at: 40 * S
            }
        );
        assert_eq!(answered_at(&out[2]), Some(60.0));
        let t = &tally.queues[0][0];
        assert_eq!((t.offered, t.answered, t.abandoned, t.waited), (3, 2, 1, 2));
        // Waits of answered calls: 0 and 40 s; 40 > 20 is late.
        assert_eq!((t.answered_in_time, t.wait.sum), (1, 40 * S as u128));
        assert_eq!(t.service_level(), Some(1.0 / 3.0));
        assert_eq!(t.asa(), Some(20.0));
        assert_eq!(t.busy, 70 * S as u128);
    }

    #[test]
    fn when_agents_drop_callers_with_an_agent_finish_and_the_fewer_take_new_calls() {
        // Two agents until 10 s, then one. Calls 0 and 1 hold both agents until 15 s and 14 s.
        // Call 2 joins at 9.5 s: no agent is free before the boundary, and after it only one
        // agent takes calls, so he waits until both are done (15 s), not until 14 s.
        let (out, tally) = run(
            day(vec![vec![2, 1]], 10),
            &[
                call(0, 0, 0, 15, NEVER),
                call(1, 90, 0, 5, NEVER),
                call(2, 95, 0, 3, NEVER),
                call(3, 120, 0, 3, NEVER),
            ],
        );
        assert_eq!(answered_at(&out[0]), Some(0.0));
        assert_eq!(answered_at(&out[1]), Some(9.0));
        assert_eq!(answered_at(&out[2]), Some(15.0));
        // Call 3 (12 s) queues behind call 2 for the one agent: 15 + 3.
        assert_eq!(answered_at(&out[3]), Some(18.0));
        // Calls count in the interval they joined: 0, 1, 2 in the first, 3 in the second.
        assert_eq!(tally.queues[0][0].offered, 3);
        assert_eq!(tally.queues[0][1].offered, 1);
        assert_eq!(tally.queues[0][0].available, 20 * S as u128);
        // Busy time is what falls inside each interval: 0..10 s of call 0 and 9..10 s of
        // call 1 in the first; in the second 10..15 s of call 0, 10..14 s of call 1 (its agent
        // left at 10 s but finishes it, so those 4 s are available time too), call 2 and 2 of
        // call 3's 3 s (the day ends at 20 s). The one agent left is never idle: occupancy 1.
        assert_eq!(tally.queues[0][0].busy, 11 * S as u128);
        assert_eq!(tally.queues[0][1].busy, 14 * S as u128);
        assert_eq!(tally.queues[0][1].available, 14 * S as u128);
        assert_eq!(tally.queues[0][1].occupancy(), Some(1.0));
    }

    #[test]
    fn added_agents_answer_the_line_at_the_boundary_and_hang_ups_are_still_decided() {
        // No agents until 60 s, then two. Call 0 waits; call 1's patience (30 s) runs out at
        // 40 s, before any agent exists; call 2 has patience until 61 s and is answered at 60.
        let (out, tally) = run(
            day(vec![vec![0, 2]], 60),
            &[
                call(0, 0, 0, 100, NEVER),
                call(1, 100, 0, 100, 30 * S),
                call(2, 200, 0, 100, 41 * S),
                call(3, 700, 0, 100, NEVER),
            ],
        );
        assert_eq!(answered_at(&out[0]), Some(60.0));
        assert_eq!(
            out[1].fate,
            Fate::Abandoned {
                queue: 0,
                at: 40 * S
            }
        );
        assert_eq!(answered_at(&out[2]), Some(60.0));
        assert_eq!(answered_at(&out[3]), Some(160.0));
        let first = &tally.queues[0][0];
        assert_eq!((first.offered, first.answered, first.abandoned), (3, 2, 1));
        assert_eq!(first.available, 0);
        assert_eq!(first.occupancy(), None);
    }

    #[test]
    fn no_agents_left_and_callers_who_never_hang_up_end_unserved() {
        let (out, tally) = run(
            day(vec![vec![1, 0]], 10),
            &[
                call(0, 0, 0, 30, NEVER),
                call(1, 50, 0, 5, NEVER),
                call(2, 60, 0, 5, 100 * S),
            ],
        );
        assert_eq!(answered_at(&out[0]), Some(0.0));
        assert_eq!(out[1].fate, Fate::Unserved { queue: 0 });
        assert_eq!(
            out[2].fate,
            Fate::Abandoned {
                queue: 0,
                at: 106 * S
            }
        );
        assert_eq!(tally.queues[0][0].unserved, 1);
    }

    #[test]
    fn a_misrouted_call_is_held_by_the_wrong_agent_then_joins_the_right_queue() {
        // Queue 0 (wrong) and queue 1 (right), one agent each. The call leaves the IVR at
        // 30 s, is answered at once, held 45 s, and joins queue 1 at 75 s, where the agent is
        // busy until 100 s with another call.
        let misrouted = Call {
            arrival: 0,
            offer: Some(Offer {
                ivr: 30 * S,
                queue: 0,
                patience: NEVER,
                handle: 200 * S,
                transfer: Some(Transfer {
                    queue: 1,
                    patience: NEVER,
                }),
                tag: 7,
            }),
        };
        let other = Call {
            arrival: 40 * S,
            offer: Some(Offer {
                ivr: 0,
                queue: 1,
                patience: NEVER,
                handle: 60 * S,
                transfer: None,
                tag: 8,
            }),
        };
        let (out, tally) = run(day(vec![vec![1], vec![1]], 3600), &[misrouted, other]);
        assert_eq!(answered_at(&out[0]), Some(100.0));
        assert!(out[0].transferred && !out[1].transferred);
        assert_eq!(out[0].time_to_answer(), Some(100 * S));
        let (wrong, right) = (&tally.queues[0][0], &tally.queues[1][0]);
        assert_eq!(
            (wrong.offered, wrong.answered, wrong.transferred),
            (1, 1, 1)
        );
        assert_eq!(wrong.busy, 45 * S as u128);
        assert_eq!((right.offered, right.answered, right.waited), (2, 2, 1));
        assert_eq!(right.busy, 260 * S as u128);
        assert_eq!(right.wait.sum, 25 * S as u128);
        assert_eq!(tally.overall().offered, 3);
    }

    #[test]
    fn steady_state_counts_after_the_warm_up_in_equal_batches_of_consecutive_calls() {
        // One call a second, 100 s of warm-up, 1,100 calls: 1,000 counted in 8 batches of 125.
        let mut stage = steady(100, 100 * S, 1100, 8);
        let mut batches = Vec::new();
        let mut sink = |_: Outcome| {};
        for i in 0..1100 {
            let b = stage.feed(call(i as u32, 10 * i, 0, 1, NEVER), &mut sink);
            batches.push(b);
        }
        let tally = stage.finish(&mut sink);
        assert!(batches[..100].iter().all(Option::is_none));
        assert_eq!(batches[100], Some(0));
        assert_eq!(batches[1099], Some(7));
        assert!(batches[100..].windows(2).all(|w| w[0] <= w[1]));
        for p in &tally.queues[0] {
            assert_eq!(p.offered, 125);
        }
        // Agent time: 100 agents over the counted span (100 s to 1,099 s), tiled by batches.
        let available: u128 = tally.queues[0].iter().map(|p| p.available).sum();
        assert_eq!(available, 100 * 999 * S as u128);
        // Busy time inside that span: the calls arriving at 100..1,098 s, one second each (the
        // last call's handling falls after the last arrival).
        assert_eq!(tally.overall().busy, 999 * S as u128);
        // Each batch's busy time lies inside its own span of arrivals.
        for p in &tally.queues[0] {
            assert!(p.busy * 100 <= p.available, "{p:?}");
        }
    }

    #[test]
    fn busy_time_counts_in_the_window_it_falls_in_so_occupancy_is_at_most_one() {
        // One agent and calls of 100 s arriving a second apart: the agent is busy all the time
        // from the first arrival, while the queue drains long after the last. Two batches:
        // arrivals 0..1 s and 1..3 s. Each batch's busy time is its span, not the 200 s of
        // handling its calls bring, so occupancy is 1 in both.
        let mut stage = steady(1, 0, 4, 2);
        let mut sink = |_: Outcome| {};
        for i in 0..4u32 {
            stage.feed(call(i, 10 * u64::from(i), 0, 100, NEVER), &mut sink);
        }
        let tally = stage.finish(&mut sink);
        let batches = &tally.queues[0];
        assert_eq!(
            (batches[0].busy, batches[0].available),
            (S as u128, S as u128)
        );
        assert_eq!(
            (batches[1].busy, batches[1].available),
            (2 * S as u128, 2 * S as u128)
        );
        assert_eq!(tally.overall().occupancy(), Some(1.0));
    }

    #[test]
    fn a_call_handled_across_the_warm_up_counts_only_its_part_after_it() {
        // One agent; a call at 0 s handled for 30 s, the warm-up ends at 10 s, the next call
        // arrives at 40 s (the agent idle since 30 s) and the last at 50 s.
        let mut stage = steady(1, 10 * S, 3, 1);
        let mut sink = |_: Outcome| {};
        for (i, (at, handle)) in [(0, 30), (400, 5), (500, 5)].into_iter().enumerate() {
            stage.feed(call(i as u32, at, 0, handle, NEVER), &mut sink);
        }
        let tally = stage.finish(&mut sink);
        // Window 10..50 s: 20 s of the first call, 5 s of the second, none of the third.
        let t = &tally.queues[0][0];
        assert_eq!((t.busy, t.available), (25 * S as u128, 40 * S as u128));
    }

    #[test]
    fn fewer_calls_than_batches_leaves_empty_batches() {
        let mut stage = steady(1, 0, 3, 8);
        let mut sink = |_: Outcome| {};
        let batches: Vec<_> = (0..3)
            .map(|i| stage.feed(call(i, 100 * u64::from(i), 0, 1, NEVER), &mut sink))
            .collect();
        // Counted call `j` of 3 is in batch `floor(j * 8 / 3)`.
        assert_eq!(batches, [Some(0), Some(2), Some(5)]);
        let tally = stage.finish(&mut sink);
        assert_eq!(tally.overall().offered, 3);
    }

    #[test]
    fn a_staffing_table_that_does_not_fit_is_refused() {
        let config = |agents, counting| StageConfig {
            agents,
            answer_within: 0,
            misroute_handle: 0,
            counting,
        };
        let d = Counting::Day { interval: S };
        assert_eq!(
            Stage::new(config(vec![vec![1, 2], vec![1]], d)).unwrap_err(),
            ConfigError::AgentsShape { queue: 1 }
        );
        assert_eq!(
            Stage::new(config(vec![vec![1]], Counting::Day { interval: 0 })).unwrap_err(),
            ConfigError::NoPeriods
        );
        let s = Counting::Steady {
            warm_up: 0,
            calls: 1,
            batches: 4,
        };
        assert_eq!(
            Stage::new(config(vec![vec![1, 2]], s)).unwrap_err(),
            ConfigError::AgentsShape { queue: 0 }
        );
    }
}
