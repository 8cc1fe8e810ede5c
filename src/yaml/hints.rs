//! Hints for YAML syntax errors: what the slips designers make most look like to the parser, and
//! what to tell them instead.
//!
//! A parser message is first recognised as a [`Slip`]; the slip then gives the label, the help
//! and the [`Spot`] the label points at.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::source::{SourceFile, Span};

use super::tree::{Node, Value};

/// A slip a parser error message stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slip {
    UnclosedBracket,
    UnclosedQuote,
    TabIndentation,
    TextAfterQuote,
    /// A plain value starting with `*`, read as an alias.
    StarAlias,
    /// `: ` inside a plain value.
    ColonInValue,
    /// A missing comma or closing bracket in `[...]` or `{...}`.
    MissingComma,
    Indentation,
    /// None of the above: the parser's message alone.
    Other,
}

/// Where a hint's label points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spot {
    /// The character where the parser stopped.
    Stop,
    /// The tab in the indentation of the stop line or a line next to it: the parser often
    /// stops on the line above a tab (inside the value it was reading) or below it (where the
    /// indentation stopped making sense).
    IndentTab,
    /// The first character of the line's text: the parser stops at the colon, but an
    /// indentation slip is seen at the start of the line.
    LineStart,
}

impl Slip {
    /// The slip behind a parser message; `before` is the line's text before the stop.
    fn of(message: &str, before: &str) -> Slip {
        if message.starts_with("unclosed bracket") {
            Slip::UnclosedBracket
        } else if message.starts_with("unclosed quote") {
            Slip::UnclosedQuote
        } else if message.contains("tabs") || message.contains("found a tab") {
            Slip::TabIndentation
        } else if message.contains("trailing content after") {
            Slip::TextAfterQuote
        } else if message.contains("unknown anchor") {
            Slip::StarAlias
        } else if message.starts_with("mapping values are not allowed") && before.contains(": ") {
            Slip::ColonInValue
        } else if message.contains("flow") && message.contains("did not find expected") {
            Slip::MissingComma
        } else if message.starts_with("mapping values are not allowed")
            || message.contains("did not find expected")
        {
            Slip::Indentation
        } else {
            Slip::Other
        }
    }

    fn spot(self) -> Spot {
        match self {
            Slip::TabIndentation => Spot::IndentTab,
            Slip::Indentation => Spot::LineStart,
            Slip::UnclosedBracket
            | Slip::UnclosedQuote
            | Slip::TextAfterQuote
            | Slip::StarAlias
            | Slip::ColonInValue
            | Slip::MissingComma
            | Slip::Other => Spot::Stop,
        }
    }

    /// The label and the help; `line` is the line the parser stopped on.
    fn words(self, line: &str) -> (&'static str, String) {
        match self {
            Slip::UnclosedBracket => (
                "this bracket is never closed",
                "close the bracket on the same line, or quote the text if the bracket is part of it"
                    .into(),
            ),
            Slip::UnclosedQuote => (
                "this quote is never closed",
                "close the quote on the same line; inside \"...\" write a quote as \\\"".into(),
            ),
            Slip::TabIndentation => (
                "a tab (drawn as →)",
                "indent with spaces: YAML does not allow tabs in indentation".into(),
            ),
            Slip::TextAfterQuote => (
                "text after the closing quote",
                "put all of the text inside the quotes, or add the comma that ends the value"
                    .into(),
            ),
            Slip::StarAlias => {
                let why = "in YAML a value that starts with `*` is an alias of an anchor (`&name`)";
                ("`*` starts an alias here", quote_fix(why, line))
            }
            Slip::ColonInValue => {
                let why = "a colon and a space inside a value start a mapping in YAML";
                ("this colon is inside a value", quote_fix(why, line))
            }
            Slip::MissingComma => (
                "a comma or a closing bracket was expected before this",
                "separate the entries inside brackets with commas, and quote any value that contains a comma, a colon or a bracket"
                    .into(),
            ),
            Slip::Indentation => (
                "the indentation of this line does not fit the lines above",
                "indent this line like the other fields of its mapping, or the other items of its list"
                    .into(),
            ),
            Slip::Other => (
                "here",
                "check the indentation and the brackets and quotes around this spot".into(),
            ),
        }
    }
}

