//! 95% intervals that keep their coverage at every sample size.
//!
//! Every interval here is an [`Interval`]: a lower bound and an upper bound that may be open
//! (`hi: None`, "no upper bound can be claimed from this sample"). A function returns `None`
//! instead of an interval when the sample cannot support any claim at all (no calls, or a
//! signed quantity whose every sampled value was the same). Callers show an open or missing
//! interval as such, and a gate on it is inconclusive: it never passes on a claim the sample
//! cannot make.
//!
//! - Means: Student t with `n − 1` degrees of freedom ([`mean_interval`]). When every sampled
//!   value is the same the sample says nothing about the spread; for a non-negative quantity
//!   the interval is then `[v (1 − r), open)`, where `r` is the rule-of-three bound on the share
//!   of calls unlike the ones seen ([`unseen_share`]); for a signed one there is none.
//! - Shares: Wilson score ([`wilson`]).
//! - Quantiles: distribution-free order statistics with exact binomial ranks
//!   ([`order_statistic_ranks`]); open above when the upper rank passes `n`.
//! - Paired share differences: Tango's score interval ([`paired_share_difference`]), which
//!   stays wide enough when no pair of calls differed.

use serde::Serialize;

use super::Z95;

/// A 95% interval: `lo` always exists (a quantity with a natural floor reports it), `hi` is
/// `None` when the sample cannot bound the figure from above. Serialised as `[lo, hi]`, with
/// `null` for an open upper end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval<T = f64> {
    pub lo: T,
    pub hi: Option<T>,
}

impl<T: Copy> Interval<T> {
    /// A closed interval.
    pub fn closed(lo: T, hi: T) -> Interval<T> {
        Interval { lo, hi: Some(hi) }
    }

    /// The bounds as `f64`.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Interval<U> {
        Interval {
            lo: f(self.lo),
            hi: self.hi.map(f),
        }
    }
}

impl Interval<f64> {
    /// Whether the interval holds `value` (an open upper end holds everything above `lo`).
    pub fn contains(&self, value: f64) -> bool {
        value >= self.lo && self.hi.is_none_or(|hi| value <= hi)
    }

    /// Whether every value of the interval is above 0 or every value below 0.
    pub fn excludes_zero(&self) -> bool {
        self.lo > 0.0 || self.hi.is_some_and(|hi| hi < 0.0)
    }
}

impl<T: Serialize> Serialize for Interval<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.lo, &self.hi).serialize(s)
    }
}

/// Whether a sampled quantity can be negative (a paired difference) or not (a time, a count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    NonNegative,
    Signed,
}

/// The two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
///
/// Table values for up to 30 degrees of freedom; above, the Cornish-Fisher expansion around the
/// normal quantile, which is within 1e-4 of the true value there.
pub fn t_quantile(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_964;
            let v = df as f64;
            let (z3, z5, z7) = (z * z * z, z.powi(5), z.powi(7));
            let g1 = (z3 + z) / 4.0;
            let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
            let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
            z + g1 / v + g2 / (v * v) + g3 / (v * v * v)
        }
    }
}

/// The most the share of calls unlike every one of `n` sampled calls can be, at 95% (one
/// side): `1 − 0.05^(1/n)`, about `3 / n` ("rule of three").
pub fn unseen_share(n: u64) -> f64 {
    if n == 0 {
        1.0
    } else {
        1.0 - 0.05f64.powf(1.0 / n as f64)
    }
}

/// The fewest calls whose mean of a non-negative quantity gets an upper bound: below it a
/// sample too often misses a rare, long kind of call (a caller who retries every menu), and the
/// Student t interval covers the true mean less than 90% of the time on the example menus.
pub const MEAN_CALLS: u64 = 30;

