//! The keys a prompt tells callers to press, in English, Spanish, Portuguese, French, German and
//! Chinese: the `prompt-key-mismatch` rule checks them against the options' keys, and the
//! simulator counts an option as announced when a prompt names its key.

use std::borrow::Cow;

/// How one language names a key: the words that ask for one, the small words that may come
/// between (`the`, `la tecla`, `die Taste`), and its words for the keys.
#[derive(Debug)]
struct Language {
    /// Phrases that ask for a key, each a sequence of lower-case words (`appuyez sur`).
    verbs: &'static [&'static [&'static str]],
    /// Words skipped between the verb and the key.
    fillers: &'static [&'static str],
    /// The words for 0 to 9 (several for some digits: `dois` and `duas`).
    digits: [&'static [&'static str]; 10],
    star: &'static [&'static str],
    hash: &'static [&'static str],
}

const ENGLISH: Language = Language {
    verbs: &[&["press"], &["dial"], &["push"], &["select"], &["key"]],
    fillers: &["the", "key"],
    digits: [
        &["zero"],
        &["one"],
        &["two"],
        &["three"],
        &["four"],
        &["five"],
        &["six"],
        &["seven"],
        &["eight"],
        &["nine"],
    ],
    star: &["star", "asterisk"],
    hash: &["hash", "pound"],
};

const SPANISH: Language = Language {
    verbs: &[
        &["oprima"],
        &["marque"],
        &["pulse"],
        &["presione"],
        &["digite"],
        &["teclee"],
        &["tecla"],
    ],
    fillers: &["el", "la", "tecla", "número", "numero"],
    digits: [
        &["cero"],
        &["uno", "una"],
        &["dos"],
        &["tres"],
        &["cuatro"],
        &["cinco"],
        &["seis"],
        &["siete"],
        &["ocho"],
        &["nueve"],
    ],
    star: &["asterisco", "estrella"],
    hash: &["numeral", "almohadilla"],
};

const PORTUGUESE: Language = Language {
    verbs: &[
        &["pressione"],
        &["digite"],
        &["tecle"],
        &["disque"],
        &["aperte"],
        &["tecla"],
    ],
    fillers: &["o", "a", "tecla", "número", "numero"],
    digits: [
        &["zero"],
        &["um", "uma"],
        &["dois", "duas"],
        &["três", "tres"],
        &["quatro"],
        &["cinco"],
        &["seis", "meia"],
        &["sete"],
        &["oito"],
        &["nove"],
    ],
    star: &["asterisco", "estrela"],
    hash: &["cerquilha", "sustenido", "tralha"],
};

const FRENCH: Language = Language {
    verbs: &[
        &["appuyez", "sur"],
        &["tapez"],
        &["composez"],
        &["faites"],
        &["touche"],
    ],
    fillers: &["la", "le", "l", "touche"],
    digits: [
        &["zéro", "zero"],
        &["un", "une"],
        &["deux"],
        &["trois"],
        &["quatre"],
        &["cinq"],
        &["six"],
        &["sept"],
        &["huit"],
        &["neuf"],
    ],
    star: &["étoile", "etoile", "astérisque"],
    hash: &["dièse", "diese", "carré"],
};

const GERMAN: Language = Language {
    verbs: &[
        &["drücken", "sie"],
        &["wählen", "sie"],
        &["drücke"],
        &["wähle"],
        &["taste"],
    ],
    fillers: &["bitte", "die", "taste", "jetzt", "nun"],
    digits: [
        &["null"],
        &["eins"],
        &["zwei", "zwo"],
        &["drei"],
        &["vier"],
        &["fünf"],
        &["sechs"],
        &["sieben"],
        &["acht"],
        &["neun"],
    ],
    star: &["stern", "sterntaste"],
    hash: &["raute", "rautetaste"],
};

/// The languages read, in the order tried when a verb belongs to several (`digite`).
const LANGUAGES: [&Language; 5] = [&ENGLISH, &SPANISH, &PORTUGUESE, &FRENCH, &GERMAN];

