//! Property tests of the linter over generated menus (tests/sim.rs has the simulator's).
//!
//! The generator writes menus on which most rules fire: all node types with fields missing or
//! present, valid, invalid and repeated keys, targets that name no node, Unicode ids and
//! prompts (so columns count code points), block and flow style, suppressions by field and by
//! comment, option traffic, complaints, and an intents file or none. Over them:
//!
//! - linting never panics, with or without intents;
//! - lint output is deterministic: the same findings in the same order, linted twice or loaded
//!   afresh (new hash maps), and `ivr lint` prints the same output (bar the time taken) on 1
//!   or 4 threads;
//! - every label lies inside its file on character boundaries, and every position's line and
//!   column lie inside the file;
//! - a finding that names a node names one of the menu, and in the menu file points inside the
//!   lines the generator wrote for that node;
//! - files that do not load give an input error that points inside the file;
//! - a generated menu that `ivr sim` accepts gives the same tally on 1 and 3 threads (tests/sim.rs
//!   has the simulator's other properties: no panic, shares sum to 1, agreement with the exact
//!   solver).
//!
//! 64 cases from a fixed seed, so the suite is repeatable and quick; set `PROPTEST_CASES` and
//! `PROPTEST_RNG_SEED` to explore more menus.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::sync::Arc;

use ivr::diagnostic::{Diagnostic, Severity};
use ivr::document::{Document, load_document};
use ivr::intents::Intents;
use ivr::lint::Settings;
use ivr::lint::lint_menu;
use ivr::menu::Menu;
use ivr::sim::program::Program;
use ivr::sim::run::{BLOCK, RunOptions, run};
use ivr::source::{SourceFile, Span};
use ivr::yaml::Limits;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestRunner};

// ---------------------------------------------------------------------------------------------
// The generator

const KINDS: [&str; 6] = [
    "menu",
    "input",
    "message",
    "self_service",
    "transfer",
    "hangup",
];

/// Keys as written: valid ones, quoted or bare, and some that are not keys.
const KEYS: [&str; 16] = [
    "\"1\"", "2", "'3'", "\"4\"", "5", "\"6\"", "\"9\"", "\"0\"", "0", "\"*\"", "\"#\"", "\"10\"",
    "a", "\"1\"", "\"2\"", "\"3\"",
];

/// Prompts: plain, naming keys (right or wrong), Chinese, emoji, long, quoted.
const SAYS: [&str; 12] = [
    "Welcome.",
    "For billing, press 1.",
    "To speak to someone, press 0.",
    "To go back, press star.",
    "For outages, press 3.",
    "查询话费请按1",
    "投诉请按二",
    "📞 Café — naïve résumé, press 2.",
    "Please listen carefully as our menu options have changed and we would like to tell you about every one of them in turn before you choose.",
    "It's \\\"quoted\\\" and has a # hash",
    "请按井号键结束",
    "",
];

#[derive(Clone, Debug)]
struct GenOption {
    key: Option<usize>,
    say: Option<usize>,
    /// Target index (past the last node: a name no node has); `None`: no `to`.
    to: Option<u8>,
    /// Hundredths.
    traffic: Option<u8>,
    /// `# ivr: allow(...)` at the end of the option's line (block style only).
    comment_allow: Option<usize>,
}

#[derive(Clone, Debug)]
struct GenHandler {
    say: Option<usize>,
    retries: Option<u8>,
    then: Option<u8>,
}

#[derive(Clone, Debug)]
struct GenNode {
    kind: usize,
    /// A menu may leave `type` out.
    omit_type: bool,
    unicode_id: bool,
    say: Option<usize>,
    options: Vec<GenOption>,
    to: Option<u8>,
    digits: Option<u8>,
    serves: Option<Vec<u8>>,
    everyone: bool,
    queue: bool,
    on_invalid: Option<GenHandler>,
    on_no_input: Option<GenHandler>,
    retries: Option<u8>,
    timeout: Option<u8>,
    complaint: bool,
    label: bool,
    duration: Option<u8>,
    /// Rule indices for `lint: { allow: [...] }` (past the last rule: a name no rule has).
    allow: Option<Vec<usize>>,
    /// `# ivr: allow(...)` on the line above the node.
    comment_allow: Option<usize>,
    /// The whole node as one flow mapping on one line.
    flow: bool,
}

