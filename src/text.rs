//! Low-level text helpers that several layers share: which characters are CJK (for prompt
//! durations, prose detection and column widths) and the "did you mean" suggestion for a
//! misspelt name.

/// Whether a character is Han, Kana or Hangul (the ranges prompt durations count).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF
        | 0x3005
        | 0x3007
        | 0x3021..=0x3029
        | 0x3038..=0x303B
        | 0x3040..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9D
        | 0x20000..=0x3FFFF
        | 0x1100..=0x11FF
        | 0x3130..=0x318F
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF)
}

/// The language of a menu's prompts as a BCP 47 tag, for a page's `lang` (so a browser picks
/// Chinese, Japanese or Korean glyph shapes and a screen reader the right voice), guessed from
/// the scripts of the letters: any kana means Japanese, Hangul outweighing Han means Korean,
/// other Han means Chinese, letters that are all plain ASCII mean English, and anything else
/// (accented Latin, Cyrillic, Arabic, ...) `None`: we cannot tell, and the page says `und`.
pub fn language_of<'t>(texts: impl IntoIterator<Item = &'t str>) -> Option<&'static str> {
    let (mut han, mut kana, mut hangul, mut ascii, mut other) = (0usize, 0usize, 0usize, 0, 0);
    for c in texts.into_iter().flat_map(str::chars) {
        match c as u32 {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => kana += 1,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => hangul += 1,
            _ if is_cjk(c) => han += 1,
            _ if c.is_ascii_alphabetic() => ascii += 1,
            _ if c.is_alphabetic() => other += 1,
            _ => {}
        }
    }
    if kana > 0 {
        Some("ja")
    } else if hangul > 0 && hangul >= han {
        Some("ko")
    } else if han > 0 {
        Some("zh")
    } else if ascii > 0 && other == 0 {
        Some("en")
    } else {
        None
    }
}

/// The closest candidate to a misspelt name, if one is close enough to suggest.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    // Jaro-Winkler alone misses one-letter slips in short names (`sey` for `say` scores 0.8).
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(name, c),
                strsim::osa_distance(name, c),
                c,
            )
        })
        .filter(|&(score, edits, _)| score > 0.8 || (edits <= 1 && name.chars().count() >= 3))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, _, c)| c)
}

/// A table cell: `text` made [`printable`] and cut to `width` characters, the last one `…`
/// when it is longer.
pub fn cell(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= width {
        text.into_owned()
    } else {
        text.chars()
            .take(width.saturating_sub(1))
            .collect::<String>()
            + "…"
    }
}

/// `text` with every control character written as a visible escape (`\n`, `\r`, `\t`, `\e`,
/// `\u{85}`), and the invisible characters that reorder text (bidirectional overrides) too.
///
/// Names and file names come from files anyone can write: printed raw, a newline would let a
/// menu start a line of its own in a CI log (`::error ...`, `::add-mask::` workflow commands)
/// and an escape character would drive the terminal (`\e[2J` clears it). Every human and table
/// output passes what it takes from a file through this one function.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_of_prompts_follows_their_script() {
        assert_eq!(language_of(["查询余额请按1。", "Press 1"]), Some("zh"));
        assert_eq!(language_of(["残高照会は1を押してください"]), Some("ja"));
        assert_eq!(language_of(["잔액 조회는 1번을 누르세요"]), Some("ko"));
        assert_eq!(language_of(["For your balance, press 1."]), Some("en"));
        assert_eq!(
            language_of(["Pour votre solde, appuyez sur le 1. Merci, à bientôt"]),
            None
        );
        assert_eq!(language_of(["Нажмите 1"]), None);
        assert_eq!(language_of(["123 #"]), None);
    }

    #[test]
    fn han_kana_and_hangul_are_cjk_and_fullwidth_punctuation_is_not() {
        for c in ['查', 'カ', 'ひ', '안', '々'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', '1', '。', '，', 'é'] {
            assert!(!is_cjk(c), "{c}");
        }
    }

    #[test]
    fn suggestions_catch_one_letter_slips_and_nothing_far_off() {
        let fields = ["say", "type", "options", "timeout"];
        assert_eq!(did_you_mean("sey", fields), Some("say"));
        assert_eq!(did_you_mean("optoins", fields), Some("options"));
        assert_eq!(did_you_mean("colour", fields), None);
        assert_eq!(did_you_mean("x", fields), None);
    }
}