/// Number words that are also "a" or "an" (`tapez un code`, `seleccione una opción`): a key
/// only at the end of a clause or before a word that starts the next one.
const ARTICLES: &[&str] = &["one", "un", "une", "uno", "una", "um", "uma", "ein", "eine"];
const CLAUSE_STARTS: &[&str] = &[
    "for", "to", "and", "or", "para", "por", "y", "o", "e", "ou", "pour", "et", "für", "und",
    "oder", "zum", "zur",
];

/// Words after a number that show it counts something rather than names a key (`4 digits`,
/// `dos veces`).
const COUNTED: &[&str] = &[
    "digits", "times", "dígitos", "digitos", "veces", "vezes", "números", "numeros", "chiffres",
    "fois", "ziffern", "mal",
];

const CHINESE_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The keys a prompt tells the caller to press, in order.
#[cfg(test)]
fn named_keys(say: &str) -> Vec<String> {
    key_phrases(say).into_iter().map(|(key, _)| key).collect()
}

/// The keys a prompt tells the caller to press, each with the words that name it
/// (`press three`, `请按二`, `oprima el 2`).
pub fn key_phrases(say: &str) -> Vec<(String, String)> {
    key_mentions(say)
        .into_iter()
        .map(|m| (m.key, m.phrase))
        .collect()
}

/// A key a prompt names, with where the word for the key is, so a fix can name another key in
/// the same words (`press two` becomes `press three`, `请按2` becomes `请按3`).
#[derive(Clone, Debug)]
pub struct KeyMention {
    pub key: String,
    /// The words that name it (`press the pound key`).
    pub phrase: String,
    /// The bytes of the prompt that spell the key itself (`pound`, `2`, `二`).
    pub token: std::ops::Range<usize>,
    /// The language whose words were read (`None` for Chinese).
    language: Option<&'static Language>,
}

impl KeyMention {
    /// How the prompt would spell `key` in place of [`KeyMention::token`]: a digit for a
    /// digit, a word for a word (capitalised like it), a Chinese numeral for a numeral; `None`
    /// when `key` is not a telephone key.
    pub fn respell(&self, say: &str, key: &str) -> Option<String> {
        let old = say.get(self.token.clone())?;
        let digit = match key {
            "*" | "#" => None,
            _ if key.len() == 1 && key.as_bytes()[0].is_ascii_digit() => {
                Some(usize::from(key.as_bytes()[0] - b'0'))
            }
            _ => return None,
        };
        let Some(language) = self.language else {
            return Some(chinese_spelling(old, key, digit));
        };
        let first = old.chars().next()?;
        if first.is_ascii_digit() || first == '*' || first == '#' {
            // A symbol or digit stays one; a star or hash said in words where a digit stood.
            return Some(match (digit, key) {
                (Some(_), _) => key.to_string(),
                (None, "*") if first == '*' || first == '#' => key.to_string(),
                (None, "*") => language.star[0].to_string(),
                _ if first == '*' || first == '#' => key.to_string(),
                _ => language.hash[0].to_string(),
            });
        }
        let word = match (digit, key) {
            (Some(d), _) => language.digits[d][0],
            (None, "*") => language.star[0],
            _ => language.hash[0],
        };
        Some(if first.is_uppercase() {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        } else {
            word.to_string()
        })
    }
}

/// A key in the style of the Chinese token it replaces.
fn chinese_spelling(old: &str, key: &str, digit: Option<usize>) -> String {
    let first = old.chars().next().unwrap_or('1');
    let full_width = ('０'..='９').contains(&first) || first == '＊' || first == '＃';
    let numeral = CHINESE_DIGITS.contains(&first) || first == '星' || first == '井';
    match digit {
        Some(d) if numeral => CHINESE_DIGITS[d].to_string(),
        Some(d) if full_width => char::from_u32('０' as u32 + d as u32)
            .map(String::from)
            .unwrap_or_else(|| key.to_string()),
        Some(_) => key.to_string(),
        None if numeral => (if key == "*" { "星" } else { "井" }).to_string(),
        None if full_width => (if key == "*" { "＊" } else { "＃" }).to_string(),
        None => key.to_string(),
    }
}

