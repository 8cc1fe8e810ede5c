//! Synthetic menus for benchmarks and tests: a full tree of menus with a known shape, and the
//! random tangle of menus and self-service nodes an attack review used for its big inputs.

use std::fmt::Write;

/// A menu of `levels` levels of `fanout` options each (menus at levels 0..levels, self-service
/// leaves below), every menu with an agent option `0` and, below the entry, a back option `*`.
/// Leaf `i` serves intent `intent{i % intents}`. With 5 levels of 5 there are 3,907 nodes (781 menus, 3,125 leaves, one agent).
pub fn tree_menu(levels: u32, fanout: u32, intents: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "menu: Generated tree {levels}x{fanout}\nentry: m\ndefaults: {{ on_fail: agent }}\nnodes:"
    );
    let _ = writeln!(
        out,
        "  agent: {{ type: transfer, queue: general, serves: [\"*\"] }}"
    );
    let mut leaf = 0u32;
    let mut level = vec![("m".to_string(), String::new())];
    for depth in 0..levels {
        let mut next = Vec::new();
        for (id, parent) in &level {
            let _ = writeln!(out, "  {id}:\n    say: Menu {id}.\n    options:");
            for k in 1..=fanout {
                let child = format!("{id}_{k}");
                let _ = writeln!(
                    out,
                    "      - {{ key: \"{k}\", say: \"Option {k}, press {k}.\", to: {child} }}"
                );
                next.push((child, id.clone()));
            }
            let _ = writeln!(
                out,
                "      - {{ key: \"0\", say: \"For an agent, press 0.\", to: agent }}"
            );
            if !parent.is_empty() {
                let _ = writeln!(
                    out,
                    "      - {{ key: \"*\", say: \"To go back, press star.\", to: {parent} }}"
                );
            }
        }
        if depth + 1 == levels {
            for (id, _) in &next {
                let _ = writeln!(
                    out,
                    "  {id}: {{ type: self_service, serves: [intent{}] }}",
                    leaf % intents.max(1)
                );
                leaf += 1;
            }
        }
        level = next;
    }
    out
}

/// An intents file for [`tree_menu`]: `intents` intents with uneven weights.
pub fn tree_intents(intents: u32) -> String {
    let mut out = String::from("intents:\n");
    for i in 0..intents {
        let _ = writeln!(out, "  intent{i}: {}", 1 + (i * 7919) % 97);
    }
    out
}

/// A tangle of the sizes an attack review used: many menus of two options, each leading to a
/// random menu (70%) or self-service node, one intent per self-service node. Deterministic (a
/// small linear congruential generator), so a figure or a failure can be reproduced.
///
/// A menu of `menus` menus and `services` self-service nodes (each serving its own intent and
/// leading back to a random menu), a general agent as `on_fail`, and its intents file of
/// `services` intents of weight 1. Returns (menu, intents).
pub fn menus_and_services(menus: usize, services: usize) -> (String, String) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let mut menu = String::from(
        "menu: Big\nentry: m0\ntraffic: big.intents.yaml\ndefaults: { on_fail: agent }\nnodes:\n  agent: { type: transfer, queue: general, serves: [\"*\"] }\n",
    );
    for m in 0..menus {
        let mut target = || {
            if next(10) < 7 {
                format!("m{}", next(menus))
            } else {
                format!("s{}", next(services))
            }
        };
        let (a, b) = (target(), target());
        let _ = writeln!(
            menu,
            "  m{m}: {{ say: Choose., options: [{{ key: \"1\", say: One., to: {a} }}, {{ key: \"2\", say: Two., to: {b} }}] }}"
        );
    }
    let mut intents = String::from("intents:\n");
    for s in 0..services {
        let back = next(menus);
        let _ = writeln!(
            menu,
            "  s{s}: {{ type: self_service, say: Done., serves: [i{s}], to: m{back} }}"
        );
        let _ = writeln!(intents, "  i{s}: 1");
    }
    (menu, intents)
}

/// A chain of `menus` menus, each with one option to the next and an agent option, the last
/// leading to a complaint desk: every option of the chain leads only to complaints, which the
/// linter must see without searching the rest of the chain from each option.
pub fn complaint_chain(menus: usize) -> String {
    let mut text = String::from("menu: Complaint chain\nentry: m0\nnodes:\n");
    for i in 0..menus {
        let next = if i + 1 == menus {
            "desk".to_string()
        } else {
            format!("m{}", i + 1)
        };
        let _ = writeln!(
            text,
            "  m{i}:\n    say: Step {i}.\n    options:\n      - {{ key: \"1\", say: \"Go on, press 1.\", to: {next} }}\n      - {{ key: \"0\", say: \"For an agent, press 0.\", to: agent }}"
        );
    }
    text.push_str(
        "  desk: { type: transfer, queue: complaints, serves: [complaint], complaint: true }\n",
    );
    text.push_str("  agent: { type: transfer, queue: general, serves: [\"*\"] }\n");
    text
}
