use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::{NodeId, NodeKind};

use super::self_service_depth::too_deep;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `transfer` node (a human queue) can be reached from `entry` within `max_inputs`
    /// inputs along the paths a caller can choose. It also warns when no human at all is
    /// reachable within `ideal_inputs` (a transfer reached only through `on_fail`, after failed
    /// re-prompts, does not count).
    ///
    /// ## Why it matters
    ///
    /// Call-centre guides put a human within 1 to 3 inputs, and 1 is best; older guidance
    /// (Dunlap, 1998) asks for a person within 2 key presses, and a survey of 50 Fortune-500
    /// IVRs found an agent option by the third menu. Callers who cannot find a person
    /// press random keys, hang up, or call back angrier.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// entry: main
    /// nodes:
    ///   main: { options: [{ key: "1", say: "Help, press 1.", to: help }] }
    ///   help: { options: [{ key: "1", say: "More help, press 1.", to: more }] }
    ///   more: { options: [{ key: "1", say: "Other, press 1.", to: other }] }
    ///   other: { options: [{ key: "1", say: "An agent, press 1.", to: agent }] }
    ///   agent: { type: transfer, queue: general, serves: ["*"] }   # 4 inputs
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// entry: main
    /// nodes:
    ///   main:
    ///     options:
    ///       - { key: "1", say: "Help, press 1.", to: help }
    ///       - { key: "0", say: "To speak to an agent, press 0.", to: agent }
    ///   help: { type: self_service, serves: [faq] }
    ///   agent: { type: transfer, queue: general, serves: ["*"] }   # 1 input
    /// ```
    ///
    /// ## Options
    ///
    /// - `max_inputs` (default 3): the most inputs allowed to any transfer node.
    /// - `ideal_inputs` (default 1): a warning when no transfer is this close to `entry`.
    ///   It may not be more than `max_inputs` (`.ivr.yaml` is refused at `ideal_inputs`).
    pub static AGENT_DEPTH = {
        name: "agent-depth",
        severity: Error,
        summary: "every transfer is reached within `max_inputs` inputs; a human within `ideal_inputs` (practice: 1 to 3, 1 is best)",
        options: [
            ("max_inputs", 3, "most inputs from entry to a transfer node", integer),
            ("ideal_inputs", 1, "a human should be this close to entry", integer),
        ],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max = ctx.option("max_inputs") as u32;
    let ideal = ctx.option("ideal_inputs") as u32;
    let mut nearest: Option<(u32, NodeId)> = None;
    let mut behind_errors: Vec<&str> = Vec::new();
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Transfer {
            continue;
        }
        let Some(depth) = ctx.depth_of(id) else {
            if ctx.is_reachable(id) {
                behind_errors.push(&node.id.value);
            }
            continue;
        };
        if nearest.is_none_or(|(n, _)| depth < n) {
            nearest = Some((depth, id));
        }
        if depth > max {
            out.push(too_deep(ctx, id, depth, max, "transfer"));
        }
    }
    let (Some(entry), Some(entry_id)) = (&ctx.menu.entry, ctx.entry_id()) else {
        return;
    };
    if nearest.is_some_and(|(n, _)| n <= ideal) {
        return;
    }
    let message = match nearest {
        Some((n, id)) => format!(
            "the nearest human, `{}`, is {n} inputs from `{}` ({}); ideally {ideal}",
            ctx.menu.node(id).id.value,
            entry.value,
            ctx.path_text(id)
        ),
        None if !behind_errors.is_empty() => format!(
            "no caller can choose a way to a human from `{}`: {} only when retries run out",
            entry.value,
            match behind_errors.as_slice() {
                [one] => format!("`{one}` is reached"),
                more => format!(
                    "{} are reached",
                    more.iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        ),
        None => format!("no human (transfer) can be reached from `{}`", entry.value),
    };
    out.push(
        Finding::new(ctx.menu.node(entry_id).id.span, message, "no agent option near here")
            .help(format!(
                "add an option such as key \"0\" (\"To speak to an agent, press 0\") to `{}` leading to a transfer",
                entry.value
            ))
            .node(entry.value.clone())
            .at_most(Severity::Warning),
    );
}
