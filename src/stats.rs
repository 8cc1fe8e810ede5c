//! Streaming statistics: exact, mergeable accumulators whose memory does not grow with the
//! number of calls.
//!
//! Times are recorded in whole microseconds and summed in `u128`, so sums, means and variances
//! are exact integers and merging blocks in any order gives the same figures to the last digit.
//! Quantiles of time come from a log-linear histogram of milliseconds: exact below 256 ms, and
//! above it each bucket spans at most 1/128 of its lower edge, so a reported quantile is within
//! 0.4% of the true one (the bucket's midpoint is reported). Inputs are counted exactly.

pub mod bootstrap;
mod intervals;

use serde::{Deserialize, Serialize};

pub use intervals::{
    Interval, MEAN_CALLS, Sign, calls_for_quantile, mean_interval, order_statistic_ranks,
    paired_share_difference, t_quantile, unseen_share, wilson,
};

/// Microseconds per second.
const MICROS: f64 = 1e6;

/// Sub-buckets per power of two above the exact range.
const SUB_BUCKETS: u64 = 128;
/// Values below this many milliseconds have a bucket each.
const EXACT_BELOW: u64 = 2 * SUB_BUCKETS;

/// The standard normal quantile of a two-sided 95% interval (Wilson's score interval, Tango's
/// paired interval and the ranks of large samples use it).
pub const Z95: f64 = 1.96;

/// How a [`Histogram`] sorts values into buckets.
pub trait Buckets {
    /// The bucket of a recorded value.
    fn bucket(value: u64) -> usize;
    /// The values a bucket holds: `[low, high)`.
    fn range(index: usize) -> (u64, u64);
    /// How many buckets there are: a histogram read from a file uses no bucket at or above it.
    fn count() -> usize;
}

/// One bucket per value: exact counts of small non-negative integers (inputs per call).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EachValue;

impl Buckets for EachValue {
    fn bucket(value: u64) -> usize {
        value as usize
    }

    fn range(index: usize) -> (u64, u64) {
        (index as u64, index as u64 + 1)
    }

    fn count() -> usize {
        // Counted values are inputs per call: a call makes at most a few hundred visits, each
        // with at most a few dozen inputs (retries are at most 20), far below 2^16. The bound
        // keeps a histogram read from a file (and what merging widens it to) small.
        1 << 16
    }
}

/// Times in microseconds, bucketed log-linearly by whole milliseconds (see the module comment).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LogMillis;

impl Buckets for LogMillis {
    fn bucket(micros: u64) -> usize {
        bucket(micros / 1000)
    }

    fn range(index: usize) -> (u64, u64) {
        bucket_range(index)
    }

    fn count() -> usize {
        bucket(u64::MAX / 1000) + 1
    }
}

/// The bucket of a time in milliseconds.
fn bucket(ms: u64) -> usize {
    if ms < EXACT_BELOW {
        return ms as usize;
    }
    let msb = 63 - ms.leading_zeros() as u64; // >= 8
    let shift = msb - 7;
    let mantissa = ms >> shift; // in [128, 256)
    (EXACT_BELOW + (shift - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS)) as usize
}

/// The range of milliseconds a bucket holds: `[low, high)`.
fn bucket_range(index: usize) -> (u64, u64) {
    let index = index as u64;
    if index < EXACT_BELOW {
        return (index, index + 1);
    }
    let shift = (index - EXACT_BELOW) / SUB_BUCKETS + 1;
    let mantissa = (index - EXACT_BELOW) % SUB_BUCKETS + SUB_BUCKETS;
    (mantissa << shift, (mantissa + 1) << shift)
}

/// A mergeable histogram of non-negative integers, bucketed by `B`.
///
/// Only the buckets from the lowest to the highest one used are stored, so a histogram of
/// calls that all take about an hour (or 10^13 seconds) is as small as one of calls that take
/// a minute: its memory follows the spread of the values, not their size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram<B> {
    /// The bucket `counts[0]` counts (meaningless while `counts` is empty).
    first: usize,
    /// Counts of buckets `first..first + counts.len()`; the first and last are never zero.
    counts: Vec<u64>,
    buckets: std::marker::PhantomData<B>,
}

/// Call times in microseconds; quantiles in seconds.
pub type TimeHistogram = Histogram<LogMillis>;
/// Inputs per call, counted exactly.
pub type IntHistogram = Histogram<EachValue>;

