//! Resource limits that tests/hostile.rs does not cover (it has file size, nesting depth, YAML
//! values and aliases): long prompts, many intents, `--calls` and `--threads` out of range, a
//! routing loop that only the visit cap ends, and the exact solver's work limit. Every run goes
//! through the real binary under a generous guard: not a speed check, a hang check.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::load::{MENU_NAME, program_from_files};
use common::run::head;
use common::{Ivr, Run, root};
use ivr::sim::exact::{ExactError, MAX_SWEEP_WORK, exact_report_within};

const GUARD: Duration = Duration::from_secs(60);

/// `ivr ARGS` in `dir` under the guard.
fn ivr(dir: &Path, args: &[&str]) -> Run {
    Ivr::new(args).current_dir(dir).run_guarded(GUARD)
}

// ---------------------------------------------------------------------------------------------
// Longest prompt: no limit of its own (the file size bounds it); a 1 MB prompt just works.

#[test]
fn a_one_megabyte_prompt_lints_draws_and_simulates() {
    let dir = common::scratch();
    let words = "word ".repeat(200_000);
    let chinese = "请按一".repeat(120_000);
    let menu = format!(
        "menu: Long\nentry: m\ntraffic: long.intents.yaml\ndefaults: {{ on_fail: agent }}\nnodes:\n  m:\n    say: \"{words}\"\n    options:\n      - {{ key: \"1\", say: \"{words}\", to: done }}\n      - {{ key: \"0\", say: \"To speak to someone, press 0.\", to: agent }}\n    on_invalid: {{ say: \"{chinese}\" }}\n  done: {{ type: self_service, serves: [x], say: \"{chinese}\" }}\n  agent: {{ type: transfer, queue: q, serves: [\"*\"] }}\n"
    );
    assert!(words.len() >= 1_000_000 && chinese.len() >= 1_000_000);
    std::fs::write(dir.path().join("long.yaml"), menu).unwrap();
    std::fs::write(
        dir.path().join("long.intents.yaml"),
        "intents:\n  x: 1\n  y: 1\n",
    )
    .unwrap();
    let lint = ivr(dir.path(), &["lint", "long.yaml"]);
    assert!(matches!(lint.code, Some(0 | 1)), "{}", head(&lint.stderr));
    assert!(
        lint.stdout.contains("prompt-length"),
        "{}",
        head(&lint.stdout)
    );
    // Findings quote the file, not the whole prompt.
    assert!(lint.stdout.len() < 200_000, "{} bytes", lint.stdout.len());
    let graph = ivr(dir.path(), &["graph", "long.yaml"]);
    assert_eq!(graph.code, Some(0), "{}", head(&graph.stderr));
    assert!(graph.stdout.len() < 10_000, "{} bytes", graph.stdout.len());
    for args in [
        &["sim", "long.yaml", "--calls", "2000", "--format", "json"][..],
        &["sim", "long.yaml", "--exact", "--format", "json"][..],
    ] {
        let sim = ivr(dir.path(), args);
        assert_eq!(sim.code, Some(0), "{}", head(&sim.stderr));
        let report: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
        // 200,000 words at 150 a minute: callers run out of patience long before the end.
        assert!(report["overall"]["outcomes"]["abandoned"].as_f64().unwrap() > 0.9);
    }
}

// ---------------------------------------------------------------------------------------------
// Most intents: no limit of their own (max_nodes bounds them, at about 500,000).