/// The keys a prompt names, with where.
pub fn key_mentions(say: &str) -> Vec<KeyMention> {
    let mut keys = Vec::new();
    worded_keys(say, &mut keys);
    chinese_keys(say, &mut keys);
    keys
}

/// One word of a prompt, and whether punctuation (or the end) follows it.
struct Word<'a> {
    text: &'a str,
    /// Its first byte in the prompt.
    start: usize,
    /// The word in lower case (borrowed when it is already: most words of a prompt are).
    lower: Cow<'a, str>,
    ends_clause: bool,
}

/// `word` in lower case, copied only when it has a letter to lower.
fn lowercase(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

fn words(text: &str) -> Vec<Word<'_>> {
    let is_break = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | '.'
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | '('
                    | ')'
                    | '"'
                    | '\''
                    | '’'
                    | '¿'
                    | '¡'
                    | '«'
                    | '»'
            )
    };
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if !is_break(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Word {
                text: &text[s..i],
                start: s,
                lower: lowercase(&text[s..i]),
                ends_clause: false,
            });
        }
        if !c.is_whitespace()
            && !matches!(c, '\'' | '’')
            && let Some(last) = out.last_mut()
        {
            last.ends_clause = true;
        }
    }
    if let Some(last) = out.last_mut() {
        last.ends_clause = true;
    }
    out
}

/// Keys named in words, in any of [`LANGUAGES`]: a verb, the language's small words, a key.
fn worded_keys(text: &str, keys: &mut Vec<KeyMention>) {
    let words = words(text);
    let lower: Vec<&str> = words.iter().map(|w| &*w.lower).collect();
    // Words already in a phrase (the `tecla` of `pulse la tecla 2`) start none of their own.
    let mut free_from = 0;
    for i in 0..words.len() {
        if i < free_from {
            continue;
        }
        for language in LANGUAGES {
            let Some(verb) = language.verbs.iter().find(|v| lower[i..].starts_with(v)) else {
                continue;
            };
            let mut at = i + verb.len();
            while lower.get(at).is_some_and(|w| language.fillers.contains(w)) {
                at += 1;
            }
            let Some(word) = words.get(at) else { continue };
            let Some(key) = language.key(&word.lower) else {
                continue;
            };
            let next = lower.get(at + 1).copied();
            if next.is_some_and(|n| COUNTED.contains(&n)) {
                continue;
            }
            // "select one of our plans", "tapez un code": an article, not a key.
            if ARTICLES.contains(&&*word.lower)
                && !word.ends_clause
                && !next.is_some_and(|n| CLAUSE_STARTS.contains(&n))
            {
                continue;
            }
            let end = if next == Some("key") { at + 1 } else { at };
            let phrase: Vec<&str> = words[i..=end].iter().map(|w| w.text).collect();
            keys.push(KeyMention {
                key,
                phrase: phrase.join(" "),
                token: word.start..word.start + word.text.len(),
                language: Some(language),
            });
            free_from = end + 1;
            break;
        }
    }
}

impl Language {
    fn key(&self, word: &str) -> Option<String> {
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) {
            return Some(word.to_string());
        }
        if word == "*" || self.star.contains(&word) {
            return Some("*".into());
        }
        if word == "#" || self.hash.contains(&word) {
            return Some("#".into());
        }
        self.digits
            .iter()
            .position(|names| names.contains(&word))
            .map(|d| d.to_string())
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

fn chinese_keys(text: &str, keys: &mut Vec<KeyMention>) {
    // Every mention has a 按 or a 号; most prompts have neither.
    if !text.contains(['按', '号']) {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    // Byte offset of each char (and of the end).
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mention = |key: String, from: usize, to: usize, token: std::ops::Range<usize>| KeyMention {
        key,
        phrase: chars[from..to].iter().collect(),
        token: offsets[token.start]..offsets[token.end],
        language: None,
    };
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
                let token = i + 1 + j..i + 1 + j + len;
                keys.push(mention(key, from, to, token));
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
            keys.push(mention(key.into(), i - 1, i + 2, i - 1..i));
        }
    }
}