impl<B: Buckets> Histogram<B> {
    #[inline]
    pub fn record(&mut self, value: impl Into<u64>) {
        let b = B::bucket(value.into());
        // Nearly every value falls in a bucket already stored.
        if let Some(count) = b
            .checked_sub(self.first)
            .and_then(|at| self.counts.get_mut(at))
        {
            *count += 1;
            return;
        }
        self.widen(b, b + 1);
        self.counts[b - self.first] += 1;
    }

    /// Makes room for buckets `low..high`.
    #[cold]
    fn widen(&mut self, low: usize, high: usize) {
        if self.counts.is_empty() {
            self.first = low;
            self.counts.resize(high - low, 0);
            return;
        }
        if low < self.first {
            let grow = self.first - low;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = low;
        }
        if high > self.first + self.counts.len() {
            self.counts.resize(high - self.first, 0);
        }
    }

    pub fn merge(&mut self, other: &Histogram<B>) {
        if other.counts.is_empty() {
            return;
        }
        self.widen(other.first, other.first + other.counts.len());
        let at = other.first - self.first;
        for (a, b) in self.counts[at..].iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Each used bucket with its count, lowest first.
    pub(crate) fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        (self.first..).zip(self.counts.iter().copied())
    }

    /// The bucket holding the `rank`-th smallest value (1-based).
    fn bucket_of_rank(&self, rank: u64) -> Option<usize> {
        let mut seen = 0;
        for (i, c) in self.buckets() {
            seen += c;
            if seen >= rank && c > 0 {
                return Some(i);
            }
        }
        None
    }

    /// The bucket of the `q` quantile: the least bucket whose cumulative share reaches `q`.
    fn quantile_bucket(&self, q: f64) -> Option<usize> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        self.bucket_of_rank(rank)
    }

    /// A distribution-free 95% interval for the `q` quantile: the lower edge of the bucket of
    /// the low order statistic (0 when there is none) and the upper edge of the high one (open
    /// when the sample has too few calls above the quantile; see [`order_statistic_ranks`]).
    fn quantile_edges(&self, q: f64) -> Option<Interval<u64>> {
        let n = self.total();
        let (lo, hi) = order_statistic_ranks(n, q)?;
        let low = if lo == 0 {
            0
        } else {
            B::range(self.bucket_of_rank(lo)?).0
        };
        let high = if hi > n {
            None
        } else {
            Some(B::range(self.bucket_of_rank(hi)?).1)
        };
        Some(Interval { lo: low, hi: high })
    }
}

impl Histogram<LogMillis> {
    /// The `q` quantile in seconds (bucket midpoint), `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.quantile_bucket(q).map(midpoint_seconds)
    }

    /// A distribution-free 95% interval for the `q` quantile, in seconds: the low bucket's
    /// lower edge and the high bucket's upper edge (open when the sample is too small).
    pub fn quantile_interval(&self, q: f64) -> Option<Interval> {
        Some(self.quantile_edges(q)?.map(|ms| ms as f64 / 1000.0))
    }
}

impl Histogram<LogMillis> {
    /// How many recorded times are at most `micros`: `(surely, possibly)`. A bucket wholly at
    /// or below the bound counts in both; the one bucket straddling it (the bound is known to
    /// a millisecond, a bucket is up to 1/128 of its times wide) counts in `possibly` only.
    pub fn count_at_most(&self, micros: u64) -> (u64, u64) {
        let (mut surely, mut possibly) = (0, 0);
        for (i, c) in self.buckets() {
            let (lo, hi) = bucket_range(i);
            // Times are bucketed by whole milliseconds: the bucket holds `[lo, hi)` ms.
            if hi * 1000 <= micros + 1 {
                surely += c;
            }
            if lo * 1000 <= micros {
                possibly += c;
            }
        }
        (surely, possibly)
    }
}

/// The reported value of a time bucket, in seconds: its midpoint (its only value below 256 ms).
pub fn midpoint_seconds(index: usize) -> f64 {
    let (lo, hi) = bucket_range(index);
    if hi - lo == 1 {
        lo as f64 / 1000.0
    } else {
        (lo + hi) as f64 / 2000.0
    }
}

