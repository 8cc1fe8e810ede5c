//! Callers as they are: confusions between categories (declared from call records, or a
//! menu-wide rate), long menus, announced keys and zeroing out, and caller groups. One tiny menu
//! per addition, computed by hand, solved exactly to 1e-9 and sampled within 4 standard errors
//! of the solver; then every example menu with every addition switched on, exact against Monte
//! Carlo; and the load errors for chances that cannot hold.
//!
//! Prompts are read at 60 words a minute, so a word is a second. Monte Carlo tests use fixed
//! seeds, so they pass or fail the same way every time.

mod common;

use common::figures::{
    Hand, Outcome, Program, RunOptions, SimReport, assert_agree, assert_hand, exact, sampled,
};
use common::load::{self, INTENTS_NAME, program, rendered};
use common::{example_menus, ivr, scratch, write};
use ivr::intents::Persona;
use ivr::sim::flow;
use ivr::source::{Span, Spanned};
use proptest::prelude::*;

/// Solves a tiny menu exactly, checks the whole traffic against the hand computation, and
/// checks that Monte Carlo agrees with the solver (every scope, the confused share too).
fn check_menu(menu: &str, intents: &str, hand: &Hand<'_>, what: &str) -> (Program, SimReport) {
    let program = program(menu, intents);
    let report = exact(&program);
    assert_hand(&report.overall, hand, what);
    let mc = sampled(&program, 100_000, 5, 0);
    assert_agree(&mc, &report, 4.0, what);
    (program, report)
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-9, "{what}: {got}, by hand {want}");
}

/// Callers who never slip, never press a wrong key, never fall silent, never give up.
const PERFECT: &str = "mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null";

// ---------------------------------------------------------------------------------------------
// Confusion toward a named node

const TWO_LEVELS: &str = r#"
menu: Two levels
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "One", to: a }
      - { key: "2", say: "Two", to: sub }
  sub:
    say: Sub
    options:
      - { key: "1", say: "One", to: b }
      - { key: "2", say: "Two", to: c }
  a: { type: self_service, serves: [x] }
  b: { type: self_service, serves: [y] }
  c: { type: self_service, serves: [z] }
"#;

#[test]
fn a_declared_confusion_follows_the_route_to_the_named_node() {
    let intents = format!(
        "intents:\n  x: {{ share: 1, confused_with: {{ c: 0.2 }} }}\n  y: 0\n  z: 0\ncallers: {{ {PERFECT} }}\n"
    );
    // At `m`, 0.8 press 1 (listen "Main One" 2 s + react 1 s = 3 s) and are served at `a`.
    // 0.2 head for `c` as if it served them: 2 at `m` (1 + 1 + 1 + 1 = 4 s), then at `sub`
    // the option towards `c`, 2 (4 s again), and `c` does not serve x: unresolved.
    // (Without following the route they would hang up at `sub`, where nothing serves x.)
    //   self_served 0.8, unresolved 0.2, time 0.8*3 + 0.2*8 = 4, inputs 0.8 + 0.2*2 = 1.2
    let (_, report) = check_menu(
        TWO_LEVELS,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Unresolved, 0.2)],
            inputs: 1.2,
            time: 4.0,
            time_to_agent: None,
        },
        "declared confusion",
    );
    close(report.overall.confused.unwrap(), 0.2, "confused");
    close(
        report.intents[0].1.figures.confused.unwrap(),
        0.2,
        "x confused",
    );
}

#[test]
fn a_declared_confusion_toward_the_intended_option_changes_nothing() {
    // `sub` lies on no route of x... but naming `a`, which serves x, is the intended option:
    // the caller presses it anyway, and nobody counts as confused.
    let intents = format!(
        "intents:\n  x: {{ share: 1, confused_with: {{ a: 0.5 }} }}\n  y: 0\n  z: 0\ncallers: {{ {PERFECT} }}\n"
    );
    let (_, report) = check_menu(
        TWO_LEVELS,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 3.0,
            time_to_agent: None,
        },
        "confusion toward the intended option",
    );
    close(report.overall.confused.unwrap(), 0.0, "confused");
}

/// Option 3 serves x; options 2 and 1 lead to `c` through a menu each (one input more), and
/// option 4 (with `direct`) straight to `c`. Listed 3, 2, 1: announced in that order.
fn ties(direct: bool) -> String {
    format!(
        r#"
menu: Ties
entry: m
speech: {{ words_per_minute: 60 }}
defaults: {{ reaction_time: 1 }}
nodes:
  m:
    say: Main
    options:
      - {{ key: "3", say: "Three", to: a }}
      - {{ key: "2", say: "Two", to: p }}
      - {{ key: "1", say: "One", to: q }}{}
  p: {{ say: P, options: [{{ key: "1", say: "One", to: c }}] }}
  q: {{ say: Q, options: [{{ key: "1", say: "One", to: c }}] }}
  a: {{ type: self_service, serves: [x] }}
  c: {{ type: transfer, queue: general, serves: [z] }}
"#,
        if direct {
            "\n      - { key: \"4\", say: \"Four\", to: c }"
        } else {
            ""
        }
    )
}

