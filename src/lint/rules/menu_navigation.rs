use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;

declare_rule! {
    /// ## What it checks
    ///
    /// Every menu other than `entry` offers a way back: an option whose target is one of its
    /// parents (the menus closer to `entry` that lead to it) or `entry` itself, directly or
    /// through `message` nodes.
    ///
    /// ## Why it matters
    ///
    /// The guides ask that callers can move between menus easily. A caller who took a wrong
    /// turn (8% of menu choices, by the default caller model) and finds no way back hangs up
    /// and calls again, or presses `0` and waits for an agent for something self-service
    /// would have done. Keypad convention reserves `*` for back.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// billing:
    ///   options:
    ///     - { key: "1", say: "Your balance, press 1.", to: balance }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// billing:
    ///   options:
    ///     - { key: "1", say: "Your balance, press 1.", to: balance }
    ///     - { key: "*", say: "To go back, press star.", to: main }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static MENU_NAVIGATION = {
        name: "menu-navigation",
        severity: Warning,
        summary: "every menu other than entry offers a way back to its parent or to entry",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let entry = ctx.entry_id();
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Menu
            || Some(id) == entry
            || ctx.depth_of(id).is_none()
            || node.options.is_empty()
        {
            continue;
        }
        let back = node.options.iter().any(|o| {
            ctx.destination(o)
                .is_some_and(|d| d != id && (Some(d) == entry || ctx.parents(id).contains(&d)))
        });
        if back {
            continue;
        }
        let parent = ctx
            .parents(id)
            .first()
            .or(entry.as_ref())
            .map(|p| ctx.menu.node(*p).id.value.clone());
        let target = parent.unwrap_or_else(|| "the main menu".to_string());
        out.push(
            Finding::new(node.id.span, format!("menu `{}` offers no way back", node.id.value), "no option leads back from here")
                .help(format!("add an option such as {{ key: \"*\", say: \"To go back, press star.\", to: {target} }}"))
                .node(node.id.value.clone()),
        );
    }
}
