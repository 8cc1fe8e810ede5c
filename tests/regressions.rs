//! Regression tests for the inputs that once crashed or hung `ivr`, found by the fuzzers
//! (fuzz/, docs/reliability.md) and by probing the limits. Each keeps the input, or the
//! generator of it, and checks that it now ends quickly with the right answer. Work that used to
//! grow with the square of the input runs under a generous guard: not a speed check, a hang
//! check (the old code took minutes to hours on the same input).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use ivr::diagnostic::{Diagnostic, RenderStyle};
use ivr::source::{LineCol, SourceFile, Span};

const GUARD: Duration = Duration::from_secs(30);

#[track_caller]
fn assert_quick(started: Instant, what: &str) {
    assert!(
        started.elapsed() < GUARD,
        "{what} took {:?}",
        started.elapsed()
    );
}

/// Rendering a finding handed miette the whole file, which it scans from the start to count
/// lines: 60,000 findings in a 7 MB menu never finished. Now it gets the lines around the
/// labels, with the file's own line numbers.
#[test]
fn rendering_a_finding_does_not_scan_the_whole_file() {
    let mut text = String::from("menu: Big\nentry: a\nnodes:\n");
    let mut i = 0;
    while text.len() < 8_000_000 {
        writeln!(
            text,
            "  n{i}: {{ type: hangup, say: \"Node {i} of a very big menu.\" }}"
        )
        .unwrap();
        i += 1;
    }
    let last = format!("  n{}:", i - 1);
    let at = text.rfind(&last).expect("the last node") + 2;
    let source = SourceFile::new("big.yaml", text);
    let lines = source.line_count();
    let mut finding = Diagnostic::input_error(&source, Span::new(at, 1), "a finding", "here");
    finding.code = "unreachable-node".to_string();
    let started = Instant::now();
    let mut rendered = String::new();
    for _ in 0..2_000 {
        rendered = finding.render(RenderStyle::PLAIN);
    }
    assert_quick(started, "2,000 renders at the end of an 8 MB file");
    // The snippet shows the right line numbers and text, and the line before for context.
    let line = lines - 1;
    assert!(
        rendered.contains(&format!("[big.yaml:{line}:3]")),
        "{rendered}"
    );
    assert!(
        rendered.contains(&format!("{line} │   n{}:", i - 1))
            || rendered.contains(&format!("{line} | {}", source.line_text(at))),
        "{rendered}"
    );
    assert!(rendered.contains(&format!("{}", line - 1)), "{rendered}");
}

/// A finding next to a 1 MB line printed the whole line; past 4,096 bytes the message names
/// `file:line:column` instead, whether the long line holds the label or is drawn beside it.
#[test]
fn a_long_line_next_to_a_finding_is_not_printed() {
    let text = format!(
        "menu: Long\nentry: m\nnodes:\n  m:\n    say: \"{}\"\n",
        "word ".repeat(200_000)
    );
    let source = SourceFile::new("long.yaml", text);
    let at = source.text().find("m:\n").expect("node m");
    let finding = Diagnostic::input_error(&source, Span::new(at, 1), "a finding", "here");
    let rendered = finding.render(RenderStyle::PLAIN);
    assert!(rendered.len() < 2_000, "{} bytes", rendered.len());
    assert!(rendered.contains("long.yaml:4:3"), "{rendered}");
}

/// Columns count code points from the start of the line: on a one-line 16 MB flow menu every
/// finding counted up to 16 MB (150,000 findings in 3.6 MB took 72 s in a release build).
/// Columns now come from counts kept every 4 KB, and still count code points.
#[test]
fn columns_on_a_very_long_line_are_found_without_counting_the_line() {
    let mut text = String::from("menu: One\nentry: m\nnodes: {");
    while text.len() < 8_000_000 {
        text.push_str("节点: {type: hangup, say: \"é\"}, ");
    }
    text.push_str("m: {type: hangup}}\n");
    let source = SourceFile::new("one.yaml", text);
    let at = source.text().rfind("m: ").expect("node m");
    let started = Instant::now();
    let mut found = LineCol { line: 0, column: 0 };
    for _ in 0..500_000 {
        found = source.line_col(at);
    }
    assert_quick(started, "500,000 columns at the end of an 8 MB line");
    let column = source.text()[source.text().find("nodes").unwrap()..at]
        .chars()
        .count()
        + 1;
    assert_eq!(found, LineCol { line: 3, column });
}

/// Code-point columns agree with counting from the line's start, for offsets around the 4 KB
/// marks, on lines of several-byte characters that straddle them.
#[test]
fn columns_agree_with_counting_around_the_marks() {
    let mut text = String::from("\u{feff}bom line\n");
    for i in 0..3_000 {
        text.push_str(["a", "é", "节", "😀"][i % 4]);
        if i % 997 == 0 {
            text.push('\n');
        }
    }
    let source = SourceFile::new("mixed.yaml", text);
    let text = source.text();
    for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
        let LineCol { line, column } = source.line_col(offset);
        let start = text[..offset].rfind('\n').map_or(3.min(offset), |n| n + 1);
        let want = text[start..offset].chars().count() + 1;
        assert_eq!(column, want, "offset {offset}");
        assert_eq!(
            line,
            text[..offset].matches('\n').count() + 1,
            "offset {offset}"
        );
        if offset >= 3 {
            assert_eq!(source.offset_of(line, column), offset, "offset {offset}");
        }
    }
}
