//! Gates: pass/fail bounds on the figures of a simulation (`ivr sim --check`, and the `checks:`
//! of `.ivr.yaml`). Users call them checks; the code calls them gates, so that they are not
//! confused with a lint rule's check.
//!
//! A gate is `FIGURE OP NUMBER`. It passes when the figure's whole 95% interval is on the
//! right side of the bound, fails when the whole interval is on the wrong side, and is
//! inconclusive when the interval straddles the bound (more calls narrow it). Exact figures
//! (`--exact`) have no interval: a gate on them passes or fails.

use serde::Serialize;

use super::UsageError;
use super::engine::Outcome;
use super::queues::Estimate;
use super::report::{Distribution, Figures, SimReport};
use crate::stats::{Interval, MEAN_CALLS, calls_for_quantile, to_micros, wilson};
use crate::text::did_you_mean;

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Le => value <= bound,
            Op::Lt => value < bound,
            Op::Ge => value >= bound,
            Op::Gt => value > bound,
        }
    }
}

/// What is measured per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Inputs,
    Time,
    TimeToAgent,
}

impl Quantity {
    const ALL: [Quantity; 3] = [Quantity::Inputs, Quantity::Time, Quantity::TimeToAgent];

    pub fn name(self) -> &'static str {
        match self {
            Quantity::Inputs => "inputs",
            Quantity::Time => "time",
            Quantity::TimeToAgent => "time_to_agent",
        }
    }
}

/// A summary of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    Mean,
    P50,
    P90,
    P99,
}

impl Statistic {
    const ALL: [Statistic; 4] = [
        Statistic::Mean,
        Statistic::P50,
        Statistic::P90,
        Statistic::P99,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::P50 => "p50",
            Statistic::P90 => "p90",
            Statistic::P99 => "p99",
        }
    }
}

/// A figure of the whole traffic or of one intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// The share of calls ending in an outcome.
    Share(Outcome),
    /// The share of calls ending in any of several outcomes (`misrouted+unresolved`): bit `i`
    /// stands for `Outcome::ALL[i]`. Outcomes exclude each other, so it is one share of calls.
    Shares(u8),
    Stat(Quantity, Statistic),
    /// The share of the calls reaching a person that reach one within this many microseconds
    /// (`time_to_agent.within(30)`, the bound written in seconds).
    WithinToAgent(u64),
    /// A figure of one queue (`queue.NAME.x`, the name in [`Gate::queue`]) or of all queues
    /// together (`queues.x`).
    Queue(QueueFigure),
    /// A figure of the calls through the queues, from arrival to the right agent.
    EndToEnd(EndToEndFigure),
    /// The share of calls that followed a confusion (when the callers can be confused).
    Confused,
    /// A share of the spoken attempts at speech nodes: recognised (0), asked to repeat (1),
    /// misrecognised (2).
    Speech(u8),
}

/// The speech shares a check names, in [`Figure::Speech`]'s order.
const SPEECH_SHARES: [&str; 3] = [
    "speech.recognised",
    "speech.rejected",
    "speech.misrecognised",
];

/// A figure of a queue, as `ivr sim` reports it per queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueFigure {
    ServiceLevel,
    Answered,
    Asa,
    PWait,
    Abandoned,
    Occupancy,
    Wait(Statistic),
}

impl QueueFigure {
    /// Every queue figure, as written after `queue.NAME.` or `queues.`.
    pub fn all() -> Vec<(String, QueueFigure)> {
        named(
            &[
                ("service_level", QueueFigure::ServiceLevel),
                ("answered", QueueFigure::Answered),
                ("asa", QueueFigure::Asa),
                ("p_wait", QueueFigure::PWait),
                ("abandoned", QueueFigure::Abandoned),
                ("occupancy", QueueFigure::Occupancy),
            ],
            "wait",
            QueueFigure::Wait,
        )
    }

    fn is_share(self) -> bool {
        !matches!(self, QueueFigure::Asa | QueueFigure::Wait(_))
    }
}

/// The figures written as themselves, then `TIMED.mean`, `TIMED.p50`, ... for each statistic.
fn named<F: Copy>(plain: &[(&str, F)], timed: &str, of: fn(Statistic) -> F) -> Vec<(String, F)> {
    let mut all: Vec<(String, F)> = plain.iter().map(|&(n, f)| (n.to_string(), f)).collect();
    all.extend(
        Statistic::ALL
            .into_iter()
            .map(|s| (format!("{timed}.{}", s.name()), of(s))),
    );
    all
}

/// A figure of the calls through the queues, end to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndToEndFigure {
    /// Share of all calls answered by the agent their intent needs.
    Answered,
    /// Share of all calls that hung up, in the menu or in a queue.
    AbandonedTotal,
    /// Share of all calls answered by a wrong agent and transferred.
    Transferred,
    /// Seconds from arrival to the right agent's answer.
    TimeToAnswer(Statistic),
}

