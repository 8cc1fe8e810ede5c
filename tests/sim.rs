//! `ivr sim`: the figures an analyst reads, checked against exact answers.
//!
//! - The worked example of caller-model.md, exactly (`--exact`) and by Monte Carlo.
//! - One hand-computed tiny menu per mechanic of the caller model, solved exactly to 1e-9.
//! - Monte Carlo against the exact solver on every example menu and on generated menus: every
//!   share and mean within 4 standard errors (the standard error is the 95% interval's width
//!   / 3.92, with a small floor where the interval is empty).
//! - Thread-count invariance, the JSON and CSV shapes of cli.md, human snapshots, exit codes.
//! - Property tests over random small menus: nothing panics, shares sum to 1, and Monte Carlo
//!   agrees with the exact solver within 5 standard errors wherever the solver answers.
//!
//! Monte Carlo tests use fixed seeds, so they pass or fail the same way every time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ivr::document::{Document, load_document, load_intents, load_menu};
use ivr::sim::engine::Outcome;
use ivr::sim::exact::{ExactError, exact_report};
use ivr::sim::program::Program;
use ivr::sim::report::{Figures, SimReport, monte_carlo_report};
use ivr::sim::run::{RunOptions, Tally, run};
use ivr::source::SourceFile;
use ivr::yaml::Limits;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Helpers

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/sim/{name}")
}

