//! The spanned menu model: what a menu file says, with where it says it.
//!
//! Missing required fields, targets that name no node and duplicate or invalid keys are kept
//! representable here (as `None`, unresolved names, raw key text): the linter reports them and
//! `ivr graph` draws them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::source::{SourceFile, Span, Spanned};

/// Index of a node in [`Menu::nodes`] (file order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// What a node does when a caller reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Menu,
    Input,
    Message,
    SelfService,
    Transfer,
    Hangup,
    /// The system picks a branch by share; the caller presses nothing.
    Decision,
    /// The call continues in another menu file and does not come back.
    Flow,
    /// "Tell me in a few words what you are calling about": callers speak, a recogniser routes.
    Speech,
}

impl NodeKind {
    pub const ALL: [NodeKind; 9] = [
        NodeKind::Menu,
        NodeKind::Input,
        NodeKind::Message,
        NodeKind::SelfService,
        NodeKind::Transfer,
        NodeKind::Hangup,
        NodeKind::Decision,
        NodeKind::Flow,
        NodeKind::Speech,
    ];

    /// The name used for `type:` in the file.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Menu => "menu",
            NodeKind::Input => "input",
            NodeKind::Message => "message",
            NodeKind::SelfService => "self_service",
            NodeKind::Transfer => "transfer",
            NodeKind::Hangup => "hangup",
            NodeKind::Decision => "decision",
            NodeKind::Flow => "flow",
            NodeKind::Speech => "speech",
        }
    }

    pub fn from_name(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Fields a node of this type may carry besides the common ones.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            NodeKind::Menu => &[
                "say",
                "options",
                "on_invalid",
                "on_no_input",
                "timeout",
                "retries",
            ],
            NodeKind::Input => &[
                "say",
                "digits",
                "to",
                "on_invalid",
                "on_no_input",
                "timeout",
                "retries",
            ],
            NodeKind::Message => &["say", "to"],
            NodeKind::SelfService => &["say", "serves", "to"],
            NodeKind::Transfer => &["say", "queue", "serves"],
            NodeKind::Hangup => &["say"],
            NodeKind::Decision => &["say", "branches"],
            NodeKind::Flow => &["say", "file", "entry"],
            NodeKind::Speech => &[
                "say",
                "routes",
                "reject_rate",
                "accuracy",
                "on_invalid",
                "on_no_input",
                "timeout",
                "retries",
            ],
        }
    }

    /// Whether reaching this node ends the IVR part of the call when it has no `to`.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            NodeKind::SelfService | NodeKind::Transfer | NodeKind::Hangup
        )
    }

    /// Menus, inputs and speech nodes wait for the caller (keys or words), and re-prompt.
    pub fn takes_input(self) -> bool {
        matches!(self, NodeKind::Menu | NodeKind::Input | NodeKind::Speech)
    }
}

/// Fields every node may carry.
pub const COMMON_NODE_FIELDS: &[&str] = &["type", "duration", "complaint", "label", "lint"];

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How prompt durations are estimated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speech {
    pub words_per_minute: f64,
    pub chars_per_second: f64,
}

impl Default for Speech {
    fn default() -> Self {
        Speech {
            words_per_minute: 150.0,
            chars_per_second: 4.0,
        }
    }
}

/// Settings inherited by every menu and input node.
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    pub timeout: f64,
    pub retries: u32,
    /// Where a call goes when retries run out (`None`: disconnect).
    pub on_fail: Option<Spanned<String>>,
    pub reaction_time: f64,
    /// Where `defaults:` is written, if it is.
    pub span: Option<Span>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timeout: 5.0,
            retries: 2,
            on_fail: None,
            reaction_time: 1.5,
            span: None,
        }
    }
}

/// `lint: { allow: [...], reason: ... }` on a node.
#[derive(Clone, Debug, PartialEq)]
pub struct Allow {
    pub rules: Vec<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
    pub span: Span,
}

