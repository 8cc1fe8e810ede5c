//! Whatever loads as a menu is linted, without intents and with the intents part of the input
//! (after `#@intents`) when that loads. Nothing may panic; every finding points inside its
//! file, names a node of the menu when it names one, and renders.

#![no_main]

use libfuzzer_sys::fuzz_target;

use ivr::lint::Settings;
use ivr::intents::Intents;
use ivr::lint::lint_menu;
use ivr::document::Document;
use ivr::menu::Menu;

mod common;

fn check(menu: &Menu, intents: Option<&Intents>) {
    let settings = Settings::default();
    let findings = lint_menu(menu, intents, &settings);
    for finding in &findings {
        common::check_diagnostic(finding, None);
        if let Some(node) = &finding.node {
            assert!(
                menu.lookup(node).is_some(),
                "{} names node `{node}`, which the menu does not have",
                finding.code
            );
        }
    }
    // The same findings again: the linter is deterministic.
    let again = lint_menu(menu, intents, &settings);
    let key = |d: &ivr::diagnostic::Diagnostic| {
        (
            d.code.clone(),
            d.message.clone(),
            d.labels.clone(),
            d.node.clone(),
            d.help.clone(),
        )
    };
    assert_eq!(
        findings.iter().map(key).collect::<Vec<_>>(),
        again.iter().map(key).collect::<Vec<_>>()
    );
    let _ = ivr::lint::structural_errors(menu, intents);
}

fuzz_target!(|data: &[u8]| {
    let (menu, intents) = common::split(data);
    let Some(Document::Menu(menu)) = common::load("menu.yaml", menu) else {
        return;
    };
    check(&menu, None);
    if let Some(Document::Intents(intents)) =
        intents.and_then(|i| common::load("menu.intents.yaml", i))
    {
        check(&menu, Some(&intents));
    }
});