/// Runs the binary from the crate root (so paths in the output are relative and stable).
fn ivr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ivr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run ivr")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `ivr sim ARGS --format json`, which must succeed.
fn sim_json(args: &[&str]) -> Value {
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let output = ivr(&all);
    assert!(
        output.status.success(),
        "ivr {}: {}",
        all.join(" "),
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

/// Loads a menu and an intents file from YAML text; they must be simulable.
fn program(menu: &str, intents: &str) -> Program {
    let limits = Limits::DEFAULT;
    let parse = |name: &str, text: &str| {
        load_document(&SourceFile::new(name, text.to_string()), &limits)
            .unwrap_or_else(|e| panic!("{name} does not load: {e:?}\n{text}"))
    };
    let Document::Menu(menu) = parse("menu.yaml", menu) else {
        panic!("not a menu")
    };
    let Document::Intents(intents) = parse("menu.intents.yaml", intents) else {
        panic!("not an intents file")
    };
    let refusals = ivr::lint::structural_errors(&menu, Some(&intents));
    assert!(refusals.is_empty(), "refused: {refusals:?}");
    Program::compile(&menu, &intents)
}

/// Loads a menu file and its `traffic` (or the given intents file).
fn program_from_files(menu: &Path, intents: Option<&Path>) -> Program {
    let limits = Limits::DEFAULT;
    let menu = load_menu(menu, &limits).unwrap_or_else(|e| panic!("{e:?}"));
    let intents_path = match intents {
        Some(path) => path.to_path_buf(),
        None => {
            let traffic = menu.traffic.as_ref().expect("the menu names its traffic");
            PathBuf::from(menu.source.name())
                .parent()
                .expect("folder")
                .join(&traffic.value)
        }
    };
    let intents = load_intents(&intents_path, &limits).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(ivr::lint::structural_errors(&menu, Some(&intents)).is_empty());
    Program::compile(&menu, &intents)
}

fn exact(program: &Program) -> SimReport {
    exact_report("menu.yaml", program).unwrap_or_else(|e| panic!("exact solver: {e:?}"))
}

/// A Monte Carlo run: its report, and the tally that holds each scope's number of calls.
fn sampled(program: &Program, calls: u64, seed: u64, threads: usize) -> (SimReport, Tally) {
    let options = RunOptions {
        calls,
        seed,
        threads,
    };
    let tally = run(program, options, &|_| {});
    let report = monte_carlo_report(
        "menu.yaml",
        &program.intent_names,
        &program.shares,
        &tally,
        calls,
        seed,
    );
    (report, tally)
}

fn monte_carlo(program: &Program, calls: u64, seed: u64, threads: usize) -> SimReport {
    sampled(program, calls, seed, threads).0
}

/// Exact figures of one scope, against a hand computation.
struct Hand<'a> {
    /// Outcomes not listed have share 0.
    outcomes: &'a [(Outcome, f64)],
    inputs: f64,
    time: f64,
    /// Mean time over the calls that reach a person (`None` when none do).
    time_to_agent: Option<f64>,
}

const EXACT_TOLERANCE: f64 = 1e-9;

fn assert_hand(figures: &Figures, hand: &Hand<'_>, what: &str) {
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

/// Standard error from a 95% interval (`None` when there is none: a scope without calls).
fn standard_error(ci: Option<[f64; 2]>, floor: f64) -> Option<f64> {
    ci.map(|[lo, hi]| ((hi - lo) / 3.92).max(floor))
}

/// Floor of a mean's standard error, relative to `1 + |exact mean|`: a sample in which every
/// call took the same inputs has an empty interval, though rarer calls it did not see (one in
/// 10,000 that abandons before pressing) move the exact mean a little. It is well below the
/// standard errors of the means of the example menus.
const MEAN_FLOOR: f64 = 1e-4;
/// Means are compared over at least this many calls: below it the sample variance can miss a
/// rare, long kind of call altogether and the normal interval is too narrow.
const MEAN_MIN_CALLS: u64 = 1000;

/// Every share, mean inputs, mean time and mean time to agent of every scope within `k`
/// standard errors of the exact figures.
///
/// A share's standard error is its Wilson interval's width / 3.92, floored by the binomial
/// standard error of the exact share, `sqrt(p (1 - p) / n)`: near 0 or 1 a sample that saw
/// none of a rare outcome has an interval narrower than the truth allows.
fn assert_agree(mc: &(SimReport, Tally), exact: &SimReport, k: f64, what: &str) {
    let (mc, tally) = mc;
    assert_eq!(mc.intents.len(), exact.intents.len());
    let overall = tally.overall();
    let scopes = std::iter::once(("overall", &mc.overall, &exact.overall, &overall)).chain(
        mc.intents
            .iter()
            .zip(&exact.intents)
            .zip(&tally.intents)
            .map(|(((name, m), (_, e)), t)| (name.as_str(), &m.figures, &e.figures, t)),
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

fn mean_floor(exact: f64) -> f64 {
    MEAN_FLOOR * (1.0 + exact.abs())
}

/// Solves a tiny menu exactly, checks it against the hand computation for the whole traffic,
/// and checks that Monte Carlo agrees with the solver.
fn check_menu(menu: &str, intents: &str, hand: &Hand<'_>, what: &str) -> Program {
    let program = program(menu, intents);
    let report = exact(&program);
    assert_hand(&report.overall, hand, what);
    let mc = sampled(&program, 100_000, 11, 0);
    assert_agree(&mc, &report, 4.0, what);
    program
}

/// Every caller behaves perfectly unless a test says otherwise.
const PERFECT: &str = "mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null";

fn only_x(callers: &str) -> String {
    format!("intents:\n  x: 1\ncallers: {{ {callers} }}\n")
}

// ---------------------------------------------------------------------------------------------
// The worked example of caller-model.md

#[test]
fn worked_example_exactly() {
    let report = sim_json(&[&fixture("worked-example.yaml"), "--exact"]);
    for scope in [&report["overall"], &report["intents"]["x"]] {
        let outcomes = &scope["outcomes"];
        let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() <= EXACT_TOLERANCE;
        assert!(close(&outcomes["self_served"], 0.9), "{outcomes}");
        assert!(close(&outcomes["agent"], 0.1), "{outcomes}");
        for o in [
            "misrouted",
            "unresolved",
            "disconnected",
            "abandoned",
            "looped",
        ] {
            assert!(close(&outcomes[o], 0.0), "{o}: {outcomes}");
        }
        // 0.9 * (1 + 3 + 1) + 0.1 * (1 + 3 + 3 + 1) = 4.5 + 0.8 = 5.3 seconds; one input each.
        assert!(close(&scope["time"]["mean"], 5.3), "{}", scope["time"]);
        assert!(close(&scope["inputs"]["mean"], 1.0), "{}", scope["inputs"]);
        // The calls that reach the agent made the mistake: 1 + 3 + 3 + 1 = 8 seconds.
        assert!(close(&scope["time_to_agent"]["mean"], 8.0));
    }
}

#[test]
fn worked_example_by_monte_carlo() {
    let report = sim_json(&[
        &fixture("worked-example.yaml"),
        "--calls",
        "200000",
        "--seed",
        "1",
    ]);
    let overall = &report["overall"];
    let pair = |v: &Value| [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()];
    let within = |value: &Value, ci: &Value, want: f64, what: &str| {
        let got = value.as_f64().unwrap();
        let [lo, hi] = pair(ci);
        assert!(
            lo <= want && want <= hi,
            "{what}: {want} outside the 95% interval [{lo}, {hi}]"
        );
        let se = ((hi - lo) / 3.92).max(mean_floor(want));
        assert!(
            (got - want).abs() <= 4.0 * se,
            "{what}: {got} is more than 4 standard errors from {want}"
        );
    };
    for (outcome, want) in [("self_served", 0.9), ("agent", 0.1)] {
        within(
            &overall["outcomes"][outcome],
            &overall["outcomes_ci95"][outcome],
            want,
            outcome,
        );
    }
    within(
        &overall["time"]["mean"],
        &overall["time"]["mean_ci95"],
        5.3,
        "time",
    );
    within(
        &overall["inputs"]["mean"],
        &overall["inputs"]["mean_ci95"],
        1.0,
        "inputs",
    );
    // Every call takes one input; times are 5 s (90%) or 8 s, reported within the histogram's
    // documented 0.4%.
    for q in ["p50", "p90", "p99"] {
        assert_eq!(overall["inputs"][q], 1, "inputs {q}");
    }
    let near = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() <= 0.004 * want;
    assert!(near(&overall["time"]["p50"], 5.0), "{}", overall["time"]);
    assert!(near(&overall["time"]["p99"], 8.0), "{}", overall["time"]);
}

// ---------------------------------------------------------------------------------------------
// One tiny menu per mechanic, computed by hand. Prompts are read at 60 words a minute, so a
// word is a second.

#[test]
fn no_input_re_prompts_then_goes_to_then() {
    let menu = r#"
menu: No input
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, timeout: 4 }
nodes:
  m:
    say: Main menu
    options:
      - { key: "1", say: "Go", to: done }
    on_no_input: { say: "Sorry again", retries: 1, then: agent }
  done: { type: self_service, serves: [x] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    // One option, so no mistakes whatever mistake_rate says.
    let intents = only_x("mistake_rate: 0.3, invalid_rate: 0, no_input_rate: 0.5, patience: null");
    // An attempt: pressing 1 (0.5) takes listen(1) + react = 2 + 1 + 1 = 4 s and one input;
    // silence (0.5) takes full + timeout = 3 + 4 = 7 s. The first silence re-prompts after
    // "Sorry again" (2 s); the second goes to `agent`, whose say is empty.
    //   self_served: 0.5 + 0.25 = 0.75            agent: 0.25
    //   time: 0.5*4 + 0.25*(7+2+4) + 0.25*(7+2+7) = 2 + 3.25 + 4 = 9.25
    //   inputs: 0.5 + 0.25 = 0.75                 time to agent: 7 + 2 + 7 = 16
    check_menu(
        menu,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.75), (Outcome::Agent, 0.25)],
            inputs: 0.75,
            time: 9.25,
            time_to_agent: Some(16.0),
        },
        "no input",
    );
}

const INVALID_MENU: &str = r#"
menu: Invalid
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, retries: 2 ON_FAIL }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Go", to: done }
    on_invalid: { say: "Oops" }
    NODE_RETRIES
  done: { type: self_service, serves: [x] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

fn invalid_menu(on_fail: bool, node_retries: Option<u32>) -> String {
    INVALID_MENU
        .replace("ON_FAIL", if on_fail { ", on_fail: agent" } else { "" })
        .replace(
            "NODE_RETRIES",
            &node_retries.map_or(String::new(), |r| format!("retries: {r}")),
        )
}

#[test]
fn invalid_keys_re_prompt_then_disconnect() {
    let intents = only_x("mistake_rate: 0, invalid_rate: 0.2, no_input_rate: 0, patience: null");
    // An attempt: pressing 1 (0.8) takes 1 + 1 + 1 = 3 s; a wrong key (0.2) takes
    // full + react = 2 + 1 = 3 s and counts one input, then "Oops" (1 s) and the menu again,
    // twice (defaults.retries); the third wrong key disconnects (no `then`, no `on_fail`).
    //   k wrong keys then the right one (k = 0, 1, 2): 0.2^k * 0.8, 4k + 3 s, k + 1 inputs
    //   three wrong keys: 0.2^3 = 0.008, 3*3 + 2*1 = 11 s, 3 inputs
    //   time:   0.8*3 + 0.16*7 + 0.032*11 + 0.008*11 = 2.4 + 1.12 + 0.352 + 0.088 = 3.96
    //   inputs: 0.8*1 + 0.16*2 + 0.032*3 + 0.008*3 = 0.8 + 0.32 + 0.096 + 0.024 = 1.24
    let program = check_menu(
        &invalid_menu(false, None),
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.992), (Outcome::Disconnected, 0.008)],
            inputs: 1.24,
            time: 3.96,
            time_to_agent: None,
        },
        "invalid, disconnect",
    );
    // Quantiles: inputs are 1 (0.8), 2 (0.16) or 3 (0.04), so the least values whose
    // cumulative share reaches 0.5, 0.9 and 0.99 are 1, 2 and 3; times are 3, 7 and 11 s
    // likewise, reported within the histogram's documented 0.4%.
    let mc = monte_carlo(&program, 100_000, 2, 0).overall;
    assert_eq!(
        [mc.inputs.p50, mc.inputs.p90, mc.inputs.p99],
        [Some(1), Some(2), Some(3)]
    );
    for (got, want) in [mc.time.p50, mc.time.p90, mc.time.p99]
        .into_iter()
        .zip([3.0, 7.0, 11.0])
    {
        let got = got.expect("a quantile");
        assert!(
            (got - want).abs() <= 0.004 * want,
            "time quantile {got}, want {want}"
        );
    }
    // The same with `defaults.on_fail: agent`: the 0.008 reach the agent after 11 s.
    check_menu(
        &invalid_menu(true, None),
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.992), (Outcome::Agent, 0.008)],
            inputs: 1.24,
            time: 3.96,
            time_to_agent: Some(11.0),
        },
        "invalid, on_fail",
    );
    // The node's `retries: 0` wins over the defaults: the first wrong key disconnects.
    //   self_served 0.8, disconnected 0.2, time 0.8*3 + 0.2*3 = 3, one input each
    check_menu(
        &invalid_menu(false, Some(0)),
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Disconnected, 0.2)],
            inputs: 1.0,
            time: 3.0,
            time_to_agent: None,
        },
        "invalid, node retries",
    );
}

