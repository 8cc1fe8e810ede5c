//! Twilio Studio: a flow definition (`states`, `initial_state`), bare or inside `definition` /
//! `flow`, or wrapped in a JavaScript assignment ([`super::unwrap_script`]).
//!
//! - `gather-input-on-call` whose `keypress` goes to a `split-based-on` of its `Digits`: a menu
//!   (the split's `equal_to` / `matches_any_of` conditions are the options, its `noMatch` is
//!   `on_invalid`, the gather's `timeout` is `on_no_input`, no retries: Studio repeats only by
//!   an edge back); the split is folded into the menu;
//! - any other `gather-input-on-call`: an input of `number_of_digits` digits;
//! - `say-play`: a message; `enqueue-call`, `send-to-flex`, `connect-call-to`: a transfer;
//! - `run-subflow`: a transfer (the subflow is not part of the import); `record-voicemail`: a
//!   self-service;
//! - other splits, `run-function`, `make-http-request`: a decision (failures at share 0);
//! - a transition with no `next` ends the call: a hangup.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::{AUDIO_SECONDS, Ids, Origin, Reader, audio_name, blank, spoken};
use super::{Imported, Platform, templates};
use crate::menu::model::{Branch, ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;
use crate::yaml::{Node as YamlNode, Value};

/// One transition: its event, where it goes (`None`: the flow ends), and its conditions.
struct Transition<'a> {
    event: String,
    next: Option<Spanned<String>>,
    conditions: &'a [YamlNode],
    span: Span,
}

struct State<'a> {
    name: Spanned<String>,
    kind: String,
    transitions: Vec<Transition<'a>>,
    properties: Option<&'a YamlNode>,
    span: Span,
}

/// The mapping that holds `states`: the root, or its `definition` or `flow`.
pub(super) fn definition<'a>(source: &SourceFile, root: &'a YamlNode) -> Option<&'a YamlNode> {
    let get = |n: &'a YamlNode, key: &str| -> Option<&'a YamlNode> {
        n.as_map()?
            .iter()
            .find(|(k, _)| k.as_text(source).as_deref() == Some(key))
            .map(|(_, v)| v)
    };
    let holds = |n: &'a YamlNode| {
        (get(n, "states").is_some() && get(n, "initial_state").is_some()).then_some(n)
    };
    holds(root)
        .or_else(|| get(root, "definition").and_then(holds))
        .or_else(|| get(root, "flow").and_then(holds))
        .or_else(|| {
            get(root, "flow")
                .and_then(|f| get(f, "definition"))
                .and_then(holds)
        })
}

