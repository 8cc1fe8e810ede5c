//! Comparing two menus with common random numbers.
//!
//! Call `i` of menu A and call `i` of menu B start from the same random state (the same intent,
//! the same patience, the same first key presses), so most of the noise cancels in the paired
//! differences. Every interval of a difference comes from those pairs: Tango's score interval
//! for shares (from the counts of pairs that differ), Student t on exact integer sums of
//! per-call differences for means, and for quantiles the difference of the two menus'
//! full-sample quantiles with a paired bootstrap over fixed groups of calls
//! ([`crate::stats::bootstrap`]). Like `ivr sim`, the result does not depend on the number of
//! threads.

use rand_distr::Distribution as _;
use rand_distr::weighted::WeightedAliasIndex;
use serde::{Deserialize, Serialize};

use super::engine::{Call, Outcome, simulate_call};
use super::program::Program;
use super::report::{PerOutcome, SimReport, SpeechFigures};
use super::run::{BLOCK, IntentTally, RunOptions, Tally, block_rng, call_rng, run_block_range};
use crate::stats::bootstrap::{group_count, group_of, quantile_differences};
use crate::stats::{
    IntHistogram, Interval, Sign, Sums, TimeHistogram, mean_interval, midpoint_seconds,
    paired_share_difference, t_quantile, to_micros,
};

/// Exact sums of paired differences (in whole units: µs, inputs, or 0/1 indicators).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffSums {
    pub n: u64,
    #[serde(with = "crate::stats::decimal")]
    pub sum: i128,
    #[serde(with = "crate::stats::decimal")]
    pub sum_sq: u128,
}

impl DiffSums {
    pub fn record(&mut self, d: i64) {
        self.n += 1;
        self.sum += d as i128;
        // |d| <= 2^63, so d² <= 2^126 is exact; the total saturates rather than wrap (a wrapped
        // sum of squares would shrink the spread and call noise significant).
        self.sum_sq = self
            .sum_sq
            .saturating_add(d.unsigned_abs() as u128 * d.unsigned_abs() as u128);
    }

    pub fn merge(&mut self, other: &DiffSums) {
        self.n += other.n;
        // Saturates like the sum of squares (sums read from a partial result are checked
        // against the calls, not against the differences).
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }

    /// Mean difference and its 95% Student t interval, divided by `scale`, from the exact
    /// sums (no interval when every difference was the same).
    pub fn interval(&self, scale: f64) -> Option<(f64, Option<Interval>)> {
        mean_interval(self.n, self.sum, self.sum_sq, scale, Sign::Signed)
    }

    /// For 0/1 indicator differences: the pairs where only B had the outcome, and where only A
    /// had it (`sum` is their difference, `sum_sq` their total).
    fn discordant(&self) -> (u64, u64) {
        let total = self.sum_sq as i128;
        (
            ((total + self.sum) / 2) as u64,
            ((total - self.sum) / 2) as u64,
        )
    }
}

/// `b - a` in µs, clamped to the `i64` range: a plain `as i64` cast turns a time above 2^63 µs
/// negative and flips the sign of the difference. (Loaded durations stay far below that.)
fn micros_difference(b: u64, a: u64) -> i64 {
    let d = i128::from(b) - i128::from(a);
    d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Paired differences for one intent (B minus A).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairedIntent {
    pub outcomes: [DiffSums; 7],
    pub inputs: DiffSums,
    pub time: DiffSums,
    /// Whether the call followed a confusion (0/1 indicators).
    pub confused: DiffSums,
}

impl PairedIntent {
    fn merge(&mut self, other: &PairedIntent) {
        for (a, b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            a.merge(b);
        }
        self.inputs.merge(&other.inputs);
        self.time.merge(&other.time);
        self.confused.merge(&other.confused);
    }

    fn record(&mut self, a: &Call, b: &Call) {
        for o in Outcome::ALL {
            let ind = |c: &Call| i64::from(c.outcome == o);
            self.outcomes[o as usize].record(ind(b) - ind(a));
        }
        self.inputs
            .record(i64::from(b.inputs) - i64::from(a.inputs));
        self.time
            .record(micros_difference(to_micros(b.time), to_micros(a.time)));
        self.confused
            .record(i64::from(b.confused) - i64::from(a.confused));
    }
}

/// Quantile levels whose differences are reported.
pub const LEVELS: [f64; 3] = [0.5, 0.9, 0.99];

/// Everything a paired run accumulates (a partial result stores it as it is).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairTally {
    pub a: Tally,
    pub b: Tally,
    pub paired: Vec<PairedIntent>,
    /// Per caller group (empty when the traffic names none): paired calls share their group,
    /// drawn from the same random numbers.
    pub paired_personas: Vec<PairedIntent>,
    /// Per group of calls (see [`crate::stats::bootstrap`]): the overall time and inputs
    /// histograms of A and B.
    pub time_groups: Vec<[TimeHistogram; 2]>,
    pub inputs_groups: Vec<[IntHistogram; 2]>,
    /// The run's seed, which also seeds the bootstrap.
    pub seed: u64,
}