#[test]
fn invalid_and_no_input_share_one_count_per_visit() {
    let menu = r#"
menu: Shared count
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, timeout: 3, retries: 5 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Go", to: done }
    retries: 4
    on_invalid: { say: "Again", retries: 1, then: bye }
    on_no_input: { retries: 0, then: agent }
  done: { type: self_service, serves: [x] }
  bye: { type: hangup }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let intents = only_x("mistake_rate: 0, invalid_rate: 0.1, no_input_rate: 0.1, patience: null");
    // Handler retries win over the node's and the defaults'. Attempt 1 (count 0): pressing 1
    // (0.8) 3 s, 1 input; silence (0.1) full + timeout = 2 + 3 = 5 s, 0 < 0 fails: `agent`;
    // a wrong key (0.1) 2 + 1 = 3 s, 1 input, 0 < 1: "Again" (1 s), count 1.
    // Attempt 2 (0.1, 4 s and 1 input so far): pressing 1 (0.8) ends at 7 s, 2 inputs;
    // silence (0.1) at 9 s, 1 input, to `agent`; a wrong key (0.1): 1 < 1 fails, `bye` at
    // 7 s, 2 inputs.
    //   self_served 0.8 + 0.08 = 0.88, agent 0.1 + 0.01 = 0.11, unresolved 0.01
    //   time:   0.8*3 + 0.1*5 + 0.08*7 + 0.01*9 + 0.01*7 = 2.4 + 0.5 + 0.56 + 0.09 + 0.07 = 3.62
    //   inputs: 0.8 + 0.08*2 + 0.01*1 + 0.01*2 = 0.99
    //   time to agent: (0.1*5 + 0.01*9) / 0.11 = 0.59 / 0.11
    check_menu(
        menu,
        &intents,
        &Hand {
            outcomes: &[
                (Outcome::SelfServed, 0.88),
                (Outcome::Agent, 0.11),
                (Outcome::Unresolved, 0.01),
            ],
            inputs: 0.99,
            time: 3.62,
            time_to_agent: Some(0.59 / 0.11),
        },
        "shared count",
    );
}

#[test]
fn input_node_types_its_digits_and_makes_no_mistakes() {
    let menu = r#"
menu: Input
entry: pin
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, timeout: 4, retries: 0, on_fail: agent }
nodes:
  pin: { type: input, say: "Enter your PIN", digits: 8, to: done }
  done: { type: self_service, serves: [x] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let intents = only_x(
        "mistake_rate: 0.3, invalid_rate: 0.1, no_input_rate: 0.1, patience: null, digit_time: 0.25",
    );
    // Typing (0.8): intro + react + digits * digit_time = 3 + 1 + 8*0.25 = 6 s, one input.
    // A wrong entry (0.1): intro + react = 4 s, one input, then `on_fail`. Silence (0.1):
    // intro + timeout = 7 s, then `on_fail`. No mistakes at an input node.
    //   self_served 0.8, agent 0.2
    //   time: 0.8*6 + 0.1*4 + 0.1*7 = 5.9      inputs: 0.8 + 0.1 = 0.9
    //   time to agent: (0.4 + 0.7) / 0.2 = 5.5
    check_menu(
        menu,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Agent, 0.2)],
            inputs: 0.9,
            time: 5.9,
            time_to_agent: Some(5.5),
        },
        "input",
    );
}

#[test]
fn messages_and_self_service_that_continues() {
    let menu = r#"
menu: Messages and self-service
entry: hello
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  hello: { type: message, say: "Welcome to the shop", to: m }
  m:
    say: Main
    options:
      - { key: "1", say: "Hours", to: hours }
      - { key: "2", say: "Closed", to: closed }
  hours: { type: self_service, say: "We open at nine", serves: [hours], to: order }
  order: { type: self_service, say: "Your order ships", serves: [order] }
  closed: { type: self_service, say: "Bye", serves: [complaint] }
"#;
    let intents = "intents:\n  hours: 1\n  order: 3\ncallers: { mistake_rate: 0.2, invalid_rate: 0, no_input_rate: 0, patience: null }\n";
    // `hello` 4 s. At `m` both intents press 1 (0.8): listen(1) + react = 1 + 1 + 1 = 3 s; a
    // mistake (0.2) presses 2: 1 + 1 + 1 + 1 = 4 s, then `closed` (1 s) serves neither and
    // has no `to`: unresolved after 9 s.
    //   hours: `hours` (4 s) serves it: 4 + 3 + 4 = 11 s   -> time 0.8*11 + 0.2*9 = 10.6
    //   order: `hours` does not serve it and continues to `order` (3 s): 14 s
    //                                                      -> time 0.8*14 + 0.2*9 = 13.0
    //   overall (shares 1/4, 3/4): time 0.25*10.6 + 0.75*13 = 12.4; one input each
    let program = check_menu(
        menu,
        intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Unresolved, 0.2)],
            inputs: 1.0,
            time: 12.4,
            time_to_agent: None,
        },
        "messages",
    );
    let report = exact(&program);
    let per_intent = |time: f64| Hand {
        outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Unresolved, 0.2)],
        inputs: 1.0,
        time,
        time_to_agent: None,
    };
    assert_hand(&report.intents[0].1.figures, &per_intent(10.6), "hours");
    assert_hand(&report.intents[1].1.figures, &per_intent(13.0), "order");
}

