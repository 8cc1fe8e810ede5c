use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// With an intents file: every intent is served by some reachable node, or by a reachable
    /// transfer serving `"*"` (a general agent). An unreachable `"*"` transfer covers nothing.
    /// It also warns when a node's `serves` names an intent the intents file does not list.
    ///
    /// Without a node to start from (`entry` missing or naming no node) nothing is reachable,
    /// so every intent would look unserved: the rule says nothing about coverage then, and the
    /// one real slip is reported once, by `missing-field` or `unknown-target`. (The other rules
    /// that follow callers from `entry`, such as `unreachable-node`, `dead-end` and the depth
    /// rules, are silent then too.)
    ///
    /// ## Why it matters
    ///
    /// An intent nobody serves is a group of callers the menu has no answer for: they wander
    /// the tree and hang up, or reach an agent who must transfer them again. A `serves` name
    /// with no intent is usually a typo that silently breaks routing in the simulator.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// # intents: { check_balance: 30, lost_card: 5 }
    /// balance: { type: self_service, serves: [check_balance] }   # nothing serves lost_card
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// balance: { type: self_service, serves: [check_balance] }
    /// cards: { type: transfer, queue: cards, serves: [lost_card] }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static INTENT_COVERAGE = {
        name: "intent-coverage",
        severity: Error,
        summary: "with intents: every intent is served by some node or by a `\"*\"` transfer",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(intents) = ctx.intents else { return };
    let menu = ctx.menu;
    let general = menu.node_ids().any(|id| {
        ctx.is_reachable(id)
            && menu.node(id).kind == NodeKind::Transfer
            && menu.node(id).serves_everyone()
    });
    // Without an entry every intent looks unserved: one slip, reported by another rule.
    let has_entry = ctx.entry_id().is_some();
    if has_entry && !general {
        for intent in &intents.intents {
            let served = menu.node_ids().any(|id| {
                ctx.is_reachable(id) && menu.node(id).serves().any(|s| s == intent.name.value)
            });
            if !served {
                out.push(
                    Finding::new(intent.name.span, format!("no reachable node serves intent `{}`", intent.name.value), "not served by the menu")
                        .help(format!(
                            "add `{}` to the `serves` of the node that handles it, or add a general agent transfer with `serves: [\"*\"]`",
                            intent.name.value
                        ))
                        .in_intents(),
                );
            }
        }
    }
    for node in &menu.nodes {
        for name in node.serves.iter().flat_map(|s| s.value.iter()) {
            if name.value == "*" || intents.get(&name.value).is_some() {
                continue;
            }
            let help = match crate::text::did_you_mean(
                &name.value,
                intents.intents.iter().map(|i| i.name.value.as_str()),
            ) {
                Some(better) => format!("did you mean `{better}`?"),
                None => format!(
                    "add `{}` to the intents file, or remove it from `serves`",
                    name.value
                ),
            };
            out.push(
                Finding::new(
                    name.span,
                    format!(
                        "`{}` serves `{}`, which the intents file does not list",
                        node.id.value, name.value
                    ),
                    "unknown intent",
                )
                .help(help)
                .node(node.id.value.clone())
                .at_most(Severity::Warning),
            );
        }
    }
}
