//! Paired bootstrap of quantile differences over fixed groups of calls.
//!
//! A run's calls are split into at most [`GROUPS`] groups by their index (call `i` of `n` is in
//! group `i · G / n`), each group keeping one histogram per menu. The groups are independent
//! and alike, so resampling whole groups with replacement imitates drawing a new sample of
//! paired calls; the difference of the two menus' quantiles in each resample gives the
//! bootstrap distribution, and its 2.5% and 97.5% points are the interval (percentile
//! bootstrap). The resampling stream is seeded from the run's seed and the groups depend only
//! on call indices, so the interval is the same whatever the number of threads.

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;

use super::{Buckets, Histogram, Interval};

/// The most groups a run is split into: enough resampling units for a smooth bootstrap
/// distribution, few enough that each resample is cheap and memory stays fixed.
pub const GROUPS: u64 = 256;

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 500;

/// The group of call `index` of `calls` (see the module comment).
pub fn group_of(index: u64, calls: u64) -> usize {
    let groups = calls.min(GROUPS);
    (u128::from(index) * u128::from(groups) / u128::from(calls.max(1))) as usize
}

/// The number of groups a run of `calls` calls has.
pub fn group_count(calls: u64) -> usize {
    calls.min(GROUPS) as usize
}

/// 95% percentile-bootstrap intervals of `Q_B(q) − Q_A(q)` for each level `q` (ascending),
/// from groups of paired histograms `[A, B]`; `value` turns a bucket into the reported value.
/// `None` for a level the sample cannot bound (see [`super::calls_for_quantile`]).
pub fn quantile_differences<B: Buckets>(
    groups: &[[Histogram<B>; 2]],
    levels: &[f64],
    seed: u64,
    value: impl Fn(usize) -> f64,
) -> Vec<Option<Interval>> {
    let calls: u64 = groups.iter().map(|g| g[0].total()).sum();
    let bounded: Vec<bool> = levels
        .iter()
        .map(|&q| {
            calls >= super::calls_for_quantile(q) && calls >= super::calls_for_quantile(1.0 - q)
        })
        .collect();
    if groups.len() < 2 || !bounded.contains(&true) {
        return vec![None; levels.len()];
    }
    // The buckets any group uses, renumbered densely, and each group's counts as sparse pairs.
    let mut used: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.iter())
        .flat_map(|h| h.buckets().filter(|&(_, c)| c > 0))
        .map(|(b, _)| b)
        .collect();
    used.sort_unstable();
    used.dedup();
    let dense = |b: usize| used.binary_search(&b).unwrap_or(0);
    let sparse: Vec<[Vec<(usize, u64)>; 2]> = groups
        .iter()
        .map(|g| {
            [&g[0], &g[1]].map(|h| {
                h.buckets()
                    .filter(|&(_, c)| c > 0)
                    .map(|(b, c)| (dense(b), c))
                    .collect()
            })
        })
        .collect();
    let values: Vec<f64> = used.iter().map(|&b| value(b)).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5eed_b007_57a9_0001);
    let mut weights = vec![0u64; groups.len()];
    let mut counts = vec![0u64; used.len()];
    let mut diffs = vec![Vec::with_capacity(RESAMPLES); levels.len()];
    let mut quantiles = [vec![0.0; levels.len()], vec![0.0; levels.len()]];
    for _ in 0..RESAMPLES {
        weights.fill(0);
        for _ in 0..groups.len() {
            let pick = ((u128::from(rng.next_u64()) * groups.len() as u128) >> 64) as usize;
            weights[pick] += 1;
        }
        for (side, out) in quantiles.iter_mut().enumerate() {
            counts.fill(0);
            let mut total = 0;
            for (group, &w) in sparse.iter().zip(&weights) {
                if w == 0 {
                    continue;
                }
                for &(b, c) in &group[side] {
                    counts[b] += w * c;
                    total += w * c;
                }
            }
            // One pass finds every level (levels ascend).
            let mut seen = 0;
            let mut level = 0;
            for (b, &c) in counts.iter().enumerate() {
                seen += c;
                while level < levels.len()
                    && seen >= ((levels[level] * total as f64).ceil() as u64).clamp(1, total)
                {
                    out[level] = values[b];
                    level += 1;
                }
            }
        }
        for (k, d) in diffs.iter_mut().enumerate() {
            d.push(quantiles[1][k] - quantiles[0][k]);
        }
    }
    diffs
        .into_iter()
        .zip(bounded)
        .map(|(mut d, bounded)| {
            if !bounded {
                return None;
            }
            d.sort_by(f64::total_cmp);
            let low = d[(0.025 * RESAMPLES as f64).floor() as usize];
            let high = d[(0.975 * RESAMPLES as f64).ceil() as usize - 1];
            Some(Interval::closed(low, high))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::IntHistogram;

    #[test]
    fn groups_split_calls_evenly_by_index() {
        assert_eq!(group_count(20), 20);
        assert_eq!(group_count(1_000_000), 256);
        assert_eq!(group_of(0, 1000), 0);
        assert_eq!(group_of(999, 1000), 255);
        let sizes = (0..1000).fold(vec![0; 256], |mut s, i| {
            s[group_of(i, 1000)] += 1;
            s
        });
        assert!(sizes.iter().all(|&s| s == 3 || s == 4));
    }

    #[test]
    fn a_shift_of_every_call_is_the_quantile_difference() {
        // B is A plus 5 on every call: the interval of every level is [5, 5].
        let groups: Vec<[IntHistogram; 2]> = (0..100u64)
            .map(|i| {
                let mut pair = [IntHistogram::default(), IntHistogram::default()];
                pair[0].record(i % 37);
                pair[1].record(i % 37 + 5);
                pair
            })
            .collect();
        let cis = quantile_differences(&groups, &[0.5, 0.9, 0.99], 1, |b| b as f64);
        assert_eq!(cis[0], Some(Interval::closed(5.0, 5.0)));
        assert_eq!(cis[1], Some(Interval::closed(5.0, 5.0)));
        // 100 calls cannot bound a p99.
        assert_eq!(cis[2], None);
    }
}