#[test]
fn ties_go_to_the_option_announced_first() {
    let menu = r#"
menu: Ties
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Balance", to: a }
      - { key: "2", say: "Balance again", to: b }
  a: { type: self_service, serves: [x] }
  b: { type: self_service, serves: [x], say: "Slow" }
"#;
    // `a` and `b` are both one input away: the caller presses 1 (listen(1) + react = 3 s) and
    // never hears `b`'s prompt.
    check_menu(
        menu,
        &only_x(PERFECT),
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 3.0,
            time_to_agent: None,
        },
        "ties",
    );
}

#[test]
fn hangup_node_ends_unresolved() {
    let menu = r#"
menu: Hangup
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Balance", to: done }
      - { key: "2", say: "Goodbye", to: bye }
  done: { type: self_service, serves: [x] }
  bye: { type: hangup, say: "Thank you for calling" }
"#;
    let intents = only_x("mistake_rate: 0.1, invalid_rate: 0, no_input_rate: 0, patience: null");
    // Pressing 1 (0.9): 3 s. A mistake (0.1): listen(2) + react = 4 s, then `bye` plays (4 s).
    //   self_served 0.9, unresolved 0.1, time 0.9*3 + 0.1*8 = 3.5, one input each
    check_menu(
        menu,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.9), (Outcome::Unresolved, 0.1)],
            inputs: 1.0,
            time: 3.5,
            time_to_agent: None,
        },
        "hangup",
    );
}

const MISROUTE_MENU: &str = r#"
menu: Misrouted
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Sales", to: sales }
      - { key: "2", say: "Accounts", to: desk }
  sales: { type: transfer, queue: sales, serves: [buy], say: "Connecting you to sales now" }
  desk: { type: transfer, queue: accounts, serves: [x] }
"#;

#[test]
fn wrong_transfer_is_misrouted() {
    let intents = only_x("mistake_rate: 0.25, invalid_rate: 0, no_input_rate: 0, patience: null");
    // Intended option 2 (0.75): listen(2) + react = 1 + 1 + 1 + 1 = 4 s, agent. A mistake
    // (0.25): listen(1) + react = 3 s, then `sales` says 5 words: misrouted after 8 s.
    //   time 0.75*4 + 0.25*8 = 5; every call reaches a person, so time to agent is 5 too
    check_menu(
        MISROUTE_MENU,
        &intents,
        &Hand {
            outcomes: &[(Outcome::Agent, 0.75), (Outcome::Misrouted, 0.25)],
            inputs: 1.0,
            time: 5.0,
            time_to_agent: Some(5.0),
        },
        "misrouted",
    );
}

#[test]
fn without_barge_in_callers_hear_the_whole_menu() {
    let intents = only_x(
        "mistake_rate: 0.25, invalid_rate: 0, no_input_rate: 0, patience: null, barge_in: false",
    );
    // As above, but every press waits for the full menu (3 s): agent after 4 s, misrouted
    // after 3 + 1 + 5 = 9 s.   time 0.75*4 + 0.25*9 = 5.25
    check_menu(
        MISROUTE_MENU,
        &intents,
        &Hand {
            outcomes: &[(Outcome::Agent, 0.75), (Outcome::Misrouted, 0.25)],
            inputs: 1.0,
            time: 5.25,
            time_to_agent: Some(5.25),
        },
        "no barge-in",
    );
}

#[test]
fn finite_patience_abandons_during_navigation_only() {
    let menu = r#"
menu: Patience
entry: m
defaults: { reaction_time: 0 }
nodes:
  m:
    say: Main
    duration: 4
    options:
      - { key: "1", say: "Go", duration: 6, to: done }
  done: { type: self_service, serves: [x], say: "Your balance is", duration: 100 }
"#;
    let intents = only_x("mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: 30");
    // One navigation segment of d = 4 + 6 + 0 = 10 s with mean patience 30 s:
    //   abandoned 1 - exp(-10/30); the others press (one input) and hear `done` in full,
    //   since patience does not run while a self_service node plays.
    //   time: E[min(R, 10)] + 100 * exp(-1/3) = 30 * (1 - exp(-1/3)) + 100 * exp(-1/3)
    let stay = (-10.0f64 / 30.0).exp();
    check_menu(
        menu,
        &intents,
        &Hand {
            outcomes: &[
                (Outcome::SelfServed, stay),
                (Outcome::Abandoned, 1.0 - stay),
            ],
            inputs: stay,
            time: 30.0 * (1.0 - stay) + 100.0 * stay,
            time_to_agent: None,
        },
        "patience",
    );
}

#[test]
fn intent_no_node_serves_falls_back_to_the_general_agent() {
    let menu = r#"
menu: Fallback
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Balance", to: done }
      - { key: "2", say: "Sales", to: sales }
      - { key: "0", say: "Agent", to: agent }
  done: { type: self_service, serves: [x] }
  sales: { type: transfer, queue: sales, serves: [buy] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;
    let intents = "intents:\n  other: 1\ncallers: { mistake_rate: 0.2, invalid_rate: 0, no_input_rate: 0, patience: null }\n";
    // No node serves `other`: the caller heads for the transfer serving "*" (key 0, 0.8):
    // listen(3) + react = 5 s. Mistakes (0.1 each): key 1 after 3 s (`done` does not serve
    // `other` and has no `to`: unresolved), key 2 after 4 s (`sales`: misrouted).
    //   time 0.8*5 + 0.1*3 + 0.1*4 = 4.7; time to agent (0.8*5 + 0.1*4) / 0.9 = 4.4 / 0.9
    check_menu(
        menu,
        intents,
        &Hand {
            outcomes: &[
                (Outcome::Agent, 0.8),
                (Outcome::Unresolved, 0.1),
                (Outcome::Misrouted, 0.1),
            ],
            inputs: 1.0,
            time: 4.7,
            time_to_agent: Some(4.4 / 0.9),
        },
        "general agent",
    );
    // Without a transfer serving "*", the nearest transfer of any kind: `sales` (key 2, 0.8,
    // 4 s, misrouted); a mistake (0.2) presses 1 (3 s, unresolved).
    //   time 0.8*4 + 0.2*3 = 3.8
    let menu = menu
        .replace("      - { key: \"0\", say: \"Agent\", to: agent }\n", "")
        .replace(
            "  agent: { type: transfer, queue: general, serves: [\"*\"] }\n",
            "",
        );
    check_menu(
        &menu,
        intents,
        &Hand {
            outcomes: &[(Outcome::Misrouted, 0.8), (Outcome::Unresolved, 0.2)],
            inputs: 1.0,
            time: 3.8,
            time_to_agent: Some(4.0),
        },
        "any agent",
    );
}

#[test]
fn with_no_transfer_reachable_callers_hang_up() {
    let menu = r#"
menu: No transfer
entry: hello
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  hello: { type: message, say: "Hello there", to: m }
  m:
    say: Main
    options:
      - { key: "1", say: "Balance", to: done }
  done: { type: self_service, serves: [x] }
"#;
    let intents = "intents:\n  x: 1\n  other: 1\ncallers: { mistake_rate: 0.2, invalid_rate: 0, no_input_rate: 0, patience: null }\n";
    // `hello` takes 2 s. No node serves `other` and no transfer exists: at `m` those callers
    // hang up, with no time added and no input. `x` presses 1 (one option, so no mistakes):
    // 2 + 1 + 1 + 1 = 5 s.
    //   overall (1/2 each): self_served 0.5, abandoned 0.5, time 0.5*5 + 0.5*2 = 3.5,
    //   inputs 0.5
    let program = check_menu(
        menu,
        intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.5), (Outcome::Abandoned, 0.5)],
            inputs: 0.5,
            time: 3.5,
            time_to_agent: None,
        },
        "no transfer",
    );
    assert_hand(
        &exact(&program).intents[1].1.figures,
        &Hand {
            outcomes: &[(Outcome::Abandoned, 1.0)],
            inputs: 0.0,
            time: 2.0,
            time_to_agent: None,
        },
        "other",
    );
}