#[test]
fn a_declared_confusion_takes_the_shortest_way_first_announced_and_misroutes_at_a_transfer() {
    let intents = format!(
        "intents:\n  x: {{ share: 1, confused_with: {{ c: 0.2 }} }}\n  z: 0\ncallers: {{ {PERFECT} }}\n"
    );
    // 2 and 1 both reach `c` in one more input: the tie goes to 2, announced first (listed
    // before 1 whatever the keys). 0.8 press 3 ("Main Three", 2 s, + 1 s); 0.2 press 2 ("Main
    // Three Two", 3 s, + 1 s), then 1 at `p` ("P One", 2 s, + 1 s), and `c`, a transfer
    // that does not serve x: misrouted after 7 s.
    //   self_served 0.8, misrouted 0.2, inputs 1.2, time 0.8*3 + 0.2*7 = 3.8
    let (program, _) = check_menu(
        &ties(false),
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Misrouted, 0.2)],
            inputs: 1.2,
            time: 3.8,
            time_to_agent: Some(7.0),
        },
        "confusion, a tie",
    );
    let (flow, _) = flow::exact_flow(&program).unwrap();
    let reached = flow.reached.unwrap();
    // Nodes in file order: m, p, q, a, c.
    close(reached[1], 0.2, "p reached");
    close(reached[2], 0.0, "q reached");
    // Option 4 reaches `c` itself (no input after it): it wins over 2. Listening to all four
    // options ("Main Three Two One Four", 5 s, + 1 s).
    //   self_served 0.8, misrouted 0.2, inputs 1, time 0.8*3 + 0.2*6 = 3.6
    check_menu(
        &ties(true),
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.8), (Outcome::Misrouted, 0.2)],
            inputs: 1.0,
            time: 3.6,
            time_to_agent: Some(6.0),
        },
        "confusion, the shortest way",
    );
}

// ---------------------------------------------------------------------------------------------
// Confusion among same-kind options, and forgetting beyond the memory span

const FOUR_OPTIONS: &str = r#"
menu: Four options
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "One", to: a }
      - { key: "2", say: "Two", to: b }
      - { key: "3", say: "Three", to: agent }
      - { key: "4", say: "Four", to: c }
  a: { type: self_service, serves: [x] }
  b: { type: self_service, serves: [y] }
  c: { type: self_service, serves: [z] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

fn only_x(callers: &str) -> String {
    format!("intents:\n  x: 1\n  y: 0\n  z: 0\ncallers: {{ {callers} }}\n")
}

#[test]
fn menu_wide_confusion_picks_among_options_of_the_same_kind() {
    let intents = only_x(&format!("{PERFECT}, confusion: 0.3"));
    // x's option leads to a self-service node; the other self-service options are 2 and 4
    // (3 is a transfer), 0.15 each. Listening up to option k takes 1 + k seconds, plus 1.
    //   self_served 0.7 (3 s), unresolved 0.15 (4 s) + 0.15 (6 s)
    //   time 2.1 + 0.6 + 0.9 = 3.6, one input each
    let (_, report) = check_menu(
        FOUR_OPTIONS,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.7), (Outcome::Unresolved, 0.3)],
            inputs: 1.0,
            time: 3.6,
            time_to_agent: None,
        },
        "menu-wide confusion",
    );
    close(report.overall.confused.unwrap(), 0.3, "confused");
}

#[test]
fn menu_wide_confusion_needs_three_options_and_a_same_kind_option() {
    // Two options: no confusion, whatever the rate.
    let intents =
        format!("intents:\n  x: 1\n  y: 0\n  z: 0\ncallers: {{ {PERFECT}, confusion: 0.5 }}\n");
    let (_, report) = check_menu(
        TWO_LEVELS,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 3.0,
            time_to_agent: None,
        },
        "two options",
    );
    close(report.overall.confused.unwrap(), 0.0, "confused");
}