#[derive(Clone, Debug)]
struct GenMenu {
    nodes: Vec<GenNode>,
    /// Entry index (past the last node: a name no node has).
    entry: u8,
    on_fail: Option<u8>,
    retries: Option<u8>,
    words_per_minute: Option<u16>,
}

#[derive(Clone, Debug)]
struct GenIntents {
    /// (weight, complaint) per intent `i0`, `i1`, ...
    intents: Vec<(u8, bool)>,
    mistake_rate: Option<u8>,
}

fn target() -> impl Strategy<Value = u8> {
    // Mostly real nodes (taken modulo the node count), sometimes a name no node has.
    prop_oneof![9 => 0..16u8, 1 => Just(u8::MAX)]
}

fn option() -> impl Strategy<Value = GenOption> {
    (
        prop::option::weighted(0.95, 0..KEYS.len()),
        prop::option::weighted(0.8, 0..SAYS.len()),
        prop::option::weighted(0.95, target()),
        prop::option::weighted(0.2, 0..=60u8),
        prop::option::weighted(0.05, 0..30usize),
    )
        .prop_map(|(key, say, to, traffic, comment_allow)| GenOption {
            key,
            say,
            to,
            traffic,
            comment_allow,
        })
}

fn handler() -> impl Strategy<Value = Option<GenHandler>> {
    prop::option::weighted(
        0.4,
        (
            prop::option::of(0..SAYS.len()),
            prop::option::of(0..4u8),
            prop::option::of(target()),
        )
            .prop_map(|(say, retries, then)| GenHandler { say, retries, then }),
    )
}

fn node() -> impl Strategy<Value = GenNode> {
    let shape = (
        0..KINDS.len(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.8, 0..SAYS.len()),
        prop::collection::vec(option(), 0..=9),
        prop::option::weighted(0.9, target()),
        prop::option::weighted(0.9, 1..=12u8),
        prop::option::weighted(0.9, prop::collection::vec(0..5u8, 0..=3)),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.9),
    );
    let extras = (
        handler(),
        handler(),
        prop::option::weighted(0.2, 0..4u8),
        prop::option::weighted(0.2, 1..=9u8),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.05, 1..=40u8),
        prop::option::weighted(0.1, prop::collection::vec(0..30usize, 1..=2)),
        prop::option::weighted(0.05, 0..30usize),
        prop::bool::weighted(0.25),
    );
    (shape, extras).prop_map(
        |(
            (kind, omit_type, unicode_id, say, options, to, digits, serves, everyone, queue),
            (
                on_invalid,
                on_no_input,
                retries,
                timeout,
                complaint,
                label,
                duration,
                allow,
                comment_allow,
                flow,
            ),
        )| GenNode {
            kind,
            omit_type,
            unicode_id,
            say,
            options,
            to,
            digits,
            serves,
            everyone,
            queue,
            on_invalid,
            on_no_input,
            retries,
            timeout,
            complaint,
            label,
            duration,
            allow,
            comment_allow,
            flow,
        },
    )
}

fn menu() -> impl Strategy<Value = GenMenu> {
    (
        prop::collection::vec(node(), 1..=14),
        prop_oneof![9 => Just(0u8), 1 => target()],
        prop::option::of(target()),
        prop::option::of(0..=3u8),
        prop::option::weighted(0.2, 60..=240u16),
    )
        .prop_map(
            |(nodes, entry, on_fail, retries, words_per_minute)| GenMenu {
                nodes,
                entry,
                on_fail,
                retries,
                words_per_minute,
            },
        )
}

