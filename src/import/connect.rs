//! Amazon Connect: the flow language (`Version`, `StartAction`, `Actions`) and the older export
//! (`modules`, `start`), both read into one list of actions and mapped alike.
//!
//! - `GetParticipantInput` / `GetUserInput`: a menu (its digit conditions are the options; the
//!   timeout and no-match errors are `on_no_input` / `on_invalid`, with no retries: Connect
//!   repeats a prompt only through a `Loop` wired around it), or an input with `StoreInput`;
//! - `MessageParticipant` / `PlayPrompt`: a message;
//! - `TransferContactToQueue` / `Transfer` to a queue: a transfer to the queue set before it
//!   (`UpdateContactTargetQueue` / `SetQueue`);
//! - `DisconnectParticipant`, `EndFlowExecution`: a hangup;
//! - every other block with more than one way out (`CheckHoursOfOperation`, `Compare`, a Lambda,
//!   `CheckStaffing`, `Loop`, ...): a decision, one branch per way out, equal shares, errors at
//!   share 0; with one way out, a message that plays nothing.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::{AUDIO_SECONDS, Ids, Origin, Reader, audio_name, blank, spoken};
use super::{Imported, Platform, templates};
use crate::menu::model::{Branch, ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;
use crate::yaml::{Node as YamlNode, Value};

/// One block, whichever format it came from.
struct Action<'a> {
    ident: Spanned<String>,
    /// The flow language's type (older names translated).
    kind: String,
    params: Vec<(String, &'a YamlNode)>,
    next: Option<Spanned<String>>,
    /// (operands, target)
    conditions: Vec<(Vec<Spanned<String>>, Spanned<String>)>,
    /// (error type, target)
    errors: Vec<(String, Spanned<String>)>,
    span: Span,
}

pub(super) fn import(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Imported> {
    let r = Reader {
        source,
        platform: "an Amazon Connect flow export",
    };
    let (actions, start) = if r.get(root, "Actions").is_some() {
        (
            flow_language(&r, root)?,
            r.spanned(r.get(root, "StartAction")),
        )
    } else {
        (older_export(&r, root)?, r.spanned(r.get(root, "start")))
    };
    unsubstituted(&r, &actions, start.as_ref())?;
    Ok(map(source, &actions, start))
}

fn flow_language<'a>(r: &Reader<'a>, root: &'a YamlNode) -> LoadResult<Vec<Action<'a>>> {
    let list = r.get(root, "Actions").expect("checked");
    let Value::Seq(items) = &list.value else {
        return Err(r.error(list.span, "`Actions` is not a list"));
    };
    let mut actions = Vec::with_capacity(items.len());
    for item in items {
        if item.as_map().is_none() {
            return Err(r.error(item.span, "this action is not a mapping"));
        }
        let Some(ident) = r.spanned(r.get(item, "Identifier")) else {
            return Err(r.error(item.span, "this action has no `Identifier`"));
        };
        let kind = r.text(r.get(item, "Type")).unwrap_or_default();
        let params = r
            .get(item, "Parameters")
            .and_then(YamlNode::as_map)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_text(r.source)?, v)))
                    .collect()
            })
            .unwrap_or_default();
        let transitions = r.get(item, "Transitions");
        let next = transitions.and_then(|t| r.spanned(r.get(t, "NextAction")));
        let mut conditions = Vec::new();
        for c in r.seq(transitions.and_then(|t| r.get(t, "Conditions"))) {
            let Some(to) = r.spanned(r.get(c, "NextAction")) else {
                continue;
            };
            let condition = r.get(c, "Condition");
            let operands = r
                .seq(condition.and_then(|c| r.get(c, "Operands")))
                .iter()
                .filter_map(|o| r.spanned(Some(o)))
                .collect();
            conditions.push((operands, to));
        }
        let mut errors = Vec::new();
        for e in r.seq(transitions.and_then(|t| r.get(t, "Errors"))) {
            if let Some(to) = r.spanned(r.get(e, "NextAction")) {
                let kind = r.text(r.get(e, "ErrorType")).unwrap_or_default();
                errors.push((kind, to));
            }
        }
        actions.push(Action {
            ident,
            kind,
            params,
            next,
            conditions,
            errors,
            span: item.span,
        });
    }
    Ok(actions)
}

