//! The intents file: what callers want, how often, and how they behave; and, in [`traffic`],
//! how many calls arrive and the agent queues that take them after a transfer.

pub mod traffic;

use std::sync::Arc;

use crate::callers::CallerModel;
use crate::diagnostic::Diagnostic;
use crate::ranges::{self, Number};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::{BoxedDiagnosticExt, LoadResult, Reader, Shape};
use crate::yaml::{Node as YamlNode, Value};

/// One thing callers call about.
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub name: Spanned<String>,
    /// The weight as written.
    pub weight: f64,
    /// The normalised weight (weights sum to 1).
    pub share: f64,
    /// Marked `complaint: true`: counts, for the linter, like a node marked `complaint`.
    pub complaint: bool,
}

/// An intents file.
#[derive(Clone, Debug)]
pub struct Intents {
    pub source: Arc<SourceFile>,
    /// In file order.
    pub intents: Vec<Intent>,
    pub callers: CallerModel,
    /// Arrivals, queues and service level (all optional).
    pub traffic: traffic::Traffic,
    /// Intent index by name.
    by_name: std::collections::HashMap<String, usize>,
}

impl Intents {
    /// Intents with these caller parameters.
    pub fn new(source: Arc<SourceFile>, intents: Vec<Intent>, callers: CallerModel) -> Intents {
        let by_name = intents
            .iter()
            .enumerate()
            .map(|(i, intent)| (intent.name.value.clone(), i))
            .collect();
        Intents {
            source,
            intents,
            callers,
            traffic: traffic::Traffic::default(),
            by_name,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Intent> {
        self.index(name).map(|i| &self.intents[i])
    }

    /// The position of an intent in the file.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

const FILE_FIELDS: &[&str] = &[
    "intents",
    "callers",
    "arrivals",
    "queues",
    "service_level",
    "misroute",
];
const INTENT_FIELDS: &[&str] = &["share", "complaint"];
const CALLER_FIELDS: &[&str] = &[
    "mistake_rate",
    "invalid_rate",
    "no_input_rate",
    "patience",
    "barge_in",
    "digit_time",
];

/// An intent listed twice: a key written twice in the `intents:` mapping.
pub fn duplicate_intent(duplicate: &crate::yaml::DuplicateKey) -> Diagnostic {
    duplicate.phrased(
        format!("the intent `{}` is listed twice", duplicate.key),
        "listed again here",
        "first listed here",
        "list each intent once, with the two weights added up",
    )
}

/// Converts the top level of an intents file.
pub fn intents_from_yaml(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Intents> {
    let r = Reader::new(source);
    let shape = Shape {
        what: "an intents file",
        allowed: FILE_FIELDS,
        elsewhere: &[(
            "nodes",
            "a menu file (a file is a menu or intents, not both)",
        )],
    };
    let mut intents = Vec::new();
    let mut intents_span = Span::default();
    let mut callers = CallerModel::default();
    let mut queues = traffic::Traffic::default();
    for field in r.fields(root, &shape)? {
        match field.name {
            "intents" => {
                intents_span = r.value_span(field.key);
                intents = read_intents(&r, field.value)?;
            }
            "arrivals" => queues.arrivals = Some(traffic::read_arrivals(&r, field.value)?),
            "queues" => queues.queues = traffic::read_queues(&r, field.value)?,
            "service_level" => {
                queues.service_level = traffic::read_service_level(&r, field.value)?;
            }
            "misroute" => queues.misroute_handle_time = traffic::read_misroute(&r, field.value)?,
            _ => callers = read_callers(&r, field.value)?,
        }
    }
    traffic::check_shapes(&r, &queues)?;
    let total: f64 = intents.iter().map(|i| i.weight).sum();
    if total == 0.0 {
        return Err(r
            .error(
                intents_span,
                "the intent weights add up to 0",
                "no intent has a positive weight",
            )
            .with_help_boxed("give at least one intent a weight above 0"));
    }
    if !total.is_finite() {
        return Err(r
            .error(
                intents_span,
                "the intent weights are too large to add up",
                "the weights' total is not a finite number",
            )
            .with_help_boxed("write relative weights such as `30`; weights are normalised"));
    }
    for intent in &mut intents {
        intent.share = intent.weight / total;
    }
    let mut loaded = Intents::new(source.clone(), intents, callers);
    loaded.traffic = queues;
    Ok(loaded)
}

fn read_intents(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<Intent>> {
    let entries = r.expect_map(value, "`intents`")?;
    let mut intents = Vec::with_capacity(entries.len());
    for (key, body) in entries {
        let name = Spanned::new(r.key_text(key)?, r.value_span(key));
        let (weight_node, complaint) = match &body.value {
            Value::Map(_) => {
                let shape = Shape {
                    what: "an intent",
                    allowed: INTENT_FIELDS,
                    elsewhere: &[],
                };
                let mut weight = None;
                let mut complaint = false;
                for f in r.fields(body, &shape)? {
                    match f.name {
                        "share" => weight = Some(f.value),
                        _ => complaint = r.bool(&f)?.is_some_and(|c| c.value),
                    }
                }
                let weight = weight.ok_or_else(|| {
                    r.error(
                        r.value_span(body),
                        format!("intent `{}` has no `share`", name.value),
                        "add `share: N` here",
                    )
                    .with_help_boxed(format!(
                        "write `{}: {{ share: 5, complaint: true }}`",
                        name.value
                    ))
                })?;
                (weight, complaint)
            }
            _ => (body, false),
        };
        let weight = match &weight_node.value {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            other => {
                return Err(r
                    .error(
                        r.value_span(weight_node),
                        format!(
                            "the weight of `{}` must be a number, found {}",
                            name.value,
                            other.kind()
                        ),
                        "expected a number",
                    )
                    .with_help_boxed(
                        "write a relative weight such as `30`; weights are normalised",
                    ));
            }
        };
        let span = r.value_span(weight_node);
        if !weight.is_finite() {
            return Err(r
                .error(
                    span,
                    format!("the weight of `{}` is not a finite number", name.value),
                    "not finite",
                )
                .with_help_boxed("write a relative weight such as `30`; weights are normalised"));
        }
        if !ranges::WEIGHT.contains(weight) {
            return Err(r
                .error(
                    span,
                    format!("the weight of `{}` is negative", name.value),
                    "must be 0 or more",
                )
                .with_help_boxed(
                    "weights are relative shares of callers: use 0 or a positive number",
                ));
        }
        intents.push(Intent {
            name,
            weight,
            share: 0.0,
            complaint,
        });
    }
    Ok(intents)
}

fn read_callers(r: &Reader<'_>, value: &YamlNode) -> LoadResult<CallerModel> {
    let shape = Shape {
        what: "`callers`",
        allowed: CALLER_FIELDS,
        elsewhere: &[],
    };
    let mut callers = CallerModel::default();
    let mut rate_spans = Vec::new();
    for f in r.fields(value, &shape)? {
        let number = |f, range: Number| r.number(f, |v| range.contains(v), range.words);
        let rate = |f| number(f, ranges::RATE);
        match f.name {
            "mistake_rate" => {
                if let Some(v) = rate(&f)? {
                    callers.mistake_rate = v.value;
                    rate_spans.push((f.name, v.span));
                }
            }
            "invalid_rate" => {
                if let Some(v) = rate(&f)? {
                    callers.invalid_rate = v.value;
                    rate_spans.push((f.name, v.span));
                }
            }
            "no_input_rate" => {
                if let Some(v) = rate(&f)? {
                    callers.no_input_rate = v.value;
                    rate_spans.push((f.name, v.span));
                }
            }
            "patience" => {
                // `null` means callers never give up; omitted means the default.
                callers.patience = number(&f, ranges::PATIENCE)?.map(|v| v.value);
            }
            "barge_in" => {
                if let Some(v) = r.bool(&f)? {
                    callers.barge_in = v.value;
                }
            }
            _ => {
                if let Some(v) = number(&f, ranges::SECONDS)? {
                    callers.digit_time = v.value;
                }
            }
        }
    }
    if !callers.rates_fit() {
        let sum = callers.rate_sum();
        // The last rate written is where the total goes over; the others (or the defaults)
        // are shown too.
        let (last, span) = rate_spans.pop().unwrap_or(("callers", r.value_span(value)));
        let mut error = r
            .error(
                span,
                format!(
                    "the caller rates add up to {}, more than 1",
                    (sum * 1e9).round() / 1e9
                ),
                format!("`{last}` takes the total over 1"),
            )
            .with_help_boxed(
                "lower the rates so that mistake_rate + invalid_rate + no_input_rate is at most 1 (a rate not written takes its default: 0.08, 0.02, 0.04)",
            );
        for (name, span) in rate_spans {
            error = error.with_label_boxed(span, format!("`{name}`"));
        }
        return Err(error);
    }
    Ok(callers)
}
