//! The proptest generator of menus and intents files, written out as YAML text.
//!
//! One generator serves two kinds of test ([`Menus`]): `Wild` menus make most lint rules fire
//! (all node types with fields missing or present, valid, invalid and repeated keys, targets
//! that name no node, suppressions by field and by comment); `Simulable` menus are the subset
//! `ivr sim` accepts (every node has the fields its type needs, keys are distinct and valid,
//! every target names a node, nothing is suppressed). Both have Unicode ids and prompts (so
//! columns count code points), block and flow style, option traffic, complaints, and the
//! timings and caller behaviour the simulator reads.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::RangeInclusive;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Which menus to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menus {
    /// Anything the menu format can express, broken or not.
    Wild,
    /// Menus `ivr sim` accepts.
    Simulable,
}

impl Menus {
    /// The chance of a field a simulable menu must have: `wild` in wild menus, always in
    /// simulable ones.
    fn needed(self, wild: f64) -> f64 {
        if self == Menus::Wild { wild } else { 1.0 }
    }

    /// The chance of something only wild menus have: `wild` in wild menus, never in simulable
    /// ones.
    fn broken(self, wild: f64) -> f64 {
        if self == Menus::Wild { wild } else { 0.0 }
    }
}

pub const KINDS: [&str; 6] = [
    "menu",
    "input",
    "message",
    "self_service",
    "transfer",
    "hangup",
];

/// Keys as written: valid ones, quoted or bare, and some that are not keys. The first
/// `VALID_KEYS` are distinct valid keys.
const KEYS: [&str; 16] = [
    "\"1\"", "2", "'3'", "\"4\"", "5", "\"6\"", "\"9\"", "\"0\"", "0", "\"*\"", "\"#\"", "\"10\"",
    "a", "\"1\"", "\"2\"", "\"3\"",
];
const VALID_KEYS: usize = 8;
/// Options of a simulable menu (each gets its own valid key).
const SIMULABLE_OPTIONS: RangeInclusive<usize> = 1..=4;

