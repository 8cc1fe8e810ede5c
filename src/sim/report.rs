//! The simulation report: one `Serialize` struct that every output format reads.

use serde::Serialize;

use super::engine::Outcome;
use super::flow::Flow;
use super::run::{IntentTally, Tally};
use crate::stats::{Interval, TimeHistogram, wilson};

/// Seven numbers, one per outcome, in the order every output format lists them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PerOutcome<T> {
    pub self_served: T,
    pub agent: T,
    pub misrouted: T,
    pub unresolved: T,
    pub disconnected: T,
    pub abandoned: T,
    pub looped: T,
}

impl<T: Copy> PerOutcome<T> {
    pub fn from_fn(f: impl Fn(Outcome) -> T) -> Self {
        PerOutcome {
            self_served: f(Outcome::SelfServed),
            agent: f(Outcome::Agent),
            misrouted: f(Outcome::Misrouted),
            unresolved: f(Outcome::Unresolved),
            disconnected: f(Outcome::Disconnected),
            abandoned: f(Outcome::Abandoned),
            looped: f(Outcome::Looped),
        }
    }

    pub fn get(&self, outcome: Outcome) -> T {
        match outcome {
            Outcome::SelfServed => self.self_served,
            Outcome::Agent => self.agent,
            Outcome::Misrouted => self.misrouted,
            Outcome::Unresolved => self.unresolved,
            Outcome::Disconnected => self.disconnected,
            Outcome::Abandoned => self.abandoned,
            Outcome::Looped => self.looped,
        }
    }
}

/// Mean, quantiles and their 95% intervals of one quantity: seconds (`Q = f64`) or key inputs
/// (`Q = u64`, so that their quantiles are whole numbers in every format: nobody presses half a
/// key).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Distribution<Q = f64> {
    pub mean: f64,
    /// Student t interval `[low, high]`; `high` is null when the calls were all alike (nothing
    /// bounds the mean from above); null with `--exact`.
    pub mean_ci95: Option<Interval>,
    /// Quantiles (null with `--exact`).
    pub p50: Option<Q>,
    pub p90: Option<Q>,
    pub p99: Option<Q>,
    /// Distribution-free (order-statistic) intervals of the quantiles; `high` is null when too
    /// few calls lie above the quantile to bound it.
    pub p50_ci95: Option<Interval<Q>>,
    pub p90_ci95: Option<Interval<Q>>,
    pub p99_ci95: Option<Interval<Q>>,
}

impl Distribution {
    /// Times in seconds from their exact sums (microseconds) and their histogram: the mean with
    /// its interval, and the quantiles with theirs.
    pub fn of_times(sums: &crate::stats::Sums, hist: &crate::stats::TimeHistogram) -> Distribution {
        let mean = sums.mean_interval(1e6);
        let [p50, p90, p99] = LEVELS.map(|q| hist.quantile(q));
        let [c50, c90, c99] = LEVELS.map(|q| hist.quantile_interval(q));
        Distribution {
            mean: mean.map_or(0.0, |m| m.0),
            mean_ci95: mean.and_then(|m| m.1),
            p50,
            p90,
            p99,
            p50_ci95: c50,
            p90_ci95: c90,
            p99_ci95: c99,
        }
    }
}

/// The figures of the whole traffic or of one intent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Simulated calls behind these figures (null with `--exact`).
    pub calls: Option<u64>,
    /// Of them, the calls that reached a person: the calls behind `time_to_agent` (null with
    /// `--exact`).
    pub calls_to_agent: Option<u64>,
    /// Share of calls ending in each outcome.
    pub outcomes: PerOutcome<f64>,
    /// Wilson 95% intervals of the shares (null with `--exact`).
    pub outcomes_ci95: PerOutcome<Option<Interval>>,
    /// Key inputs per call (integer quantiles).
    pub inputs: Distribution<u64>,
    /// Seconds per call.
    pub time: Distribution,
    /// Seconds per call over the calls that reach a person (`agent` or `misrouted`); null when none do.
    pub time_to_agent: Option<Distribution>,
    /// Share of calls that followed a confusion (a wrong category picked at a menu); only
    /// when the callers can be confused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confused: Option<f64>,
    /// Its Wilson 95% interval (left out with `--exact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confused_ci95: Option<Interval>,
    /// What speech nodes heard (when the menu has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<SpeechFigures>,
    /// The times behind `time_to_agent`, for checks on the share reached within a bound
    /// (empty with `--exact`; not an output field).
    #[serde(skip)]
    pub time_to_agent_histogram: TimeHistogram,
}

/// The attempts at speech nodes: how many a call makes, and how they ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SpeechFigures {
    /// Attempts in which the caller spoke, per call (at every speech node).
    pub attempts: f64,
    /// Shares of those attempts: routed to the caller's own intent's node, asked to repeat, and
    /// routed to another intent's node.
    pub recognised: f64,
    pub rejected: f64,
    pub misrecognised: f64,
    /// The attempts counted by Monte Carlo (recognised, rejected, misrecognised), behind the
    /// intervals of checks on these shares (`None` when exact; not an output field).
    #[serde(skip)]
    pub counted: Option<[u64; 3]>,
}

impl SpeechFigures {
    /// From expected (or counted) attempts of each kind per call.
    pub fn of(counts: [f64; 3], calls: f64) -> SpeechFigures {
        let total: f64 = counts.iter().sum();
        let share = |c: f64| if total > 0.0 { c / total } else { 0.0 };
        SpeechFigures {
            attempts: if calls > 0.0 { total / calls } else { 0.0 },
            recognised: share(counts[0]),
            rejected: share(counts[1]),
            misrecognised: share(counts[2]),
            counted: None,
        }
    }
}

