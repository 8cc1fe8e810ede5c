//! Genesys Cloud Architect flows in Archy YAML (`inboundCall:` or another flow type with a
//! `startUpRef`), read through the YAML layer so every node keeps its span.
//!
//! - a `menu` is a menu; its `choices` are options by their `dtmf` (`digit_1`, `digit_star`):
//!   `menuTransferToAcd` a transfer to its queue, `menuDisconnect` a hang-up, `menuSubMenu` /
//!   `menuJumpToMenu` / `menuTask` the menu or task they name, `menuRepeat` the menu itself;
//! - a `task` is its `actions` one after the other: `playAudio` a message, `collectInput` an
//!   input, `transferToAcd` a transfer, `disconnect` a hang-up, `jumpToMenu` / `jumpToTask` on
//!   to them, and every action holding action lists of its own (`decision`, `switch`,
//!   `evaluateScheduleGroup`, `loop`, ...) a decision with a branch per list, equal shares;
//! - `settingsMenu.repeatCount` (the menu's, else the flow's) gives `retries`, and
//!   `menuSelectionTimeout` the timeout; `initialGreeting` plays before the start.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::{AUDIO_SECONDS, Ids, Origin, audio_name, blank, spoken};
use super::{Imported, Platform};
use crate::diagnostic::Diagnostic;
use crate::menu::model::{Branch, ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;
use crate::yaml::{Node as YamlNode, Value};

/// The flow types an Archy file may hold at its top level.
pub(super) const FLOW_TYPES: &[&str] = &[
    "inboundCall",
    "inQueueCall",
    "outboundCall",
    "secureCall",
    "commonModule",
    "voicemail",
    "voiceSurvey",
];

/// Whether a top-level key and its value look like an Archy flow: a flow type with
/// `startUpRef`.
pub(super) fn is_flow(source: &SourceFile, key: &YamlNode, value: &YamlNode) -> bool {
    key.as_text(source)
        .is_some_and(|k| FLOW_TYPES.contains(&k.as_str()))
        && get(source, value, "startUpRef").is_some()
}

fn get<'a>(source: &SourceFile, map: &'a YamlNode, key: &str) -> Option<&'a YamlNode> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.as_text(source).as_deref() == Some(key))
        .map(|(_, v)| v)
}

fn seq(node: Option<&YamlNode>) -> &[YamlNode] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// The one `kind: {fields}` entry of a list item (`- menu: {...}`, `- playAudio: {...}`).
fn single<'a>(source: &SourceFile, item: &'a YamlNode) -> Option<(String, &'a YamlNode, Span)> {
    let (k, v) = item.as_map()?.first()?;
    Some((k.as_text(source)?, v, k.span))
}

/// The `[refId]` of a reference like `/inboundCall/menus/menu[Main Menu_10]`.
fn ref_id(reference: &str) -> &str {
    match (reference.rfind('['), reference.rfind(']')) {
        (Some(open), Some(close)) if open < close => &reference[open + 1..close],
        _ => reference,
    }
}