/// Mean and 95% interval of `n` whole-unit samples from their exact sums (`sum` is negative
/// only for a signed quantity), divided by `scale` units per reported unit.
///
/// Student t with `n − 1` degrees of freedom; for a non-negative quantity from fewer than
/// [`MEAN_CALLS`] calls only the lower bound. With fewer than two calls, or when every call
/// had the same value (zero sample variance), the sample says nothing about the spread: a
/// non-negative quantity gets `[v (1 − unseen_share(n)), open)`, a signed one no interval.
///
/// The variance is `(n Σx² − (Σx)²) / (n (n − 1))` with the numerator computed in integers, so
/// a large mean cannot cancel the digits of a small spread; only when the numerator would not
/// fit in `u128` is it computed in floating point.
pub fn mean_interval(
    n: u64,
    sum: i128,
    sum_sq: u128,
    scale: f64,
    sign: Sign,
) -> Option<(f64, Option<Interval>)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = sum as f64 / nf / scale;
    let numerator = u128::from(n)
        .checked_mul(sum_sq)
        .and_then(|a| a.checked_sub(sum.unsigned_abs().checked_mul(sum.unsigned_abs())?));
    let spread = match numerator {
        Some(0) => 0.0,
        Some(num) => num as f64,
        None => {
            let m = sum as f64 / nf;
            ((sum_sq as f64 / nf - m * m).max(0.0)) * nf * nf
        }
    };
    if n < 2 || spread == 0.0 {
        let interval = match sign {
            Sign::NonNegative => Some(Interval {
                lo: mean * (1.0 - unseen_share(n)),
                hi: None,
            }),
            Sign::Signed => None,
        };
        return Some((mean, interval));
    }
    let variance = spread / (nf * (nf - 1.0)) / (scale * scale);
    let half = t_quantile(n - 1) * (variance / nf).sqrt();
    if n < MEAN_CALLS && sign == Sign::NonNegative {
        // Too few calls to have seen a rare, long kind of call: the sample mean is then low,
        // and only its lower bound holds.
        return Some((
            mean,
            Some(Interval {
                lo: (mean - half).max(0.0),
                hi: None,
            }),
        ));
    }
    let lo = match sign {
        Sign::NonNegative => (mean - half).max(0.0),
        Sign::Signed => mean - half,
    };
    Some((mean, Some(Interval::closed(lo, mean + half))))
}

/// The Wilson score 95% interval of a share `k / n`.
pub fn wilson(k: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let z = Z95;
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    Some(Interval::closed(
        (centre - half).max(0.0),
        (centre + half).min(1.0),
    ))
}

/// Below this many calls the order-statistic ranks come from the exact binomial distribution;
/// above, from its normal approximation (whose error there is far below the ranks' rounding).
const EXACT_RANKS_BELOW: u64 = 20_000;

/// 1-based ranks `(l, u)` of the order statistics that bracket the `q` quantile of `n` calls
/// with at least 95% probability: `P(X(l) <= Q_q <= X(u)) >= 0.95`, whatever the distribution.
///
/// `l == 0` means no sampled call is low enough (the interval starts at the quantity's floor);
/// `u == n + 1` means no sampled call is high enough: the interval is open above. Ranks come
/// from the binomial `B(n, q)` (the number of calls below the quantile): `l` is the largest with
/// `P(B <= l - 1) <= 2.5%`, `u` the least with `P(B <= u - 1) >= 97.5%`.
pub fn order_statistic_ranks(n: u64, q: f64) -> Option<(u64, u64)> {
    if n == 0 {
        return None;
    }
    if n >= EXACT_RANKS_BELOW {
        let nf = n as f64;
        let half = Z95 * (nf * q * (1.0 - q)).sqrt();
        let lo = ((nf * q - half).floor() as i64).clamp(0, n as i64) as u64;
        let hi = ((nf * q + half).ceil() as i64 + 1).clamp(1, n as i64 + 1) as u64;
        return Some((lo, hi));
    }
    // A report asks for the same ranks again and again (the times and the inputs of an
    // intent have the same calls, and intents of similar shares similar calls); the walk
    // below costs a logarithm and an exponential per call counted.
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<(u64, u64), (u64, u64)>> =
            std::cell::RefCell::default();
    }
    let key = (n, q.to_bits());
    if let Some(known) = KNOWN.with(|known| known.borrow().get(&key).copied()) {
        return Some(known);
    }
    let ranks = exact_ranks(n, q);
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        // Bounded: forgotten wholesale when full (a few thousand distinct ranks at most).
        if known.len() >= 4096 {
            known.clear();
        }
        known.insert(key, ranks);
    });
    Some(ranks)
}

/// [`order_statistic_ranks`] from the exact binomial distribution (`0 < n <
/// EXACT_RANKS_BELOW`).
fn exact_ranks(n: u64, q: f64) -> (u64, u64) {
    // Walk the binomial distribution once: F(k) = P(B <= k), in log space so that terms like
    // 0.5^10000 do not underflow before they are added.
    let (ln_q, ln_p) = (q.ln(), (1.0 - q).ln());
    let mut log_pmf = n as f64 * ln_p; // P(B = 0)
    let mut cdf = 0.0;
    let mut lo = 0;
    let mut hi = n + 1;
    for k in 0..=n {
        if k > 0 {
            log_pmf += ((n - k + 1) as f64 / k as f64).ln() + ln_q - ln_p;
        }
        // Below e^-746 a term is exactly 0 as an `f64` (the least subnormal is about
        // e^-744.4): skipping its exponential leaves `cdf` as it was, bit for bit. With many
        // calls and a high quantile most of the walk is such terms.
        if log_pmf > -746.0 {
            cdf += log_pmf.exp();
        }
        // cdf = F(k) = P(B <= k): rank k + 1 is a valid lower rank while F(k) <= 2.5%.
        if cdf <= 0.025 {
            lo = k + 1;
        }
        if cdf >= 0.975 {
            hi = k + 1;
            break;
        }
    }
    (lo.min(n), hi)
}