fn intents() -> impl Strategy<Value = Option<GenIntents>> {
    prop::option::weighted(
        0.7,
        (
            prop::collection::vec((0..=50u8, prop::bool::weighted(0.15)), 1..=5),
            prop::option::of(0..=30u8),
        )
            .prop_map(|(intents, mistake_rate)| GenIntents {
                intents,
                mistake_rate,
            }),
    )
}

/// A rendered menu: its text, and the lines (1-based, inclusive) written for each node.
struct Rendered {
    text: String,
    lines: HashMap<String, RangeInclusive<usize>>,
}

fn node_id(m: &GenMenu, i: usize) -> String {
    if m.nodes[i].unicode_id {
        format!("节点{i}")
    } else {
        format!("n{i}")
    }
}

/// The id a target index names: a node, or `ghost` (no such node).
fn target_id(m: &GenMenu, t: u8) -> String {
    if t == u8::MAX {
        "ghost".to_string()
    } else {
        node_id(m, usize::from(t) % m.nodes.len())
    }
}

fn rule_name(i: usize) -> &'static str {
    ivr::lint::registry::RULES
        .get(i)
        .map_or("no-such-rule", |r| r.name)
}

fn say(i: usize) -> String {
    format!("\"{}\"", SAYS[i])
}

/// The fields of a node, as `key: value` texts (a nested mapping or list in flow style), and
/// its options as flow mappings with an optional trailing comment.
fn node_fields(m: &GenMenu, node: &GenNode) -> (Vec<String>, Vec<(String, Option<String>)>) {
    let kind = KINDS[node.kind];
    let allowed = |field: &str| {
        ivr::menu::NodeKind::from_name(kind).is_some_and(|k| k.fields().contains(&field))
    };
    let mut fields = Vec::new();
    if !(kind == "menu" && node.omit_type && !node.options.is_empty()) {
        fields.push(format!("type: {kind}"));
    }
    if let Some(s) = node.say {
        fields.push(format!("say: {}", say(s)));
    }
    if let Some(d) = node.duration {
        fields.push(format!("duration: {d}"));
    }
    if node.label {
        fields.push("label: \"A label ✓\"".to_string());
    }
    if node.complaint {
        fields.push("complaint: true".to_string());
    }
    if let Some(rules) = &node.allow {
        let names: Vec<&str> = rules.iter().map(|&r| rule_name(r)).collect();
        fields.push(format!(
            "lint: {{ allow: [{}], reason: \"generated\" }}",
            names.join(", ")
        ));
    }
    if allowed("digits")
        && let Some(d) = node.digits
    {
        fields.push(format!("digits: {d}"));
    }
    if allowed("to")
        && let Some(t) = node.to
    {
        fields.push(format!("to: {}", target_id(m, t)));
    }
    if allowed("queue") && node.queue {
        fields.push("queue: general".to_string());
    }
    if allowed("serves") {
        if kind == "transfer" && node.everyone {
            fields.push("serves: [\"*\"]".to_string());
        } else if let Some(serves) = &node.serves {
            let names: Vec<String> = serves.iter().map(|s| format!("i{s}")).collect();
            fields.push(format!("serves: [{}]", names.join(", ")));
        }
    }
    if allowed("on_invalid") {
        for (name, handler) in [
            ("on_invalid", &node.on_invalid),
            ("on_no_input", &node.on_no_input),
        ] {
            let Some(h) = handler else { continue };
            let mut parts = Vec::new();
            if let Some(s) = h.say {
                parts.push(format!("say: {}", say(s)));
            }
            if let Some(r) = h.retries {
                parts.push(format!("retries: {r}"));
            }
            if let Some(t) = h.then {
                parts.push(format!("then: {}", target_id(m, t)));
            }
            fields.push(format!("{name}: {{ {} }}", parts.join(", ")));
        }
        if let Some(r) = node.retries {
            fields.push(format!("retries: {r}"));
        }
        if let Some(t) = node.timeout {
            fields.push(format!("timeout: {t}"));
        }
    }
    let mut options = Vec::new();
    if allowed("options") {
        for o in &node.options {
            let mut parts = Vec::new();
            if let Some(k) = o.key {
                parts.push(format!("key: {}", KEYS[k]));
            }
            if let Some(s) = o.say {
                parts.push(format!("say: {}", say(s)));
            }
            if let Some(t) = o.to {
                parts.push(format!("to: {}", target_id(m, t)));
            }
            if let Some(t) = o.traffic {
                parts.push(format!("traffic: 0.{t:02}"));
            }
            let comment = o
                .comment_allow
                .map(|r| format!("# ivr: allow({}) generated", rule_name(r)));
            options.push((format!("{{ {} }}", parts.join(", ")), comment));
        }
    }
    (fields, options)
}