impl EndToEndFigure {
    /// Every end-to-end figure, as written.
    pub fn all() -> Vec<(String, EndToEndFigure)> {
        named(
            &[
                ("answered", EndToEndFigure::Answered),
                ("abandoned_total", EndToEndFigure::AbandonedTotal),
                ("transferred", EndToEndFigure::Transferred),
            ],
            "time_to_answer",
            EndToEndFigure::TimeToAnswer,
        )
    }
}

impl Figure {
    /// Every figure a check can name, as written (without an `intent.NAME.` prefix).
    pub fn all() -> Vec<(String, Figure)> {
        let mut all: Vec<(String, Figure)> = Outcome::ALL
            .iter()
            .map(|&o| (o.name().to_string(), Figure::Share(o)))
            .collect();
        for q in Quantity::ALL {
            for s in Statistic::ALL {
                all.push((format!("{}.{}", q.name(), s.name()), Figure::Stat(q, s)));
            }
        }
        all.push(("confused".to_string(), Figure::Confused));
        for (i, name) in SPEECH_SHARES.iter().enumerate() {
            all.push((name.to_string(), Figure::Speech(i as u8)));
        }
        all
    }

    fn named(text: &str) -> Option<Figure> {
        if text.contains('+') {
            let mut mask = 0u8;
            for part in text.split('+') {
                let i = Outcome::ALL.iter().position(|o| o.name() == part.trim())?;
                if mask & (1 << i) != 0 {
                    return None;
                }
                mask |= 1 << i;
            }
            return Some(Figure::Shares(mask));
        }
        if let Some(seconds) = text
            .strip_prefix("time_to_agent.within(")
            .and_then(|t| t.strip_suffix(')'))
        {
            let seconds: f64 = seconds.trim().parse().ok()?;
            return (seconds.is_finite() && seconds >= 0.0)
                .then(|| Figure::WithinToAgent(to_micros(seconds)));
        }
        Figure::all()
            .into_iter()
            .find(|(name, _)| name == text)
            .map(|(_, f)| f)
    }

    pub fn is_quantile(self) -> bool {
        matches!(self, Figure::Stat(_, s) if s != Statistic::Mean)
    }

    /// Decimals worth printing.
    pub fn digits(self) -> usize {
        match self {
            Figure::Share(_)
            | Figure::Shares(_)
            | Figure::WithinToAgent(_)
            | Figure::Confused
            | Figure::Speech(_) => 4,
            Figure::Stat(Quantity::Inputs, Statistic::Mean) => 3,
            Figure::Stat(Quantity::Inputs, _) => 0,
            Figure::Stat(_, _) => 2,
            Figure::Queue(q) if q.is_share() => 4,
            Figure::EndToEnd(EndToEndFigure::TimeToAnswer(_)) | Figure::Queue(_) => 2,
            Figure::EndToEnd(_) => 4,
        }
    }
}

/// A parsed gate.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// `FIGURE OP NUMBER`, with single spaces around the operator.
    pub expr: String,
    /// `None`: the whole traffic.
    pub intent: Option<String>,
    /// The queue of a [`Figure::Queue`] (`None`: all queues together).
    pub queue: Option<String>,
    /// A caller group (`persona.NAME.FIGURE`): the figure of that group's calls.
    pub persona: Option<String>,
    pub figure: Figure,
    pub op: Op,
    pub bound: f64,
}

impl Gate {
    /// A figure of the queues (per queue, all queues, or end to end).
    pub fn is_queue_figure(&self) -> bool {
        matches!(self.figure, Figure::Queue(_) | Figure::EndToEnd(_))
    }
}

const OPERATORS: &str = "<=, <, >= or >";

/// Parses `FIGURE OP NUMBER` against the intents of a traffic file without queues. With
/// `exact`, quantile figures are refused (the exact solver computes shares and means only).
pub fn parse(text: &str, intents: &[String], exact: bool) -> Result<Gate, UsageError> {
    parse_with_queues(text, intents, &[], exact)
}

