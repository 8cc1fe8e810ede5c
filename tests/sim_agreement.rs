//! Monte Carlo against the exact solver: on every example menu, on generated trees and on random
//! small menus (property tests), every share and mean within 4 (5 for random menus) standard
//! errors of the exact figures; and the figures do not depend on the number of threads.
//!
//! The standard error is the 95% interval's width / 3.92, with a small floor where the interval
//! is empty (see `assert_agree`). Fixed seeds: the tests pass or fail the same way every time.

mod common;

use common::figures::{
    ExactError, Outcome, RunOptions, SimReport, assert_agree, exact, exact_report, monte_carlo,
    report_json, run, sampled,
};
use common::generate::{Menus, case, render_intents, render_menu};
use common::load::{MENU_NAME, program, program_from_files};
use common::{example_menus, ivr, root};
use proptest::prelude::*;

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
    let dir = common::scratch();
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
        assert!(output.success(), "{}", output.stderr);
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
    let json = |threads| report_json(&monte_carlo(&program, 200_000, 3, threads));
    assert_eq!(json(1), json(3));
    let other_seed = monte_carlo(&program, 200_000, 4, 1);
    assert_ne!(
        other_seed.overall.time.mean,
        monte_carlo(&program, 200_000, 3, 1).overall.time.mean
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests over random small menus

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

proptest! {
    #![proptest_config(common::generate::config(0x1e5_1a75))]

    #[test]
    fn random_menus_simulate_and_agree((m, i) in case(Menus::Simulable)) {
        let menu_text = render_menu(&m).text;
        let intents_text = render_intents(&i.expect("simulable menus have intents"));
        let what = format!("menu:\n{menu_text}\nintents:\n{intents_text}");
        let program = program(&menu_text, &intents_text);
        let small = monte_carlo(&program, 2_000, 0, 1);
        assert_sane(&small, &what);
        match exact_report(MENU_NAME, &program) {
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
