use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::intents::traffic::{Arrivals, DEFAULT_QUEUE};
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::queue::erlang::{QueueModel, Solution, Target, fewest_agents, solve};

declare_rule! {
    /// ## What it checks
    ///
    /// With `arrivals` and `queues` in the traffic file: each queue's offered load (calls per
    /// hour that reach it times its handle time, in Erlangs) is below its agents, and Erlang C
    /// (Erlang A with patience) gives it the service-level target. The calls reaching a queue
    /// are counted along each intent's mistake-free route, so the check is quick and needs no
    /// simulation; `ivr staff` gives the exact figures, misroutes included. With intervals,
    /// every interval is checked.
    ///
    /// ## Why it matters
    ///
    /// A menu change moves calls between self-service and agents and between queues, and a
    /// queue is strongly non-linear: a few percent more calls to a busy team can halve its
    /// service level, and at a load at or above its agents (with no one hanging up) the wait
    /// grows without end. A CI gate with this rule refuses a change that overloads a team.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// # traffic file: 1,000 calls an hour all reach `general`, 120 s each: 33.3 Erlangs
    /// queues: { general: { agents: 33, handle_time: 120 } }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// queues: { general: { agents: 38, handle_time: 120 } }   # 80% within 20 s
    /// ```
    ///
    /// ## Options
    ///
    /// None: the target is the traffic file's `service_level`. An overloaded queue is an
    /// error; one below the target a warning that names the fewest agents meeting it.
    pub static UNDERSTAFFED = {
        name: "understaffed",
        severity: Error,
        summary: "with queues: each queue's load is below its agents and meets the service level",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(intents) = ctx.intents else { return };
    let traffic = &intents.traffic;
    let Some(arrivals) = &traffic.arrivals else {
        return;
    };
    if traffic.queues.is_empty() {
        return;
    }
    let Some(routes) = ctx.intent_routes() else {
        return;
    };
    let menu = ctx.menu;
    let lookup =
        |name: Option<&crate::source::Spanned<String>>| name.and_then(|t| menu.lookup(&t.value));
    // The share of all calls reaching each queue along the mistake-free routes.
    let mut shares = vec![0.0; traffic.queues.len()];
    for (i, route) in routes.iter().enumerate() {
        let name = intents.intents[i].name.value.as_str();
        let mut at = match route.last() {
            Some(&(id, k)) => lookup(menu.node(id).options[k].to.as_ref()),
            None => menu.entry_node(),
        };
        let mut steps = 0;
        while let Some(id) = at {
            let node = menu.node(id);
            steps += 1;
            if steps > menu.nodes.len() {
                break;
            }
            at = match node.kind {
                NodeKind::Input | NodeKind::Message | NodeKind::Flow => lookup(node.to.as_ref()),
                NodeKind::Decision => {
                    crate::menu::routing::likeliest_branch(node).and_then(|b| lookup(b.to.as_ref()))
                }
                NodeKind::SelfService if !node.serves().any(|s| s == name) => {
                    lookup(node.to.as_ref())
                }
                NodeKind::Transfer => {
                    let queue = node
                        .queue
                        .as_ref()
                        .map_or(DEFAULT_QUEUE, |q| q.value.as_str());
                    if let Some(q) = traffic.queue_index(queue) {
                        shares[q] += intents.intents[i].share;
                    }
                    None
                }
                _ => None,
            };
        }
    }
    let level = traffic.service_level;
    let target = Target {
        answer_within: level.answer_within,
        service_level: level.target,
        max_occupancy: None,
    };
    let periods: Vec<(Option<usize>, f64)> = match &arrivals.value {
        Arrivals::PerHour(per_hour) => vec![(None, *per_hour)],
        Arrivals::Day {
            interval_minutes,
            calls,
        } => calls
            .iter()
            .enumerate()
            .map(|(k, c)| (Some(k), c * 60.0 / interval_minutes))
            .collect(),
    };
    for (q, queue) in traffic.queues.iter().enumerate() {
        for &(interval, per_hour) in &periods {
            let model = QueueModel {
                calls_per_hour: per_hour * shares[q],
                handle_time: queue.handle_time,
                patience: queue.patience,
            };
            let agents = queue.agents.value.at(interval.unwrap_or(0));
            let when = interval.map_or(String::new(), |k| format!(" in interval {}", k + 1));
            let load = model.load();
            // A search over agent counts, each an Erlang solution: only for a finding.
            let fewest = || {
                fewest_agents(&model, &target)
                    .map_or("more agents".to_string(), |n| format!("{n} agents"))
            };
            let finding = if load >= f64::from(agents) && load > 0.0 {
                Finding::new(
                    queue.name.span,
                    format!(
                        "queue `{}`{when} is offered {load:.1} Erlangs ({:.0} calls an hour) with {agents} agents: more work than its agents can do",
                        queue.name.value, model.calls_per_hour
                    ),
                    "overloaded",
                )
                .help(format!(
                    "{} answer {:.0}% within {} s (`ivr staff` gives the exact figures)",
                    fewest(),
                    level.target * 100.0,
                    level.answer_within
                ))
            } else {
                let solution = solve(&model, agents, level.answer_within);
                if target.met_by(&solution) || matches!(solution, Solution::Unstable) {
                    continue;
                }
                Finding::new(
                    queue.name.span,
                    format!(
                        "queue `{}`{when} answers {:.1}% of calls within {} s with {agents} agents, below the target of {:.0}%",
                        queue.name.value,
                        solution.service_level() * 100.0,
                        level.answer_within,
                        level.target * 100.0
                    ),
                    "below the service-level target",
                )
                .help(format!(
                    "{} meet the target (`ivr staff` gives the exact figures, misroutes included)",
                    fewest()
                ))
                .at_most(Severity::Warning)
            };
            out.push(finding.in_intents());
            break;
        }
    }
}