/// Parses `FIGURE OP NUMBER` against the intents and the queues of the traffic (no queues: the
/// traffic file has no `arrivals` and `queues`, so there are no queue figures).
pub fn parse_with_queues(
    text: &str,
    intents: &[String],
    queues: &[String],
    exact: bool,
) -> Result<Gate, UsageError> {
    let text = text.trim();
    let Some(at) = text.find(['<', '>', '=', '!']) else {
        return Err(UsageError::new(format!(
            "`{text}` has no comparison: a check is FIGURE OP NUMBER, with OP one of {OPERATORS}"
        ))
        .help("for example `abandoned <= 0.08` or `time.p90 <= 90`"));
    };
    let figure_text = text[..at].trim();
    let rest = &text[at..];
    let op_len = rest
        .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
        .unwrap_or(rest.len());
    let (op_text, number_text) = (&rest[..op_len], rest[op_len..].trim());
    let op = match op_text {
        "<=" => Op::Le,
        "<" => Op::Lt,
        ">=" => Op::Ge,
        ">" => Op::Gt,
        "=<" | "=>" => {
            let better = if op_text == "=<" { "<=" } else { ">=" };
            return Err(UsageError::new(format!("`{op_text}` is not a comparison"))
                .help(format!("did you mean `{better}`?")));
        }
        "=" | "==" | "!=" => {
            return Err(UsageError::new(format!(
                "a check cannot test `{op_text}`: an estimate is never exactly a number; use {OPERATORS}"
            ))
            .help(format!("for example `{figure_text} <= {number_text}`")));
        }
        _ => {
            return Err(UsageError::new(format!(
                "`{op_text}` is not a comparison; use {OPERATORS}"
            )));
        }
    };
    if figure_text.is_empty() {
        return Err(
            UsageError::new(format!("`{text}` names no figure before `{op_text}`"))
                .help("a check is FIGURE OP NUMBER, for example `abandoned <= 0.08`"),
        );
    }
    if number_text.contains(['<', '>']) {
        return Err(
            UsageError::new(format!("`{text}` makes more than one comparison"))
                .help("write one check per bound, each with its own --check"),
        );
    }
    let bound = parse_number(number_text, op_text)?;
    let (intent, queue, figure) = match parse_queue_figure(figure_text, queues)? {
        Some((queue, figure)) => {
            if exact {
                return Err(UsageError::new(format!(
                    "`{figure_text}` is a figure of the simulated queues, and --exact solves the menu only"
                ))
                .help("check it without --exact (Monte Carlo); `ivr staff` gives the Erlang figures of each queue"));
            }
            (None, queue, figure)
        }
        None => {
            let (intent, figure) = parse_figure(figure_text, intents)?;
            (intent, None, figure)
        }
    };
    let share_name = match figure {
        Figure::Share(o) => Some(o.name().to_string()),
        Figure::Shares(_) | Figure::WithinToAgent(_) | Figure::Confused | Figure::Speech(_) => {
            Some(figure_text.to_string())
        }
        Figure::Queue(q) if q.is_share() => Some(figure_text.to_string()),
        Figure::EndToEnd(EndToEndFigure::TimeToAnswer(_)) => None,
        Figure::EndToEnd(_) => Some(figure_text.to_string()),
        Figure::Stat(..) | Figure::Queue(_) => None,
    };
    if let Some(name) = share_name
        && !(0.0..=1.0).contains(&bound)
    {
        let mut error = UsageError::new(format!(
            "`{name}` is a share from 0 to 1, so `{op_text} {number_text}` is not a bound on it"
        ));
        if bound > 1.0 && bound <= 100.0 {
            error = error.help(format!("write {number_text}% as {}", bound / 100.0));
        }
        return Err(error);
    }
    if exact && matches!(figure, Figure::WithinToAgent(_)) {
        return Err(UsageError::new(format!(
            "`{figure_text}` needs the spread of times to reach a person, and the exact solver computes their mean only"
        ))
        .help("check it without --exact (Monte Carlo), or check `time_to_agent.mean`"));
    }
    if exact && figure.is_quantile() {
        return Err(UsageError::new(format!(
            "`{figure_text}` is a quantile, and the exact solver computes shares and means only"
        ))
        .help("check quantiles without --exact (Monte Carlo), or check a mean"));
    }
    Ok(Gate {
        expr: format!("{figure_text} {op_text} {number_text}"),
        intent,
        queue,
        persona: None,
        figure,
        op,
        bound,
    })
}

/// Parses a gate that may name a caller group first (`persona.NAME.FIGURE OP NUMBER`), with
/// the queues and the groups of the traffic (none when it names no groups).
pub fn parse_scoped(
    text: &str,
    intents: &[String],
    queues: &[String],
    personas: &[String],
    exact: bool,
) -> Result<Gate, UsageError> {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("persona.") else {
        return parse_with_queues(text, intents, queues, exact);
    };
    // Group names may contain dots: the longest name followed by `.` wins.
    let name = personas
        .iter()
        .filter(|n| {
            rest.len() > n.len() && rest.starts_with(n.as_str()) && rest[n.len()..].starts_with('.')
        })
        .max_by_key(|n| n.len());
    let Some(name) = name else {
        let first = rest.split('.').next().unwrap_or(rest);
        let error = UsageError::new(format!("no caller group named `{first}` in the traffic"));
        return Err(if personas.is_empty() {
            error.help("caller groups come from `callers:` written as a list of groups, each with a `name` and a `share`")
        } else {
            match did_you_mean(first, personas.iter().map(String::as_str)) {
                Some(better) => error.help(format!("did you mean `{better}`?")),
                None => error.help(format!("the caller groups are: {}", personas.join(", "))),
            }
        });
    };
    let mut gate = parse(&rest[name.len() + 1..], &[], exact)?;
    gate.expr = format!("persona.{name}.{}", gate.expr);
    gate.persona = Some(name.clone());
    Ok(gate)
}

fn parse_number(text: &str, op: &str) -> Result<f64, UsageError> {
    if text.is_empty() {
        return Err(UsageError::new(format!("no number after `{op}`"))
            .help("a check is FIGURE OP NUMBER, for example `abandoned <= 0.08`"));
    }
    if let Some(percent) = text.strip_suffix('%')
        && let Ok(v) = percent.trim().parse::<f64>()
    {
        return Err(
            UsageError::new(format!("`{text}` is not a number")).help(format!(
                "write shares as fractions: {} for {text}",
                v / 100.0
            )),
        );
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(UsageError::new(format!("`{text}` is not a number"))),
    }
}