/// The older export: `modules` with `branches` and `parameters`, translated to the flow
/// language's names.
fn older_export<'a>(r: &Reader<'a>, root: &'a YamlNode) -> LoadResult<Vec<Action<'a>>> {
    let list = r.get(root, "modules").expect("detected");
    let Value::Seq(items) = &list.value else {
        return Err(r.error(list.span, "`modules` is not a list"));
    };
    let mut actions = Vec::with_capacity(items.len());
    for item in items {
        if item.as_map().is_none() {
            return Err(r.error(item.span, "this module is not a mapping"));
        }
        let Some(ident) = r.spanned(r.get(item, "id")) else {
            return Err(r.error(item.span, "this module has no `id`"));
        };
        let old = r.text(r.get(item, "type")).unwrap_or_default();
        let target = r.text(r.get(item, "target")).unwrap_or_default();
        let kind = match (old.as_str(), target.as_str()) {
            ("GetUserInput", _) => "GetParticipantInput",
            ("StoreUserInput", _) => "StoreInput",
            ("PlayPrompt", _) => "MessageParticipant",
            ("Disconnect", _) => "DisconnectParticipant",
            ("SetQueue", _) => "UpdateContactTargetQueue",
            ("Transfer", "Queue") => "TransferContactToQueue",
            ("Transfer", "Flow") => "TransferToFlow",
            ("Transfer", _) => "TransferParticipantToThirdParty",
            ("CheckAttribute", _) => "Compare",
            ("InvokeExternalResource", _) => "InvokeLambdaFunction",
            (other, _) => other,
        }
        .to_string();
        let params = r
            .seq(r.get(item, "parameters"))
            .iter()
            .filter_map(|p| Some((r.text(r.get(p, "name"))?, r.get(p, "value")?)))
            .collect();
        let mut next = None;
        let mut conditions = Vec::new();
        let mut errors = Vec::new();
        for b in r.seq(r.get(item, "branches")) {
            let Some(to) = r.spanned(r.get(b, "transition")) else {
                continue;
            };
            let condition = r.text(r.get(b, "condition")).unwrap_or_default();
            match condition.as_str() {
                "Success" => next = Some(to),
                "Evaluate" => {
                    let value = r.spanned(r.get(b, "conditionValue"));
                    conditions.push((value.into_iter().collect(), to));
                }
                "Timeout" => errors.push(("InputTimeLimitExceeded".to_string(), to)),
                "NoMatch" if kind == "GetParticipantInput" => {
                    errors.push(("NoMatchingCondition".to_string(), to));
                }
                "NoMatch" => errors.push(("NoMatch".to_string(), to)),
                "Error" => errors.push(("NoMatchingError".to_string(), to)),
                "AtCapacity" => errors.push(("QueueAtCapacity".to_string(), to)),
                other => {
                    let label = b
                        .as_map()
                        .and_then(|_| r.get(b, "condition"))
                        .map_or(to.span, |c| c.span);
                    conditions.push((vec![Spanned::new(other.to_string(), label)], to));
                }
            }
        }
        actions.push(Action {
            ident,
            kind,
            params,
            next,
            conditions,
            errors,
            span: item.span,
        });
    }
    Ok(actions)
}