impl PairTally {
    fn new(a: &Program, b: &Program, options: RunOptions) -> PairTally {
        let groups = group_count(options.calls);
        let intents = a.shares.len();
        PairTally {
            a: Tally::for_program(a),
            b: Tally::for_program(b),
            paired: vec![PairedIntent::default(); intents],
            paired_personas: vec![PairedIntent::default(); Tally::for_program(a).personas.len()],
            time_groups: vec![Default::default(); groups],
            inputs_groups: vec![Default::default(); groups],
            seed: options.seed,
        }
    }

    pub fn merge(mut self, other: PairTally) -> PairTally {
        self.a = self.a.merge(other.a);
        self.b = self.b.merge(other.b);
        for (x, y) in self.paired.iter_mut().zip(&other.paired) {
            x.merge(y);
        }
        for (x, y) in self.paired_personas.iter_mut().zip(&other.paired_personas) {
            x.merge(y);
        }
        for (x, y) in self.time_groups.iter_mut().zip(&other.time_groups) {
            x[0].merge(&y[0]);
            x[1].merge(&y[1]);
        }
        for (x, y) in self.inputs_groups.iter_mut().zip(&other.inputs_groups) {
            x[0].merge(&y[0]);
            x[1].merge(&y[1]);
        }
        self
    }
}

/// Runs `options.calls` paired calls through `a` and `b` (which must share their intents).
pub fn run_pair(a: &Program, b: &Program, options: RunOptions) -> PairTally {
    run_pair_range(a, b, options, 0..super::run::blocks(options.calls))
}

/// [`run_pair`] over the blocks `blocks` only (a shard's share: see [`super::shard`]).
pub fn run_pair_range(
    a: &Program,
    b: &Program,
    options: RunOptions,
    blocks: std::ops::Range<u64>,
) -> PairTally {
    let Ok(pick) = WeightedAliasIndex::new(a.shares.clone()) else {
        return PairTally::new(a, b, options);
    };
    let work = |tally: &mut PairTally, block: u64, count: u64| {
        let mut stream = block_rng(options.seed, block);
        for i in 0..count {
            let mut rng = call_rng(&mut stream);
            let intent = pick.sample(&mut rng);
            let mut rng_b = rng.clone();
            let call_a = simulate_call(a, intent, &mut rng);
            let call_b = simulate_call(b, intent, &mut rng_b);
            tally.a.add(intent, &call_a);
            tally.b.add(intent, &call_b);
            tally.paired[intent].record(&call_a, &call_b);
            if call_a.persona == call_b.persona
                && let Some(p) = tally.paired_personas.get_mut(usize::from(call_a.persona))
            {
                p.record(&call_a, &call_b);
            }
            let g = group_of(block * BLOCK + i, options.calls);
            tally.time_groups[g][0].record(to_micros(call_a.time));
            tally.time_groups[g][1].record(to_micros(call_b.time));
            tally.inputs_groups[g][0].record(call_a.inputs);
            tally.inputs_groups[g][1].record(call_b.inputs);
        }
    };
    run_block_range(
        options,
        blocks,
        || PairTally::new(a, b, options),
        work,
        PairTally::merge,
    )
}

