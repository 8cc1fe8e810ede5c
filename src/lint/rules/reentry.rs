use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::menu::model::ErrorHandler;

declare_rule! {
    /// ## What it checks
    ///
    /// Every menu and input node re-prompts after an invalid key and after silence (`retries`
    /// of at least 1, from the handler, the node or `defaults`), and when the retries run out
    /// the call goes somewhere: a warning when it is disconnected (no `then` and no
    /// `defaults.on_fail`) or sent to a `hangup` node. A node's problems make one finding.
    ///
    /// ## Why it matters
    ///
    /// The guides ask that a caller who presses a wrong key can simply try again, and Avaya's
    /// design guide says 2 to 3 tries, then a transfer to a person. Every caller slips
    /// sometimes (a mistake rate of a few percent per menu is normal); a menu that hangs up on
    /// the first slip turns a typo into a repeat call.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// defaults: { retries: 0 }          # one wrong key and the call is gone
    /// nodes:
    ///   main: { options: [...] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// defaults: { retries: 2, on_fail: agent }
    /// nodes:
    ///   main:
    ///     options: [...]
    ///     on_invalid: { say: "Sorry, that is not an option." }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static REENTRY = {
        name: "reentry",
        severity: Error,
        summary: "menus and inputs re-prompt after invalid and no input, and failures go somewhere",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let defaults = &ctx.menu.defaults;
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if !node.kind.takes_input() {
            continue;
        }
        let mut no_retry = Vec::new();
        let mut disconnects = Vec::new();
        let mut hangs_up = Vec::new();
        for (name, handler) in [
            ("an invalid key", &node.on_invalid),
            ("silence", &node.on_no_input),
        ] {
            if retries(
                handler,
                node.retries.as_ref().map(|r| r.value),
                defaults.retries,
            ) == 0
            {
                no_retry.push(name);
            }
            match handler
                .as_ref()
                .and_then(|h| h.then.as_ref())
                .or(defaults.on_fail.as_ref())
            {
                None => disconnects.push(name),
                Some(t) => {
                    if let Some(target) = ctx.menu.lookup(&t.value)
                        && ctx.menu.node(target).kind == NodeKind::Hangup
                    {
                        hangs_up.push(name);
                    }
                }
            }
        }
        let serious = !no_retry.is_empty();
        let from_defaults = !disconnects.is_empty();
        let mut problems = Vec::new();
        if !no_retry.is_empty() {
            problems.push(format!(
                "does not re-prompt after {}",
                no_retry.join(" or ")
            ));
        }
        if !disconnects.is_empty() {
            problems.push(format!(
                "disconnects callers who run out of retries after {}",
                disconnects.join(" or ")
            ));
        }
        if !hangs_up.is_empty() {
            problems.push(format!(
                "hangs up on callers who run out of retries after {}",
                hangs_up.join(" or ")
            ));
        }
        if problems.is_empty() {
            continue;
        }
        let help = if from_defaults {
            "set `defaults.on_fail` (for example to a general agent transfer) once to fix this on every menu; give each handler at least 1 retry"
        } else if serious {
            "set `retries: 1` or more (2 is usual) on the node or in `defaults`, and send failures to an agent"
        } else {
            "send callers who run out of retries to an agent (`then:` or `defaults.on_fail`) instead of hanging up"
        };
        let mut finding = Finding::new(
            node.id.span,
            format!("`{}` {}", node.id.value, join(&problems)),
            "callers who slip here are not helped",
        )
        .help(help)
        .node(node.id.value.clone());
        if !serious {
            finding = finding.at_most(Severity::Warning);
        }
        out.push(finding);
    }
}

/// `retries` precedence: handler, node, `defaults`.
fn retries(handler: &Option<ErrorHandler>, node: Option<u32>, default: u32) -> u32 {
    handler
        .as_ref()
        .and_then(|h| h.retries.as_ref().map(|r| r.value))
        .or(node)
        .unwrap_or(default)
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}