/// A queue figure (`queue.NAME.x`, `queues.x`) or an end-to-end one (`answered`,
/// `time_to_answer.p90`, ...): `Ok(None)` when `text` is neither, so it is a menu figure.
fn parse_queue_figure(
    text: &str,
    queues: &[String],
) -> Result<Option<(Option<String>, Figure)>, UsageError> {
    let end_to_end = EndToEndFigure::all();
    let queue_figures = QueueFigure::all();
    let names = |list: &[(String, QueueFigure)]| {
        list.iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let no_queues = || {
        UsageError::new(format!(
            "`{text}` is a figure of the calls through the queues, and the traffic file has no `arrivals` and `queues`, so calls end at the transfer"
        ))
        .help("add `arrivals:` and `queues:` to the traffic file to simulate the queues")
    };
    // A figure of one queue, `NAME` being the queue's name (`None`: all queues).
    let queue_figure = |figure: &str, queue: Option<&str>| -> Result<Figure, UsageError> {
        if let Some((_, f)) = queue_figures.iter().find(|(n, _)| n == figure) {
            return Ok(Figure::Queue(*f));
        }
        let whose = queue.map_or("all queues".to_string(), |q| format!("queue `{q}`"));
        let error = UsageError::new(format!("unknown figure `{figure}` of {whose}"));
        if figure.starts_with("time_to_answer") {
            return Err(error.help(format!(
                "time to answer is measured per call from its arrival, over all queues: write `{figure}`; the wait in one queue is `queue.NAME.wait.p90` (or `.mean`, `.p50`, `.p99`)"
            )));
        }
        if figure == "wait" {
            return Err(
                error.help("name a statistic: `wait.mean`, `wait.p50`, `wait.p90` or `wait.p99`")
            );
        }
        Err(
            match did_you_mean(figure, queue_figures.iter().map(|(n, _)| n.as_str())) {
                Some(better) => error.help(format!("did you mean `{better}`?")),
                None => error.help(format!("a queue's figures are: {}", names(&queue_figures))),
            },
        )
    };
    if let Some((_, f)) = end_to_end.iter().find(|(n, _)| n == text) {
        if queues.is_empty() {
            return Err(no_queues());
        }
        return Ok(Some((None, Figure::EndToEnd(*f))));
    }
    if text == "time_to_answer" {
        return Err(UsageError::new(format!("unknown figure `{text}`")).help(
            "name a statistic: `time_to_answer.mean`, `time_to_answer.p50`, `time_to_answer.p90` or `time_to_answer.p99`",
        ));
    }
    if let Some(figure) = text.strip_prefix("queues.") {
        if queues.is_empty() {
            return Err(no_queues());
        }
        return queue_figure(figure, None).map(|f| Some((None, f)));
    }
    let Some(rest) = text.strip_prefix("queue.") else {
        return Ok(None);
    };
    if queues.is_empty() {
        return Err(no_queues());
    }
    // Queue names may contain dots: the longest name followed by `.` wins.
    let mut candidates: Vec<&String> = queues
        .iter()
        .filter(|n| {
            rest.len() > n.len() && rest.starts_with(n.as_str()) && rest[n.len()..].starts_with('.')
        })
        .collect();
    candidates.sort_by_key(|n| std::cmp::Reverse(n.len()));
    if let Some(name) = candidates.first() {
        let figure = queue_figure(&rest[name.len() + 1..], Some(name))?;
        return Ok(Some((Some(name.to_string()), figure)));
    }
    if queues.iter().any(|n| n == rest) {
        return Err(
            UsageError::new(format!("`{text}` names no figure of queue `{rest}`")).help(format!(
                "for example `{text}.service_level` or `{text}.wait.p90`"
            )),
        );
    }
    // The queue is unknown: its name is what is left of a known figure at the end, or up to
    // the first dot.
    let name = queue_figures
        .iter()
        .map(|(f, _)| f.as_str())
        .chain([
            "time_to_answer.mean",
            "time_to_answer.p50",
            "time_to_answer.p90",
            "time_to_answer.p99",
        ])
        .filter_map(|f| rest.strip_suffix(f)?.strip_suffix('.'))
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| rest.split('.').next().unwrap_or(rest));
    let error = UsageError::new(format!("no queue named `{name}` in the traffic file"));
    Err(
        match did_you_mean(name, queues.iter().map(String::as_str)) {
            Some(better) => error.help(format!("did you mean `{better}`?")),
            None => error.help(format!(
                "the queues are: {} (or `queues.FIGURE` for all queues together)",
                queues.join(", ")
            )),
        },
    )
}

