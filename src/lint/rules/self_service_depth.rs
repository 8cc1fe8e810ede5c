use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::menu::graph::EdgeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `self_service` node can be reached from `entry` within `max_inputs` key inputs
    /// (a menu choice or an input node is one input), counted along the paths a caller can
    /// choose. A node exactly `max_inputs` away passes.
    ///
    /// ## Why it matters
    ///
    /// Call-centre practice says self-service should be finished within 3 to 5 caller inputs:
    /// every extra level is another prompt to sit through and another chance to press the
    /// wrong key, and callers who give up on self-service call an agent instead (or call
    /// again). Low customer effort predicts loyalty better than delight does.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// entry: main
    /// nodes:
    ///   main: { options: [{ key: "1", say: "Accounts, press 1.", to: accounts }] }
    ///   accounts: { options: [{ key: "1", say: "Balances, press 1.", to: balances }] }
    ///   balances: { options: [{ key: "1", say: "Savings, press 1.", to: savings }] }
    ///   savings: { options: [{ key: "1", say: "Current balance, press 1.", to: current }] }
    ///   current: { options: [{ key: "1", say: "Hear it, press 1.", to: hear }] }
    ///   hear: { options: [{ key: "1", say: "Confirm, press 1.", to: balance }] }
    ///   balance: { type: self_service, serves: [check_balance] }   # 6 inputs
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// entry: main
    /// nodes:
    ///   main: { options: [{ key: "1", say: "For your balance, press 1.", to: balance }] }
    ///   balance: { type: self_service, serves: [check_balance] }   # 1 input
    /// ```
    ///
    /// ## Options
    ///
    /// - `max_inputs` (default 5): the most inputs allowed to any self-service node.
    pub static SELF_SERVICE_DEPTH = {
        name: "self-service-depth",
        severity: Error,
        summary: "every self-service node is reached within `max_inputs` inputs (practice: 3 to 5)",
        options: [("max_inputs", 5, "most inputs from entry to a self-service node", integer)],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max = ctx.option("max_inputs") as u32;
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::SelfService {
            continue;
        }
        if let Some(depth) = ctx.depth_of(id).filter(|&d| d > max) {
            out.push(too_deep(ctx, id, depth, max, "self-service"));
        }
    }
}

/// The finding of a depth rule: the node, its inputs, the path and a label on each input.
pub(crate) fn too_deep(
    ctx: &Context<'_>,
    id: crate::menu::NodeId,
    depth: u32,
    max: u32,
    what: &str,
) -> Finding {
    let node = ctx.menu.node(id);
    let entry = ctx
        .menu
        .entry
        .as_ref()
        .map_or("entry", |e| e.value.as_str());
    // An input node on the way (a number to type) is a step that can be dropped too.
    let has_input_step = ctx
        .depth
        .path_to(ctx.graph, ctx.graph.vertex(id))
        .into_iter()
        .any(|e| {
            let edge = &ctx.graph.graph[e];
            edge.kind == EdgeKind::To && edge.inputs > 0
        });
    let mut finding = Finding::new(
        node.id.span,
        format!(
            "`{}` is {depth} inputs from `{entry}` ({}); at most {max}",
            node.id.value,
            ctx.path_text(id)
        ),
        format!("{what} {depth} inputs deep"),
    )
    .help(format!(
        "cut {} input{} from the way to `{}`: move its option up a menu, merge menus on its path{}",
        depth - max,
        if depth - max == 1 { "" } else { "s" },
        node.id.value,
        if has_input_step {
            ", or ask for fewer numbers"
        } else {
            ""
        }
    ))
    .node(node.id.value.clone());
    finding.secondary = ctx.path_labels(id);
    finding
}