/// The first deploy-time template in a place the flow's structure depends on: a block's
/// identifier, where a transition goes, a condition's digit, a number or a switch of a block.
/// Templates in prompts and queue names are kept as words.
fn unsubstituted(
    r: &Reader<'_>,
    actions: &[Action<'_>],
    start: Option<&Spanned<String>>,
) -> LoadResult<()> {
    let check = |value: &Spanned<String>, what: &str| {
        templates::structural(r.source, Platform::Connect, value, what)
    };
    if let Some(start) = start {
        check(start, "the flow's start names its first block")?;
    }
    for action in actions {
        check(
            &action.ident,
            "it is the block's identifier, which transitions name",
        )?;
        for to in action
            .next
            .iter()
            .chain(action.conditions.iter().map(|(_, to)| to))
            .chain(action.errors.iter().map(|(_, to)| to))
        {
            check(to, "a transition names the block it goes to with it")?;
        }
        for operand in action.conditions.iter().flat_map(|(operands, _)| operands) {
            check(operand, "a condition's value is the key a caller presses")?;
        }
        for (name, value) in &action.params {
            let numeric = [
                "InputTimeLimitSeconds",
                "Timeout",
                "MaximumLength",
                "MaxDigits",
                "LoopCount",
                "StoreInput",
            ];
            if numeric.contains(&name.as_str())
                && let Some(value) = r.spanned(Some(value))
            {
                check(&value, &format!("`{name}` needs a value ivr can read"))?;
            }
        }
    }
    Ok(())
}

/// Builds the menu from the actions.
fn map(
    source: &Arc<SourceFile>,
    actions: &[Action<'_>],
    start: Option<Spanned<String>>,
) -> Imported {
    let mut ids = Ids::default();
    let by_ident: HashMap<&str, String> = actions
        .iter()
        .map(|a| {
            (
                a.ident.value.as_str(),
                ids.make(&a.ident.value, &prefix(&a.kind)),
            )
        })
        .collect();
    let id_of = |target: &Spanned<String>| {
        Spanned::new(
            by_ident
                .get(target.value.as_str())
                .cloned()
                // A target that names no action stays as written: `unknown-target` reports it.
                .unwrap_or_else(|| target.value.clone()),
            target.span,
        )
    };
    let mut approximations = Vec::new();
    let mut nodes = Vec::with_capacity(actions.len());
    let mut origins = Vec::with_capacity(actions.len());
    for action in actions {
        let id = Spanned::new(
            by_ident[action.ident.value.as_str()].clone(),
            action.ident.span,
        );
        let mut notes = Vec::new();
        let node = node_of(action, id, &id_of, actions, &mut notes);
        for note in notes {
            approximations.push(format!("`{}` ({}): {note}", node.id.value, action.kind));
        }
        origins.push(Origin {
            what: format!("Connect {} {}", action.kind, action.ident.value),
            span: action.span,
        });
        nodes.push(node);
    }
    let name = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut menu = Menu::new(source.clone(), nodes, Span::new(0, 0));
    menu.name = name.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = start.as_ref().map(&id_of);
    menu.imported_from = Some(Platform::Connect.title());
    Imported {
        platform: Platform::Connect,
        menu,
        origins,
        approximations,
    }
}

/// The start of a generated id, by what the block does.
fn prefix(kind: &str) -> String {
    match kind {
        "GetParticipantInput" => "menu",
        "MessageParticipant" => "say",
        "TransferContactToQueue" | "TransferToFlow" | "TransferParticipantToThirdParty" => {
            "transfer"
        }
        "DisconnectParticipant" | "EndFlowExecution" => "hangup",
        "CheckHoursOfOperation" => "hours",
        "InvokeLambdaFunction" => "lambda",
        "Loop" => "loop",
        _ => "step",
    }
    .to_string()
}

fn param<'a>(action: &Action<'a>, name: &str) -> Option<&'a YamlNode> {
    action
        .params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
}

