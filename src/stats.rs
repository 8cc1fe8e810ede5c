//! Streaming statistics: exact, mergeable accumulators whose memory does not grow with the
//! number of calls.
//!
//! Times are recorded in whole microseconds and summed in `u128`, so sums, means and variances
//! are exact integers and merging blocks in any order gives the same figures to the last digit.
//! Quantiles of time come from a log-linear histogram of milliseconds: exact below 256 ms, and
//! above it each bucket spans at most 1/128 of its lower edge, so a reported quantile is within
//! 0.4% of the true one (the bucket's midpoint is reported). Inputs are counted exactly.

/// Microseconds per second.
const MICROS: f64 = 1e6;

/// Sub-buckets per power of two above the exact range.
const SUB_BUCKETS: u64 = 128;
/// Values below this many milliseconds have a bucket each.
const EXACT_BELOW: u64 = 2 * SUB_BUCKETS;

/// The standard normal quantile of a two-sided 95% interval: every 95% interval here is
/// `Z95` standard errors either side (normal approximation).
pub const Z95: f64 = 1.96;

/// How a [`Histogram`] sorts values into buckets.
pub trait Buckets {
    /// The bucket of a recorded value.
    fn bucket(value: u64) -> usize;
    /// The values a bucket holds: `[low, high)`.
    fn range(index: usize) -> (u64, u64);
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
    pub fn record(&mut self, value: impl Into<u64>) {
        let b = B::bucket(value.into());
        self.widen(b, b + 1);
        self.counts[b - self.first] += 1;
    }

    /// Makes room for buckets `low..high`.
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
    fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
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
    /// the low order statistic and the upper edge of the high one (see
    /// [`order_statistic_ranks`]).
    fn quantile_edges(&self, q: f64) -> Option<(u64, u64)> {
        let (lo, hi) = order_statistic_ranks(self.total(), q)?;
        let low = B::range(self.bucket_of_rank(lo)?).0;
        let high = B::range(self.bucket_of_rank(hi)?).1;
        Some((low, high))
    }
}

impl Histogram<LogMillis> {
    /// The `q` quantile in seconds (bucket midpoint), `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.quantile_bucket(q).map(midpoint_seconds)
    }

    /// A distribution-free 95% interval for the `q` quantile, in seconds: the low bucket's
    /// lower edge and the high bucket's upper edge.
    pub fn quantile_interval(&self, q: f64) -> Option<[f64; 2]> {
        let (low, high) = self.quantile_edges(q)?;
        Some([low as f64 / 1000.0, high as f64 / 1000.0])
    }
}

fn midpoint_seconds(index: usize) -> f64 {
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
    pub fn quantile_interval(&self, q: f64) -> Option<[u64; 2]> {
        let (low, high) = self.quantile_edges(q)?;
        Some([low, high - 1])
    }

    /// Exact sums of the values.
    pub fn sums(&self) -> Sums {
        self.buckets().fold(Sums::default(), |s, (v, c)| {
            let (v, c) = (v as u128, c as u128);
            Sums {
                n: s.n + c as u64,
                sum: s.sum + v * c,
                sum_sq: s.sum_sq + v * v * c,
            }
        })
    }
}

/// 1-based ranks `(l, u)` with `P(X(l) <= Q_q <= X(u)) ~ 0.95`: they bracket `n q` by [`Z95`]
/// binomial standard deviations (normal approximation).
pub fn order_statistic_ranks(n: u64, q: f64) -> Option<(u64, u64)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let half = Z95 * (nf * q * (1.0 - q)).sqrt();
    let lo = ((nf * q - half).floor() as i64).clamp(1, n as i64) as u64;
    let hi = ((nf * q + half).ceil() as i64 + 1).clamp(1, n as i64) as u64;
    Some((lo, hi))
}

/// Exact sums of a quantity recorded in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    pub n: u64,
    pub sum: u128,
    pub sum_sq: u128,
}

impl Sums {
    pub fn record(&mut self, micros: u64) {
        let v = micros as u128;
        self.n += 1;
        self.sum += v;
        self.sum_sq += v * v;
    }

    pub fn merge(&mut self, other: &Sums) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// Mean and its 95% normal interval, divided by `scale` (1e6 for µs -> seconds).
    pub fn mean_ci(&self, scale: f64) -> Option<(f64, [f64; 2])> {
        // A sum above `i128::MAX` needs a sum of squares above `u128::MAX` first (Σx² >= (Σx)²/n
        // and n < 2^64), so this conversion cannot lose anything a sum of squares still holds.
        let sum = i128::try_from(self.sum).unwrap_or(i128::MAX);
        mean_ci(self.n, sum, self.sum_sq, scale)
    }
}

