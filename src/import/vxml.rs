//! VoiceXML: the dialogs of one document (`<menu>`, `<form>`) read into the menu model.
//!
//! - `<menu>`: a menu; each `<choice dtmf>` is an option (`<menu dtmf="true">` numbers the
//!   choices without a `dtmf` 1 to 9 in order);
//! - a `<form>` is a chain of its items: `<block>` a message, `<field>` an input (a menu when it
//!   lists `<option dtmf>`), `<transfer>` a transfer; the first item takes the form's id;
//! - a block that speaks and then ends the call is self-service (the caller heard what they
//!   called for);
//! - `<goto next="#id">` goes to that dialog; `next="other.vxml"` (or `other.vxml#id`) is a
//!   `flow` node to that file; `<exit>` / `<disconnect>` hang up, as does the end of a form;
//! - `<if>` / `<elseif>` / `<else>` in a block or `<filled>`: a decision, equal shares;
//! - `<noinput>` / `<nomatch>` (and `<catch event>`), from the item, its dialog and the document:
//!   the highest `count` that leaves sets `retries` and `then`; a handler that re-prompts, and
//!   the platform default when there is none, re-prompts without end (`retries` at its most).

use std::collections::HashMap;
use std::sync::Arc;

use roxmltree::Node as XmlNode;

