//! What a user sees for every input error: the real binary, `ivr graph FILE`, exit code 2 and
//! the miette report on stderr (file, line and column, a label on the spot, a help line).
//!
//! Menu fixtures live in `tests/fixtures/input-errors/*.yaml`, one per error kind; intents
//! fixtures (which `graph` does not take) in `tests/fixtures/input-errors/intents/` and go
//! through the library. Files that are not UTF-8 are written by the tests, not committed.

use std::path::Path;

mod common;

use common::load::{self, Limits, load_intents, rendered};
use common::{ivr_in, root};

/// `ivr graph PATH` from the crate root; asserts exit code 2 and an empty stdout, and returns
/// stderr.
fn graph_fails_in(dir: &Path, path: &str) -> String {
    let output = ivr_in(dir, &["graph", path]);
    let stderr = output.stderr;
    assert_eq!(
        output.code,
        Some(2),
        "`ivr graph {path}` should exit 2; stderr:\n{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing on stdout for {path}");
    assert!(
        stderr.contains("error(input-error)"),
        "an input error for {path}:\n{stderr}"
    );
    assert!(
        stderr.contains("help:"),
        "a help line for {path}:\n{stderr}"
    );
    stderr
}

fn graph_fails(path: &str) -> String {
    graph_fails_in(root(), path)
}

/// The fixture's path relative to the crate root, with forward slashes.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("fixtures are inside the crate")
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn menu_input_errors() {
    let _snapshots = common::snapshot_folder("input_errors");
    insta::glob!("fixtures/input-errors/*.yaml", |path| {
        let stderr = graph_fails(&relative(path));
        insta::assert_snapshot!(stderr);
    });
}

#[test]
fn intents_input_errors() {
    let _snapshots = common::snapshot_folder("input_errors");
    insta::glob!("fixtures/input-errors/intents/*.yaml", |path| {
        let error = load_intents(Path::new(&relative(path)), &Limits::DEFAULT)
            .expect_err("the fixture is an input error");
        assert_eq!(error.code, ivr::diagnostic::INPUT_ERROR);
        assert!(error.help.is_some(), "a help line");
        insta::assert_snapshot!(rendered(&error));
    });
}

#[test]
fn missing_file() {
    let _snapshots = common::snapshot_folder("input_errors");
    insta::assert_snapshot!(graph_fails("tests/fixtures/input-errors/no-such-menu.yaml"));
}

#[test]
fn folder_instead_of_a_file() {
    let _snapshots = common::snapshot_folder("input_errors");
    insta::assert_snapshot!(graph_fails("tests/fixtures/input-errors"));
}

const SMALL_MENU: &str =
    "menu: Café\nentry: main\nnodes:\n  main: { type: hangup, say: \"Goodbye.\" }\n";

#[test]
fn non_utf8_byte_in_line_3() {
    let _snapshots = common::snapshot_folder("input_errors");
    let dir = common::scratch();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"menu: Shop\nentry: main\nnodes: { main: { type: hangup, say: \"Caf\xe9 closed.\" } }\n",
    )
    .unwrap();
    insta::assert_snapshot!(graph_fails_in(dir.path(), "latin1.yaml"));
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn utf16_file() {
    let _snapshots = common::snapshot_folder("input_errors");
    let dir = common::scratch();
    std::fs::write(dir.path().join("utf16.yaml"), utf16le(SMALL_MENU, true)).unwrap();
    insta::assert_snapshot!(graph_fails_in(dir.path(), "utf16.yaml"));
}

#[test]
fn utf16_file_without_bom() {
    let _snapshots = common::snapshot_folder("input_errors");
    let dir = common::scratch();
    std::fs::write(dir.path().join("utf16.yaml"), utf16le(SMALL_MENU, false)).unwrap();
    let mut big_endian = Vec::new();
    big_endian.extend(SMALL_MENU.encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(dir.path().join("utf16be.yaml"), big_endian).unwrap();
    insta::assert_snapshot!(graph_fails_in(dir.path(), "utf16.yaml"));
    let stderr = graph_fails_in(dir.path(), "utf16be.yaml");
    assert!(stderr.contains("the file is UTF-16"), "{stderr}");
}

/// The same menu with a UTF-8 byte-order mark and CRLF line endings.
fn bom_crlf(text: &str) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    bytes
}