/// A YAML syntax error as ours, recognising the slips designers make. `span` is the character
/// at `offset`, where the parser stopped.
pub(super) fn syntax_error(
    source: &Arc<SourceFile>,
    offset: usize,
    span: Span,
    message: &str,
) -> Diagnostic {
    let line = source.line_text(offset);
    let column = source.line_col(offset).column;
    let before: String = line.chars().take(column.saturating_sub(1)).collect();
    let mut slip = Slip::of(message, &before);
    let stop_line = source.line_col(offset).line;
    // Lines to look for a tab in, nearest first: a tab slip is found after the stop; a line
    // that does not fit (or an unclear error) may be caused by a tab on the line above.
    let near: &[isize] = match slip {
        Slip::TabIndentation => &[0, 1, 2],
        Slip::Indentation | Slip::Other => &[0, -1, 1],
        _ => &[],
    };
    let tab = near.iter().find_map(|&d| {
        let line = stop_line.checked_add_signed(d).filter(|&l| l >= 1)?;
        indentation_tab(source, line)
    });
    if tab.is_some() {
        slip = Slip::TabIndentation;
    }
    let (label, help) = slip.words(line);
    let line_start = source.offset_of(stop_line, 1).min(offset);
    let before_stop = &source.text()[line_start..offset];
    let span = match slip.spot() {
        Spot::Stop => span,
        Spot::IndentTab => tab.map_or(span, |at| Span::new(at, 1)),
        Spot::LineStart => {
            let start =
                line_start + (before_stop.len() - before_stop.trim_start_matches(' ').len());
            let first = source.text()[start..].chars().next();
            Span::new(start, first.map_or(0, char::len_utf8))
        }
    };
    Diagnostic::input_error(
        source,
        span,
        format!("this is not valid YAML: {message}"),
        label,
    )
    .with_help(help)
}

/// The file offset of the first tab in a line's indentation: its leading spaces and tabs,
/// and the `- ` of list items.
fn indentation_tab(source: &SourceFile, line: usize) -> Option<usize> {
    if line > source.line_count() {
        return None;
    }
    let start = source.offset_of(line, 1);
    let text = source.line_text(start);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' => {}
            '\t' => return Some(start + i),
            '-' if chars.peek().is_some_and(|&(_, n)| n == ' ' || n == '\t') => {}
            _ => return None,
        }
    }
    None
}

/// "`why`: quote the value", with the fixed line when it is a plain `key: value` line.
fn quote_fix(why: &str, line: &str) -> String {
    let plain = line
        .split_once(": ")
        .map(|(key, value)| (key.trim().trim_start_matches("- ").trim(), value.trim()))
        .filter(|(key, _)| !key.is_empty() && !key.contains(' '));
    match plain {
        Some((key, value)) if !line.contains(['{', '[', '"', '\'', '#']) => {
            format!("{why}: quote the value, {key}: \"{value}\"")
        }
        _ => format!("{why}: quote the value"),
    }
}

/// A bare `*` or `#` where YAML reads something else: `*` starts an alias, `#` a comment. Looks
/// at the line where the parser stopped, and for `#` inside `{ ... }` at the line above too: the
/// comment swallows the closing brace, so the parser only stops on the next line.
pub(super) fn bare_symbol(source: &Arc<SourceFile>, offset: usize) -> Option<Diagnostic> {
    let line = source.line_col(offset).line;
    bare_key_symbol(source, offset)
        .or_else(|| bare_star(source, line))
        .or_else(|| {
            let above = (1..line)
                .rev()
                .find(|&l| !is_blank_or_comment(source.line_text(source.offset_of(l, 1))))?;
            let at = source.offset_of(above, 1);
            let text = source.line_text(at);
            let hash = text.find("key: #")?;
            let opened = text[..hash].matches('{').count() > text[..hash].matches('}').count();
            opened.then(|| bare_key_symbol(source, at)).flatten()
        })
}

