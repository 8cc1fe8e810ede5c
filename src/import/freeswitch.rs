//! FreeSWITCH IVR menus (`mod_dptools` `ivr` XML: `<menu>` elements under `<include>`, or under
//! `<configuration name="ivr.conf"><menus>`), read into the menu model.
//!
//! - each `<menu>` is a menu; the first is the entry; `greet-long` is its `say`;
//! - each `<entry digits= action= param=>` is an option: `menu-sub` the menu it names,
//!   `menu-top` the first menu, `menu-back` the menu that leads here, `menu-exit` a hang-up,
//!   `menu-play-sound` a message back to the menu, `menu-exec-app` a transfer for `transfer`,
//!   `bridge` and other apps that take the call on (`playback` a message back to the menu,
//!   `hangup` a hang-up, `read` an input back to the menu);
//! - `max-failures` / `max-timeouts` give the retries (their count less one: the last failure
//!   leaves the menu, and the call ends), `timeout` (milliseconds) the timeout, and
//!   `invalid-sound` what a wrong key hears.

use std::collections::HashMap;
use std::sync::Arc;

use roxmltree::Node as XmlNode;

use super::build::{AUDIO_SECONDS, Ids, Origin, audio_name, blank};
use super::phrases::Phrases;
use super::xml::{self, attribute, elements, name, tag_span};
use super::{Imported, Platform, templates};
use crate::diagnostic::Diagnostic;
use crate::menu::model::{ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;

pub(super) fn import(source: &Arc<SourceFile>, phrases: &Phrases) -> LoadResult<Imported> {
    let text = source.text();
    let doc = xml::parse(source, text, "FreeSWITCH").map_err(|error| {
        let at = error.labels.first().map_or(0, |l| l.span.start);
        templates::stopped_at(
            source,
            at,
            Platform::FreeSwitch,
            "XML does not allow it there",
        )
        .unwrap_or(error)
    })?;
    unsubstituted(source, doc.root_element())?;
    let menus: Vec<XmlNode<'_, '_>> = doc
        .root_element()
        .descendants()
        .filter(|n| n.is_element() && name(*n) == "menu")
        .collect();
    if menus.is_empty() {
        return Err(Box::new(
            Diagnostic::input_error(
                source,
                tag_span(doc.root_element()),
                "no `<menu>` element in this FreeSWITCH file",
                "here",
            )
            .with_help("an IVR file holds `<menu name=...>` elements with `<entry>` options"),
        ));
    }
    let mut ids = Ids::default();
    let mut by_name: HashMap<String, String> = HashMap::new();
    let mut menu_ids = Vec::with_capacity(menus.len());
    for m in &menus {
        let written = m.attribute("name").unwrap_or("menu");
        let id = ids.make(written, "menu");
        by_name.entry(written.to_string()).or_insert(id.clone());
        menu_ids.push(id);
    }
    // Which menu leads to which by `menu-sub`, for `menu-back`.
    let mut parent: HashMap<String, String> = HashMap::new();
    for (m, id) in menus.iter().zip(&menu_ids) {
        for e in elements(*m).filter(|e| e.attribute("action") == Some("menu-sub")) {
            if let Some(child) = e.attribute("param").and_then(|p| by_name.get(p.trim())) {
                parent.entry(child.clone()).or_insert(id.clone());
            }
        }
    }
    let top = menu_ids[0].clone();
    let mut nodes = Vec::new();
    let mut origins = Vec::new();
    let mut approximations = Vec::new();
    for (m, id) in menus.iter().zip(&menu_ids) {
        let mut notes = Vec::new();
        let span = tag_span(*m);
        let id_span = attribute(*m, "name").map_or(span, |a| a.span);
        let mut node = blank(Spanned::new(id.clone(), id_span), NodeKind::Menu, span);
        if let Some(greet) = attribute(*m, "greet-long").or_else(|| attribute(*m, "greet-short")) {
            let (say, duration) = sound(&greet.value, phrases, &mut notes);
            node.say = Some(Spanned::new(say, greet.span));
            node.duration = duration.map(|d| Spanned::new(d, greet.span));
        }
        let timeout = m
            .attribute("timeout")
            .and_then(|t| t.trim().parse::<f64>().ok())
            .map(|ms| ms / 1000.0)
            .filter(|t| crate::ranges::TIMEOUT.contains(*t));
        node.timeout = timeout.map(|t| Spanned::new(t, span));
        let invalid_say = attribute(*m, "invalid-sound").map(|s| {
            let (say, _) = sound(&s.value, phrases, &mut Vec::new());
            Spanned::new(say, s.span)
        });
        node.on_invalid = Some(handler(*m, "max-failures", invalid_say, &mut notes));
        node.on_no_input = Some(handler(*m, "max-timeouts", None, &mut notes));
        let mut after = Vec::new();
        for entry in elements(*m) {
            if name(entry) != "entry" {
                notes.push(format!("`<{}>` is left out", name(entry)));
                continue;
            }
            let action = entry.attribute("action").unwrap_or("");
            let param = entry.attribute("param").unwrap_or("").trim().to_string();
            let Some(key) = attribute(entry, "digits") else {
                notes.push(format!("an entry with no `digits` ({action}): left out"));
                continue;
            };
            if !is_valid_key(&key.value) {
                notes.push(format!(
                    "the entry `{}` is not one key (a pattern or several digits): left out",
                    key.value
                ));
                continue;
            }
            let espan = tag_span(entry);
            let own = |ids: &mut Ids| ids.make(&format!("{id} {}", key_word(&key.value)), "entry");
            let to = match action {
                "menu-sub" => match by_name.get(&param) {
                    Some(t) => Spanned::new(t.clone(), espan),
                    // Kept as written: `unknown-target` reports it.
                    None => Spanned::new(param.clone(), espan),
                },
                "menu-top" => Spanned::new(top.clone(), espan),
                "menu-back" => Spanned::new(parent.get(id).unwrap_or(&top).clone(), espan),
                "menu-exit" => {
                    let leaf = own(&mut ids);
                    after.push(blank(
                        Spanned::new(leaf.clone(), espan),
                        NodeKind::Hangup,
                        espan,
                    ));
                    Spanned::new(leaf, espan)
                }
                "menu-play-sound" | "menu-playback" => {
                    let leaf = own(&mut ids);
                    let mut n = blank(Spanned::new(leaf.clone(), espan), NodeKind::Message, espan);
                    let (say, duration) = sound(&param, phrases, &mut notes);
                    n.say = Some(Spanned::new(say, espan));
                    n.duration = duration.map(|d| Spanned::new(d, espan));
                    n.to = Some(Spanned::new(id.clone(), espan));
                    after.push(n);
                    Spanned::new(leaf, espan)
                }
                "menu-exec-app" | "menu-call-transfer" => {
                    let leaf = own(&mut ids);
                    after.push(exec_app(
                        action, &param, &leaf, id, espan, phrases, &mut notes,
                    ));
                    Spanned::new(leaf, espan)
                }
                other => {
                    notes.push(format!("the action `{other}` is not known: left out"));
                    continue;
                }
            };
            node.options.push(MenuOption {
                key: Some(key),
                say: None,
                to: Some(to),
                traffic: None,
                duration: None,
                span: espan,
            });
        }
        node.options_span = Some(span);
        for note in notes {
            approximations.push(format!("`{id}`: {note}"));
        }
        origins.push(Origin {
            what: format!(
                "FreeSWITCH <menu name=\"{}\">",
                m.attribute("name").unwrap_or("")
            ),
            span,
        });
        nodes.push(node);
        for n in after {
            origins.push(Origin {
                what: "FreeSWITCH <entry>".to_string(),
                span: n.span,
            });
            nodes.push(n);
        }
    }
    let stem = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut menu = Menu::new(source.clone(), nodes, Span::new(0, 0));
    menu.name = stem.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = Some(Spanned::new(top, tag_span(menus[0])));
    menu.imported_from = Some(Platform::FreeSwitch.title());
    Ok(Imported {
        platform: Platform::FreeSwitch,
        menu,
        origins,
        approximations,
    })
}

/// A readable word for a key in an id (`*` and `#` are not id characters).
fn key_word(key: &str) -> &str {
    match key {
        "*" => "star",
        "#" => "pound",
        k => k,
    }
}

/// `max-failures` / `max-timeouts`: that many tries, so one less retry; the call ends after.
fn handler(
    menu: XmlNode<'_, '_>,
    attr: &str,
    say: Option<Spanned<String>>,
    notes: &mut Vec<String>,
) -> ErrorHandler {
    let span = tag_span(menu);
    let tries = match attribute(menu, attr) {
        Some(v) => v.value.trim().parse::<u32>().ok(),
        None => {
            notes.push(format!("no `{attr}`: FreeSWITCH's default of 3 tries"));
            Some(3)
        }
    };
    let retries = tries
        .unwrap_or(3)
        .saturating_sub(1)
        .min(crate::ranges::RETRIES.max as u32);
    ErrorHandler {
        say,
        retries: Some(Spanned::new(retries, span)),
        then: None,
        span,
    }
}

/// A `menu-exec-app` entry: the application and its arguments.
fn exec_app(
    action: &str,
    param: &str,
    id: &str,
    menu: &str,
    span: Span,
    phrases: &Phrases,
    notes: &mut Vec<String>,
) -> Node {
    let (app, args) = match param.split_once(char::is_whitespace) {
        Some((a, r)) => (a.to_string(), r.trim().to_string()),
        None => (param.to_string(), String::new()),
    };
    let (app, args) = if action == "menu-call-transfer" {
        ("transfer".to_string(), param.to_string())
    } else {
        (app, args)
    };
    let own = Spanned::new(id.to_string(), span);
    match app.as_str() {
        "hangup" => blank(own, NodeKind::Hangup, span),
        "playback" => {
            let mut n = blank(own, NodeKind::Message, span);
            let (say, duration) = sound(&args, phrases, notes);
            n.say = Some(Spanned::new(say, span));
            n.duration = duration.map(|d| Spanned::new(d, span));
            n.to = Some(Spanned::new(menu.to_string(), span));
            n
        }
        "read" => {
            // read <min> <max> <sound> <variable> <timeout> <terminators>
            let mut n = blank(own, NodeKind::Input, span);
            let digits = args
                .split_whitespace()
                .nth(1)
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| (1..=64).contains(d))
                .unwrap_or(1);
            n.digits = Some(Spanned::new(digits, span));
            n.to = Some(Spanned::new(menu.to_string(), span));
            notes.push(
                "`read` collects digits that the dialplan uses later: back to the menu".to_string(),
            );
            n
        }
        _ => {
            let mut n = blank(own, NodeKind::Transfer, span);
            let target = match app.as_str() {
                "transfer" => args
                    .split_whitespace()
                    .next()
                    .unwrap_or("default")
                    .to_string(),
                "bridge" => audio_name(args.split(['|', ',']).next().unwrap_or("default")),
                other => {
                    notes.push(format!(
                        "`menu-exec-app {param}` runs `{other}`, which takes the call on: a transfer"
                    ));
                    other.to_string()
                }
            };
            n.queue = Some(Spanned::new(target, span));
            n.serves = Some(Spanned::new(vec![Spanned::new(id.to_string(), span)], span));
            n
        }
    }
}

