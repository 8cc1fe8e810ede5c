//! Simulation figures: solved exactly, sampled by Monte Carlo, and compared with each other or
//! with a hand computation.

use ivr::sim::report::{Figures, monte_carlo_report};
use ivr::stats::Interval;

use super::load::MENU_NAME;

pub use ivr::sim::engine::Outcome;
pub use ivr::sim::exact::{ExactError, exact_report};
pub use ivr::sim::program::Program;
pub use ivr::sim::report::SimReport;
pub use ivr::sim::run::{BLOCK, RunOptions, Tally, run};

/// The exact report of a program the solver can solve.
pub fn exact(program: &Program) -> SimReport {
    exact_report(MENU_NAME, program).unwrap_or_else(|e| panic!("exact solver: {e:?}"))
}

/// A Monte Carlo run: its report, and the tally that holds each scope's number of calls.
pub fn sampled(program: &Program, calls: u64, seed: u64, threads: usize) -> (SimReport, Tally) {
    let options = RunOptions {
        calls,
        seed,
        threads,
    };
    let tally = run(program, options, &|_| {});
    let report = monte_carlo_report(
        MENU_NAME,
        &program.intent_names,
        &program.shares,
        &tally,
        calls,
        seed,
    );
    (report, tally)
}

/// A report as `ivr sim --format json` prints it.
pub fn report_json(report: &SimReport) -> String {
    ivr::render::sim::json(report)
}

/// A Monte Carlo report alone.
pub fn monte_carlo(program: &Program, calls: u64, seed: u64, threads: usize) -> SimReport {
    sampled(program, calls, seed, threads).0
}

/// Exact figures of one scope, against a hand computation.
pub struct Hand<'a> {
    /// Outcomes not listed have share 0.
    pub outcomes: &'a [(Outcome, f64)],
    pub inputs: f64,
    pub time: f64,
    /// Mean time over the calls that reach a person (`None` when none do).
    pub time_to_agent: Option<f64>,
}

pub const EXACT_TOLERANCE: f64 = 1e-9;

pub fn assert_hand(figures: &Figures, hand: &Hand<'_>, what: &str) {
    for o in Outcome::ALL {
        let want = hand
            .outcomes
            .iter()
            .find(|(h, _)| *h == o)
            .map_or(0.0, |h| h.1);
        let got = figures.outcomes.get(o);
        assert!(
            (got - want).abs() <= EXACT_TOLERANCE,
            "{what}: {} is {got}, by hand {want}",
            o.name()
        );
    }
    let close = |got: f64, want: f64, name: &str| {
        assert!(
            (got - want).abs() <= EXACT_TOLERANCE,
            "{what}: {name} is {got}, by hand {want}"
        );
    };
    close(figures.inputs.mean, hand.inputs, "inputs");
    close(figures.time.mean, hand.time, "time");
    match (&figures.time_to_agent, hand.time_to_agent) {
        (Some(got), Some(want)) => close(got.mean, want, "time to agent"),
        (None, None) => {}
        (got, want) => panic!("{what}: time to agent {got:?}, by hand {want:?}"),
    }
}

/// Standard error from a 95% interval (`None` when there is none: a scope without calls; the
/// floor when it is open above: every sampled call was alike).
pub fn standard_error(ci: Option<Interval>, floor: f64) -> Option<f64> {
    ci.map(|ci| ci.hi.map_or(floor, |hi| ((hi - ci.lo) / 3.92).max(floor)))
}

/// Floor of a mean's standard error, relative to `1 + |exact mean|`: a sample in which every
/// call took the same inputs has an empty interval, though rarer calls it did not see (one in
/// 10,000 that abandons before pressing) move the exact mean a little. It is well below the
/// standard errors of the means of the example menus.
pub const MEAN_FLOOR: f64 = 1e-4;
/// Means are compared over at least this many calls: below it the sample variance can miss a
/// rare, long kind of call altogether and the normal interval is too narrow.
pub const MEAN_MIN_CALLS: u64 = 1000;

