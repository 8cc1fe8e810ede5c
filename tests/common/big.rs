//! Generated menus of the sizes an attack review used: many menus of two options, each leading
//! to a random menu or self-service node, one intent per self-service node. Deterministic (a
//! small linear congruential generator), so a failure can be reproduced.

use std::fmt::Write as _;

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
