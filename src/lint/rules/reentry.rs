use crate::declare_rule;
use crate::diagnostic::{Edit, Fix, Severity};
use crate::lint::context::Context;
use crate::lint::edits::{add_field, scalar};
use crate::lint::rule::Finding;
use crate::menu::model::ErrorHandler;
use crate::menu::{NodeId, NodeKind};
use crate::source::{Span, Spanned};

declare_rule! {
    /// ## What it checks
    ///
    /// Every menu and input node re-prompts after an invalid key and after silence (`retries`
    /// of at least 1, from the handler, the node or `defaults`), and when the retries run out
    /// the call goes somewhere: a warning when it is disconnected (no `then` and no
    /// `defaults.on_fail`) or sent to a `hangup` node. A node's problems make one finding.
    ///
    /// A handler whose own `then` leads to a person (a `transfer` node, directly or through
    /// `message` nodes) needs no retries: `on_invalid: { then: not_sure }` with `retries: 0`,
    /// where `not_sure` says "Let me get someone to help" and goes to an agent, is a common
    /// Amazon Connect design, and those callers are helped.
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
    /// ## Fix
    ///
    /// Unsafe (callers who slip hear a new prompt): the node gets the re-prompt handlers it
    /// lacks. A missing `on_invalid` or `on_no_input` is added as
    /// `{ say: "Sorry, that is not an option.", retries: 2 }` (or `"Sorry, I did not hear
    /// anything."`); an existing one gets `retries: 2` (its `retries: 0` becomes 2). When
    /// callers who run out of retries are disconnected or hung up on and the menu has a general
    /// agent (a transfer serving `"*"`), the handler's `then` sends them there. Setting
    /// `defaults` once may be the tidier repair; the fix only touches the node.
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
    // Where the fix sends callers who run out of retries: the first general agent.
    let agent = ctx
        .menu
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Transfer && n.serves_everyone())
        .map(|n| scalar(&n.id.value));
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if !node.kind.takes_input() {
            continue;
        }
        let mut repairs: Vec<Repair<'_>> = Vec::new();
        let mut no_retry = Vec::new();
        let mut zero_at: Vec<Span> = Vec::new();
        let mut zero_in_defaults = false;
        let mut disconnects = Vec::new();
        let mut hangs_up = Vec::new();
        for (name, field, handler) in [
            ("an invalid key", "on_invalid", &node.on_invalid),
            ("silence", "on_no_input", &node.on_no_input),
        ] {
            let mut repair = Repair {
                field,
                handler,
                retry: false,
                send: false,
            };
            let (count, set_at) = retries(handler, node.retries.as_ref(), defaults.retries);
            if count == 0 && !hands_to_a_person(ctx, id, handler) {
                repair.retry = true;
                no_retry.push(name);
                match set_at {
                    Some(at) if !zero_at.contains(&at) => zero_at.push(at),
                    Some(_) => {}
                    None => zero_in_defaults = true,
                }
            }
            match handler
                .as_ref()
                .and_then(|h| h.then.as_ref())
                .or(defaults.on_fail.as_ref())
            {
                None => {
                    disconnects.push(name);
                    repair.send = true;
                }
                Some(t) => {
                    if let Some(target) = ctx.menu.lookup(&t.value)
                        && ctx.menu.node(target).kind == NodeKind::Hangup
                    {
                        hangs_up.push(name);
                        repair.send = true;
                    }
                }
            }
            repairs.push(repair);
        }
        let mut problems = Vec::new();
        let mut help = Vec::new();
        if !no_retry.is_empty() {
            problems.push(format!(
                "does not re-prompt after {}",
                no_retry.join(" or ")
            ));
            help.push(if zero_at.is_empty() {
                "set `defaults.retries` to 1 or more (2 is usual), or hand those callers to a person with the handler's `then:`"
            } else if zero_in_defaults {
                "set `retries` to 1 or more (2 is usual) where it is 0, and in `defaults`, or hand those callers to a person with the handler's `then:`"
            } else {
                "set `retries` to 1 or more (2 is usual) where it is 0, or hand those callers to a person with the handler's `then:`"
            });
        }
        if !disconnects.is_empty() {
            problems.push(format!(
                "disconnects callers who run out of retries after {}",
                disconnects.join(" or ")
            ));
            // A disconnect always means `defaults.on_fail` is unset: one line fixes every node.
            help.push("set `defaults.on_fail` once (for example to a general agent transfer) to fix the disconnects at every menu and input");
        }
        if !hangs_up.is_empty() {
            problems.push(format!(
                "hangs up on callers who run out of retries after {}",
                hangs_up.join(" or ")
            ));
            help.push("send callers who run out of retries to an agent (`then:` or `defaults.on_fail`) instead of hanging up");
        }
        if problems.is_empty() {
            continue;
        }
        let mut finding = Finding::new(
            node.id.span,
            format!("`{}` {}", node.id.value, join(&problems)),
            "callers who slip here are not helped",
        )
        .help(help.join("; "))
        .node(node.id.value.clone());
        for span in zero_at {
            finding = finding.with_label(span, "retries: 0 here");
        }
        if no_retry.is_empty() {
            finding = finding.at_most(Severity::Warning);
        }
        out.push(finding.with_fix(reprompt_fix(ctx, node, &repairs, agent.as_deref())));
    }
}

