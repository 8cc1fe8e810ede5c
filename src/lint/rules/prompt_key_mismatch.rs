use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;

declare_rule! {
    /// ## What it checks
    ///
    /// An option's `say` that names a key names the option's own key. Recognised:
    ///
    /// - English: `press N`, `dial N`, `push N`, `select N` and `key N`, where N is a digit,
    ///   `*`, `#`, or the words `zero` to `nine`, `star`, `hash`, `pound` (`press the star key`
    ///   too);
    /// - Chinese: `按N` and `请按N` with N a digit, a Chinese numeral `零一二三四五六七八九`, `*`,
    ///   `#`, `星号`, `井号` (`按星号键`); and `星号键`, `*号键`, `井号键`, `#号键` anywhere.
    ///
    /// Full-width digits (`按１`) count. Numbers that are not about a key (`4G/5G`, `12.5GB`,
    /// `24 hours`, `select one of`, `按一下` "press once") are not keys.
    ///
    /// ## Why it matters
    ///
    /// Callers press what they hear. When an option is renumbered and its prompt is not, the
    /// caller who presses the announced key lands somewhere else: a wrong turn built into the
    /// menu, for every caller who wants that option.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "3", say: "For billing, press 2.", to: billing }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "3", say: "For billing, press 3.", to: billing }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static PROMPT_KEY_MISMATCH = {
        name: "prompt-key-mismatch",
        severity: Warning,
        summary: "an option's `say` that names a key names its own key",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in &ctx.menu.nodes {
        for option in &node.options {
            let (Some(say), Some(key)) = (&option.say, &option.key) else {
                continue;
            };
            if !option.has_valid_key() {
                continue;
            }
            let named = key_phrases(&say.value);
            let Some((wrong, phrase)) = named.iter().find(|(k, _)| *k != key.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    say.span,
                    format!(
                        "option {} of `{}` says \"{phrase}\" (key {wrong}) but its key is {}",
                        key.value, node.id.value, key.value
                    ),
                    format!("names key {wrong}"),
                )
                .with_label(key.span, "the option's key")
                .help(format!(
                    "make the prompt name key {}, or change the key to {wrong}",
                    key.value
                ))
                .node(node.id.value.clone()),
            );
        }
    }
}

const DIGIT_WORDS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const CHINESE_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The keys a prompt tells the caller to press, in order.
#[cfg(test)]
fn named_keys(say: &str) -> Vec<String> {
    key_phrases(say).into_iter().map(|(key, _)| key).collect()
}

/// The keys a prompt tells the caller to press, each with the words that name it
/// (`press three`, `请按二`).
pub fn key_phrases(say: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    english_keys(say, &mut keys);
    chinese_keys(say, &mut keys);
    keys
}

fn english_keys(text: &str, keys: &mut Vec<(String, String)>) {
    let original: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '"')
        })
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = original.iter().map(|w| w.to_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();
    for (i, word) in words.iter().enumerate() {
        if !matches!(*word, "press" | "dial" | "push" | "select" | "key") {
            continue;
        }
        let mut at = i + 1;
        while words.get(at).is_some_and(|w| matches!(*w, "the" | "key")) {
            at += 1;
        }
        let Some(token) = words.get(at) else { continue };
        // "select one of our plans" names no key.
        if words.get(at + 1) == Some(&"of") {
            continue;
        }
        if let Some(key) = key_token(token) {
            let end = if words.get(at + 1) == Some(&"key") {
                at + 1
            } else {
                at
            };
            keys.push((key, original[i..=end].join(" ")));
        }
    }
}

fn key_token(token: &str) -> Option<String> {
    if token.chars().all(|c| c.is_ascii_digit()) {
        return Some(token.to_string());
    }
    match token {
        "*" | "star" | "asterisk" => Some("*".into()),
        "#" | "hash" | "pound" => Some("#".into()),
        _ => DIGIT_WORDS
            .iter()
            .position(|w| *w == token)
            .map(|d| d.to_string()),
    }
}

/// An ASCII or full-width digit.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

fn chinese_keys(text: &str, keys: &mut Vec<(String, String)>) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let rest = &chars[i + 1..];
        if c == '按' {
            let mut j = 0;
            while rest.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let Some(&first) = rest.get(j) else { continue };
            let mut len = 1;
            let key = if digit(first).is_some() {
                let digits: String = rest[j..].iter().map_while(|&c| digit(c)).collect();
                len = digits.chars().count();
                Some(digits)
            } else if let Some(d) = CHINESE_DIGITS.iter().position(|&d| d == first) {
                // 按一下 / 按一次: "press once", not key 1.
                if matches!(rest.get(j + 1), Some('下' | '次')) {
                    continue;
                }
                Some(d.to_string())
            } else if first == '*' || first == '＊' || first == '星' {
                Some("*".to_string())
            } else if first == '#' || first == '＃' || first == '井' {
                Some("#".to_string())
            } else {
                None
            };
            if let Some(key) = key {
                let from = if i > 0 && chars[i - 1] == '请' {
                    i - 1
                } else {
                    i
                };
                let mut to = i + 1 + j + len;
                if rest[j + len..].starts_with(&['号', '键']) {
                    to += 2;
                }
                keys.push((key, chars[from..to].iter().collect()));
            }
        } else if c == '号' && rest.first() == Some(&'键') && (i == 0 || chars[i - 1] != '按') {
            // `星号键` / `*号键` / `井号键` / `#号键` named without a preceding 按.
            let before = if i > 0 { chars[i - 1] } else { ' ' };
            let pressed = i >= 2 && chars[i - 2] == '按';
            if pressed {
                continue;
            }
            let key = match before {
                '星' | '*' | '＊' => "*",
                '井' | '#' | '＃' => "#",
                _ => continue,
            };
            keys.push((key.into(), chars[i - 1..i + 2].iter().collect()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{key_phrases, named_keys};

    #[test]
    fn recognises_keys_in_english_and_chinese() {
        assert_eq!(named_keys("For billing, press 1."), ["1"]);
        assert_eq!(named_keys("To go back, press star."), ["*"]);
        assert_eq!(named_keys("Press the pound key to finish"), ["#"]);
        assert_eq!(named_keys("dial nine for more"), ["9"]);
        assert_eq!(named_keys("查询话费请按1"), ["1"]);
        assert_eq!(named_keys("返回上级菜单请按星号键"), ["*"]);
        assert_eq!(named_keys("人工服务请按零"), ["0"]);
        assert_eq!(named_keys("重听请按井号键"), ["#"]);
        assert_eq!(named_keys("星号键返回"), ["*"]);
        assert_eq!(
            named_keys("4G/5G plans and 12.5GB of data"),
            Vec::<String>::new()
        );
        assert_eq!(named_keys("办理4G/5G套餐请按3"), ["3"]);
        assert_eq!(named_keys("返回请按一下星号键"), ["*"]);
        assert_eq!(named_keys("查询请按１"), ["1"]);
        assert_eq!(named_keys("To select one of our plans, press 2."), ["2"]);
        assert_eq!(
            key_phrases("查询话费请按二，重听请按星号键"),
            [
                ("2".to_string(), "请按二".to_string()),
                ("*".to_string(), "请按星号键".to_string())
            ]
        );
        assert_eq!(
            key_phrases("Press the pound key"),
            [("#".to_string(), "Press the pound key".to_string())]
        );
    }
}