/// One difference: B minus A, its 95% interval, and whether the interval excludes 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub diff: Option<f64>,
    /// `[low, high]`; null with `--exact`, or when the sample supports no interval.
    pub ci95: Option<Interval>,
    /// The interval lies wholly above or below 0 (always false with `--exact`: there is no
    /// sampling to be significant against).
    pub significant: bool,
}

impl Difference {
    pub const NULL: Difference = Difference {
        diff: None,
        ci95: None,
        significant: false,
    };

    pub(crate) fn with_interval(diff: f64, ci95: Option<Interval>) -> Difference {
        Difference {
            diff: Some(diff),
            ci95,
            significant: ci95.is_some_and(|ci| ci.excludes_zero()),
        }
    }

    /// A mean of paired differences.
    fn paired(sums: &DiffSums, scale: f64) -> Difference {
        match sums.interval(scale) {
            Some((diff, ci)) => Difference::with_interval(diff, ci),
            None => Difference::NULL,
        }
    }

    /// A difference of shares from paired 0/1 indicators.
    fn share(sums: &DiffSums) -> Difference {
        let (b_only, a_only) = sums.discordant();
        match paired_share_difference(b_only, a_only, sums.n) {
            Some((diff, ci)) => Difference::with_interval(diff, Some(ci)),
            None => Difference::NULL,
        }
    }

    /// An exact difference: no interval, never marked significant.
    pub fn exact(a: f64, b: f64) -> Difference {
        Difference {
            diff: Some(b - a),
            ci95: None,
            significant: false,
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
    /// Paired calls behind these differences (null with `--exact`).
    pub calls: Option<u64>,
    pub outcomes: PerOutcome<Difference>,
    pub inputs: QuantityDiff,
    pub time: QuantityDiff,
    /// Seconds to reach a person, over the calls that reach one in each menu (B's mean minus
    /// A's; null when either menu has no such call).
    pub time_to_agent: QuantityDiff,
    /// The share of calls that followed a confusion (when either menu's callers can be
    /// confused; a menu whose callers cannot be counts as 0). Paired like the outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confused: Option<Difference>,
    /// What speech nodes heard (when either menu has one; a menu without counts as no
    /// attempts). The shares are of attempts, which differ in number between the menus, so
    /// they carry no interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<SpeechDiff>,
}

/// Differences of the speech figures (B minus A).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SpeechDiff {
    /// Spoken attempts per call.
    pub attempts: Difference,
    pub recognised: Difference,
    pub rejected: Difference,
    pub misrecognised: Difference,
}

impl SpeechDiff {
    /// From the two menus' figures; `None` when neither has a speech node.
    pub fn of(a: Option<&SpeechFigures>, b: Option<&SpeechFigures>) -> Option<SpeechDiff> {
        if a.is_none() && b.is_none() {
            return None;
        }
        let none = SpeechFigures::default();
        let (a, b) = (a.unwrap_or(&none), b.unwrap_or(&none));
        Some(SpeechDiff {
            attempts: Difference::exact(a.attempts, b.attempts),
            recognised: Difference::exact(a.recognised, b.recognised),
            rejected: Difference::exact(a.rejected, b.rejected),
            misrecognised: Difference::exact(a.misrecognised, b.misrecognised),
        })
    }
}

impl ScopeDiff {
    pub fn null() -> ScopeDiff {
        ScopeDiff {
            calls: None,
            outcomes: PerOutcome::from_fn(|_| Difference::NULL),
            inputs: QuantityDiff {
                mean: Some(Difference::NULL),
                ..QuantityDiff::default()
            },
            time: QuantityDiff {
                mean: Some(Difference::NULL),
                ..QuantityDiff::default()
            },
            time_to_agent: QuantityDiff {
                mean: Some(Difference::NULL),
                ..QuantityDiff::default()
            },
            confused: None,
            speech: None,
        }
    }
}

/// B's mean time to a person minus A's. The calls reaching a person differ between the menus,
/// so the two means are over different calls: Welch's interval treats them as independent
/// samples. Common random numbers correlate them positively, which only makes the interval
/// wider than it needs to be, never narrower. No interval when either side has fewer than two
/// calls or both sides' calls were all alike.
fn time_to_agent_difference(a: &Sums, b: &Sums) -> Difference {
    let moments = |s: &Sums| {
        let n = s.n as f64;
        let mean = s.sum as f64 / n / 1e6;
        let var = if s.n < 2 {
            f64::NAN
        } else {
            ((s.sum_sq as f64 - s.sum as f64 * s.sum as f64 / n) / (n - 1.0)).max(0.0) / 1e12
        };
        (n, mean, var)
    };
    if a.n == 0 || b.n == 0 {
        return Difference::NULL;
    }
    let ((na, ma, va), (nb, mb, vb)) = (moments(a), moments(b));
    let (wa, wb) = (va / na, vb / nb);
    let se2 = wa + wb;
    let ci = (se2.is_finite() && se2 > 0.0).then(|| {
        let df = se2 * se2 / (wa * wa / (na - 1.0) + wb * wb / (nb - 1.0));
        let half = t_quantile(df.floor().max(1.0) as u64) * se2.sqrt();
        Interval::closed(mb - ma - half, mb - ma + half)
    });
    Difference::with_interval(mb - ma, ci)
}

/// `diff` of the compare JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub overall: ScopeDiff,
    #[serde(serialize_with = "super::report::ordered_map")]
    pub intents: Vec<(String, ScopeDiff)>,
    /// The queue figures' differences, when the traffic file has arrivals and queues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queues: Option<super::queue_compare::QueueDiff>,
    /// Per caller group, in the intents file's order, when it names groups.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "super::report::ordered_map"
    )]
    pub personas: Vec<(String, ScopeDiff)>,
}