pub(super) fn import(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Imported> {
    let flow = root
        .as_map()
        .and_then(|entries| entries.iter().find(|(k, v)| is_flow(source, k, v)))
        .map(|(_, v)| v);
    let Some(flow) = flow else {
        return Err(Box::new(
            Diagnostic::input_error(
                source,
                root.span,
                "no Architect flow here: no flow type (`inboundCall`, ...) with a `startUpRef`",
                "here",
            )
            .with_help("export the flow again with Archy (`archy export`)"),
        ));
    };
    let mut b = Builder {
        source,
        ids: Ids::default(),
        refs: HashMap::new(),
        nodes: Vec::new(),
        origins: Vec::new(),
        approximations: Vec::new(),
        repeat: number_at(source, flow, &["settingsMenu", "repeatCount"]).map(|n| n as u32),
        timeout: number_at(
            source,
            flow,
            &["settingsMenu", "menuSelectionTimeout", "seconds"],
        ),
    };
    // Every menu's and task's id first, so references may point down the file.
    let mut blocks = Vec::new();
    for (list, kind) in [("menus", "menu"), ("tasks", "task")] {
        for item in seq(get(source, flow, list)) {
            let Some((k, body, span)) = single(source, item) else {
                return Err(b.error(
                    item.span,
                    format!("this item of `{list}` is not `- {kind}: ...`"),
                ));
            };
            let name = b
                .text(get(source, body, "name"))
                .unwrap_or_else(|| k.clone());
            let id = b.ids.make(&name, &k);
            if let Some(r) = b.text(get(source, body, "refId")) {
                b.refs.insert(r, id.clone());
            }
            blocks.push((k, body, span, id));
        }
    }
    let start = get(source, flow, "startUpRef").expect("checked by is_flow");
    let start_id = b.text(Some(start)).map(|r| {
        Spanned::new(
            b.refs
                .get(ref_id(&r))
                .cloned()
                .unwrap_or_else(|| ref_id(&r).to_string()),
            start.span,
        )
    });
    let mut entry = start_id.clone();
    if let Some(greeting) = get(source, flow, "initialGreeting") {
        let id = b.ids.make("initial greeting", "greeting");
        let mut node = blank(
            Spanned::new(id.clone(), greeting.span),
            NodeKind::Message,
            greeting.span,
        );
        b.audio(&mut node, Some(greeting));
        node.to = start_id;
        b.push(node, "initialGreeting", greeting.span);
        entry = Some(Spanned::new(id, greeting.span));
    }
    for (kind, body, span, id) in blocks {
        match kind.as_str() {
            "menu" => b.menu(body, span, id),
            "task" => b.task(body, span, id),
            other => b.note(&id, format!("`{other}` is left out")),
        }
    }
    let stem = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let flow_name = b.text(get(source, flow, "name")).or(stem);
    let mut menu = Menu::new(source.clone(), b.nodes, Span::new(0, 0));
    menu.name = flow_name.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = entry;
    menu.imported_from = Some(Platform::Genesys.title());
    Ok(Imported {
        platform: Platform::Genesys,
        menu,
        origins: b.origins,
        approximations: b.approximations,
    })
}

/// A number at a path of keys, read through `lit:` wrappers (`repeatCount: { lit: 3 }`).
fn number_at(source: &SourceFile, node: &YamlNode, path: &[&str]) -> Option<f64> {
    let mut at = node;
    for key in path {
        at = get(source, at, key)?;
        if let Some(lit) = get(source, at, "lit") {
            at = lit;
        }
    }
    at.as_text(source)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// An action list still to read: the list, the id its first action takes (else one is made),
/// and where the list goes when it ends (`None`: the call ends).
type Pending<'a> = (&'a YamlNode, Option<String>, Option<Spanned<String>>);

struct Builder<'s> {
    source: &'s Arc<SourceFile>,
    ids: Ids,
    /// A menu's or task's `refId` -> its node id.
    refs: HashMap<String, String>,
    nodes: Vec<Node>,
    origins: Vec<Origin>,
    approximations: Vec<String>,
    /// The flow's `settingsMenu`.
    repeat: Option<u32>,
    timeout: Option<f64>,
}