/// Whether each option of `node` is announced: its own `say`, or the node's `say`, names its
/// key.
pub fn announced(node: &super::Node) -> Vec<bool> {
    let named = |say: &Option<crate::source::Spanned<String>>| {
        say.as_ref()
            .map(|s| key_phrases(&s.value))
            .unwrap_or_default()
    };
    let in_intro = named(&node.say);
    node.options
        .iter()
        .map(|o| {
            let key = o.key_text();
            in_intro.iter().any(|(k, _)| k == key) || named(&o.say).iter().any(|(k, _)| k == key)
        })
        .collect()
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
        assert_eq!(named_keys("Press one for sales."), ["1"]);
    }

    #[test]
    fn a_mention_is_respelt_in_the_prompts_own_words() {
        let respelt = |say: &str, key: &str| {
            let mention = &super::key_mentions(say)[0];
            let mut out = say.to_string();
            out.replace_range(mention.token.clone(), &mention.respell(say, key).unwrap());
            out
        };
        assert_eq!(
            respelt("For billing, press 3.", "2"),
            "For billing, press 2."
        );
        assert_eq!(
            respelt("For billing, press Three.", "2"),
            "For billing, press Two."
        );
        assert_eq!(
            respelt("To go back, press star.", "#"),
            "To go back, press hash."
        );
        assert_eq!(respelt("Press 4 for help.", "*"), "Press star for help.");
        assert_eq!(
            respelt("Para ventas, oprima el dos.", "3"),
            "Para ventas, oprima el tres."
        );
        assert_eq!(
            respelt("Für Rechnungen drücken Sie die 2.", "5"),
            "Für Rechnungen drücken Sie die 5."
        );
        assert_eq!(respelt("查询话费请按二", "4"), "查询话费请按四");
        assert_eq!(respelt("查询请按１", "2"), "查询请按２");
        assert_eq!(respelt("重听请按井号键", "*"), "重听请按星号键");
    }

    #[test]
    fn recognises_keys_in_spanish_portuguese_french_and_german() {
        for (say, keys) in [
            // Spanish
            ("Para pagos, oprima 2.", &["2"][..]),
            ("Para ventas, marque el tres.", &["3"]),
            ("Para repetir, pulse la tecla asterisco.", &["*"]),
            ("Para soporte, presione uno.", &["1"]),
            ("Seleccione una opción; para salir, marque numeral.", &["#"]),
            // Portuguese
            ("Para segunda via, pressione 2.", &["2"]),
            ("Para falar com um atendente, digite zero.", &["0"]),
            ("Para suporte, tecle três.", &["3"]),
            ("Digite os 8 dígitos do seu CPF.", &[]),
            ("Digite 8 dígitos.", &[]),
            ("Para voltar, tecle asterisco.", &["*"]),
            // French
            ("Pour la facturation, appuyez sur la touche 2.", &["2"]),
            ("Pour un conseiller, tapez zéro.", &["0"]),
            ("Pour réécouter, appuyez sur étoile.", &["*"]),
            ("Tapez un code à quatre chiffres.", &[]),
            ("Pour les ventes, tapez un.", &["1"]),
            // German
            ("Für Rechnungen drücken Sie die 2.", &["2"]),
            ("Für den Kundendienst wählen Sie bitte die Eins.", &["1"]),
            ("Zum Wiederholen drücken Sie die Sterntaste.", &["*"]),
            ("Wählen Sie eine der folgenden Optionen.", &[]),
            ("Drücken Sie die Taste Raute.", &["#"]),
        ] {
            assert_eq!(named_keys(say), keys, "{say}");
        }
        assert_eq!(
            key_phrases("Para ventas, oprima el dos."),
            [("2".to_string(), "oprima el dos".to_string())]
        );
        assert_eq!(
            key_phrases("Pour la facturation, appuyez sur la touche 2."),
            [("2".to_string(), "appuyez sur la touche 2".to_string())]
        );
    }
}
