//! `ivr sim --vary`: a grid of caller parameters, queue settings and decision branch shares,
//! every point run with the same random numbers.
//!
//! `--vary PATH=V1,V2,...` may repeat; a value may be a range `A..B` (every whole number from A
//! to B) or `A..B:STEP`. The grid is every combination, in the order given, the last `--vary`
//! varying fastest. Each value is checked against the range an intents file accepts
//! ([`crate::ranges`]), each point's rates against their sum, and the queue settings against
//! the traffic file ([`check_traffic`]).

use std::borrow::Cow;

use super::UsageError;
use crate::callers::CallerModel;
use crate::intents::traffic::{Agents, Arrivals, Traffic};
use crate::menu::{Menu, NodeKind};
use crate::ranges;
use crate::text::did_you_mean;

/// A parameter a sweep can vary: one of the callers', or a setting of the queues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    MistakeRate,
    InvalidRate,
    NoInputRate,
    Patience,
    BargeIn,
    DigitTime,
    Confusion,
    MemorySpan,
    ForgetRate,
    UseUnannounced,
    ZeroOut,
    /// `nodes.ID.accuracy` of a speech node (the node's id).
    NodeAccuracy(String),
    /// `nodes.ID.reject_rate` of a speech node (the node's id).
    NodeRejectRate(String),
    /// `nodes.NODE.branches.WHEN`: the share of one branch of a decision node.
    BranchShare {
        node: String,
        when: String,
    },
    /// `queues.NAME.agents`: the agents of one queue (in every interval of a day).
    Agents(String),
    /// `arrivals.calls_per_hour`: the steady arrival rate.
    CallsPerHour,
}

impl Param {
    pub const ALL: [Param; 11] = [
        Param::MistakeRate,
        Param::InvalidRate,
        Param::NoInputRate,
        Param::Patience,
        Param::BargeIn,
        Param::DigitTime,
        Param::Confusion,
        Param::MemorySpan,
        Param::ForgetRate,
        Param::UseUnannounced,
        Param::ZeroOut,
    ];

