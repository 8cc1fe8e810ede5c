use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::source::Spanned;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `to`, `then`, `on_fail` and `entry` names a node of the menu.
    ///
    /// ## Why it matters
    ///
    /// A target that names no node is a caller sent nowhere: depending on the platform the
    /// call drops, loops to the start, or plays a system error. It is almost always a typo or
    /// a node renamed in one place only.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "1", say: "For billing, press 1.", to: biling }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "1", say: "For billing, press 1.", to: billing }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static UNKNOWN_TARGET = {
        name: "unknown-target",
        severity: Error,
        summary: "every `to`, `then`, `on_fail` and `entry` names a node",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let menu = ctx.menu;
    let mut report = |field: &str, target: &Spanned<String>, owner: Option<&str>| {
        if menu.lookup(&target.value).is_some() {
            return;
        }
        let ids = menu.nodes.iter().map(|n| n.id.value.as_str());
        let help = match did_you_mean(&target.value, ids) {
            Some(better) => format!("did you mean `{better}`?"),
            None => format!(
                "add a node `{}` under `nodes`, or point `{field}` at an existing node",
                target.value
            ),
        };
        let mut finding = Finding::new(
            target.span,
            format!("`{field}` names `{}`, which is not a node", target.value),
            "no such node",
        )
        .help(help);
        if let Some(owner) = owner {
            finding = finding.node(owner);
        }
        out.push(finding);
    };
    if let Some(entry) = &menu.entry {
        report("entry", entry, None);
    }
    if let Some(on_fail) = &menu.defaults.on_fail {
        report("on_fail", on_fail, None);
    }
    for node in &menu.nodes {
        let owner = Some(node.id.value.as_str());
        for option in &node.options {
            if let Some(to) = &option.to {
                report("to", to, owner);
            }
        }
        for branch in &node.branches {
            if let Some(to) = &branch.to {
                report("to", to, owner);
            }
        }
        // A flow node's `to` is set only when its file is joined, to a node of that file.
        if let Some(to) = node.to.as_ref().filter(|_| node.file.is_none()) {
            report("to", to, owner);
        }
        for handler in [&node.on_invalid, &node.on_no_input].into_iter().flatten() {
            if let Some(then) = &handler.then {
                report("then", then, owner);
            }
        }
    }
}