/// A node of the action, with what had to be approximated in `notes`.
fn node_of(
    action: &Action<'_>,
    id: Spanned<String>,
    id_of: &dyn Fn(&Spanned<String>) -> Spanned<String>,
    actions: &[Action<'_>],
    notes: &mut Vec<String>,
) -> Node {
    let source_text = |n: &YamlNode| -> Option<String> {
        match &n.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
            _ => None,
        }
    };
    let text_param = |name: &str| param(action, name).and_then(source_text);
    let span = action.span;
    let error_to = |kinds: &[&str]| {
        kinds.iter().find_map(|k| {
            action
                .errors
                .iter()
                .find(|(e, _)| e == k)
                .map(|(_, to)| id_of(to))
        })
    };
    match action.kind.as_str() {
        "GetParticipantInput" | "StoreInput" => {
            let store = action.kind == "StoreInput"
                || text_param("StoreInput").is_some_and(|s| s.eq_ignore_ascii_case("true"));
            let mut node = blank(
                id,
                if store {
                    NodeKind::Input
                } else {
                    NodeKind::Menu
                },
                span,
            );
            prompt(action, &text_param, &mut node, notes);
            let timeout = text_param("InputTimeLimitSeconds")
                .or_else(|| text_param("Timeout"))
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|t| crate::ranges::TIMEOUT.contains(*t));
            node.timeout = timeout.map(|t| Spanned::new(t, span));
            node.retries = Some(Spanned::new(0, span));
            let handler = |then: Option<Spanned<String>>| ErrorHandler {
                say: None,
                retries: None,
                span: then.as_ref().map_or(span, |t| t.span),
                then,
            };
            node.on_no_input = Some(handler(error_to(&[
                "InputTimeLimitExceeded",
                "NoMatchingError",
            ])));
            node.on_invalid = Some(handler(error_to(&[
                "NoMatchingCondition",
                "InvalidPhoneNumber",
                "NoMatchingError",
            ])));
            if store {
                let digits = param(action, "InputValidation")
                    .and_then(|v| v.as_map())
                    .and_then(|_| maximum_length(action))
                    .or_else(|| text_param("MaxDigits").and_then(|d| d.parse::<u32>().ok()))
                    .filter(|d| (1..=64).contains(d));
                node.digits = Some(Spanned::new(
                    digits.unwrap_or_else(|| {
                        notes.push("the number of digits is not fixed: 10 digits".to_string());
                        10
                    }),
                    span,
                ));
                node.to = action
                    .next
                    .as_ref()
                    .or(action.conditions.first().map(|(_, to)| to))
                    .map(id_of);
                if !action.conditions.is_empty() {
                    notes.push(
                        "the stored digits are compared later: the input goes on to its first way out"
                            .to_string(),
                    );
                }
                return node;
            }
            for (operands, to) in &action.conditions {
                for key in operands {
                    if is_valid_key(&key.value) {
                        node.options.push(MenuOption {
                            key: Some(key.clone()),
                            say: None,
                            to: Some(id_of(to)),
                            traffic: None,
                            duration: None,
                            span: key.span,
                        });
                    } else {
                        notes.push(format!(
                            "the condition `{}` is not one key (speech, or several digits): left out",
                            key.value
                        ));
                    }
                }
            }
            if node.options.is_empty() {
                notes.push(
                    "no digit conditions: the options are not known before the call".to_string(),
                );
            }
            node.options_span = Some(span);
            node
        }
        "MessageParticipant" => {
            let mut node = blank(id, NodeKind::Message, span);
            prompt(action, &text_param, &mut node, notes);
            node.to = action
                .next
                .as_ref()
                .or(action.errors.first().map(|(_, to)| to))
                .map(id_of);
            if node.to.is_none() {
                node.kind = NodeKind::Hangup;
                notes.push("a prompt with no way out: the call ends after it".to_string());
            }
            node
        }
        "TransferContactToQueue" => {
            let mut node = blank(id.clone(), NodeKind::Transfer, span);
            let queue = queue_before(action, actions);
            if queue.is_none() {
                notes.push("no queue is set before this transfer: queue `default`".to_string());
            }
            let (name, dynamic) = queue.unwrap_or(("default".to_string(), false));
            if dynamic {
                notes.push(format!("the queue is chosen at run time ({name})"));
            }
            node.queue = Some(Spanned::new(
                if dynamic { "dynamic".to_string() } else { name },
                span,
            ));
            node.serves = Some(Spanned::new(
                vec![Spanned::new(id.value.clone(), span)],
                span,
            ));
            node
        }
        "TransferToFlow" | "TransferParticipantToThirdParty" => {
            let mut node = blank(id.clone(), NodeKind::Transfer, span);
            let (queue, note) = if action.kind == "TransferToFlow" {
                (
                    "other flow",
                    "the call continues in another Connect flow, which is not part of this import: a transfer",
                )
            } else {
                ("external", "a transfer to a phone number outside Connect")
            };
            notes.push(note.to_string());
            node.queue = Some(Spanned::new(queue.to_string(), span));
            node.serves = Some(Spanned::new(
                vec![Spanned::new(id.value.clone(), span)],
                span,
            ));
            node
        }
        "DisconnectParticipant" | "EndFlowExecution" => blank(id, NodeKind::Hangup, span),
        other => {
            if other == "InvokeFlowModule" {
                // A module is a flow of its own, exported apart: the call comes back from it.
                let module = text_param("FlowModuleId").map_or("?".to_string(), |m| audio_name(&m));
                notes.push(format!(
                    "the flow module `{module}` runs here and comes back: what it does inside is not part of the import"
                ));
            }
            // Every way out, once per target and label.
            let mut ways: Vec<(String, Spanned<String>, bool)> = Vec::new();
            for (operands, to) in &action.conditions {
                let label = operands
                    .iter()
                    .map(|o| o.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                ways.push((
                    if label.is_empty() {
                        "match".to_string()
                    } else {
                        label
                    },
                    to.clone(),
                    false,
                ));
            }
            if let Some(next) = &action.next {
                let label = if action.conditions.is_empty() {
                    "success"
                } else {
                    "no match"
                };
                ways.push((label.to_string(), next.clone(), false));
            }
            for (kind, to) in &action.errors {
                let label = if kind.is_empty() {
                    "error"
                } else {
                    kind.as_str()
                };
                ways.push((label.to_string(), to.clone(), true));
            }
            let targets: std::collections::HashSet<&str> =
                ways.iter().map(|(_, to, _)| to.value.as_str()).collect();
            match targets.len() {
                0 => {
                    if !other.is_empty() {
                        notes.push("a block with no way out: the call ends here".to_string());
                    }
                    blank(id, NodeKind::Hangup, span)
                }
                1 => {
                    let mut node = blank(id, NodeKind::Message, span);
                    node.to = Some(id_of(&ways[0].1));
                    node
                }
                _ => {
                    let mut node = blank(id, NodeKind::Decision, span);
                    let any_normal = ways.iter().any(|(_, _, error)| !error);
                    // A Loop of N goes round N times for each time it is done: shares N to 1.
                    let loop_count = (other == "Loop")
                        .then(|| text_param("LoopCount"))
                        .flatten()
                        .and_then(|n| n.trim().parse::<f64>().ok())
                        .filter(|n| n.is_finite() && *n >= 0.0 && *n <= 1e6);
                    for (when, to, error) in &ways {
                        let share = match loop_count {
                            Some(n) if matches!(when.as_str(), "ContinueLooping" | "Looping") => n,
                            _ if *error && any_normal => 0.0,
                            _ => 1.0,
                        };
                        node.branches.push(Branch {
                            when: Some(Spanned::new(when.clone(), to.span)),
                            share: Some(Spanned::new(share, to.span)),
                            to: Some(id_of(to)),
                            span: to.span,
                        });
                    }
                    node.branches_span = Some(span);
                    let normal = ways.iter().filter(|w| !w.2).count();
                    if let Some(n) = loop_count {
                        notes.push(format!(
                            "a Loop of {n}: a decision going round with share {n} to 1 for done"
                        ));
                    } else if normal != 1 {
                        notes.push(format!(
                            "the way out is chosen at run time: a decision with equal shares{}",
                            if any_normal && normal < ways.len() {
                                " (errors at share 0)"
                            } else {
                                ""
                            }
                        ));
                    }
                    node
                }
            }
        }
    }
}