impl Builder<'_> {
    fn error(&self, span: Span, message: String) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::input_error(self.source, span, message, "here")
                .with_help("export the flow again with Archy (`archy export`)"),
        )
    }

    fn text(&self, node: Option<&YamlNode>) -> Option<String> {
        node?.as_text(self.source)
    }

    fn get<'a>(&self, map: &'a YamlNode, key: &str) -> Option<&'a YamlNode> {
        get(self.source, map, key)
    }

    fn note(&mut self, at: &str, text: String) {
        self.approximations.push(format!("`{at}`: {text}"));
    }

    fn push(&mut self, node: Node, what: &str, span: Span) {
        self.origins.push(Origin {
            what: format!("Architect {what}"),
            span,
        });
        self.nodes.push(node);
    }

    /// The node a `...Ref` names (kept as written when it names nothing: `unknown-target`).
    fn reference(&self, node: &YamlNode) -> Option<Spanned<String>> {
        let text = self.text(Some(node))?;
        let id = ref_id(&text);
        Some(Spanned::new(
            self.refs.get(id).cloned().unwrap_or_else(|| id.to_string()),
            node.span,
        ))
    }

    /// The first field whose name ends in `Ref` (`targetMenuRef`, `targetTaskRef`).
    fn target_ref(&self, body: &YamlNode) -> Option<Spanned<String>> {
        body.as_map()?
            .iter()
            .find(|(k, _)| {
                k.as_text(self.source)
                    .is_some_and(|k| k.ends_with("Ref") && k != "startUpRef")
            })
            .and_then(|(_, v)| self.reference(v))
    }

    /// A prompt: `tts:` text, `exp:` an expression, `prompt:` / `file` an audio prompt.
    fn audio(&mut self, node: &mut Node, audio: Option<&YamlNode>) {
        let Some(audio) = audio else { return };
        let span = audio.span;
        if let Some(tts) = self.text(self.get(audio, "tts")) {
            if let Some((say, duration)) = spoken(&tts, tts.trim_start().starts_with('<')) {
                node.say = Some(Spanned::new(say, span));
                node.duration = duration.map(|d| Spanned::new(d, span));
            }
            return;
        }
        let id = node.id.value.clone();
        if let Some(exp) = self.text(self.get(audio, "exp")) {
            self.note(
                &id,
                format!("the prompt is an expression ({}): 3 s", exp.trim()),
            );
            node.say = Some(Spanned::new(format!("[{}]", exp.trim()), span));
            node.duration = Some(Spanned::new(AUDIO_SECONDS, span));
            return;
        }
        let name = self
            .text(self.get(audio, "prompt"))
            .or_else(|| self.text(Some(audio)));
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            self.note(&id, "an audio prompt: 3 s".to_string());
            node.say = Some(Spanned::new(format!("[{}]", audio_name(&name)), span));
            node.duration = Some(Spanned::new(AUDIO_SECONDS, span));
        }
    }

    fn menu(&mut self, body: &YamlNode, span: Span, id: String) {
        let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Menu, span);
        self.audio(&mut node, self.get(body, "audio"));
        let repeat = number_at(self.source, body, &["settingsMenu", "repeatCount"])
            .map(|n| n as u32)
            .or(self.repeat);
        let timeout = number_at(
            self.source,
            body,
            &["settingsMenu", "menuSelectionTimeout", "seconds"],
        )
        .or(self.timeout)
        .filter(|t| crate::ranges::TIMEOUT.contains(*t));
        node.timeout = timeout.map(|t| Spanned::new(t, span));
        let retries = repeat.unwrap_or(3).min(crate::ranges::RETRIES.max as u32);
        let handler = ErrorHandler {
            say: None,
            retries: Some(Spanned::new(retries, span)),
            then: None,
            span,
        };
        node.on_invalid = Some(handler.clone());
        node.on_no_input = Some(handler);
        // The choices' own nodes, written after the menu.
        let mut leaves = Vec::new();
        for choice in seq(self.get(body, "choices")) {
            let Some((kind, fields, kind_span)) = single(self.source, choice) else {
                self.note(
                    &id,
                    "a choice that is not `- kind: ...`: left out".to_string(),
                );
                continue;
            };
            let dtmf = self.get(fields, "dtmf");
            let key = dtmf
                .and_then(|d| self.text(Some(d)).map(|t| (t, d.span)))
                .map(|(t, s)| Spanned::new(key_of(&t), s));
            let Some(key) = key.filter(|k| is_valid_key(&k.value)) else {
                self.note(
                    &id,
                    format!("the `{kind}` choice has no single key (speech only): left out"),
                );
                continue;
            };
            let name = self
                .text(self.get(fields, "name"))
                .unwrap_or_else(|| kind.clone());
            let to = match kind.as_str() {
                "menuRepeat" => Some(Spanned::new(id.clone(), kind_span)),
                "menuSubMenu" | "menuJumpToMenu" | "menuTask" | "menuJumpToTask" => {
                    let to = self.target_ref(fields);
                    if to.is_none() {
                        self.note(
                            &id,
                            format!("the `{kind}` choice names no menu or task: left out"),
                        );
                    }
                    to
                }
                _ => {
                    let leaf = self.ids.make(&name, "choice");
                    leaves.push((kind.clone(), fields, kind_span, leaf.clone()));
                    Some(Spanned::new(leaf, kind_span))
                }
            };
            let Some(to) = to else { continue };
            node.options.push(MenuOption {
                key: Some(key),
                say: None,
                to: Some(to),
                traffic: None,
                duration: None,
                span: kind_span,
            });
        }
        node.options_span = Some(span);
        self.push(node, "menu", span);
        for (kind, fields, kind_span, leaf) in leaves {
            self.leaf(&kind, fields, kind_span, leaf);
        }
    }

    /// A choice or action that ends the flow's part: a transfer, a hang-up, or (unknown) a
    /// hang-up with a note.
    fn leaf(&mut self, kind: &str, fields: &YamlNode, span: Span, id: String) {
        let transfer = |b: &mut Self, queue: String| {
            let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Transfer, span);
            b.audio(&mut node, b.get(fields, "preTransferAudio"));
            node.queue = Some(Spanned::new(queue, span));
            node.serves = Some(Spanned::new(vec![Spanned::new(id.clone(), span)], span));
            node
        };
        let node = match kind {
            "menuTransferToAcd" | "transferToAcd" => {
                let queue = self.get(fields, "targetQueue").and_then(|q| {
                    let lit = self.get(q, "lit")?;
                    self.text(self.get(lit, "name"))
                });
                let queue = queue.unwrap_or_else(|| {
                    self.note(
                        &id,
                        "the queue is chosen at run time: queue `dynamic`".to_string(),
                    );
                    "dynamic".to_string()
                });
                transfer(self, queue)
            }
            "menuDisconnect" | "disconnect" => {
                blank(Spanned::new(id.clone(), span), NodeKind::Hangup, span)
            }
            k if k.contains("Transfer") || k.starts_with("transferTo") => {
                self.note(
                    &id,
                    format!("`{k}` hands the call on outside this flow: a transfer"),
                );
                transfer(self, audio_name(k))
            }
            other => {
                self.note(&id, format!("`{other}` is not known: the call ends here"));
                blank(Spanned::new(id.clone(), span), NodeKind::Hangup, span)
            }
        };
        self.push(node, kind, span);
    }

    /// A task: its actions in order. Lists inside actions (the arms of a decision) are read
    /// from a work list, not by recursion, each going on to the action after their parent.
    fn task(&mut self, body: &YamlNode, span: Span, id: String) {
        // (actions, id of the first, where the list goes when it ends)
        let mut work: Vec<Pending<'_>> = Vec::new();
        let actions = self.get(body, "actions");
        let Some(actions) = actions.filter(|a| !seq(Some(a)).is_empty()) else {
            let node = blank(Spanned::new(id.clone(), span), NodeKind::Hangup, span);
            self.note(&id, "a task with no actions: the call ends".to_string());
            self.push(node, "task", span);
            return;
        };
        work.push((actions, Some(id), None));
        while let Some((list, first, after)) = work.pop() {
            let items = seq(Some(list));
            let mut item_ids = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let made = match (i, &first) {
                    (0, Some(f)) => f.clone(),
                    _ => {
                        let name = single(self.source, item)
                            .and_then(|(k, v, _)| self.text(self.get(v, "name")).or(Some(k)))
                            .unwrap_or_else(|| "action".to_string());
                        self.ids.make(&name, "action")
                    }
                };
                item_ids.push(made);
            }
            for (i, item) in items.iter().enumerate() {
                let id = item_ids[i].clone();
                let next = item_ids
                    .get(i + 1)
                    .map(|n| Spanned::new(n.clone(), item.span))
                    .or_else(|| after.clone());
                let Some((kind, fields, kind_span)) = single(self.source, item) else {
                    self.note(
                        &id,
                        "an action that is not `- kind: ...`: the call ends".to_string(),
                    );
                    let node = blank(Spanned::new(id, item.span), NodeKind::Hangup, item.span);
                    self.push(node, "action", item.span);
                    continue;
                };
                let lists = nested_lists(self.source, fields);
                let mut node = match kind.as_str() {
                    "playAudio" | "playAudioFile" => {
                        let mut node = blank(
                            Spanned::new(id.clone(), kind_span),
                            NodeKind::Message,
                            kind_span,
                        );
                        self.audio(&mut node, self.get(fields, "audio"));
                        node
                    }
                    "collectInput" => {
                        let mut node = blank(
                            Spanned::new(id.clone(), kind_span),
                            NodeKind::Input,
                            kind_span,
                        );
                        self.audio(&mut node, self.get(fields, "inputAudio"));
                        let digits = number_at(self.source, fields, &["maxNumberOfDigits"])
                            .map(|d| d as u32)
                            .filter(|d| (1..=64).contains(d));
                        node.digits = Some(Spanned::new(
                            digits.unwrap_or_else(|| {
                                self.note(
                                    &id,
                                    "the number of digits is not fixed: 10 digits".to_string(),
                                );
                                10
                            }),
                            kind_span,
                        ));
                        node
                    }
                    "jumpToMenu" | "jumpToTask" => {
                        let mut node = blank(
                            Spanned::new(id.clone(), kind_span),
                            NodeKind::Message,
                            kind_span,
                        );
                        node.to = self.target_ref(fields);
                        self.push(node, &kind, kind_span);
                        continue;
                    }
                    "transferToAcd" | "disconnect" => {
                        self.leaf(&kind, fields, kind_span, id);
                        continue;
                    }
                    k if k.starts_with("transferTo") => {
                        self.leaf(&kind, fields, kind_span, id);
                        continue;
                    }
                    _ if !lists.is_empty() => {
                        let mut node = blank(
                            Spanned::new(id.clone(), kind_span),
                            NodeKind::Decision,
                            kind_span,
                        );
                        for (label, list, label_span) in &lists {
                            let items = seq(Some(list));
                            let to = if items.is_empty() {
                                next.clone().map(|n| Spanned::new(n.value, *label_span))
                            } else {
                                let first = self.ids.make(&format!("{id} {label}"), "branch");
                                work.push((list, Some(first.clone()), next.clone()));
                                Some(Spanned::new(first, *label_span))
                            };
                            let Some(to) = to else { continue };
                            node.branches.push(Branch {
                                when: Some(Spanned::new(label.clone(), *label_span)),
                                share: Some(Spanned::new(1.0, *label_span)),
                                to: Some(to),
                                span: *label_span,
                            });
                        }
                        if node.branches.is_empty() {
                            node.kind = NodeKind::Hangup;
                        } else {
                            self.note(
                                &id,
                                format!(
                                    "`{kind}` is decided at run time: a decision with equal shares"
                                ),
                            );
                        }
                        node.branches_span = Some(kind_span);
                        self.push(node, &kind, kind_span);
                        continue;
                    }
                    other => {
                        // Data, variables, participant data: nothing the caller hears.
                        if !matches!(
                            other,
                            "updateData"
                                | "setParticipantData"
                                | "getParticipantData"
                                | "setLanguage"
                                | "setWrapupCode"
                                | "setUUIData"
                        ) {
                            self.note(&id, format!("`{other}` plays nothing here: passed over"));
                        }
                        blank(
                            Spanned::new(id.clone(), kind_span),
                            NodeKind::Message,
                            kind_span,
                        )
                    }
                };
                match next {
                    Some(next) => node.to = Some(next),
                    None if node.kind == NodeKind::Message => {
                        node.kind = if node.say.is_some() {
                            node.serves = Some(Spanned::new(
                                vec![Spanned::new(id.clone(), kind_span)],
                                kind_span,
                            ));
                            NodeKind::SelfService
                        } else {
                            NodeKind::Hangup
                        };
                    }
                    None => {
                        // An input at the end of a task: the flow ends after it.
                        let end = self.ids.make(&format!("{id} end"), "end");
                        node.to = Some(Spanned::new(end.clone(), kind_span));
                        let hang = blank(Spanned::new(end, kind_span), NodeKind::Hangup, kind_span);
                        self.push(node, &kind, kind_span);
                        self.push(hang, "end of task", kind_span);
                        continue;
                    }
                }
                self.push(node, &kind, kind_span);
            }
        }
    }
}

