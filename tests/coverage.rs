//! The coverage claim of every 95% interval, as a test: many small seeded simulations of the
//! tutorial menu, each interval checked against the exact solution (means, shares and their
//! paired differences) or a long-run reference (quantiles and their differences).
//!
//! An interval the report leaves open or out makes no claim and cannot miss; the test counts
//! such cases separately and requires that large enough samples do get intervals. Gates that
//! must not pass are checked over seeds too: a gate that passes wrongly is worse than none.
//!
//! The figures are read from the JSON the commands print, so the test states what users see.

mod common;

use std::collections::BTreeMap;

use common::figures::{Program, exact, sampled};
use common::load::{program, program_from_files};
use common::root;
use ivr::sim::compare::{exact_diff, monte_carlo_diff, run_pair};
use ivr::sim::exact::exact_report;
use ivr::sim::gates::{Verdict, evaluate, parse};
use ivr::sim::run::RunOptions;
use serde_json::Value;

const OUTCOMES: [&str; 7] = [
    "self_served",
    "agent",
    "misrouted",
    "unresolved",
    "disconnected",
    "abandoned",
    "looped",
];
const QUANTILES: [&str; 3] = ["p50", "p90", "p99"];

/// Per kind of interval: (covered, missed, no claim).
#[derive(Default)]
struct Tally(BTreeMap<String, [u32; 3]>);

impl Tally {
    /// Checks `ci` (a `[low, high]` JSON pair, `high` possibly null, or null) against `truth`.
    fn check(&mut self, kind: &str, ci: &Value, truth: f64) {
        let entry = self.0.entry(kind.to_string()).or_default();
        let Some(pair) = ci.as_array() else {
            entry[2] += 1;
            return;
        };
        let lo = pair[0].as_f64().expect("a lower bound");
        let hi = pair[1].as_f64().unwrap_or(f64::INFINITY);
        // Half a microsecond of slack: figures are computed in microseconds.
        let slack = 1e-9 + 1e-9 * truth.abs();
        if lo - slack <= truth && truth <= hi + slack {
            entry[0] += 1;
        } else {
            entry[1] += 1;
        }
    }

    fn coverage(&self, kind: &str) -> (f64, f64) {
        let [covered, missed, open] = self.0.get(kind).copied().unwrap_or_default();
        let claimed = f64::from(covered + missed);
        (
            f64::from(covered) / claimed.max(1.0),
            claimed / f64::from(covered + missed + open).max(1.0),
        )
    }
}

fn tutorial() -> Program {
    program_from_files(&root().join("menus/tutorial.yaml"), None)
}

/// The tutorial with a shorter greeting and the complaint option first: a variant that changes
/// times and routes.
fn variant() -> Program {
    let menu = std::fs::read_to_string(root().join("menus/tutorial.yaml")).expect("tutorial");
    let intents =
        std::fs::read_to_string(root().join("menus/tutorial.intents.yaml")).expect("intents");
    let complaint =
        "      - { key: 3, say: \"To make a complaint, press 3.\", to: complaint_note }\n";
    let menu = menu
        .replace("say: Thanks for calling Example Shop.", "say: Example Shop.")
        .replace(complaint, "")
        .replace(
            "      - { key: 1, say: \"To track an order, press 1.\", to: order_number }\n",
            &format!(
                "{complaint}      - {{ key: 1, say: \"To track an order, press 1.\", to: order_number }}\n"
            ),
        );
    assert!(menu.find("key: 3").unwrap() < menu.find("key: 1").unwrap());
    program(&menu, &intents)
}

fn json(report: &impl serde::Serialize) -> Value {
    serde_json::to_value(report).expect("JSON")
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, p| &v[p])
}

/// Long-run quantiles of time and inputs (overall), from one large run.
fn reference_quantiles(p: &Program) -> Value {
    let report = sampled(p, 200_000, 99, 0).0;
    json(&report)["overall"].clone()
}