pub(super) fn import(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Imported> {
    let r = Reader {
        source,
        platform: "a Twilio Studio flow",
    };
    let Some(def) = definition(source, root) else {
        return Err(r.error(root.span, "no `states` and `initial_state` here"));
    };
    let list = r.get(def, "states").expect("checked");
    let Value::Seq(items) = &list.value else {
        return Err(r.error(list.span, "`states` is not a list"));
    };
    let mut states = Vec::with_capacity(items.len());
    for item in items {
        if item.as_map().is_none() {
            return Err(r.error(item.span, "this state is not a mapping"));
        }
        let Some(name) = r.spanned(r.get(item, "name")) else {
            return Err(r.error(item.span, "this state has no `name`"));
        };
        let kind = r.text(r.get(item, "type")).unwrap_or_default();
        let transitions = r
            .seq(r.get(item, "transitions"))
            .iter()
            .map(|t| Transition {
                event: r.text(r.get(t, "event")).unwrap_or_default(),
                next: r.spanned(r.get(t, "next")).filter(|n| !n.value.is_empty()),
                conditions: r.seq(r.get(t, "conditions")),
                span: t.span,
            })
            .collect();
        states.push(State {
            name,
            kind,
            transitions,
            properties: r.get(item, "properties"),
            span: item.span,
        });
    }
    let initial = r.spanned(r.get(def, "initial_state"));
    unsubstituted(&r, &states, initial.as_ref())?;
    Ok(map(&r, &states, initial))
}

/// The first deploy-time template in a place the flow's structure depends on: a state's name,
/// where a transition goes, a digit a split compares with, a number. Templates in prompts and
/// queue names are kept as words; Studio's own Liquid variables (`{{widgets.x.Digits}}`) are no
/// templates.
fn unsubstituted(
    r: &Reader<'_>,
    states: &[State<'_>],
    initial: Option<&Spanned<String>>,
) -> LoadResult<()> {
    let check = |value: &Spanned<String>, what: &str| {
        templates::structural(r.source, Platform::Twilio, value, what)
    };
    if let Some(initial) = initial {
        check(initial, "`initial_state` names the first state")?;
    }
    for state in states {
        check(
            &state.name,
            "it is the state's name, which transitions name",
        )?;
        for transition in &state.transitions {
            if let Some(next) = &transition.next {
                check(next, "`next` names the state a transition goes to")?;
            }
        }
        let Some(props) = state.properties else {
            continue;
        };
        for name in ["number_of_digits", "timeout", "finish_on_key", "loop"] {
            if let Some(value) = r.spanned(r.get(props, name)) {
                check(&value, &format!("`{name}` needs a value ivr can read"))?;
            }
        }
        let on_digits = r
            .text(r.get(props, "input"))
            .is_some_and(|input| input.contains("Digits"));
        if state.kind == "split-based-on" && on_digits {
            for transition in &state.transitions {
                for condition in transition.conditions {
                    if let Some(value) = r.spanned(r.get(condition, "value")) {
                        check(&value, "a condition on the digits compares them with it")?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn map(r: &Reader<'_>, states: &[State<'_>], initial: Option<Spanned<String>>) -> Imported {
    let source = r.source;
    let prop_text = |s: &State<'_>, name: &str| -> Option<String> {
        let props = s.properties?;
        r.text(r.get(props, name))
    };
    let by_name: HashMap<&str, usize> = states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.value.as_str(), i))
        .collect();
    // Splits on a gather's digits fold into that gather's menu.
    let mut folded: HashMap<usize, usize> = HashMap::new();
    for (g, gather) in states.iter().enumerate() {
        if gather.kind != "gather-input-on-call" {
            continue;
        }
        let split = gather
            .transitions
            .iter()
            .find(|t| t.event == "keypress")
            .and_then(|t| t.next.as_ref())
            .and_then(|n| by_name.get(n.value.as_str()).copied());
        if let Some(s) = split
            && states[s].kind == "split-based-on"
            && prop_text(&states[s], "input").is_some_and(|i| {
                i.replace(' ', "") == format!("{{{{widgets.{}.Digits}}}}", gather.name.value)
            })
        {
            folded.insert(s, g);
        }
    }
    let mut ids = Ids::default();
    let id_by_state: Vec<String> = states
        .iter()
        .map(|s| ids.make(&s.name.value, "state"))
        .collect();
    let end_id = ids.make("end", "end");
    let mut needs_end = false;
    let mut target = |next: &Option<Spanned<String>>, at: Span| -> Spanned<String> {
        match next {
            Some(n) => match by_name.get(n.value.as_str()) {
                Some(&i) => {
                    let i = folded.get(&i).copied().unwrap_or(i);
                    Spanned::new(id_by_state[i].clone(), n.span)
                }
                None => n.clone(),
            },
            None => {
                needs_end = true;
                Spanned::new(end_id.clone(), at)
            }
        }
    };
    let mut nodes = Vec::new();
    let mut origins = Vec::new();
    let mut approximations = Vec::new();
    let mut entry = None;
    for (i, state) in states.iter().enumerate() {
        if folded.contains_key(&i) {
            continue;
        }
        let id = Spanned::new(id_by_state[i].clone(), state.name.span);
        let span = state.span;
        let event = |name: &str| state.transitions.iter().find(|t| t.event == name);
        let mut notes: Vec<String> = Vec::new();
        let node = match state.kind.as_str() {
            "trigger" => {
                if let Some(t) = event("incomingCall") {
                    entry = Some(target(&t.next, t.span));
                }
                continue;
            }
            "gather-input-on-call" => {
                let split = folded.iter().find(|(_, g)| **g == i).map(|(s, _)| *s);
                let mut node = blank(
                    id.clone(),
                    if split.is_some() {
                        NodeKind::Menu
                    } else {
                        NodeKind::Input
                    },
                    span,
                );
                prompt(state, &prop_text, &mut node, &mut notes);
                node.timeout = prop_text(state, "timeout")
                    .and_then(|t| t.parse::<f64>().ok())
                    .filter(|t| crate::ranges::TIMEOUT.contains(*t))
                    .map(|t| Spanned::new(t, span));
                node.retries = Some(Spanned::new(0, span));
                let timeout_to = event("timeout").map(|t| target(&t.next, t.span));
                node.on_no_input = Some(ErrorHandler {
                    say: None,
                    retries: None,
                    span: timeout_to.as_ref().map_or(span, |t| t.span),
                    then: timeout_to,
                });
                if event("speech").is_some_and(|t| t.next.is_some()) {
                    notes.push("speech input is left out: keys only".to_string());
                }
                match split {
                    Some(s) => {
                        let split = &states[s];
                        for t in &split.transitions {
                            if t.event == "noMatch" {
                                let to = target(&t.next, t.span);
                                node.on_invalid = Some(ErrorHandler {
                                    say: None,
                                    retries: None,
                                    span: to.span,
                                    then: Some(to),
                                });
                                continue;
                            }
                            for c in t.conditions {
                                let kind = r.text(r.get(c, "type")).unwrap_or_default();
                                let Some(value) = r.spanned(r.get(c, "value")) else {
                                    continue;
                                };
                                let keys: Vec<String> = match kind.as_str() {
                                    "equal_to" => vec![value.value.trim().to_string()],
                                    "matches_any_of" => value
                                        .value
                                        .split(',')
                                        .map(|k| k.trim().to_string())
                                        .collect(),
                                    other => {
                                        notes.push(format!(
                                            "the condition `{other} {}` is not a key: left out",
                                            value.value
                                        ));
                                        continue;
                                    }
                                };
                                for key in keys {
                                    if !is_valid_key(&key) {
                                        notes.push(format!(
                                            "`{key}` is not one key (several digits?): left out"
                                        ));
                                        continue;
                                    }
                                    let to = target(&t.next, t.span);
                                    node.options.push(MenuOption {
                                        key: Some(Spanned::new(key, value.span)),
                                        say: None,
                                        to: Some(to),
                                        traffic: None,
                                        duration: None,
                                        span: value.span,
                                    });
                                }
                            }
                        }
                        node.options_span = Some(split.span);
                        if node.options.is_empty() {
                            // A template whose key branches are still empty: every key takes
                            // the split's no-match way.
                            notes.push(
                                "the key split has no key conditions yet: a message going where no match goes"
                                    .to_string(),
                            );
                            node.kind = NodeKind::Message;
                            node.to = node.on_invalid.take().and_then(|h| h.then);
                            node.on_no_input = None;
                            node.timeout = None;
                            node.retries = None;
                            node.options_span = None;
                            if node.to.is_none() {
                                node.to = Some(target(&None, span));
                            }
                        }
                        if node.kind == NodeKind::Menu && node.on_invalid.is_none() {
                            node.on_invalid = Some(ErrorHandler {
                                say: None,
                                retries: None,
                                then: None,
                                span,
                            });
                        }
                    }
                    None => {
                        let digits = prop_text(state, "number_of_digits")
                            .and_then(|d| d.parse::<u32>().ok())
                            .filter(|d| (1..=64).contains(d));
                        if digits.is_none() {
                            notes.push(
                                "no `number_of_digits` (digits until `finish_on_key`): 10 digits"
                                    .to_string(),
                            );
                        }
                        node.digits = Some(Spanned::new(digits.unwrap_or(10), span));
                        let keypress = event("keypress");
                        node.to = Some(target(&keypress.and_then(|t| t.next.clone()), span));
                        node.on_invalid = Some(ErrorHandler {
                            say: None,
                            retries: None,
                            then: None,
                            span,
                        });
                    }
                }
                node
            }
            "say-play" => {
                let mut node = blank(id.clone(), NodeKind::Message, span);
                prompt(state, &prop_text, &mut node, &mut notes);
                let done = event("audioComplete");
                node.to = Some(target(&done.and_then(|t| t.next.clone()), span));
                node
            }
            "enqueue-call" | "send-to-flex" | "connect-call-to" | "run-subflow" => {
                let mut node = blank(id.clone(), NodeKind::Transfer, span);
                let queue = match state.kind.as_str() {
                    "enqueue-call" => prop_text(state, "queue_name")
                        .or_else(|| prop_text(state, "workflow_sid"))
                        .unwrap_or_else(|| "default".to_string()),
                    "send-to-flex" => {
                        prop_text(state, "workflow").unwrap_or_else(|| "flex".to_string())
                    }
                    "connect-call-to" => {
                        notes
                            .push("a call connected to a number or client: a transfer".to_string());
                        "external".to_string()
                    }
                    _ => {
                        notes.push(
                            "the call continues in a subflow, which is not part of this import: a transfer"
                                .to_string(),
                        );
                        "subflow".to_string()
                    }
                };
                node.queue = Some(Spanned::new(queue, span));
                node.serves = Some(Spanned::new(
                    vec![Spanned::new(id.value.clone(), span)],
                    span,
                ));
                node
            }
            "record-voicemail" => {
                let mut node = blank(id.clone(), NodeKind::SelfService, span);
                notes.push("a voicemail: self-service".to_string());
                node.serves = Some(Spanned::new(
                    vec![Spanned::new(id.value.clone(), span)],
                    span,
                ));
                node
            }
            _ => {
                let failures = ["fail", "failed", "failedToEnqueue", "callFailure"];
                let ways: Vec<(String, Spanned<String>, bool)> = state
                    .transitions
                    .iter()
                    .map(|t| {
                        let label = t
                            .conditions
                            .first()
                            .and_then(|c| r.text(r.get(c, "friendly_name")))
                            .unwrap_or_else(|| t.event.clone());
                        (
                            label,
                            target(&t.next, t.span),
                            failures.contains(&t.event.as_str()),
                        )
                    })
                    .collect();
                let distinct: std::collections::HashSet<&str> =
                    ways.iter().map(|w| w.1.value.as_str()).collect();
                match distinct.len() {
                    0 => {
                        notes.push("a widget with no way out: the call ends here".to_string());
                        blank(id.clone(), NodeKind::Hangup, span)
                    }
                    1 => {
                        let mut node = blank(id.clone(), NodeKind::Message, span);
                        node.to = Some(ways[0].1.clone());
                        node
                    }
                    _ => {
                        let mut node = blank(id.clone(), NodeKind::Decision, span);
                        let any_normal = ways.iter().any(|w| !w.2);
                        for (when, to, failure) in ways {
                            let share = if failure && any_normal { 0.0 } else { 1.0 };
                            node.branches.push(Branch {
                                when: Some(Spanned::new(when, to.span)),
                                share: Some(Spanned::new(share, to.span)),
                                span: to.span,
                                to: Some(to),
                            });
                        }
                        node.branches_span = Some(span);
                        if ways_normal(&node) != 1 {
                            notes.push(
                                "the way out is chosen at run time: a decision with equal shares"
                                    .to_string(),
                            );
                        }
                        node
                    }
                }
            }
        };
        for note in notes {
            approximations.push(format!("`{}` ({}): {note}", node.id.value, state.kind));
        }
        origins.push(Origin {
            what: format!("Twilio {} {}", state.kind, state.name.value),
            span,
        });
        nodes.push(node);
    }
    if needs_end {
        let at = Span::new(0, 0);
        nodes.push(blank(
            Spanned::new(end_id.clone(), at),
            NodeKind::Hangup,
            at,
        ));
        origins.push(Origin {
            what: "Twilio: a transition with no `next` ends the flow".to_string(),
            span: at,
        });
    }
    let name = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut menu = Menu::new(source.clone(), nodes, Span::new(0, 0));
    menu.name = name.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = entry.or_else(|| {
        initial.inspect(|_| {
            approximations.push(
                "the trigger has no `incomingCall`: the flow starts at `initial_state`".to_string(),
            );
        })
    });
    menu.imported_from = Some(Platform::Twilio.title());
    Imported {
        platform: Platform::Twilio,
        menu,
        origins,
        approximations,
    }
}

/// The branches of a decision that calls take (share above 0).
fn ways_normal(node: &Node) -> usize {
    node.branches
        .iter()
        .filter(|b| b.share_value() > 0.0)
        .count()
}

/// A widget's prompt: `say` (text) or `play` (a sound file's URL, 3 seconds).
fn prompt(
    state: &State<'_>,
    prop_text: &dyn Fn(&State<'_>, &str) -> Option<String>,
    node: &mut Node,
    notes: &mut Vec<String>,
) {
    let span = state.span;
    if let Some(text) = prop_text(state, "say") {
        if let Some((say, duration)) = spoken(&text, text.trim_start().starts_with('<')) {
            node.say = Some(Spanned::new(say, span));
            node.duration = duration.map(|d| Spanned::new(d, span));
        }
    } else if let Some(url) = prop_text(state, "play") {
        notes.push("an audio prompt: 3 s".to_string());
        node.say = Some(Spanned::new(format!("[{}]", audio_name(&url)), span));
        node.duration = Some(Spanned::new(AUDIO_SECONDS, span));
    }
}
