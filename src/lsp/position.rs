//! Byte offsets and LSP positions.
//!
//! Editors count a position's character in UTF-16 code units (the protocol's default, and the
//! only encoding every client supports), lines from 0. The model keeps byte spans. A Chinese
//! character is three bytes and one UTF-16 unit; an emoji is four bytes and two units, so the
//! conversion walks the line's characters.

use lsp_types::{Position, Range};

use crate::source::Span;

/// The start of each line of a text, to convert offsets both ways.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end()))
    }

    /// The byte offset of a position; a position past a line's end is its end (before the
    /// line break), one past the last line is the end of the text, as the protocol asks.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_emoji_count_in_utf16_units() {
        let text = "a: 1\n说: 你好😀x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        // 说 : space 你 好 = 5 units, the emoji 2 more.
        assert_eq!(index.position(x), Position::new(1, 7));
        assert_eq!(index.offset(Position::new(1, 7)), x);
        assert_eq!(index.offset(Position::new(1, 99)), text.len() - 1);
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }
}
