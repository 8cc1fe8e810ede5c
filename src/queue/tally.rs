//! What the queue stage counts, per queue and period, and the figures read from it.
//!
//! Counts are exact integers and times exact sums of microseconds (the same accumulators as
//! the IVR figures), so tallies merge in any order to the same figures.

use crate::stats::{Sums, TimeHistogram};

use super::Micros;

/// Microseconds per second.
const MICROS: f64 = 1e6;

/// The calls offered to one queue in one period (a batch, or an interval of a day), counted
/// where they joined the queue.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueTally {
    /// Calls that joined the queue (first joins and joins after a misroute).
    pub offered: u64,
    /// Calls an agent answered (including misrouted calls answered by the wrong agent).
    pub answered: u64,
    /// Calls answered with a wait of at most the target time.
    pub answered_in_time: u64,
    /// Calls that found every agent busy (wait longer than zero), answered or not.
    pub waited: u64,
    /// Calls that hung up while waiting.
    pub abandoned: u64,
    /// Calls still waiting when the run ended (no agents left and callers who never hang up).
    pub unserved: u64,
    /// Misrouted calls answered here and sent on to the right queue.
    pub transferred: u64,
    /// Waits of answered calls, microseconds.
    pub wait: Sums,
    /// Waits of answered calls, for quantiles.
    pub wait_histogram: TimeHistogram,
    /// Agent time spent handling calls within the period's window of time (the part of each
    /// handling that falls inside it), whichever period the calls themselves count in.
    #[serde(with = "crate::stats::decimal")]
    pub busy: u128,
    /// Agent time available in the period's window: agents in force times its length, plus
    /// the time agents who left at a staffing drop spent finishing their calls inside it.
    #[serde(with = "crate::stats::decimal")]
    pub available: u128,
}

impl QueueTally {
    /// Adds an answered call's wait (microseconds). Its handling counts as busy time in the
    /// windows it falls in, which the stage measures from its agents' clocks.
    #[inline]
    pub(crate) fn record_answer(&mut self, wait: Micros, answer_within: Micros) {
        self.offered += 1;
        self.answered += 1;
        self.answered_in_time += u64::from(wait <= answer_within);
        self.waited += u64::from(wait > 0);
        self.wait.record(wait);
        self.wait_histogram.record(wait);
    }

    pub fn merge(&mut self, other: &QueueTally) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_in_time += other.answered_in_time;
        self.waited += other.waited;
        self.abandoned += other.abandoned;
        self.unserved += other.unserved;
        self.transferred += other.transferred;
        self.wait.merge(&other.wait);
        self.wait_histogram.merge(&other.wait_histogram);
        self.busy += other.busy;
        self.available += other.available;
    }

    fn share(&self, count: u64) -> Option<f64> {
        (self.offered > 0).then(|| count as f64 / self.offered as f64)
    }

    /// Calls answered within the target time over calls offered.
    pub fn service_level(&self) -> Option<f64> {
        self.share(self.answered_in_time)
    }

    /// Share of offered calls an agent answered.
    pub fn answered_share(&self) -> Option<f64> {
        self.share(self.answered)
    }

    /// Share of offered calls that had to wait.
    pub fn p_wait(&self) -> Option<f64> {
        self.share(self.waited)
    }

    /// Share of offered calls that hung up in the queue.
    pub fn abandoned_share(&self) -> Option<f64> {
        self.share(self.abandoned)
    }

    /// Share of offered calls that were misrouted here and transferred on.
    pub fn transferred_share(&self) -> Option<f64> {
        self.share(self.transferred)
    }

    /// Average speed of answer: mean wait of answered calls, seconds.
    pub fn asa(&self) -> Option<f64> {
        (self.wait.n > 0).then(|| self.wait.sum as f64 / self.wait.n as f64 / MICROS)
    }

    /// Agent time handling calls over agent time available, both in the period's window: at
    /// most 1, since no more agents than are there can be busy at once.
    pub fn occupancy(&self) -> Option<f64> {
        (self.available > 0).then(|| self.busy as f64 / self.available as f64)
    }

    /// The `q` quantile of the wait of answered calls, seconds.
    pub fn wait_quantile(&self, q: f64) -> Option<f64> {
        self.wait_histogram.quantile(q)
    }
}

/// A figure's mean over batches and the standard error of that mean, from the spread of the
/// batch figures (batch means: batches long enough to be nearly independent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchMeans {
    pub mean: f64,
    pub standard_error: f64,
    pub batches: usize,
}

/// The batch-means estimate of a figure from its value in each batch (batches without a value
/// are left out); `None` with fewer than two.
pub fn batch_means(values: impl IntoIterator<Item = Option<f64>>) -> Option<BatchMeans> {
    let values: Vec<f64> = values.into_iter().flatten().collect();
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(BatchMeans {
        mean,
        standard_error: (variance / n as f64).sqrt(),
        batches: n,
    })
}
