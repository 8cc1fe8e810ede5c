//! The traffic file's queue sections: how many calls arrive (`arrivals`), the agent queues
//! behind the transfer nodes (`queues`), the service-level goal (`service_level`) and what a
//! misrouted call costs (`misroute`). All four are optional; queue figures need `arrivals` and
//! `queues` together.

use crate::ranges::{self, Number};
use crate::source::{Span, Spanned};
use crate::yaml::Node as YamlNode;
use crate::yaml::reader::{BoxedDiagnosticExt, Field, LoadResult, Reader, Shape};

/// The queue a transfer node without `queue:` sends callers to.
pub const DEFAULT_QUEUE: &str = "default";

/// How many calls arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// A steady Poisson stream of this many calls per hour.
    PerHour(f64),
    /// A day cut into intervals of `interval_minutes`, with the calls arriving in each.
    Day {
        interval_minutes: f64,
        calls: Vec<f64>,
    },
}

impl Arrivals {
    /// Intervals of a day (`None` for a steady stream).
    pub fn intervals(&self) -> Option<usize> {
        match self {
            Arrivals::PerHour(_) => None,
            Arrivals::Day { calls, .. } => Some(calls.len()),
        }
    }
}

/// A queue's agents: one number all day, or one per interval.
#[derive(Clone, Debug, PartialEq)]
pub enum Agents {
    Fixed(u32),
    PerInterval(Vec<u32>),
}

impl Agents {
    /// Agents in interval `k` (the one number for a fixed staffing).
    pub fn at(&self, k: usize) -> u32 {
        match self {
            Agents::Fixed(n) => *n,
            Agents::PerInterval(list) => list.get(k).or(list.last()).copied().unwrap_or(0),
        }
    }
}

/// One agent queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueSpec {
    pub name: Spanned<String>,
    pub agents: Spanned<Agents>,
    /// Mean seconds an agent spends on a call.
    pub handle_time: f64,
    /// Coefficient of variation of the handle time: 1 exponential, else lognormal.
    pub handle_cv: f64,
    /// Mean seconds a caller waits before hanging up (`None`: never).
    pub patience: Option<f64>,
}

/// The service-level goal: `target` of calls answered within `answer_within` seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceLevel {
    pub answer_within: f64,
    pub target: f64,
}

impl Default for ServiceLevel {
    fn default() -> Self {
        ServiceLevel {
            answer_within: 20.0,
            target: 0.8,
        }
    }
}

/// The queue sections of a traffic file.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    pub arrivals: Option<Spanned<Arrivals>>,
    /// In file order; empty when the file has no `queues`.
    pub queues: Vec<QueueSpec>,
    pub service_level: ServiceLevel,
    /// Seconds the wrong agent spends on a misrouted call before transferring it.
    pub misroute_handle_time: f64,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            arrivals: None,
            queues: Vec::new(),
            service_level: ServiceLevel::default(),
            misroute_handle_time: 45.0,
        }
    }
}

impl Traffic {
    /// Whether the file describes queues fully enough to simulate them.
    pub fn has_queues(&self) -> bool {
        self.arrivals.is_some() && !self.queues.is_empty()
    }

    /// The position of a queue in the file.
    pub fn queue_index(&self, name: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.name.value == name)
    }
}

pub(super) const ARRIVALS_FIELDS: &[&str] = &["calls_per_hour", "interval_minutes", "calls"];
pub(super) const QUEUE_FIELDS: &[&str] = &["agents", "handle_time", "handle_cv", "patience"];
pub(super) const SERVICE_LEVEL_FIELDS: &[&str] = &["answer_within", "target"];
pub(super) const MISROUTE_FIELDS: &[&str] = &["handle_time"];

fn number(r: &Reader<'_>, f: &Field<'_>, range: Number) -> LoadResult<Option<Spanned<f64>>> {
    r.number(f, |v| range.contains(v), range.words)
}