/// `on_invalid` or `on_no_input`.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorHandler {
    pub say: Option<Spanned<String>>,
    pub retries: Option<Spanned<u32>>,
    pub then: Option<Spanned<String>>,
    pub span: Span,
}

/// One option of a menu.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuOption {
    /// The key as written (`1` and `"1"` both read `1`); kept even when it is not a valid key.
    pub key: Option<Spanned<String>>,
    pub say: Option<Spanned<String>>,
    pub to: Option<Spanned<String>>,
    pub traffic: Option<Spanned<f64>>,
    pub duration: Option<Spanned<f64>>,
    /// The option's mapping (its first line).
    pub span: Span,
}

impl MenuOption {
    /// The key text, or `?` when the option has none.
    pub fn key_text(&self) -> &str {
        self.key.as_ref().map_or("?", |k| k.value.as_str())
    }

    /// Whether the key is one of `0`-`9`, `*`, `#`.
    pub fn has_valid_key(&self) -> bool {
        self.key.as_ref().is_some_and(|k| is_valid_key(&k.value))
    }
}

/// `0`-`9`, `*` or `#`.
pub fn is_valid_key(key: &str) -> bool {
    matches!(
        key,
        "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "*" | "#"
    )
}

/// One branch of a decision node: taken by `share` of the calls (relative weights).
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The label of the condition (`open`, `closed`, `lookup failed`).
    pub when: Option<Spanned<String>>,
    pub share: Option<Spanned<f64>>,
    pub to: Option<Spanned<String>>,
    /// The branch's mapping.
    pub span: Span,
}

impl Branch {
    /// The label, or `?` when the branch has none.
    pub fn when_text(&self) -> &str {
        self.when.as_ref().map_or("?", |w| w.value.as_str())
    }

    /// The share as written (a branch without one has share 0).
    pub fn share_value(&self) -> f64 {
        self.share.as_ref().map_or(0.0, |s| s.value)
    }
}

/// One node of a menu file; fields that do not belong to its type are always `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The node's id (its key under `nodes`).
    pub id: Spanned<String>,
    pub kind: NodeKind,
    /// The `type:` value, when written (else inferred from `options`).
    pub kind_span: Option<Span>,
    pub say: Option<Spanned<String>>,
    pub duration: Option<Spanned<f64>>,
    pub complaint: Option<Spanned<bool>>,
    pub label: Option<Spanned<String>>,
    pub allow: Option<Allow>,
    /// Menu options in announcement order; `options_span` tells whether `options:` was written.
    /// A speech node's `routes` are its options too, one per intent name (`"*"` for the rest),
    /// the name in `key`: each is a way out the caller takes with one input, as an option is.
    pub options: Vec<MenuOption>,
    pub options_span: Option<Span>,
    pub on_invalid: Option<ErrorHandler>,
    pub on_no_input: Option<ErrorHandler>,
    pub timeout: Option<Spanned<f64>>,
    pub retries: Option<Spanned<u32>>,
    pub digits: Option<Spanned<u32>>,
    pub to: Option<Spanned<String>>,
    pub serves: Option<Spanned<Vec<Spanned<String>>>>,
    pub queue: Option<Spanned<String>>,
    /// A decision's branches, in file order; `branches_span` tells whether `branches:` was written.
    pub branches: Vec<Branch>,
    pub branches_span: Option<Span>,
    /// A flow node's menu file, relative to this file.
    pub file: Option<Spanned<String>>,
    /// A flow node's node in the other file (that file's `entry` when absent).
    pub flow_entry: Option<Spanned<String>>,
    /// A speech node's share of callers asked to repeat, and of the others routed right.
    pub reject_rate: Option<Spanned<f64>>,
    pub accuracy: Option<Spanned<f64>>,
    /// The node's mapping (where its fields start).
    pub span: Span,
}