    /// The path as written after `--vary` (and in the CSV header and JSON `point`).
    pub fn path(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Param::MistakeRate => "callers.mistake_rate",
            Param::InvalidRate => "callers.invalid_rate",
            Param::NoInputRate => "callers.no_input_rate",
            Param::Patience => "callers.patience",
            Param::BargeIn => "callers.barge_in",
            Param::DigitTime => "callers.digit_time",
            Param::Confusion => "callers.confusion",
            Param::MemorySpan => "callers.memory_span",
            Param::ForgetRate => "callers.forget_rate",
            Param::UseUnannounced => "callers.use_unannounced",
            Param::ZeroOut => "callers.zero_out",
            Param::NodeAccuracy(id) => return Cow::Owned(format!("nodes.{id}.accuracy")),
            Param::NodeRejectRate(id) => return Cow::Owned(format!("nodes.{id}.reject_rate")),
            Param::BranchShare { node, when } => {
                return Cow::Owned(format!("nodes.{node}.branches.{when}"));
            }
            Param::Agents(queue) => return Cow::Owned(format!("queues.{queue}.agents")),
            Param::CallsPerHour => "arrivals.calls_per_hour",
        })
    }

    /// The name without `callers.` (human table headers); other settings keep their path.
    pub fn short(&self) -> Cow<'static, str> {
        match self.path() {
            Cow::Borrowed(path) => Cow::Borrowed(path.strip_prefix("callers.").unwrap_or(path)),
            owned => owned,
        }
    }

    /// `nodes.NODE.branches.WHEN`, when the path has that shape (a node id or a label may hold
    /// dots: the node is what comes before the last `.branches.`).
    fn branch_share(path: &str) -> Option<Param> {
        let rest = path.strip_prefix("nodes.")?;
        let (node, when) = rest.rsplit_once(".branches.")?;
        if node.is_empty() || when.is_empty() {
            return None;
        }
        Some(Param::BranchShare {
            node: node.to_string(),
            when: when.to_string(),
        })
    }

    /// The node a node parameter sets, with whether it is `accuracy` (else `reject_rate`).
    pub fn node(&self) -> Option<(&str, bool)> {
        match self {
            Param::NodeAccuracy(id) => Some((id, true)),
            Param::NodeRejectRate(id) => Some((id, false)),
            _ => None,
        }
    }

    fn is_rate(&self) -> bool {
        matches!(
            self,
            Param::MistakeRate | Param::InvalidRate | Param::NoInputRate | Param::Confusion
        )
    }

    fn parse_value(&self, text: &str) -> Result<Value, UsageError> {
        let what = self.path();
        let number = || match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(UsageError::new(format!(
                "`{text}` is not a number ({what})"
            ))),
        };
        match self {
            Param::MistakeRate
            | Param::InvalidRate
            | Param::NoInputRate
            | Param::Confusion
            | Param::ForgetRate
            | Param::ZeroOut
            | Param::NodeAccuracy(_)
            | Param::NodeRejectRate(_) => {
                let v = number()?;
                if !ranges::RATE.contains(v) {
                    let error = UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::RATE.words
                    ));
                    return Err(if v > 1.0 && v <= 100.0 {
                        error.help(format!("write {text}% as {}", v / 100.0))
                    } else {
                        error
                    });
                }
                Ok(Value::Number(v))
            }
            Param::Patience => {
                if text == "null" {
                    return Ok(Value::Null);
                }
                let v = number().map_err(|e| {
                    e.help("patience is a number of seconds above 0, or `null` (callers never give up)")
                })?;
                if !ranges::PATIENCE.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be above 0 and at most 86400 seconds (one day), or null, not {text}"
                    ))
                    .help("`null` means callers never give up"));
                }
                Ok(Value::Number(v))
            }
            Param::MemorySpan => {
                if text == "null" {
                    return Ok(Value::Null);
                }
                let span = ranges::MEMORY_SPAN;
                match text.parse::<i64>() {
                    Ok(v) if (span.min..=span.max).contains(&v) => Ok(Value::Number(v as f64)),
                    _ => Err(UsageError::new(format!(
                        "{what} is a whole number from {} to {}, or null, not {text}",
                        span.min, span.max
                    ))
                    .help("`null` means callers keep every option in mind")),
                }
            }
            Param::BargeIn | Param::UseUnannounced => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(UsageError::new(format!(
                    "{what} is true or false, not `{text}`"
                ))),
            },
            Param::BranchShare { .. } => {
                let v = number()?;
                if !ranges::BRANCH_SHARE.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::BRANCH_SHARE.words
                    )));
                }
                Ok(Value::Number(v))
            }
            Param::DigitTime => {
                let v = number()?;
                if !ranges::SECONDS.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::SECONDS.words
                    )));
                }
                Ok(Value::Number(v))
            }
            Param::Agents(_) => {
                let v = number()?;
                let range = ranges::AGENTS;
                if v.fract() != 0.0 || v < range.min as f64 || v > range.max as f64 {
                    return Err(UsageError::new(format!(
                        "{what} must be a whole number of agents from {} to {}, not {text}",
                        range.min, range.max
                    )));
                }
                Ok(Value::Whole(v as u64))
            }
            Param::CallsPerHour => {
                let v = number()?;
                if !ranges::CALLS_PER_HOUR.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::CALLS_PER_HOUR.words
                    )));
                }
                Ok(Value::Number(v))
            }
        }
    }

    /// Sets this parameter in a traffic file's queue settings (callers' parameters are set by
    /// [`Param::apply`]). [`check_traffic`] has made sure the queue and the arrivals exist.
    pub fn apply_traffic(&self, traffic: &mut Traffic, value: Value) {
        match (self, value) {
            (Param::Agents(name), Value::Whole(n)) => {
                if let Some(i) = traffic.queue_index(name) {
                    // Parsed within the agents' range, which fits a u32.
                    traffic.queues[i].agents.value = Agents::Fixed(n as u32);
                }
            }
            (Param::CallsPerHour, Value::Number(v)) => {
                if let Some(arrivals) = &mut traffic.arrivals {
                    arrivals.value = Arrivals::PerHour(v);
                }
            }
            _ => {}
        }
    }

    /// Sets this parameter in a caller model (queue settings are left to
    /// [`Param::apply_traffic`]).
    pub fn apply(&self, callers: &mut CallerModel, value: Value) {
        match (self, value) {
            (Param::MistakeRate, Value::Number(v)) => callers.mistake_rate = v,
            (Param::InvalidRate, Value::Number(v)) => callers.invalid_rate = v,
            (Param::NoInputRate, Value::Number(v)) => callers.no_input_rate = v,
            (Param::Patience, Value::Number(v)) => callers.patience = Some(v),
            (Param::Patience, Value::Null) => callers.patience = None,
            (Param::BargeIn, Value::Bool(b)) => callers.barge_in = b,
            (Param::DigitTime, Value::Number(v)) => callers.digit_time = v,
            (Param::Confusion, Value::Number(v)) => callers.confusion = v,
            (Param::MemorySpan, Value::Number(v)) => callers.memory_span = Some(v as u32),
            (Param::MemorySpan, Value::Null) => callers.memory_span = None,
            (Param::ForgetRate, Value::Number(v)) => callers.forget_rate = v,
            (Param::UseUnannounced, Value::Bool(b)) => callers.use_unannounced = b,
            (Param::ZeroOut, Value::Number(v)) => callers.zero_out = v,
            // Node parameters and branch shares set the menu ([`Param::node`],
            // [`Param::apply_to_menu`]), queue settings the traffic ([`Param::apply_traffic`]).
            (
                Param::NodeAccuracy(_)
                | Param::NodeRejectRate(_)
                | Param::BranchShare { .. }
                | Param::Agents(_)
                | Param::CallsPerHour,
                _,
            ) => {}
            _ => unreachable!("values are parsed for their parameter"),
        }
    }
}

