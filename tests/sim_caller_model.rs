//! The caller model, by hand: a worked example computed by hand, exactly (`--exact`) and
//! by Monte Carlo, and one tiny menu per mechanic of the caller model, solved exactly to 1e-9
//! and sampled within 4 standard errors of the solver.
//!
//! Monte Carlo tests use fixed seeds, so they pass or fail the same way every time.

mod common;

use common::figures::{
    EXACT_TOLERANCE, ExactError, Hand, Outcome, Program, assert_agree, assert_hand, exact,
    exact_report, mean_floor, monte_carlo, sampled,
};
use common::load::program;
use common::{ivr, sim_json};
use serde_json::Value;

const WORKED_EXAMPLE: &str = "tests/fixtures/sim/worked-example.yaml";
const PIN_LOOP: &str = "tests/fixtures/sim/pin-loop.yaml";

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
// A worked example, computed by hand

#[test]
fn worked_example_exactly() {
    let report = sim_json(&[WORKED_EXAMPLE, "--exact"]);
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
    let report = sim_json(&[WORKED_EXAMPLE, "--calls", "200000", "--seed", "1"]);
    let overall = &report["overall"];
    let pair = |v: &Value| {
        [
            v[0].as_f64().unwrap(),
            v[1].as_f64().unwrap_or(f64::INFINITY),
        ]
    };
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
    let report = sim_json(&[PIN_LOOP, "--calls", "1000"]);
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
    let text = ivr(&["sim", PIN_LOOP, "--exact"]).failure(2);
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