#[test]
fn options_beyond_the_memory_span_add_slips_without_barge_in() {
    let intents = only_x(&format!(
        "{PERFECT}, barge_in: false, memory_span: 2, forget_rate: 0.05"
    ));
    // Four options, two beyond the span: a slip of 2 * 0.05 = 0.1, a third to each other
    // option. Every caller hears the whole menu (1 + 4 = 5 s) and reacts (1 s).
    //   self_served 0.9, agent 0.1/3 (option 3), unresolved 0.2/3, time 6, time to agent 6
    check_menu(
        FOUR_OPTIONS,
        &intents,
        &Hand {
            outcomes: &[
                (Outcome::SelfServed, 0.9),
                (Outcome::Agent, 0.1 / 3.0),
                (Outcome::Unresolved, 0.2 / 3.0),
            ],
            inputs: 1.0,
            time: 6.0,
            time_to_agent: Some(6.0),
        },
        "memory span",
    );
    // With barge-in the caller presses on hearing their option: nothing to forget.
    let intents = only_x(&format!(
        "{PERFECT}, barge_in: true, memory_span: 2, forget_rate: 0.05"
    ));
    check_menu(
        FOUR_OPTIONS,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 3.0,
            time_to_agent: None,
        },
        "memory span with barge-in",
    );
}

#[test]
fn forgetting_is_capped_so_the_chances_add_up_to_one() {
    // 2 * 0.9 would be a slip of 1.8: capped at 1 - 0.2 (silence and wrong keys... here only
    // a slip of 1): every caller slips, a third to each other option.
    let intents = only_x(
        "mistake_rate: 0, invalid_rate: 0, no_input_rate: 0, patience: null, barge_in: false, memory_span: 2, forget_rate: 0.9",
    );
    check_menu(
        FOUR_OPTIONS,
        &intents,
        &Hand {
            outcomes: &[
                (Outcome::Agent, 1.0 / 3.0),
                (Outcome::Unresolved, 2.0 / 3.0),
            ],
            inputs: 1.0,
            time: 6.0,
            time_to_agent: Some(6.0),
        },
        "memory span capped",
    );
}

// ---------------------------------------------------------------------------------------------
// Announced keys and zeroing out

const HIDDEN_ZERO: &str = r#"
menu: Hidden zero
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main menu
    options:
      - { key: "1", say: "For x press 1", to: a }
      - { key: "2", say: "Other things", to: b }
      - { key: "0", say: "Agent", to: agent }
  a: { type: self_service, serves: [x] }
  b: { type: self_service, serves: [y] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

#[test]
fn callers_use_only_announced_options_and_some_try_zero() {
    let intents = format!(
        "intents:\n  x: 0\n  y: 1\ncallers: {{ {PERFECT}, use_unannounced: false, zero_out: 0.6 }}\n"
    );
    // y is served behind option 2, whose prompt names no key, and key 0 is not announced
    // either: with no announced route, 0.6 try 0 (listening to the whole menu, 2 + 4 + 2 + 1
    // = 9 s, + 1 s) and reach the agent; 0.4 hang up at once.
    check_menu(
        HIDDEN_ZERO,
        &intents,
        &Hand {
            outcomes: &[(Outcome::Agent, 0.6), (Outcome::Abandoned, 0.4)],
            inputs: 0.6,
            time: 6.0,
            time_to_agent: Some(10.0),
        },
        "zero out",
    );
    // By default callers use every option, announced or not (option 2: 2 + 4 + 2 + 1 = 9 s).
    let intents = format!("intents:\n  x: 0\n  y: 1\ncallers: {{ {PERFECT} }}\n");
    check_menu(
        HIDDEN_ZERO,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 9.0,
            time_to_agent: None,
        },
        "unannounced options used",
    );
    // The menu's own `say` may announce a key: "press 2" there makes option 2 announced, and
    // callers who use only announced options take it (7 + 4 + 2 = 13 s, + 1 s).
    let announced =
        HIDDEN_ZERO.replace("say: Main menu", "say: Main menu. For other things press 2");
    let intents = format!(
        "intents:\n  x: 0\n  y: 1\ncallers: {{ {PERFECT}, use_unannounced: false, zero_out: 0.6 }}\n"
    );
    check_menu(
        &announced,
        &intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 1.0)],
            inputs: 1.0,
            time: 14.0,
            time_to_agent: None,
        },
        "announced by the menu's prompt",
    );
}

// ---------------------------------------------------------------------------------------------
// Caller groups

const ONE_OR_BYE: &str = r#"
menu: One or bye
entry: m
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1 }
nodes:
  m:
    say: Main
    options:
      - { key: "1", say: "One", to: done }
      - { key: "2", say: "Two", to: bye }
  done: { type: self_service, serves: [x] }
  bye: { type: hangup }
"#;