impl Param {
    /// Whether this parameter names a branch of the menu, `Ok` when it does or is not a branch
    /// share.
    pub fn check_menu(&self, menu: &Menu) -> Result<(), UsageError> {
        let Param::BranchShare { node, when } = self else {
            return Ok(());
        };
        let path = self.path();
        let Some(id) = menu.lookup(node) else {
            return Err(UsageError::new(format!(
                "{path}: the menu has no node `{node}`"
            )));
        };
        let found = menu.node(id);
        if found.kind != NodeKind::Decision {
            return Err(UsageError::new(format!(
                "{path}: `{node}` is a {} node, not a decision",
                found.kind
            )));
        }
        if !found.branches.iter().any(|b| b.when_text() == when) {
            let whens: Vec<&str> = found.branches.iter().map(|b| b.when_text()).collect();
            return Err(UsageError::new(format!(
                "{path}: decision `{node}` has no branch `{when}`"
            ))
            .help(format!("its branches are: {}", whens.join(", "))));
        }
        Ok(())
    }

    /// Sets a branch share in the menu (nothing for a caller parameter). At least one branch of
    /// the decision must keep a share above 0.
    pub fn apply_to_menu(&self, menu: &mut Menu, value: Value) -> Result<(), UsageError> {
        let (Param::BranchShare { node, when }, Value::Number(v)) = (self, value) else {
            return Ok(());
        };
        let path = self.path();
        let Some(id) = menu.lookup(node) else {
            return Ok(());
        };
        let branches = &mut menu.nodes[id.0].branches;
        for b in branches.iter_mut().filter(|b| b.when_text() == when) {
            let span = b.share.as_ref().map_or(b.span, |s| s.span);
            b.share = Some(crate::source::Spanned::new(v, span));
        }
        if branches.iter().all(|b| b.share_value() <= 0.0) {
            return Err(UsageError::new(format!(
                "at the point {path}={value}, every branch of `{node}` has share 0"
            ))
            .help("keep at least one branch of the decision above 0"));
        }
        Ok(())
    }
}

/// One value of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    /// A whole number (a queue's agents).
    Whole(u64),
    /// `patience: null`: callers never give up.
    Null,
    Bool(bool),
}