/// `FIGURE` or `intent.NAME.FIGURE`.
fn parse_figure(text: &str, intents: &[String]) -> Result<(Option<String>, Figure), UsageError> {
    let names = Figure::all();
    let unknown = |figure: &str, whose: &str| {
        let error = UsageError::new(format!("unknown figure `{figure}`{whose}"));
        let stripped = figure.strip_prefix("outcomes.").unwrap_or(figure);
        if Quantity::ALL.iter().any(|q| q.name() == stripped) {
            return error.help(format!(
                "name a statistic: `{stripped}.mean`, `{stripped}.p50`, `{stripped}.p90` or `{stripped}.p99`"
            ));
        }
        match did_you_mean(stripped, names.iter().map(|(n, _)| n.as_str())) {
            Some(better) => error.help(format!("did you mean `{better}`?")),
            None => error.help(
                "figures are an outcome (`self_served`, `agent`, `misrouted`, `unresolved`, `disconnected`, `abandoned`, `looped`), `inputs`, `time`, `time_to_agent` with `.mean`, `.p50`, `.p90` or `.p99`, or `time_to_agent.within(SECONDS)`",
            ),
        }
    };
    let Some(rest) = text.strip_prefix("intent.") else {
        if let Some(figure) = Figure::named(text) {
            return Ok((None, figure));
        }
        // `intents.NAME.x`, `NAME.x`: the intent prefix is `intent.` (singular).
        let after_first = text.split_once('.').map_or("", |(_, r)| r);
        if let Some(rest) = text.strip_prefix("intents.")
            && parse_figure(&format!("intent.{rest}"), intents).is_ok()
        {
            return Err(UsageError::new(format!("unknown figure `{text}`"))
                .help(format!("did you mean `intent.{rest}`?")));
        }
        let first = text.split('.').next().unwrap_or(text);
        if intents.iter().any(|n| n == first) && Figure::named(after_first).is_some() {
            return Err(UsageError::new(format!("unknown figure `{text}`"))
                .help(format!("did you mean `intent.{text}`?")));
        }
        return Err(unknown(text, ""));
    };
    // Intent names may contain dots: the longest name followed by `.` wins.
    let mut candidates: Vec<&String> = intents
        .iter()
        .filter(|n| {
            rest.len() > n.len() && rest.starts_with(n.as_str()) && rest[n.len()..].starts_with('.')
        })
        .collect();
    candidates.sort_by_key(|n| std::cmp::Reverse(n.len()));
    if let Some(name) = candidates.first() {
        let figure_text = &rest[name.len() + 1..];
        return match Figure::named(figure_text) {
            Some(figure) => Ok((Some(name.to_string()), figure)),
            None => Err(unknown(figure_text, &format!(" for intent `{name}`"))),
        };
    }
    if intents.iter().any(|n| n == rest) {
        return Err(
            UsageError::new(format!("`{text}` names no figure of intent `{rest}`")).help(format!(
                "for example `{text}.self_served` or `{text}.time.mean`"
            )),
        );
    }
    // The intent is unknown: the name is what is left of a known figure at the end, or up to
    // the first dot.
    let name = names
        .iter()
        .filter_map(|(f, _)| rest.strip_suffix(f.as_str())?.strip_suffix('.'))
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| rest.split('.').next().unwrap_or(rest));
    let error = UsageError::new(format!("no intent named `{name}` in the traffic"));
    Err(
        match did_you_mean(name, intents.iter().map(String::as_str)) {
            Some(better) => error.help(format!("did you mean `{better}`?")),
            None => {
                let listed: Vec<&str> = intents.iter().take(12).map(String::as_str).collect();
                let more = if intents.len() > listed.len() {
                    ", ..."
                } else {
                    ""
                };
                error.help(format!("the intents are: {}{more}", listed.join(", ")))
            }
        },
    )
}

/// The outcome of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// A check evaluated on a report: the `checks` entries of `ivr sim --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateResult {
    pub expr: String,
    /// The figure (null when there is none, such as `time_to_agent` with no call reaching an agent).
    pub value: Option<f64>,
    /// Its 95% interval `[low, high]`, `high` null when open (null with `--exact`, or when the
    /// sample supports no interval).
    pub ci95: Option<Interval>,
    /// The simulated calls behind the figure: the scope's calls, or those reaching a person for
    /// `time_to_agent` (null with `--exact`).
    pub calls: Option<u64>,
    pub verdict: Verdict,
    /// Why a check is inconclusive, for people.
    #[serde(skip)]
    pub note: Option<String>,
    /// Decimals worth printing.
    #[serde(skip)]
    pub digits: usize,
}

/// Counts of verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    pub passed: usize,
    pub failed: usize,
    pub inconclusive: usize,
}

impl VerdictCounts {
    pub fn of(results: &[GateResult]) -> VerdictCounts {
        let mut t = VerdictCounts::default();
        for r in results {
            match r.verdict {
                Verdict::Pass => t.passed += 1,
                Verdict::Fail => t.failed += 1,
                Verdict::Inconclusive => t.inconclusive += 1,
            }
        }
        t
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.inconclusive == 0
    }
}

/// A number of a distribution, as `f64` (inputs are counted in integers).
pub trait AsF64: Copy {
    fn as_f64(self) -> f64;
}

impl AsF64 for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}

impl AsF64 for u64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