pub(super) fn read_arrivals(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Spanned<Arrivals>> {
    let shape = Shape {
        what: "`arrivals`",
        allowed: ARRIVALS_FIELDS,
        elsewhere: &[],
    };
    let span = r.value_span(value);
    let mut per_hour: Option<(Spanned<f64>, Span)> = None;
    let mut minutes: Option<Spanned<f64>> = None;
    let mut calls: Option<(Vec<f64>, Span)> = None;
    for f in r.fields(value, &shape)? {
        match f.name {
            "calls_per_hour" => {
                if let Some(v) = number(r, &f, ranges::CALLS_PER_HOUR)? {
                    per_hour = Some((v, r.value_span(f.key)));
                }
            }
            "interval_minutes" => minutes = number(r, &f, ranges::INTERVAL_MINUTES)?,
            _ => {
                let items = r.expect_seq(f.value, "`calls`")?;
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    let entry = Field {
                        name: "calls",
                        key: f.key,
                        value: item,
                    };
                    match number(r, &entry, ranges::INTERVAL_CALLS)? {
                        Some(v) => list.push(v.value),
                        None => return Err(r.type_error(&entry, "a number", &item.value)),
                    }
                }
                if list.is_empty() {
                    return Err(r
                        .error(r.value_span(f.value), "`calls` is empty", "no intervals")
                        .with_help_boxed(
                            "list the calls arriving in each interval, such as `[40, 75, 130]`",
                        ));
                }
                calls = Some((list, r.value_span(f.key)));
            }
        }
    }
    match (per_hour, minutes, calls) {
        (Some((_, key)), _, Some((_, calls_key))) => Err(r
            .error(
                calls_key,
                "`arrivals` has both `calls_per_hour` and `calls`",
                "a day in intervals here",
            )
            .with_label_boxed(key, "a steady rate here")
            .with_help_boxed(
                "keep `calls_per_hour` for a steady stream of calls, or `interval_minutes` with `calls` for a day in intervals",
            )),
        (Some((v, _)), None, None) => Ok(Spanned::new(Arrivals::PerHour(v.value), span)),
        (Some(_), Some(m), None) => Err(r
            .error(
                m.span,
                "`interval_minutes` goes with `calls`, not with `calls_per_hour`",
                "no intervals to cut",
            )
            .with_help_boxed("remove `interval_minutes`, or replace `calls_per_hour` by `calls: [...]`")),
        (None, Some(m), Some((calls, _))) => Ok(Spanned::new(
            Arrivals::Day {
                interval_minutes: m.value,
                calls,
            },
            span,
        )),
        (None, None, Some((_, key))) => Err(r
            .error(key, "`calls` needs `interval_minutes`", "calls per interval of what length?")
            .with_help_boxed("add `interval_minutes: 30` (or the length of your intervals)")),
        (None, _, None) => Err(r
            .error(span, "`arrivals` gives no number of calls", "no calls here")
            .with_help_boxed(
                "write `calls_per_hour: 1000`, or `interval_minutes: 30` with `calls: [40, 75, ...]`",
            )),
    }
}