impl Value {
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Value::Number(v) => serde_json::Number::from_f64(v)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Whole(n) => serde_json::Value::from(n),
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(v) => write!(f, "{v}"),
            Value::Whole(n) => write!(f, "{n}"),
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One `--vary` option.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub param: Param,
    pub values: Vec<Value>,
}

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// Parses `PATH=V1,V2,...`.
pub fn parse_vary(text: &str) -> Result<Vary, UsageError> {
    let Some((path, values)) = text.split_once('=') else {
        return Err(
            UsageError::new(format!("`{text}` is not PATH=V1,V2,...: it has no `=`"))
                .help("for example `--vary callers.mistake_rate=0.01,0.03,0.1`"),
        );
    };
    let path = path.trim();
    let param = param_named(path)?;
    let mut parsed = Vec::new();
    for v in values.split(',').map(str::trim) {
        if v.is_empty() {
            return Err(UsageError::new(format!("`{text}` has an empty value"))
                .help("separate values with commas: `PATH=V1,V2,V3`"));
        }
        for v in expand_range(
            v,
            parsed.len(),
            matches!(param, Param::Agents(_) | Param::MemorySpan),
        )? {
            parsed.push(param.parse_value(&v)?);
        }
    }
    Ok(Vary {
        param,
        values: parsed,
    })
}

/// The parameter at `path`.
fn param_named(path: &str) -> Result<Param, UsageError> {
    if let Some(found) = Param::ALL.into_iter().find(|p| p.path() == path) {
        return Ok(found);
    }
    if path == Param::CallsPerHour.path() {
        return Ok(Param::CallsPerHour);
    }
    if let Some(queue) = path
        .strip_prefix("queues.")
        .and_then(|rest| rest.strip_suffix(".agents"))
        .filter(|q| !q.is_empty())
    {
        return Ok(Param::Agents(queue.to_string()));
    }
    if let Some(share) = Param::branch_share(path) {
        return Ok(share);
    }
    if let Some((id, field)) = path
        .strip_prefix("nodes.")
        .and_then(|rest| rest.rsplit_once('.'))
        .filter(|(id, field)| !id.is_empty() && matches!(*field, "accuracy" | "reject_rate"))
    {
        return Ok(if field == "accuracy" {
            Param::NodeAccuracy(id.to_string())
        } else {
            Param::NodeRejectRate(id.to_string())
        });
    }
    let mut paths: Vec<String> = Param::ALL.iter().map(|p| p.path().into_owned()).collect();
    paths.push(Param::CallsPerHour.path().into_owned());
    let error = UsageError::new(format!("`{path}` is not a parameter a sweep can vary"));
    if let Some(rest) = path.strip_prefix("queues.") {
        let queue = rest.split('.').next().unwrap_or(rest);
        return Err(error.help(format!(
            "a sweep varies a queue's agents: `queues.{queue}.agents=30..45`"
        )));
    }
    let prefixed = format!("callers.{path}");
    let better = if paths.contains(&prefixed) {
        Some(prefixed)
    } else {
        did_you_mean(path, paths.iter().map(String::as_str)).map(str::to_string)
    };
    Err(match better {
        Some(better) => error.help(format!("did you mean `{better}`?")),
        None => error.help(format!(
            "the parameters are: {}, queues.NAME.agents, a decision's branch share as nodes.NODE.branches.WHEN, and nodes.ID.accuracy, nodes.ID.reject_rate of a speech node",
            paths.join(", ")
        )),
    })
}

/// How many evenly spaced values `LO..HI` stands for (both ends included) for a setting that is
/// not a whole number.
pub const RANGE_POINTS: usize = 5;

/// `A..B:STEP` as its values; `A..B` as every whole number from A to B for a `whole` setting (a
/// queue's agents) and as [`RANGE_POINTS`] evenly spaced values for any other; any other value
/// as itself. `before` values are already in the list: together they stay within [`MAX_POINTS`].
fn expand_range(text: &str, before: usize, whole: bool) -> Result<Vec<String>, UsageError> {
    let Some((from, rest)) = text.split_once("..") else {
        return Ok(vec![text.to_string()]);
    };
    let (to, step) = match rest.split_once(':') {
        Some((to, step)) => (to, Some(step)),
        None => (rest, None),
    };
    let number = |t: &str| {
        match t.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(UsageError::new(format!(
            "`{text}` is not a range: `{}` is not a number",
            t.trim()
        ))
        .help("a range is `FROM..TO` (five evenly spaced values, or every whole number of agents) or `FROM..TO:STEP`")),
    }
    };
    let (from, to) = (number(from)?, number(to)?);
    let step = match step {
        Some(step) => number(step)?,
        None if whole => 1.0,
        None if to > from => (to - from) / (RANGE_POINTS - 1) as f64,
        None => 1.0,
    };
    if step <= 0.0 {
        return Err(UsageError::new(format!(
            "`{text}`: the step must be above 0"
        )));
    }
    if to < from {
        return Err(UsageError::new(format!("`{text}` runs backwards"))
            .help(format!("write `{}..{}`", to, from)));
    }
    // The last value is TO when the steps land on it (within rounding), else the last below.
    let steps = ((to - from) / step + 1e-9).floor();
    if steps + 1.0 + before as f64 > MAX_POINTS as f64 {
        return Err(
            UsageError::new(format!("`{text}` gives more than {MAX_POINTS} values"))
                .help("give a larger step: `FROM..TO:STEP`"),
        );
    }
    Ok((0..=steps as u64)
        .map(|k| {
            let v = from + k as f64 * step;
            // Printed as people write it: 0.1 + 2 · 0.1 is 0.30000000000000004.
            let rounded = (v * 1e9).round() / 1e9;
            format!("{rounded}")
        })
        .collect())
}