#[test]
fn intervals_cover_the_truth_at_small_samples() {
    let a = tutorial();
    let b = variant();
    let exact_a = json(&exact(&a));
    let exact_b = exact_report("b", &b).expect("exact");
    let exact_d = json(&exact_diff(&exact(&a), &exact_b));
    let long_a = reference_quantiles(&a);
    let long_b = reference_quantiles(&b);
    let names = a.intent_names.clone();

    let mut figures_table = String::new();
    // Paired runs bootstrap their quantile differences, which costs more: fewer seeds.
    for (n, seeds, paired_seeds) in [(20u64, 200u64, 100u64), (100, 200, 50), (1000, 60, 20)] {
        let mut tally = Tally::default();
        for seed in 0..seeds {
            let report = json(&sampled(&a, n, seed, 1).0);
            let overall = &report["overall"];
            for o in OUTCOMES {
                let truth = exact_a["overall"]["outcomes"][o].as_f64().unwrap();
                tally.check("share", &overall["outcomes_ci95"][o], truth);
            }
            for q in ["inputs", "time", "time_to_agent"] {
                let truth = exact_a["overall"][q]["mean"].as_f64().unwrap();
                tally.check("mean", at(overall, &[q, "mean_ci95"]), truth);
            }
            for name in &names {
                let scope = &report["intents"][name];
                let truth_scope = &exact_a["intents"][name];
                for o in OUTCOMES {
                    let truth = truth_scope["outcomes"][o].as_f64().unwrap();
                    tally.check("intent share", &scope["outcomes_ci95"][o], truth);
                }
                let truth = truth_scope["time"]["mean"].as_f64().unwrap();
                tally.check("intent mean", &scope["time"]["mean_ci95"], truth);
            }
            for q in ["time", "inputs"] {
                for level in QUANTILES {
                    let truth = long_a[q][level].as_f64().unwrap();
                    let ci = &overall[q][format!("{level}_ci95")];
                    tally.check("quantile", ci, truth);
                }
            }
            // Paired differences, B minus A.
            let options = RunOptions {
                calls: n,
                seed,
                threads: 1,
            };
            if seed >= paired_seeds {
                continue;
            }
            let pair = run_pair(&a, &b, options);
            let diff = json(&monte_carlo_diff(&names, &pair))["overall"].clone();
            for o in OUTCOMES {
                let truth = exact_d["overall"]["outcomes"][o]["diff"].as_f64().unwrap();
                tally.check("paired share", &diff["outcomes"][o]["ci95"], truth);
            }
            for q in ["inputs", "time"] {
                let truth = exact_d["overall"][q]["mean"]["diff"].as_f64().unwrap();
                tally.check("paired mean", &diff[q]["mean"]["ci95"], truth);
                for level in QUANTILES {
                    let truth =
                        long_b[q][level].as_f64().unwrap() - long_a[q][level].as_f64().unwrap();
                    let ci = &diff[q][level]["ci95"];
                    tally.check("paired quantile", ci, truth);
                }
            }
        }
        for (kind, counts) in &tally.0 {
            let (coverage, claimed) = tally.coverage(kind);
            figures_table += &format!(
                "n = {n:>4}  {kind:<16} coverage {:>5.1}%  claimed {:>5.1}%  {counts:?}\n",
                coverage * 100.0,
                claimed * 100.0
            );
        }
    }
    eprintln!("{figures_table}");
    for line in figures_table.lines() {
        let coverage: f64 = line
            .split("coverage")
            .nth(1)
            .and_then(|r| r.trim().split('%').next())
            .and_then(|c| c.trim().parse().ok())
            .expect("a coverage figure");
        assert!(coverage >= 90.0, "coverage below 90%:\n{figures_table}");
    }
    // Large enough samples get intervals: 1,000 calls bound every overall mean, share, quantile
    // and paired difference.
    for kind in [
        "share",
        "mean",
        "quantile",
        "paired share",
        "paired mean",
        "paired quantile",
    ] {
        let claimed = figures_table
            .lines()
            .find(|l| l.starts_with("n = 1000") && l.contains(&format!(" {kind} ")))
            .and_then(|l| l.split("claimed").nth(1))
            .and_then(|r| r.trim().split('%').next())
            .and_then(|c| c.trim().parse::<f64>().ok())
            .expect("a claimed figure");
        assert!(claimed >= 99.0, "{kind}: {figures_table}");
    }
}

/// Gates whose figure is truly on the wrong side of the bound: how often they pass, over seeds.
fn wrong_passes(p: &Program, check: &str, calls: u64, seeds: u64) -> u64 {
    let gate = parse(check, &p.intent_names, false).expect("a valid check");
    (0..seeds)
        .filter(|&seed| {
            let (report, _) = sampled(p, calls, seed, 1);
            evaluate(&gate, &report).verdict == Verdict::Pass
        })
        .count() as u64
}

#[test]
fn gates_do_not_pass_wrongly_at_small_samples() {
    let p = tutorial();
    let exact_report = exact(&p);
    let (_, truth) = exact_report
        .intents
        .iter()
        .find(|(n, _)| n == "complaint")
        .expect("complaint");
    let to_agent = truth
        .figures
        .time_to_agent
        .expect("complaints reach a person")
        .mean;
    assert!(
        to_agent > 16.0,
        "the gate below must fail on the exact value: {to_agent}"
    );
    // The true p99 of complaint calls is about 49.5 s: `<= 45` must not pass.
    let long_run = sampled(&p, 100_000, 99, 0).0;
    let p99 = long_run
        .intents
        .iter()
        .find(|(n, _)| n == "complaint")
        .unwrap()
        .1
        .figures
        .time
        .p99;
    assert!(p99.unwrap() > 45.0, "{p99:?}");
    let mut failures = Vec::new();
    for (check, calls) in [
        ("intent.complaint.time.p99<=45", 200),
        ("intent.complaint.time.p99<=45", 1000),
        ("intent.complaint.time_to_agent.mean<=16", 40),
        ("intent.complaint.time_to_agent.mean<=16", 200),
    ] {
        let passes = wrong_passes(&p, check, calls, 100);
        // Each seed is its own run: at most 5 of 100 may pass a gate whose truth breaks it.
        eprintln!("{check} at {calls} calls: passed wrongly in {passes} of 100 seeds");
        if passes > 5 {
            failures.push(format!("{check} at {calls}: {passes}/100"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