use super::build::{AUDIO_SECONDS, Ids, Origin, audio_name, blank};
use super::xml::{self, attribute, elements, name, tag_span};
use super::{Imported, Platform, templates};
use crate::diagnostic::Diagnostic;
use crate::menu::duration::seconds;
use crate::menu::model::{Branch, ErrorHandler, MenuOption, Speech, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;

/// The most retries the format takes: what a handler that re-prompts without end becomes.
const ENDLESS: u32 = crate::ranges::RETRIES.max as u32;

/// Elements whose text is never spoken as part of a prompt.
const SILENT: &[&str] = &[
    "choice",
    "option",
    "noinput",
    "nomatch",
    "catch",
    "help",
    "error",
    "grammar",
    "property",
    "script",
    "log",
    "var",
    "assign",
    "filled",
    "link",
    "meta",
    "metadata",
    "goto",
    "submit",
    "exit",
    "disconnect",
    "reprompt",
    "throw",
    "clear",
    "return",
    "data",
];

/// Elements of a document or dialog that set things up and need no node.
const SETUP: &[&str] = &[
    "property", "var", "script", "meta", "metadata", "catch", "noinput", "nomatch", "help",
    "error", "grammar", "data", "filled", "link",
];

pub(super) fn import(source: &Arc<SourceFile>) -> LoadResult<Imported> {
    let text = source.text();
    let doc = xml::parse(source, text, "VoiceXML").map_err(|error| {
        let at = error.labels.first().map_or(0, |l| l.span.start);
        templates::stopped_at(source, at, Platform::Vxml, "XML does not allow it there")
            .unwrap_or(error)
    })?;
    // Templates in the dialogs' ids, keys, targets and numbers stop the import; in prompts
    // they are kept as words.
    templates::in_xml_attributes(
        source,
        Platform::Vxml,
        doc.root_element(),
        &[
            ("*", "id", "it is a dialog's name, which `next` names"),
            ("*", "dtmf", "it is the key a caller presses"),
            ("*", "next", "it names where the call goes"),
            ("*", "nextitem", "it names where the call goes"),
            ("*", "timeout", "VoiceXML needs a time there"),
            ("*", "count", "VoiceXML needs a number there"),
            ("field", "type", "it says what the field collects"),
        ],
    )?;
    let root = doc.root_element();
    if name(root) != "vxml" {
        return Err(Box::new(
            Diagnostic::input_error(
                source,
                tag_span(root),
                format!("the root element is `<{}>`, not `<vxml>`", name(root)),
                "here",
            )
            .with_help("a VoiceXML document has `<vxml>` as its root element"),
        ));
    }
    let mut b = Builder {
        ids: Ids::default(),
        dialogs: HashMap::new(),
        nodes: Vec::new(),
        origins: Vec::new(),
        approximations: Vec::new(),
        flows: HashMap::new(),
        hang_up: None,
        document: root,
    };
    // Every dialog's id first, so that a goto can name one written further down.
    let dialogs: Vec<XmlNode<'_, '_>> = elements(root)
        .filter(|e| matches!(name(*e), "menu" | "form"))
        .collect();
    let mut dialog_ids = Vec::with_capacity(dialogs.len());
    for d in &dialogs {
        let written = d.attribute("id").unwrap_or(name(*d));
        let id = b.ids.make(written, name(*d));
        if let Some(own) = d.attribute("id") {
            b.dialogs.insert(own.to_string(), id.clone());
        }
        dialog_ids.push(id);
    }
    for e in elements(root) {
        let n = name(e);
        if n == "link" {
            b.note(
                "document",
                "a `<link>` (a key or phrase heard anywhere) is left out".to_string(),
            );
        } else if !matches!(n, "menu" | "form") && !SETUP.contains(&n) {
            b.note("document", format!("`<{n}>` is left out"));
        }
    }
    for (d, id) in dialogs.iter().zip(dialog_ids) {
        if name(*d) == "menu" {
            b.menu(*d, id);
        } else {
            b.form(*d, id);
        }
    }
    let entry = b.nodes.first().map(|n| n.id.clone());
    let Builder {
        mut nodes,
        mut origins,
        approximations,
        flows,
        hang_up,
        ..
    } = b;
    let mut flows: Vec<(Node, Origin)> = flows.into_values().collect();
    flows.sort_by_key(|(n, _)| n.span.start);
    for (node, origin) in flows {
        nodes.push(node);
        origins.push(origin);
    }
    if let Some((node, origin)) = hang_up {
        // Kept only while something still leads to it (self-service nodes end the call
        // themselves).
        let id = node.id.value.as_str();
        let used = nodes.iter().any(|n| {
            let leads = |t: &Option<Spanned<String>>| t.as_ref().is_some_and(|t| t.value == id);
            leads(&n.to)
                || n.options.iter().any(|o| leads(&o.to))
                || n.branches.iter().any(|b| leads(&b.to))
                || [&n.on_invalid, &n.on_no_input]
                    .into_iter()
                    .flatten()
                    .any(|h| leads(&h.then))
        });
        if used {
            nodes.push(node);
            origins.push(origin);
        }
    }
    let stem = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut menu = Menu::new(source.clone(), nodes, Span::new(0, 0));
    menu.name = stem.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = entry;
    menu.imported_from = Some(Platform::Vxml.title());
    Ok(Imported {
        platform: Platform::Vxml,
        menu,
        origins,
        approximations,
    })
}

/// How a handler or a block leaves.
#[derive(Clone, Debug)]
enum Leave {
    /// Nothing says: the dialog goes on (a handler re-prompts; a block goes to the next item).
    On,
    Goto(Spanned<String>),
    End,
}

/// A `<noinput>` / `<nomatch>` handler in scope.
struct Handler {
    count: u32,
    leave: Leave,
    say: Option<Spanned<String>>,
}

/// A prompt as text and, when it holds pauses or audio, an estimated duration.
struct Prompt {
    say: String,
    duration: Option<f64>,
    audio: usize,
    enumerate: bool,
}

struct Builder<'a, 'input> {
    ids: Ids,
    /// A dialog's `id` attribute -> its node id.
    dialogs: HashMap<String, String>,
    nodes: Vec<Node>,
    origins: Vec<Origin>,
    approximations: Vec<String>,
    /// (file, dialog) -> the flow node handing over to it.
    flows: HashMap<(String, Option<String>), (Node, Origin)>,
    /// The one hang-up node that `<exit>` and the end of a form lead to.
    hang_up: Option<(Node, Origin)>,
    document: XmlNode<'a, 'input>,
}

impl<'a, 'input> Builder<'a, 'input> {
    fn note(&mut self, at: &str, text: String) {
        self.approximations.push(format!("`{at}`: {text}"));
    }

    fn push(&mut self, node: Node, el: XmlNode<'_, '_>) {
        let what = format!("VoiceXML <{}>", name(el));
        self.origins.push(Origin {
            what,
            span: tag_span(el),
        });
        self.nodes.push(node);
    }

    fn id_span(el: XmlNode<'_, '_>) -> Span {
        attribute(el, "id")
            .or_else(|| attribute(el, "name"))
            .map_or_else(|| tag_span(el), |a| a.span)
    }

    /// The node a `next` leads to: a dialog of this document, a flow node to another file,
    /// or (a web address) a transfer out of the flow.
    fn target(&mut self, next: &Spanned<String>, from: &str) -> Spanned<String> {
        let value = next.value.trim();
        if let Some(dialog) = value.strip_prefix('#') {
            let id = self
                .dialogs
                .get(dialog)
                .cloned()
                // Kept as written: `unknown-target` reports it.
                .unwrap_or_else(|| dialog.to_string());
            return Spanned::new(id, next.span);
        }
        let (file, dialog) = match value.split_once('#') {
            Some((f, d)) => (f.to_string(), Some(d.to_string())),
            None => (value.to_string(), None),
        };
        let key = (file.clone(), dialog.clone());
        if let Some((node, _)) = self.flows.get(&key) {
            return Spanned::new(node.id.value.clone(), next.span);
        }
        let web = file.contains("://") || file.contains('?') || file.is_empty();
        let stem = audio_name(&file);
        let stem = stem.split('.').next().unwrap_or(&stem).to_string();
        let id = self.ids.make(
            &format!("goto {stem} {}", dialog.as_deref().unwrap_or("")),
            "goto",
        );
        let span = next.span;
        let node = if web {
            self.note(
                from,
                format!("`{value}` is another application, not a file beside this one: a transfer"),
            );
            let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Transfer, span);
            node.queue = Some(Spanned::new("other application".to_string(), span));
            node.serves = Some(Spanned::new(vec![Spanned::new(id.clone(), span)], span));
            node
        } else {
            let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Flow, span);
            node.file = Some(Spanned::new(file, span));
            node.flow_entry = dialog.map(|d| Spanned::new(Ids::default().make(&d, "dialog"), span));
            node
        };
        let origin = Origin {
            what: format!("VoiceXML next=\"{value}\""),
            span,
        };
        self.flows.insert(key, (node, origin));
        Spanned::new(id, span)
    }

    /// The hang-up node, made the first time a call ends.
    fn end(&mut self, span: Span) -> Spanned<String> {
        if self.hang_up.is_none() {
            let id = self.ids.make("hang up", "hang_up");
            // Where the first call to end is: the element whose end hangs up.
            let node = blank(Spanned::new(id, span), NodeKind::Hangup, span);
            let origin = Origin {
                what: "VoiceXML: the end of the document".to_string(),
                span,
            };
            self.hang_up = Some((node, origin));
        }
        let id = self
            .hang_up
            .as_ref()
            .expect("made above")
            .0
            .id
            .value
            .clone();
        Spanned::new(id, span)
    }

    /// Where a way out leads, given the node it goes to when nothing says.
    fn leave_to(&mut self, leave: &Leave, on: &Spanned<String>, from: &str) -> Spanned<String> {
        match leave {
            Leave::On => on.clone(),
            Leave::Goto(next) => self.target(next, from),
            Leave::End => self.end(on.span),
        }
    }

    fn menu(&mut self, el: XmlNode<'a, 'input>, id: String) {
        let span = tag_span(el);
        let mut node = blank(
            Spanned::new(id.clone(), Self::id_span(el)),
            NodeKind::Menu,
            span,
        );
        let prompt = self.prompt(el, &id);
        self.set_say(&mut node, &prompt, span);
        let numbered = el.attribute("dtmf") == Some("true");
        let mut implicit = 0;
        let mut options = Vec::new();
        for choice in elements(el).filter(|c| name(*c) == "choice") {
            let key = match attribute(choice, "dtmf") {
                Some(k) => Some(k),
                None if numbered && implicit < 9 => {
                    implicit += 1;
                    Some(Spanned::new(implicit.to_string(), tag_span(choice)))
                }
                None => None,
            };
            let words = choice
                .descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect::<String>();
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            let Some(key) = key else {
                self.note(
                    &id,
                    format!("the choice `{words}` has no key (speech only): left out"),
                );
                continue;
            };
            if !is_valid_key(&key.value) {
                self.note(
                    &id,
                    format!("the choice `{}` is not one key: left out", key.value),
                );
                continue;
            }
            let to = match attribute(choice, "next") {
                Some(next) => self.target(&next, &id),
                None => {
                    let how = if choice.has_attribute("event") {
                        "throws an event"
                    } else {
                        "goes where an expression says"
                    };
                    self.note(&id, format!("the choice `{}` {how}: left out", key.value));
                    continue;
                }
            };
            options.push(MenuOption {
                key: Some(key.clone()),
                say: (prompt.enumerate && !words.is_empty())
                    .then(|| Spanned::new(words, tag_span(choice))),
                to: Some(to),
                traffic: None,
                duration: None,
                span: tag_span(choice),
            });
        }
        if options.is_empty() {
            self.note(&id, "a menu with no key to press".to_string());
        }
        node.options = options;
        node.options_span = Some(span);
        self.waits(&mut node, el, &id);
        self.push(node, el);
    }

    /// Timeout and error handlers of a node that waits for keys.
    fn waits(&mut self, node: &mut Node, el: XmlNode<'a, 'input>, id: &str) {
        let span = tag_span(el);
        node.timeout = self.timeout(el).map(|t| Spanned::new(t, span));
        node.on_no_input = Some(self.handler(el, "noinput", id));
        node.on_invalid = Some(self.handler(el, "nomatch", id));
    }

    /// The `timeout` property in scope (the element, its dialog, the document), in seconds.
    fn timeout(&self, el: XmlNode<'_, '_>) -> Option<f64> {
        let own = el.attribute("timeout");
        let property = el
            .ancestors()
            .take(3)
            .flat_map(elements)
            .filter(|p| name(*p) == "property" && p.attribute("name") == Some("timeout"))
            .find_map(|p| p.attribute("value"));
        own.or(property)
            .and_then(time_seconds)
            .filter(|t| crate::ranges::TIMEOUT.contains(*t))
    }

    /// The `<noinput>` or `<nomatch>` handling of an element, from its own handlers, its
    /// dialog's and the document's (the nearest wins for each count).
    fn handler(&mut self, el: XmlNode<'a, 'input>, event: &str, id: &str) -> ErrorHandler {
        let span = tag_span(el);
        let mut found: Vec<(u32, XmlNode<'a, 'input>)> = Vec::new();
        let scopes = el
            .ancestors()
            .filter(|a| a.is_element())
            .take_while(|a| *a != self.document)
            .chain(std::iter::once(self.document));
        for scope in scopes {
            for h in elements(scope) {
                let hears = name(h) == event
                    || (name(h) == "catch"
                        && h.attribute("event")
                            .is_some_and(|e| e.split_whitespace().any(|w| w == event)));
                if !hears {
                    continue;
                }
                let count = h
                    .attribute("count")
                    .and_then(|c| c.trim().parse::<u32>().ok())
                    .unwrap_or(1)
                    .clamp(1, ENDLESS + 1);
                if !found.iter().any(|(c, _)| *c == count) {
                    found.push((count, h));
                }
            }
        }
        found.sort_by_key(|(c, _)| *c);
        let handlers: Vec<Handler> = found
            .into_iter()
            .map(|(count, h)| {
                let prompt = self.prompt(h, id);
                Handler {
                    count,
                    leave: leave_of(h),
                    say: (!prompt.say.is_empty()).then(|| Spanned::new(prompt.say, tag_span(h))),
                }
            })
            .collect();
        let words = if event == "noinput" {
            "no input"
        } else {
            "a wrong key"
        };
        let Some(last) = handlers.last() else {
            self.note(
                id,
                format!("no `<{event}>`: the platform re-prompts on {words} without end"),
            );
            return ErrorHandler {
                say: None,
                retries: Some(Spanned::new(ENDLESS, span)),
                then: None,
                span,
            };
        };
        let say = handlers.iter().find_map(|h| h.say.clone());
        let (retries, then) = match &last.leave {
            Leave::On => {
                self.note(id, format!("`<{event}>` re-prompts on {words} without end"));
                (ENDLESS, None)
            }
            Leave::Goto(next) => {
                let next = next.clone();
                (last.count - 1, Some(self.target(&next, id)))
            }
            Leave::End => (last.count - 1, None),
        };
        ErrorHandler {
            say,
            retries: Some(Spanned::new(retries.min(ENDLESS), span)),
            then,
            span,
        }
    }

    fn form(&mut self, el: XmlNode<'a, 'input>, id: String) {
        let items: Vec<XmlNode<'a, 'input>> = elements(el)
            .filter(|i| {
                let n = name(*i);
                if SETUP.contains(&n) {
                    if n == "filled" {
                        self.note(
                            &id,
                            "a form-level `<filled>` is left out: each field goes on to the next item"
                                .to_string(),
                        );
                    }
                    return false;
                }
                true
            })
            .collect();
        if items.is_empty() {
            let mut node = blank(
                Spanned::new(id.clone(), Self::id_span(el)),
                NodeKind::Hangup,
                tag_span(el),
            );
            node.say = None;
            self.note(&id, "an empty form: the call ends".to_string());
            self.push(node, el);
            return;
        }
        // Each item's id: the form's for the first, the item's name for the others.
        let mut item_ids = vec![id.clone()];
        for item in &items[1..] {
            let written = item
                .attribute("name")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{id} {}", name(*item)));
            item_ids.push(self.ids.make(&written, name(*item)));
        }
        for (i, item) in items.iter().enumerate() {
            let next = match item_ids.get(i + 1) {
                Some(n) => Spanned::new(n.clone(), tag_span(*item)),
                None => self.end(tag_span(*item)),
            };
            let own = item_ids[i].clone();
            match name(*item) {
                "block" => self.block(*item, own, next),
                "field" => self.field(*item, own, next),
                "transfer" => self.transfer(*item, own),
                other => {
                    let what = match other {
                        "subdialog" => "a subdialog runs and comes back: a message",
                        "record" => "a recording: a message",
                        "object" => "a platform object: a message",
                        "initial" => "a mixed-initiative prompt: a message",
                        _ => "an element ivr does not know: a message",
                    };
                    self.note(&own, format!("`<{other}>`: {what}"));
                    let span = tag_span(*item);
                    let mut node = blank(
                        Spanned::new(own.clone(), Self::id_span(*item)),
                        NodeKind::Message,
                        span,
                    );
                    let prompt = self.prompt(*item, &own);
                    self.set_say(&mut node, &prompt, span);
                    node.to = Some(next);
                    self.push(node, *item);
                }
            }
        }
    }

    /// A block: a message (its prompts), then where its `<goto>`, `<exit>` or `<if>` lead.
    fn block(&mut self, el: XmlNode<'a, 'input>, id: String, next: Spanned<String>) {
        let span = tag_span(el);
        // The words of an `<if>`'s arms are its branches', not the block's.
        let prompt = self.prompt_in(
            el.children()
                .filter(|c| !(c.is_element() && name(*c) == "if"))
                .collect(),
        );
        let decision = elements(el).find(|e| name(*e) == "if");
        let leave = leave_of(el);
        let silent = prompt.say.is_empty();
        if silent {
            // Nothing to hear: the block is its way out.
            if let Some(cond) = decision {
                self.decision(cond, id, &next);
            } else if matches!(leave, Leave::End) {
                let node = blank(Spanned::new(id, Self::id_span(el)), NodeKind::Hangup, span);
                self.push(node, el);
            } else {
                let mut node = blank(
                    Spanned::new(id.clone(), Self::id_span(el)),
                    NodeKind::Message,
                    span,
                );
                node.to = Some(self.leave_to(&leave, &next, &id));
                self.push(node, el);
            }
            return;
        }
        let mut node = blank(
            Spanned::new(id.clone(), Self::id_span(el)),
            NodeKind::Message,
            span,
        );
        self.set_say(&mut node, &prompt, span);
        if let Some(cond) = decision {
            let decision_id = self.ids.make(&format!("{id} if"), "decision");
            node.to = Some(Spanned::new(decision_id.clone(), tag_span(cond)));
            self.push(node, el);
            self.decision(cond, decision_id, &next);
        } else {
            let to = self.leave_to(&leave, &next, &id);
            self.finish(&mut node, to);
            self.push(node, el);
        }
    }

    /// An `<if>`: one branch per `<if>`, `<elseif>` and `<else>` (and `otherwise` when there is
    /// no `<else>`), equal shares.
    fn decision(&mut self, cond: XmlNode<'a, 'input>, id: String, next: &Spanned<String>) {
        let span = tag_span(cond);
        let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Decision, span);
        // The arms: (label, span, elements of the arm).
        let mut arms: Vec<(String, Span, Vec<XmlNode<'a, 'input>>)> = vec![(
            cond.attribute("cond").unwrap_or("if").to_string(),
            span,
            Vec::new(),
        )];
        for child in elements(cond) {
            match name(child) {
                "elseif" => arms.push((
                    child.attribute("cond").unwrap_or("else if").to_string(),
                    tag_span(child),
                    Vec::new(),
                )),
                "else" => arms.push(("else".to_string(), tag_span(child), Vec::new())),
                _ => arms.last_mut().expect("one arm at least").2.push(child),
            }
        }
        if !arms.iter().any(|(label, _, _)| label == "else") {
            arms.push(("otherwise".to_string(), span, Vec::new()));
        }
        for (label, arm_span, body) in arms {
            let leave = body
                .iter()
                .map(|e| leave_in(*e))
                .find(|l| !matches!(l, Leave::On))
                .unwrap_or(Leave::On);
            let mut to = self.leave_to(&leave, &Spanned::new(next.value.clone(), arm_span), &id);
            let words = self.prompt_in(body.clone());
            if !words.say.is_empty() {
                // The arm speaks before it leaves: a node of its own.
                let arm_id = self.ids.make(&format!("{id} {label}"), "branch");
                let mut arm = blank(
                    Spanned::new(arm_id.clone(), arm_span),
                    NodeKind::Message,
                    arm_span,
                );
                self.set_say(&mut arm, &words, arm_span);
                self.finish(&mut arm, to);
                let origin_el = body.first().copied().unwrap_or(cond);
                self.push(arm, origin_el);
                to = Spanned::new(arm_id, arm_span);
            }
            let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
            node.branches.push(Branch {
                when: Some(Spanned::new(label, arm_span)),
                share: Some(Spanned::new(1.0, arm_span)),
                to: Some(to),
                span: arm_span,
            });
        }
        node.branches_span = Some(span);
        self.note(
            &id,
            "`<if>` is decided at run time: a decision with equal shares".to_string(),
        );
        self.push(node, cond);
    }

    /// A field: an input (a menu when it lists `<option dtmf>`), then its `<filled>`.
    fn field(&mut self, el: XmlNode<'a, 'input>, id: String, next: Spanned<String>) {
        let span = tag_span(el);
        let prompt = self.prompt(el, &id);
        let filled = elements(el).find(|e| name(*e) == "filled");
        // Where the field goes once filled.
        let filled_cond = filled.and_then(|f| elements(f).find(|e| name(*e) == "if"));
        let decision_id = filled_cond.map(|_| self.ids.make(&format!("{id} filled"), "decision"));
        let then = match (filled, filled_cond, &decision_id) {
            (_, Some(cond), Some(decision_id)) => Spanned::new(decision_id.clone(), tag_span(cond)),
            (Some(f), _, _) => {
                let leave = leave_of(f);
                self.leave_to(&leave, &next, &id)
            }
            _ => next.clone(),
        };
        let options: Vec<XmlNode<'a, 'input>> =
            elements(el).filter(|e| name(*e) == "option").collect();
        let mut node = blank(
            Spanned::new(id.clone(), Self::id_span(el)),
            NodeKind::Input,
            span,
        );
        self.set_say(&mut node, &prompt, span);
        if !options.is_empty() {
            node.kind = NodeKind::Menu;
            for option in options {
                let Some(key) = attribute(option, "dtmf") else {
                    self.note(
                        &id,
                        "an `<option>` with no key (speech only): left out".to_string(),
                    );
                    continue;
                };
                if !is_valid_key(&key.value) {
                    self.note(
                        &id,
                        format!("the option `{}` is not one key: left out", key.value),
                    );
                    continue;
                }
                node.options.push(MenuOption {
                    key: Some(key),
                    say: None,
                    to: Some(then.clone()),
                    traffic: None,
                    duration: None,
                    span: tag_span(option),
                });
            }
            node.options_span = Some(span);
        } else {
            let digits = self.digits(el, &id);
            node.digits = Some(Spanned::new(digits, span));
            node.to = Some(then);
        }
        self.waits(&mut node, el, &id);
        self.push(node, el);
        if let (Some(cond), Some(decision_id)) = (filled_cond, decision_id) {
            self.decision(cond, decision_id, &next);
        }
    }

    /// How many digits a field takes: `type="digits?length=N"` (or `maxlength`), one for
    /// `boolean` and for an inline DTMF grammar of single keys.
    fn digits(&mut self, el: XmlNode<'_, '_>, id: &str) -> u32 {
        let kind = el.attribute("type").unwrap_or("");
        if let Some((base, params)) = kind.split_once('?').or(Some((kind, "")))
            && base == "digits"
        {
            let length = params.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                matches!(k.trim(), "length" | "maxlength")
                    .then(|| v.trim().parse::<u32>().ok())
                    .flatten()
            });
            if let Some(n) = length.filter(|n| (1..=64).contains(n)) {
                return n;
            }
            self.note(
                id,
                "the number of digits is not fixed: 10 digits".to_string(),
            );
            return 10;
        }
        if kind == "boolean" {
            return 1;
        }
        let grammars: Vec<XmlNode<'_, '_>> =
            elements(el).filter(|g| name(*g) == "grammar").collect();
        let dtmf = grammars.iter().any(|g| g.attribute("mode") == Some("dtmf"));
        if !dtmf {
            self.note(
                id,
                "a field answered by speech (or a grammar ivr cannot read): one key".to_string(),
            );
        } else {
            self.note(id, "a DTMF grammar: one key".to_string());
        }
        1
    }

    fn transfer(&mut self, el: XmlNode<'a, 'input>, id: String) {
        let span = tag_span(el);
        let mut node = blank(
            Spanned::new(id.clone(), Self::id_span(el)),
            NodeKind::Transfer,
            span,
        );
        let prompt = self.prompt(el, &id);
        self.set_say(&mut node, &prompt, span);
        let queue = attribute(el, "dest").or_else(|| {
            attribute(el, "destexpr").inspect(|d| {
                self.note(
                    &id,
                    format!("the number is chosen at run time ({})", d.value),
                );
            })
        });
        let queue = queue.unwrap_or_else(|| Spanned::new("default".to_string(), span));
        node.queue = Some(Spanned::new(audio_name(&queue.value), queue.span));
        node.serves = Some(Spanned::new(vec![Spanned::new(id, span)], span));
        self.push(node, el);
    }

    /// Sends a message that has spoken on to `to`; when `to` ends the call, the message is
    /// self-service instead (the caller heard what they called for).
    fn finish(&mut self, node: &mut Node, to: Spanned<String>) {
        let ends = self
            .hang_up
            .as_ref()
            .is_some_and(|(end, _)| end.id.value == to.value);
        if ends {
            node.kind = NodeKind::SelfService;
            node.serves = Some(Spanned::new(
                vec![Spanned::new(node.id.value.clone(), node.span)],
                node.span,
            ));
        } else {
            node.to = Some(to);
        }
    }

    fn set_say(&mut self, node: &mut Node, prompt: &Prompt, span: Span) {
        if !prompt.say.is_empty() {
            node.say = Some(Spanned::new(prompt.say.clone(), span));
        }
        node.duration = prompt.duration.map(|d| Spanned::new(d, span));
        if prompt.audio > 0 {
            let id = node.id.value.clone();
            self.note(
                &id,
                format!("{} audio file(s): {} s each", prompt.audio, AUDIO_SECONDS),
            );
        }
    }

    /// What an element says: its text and `<prompt>`s, `<audio>` without text as
    /// `[file]` (a few seconds), `<break time>` as pauses; handlers, choices and scripts are
    /// not read. Walked with a stack: nesting depth costs no recursion.
    fn prompt(&mut self, el: XmlNode<'_, '_>, _id: &str) -> Prompt {
        self.prompt_in(el.children().collect())
    }

    /// What these nodes and their children say.
    fn prompt_in(&mut self, roots: Vec<XmlNode<'_, '_>>) -> Prompt {
        let mut words = String::new();
        let mut pauses = 0.0;
        let mut audio = 0;
        let mut enumerate = false;
        let mut stack: Vec<XmlNode<'_, '_>> = roots.into_iter().rev().collect();
        while let Some(n) = stack.pop() {
            if n.is_text() {
                words.push_str(n.text().unwrap_or(""));
                words.push(' ');
                continue;
            }
            if !n.is_element() {
                continue;
            }
            let tag = name(n);
            if SILENT.contains(&tag) {
                continue;
            }
            match tag {
                "break" => {
                    pauses += n.attribute("time").and_then(time_seconds).unwrap_or(0.5);
                }
                "audio"
                    if !n
                        .children()
                        .any(|c| c.is_text() && !c.text().unwrap_or("").trim().is_empty()) =>
                {
                    let file = n
                        .attribute("src")
                        .or(n.attribute("expr"))
                        .unwrap_or("audio");
                    words.push_str(&format!("[{}] ", audio_name(file)));
                    audio += 1;
                }
                "enumerate" => enumerate = true,
                "value" => {
                    words.push_str(&format!("[{}] ", n.attribute("expr").unwrap_or("value")));
                }
                _ => stack.extend(n.children().rev()),
            }
        }
        let say = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let extra = pauses + audio as f64 * AUDIO_SECONDS;
        let duration = (extra > 0.0).then(|| {
            let spoken: String = say
                .split_whitespace()
                .filter(|w| !w.starts_with('['))
                .collect::<Vec<_>>()
                .join(" ");
            let words = if spoken.is_empty() {
                0.0
            } else {
                seconds(Some(&spoken), None, &Speech::default())
            };
            words + extra
        });
        Prompt {
            say,
            duration,
            audio,
            enumerate,
        }
    }
}

/// How a handler, a block or a `<filled>` leaves: its first `<goto>` / `<submit>`, `<exit>` /
/// `<disconnect>`, else on. `<if>` arms are the decision's, not read here.
fn leave_of(el: XmlNode<'_, '_>) -> Leave {
    elements(el)
        .filter(|e| name(*e) != "if")
        .map(leave_in)
        .find(|l| !matches!(l, Leave::On))
        .unwrap_or(Leave::On)
}

/// How one element leaves, looking into it (not into an `<if>`).
fn leave_in(el: XmlNode<'_, '_>) -> Leave {
    let mut stack = vec![el];
    while let Some(n) = stack.pop() {
        match name(n) {
            "goto" | "submit" => {
                if let Some(next) = attribute(n, "next") {
                    return Leave::Goto(next);
                }
            }
            "exit" | "disconnect" => return Leave::End,
            "if" if n != el => {}
            _ => stack.extend(elements(n).collect::<Vec<_>>().into_iter().rev()),
        }
    }
    Leave::On
}

/// `5s`, `500ms` (a bare number is milliseconds, as in CSS2 times) in seconds.
fn time_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1.0)
    } else {
        (text, 0.001)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v * scale)
}