/// Mean and 95% normal interval of `n` whole-unit samples from their exact sums (`sum` may be
/// negative: paired differences), divided by `scale` units per reported unit.
///
/// The variance is `(n Σx² − (Σx)²) / (n (n − 1))` with the numerator computed in integers, so
/// a large mean cannot cancel the digits of a small spread; only when the numerator would not
/// fit in `u128` is it computed in floating point.
pub fn mean_ci(n: u64, sum: i128, sum_sq: u128, scale: f64) -> Option<(f64, [f64; 2])> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = sum as f64 / nf / scale;
    let variance = if n > 1 {
        let numerator = u128::from(n)
            .checked_mul(sum_sq)
            .and_then(|a| a.checked_sub(sum.unsigned_abs().checked_mul(sum.unsigned_abs())?));
        match numerator {
            Some(num) => num as f64 / (nf * (nf - 1.0)) / (scale * scale),
            None => {
                let m = sum as f64 / nf;
                ((sum_sq as f64 / nf - m * m).max(0.0) * nf / (nf - 1.0)) / (scale * scale)
            }
        }
    } else {
        0.0
    };
    let half = Z95 * (variance / nf).sqrt();
    Some((mean, [mean - half, mean + half]))
}

/// The Wilson score 95% interval of a share `k / n`.
pub fn wilson(k: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let z = Z95;
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// Seconds to whole microseconds (time is never negative).
pub fn to_micros(seconds: f64) -> u64 {
    (seconds * MICROS).round().max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let [lo, hi] = t.quantile_interval(0.5).unwrap();
        assert!(lo < 0.499 && hi > 0.499);
    }

    #[test]
    fn wilson_and_means() {
        let [lo, hi] = wilson(50, 100).unwrap();
        assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3);
        assert_eq!(wilson(0, 10).unwrap()[0], 0.0);
        let mut s = Sums::default();
        for v in [1_000_000u64, 3_000_000] {
            s.record(v);
        }
        let (mean, [lo, hi]) = s.mean_ci(1e6).unwrap();
        assert_eq!(mean, 2.0);
        assert!((hi - mean - 1.96).abs() < 1e-9 && (mean - lo - 1.96).abs() < 1e-9);
    }

    #[test]
    fn mean_interval_of_a_known_sample() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7.
        let mut s = Sums::default();
        for v in [2u64, 4, 4, 4, 5, 5, 7, 9] {
            s.record(v);
        }
        let (mean, [lo, hi]) = s.mean_ci(1.0).unwrap();
        let half = Z95 * (32.0f64 / 7.0 / 8.0).sqrt();
        assert_eq!(mean, 5.0);
        assert!((hi - 5.0 - half).abs() < 1e-12 && (5.0 - lo - half).abs() < 1e-12);
        // The same sample as signed sums, and in other units, gives the same interval.
        assert_eq!(mean_ci(8, 40, 232, 1.0), s.mean_ci(1.0));
        let (mean_k, [lo_k, hi_k]) = mean_ci(8, 40, 232, 1000.0).unwrap();
        assert!(
            (mean_k - 0.005).abs() < 1e-15 && (hi_k - lo_k - 2.0 * half / 1000.0).abs() < 1e-15
        );
        assert_eq!(mean_ci(0, 0, 0, 1.0), None);
        assert_eq!(mean_ci(1, -3, 9, 1.0), Some((-3.0, [-3.0, -3.0])));
    }

    #[test]
    fn mean_interval_has_no_cancellation_when_the_mean_dwarfs_the_spread() {
        // Differences of 10^15 ± 1: variance 2, so the half-width is Z95 * sqrt(2 / 2). Squaring
        // in floating point would lose the ±1 entirely (2e30 + 2 == 2e30 in f64).
        let (n, sum, sum_sq) = (2, 2 * 10i128.pow(15), 2 * 10u128.pow(30) + 2);
        let (mean, [lo, hi]) = mean_ci(n, sum, sum_sq, 1.0).unwrap();
        assert_eq!(mean, 1e15);
        assert!(((hi - lo) / 2.0 - Z95).abs() < 0.2, "{lo} {hi}");
        let (mean, [lo, hi]) = mean_ci(n, -sum, sum_sq, 1.0).unwrap();
        assert_eq!(mean, -1e15);
        assert!(((hi - lo) / 2.0 - Z95).abs() < 0.2, "{lo} {hi}");
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
        // Ranks 50 -/+ 1.96 * 5 = 40.2 .. 59.8: order statistics 40 and 61.
        assert_eq!(order_statistic_ranks(100, 0.5), Some((40, 61)));
        assert_eq!(inputs.quantile_interval(0.5), Some([40, 61]));
        // Time buckets: milliseconds, exact below 256 ms, reported in seconds; the interval
        // runs from the low bucket's lower edge to the high bucket's upper edge.
        let mut times = TimeHistogram::default();
        for ms in 1u64..=100 {
            times.record(ms * 1000 + 500);
        }
        assert_eq!(times.quantile(0.5), Some(0.050));
        assert_eq!(times.quantile_interval(0.5), Some([0.040, 0.062]));
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
