//! A menu file in a pull request is untrusted input: what it can and cannot make `ivr` do
//! (docs/reliability.md). Each test here is a defect an attack review found, run through the
//! real binary; the big inputs run under a generous guard (a hang check, not a speed check).

use std::time::Duration;

mod common;

use common::{Ivr, ivr_in};

const GUARD: Duration = Duration::from_secs(120);

/// A stderr that cannot be written is not a panic: `ivr` reports what it can and exits with the
/// code the failure deserves (2: the output could not be written).
#[test]
fn an_unwritable_stderr_is_no_panic() {
    assert_eq!(Ivr::new(&["rules"]).run_on_full_disk(), Some(2));
    assert_eq!(
        Ivr::new(&["lint", "no-such-file.yaml"]).run_on_full_disk(),
        Some(2)
    );
}

/// A small menu that names `traffic`, with an agent for everyone.
fn menu_with_traffic(traffic: &str) -> String {
    format!(
        "menu: Small\nentry: main\ntraffic: {traffic}\nnodes:\n  main:\n    say: Welcome.\n    options:\n      - {{ key: \"1\", say: \"For billing, press 1.\", to: billing }}\n  billing: {{ type: transfer, queue: general, serves: [\"*\"] }}\n"
    )
}

const INTENTS: &str = "intents:\n  billing: 1\n";

fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

/// A FIFO (or `/dev/stdin`) named as a file used to block forever: anything that is not a
/// regular file is refused, for a menu named on the command line, `--intents` and `traffic:`.
#[test]
fn special_files_are_refused_not_read() {
    let dir = common::scratch();
    mkfifo(&dir.path().join("pipe.yaml"));
    common::write(dir.path(), "menu.yaml", menu_with_traffic("pipe.yaml"));
    common::write(dir.path(), "ok.yaml", menu_with_traffic("ok.intents.yaml"));
    common::write(dir.path(), "ok.intents.yaml", INTENTS);
    for args in [
        &["lint", "pipe.yaml"][..],
        &["sim", "pipe.yaml", "--calls", "10"],
        &["sim", "ok.yaml", "--intents", "pipe.yaml", "--calls", "10"],
        &["sim", "menu.yaml", "--calls", "10"],
        &["sim", "ok.yaml", "--intents", "/dev/stdin", "--calls", "10"],
    ] {
        let run = Ivr::new(args)
            .current_dir(dir.path())
            .stdin("intents: {}\n")
            .run_guarded(GUARD);
        // `ivr lint` reports an input error as a finding (exit 1); the others stop (exit 2).
        let expected = if args[0] == "lint" { 1 } else { 2 };
        let output = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, Some(expected), "{args:?}: {output}");
        assert!(output.contains("not a regular file"), "{args:?}: {output}");
    }
}

/// No line of `output` is a GitHub workflow command (the runner trims leading spaces), and no
/// control character but the line breaks reaches a terminal.
#[track_caller]
fn assert_inert(what: &str, output: &str) {
    for line in output.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line a CI runner would obey:\n{output}"
        );
    }
    assert!(
        !output.chars().any(|c| c.is_control() && c != '\n'),
        "{what}: a control character:\n{output:?}"
    );
}

/// Names from a menu or intents file are printed with their control characters escaped, so a
/// pull request cannot forge workflow commands in a CI log or drive a terminal.
#[test]
fn names_cannot_inject_lines_or_terminal_codes() {
    let dir = common::scratch();
    common::write(
        dir.path(),
        "menu.yaml",
        "menu: Forged\nentry: main\ntraffic: menu.intents.yaml\nnodes:\n  main:\n    say: Welcome.\n    options:\n      - { key: \"1\", say: \"For billing, press 1.\", to: \"x\\n  ::error::forged\" }\n      - { key: \"0\", say: \"For an agent, press 0.\", to: agent }\n  agent: { type: transfer, queue: general, serves: [\"*\"] }\n  \"x\\n  ::error::forged\": { type: self_service, serves: [\"\\e[2J\\n::add-mask::x\"] }\n  \"\\e[31mred\": { type: hangup }\n",
    );
    common::write(
        dir.path(),
        "menu.intents.yaml",
        "intents:\n  \"\\e[2J\\n::add-mask::x\": 2\n  \"=HYPERLINK(1)\": 1\n  \"-1+2\": 1\n",
    );
    let lint = Ivr::new(&["lint", "menu.yaml"])
        .current_dir(dir.path())
        .run();
    assert_eq!(lint.code, Some(0), "{}{}", lint.stdout, lint.stderr);
    assert!(lint.stdout.contains("\\e[31mred"), "{}", lint.stdout);
    assert_inert("ivr lint", &lint.stdout);
    for format in ["human", "csv"] {
        let sim = Ivr::new(&["sim", "menu.yaml", "--calls", "200", "--format", format])
            .current_dir(dir.path())
            .run();
        assert_eq!(sim.code, Some(0), "{}", sim.stderr);
        assert_inert(format, &sim.stdout);
        if format == "csv" {
            // Formulas stay text; our own numbers (and the header) are untouched.
            assert!(sim.stdout.contains("\n'=HYPERLINK(1),"), "{}", sim.stdout);
            assert!(sim.stdout.contains("\n'-1+2,"), "{}", sim.stdout);
            assert!(sim.stdout.starts_with("scope,share,"), "{}", sim.stdout);
        }
    }
}

