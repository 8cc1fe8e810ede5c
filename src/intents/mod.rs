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
    /// `confused_with`: node ids and the chance, at a menu, of heading for each instead, as
    /// seen in call records (empty: none declared).
    pub confused_with: Vec<(Spanned<String>, Spanned<f64>)>,
    /// `personas`: this intent's own mix of caller groups, as relative weights (empty: the
    /// groups' shares).
    pub personas: Vec<(Spanned<String>, Spanned<f64>)>,
}

/// One group of callers (`callers:` written as a list).
#[derive(Clone, Debug, PartialEq)]
pub struct Persona {
    pub name: Spanned<String>,
    /// The normalised weight (the groups' weights sum to 1).
    pub share: f64,
    pub callers: CallerModel,
}

/// An intents file.
#[derive(Clone, Debug)]
pub struct Intents {
    pub source: Arc<SourceFile>,
    /// In file order.
    pub intents: Vec<Intent>,
    pub callers: CallerModel,
    /// Caller groups, when `callers` is a list (empty: every caller behaves as `callers`).
    pub personas: Vec<Persona>,
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
            personas: Vec::new(),
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
const INTENT_FIELDS: &[&str] = &["share", "complaint", "confused_with", "personas"];
const CALLER_FIELDS: &[&str] = &[
    "mistake_rate",
    "invalid_rate",
    "no_input_rate",
    "patience",
    "barge_in",
    "digit_time",
    "confusion",
    "memory_span",
    "forget_rate",
    "use_unannounced",
    "zero_out",
    "reaction_time",
    "speak_time",
];
/// A caller group's fields: its name, its weight and any caller setting.
const PERSONA_FIELDS: &[&str] = &[
    "name",
    "share",
    "mistake_rate",
    "invalid_rate",
    "no_input_rate",
    "patience",
    "barge_in",
    "digit_time",
    "confusion",
    "memory_span",
    "forget_rate",
    "use_unannounced",
    "zero_out",
    "reaction_time",
    "speak_time",
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
    let mut personas = Vec::new();
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
            _ if matches!(field.value.value, Value::Seq(_)) => {
                personas = read_personas(&r, field.value)?;
            }
            _ => callers = read_callers(&r, field.value, &CALLER_FIELDS_SHAPE)?.0,
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
    check_mixes(&r, &intents, &personas)?;
    let mut loaded = Intents::new(source.clone(), intents, callers);
    loaded.personas = personas;
    loaded.traffic = queues;
    Ok(loaded)
}

fn read_intents(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<Intent>> {
    let entries = r.expect_map(value, "`intents`")?;
    let mut intents = Vec::with_capacity(entries.len());
    for (key, body) in entries {
        let name = Spanned::new(r.key_text(key)?, r.value_span(key));
        let mut confused_with = Vec::new();
        let mut mix = Vec::new();
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
                        "confused_with" => {
                            confused_with =
                                read_weights(r, f.value, "`confused_with`", RATE_WEIGHT)?;
                        }
                        "personas" => mix = read_weights(r, f.value, "`personas`", ranges::WEIGHT)?,
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
            confused_with,
            personas: mix,
        });
    }
    Ok(intents)
}

/// The shape of a single `callers:` mapping.
const CALLER_FIELDS_SHAPE: Shape<'static> = Shape {
    what: "`callers`",
    allowed: CALLER_FIELDS,
    elsewhere: &[],
};

/// A probability given per name (`confused_with`).
const RATE_WEIGHT: Number = ranges::RATE;

/// A caller group's name and weight, when the mapping is one of `callers:` as a list.
type GroupTag = (Option<Spanned<String>>, Option<Spanned<f64>>);

