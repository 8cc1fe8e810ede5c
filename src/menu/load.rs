//! A menu file's YAML tree -> [`Menu`].

use std::sync::{Arc, LazyLock};

use crate::diagnostic::Diagnostic;
use crate::ranges::{self, Number};
use crate::source::{SourceFile, Spanned};
use crate::text::did_you_mean;
use crate::yaml::reader::{BoxedDiagnosticExt, Field, LoadResult, Reader, Shape};
use crate::yaml::{self, Node as YamlNode, Value};

use super::model::{
    Allow, Branch, COMMON_NODE_FIELDS, Defaults, ErrorHandler, Menu, MenuOption, Node, NodeKind,
    Speech,
};

const MENU_FIELDS: &[&str] = &["menu", "entry", "traffic", "speech", "defaults", "nodes"];
const SPEECH_FIELDS: &[&str] = &["words_per_minute", "chars_per_second"];
const DEFAULTS_FIELDS: &[&str] = &["timeout", "retries", "on_fail", "reaction_time"];
const OPTION_FIELDS: &[&str] = &["key", "say", "to", "traffic", "duration"];
const BRANCH_FIELDS: &[&str] = &["when", "share", "to"];
const HANDLER_FIELDS: &[&str] = &["say", "retries", "then"];
const LINT_FIELDS: &[&str] = &["allow", "reason"];
/// Every field any node type has, for "did you mean" on nodes.
const ALL_NODE_FIELDS: &[&str] = &[
    "type",
    "duration",
    "complaint",
    "label",
    "lint",
    "say",
    "options",
    "on_invalid",
    "on_no_input",
    "timeout",
    "retries",
    "digits",
    "to",
    "serves",
    "queue",
    "branches",
    "file",
    "entry",
    "routes",
    "reject_rate",
    "accuracy",
];

/// Two nodes with one id: a key written twice in the menu's `nodes:` mapping.
pub fn duplicate_node_id(duplicate: &yaml::DuplicateKey) -> Diagnostic {
    duplicate.phrased(
        format!("two nodes have the id `{}`", duplicate.key),
        "the second node with this id",
        "the first node with this id",
        "node ids must be unique: rename one of the two nodes (and the `to:` that should reach it)",
    )
}

/// Converts the top level of a menu file.
pub fn menu_from_yaml(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<Menu> {
    let r = Reader::new(source);
    let shape = Shape {
        what: "a menu file",
        allowed: MENU_FIELDS,
        elsewhere: &[(
            "intents",
            "an intents file (a file is a menu or intents, not both)",
        )],
    };
    let mut name = None;
    let mut entry = None;
    let mut traffic = None;
    let mut speech = Speech::default();
    let mut defaults = Defaults::default();
    let mut nodes = Vec::new();
    let mut nodes_span = r.value_span(root);
    for field in r.fields(root, &shape)? {
        match field.name {
            "menu" => name = r.string(&field)?,
            "entry" => entry = r.string(&field)?,
            "traffic" => traffic = r.string(&field)?,
            "speech" => speech = read_speech(&r, &field)?,
            "defaults" => defaults = read_defaults(&r, &field)?,
            "nodes" => {
                nodes_span = r.value_span(field.key);
                nodes = read_nodes(&r, field.value)?;
            }
            _ => unreachable!("fields() only returns allowed names"),
        }
    }
    let mut menu = Menu::new(source.clone(), nodes, nodes_span);
    menu.name = name;
    menu.entry = entry;
    menu.traffic = traffic;
    menu.speech = speech;
    menu.defaults = defaults;
    Ok(menu)
}

fn read_speech(r: &Reader<'_>, field: &Field<'_>) -> LoadResult<Speech> {
    let mut speech = Speech::default();
    let shape = Shape {
        what: "`speech`",
        allowed: SPEECH_FIELDS,
        elsewhere: &[],
    };
    for f in r.fields(field.value, &shape)? {
        let value = number(r, &f, ranges::SPEECH_RATE)?;
        match f.name {
            "words_per_minute" => speech.words_per_minute = value.map_or(150.0, |v| v.value),
            _ => speech.chars_per_second = value.map_or(4.0, |v| v.value),
        }
    }
    Ok(speech)
}

fn read_defaults(r: &Reader<'_>, field: &Field<'_>) -> LoadResult<Defaults> {
    let mut defaults = Defaults {
        span: Some(r.value_span(field.key)),
        ..Defaults::default()
    };
    let shape = Shape {
        what: "`defaults`",
        allowed: DEFAULTS_FIELDS,
        elsewhere: &[
            ("on_invalid", "a menu or input node"),
            ("on_no_input", "a menu or input node"),
        ],
    };
    for f in r.fields(field.value, &shape)? {
        match f.name {
            "timeout" => {
                if let Some(v) = number(r, &f, ranges::TIMEOUT)? {
                    defaults.timeout = v.value;
                }
            }
            "retries" => {
                if let Some(v) = whole(r, &f, ranges::RETRIES)? {
                    defaults.retries = v.value;
                }
            }
            "on_fail" => defaults.on_fail = r.string(&f)?,
            _ => {
                if let Some(v) = number(r, &f, ranges::SECONDS)? {
                    defaults.reaction_time = v.value;
                }
            }
        }
    }
    Ok(defaults)
}

fn read_nodes(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<Node>> {
    let entries = r.expect_map(value, "`nodes`")?;
    let mut nodes = Vec::with_capacity(entries.len());
    for (key, body) in entries {
        let id = Spanned::new(r.key_text(key)?, r.value_span(key));
        nodes.push(read_node(r, id, body)?);
    }
    Ok(nodes)
}

/// The fields of every other node type that this one lacks, for "belongs on" messages: worked
/// out once per node type, as every node of a menu asks.
fn fields_elsewhere(kind: NodeKind) -> &'static [(&'static str, &'static str)] {
    static BY_KIND: LazyLock<Vec<Vec<(&'static str, &'static str)>>> =
        LazyLock::new(|| NodeKind::ALL.map(fields_elsewhere_of).to_vec());
    let index = NodeKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    &BY_KIND[index]
}

fn fields_elsewhere_of(kind: NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for other in NodeKind::ALL {
        for &f in other.fields() {
            if !kind.fields().contains(&f) && !out.iter().any(|(n, _)| *n == f) {
                out.push((f, home_of(f)));
            }
        }
    }
    out
}

/// Where a field belongs, in words.
fn home_of(field: &str) -> &'static str {
    match field {
        "options" => "a menu node",
        "digits" => "an input node",
        "on_invalid" | "on_no_input" | "timeout" | "retries" => "a menu, input or speech node",
        "routes" | "reject_rate" | "accuracy" => "a speech node",
        "to" => "a message, input or self_service node",
        "serves" => "a self_service or transfer node",
        "queue" => "a transfer node",
        "branches" => "a decision node",
        "file" | "entry" => "a flow node",
        _ => "another node type",
    }
}