/// The action lists inside an action (`outputs: { yes: { actions: [...] } }`, the cases of a
/// `switch`), each with the key that names it; found with a stack, never inside another list.
fn nested_lists<'a>(
    source: &SourceFile,
    fields: &'a YamlNode,
) -> Vec<(String, &'a YamlNode, Span)> {
    let mut found = Vec::new();
    let mut stack: Vec<(&YamlNode, String)> = vec![(fields, String::new())];
    while let Some((node, label)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                // A single-key wrapper (`- case: {...}`) keeps the name it was found under.
                let wrapper = entries.len() == 1 && !label.is_empty();
                for (k, v) in entries.iter().rev() {
                    let key = k.as_text(source).unwrap_or_default();
                    let key = if wrapper && key != "actions" {
                        label.clone()
                    } else {
                        key
                    };
                    if key == "actions" {
                        if matches!(v.value, Value::Seq(_)) {
                            let label = if label.is_empty() {
                                "next".to_string()
                            } else {
                                label.clone()
                            };
                            found.push((label, v, k.span));
                        }
                    } else {
                        stack.push((v, key));
                    }
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, format!("{label} {}", i + 1)));
                }
            }
            _ => {}
        }
    }
    found
}

/// `digit_1` -> `1`, `digit_star` -> `*`, `digit_pound` -> `#`.
fn key_of(dtmf: &str) -> String {
    let key = dtmf.strip_prefix("digit_").unwrap_or(dtmf);
    match key {
        "star" => "*".to_string(),
        "pound" | "hash" => "#".to_string(),
        other => other.to_string(),
    }
}