fn is_blank_or_comment(line: &str) -> bool {
    let text = line.trim_start();
    text.is_empty() || text.starts_with('#')
}

/// A bare `*` or `#` as an option key, on the line at `offset`.
fn bare_key_symbol(source: &Arc<SourceFile>, offset: usize) -> Option<Diagnostic> {
    let line = source.line_text(offset);
    for symbol in ['*', '#'] {
        let bare = format!("key: {symbol}");
        let Some(col) = line.find(&bare) else {
            continue;
        };
        let after = line[col + bare.len()..].chars().next();
        if after.is_some_and(|c| !(c.is_whitespace() || c == ',' || c == '}')) {
            continue;
        }
        let line_start = source.offset_of(source.line_col(offset).line, 1);
        let at = line_start + col + "key: ".len();
        let what = if symbol == '*' {
            "an alias"
        } else {
            "a comment"
        };
        let error = Diagnostic::input_error(
            source,
            Span::new(at, 1),
            format!("a bare `{symbol}` cannot be a key: in YAML it starts {what}"),
            "quote this key",
        )
        .with_help(format!("write the key in quotes: key: \"{symbol}\""));
        // Quoting only the symbol is right when nothing but the end of the entry follows it
        // (`key: #` then text is a comment a person wrote, which quoting would break).
        let rest = line[col + bare.len()..].trim_start();
        let closes = rest.is_empty() || rest.starts_with([',', '}']);
        return Some(if closes {
            error.with_fix(quote_symbol(Span::new(at, 1), symbol, "quote the key"))
        } else {
            error
        });
    }
    None
}