/// Refuses queue settings the traffic file cannot take: a queue it does not define, or
/// `arrivals.calls_per_hour` when it has no steady arrival rate.
pub fn check_traffic(varies: &[Vary], traffic: &Traffic) -> Result<(), UsageError> {
    for v in varies {
        match &v.param {
            Param::Agents(name) => {
                if traffic.queue_index(name).is_some() {
                    continue;
                }
                let defined: Vec<&str> = traffic
                    .queues
                    .iter()
                    .map(|q| q.name.value.as_str())
                    .collect();
                let error = UsageError::new(format!(
                    "{}: the traffic file defines no queue `{name}`",
                    v.param.path()
                ));
                return Err(if defined.is_empty() {
                    error.help(
                        "add `arrivals:` and `queues:` to the traffic file to simulate the queues",
                    )
                } else {
                    match did_you_mean(name, defined.iter().copied()) {
                        Some(better) => {
                            error.help(format!("did you mean `queues.{better}.agents`?"))
                        }
                        None => error.help(format!("the queues are: {}", defined.join(", "))),
                    }
                });
            }
            Param::CallsPerHour => match traffic.arrivals.as_ref().map(|a| &a.value) {
                Some(Arrivals::PerHour(_)) if traffic.has_queues() => {}
                Some(Arrivals::Day { .. }) => {
                    return Err(UsageError::new(
                        "arrivals.calls_per_hour: the traffic file describes a day in intervals (`arrivals.calls`), not a steady rate",
                    )
                    .help("vary the agents instead (`queues.NAME.agents=...`), or write a traffic file with `calls_per_hour`"));
                }
                _ => {
                    return Err(UsageError::new(
                        "arrivals.calls_per_hour: the traffic file has no `arrivals` and `queues`, so calls end at the transfer",
                    )
                    .help("add `arrivals:` and `queues:` to the traffic file to simulate the queues"));
                }
            },
            _ => {}
        }
    }
    Ok(())
}

/// One point of the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The varied parameters' values, in the order of the `--vary` options.
    pub values: Vec<(Param, Value)>,
    /// The caller model at this point (the intents file's, with the values set).
    pub callers: CallerModel,
}