#[test]
fn ten_thousand_intents_load_lint_and_simulate() {
    const N: usize = 10_000;
    let dir = common::scratch();
    let mut intents = String::from("intents:\n");
    for i in 0..N {
        writeln!(intents, "  intent_{i}: {}", i % 7 + 1).unwrap();
    }
    let mut menu = String::from(
        "menu: Many\nentry: m\ntraffic: many.intents.yaml\ndefaults: { on_fail: agent }\nnodes:\n  m:\n    say: Hi.\n    options:\n",
    );
    for k in 1..=9 {
        writeln!(
            menu,
            "      - {{ key: \"{k}\", say: \"For part {k}, press {k}.\", to: s{k} }}"
        )
        .unwrap();
    }
    menu.push_str("      - { key: \"0\", say: \"To speak to someone, press 0.\", to: agent }\n");
    for k in 1..=9 {
        let serves: Vec<String> = (k..N).step_by(10).map(|i| format!("intent_{i}")).collect();
        writeln!(
            menu,
            "  s{k}: {{ type: self_service, serves: [{}] }}",
            serves.join(", ")
        )
        .unwrap();
    }
    menu.push_str("  agent: { type: transfer, queue: q, serves: [\"*\"] }\n");
    std::fs::write(dir.path().join("many.yaml"), menu).unwrap();
    std::fs::write(dir.path().join("many.intents.yaml"), intents).unwrap();

    let lint = ivr(dir.path(), &["lint", "many.yaml", "--format", "json"]);
    assert!(matches!(lint.code, Some(0 | 1)), "{}", head(&lint.stderr));
    for args in [
        &["sim", "many.yaml", "--calls", "1000", "--format", "json"][..],
        &["sim", "many.yaml", "--exact", "--format", "json"][..],
    ] {
        let sim = ivr(dir.path(), args);
        assert_eq!(sim.code, Some(0), "{}", head(&sim.stderr));
        let report: serde_json::Value = serde_json::from_str(&sim.stdout).expect("JSON");
        assert_eq!(report["intents"].as_object().expect("intents").len(), N);
        let total: f64 = report["overall"]["outcomes"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    }
}

// ---------------------------------------------------------------------------------------------
// --calls and --threads

#[test]
fn calls_above_the_cap_exit_2_naming_it() {
    let cap = ivr::sim::run::MAX_CALLS;
    let above = (cap + 1).to_string();
    for command in ["sim", "compare"] {
        let mut args = vec![command, "menus/tutorial.yaml"];
        if command == "compare" {
            args.push("menus/tutorial.yaml");
        }
        args.extend(["--calls", &above]);
        let run = ivr(root(), &args);
        assert_eq!(run.code, Some(2), "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains("MAX_CALLS") && run.stderr.contains(&cap.to_string()),
            "{command}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    // A number too big for the type is clap's usage error, also exit 2.
    let run = ivr(
        root(),
        &[
            "sim",
            "menus/tutorial.yaml",
            "--calls",
            "99999999999999999999999",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--calls"), "{}", run.stderr);
}

#[test]
fn threads_above_the_cap_exit_2_naming_it() {
    // Without the cap, `--threads 100000` started 100,000 OS threads and ran for minutes.
    let cap = ivr::sim::run::MAX_THREADS;
    let above = (cap + 1).to_string();
    for args in [
        vec!["sim", "menus/tutorial.yaml", "--threads", "100000"],
        vec!["sim", "menus/tutorial.yaml", "--threads", &above],
        vec![
            "compare",
            "menus/tutorial.yaml",
            "menus/tutorial.yaml",
            "--threads",
            &above,
        ],
    ] {
        let run = ivr(root(), &args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("MAX_THREADS") && run.stderr.contains(&cap.to_string()),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    let at_cap = ivr(
        root(),
        &[
            "sim",
            "menus/tutorial.yaml",
            "--calls",
            "1000",
            "--threads",
            &cap.to_string(),
        ],
    );
    assert_eq!(at_cap.code, Some(0), "{}", at_cap.stderr);
}

// ---------------------------------------------------------------------------------------------
// Loops

#[test]
fn a_routing_loop_ends_at_the_visit_cap_quickly() {
    // Every call goes round `pin` -> `wrong` -> `pin` until the visit cap (200 visits) ends it.
    let run = ivr(
        root(),
        &[
            "sim",
            "tests/fixtures/sim/pin-loop.yaml",
            "--calls",
            "100000",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["overall"]["outcomes"]["looped"], 1.0);
    // The exact solver has no visit cap: it names the loop and exits 2.
    let exact = ivr(
        root(),
        &["sim", "tests/fixtures/sim/pin-loop.yaml", "--exact"],
    );
    assert_eq!(exact.code, Some(2), "{}", exact.stderr);
    assert!(exact.stderr.contains("loop"), "{}", exact.stderr);
}

/// A PIN check followed by a ring of `ring` messages back to it; callers leave only by typing
/// an invalid PIN, with probability `leak` a visit.
fn slow_ring(ring: usize, leak: &str) -> (String, String) {
    let mut menu = String::from(
        "menu: Ring\nentry: pin\nnodes:\n  pin: { type: input, say: \"Enter your PIN\", digits: 4, to: w0, on_invalid: { retries: 0, then: agent }, on_no_input: { retries: 0, then: agent } }\n",
    );
    for i in 0..ring {
        let next = if i + 1 < ring {
            format!("w{}", i + 1)
        } else {
            "pin".to_string()
        };
        writeln!(
            menu,
            "  w{i}: {{ type: message, say: \"Wrong\", to: {next} }}"
        )
        .unwrap();
    }
    menu.push_str("  agent: { type: transfer, queue: q, serves: [\"*\"] }\n");
    let intents = format!(
        "intents:\n  x: 1\ncallers: {{ mistake_rate: 0, invalid_rate: {leak}, no_input_rate: 0, patience: null }}\n"
    );
    (menu, intents)
}

#[test]
fn the_exact_solver_stops_at_its_work_limit() {
    // 1,000 nodes left with probability 1e-4 a round: about 350,000 sweeps of 1,000 updates to
    // settle. Before MAX_SWEEP_WORK a 20,000-node ring kept the solver busy for hours.
    let (menu, intents) = slow_ring(1_000, "0.0001");
    let program = common::load::program(&menu, &intents);
    let started = Instant::now();
    match exact_report_within(MENU_NAME, &program, 2_000_000) {
        Err(ExactError::NoConvergence { intent, limit }) => {
            assert_eq!(intent, "x");
            assert_eq!(limit, "MAX_SWEEP_WORK");
        }
        other => panic!("expected the work limit, got {other:?}"),
    }
    assert!(started.elapsed() < GUARD);
    // The default budget is far above what a real menu needs: a short ring, left ten times as
    // often, settles within it, and every example menu within a hundredth of it.
    let (menu, intents) = slow_ring(50, "0.001");
    let program = common::load::program(&menu, &intents);
    let report = exact_report_within(MENU_NAME, &program, MAX_SWEEP_WORK).expect("settles");
    assert!((report.overall.outcomes.agent - 1.0).abs() < 1e-9);
    for name in [
        "tutorial",
        "retail-bank",
        "mobile-operator",
        "electricity-utility",
    ] {
        let program = program_from_files(&root().join(format!("menus/{name}.yaml")), None);
        assert!(
            exact_report_within(name, &program, MAX_SWEEP_WORK / 100).is_ok(),
            "{name} needs more than a hundredth of MAX_SWEEP_WORK"
        );
    }
}

#[test]
fn the_exact_solver_gives_the_same_figures_and_errors_on_any_number_of_threads() {
    // Intents are solved in parallel from one work budget; the figures, and which intent an
    // exhausted budget is blamed on, must not depend on how many threads there are.
    let on = |threads: usize, menu: &Path, budget: u64| {
        let program = program_from_files(menu, None);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        pool.install(|| format!("{:?}", exact_report_within("menu", &program, budget)))
    };
    let bank = root().join("menus/retail-bank.yaml");
    let one = on(1, &bank, MAX_SWEEP_WORK);
    assert!(one.starts_with("Ok("), "{one}");
    assert_eq!(one, on(3, &bank, MAX_SWEEP_WORK));
    // A budget too small for all the intents: the first intent, in file order, that the
    // remaining budget cannot settle is named, as when they are solved one after another.
    let small = on(1, &bank, 4_000);
    assert!(
        small.starts_with("Err(NoConvergence") && small.contains("MAX_SWEEP_WORK"),
        "{}",
        head(&small)
    );
    assert!(!small.contains("check_balance"), "{}", head(&small));
    assert_eq!(small, on(3, &bank, 4_000));
}