fn read_node(r: &Reader<'_>, id: Spanned<String>, body: &YamlNode) -> LoadResult<Node> {
    let what_node = format!("node `{}`", id.value);
    let entries = r.expect_map(body, &what_node)?;
    // A misspelt field (`optoins`, `Type`) is the slip to report, before it hides the node type.
    check_field_names(r, &what_node, body, entries)?;
    let (kind, kind_span) = node_kind(r, &id, entries)?;
    let mut allowed: Vec<&str> = COMMON_NODE_FIELDS.to_vec();
    allowed.extend_from_slice(kind.fields());
    let elsewhere = fields_elsewhere(kind);
    let what = format!("a {kind} node");
    let shape = Shape {
        what: &what,
        allowed: &allowed,
        elsewhere,
    };
    let fields = r.fields(body, &shape)?;
    let mut node = Node {
        kind_span,
        ..Node::blank(id, kind, r.value_span(body))
    };
    for f in &fields {
        match f.name {
            "type" => {}
            "say" => node.say = r.string(f)?,
            "duration" => node.duration = duration(r, f)?,
            "complaint" => node.complaint = r.bool(f)?,
            "label" => node.label = r.string(f)?,
            "lint" => node.allow = Some(read_allow(r, f)?),
            "options" => {
                node.options_span = Some(r.value_span(f.key));
                node.options = read_options(r, f.value)?;
            }
            "on_invalid" => node.on_invalid = read_handler(r, f)?,
            "on_no_input" => node.on_no_input = read_handler(r, f)?,
            "timeout" => node.timeout = number(r, f, ranges::TIMEOUT)?,
            "retries" => node.retries = whole(r, f, ranges::RETRIES)?,
            "digits" => node.digits = whole(r, f, ranges::DIGITS)?,
            "to" => node.to = r.string(f)?,
            "serves" => {
                node.serves = r.strings(f)?;
                if kind != NodeKind::Transfer
                    && let Some(star) = node
                        .serves
                        .iter()
                        .flat_map(|s| s.value.iter())
                        .find(|s| s.value == "*")
                {
                    return Err(r
                        .error(star.span, "only a transfer node may serve every caller (`\"*\"`)", "not allowed here")
                        .with_help_boxed(format!("list the intents this {kind} node serves, or make it a transfer to a general queue")));
                }
            }
            "queue" => node.queue = r.string(f)?,
            "branches" => {
                node.branches_span = Some(r.value_span(f.key));
                node.branches = read_branches(r, f)?;
            }
            "file" => node.file = r.string(f)?,
            "entry" => node.flow_entry = r.string(f)?,
            "routes" => {
                node.options_span = Some(r.value_span(f.key));
                node.options = read_routes(r, f.value)?;
            }
            "reject_rate" => node.reject_rate = number(r, f, ranges::RATE)?,
            "accuracy" => node.accuracy = number(r, f, ranges::RATE)?,
            _ => unreachable!("fields() only returns allowed names"),
        }
    }
    Ok(node)
}

