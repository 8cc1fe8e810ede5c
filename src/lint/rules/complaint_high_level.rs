use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;

use super::complaint_standalone::{complaint_options, nearest_complaint_node};

declare_rule! {
    /// ## What it checks
    ///
    /// The complaint node is within `max_inputs` inputs of `entry` (default 2: the complaint
    /// option is on the entry menu or one level below). It need not be the first option.
    /// Silent when the menu has no complaint path (`complaint-standalone` reports that).
    ///
    /// ## Why it matters
    ///
    /// The guides ask that the complaint option sit high in the tree: an upset caller who has
    /// to dig through three menus to complain is more upset when they arrive, or hangs up and
    /// complains elsewhere. Complaints are rare but costly, so they are worth a top-level slot
    /// even when they are not the most popular option.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main: { options: [{ key: "9", say: "More options, press 9.", to: more }] }
    /// more: { options: [{ key: "9", say: "Feedback, press 9.", to: feedback }] }
    /// feedback: { options: [{ key: "1", say: "To complain, press 1.", to: complaints }] }
    /// complaints: { type: transfer, queue: complaints, complaint: true }   # 3 inputs
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "For billing, press 1.", to: billing }
    ///     - { key: "2", say: "To make a complaint, press 2.", to: complaints }
    /// ```
    ///
    /// ## Options
    ///
    /// - `max_inputs` (default 2): the most inputs from `entry` to the complaint node.
    pub static COMPLAINT_HIGH_LEVEL = {
        name: "complaint-high-level",
        severity: Warning,
        summary: "the complaint option sits on a high-level menu (its node within `max_inputs`)",
        options: [("max_inputs", 2, "most inputs from entry to the complaint node", integer)],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max = ctx.option("max_inputs") as u32;
    // The complaint node callers are meant to use: the nearest pure one, else any.
    let Some((node_id, depth)) =
        nearest_complaint_node(ctx, true).or_else(|| nearest_complaint_node(ctx, false))
    else {
        return;
    };
    if depth <= max {
        return;
    }
    let node = ctx.menu.node(node_id);
    let (span, owner) = match complaint_options(ctx)
        .first()
        .copied()
        .or_else(|| ctx.last_option_to(node_id).map(|(m, i)| (m, i, 0)))
    {
        Some((menu, index, _)) => {
            let option = &ctx.menu.node(menu).options[index];
            (
                option.key.as_ref().map_or(option.span, |k| k.span),
                ctx.menu.node(menu).id.value.clone(),
            )
        }
        None => (node.id.span, node.id.value.clone()),
    };
    let entry = ctx
        .menu
        .entry
        .as_ref()
        .map_or("entry", |e| e.value.as_str());
    // The complaint option is often on the path itself: one label there, not two.
    let mut path = ctx.path_labels(node_id);
    let mut label = "complaint option too deep".to_string();
    if let Some(i) = path.iter().position(|l| l.span == span) {
        label = format!("complaint option too deep ({})", path.remove(i).text);
    }
    let mut finding = Finding::new(
        span,
        format!(
            "the complaint node `{}` is {depth} inputs from `{entry}` ({}); at most {max}",
            node.id.value,
            ctx.path_text(node_id)
        ),
        label,
    )
    .help(format!(
        "move the complaint option to `{entry}` or to a menu one level below it"
    ))
    .node(owner);
    finding.secondary = path;
    out.push(finding);
}
