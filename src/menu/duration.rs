//! How long a prompt takes to play.
//!
//! `words / words_per_minute * 60 + cjk_chars / chars_per_second`, where CJK characters are Han,
//! Kana and Hangul ([`is_cjk`]) and words are maximal runs of other Unicode alphanumerics, so
//! `didn't` and `12.5GB` are two words each and `查询话费请按1` is six CJK characters and one word.

use super::model::Speech;
use crate::text::is_cjk;

/// Counts of what a prompt says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PromptCounts {
    pub words: usize,
    pub cjk_chars: usize,
}

pub fn count(text: &str) -> PromptCounts {
    let mut counts = PromptCounts::default();
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            counts.cjk_chars += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                counts.words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    counts
}

/// Seconds to say `text` at the menu's speech rates.
pub fn estimate(text: &str, speech: &Speech) -> f64 {
    let PromptCounts { words, cjk_chars } = count(text);
    words as f64 / speech.words_per_minute * 60.0 + cjk_chars as f64 / speech.chars_per_second
}

/// A prompt's seconds: its `duration` when given, else the estimate from its text (0 without).
pub fn seconds(say: Option<&str>, duration: Option<f64>, speech: &Speech) -> f64 {
    duration.unwrap_or_else(|| say.map_or(0.0, |s| estimate(s, speech)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_cjk_characters() {
        assert_eq!(
            count("查询话费请按1"),
            PromptCounts {
                words: 1,
                cjk_chars: 6
            }
        );
        assert_eq!(
            count("didn't"),
            PromptCounts {
                words: 2,
                cjk_chars: 0
            }
        );
        assert_eq!(
            count("12.5GB"),
            PromptCounts {
                words: 2,
                cjk_chars: 0
            }
        );
        assert_eq!(
            count("For billing, press 1."),
            PromptCounts {
                words: 4,
                cjk_chars: 0
            }
        );
        assert_eq!(
            count("안녕하세요 カタカナ"),
            PromptCounts {
                words: 0,
                cjk_chars: 9
            }
        );
    }

    #[test]
    fn estimate_uses_both_rates() {
        let speech = Speech::default();
        // 6 CJK characters at 4 per second plus one word at 150 per minute.
        let s = estimate("查询话费请按1", &speech);
        assert!((s - (1.5 + 0.4)).abs() < 1e-12);
        assert_eq!(seconds(Some("anything"), Some(2.0), &speech), 2.0);
        assert_eq!(seconds(None, None, &speech), 0.0);
    }
}
