use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;

declare_rule! {
    /// ## What it checks
    ///
    /// Every node can be reached from `entry`, along options, `to`, or the error edges
    /// `then` and `on_fail`.
    ///
    /// ## Why it matters
    ///
    /// A node nobody can reach is dead weight at best; at worst it is a service the designer
    /// thinks callers can use (a self-service flow, a complaint queue) but that no option
    /// leads to, often after a menu was reorganised.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// nodes:
    ///   main: { options: [{ key: "1", say: "For billing, press 1.", to: billing }] }
    ///   billing: { type: transfer, queue: billing, serves: [pay_bill] }
    ///   outages: { type: self_service, serves: [outage] }   # nothing leads here
    /// ```
    ///
    /// ## Instead
    ///
    /// Add an option that leads to the node, or delete the node.
    ///
    /// ## Options
    ///
    /// None.
    pub static UNREACHABLE_NODE = {
        name: "unreachable-node",
        severity: Warning,
        summary: "every node is reachable from entry",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.entry_id().is_none() {
        return; // unknown-target or missing-field reports the entry itself
    }
    for id in ctx.menu.node_ids() {
        if ctx.is_reachable(id) {
            continue;
        }
        let node = ctx.menu.node(id);
        out.push(
            Finding::new(
                node.id.span,
                format!("`{}` cannot be reached from `entry`", node.id.value),
                "unreachable",
            )
            .help(format!(
                "add an option leading to `{}`, or remove the node",
                node.id.value
            ))
            .node(node.id.value.clone()),
        );
    }
}