/// Reads caller settings (and, for a group, its `name` and `share`) over the defaults.
fn read_callers(
    r: &Reader<'_>,
    value: &YamlNode,
    shape: &Shape<'_>,
) -> LoadResult<(CallerModel, GroupTag)> {
    let mut callers = CallerModel::default();
    let mut tag: GroupTag = (None, None);
    let mut rate_spans = Vec::new();
    for f in r.fields(value, shape)? {
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
            "confusion" => {
                if let Some(v) = rate(&f)? {
                    callers.confusion = v.value;
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
            "use_unannounced" => {
                if let Some(v) = r.bool(&f)? {
                    callers.use_unannounced = v.value;
                }
            }
            "memory_span" => {
                // `null` means callers keep every option in mind.
                callers.memory_span = r
                    .integer(&f, ranges::MEMORY_SPAN.min, ranges::MEMORY_SPAN.max)?
                    .map(|v| v.value);
            }
            "forget_rate" => {
                if let Some(v) = rate(&f)? {
                    callers.forget_rate = v.value;
                }
            }
            "zero_out" => {
                if let Some(v) = rate(&f)? {
                    callers.zero_out = v.value;
                }
            }
            "reaction_time" => {
                callers.reaction_time = number(&f, ranges::SECONDS)?.map(|v| v.value);
            }
            "speak_time" => {
                if let Some(v) = number(&f, ranges::SECONDS)? {
                    callers.speak_time = v.value;
                }
            }
            "name" => tag.0 = r.string(&f)?,
            "share" => tag.1 = number(&f, ranges::WEIGHT)?,
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
        let help = if callers.confusion > 0.0 {
            "lower the rates so that mistake_rate + invalid_rate + no_input_rate + confusion is at most 1 (a rate not written takes its default: 0.08, 0.02, 0.04, 0)"
        } else {
            "lower the rates so that mistake_rate + invalid_rate + no_input_rate is at most 1 (a rate not written takes its default: 0.08, 0.02, 0.04)"
        };
        let mut error = r
            .error(
                span,
                format!(
                    "the caller rates add up to {}, more than 1",
                    (sum * 1e9).round() / 1e9
                ),
                format!("`{last}` takes the total over 1"),
            )
            .with_help_boxed(help);
        for (name, span) in rate_spans {
            error = error.with_label_boxed(span, format!("`{name}`"));
        }
        return Err(error);
    }
    Ok((callers, tag))
}

/// `callers:` as a list of groups, each with a `name`, a `share` and its own settings.
fn read_personas(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<Persona>> {
    let shape = Shape {
        what: "a caller group",
        allowed: PERSONA_FIELDS,
        elsewhere: &[],
    };
    let items = r.expect_seq(value, "`callers`")?;
    let mut personas: Vec<Persona> = Vec::with_capacity(items.len());
    let mut weights = Vec::with_capacity(items.len());
    for item in items {
        let (callers, (name, share)) = read_callers(r, item, &shape)?;
        let span = r.value_span(item);
        let Some(name) = name else {
            return Err(r
                .error(span, "a caller group has no `name`", "add `name: ...` here")
                .with_help_boxed("write `- { name: first_time, share: 25, barge_in: false }`"));
        };
        if let Some(first) = personas.iter().find(|p| p.name.value == name.value) {
            return Err(r
                .error(
                    name.span,
                    format!("the caller group `{}` is listed twice", name.value),
                    "listed again here",
                )
                .with_label_boxed(first.name.span, "first listed here")
                .with_help_boxed("give each caller group its own name"));
        }
        let Some(share) = share else {
            return Err(r
                .error(
                    span,
                    format!("the caller group `{}` has no `share`", name.value),
                    "add `share: N` here",
                )
                .with_help_boxed("give each group a relative weight such as `share: 25`"));
        };
        weights.push(share.value);
        personas.push(Persona {
            name,
            share: share.value,
            callers,
        });
    }
    let total: f64 = weights.iter().sum();
    if personas.is_empty() || total <= 0.0 || !total.is_finite() {
        return Err(r
            .error(
                r.value_span(value),
                "the caller groups' shares add up to 0",
                "no group has a positive share",
            )
            .with_help_boxed("give at least one caller group a share above 0"));
    }
    for p in &mut personas {
        p.share /= total;
    }
    Ok(personas)
}

/// A mapping of names to numbers in `range` (`confused_with`, an intent's `personas`).
fn read_weights(
    r: &Reader<'_>,
    value: &YamlNode,
    what: &str,
    range: Number,
) -> LoadResult<Vec<(Spanned<String>, Spanned<f64>)>> {
    let entries = r.expect_map(value, what)?;
    let mut out: Vec<(Spanned<String>, Spanned<f64>)> = Vec::with_capacity(entries.len());
    for (key, body) in entries {
        let name = Spanned::new(r.key_text(key)?, r.value_span(key));
        let span = r.value_span(body);
        let number = match &body.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        };
        let Some(number) = number.filter(|v| v.is_finite() && range.contains(*v)) else {
            return Err(r
                .error(
                    span,
                    format!("`{}` in {what} must be {}", name.value, range.words),
                    format!("must be {}", range.words),
                )
                .with_help_boxed(format!("write `{}: N` with N {}", name.value, range.words)));
        };
        out.push((name, Spanned::new(number, span)));
    }
    Ok(out)
}

/// Checks what intents say about caller groups and confusions against the groups: every
/// group an intent names exists, its weights do not add up to 0, and an intent's confusions
/// leave room for the other chances of an attempt at a menu for every group.
fn check_mixes(r: &Reader<'_>, intents: &[Intent], personas: &[Persona]) -> LoadResult<()> {
    let default = [CallerModel::default()];
    let models: Vec<&CallerModel> = if personas.is_empty() {
        default.iter().collect()
    } else {
        personas.iter().map(|p| &p.callers).collect()
    };
    for intent in intents {
        if let Some((first, _)) = intent.personas.first() {
            if personas.is_empty() {
                return Err(r
                    .error(
                        first.span,
                        format!(
                            "intent `{}` names caller groups but `callers` is not a list of groups",
                            intent.name.value
                        ),
                        "no such group",
                    )
                    .with_help_boxed(
                        "write `callers:` as a list of groups with a `name` and a `share` each",
                    ));
            }
            for (name, _) in &intent.personas {
                if !personas.iter().any(|p| p.name.value == name.value) {
                    let known: Vec<&str> = personas.iter().map(|p| p.name.value.as_str()).collect();
                    return Err(r
                        .error(
                            name.span,
                            format!("there is no caller group `{}`", name.value),
                            "not a group in `callers`",
                        )
                        .with_help_boxed(format!("the groups are: {}", known.join(", "))));
                }
            }
            let total: f64 = intent.personas.iter().map(|(_, w)| w.value).sum();
            if total <= 0.0 || !total.is_finite() {
                return Err(r
                    .error(
                        first.span,
                        format!(
                            "the caller groups of intent `{}` add up to 0",
                            intent.name.value
                        ),
                        "no group has a positive weight",
                    )
                    .with_help_boxed("give at least one group a weight above 0"));
            }
        }
        let Some((_, last)) = intent.confused_with.last() else {
            continue;
        };
        let declared: f64 = intent.confused_with.iter().map(|(_, p)| p.value).sum();
        for (i, model) in models.iter().enumerate() {
            let others = model.mistake_rate + model.invalid_rate + model.no_input_rate;
            if declared + others <= 1.0 + 1e-12 {
                continue;
            }
            let who = personas.get(i).map_or(String::new(), |p| {
                format!(" for the caller group `{}`", p.name.value)
            });
            return Err(r
                .error(
                    last.span,
                    format!(
                        "the confusions of intent `{}` ({}) and the caller rates ({}) add up to more than 1{who}",
                        intent.name.value,
                        (declared * 1e9).round() / 1e9,
                        (others * 1e9).round() / 1e9,
                    ),
                    "takes the total over 1",
                )
                .with_help_boxed(
                    "at a menu the chances of an attempt add up to 1: lower the confused_with probabilities or the callers' mistake_rate, invalid_rate and no_input_rate",
                ));
        }
    }
    Ok(())
}