/// Every key of a node is a field of some node type; a misspelling gets "did you mean", with
/// where the field belongs when the node's declared `type` lacks it.
fn check_field_names(
    r: &Reader<'_>,
    what_node: &str,
    body: &YamlNode,
    entries: &[(YamlNode, YamlNode)],
) -> LoadResult<()> {
    let shape = Shape {
        what: what_node,
        allowed: ALL_NODE_FIELDS,
        elsewhere: &[],
    };
    r.fields(body, &shape).map(|_| ()).map_err(|mut e| {
        let declared = entries.iter().find_map(|(key, value)| {
            (key.text(r.source) == Some("type"))
                .then(|| NodeKind::from_name(value.text(r.source)?))
                .flatten()
        });
        let (Some(kind), Some(help)) = (declared, e.help.as_deref()) else {
            return e;
        };
        let suggested = help
            .strip_prefix("did you mean `")
            .and_then(|rest| rest.split('`').next());
        e.help = Some(match suggested {
            Some(better)
                if !kind.fields().contains(&better) && !COMMON_NODE_FIELDS.contains(&better) =>
            {
                format!("{help} (a field of {})", home_of(better))
            }
            Some(_) => help.to_string(),
            None if help.starts_with("the fields of") => {
                let mut fields = COMMON_NODE_FIELDS.to_vec();
                fields.extend_from_slice(kind.fields());
                format!("the fields of a {kind} node are: {}", fields.join(", "))
            }
            None => help.to_string(),
        });
        e
    })
}

/// The node type: its `type`, or `menu` when it has `options`.
fn node_kind(
    r: &Reader<'_>,
    id: &Spanned<String>,
    entries: &[(YamlNode, YamlNode)],
) -> LoadResult<(NodeKind, Option<crate::source::Span>)> {
    let mut has_options = false;
    for (key, value) in entries {
        match key.text(r.source) {
            Some("type") => {
                let span = r.value_span(value);
                let name = value.text(r.source).unwrap_or_default();
                return match NodeKind::from_name(name) {
                    Some(kind) => Ok((kind, Some(span))),
                    None => {
                        let names = NodeKind::ALL.map(NodeKind::name);
                        let help = match did_you_mean(name, names) {
                            Some(better) => format!("did you mean `{better}`?"),
                            None => format!("the node types are: {}", names.join(", ")),
                        };
                        Err(r
                            .error(span, format!("unknown node type `{name}`"), "unknown type")
                            .with_help_boxed(help))
                    }
                };
            }
            Some("options") => has_options = true,
            _ => {}
        }
    }
    if has_options {
        return Ok((NodeKind::Menu, None));
    }
    Err(r
        .error(id.span, format!("cannot tell the node type of `{}`", id.value), "no `type` and no `options`")
        .with_help_boxed(
            "add `type:` (menu, input, message, self_service, transfer, hangup, decision, flow or speech), or `options:` for a menu",
        ))
}