impl Node {
    /// A node of this type with no fields yet (the loader and the importers fill them).
    pub fn blank(id: Spanned<String>, kind: NodeKind, span: Span) -> Node {
        Node {
            id,
            kind,
            kind_span: None,
            say: None,
            duration: None,
            complaint: None,
            label: None,
            allow: None,
            options: Vec::new(),
            options_span: None,
            on_invalid: None,
            on_no_input: None,
            timeout: None,
            retries: None,
            digits: None,
            to: None,
            serves: None,
            queue: None,
            branches: Vec::new(),
            branches_span: None,
            file: None,
            flow_entry: None,
            reject_rate: None,
            accuracy: None,
            span,
        }
    }

    pub fn is_complaint(&self) -> bool {
        self.complaint.as_ref().is_some_and(|c| c.value)
    }

    /// The intents this node serves (empty when it serves none).
    pub fn serves(&self) -> impl Iterator<Item = &str> {
        self.serves
            .iter()
            .flat_map(|s| s.value.iter().map(|i| i.value.as_str()))
    }

    /// Whether it serves any caller (`serves: ["*"]`, transfers only).
    pub fn serves_everyone(&self) -> bool {
        self.serves().any(|s| s == "*")
    }

    /// The name reports use: `label` or the id.
    pub fn display_name(&self) -> &str {
        self.label.as_ref().map_or(&self.id.value, |l| &l.value)
    }
}

/// A menu file.
#[derive(Clone, Debug)]
pub struct Menu {
    pub source: Arc<SourceFile>,
    /// The `menu:` display name.
    pub name: Option<Spanned<String>>,
    pub entry: Option<Spanned<String>>,
    /// The intents file named by `traffic:`, relative to the menu file.
    pub traffic: Option<Spanned<String>>,
    pub speech: Speech,
    pub defaults: Defaults,
    /// Nodes in file order.
    pub nodes: Vec<Node>,
    /// Where `nodes:` is written.
    pub nodes_span: Span,
    /// The platform a flow export was imported from (`Amazon Connect`), `None` for our YAML.
    pub imported_from: Option<&'static str>,
    by_id: HashMap<String, NodeId>,
}

impl Menu {
    /// A menu of these nodes; the header fields take their defaults until set.
    pub(crate) fn new(source: Arc<SourceFile>, nodes: Vec<Node>, nodes_span: Span) -> Menu {
        let by_id = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.value.clone(), NodeId(i)))
            .collect();
        Menu {
            source,
            name: None,
            entry: None,
            traffic: None,
            speech: Speech::default(),
            defaults: Defaults::default(),
            nodes,
            nodes_span,
            imported_from: None,
            by_id,
        }
    }

    /// Whether this text of the file (a node id, a `to`) is written unquoted and YAML reads it
    /// as a number (`1`, `0123`, `1.5`): `ivr` keeps the text as written, other YAML tools
    /// turn it into a number. Never for an imported flow export.
    pub fn written_as_number(&self, text: &Spanned<String>) -> bool {
        let raw = self.source.slice(text.span);
        self.imported_from.is_none() && raw == text.value && crate::yaml::reads_as_number(raw)
    }

    /// The node with this id, if any.
    pub fn lookup(&self, id: &str) -> Option<NodeId> {
        self.by_id.get(id).copied()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The entry node, when `entry` names one.
    pub fn entry_node(&self) -> Option<NodeId> {
        self.entry.as_ref().and_then(|e| self.lookup(&e.value))
    }

    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + use<> {
        (0..self.nodes.len()).map(NodeId)
    }

    /// The display name, or the file name when `menu:` is missing.
    pub fn title(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(|| self.source.name(), |n| n.value.clone())
    }

    /// The language of the prompts (see [`crate::text::language_of`]): the menu's name and
    /// every `say`.
    pub fn language(&self) -> Option<&'static str> {
        let says = self.nodes.iter().flat_map(|n| {
            n.say
                .iter()
                .chain(n.options.iter().filter_map(|o| o.say.as_ref()))
        });
        crate::text::language_of(self.name.iter().chain(says).map(|s| s.value.as_str()))
    }
}