/// `InputValidation.CustomValidation.MaximumLength`.
fn maximum_length(action: &Action<'_>) -> Option<u32> {
    let validation = param(action, "InputValidation")?.as_map()?;
    for (k, v) in validation {
        if let Value::Str(name) = &k.value
            && name == "CustomValidation"
        {
            for (k2, v2) in v.as_map()? {
                if matches!(&k2.value, Value::Str(n) if n == "MaximumLength") {
                    return match &v2.value {
                        Value::Str(s) => s.parse().ok(),
                        Value::Int(i) => u32::try_from(*i).ok(),
                        _ => None,
                    };
                }
            }
        }
        if matches!(&k.value, Value::Str(n) if n == "PhoneNumberValidation") {
            return Some(11);
        }
    }
    None
}

/// The prompt of a block: `Text`, `SSML` or `PromptId` (or the older `AudioPrompt`).
fn prompt(
    action: &Action<'_>,
    text_param: &dyn Fn(&str) -> Option<String>,
    node: &mut Node,
    notes: &mut Vec<String>,
) {
    let span = action.span;
    let ssml_type = text_param("TextToSpeechType").is_some_and(|t| t.eq_ignore_ascii_case("ssml"));
    let (text, ssml) = match (text_param("Text"), text_param("SSML")) {
        (Some(t), _) => (Some(t), ssml_type),
        (None, Some(s)) => (Some(s), true),
        (None, None) => (None, false),
    };
    if let Some(text) = text {
        if text.trim_start().starts_with("$.") {
            notes.push(format!(
                "the prompt is read at run time ({}): 3 s",
                text.trim()
            ));
            node.say = Some(Spanned::new(format!("[{}]", text.trim()), span));
            node.duration = Some(Spanned::new(AUDIO_SECONDS, span));
        } else if let Some((say, duration)) = spoken(&text, ssml) {
            node.say = Some(Spanned::new(say, span));
            node.duration = duration.map(|d| Spanned::new(d, span));
        }
        return;
    }
    let audio = text_param("PromptId").or_else(|| text_param("AudioPrompt"));
    if let Some(reference) = audio {
        notes.push("an audio prompt: 3 s".to_string());
        node.say = Some(Spanned::new(format!("[{}]", audio_name(&reference)), span));
        node.duration = Some(Spanned::new(AUDIO_SECONDS, span));
    }
}

