//! Text edits on a menu file that the rules' fixes share: a word inside a prompt, a key, a
//! field added to a mapping, an item added to or moved within a list.
//!
//! Every edit is made on the file as written, so comments, quoting and the layout of
//! everything else stay. Where the text is written in a way these helpers do not follow (a
//! prompt with escapes or folded over lines, options written on one line, an alias), they
//! give `None` and the rule offers no fix: a fix that guessed could break the file.

use std::ops::Range;

use crate::diagnostic::Edit;
use crate::source::{SourceFile, Span, Spanned};

/// Where the bytes `range` of a scalar's value are in the file: the value must be written as
/// it reads (plain, or quoted without escapes), so that its bytes and the file's match.
pub fn value_span(
    source: &SourceFile,
    scalar: &Spanned<String>,
    range: Range<usize>,
) -> Option<Span> {
    let raw = source.slice(scalar.span);
    let (inner, base) = match raw.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) if raw.len() >= 2 && raw.as_bytes()[raw.len() - 1] == q => {
            (&raw[1..raw.len() - 1], scalar.span.start + 1)
        }
        _ => (raw, scalar.span.start),
    };
    (inner == scalar.value && range.end <= inner.len())
        .then(|| Span::new(base + range.start, range.len()))
}

/// The edit that gives an option the key `new`, keeping how its key is quoted (`"2"`, `'2'`
/// or `2`); a bare `*` or `#` gets double quotes, which YAML needs.
pub fn rekey(source: &SourceFile, key: &Spanned<String>, new: &str) -> Option<Edit> {
    let raw = source.slice(key.span);
    let at = raw.find(key.value.as_str())?;
    let quoted = at > 0;
    let replacement = if !quoted && matches!(new, "*" | "#") {
        format!("\"{new}\"")
    } else {
        new.to_string()
    };
    Some(Edit::replace(
        Span::new(key.span.start + at, key.value.len()),
        replacement,
    ))
}

/// `text` as a YAML scalar in a flow mapping: bare when it reads back as the same string
/// (letters, digits, `_`, `-`, not a number, boolean or null), else double-quoted.
pub fn scalar(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if bare {
        return text.to_string();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a line holds nothing but blanks or a comment.
fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The lines one item of a block list takes, as byte offsets: `start` is the start of the
/// first line (the comment lines directly above its `-` go with it), `end` is just after the
/// line break of its last line that is not blank or a comment (the end of the file if none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemLines {
    pub start: usize,
    /// Where the `-` line starts.
    pub dash_line: usize,
    pub end: usize,
    /// The column of the `-`.
    pub dash: usize,
}

/// The lines of each item of a block list whose items begin at `starts` (each item's first
/// byte after its `- `), in list order. `None` unless every item starts its own line with
/// `- ` at the same column, as `- { key: "1", ... }` or `- key: "1"` items do.
pub fn block_items(source: &SourceFile, starts: &[usize]) -> Option<Vec<ItemLines>> {
    let text = source.text();
    let mut lines: Vec<(usize, usize)> = Vec::with_capacity(starts.len());
    for &start in starts {
        let line = source.line_of(start);
        let range = source.line_range(line);
        let before = text.get(range.start..start)?;
        let dash = before.trim_end();
        if !dash.ends_with('-') || !dash[..dash.len() - 1].trim().is_empty() {
            return None;
        }
        if lines.last().is_some_and(|&(l, _)| l >= line) {
            return None;
        }
        lines.push((line, dash.len() - 1));
    }
    let dash = lines.first()?.1;
    if lines.iter().any(|&(_, d)| d != dash) {
        return None;
    }
    let line_text = |l: usize| &text[source.line_range(l)];
    let mut items = Vec::with_capacity(lines.len());
    for (i, &(line, _)) in lines.iter().enumerate() {
        // The item's lines run until the next item's `-`, or, for the last, until a line
        // indented no deeper than the `-`.
        let limit = match lines.get(i + 1) {
            Some(&(next, _)) => next,
            None => {
                let mut l = line + 1;
                while l <= source.line_count()
                    && (is_blank_or_comment(line_text(l)) || indent(line_text(l)) > dash)
                {
                    l += 1;
                }
                l
            }
        };
        let mut last = line;
        for l in line + 1..limit {
            if !is_blank_or_comment(line_text(l)) {
                last = l;
            }
        }
        let mut first = line;
        let floor = items
            .last()
            .map_or(0, |p: &ItemLines| source.line_of(p.end.max(1) - 1));
        while first > 1 && first - 1 > floor && {
            let t = line_text(first - 1).trim_start();
            t.starts_with('#') && indent(line_text(first - 1)) >= dash
        } {
            first -= 1;
        }
        items.push(ItemLines {
            start: source.line_range(first).start,
            dash_line: source.line_range(line).start,
            end: source.line_range_with_break(last).end,
            dash,
        });
    }
    Some(items)
}

/// Where the value of a mapping key starts: the first character after `key:` that is not a
/// blank, a line break or a comment.
pub fn value_start(source: &SourceFile, key: Span) -> Option<usize> {
    let text = source.text();
    let mut at = key.end();
    // The key may be quoted: the colon follows it.
    let rest = text.get(at..)?;
    at += rest.find(':')? + 1;
    let mut in_comment = false;
    for (i, c) in text[at..].char_indices() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => {}
            '#' => in_comment = true,
            c if c.is_whitespace() => {}
            _ => return Some(at + i),
        }
    }
    None
}

