use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::menu::keys::announced;

declare_rule! {
    /// ## What it checks
    ///
    /// Every option of a menu is announced: its own `say`, or the menu's `say`, names its key
    /// (read as the `prompt-key-mismatch` rule reads prompts, in English, Spanish, Portuguese,
    /// French, German and Chinese: `press 3`, `请按3`, `pulse el 3`...).
    ///
    /// ## Why it matters
    ///
    /// A caller can only press what they hear. An option nobody announces is used by the callers
    /// who already know it and by those who guess, and by nobody else: the work behind it is
    /// wasted on everyone who needed it and was not told. Guessing follows the keypad
    /// conventions — options on 1 to 9, 0 for a person, * to go back or repeat, # to end an
    /// entry — so many callers try 0 when lost, and a hidden 0 to an operator catches some of
    /// them; a hidden 7 catches nobody. The simulator can show the cost: set
    /// `callers.use_unannounced: false` in the intents file (and `callers.zero_out` for the share
    /// who try 0).
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "1", say: "For your balance, press 1.", to: balance }
    /// - { key: "0", say: "Or hold for an agent.", to: agent }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "1", say: "For your balance, press 1.", to: balance }
    /// - { key: "0", say: "To speak to an agent, press 0.", to: agent }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static UNANNOUNCED_OPTION = {
        name: "unannounced-option",
        severity: Warning,
        summary: "every option's key is named by its own prompt or the menu's",
        options: [],
        check: check,
    };
}

/// One finding per menu, with a label on each option it does not announce (a generated menu
/// of thousands of silent options gets one finding a menu, not one an option).
fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in &ctx.menu.nodes {
        if node.kind != NodeKind::Menu {
            continue;
        }
        let silent: Vec<&crate::menu::MenuOption> = node
            .options
            .iter()
            .zip(announced(node))
            .filter(|(option, heard)| !heard && option.has_valid_key())
            .map(|(option, _)| option)
            .collect();
        let Some(first) = silent.first() else {
            continue;
        };
        let span = |option: &crate::menu::MenuOption| match (&option.say, &option.key) {
            (Some(say), _) => say.span,
            (None, Some(key)) => key.span,
            (None, None) => option.span,
        };
        let keys: Vec<&str> = silent.iter().map(|o| o.key_text()).collect();
        let message = if let [key] = keys.as_slice() {
            format!(
                "option {key} of `{}` is not announced: no prompt names key {key}",
                node.id.value
            )
        } else {
            format!(
                "options {} of `{}` are not announced: no prompt names their keys",
                keys.join(", "),
                node.id.value
            )
        };
        let label =
            |option: &crate::menu::MenuOption| format!("does not name key {}", option.key_text());
        let mut finding = Finding::new(span(first), message, label(first))
            .help(format!(
                "name the key in the option's `say` (\"..., press {}.\") or in the menu's `say`",
                first.key_text()
            ))
            .node(node.id.value.clone());
        for option in &silent[1..] {
            finding = finding.with_label(span(option), label(option));
        }
        out.push(finding);
    }
}