/// The queue set before a transfer: the nearest `UpdateContactTargetQueue` found walking back
/// along the ways in (a few steps), as (name, whether it is chosen at run time).
fn queue_before(transfer: &Action<'_>, actions: &[Action<'_>]) -> Option<(String, bool)> {
    let mut frontier = vec![transfer.ident.value.as_str()];
    let mut seen = std::collections::HashSet::new();
    for _ in 0..8 {
        let mut next = Vec::new();
        for target in frontier {
            for a in actions {
                let leads_here = a.next.iter().any(|n| n.value == target)
                    || a.conditions.iter().any(|(_, to)| to.value == target)
                    || a.errors.iter().any(|(_, to)| to.value == target);
                if !leads_here || !seen.insert(a.ident.value.as_str()) {
                    continue;
                }
                if a.kind == "UpdateContactTargetQueue" {
                    let value = ["QueueId", "Queue", "Agent", "AgentId"]
                        .iter()
                        .find_map(|n| param(a, n))?;
                    let text = match &value.value {
                        Value::Str(s) => s.to_string(),
                        _ => return Some(("dynamic".to_string(), true)),
                    };
                    let dynamic =
                        text.starts_with("$.") || a.params.iter().any(|(n, _)| n == "Agent");
                    return Some((audio_name(&text), dynamic));
                }
                next.push(a.ident.value.as_str());
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    None
}