/// The fewest calls whose order statistics bound the `q` quantile from above (the upper rank
/// of [`order_statistic_ranks`] is at most `n`): the least `n` with `q^n <= 2.5%`.
pub fn calls_for_quantile(q: f64) -> u64 {
    (0.025f64.ln() / q.ln()).ceil() as u64
}

/// Tango's score 95% interval of a difference of paired shares, `(b_only − a_only) / n`, from
/// `n` pairs of which `b_only` had the outcome only in B and `a_only` only in A.
///
/// The interval is every difference `d` that a score test does not reject: the observed
/// discordance `b_only − a_only − n d` over its standard deviation under `d`, with the cell
/// shares at their maximum-likelihood values given `d`. Unlike an interval from the sample
/// variance of the differences, it stays open by about `3.8 / n` when no pair differed.
pub fn paired_share_difference(b_only: u64, a_only: u64, n: u64) -> Option<(f64, Interval)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let (b, c) = (b_only as f64, a_only as f64);
    let estimate = (b - c) / nf;
    // Score statistic; decreasing in d.
    let score = |d: f64| {
        let w = -b - c + (2.0 * nf - b + c) * d;
        let share_a_only =
            ((w * w + 8.0 * nf * c * d * (1.0 - d)).max(0.0).sqrt() - w) / (4.0 * nf);
        let variance = nf * (2.0 * share_a_only + d * (1.0 - d));
        let excess = b - c - nf * d;
        if variance <= 0.0 {
            if excess > 0.0 {
                f64::INFINITY
            } else if excess < 0.0 {
                f64::NEG_INFINITY
            } else {
                0.0
            }
        } else {
            excess / variance.sqrt()
        }
    };
    // The least d with score(d) <= z and the greatest with score(d) >= -z, by bisection.
    let bisect = |mut inside: f64, mut outside: f64, accept: &dyn Fn(f64) -> bool| {
        for _ in 0..100 {
            let mid = 0.5 * (inside + outside);
            if accept(mid) {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        inside
    };
    let lo = if score(-1.0) <= Z95 {
        -1.0
    } else {
        bisect(estimate, -1.0, &|d| score(d) <= Z95)
    };
    let hi = if score(1.0) >= -Z95 {
        1.0
    } else {
        bisect(estimate, 1.0, &|d| score(d) >= -Z95)
    };
    Some((estimate, Interval::closed(lo, hi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranks, remembered and with the vanishing terms skipped, are those of the plain walk
    /// over every term of the binomial distribution.
    #[test]
    fn order_statistic_ranks_match_the_plain_walk() {
        let plain = |n: u64, q: f64| {
            let (ln_q, ln_p) = (q.ln(), (1.0 - q).ln());
            let mut log_pmf = n as f64 * ln_p;
            let (mut cdf, mut lo, mut hi) = (0.0, 0, n + 1);
            for k in 0..=n {
                if k > 0 {
                    log_pmf += ((n - k + 1) as f64 / k as f64).ln() + ln_q - ln_p;
                }
                cdf += log_pmf.exp();
                if cdf <= 0.025 {
                    lo = k + 1;
                }
                if cdf >= 0.975 {
                    hi = k + 1;
                    break;
                }
            }
            (lo.min(n), hi)
        };
        for q in [0.01, 0.5, 0.9, 0.99] {
            for n in (1..400).chain((400..EXACT_RANKS_BELOW).step_by(397)) {
                assert_eq!(order_statistic_ranks(n, q), Some(plain(n, q)), "{n} {q}");
                // Asked again: remembered.
                assert_eq!(order_statistic_ranks(n, q), Some(plain(n, q)), "{n} {q}");
            }
        }
    }

    #[test]
    fn student_t_quantiles() {
        assert_eq!(t_quantile(1), 12.706);
        assert!((t_quantile(30) - 2.042).abs() < 5e-4);
        assert!((t_quantile(31) - 2.0395).abs() < 5e-4);
        assert!((t_quantile(60) - 2.0003).abs() < 5e-4);
        assert!((t_quantile(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn mean_interval_is_student_t() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7, t(7) = 2.365.
        let (mean, ci) = mean_interval(8, 40, 232, 1.0, Sign::Signed).unwrap();
        let half = 2.365 * (32.0f64 / 7.0 / 8.0).sqrt();
        let ci = ci.unwrap();
        assert_eq!(mean, 5.0);
        assert!((ci.hi.unwrap() - 5.0 - half).abs() < 1e-12 && (5.0 - ci.lo - half).abs() < 1e-12);
    }

    #[test]
    fn identical_calls_give_an_interval_that_cannot_collapse() {
        // 40 calls of 15.5 s: nothing is known about calls unlike them, so no upper bound.
        let v: u128 = 15_500_000;
        let (mean, ci) =
            mean_interval(40, 40 * v as i128, 40 * v * v, 1e6, Sign::NonNegative).unwrap();
        let ci = ci.unwrap();
        assert_eq!(mean, 15.5);
        assert_eq!(ci.hi, None);
        assert!(ci.lo < 15.5 && ci.lo > 15.5 * (1.0 - 0.08));
        // A signed difference that was always 0 bounds nothing.
        assert_eq!(
            mean_interval(40, 0, 0, 1.0, Sign::Signed),
            Some((0.0, None))
        );
        // One call: no spread either.
        assert_eq!(
            mean_interval(1, -3, 9, 1.0, Sign::Signed),
            Some((-3.0, None))
        );
        assert_eq!(mean_interval(0, 0, 0, 1.0, Sign::Signed), None);
    }

    #[test]
    fn order_statistic_ranks_are_exact_and_open_when_the_sample_is_too_small() {
        // n = 100, median: the classic exact ranks 40 and 61 (coverage 96.5%).
        assert_eq!(order_statistic_ranks(100, 0.5), Some((40, 61)));
        // p99 of 200 calls: even the largest call is below the p99 in 13% of samples.
        assert_eq!(order_statistic_ranks(200, 0.99).unwrap().1, 201);
        // p99 needs 368 calls before the maximum bounds it (0.99^368 < 2.5% < 0.99^367).
        let need = calls_for_quantile(0.99);
        assert_eq!(need, 368);
        assert_eq!(order_statistic_ranks(need, 0.99).unwrap().1, need);
        assert_eq!(order_statistic_ranks(need - 1, 0.99).unwrap().1, need);
        // Median of 5: no sampled call is low enough to bound it from below at 95%.
        assert_eq!(order_statistic_ranks(5, 0.5), Some((0, 6)));
        // The normal approximation above the exact range agrees with the exact ranks there.
        let (l, u) = order_statistic_ranks(EXACT_RANKS_BELOW - 1, 0.9).unwrap();
        let (l2, u2) = order_statistic_ranks(EXACT_RANKS_BELOW, 0.9).unwrap();
        assert!(
            l.abs_diff(l2) <= 2 && u.abs_diff(u2) <= 2,
            "{l} {u} {l2} {u2}"
        );
    }

    #[test]
    fn paired_shares_without_discordant_pairs_are_not_degenerate() {
        let (d, ci) = paired_share_difference(0, 0, 1000).unwrap();
        assert_eq!(d, 0.0);
        assert!(ci.lo < -0.003 && ci.hi.unwrap() > 0.003, "{ci:?}");
        assert!(ci.lo > -0.005 && ci.hi.unwrap() < 0.005, "{ci:?}");
        // Symmetric in the two menus.
        let (d1, c1) = paired_share_difference(30, 10, 500).unwrap();
        let (d2, c2) = paired_share_difference(10, 30, 500).unwrap();
        assert_eq!(d1, -d2);
        assert!((c1.lo + c2.hi.unwrap()).abs() < 1e-9);
        assert!(c1.contains(d1) && c1.excludes_zero());
        // Close to the normal interval when discordant pairs are many.
        let (d, ci) = paired_share_difference(300, 200, 10_000).unwrap();
        let se = ((500.0 / 10_000.0 - d * d) / 10_000.0f64).sqrt();
        assert!(
            (ci.hi.unwrap() - d - 1.96 * se).abs() < 1e-3 * 2.0,
            "{ci:?} {se}"
        );
    }

    #[test]
    fn wilson_interval() {
        let ci = wilson(50, 100).unwrap();
        assert!((ci.lo - 0.4038).abs() < 1e-3 && (ci.hi.unwrap() - 0.5962).abs() < 1e-3);
        assert_eq!(wilson(0, 10).unwrap().lo, 0.0);
    }
}