/// A statistic of a distribution and its interval.
fn statistic<Q: AsF64>(d: &Distribution<Q>, s: Statistic) -> (Option<f64>, Option<Interval>) {
    let wide = |ci: Option<Interval<Q>>| ci.map(|ci| ci.map(Q::as_f64));
    match s {
        Statistic::Mean => (Some(d.mean), d.mean_ci95),
        Statistic::P50 => (d.p50.map(Q::as_f64), wide(d.p50_ci95)),
        Statistic::P90 => (d.p90.map(Q::as_f64), wide(d.p90_ci95)),
        Statistic::P99 => (d.p99.map(Q::as_f64), wide(d.p99_ci95)),
    }
}

/// A figure as measured: its value, its interval, and the calls behind it (null with
/// `--exact`).
struct Measured {
    value: f64,
    ci: Option<Interval>,
    calls: Option<u64>,
}

/// A queue or end-to-end figure a check names, its interval, or why there is none.
fn measure_queue(check: &Gate, report: &SimReport) -> Result<Measured, String> {
    let Some(q) = &report.queues else {
        return Err("the report has no queue figures".to_string());
    };
    let estimate = |e: &Estimate| (e.value, e.ci95);
    let (value, ci, calls) = match check.figure {
        Figure::Queue(figure) => {
            let f = match &check.queue {
                None => &q.overall,
                Some(name) => match q.queues.iter().find(|(n, _)| n == name) {
                    Some((_, f)) => f,
                    None => return Err(format!("the report has no queue `{name}`")),
                },
            };
            if f.offered == 0 {
                return Err(match &check.queue {
                    Some(name) => format!("no simulated call joined queue `{name}`"),
                    None => "no simulated call joined a queue".to_string(),
                });
            }
            let (value, ci) = match figure {
                QueueFigure::ServiceLevel => estimate(&f.service_level),
                QueueFigure::Answered => estimate(&f.answered_share),
                QueueFigure::Asa | QueueFigure::Wait(Statistic::Mean) => estimate(&f.asa),
                QueueFigure::PWait => estimate(&f.p_wait),
                QueueFigure::Abandoned => estimate(&f.abandoned),
                QueueFigure::Occupancy => estimate(&f.occupancy),
                QueueFigure::Wait(Statistic::P50) => (f.wait.p50, f.wait.p50_ci95),
                QueueFigure::Wait(Statistic::P90) => (f.wait.p90, f.wait.p90_ci95),
                QueueFigure::Wait(Statistic::P99) => (f.wait.p99, f.wait.p99_ci95),
            };
            (value, ci, f.offered)
        }
        Figure::EndToEnd(figure) => {
            let e = &q.end_to_end;
            let (value, ci) = match figure {
                EndToEndFigure::Answered => estimate(&e.answered),
                EndToEndFigure::AbandonedTotal => estimate(&e.abandoned_total),
                EndToEndFigure::Transferred => estimate(&e.transferred),
                EndToEndFigure::TimeToAnswer(s) => match &e.time_to_answer {
                    Some(d) => statistic(d, s),
                    None => return Err("time_to_answer is null: no call was answered".to_string()),
                },
            };
            (value, ci, e.calls)
        }
        _ => return Err("not a queue figure".to_string()),
    };
    value
        .map(|value| Measured {
            value,
            ci,
            calls: Some(calls),
        })
        .ok_or_else(|| "the figure is null".to_string())
}

/// The figure a check names, its interval, or why there is none.
fn measure(check: &Gate, f: &Figures) -> Result<Measured, String> {
    let (value, ci, calls) = match check.figure {
        Figure::Queue(_) | Figure::EndToEnd(_) => {
            return Err("a queue figure is not a figure of the menu".to_string());
        }
        Figure::Share(o) => (Some(f.outcomes.get(o)), f.outcomes_ci95.get(o), f.calls),
        Figure::Shares(mask) => {
            let outcomes = Outcome::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0);
            let share: f64 = outcomes.clone().map(|(_, &o)| f.outcomes.get(o)).sum();
            // The calls ending in any of them: each share times the calls is a whole number.
            let ci = f.calls.and_then(|n| {
                let count: u64 = outcomes
                    .map(|(_, &o)| (f.outcomes.get(o) * n as f64).round() as u64)
                    .sum();
                wilson(count, n)
            });
            (Some(share), ci, f.calls)
        }
        Figure::Stat(Quantity::Inputs, s) => {
            let (v, ci) = statistic(&f.inputs, s);
            (v, ci, f.calls)
        }
        Figure::Stat(Quantity::Time, s) => {
            let (v, ci) = statistic(&f.time, s);
            (v, ci, f.calls)
        }
        Figure::WithinToAgent(micros) => {
            if f.time_to_agent.is_none() {
                return Err("time_to_agent is null: no call reached an agent".to_string());
            }
            match f.calls_to_agent {
                // Exact figures carry no times: `parse` refuses this figure with `--exact`.
                None => (None, None, None),
                Some(n) => {
                    let (surely, possibly) = f.time_to_agent_histogram.count_at_most(micros);
                    // The value counts the straddling bucket by halves; the interval runs from
                    // the lowest the calls surely within allow to the highest the calls
                    // possibly within allow, so the bucket width widens it, never narrows it.
                    let value = (surely + possibly) as f64 / 2.0 / n as f64;
                    let ci = match (wilson(surely, n), wilson(possibly, n)) {
                        (Some(lo), Some(hi)) => Some(Interval::closed(lo.lo, hi.hi.unwrap_or(1.0))),
                        _ => None,
                    };
                    (Some(value), ci, Some(n))
                }
            }
        }
        Figure::Confused => match f.confused {
            Some(share) => (Some(share), f.confused_ci95, f.calls),
            None => {
                return Err(
                    "no confused share: the callers of this traffic cannot be confused (no `confused_with`, no `confusion`)"
                        .to_string(),
                );
            }
        },
        Figure::Speech(k) => match &f.speech {
            Some(heard) => {
                let k = usize::from(k);
                let value = [heard.recognised, heard.rejected, heard.misrecognised][k];
                match heard.counted {
                    Some(counts) => {
                        let attempts = counts.iter().sum::<u64>();
                        (Some(value), wilson(counts[k], attempts), Some(attempts))
                    }
                    None => (Some(value), None, None),
                }
            }
            None => {
                return Err("no speech figures: the menu has no speech node".to_string());
            }
        },
        Figure::Stat(Quantity::TimeToAgent, s) => match &f.time_to_agent {
            Some(d) => {
                let (v, ci) = statistic(d, s);
                (v, ci, f.calls_to_agent)
            }
            None => {
                return Err("time_to_agent is null: no call reached an agent".to_string());
            }
        },
    };
    value
        .map(|value| Measured { value, ci, calls })
        .ok_or_else(|| "the figure is null".to_string())
}