const BILLING: &str = "\
menu: Shop
entry: main
nodes:
  main:
    say: 欢迎致电。
    options:
      - { key: \"1\", say: \"For billing, press 1.\", to: billing }
  billing: { type: transfer, queue: billing, serves: [billing] }
";

#[test]
fn bom_and_crlf_load_and_draw() {
    let dir = common::scratch();
    std::fs::write(dir.path().join("menu.yaml"), bom_crlf(BILLING)).unwrap();
    let output = ivr_in(dir.path(), &["graph", "menu.yaml"]);
    let stdout = output.stdout;
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    assert!(stdout.contains("flowchart"), "{stdout}");
    assert!(stdout.contains("billing"), "{stdout}");
    assert!(
        !stdout.contains('\r'),
        "no carriage return leaks into the drawing"
    );
}

#[test]
fn bom_and_crlf_errors_point_at_the_right_column() {
    let _snapshots = common::snapshot_folder("input_errors");
    let dir = common::scratch();
    let text = BILLING.replace("    say: 欢迎", "    sey: 欢迎");
    std::fs::write(dir.path().join("menu.yaml"), bom_crlf(&text)).unwrap();
    let stderr = graph_fails_in(dir.path(), "menu.yaml");
    assert!(stderr.contains("menu.yaml:5:5]"), "{stderr}");
    insta::assert_snapshot!(stderr.replace('\r', "␍"));
}

#[test]
fn digit_keys_bare_and_quoted_load_alike() {
    let menu = |key: &str| {
        load::menu(&format!(
            "menu: Shop\nentry: main\nnodes:\n  main:\n    say: Hi.\n    options:\n      - {{ key: {key}, say: \"Press the key.\", to: bye }}\n  bye: {{ type: hangup }}\n"
        ))
    };
    for (bare, quoted) in [("1", "\"1\""), ("0", "'0'"), ("9", "\"9\"")] {
        let (a, b) = (menu(bare), menu(quoted));
        let key = |m: &ivr::menu::Menu| m.nodes[0].options[0].key.as_ref().unwrap().value.clone();
        assert_eq!(key(&a), bare);
        assert_eq!(key(&a), key(&b));
        assert!(a.nodes[0].options[0].has_valid_key());
    }
    // A key written `01` stays as written (an invalid key, for the linter), not the number 1.
    assert_eq!(
        menu("01").nodes[0].options[0].key.as_ref().unwrap().value,
        "01"
    );
}

#[test]
fn missing_fields_unknown_targets_and_duplicate_keys_are_not_input_errors() {
    let path = "tests/fixtures/input-ok/model-keeps-gaps.yaml";
    let output = ivr_in(root(), &["graph", path]);
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let menu = load::menu(&text);
    let main = &menu.nodes[menu.lookup("main").unwrap().0];
    let keys: Vec<&str> = main.options.iter().map(|o| o.key_text()).collect();
    assert_eq!(keys, ["1", "1", "2", "12"]);
    assert!(
        main.options[2].to.is_none(),
        "an option without `to` is kept"
    );
    assert!(!main.options[3].has_valid_key(), "an invalid key is kept");
    let orders = &menu.nodes[menu.lookup("orders").unwrap().0];
    assert!(orders.digits.is_none() && orders.to.is_none());
    assert_eq!(main.options[0].to.as_ref().unwrap().value, "orders");
    assert!(menu.lookup("returns").is_some());
    assert_eq!(
        main.options[1].to.as_ref().map(|t| t.value.as_str()),
        Some("returns")
    );
}

#[test]
fn unknown_target_is_not_an_input_error() {
    let menu = load::menu(
        "menu: Shop\nentry: start\nnodes:\n  main:\n    say: Hi.\n    options:\n      - { key: \"1\", say: \"Press 1.\", to: nowhere }\n",
    );
    assert!(menu.entry_node().is_none());
    assert!(menu.lookup("nowhere").is_none());
    assert_eq!(
        menu.nodes[0].options[0].to.as_ref().unwrap().value,
        "nowhere"
    );
}

#[test]
fn anchors_and_merge_keys_load() {
    // One anchor used by every node is legitimate (no alias-to-anchor ratio limit).
    let mut text = String::from(
        "menu: Shop\nentry: n0\nnodes:\n  n0:\n    say: Hi.\n    on_invalid: &sorry { say: \"Sorry.\", retries: 1 }\n    options:\n      - &opt { key: \"1\", say: \"Press 1.\", to: n1 }\n      - { <<: *opt, key: \"2\", say: \"Press 2.\" }\n",
    );
    for i in 1..200 {
        text.push_str(&format!(
            "  n{i}:\n    say: Part {i}.\n    on_invalid: *sorry\n    options: [{{ key: \"1\", say: \"Press 1.\", to: n{} }}]\n",
            i + 1
        ));
    }
    text.push_str("  n200: { type: hangup }\n");
    let menu = load::menu(&text);
    assert_eq!(menu.nodes.len(), 201);
    let second = &menu.nodes[0].options[1];
    assert_eq!(second.key.as_ref().unwrap().value, "2");
    assert_eq!(
        second.to.as_ref().unwrap().value,
        "n1",
        "merged from the anchor"
    );
    assert_eq!(
        menu.nodes[150]
            .on_invalid
            .as_ref()
            .unwrap()
            .say
            .as_ref()
            .unwrap()
            .value,
        "Sorry."
    );
}
