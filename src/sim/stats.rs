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

/// A mergeable histogram of non-negative times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeHistogram {
    counts: Vec<u64>,
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

impl TimeHistogram {
    pub fn record(&mut self, micros: u64) {
        let b = bucket(micros / 1000);
        if b >= self.counts.len() {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
    }

    pub fn merge(&mut self, other: &TimeHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The bucket holding the `rank`-th smallest value (1-based).
    fn bucket_of_rank(&self, rank: u64) -> Option<usize> {
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank && c > 0 {
                return Some(i);
            }
        }
        None
    }

    /// The `q` quantile in seconds (bucket midpoint), `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        self.bucket_of_rank(rank).map(midpoint_seconds)
    }

    /// A distribution-free 95% interval for the `q` quantile: the order statistics whose ranks
    /// bracket `n q` by 1.96 binomial standard deviations (normal approximation), in seconds:
    /// the low bucket's lower edge and the high bucket's upper edge.
    pub fn quantile_interval(&self, q: f64) -> Option<[f64; 2]> {
        let n = self.total();
        let (lo, hi) = order_statistic_ranks(n, q)?;
        let low = bucket_range(self.bucket_of_rank(lo)?).0 as f64 / 1000.0;
        let high = bucket_range(self.bucket_of_rank(hi)?).1 as f64 / 1000.0;
        Some([low, high])
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

/// 1-based ranks `(l, u)` with `P(X(l) <= Q_q <= X(u)) ~ 0.95`.
pub fn order_statistic_ranks(n: u64, q: f64) -> Option<(u64, u64)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let half = 1.96 * (nf * q * (1.0 - q)).sqrt();
    let lo = ((nf * q - half).floor() as i64).clamp(1, n as i64) as u64;
    let hi = ((nf * q + half).ceil() as i64 + 1).clamp(1, n as i64) as u64;
    Some((lo, hi))
}

/// Exact counts of small non-negative integers (inputs per call).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntHistogram {
    counts: Vec<u64>,
}

impl IntHistogram {
    pub fn record(&mut self, value: u32) {
        let v = value as usize;
        if v >= self.counts.len() {
            self.counts.resize(v + 1, 0);
        }
        self.counts[v] += 1;
    }

    pub fn merge(&mut self, other: &IntHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    fn value_of_rank(&self, rank: u64) -> Option<u64> {
        let mut seen = 0;
        for (v, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank && c > 0 {
                return Some(v as u64);
            }
        }
        None
    }

    /// The least value whose cumulative share reaches `q`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        self.value_of_rank(rank)
    }

    /// Distribution-free 95% interval of the `q` quantile.
    pub fn quantile_interval(&self, q: f64) -> Option<[u64; 2]> {
        let (lo, hi) = order_statistic_ranks(self.total(), q)?;
        Some([self.value_of_rank(lo)?, self.value_of_rank(hi)?])
    }

    /// Exact sum and sum of squares.
    pub fn sums(&self) -> (u128, u128) {
        self.counts
            .iter()
            .enumerate()
            .fold((0, 0), |(s, ss), (v, &c)| {
                let (v, c) = (v as u128, c as u128);
                (s + v * c, ss + v * v * c)
            })
    }
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

    /// Mean and its 95% normal interval, in seconds (`scale` converts units: 1e6 for µs).
    pub fn mean_ci(&self, scale: f64) -> Option<(f64, [f64; 2])> {
        mean_ci(self.n, self.sum, self.sum_sq, scale)
    }
}

/// Mean and 95% interval from exact sums (`scale` units per reported unit).
pub fn mean_ci(n: u64, sum: u128, sum_sq: u128, scale: f64) -> Option<(f64, [f64; 2])> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = sum as f64 / nf / scale;
    // Variance from exact integers: (n Σx² − (Σx)²) / (n (n − 1)), computed in u128 where it fits.
    let variance = if n > 1 {
        let n128 = n as u128;
        let numerator = n128
            .checked_mul(sum_sq)
            .and_then(|a| a.checked_sub(sum.checked_mul(sum)?));
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
    let half = 1.96 * (variance / nf).sqrt();
    Some((mean, [mean - half, mean + half]))
}

/// The Wilson score 95% interval of a share `k / n`.
pub fn wilson(k: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let z = 1.96f64;
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
        for v in [1, 1, 2, 3, 10] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(2));
        assert_eq!(h.quantile(0.4), Some(1));
        assert_eq!(h.quantile(0.99), Some(10));
        assert_eq!(h.sums(), (17, 115));
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
}