/// Why a figure from `calls` calls has no closed interval, and how many calls it would need.
fn too_few_calls(check: &Gate, calls: u64) -> String {
    if check.is_queue_figure() {
        return format!(
            "no interval from {calls} calls: queue intervals come from the spread of the batches (or days), which needs at least two of them with the figure and some spread; raise --calls (or --days)"
        );
    }
    let whose = match (&check.intent, check.figure) {
        (Some(name), Figure::Stat(Quantity::TimeToAgent, _) | Figure::WithinToAgent(_)) => {
            format!("intent `{name}` had {calls} calls reaching a person")
        }
        (Some(name), _) => format!("intent `{name}` had {calls} calls"),
        (None, Figure::Stat(Quantity::TimeToAgent, _) | Figure::WithinToAgent(_)) => {
            format!("{calls} calls reached a person")
        }
        (None, _) => format!("the run had {calls} calls"),
    };
    let need = match check.figure {
        Figure::Stat(_, s) if s != Statistic::Mean => {
            let q = match s {
                Statistic::P50 => 0.5,
                Statistic::P90 => 0.9,
                _ => 0.99,
            };
            format!(
                "a {} needs at least {} to be bounded",
                s.name(),
                calls_for_quantile(q)
            )
        }
        _ if calls < MEAN_CALLS => format!("a mean needs at least {MEAN_CALLS} calls that differ"),
        _ => "they were all alike, so nothing bounds the mean: a mean needs calls that differ"
            .to_string(),
    };
    format!("too few calls: {whose}; {need}; raise --calls")
}

/// Evaluates a check on a report.
pub fn evaluate(check: &Gate, report: &SimReport) -> GateResult {
    let figures = match (&check.intent, &check.persona) {
        (_, Some(name)) => report
            .personas
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, i)| &i.figures),
        (None, None) => Some(&report.overall),
        (Some(name), None) => report
            .intents
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, i)| &i.figures),
    };
    let measured = if check.is_queue_figure() {
        measure_queue(check, report)
    } else {
        figures
            .ok_or_else(|| "the report has no such intent or caller group".to_string())
            .and_then(|f| measure(check, f))
    };
    let mut result = GateResult {
        expr: check.expr.clone(),
        value: None,
        ci95: None,
        calls: None,
        verdict: Verdict::Inconclusive,
        note: None,
        digits: check.figure.digits(),
    };
    let measured = match measured {
        Err(note) => {
            result.note = Some(note);
            return result;
        }
        Ok(m) => m,
    };
    result.value = Some(measured.value);
    result.calls = measured.calls;
    if report.exact {
        result.verdict = if check.op.holds(measured.value, check.bound) {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        return result;
    }
    result.ci95 = measured.ci;
    let calls = measured.calls.unwrap_or(0);
    if calls == 0 {
        result.value = None;
        result.note = Some(match (&check.intent, &check.persona) {
            (_, Some(name)) => format!("no simulated call was of caller group `{name}`"),
            (Some(name), None) => format!("no simulated call had intent `{name}`"),
            (None, None) => "no simulated calls".to_string(),
        });
        return result;
    }
    // The verdict of each end: an open upper end holds the bound only for `>=`/`>` from below.
    let holds = |v: f64| check.op.holds(v, check.bound);
    result.verdict = match measured.ci {
        Some(Interval { lo, hi: Some(hi) }) => match (holds(lo), holds(hi)) {
            (true, true) => Verdict::Pass,
            (false, false) => Verdict::Fail,
            _ => {
                result.note = Some(format!(
                    "the interval straddles {}; raise --calls",
                    trim_number(check.bound)
                ));
                Verdict::Inconclusive
            }
        },
        Some(Interval { lo, hi: None }) => {
            // Everything from `lo` up: a lower bound passes a `>=` check and fails a `<=`
            // check once `lo` is past the bound; otherwise nothing can be said.
            match check.op {
                Op::Ge | Op::Gt if holds(lo) => Verdict::Pass,
                Op::Le | Op::Lt if !holds(lo) => Verdict::Fail,
                _ => {
                    result.note = Some(too_few_calls(check, calls));
                    Verdict::Inconclusive
                }
            }
        }
        None => {
            result.note = Some(too_few_calls(check, calls));
            Verdict::Inconclusive
        }
    };
    result
}

