use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::menu::keys::key_phrases;

declare_rule! {
    /// ## What it checks
    ///
    /// No two options of one menu have prompts that share most of their content words. The
    /// content words of an option's `say` are what is left after the words that name its key
    /// (`press 2`, `请按2`) and the small words every prompt has (`for`, `to`, `press`, `your`,
    /// `please`...) are dropped; English words lose a plural `s`. Chinese, Japanese and Korean
    /// text has no spaces, so there the words are its character pairs (`话费余额` gives `话费`,
    /// `费余`, `余额`). Two options are flagged when the words they share are more than
    /// `max_shared` of the words the two prompts have between them (so more than half by
    /// default: "report a power cut" and "an update on a power cut" share `power` and `cut`
    /// out of four words, and pass). Options that lead to the same node, and the
    /// options that are not categories (the agent, back, repeat and complaint options), are
    /// not compared. A menu of more than 64 options is not compared either: it is
    /// `too-many-options`' finding already, and comparing every pair of a generated menu of
    /// thousands of options would take minutes.
    ///
    /// ## Why it matters
    ///
    /// Field studies of touch-tone menus find 30–50% of callers not reaching the place they
    /// needed, and most of them chose the wrong category, not the wrong key: they heard two
    /// options that sounded alike and guessed. The customer-service guides ask for option
    /// descriptions as short and plain as possible and for few categories, so that each option
    /// says something the others do not. A caller cannot ask which of "billing enquiries" and
    /// "billing and payments" is theirs; they pick one, and half of them pick wrong. The
    /// simulator can price the guess: declare the confusion with `confused_with` in the
    /// intents file, or set `callers.confusion`.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "1", say: "For questions about your bill, press 1.", to: billing }
    /// - { key: "2", say: "For bill payment questions, press 2.", to: payments }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "1", say: "To ask about a bill, press 1.", to: billing }
    /// - { key: "2", say: "To pay, press 2.", to: payments }
    /// ```
    ///
    /// ## Options
    ///
    /// - `max_shared` (default 0.5): the largest share of their content words (of the words
    ///   either prompt has) two options may have in common.
    pub static CONFUSABLE_OPTIONS = {
        name: "confusable-options",
        severity: Warning,
        summary: "no two options of a menu have prompts sharing most of their content words",
        options: [("max_shared", 0.5, "largest share of content words two options may share", number)],
        check: check,
    };
}

/// Words every prompt has, which say nothing about the category.
const SMALL_WORDS: &[&str] = &[
    "a", "about", "an", "and", "any", "are", "at", "be", "can", "dial", "do", "for", "from",
    "have", "hear", "if", "in", "is", "it", "key", "like", "me", "my", "need", "now", "of", "on",
    "option", "or", "our", "please", "press", "push", "say", "select", "that", "the", "this", "to",
    "us", "want", "we", "with", "would", "you", "your", "zero", "one", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "star", "pound", "hash",
];

/// Characters of Chinese prompts that ask for a key or are punctuation, not content.
const SMALL_CHARS: &[char] = &['请', '按', '键', '号', '星', '井', '或', '和', '及', '的'];

/// The most options of a menu whose prompts are compared pairwise.
pub const MAX_COMPARED_OPTIONS: usize = 64;

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max_shared = ctx.option("max_shared");
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Menu || node.options.len() > MAX_COMPARED_OPTIONS {
            continue;
        }
        let words: Vec<Option<Vec<String>>> = (0..node.options.len())
            .map(|k| {
                let option = &node.options[k];
                let say = option.say.as_ref()?;
                (!ctx.is_exempt(id, k)).then(|| content_words(&say.value))
            })
            .collect();
        for a in 0..node.options.len() {
            for b in a + 1..node.options.len() {
                let (Some(wa), Some(wb)) = (&words[a], &words[b]) else {
                    continue;
                };
                let (oa, ob) = (&node.options[a], &node.options[b]);
                let same_target = match (&oa.to, &ob.to) {
                    (Some(x), Some(y)) => x.value == y.value,
                    _ => false,
                };
                if same_target || wa.is_empty() || wb.is_empty() {
                    continue;
                }
                let shared: Vec<&String> = wa.iter().filter(|w| wb.contains(w)).collect();
                let between = wa.len() + wb.len() - shared.len();
                if (shared.len() as f64) <= max_shared * between as f64 {
                    continue;
                }
                let list: Vec<String> = shared.iter().map(|w| format!("`{w}`")).collect();
                let span = |o: &crate::menu::MenuOption| o.say.as_ref().map_or(o.span, |s| s.span);
                out.push(
                    Finding::new(
                        span(ob),
                        format!(
                            "options {} and {} of `{}` sound alike: their prompts share {}",
                            oa.key_text(),
                            ob.key_text(),
                            node.id.value,
                            list.join(", ")
                        ),
                        format!("{} of the {between} words of both", shared.len()),
                    )
                    .with_label(span(oa), "sounds like this one")
                    .help("say what makes each option different, in words the other does not use, or merge the two")
                    .node(node.id.value.clone()),
                );
            }
        }
    }
}

/// The content words of a prompt, each once, in order: words without the key phrases and the
/// small words; character pairs for Chinese, Japanese and Korean text.
pub(crate) fn content_words(say: &str) -> Vec<String> {
    let mut text = say.to_string();
    for (_, phrase) in key_phrases(say) {
        text = text.replace(&phrase, " ");
    }
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, push: &mut dyn FnMut(String)| {
        match run.len() {
            0 => {}
            1 => push(run[0].to_string()),
            _ => {
                for pair in run.windows(2) {
                    push(pair.iter().collect());
                }
            }
        }
        run.clear();
    };
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if crate::text::is_cjk(c) {
            if !word.is_empty() {
                push(latin_word(&std::mem::take(&mut word)));
            }
            if SMALL_CHARS.contains(&c) {
                flush(&mut run, &mut push);
            } else {
                run.push(c);
            }
            continue;
        }
        flush(&mut run, &mut push);
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            push(latin_word(&std::mem::take(&mut word)));
        }
    }
    words.retain(|w| {
        !w.is_empty()
            && !SMALL_WORDS.contains(&w.as_str())
            && !w.chars().all(|c| c.is_ascii_digit())
    });
    words
}

/// A word without a plural `s` (`payments` and `payment` are one word).
fn latin_word(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::content_words;

    #[test]
    fn content_words_drop_keys_and_small_words() {
        assert_eq!(
            content_words("For billing questions and payments, press 1."),
            ["billing", "question", "payment"]
        );
        assert_eq!(
            content_words("查询话费余额请按1"),
            ["查询", "询话", "话费", "费余", "余额"]
        );
        assert_eq!(content_words("人工服务请按0"), ["人工", "工服", "服务"]);
        assert!(content_words("Press 0.").is_empty());
    }
}
