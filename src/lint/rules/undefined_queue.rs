use crate::declare_rule;
use crate::intents::traffic::DEFAULT_QUEUE;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it checks
    ///
    /// When the traffic file defines agent `queues`, every transfer node sends callers to one
    /// of them: its `queue`, or the queue `default` for a transfer without one.
    ///
    /// ## Why it matters
    ///
    /// Queue figures (service level, waits, abandonment, agents needed) follow callers into the
    /// queue their transfer names. A queue the traffic file does not define has no agents, so
    /// the calls sent there cannot be simulated or staffed; usually it is a typo or a team that
    /// was renamed in one file and not the other. `ivr sim` and `ivr staff` refuse such a menu.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// # traffic file: queues: { general: { agents: 38, handle_time: 120 } }
    /// agent: { type: transfer, queue: genral, serves: ["*"] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// agent: { type: transfer, queue: general, serves: ["*"] }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static UNDEFINED_QUEUE = {
        name: "undefined-queue",
        severity: Error,
        summary: "with queues: every transfer names a queue the traffic file defines",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(intents) = ctx.intents else { return };
    let traffic = &intents.traffic;
    if traffic.queues.is_empty() {
        return;
    }
    let defined = || traffic.queues.iter().map(|q| q.name.value.as_str());
    for node in ctx
        .menu
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Transfer)
    {
        let (name, span) = match &node.queue {
            Some(q) => (q.value.as_str(), q.span),
            None => (DEFAULT_QUEUE, node.id.span),
        };
        if traffic.queue_index(name).is_some() {
            continue;
        }
        let help = match did_you_mean(name, defined()) {
            Some(better) => format!("did you mean `{better}`?"),
            None => format!(
                "define `{name}` under `queues:` in the traffic file, or name one of its queues: {}",
                defined().collect::<Vec<_>>().join(", ")
            ),
        };
        let label = if node.queue.is_some() {
            "not a queue of the traffic file"
        } else {
            "no `queue`: the queue `default`, which the traffic file lacks"
        };
        out.push(
            Finding::new(
                span,
                format!(
                    "transfer `{}` sends callers to the queue `{name}`, which the traffic file does not define",
                    node.id.value
                ),
                label,
            )
            .help(help)
            .node(node.id.value.clone()),
        );
    }
}
