//! Asterisk dialplans (`extensions.conf`): the contexts reached from the IVR read into the menu
//! model, each node at its own line of the dialplan.
//!
//! - the entry is the first context that waits for digits (`Background` / `WaitExten`), at its
//!   `s` extension (else the extension that waits);
//! - a run of `Background`s with the `WaitExten` after them is one menu: the context's one-key
//!   extensions (and those of the contexts it `include`s) are its options, `i` its
//!   `on_invalid`, `t` its `on_no_input` (without `t`, silence goes on to the next priority);
//!   an `i` or `t` that plays and goes back to the menu loops without end: `retries` at the
//!   format's most;
//! - `Playback` is a message, `Read` an input, `Queue` / `Dial` a transfer, `Hangup` a hang-up,
//!   `Goto` on to its target (any context of the file), `GotoIf` / `GotoIfTime` a decision;
//!   `VoiceMail`, `Directory`, `ConfBridge` and the like are self-service;
//! - priorities run in order (`n` is the one before plus one; old `|` separators read as `,`);
//!   a priority written twice keeps the first, as Asterisk does, and the priorities after a
//!   `WaitExten` with a `t` extension never run: both are listed as approximations.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::build::{AUDIO_SECONDS, Ids, Origin, audio_name, blank};
use super::{Imported, Platform};
use crate::diagnostic::Diagnostic;
use crate::menu::model::{Branch, ErrorHandler, MenuOption, is_valid_key};
use crate::menu::{Menu, Node, NodeKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;

/// Applications that change nothing a caller hears or where the call goes.
const QUIET: &[&str] = &[
    "answer",
    "noop",
    "verbose",
    "set",
    "wait",
    "ringing",
    "progress",
    "log",
    "setcallerpres",
    "setlanguage",
    "setmusiconhold",
    "musiconhold",
    "macroexit",
    "return",
    "system",
    "dumpchan",
    "cdr",
    "resetcdr",
    "nocdr",
    "mixmonitor",
    "monitor",
    "stopmonitor",
    "execif",
    "gosub",
    "gosubif",
    "macro",
    "agi",
    "eagi",
    "echo",
    "waitforsilence",
    "playtones",
    "stopplaytones",
];

/// Applications after which the caller has been served: the call ends there.
const SERVED: &[&str] = &[
    "voicemail",
    "voicemailmain",
    "directory",
    "confbridge",
    "meetme",
    "sayunixtime",
    "saydigits",
    "saynumber",
    "followme",
    "page",
    "chanspy",
    "record",
    "festival",
];

/// One priority of an extension.
#[derive(Clone, Debug)]
struct Step {
    priority: u32,
    label: Option<String>,
    /// The application, lower-case.
    app: String,
    args: String,
    span: Span,
}

struct Extension {
    name: String,
    steps: Vec<Step>,
}

struct Context {
    name: String,
    span: Span,
    extensions: Vec<Extension>,
    includes: Vec<String>,
}

/// The dialplan as written, with what reading it noticed.
struct Dialplan {
    contexts: Vec<Context>,
    notes: Vec<String>,
}

/// The first deploy-time template (`{{ext}}`, `<<queueId>>`) in a place the dialplan's structure
/// depends on: a context's or an extension's name, where a `Goto` goes, how long `WaitExten`
/// waits, how many digits `Read` takes. Templates in sound files and queue names are kept as
/// words; `${VAR}` is Asterisk's own variable.
fn unsubstituted(source: &Arc<SourceFile>, plan: &Dialplan) -> LoadResult<()> {
    let check = |value: &str, span: Span, what: &str| {
        super::templates::structural(
            source,
            Platform::Asterisk,
            &Spanned::new(value.to_string(), span),
            what,
        )
    };
    for context in &plan.contexts {
        check(
            &context.name,
            context.span,
            "it is a context's name, which `Goto` and `include` name",
        )?;
        for extension in &context.extensions {
            for step in &extension.steps {
                check(
                    &extension.name,
                    step.span,
                    "it is an extension's name: the key a caller presses, or what `Goto` names",
                )?;
                match step.app.as_str() {
                    "goto" | "gotoif" | "gotoiftime" => {
                        check(&step.args, step.span, "it says where the call goes")?;
                    }
                    "waitexten" => check(
                        &step.args,
                        step.span,
                        "`WaitExten` needs a number of seconds",
                    )?,
                    "read" => {
                        let digits = step.args.split(',').nth(2).unwrap_or("");
                        check(digits, step.span, "`Read` needs a number of digits")?;
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Reads the contexts, extensions and priorities. Never fails: a line it cannot read is noted.
fn read(source: &SourceFile) -> Dialplan {
    let text = source.text();
    let mut contexts: Vec<Context> = Vec::new();
    let mut notes = Vec::new();
    let mut offset = 0;
    let mut in_block_comment = false;
    let mut last_ext: Option<String> = None;
    let mut last_priority = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line_no = index + 1;
        let mut line = raw.trim_end_matches(['\n', '\r']).to_string();
        if in_block_comment {
            match line.find("--;") {
                Some(end) => {
                    in_block_comment = false;
                    line = line[end + 3..].to_string();
                }
                None => continue,
            }
        }
        if let Some(open) = line.find(";--") {
            if let Some(close) = line[open + 3..].find("--;") {
                line = format!("{}{}", &line[..open], &line[open + 3 + close + 3..]);
            } else {
                in_block_comment = true;
                line.truncate(open);
            }
        }
        let line = strip_comment(&line);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let span = Span::new(start + lead, trimmed.len().min(raw.len() - lead));
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                notes.push(format!(
                    "line {line_no}: a context header without `]`: left out"
                ));
                continue;
            };
            contexts.push(Context {
                name: rest[..close].trim().to_string(),
                span,
                extensions: Vec::new(),
                includes: Vec::new(),
            });
            last_ext = None;
            continue;
        }
        if let Some(file) = trimmed.strip_prefix("#include") {
            notes.push(format!(
                "line {line_no}: `#include {}` is not read: its contexts are not part of this import",
                file.trim().trim_matches('"')
            ));
            continue;
        }
        if trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            notes.push(format!("line {line_no}: `{trimmed}` is not read"));
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim_start_matches('>').trim();
        let Some(context) = contexts.last_mut() else {
            continue;
        };
        if matches!(context.name.as_str(), "general" | "globals") {
            continue;
        }
        match key.as_str() {
            "include" => context.includes.push(value.to_string()),
            "exten" | "same" => {
                let (ext, rest) = if key == "exten" {
                    let Some((ext, rest)) = value.split_once(',') else {
                        notes.push(format!(
                            "line {line_no}: an extension with no priority: left out"
                        ));
                        continue;
                    };
                    let ext = ext.split('/').next().unwrap_or(ext).trim().to_string();
                    (ext, rest)
                } else {
                    let Some(ext) = last_ext.clone() else {
                        notes.push(format!(
                            "line {line_no}: `same` with no extension before it: left out"
                        ));
                        continue;
                    };
                    (ext, value)
                };
                let Some((priority, app)) = rest.split_once(',') else {
                    // `exten => 1,n` with no application, or a hint.
                    continue;
                };
                let (priority, label) = match priority.split_once('(') {
                    Some((p, l)) => (p.trim(), Some(l.trim_end_matches(')').trim().to_string())),
                    None => (priority.trim(), None),
                };
                if priority.eq_ignore_ascii_case("hint") {
                    continue;
                }
                let same_ext = last_ext.as_deref() == Some(ext.as_str());
                let number = if priority == "n" {
                    if same_ext { last_priority + 1 } else { 1 }
                } else if let Some(step) = priority.strip_prefix("n+") {
                    last_priority + step.trim().parse::<u32>().unwrap_or(1)
                } else {
                    match priority.parse::<u32>() {
                        Ok(p) => p,
                        Err(_) => {
                            notes.push(format!(
                                "line {line_no}: the priority `{priority}` is not read: left out"
                            ));
                            continue;
                        }
                    }
                };
                last_priority = number;
                last_ext = Some(ext.clone());
                let app = app.trim();
                let (name, args) = match app.find('(') {
                    Some(open) => {
                        let close = app.rfind(')').filter(|c| *c > open).unwrap_or(app.len());
                        (&app[..open], app[open + 1..close].replace('|', ","))
                    }
                    None => match app.split_once(',') {
                        // The old `App,args` form.
                        Some((n, a)) => (n, a.replace('|', ",")),
                        None => (app, String::new()),
                    },
                };
                let step = Step {
                    priority: number,
                    label,
                    app: name.trim().to_ascii_lowercase(),
                    args,
                    span,
                };
                let index = match context.extensions.iter().position(|e| e.name == ext) {
                    Some(i) => i,
                    None => {
                        context.extensions.push(Extension {
                            name: ext.clone(),
                            steps: Vec::new(),
                        });
                        context.extensions.len() - 1
                    }
                };
                let steps = &mut context.extensions[index].steps;
                if steps.iter().any(|s| s.priority == number) {
                    notes.push(format!(
                        "line {line_no}: priority {number} of `{ext}` in `[{}]` is written twice: the first is kept",
                        context.name
                    ));
                    continue;
                }
                steps.push(step);
            }
            _ => {}
        }
    }
    for context in &mut contexts {
        for ext in &mut context.extensions {
            ext.steps.sort_by_key(|s| s.priority);
        }
    }
    Dialplan { contexts, notes }
}

/// A line without its `;` comment (`\;` is a semicolon).
fn strip_comment(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                out.push(';');
                chars.next();
            }
            ';' => break,
            _ => out.push(c),
        }
    }
    out
}

/// A group of priorities that becomes one node: a run of `Background`s with a `WaitExten`
/// is one menu; every other step that matters is a node of its own.
#[derive(Clone, Debug)]
struct Block {
    /// Index of the first step and one past the last.
    first: usize,
    end: usize,
    menu: bool,
}

fn blocks(steps: &[Step]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let app = steps[i].app.as_str();
        if app == "background" || app == "waitexten" {
            let first = i;
            while i < steps.len() && steps[i].app == "background" {
                i += 1;
            }
            if i < steps.len() && steps[i].app == "waitexten" {
                i += 1;
            }
            out.push(Block {
                first,
                end: i.max(first + 1),
                menu: true,
            });
            i = i.max(first + 1);
        } else if QUIET.contains(&app) {
            i += 1;
        } else {
            out.push(Block {
                first: i,
                end: i + 1,
                menu: false,
            });
            i += 1;
        }
    }
    out
}