fn render_menu(m: &GenMenu) -> Rendered {
    let mut text = String::new();
    let line = |text: &String| text.matches('\n').count() + 1;
    let _ = writeln!(text, "menu: \"Generated ☎\"");
    let _ = writeln!(text, "entry: {}", target_id(m, m.entry));
    if let Some(wpm) = m.words_per_minute {
        let _ = writeln!(text, "speech: {{ words_per_minute: {wpm} }}");
    }
    let mut defaults = Vec::new();
    if let Some(r) = m.retries {
        defaults.push(format!("retries: {r}"));
    }
    if let Some(t) = m.on_fail {
        defaults.push(format!("on_fail: {}", target_id(m, t)));
    }
    if !defaults.is_empty() {
        let _ = writeln!(text, "defaults: {{ {} }}", defaults.join(", "));
    }
    text.push_str("nodes:\n");
    let mut lines = HashMap::new();
    for (i, node) in m.nodes.iter().enumerate() {
        let first = line(&text);
        if let Some(r) = node.comment_allow {
            let _ = writeln!(text, "  # ivr: allow({}) generated", rule_name(r));
        }
        let id = node_id(m, i);
        let (mut fields, options) = node_fields(m, node);
        if node.flow {
            if !options.is_empty() {
                let options: Vec<String> = options.into_iter().map(|o| o.0).collect();
                fields.push(format!("options: [{}]", options.join(", ")));
            }
            let _ = writeln!(text, "  {id}: {{ {} }}", fields.join(", "));
        } else {
            let _ = writeln!(text, "  {id}:");
            for field in fields {
                let _ = writeln!(text, "    {field}");
            }
            if !options.is_empty() {
                text.push_str("    options:\n");
                for (option, comment) in options {
                    let _ = write!(text, "      - {option}");
                    if let Some(c) = comment {
                        let _ = write!(text, "  {c}");
                    }
                    text.push('\n');
                }
            }
        }
        lines.insert(id, first..=line(&text) - 1);
    }
    Rendered { text, lines }
}