/// Every share, mean inputs, mean time and mean time to agent of every scope within `k`
/// standard errors of the exact figures.
///
/// A share's standard error is its Wilson interval's width / 3.92, floored by the binomial
/// standard error of the exact share, `sqrt(p (1 - p) / n)`: near 0 or 1 a sample that saw
/// none of a rare outcome has an interval narrower than the truth allows.
pub fn assert_agree(mc: &(SimReport, Tally), exact: &SimReport, k: f64, what: &str) {
    let (mc, tally) = mc;
    assert_eq!(mc.intents.len(), exact.intents.len());
    assert_eq!(mc.personas.len(), exact.personas.len());
    let overall = tally.overall();
    let scopes = std::iter::once(("overall", &mc.overall, &exact.overall, &overall))
        .chain(
            mc.intents
                .iter()
                .zip(&exact.intents)
                .zip(&tally.intents)
                .map(|(((name, m), (_, e)), t)| (name.as_str(), &m.figures, &e.figures, t)),
        )
        .chain(
            mc.personas
                .iter()
                .zip(&exact.personas)
                .zip(&tally.personas)
                .map(|(((name, m), (_, e)), (_, t))| (name.as_str(), &m.figures, &e.figures, t)),
        );
    for (scope, m, e, t) in scopes {
        let check = |name: &str, got: f64, want: f64, se: Option<f64>| {
            let Some(se) = se else { return };
            let z = (got - want).abs() / se;
            assert!(
                z <= k,
                "{what}, {scope}, {name}: Monte Carlo {got} vs exact {want}: {z:.1} standard errors (se {se:.3e})"
            );
        };
        let calls = t.calls();
        for o in Outcome::ALL {
            let p = e.outcomes.get(o);
            let binomial = (p * (1.0 - p) / calls.max(1) as f64).sqrt();
            check(
                o.name(),
                m.outcomes.get(o),
                p,
                standard_error(m.outcomes_ci95.get(o), binomial.max(1e-9)),
            );
        }
        assert_eq!(
            m.confused.is_some(),
            e.confused.is_some(),
            "{what}, {scope}: confused"
        );
        if let (Some(got), Some(p)) = (m.confused, e.confused) {
            let binomial = (p * (1.0 - p) / calls.max(1) as f64).sqrt();
            check(
                "confused",
                got,
                p,
                standard_error(m.confused_ci95, binomial.max(1e-9)),
            );
        }
        // What speech nodes heard: shares of the spoken attempts, binomial over their number.
        assert_eq!(
            m.speech.is_some(),
            e.speech.is_some(),
            "{what}, {scope}: speech"
        );
        if let (Some(got), Some(want)) = (m.speech, e.speech) {
            let attempts = t.speech.iter().sum::<u64>().max(1) as f64;
            for (name, g, p) in [
                ("recognised", got.recognised, want.recognised),
                ("asked to repeat", got.rejected, want.rejected),
                ("misrecognised", got.misrecognised, want.misrecognised),
            ] {
                let binomial = (p * (1.0 - p) / attempts).sqrt();
                check(name, g, p, Some(binomial.max(1.0 / attempts)));
            }
        }
        if calls >= MEAN_MIN_CALLS {
            check(
                "inputs",
                m.inputs.mean,
                e.inputs.mean,
                standard_error(m.inputs.mean_ci95, mean_floor(e.inputs.mean)),
            );
            check(
                "time",
                m.time.mean,
                e.time.mean,
                standard_error(m.time.mean_ci95, mean_floor(e.time.mean)),
            );
        }
        if let (Some(mt), Some(et)) = (&m.time_to_agent, &e.time_to_agent)
            && t.to_agent.n >= MEAN_MIN_CALLS
        {
            check(
                "time to agent",
                mt.mean,
                et.mean,
                standard_error(mt.mean_ci95, mean_floor(et.mean)),
            );
        }
    }
}

pub fn mean_floor(exact: f64) -> f64 {
    MEAN_FLOOR * (1.0 + exact.abs())
}

/// The outcome names of the JSON reports, in their order.
pub const OUTCOMES: [&str; 7] = [
    "self_served",
    "agent",
    "misrouted",
    "unresolved",
    "disconnected",
    "abandoned",
    "looped",
];
