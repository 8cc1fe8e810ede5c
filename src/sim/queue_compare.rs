//! `ivr compare` through the queues: the differences of the queue figures, B minus A.
//!
//! Both menus run through the queues on the same seed, so call `i` arrives at the same time,
//! wants the same thing and has the same queue patience and handle time in both; only its walk
//! through the menu differs. The two runs have the same replicates (the batches of a steady
//! state, or the days), call for call, and every interval comes from the replicates' paired
//! differences ([`replicate_difference_interval`]): queue figures are not shares of independent
//! calls (callers wait behind the same busy agents), so they are not paired call by call.

use serde::Serialize;

use super::compare::{Difference, QuantityDiff};
use super::queues::{
    Bounds, EndToEndTally, QueuePlan, QueueRunTally, replicate_difference_interval,
    replicate_tallies, total_tally,
};
use super::report::ordered_map;
use crate::intents::traffic::Arrivals;
use crate::queue::tally::QueueTally;

/// Differences of one queue's (or all queues') figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueFiguresDiff {
    /// Calls that joined the queue (a count).
    pub offered: Difference,
    /// Calls an agent answered (a count).
    pub answered: Difference,
    /// Share of the offered calls an agent answered.
    pub answered_share: Difference,
    pub service_level: Difference,
    pub asa: Difference,
    pub p_wait: Difference,
    pub abandoned: Difference,
    pub occupancy: Difference,
    /// Wait of answered calls, seconds.
    pub wait: QuantityDiff,
}

/// Differences of the end-to-end figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndToEndDiff {
    /// Calls counted in each run (the same calls).
    pub calls: u64,
    pub answered: Difference,
    pub abandoned_total: Difference,
    pub transferred: Difference,
    /// Seconds from arrival to the right agent's answer.
    pub time_to_answer: QuantityDiff,
    pub time_to_answer_within: Difference,
}

/// One interval of a day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IntervalDiff {
    pub start_minutes: f64,
    pub overall: QueueFiguresDiff,
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueFiguresDiff)>,
}

/// `diff.queues` of the compare report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueDiff {
    /// `steady` (batch means) or `day` (days).
    pub mode: &'static str,
    /// The paired replicates behind the intervals: batches, or days.
    pub replicates: usize,
    pub overall: QueueFiguresDiff,
    #[serde(serialize_with = "ordered_map")]
    pub queues: Vec<(String, QueueFiguresDiff)>,
    pub end_to_end: EndToEndDiff,
    /// Per interval of the day (day mode).
    pub intervals: Option<Vec<IntervalDiff>>,
}

/// B's figure minus A's, with the interval from the paired replicates (`None`: a count over
/// the replicates).
fn difference<T>(
    total: (&T, &T),
    replicates: (&[T], &[T]),
    figure: impl Fn(&T) -> Option<f64>,
    bounds: Option<Bounds>,
) -> Difference {
    let (Some(a), Some(b)) = (figure(total.0), figure(total.1)) else {
        return Difference::NULL;
    };
    let pairs = replicates
        .0
        .iter()
        .zip(replicates.1)
        .map(|(x, y)| (figure(x), figure(y)));
    Difference::with_interval(b - a, replicate_difference_interval(b - a, pairs, bounds))
}

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

fn figures_diff(
    total: (&QueueTally, &QueueTally),
    reps: (&[QueueTally], &[QueueTally]),
) -> QueueFiguresDiff {
    let d = |f: fn(&QueueTally) -> Option<f64>| difference(total, reps, f, Some(Bounds::Share));
    let time = |f: fn(&QueueTally) -> Option<f64>| difference(total, reps, f, Some(Bounds::Time));
    let wait = |q: f64| {
        Some(difference(
            total,
            reps,
            |t: &QueueTally| t.wait_quantile(q),
            Some(Bounds::Time),
        ))
    };
    QueueFiguresDiff {
        offered: difference(total, reps, |t: &QueueTally| count(t.offered), None),
        answered: difference(total, reps, |t: &QueueTally| count(t.answered), None),
        answered_share: d(QueueTally::answered_share),
        service_level: d(QueueTally::service_level),
        asa: time(QueueTally::asa),
        p_wait: d(QueueTally::p_wait),
        abandoned: d(QueueTally::abandoned_share),
        occupancy: d(QueueTally::occupancy),
        wait: QuantityDiff {
            mean: Some(time(QueueTally::asa)),
            p50: wait(0.5),
            p90: wait(0.9),
            p99: wait(0.99),
        },
    }
}