/// The compare report: both sim reports and the differences (B minus A).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompareReport {
    pub a: SimReport,
    pub b: SimReport,
    pub diff: Diff,
}

/// What a pair of tallies reports beside the outcomes: whether either menu's callers can be
/// confused, and whether either menu has a speech node.
#[derive(Clone, Copy)]
struct Extras {
    confusable: bool,
    speech: bool,
}

fn scope_from_paired(
    p: &PairedIntent,
    a: &IntentTally,
    b: &IntentTally,
    extras: Extras,
) -> ScopeDiff {
    let heard = |t: &IntentTally| {
        let calls = t.calls();
        SpeechFigures::of(t.speech.map(|c| c as f64), calls as f64)
    };
    ScopeDiff {
        confused: extras.confusable.then(|| Difference::share(&p.confused)),
        speech: extras
            .speech
            .then(|| SpeechDiff::of(Some(&heard(a)), Some(&heard(b))))
            .flatten(),
        calls: Some(p.time.n),
        outcomes: PerOutcome::from_fn(|o| Difference::share(&p.outcomes[o as usize])),
        inputs: QuantityDiff {
            mean: Some(Difference::paired(&p.inputs, 1.0)),
            ..QuantityDiff::default()
        },
        time: QuantityDiff {
            mean: Some(Difference::paired(&p.time, 1e6)),
            ..QuantityDiff::default()
        },
        time_to_agent: QuantityDiff {
            mean: Some(time_to_agent_difference(&a.to_agent, &b.to_agent)),
            ..QuantityDiff::default()
        },
    }
}

/// B's full-sample quantile minus A's, with its bootstrap interval.
fn quantile_difference(a: Option<f64>, b: Option<f64>, ci: Option<Interval>) -> Difference {
    match (a, b) {
        (Some(a), Some(b)) => Difference::with_interval(b - a, ci),
        _ => Difference::NULL,
    }
}