/// The first deploy-time template in an attribute the menus' structure depends on: a menu's
/// name, an entry's digits or action, the menu a `menu-sub` names, a number. Templates in
/// prompts and in what an application is given (`transfer {{ext}} XML default`) are kept as
/// words; `${var}` and `$${var}` are FreeSWITCH's own variables.
fn unsubstituted(source: &Arc<SourceFile>, root: XmlNode<'_, '_>) -> LoadResult<()> {
    let number = "FreeSWITCH needs a number there";
    templates::in_xml_attributes(
        source,
        Platform::FreeSwitch,
        root,
        &[
            (
                "menu",
                "name",
                "it is the menu's name, which `menu-sub` entries name",
            ),
            ("entry", "digits", "it is the key the entry answers to"),
            ("entry", "action", "it says what the entry does"),
            ("menu", "timeout", number),
            ("menu", "inter-digit-timeout", number),
            ("menu", "max-failures", number),
            ("menu", "max-timeouts", number),
            ("menu", "digit-len", number),
        ],
    )?;
    for entry in root
        .descendants()
        .filter(|e| e.is_element() && name(*e) == "entry")
        .filter(|e| e.attribute("action") == Some("menu-sub"))
    {
        if let Some(param) = attribute(entry, "param") {
            templates::structural(
                source,
                Platform::FreeSwitch,
                &param,
                "it names the menu `menu-sub` goes to",
            )?;
        }
    }
    Ok(())
}