#[test]
fn caller_groups_mix_by_the_intents_own_shares() {
    let intents = r#"
intents:
  x: { share: 1, personas: { careful: 3, hasty: 1 } }
callers:
  - { name: careful, share: 1, mistake_rate: 0.2, invalid_rate: 0, no_input_rate: 0, patience: null }
  - { name: hasty, share: 9, mistake_rate: 0.6, invalid_rate: 0, no_input_rate: 0, patience: null, reaction_time: 2 }
"#;
    // x's own mix wins over the groups' shares: 3/4 careful, 1/4 hasty.
    //   careful: served 0.8 (1 + 1 + 1 = 3 s), unresolved 0.2 (4 s): 3.2 s on average
    //   hasty (reacts in 2 s): served 0.4 (4 s), unresolved 0.6 (5 s): 4.6 s
    //   self_served 0.75*0.8 + 0.25*0.4 = 0.7, time 0.75*3.2 + 0.25*4.6 = 3.55
    let (_, report) = check_menu(
        ONE_OR_BYE,
        intents,
        &Hand {
            outcomes: &[(Outcome::SelfServed, 0.7), (Outcome::Unresolved, 0.3)],
            inputs: 1.0,
            time: 3.55,
            time_to_agent: None,
        },
        "caller groups",
    );
    let groups: Vec<(&str, f64, f64, f64)> = report
        .personas
        .iter()
        .map(|(name, g)| {
            let f = &g.figures;
            (name.as_str(), g.share, f.outcomes.self_served, f.time.mean)
        })
        .collect();
    assert_eq!(groups.len(), 2);
    for ((name, share, served, time), want) in groups
        .iter()
        .zip([("careful", 0.75, 0.8, 3.2), ("hasty", 0.25, 0.4, 4.6)])
    {
        assert_eq!(*name, want.0);
        close(*share, want.1, "share");
        close(*served, want.2, "self_served");
        close(*time, want.3, "time");
    }
    // No confusion anywhere: no `confused` figure.
    assert!(report.overall.confused.is_none());
}