/// The differences of a paired Monte Carlo run.
pub fn monte_carlo_diff(names: &[String], tally: &PairTally) -> Diff {
    let mut all = PairedIntent::default();
    for p in &tally.paired {
        all.merge(p);
    }
    let extras = Extras {
        confusable: tally.a.confusable || tally.b.confusable,
        speech: tally.a.speech || tally.b.speech,
    };
    let (a, b) = (tally.a.overall(), tally.b.overall());
    let mut overall = scope_from_paired(&all, &a, &b, extras);
    let time_cis = quantile_differences(&tally.time_groups, &LEVELS, tally.seed, midpoint_seconds);
    let inputs_cis = quantile_differences(&tally.inputs_groups, &LEVELS, tally.seed, |b| b as f64);
    let [t50, t90, t99] = [0, 1, 2].map(|k| {
        let (x, y) = (
            a.time_histogram.quantile(LEVELS[k]),
            b.time_histogram.quantile(LEVELS[k]),
        );
        Some(quantile_difference(x, y, time_cis[k]))
    });
    let [i50, i90, i99] = [0, 1, 2].map(|k| {
        let (x, y) = (a.inputs.quantile(LEVELS[k]), b.inputs.quantile(LEVELS[k]));
        Some(quantile_difference(
            x.map(|v| v as f64),
            y.map(|v| v as f64),
            inputs_cis[k],
        ))
    });
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
            .zip(
                tally
                    .paired
                    .iter()
                    .zip(tally.a.intents.iter().zip(&tally.b.intents))
                    .map(|(p, (a, b))| scope_from_paired(p, a, b, extras)),
            )
            .collect(),
        queues: None,
        personas: tally
            .a
            .personas
            .iter()
            .zip(&tally.b.personas)
            .zip(&tally.paired_personas)
            .map(|(((name, a), (_, b)), p)| (name.clone(), scope_from_paired(p, a, b, extras)))
            .collect(),
    }
}

/// The differences of two exact reports (intents matched by name; missing ones are null).
pub fn exact_diff(a: &SimReport, b: &SimReport) -> Diff {
    let scope = |x: &super::report::Figures, y: &super::report::Figures| ScopeDiff {
        calls: None,
        outcomes: PerOutcome::from_fn(|o| Difference::exact(x.outcomes.get(o), y.outcomes.get(o))),
        inputs: QuantityDiff {
            mean: Some(Difference::exact(x.inputs.mean, y.inputs.mean)),
            ..QuantityDiff::default()
        },
        time: QuantityDiff {
            mean: Some(Difference::exact(x.time.mean, y.time.mean)),
            ..QuantityDiff::default()
        },
        time_to_agent: QuantityDiff {
            mean: Some(match (&x.time_to_agent, &y.time_to_agent) {
                (Some(x), Some(y)) => Difference::exact(x.mean, y.mean),
                _ => Difference::NULL,
            }),
            ..QuantityDiff::default()
        },
        confused: (x.confused.is_some() || y.confused.is_some())
            .then(|| Difference::exact(x.confused.unwrap_or(0.0), y.confused.unwrap_or(0.0))),
        speech: SpeechDiff::of(x.speech.as_ref(), y.speech.as_ref()),
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
    let personas = a
        .personas
        .iter()
        .map(|(name, fa)| {
            let fb = b.personas.iter().find(|(n, _)| n == name);
            let d = fb.map_or_else(ScopeDiff::null, |(_, fb)| scope(&fa.figures, &fb.figures));
            (name.clone(), d)
        })
        .collect();
    Diff {
        overall: scope(&a.overall, &b.overall),
        intents,
        queues: None,
        personas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_differences_keep_their_sign_beyond_i64() {
        // A cast `as i64` made 2^63 µs negative, so B − A came out hugely negative.
        assert_eq!(micros_difference(1 << 63, 0), i64::MAX);
        assert_eq!(micros_difference(0, u64::MAX), i64::MIN);
        assert_eq!(micros_difference(5, 7), -2);
    }

    #[test]
    fn difference_sums_saturate_instead_of_wrapping() {
        let mut sums = DiffSums::default();
        for d in [i64::MIN, i64::MAX, i64::MIN, i64::MIN, i64::MIN] {
            sums.record(d);
        }
        assert_eq!(sums.sum_sq, u128::MAX);
        let copy = sums;
        sums.merge(&copy);
        assert_eq!(sums.sum_sq, u128::MAX);
        assert_eq!(sums.n, 10);
    }
}
