use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::lint::context::Context;
use crate::lint::edits::{add_item, scalar};
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
    /// ## Fix
    ///
    /// Unsafe (callers hear one more option): a back option is added as the menu's last
    /// option, `{ key: "*", say: "To go back, press star.", to: PARENT }` (with `#` when `*`
    /// is taken; no fix when both are), leading to the menu's first parent or else to `entry`.
    /// The prompt is in English: translate it if the menu is not.
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
            // The first menu after the entry's messages or decisions (no key pressed yet) is
            // the top of the menu: there is nowhere to go back to.
            || ctx.depth_of(id).is_none_or(|d| d == 0)
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
        let mut ways: Vec<String> = ctx
            .parents(id)
            .iter()
            .map(|p| format!("`{}`", ctx.menu.node(*p).id.value))
            .collect();
        if let Some(e) = entry.map(|e| format!("`{}`", ctx.menu.node(e).id.value))
            && !ways.contains(&e)
        {
            ways.push(e);
        }
        let target = ctx
            .parents(id)
            .first()
            .or(entry.as_ref())
            .map_or("main".to_string(), |p| ctx.menu.node(*p).id.value.clone());
        let mut finding = Finding::new(
            node.id.span,
            format!(
                "menu `{}` offers no way back: no option leads to {}",
                node.id.value,
                or_list(&ways)
            ),
            "no option leads back from here",
        )
        .help(format!(
            "add an option such as {{ key: \"*\", say: \"To go back, press star.\", to: {target} }}"
        ))
        .node(node.id.value.clone())
        .with_fix(back_option(ctx, node, &target));
        // The keys callers expect to go back, when they lead elsewhere.
        for option in &node.options {
            if let (Some(key), Some(d)) = (&option.key, ctx.destination(option))
                && matches!(key.value.as_str(), "*" | "#")
            {
                let text = if d == id {
                    "repeats this menu, not back".to_string()
                } else {
                    format!("leads to `{}`, not back", ctx.menu.node(d).id.value)
                };
                finding = finding.with_label(key.span, text);
            }
        }
        out.push(finding);
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => "the menu above".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The fix: a back option to `target` under the first of `*` and `#` the menu leaves free.
fn back_option(ctx: &Context<'_>, node: &crate::menu::Node, target: &str) -> Option<Fix> {
    let taken = |key: &str| node.options.iter().any(|o| o.key_text() == key);
    let (key, word) = [("*", "star"), ("#", "hash")]
        .into_iter()
        .find(|(key, _)| !taken(key))?;
    let item = format!(
        "{{ key: \"{key}\", say: \"To go back, press {word}.\", to: {} }}",
        scalar(target)
    );
    let starts: Vec<usize> = node.options.iter().map(|o| o.span.start).collect();
    let edit = add_item(&ctx.menu.source, node.options_span?, &starts, &item)?;
    Some(Fix::unsafe_fix(
        format!("add a back option: key {key} to `{target}`"),
        vec![edit],
    ))
}