fn render_intents(g: &GenIntents) -> String {
    let mut text = String::from("intents:\n");
    let all_zero = g.intents.iter().all(|&(w, _)| w == 0);
    for (i, &(w, complaint)) in g.intents.iter().enumerate() {
        let w = if all_zero && i == 0 { 1 } else { w };
        if complaint {
            let _ = writeln!(text, "  i{i}: {{ share: {w}, complaint: true }}");
        } else {
            let _ = writeln!(text, "  i{i}: {w}");
        }
    }
    if let Some(r) = g.mistake_rate {
        let _ = writeln!(text, "callers: {{ mistake_rate: 0.{r:02} }}");
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Loading and checking

fn load(name: &str, text: &str) -> Result<Document, Box<Diagnostic>> {
    load_document(&SourceFile::new(name, text.to_string()), &Limits::DEFAULT)
}

/// A menu and its intents loaded from generated text; `Err` with the input error otherwise.
fn load_pair(
    menu: &str,
    intents: Option<&str>,
) -> Result<(Menu, Option<Intents>), Box<Diagnostic>> {
    let Document::Menu(menu) = load("menu.yaml", menu)? else {
        panic!("the generator writes menus:\n{menu}");
    };
    let intents = match intents {
        None => None,
        Some(text) => match load("menu.intents.yaml", text)? {
            Document::Intents(intents) => Some(*intents),
            _ => panic!("the generator writes intents files:\n{text}"),
        },
    };
    Ok((*menu, intents))
}

/// Everything of a diagnostic that any output format shows.
type Shown = (
    String,
    Severity,
    String,
    Option<String>,
    String,
    Vec<(Span, String)>,
    Option<String>,
);

fn shown(findings: &[Diagnostic]) -> Vec<Shown> {
    findings
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.severity,
                d.message.clone(),
                d.help.clone(),
                d.path.clone(),
                d.labels.iter().map(|l| (l.span, l.text.clone())).collect(),
                d.node.clone(),
            )
        })
        .collect()
}

/// Every label inside its file on character boundaries; the position's line and column on a
/// real line of the file.
fn assert_inside(d: &Diagnostic, source: &Arc<SourceFile>, what: &str) {
    let text = source.text();
    for label in &d.labels {
        let end = label.span.start + label.span.len;
        assert!(
            end <= text.len(),
            "{what}\n{}: label {:?} `{}` ends past the end of the file ({} bytes)",
            d.code,
            label.span,
            label.text,
            text.len()
        );
        assert!(
            text.is_char_boundary(label.span.start) && text.is_char_boundary(end),
            "{what}\n{}: label {:?} splits a character",
            d.code,
            label.span
        );
    }
    if let Some(p) = d.position() {
        assert!(
            (1..=source.line_count()).contains(&p.line),
            "{what}\n{}: line {} of {}",
            d.code,
            p.line,
            source.line_count()
        );
        let line = source.line_text(d.labels[0].span.start);
        assert!(
            p.column >= 1 && p.column <= line.chars().count() + 1,
            "{what}\n{}: column {} on a line of {} characters",
            d.code,
            p.column,
            line.chars().count()
        );
        // The column counts code points: the text before it on that line has column - 1 of them.
        let start = source.offset_of(p.line, p.column);
        assert_eq!(
            start, d.labels[0].span.start,
            "{what}\n{}: line {} column {} is not where the label starts",
            d.code, p.line, p.column
        );
    }
}