/// A sound as `say`: `say:` text as it is; a `phrase:` macro as what it plays when a language
/// file beside the menu defines it, else as `[name]`; a sound file as `[name]`; sounds last a
/// few seconds each (noted).
fn sound(value: &str, phrases: &Phrases, notes: &mut Vec<String>) -> (String, Option<f64>) {
    let value = value.trim();
    if let Some(text) = value.strip_prefix("say:") {
        return (text.split_whitespace().collect::<Vec<_>>().join(" "), None);
    }
    if let Some(macro_name) = value.strip_prefix("phrase:")
        && let Some(played) = phrases.played(macro_name)
        && !played.say.is_empty()
    {
        notes.push(format!(
            "the phrase macro `{macro_name}` ({}) plays {} sound files: {AUDIO_SECONDS} s each",
            played.place, played.sounds
        ));
        return (played.say, Some(played.duration));
    }
    if let Some(macro_name) = value.strip_prefix("phrase:") {
        notes.push(format!(
            "the phrase macro `{macro_name}` is defined in no language file beside the menu: {AUDIO_SECONDS} s"
        ));
        return (format!("[{macro_name}]"), Some(AUDIO_SECONDS));
    }
    notes.push(format!(
        "the sound `{}`: {AUDIO_SECONDS} s",
        audio_name(value)
    ));
    (format!("[{}]", audio_name(value)), Some(AUDIO_SECONDS))
}