/// Queue names from a traffic file and the menu's file name are escaped in the queue and
/// staffing tables too (`ivr staff` printed both raw).
#[test]
fn queue_names_cannot_inject_lines_or_terminal_codes() {
    let dir = common::scratch();
    let name = "\\e[2J\\n::error::forged";
    common::write(
        dir.path(),
        "menu\u{1b}[31m.yaml",
        format!(
            "menu: \"\\e[31mForged\"\nentry: main\ntraffic: menu.intents.yaml\nnodes:\n  main:\n    say: For an agent, press 0.\n    options:\n      - {{ key: \"0\", say: \"For an agent, press 0.\", to: agent }}\n  agent: {{ type: transfer, queue: \"{name}\", serves: [\"*\"] }}\n"
        ),
    );
    common::write(
        dir.path(),
        "menu.intents.yaml",
        format!(
            "intents: {{ anything: 1 }}\narrivals: {{ calls_per_hour: 100 }}\nqueues:\n  \"{name}\": {{ agents: 5, handle_time: 120 }}\n"
        ),
    );
    for args in [
        &["staff", "menu\u{1b}[31m.yaml"][..],
        &["sim", "menu\u{1b}[31m.yaml", "--calls", "2000"][..],
    ] {
        let run = Ivr::new(args).current_dir(dir.path()).run();
        assert_eq!(run.code, Some(0), "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("\\e[2J"), "{args:?}: {}", run.stdout);
        assert_inert(args[0], &run.stdout);
    }
}

/// `traffic:` reads only a YAML file inside the menu's repository (links followed), never one
/// in `.git`, and a refused file is never shown: `traffic: /proc/self/environ` or a link to a
/// secret used to be read, and the error's snippet printed its first lines in the CI log.
#[test]
fn traffic_stays_inside_the_repository() {
    let dir = common::scratch();
    let repo = dir.path().join("repo");
    common::write(&repo, ".git/config", "[credential]\n  helper = hunter2\n");
    common::write(dir.path(), "secret.yaml", "token: hunter2\n");
    common::write(&repo, "shared/ok.intents.yaml", INTENTS);
    std::os::unix::fs::symlink(dir.path().join("secret.yaml"), repo.join("menus-link.yaml"))
        .expect("a link");
    for traffic in [
        "../../secret.yaml",
        "/proc/self/environ",
        "../.git/config",
        "../menus-link.yaml",
        "../../secret.yml.txt",
    ] {
        common::write(&repo, "menus/menu.yaml", menu_with_traffic(traffic));
        let run = Ivr::new(&["sim", "menus/menu.yaml", "--calls", "10"])
            .current_dir(&repo)
            .run_guarded(GUARD);
        let output = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, Some(2), "{traffic}: {output}");
        assert!(output.contains("will not read"), "{traffic}: {output}");
        assert!(!output.contains("hunter2"), "{traffic}: {output}");
        assert!(output.contains("menus/menu.yaml:3:"), "{traffic}: {output}");
    }
    common::write(
        &repo,
        "menus/menu.yaml",
        menu_with_traffic("../shared/ok.intents.yaml"),
    );
    let run = Ivr::new(&["sim", "menus/menu.yaml", "--calls", "10"])
        .current_dir(&repo)
        .run_guarded(GUARD);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// The attack review's menu, a little smaller to fit `max_nodes` as this generator writes it:
/// A menu and intents whose (intent, node) pairs pass the routing limit (the review's 40,000
/// menus, 40,000 self-service nodes and 40,000 intents took 52 s and 3.4 GB to lint, 105 s and
/// 6.5 GB to simulate) are refused as an input error naming the limit. Here 2,001 nodes x
/// 25,001 intents, just over it, in a menu cheap to lint: `ivr sim` refuses it before any rule
/// runs (the menu's broken option is not reported), `ivr lint` still lints the menu without
/// its intents (the broken option is).
#[test]
fn routing_too_many_intents_over_too_many_nodes_is_refused() {
    let mut menu = String::from(
        "menu: Wide\nentry: main\ntraffic: wide.intents.yaml\nnodes:\n  main:\n    say: Welcome.\n    options:\n      - { key: \"1\", say: \"For billing, press 1.\", to: nowhere }\n      - { key: \"0\", say: \"For an agent, press 0.\", to: agent }\n  agent: { type: transfer, queue: general, serves: [\"*\"] }\n",
    );
    let mut intents = String::from("intents:\n");
    for i in 0..1_999 {
        menu.push_str(&format!("  h{i}: {{ type: hangup }}\n"));
    }
    for i in 0..25_001 {
        intents.push_str(&format!("  i{i}: 1\n"));
    }
    let dir = common::scratch();
    common::write(dir.path(), "wide.yaml", menu);
    common::write(dir.path(), "wide.intents.yaml", intents);
    let limit = "25001 intents x 2001 nodes";
    let sim = ivr_in(dir.path(), &["sim", "wide.yaml", "--calls", "1000"]);
    assert_eq!(sim.code, Some(2), "{}", sim.stderr);
    let stderr = sim.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains(limit) && stderr.contains("(MAX_ROUTING_PAIRS)"),
        "{stderr}"
    );
    assert!(!stderr.contains("nowhere"), "{stderr}");
    assert!(!stderr.contains("structural error"), "{stderr}");
    let lint = ivr_in(dir.path(), &["lint", "wide.yaml", "--format", "json"]);
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    assert!(
        lint.stdout.contains(limit) && lint.stdout.contains("MAX_ROUTING_PAIRS"),
        "{}",
        lint.stdout
    );
    assert!(lint.stdout.contains("`nowhere`"), "{}", lint.stdout);
}

/// 20,000 intents whose calls all take the longest duration a menu may give (one day; 10^13
/// seconds before durations were bounded): each time histogram holds one bucket, not thousands
/// (9.3 GB before), and the run finishes.
#[test]
fn huge_durations_keep_histograms_small() {
    let mut intents = String::from("intents:\n");
    for i in 0..20_000 {
        intents.push_str(&format!("  i{i}: 1\n"));
    }
    let dir = common::scratch();
    common::write(
        dir.path(),
        "menu.yaml",
        "menu: Slow\nentry: main\ntraffic: menu.intents.yaml\nnodes:\n  main: { type: message, say: Hello., duration: 86400, to: agent }\n  agent: { type: transfer, queue: general, serves: [\"*\"] }\n",
    );
    common::write(dir.path(), "menu.intents.yaml", intents);
    let sim = Ivr::new(&["sim", "menu.yaml", "--calls", "20000", "--format", "json"])
        .current_dir(dir.path())
        .run_guarded(GUARD);
    assert_eq!(sim.code, Some(0), "{}", sim.stderr);
}

/// A NUL byte first is not UTF-16 (that takes a zero in every other byte): it is reported as the
/// YAML error it is, while a real UTF-16 file is still named as such.
#[test]
fn a_nul_first_byte_is_not_called_utf16() {
    let dir = common::scratch();
    common::write(dir.path(), "nul.yaml", b"\0menu: x\n");
    common::write(dir.path(), "wide.yaml", b"m\0e\0n\0u\0:\0 \0x\0\n\0");
    let nul = Ivr::new(&["graph", "nul.yaml"])
        .current_dir(dir.path())
        .run();
    assert_eq!(nul.code, Some(2));
    assert!(!nul.stderr.contains("UTF-16"), "{}", nul.stderr);
    assert!(nul.stderr.contains("nul.yaml:1:1"), "{}", nul.stderr);
    let wide = Ivr::new(&["graph", "wide.yaml"])
        .current_dir(dir.path())
        .run();
    assert!(wide.stderr.contains("UTF-16"), "{}", wide.stderr);
}

/// A duration of 1e13 seconds used to load, and its call times, cast to signed microseconds,
/// turned a comparison's B − A into −8.4e12 s "significant". Every duration, timeout and
/// patience is now at most one day, and a larger one is an input error at its line.
#[test]
fn durations_beyond_one_day_are_input_errors_at_their_line() {
    let dir = common::scratch();
    for (name, text, line) in [
        (
            "duration.yaml",
            "menu: Long\nentry: main\nnodes:\n  main:\n    say: Welcome.\n    duration: 1e13\n    options:\n      - { key: \"1\", say: \"Press 1.\", to: end }\n  end: { type: hangup }\n",
            6,
        ),
        (
            "timeout.yaml",
            "menu: Long\nentry: main\ndefaults:\n  timeout: 1e18\nnodes:\n  main:\n    say: Welcome.\n    options:\n      - { key: \"1\", say: \"Press 1.\", to: end }\n  end: { type: hangup }\n",
            4,
        ),
    ] {
        common::write(dir.path(), name, text);
        let run = Ivr::new(&["lint", name]).current_dir(dir.path()).run();
        let output = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, Some(1), "{name}: {output}");
        assert!(
            output.contains("86400"),
            "{name}: the range is named: {output}"
        );
        assert!(
            output.contains(&format!("{name}:{line}:")),
            "{name}: the line is named: {output}"
        );
    }
}
