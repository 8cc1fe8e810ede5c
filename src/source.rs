//! Source files and positions.
//!
//! Every element of the model remembers where it came from as a byte [`Span`] into its
//! [`SourceFile`]; lines and columns (1-based, columns in Unicode code points, as the CLI
//! contract says) are computed from the span only when a message is printed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A byte range in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub const fn new(start: usize, len: usize) -> Self {
        Span { start, len }
    }

    pub const fn end(&self) -> usize {
        self.start + self.len
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len).into()
    }
}

/// A value together with the place in the file it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// The text of one file, with an index of its line starts.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte offset of the first character of each line; line 1 starts after a byte-order mark.
    line_starts: Vec<usize>,
    /// `chars_before[k]`: code points that start in the first `k * CHUNK` bytes, so that a
    /// column on a very long line is found without counting the whole line from its start.
    /// Counted the first time such a column is asked for: most files never need it.
    chars_before: OnceLock<Vec<usize>>,
}

/// Bytes between two entries of [`SourceFile::chars_before`].
const CHUNK: usize = 4096;

/// Code points that start in `bytes` (bytes that are not UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The offsets just past each line break of `text`: `\n`, `\r\n` and a lone `\r` (YAML counts
/// all three as line breaks, and so do editors, so a file saved with old Mac line endings is
/// numbered the same in every message and format as in the editor).
fn line_break_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(move |i| match bytes[i] {
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => None,
        _ => Some(i + 1),
    })
}

/// Whether a character ends a line (`\r\n` ends at its `\n`; a lone `\r` ends one too).
const fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

/// A 1-based line and column; the column counts Unicode code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Arc<SourceFile> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut line_starts = vec![bom];
        line_starts.extend(line_break_ends(&text));
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
            chars_before: OnceLock::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as shown in messages (forward slashes on every platform).
    pub fn name(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers (empty when the span lies outside the file).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end()).unwrap_or("")
    }

    /// Line and column of a byte offset; offsets past the end map to the end of the file.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1].min(offset);
        let column = if !self.text.is_char_boundary(offset) {
            1
        } else if offset - start < CHUNK {
            // Most lines are short: count the line itself, not the chunks around it.
            char_starts(&self.text.as_bytes()[start..offset]) + 1
        } else {
            self.chars_to(offset) - self.chars_to(start) + 1
        };
        LineCol { line, column }
    }

    /// The 1-based line of a byte offset (offsets past the end are on the last line): a binary
    /// search of the line starts, for callers that need no column.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    /// Code points that start before byte `offset` (at most `CHUNK` bytes counted).
    fn chars_to(&self, offset: usize) -> usize {
        let chars_before = self.chars_before.get_or_init(|| {
            let mut counts = vec![0];
            for chunk in self.text.as_bytes().chunks(CHUNK) {
                counts.push(counts[counts.len() - 1] + char_starts(chunk));
            }
            counts
        });
        let chunk = offset / CHUNK;
        chars_before[chunk] + char_starts(&self.text.as_bytes()[chunk * CHUNK..offset])
    }

    /// The byte range of a 1-based line without its line break (lines past the end are empty
    /// at the end of the file).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len()..self.text.len();
        };
        let next = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
        let end = start + self.text[start..next].trim_end_matches(['\n', '\r']).len();
        start..end
    }

    /// The byte range of a 1-based line with its line break.
    pub fn line_range_with_break(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_range(line).start;
        let next = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
        start..next
    }

    /// Byte offset of a 1-based line and code-point column (clamped to the file).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .take_while(|&(_, c)| !is_line_break(c))
            .nth(column.saturating_sub(1))
            .map_or_else(|| self.line_range(line).end, |(i, _)| start + i)
    }

    /// The whole line a byte offset lies on, without its line break.
    pub fn line_text(&self, offset: usize) -> &str {
        &self.text[self.line_range(self.line_of(offset))]
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_points_and_skip_the_bom() {
        let file = SourceFile::new("a.yaml", "\u{feff}a: 1\r\nsay: 你好 x\n".to_string());
        assert_eq!(file.line_col(3), LineCol { line: 1, column: 1 });
        let x = file.text().find('x').unwrap();
        assert_eq!(file.line_col(x), LineCol { line: 2, column: 9 });
        assert_eq!(file.offset_of(2, 9), x);
        assert_eq!(file.line_text(x), "say: 你好 x");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_like_a_newline() {
        let file = SourceFile::new("a.yaml", "a: 1\rb: 2\r\nc: 3\nd: 4".to_string());
        assert_eq!(file.line_count(), 4);
        let at = |s: &str| file.text().find(s).unwrap();
        assert_eq!(file.line_col(at("b")), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(at("2")), LineCol { line: 2, column: 4 });
        assert_eq!(file.line_col(at("c")), LineCol { line: 3, column: 1 });
        assert_eq!(file.line_col(at("d")), LineCol { line: 4, column: 1 });
        assert_eq!(file.line_text(at("a")), "a: 1");
        assert_eq!(file.line_text(at("b")), "b: 2");
        assert_eq!(file.offset_of(1, 99), at("\r"));
        assert_eq!(file.offset_of(2, 1), at("b"));
        assert_eq!(file.line_range_with_break(2), at("b")..at("c"));
    }

    #[test]
    fn columns_on_long_lines_count_code_points() {
        let text = format!("x: {}é{}z\n", "a".repeat(5000), "b".repeat(5000));
        let file = SourceFile::new("a.yaml", text);
        let z = file.text().find('z').unwrap();
        assert_eq!(
            file.line_col(z),
            LineCol {
                line: 1,
                column: 10005
            }
        );
    }
}
