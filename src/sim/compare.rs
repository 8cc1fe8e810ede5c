//! Comparing two menus with common random numbers.
//!
//! Call `i` of menu A and call `i` of menu B start from the same random state (the same intent,
//! the same patience, the same first key presses), so most of the noise cancels in the paired
//! differences. Every interval of a difference comes from those paired differences: exact
//! integer sums of per-call differences for shares and means, and batch means over fixed
//! batches of [`BATCH`] calls for quantiles. Like `ivr sim`, the result does not depend on the
//! number of threads.

use rand_distr::Distribution as _;
use rand_distr::weighted::WeightedAliasIndex;
use serde::Serialize;

use super::engine::{Call, Outcome, simulate_call};
use super::program::Program;
use super::report::{PerOutcome, SimReport};
use super::run::{RunOptions, Tally, block_rng, call_rng, record, run_blocks};
use crate::stats::{IntHistogram, TimeHistogram, mean_ci, to_micros};

/// Calls per batch for the batch means of quantile differences.
pub const BATCH: u64 = 4096;

/// Exact sums of paired differences (in whole units: µs, inputs, or 0/1 indicators).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DiffSums {
    pub n: u64,
    pub sum: i128,
    pub sum_sq: u128,
}

impl DiffSums {
    pub fn record(&mut self, d: i64) {
        self.n += 1;
        self.sum += d as i128;
        self.sum_sq += (d as i128 * d as i128) as u128;
    }

    pub fn merge(&mut self, other: &DiffSums) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// Mean difference and its 95% normal interval, divided by `scale`, from the exact sums.
    pub fn interval(&self, scale: f64) -> Option<(f64, [f64; 2])> {
        mean_ci(self.n, self.sum, self.sum_sq, scale)
    }
}

/// Paired differences for one intent (B minus A).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairedIntent {
    pub outcomes: [DiffSums; 7],
    pub inputs: DiffSums,
    pub time: DiffSums,
}

impl PairedIntent {
    fn merge(&mut self, other: &PairedIntent) {
        for (a, b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            a.merge(b);
        }
        self.inputs.merge(&other.inputs);
        self.time.merge(&other.time);
    }

    fn record(&mut self, a: &Call, b: &Call) {
        for o in Outcome::ALL {
            let ind = |c: &Call| i64::from(c.outcome == o);
            self.outcomes[o as usize].record(ind(b) - ind(a));
        }
        self.inputs
            .record(i64::from(b.inputs) - i64::from(a.inputs));
        self.time
            .record(to_micros(b.time) as i64 - to_micros(a.time) as i64);
    }
}

/// Quantile levels whose differences are estimated by batch means.
pub const LEVELS: [f64; 3] = [0.5, 0.9, 0.99];

/// Everything a paired run accumulates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairTally {
    pub a: Tally,
    pub b: Tally,
    pub paired: Vec<PairedIntent>,
    /// Per quantile level: batch differences of the overall time quantile (µs) and of inputs.
    pub time_quantiles: [DiffSums; 3],
    pub inputs_quantiles: [DiffSums; 3],
}

impl PairTally {
    fn new(intents: usize) -> PairTally {
        PairTally {
            a: Tally::new(intents),
            b: Tally::new(intents),
            paired: vec![PairedIntent::default(); intents],
            ..PairTally::default()
        }
    }

    fn merge(mut self, other: PairTally) -> PairTally {
        self.a = self.a.merge(other.a);
        self.b = self.b.merge(other.b);
        for (x, y) in self.paired.iter_mut().zip(&other.paired) {
            x.merge(y);
        }
        for (x, y) in self.time_quantiles.iter_mut().zip(&other.time_quantiles) {
            x.merge(y);
        }
        for (x, y) in self
            .inputs_quantiles
            .iter_mut()
            .zip(&other.inputs_quantiles)
        {
            x.merge(y);
        }
        self
    }
}

/// Runs `options.calls` paired calls through `a` and `b` (which must share their intents).
pub fn run_pair(a: &Program, b: &Program, options: RunOptions) -> PairTally {
    let intents = a.shares.len();
    let Ok(pick) = WeightedAliasIndex::new(a.shares.clone()) else {
        return PairTally::new(intents);
    };
    let work = |tally: &mut PairTally, block: u64, count: u64| {
        let mut stream = block_rng(options.seed, block);
        let mut batch = BatchQuantiles::default();
        for i in 0..count {
            let mut rng = call_rng(&mut stream);
            let intent = pick.sample(&mut rng);
            let mut rng_b = rng.clone();
            let call_a = simulate_call(a, intent, &mut rng);
            let call_b = simulate_call(b, intent, &mut rng_b);
            record(&mut tally.a.intents[intent], &call_a);
            record(&mut tally.b.intents[intent], &call_b);
            tally.paired[intent].record(&call_a, &call_b);
            batch.record(&call_a, &call_b);
            if (i + 1) % BATCH == 0 {
                batch.finish(tally);
            }
        }
    };
    run_blocks(options, || PairTally::new(intents), work, PairTally::merge)
}

/// One batch's overall distributions for A and B.
#[derive(Default)]
struct BatchQuantiles {
    time: [TimeHistogram; 2],
    inputs: [IntHistogram; 2],
}

impl BatchQuantiles {
    fn record(&mut self, a: &Call, b: &Call) {
        self.time[0].record(to_micros(a.time));
        self.time[1].record(to_micros(b.time));
        self.inputs[0].record(a.inputs);
        self.inputs[1].record(b.inputs);
    }