/// A bound as people write it (`0.08`, `90`).
fn trim_number(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intents() -> Vec<String> {
        vec!["balance".into(), "complaint".into(), "a.b".into()]
    }

    #[test]
    fn parses_figures_and_operators() {
        let c = parse(" abandoned<=0.08 ", &intents(), false).unwrap();
        assert_eq!(c.expr, "abandoned <= 0.08");
        assert_eq!(c.figure, Figure::Share(Outcome::Abandoned));
        assert_eq!((c.op, c.bound), (Op::Le, 0.08));
        let c = parse("intent.complaint.inputs.mean < 2", &intents(), false).unwrap();
        assert_eq!(c.intent.as_deref(), Some("complaint"));
        assert_eq!(c.figure, Figure::Stat(Quantity::Inputs, Statistic::Mean));
        let c = parse("intent.a.b.time_to_agent.p99>3", &intents(), false).unwrap();
        assert_eq!(c.intent.as_deref(), Some("a.b"));
        assert_eq!(c.op, Op::Gt);
    }

    #[test]
    fn parses_a_share_within_seconds() {
        let c = parse("time_to_agent.within(30)>=0.8", &intents(), false).unwrap();
        assert_eq!(c.expr, "time_to_agent.within(30) >= 0.8");
        assert_eq!(c.figure, Figure::WithinToAgent(30_000_000));
        assert_eq!(c.figure.digits(), 4);
        let c = parse(
            "intent.a.b.time_to_agent.within(1.5) < 0.5",
            &intents(),
            false,
        )
        .unwrap();
        assert_eq!(c.intent.as_deref(), Some("a.b"));
        assert_eq!(c.figure, Figure::WithinToAgent(1_500_000));
        assert!(parse("time_to_agent.within(-1) >= 0.8", &intents(), false).is_err());
        assert!(parse("time_to_agent.within() >= 0.8", &intents(), false).is_err());
        assert!(parse("time_to_agent.within(30) >= 2", &intents(), false).is_err());
        assert!(parse("time_to_agent.within(30) >= 0.8", &intents(), true).is_err());
    }

    #[test]
    fn parses_a_sum_of_shares() {
        let c = parse("misrouted+unresolved<=0.1", &intents(), false).unwrap();
        assert_eq!(c.expr, "misrouted+unresolved <= 0.1");
        assert_eq!(c.figure, Figure::Shares(0b1100));
        let c = parse(
            "intent.complaint.agent + misrouted >= 0.9",
            &intents(),
            true,
        )
        .unwrap();
        assert_eq!(c.intent.as_deref(), Some("complaint"));
        assert_eq!(c.figure, Figure::Shares(0b0110));
        assert!(parse("misrouted+misrouted<=0.1", &intents(), false).is_err());
        assert!(parse("misrouted+time.mean<=0.1", &intents(), false).is_err());
        assert!(parse("misrouted+unresolved<=10", &intents(), false).is_err());
    }

    #[test]
    fn explains_mistakes() {
        let err = |t: &str| parse(t, &intents(), false).unwrap_err();
        assert_eq!(
            err("abandonned <= 0.1").help.unwrap(),
            "did you mean `abandoned`?"
        );
        assert_eq!(
            err("intent.complaints.agent >= 0.5").help.unwrap(),
            "did you mean `complaint`?"
        );
        assert!(
            err("intent.complaint.tme.mean <= 3")
                .help
                .unwrap()
                .contains("time.mean")
        );
        assert!(
            err("complaint.agent >= 0.5")
                .help
                .unwrap()
                .contains("intent.complaint.agent")
        );
        assert!(err("abandoned = 0.1").message.contains("cannot test"));
        assert!(err("abandoned =< 0.1").help.unwrap().contains("<="));
        assert!(err("abandoned 0.1").message.contains("no comparison"));
        assert!(err("abandoned <= 8%").help.unwrap().contains("0.08"));
        assert!(err("abandoned <= 8").help.unwrap().contains("0.08"));
        assert!(
            err("0.1 < abandoned < 0.2")
                .message
                .contains("more than one")
        );
        assert!(parse("time.p90 <= 3", &intents(), true).is_err());
        assert!(parse("time.mean <= 3", &intents(), true).is_ok());
    }
}
