//! Genesys Cloud Architect flows in Archy YAML: a flow-type key (`inboundCall`, ...) with
//! `startUpRef`, `menus` and `tasks`.
//!
//! - a `menu`: its `audio` is `say`, each choice with a `dtmf` (`digit_1`, `digit_star`) an
//!   option; `settingsMenu.menuSelectionTimeout` and `repeatCount` (on the menu, else the flow's)
//!   are `timeout` and `retries`;
//! - `menuTransferToAcd`: an option to a transfer to its `targetQueue`; `menuDisconnect`: to a
//!   hangup; `menuSubMenu`: to the menu inside it; `menuJumpToMenu`: to the menu it names;
//!   `menuTask`: to the task;
//! - a task: its actions in order, `playAudio` prompts as the `say` of the node they lead to;
//!   an action that ends the call or leaves the task (`transferToAcd`, `disconnect`,
//!   `jumpToMenu`, `jumpToTask`, `transferToFlow`) makes a node; an action with outputs
//!   (`decision`, `switch`, `evaluateScheduleGroup`, data actions) a `decision` node, one branch
//!   per output, equal shares (listed as approximations);
//! - `initialGreeting`: a message before the start-up menu.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::{Ids, Origin, Reader, blank, spoken};
use super::{Imported, Platform, templates};
use crate::menu::model::{Branch, ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::Node as YamlNode;
use crate::yaml::reader::LoadResult;

/// The flow-type keys Archy files start with.
const FLOW_TYPES: &[&str] = &[
    "inboundCall",
    "inQueueCall",
    "outboundCall",
    "secureCall",
    "commonModule",
];

/// The flow's mapping, when the file is an Archy call flow.
pub(super) fn flow<'a>(source: &SourceFile, root: &'a YamlNode) -> Option<&'a YamlNode> {
    root.as_map()?.iter().find_map(|(k, v)| {
        let key = k.as_text(source)?;
        let has_start = v
            .as_map()?
            .iter()
            .any(|(k2, _)| k2.as_text(source).as_deref() == Some("startUpRef"));
        (FLOW_TYPES.contains(&key.as_str()) && has_start).then_some(v)
    })
}

/// The node a run of actions starts with: its id, span and provenance.
struct Step {
    id: Spanned<String>,
    span: Span,
    what: String,
}

struct Builder<'a> {
    r: Reader<'a>,
    ids: Ids,
    nodes: Vec<Node>,
    origins: Vec<Origin>,
    approximations: Vec<String>,
    /// `refId` of menus and tasks -> node id.
    refs: HashMap<String, String>,
    timeout: Option<f64>,
    repeat: Option<u32>,
}