fn check_findings(
    findings: &[Diagnostic],
    menu: &Menu,
    intents: Option<&Intents>,
    rendered: &Rendered,
    what: &str,
) {
    for d in findings {
        let source = if d.path == menu.source.name() {
            &menu.source
        } else {
            let intents = intents.unwrap_or_else(|| {
                panic!(
                    "{what}\n{} is about {}, but there is no intents file",
                    d.code, d.path
                )
            });
            assert_eq!(d.path, intents.source.name(), "{what}");
            &intents.source
        };
        assert!(!d.labels.is_empty(), "{what}\n{} has no label", d.code);
        assert_inside(d, source, what);
        let Some(node) = &d.node else { continue };
        assert!(
            menu.lookup(node).is_some(),
            "{what}\n{} names node `{node}`, which the menu does not have",
            d.code
        );
        if Arc::ptr_eq(source, &menu.source) {
            let lines = &rendered.lines[node];
            let line = d.position().expect("a position").line;
            assert!(
                lines.contains(&line),
                "{what}\n{} ({}) is about node `{node}` (lines {lines:?}) but points at line {line}",
                d.code,
                d.message
            );
        }
    }
}

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x1147_c0de);
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn findings_are_deterministic_and_point_inside_the_named_node(m in menu(), i in intents()) {
        let rendered = render_menu(&m);
        let intents_text = i.as_ref().map(render_intents);
        let what = format!(
            "menu:\n{}\nintents:\n{}",
            rendered.text,
            intents_text.as_deref().unwrap_or("(none)")
        );
        let (menu, intents) = match load_pair(&rendered.text, intents_text.as_deref()) {
            Ok(pair) => pair,
            Err(error) => {
                // Not every generated file is valid: the error points inside it.
                let source = error.source.clone().expect("an input error has its text");
                assert_inside(&error, &source, &what);
                return Ok(());
            }
        };
        let settings = Settings::default();
        for intents in [None, intents.as_ref()] {
            let first = lint_menu(&menu, intents, &settings);
            check_findings(&first, &menu, intents, &rendered, &what);
            // The same findings in the same order: linted again, and loaded afresh.
            let again = lint_menu(&menu, intents, &settings);
            prop_assert_eq!(shown(&first), shown(&again), "linted twice:\n{}", what);
            let (menu2, intents2) = load_pair(&rendered.text, intents_text.as_deref())
                .expect("it loaded once");
            let intents2 = intents.and(intents2.as_ref());
            let fresh = lint_menu(&menu2, intents2, &settings);
            prop_assert_eq!(shown(&first), shown(&fresh), "loaded afresh:\n{}", what);
            // Refusals are a sorted subset of the findings.
            let refusals = ivr::lint::structural_errors(&menu, intents);
            prop_assert!(refusals.len() <= first.len());
            prop_assert!(refusals.windows(2).all(|w| w[0].position() <= w[1].position()));
            // A menu `ivr sim` accepts gives the same tally on 1 and 3 threads, over two
            // blocks of calls (tests/sim.rs checks the figures themselves).
            if let Some(intents) = intents
                && refusals.is_empty()
            {
                let program = Program::compile(&menu, intents);
                let calls = BLOCK + 500;
                let tally = |threads| run(&program, RunOptions { calls, seed: 3, threads }, &|_| {});
                prop_assert_eq!(tally(1), tally(3), "threads:\n{}", what);
            }
        }
    }
}

/// Generated menus, from a fixed seed.
fn sample_menus(count: usize) -> Vec<(String, Option<String>)> {
    let mut runner = TestRunner::new(ProptestConfig {
        rng_seed: RngSeed::Fixed(7),
        ..ProptestConfig::default()
    });
    let strategy = (menu(), intents());
    (0..count)
        .map(|_| {
            let (m, i) = strategy.new_tree(&mut runner).expect("a value").current();
            (render_menu(&m).text, i.as_ref().map(render_intents))
        })
        .collect()
}

#[test]
fn lint_cli_output_does_not_depend_on_threads_or_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (n, (menu, intents)) in sample_menus(40).into_iter().enumerate() {
        let menu = match intents {
            Some(intents) => {
                std::fs::write(dir.path().join(format!("m{n}.intents.yaml")), intents).unwrap();
                format!("traffic: m{n}.intents.yaml\n{menu}")
            }
            None => menu,
        };
        std::fs::write(dir.path().join(format!("m{n}.yaml")), menu).unwrap();
    }
    let lint = |threads: &str, format: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ivr"))
            .args(["lint", ".", "--format", format])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run ivr");
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "{:?}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        // The human summary ends with the time taken, which varies.
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        let stdout = match stdout.rfind(" in ") {
            Some(at) if format == "human" && stdout.ends_with(" ms.\n") => stdout[..at].to_string(),
            _ => stdout,
        };
        (output.status.code(), stdout, stderr)
    };
    for format in ["json", "human"] {
        let one = lint("1", format);
        assert!(!one.1.is_empty(), "{format}: no output");
        assert_eq!(one, lint("4", format), "{format}: 1 thread vs 4");
        assert_eq!(one, lint("4", format), "{format}: a second run");
    }
}
