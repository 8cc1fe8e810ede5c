use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// Every option has a key, and keys are `0`-`9`, `*` or `#`.
    ///
    /// ## Why it matters
    ///
    /// A telephone keypad has twelve keys. An option keyed `10` or `A` can never be chosen,
    /// and an option with no key at all cannot either.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: 10, say: "For anything else, press 10.", to: other }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: 9, say: "For anything else, press 9.", to: other }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static INVALID_KEY = {
        name: "invalid-key",
        severity: Error,
        summary: "keys are `0`-`9`, `*`, `#`",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A speech node's routes are keyed by intent names, not keys.
    for node in ctx.menu.nodes.iter().filter(|n| n.kind != NodeKind::Speech) {
        for option in &node.options {
            let finding = match &option.key {
                None => Finding::new(
                    option.span,
                    format!("an option of `{}` has no key", node.id.value),
                    "no `key`",
                )
                .help("add `key:` with one of 0-9, \"*\" or \"#\""),
                Some(key) if !option.has_valid_key() => Finding::new(
                    key.span,
                    format!("`{}` is not a telephone key", key.value),
                    "not a key",
                )
                .help("use one of 0-9, \"*\" or \"#\"; move extra options to a submenu"),
                Some(_) => continue,
            };
            out.push(finding.node(node.id.value.clone()));
        }
    }
}
