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
    /// Numbers that are not about a key (`4G/5G`, `12.5GB`, `24 hours`) are not keys.
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
            let named = named_keys(&say.value);
            let Some(wrong) = named.iter().find(|k| **k != key.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    say.span,
                    format!(
                        "option {} of `{}` says \"{}\" but its key is {}",
                        key.value,
                        node.id.value,
                        spoken(wrong),
                        key.value
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

fn spoken(key: &str) -> String {
    format!("press {key}")
}

const DIGIT_WORDS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const CHINESE_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The keys a prompt tells the caller to press, in order.
pub fn named_keys(say: &str) -> Vec<String> {
    let mut keys = Vec::new();
    english_keys(&say.to_lowercase(), &mut keys);
    chinese_keys(say, &mut keys);
    keys
}

fn english_keys(text: &str, keys: &mut Vec<String>) {
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '"')
        })
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        if !matches!(*word, "press" | "dial" | "push" | "select" | "key") {
            continue;
        }
        let mut rest = words[i + 1..].iter().copied().peekable();
        while rest.next_if(|w| matches!(*w, "the" | "key")).is_some() {}
        let Some(token) = rest.next() else { continue };
        if let Some(key) = key_token(token) {
            keys.push(key);
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

fn chinese_keys(text: &str, keys: &mut Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let rest = &chars[i + 1..];
        if c == '按' {
            let mut j = 0;
            while rest.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let Some(&first) = rest.get(j) else { continue };
            let key = if first.is_ascii_digit() {
                let digits: String = rest[j..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                Some(digits)
            } else if let Some(d) = CHINESE_DIGITS.iter().position(|&d| d == first) {
                Some(d.to_string())
            } else if first == '*' || first == '＊' || first == '星' {
                Some("*".to_string())
            } else if first == '#' || first == '＃' || first == '井' {
                Some("#".to_string())
            } else {
                None
            };
            if let Some(key) = key {
                keys.push(key);
            }
        } else if c == '号' && rest.first() == Some(&'键') && (i == 0 || chars[i - 1] != '按') {
            // `星号键` / `*号键` / `井号键` / `#号键` named without a preceding 按.
            let before = if i > 0 { chars[i - 1] } else { ' ' };
            let pressed = i >= 2 && chars[i - 2] == '按';
            if pressed {
                continue;
            }
            match before {
                '星' | '*' | '＊' => keys.push("*".into()),
                '井' | '#' | '＃' => keys.push("#".into()),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::named_keys;

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
    }
}
