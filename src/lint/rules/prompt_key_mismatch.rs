use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::keys::key_phrases;

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
