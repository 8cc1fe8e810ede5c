//! Spans of nested options point at the right lines and columns (1-based, columns in code
//! points): node ids, option keys, option targets and error-handler targets, in block and flow
//! style, with Chinese prompts earlier on the same line.

use std::path::Path;

mod common;

use common::load::{Limits, load_document, menu_file, source_from_bytes};
use ivr::menu::Menu;
use ivr::source::{LineCol, Span};

const FIXTURE: &str = "tests/fixtures/spans/nested-options.yaml";

fn menu() -> Menu {
    menu_file(Path::new(FIXTURE))
}

/// Asserts that `span` starts at `line:column` and covers `text`.
#[track_caller]
fn assert_at(menu: &Menu, span: Span, text: &str, line: usize, column: usize) {
    assert_eq!(
        menu.source.line_col(span.start),
        LineCol { line, column },
        "`{text}` should be at {line}:{column}"
    );
    assert_eq!(menu.source.slice(span), text, "the span of `{text}`");
}

fn node<'m>(menu: &'m Menu, id: &str) -> &'m ivr::menu::Node {
    menu.node(menu.lookup(id).unwrap_or_else(|| panic!("node `{id}`")))
}

#[test]
fn node_ids() {
    let menu = menu();
    let ids: Vec<(&str, usize)> = vec![
        ("main", 4),
        ("billing", 16),
        ("tech", 23),
        ("投诉", 24),
        ("agent", 25),
        ("bye", 26),
    ];
    for (id, line) in ids {
        assert_at(&menu, node(&menu, id).id.span, id, line, 3);
    }
}

#[test]
fn option_keys_and_targets() {
    let menu = menu();
    let main = node(&menu, "main");
    let keys = [(r#""1""#, 7, 16), ("2", 8, 14), ("'3'", 11, 28)];
    let targets = [("billing", 7, 61), ("tech", 10, 13), ("投诉", 11, 37)];
    assert_eq!(main.options.len(), 3);
    for ((option, key), to) in main.options.iter().zip(keys).zip(targets) {
        assert_at(
            &menu,
            option.key.as_ref().unwrap().span,
            key.0,
            key.1,
            key.2,
        );
        assert_at(&menu, option.to.as_ref().unwrap().span, to.0, to.1, to.2);
    }

    // A flow list of flow mappings on one line, after Chinese prompts.
    let billing = node(&menu, "billing");
    let keys = [(r#""*""#, 18, 22), (r##""#""##, 18, 61)];
    let targets = [("main", 18, 46), ("bye", 18, 79)];
    assert_eq!(billing.options.len(), 2);
    for ((option, key), to) in billing.options.iter().zip(keys).zip(targets) {
        assert_at(
            &menu,
            option.key.as_ref().unwrap().span,
            key.0,
            key.1,
            key.2,
        );
        assert_at(&menu, option.to.as_ref().unwrap().span, to.0, to.1, to.2);
    }
}

#[test]
fn handler_targets() {
    let menu = menu();
    let main = node(&menu, "main");
    let then =
        |h: &Option<ivr::menu::model::ErrorHandler>| h.as_ref().unwrap().then.clone().unwrap();
    assert_at(&menu, then(&main.on_invalid).span, "agent", 12, 41);
    assert_at(&menu, then(&main.on_no_input).span, "main", 15, 13);
    assert_at(
        &menu,
        then(&node(&menu, "billing").on_invalid).span,
        "投诉",
        22,
        13,
    );
}

#[test]
fn diagnostics_report_the_same_positions() {
    // An error on a line with Chinese text before it: the column counts code points.
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("to: 投诉 }", "to: 投诉, goto: x }");
    let source = source_from_bytes("nested.yaml", text.into_bytes(), &Limits::DEFAULT).unwrap();
    let error = load_document(&source, &Limits::DEFAULT).unwrap_err();
    assert_eq!(error.location(), "nested.yaml:11:41");
}
