use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::lint::context::Context;
use crate::lint::edits::value_span;
use crate::lint::rule::Finding;
use crate::menu::keys::key_mentions;
use crate::source::{SourceFile, Spanned};

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
    /// - Spanish: `oprima`, `marque`, `pulse`, `presione`, `digite`, `teclee` (and `tecla N`),
    ///   then optionally `el`, `la`, `tecla`, `número`, then a digit, `cero` to `nueve`
    ///   (`uno`/`una`), `asterisco`/`estrella` or `numeral`/`almohadilla`;
    /// - Portuguese: `pressione`, `digite`, `tecle`, `disque`, `aperte` (and `tecla N`), then
    ///   optionally `o`, `a`, `tecla`, `número`, then a digit, `zero` to `nove` (`um`/`uma`,
    ///   `dois`/`duas`, `três`, `seis`/`meia`), `asterisco`/`estrela` or
    ///   `cerquilha`/`sustenido`/`tralha`;
    /// - French: `appuyez sur`, `tapez`, `composez`, `faites` (and `touche N`), then optionally
    ///   `la`, `le`, `l'`, `touche`, then a digit, `zéro` to `neuf` (`un`/`une`),
    ///   `étoile`/`astérisque` or `dièse`/`carré`;
    /// - German: `drücken Sie`, `wählen Sie`, `drücke`, `wähle` (and `Taste N`), then optionally
    ///   `bitte`, `die`, `Taste`, `jetzt`, `nun`, then a digit, `null` to `neun` (`zwei`/`zwo`),
    ///   `Stern`/`Sterntaste` or `Raute`/`Rautetaste`.
    ///
    /// **How the language is told.** It is not: there is no language setting, and a menu may mix
    /// languages. Every prompt is read in all of them at once, word by word, case-insensitively.
    /// A phrase starts with one language's verb, and only that language's small words and key
    /// words may follow it (a verb two languages share, `digite`, accepts the words of both). The
    /// verbs hardly overlap across languages, so a prompt in one language does not match another's.
    ///
    /// Full-width digits (`按１`) count. Numbers that are not about a key (`4G/5G`, `12.5GB`,
    /// `24 hours`, `select one of`, `按一下` "press once") are not keys; nor is a number that counts
    /// something (`digite 8 dígitos`, `4 digits`, `dos veces`), nor a number word that is also an
    /// article (`one`, `uno`, `un`, `um`, `eine`...) unless the clause ends after it or the next
    /// word starts a new one (`press one for sales`, but not `tapez un code`).
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
    /// ## Fix
    ///
    /// Unsafe (it changes what callers hear): the prompt names the option's key in the words
    /// it used for the wrong one (`press two` becomes `press three`, `请按2` becomes `请按3`).
    /// It is offered when the prompt is written as it reads (no escapes, on one line).
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
            let named = key_mentions(&say.value);
            let Some(mention) = named.iter().find(|m| m.key != key.value) else {
                continue;
            };
            let (wrong, phrase) = (&mention.key, &mention.phrase);
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
                .node(node.id.value.clone())
                .with_fix(name_the_key(&ctx.menu.source, say, &key.value)),
            );
        }
    }
}

/// The fix: every key the prompt names that is not `key` becomes `key`, spelt as the prompt
/// spelt the wrong one.
pub(crate) fn name_the_key(source: &SourceFile, say: &Spanned<String>, key: &str) -> Option<Fix> {
    let mut edits = Vec::new();
    for mention in key_mentions(&say.value).iter().filter(|m| m.key != key) {
        let span = value_span(source, say, mention.token.clone())?;
        edits.push(Edit::replace(span, mention.respell(&say.value, key)?));
    }
    (!edits.is_empty()).then(|| Fix::unsafe_fix(format!("make the prompt name key {key}"), edits))
}
