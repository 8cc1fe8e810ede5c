//! The headline figures a change to a menu is judged by (containment, agent, misrouted,
//! abandoned, mean time, time to agent), and which of them a change made worse.
//!
//! `ivr lint --fix --unsafe-fixes` writes a fix that changes what callers hear or press only
//! when no headline figure gets significantly worse. "Significantly" means two things at once:
//!
//! - beyond noise: with a simulation, the 95% interval of the paired difference lies wholly
//!   on the worse side (with the exact solver there is no noise);
//! - big enough to matter: more than [`SHARE_MARGIN`] of calls for a share, more than
//!   [`TIME_MARGIN`] for a time. Without a margin the exact solver would refuse a back option
//!   that costs a caller who listens to the end a twentieth of a second.
//!
//! And a time is not worse when more callers are helped (containment plus agent up, beyond
//! noise and the margin): a re-prompt keeps on the line callers who used to be cut off after
//! one slip, and the minutes it takes to help them are what helping them costs, not a loss.

use super::compare::{Difference, ScopeDiff};
use super::engine::Outcome;

/// A share of calls that moved less than this (a tenth of a percentage point) has not changed.
pub const SHARE_MARGIN: f64 = 0.001;
/// Seconds per call less than this (a tenth of a second, the least `popular-first` reports)
/// are no change.
pub const TIME_MARGIN: f64 = 0.1;

/// One headline figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Headline {
    /// The `self_served` share.
    Containment,
    /// The share of calls that reach an agent who serves them.
    Agent,
    Misrouted,
    Abandoned,
    /// Seconds per call.
    MeanTime,
    /// Seconds to reach a person, over the calls that reach one.
    TimeToAgent,
}

impl Headline {
    pub const ALL: [Headline; 6] = [
        Headline::Containment,
        Headline::Agent,
        Headline::Misrouted,
        Headline::Abandoned,
        Headline::MeanTime,
        Headline::TimeToAgent,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Headline::Containment => "containment",
            Headline::Agent => "agent",
            Headline::Misrouted => "misrouted",
            Headline::Abandoned => "abandoned",
            Headline::MeanTime => "mean time",
            Headline::TimeToAgent => "time to agent",
        }
    }

    /// Whether a rise is worse for callers.
    fn higher_is_worse(self) -> bool {
        !matches!(self, Headline::Containment | Headline::Agent)
    }

    fn is_time(self) -> bool {
        matches!(self, Headline::MeanTime | Headline::TimeToAgent)
    }

    fn margin(self) -> f64 {
        if self.is_time() {
            TIME_MARGIN
        } else {
            SHARE_MARGIN
        }
    }

    fn difference(self, diff: &ScopeDiff) -> Option<Difference> {
        match self {
            Headline::Containment => Some(diff.outcomes.get(Outcome::SelfServed)),
            Headline::Agent => Some(diff.outcomes.get(Outcome::Agent)),
            Headline::Misrouted => Some(diff.outcomes.get(Outcome::Misrouted)),
            Headline::Abandoned => Some(diff.outcomes.get(Outcome::Abandoned)),
            Headline::MeanTime => diff.time.mean,
            Headline::TimeToAgent => diff.time_to_agent.mean,
        }
    }
}

/// How one headline figure moved (after minus before).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeadlineChange {
    pub figure: Headline,
    /// A share (0 to 1) or seconds.
    pub diff: f64,
    /// Worse for callers, beyond noise and by more than the margin.
    pub worse: bool,
}

impl HeadlineChange {
    /// `containment +0.3 points`, `−2.1 s per call`, `time to agent +4.0 s`.
    pub fn describe(&self) -> String {
        let sign = |d: f64| if d < 0.0 { "\u{2212}" } else { "+" };
        match self.figure {
            Headline::MeanTime => format!("{}{:.1} s per call", sign(self.diff), self.diff.abs()),
            Headline::TimeToAgent => {
                format!("time to agent {}{:.1} s", sign(self.diff), self.diff.abs())
            }
            figure => format!(
                "{} {}{:.1} points",
                figure.name(),
                sign(self.diff),
                self.diff.abs() * 100.0
            ),
        }
    }

    /// Whether it shows as a change at the precision [`HeadlineChange::describe`] prints.
    pub fn shows(&self) -> bool {
        let shown = if self.figure.is_time() {
            self.diff
        } else {
            self.diff * 100.0
        };
        shown.abs() >= 0.05
    }
}

/// How each headline figure moved from A to B. `exact`: the differences come from the exact
/// solver, so every one is free of noise.
pub fn headline_changes(diff: &ScopeDiff, exact: bool) -> Vec<HeadlineChange> {
    let helped = [Headline::Containment, Headline::Agent].map(|f| f.difference(diff));
    let gain: f64 = helped.iter().flatten().filter_map(|d| d.diff).sum();
    let more_helped = gain > SHARE_MARGIN
        && (exact
            || helped
                .iter()
                .flatten()
                .any(|d| d.significant && d.diff.is_some_and(|v| v > 0.0)));
    Headline::ALL
        .into_iter()
        .filter_map(|figure| {
            let d = figure.difference(diff)?;
            let value = d.diff?;
            let toward_worse = if figure.higher_is_worse() {
                value
            } else {
                -value
            };
            let excused = figure.is_time() && more_helped;
            Some(HeadlineChange {
                figure,
                diff: value,
                worse: toward_worse > figure.margin() && (exact || d.significant) && !excused,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::report::PerOutcome;

    fn scope(abandoned: Difference, time: Difference) -> ScopeDiff {
        let mut diff = ScopeDiff::null();
        diff.outcomes = PerOutcome::from_fn(|o| {
            if o == Outcome::Abandoned {
                abandoned
            } else {
                Difference::exact(0.2, 0.2)
            }
        });
        diff.time.mean = Some(time);
        diff
    }

    #[test]
    fn a_worse_figure_must_be_beyond_noise_and_the_margin() {
        // Exact: two points more abandoned is worse; a hundredth of a second is no change.
        let changes = headline_changes(
            &scope(
                Difference::exact(0.05, 0.07),
                Difference::exact(30.0, 30.01),
            ),
            true,
        );
        let worse: Vec<&str> = changes
            .iter()
            .filter(|c| c.worse)
            .map(|c| c.figure.name())
            .collect();
        assert_eq!(worse, ["abandoned"]);
        // Sampled: the same rise whose interval straddles 0 is noise.
        let noisy =
            Difference::with_interval(0.02, Some(crate::stats::Interval::closed(-0.01, 0.05)));
        let changes = headline_changes(&scope(noisy, Difference::exact(30.0, 30.0)), false);
        assert!(changes.iter().all(|c| !c.worse));
    }

    #[test]
    fn changes_read_as_points_and_seconds() {
        let time = HeadlineChange {
            figure: Headline::MeanTime,
            diff: -2.1,
            worse: false,
        };
        let containment = HeadlineChange {
            figure: Headline::Containment,
            diff: 0.003,
            worse: false,
        };
        assert_eq!(time.describe(), "\u{2212}2.1 s per call");
        assert_eq!(containment.describe(), "containment +0.3 points");
    }
}
