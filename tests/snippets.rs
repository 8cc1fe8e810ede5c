//! How the human format draws the lines around a finding: only the lines near its labels, with
//! the file's own line numbers (a lone carriage return ends a line there too), and at most
//! `MAX_DRAWN_LABELS` labels. A finding with labels all over a big menu used to draw every line
//! between its first and last label and to rescan the file for each label (50 s for the
//! findings of a generated menu of 6,000 nodes).

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use ivr::diagnostic::{Diagnostic, MAX_DRAWN_LABELS, RenderStyle};
use ivr::source::{SourceFile, Span};

/// A menu of `lines` one-line nodes `n0`, `n1`, ... (node `nK` is on line K + 4).
fn long_menu(lines: usize) -> String {
    let mut text = String::from("menu: Big\nentry: n0\nnodes:\n");
    for i in 0..lines {
        writeln!(text, "  n{i}: {{ type: hangup, say: \"Node {i}.\" }}").unwrap();
    }
    text
}

/// The span of node `nK`'s id.
fn node_span(source: &SourceFile, k: usize) -> Span {
    let at = source.text().find(&format!("  n{k}:")).expect("the node") + 2;
    Span::new(at, format!("n{k}").len())
}

#[test]
fn lines_far_from_every_label_are_not_drawn() {
    let source = SourceFile::new("big.yaml", long_menu(200));
    let finding = Diagnostic::input_error(&source, node_span(&source, 6), "a finding", "first")
        .with_label(node_span(&source, 96), "second");
    let rendered = finding.render(RenderStyle::PLAIN);
    // Each label with the line before and after it, as two blocks with their own headers.
    for line in [9, 10, 11, 99, 100, 101] {
        assert!(rendered.contains(&format!("{line} │")), "{rendered}");
    }
    assert!(rendered.contains("[big.yaml:10:3]"), "{rendered}");
    assert!(rendered.contains("[big.yaml:100:3]"), "{rendered}");
    assert!(!rendered.contains("50 │"), "{rendered}");
    assert!(!rendered.contains("n50:"), "{rendered}");
}

#[test]
fn labels_a_few_lines_apart_are_drawn_as_one_block() {
    let source = SourceFile::new("menu.yaml", long_menu(30));
    let finding = Diagnostic::input_error(&source, node_span(&source, 6), "a finding", "first")
        .with_label(node_span(&source, 12), "second");
    let rendered = finding.render(RenderStyle::PLAIN);
    // Lines 11 to 15 lie between the two contexts (9-11 and 15-17): short enough to show.
    for line in 9..=17 {
        assert!(rendered.contains(&format!("{line} │")), "{rendered}");
    }
    assert_eq!(rendered.matches('╭').count(), 1, "{rendered}");
}

#[test]
fn at_most_max_drawn_labels_are_drawn_and_the_rest_are_counted() {
    let source = SourceFile::new("big.yaml", long_menu(6_000));
    let mut finding =
        Diagnostic::input_error(&source, node_span(&source, 0), "a big loop", "starts here");
    for k in 1..3_000 {
        finding = finding.with_label(node_span(&source, k * 2), "in the loop");
    }
    let started = Instant::now();
    let rendered = finding.render(RenderStyle::PLAIN);
    // Not a speed check: drawing 3,000 labels took seconds and printed 9,000 lines.
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(
        rendered.matches("in the loop").count(),
        MAX_DRAWN_LABELS - 1,
        "{rendered}"
    );
    assert!(rendered.contains("starts here"), "{rendered}");
    let hidden = 3_000 - MAX_DRAWN_LABELS;
    assert!(
        rendered.contains(&format!("{hidden} more places in the file belong to this")),
        "{rendered}"
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_in_every_format() {
    // Old Mac line endings: lines end with `\r` alone.
    let text =
        "menu: Old\rentry: main\rnodes:\r  main: { type: hangup }\r  lost: { type: hangup }\r";
    let dir = common::scratch();
    common::write(dir.path(), "old.yaml", text);
    let lint = |args: &[&str]| common::ivr_in(dir.path(), &[&["lint"], args].concat());
    let json = lint(&["--format", "json", "old.yaml"]).json();
    let finding = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unreachable-node")
        .expect("unreachable-node");
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&5.into(), &3.into())
    );
    let concise = lint(&["--format", "concise", "old.yaml"]).stdout;
    assert!(concise.contains("old.yaml:5:3"), "{concise}");
    let human = lint(&["old.yaml"]).stdout;
    assert!(human.contains("old.yaml:5:3]"), "{human}");
    assert!(human.contains("5 │   lost: { type: hangup }"), "{human}");
    assert!(human.contains("4 │   main: { type: hangup }"), "{human}");
    // Nothing returns the terminal's cursor to the start of a line.
    assert!(!human.contains('\r'), "{human:?}");
}

#[test]
fn a_suppression_comment_in_a_lone_carriage_return_file_covers_its_own_line() {
    let text = "menu: Old\rentry: main\rnodes:\r  main: { type: hangup }\r  lost: { type: hangup }  # ivr: allow(unreachable-node) kept for later\r";
    let dir = common::scratch();
    common::write(dir.path(), "old.yaml", text);
    let json = common::ivr_in(dir.path(), &["lint", "--format", "json", "old.yaml"]).json();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"agent-depth"), "{json:#}");
    assert!(!rules.contains(&"unreachable-node"), "{json:#}");
    assert!(!rules.contains(&"unused-allow"), "{json:#}");
}