impl Histogram<EachValue> {
    /// The least value whose cumulative share reaches `q`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        self.quantile_bucket(q).map(|b| b as u64)
    }

    /// Distribution-free 95% interval of the `q` quantile: the low and high order statistics.
    pub fn quantile_interval(&self, q: f64) -> Option<Interval<u64>> {
        let edges = self.quantile_edges(q)?;
        Some(Interval {
            lo: edges.lo,
            hi: edges.hi.map(|high| high - 1),
        })
    }

    /// Exact sums of the values.
    pub fn sums(&self) -> Sums {
        self.buckets().fold(Sums::default(), |s, (v, c)| {
            let (v, c) = (v as u128, c as u128);
            Sums {
                n: s.n + c as u64,
                sum: s.sum + v * c,
                sum_sq: s
                    .sum_sq
                    .saturating_add(v.saturating_mul(v).saturating_mul(c)),
            }
        })
    }
}

/// Exact sums of a quantity recorded in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sums {
    pub n: u64,
    #[serde(with = "decimal")]
    pub sum: u128,
    #[serde(with = "decimal")]
    pub sum_sq: u128,
}

impl Sums {
    pub fn record(&mut self, micros: u64) {
        let v = micros as u128;
        self.n += 1;
        self.sum += v;
        // v² < 2^128 is exact; the total saturates rather than wrap past u128::MAX.
        self.sum_sq = self.sum_sq.saturating_add(v * v);
    }

    pub fn merge(&mut self, other: &Sums) {
        self.n += other.n;
        // Saturates like the sum of squares: sums read from partial results are only checked
        // against the calls, not against the times.
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }

    /// Mean and its 95% interval (see [`mean_interval`]), divided by `scale` (1e6 for µs ->
    /// seconds).
    pub fn mean_interval(&self, scale: f64) -> Option<(f64, Option<Interval>)> {
        // A sum above `i128::MAX` needs a sum of squares above `u128::MAX` first (Σx² >= (Σx)²/n
        // and n < 2^64), so this conversion cannot lose anything a sum of squares still holds.
        let sum = i128::try_from(self.sum).unwrap_or(i128::MAX);
        mean_interval(self.n, sum, self.sum_sq, scale, Sign::NonNegative)
    }
}

/// A histogram as a partial result stores it: the first used bucket and the counts from there.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistogramParts {
    first: usize,
    counts: Vec<u64>,
}

impl<B> Serialize for Histogram<B> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        HistogramParts {
            first: if self.counts.is_empty() {
                0
            } else {
                self.first
            },
            counts: self.counts.clone(),
        }
        .serialize(s)
    }
}

impl<'de, B: Buckets> Deserialize<'de> for Histogram<B> {
    /// Refuses what recording could never make: a zero count at either end, or buckets past
    /// the last one (whose edges would not fit in a `u64`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let parts = HistogramParts::deserialize(d)?;
        if parts
            .counts
            .iter()
            .try_fold(0u64, |total, &c| total.checked_add(c))
            .is_none()
        {
            return Err(D::Error::custom("a histogram's counts add up past 2^64"));
        }
        if parts.counts.is_empty() {
            return Ok(Histogram {
                first: 0,
                counts: Vec::new(),
                buckets: std::marker::PhantomData,
            });
        }
        if parts.counts.first() == Some(&0) || parts.counts.last() == Some(&0) {
            return Err(D::Error::custom(
                "a histogram's first and last counts are never 0",
            ));
        }
        if parts
            .first
            .checked_add(parts.counts.len())
            .is_none_or(|end| end > B::count())
        {
            return Err(D::Error::custom(format!(
                "a histogram has {} buckets: `first` plus the number of counts is past them",
                B::count()
            )));
        }
        Ok(Histogram {
            first: parts.first,
            counts: parts.counts,
            buckets: std::marker::PhantomData,
        })
    }
}

/// Exact integers wider than 64 bits (sums and sums of squares) as decimal strings: many JSON
/// readers keep only 53 bits of a number.
pub mod decimal {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<T: std::fmt::Display, S: Serializer>(
        value: &T,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: std::str::FromStr,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| D::Error::custom(format!("`{text}` is not a whole number in range")))
    }
}