pub(super) fn read_queues(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<QueueSpec>> {
    let entries = r.expect_map(value, "`queues`")?;
    let mut queues = Vec::with_capacity(entries.len());
    for (key, body) in entries {
        let name = Spanned::new(r.key_text(key)?, r.value_span(key));
        let shape = Shape {
            what: "a queue",
            allowed: QUEUE_FIELDS,
            elsewhere: &[],
        };
        let mut agents = None;
        let mut handle_time = None;
        let mut handle_cv = 1.0;
        let mut patience = None;
        for f in r.fields(body, &shape)? {
            match f.name {
                "agents" => agents = read_agents(r, &f)?,
                "handle_time" => handle_time = number(r, &f, ranges::HANDLE_TIME)?,
                "handle_cv" => {
                    if let Some(v) = number(r, &f, ranges::HANDLE_CV)? {
                        handle_cv = v.value;
                    }
                }
                _ => patience = number(r, &f, ranges::QUEUE_PATIENCE)?.map(|v| v.value),
            }
        }
        let missing = |field: &str, example: &str| {
            r.error(
                r.value_span(body),
                format!("queue `{}` has no `{field}`", name.value),
                format!("add `{field}` here"),
            )
            .with_help_boxed(format!("write `{}: {{ {example} }}`", name.value))
        };
        let agents = agents.ok_or_else(|| missing("agents", "agents: 38, handle_time: 120"))?;
        let handle_time =
            handle_time.ok_or_else(|| missing("handle_time", "agents: 38, handle_time: 120"))?;
        queues.push(QueueSpec {
            name,
            agents,
            handle_time: handle_time.value,
            handle_cv,
            patience,
        });
    }
    Ok(queues)
}

fn read_agents(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Option<Spanned<Agents>>> {
    let range = ranges::AGENTS;
    if let crate::yaml::Value::Seq(items) = &f.value.value {
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            let entry = Field {
                name: "agents",
                key: f.key,
                value: item,
            };
            match r.integer(&entry, range.min, range.max)? {
                Some(v) => list.push(v.value),
                None => return Err(r.type_error(&entry, "a whole number", &item.value)),
            }
        }
        return Ok(Some(Spanned::new(
            Agents::PerInterval(list),
            r.value_span(f.value),
        )));
    }
    Ok(r.integer(f, range.min, range.max)?
        .map(|v| Spanned::new(Agents::Fixed(v.value), v.span)))
}

pub(super) fn read_service_level(r: &Reader<'_>, value: &YamlNode) -> LoadResult<ServiceLevel> {
    let shape = Shape {
        what: "`service_level`",
        allowed: SERVICE_LEVEL_FIELDS,
        elsewhere: &[],
    };
    let mut level = ServiceLevel::default();
    for f in r.fields(value, &shape)? {
        match f.name {
            "answer_within" => {
                if let Some(v) = number(r, &f, ranges::ANSWER_WITHIN)? {
                    level.answer_within = v.value;
                }
            }
            _ => {
                if let Some(v) = number(r, &f, ranges::SHARE)? {
                    level.target = v.value;
                }
            }
        }
    }
    Ok(level)
}

pub(super) fn read_misroute(r: &Reader<'_>, value: &YamlNode) -> LoadResult<f64> {
    let shape = Shape {
        what: "`misroute`",
        allowed: MISROUTE_FIELDS,
        elsewhere: &[],
    };
    let mut handle = Traffic::default().misroute_handle_time;
    for f in r.fields(value, &shape)? {
        if let Some(v) = number(r, &f, ranges::HANDLE_TIME)? {
            handle = v.value;
        }
    }
    Ok(handle)
}

/// Checks what only the whole file shows: every per-interval staffing list matches the day.
pub(super) fn check_shapes(r: &Reader<'_>, traffic: &Traffic) -> LoadResult<()> {
    let intervals = traffic.arrivals.as_ref().and_then(|a| a.value.intervals());
    for queue in &traffic.queues {
        let Agents::PerInterval(list) = &queue.agents.value else {
            continue;
        };
        match intervals {
            Some(n) if n == list.len() => {}
            Some(n) => {
                return Err(r
                    .error(
                        queue.agents.span,
                        format!(
                            "queue `{}` lists agents for {} interval{}, but `arrivals.calls` has {n}",
                            queue.name.value,
                            list.len(),
                            if list.len() == 1 { "" } else { "s" }
                        ),
                        "one number per interval expected",
                    )
                    .with_help_boxed(
                        "give one number of agents per interval of `calls`, or a single number for the whole day",
                    ));
            }
            None => {
                return Err(r
                    .error(
                        queue.agents.span,
                        format!(
                            "queue `{}` lists agents per interval, but `arrivals` has no intervals",
                            queue.name.value
                        ),
                        "a list needs `arrivals.calls`",
                    )
                    .with_help_boxed(
                        "write one number of agents, or describe the day with `interval_minutes` and `calls`",
                    ));
            }
        }
    }
    Ok(())
}
