use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// No two options of one menu share a key.
    ///
    /// ## Why it matters
    ///
    /// A caller can press a key only once: the second option with the same key is
    /// unreachable, and the prompt promises something the menu cannot deliver. It usually
    /// comes from copying an option and forgetting to renumber it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// options:
    ///   - { key: "1", say: "For billing, press 1.", to: billing }
    ///   - { key: "1", say: "For support, press 2.", to: support }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// options:
    ///   - { key: "1", say: "For billing, press 1.", to: billing }
    ///   - { key: "2", say: "For support, press 2.", to: support }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static DUPLICATE_KEY = {
        name: "duplicate-key",
        severity: Error,
        summary: "no two options of one menu share a key",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A speech node's routes are a mapping: YAML itself refuses a name written twice.
    for node in ctx.menu.nodes.iter().filter(|n| n.kind != NodeKind::Speech) {
        for (i, option) in node.options.iter().enumerate() {
            let Some(key) = &option.key else { continue };
            let Some(first) = node.options[..i]
                .iter()
                .find(|o| o.key.as_ref().is_some_and(|k| k.value == key.value))
            else {
                continue;
            };
            let used: Vec<&str> = node.options.iter().map(|o| o.key_text()).collect();
            let free = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                .into_iter()
                .find(|k| !used.contains(k));
            let help = match free {
                Some(free) => format!(
                    "give this option a key of its own, such as \"{free}\", and say it in its prompt"
                ),
                None => "give this option a key of its own, or move it to a submenu".to_string(),
            };
            out.push(
                Finding::new(
                    key.span,
                    format!("key {} is used twice in `{}`", key.value, node.id.value),
                    "used again here",
                )
                .with_label(
                    first.key.as_ref().map_or(first.span, |k| k.span),
                    "first used here",
                )
                .help(help)
                .node(node.id.value.clone()),
            );
        }
    }
}