    /// Adds this full batch's quantile differences and starts a new batch.
    fn finish(&mut self, tally: &mut PairTally) {
        for (k, &q) in LEVELS.iter().enumerate() {
            if let (Some(x), Some(y)) = (self.time[0].quantile(q), self.time[1].quantile(q)) {
                tally.time_quantiles[k].record(to_micros(y) as i64 - to_micros(x) as i64);
            }
            if let (Some(x), Some(y)) = (self.inputs[0].quantile(q), self.inputs[1].quantile(q)) {
                tally.inputs_quantiles[k].record(y as i64 - x as i64);
            }
        }
        *self = BatchQuantiles::default();
    }
}

/// One difference: B minus A, its 95% interval, and whether the interval excludes 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub diff: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub significant: bool,
}

impl Difference {
    pub const NULL: Difference = Difference {
        diff: None,
        ci95: None,
        significant: false,
    };

    fn paired(sums: &DiffSums, scale: f64) -> Difference {
        match sums.interval(scale) {
            Some((diff, ci)) => Difference {
                diff: Some(diff),
                ci95: Some(ci),
                significant: ci[0] > 0.0 || ci[1] < 0.0,
            },
            None => Difference::NULL,
        }
    }

    /// A batch-means difference: needs at least two batches.
    fn batches(sums: &DiffSums, scale: f64) -> Difference {
        if sums.n < 2 {
            Difference::NULL
        } else {
            Difference::paired(sums, scale)
        }
    }

    /// An exact difference (no interval): significant when it is not zero.
    pub fn exact(a: f64, b: f64) -> Difference {
        let diff = b - a;
        Difference {
            diff: Some(diff),
            ci95: None,
            significant: diff.abs() > 1e-12,
        }
    }
}

/// Differences of a quantity.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuantityDiff {
    pub mean: Option<Difference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<Difference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<Difference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99: Option<Difference>,
}

/// The differences of one scope (overall or an intent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScopeDiff {
    pub outcomes: PerOutcome<Difference>,
    pub inputs: QuantityDiff,
    pub time: QuantityDiff,
}

impl ScopeDiff {
    pub fn null() -> ScopeDiff {
        ScopeDiff {
            outcomes: PerOutcome::from_fn(|_| Difference::NULL),
            inputs: QuantityDiff {
                mean: Some(Difference::NULL),
                ..QuantityDiff::default()
            },
            time: QuantityDiff {
                mean: Some(Difference::NULL),
                ..QuantityDiff::default()
            },
        }
    }
}

/// `diff` of the compare JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub overall: ScopeDiff,
    #[serde(serialize_with = "super::report::ordered_map")]
    pub intents: Vec<(String, ScopeDiff)>,
}

/// The compare report: both sim reports and the differences (B minus A).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompareReport {
    pub a: SimReport,
    pub b: SimReport,
    pub diff: Diff,
}

fn scope_from_paired(p: &PairedIntent) -> ScopeDiff {
    ScopeDiff {
        outcomes: PerOutcome::from_fn(|o| Difference::paired(&p.outcomes[o as usize], 1.0)),
        inputs: QuantityDiff {
            mean: Some(Difference::paired(&p.inputs, 1.0)),
            ..QuantityDiff::default()
        },
        time: QuantityDiff {
            mean: Some(Difference::paired(&p.time, 1e6)),
            ..QuantityDiff::default()
        },
    }
}

/// The differences of a paired Monte Carlo run.
pub fn monte_carlo_diff(names: &[String], tally: &PairTally) -> Diff {
    let mut all = PairedIntent::default();
    for p in &tally.paired {
        all.merge(p);
    }
    let mut overall = scope_from_paired(&all);
    let [t50, t90, t99] =
        [0, 1, 2].map(|k| Some(Difference::batches(&tally.time_quantiles[k], 1e6)));
    let [i50, i90, i99] =
        [0, 1, 2].map(|k| Some(Difference::batches(&tally.inputs_quantiles[k], 1.0)));
    overall.time.p50 = t50;
    overall.time.p90 = t90;
    overall.time.p99 = t99;
    overall.inputs.p50 = i50;
    overall.inputs.p90 = i90;
    overall.inputs.p99 = i99;
    Diff {
        overall,
        intents: names
            .iter()
            .cloned()
            .zip(tally.paired.iter().map(scope_from_paired))
            .collect(),
    }
}

/// The differences of two exact reports (intents matched by name; missing ones are null).
pub fn exact_diff(a: &SimReport, b: &SimReport) -> Diff {
    let scope = |x: &super::report::Figures, y: &super::report::Figures| ScopeDiff {
        outcomes: PerOutcome::from_fn(|o| Difference::exact(x.outcomes.get(o), y.outcomes.get(o))),
        inputs: QuantityDiff {
            mean: Some(Difference::exact(x.inputs.mean, y.inputs.mean)),
            ..QuantityDiff::default()
        },
        time: QuantityDiff {
            mean: Some(Difference::exact(x.time.mean, y.time.mean)),
            ..QuantityDiff::default()
        },
    };
    let b_of: std::collections::HashMap<&str, _> =
        b.intents.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let intents = a
        .intents
        .iter()
        .map(|(name, fa)| {
            let d = match b_of.get(name.as_str()).map(|fb| ((), fb)) {
                Some((_, fb)) => scope(&fa.figures, &fb.figures),
                None => ScopeDiff::null(),
            };
            (name.clone(), d)
        })
        .collect();
    Diff {
        overall: scope(&a.overall, &b.overall),
        intents,
    }
}