/// The offset of the `}` or `]` that closes the flow collection opening at `open`, skipping
/// quoted scalars and comments.
pub fn flow_close(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        let c = bytes[i];
        let after_blank = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r');
        let at_token = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b',' | b':'
            );
        match c {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' if at_token => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if at_token => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'#' if after_blank => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The edit that adds `entry` (`retries: 2`, or a list item's text) at the end of the flow
/// collection opening at `open`: after its last entry, with `, `.
fn append_to_flow(text: &str, open: usize, entry: &str) -> Option<Edit> {
    let close = flow_close(text, open)?;
    let body = &text[open + 1..close];
    let last = body.trim_end();
    if last.trim().is_empty() {
        return Some(Edit::replace(
            Span::new(open + 1, body.len()),
            format!(" {entry} "),
        ));
    }
    Some(Edit::replace(
        Span::new(open + 1 + last.len(), 0),
        format!(", {entry}"),
    ))
}

/// The edit that adds the field `field` (`retries: 2`, `on_invalid: { ... }`) to the mapping
/// that is the value of the key at `owner` (a node id, `on_invalid`): inside the braces of a
/// flow mapping, or on a line of its own after the mapping's last line, at its fields' column.
pub fn add_field(source: &SourceFile, owner: Span, field: &str) -> Option<Edit> {
    let text = source.text();
    let start = value_start(source, owner)?;
    if text.as_bytes()[start] == b'{' {
        return append_to_flow(text, start, field);
    }
    let owner_line = source.line_of(owner.start);
    let first_line = source.line_of(start);
    if first_line <= owner_line {
        return None;
    }
    let owner_indent = indent(&text[source.line_range(owner_line)]);
    let column = start - source.line_range(first_line).start;
    let mut last = first_line;
    let mut l = first_line + 1;
    while l <= source.line_count() {
        let line = &text[source.line_range(l)];
        if !is_blank_or_comment(line) {
            if indent(line) <= owner_indent {
                break;
            }
            last = l;
        }
        l += 1;
    }
    Some(new_line_after(
        source,
        last,
        &format!("{}{field}", " ".repeat(column)),
    ))
}

/// The edit that puts `line` on a line of its own after line `after`.
fn new_line_after(source: &SourceFile, after: usize, line: &str) -> Edit {
    let range = source.line_range_with_break(after);
    let has_break = source.text()[range.clone()].ends_with('\n');
    let replacement = if has_break {
        format!("{line}\n")
    } else {
        format!("\n{line}")
    };
    Edit::replace(Span::new(range.end, 0), replacement)
}

/// The edit that adds `item` (a flow mapping such as `{ key: "*", ... }`) as the last item of
/// the list that is the value of the key at `list_key` (`options`), whose items start at
/// `starts`.
pub fn add_item(source: &SourceFile, list_key: Span, starts: &[usize], item: &str) -> Option<Edit> {
    let text = source.text();
    let start = value_start(source, list_key)?;
    if text.as_bytes()[start] == b'[' {
        return append_to_flow(text, start, item);
    }
    let items = block_items(source, starts)?;
    let last = items.last()?;
    let last_line = source.line_of(last.end.max(1) - 1);
    Some(new_line_after(
        source,
        last_line,
        &format!("{}- {item}", " ".repeat(last.dash)),
    ))
}

/// The one edit that puts the items of a block list in a new order: `texts[k]` is the new
/// text of item `k` (its lines as [`block_items`] found them, perhaps edited), and
/// `order[i]` the item that goes to place `i`. What lies between items (blank lines, comments
/// apart from an item) stays in its place.
pub fn reorder_items(
    source: &SourceFile,
    items: &[ItemLines],
    texts: &[String],
    order: &[usize],
) -> Option<Edit> {
    let text = source.text();
    let (first, last) = (items.first()?, items.last()?);
    let ends_with_break = text[..last.end].ends_with('\n');
    let mut out = String::new();
    for (i, &k) in order.iter().enumerate() {
        let mut item = texts.get(k)?.clone();
        if !item.ends_with('\n') {
            item.push('\n');
        }
        out.push_str(&item);
        if let Some(next) = items.get(i + 1) {
            out.push_str(text.get(items[i].end..next.start)?);
        }
    }
    if !ends_with_break {
        out.pop();
    }
    Some(Edit::replace(
        Span::new(first.start, last.end - first.start),
        out,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::apply_edits;

    fn file(text: &str) -> std::sync::Arc<SourceFile> {
        SourceFile::new("m.yaml", text.to_string())
    }

    #[test]
    fn finds_the_items_of_a_block_list_with_their_comments() {
        let text = "options:\n  # first\n  - { key: \"1\" }   # one\n\n  - key: \"2\"\n    to: b\n  # trailing\nnext: 1\n";
        let source = file(text);
        let starts = [text.find("{ key").unwrap(), text.find("key: \"2").unwrap()];
        let items = block_items(&source, &starts).unwrap();
        assert_eq!(
            &text[items[0].start..items[0].end],
            "  # first\n  - { key: \"1\" }   # one\n"
        );
        assert_eq!(
            &text[items[1].start..items[1].end],
            "  - key: \"2\"\n    to: b\n"
        );
        let texts: Vec<String> = items
            .iter()
            .map(|i| text[i.start..i.end].to_string())
            .collect();
        let edit = reorder_items(&source, &items, &texts, &[1, 0]).unwrap();
        assert_eq!(
            apply_edits(text, [&edit]).unwrap(),
            "options:\n  - key: \"2\"\n    to: b\n\n  # first\n  - { key: \"1\" }   # one\n  # trailing\nnext: 1\n"
        );
    }

    #[test]
    fn items_on_one_line_are_not_a_block_list() {
        let text = "options: [ { key: \"1\" }, { key: \"2\" } ]\n";
        let source = file(text);
        let starts = [text.find("{ key").unwrap(), text.rfind("{ key").unwrap()];
        assert_eq!(block_items(&source, &starts), None);
    }

    #[test]
    fn adds_a_field_to_flow_and_block_mappings() {
        let text = "nodes:\n  a: { type: hangup, say: 'Bye, now' }  # end\n  b:\n    say: Hi.   # hello\n    options:\n      - { key: \"1\", to: a }\n\n  c: { }\n";
        let source = file(text);
        let span = |s: &str| Span::new(text.find(s).unwrap(), 1);
        let a = add_field(&source, span("a:"), "to: b").unwrap();
        let b = add_field(&source, span("b:"), "retries: 2").unwrap();
        let c = add_field(&source, span("c:"), "to: b").unwrap();
        assert_eq!(
            apply_edits(text, [&a, &b, &c]).unwrap(),
            "nodes:\n  a: { type: hangup, say: 'Bye, now', to: b }  # end\n  b:\n    say: Hi.   # hello\n    options:\n      - { key: \"1\", to: a }\n    retries: 2\n\n  c: { to: b }\n"
        );
    }

    #[test]
    fn adds_an_item_to_flow_and_block_lists() {
        let text = "a:\n  options:\n    - { key: \"1\", to: x }  # one\nb:\n  options: [ { key: \"1\", to: x } ]\n";
        let source = file(text);
        let first = text.find("options").unwrap();
        let second = text.rfind("options").unwrap();
        let block = add_item(
            &source,
            Span::new(first, 7),
            &[text.find("{ key").unwrap()],
            "{ key: \"*\" }",
        )
        .unwrap();
        let flow = add_item(&source, Span::new(second, 7), &[], "{ key: \"*\" }").unwrap();
        assert_eq!(
            apply_edits(text, [&block, &flow]).unwrap(),
            "a:\n  options:\n    - { key: \"1\", to: x }  # one\n    - { key: \"*\" }\nb:\n  options: [ { key: \"1\", to: x }, { key: \"*\" } ]\n"
        );
    }

    #[test]
    fn maps_a_prompt_word_to_the_file_only_when_written_as_it_reads() {
        let text = "a: \"Press 2.\"\nb: Press 2.\nc: \"Press\\t2.\"\n";
        let source = file(text);
        let scalar = |s: &str, value: &str| {
            let at = text.find(s).unwrap();
            Spanned::new(value.to_string(), Span::new(at, s.len()))
        };
        let quoted = scalar("\"Press 2.\"", "Press 2.");
        assert_eq!(
            value_span(&source, &quoted, 6..7).map(|s| source.slice(s)),
            Some("2")
        );
        let plain = scalar("Press 2.\n", "Press 2.");
        let plain = Spanned::new(plain.value, Span::new(plain.span.start, 8));
        assert_eq!(
            value_span(&source, &plain, 6..7).map(|s| source.slice(s)),
            Some("2")
        );
        let escaped = scalar("\"Press\\t2.\"", "Press\t2.");
        assert_eq!(value_span(&source, &escaped, 6..7), None);
    }

    #[test]
    fn rekeys_keeping_the_quotes() {
        let text = "- key: '2'\n- key: 3\n- key: 4\n";
        let source = file(text);
        let key = |s: &str, v: &str| {
            Spanned::new(v.to_string(), Span::new(text.find(s).unwrap(), s.len()))
        };
        let a = rekey(&source, &key("'2'", "2"), "1").unwrap();
        let b = rekey(&source, &key("3", "3"), "2").unwrap();
        let c = rekey(&source, &key("4", "4"), "*").unwrap();
        assert_eq!(
            apply_edits(text, [&a, &b, &c]).unwrap(),
            "- key: '1'\n- key: 2\n- key: \"*\"\n"
        );
    }
}
