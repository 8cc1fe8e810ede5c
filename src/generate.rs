//! Synthetic menus for benchmarks and tests: a full tree of menus with a known shape.

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