/// Every combination of the values, the last `--vary` varying fastest; a point whose rates add
/// up to more than 1 is refused.
pub fn grid(varies: &[Vary], base: CallerModel) -> Result<Vec<Point>, UsageError> {
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.param == v.param) {
            return Err(
                UsageError::new(format!("{} is varied twice", v.param.path()))
                    .help("give all its values in one --vary, separated by commas"),
            );
        }
    }
    let size = varies
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.values.len()))
        .filter(|&n| n <= MAX_POINTS);
    let Some(size) = size else {
        return Err(
            UsageError::new(format!("the sweep has more than {MAX_POINTS} points"))
                .help("vary fewer parameters or give fewer values"),
        );
    };
    let mut points = Vec::with_capacity(size);
    for index in 0..size {
        let mut rest = index;
        let mut values = vec![(Param::MistakeRate, Value::Null); varies.len()];
        for (slot, v) in varies.iter().enumerate().rev() {
            values[slot] = (v.param.clone(), v.values[rest % v.values.len()]);
            rest /= v.values.len();
        }
        let mut callers = base;
        for (param, value) in &values {
            param.apply(&mut callers, *value);
        }
        if !callers.rates_fit() {
            let sum = callers.rate_sum();
            let shown: Vec<String> = values
                .iter()
                .filter(|(p, _)| p.is_rate())
                .map(|(p, v)| format!("{}={v}", p.path()))
                .collect();
            let confusion = if callers.confusion > 0.0 {
                format!(" + confusion {}", callers.confusion)
            } else {
                String::new()
            };
            return Err(UsageError::new(format!(
                "at the point {}, mistake_rate + invalid_rate + no_input_rate{} is {} ({} + {} + {}{}), more than 1",
                shown.join(", "),
                if confusion.is_empty() { "" } else { " + confusion" },
                (sum * 1e9).round() / 1e9,
                callers.mistake_rate,
                callers.invalid_rate,
                callers.no_input_rate,
                confusion.replacen(" + confusion ", " + ", 1)
            ))
            .help("lower the rates so that they add up to at most 1 at every point of the grid (rates not varied keep the intents file's values)"));
        }
        points.push(Point { values, callers });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_order_last_fastest() {
        let a = parse_vary("callers.mistake_rate=0.01,0.1").unwrap();
        let b = parse_vary("callers.patience=60, null").unwrap();
        let points = grid(&[a, b], CallerModel::default()).unwrap();
        let shown: Vec<String> = points
            .iter()
            .map(|p| format!("{}/{}", p.values[0].1, p.values[1].1))
            .collect();
        assert_eq!(shown, ["0.01/60", "0.01/null", "0.1/60", "0.1/null"]);
        assert_eq!(points[1].callers.patience, None);
        assert_eq!(points[2].callers.mistake_rate, 0.1);
    }

    #[test]
    fn a_range_stands_for_five_evenly_spaced_values() {
        let v = parse_vary("callers.mistake_rate=0..0.2").unwrap();
        let got: Vec<String> = v.values.iter().map(|x| x.to_string()).collect();
        assert_eq!(got, ["0", "0.05", "0.1", "0.15", "0.2"]);
    }

    #[test]
    fn a_branch_share_is_named_by_node_and_when() {
        let v = parse_vary("nodes.hours.branches.closed=0,0.3").unwrap();
        assert_eq!(
            v.param,
            Param::BranchShare {
                node: "hours".into(),
                when: "closed".into()
            }
        );
        assert_eq!(v.param.short(), "nodes.hours.branches.closed");
        assert!(parse_vary("nodes.hours.branches.closed=-1").is_err());
    }

    #[test]
    fn ranges_expand_to_their_values() {
        let values = |text: &str| -> Vec<String> {
            parse_vary(text)
                .unwrap()
                .values
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            values("queues.general.agents=30..33"),
            ["30", "31", "32", "33"]
        );
        assert_eq!(values("queues.a.b.agents=1,5..7:2"), ["1", "5", "7"]);
        assert_eq!(
            values("callers.mistake_rate=0.1..0.3:0.1"),
            ["0.1", "0.2", "0.3"]
        );
        // The last step short of TO is the last value.
        assert_eq!(
            values("arrivals.calls_per_hour=800..1250:200"),
            ["800", "1000", "1200"]
        );
        assert_eq!(
            parse_vary("queues.a.b.agents=3").unwrap().param,
            Param::Agents("a.b".into())
        );
        assert!(parse_vary("queues.general.agents=0..20000:1").is_err());
        assert!(parse_vary("queues.general.agents=1..x").is_err());
    }

    #[test]
    fn refuses_bad_values() {
        assert!(parse_vary("callers.mistake_rate=1.5").is_err());
        assert!(parse_vary("callers.patience=0").is_err());
        assert!(parse_vary("callers.barge_in=yes").is_err());
        assert!(parse_vary("callers.digit_time=-1").is_err());
        assert_eq!(
            parse_vary("mistake_rate=0.1").unwrap_err().help.unwrap(),
            "did you mean `callers.mistake_rate`?"
        );
        let a = parse_vary("callers.mistake_rate=0.5,0.95").unwrap();
        let b = parse_vary("callers.invalid_rate=0.05").unwrap();
        let error = grid(&[a, b], CallerModel::default()).unwrap_err();
        assert!(
            error.message.contains("callers.mistake_rate=0.95"),
            "{}",
            error.message
        );
    }
}