fn duration(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Option<Spanned<f64>>> {
    number(r, f, ranges::SECONDS)
}

/// A number field in its range.
fn number(r: &Reader<'_>, f: &Field<'_>, range: Number) -> LoadResult<Option<Spanned<f64>>> {
    r.number(f, |v| range.contains(v), range.words)
}

/// A speech node's `routes`: intent name (or `"*"`) to node id, kept as options keyed by the
/// intent name.
fn read_routes(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<MenuOption>> {
    let entries = r.expect_map(value, "`routes`")?;
    let mut routes = Vec::with_capacity(entries.len());
    for (key, target) in entries {
        let name = Spanned::new(r.key_text(key)?, r.value_span(key));
        let Some(to) = target
            .as_text(r.source)
            .filter(|_| matches!(target.value, crate::yaml::Value::Str(_)))
        else {
            return Err(r
                .error(
                    r.value_span(target),
                    format!("the route of `{}` must be a node id", name.value),
                    "expected a node id",
                )
                .with_help_boxed(format!("write `{}: NODE_ID`", name.value)));
        };
        routes.push(MenuOption {
            span: name.span,
            key: Some(name),
            say: None,
            to: Some(Spanned::new(to, r.value_span(target))),
            traffic: None,
            duration: None,
        });
    }
    Ok(routes)
}

/// A whole-number field in its range.
fn whole(r: &Reader<'_>, f: &Field<'_>, range: ranges::Whole) -> LoadResult<Option<Spanned<u32>>> {
    r.integer(f, range.min, range.max)
}

fn read_allow(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Allow> {
    let shape = Shape {
        what: "`lint`",
        allowed: LINT_FIELDS,
        elsewhere: &[],
    };
    let mut allow = Allow {
        rules: Vec::new(),
        reason: None,
        span: r.value_span(f.key),
    };
    for field in r.fields(f.value, &shape)? {
        match field.name {
            "allow" => allow.rules = r.strings(&field)?.map(|s| s.value).unwrap_or_default(),
            _ => allow.reason = r.string(&field)?,
        }
    }
    Ok(allow)
}

fn read_handler(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Option<ErrorHandler>> {
    if matches!(f.value.value, Value::Null) {
        return Ok(None);
    }
    let what = format!("`{}`", f.name);
    let shape = Shape {
        what: &what,
        allowed: HANDLER_FIELDS,
        elsewhere: &[],
    };
    let mut handler = ErrorHandler {
        say: None,
        retries: None,
        then: None,
        span: r.value_span(f.key),
    };
    for field in r.fields(f.value, &shape)? {
        match field.name {
            "say" => handler.say = r.string(&field)?,
            "retries" => handler.retries = whole(r, &field, ranges::RETRIES)?,
            _ => handler.then = r.string(&field)?,
        }
    }
    Ok(Some(handler))
}

fn read_options(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<MenuOption>> {
    if matches!(value.value, Value::Null) {
        return Ok(Vec::new());
    }
    let items = r.expect_seq(value, "`options`")?;
    let shape = Shape {
        what: "an option",
        allowed: OPTION_FIELDS,
        elsewhere: &[
            ("then", "`on_invalid` or `on_no_input`"),
            ("goto", "nothing: use `to`"),
        ],
    };
    let mut options = Vec::with_capacity(items.len());
    for item in items {
        let mut option = MenuOption {
            key: None,
            say: None,
            to: None,
            traffic: None,
            duration: None,
            span: r.value_span(item),
        };
        for f in r.fields(item, &shape)? {
            match f.name {
                "key" => option.key = read_key(r, &f)?,
                "say" => option.say = r.string(&f)?,
                "to" => option.to = r.string(&f)?,
                "traffic" => option.traffic = number(r, &f, ranges::TRAFFIC)?,
                _ => option.duration = duration(r, &f)?,
            }
        }
        options.push(option);
    }
    Ok(options)
}

/// An option key as written: `1` and `"1"` alike; a bare `#` (read as a comment) is an error.
fn read_key(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Option<Spanned<String>>> {
    if let Some(error) = yaml::bare_hash_key(r.source, f.value) {
        return Err(Box::new(error));
    }
    r.string(f)
}

/// A decision's branches: each has a `when` label, a `share` and a `to`; at least one share is
/// above 0 (otherwise no call could leave the node).
fn read_branches(r: &Reader<'_>, f: &Field<'_>) -> LoadResult<Vec<Branch>> {
    let value = f.value;
    if matches!(value.value, Value::Null) {
        return Ok(Vec::new());
    }
    let items = r.expect_seq(value, "`branches`")?;
    let shape = Shape {
        what: "a branch",
        allowed: BRANCH_FIELDS,
        elsewhere: &[
            ("key", "a menu option: a decision takes no key"),
            ("traffic", "a menu option: a branch has `share`"),
        ],
    };
    let mut branches = Vec::with_capacity(items.len());
    for item in items {
        let mut branch = Branch {
            when: None,
            share: None,
            to: None,
            span: r.value_span(item),
        };
        for f in r.fields(item, &shape)? {
            match f.name {
                "when" => branch.when = r.string(&f)?,
                "share" => branch.share = number(r, &f, ranges::BRANCH_SHARE)?,
                _ => branch.to = r.string(&f)?,
            }
        }
        for (field, missing) in [
            ("when", branch.when.is_none()),
            ("share", branch.share.is_none()),
            ("to", branch.to.is_none()),
        ] {
            if missing {
                return Err(r
                    .error(branch.span, format!("this branch has no `{field}`"), "branch")
                    .with_help_boxed(
                        "a branch is `{ when: LABEL, share: WEIGHT, to: NODE }`, e.g. `{ when: open, share: 0.8, to: main }`",
                    ));
            }
        }
        branches.push(branch);
    }
    if !branches.is_empty() && branches.iter().all(|b| b.share_value() <= 0.0) {
        return Err(r
            .error(r.value_span(f.key), "every branch has share 0", "no branch is ever taken")
            .with_help_boxed(
                "give at least one branch a share above 0: shares are relative weights of the calls taking each branch",
            ));
    }
    Ok(branches)
}