/// Prompts: plain, naming keys (right or wrong), Chinese, emoji, long, quoted, empty.
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
pub struct GenOption {
    key: Option<usize>,
    say: Option<usize>,
    /// Target index (`u8::MAX`: a name no node has); `None`: no `to`.
    to: Option<u8>,
    /// Hundredths.
    traffic: Option<u8>,
    /// `# ivr: allow(...)` at the end of the option's line (block style only).
    comment_allow: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct GenHandler {
    say: Option<usize>,
    retries: Option<u8>,
    then: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct GenNode {
    kind: usize,
    /// A menu may leave `type` out.
    omit_type: bool,
    unicode_id: bool,
    say: Option<usize>,
    options: Vec<GenOption>,
    to: Option<u8>,
    digits: Option<u8>,
    /// Intents served, `i0`... (the intents file may have fewer).
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
pub struct GenMenu {
    nodes: Vec<GenNode>,
    /// Entry index (`u8::MAX`: a name no node has).
    entry: u8,
    on_fail: Option<u8>,
    retries: Option<u8>,
    /// Half seconds.
    reaction: Option<u8>,
    timeout: Option<u8>,
    words_per_minute: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct GenIntents {
    /// (weight, complaint) per intent `i0`, `i1`, ...
    intents: Vec<(u8, bool)>,
    callers: Option<GenCallers>,
}

#[derive(Clone, Debug)]
pub struct GenCallers {
    /// Thousandths: mistake, invalid, no input (their sum is at most 1000).
    rates: [u16; 3],
    patience: Option<u16>,
    barge_in: bool,
    /// Quarter seconds.
    digit_time: u8,
}

/// `Some` with probability `p` (which may be 0 or 1, unlike `prop::option::weighted`).
fn maybe<S>(p: f64, strategy: S) -> BoxedStrategy<Option<S::Value>>
where
    S: Strategy + 'static,
    S::Value: Clone,
{
    if p <= 0.0 {
        Just(None).boxed()
    } else if p >= 1.0 {
        strategy.prop_map(Some).boxed()
    } else {
        prop::option::weighted(p, strategy).boxed()
    }
}

/// `true` with probability `p` (which may be 0 or 1).
fn flag(p: f64) -> BoxedStrategy<bool> {
    if p <= 0.0 || p >= 1.0 {
        Just(p >= 1.0).boxed()
    } else {
        prop::bool::weighted(p).boxed()
    }
}

/// A node index (taken modulo the node count), or, in wild menus, sometimes a name no node has.
fn target(menus: Menus) -> BoxedStrategy<u8> {
    let node = 0..16u8;
    match menus {
        Menus::Wild => prop_oneof![9 => node, 1 => Just(u8::MAX)].boxed(),
        Menus::Simulable => node.boxed(),
    }
}

fn option(menus: Menus) -> impl Strategy<Value = GenOption> {
    (
        maybe(menus.needed(0.95), 0..KEYS.len()),
        prop::option::weighted(0.8, 0..SAYS.len()),
        maybe(menus.needed(0.95), target(menus)),
        prop::option::weighted(0.2, 0..=60u8),
        maybe(menus.broken(0.05), 0..30usize),
    )
        .prop_map(|(key, say, to, traffic, comment_allow)| GenOption {
            key,
            say,
            to,
            traffic,
            comment_allow,
        })
}

fn handler(menus: Menus) -> impl Strategy<Value = Option<GenHandler>> {
    prop::option::weighted(
        0.4,
        (
            prop::option::of(0..SAYS.len()),
            prop::option::of(0..4u8),
            prop::option::of(target(menus)),
        )
            .prop_map(|(say, retries, then)| GenHandler { say, retries, then }),
    )
}

fn node(menus: Menus) -> impl Strategy<Value = GenNode> {
    let options = match menus {
        Menus::Wild => 0..=9,
        Menus::Simulable => SIMULABLE_OPTIONS,
    };
    let served = match menus {
        Menus::Wild => 0..=3,
        Menus::Simulable => 1..=3,
    };
    let shape = (
        0..KINDS.len(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.8, 0..SAYS.len()),
        prop::collection::vec(option(menus), options),
        maybe(menus.needed(0.9), target(menus)),
        maybe(menus.needed(0.9), 1..=12u8),
        prop::option::weighted(0.9, prop::collection::vec(0..5u8, served)),
        prop::bool::weighted(0.3),
        flag(menus.needed(0.9)),
    );
    let extras = (
        handler(menus),
        handler(menus),
        prop::option::weighted(0.2, 0..4u8),
        prop::option::weighted(0.2, 1..=9u8),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.05, 1..=40u8),
        maybe(menus.broken(0.1), prop::collection::vec(0..30usize, 1..=2)),
        maybe(menus.broken(0.05), 0..30usize),
        prop::bool::weighted(0.25),
    );
    (shape, extras).prop_map(move |(s, e)| {
        let mut node = GenNode {
            kind: s.0,
            omit_type: s.1,
            unicode_id: s.2,
            say: s.3,
            options: s.4,
            to: s.5,
            digits: s.6,
            serves: s.7,
            everyone: s.8,
            queue: s.9,
            on_invalid: e.0,
            on_no_input: e.1,
            retries: e.2,
            timeout: e.3,
            complaint: e.4,
            label: e.5,
            duration: e.6,
            allow: e.7,
            comment_allow: e.8,
            flow: e.9,
        };
        if menus == Menus::Simulable {
            for (k, option) in node.options.iter_mut().enumerate() {
                option.key = Some(k % VALID_KEYS);
            }
            // A self-service node must say what it serves; a transfer need not.
            if KINDS[node.kind] == "self_service" {
                node.serves.get_or_insert_with(|| vec![0]);
            }
        }
        node
    })
}

/// Menus of 1 to 14 nodes.
fn menu(menus: Menus) -> impl Strategy<Value = GenMenu> {
    let entry = match menus {
        Menus::Wild => prop_oneof![9 => Just(0u8), 1 => target(menus)].boxed(),
        Menus::Simulable => Just(0u8).boxed(),
    };
    (
        prop::collection::vec(node(menus), 1..=14),
        entry,
        prop::option::of(target(menus)),
        prop::option::of(0..=3u8),
        maybe(menus.needed(0.2), 0..=4u8),
        maybe(menus.needed(0.2), 1..=6u8),
        maybe(menus.needed(0.2), 60..=240u16),
    )
        .prop_map(
            |(nodes, entry, on_fail, retries, reaction, timeout, words_per_minute)| GenMenu {
                nodes,
                entry,
                on_fail,
                retries,
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

fn callers() -> impl Strategy<Value = GenCallers> {
    (
        [rate(), rate(), rate()],
        prop::option::of(1..=300u16),
        any::<bool>(),
        0..=4u8,
    )
        .prop_map(|(rates, patience, barge_in, digit_time)| {
            let sum: u32 = rates.iter().map(|&r| u32::from(r)).sum();
            let rates = if sum > 1000 {
                rates.map(|r| (u32::from(r) * 1000 / sum) as u16)
            } else {
                rates
            };
            GenCallers {
                rates,
                patience,
                barge_in,
                digit_time,
            }
        })
}

/// An intents file of 1 to 5 intents (wild menus sometimes have none: `None`).
fn intents(menus: Menus) -> impl Strategy<Value = Option<GenIntents>> {
    maybe(
        menus.needed(0.7),
        (
            prop::collection::vec((0..=50u8, prop::bool::weighted(0.15)), 1..=5),
            maybe(menus.needed(0.5), callers()),
        )
            .prop_map(|(intents, callers)| GenIntents { intents, callers }),
    )
}

/// A menu and its intents file (which wild menus sometimes lack).
pub fn case(menus: Menus) -> impl Strategy<Value = (GenMenu, Option<GenIntents>)> {
    (menu(menus), intents(menus))
}

/// A few cases from a fixed seed, so the suite is repeatable and quick; set `PROPTEST_CASES`
/// and `PROPTEST_RNG_SEED` to explore more menus.
pub fn config(seed: u64) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config
}

/// A rendered menu: its text, and the lines (1-based, inclusive) written for each node.
pub struct Rendered {
    pub text: String,
    pub lines: HashMap<String, RangeInclusive<usize>>,
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

pub fn render_menu(m: &GenMenu) -> Rendered {
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
    if let Some(r) = m.reaction {
        defaults.push(format!("reaction_time: {}", f64::from(r) / 2.0));
    }
    if let Some(t) = m.timeout {
        defaults.push(format!("timeout: {t}"));
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

pub fn render_intents(g: &GenIntents) -> String {
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
    if let Some(c) = &g.callers {
        let [mistake, invalid, no_input] = c.rates.map(|r| format!("{}.{:03}", r / 1000, r % 1000));
        let patience = c.patience.map_or("null".to_string(), |p| p.to_string());
        let _ = writeln!(
            text,
            "callers: {{ mistake_rate: {mistake}, invalid_rate: {invalid}, no_input_rate: {no_input}, patience: {patience}, barge_in: {}, digit_time: {} }}",
            c.barge_in,
            f64::from(c.digit_time) / 4.0
        );
    }
    text
}