/// One intent's figures and its share of the traffic.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IntentFigures {
    /// The intent's normalised weight.
    pub share: f64,
    #[serde(flatten)]
    pub figures: Figures,
    /// The intent's `nodes` and `edges` (with `--by-intent`).
    #[serde(flatten)]
    pub flow: Option<Flow>,
}

/// A simulation's result: what `ivr sim --format json` prints, field for field.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SimReport {
    /// The menu file.
    pub menu: String,
    /// Calls simulated (null with `--exact`).
    pub calls: Option<u64>,
    /// The seed (null with `--exact`).
    pub seed: Option<u64>,
    pub exact: bool,
    pub overall: Figures,
    /// Per intent, in the intents file's order.
    #[serde(serialize_with = "ordered_map")]
    pub intents: Vec<(String, IntentFigures)>,
    /// Where callers go: `nodes` and `edges` (when an output asks for them).
    #[serde(flatten)]
    pub flow: Option<Flow>,
    /// The agent queues after the transfer, when the traffic file has `arrivals` and `queues`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queues: Option<super::queues::QueueReport>,
    /// With `--exact`: Erlang C / A for each queue, from the exact share of calls joining it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queues_exact: Option<super::staffing::StaffReport>,
    /// Per caller group, in the intents file's order, when it names groups (`share`: the
    /// group's share of all calls).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "ordered_map")]
    pub personas: Vec<(String, IntentFigures)>,
}

/// Serialises `(name, value)` pairs as a JSON object in their order (intents file order).
pub(crate) fn ordered_map<S: serde::Serializer, V: Serialize>(
    entries: &[(String, V)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

const LEVELS: [f64; 3] = [0.5, 0.9, 0.99];

/// Figures from a Monte Carlo tally, with the `confused` share when the callers can be
/// confused and the speech figures when the menu has speech nodes.
pub fn figures_of(tally: &IntentTally, confusable: bool, speech: bool) -> Figures {
    let mut f = figures(tally);
    if speech {
        f.speech = Some(SpeechFigures {
            counted: Some(tally.speech),
            ..SpeechFigures::of(tally.speech.map(|c| c as f64), tally.calls() as f64)
        });
    }
    if confusable {
        let n = tally.calls();
        f.confused = Some(if n == 0 {
            0.0
        } else {
            tally.confused as f64 / n as f64
        });
        f.confused_ci95 = wilson(tally.confused, n);
    }
    f
}

/// Figures from a Monte Carlo tally.
pub fn figures(tally: &IntentTally) -> Figures {
    let n = tally.calls();
    let share = |o: Outcome| {
        if n == 0 {
            0.0
        } else {
            tally.outcomes[o as usize] as f64 / n as f64
        }
    };
    let inputs_mean = tally.inputs.sums().mean_interval(1.0);
    let [i50, i90, i99] = LEVELS.map(|q| tally.inputs.quantile(q));
    let [ic50, ic90, ic99] = LEVELS.map(|q| tally.inputs.quantile_interval(q));
    let inputs = Distribution {
        mean: inputs_mean.map_or(0.0, |m| m.0),
        mean_ci95: inputs_mean.and_then(|m| m.1),
        p50: i50,
        p90: i90,
        p99: i99,
        p50_ci95: ic50,
        p90_ci95: ic90,
        p99_ci95: ic99,
    };
    Figures {
        calls: Some(n),
        calls_to_agent: Some(tally.to_agent.n),
        outcomes: PerOutcome::from_fn(share),
        outcomes_ci95: PerOutcome::from_fn(|o| wilson(tally.outcomes[o as usize], n)),
        inputs,
        time: Distribution::of_times(&tally.time, &tally.time_histogram),
        time_to_agent: (tally.to_agent.n > 0)
            .then(|| Distribution::of_times(&tally.to_agent, &tally.to_agent_histogram)),
        time_to_agent_histogram: tally.to_agent_histogram.clone(),
        confused: None,
        confused_ci95: None,
        speech: None,
    }
}

/// The report of a Monte Carlo run.
pub fn monte_carlo_report(
    menu: &str,
    names: &[String],
    shares: &[f64],
    tally: &Tally,
    calls: u64,
    seed: u64,
) -> SimReport {
    SimReport {
        menu: menu.to_string(),
        calls: Some(calls),
        seed: Some(seed),
        exact: false,
        overall: figures_of(&tally.overall(), tally.confusable, tally.speech),
        intents: names
            .iter()
            .zip(shares)
            .zip(&tally.intents)
            .map(|((name, &share), t)| {
                (
                    name.clone(),
                    IntentFigures {
                        share,
                        figures: figures_of(t, tally.confusable, tally.speech),
                        flow: None,
                    },
                )
            })
            .collect(),
        flow: None,
        queues: None,
        queues_exact: None,
        personas: tally
            .personas
            .iter()
            .map(|(name, t)| {
                let share = if calls == 0 {
                    0.0
                } else {
                    t.calls() as f64 / tally.overall().calls().max(1) as f64
                };
                (
                    name.clone(),
                    IntentFigures {
                        share,
                        figures: figures_of(t, tally.confusable, tally.speech),
                        flow: None,
                    },
                )
            })
            .collect(),
    }
}