/// Seconds to whole microseconds, rounded half away from zero (time is never negative; a
/// negative or NaN time counts as 0).
///
/// `f64::round` is a call into the maths library on a baseline x86-64 build, made for every
/// call simulated; this is the same rounding in a truncation and a comparison (exact: below
/// 2^53 the fraction `x - whole` is computed without error, and from 2^53 up every `f64` is a
/// whole number).
#[inline]
pub fn to_micros(seconds: f64) -> u64 {
    let x = seconds * MICROS;
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    let whole = x as u64;
    if x < 9_007_199_254_740_992.0 && x - whole as f64 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    /// The same whole microseconds as rounding half away from zero with the maths library.
    #[test]
    fn micros_round_like_f64_round() {
        let by_round = |s: f64| (s * super::MICROS).round().max(0.0) as u64;
        let halves = [0.5e-6, 1.5e-6, 2.5e-6, 0.4999999e-6, 12.3456785, 44.0000005];
        let edges = [
            0.0,
            -0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
            9.007199254740993e9,
        ];
        let mut x = 1e-7;
        let mut spread = Vec::new();
        while x < 1e12 {
            spread.extend([x, x * 1.000_000_1, x + 0.5e-6]);
            x *= 1.37;
        }
        for s in halves.into_iter().chain(edges).chain(spread) {
            assert_eq!(super::to_micros(s), by_round(s), "{s}");
        }
    }

    #[test]
    fn counts_times_at_most_a_bound_surely_and_possibly() {
        let mut t = TimeHistogram::default();
        for micros in [100_000, 30_000_000, 30_050_000, 40_000_000] {
            t.record(micros as u64);
        }
        // 30 s and 30.05 s share the bucket [29.952 s, 30.080 s): both are possibly within 30 s.
        assert_eq!(t.count_at_most(30_000_000), (1, 3));
        assert_eq!(t.count_at_most(31_000_000), (3, 3));
        assert_eq!(t.count_at_most(50_000), (0, 0));
        assert_eq!(t.count_at_most(100_000), (0, 1));
        assert_eq!(t.count_at_most(100_999), (1, 1));
    }
    use super::*;

    #[test]
    fn sums_of_squares_saturate_instead_of_wrapping() {
        let mut sums = Sums::default();
        for _ in 0..3 {
            sums.record(u64::MAX);
        }
        assert_eq!(sums.sum_sq, u128::MAX);
        let copy = sums;
        sums.merge(&copy);
        assert_eq!((sums.n, sums.sum_sq), (6, u128::MAX));
    }

    #[test]
    fn buckets_tile_the_line_with_bounded_relative_width() {
        let mut previous_high = 0;
        for index in 0..3000 {
            let (lo, hi) = bucket_range(index);
            assert_eq!(
                lo, previous_high,
                "bucket {index} starts where the last ended"
            );
            assert!(hi > lo);
            if lo >= EXACT_BELOW {
                assert!((hi - lo) as f64 / lo as f64 <= 1.0 / 128.0 + 1e-12);
            }
            assert_eq!(bucket(lo), index);
            assert_eq!(bucket(hi - 1), index);
            previous_high = hi;
        }
    }

    #[test]
    fn quantiles_and_intervals() {
        let mut h = IntHistogram::default();
        for v in [1u32, 1, 2, 3, 10] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(2));
        assert_eq!(h.quantile(0.4), Some(1));
        assert_eq!(h.quantile(0.99), Some(10));
        assert_eq!(
            h.sums(),
            Sums {
                n: 5,
                sum: 17,
                sum_sq: 115
            }
        );
        let mut t = TimeHistogram::default();
        for ms in 0..1000u64 {
            t.record(ms * 1000);
        }
        let median = t.quantile(0.5).unwrap();
        assert!((median - 0.499).abs() < 0.005, "{median}");
        let ci = t.quantile_interval(0.5).unwrap();
        assert!(ci.lo < 0.499 && ci.hi.unwrap() > 0.499);
    }

    #[test]
    fn mean_interval_has_no_cancellation_when_the_mean_dwarfs_the_spread() {
        // Differences of 10^15 ± 1: variance 2, so the half-width is t(1) * sqrt(2 / 2). Squaring
        // in floating point would lose the ±1 entirely (2e30 + 2 == 2e30 in f64).
        let (n, sum, sum_sq) = (2, 2 * 10i128.pow(15), 2 * 10u128.pow(30) + 2);
        // One degree of freedom: t = 12.706.
        let half = |sum: i128| {
            let (_, ci) = mean_interval(n, sum, sum_sq, 1.0, Sign::Signed).unwrap();
            let ci = ci.unwrap();
            (ci.hi.unwrap() - ci.lo) / 2.0
        };
        assert!((half(sum) - t_quantile(1)).abs() < 0.2, "{}", half(sum));
        assert!((half(-sum) - t_quantile(1)).abs() < 0.2, "{}", half(-sum));
    }

    #[test]
    fn one_histogram_two_bucket_strategies() {
        // Exact buckets: the order statistics themselves.
        let mut inputs = IntHistogram::default();
        for v in 1u32..=100 {
            inputs.record(v);
        }
        assert_eq!(inputs.total(), 100);
        assert_eq!(inputs.quantile(0.5), Some(50));
        // Exact binomial ranks 40 and 61.
        assert_eq!(order_statistic_ranks(100, 0.5), Some((40, 61)));
        assert_eq!(
            inputs.quantile_interval(0.5),
            Some(Interval::closed(40, 61))
        );
        // The p99 of 100 calls is not bounded above by any of them.
        assert_eq!(
            inputs.quantile_interval(0.99),
            Some(Interval { lo: 97, hi: None })
        );
        // Time buckets: milliseconds, exact below 256 ms, reported in seconds; the interval
        // runs from the low bucket's lower edge to the high bucket's upper edge.
        let mut times = TimeHistogram::default();
        for ms in 1u64..=100 {
            times.record(ms * 1000 + 500);
        }
        assert_eq!(times.quantile(0.5), Some(0.050));
        assert_eq!(
            times.quantile_interval(0.5),
            Some(Interval::closed(0.040, 0.062))
        );
        // Above 256 ms a bucket spans 2 ms: 300.5 ms lands in [300, 302), reported as 301 ms.
        let mut slow = TimeHistogram::default();
        slow.record(300_500u64);
        assert_eq!(slow.quantile(0.5), Some(0.301));
        // Merging is adding counts.
        let mut merged = IntHistogram::default();
        merged.merge(&inputs);
        merged.merge(&inputs);
        assert_eq!(merged.total(), 200);
        assert_eq!(merged.sums().sum, 2 * 5050);
        assert_eq!(IntHistogram::default().quantile(0.5), None);
        assert_eq!(TimeHistogram::default().quantile_interval(0.5), None);
    }

    /// A histogram read from a partial result is one recording could have made.
    #[test]
    fn histograms_round_trip_and_refuse_what_recording_never_makes() {
        let mut h = TimeHistogram::default();
        for micros in [5_000u64, 7_000, 300_000_000] {
            h.record(micros);
        }
        let text = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<TimeHistogram>(&text).unwrap(), h);
        let empty: IntHistogram = serde_json::from_str(r#"{"first": 9, "counts": []}"#).unwrap();
        assert_eq!(empty, IntHistogram::default());
        for bad in [
            r#"{"first": 0, "counts": [0, 1]}"#,
            r#"{"first": 0, "counts": [1, 0]}"#,
            r#"{"first": 65536, "counts": [1]}"#,
            r#"{"first": 18446744073709551615, "counts": [1]}"#,
            r#"{"first": 0, "counts": [18446744073709551615, 1]}"#,
            r#"{"first": 0, "counts": [1], "extra": 1}"#,
        ] {
            assert!(serde_json::from_str::<IntHistogram>(bad).is_err(), "{bad}");
        }
        let past_the_last = format!(r#"{{"first": {}, "counts": [1]}}"#, LogMillis::count());
        assert!(serde_json::from_str::<TimeHistogram>(&past_the_last).is_err());
        let sums: Sums = serde_json::from_str(
            r#"{"n": 2, "sum": "340282366920938463463374607431768211455", "sum_sq": "0"}"#,
        )
        .unwrap();
        assert_eq!(sums.sum, u128::MAX);
        assert!(serde_json::from_str::<Sums>(r#"{"n": 2, "sum": 5, "sum_sq": "0"}"#).is_err());
    }

    /// A histogram stores the buckets between its lowest and highest value only: calls of
    /// 10^13 seconds used to take a vector of thousands of buckets per intent and thread.
    #[test]
    fn a_histogram_stores_only_the_buckets_it_uses() {
        let mut huge = TimeHistogram::default();
        huge.record(10u64.pow(19));
        huge.record(10u64.pow(19) + 1);
        assert_eq!(huge.counts.len(), 1);
        assert_eq!(huge.quantile(0.5), huge.quantile(1.0));
        // Merging in either order gives the same histogram.
        let mut low = TimeHistogram::default();
        low.record(5_000u64);
        let (mut a, mut b) = (low.clone(), huge.clone());
        a.merge(&huge);
        b.merge(&low);
        assert_eq!(a, b);
        assert_eq!(a.total(), 3);
        assert_eq!(a.quantile(0.1), Some(0.005));
        let mut empty = TimeHistogram::default();
        empty.merge(&TimeHistogram::default());
        assert_eq!(empty, TimeHistogram::default());
    }
}