/// A bare `*` as a list item (`serves: [*]`, `- *`) or a value (`queue: *`) on a line: YAML
/// reads it as an alias with no name.
fn bare_star(source: &Arc<SourceFile>, line: usize) -> Option<Diagnostic> {
    let start = source.offset_of(line, 1);
    let text = source.line_text(start);
    // One pass over the line (it may be megabytes long): quotes and a comment seen so far.
    let mut quotes = 0usize;
    let mut star = None;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quotes += 1,
            '#' if i == 0 || text[..i].ends_with([' ', '\t']) => break,
            '*' if quotes.is_multiple_of(2) => {
                let before = text[..i].trim_end_matches(' ');
                let after = text[i + 1..].trim_start_matches(' ');
                if (before.ends_with(['[', ',', ':']) || before.trim_start() == "-")
                    && (after.is_empty() || after.starts_with([',', ']', '}', '#']))
                {
                    star = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let star = star?;
    let before = text[..star].trim_end_matches(' ');
    let (what, fixed) = if let Some(open) = before.rfind('[').filter(|_| !before.ends_with(':')) {
        // The field and its list, `serves: ["*"]`, rather than the whole line.
        let field = text[..open].trim_end().strip_suffix(':').map(|f| {
            let name_start = f.rfind([' ', '{', ',']).map_or(0, |i| i + 1);
            format!("{}: ", &f[name_start..])
        });
        let close = text[star..].find(']').map_or(text.len(), |i| star + i + 1);
        let list = format!("{}\"*\"{}", &text[open..star], &text[star + 1..close]);
        (
            "a list item",
            format!("{}{list}", field.unwrap_or_default()),
        )
    } else if before.ends_with(':') {
        let name_start = before.rfind([' ', '{', ',']).map_or(0, |i| i + 1);
        ("a value", format!("{} \"*\"", &before[name_start..]))
    } else if before.ends_with(',') {
        return None;
    } else {
        ("a list item", "- \"*\"".to_string())
    };
    Some(
        Diagnostic::input_error(
            source,
            Span::new(start + star, 1),
            format!("a bare `*` cannot be {what}: in YAML it starts an alias"),
            "quote this `*`",
        )
        .with_help(format!("write it in quotes: {fixed}"))
        .with_fix(quote_symbol(
            Span::new(start + star, 1),
            '*',
            "quote the `*`",
        )),
    )
}

/// The safe fix that writes a bare symbol in double quotes.
fn quote_symbol(span: Span, symbol: char, title: &str) -> Fix {
    Fix::safe(title, vec![Edit::replace(span, format!("\"{symbol}\""))])
}

/// Checks for a bare `#` key that YAML read as a comment, leaving `key:` empty.
pub fn bare_hash_key(source: &Arc<SourceFile>, key_value: &Node) -> Option<Diagnostic> {
    matches!(key_value.value, Value::Null)
        .then(|| bare_key_symbol(source, key_value.span.start))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_messages_are_recognised_as_slips() {
        for (message, before, slip) in [
            ("unclosed bracket '['", "a: [1", Slip::UnclosedBracket),
            ("unclosed quote", "a: \"b", Slip::UnclosedQuote),
            (
                "tabs disallowed within this context (block indentation)",
                "\t",
                Slip::TabIndentation,
            ),
            (
                "trailing content after double-quoted scalar",
                "a: \"b\" c",
                Slip::TextAfterQuote,
            ),
            ("alias references unknown anchor", "a: ", Slip::StarAlias),
            (
                "mapping values are not allowed in this context",
                "say: Press 1",
                Slip::ColonInValue,
            ),
            (
                "did not find expected ',' or ']' while parsing a flow sequence",
                "a: [b c",
                Slip::MissingComma,
            ),
            (
                "mapping values are not allowed in this context",
                "   b",
                Slip::Indentation,
            ),
            (
                "did not find expected key while parsing a block mapping",
                "  - b",
                Slip::Indentation,
            ),
            (
                "found character that cannot start any token",
                "a: ",
                Slip::Other,
            ),
        ] {
            assert_eq!(
                Slip::of(message, before),
                slip,
                "{message} after {before:?}"
            );
        }
    }

    #[test]
    fn only_tab_and_indentation_slips_move_the_label() {
        assert_eq!(Slip::TabIndentation.spot(), Spot::IndentTab);
        assert_eq!(Slip::Indentation.spot(), Spot::LineStart);
        for slip in [
            Slip::UnclosedBracket,
            Slip::UnclosedQuote,
            Slip::TextAfterQuote,
            Slip::StarAlias,
            Slip::ColonInValue,
            Slip::MissingComma,
            Slip::Other,
        ] {
            assert_eq!(slip.spot(), Spot::Stop, "{slip:?}");
        }
    }

    /// The text under the first label of a syntax error raised at `stop` (a byte offset).
    fn labelled(text: &str, stop: usize, message: &str) -> String {
        let source = SourceFile::new("test.yaml", text.to_string());
        let span = Span::new(stop, 1);
        let error = syntax_error(&source, stop, span, message);
        source.slice(error.labels[0].span).to_string()
    }

    #[test]
    fn the_spot_picks_the_span() {
        const MAPPING: &str = "mapping values are not allowed in this context";
        // An indentation slip: the parser stops at the colon, the label is on the line's text.
        assert_eq!(labelled("a: 1\n   bee: 2\n", 11, MAPPING), "b");
        // The same parser message after `: ` is a colon inside a value: the label stays put.
        assert_eq!(labelled("say: Press 1: now\n", 12, MAPPING), ":");
        // A tab: the label is on the tab, not where the parser stopped.
        let tabs = "tabs disallowed within this context (block indentation)";
        assert_eq!(labelled("a:\n  \tb: 1\n", 6, tabs), "\t");
        // The parser stops in the value above the tab, or on the line below it.
        let scalar = "while scanning a plain scalar, found a tab";
        assert_eq!(labelled("a: b\n\tc: 1\n", 3, scalar), "\t");
        let dash = "while parsing a block collection, did not find expected '-' indicator";
        assert_eq!(labelled("- \tk: 1\n  j: 2\n", 7, dash), "\t");
        // A line that does not fit, with no tab near: the label stays on the line's text.
        assert_eq!(labelled("a: 1\n   bee: 2\n", 11, MAPPING), "b");
        assert_eq!(labelled("a: [1, 2\n", 3, "unclosed bracket '['"), "[");
    }
}