/// What one handler of a node lacks.
struct Repair<'a> {
    /// `on_invalid` or `on_no_input`.
    field: &'static str,
    handler: &'a Option<ErrorHandler>,
    /// It re-prompts no time.
    retry: bool,
    /// Callers who run out of retries are disconnected or hung up on.
    send: bool,
}

/// The fix: the handlers added or given `retries: 2`, and a `then` to the general agent
/// where callers were disconnected or hung up on (when the menu has one).
fn reprompt_fix(
    ctx: &Context<'_>,
    node: &crate::menu::Node,
    repairs: &[Repair<'_>],
    agent: Option<&str>,
) -> Option<Fix> {
    let source = &ctx.menu.source;
    let mut edits: Vec<Edit> = Vec::new();
    let mut done = Vec::new();
    for repair in repairs {
        let send = repair.send.then_some(agent).flatten();
        if !repair.retry && send.is_none() {
            continue;
        }
        match repair.handler {
            None => {
                let say = if repair.field == "on_invalid" {
                    "Sorry, that is not an option."
                } else {
                    "Sorry, I did not hear anything."
                };
                let mut fields = format!("say: \"{say}\", retries: 2");
                if let Some(agent) = send {
                    fields.push_str(&format!(", then: {agent}"));
                }
                edits.push(add_field(
                    source,
                    node.id.span,
                    &format!("{}: {{ {fields} }}", repair.field),
                )?);
                done.push(format!("add `{}`", repair.field));
            }
            Some(handler) => {
                if repair.retry {
                    match &handler.retries {
                        Some(r) => edits.push(Edit::replace(r.span, "2")),
                        None => edits.push(add_field(source, handler.span, "retries: 2")?),
                    }
                    done.push(format!("re-prompt in `{}`", repair.field));
                }
                if let Some(agent) = send {
                    match &handler.then {
                        Some(then) => edits.push(Edit::replace(then.span, agent)),
                        None => {
                            edits.push(add_field(source, handler.span, &format!("then: {agent}"))?)
                        }
                    }
                    done.push(format!("send `{}` failures to {agent}", repair.field));
                }
            }
        }
    }
    (!edits.is_empty()).then(|| Fix::unsafe_fix(done.join(", "), edits))
}

/// Whether a handler's own `then` reaches a transfer node, through `message` nodes, or
/// through decisions whose every branch taken does so or comes back to the node (a platform's
/// retry counter, such as a Connect `Loop`, is a decision that re-prompts): a caller who slips
/// is handed to a person or prompted again, which needs no retry of the node's own.
fn hands_to_a_person(ctx: &Context<'_>, node: NodeId, handler: &Option<ErrorHandler>) -> bool {
    let Some(first) = handler
        .as_ref()
        .and_then(|h| h.then.as_ref())
        .and_then(|t| ctx.menu.lookup(&t.value))
    else {
        return false;
    };
    let mut seen = vec![false; ctx.menu.nodes.len()];
    helped(ctx, node, first, &mut seen, true)
}

fn helped(ctx: &Context<'_>, origin: NodeId, id: NodeId, seen: &mut [bool], first: bool) -> bool {
    if id == origin && !first {
        return true;
    }
    if std::mem::replace(&mut seen[id.0], true) {
        return false;
    }
    let node = ctx.menu.node(id);
    match node.kind {
        NodeKind::Transfer => true,
        NodeKind::Message | NodeKind::Flow => ctx
            .to_of(id)
            .is_some_and(|next| helped(ctx, origin, next, seen, false)),
        NodeKind::Decision => {
            let taken: Vec<NodeId> = node
                .branches
                .iter()
                .filter(|b| b.share_value() > 0.0)
                .filter_map(|b| b.to.as_ref().and_then(|t| ctx.menu.lookup(&t.value)))
                .collect();
            !taken.is_empty()
                && taken
                    .into_iter()
                    .all(|next| helped(ctx, origin, next, &mut seen.to_vec(), false))
        }
        _ => false,
    }
}

/// `retries` precedence: handler, node, `defaults`; with where it is set on the node (`None`
/// when it comes from `defaults`).
fn retries(
    handler: &Option<ErrorHandler>,
    node: Option<&Spanned<u32>>,
    default: u32,
) -> (u32, Option<Span>) {
    match handler.as_ref().and_then(|h| h.retries.as_ref()).or(node) {
        Some(r) => (r.value, Some(r.span)),
        None => (default, None),
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}
