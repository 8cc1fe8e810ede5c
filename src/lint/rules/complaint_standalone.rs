use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::{NodeId, NodeKind};

declare_rule! {
    /// ## What it checks
    ///
    /// Complaints have an option of their own: an option whose target handles only complaints.
    /// A complaint node is one marked `complaint: true`, or one that serves only intents marked
    /// `complaint` in the intents file; the complaint option leads to one (directly or through
    /// `message` and `input` nodes), or to a menu whose ordinary options all lead only to
    /// complaint nodes. The rule fails when complaint handling can be reached only through an
    /// option whose target also serves other intents: a transfer serving complaints and
    /// billing, a "billing or complaints" queue, or a node marked `complaint: true` that also
    /// serves other intents. Which intents are complaints comes from the intents file; when it
    /// marks none of a node's intents (or there is none), a node marked `complaint: true` is
    /// taken to serve only complaints. It warns when the menu has no complaint path at all.
    ///
    /// ## Why it matters
    ///
    /// The customer-service guides the project started from say the complaint option need not
    /// be first, but must stand on its own. Only about 1 in 25 dissatisfied customers
    /// complains at all; one who must guess that complaints hide under "billing" gives up, and
    /// the complaint (and the chance to keep the customer) is lost. A queue of its own also lets
    /// complaints reach agents trained for them.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "For billing or complaints, press 1.", to: billing }
    /// billing: { type: transfer, queue: billing, serves: [pay_bill, complaint] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "For billing, press 1.", to: billing }
    ///     - { key: "2", say: "To make a complaint, press 2.", to: complaints }
    /// billing: { type: transfer, queue: billing, serves: [pay_bill] }
    /// complaints: { type: transfer, queue: complaints, serves: [complaint], complaint: true }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static COMPLAINT_STANDALONE = {
        name: "complaint-standalone",
        severity: Error,
        summary: "complaints have an option of their own, not merged into another option",
        options: [],
        check: check,
    };
}

/// The nearest reachable node that handles complaints.
pub(crate) fn nearest_complaint_node(ctx: &Context<'_>, pure_only: bool) -> Option<(NodeId, u32)> {
    ctx.menu
        .node_ids()
        .filter(|&id| {
            if pure_only {
                ctx.is_pure_complaint_node(id)
            } else {
                ctx.handles_complaints(id)
            }
        })
        .filter_map(|id| ctx.depth_of(id).map(|d| (id, d)))
        .min_by_key(|&(id, d)| (d, id))
}

/// The reachable complaint options: (menu, option index), nearest first.
pub(crate) fn complaint_options(ctx: &Context<'_>) -> Vec<(NodeId, usize, u32)> {
    let mut found = Vec::new();
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        let Some(depth) = ctx.depth_of(id).filter(|_| node.kind == NodeKind::Menu) else {
            continue;
        };
        for (index, option) in node.options.iter().enumerate() {
            if ctx.is_complaint_option(option) {
                found.push((id, index, depth));
            }
        }
    }
    found.sort_by_key(|&(id, index, depth)| (depth, id, index));
    found
}

/// A finding at `entry` saying there is no complaint path.
pub(crate) fn no_complaint_path(ctx: &Context<'_>) -> Option<Finding> {
    let entry = ctx.entry_id()?;
    let node = ctx.menu.node(entry);
    Some(
        Finding::new(node.id.span, "callers have no way to make a complaint", "no complaint path from here")
            .help("add a complaint option leading to a transfer marked `complaint: true` (or serving an intent marked `complaint`)")
            .node(node.id.value.clone()),
    )
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((nearest, _)) = nearest_complaint_node(ctx, false) else {
        if let Some(finding) = no_complaint_path(ctx) {
            out.push(finding.at_most(Severity::Warning));
        }
        return;
    };
    if !complaint_options(ctx).is_empty() {
        return;
    }
    let target = ctx.menu.node(nearest);
    let (span, node, label) = match ctx.last_option_to(nearest) {
        Some((menu, index)) => {
            let option = &ctx.menu.node(menu).options[index];
            (
                option.key.as_ref().map_or(option.span, |k| k.span),
                ctx.menu.node(menu).id.value.clone(),
                format!("option {} leads to complaints and more", option.key_text()),
            )
        }
        None => (
            target.id.span,
            target.id.value.clone(),
            "handles complaints and more".to_string(),
        ),
    };
    let list = |names: Vec<&str>| {
        if names.is_empty() {
            "other callers' intents".to_string()
        } else {
            names
                .iter()
                .map(|&s| match s {
                    "*" => "every caller (`\"*\"`)".to_string(),
                    s => format!("`{s}`"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    // A pure complaint node reached only through a node that serves something else (a
    // self-service with `to`): name that node.
    let through = ctx
        .last_option_to(nearest)
        .and_then(|(menu, index)| ctx.target(&ctx.menu.node(menu).options[index]))
        .and_then(|t| ctx.through(t, &[NodeKind::Message, NodeKind::Input]))
        .filter(|&t| t != nearest && ctx.is_pure_complaint_node(nearest));
    let mut finding = match through {
        Some(via) => {
            let via = ctx.menu.node(via);
            Finding::new(
                span,
                format!(
                    "complaints have no option of their own: callers reach `{}` only through `{}`, which serves {}",
                    target.id.value,
                    via.id.value,
                    list(via.serves().collect())
                ),
                label,
            )
            .with_label(via.id.span, "serves other intents on the way to complaints")
        }
        None => Finding::new(
            span,
            format!(
                "complaints are merged with other business: `{}` handles complaints and also serves {}",
                target.id.value,
                list(ctx.non_complaint_intents(nearest))
            ),
            label,
        )
        .with_label(target.id.span, "complaints handled here with other intents"),
    };
    finding = finding
        .help("give complaints an option of their own, leading to a node that handles only complaints (`complaint: true`)")
        .node(node);
    out.push(finding);
}