/// (context, extension, block)
type At = (usize, usize, usize);

struct Builder<'a> {
    plan: &'a Dialplan,
    /// A context's name -> its index (the first of that name).
    by_name: HashMap<&'a str, usize>,
    blocks: Vec<Vec<Vec<Block>>>,
    ids: Ids,
    made: HashMap<At, String>,
    queue: VecDeque<At>,
    nodes: Vec<Node>,
    origins: Vec<Origin>,
    notes: Vec<String>,
    end: Option<String>,
}

pub(super) fn import(source: &Arc<SourceFile>) -> LoadResult<Imported> {
    let plan = read(source);
    unsubstituted(source, &plan)?;
    let blocks: Vec<Vec<Vec<Block>>> = plan
        .contexts
        .iter()
        .map(|c| c.extensions.iter().map(|e| blocks(&e.steps)).collect())
        .collect();
    // The IVR: the first context that waits for digits.
    let entry = blocks.iter().enumerate().find_map(|(ci, exts)| {
        let waits = exts.iter().position(|bs| bs.iter().any(|b| b.menu))?;
        let ctx = &plan.contexts[ci];
        let start = ctx
            .extensions
            .iter()
            .position(|e| e.name == "s")
            .unwrap_or(waits);
        Some((ci, start))
    });
    let Some((ci, ei)) = entry else {
        return Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                "no context of this dialplan waits for digits (`Background` or `WaitExten`)",
                "this file",
            )
            .with_help("ivr imports the IVR of a dialplan: a context that plays `Background` and waits with `WaitExten`"),
        ));
    };
    let mut by_name = HashMap::new();
    for (i, c) in plan.contexts.iter().enumerate() {
        by_name.entry(c.name.as_str()).or_insert(i);
    }
    let mut b = Builder {
        plan: &plan,
        by_name,
        blocks,
        ids: Ids::default(),
        made: HashMap::new(),
        queue: VecDeque::new(),
        nodes: Vec::new(),
        origins: Vec::new(),
        notes: Vec::new(),
        end: None,
    };
    let entry_id = b
        .at_step(ci, ei, 0)
        .map(|id| Spanned::new(id, plan.contexts[ci].span));
    let mut built = HashSet::new();
    while let Some(at) = b.queue.pop_front() {
        if built.insert(at) {
            b.build(at);
        }
    }
    let reached: HashSet<usize> = built.iter().map(|(c, _, _)| *c).collect();
    let mut approximations = plan.notes.clone();
    approximations.append(&mut b.notes);
    let left: Vec<&str> = plan
        .contexts
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            !reached.contains(i)
                && !matches!(c.name.as_str(), "general" | "globals")
                && !c.extensions.is_empty()
        })
        .map(|(_, c)| c.name.as_str())
        .collect();
    if !left.is_empty() {
        approximations.push(format!(
            "contexts the IVR never reaches are left out: {}",
            left.join(", ")
        ));
    }
    let mut nodes = b.nodes;
    let mut origins = b.origins;
    if let Some(end) = b.end {
        nodes.push(blank(
            Spanned::new(end, Span::new(0, 0)),
            NodeKind::Hangup,
            Span::new(0, 0),
        ));
        origins.push(Origin {
            what: "Asterisk: the end of an extension".to_string(),
            span: Span::new(0, 0),
        });
    }
    let stem = std::path::Path::new(&source.name())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let mut menu = Menu::new(source.clone(), nodes, Span::new(0, 0));
    menu.name = stem.map(|n| Spanned::new(n, Span::new(0, 0)));
    menu.entry = entry_id;
    menu.imported_from = Some(Platform::Asterisk.title());
    Ok(Imported {
        platform: Platform::Asterisk,
        menu,
        origins,
        approximations,
    })
}

