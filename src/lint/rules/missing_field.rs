use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    ///
    /// The file has `menu` (its display name) and `entry`, and each node has the fields its
    /// type needs: a menu has non-empty `options`, each with a `to` (an option without a target
    /// drops the caller who presses it, so it counts as a missing field too); an input
    /// has `digits` and `to`; a message has `to`; a self_service node has `serves`; a transfer
    /// has `queue`. (`say` is optional everywhere.)
    ///
    /// ## Why it matters
    ///
    /// A node without them cannot do its job: a menu with nothing to press, a message that
    /// leads nowhere, a transfer to no queue. The file still loads, so that every problem is
    /// reported at once and `ivr graph` can draw the menu as it is, but `ivr sim` refuses it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// billing_agent: { type: transfer, serves: [pay_bill] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// billing_agent: { type: transfer, queue: billing, serves: [pay_bill] }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static MISSING_FIELD = {
        name: "missing-field",
        severity: Error,
        summary: "each node type has its required fields (a menu has options, an input has `to`, ...)",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let menu = ctx.menu;
    let bom = if menu.source.text().starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let top = Span::new(bom, 0);
    if menu.name.is_none() {
        out.push(
            Finding::new(top, "the menu file has no `menu:` name", "add `menu:` here")
                .help("add `menu: Your Company main line` at the top; reports use it"),
        );
    }
    if menu.entry.is_none() {
        out.push(
            Finding::new(top, "the menu file has no `entry:`", "add `entry:` here")
                .help("add `entry: main` (the id of the first node callers reach)"),
        );
    }
    for node in &menu.nodes {
        // An option that leads nowhere: pressing its key would drop the call.
        for option in node.options.iter().filter(|o| o.to.is_none()) {
            out.push(
                Finding::new(
                    option.key.as_ref().map_or(option.span, |k| k.span),
                    format!(
                        "option {} of `{}` has no `to`",
                        option.key_text(),
                        node.id.value
                    ),
                    "leads nowhere",
                )
                .help(
                    "add `to:` with the id of the node this option leads to, or remove the option",
                )
                .node(node.id.value.clone()),
            );
        }
        let mut missing: Vec<&str> = Vec::new();
        match node.kind {
            NodeKind::Menu if node.options.is_empty() => missing.push("options"),
            NodeKind::Input => {
                if node.digits.is_none() {
                    missing.push("digits");
                }
                if node.to.is_none() {
                    missing.push("to");
                }
            }
            NodeKind::Message if node.to.is_none() => missing.push("to"),
            NodeKind::SelfService if node.serves.as_ref().is_none_or(|s| s.value.is_empty()) => {
                missing.push("serves")
            }
            NodeKind::Transfer if node.queue.is_none() => missing.push("queue"),
            NodeKind::Decision if node.branches.is_empty() => missing.push("branches"),
            NodeKind::Flow if node.file.is_none() => missing.push("file"),
            _ => {}
        }
        if missing.is_empty() {
            continue;
        }
        let fields = missing
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let example = missing
            .iter()
            .map(|field| match *field {
                "options" => {
                    "`options: [{ key: \"1\", say: \"For your balance, press 1.\", to: balance }]`"
                }
                "digits" => "`digits: 8`",
                "to" => "`to: main`",
                "serves" => "`serves: [check_balance]`",
                "branches" => {
                    "`branches: [{ when: open, share: 0.8, to: main }, { when: closed, share: 0.2, to: closed }]`"
                }
                "file" => "`file: billing.yaml`",
                _ => "`queue: general`",
            })
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            Finding::new(
                node.id.span,
                format!(
                    "{} node `{}` has no {fields}",
                    article(node.kind),
                    node.id.value
                ),
                format!("needs {fields}"),
            )
            .help(format!(
                "add {fields} to `{}`, such as {example}",
                node.id.value
            ))
            .node(node.id.value.clone()),
        );
    }
}

fn article(kind: NodeKind) -> String {
    match kind {
        NodeKind::Input => "an input".to_string(),
        other => format!("a {other}"),
    }
}