pub(super) fn import(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Imported> {
    let r = Reader {
        source,
        platform: "a Genesys Architect flow (Archy YAML)",
    };
    let Some(flow) = flow(source, root) else {
        return Err(r.error(root.span, "no flow with `startUpRef` here"));
    };
    templates::unquoted_in_yaml(source, root)?;
    unsubstituted(&r, flow)?;
    let lit_seconds = |n: Option<&YamlNode>| {
        let lit = r.get(n?, "lit")?;
        r.text(r.get(lit, "seconds"))?.parse::<f64>().ok()
    };
    let settings = r.get(flow, "settingsMenu");
    let mut b = Builder {
        timeout: lit_seconds(settings.and_then(|s| r.get(s, "menuSelectionTimeout")))
            .filter(|t| crate::ranges::TIMEOUT.contains(*t)),
        repeat: settings
            .and_then(|s| r.get(s, "repeatCount"))
            .and_then(|c| r.text(r.get(c, "lit")))
            .and_then(|c| c.parse::<u32>().ok()),
        r,
        ids: Ids::default(),
        nodes: Vec::new(),
        origins: Vec::new(),
        approximations: Vec::new(),
        refs: HashMap::new(),
    };
    // Ids first, so that references resolve whatever the order.
    for item in b.r.seq(b.r.get(flow, "menus")) {
        if let Some(menu) = b.r.get(item, "menu") {
            b.name_menu(menu);
        }
    }
    for item in b.r.seq(b.r.get(flow, "tasks")) {
        if let Some(task) = b.r.get(item, "task")
            && let Some(reference) = b.r.text(b.r.get(task, "refId"))
        {
            let name =
                b.r.text(b.r.get(task, "name"))
                    .unwrap_or_else(|| reference.clone());
            let id = b.ids.make(&name, "task");
            b.refs.insert(reference, id);
        }
    }
    for item in b.r.seq(b.r.get(flow, "menus")) {
        if let Some(menu) = b.r.get(item, "menu") {
            b.menu(menu);
        }
    }
    for item in b.r.seq(b.r.get(flow, "tasks")) {
        if let Some(task) = b.r.get(item, "task") {
            b.task(task);
        }
    }
    let start = b.r.spanned(b.r.get(flow, "startUpRef"));
    let mut entry = start.map(|s| b.resolve(&s));
    if let Some(greeting) = b.r.get(flow, "initialGreeting")
        && let Some(text) = b.r.text(b.r.get(greeting, "tts"))
        && let Some((say, duration)) = spoken(&text, false)
    {
        let id = b.ids.make("initial greeting", "greeting");
        let mut node = blank(
            Spanned::new(id.clone(), greeting.span),
            NodeKind::Message,
            greeting.span,
        );
        node.say = Some(Spanned::new(say, greeting.span));
        node.duration = duration.map(|d| Spanned::new(d, greeting.span));
        node.to = entry.take();
        b.push(node, "Archy initialGreeting".to_string(), greeting.span);
        entry = Some(Spanned::new(id, greeting.span));
    }
    let name = b.r.text(b.r.get(flow, "name"));
    let mut menu = Menu::new(source.clone(), b.nodes, Span::new(0, 0));
    menu.name = name.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = entry;
    menu.imported_from = Some(Platform::Genesys.title());
    Ok(Imported {
        platform: Platform::Genesys,
        menu,
        origins: b.origins,
        approximations: b.approximations,
    })
}

/// The first deploy-time template (an Archy substitution `{{name}}`, ...) in a place the flow's
/// structure depends on: a menu's or task's name or `refId`, a reference to one, a choice's
/// `dtmf`, a number. Templates in prompts and queue names are kept as words.
fn unsubstituted(r: &Reader<'_>, flow: &YamlNode) -> LoadResult<()> {
    // (key, the key of the mapping it is in, value), in file order; iterative, as a file may
    // nest deeply. A list's items take the list's key.
    let mut stack: Vec<(String, String, &YamlNode)> = vec![(String::new(), String::new(), flow)];
    while let Some((key, parent, node)) = stack.pop() {
        match &node.value {
            crate::yaml::Value::Map(entries) => {
                for (k, v) in entries.iter().rev() {
                    let child = k.as_text(r.source).unwrap_or_default();
                    stack.push((child, key.clone(), v));
                }
            }
            crate::yaml::Value::Seq(items) => {
                for item in items.iter().rev() {
                    stack.push((key.clone(), parent.clone(), item));
                }
            }
            _ => {
                let structural = matches!(
                    key.as_str(),
                    "refId" | "startUpRef" | "dtmf" | "targetMenuRef" | "targetTaskRef" | "seconds"
                ) || (key == "name" && matches!(parent.as_str(), "menu" | "task"))
                    || (key == "lit" && parent == "repeatCount");
                if structural && let Some(value) = r.spanned(Some(node)) {
                    templates::structural(
                        r.source,
                        Platform::Genesys,
                        &value,
                        &format!("`{key}` is part of the flow's structure"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

impl<'a> Builder<'a> {
    fn push(&mut self, node: Node, what: String, span: Span) {
        self.nodes.push(node);
        self.origins.push(Origin { what, span });
    }

    fn note(&mut self, id: &str, what: &str, note: impl Into<String>) {
        self.approximations
            .push(format!("`{id}` ({what}): {}", note.into()));
    }

    /// Gives a menu (and the menus inside its `menuSubMenu` choices) its id.
    fn name_menu(&mut self, menu: &'a YamlNode) {
        let name = self.r.text(self.r.get(menu, "name")).unwrap_or_default();
        let id = self.ids.make(&name, "menu");
        let reference = self
            .r
            .text(self.r.get(menu, "refId"))
            .unwrap_or_else(|| name.clone());
        self.refs.insert(reference, id);
        for choice in self.r.seq(self.r.get(menu, "choices")) {
            if let Some(sub) = self.r.get(choice, "menuSubMenu")
                && let Some(inner) = self.r.get(sub, "menu")
            {
                self.name_menu(inner);
            }
        }
    }

    /// `/inboundCall/menus/menu[Main Menu_10]` or a bare `refId`: the node id it names (kept as
    /// written when it names nothing, so that `unknown-target` reports it).
    fn resolve(&self, reference: &Spanned<String>) -> Spanned<String> {
        let inner = reference
            .value
            .rsplit_once('[')
            .and_then(|(_, rest)| rest.strip_suffix(']'))
            .unwrap_or(&reference.value);
        let id = self
            .refs
            .get(inner)
            .cloned()
            .unwrap_or_else(|| reference.value.clone());
        Spanned::new(id, reference.span)
    }

    fn menu(&mut self, menu: &'a YamlNode) {
        let r = &self.r;
        let name = r.text(r.get(menu, "name")).unwrap_or_default();
        let reference = r.text(r.get(menu, "refId")).unwrap_or_else(|| name.clone());
        let id = self
            .refs
            .get(&reference)
            .cloned()
            .unwrap_or_else(|| name.clone());
        let name_span = r.get(menu, "name").map_or(menu.span, |n| n.span);
        let mut node = blank(
            Spanned::new(id.clone(), name_span),
            NodeKind::Menu,
            menu.span,
        );
        if let Some(text) = r.get(menu, "audio").and_then(|a| r.text(r.get(a, "tts")))
            && let Some((say, duration)) = spoken(&text, false)
        {
            node.say = Some(Spanned::new(say, menu.span));
            node.duration = duration.map(|d| Spanned::new(d, menu.span));
        }
        let settings = r.get(menu, "settingsMenu");
        let own_timeout = settings
            .and_then(|s| r.get(s, "menuSelectionTimeout"))
            .and_then(|t| r.get(t, "lit"))
            .and_then(|l| r.text(r.get(l, "seconds")))
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|t| crate::ranges::TIMEOUT.contains(*t));
        let own_repeat = settings
            .and_then(|s| r.get(s, "repeatCount"))
            .and_then(|c| r.text(r.get(c, "lit")))
            .and_then(|c| c.parse::<u32>().ok());
        node.timeout = own_timeout
            .or(self.timeout)
            .map(|t| Spanned::new(t, menu.span));
        node.retries = own_repeat
            .or(self.repeat)
            // At most the format's largest `retries`.
            .map(|n| Spanned::new(n.min(20), menu.span));
        let handler = ErrorHandler {
            say: None,
            retries: None,
            then: None,
            span: menu.span,
        };
        node.on_invalid = Some(handler.clone());
        node.on_no_input = Some(handler);
        let mut extra = Vec::new();
        let mut notes = Vec::new();
        for choice in self.r.seq(self.r.get(menu, "choices")) {
            let Some((kind, body)) = choice.as_map().and_then(|m| m.first()) else {
                continue;
            };
            let kind = kind.as_text(self.r.source).unwrap_or_default();
            let Some(dtmf) = self.r.spanned(self.r.get(body, "dtmf")) else {
                notes.push(format!(
                    "a `{kind}` choice without `dtmf` (speech only): left out"
                ));
                continue;
            };
            let key = match dtmf.value.strip_prefix("digit_") {
                Some("star") => "*".to_string(),
                Some("pound") | Some("hash") => "#".to_string(),
                Some(d) => d.to_string(),
                None => dtmf.value.clone(),
            };
            if !is_valid_key(&key) {
                notes.push(format!(
                    "the choice key `{}` is not one key: left out",
                    dtmf.value
                ));
                continue;
            }
            let choice_name = self
                .r
                .text(self.r.get(body, "name"))
                .unwrap_or_else(|| kind.clone());
            let to = match kind.as_str() {
                "menuTransferToAcd" => {
                    let tid = self.ids.make(&choice_name, "transfer");
                    let mut t = blank(
                        Spanned::new(tid.clone(), body.span),
                        NodeKind::Transfer,
                        body.span,
                    );
                    let queue = self
                        .r
                        .get(body, "targetQueue")
                        .and_then(|q| self.r.get(q, "lit"))
                        .and_then(|l| self.r.text(self.r.get(l, "name")))
                        .unwrap_or_else(|| {
                            notes.push(format!("`{choice_name}`: the queue is chosen at run time"));
                            "dynamic".to_string()
                        });
                    t.queue = Some(Spanned::new(queue, body.span));
                    if let Some(text) = self
                        .r
                        .get(body, "preTransferAudio")
                        .and_then(|a| self.r.text(self.r.get(a, "tts")))
                    {
                        t.say = spoken(&text, false).map(|(s, _)| Spanned::new(s, body.span));
                    }
                    t.serves = Some(Spanned::new(
                        vec![Spanned::new(tid.clone(), body.span)],
                        body.span,
                    ));
                    extra.push((
                        t,
                        format!("Archy menuTransferToAcd {choice_name}"),
                        body.span,
                    ));
                    Some(Spanned::new(tid, dtmf.span))
                }
                "menuDisconnect" => {
                    let hid = self.ids.make(&choice_name, "hangup");
                    let h = blank(
                        Spanned::new(hid.clone(), body.span),
                        NodeKind::Hangup,
                        body.span,
                    );
                    extra.push((h, format!("Archy menuDisconnect {choice_name}"), body.span));
                    Some(Spanned::new(hid, dtmf.span))
                }
                "menuSubMenu" => self.r.get(body, "menu").map(|inner| {
                    let reference = self
                        .r
                        .text(self.r.get(inner, "refId"))
                        .or_else(|| self.r.text(self.r.get(inner, "name")))
                        .unwrap_or_default();
                    self.menu(inner);
                    Spanned::new(
                        self.refs.get(&reference).cloned().unwrap_or(reference),
                        dtmf.span,
                    )
                }),
                "menuJumpToMenu" | "menuTask" => {
                    let target = ["targetMenuRef", "targetTaskRef", "task", "targetMenu"]
                        .iter()
                        .find_map(|k| self.r.spanned(self.r.get(body, k)));
                    if kind == "menuTask" && target.is_none() {
                        // A task written inside the choice.
                        if let Some(task) = self.r.get(body, "task") {
                            let reference = self
                                .r
                                .text(self.r.get(task, "refId"))
                                .unwrap_or_else(|| choice_name.clone());
                            let tid = self.ids.make(&choice_name, "task");
                            self.refs.insert(reference, tid.clone());
                            self.task(task);
                            Some(Spanned::new(tid, dtmf.span))
                        } else {
                            None
                        }
                    } else {
                        target.map(|t| {
                            let resolved = self.resolve(&t);
                            Spanned::new(resolved.value, dtmf.span)
                        })
                    }
                }
                other => {
                    notes.push(format!("the choice `{other}` is not read yet: left out"));
                    continue;
                }
            };
            node.options.push(MenuOption {
                key: Some(Spanned::new(key, dtmf.span)),
                say: None,
                to,
                traffic: None,
                duration: None,
                span: choice.span,
            });
        }
        node.options_span = Some(menu.span);
        for n in notes {
            self.note(&id, "menu", n);
        }
        self.push(node, format!("Archy menu {name}"), menu.span);
        for (n, what, span) in extra {
            self.push(n, what, span);
        }
    }

    /// A task: its actions in order. Prompts gather into the `say` of the node they lead to;
    /// the action that ends the call or leaves the task (`transferToAcd`, `disconnect`,
    /// `jumpToMenu`, `jumpToTask`, `transferToFlow`) makes the node; an action with outputs
    /// (`decision`, `switch`, `evaluateScheduleGroup`, data lookups) makes a `decision` node, one
    /// branch per output, each output's actions followed by the actions after it.
    fn task(&mut self, task: &'a YamlNode) {
        let r = &self.r;
        let name = r.text(r.get(task, "name")).unwrap_or_default();
        let reference = r.text(r.get(task, "refId")).unwrap_or_else(|| name.clone());
        let id = self
            .refs
            .get(&reference)
            .cloned()
            .unwrap_or_else(|| name.clone());
        let name_span = r.get(task, "name").map_or(task.span, |n| n.span);
        let actions = r.seq(r.get(task, "actions"));
        let mut notes = Vec::new();
        let step = Step {
            id: Spanned::new(id.clone(), name_span),
            span: task.span,
            what: format!("Archy task {name}"),
        };
        self.actions(actions, step, None, &mut notes);
        for n in notes {
            self.note(&id, "task", n);
        }
    }

    /// The nodes of a run of a task's actions, the first taking `step`'s id; `after` is where
    /// the call goes when the actions run out (`None`: the task ends there).
    fn actions(
        &mut self,
        actions: &'a [YamlNode],
        step: Step,
        after: Option<&Spanned<String>>,
        notes: &mut Vec<String>,
    ) {
        let r = &self.r;
        let mut say = Vec::new();
        let mut skipped = Vec::new();
        for (at, action) in actions.iter().enumerate() {
            let Some((kind, body)) = action.as_map().and_then(|m| m.first()) else {
                continue;
            };
            let kind = kind.as_text(r.source).unwrap_or_default();
            match kind.as_str() {
                "playAudio" => {
                    if let Some(text) = r.get(body, "audio").and_then(|a| r.text(r.get(a, "tts"))) {
                        say.push(text);
                    }
                }
                "transferToAcd" | "disconnect" | "jumpToMenu" | "jumpToTask" | "transferToFlow" => {
                    self.skipped(&skipped, notes);
                    let node = self.ending(&kind, body, &step, &say, notes);
                    self.push(node, step.what, step.span);
                    return;
                }
                _ => match self.outputs(&kind, body) {
                    Some(outputs) => {
                        self.skipped(&skipped, notes);
                        self.decision(
                            &kind,
                            body,
                            outputs,
                            &actions[at + 1..],
                            step,
                            &say,
                            after,
                            notes,
                        );
                        return;
                    }
                    None => skipped.push(kind),
                },
            }
        }
        self.skipped(&skipped, notes);
        let mut node = blank(step.id.clone(), NodeKind::Hangup, step.span);
        self.say(&mut node, &say, step.span);
        match after {
            Some(after) => {
                node.kind = NodeKind::Message;
                node.to = Some(after.clone());
            }
            None => {
                notes.push("the task ends without a transfer or disconnect: a hangup".to_string())
            }
        }
        self.push(node, step.what, step.span);
    }

    fn skipped(&self, skipped: &[String], notes: &mut Vec<String>) {
        if !skipped.is_empty() {
            notes.push(format!("actions not read yet: {}", skipped.join(", ")));
        }
    }

    fn say(&self, node: &mut Node, say: &[String], span: Span) {
        if let Some((s, d)) = spoken(&say.join(" "), false) {
            node.say = Some(Spanned::new(s, span));
            node.duration = d.map(|d| Spanned::new(d, span));
        }
    }

    /// The node of an action that ends the call or leaves the task.
    fn ending(
        &self,
        kind: &str,
        body: &'a YamlNode,
        step: &Step,
        say: &[String],
        notes: &mut Vec<String>,
    ) -> Node {
        let r = &self.r;
        let id = &step.id.value;
        let mut node = blank(step.id.clone(), NodeKind::Hangup, step.span);
        self.say(&mut node, say, step.span);
        match kind {
            "transferToAcd" => {
                node.kind = NodeKind::Transfer;
                let queue = r
                    .get(body, "targetQueue")
                    .and_then(|q| r.get(q, "lit"))
                    .and_then(|l| r.text(r.get(l, "name")))
                    .unwrap_or_else(|| "dynamic".to_string());
                node.queue = Some(Spanned::new(queue, body.span));
                node.serves = Some(Spanned::new(
                    vec![Spanned::new(id.clone(), body.span)],
                    body.span,
                ));
            }
            "jumpToMenu" | "jumpToTask" => {
                let target = ["targetMenuRef", "targetTaskRef"]
                    .iter()
                    .find_map(|k| r.spanned(r.get(body, k)));
                node.kind = NodeKind::Message;
                node.to = target.map(|t| self.resolve(&t));
            }
            "transferToFlow" => {
                node.kind = NodeKind::Transfer;
                node.queue = Some(Spanned::new("other flow".to_string(), body.span));
                node.serves = Some(Spanned::new(
                    vec![Spanned::new(id.clone(), body.span)],
                    body.span,
                ));
                notes.push(
                    "the call continues in another flow, not part of this import: a transfer"
                        .to_string(),
                );
            }
            _ => {}
        }
        node
    }

    /// The ways out of an action the flow takes at run time, as (label, actions): the
    /// `outputs` of a `decision` (`yes`, `no`), of `evaluateScheduleGroup` (`open`, `closed`,
    /// `holiday`, `emergency`) or of a data action (`success`, `failure`, ...), and the cases
    /// of a `switch` (`case 1`, ..., `default`). `None`: the action does not branch.
    fn outputs(
        &self,
        kind: &str,
        body: &'a YamlNode,
    ) -> Option<Vec<(String, &'a [YamlNode], Span)>> {
        let r = &self.r;
        let actions_of = |n: &'a YamlNode| r.seq(r.get(n, "actions"));
        if kind == "switch" {
            let evaluate = r.get(body, "evaluate")?;
            let how = &evaluate.as_map()?.first()?.1;
            let mut ways = Vec::new();
            for (n, case) in r.seq(r.get(how, "possibilities")).iter().enumerate() {
                let case = r.get(case, "case").unwrap_or(case);
                let label = r
                    .text(r.get(case, "name"))
                    .unwrap_or_else(|| format!("case {}", n + 1));
                ways.push((label, actions_of(case), case.span));
            }
            if let Some(default) = r.get(how, "default") {
                ways.push(("default".to_string(), actions_of(default), default.span));
            }
            return (!ways.is_empty()).then_some(ways);
        }
        let outputs = r.get(body, "outputs")?.as_map()?;
        let ways: Vec<_> = outputs
            .iter()
            .filter_map(|(k, v)| Some((k.as_text(r.source)?, actions_of(v), k.span)))
            .collect();
        (!ways.is_empty()).then_some(ways)
    }

    /// A `decision` node for an action with outputs: one branch per output, equal shares
    /// (failures and timeouts at share 0 beside others, so their paths stay reachable); each
    /// output's actions lead on to the actions after the branching one.
    #[allow(clippy::too_many_arguments)]
    fn decision(
        &mut self,
        kind: &str,
        body: &'a YamlNode,
        outputs: Vec<(String, &'a [YamlNode], Span)>,
        rest: &'a [YamlNode],
        step: Step,
        say: &[String],
        after: Option<&Spanned<String>>,
        notes: &mut Vec<String>,
    ) {
        let r = &self.r;
        let name = r
            .text(r.get(body, "name"))
            .unwrap_or_else(|| kind.to_string());
        let base = step.id.value.clone();
        // Where the outputs lead when their actions run out: the actions after this one, built
        // after the outputs so that the nodes come in the file's order.
        let rest_step = (!rest.is_empty()).then(|| {
            let id = self.ids.make(&format!("{base} after {name}"), "step");
            let span = rest.first().map_or(body.span, |a| a.span);
            Step {
                id: Spanned::new(id, span),
                span,
                what: format!("{} (after {name})", step.what),
            }
        });
        let next = rest_step.as_ref().map(|s| s.id.clone()).or(after.cloned());
        // The decision's place, taken now so that it comes before its outputs.
        let place = self.nodes.len();
        self.push(
            blank(step.id.clone(), NodeKind::Decision, step.span),
            String::new(),
            body.span,
        );
        let mut node = blank(step.id.clone(), NodeKind::Decision, step.span);
        self.say(&mut node, say, step.span);
        let failure = |label: &str| matches!(label, "failure" | "timeout" | "error");
        let any_normal = outputs.iter().any(|(label, _, _)| !failure(label));
        let mut ending = None;
        for (label, actions, span) in outputs {
            let to = if actions.is_empty() {
                next.clone()
            } else {
                let id = self.ids.make(&format!("{base} {label}"), "step");
                let id = Spanned::new(id, span);
                let then = Step {
                    id: id.clone(),
                    span,
                    what: format!("Archy {kind} {name}: {label}"),
                };
                self.actions(actions, then, next.as_ref(), notes);
                Some(id)
            };
            let to = to.unwrap_or_else(|| {
                ending
                    .get_or_insert_with(|| {
                        let id = self.ids.make(&format!("{base} end"), "end");
                        let node = blank(
                            Spanned::new(id.clone(), step.span),
                            NodeKind::Hangup,
                            step.span,
                        );
                        self.push(node, format!("{} (the task ends)", step.what), step.span);
                        Spanned::new(id, step.span)
                    })
                    .clone()
            });
            let share = if failure(&label) && any_normal {
                0.0
            } else {
                1.0
            };
            node.branches.push(Branch {
                when: Some(Spanned::new(label, span)),
                share: Some(Spanned::new(share, span)),
                to: Some(Spanned::new(to.value, span)),
                span,
            });
        }
        node.branches_span = Some(body.span);
        notes.push(format!(
            "`{name}` ({kind}) is decided at run time: a decision with equal shares"
        ));
        self.nodes[place] = node;
        self.origins[place].what = format!("{} ({kind} {name})", step.what);
        if let Some(then) = rest_step {
            self.actions(rest, then, after, notes);
        }
    }
}