#[test]
fn a_gate_on_a_caller_group_passes_or_fails_on_its_figures() {
    let dir = scratch();
    let menu = write(dir.path(), "menu.yaml", ONE_OR_BYE);
    let intents = write(
        dir.path(),
        "menu.intents.yaml",
        "intents:\n  x: 1\ncallers:\n  - { name: regular, share: 3, mistake_rate: 0.05, invalid_rate: 0, no_input_rate: 0 }\n  - { name: first_time, share: 1, mistake_rate: 0.5, invalid_rate: 0, no_input_rate: 0 }\n",
    );
    let (menu, intents) = (menu.to_str().unwrap(), intents.to_str().unwrap());
    let run = |check: &str| {
        ivr(&[
            "sim",
            menu,
            "--intents",
            intents,
            "--exact",
            "--check",
            check,
        ])
    };
    let pass = run("persona.regular.unresolved<=0.1");
    assert_eq!(pass.code, Some(0), "{}{}", pass.stdout, pass.stderr);
    let fail = run("persona.first_time.unresolved<=0.1");
    assert_eq!(fail.code, Some(1), "{}{}", fail.stdout, fail.stderr);
    assert!(
        fail.stdout.contains("persona.first_time.unresolved <= 0.1"),
        "{}",
        fail.stdout
    );
    let unknown = run("persona.first.unresolved<=0.1");
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("did you mean `first_time`?"),
        "{}",
        unknown.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Every addition at once, on every example menu

/// The example's traffic with three caller groups using every addition, and the first intent
/// confused with the last node of the menu.
fn with_every_addition(path: &std::path::Path) -> Program {
    every_addition(path).1
}

/// The example menu and its program with every addition (see [`with_every_addition`]).
fn every_addition(path: &std::path::Path) -> (ivr::menu::Menu, Program) {
    let menu = load::menu_file(path);
    let traffic = menu.traffic.as_ref().expect("the menu names its traffic");
    let intents_path = path.parent().unwrap().join(&traffic.value);
    let mut intents = load::load_intents(&intents_path, &load::Limits::DEFAULT).unwrap();
    let base = intents.callers;
    let group = |name: &str, share: f64, edit: &dyn Fn(&mut ivr::callers::CallerModel)| {
        let mut callers = base;
        edit(&mut callers);
        Persona {
            name: Spanned::new(name.to_string(), Span::default()),
            share,
            callers,
        }
    };
    intents.personas = vec![
        group("regular", 0.6, &|c| c.confusion = 0.1),
        group("first_time", 0.3, &|c| {
            c.barge_in = false;
            c.memory_span = Some(3);
            c.forget_rate = 0.04;
            c.confusion = 0.05;
        }),
        group("hidden_keys", 0.1, &|c| {
            c.use_unannounced = false;
            c.zero_out = 0.5;
            c.reaction_time = Some(2.5);
        }),
    ];
    let last = menu.nodes.last().unwrap().id.value.clone();
    intents.intents[0].confused_with = vec![(
        Spanned::new(last, Span::default()),
        Spanned::new(0.1, Span::default()),
    )];
    if intents.intents.len() > 1 {
        intents.intents[1].personas = vec![(
            Spanned::new("first_time".to_string(), Span::default()),
            Spanned::new(1.0, Span::default()),
        )];
    }
    let program = load::compile(&menu, &intents);
    (menu, program)
}

/// The example menus, and the calibration menus of the docs (nine options, four options, and a
/// speech front end).
fn every_menu() -> Vec<std::path::PathBuf> {
    let calibration = ["nine-options", "four-options", "speech-front"]
        .map(|m| common::root().join(format!("docs/calibration/{m}.yaml")));
    example_menus().into_iter().chain(calibration).collect()
}

#[test]
fn monte_carlo_agrees_with_exact_with_every_addition_on_every_example_menu() {
    for (i, path) in every_menu().iter().enumerate() {
        let program = with_every_addition(path);
        assert!(program.can_confuse() && program.personas.len() == 3);
        let report = exact(&program);
        let mc = sampled(&program, 200_000, 40 + i as u64, 0);
        assert_agree(
            &mc,
            &report,
            4.0,
            &format!("{} with every addition", path.display()),
        );
    }
}

#[test]
fn the_exact_share_of_calls_reaching_each_node_follows_the_confusions() {
    // x's callers: 0.8 go straight to `a`; 0.2 head for `c` through `sub` (the hand figures of
    // the declared confusion above). Nobody reaches `b`.
    let intents = format!(
        "intents:\n  x: {{ share: 1, confused_with: {{ c: 0.2 }} }}\n  y: 0\n  z: 0\ncallers: {{ {PERFECT} }}\n"
    );
    let program = program(TWO_LEVELS, &intents);
    let (overall, _) = flow::exact_flow(&program).expect("the visits settle");
    let reached = overall.reached.expect("reach shares with confusions");
    for (got, want) in reached.iter().zip([1.0, 0.2, 0.8, 0.0, 0.2]) {
        close(*got, want, "reached");
    }
}

#[test]
fn monte_carlo_reach_agrees_with_exact_with_every_addition_on_every_example_menu() {
    for (i, path) in every_menu().iter().enumerate() {
        let (menu, program) = every_addition(path);
        let names = flow::FlowNames::of(&menu);
        let (exact, _) = flow::exact_flow(&program).expect("the visits settle");
        let exact = flow::exact_flow_figures(&program, &names, &exact);
        let calls = 100_000;
        let options = RunOptions {
            calls,
            seed: 70 + i as u64,
            threads: 0,
        };
        let (_, tallies) = flow::run_with_flow(&program, options, false, &|_| {});
        let sampled = flow::monte_carlo_flow(&program, &names, &tallies[0]);
        let mut compared = 0;
        for (e, m) in exact.nodes.iter().zip(&sampled.nodes) {
            assert_eq!(e.id, m.id);
            let want = e
                .reached
                .unwrap_or_else(|| panic!("{}: no reach share", e.id));
            let got = m.reached.unwrap();
            // The binomial standard error of the exact share, at least that of one call.
            let se = (want.max(1.0 / calls as f64) * (1.0 - want).max(1.0 / calls as f64)
                / calls as f64)
                .sqrt();
            assert!(
                (got - want).abs() <= 4.0 * se,
                "{} {}: Monte Carlo reached {got}, exact {want}",
                path.display(),
                e.id
            );
            compared += 1;
        }
        assert!(compared >= 5, "{}: only {compared} nodes", path.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Shares stay shares

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn group_and_outcome_shares_stay_in_0_1_and_sum_to_1(
        weights in proptest::collection::vec(0u32..20, 1..4),
        mix in proptest::collection::vec(0u32..5, 0..4),
        confusion in 0.0f64..0.4,
        declared in 0.0f64..0.5,
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let groups: String = weights
            .iter()
            .enumerate()
            .map(|(i, w)| format!("  - {{ name: g{i}, share: {w}, confusion: {confusion}, barge_in: {} }}\n", i % 2 == 0))
            .collect();
        let own: Vec<String> = mix
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < weights.len())
            .map(|(i, w)| format!("g{i}: {w}"))
            .collect();
        let own = if own.is_empty() || mix.iter().take(weights.len()).all(|&w| w == 0) {
            String::new()
        } else {
            format!(", personas: {{ {} }}", own.join(", "))
        };
        let intents = format!(
            "intents:\n  x: {{ share: 2, confused_with: {{ c: {declared} }}{own} }}\n  y: 1\n  z: 1\ncallers:\n{groups}"
        );
        let program = program(FOUR_OPTIONS, &intents);
        for row in &program.persona_mix {
            prop_assert!(row.iter().all(|&p| (0.0..=1.0).contains(&p)));
            prop_assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        let report = exact(&program);
        let total: f64 = report.personas.iter().map(|(_, g)| g.share).sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "group shares add up to {}", total);
        // A group no call belongs to (share 0) has no figures to add up.
        let groups = report.personas.iter().filter(|(_, g)| g.share > 0.0);
        for figures in std::iter::once(&report.overall)
            .chain(groups.map(|(_, g)| &g.figures))
            .chain(report.intents.iter().map(|(_, g)| &g.figures))
        {
            let sum: f64 = Outcome::ALL.iter().map(|&o| figures.outcomes.get(o)).sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "outcomes add up to {}", sum);
            let confused = figures.confused.unwrap();
            prop_assert!((0.0..=1.0 + 1e-12).contains(&confused));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn speech_shares_stay_in_0_1_and_sum_to_1(
        reject in 0.0f64..=1.0,
        accuracy in 0.0f64..=1.0,
        silence in 0.0f64..0.5,
        weights in proptest::collection::vec(0u32..5, 3),
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let menu = SPEECH_FRONT
            .replace("reject_rate: 0.2", &format!("reject_rate: {reject}"))
            .replace("accuracy: 0.75", &format!("accuracy: {accuracy}"));
        let intents = format!(
            "intents:\n  x: {}\n  y: {}\n  z: {}\ncallers: {{ mistake_rate: 0, invalid_rate: 0, no_input_rate: {silence}, patience: null }}\n",
            weights[0], weights[1], weights[2]
        );
        let report = exact(&program(&menu, &intents));
        let scopes = std::iter::once(&report.overall)
            .chain(report.intents.iter().filter(|(_, i)| i.share > 0.0).map(|(_, i)| &i.figures));
        for figures in scopes {
            let sum: f64 = Outcome::ALL.iter().map(|&o| figures.outcomes.get(o)).sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "outcomes add up to {}", sum);
            let heard = figures.speech.unwrap();
            let shares = [heard.recognised, heard.rejected, heard.misrecognised];
            prop_assert!(shares.iter().all(|s| (0.0..=1.0 + 1e-12).contains(s)), "{:?}", shares);
            prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{:?}", shares);
            prop_assert!(heard.attempts >= 1.0 - silence - 1e-9, "{}", heard.attempts);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Chances that cannot hold are input errors, at their line

fn load_error(text: &str) -> String {
    match load::document(INTENTS_NAME, text) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => rendered(&e),
    }
}

#[test]
fn confusions_that_leave_no_room_for_the_other_chances_are_refused_at_their_line() {
    let error =
        load_error("intents:\n  x: 1\n  y: { share: 1, confused_with: { a: 0.5, b: 0.45 } }\n");
    assert!(
        error.contains("the confusions of intent `y` (0.95) and the caller rates (0.14)"),
        "{error}"
    );
    assert!(error.contains("menu.intents.yaml:3:"), "{error}");
    let error = load_error("intents:\n  x: { share: 1, confused_with: { a: 1.5 } }\n");
    assert!(
        error.contains("`a` in `confused_with` must be a probability from 0 to 1"),
        "{error}"
    );
    let error = load_error("intents:\n  x: 1\ncallers: { mistake_rate: 0.5, confusion: 0.6 }\n");
    assert!(
        error.contains("the caller rates add up to 1.16, more than 1"),
        "{error}"
    );
    assert!(error.contains("confusion is at most 1"), "{error}");
}

#[test]
fn caller_groups_are_checked_at_their_line() {
    let error = load_error("intents:\n  x: 1\ncallers:\n  - { share: 1 }\n");
    assert!(error.contains("a caller group has no `name`"), "{error}");
    let error = load_error(
        "intents:\n  x: 1\ncallers:\n  - { name: a, share: 1 }\n  - { name: a, share: 2 }\n",
    );
    assert!(
        error.contains("the caller group `a` is listed twice"),
        "{error}"
    );
    let error = load_error(
        "intents:\n  x: { share: 1, personas: { b: 1 } }\ncallers:\n  - { name: a, share: 1 }\n",
    );
    assert!(error.contains("there is no caller group `b`"), "{error}");
    assert!(error.contains("menu.intents.yaml:2:"), "{error}");
    let error = load_error("intents:\n  x: 1\ncallers:\n  - { name: a, share: 0 }\n");
    assert!(
        error.contains("the caller groups' shares add up to 0"),
        "{error}"
    );
    let error = load_error("intents:\n  x: 1\ncallers: { memory_span: 0 }\n");
    assert!(
        error.contains("`memory_span` is 0, out of range"),
        "{error}"
    );
}

#[test]
fn a_confusion_with_a_node_the_menu_lacks_is_refused_at_its_line() {
    let dir = scratch();
    let menu = write(dir.path(), "menu.yaml", ONE_OR_BYE);
    let intents = write(
        dir.path(),
        "menu.intents.yaml",
        "intents:\n  x: { share: 1, confused_with: { dne: 0.1 } }\n",
    );
    let run = ivr(&[
        "sim",
        menu.to_str().unwrap(),
        "--intents",
        intents.to_str().unwrap(),
        "--exact",
    ]);
    let stderr = run.failure(2);
    assert!(
        stderr.contains("intent `x` is confused with `dne`, which is not a node of the menu"),
        "{stderr}"
    );
    assert!(stderr.contains("menu.intents.yaml:2:"), "{stderr}");
    assert!(stderr.contains("did you mean `done`?"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// A speech node's three outcomes

const SPEECH_FRONT: &str = r#"
menu: Speech front end
entry: front
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, retries: 1, on_fail: agent }
nodes:
  front:
    type: speech
    say: Tell me why
    routes: { x: a, y: b, "*": agent }
    reject_rate: 0.2
    accuracy: 0.75
    on_invalid: { say: "Sorry" }
  a: { type: self_service, serves: [x] }
  b: { type: self_service, serves: [y] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

#[test]
fn a_speech_node_recognises_rejects_and_misrecognises() {
    let intents = format!("intents:\n  x: 3\n  y: 1\ncallers: {{ {PERFECT}, speak_time: 2 }}\n");
    // Each attempt: "Tell me why" (3 s) and 2 s of speech, one input. 0.2 are asked to
    // repeat ("Sorry", 1 s, then once more; a second rejection goes to `on_fail: agent`).
    // Of the rest, 0.75 reach their own route and 0.25 the other intent's (the only other one
    // named), where they are not served: per attempt 0.6 served, 0.2 unresolved, 0.2 again.
    //   self_served 0.6 + 0.2*0.6 = 0.72, unresolved 0.2 + 0.2*0.2 = 0.24, agent 0.04
    //   time 0.8*5 + 0.2*(5 + 1 + 5) = 6.2, inputs 0.8 + 0.2*2 = 1.2, time to agent 11
    // Attempts: 1.2 a call, 0.72 recognised, 0.24 repeated, 0.24 misrecognised.
    let (front, report) = check_menu(
        SPEECH_FRONT,
        &intents,
        &Hand {
            outcomes: &[
                (Outcome::SelfServed, 0.72),
                (Outcome::Unresolved, 0.24),
                (Outcome::Agent, 0.04),
            ],
            inputs: 1.2,
            time: 6.2,
            time_to_agent: Some(11.0),
        },
        "speech",
    );
    let heard = report.overall.speech.expect("speech figures");
    close(heard.attempts, 1.2, "attempts");
    close(heard.recognised, 0.6, "recognised");
    close(heard.rejected, 0.2, "rejected");
    close(heard.misrecognised, 0.2, "misrecognised");
    let sampled_heard = sampled(&front, 100_000, 3, 0).0.overall.speech.unwrap();
    for (got, want) in [
        (sampled_heard.attempts, 1.2),
        (sampled_heard.recognised, 0.6),
        (sampled_heard.rejected, 0.2),
        (sampled_heard.misrecognised, 0.2),
    ] {
        // Shares of about 120,000 attempts: a standard error near 0.0015.
        assert!(
            (got - want).abs() < 0.006,
            "Monte Carlo {got}, exact {want}"
        );
    }
    // An intent the routes do not name goes to `"*"` when recognised; misrecognised, to x's
    // or y's route by their shares (3:1). With z at share 4 of 8: z's callers reach the agent
    // with 0.8 * 0.75 = 0.6 a try, and a and b (unresolved) with 0.2 of a try.
    let intents =
        format!("intents:\n  x: 3\n  y: 1\n  z: 4\ncallers: {{ {PERFECT}, speak_time: 2 }}\n");
    let program = program(SPEECH_FRONT, &intents);
    let report = exact(&program);
    let z = &report.intents[2].1.figures;
    close(z.outcomes.agent, 0.6 + 0.2 * 0.6 + 0.2 * 0.2, "z agent");
    close(z.outcomes.unresolved, 0.2 + 0.2 * 0.2, "z unresolved");
    assert_agree(
        &sampled(&program, 100_000, 9, 0),
        &report,
        4.0,
        "speech, an unnamed intent",
    );
}

/// A speech node with the built-in `reject_rate` (0.1), `accuracy` (0.9) and `speak_time`
/// (3 s), no retries, and one intent named in its routes.
const SPEECH_DEFAULTS: &str = r#"
menu: Speech defaults
entry: front
speech: { words_per_minute: 60 }
defaults: { reaction_time: 1, retries: 0, timeout: 4, on_fail: agent }
nodes:
  front:
    type: speech
    say: Tell me why
    routes: { x: a, "*": other }
  a: { type: self_service, serves: [x] }
  other: { type: self_service, serves: [z] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

#[test]
fn a_speech_node_hears_silence_first_and_misrecognises_toward_the_star_route() {
    let intents = "intents:\n  x: 1\n  z: 0\ncallers: { mistake_rate: 0, invalid_rate: 0, no_input_rate: 0.2, patience: null }\n";
    // 0.2 say nothing: the prompt (3 s) and the timeout (4 s), no retry: `on_fail`, the agent.
    // 0.8 speak (3 s + 3 s, one input): 0.1 of them are asked to repeat, no retry: the agent;
    // of the rest 0.9 reach x's route and 0.1 are misrecognised. No other intent is named in
    // the routes, so they go to `"*"`, `other`, which does not serve x: unresolved.
    //   agent 0.2 + 0.08 = 0.28, self_served 0.8*0.9*0.9 = 0.648, unresolved 0.072
    //   inputs 0.8, time 0.2*7 + 0.8*6 = 6.2, time to agent (0.2*7 + 0.08*6) / 0.28
    let (_, report) = check_menu(
        SPEECH_DEFAULTS,
        intents,
        &Hand {
            outcomes: &[
                (Outcome::Agent, 0.28),
                (Outcome::SelfServed, 0.648),
                (Outcome::Unresolved, 0.072),
            ],
            inputs: 0.8,
            time: 6.2,
            time_to_agent: Some((0.2 * 7.0 + 0.08 * 6.0) / 0.28),
        },
        "speech defaults",
    );
    // Silence is no spoken attempt: 0.8 a call, 0.81 / 0.1 / 0.09 of them.
    let heard = report.overall.speech.expect("speech figures");
    close(heard.attempts, 0.8, "attempts");
    close(heard.recognised, 0.81, "recognised");
    close(heard.rejected, 0.1, "rejected");
    close(heard.misrecognised, 0.09, "misrecognised");
}

#[test]
fn sweeping_a_speech_nodes_accuracy() {
    let dir = scratch();
    let menu = write(dir.path(), "front.yaml", SPEECH_FRONT);
    let intents = write(
        dir.path(),
        "front.intents.yaml",
        format!("intents:\n  x: 3\n  y: 1\ncallers: {{ {PERFECT}, speak_time: 2 }}\n"),
    );
    let run = ivr(&[
        "sim",
        menu.to_str().unwrap(),
        "--intents",
        intents.to_str().unwrap(),
        "--exact",
        "--format",
        "csv",
        "--vary",
        "nodes.front.accuracy=0.8..0.95:0.05",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(
        rows[0].starts_with("nodes.front.accuracy,"),
        "{}",
        run.stdout
    );
    // self_served = 0.8 a (1 + 0.2) = 0.96 a at accuracy a.
    for (row, a) in rows[1..].iter().zip([0.8, 0.85, 0.9, 0.95]) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0].parse::<f64>().unwrap(), a, "{row}");
        close(cells[1].parse().unwrap(), 0.96 * a, "self_served");
    }
    let wrong = ivr(&[
        "sim",
        menu.to_str().unwrap(),
        "--intents",
        intents.to_str().unwrap(),
        "--exact",
        "--vary",
        "nodes.a.accuracy=0.9",
    ]);
    assert!(wrong.failure(2).contains("the menu has no speech node `a`"));
}

#[test]
fn markdown_output_has_the_confused_share_and_a_table_per_caller_group() {
    let run = ivr(&[
        "sim",
        "docs/calibration/nine-options.yaml",
        "--exact",
        "--format",
        "markdown",
    ]);
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stdout.contains("| confused | 2.1% |"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("| `first_time` | 40.0% | 30.3% | 40.3% | 15.5% | 9.8% |"),
        "{}",
        run.stdout
    );
}