/// The differences of the queue figures of two runs on the same seed (B minus A), the queues
/// of `plan` (both menus share their traffic file, so their queues).
pub fn queue_diff(plan: &QueuePlan, a: &QueueRunTally, b: &QueueRunTally) -> QueueDiff {
    let scope = |q: Option<usize>, p: Option<usize>| {
        let (ta, tb) = (total_tally(a, q, p), total_tally(b, q, p));
        let (ra, rb) = (replicate_tallies(a, q, p), replicate_tallies(b, q, p));
        figures_diff((&ta, &tb), (&ra, &rb))
    };
    let queues = |p: Option<usize>| -> Vec<(String, QueueFiguresDiff)> {
        (0..plan.names.len())
            .map(|q| (plan.names[q].clone(), scope(Some(q), p)))
            .collect()
    };
    let intervals = match &plan.arrivals {
        Arrivals::Day {
            interval_minutes,
            calls,
        } => Some(
            (0..calls.len())
                .map(|k| IntervalDiff {
                    start_minutes: k as f64 * interval_minutes,
                    overall: scope(None, Some(k)),
                    queues: queues(Some(k)),
                })
                .collect(),
        ),
        Arrivals::PerHour(_) => None,
    };
    let whole = |t: &QueueRunTally| {
        let mut all = EndToEndTally::default();
        for r in &t.end_to_end {
            all.merge(r);
        }
        all
    };
    let (ea, eb) = (whole(a), whole(b));
    let total = (&ea, &eb);
    let reps = (a.end_to_end.as_slice(), b.end_to_end.as_slice());
    let share = |n: fn(&EndToEndTally) -> u64| {
        difference(
            total,
            reps,
            |t: &EndToEndTally| t.share(n(t)),
            Some(Bounds::Share),
        )
    };
    let time = |q: f64| {
        Some(difference(
            total,
            reps,
            |t: &EndToEndTally| t.time_to_answer_quantile(q),
            Some(Bounds::Time),
        ))
    };
    QueueDiff {
        mode: if a.days.is_empty() { "steady" } else { "day" },
        replicates: a.end_to_end.len(),
        overall: scope(None, None),
        queues: queues(None),
        end_to_end: EndToEndDiff {
            calls: ea.calls,
            answered: share(|t| t.answered),
            abandoned_total: share(|t| t.abandoned_ivr + t.abandoned_queue),
            transferred: share(|t| t.transferred),
            time_to_answer: QuantityDiff {
                mean: Some(difference(
                    total,
                    reps,
                    EndToEndTally::time_to_answer_mean,
                    Some(Bounds::Time),
                )),
                p50: time(0.5),
                p90: time(0.9),
                p99: time(0.99),
            },
            time_to_answer_within: difference(
                total,
                reps,
                EndToEndTally::time_to_answer_within,
                Some(Bounds::Share),
            ),
        },
        intervals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::t_quantile;

    #[test]
    fn identical_replicates_differ_by_zero_with_no_interval() {
        let pairs = [
            (Some(0.8), Some(0.8)),
            (Some(0.7), Some(0.7)),
            (Some(0.9), Some(0.9)),
        ];
        assert_eq!(
            replicate_difference_interval(0.0, pairs, Some(Bounds::Time)),
            None
        );
    }

    #[test]
    fn the_interval_is_student_t_on_the_paired_differences() {
        // Differences 1, 2, 3: mean 2, standard deviation 1, standard error 1/√3.
        let pairs = [
            (Some(10.0), Some(11.0)),
            (Some(20.0), Some(22.0)),
            (Some(5.0), Some(8.0)),
        ];
        let half = t_quantile(2) / 3f64.sqrt();
        let ci = replicate_difference_interval(2.0, pairs, Some(Bounds::Time)).unwrap();
        assert!(
            (ci.lo - (2.0 - half)).abs() < 1e-12 && (ci.hi.unwrap() - (2.0 + half)).abs() < 1e-12
        );
        // A count over the three replicates: three times as wide, around the total.
        let ci = replicate_difference_interval(6.0, pairs, None).unwrap();
        assert!((ci.lo - (6.0 - 3.0 * half)).abs() < 1e-12);
        // A replicate missing on either side is left out; one pair alone bounds nothing.
        let sparse = [(None, Some(1.0)), (Some(1.0), Some(2.0)), (Some(3.0), None)];
        assert_eq!(
            replicate_difference_interval(1.0, sparse, Some(Bounds::Time)),
            None
        );
    }

    #[test]
    fn a_difference_of_shares_stays_between_minus_one_and_one() {
        // Shares that differ by nearly 1 in one replicate and little in the others: the
        // Student t interval would pass 1; a difference of two shares cannot.
        let pairs = [
            (Some(0.0), Some(1.0)),
            (Some(0.5), Some(0.6)),
            (Some(0.2), Some(0.3)),
        ];
        let ci = replicate_difference_interval(0.4, pairs, Some(Bounds::Share)).unwrap();
        assert_eq!(ci.hi, Some(1.0));
        assert!(ci.lo > -1.0 && ci.lo < 0.4, "{ci:?}");
        let open = replicate_difference_interval(0.4, pairs, Some(Bounds::Time)).unwrap();
        assert!(open.hi.unwrap() > 1.0 && open.lo == ci.lo);
    }
}