impl Builder<'_> {
    /// The node id of a block, queued for building the first time it is asked for.
    fn id_of(&mut self, at: At) -> String {
        if let Some(id) = self.made.get(&at) {
            return id.clone();
        }
        let (ci, ei, bi) = at;
        let ctx = &self.plan.contexts[ci];
        let ext = &ctx.extensions[ei];
        let block = &self.blocks[ci][ei][bi];
        let step = &ext.steps[block.first];
        let what = if block.menu {
            "menu"
        } else {
            step.app.as_str()
        };
        let id = self
            .ids
            .make(&format!("{} {} {what}", ctx.name, ext.name), "step");
        self.made.insert(at, id.clone());
        self.queue.push_back(at);
        id
    }

    /// The node that priority `index` (a step index) of an extension runs: its block, or the
    /// next one after quiet steps; the end of the call when none is left.
    fn at_step(&mut self, ci: usize, ei: usize, index: usize) -> Option<String> {
        let bi = self.blocks[ci][ei].iter().position(|b| b.end > index);
        match bi {
            Some(bi) => Some(self.id_of((ci, ei, bi))),
            None => Some(self.end()),
        }
    }

    fn end(&mut self) -> String {
        if self.end.is_none() {
            self.end = Some(self.ids.make("hang up", "hang_up"));
        }
        self.end.clone().expect("set above")
    }

    /// Where `Goto(args)` from extension (ci, ei) leads: `[[context,]extension,]priority`.
    fn goto(&mut self, ci: usize, ei: usize, args: &str) -> Result<String, String> {
        let parts: Vec<&str> = args.split(',').map(str::trim).collect();
        let (ctx, ext, prio) = match parts.as_slice() {
            [p] => (None, None, *p),
            [e, p] => (None, Some(*e), *p),
            [c, e, p, ..] => (Some(*c), Some(*e), *p),
            [] => return Err("a `Goto` with no target".to_string()),
        };
        if args.contains("${") {
            return Err(format!("`Goto({args})` goes where a variable says"));
        }
        let ci = match ctx {
            Some(name) => self
                .by_name
                .get(name)
                .copied()
                .ok_or_else(|| format!("the context `{name}` is not in this file"))?,
            None => ci,
        };
        let (ci, ei) = match ext {
            Some(name) => self.find(ci, name).ok_or_else(|| {
                format!(
                    "`{name}` is not an extension of `[{}]`",
                    self.plan.contexts[ci].name
                )
            })?,
            None => (ci, ei),
        };
        let steps = &self.plan.contexts[ci].extensions[ei].steps;
        let index = match prio.parse::<u32>() {
            Ok(p) => steps.iter().position(|s| s.priority >= p),
            Err(_) => steps.iter().position(|s| s.label.as_deref() == Some(prio)),
        }
        .ok_or_else(|| format!("the priority `{prio}` is not written"))?;
        Ok(self.at_step(ci, ei, index).expect("always a node"))
    }

    /// The extension a number reaches in a context: written as it is, else a pattern that
    /// matches it, in the context and then in those it includes.
    fn find(&self, ci: usize, name: &str) -> Option<(usize, usize)> {
        let plan = self.plan;
        let mut scope = vec![ci];
        let mut i = 0;
        while i < scope.len() && scope.len() < 50 {
            let context = &plan.contexts[scope[i]];
            if let Some(e) = context.extensions.iter().position(|e| e.name == name) {
                return Some((scope[i], e));
            }
            if let Some(e) = context
                .extensions
                .iter()
                .position(|e| matches_pattern(&e.name, name))
            {
                return Some((scope[i], e));
            }
            for inc in &context.includes {
                if let Some(&c) = self.by_name.get(inc.as_str())
                    && !scope.contains(&c)
                {
                    scope.push(c);
                }
            }
            i += 1;
        }
        None
    }

    fn build(&mut self, at: At) {
        let (ci, ei, bi) = at;
        let plan = self.plan;
        let ctx = &plan.contexts[ci];
        let ext = &ctx.extensions[ei];
        let block = self.blocks[ci][ei][bi].clone();
        let step = ext.steps[block.first].clone();
        let id = self.made[&at].clone();
        let span = step.span;
        // Asked for only where the call can go on: asking queues the next node.
        // A prompt after which the extension hangs up (or ends) told the caller what they
        // called for: self-service, as the call ends there (not so for the error extensions).
        let last_words = matches!(step.app.as_str(), "playback" | "controlplayback")
            && !matches!(ext.name.as_str(), "i" | "t")
            && self.blocks[ci][ei]
                .get(bi + 1)
                .is_none_or(|b| ext.steps[b.first].app == "hangup");
        // Only steps the call goes on from ask for the next node (asking builds it): after a
        // transfer, a hang-up, a `Goto` or self-service the priorities below never run here.
        let goes_on = !block.menu
            && !last_words
            && !SERVED.contains(&step.app.as_str())
            && !matches!(
                step.app.as_str(),
                "queue" | "dial" | "hangup" | "busy" | "congestion" | "goto"
            );
        let next = if goes_on {
            self.at_step(ci, ei, block.end)
        } else {
            None
        };
        if matches!(step.app.as_str(), "queue" | "dial") && self.blocks[ci][ei].len() > bi + 1 {
            self.notes.push(format!(
                "`{id}`: what follows `{}` when no one answers is left out: a transfer ends the IVR's part",
                step.app
            ));
        }
        let mut node = blank(Spanned::new(id.clone(), span), NodeKind::Message, span);
        let origin = format!(
            "Asterisk [{}] {} priority {}",
            ctx.name, ext.name, step.priority
        );
        if block.menu {
            self.menu(&mut node, ci, ei, &block);
        } else {
            match step.app.as_str() {
                "playback" | "controlplayback" => {
                    sounds(&mut node, &step.args);
                    if last_words {
                        node.kind = NodeKind::SelfService;
                        node.serves =
                            Some(Spanned::new(vec![Spanned::new(id.clone(), span)], span));
                    } else {
                        node.to = next.map(|n| Spanned::new(n, span));
                    }
                }
                "read" => {
                    // Read(variable,filename,maxdigits,...)
                    let args: Vec<&str> = step.args.split(',').map(str::trim).collect();
                    node.kind = NodeKind::Input;
                    if let Some(file) = args.get(1).filter(|f| !f.is_empty()) {
                        sounds(&mut node, file);
                    }
                    let digits = args
                        .get(2)
                        .and_then(|d| d.parse::<u32>().ok())
                        .filter(|d| (1..=64).contains(d));
                    node.digits = Some(Spanned::new(
                        digits.unwrap_or_else(|| {
                            self.notes
                                .push(format!("`{id}`: `Read` with no digit count: 10 digits"));
                            10
                        }),
                        span,
                    ));
                    node.to = next.map(|n| Spanned::new(n, span));
                }
                "queue" | "dial" => {
                    node.kind = NodeKind::Transfer;
                    let args = step.args.replace("${EXTEN}", &ext.name);
                    let first = args.split(',').next().unwrap_or("").trim();
                    let queue = if step.app == "queue" {
                        first.to_string()
                    } else {
                        audio_name(first.split('&').next().unwrap_or(first))
                    };
                    node.queue = Some(Spanned::new(
                        if queue.is_empty() {
                            "default".to_string()
                        } else {
                            queue
                        },
                        span,
                    ));
                    node.serves = Some(Spanned::new(vec![Spanned::new(id.clone(), span)], span));
                }
                "hangup" | "busy" | "congestion" => node.kind = NodeKind::Hangup,
                "goto" if variable_prefix(&step.args).is_some() => {
                    // `Goto(dialed-${DIALSTATUS},1)`: one branch per extension it may name.
                    let prefix = variable_prefix(&step.args).unwrap_or_default();
                    let names: Vec<String> = ctx
                        .extensions
                        .iter()
                        .map(|e| e.name.clone())
                        .filter(|n| n.starts_with(&prefix))
                        .collect();
                    for name in &names {
                        if let Ok(to) = self.goto(ci, ei, &format!("{name},1")) {
                            node.branches.push(Branch {
                                when: Some(Spanned::new(name[prefix.len()..].to_string(), span)),
                                share: Some(Spanned::new(1.0, span)),
                                to: Some(Spanned::new(to, span)),
                                span,
                            });
                        }
                    }
                    if node.branches.is_empty() {
                        node.kind = NodeKind::Hangup;
                        self.notes.push(format!(
                            "`{id}`: `Goto({})` goes where a variable says: the call ends here",
                            step.args
                        ));
                    } else {
                        node.kind = NodeKind::Decision;
                        node.branches_span = Some(span);
                        self.notes.push(format!(
                            "`{id}`: `Goto({})` goes where a variable says: a decision over the extensions it may name, equal shares",
                            step.args
                        ));
                    }
                }
                "goto" => match self.goto(ci, ei, &step.args) {
                    Ok(to) => node.to = Some(Spanned::new(to, span)),
                    Err(why) => {
                        self.notes
                            .push(format!("`{id}`: {why}: the call ends here"));
                        node.kind = NodeKind::Hangup;
                    }
                },
                "gotoif" | "gotoiftime" => {
                    // GotoIf(condition?iftrue:iffalse); GotoIfTime(times?iftrue:iffalse)
                    node.kind = NodeKind::Decision;
                    let (cond, labels) = step.args.rsplit_once('?').unwrap_or((&step.args, ""));
                    let (yes, no) = labels.split_once(':').unwrap_or((labels, ""));
                    let names = if step.app == "gotoiftime" {
                        ["open", "closed"]
                    } else {
                        ["true", "false"]
                    };
                    for (when, target) in names.into_iter().zip([yes, no]) {
                        let to = if target.trim().is_empty() {
                            next.clone()
                        } else {
                            match self.goto(ci, ei, target) {
                                Ok(t) => Some(t),
                                Err(why) => {
                                    self.notes
                                        .push(format!("`{id}`: {why}: that branch ends the call"));
                                    Some(self.end())
                                }
                            }
                        };
                        if let Some(to) = to {
                            node.branches.push(Branch {
                                when: Some(Spanned::new(when.to_string(), span)),
                                share: Some(Spanned::new(1.0, span)),
                                to: Some(Spanned::new(to, span)),
                                span,
                            });
                        }
                    }
                    node.branches_span = Some(span);
                    self.notes.push(format!(
                        "`{id}`: `{}` is decided at run time ({}): a decision with equal shares",
                        step.app,
                        cond.trim()
                    ));
                }
                app if SERVED.contains(&app) => {
                    node.kind = NodeKind::SelfService;
                    node.say = Some(Spanned::new(format!("[{app}]"), span));
                    node.serves = Some(Spanned::new(vec![Spanned::new(id.clone(), span)], span));
                    self.notes
                        .push(format!("`{id}`: `{app}` serves the caller: self-service"));
                }
                other => {
                    self.notes
                        .push(format!("`{id}`: the application `{other}` is passed over"));
                    node.to = next.map(|n| Spanned::new(n, span));
                }
            }
        }
        self.origins.push(Origin { what: origin, span });
        self.nodes.push(node);
    }

    /// A menu: the prompts of the `Background`s, the context's one-key extensions as options,
    /// `i` and `t` as handlers.
    fn menu(&mut self, node: &mut Node, ci: usize, ei: usize, block: &Block) {
        let plan = self.plan;
        let ctx = &plan.contexts[ci];
        let steps = &ctx.extensions[ei].steps[block.first..block.end];
        let span = node.span;
        let id = node.id.value.clone();
        node.kind = NodeKind::Menu;
        let files: Vec<&str> = steps
            .iter()
            .filter(|s| s.app == "background")
            .map(|s| s.args.split(',').next().unwrap_or("").trim())
            .filter(|f| !f.is_empty())
            .collect();
        if !files.is_empty() {
            sounds(node, &files.join("&"));
        }
        let wait = steps.iter().find(|s| s.app == "waitexten");
        let response = ctx.extensions[ei]
            .steps
            .iter()
            .find_map(|s| {
                (s.app == "set")
                    .then(|| s.args.strip_prefix("TIMEOUT(response)="))
                    .flatten()
            })
            .and_then(|t| t.trim().parse::<f64>().ok());
        let timeout = wait
            .and_then(|w| w.args.split(',').next())
            .and_then(|t| t.trim().parse::<f64>().ok())
            .or(response)
            .unwrap_or(10.0);
        if crate::ranges::TIMEOUT.contains(timeout) {
            node.timeout = Some(Spanned::new(timeout, span));
        }
        // The context and those it includes, nearest first.
        let mut scope = vec![ci];
        let mut i = 0;
        while i < scope.len() && scope.len() < 50 {
            for inc in &plan.contexts[scope[i]].includes {
                if let Some(&c) = self.by_name.get(inc.as_str())
                    && !scope.contains(&c)
                {
                    scope.push(c);
                }
            }
            i += 1;
        }
        let mut keys = HashSet::new();
        let mut left_out = Vec::new();
        for &c in &scope {
            for (e, ext) in plan.contexts[c].extensions.iter().enumerate() {
                if matches!(ext.name.as_str(), "i" | "t" | "s" | "h" | "o" | "a") {
                    continue;
                }
                if !is_valid_key(&ext.name) {
                    if c == ci && e != ei {
                        left_out.push(ext.name.clone());
                    }
                    continue;
                }
                if !keys.insert(ext.name.clone()) {
                    continue;
                }
                let to = self.at_step(c, e, 0).expect("always a node");
                let espan = ext.steps.first().map_or(span, |s| s.span);
                node.options.push(MenuOption {
                    key: Some(Spanned::new(ext.name.clone(), espan)),
                    say: None,
                    to: Some(Spanned::new(to, espan)),
                    traffic: None,
                    duration: None,
                    span: espan,
                });
            }
        }
        node.options_span = Some(span);
        if !left_out.is_empty() {
            self.notes.push(format!(
                "`{id}`: extensions of several digits or patterns are not menu keys: {}",
                left_out.join(", ")
            ));
        }
        let has_t = ctx.extensions.iter().any(|e| e.name == "t");
        let after = ctx.extensions[ei].steps.len() > block.end;
        if has_t && after && wait.is_some() {
            self.notes.push(format!(
                "`{id}`: the priorities after `WaitExten` never run (silence goes to `t`)"
            ));
        }
        node.on_invalid = Some(self.handler(ci, "i", &id, span, None));
        // Without `t`, silence goes on to the priority after the menu.
        let fallback = if has_t {
            None
        } else {
            self.at_step(ci, ei, block.end)
        };
        node.on_no_input = Some(self.handler(ci, "t", &id, span, fallback));
    }

    /// The `i` or `t` extension as a handler: plays and comes back to the menu (without end),
    /// or goes on to its own nodes.
    fn handler(
        &mut self,
        ci: usize,
        name: &str,
        menu: &str,
        span: Span,
        fallback: Option<String>,
    ) -> ErrorHandler {
        let plan = self.plan;
        let ctx = &plan.contexts[ci];
        let Some(ei) = ctx.extensions.iter().position(|e| e.name == name) else {
            return ErrorHandler {
                say: None,
                retries: Some(Spanned::new(0, span)),
                then: fallback.map(|f| Spanned::new(f, span)),
                span,
            };
        };
        let ext = &ctx.extensions[ei];
        let hspan = ext.steps.first().map_or(span, |s| s.span);
        // Plays, then goes back to this menu: the loop has no end.
        let blocks = &self.blocks[ci][ei];
        let plays: Vec<&Step> = blocks
            .iter()
            .map(|b| &ext.steps[b.first])
            .take_while(|s| s.app == "playback")
            .collect();
        let last = blocks.get(plays.len()).map(|b| ext.steps[b.first].clone());
        if let Some(last) = last.filter(|l| l.app == "goto") {
            let back = self.goto(ci, ei, &last.args).ok();
            if back.as_deref() == Some(menu) {
                let mut say = blank(Spanned::new(String::new(), hspan), NodeKind::Message, hspan);
                let files: Vec<&str> = plays
                    .iter()
                    .map(|p| p.args.split(',').next().unwrap_or(""))
                    .collect();
                if !files.is_empty() {
                    sounds(&mut say, &files.join("&"));
                }
                self.notes.push(format!(
                    "`{menu}`: the `{name}` extension goes back to the menu without end: retries {}",
                    crate::ranges::RETRIES.max
                ));
                return ErrorHandler {
                    say: say.say,
                    retries: Some(Spanned::new(crate::ranges::RETRIES.max as u32, hspan)),
                    then: None,
                    span: hspan,
                };
            }
        }
        let then = self.at_step(ci, ei, 0).map(|t| Spanned::new(t, hspan));
        ErrorHandler {
            say: None,
            retries: Some(Spanned::new(0, hspan)),
            then,
            span: hspan,
        }
    }
}

