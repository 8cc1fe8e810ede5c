//! Hostile inputs end with exit code 2 and a message that names the limit, without hanging,
//! exhausting memory or overflowing the stack. Each file is generated here (none is committed)
//! and run through the real binary under a generous 30 s guard: not a speed check, a hang check.

use std::fmt::Write as _;
use std::time::Duration;

mod common;

use common::Ivr;
use common::run::head;

const GUARD: Duration = Duration::from_secs(30);

/// Writes `text` as `menu.yaml` in a scratch folder, runs `ivr graph menu.yaml` there under the
/// guard, and returns the exit code and stderr.
fn graph(text: &str) -> (Option<i32>, String) {
    let dir = common::scratch();
    common::write(dir.path(), "menu.yaml", text);
    let run = Ivr::new(&["graph", "menu.yaml"])
        .current_dir(dir.path())
        .run_guarded(GUARD);
    (run.code, run.stderr)
}

/// Asserts exit code 2 and that stderr names `limit`.
#[track_caller]
fn assert_limit(name: &str, text: &str, limit: &str) {
    let (code, stderr) = graph(text);
    assert_eq!(
        code,
        Some(2),
        "exit code for the {name} input; stderr:\n{}",
        head(&stderr)
    );
    assert!(
        stderr.contains("exceeds a limit") && stderr.contains(limit),
        "stderr should name {limit} for the {name} input:\n{}",
        head(&stderr)
    );
}

#[test]
fn billion_laughs() {
    let mut text = String::from(
        "menu: Laughs\nentry: a\nnodes:\n  a: { type: hangup, label: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol] }\n",
    );
    for i in 1..=9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        writeln!(text, "  l{i}: {{ type: hangup, label: &a{i} [{refs}] }}").unwrap();
    }
    assert_limit("billion-laughs", &text, "max_nodes");
}

#[test]
fn alias_copies_of_a_long_text() {
    // 4 MB of text, copied 5,000 times by aliases: 20 GB if nothing stopped it.
    let refs = vec!["*t"; 5_000].join(",");
    let text = format!(
        "menu: Copies\nentry: a\nnodes:\n  a: {{ type: hangup, say: &t \"{}\", label: [{refs}] }}\n",
        "x".repeat(4_000_000)
    );
    assert_limit("long-text-copies", &text, "max_file_bytes");
}

#[test]
fn many_aliases() {
    let refs = vec!["*k"; 20_000].join(", ");
    let text = format!(
        "menu: Aliases\nentry: a\nnodes:\n  a: {{ type: hangup, label: &k x, duration: [{refs}] }}\n"
    );
    assert_limit("many-aliases", &text, "max_aliases");
}

#[test]
fn many_anchors() {
    let mut items = String::new();
    for i in 0..20_000 {
        write!(items, "&a{i} x, ").unwrap();
    }
    let text =
        format!("menu: Anchors\nentry: a\nnodes:\n  a: {{ type: hangup, label: [{items}] }}\n");
    assert_limit("many-anchors", &text, "max_aliases");
}

const DEEP: usize = 20_000;

#[test]
fn deep_flow_sequences() {
    let text = format!(
        "menu: Deep\nentry: a\nnodes: {}{}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    assert_limit("deep-flow-sequences", &text, "max_depth");
}

#[test]
fn deep_unclosed_flow_sequences() {
    let text = format!("menu: Deep\nentry: a\nnodes: {}\n", "[".repeat(DEEP));
    assert_limit("deep-unclosed-flow", &text, "max_depth");
}

#[test]
fn deep_flow_mappings() {
    let text = format!(
        "menu: Deep\nentry: a\nnodes: {}x{}\n",
        "{a: ".repeat(DEEP),
        "}".repeat(DEEP)
    );
    assert_limit("deep-flow-mappings", &text, "max_depth");
}

#[test]
fn deep_block_sequences() {
    let text = format!(
        "menu: Deep\nentry: a\nnodes:\n  a:\n    {}x\n",
        "- ".repeat(DEEP)
    );
    assert_limit("deep-block-sequences", &text, "max_depth");
}

#[test]
fn deep_block_mappings() {
    // Block mappings need one more column of indentation per level, so 20,000 levels take
    // 200 MB: that file is stopped by max_file_bytes before it is parsed (see
    // `forty_megabyte_menu`). As deep as fits under that limit, the depth limit stops it.
    let mut text = String::from("menu: Deep\nentry: a\nnodes:\n");
    let mut level = 1;
    while text.len() + level + 4 < 16 * 1024 * 1024 - 1024 {
        text.push_str(&" ".repeat(level));
        text.push_str("k:\n");
        level += 1;
    }
    assert!(level > 5_000, "{level} levels");
    assert_limit("deep-block-mappings", &text, "max_depth");
}

/// A realistic menu of `nodes` nodes: each a menu with two options.
fn big_menu(nodes: usize) -> String {
    let mut text = String::from("menu: Big\nentry: n0\nnodes:\n");
    for i in 0..nodes {
        let next = (i + 1) % nodes;
        writeln!(
            text,
            "  n{i}:\n    say: Welcome to part {i} of our very large menu.\n    options:\n      - {{ key: \"1\", say: \"To go on, press 1.\", to: n{next} }}\n      - {{ key: \"0\", say: \"To start again, press 0.\", to: n0 }}"
        )
        .unwrap();
    }
    text
}

#[test]
fn forty_megabyte_menu() {
    let text = big_menu(300_000);
    assert!(text.len() > 40_000_000, "{} bytes", text.len());
    assert_limit("forty-megabytes", &text, "max_file_bytes");
}

#[test]
fn very_long_single_line() {
    let text = format!(
        "menu: Long\nentry: a\nnodes: {{ a: {{ type: hangup, say: \"{}\" }} }}\n",
        "x".repeat(20_000_000)
    );
    assert_limit("long-line", &text, "max_file_bytes");
}

#[test]
fn error_far_along_a_long_line() {
    // The label sits past column 65,535, where a padded snippet would overflow the renderer.
    let text = format!(
        "menu: Long\nentry: a\nnodes: {{ a: {{ type: hangup, say: \"{}\", sey: oops }} }}\n",
        "x".repeat(100_000)
    );
    let (code, stderr) = graph(&text);
    assert_eq!(code, Some(2), "{}", head(&stderr));
    assert!(stderr.contains("menu.yaml:3:100038"), "{}", head(&stderr));
    assert!(stderr.contains("did you mean `say`?"), "{}", head(&stderr));
}

#[test]
fn three_thousand_nodes_load() {
    let (code, stderr) = graph(&big_menu(3_000));
    assert_eq!(code, Some(0), "{}", head(&stderr));
}
