use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// A menu offers at most `max_options` ordinary options. The agent option, back and
    /// repeat options and the complaint option are not counted (see `popular-first`).
    ///
    /// ## Why it matters
    ///
    /// Callers hold a spoken list in their head while they listen; Avaya's IVR design guide
    /// says at most 4 to 5 options per menu, and the customer-service guides ask for few
    /// categories. Studies of broad versus deep menus (Commarford et al., 2008) found broader
    /// menus can beat deeper ones, which is why the limit is configurable.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main:
    ///   options:   # seven ordinary options
    ///     - { key: "1", ... }
    ///     - { key: "2", ... }
    ///     # ... up to 7
    /// ```
    ///
    /// ## Instead
    ///
    /// Group related options under a submenu, or move rare ones under "for everything else,
    /// press 5", keeping at most five ordinary options on each menu.
    ///
    /// ## Options
    ///
    /// - `max_options` (default 5): the most ordinary options on one menu.
    pub static TOO_MANY_OPTIONS = {
        name: "too-many-options",
        severity: Warning,
        summary: "a menu offers at most `max_options` ordinary options",
        options: [("max_options", 5, "most ordinary options on one menu", integer)],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max = ctx.option("max_options") as usize;
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Menu {
            continue;
        }
        let ordinary: Vec<usize> = (0..node.options.len())
            .filter(|&k| !ctx.is_exempt(id, k))
            .collect();
        if ordinary.len() <= max {
            continue;
        }
        let mut finding = Finding::new(
            node.id.span,
            format!("menu `{}` offers {} ordinary options; at most {max}", node.id.value, ordinary.len()),
            format!("{} ordinary options", ordinary.len()),
        )
        .help("group related options under a submenu, or move the least popular ones under one \"other\" option")
        .node(node.id.value.clone());
        for &k in &ordinary[max..] {
            let option = &node.options[k];
            finding = finding.with_label(
                option.key.as_ref().map_or(option.span, |k| k.span),
                "over the limit",
            );
        }
        out.push(finding);
    }
}