/// The written start of a `Goto` extension that continues with a variable
/// (`dialed-${DIALSTATUS},1` gives `dialed-`); `None` without a variable or a written start.
fn variable_prefix(args: &str) -> Option<String> {
    let parts: Vec<&str> = args.split(',').map(str::trim).collect();
    let ext = match parts.as_slice() {
        [e, _] => *e,
        [_, e, _, ..] => *e,
        _ => return None,
    };
    let at = ext.find("${")?;
    (at > 0 && !ext[..at].contains('$')).then(|| ext[..at].to_string())
}

/// Whether an extension pattern (`_11XX`, `_1NXX.`, `_[2-5]!`) matches a number.
fn matches_pattern(pattern: &str, number: &str) -> bool {
    let Some(pattern) = pattern.strip_prefix('_') else {
        return false;
    };
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = number.chars().collect();
    let (mut i, mut j) = (0, 0);
    while i < p.len() {
        match p[i] {
            '.' => return j < n.len(),
            '!' => return true,
            _ => {}
        }
        let Some(&c) = n.get(j) else { return false };
        let ok = match p[i].to_ascii_uppercase() {
            'X' => c.is_ascii_digit(),
            'Z' => ('1'..='9').contains(&c),
            'N' => ('2'..='9').contains(&c),
            '[' => {
                let Some(close) = p[i..].iter().position(|x| *x == ']') else {
                    return false;
                };
                let set = &p[i + 1..i + close];
                i += close;
                let mut k = 0;
                let mut hit = false;
                while k < set.len() {
                    if k + 2 < set.len() && set[k + 1] == '-' {
                        hit |= (set[k]..=set[k + 2]).contains(&c);
                        k += 3;
                    } else {
                        hit |= set[k] == c;
                        k += 1;
                    }
                }
                hit
            }
            other => other == c.to_ascii_uppercase(),
        };
        if !ok {
            return false;
        }
        i += 1;
        j += 1;
    }
    j == n.len()
}

/// `file1&file2` as `[file1] [file2]`, 3 seconds each.
fn sounds(node: &mut Node, files: &str) {
    let names: Vec<String> = files
        .split('&')
        .map(|f| f.split(',').next().unwrap_or(f).trim())
        .filter(|f| !f.is_empty())
        .map(|f| format!("[{}]", audio_name(f)))
        .collect();
    if names.is_empty() {
        return;
    }
    node.duration = Some(Spanned::new(AUDIO_SECONDS * names.len() as f64, node.span));
    node.say = Some(Spanned::new(names.join(" "), node.span));
}