#[test]
fn visit_cap_ends_a_looping_route_as_looped() {
    // The entry is visit 1; `pin` and `wrong` alternate, so 200 visits are 100 of each:
    // 100 * (3 + 1 + 4*0.5) s at `pin` (one input each) + 100 * 1 s at `wrong` = 700 s.
    let report = sim_json(&[&fixture("pin-loop.yaml"), "--calls", "1000"]);
    let overall = &report["overall"];
    assert_eq!(
        overall["outcomes"]["looped"], 1.0,
        "{}",
        overall["outcomes"]
    );
    assert_eq!(overall["inputs"]["mean"], 100.0);
    assert_eq!(overall["inputs"]["p50"], 100);
    assert!((overall["time"]["mean"].as_f64().unwrap() - 700.0).abs() < 1e-9);
    assert!(overall["time_to_agent"].is_null());
    // The exact solver has no visit counter: it names the loop and exits 2.
    let output = ivr(&["sim", &fixture("pin-loop.yaml"), "--exact"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(
        text.contains("loop") && text.contains("`pin`") && text.contains("`wrong`"),
        "{text}"
    );
}

#[test]
fn exact_solver_names_the_loop_not_the_way_into_it() {
    let menu = r#"
menu: PIN loop behind a greeting
entry: hello
speech: { words_per_minute: 60 }
nodes:
  hello: { type: message, say: "Hello", to: pin }
  pin: { type: input, say: "Enter your PIN", digits: 4, to: wrong }
  wrong: { type: message, say: "Wrong", to: pin }
"#;
    let program = program(menu, &only_x(PERFECT));
    match exact_report("menu.yaml", &program) {
        Err(ExactError::TrapLoop { intent, nodes }) => {
            assert_eq!(intent, "x");
            assert_eq!(nodes, vec![1, 2], "`pin` and `wrong`, not `hello`");
        }
        other => panic!("expected a trap loop, got {other:?}"),
    }
}

#[test]
fn visit_cap_counts_fresh_visits_not_re_prompts() {
    let menu = r#"
menu: Menu loop
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, on_fail: m }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "Go", to: done }
    on_invalid: { say: "Oops", retries: 1 }
  done: { type: self_service, serves: [x] }
"#;
    let program = program(
        menu,
        &only_x("mistake_rate: 0, invalid_rate: 1, no_input_rate: 0, patience: null"),
    );
    // Every key is wrong. A visit: wrong key (2 + 1 = 3 s, one input), "Oops" (1 s), wrong key
    // again (3 s, one input), then `on_fail` starts a fresh visit of `m`: 7 s and 2 inputs a
    // visit, 200 visits: 1400 s and 400 inputs.
    let mc = monte_carlo(&program, 1000, 0, 1);
    assert_eq!(mc.overall.outcomes.looped, 1.0);
    assert_eq!(mc.overall.inputs.mean, 400.0);
    assert!((mc.overall.time.mean - 1400.0).abs() < 1e-9);
    match exact_report("menu.yaml", &program) {
        Err(ExactError::TrapLoop { intent, nodes }) => {
            assert_eq!(intent, "x");
            assert_eq!(nodes, vec![0]);
        }
        other => panic!("expected a trap loop, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo against the exact solver

fn example_menus() -> Vec<PathBuf> {
    let mut menus: Vec<PathBuf> = std::fs::read_dir(root().join("menus"))
        .expect("menus/")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p.to_string_lossy().ends_with(".intents.yaml")
        })
        .collect();
    menus.sort();
    menus
}

#[test]
fn monte_carlo_agrees_with_exact_on_every_example_menu() {
    let menus = example_menus();
    assert!(menus.len() >= 4, "{menus:?}");
    for (i, path) in menus.iter().enumerate() {
        let program = program_from_files(path, None);
        let exact = exact(&program);
        let mc = sampled(&program, 200_000, 100 + i as u64, 0);
        assert_agree(&mc, &exact, 4.0, &path.display().to_string());
    }
}

#[test]
fn monte_carlo_agrees_with_exact_on_generated_menus() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (levels, fanout, intents) in [(3, 3, 4), (4, 4, 6)] {
        let menu = dir.path().join(format!("tree-{levels}x{fanout}.yaml"));
        let traffic = dir
            .path()
            .join(format!("tree-{levels}x{fanout}.intents.yaml"));
        std::fs::write(&menu, ivr::generate::tree_menu(levels, fanout, intents)).unwrap();
        std::fs::write(&traffic, ivr::generate::tree_intents(intents)).unwrap();
        let program = program_from_files(&menu, Some(&traffic));
        let exact = exact(&program);
        let mc = sampled(&program, 200_000, u64::from(levels), 0);
        assert_agree(&mc, &exact, 4.0, &format!("tree {levels}x{fanout}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Threads and seeds

#[test]
fn thread_count_never_changes_the_figures() {
    // 150,000 calls are three blocks, so two threads really share the work.
    let menu = "menus/retail-bank.yaml";
    let args = |threads: &str, seed: &str| {
        let output = ivr(&[
            "sim",
            menu,
            "--calls",
            "150000",
            "--seed",
            seed,
            "--threads",
            threads,
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        output.stdout
    };
    let one = args("1", "7");
    assert_eq!(one, args("2", "7"), "--threads 1 and 2 differ");
    assert_ne!(one, args("1", "8"), "seeds 7 and 8 give the same figures");

    let program = program_from_files(&root().join(menu), None);
    let options = |threads| RunOptions {
        calls: 200_000,
        seed: 3,
        threads,
    };
    let single = run(&program, options(1), &|_| {});
    let triple = run(&program, options(3), &|_| {});
    assert_eq!(single, triple, "1 and 3 threads differ");
    let json = |threads| ivr::render::sim::json(&monte_carlo(&program, 200_000, 3, threads));
    assert_eq!(json(1), json(3));
    let other_seed = monte_carlo(&program, 200_000, 4, 1);
    assert_ne!(
        other_seed.overall.time.mean,
        monte_carlo(&program, 200_000, 3, 1).overall.time.mean
    );
}

// ---------------------------------------------------------------------------------------------
// JSON and CSV shapes (cli.md)

const OUTCOMES: [&str; 7] = [
    "self_served",
    "agent",
    "misrouted",
    "unresolved",
    "disconnected",
    "abandoned",
    "looped",
];

/// Every figures object of a report: the overall one and each intent's.
fn scopes(report: &Value) -> Vec<(String, &Value)> {
    let mut all = vec![("overall".to_string(), &report["overall"])];
    for (name, v) in report["intents"].as_object().expect("intents object") {
        all.push((name.clone(), v));
    }
    all
}

fn assert_scope_shape(scope: &Value, exact: bool, what: &str) {
    let outcomes = scope["outcomes"].as_object().expect("outcomes");
    let keys: Vec<&str> = outcomes.keys().map(String::as_str).collect();
    assert_eq!(keys, OUTCOMES, "{what}: outcome names and order");
    let cis = scope["outcomes_ci95"].as_object().expect("outcomes_ci95");
    let keys: Vec<&str> = cis.keys().map(String::as_str).collect();
    assert_eq!(keys, OUTCOMES, "{what}: interval names and order");
    let total: f64 = outcomes.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() <= 1e-9, "{what}: shares sum to {total}");
    for (name, v) in outcomes {
        let share = v.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{what}: {name} = {share}");
        if !exact {
            let [lo, hi] = [
                cis[name][0].as_f64().unwrap(),
                cis[name][1].as_f64().unwrap(),
            ];
            assert!(
                lo <= share && share <= hi,
                "{what}: {name} outside its interval"
            );
        }
    }
    for quantity in ["inputs", "time"] {
        let d = &scope[quantity];
        assert!(
            d["mean"].as_f64().unwrap() >= 0.0,
            "{what}: {quantity} mean"
        );
        for q in ["p50", "p90", "p99"] {
            if exact {
                assert!(d[q].is_null(), "{what}: {quantity} {q} with --exact");
            } else if quantity == "inputs" {
                assert!(
                    d[q].is_u64(),
                    "{what}: inputs {q} = {} is not an integer",
                    d[q]
                );
                for bound in d[format!("{q}_ci95")].as_array().unwrap() {
                    assert!(bound.is_u64(), "{what}: inputs {q}_ci95 = {bound}");
                }
            } else {
                assert!(d[q].as_f64().unwrap() >= 0.0, "{what}: time {q}");
            }
        }
    }
}

/// Every key ending in `_ci95` and every quantile anywhere in `v` is null (`outcomes_ci95`
/// keeps its seven names, each null, so the shape does not change with `--exact`).
fn assert_no_intervals(v: &Value, path: &str) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let at = format!("{path}.{k}");
                if k == "outcomes_ci95" {
                    let each = child.as_object().expect("outcomes_ci95 object");
                    assert_eq!(each.len(), OUTCOMES.len());
                    assert!(
                        each.values().all(Value::is_null),
                        "{at} = {child} with --exact"
                    );
                } else if k.ends_with("_ci95") || ["p50", "p90", "p99"].contains(&k.as_str()) {
                    assert!(child.is_null(), "{at} = {child} with --exact");
                } else {
                    assert_no_intervals(child, &at);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| assert_no_intervals(child, path)),
        _ => {}
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let intents_order = [
        "track_order",
        "returns_policy",
        "arrange_return",
        "complaint",
        "other",
    ];
    for exact in [false, true] {
        let mut args = vec!["menus/tutorial.yaml", "--calls", "20000", "--seed", "3"];
        if exact {
            args.push("--exact");
        }
        let report = sim_json(&args);
        assert_eq!(report["menu"], "menus/tutorial.yaml");
        assert_eq!(report["exact"], exact);
        if exact {
            assert!(report["calls"].is_null() && report["seed"].is_null());
            assert_no_intervals(&report, "");
        } else {
            assert_eq!(report["calls"], 20000);
            assert_eq!(report["seed"], 3);
        }
        let names: Vec<&str> = report["intents"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, intents_order, "intents in the file's order");
        let shares: f64 = report["intents"]
            .as_object()
            .unwrap()
            .values()
            .map(|i| i["share"].as_f64().unwrap())
            .sum();
        assert!((shares - 1.0).abs() <= 1e-9);
        // track_order weighs 45 of 100.
        assert_eq!(report["intents"]["track_order"]["share"], 0.45);
        for (name, scope) in scopes(&report) {
            assert_scope_shape(scope, exact, &format!("{name} (exact: {exact})"));
        }
    }
}

/// Splits CSV text into rows of fields (quoted fields may hold commas and doubled quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', false) if field.is_empty() => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', true) => quoted = false,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        fields.push(field);
        rows.push(fields);
    }
    rows
}

const CSV_HEADER: &str = "scope,share,self_served,agent,misrouted,unresolved,disconnected,abandoned,looped,inputs_mean,inputs_p50,inputs_p90,inputs_p99,time_mean,time_p50,time_p90,time_p99";

#[test]
fn csv_report_has_one_row_per_intent_in_file_order() {
    for exact in [false, true] {
        let mut args = vec![
            "sim".to_string(),
            fixture("names.yaml"),
            "--calls".into(),
            "20000".into(),
            "--format".into(),
            "csv".into(),
        ];
        if exact {
            args.push("--exact".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = ivr(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        let text = stdout(&output);
        assert_eq!(text.lines().next(), Some(CSV_HEADER));
        assert!(
            text.contains("\n\"billing, payments\",") && text.contains("\n\"say \"\"hi\"\"\","),
            "names quoted as CSV requires:\n{text}"
        );
        let rows = parse_csv(&text);
        let scopes: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            scopes,
            [
                "overall",
                "zeta",
                "billing, payments",
                "say \"hi\"",
                "alpha"
            ]
        );
        for row in &rows {
            assert_eq!(row.len(), 17, "{row:?}");
        }
        // Weights 2, 5, 1, 3 of 11.
        let shares: Vec<f64> = rows[1..].iter().map(|r| r[1].parse().unwrap()).collect();
        for (got, want) in shares
            .iter()
            .zip([1.0, 2.0 / 11.0, 5.0 / 11.0, 1.0 / 11.0, 3.0 / 11.0])
        {
            assert!((got - want).abs() <= 1e-6, "share {got}, want {want}");
        }
        for row in &rows[1..] {
            let total: f64 = row[2..9].iter().map(|c| c.parse::<f64>().unwrap()).sum();
            assert!((total - 1.0).abs() <= 1e-5, "{row:?}");
            for (i, cell) in row.iter().enumerate().skip(10) {
                if i == 13 {
                    continue; // time_mean
                }
                if exact {
                    assert!(cell.is_empty(), "quantile {cell} with --exact");
                } else if i < 13 {
                    cell.parse::<u64>().expect("inputs quantiles are integers");
                } else {
                    assert!(cell.parse::<f64>().unwrap() >= 0.0);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Human output

fn human(args: &[&str]) -> String {
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    let output = ivr(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn human_report_snapshots() {
    insta::assert_snapshot!(
        "tutorial_human",
        human(&["menus/tutorial.yaml", "--calls", "20000", "--seed", "1"])
    );
    insta::assert_snapshot!(
        "retail_bank_human",
        human(&["menus/retail-bank.yaml", "--calls", "20000", "--seed", "1"])
    );
    insta::assert_snapshot!(
        "retail_bank_exact_human",
        human(&["menus/retail-bank.yaml", "--exact"])
    );
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn unsimulable_input_exits_2() {
    let output = ivr(&["sim", &fixture("unknown-target.yaml")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(
        text.contains("unknown-target") && text.contains("`billing`") && text.contains(":7:"),
        "the finding is listed with its place:\n{text}"
    );

    let output = ivr(&["sim", &fixture("no-traffic.yaml")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("intents"), "{}", stderr(&output));

    let output = ivr(&["sim", &fixture("worked-example.yaml"), "--calls", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--calls"), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Property tests over random small menus

mod properties {
    use std::fmt::Write;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed};

    use super::*;

    const KINDS: [&str; 6] = [
        "menu",
        "input",
        "message",
        "self_service",
        "transfer",
        "hangup",
    ];

    #[derive(Clone, Debug)]
    struct GenHandler {
        say: u8,
        retries: Option<u8>,
        then: Option<u8>,
    }

    #[derive(Clone, Debug)]
    struct GenNode {
        kind: usize,
        /// Words of `say` (0: none).
        say: u8,
        /// (words, target) per option.
        options: Vec<(u8, u8)>,
        to: u8,
        /// A self_service node's `to` is optional.
        has_to: bool,
        digits: u8,
        /// Intents served (an index past the last names an intent not in the file).
        serves: Vec<u8>,
        /// A transfer serving `"*"`.
        everyone: bool,
        on_invalid: Option<GenHandler>,
        on_no_input: Option<GenHandler>,
        retries: Option<u8>,
        timeout: Option<u8>,
    }

    #[derive(Clone, Debug)]
    struct GenMenu {
        nodes: Vec<GenNode>,
        retries: u8,
        on_fail: Option<u8>,
        /// Half seconds.
        reaction: u8,
        timeout: u8,
        words_per_minute: u16,
    }

    #[derive(Clone, Debug)]
    struct GenIntents {
        weights: Vec<u8>,
        /// Thousandths: mistake, invalid, no input (their sum is at most 1000).
        rates: [u16; 3],
        patience: Option<u16>,
        barge_in: bool,
        /// Quarter seconds.
        digit_time: u8,
    }

    fn handler() -> impl Strategy<Value = Option<GenHandler>> {
        prop::option::of(
            (
                0..3u8,
                prop::option::of(0..4u8),
                prop::option::of(any::<u8>()),
            )
                .prop_map(|(say, retries, then)| GenHandler { say, retries, then }),
        )
    }

    fn node() -> impl Strategy<Value = GenNode> {
        (
            0..KINDS.len(),
            0..4u8,
            prop::collection::vec((0..4u8, any::<u8>()), 1..=4),
            any::<u8>(),
            any::<bool>(),
            1..=6u8,
            prop::collection::vec(0..4u8, 1..=2),
            prop::bool::weighted(0.3),
            handler(),
            handler(),
            prop::option::of(0..4u8),
            prop::option::of(1..=6u8),
        )
            .prop_map(
                |(
                    kind,
                    say,
                    options,
                    to,
                    has_to,
                    digits,
                    serves,
                    everyone,
                    on_invalid,
                    on_no_input,
                    retries,
                    timeout,
                )| GenNode {
                    kind,
                    say,
                    options,
                    to,
                    has_to,
                    digits,
                    serves,
                    everyone,
                    on_invalid,
                    on_no_input,
                    retries,
                    timeout,
                },
            )
    }

    fn menu() -> impl Strategy<Value = GenMenu> {
        (
            prop::collection::vec(node(), 1..=12),
            0..=3u8,
            prop::option::of(any::<u8>()),
            0..=4u8,
            1..=6u8,
            60..=240u16,
        )
            .prop_map(
                |(nodes, retries, on_fail, reaction, timeout, words_per_minute)| GenMenu {
                    nodes,
                    retries,
                    on_fail,
                    reaction,
                    timeout,
                    words_per_minute,
                },
            )
    }

    /// Mostly modest error rates, sometimes large ones (up to every key wrong).
    fn rate() -> impl Strategy<Value = u16> {
        prop_oneof![2 => Just(0u16), 5 => 0..=150u16, 1 => 0..=1000u16]
    }

    fn intents() -> impl Strategy<Value = GenIntents> {
        (
            prop::collection::vec(0..=5u8, 1..=3),
            [rate(), rate(), rate()],
            prop::option::of(1..=300u16),
            any::<bool>(),
            0..=4u8,
        )
            .prop_map(|(weights, rates, patience, barge_in, digit_time)| {
                let sum: u32 = rates.iter().map(|&r| u32::from(r)).sum();
                let rates = if sum > 1000 {
                    rates.map(|r| (u32::from(r) * 1000 / sum) as u16)
                } else {
                    rates
                };
                GenIntents {
                    weights,
                    rates,
                    patience,
                    barge_in,
                    digit_time,
                }
            })
    }

    fn words(n: u8) -> String {
        vec!["word"; usize::from(n)].join(" ")
    }

    fn render_menu(m: &GenMenu, intents: usize) -> String {
        let n = m.nodes.len();
        let id = |t: u8| format!("n{}", usize::from(t) % n);
        let intent = |i: u8| {
            if usize::from(i) < intents {
                format!("i{i}")
            } else {
                "ghost".to_string()
            }
        };
        let mut out = String::new();
        let _ = writeln!(out, "menu: Generated\nentry: n0");
        let _ = writeln!(
            out,
            "speech: {{ words_per_minute: {} }}",
            m.words_per_minute
        );
        let _ = write!(
            out,
            "defaults: {{ retries: {}, reaction_time: {}, timeout: {}",
            m.retries,
            f64::from(m.reaction) / 2.0,
            m.timeout
        );
        if let Some(t) = m.on_fail {
            let _ = write!(out, ", on_fail: {}", id(t));
        }
        out.push_str(" }\nnodes:\n");
        let handler = |out: &mut String, name: &str, h: &Option<GenHandler>| {
            let Some(h) = h else { return };
            let mut parts = Vec::new();
            if h.say > 0 {
                parts.push(format!("say: \"{}\"", words(h.say)));
            }
            if let Some(r) = h.retries {
                parts.push(format!("retries: {r}"));
            }
            if let Some(t) = h.then {
                parts.push(format!("then: {}", id(t)));
            }
            if !parts.is_empty() {
                let _ = writeln!(out, "    {name}: {{ {} }}", parts.join(", "));
            }
        };
        for (i, node) in m.nodes.iter().enumerate() {
            let kind = KINDS[node.kind];
            let _ = writeln!(out, "  n{i}:\n    type: {kind}");
            if node.say > 0 {
                let _ = writeln!(out, "    say: \"{}\"", words(node.say));
            }
            let serves: Vec<String> = node.serves.iter().map(|&s| intent(s)).collect();
            match kind {
                "menu" => {
                    out.push_str("    options:\n");
                    for (k, (say, to)) in node.options.iter().enumerate() {
                        let _ = writeln!(
                            out,
                            "      - {{ key: \"{}\", say: \"{}\", to: {} }}",
                            k + 1,
                            words(*say),
                            id(*to)
                        );
                    }
                }
                "input" => {
                    let _ = writeln!(out, "    digits: {}\n    to: {}", node.digits, id(node.to));
                }
                "message" => {
                    let _ = writeln!(out, "    to: {}", id(node.to));
                }
                "self_service" => {
                    let _ = writeln!(out, "    serves: [{}]", serves.join(", "));
                    if node.has_to {
                        let _ = writeln!(out, "    to: {}", id(node.to));
                    }
                }
                "transfer" => {
                    out.push_str("    queue: q\n");
                    if node.everyone {
                        out.push_str("    serves: [\"*\"]\n");
                    } else if node.has_to {
                        let _ = writeln!(out, "    serves: [{}]", serves.join(", "));
                    }
                }
                _ => {}
            }
            if kind == "menu" || kind == "input" {
                handler(&mut out, "on_invalid", &node.on_invalid);
                handler(&mut out, "on_no_input", &node.on_no_input);
                if let Some(r) = node.retries {
                    let _ = writeln!(out, "    retries: {r}");
                }
                if let Some(t) = node.timeout {
                    let _ = writeln!(out, "    timeout: {t}");
                }
            }
        }
        out
    }

    fn render_intents(g: &GenIntents) -> String {
        let mut out = String::from("intents:\n");
        let all_zero = g.weights.iter().all(|&w| w == 0);
        for (i, &w) in g.weights.iter().enumerate() {
            let w = if all_zero && i == 0 { 1 } else { w };
            let _ = writeln!(out, "  i{i}: {w}");
        }
        let [mistake, invalid, no_input] = g.rates.map(|r| format!("{}.{:03}", r / 1000, r % 1000));
        let patience = g.patience.map_or("null".to_string(), |p| p.to_string());
        let _ = writeln!(
            out,
            "callers: {{ mistake_rate: {mistake}, invalid_rate: {invalid}, no_input_rate: {no_input}, patience: {patience}, barge_in: {}, digit_time: {} }}",
            g.barge_in,
            f64::from(g.digit_time) / 4.0
        );
        out
    }

    /// Shares sum to 1 and nothing is negative, in every scope that has calls.
    fn assert_sane(report: &SimReport, what: &str) {
        let scopes =
            std::iter::once(&report.overall).chain(report.intents.iter().map(|(_, i)| &i.figures));
        for f in scopes {
            let total: f64 = Outcome::ALL.iter().map(|&o| f.outcomes.get(o)).sum();
            if !report.exact && f.outcomes_ci95.self_served.is_none() {
                continue; // an intent no call had
            }
            assert!((total - 1.0).abs() <= 1e-9, "{what}: shares sum to {total}");
            for o in Outcome::ALL {
                assert!(f.outcomes.get(o) >= -1e-12, "{what}: {}", o.name());
            }
            assert!(f.inputs.mean >= -1e-12, "{what}: inputs {}", f.inputs.mean);
            assert!(f.time.mean >= -1e-12, "{what}: time {}", f.time.mean);
            for q in [f.time.p50, f.time.p90, f.time.p99].into_iter().flatten() {
                assert!(q >= 0.0, "{what}: time quantile {q}");
            }
        }
    }

    /// 64 cases from a fixed seed, so the suite is repeatable and quick; set
    /// `PROPTEST_CASES` and `PROPTEST_RNG_SEED` to explore more menus.
    fn config() -> Config {
        let mut config = Config::default();
        if std::env::var_os("PROPTEST_CASES").is_none() {
            config.cases = 64;
        }
        if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
            config.rng_seed = RngSeed::Fixed(0x1e5_1a75);
        }
        config
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn random_menus_simulate_and_agree(m in menu(), i in intents()) {
            let menu_text = render_menu(&m, i.weights.len());
            let intents_text = render_intents(&i);
            let what = format!("menu:\n{menu_text}\nintents:\n{intents_text}");
            let program = program(&menu_text, &intents_text);
            let small = monte_carlo(&program, 2_000, 0, 1);
            assert_sane(&small, &what);
            match exact_report("menu.yaml", &program) {
                Ok(exact) => {
                    assert_sane(&exact, &what);
                    assert_eq!(exact.overall.outcomes.looped, 0.0);
                    let mc = sampled(&program, 20_000, 1, 1);
                    assert_sane(&mc.0, &what);
                    // The solver has no visit cap: it agrees where calls reach the cap with
                    // negligible probability, which here means none of 20,000 did.
                    if mc.0.overall.outcomes.looped == 0.0 {
                        assert_agree(&mc, &exact, 5.0, &what);
                    }
                }
                Err(ExactError::TrapLoop { nodes, .. }) => {
                    prop_assert!(!nodes.is_empty());
                }
                Err(ExactError::NoConvergence { .. }) => {}
            }
        }
    }
}
