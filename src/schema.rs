//! JSON Schemas (draft 2020-12) of the menu and intents files, printed by `ivr schema`, and of
//! the JSON outputs (`output`).
//!
//! They are for editors (yaml-language-server completes fields, shows these descriptions on hover
//! and underlines mistakes as you type), so they stick to keywords that server understands:
//! `properties`, `additionalProperties`, `if`/`then`, `anyOf`, `enum`, and local `$ref`s.
//!
//! They describe what the loader accepts, a little more strictly: a required field that is
//! missing, or an option key that is not `0`-`9`, `*` or `#`, loads (the linter reports it) but
//! fails the schema, so the editor flags it at once. Two checks span several values and are
//! left to the loader: the caller rates must add up to at most 1, and the intent weights to more
//! than 0. Which fields each node type has comes from the model ([`NodeKind::fields`] and
//! [`COMMON_NODE_FIELDS`]), the same lists the loader checks against; the bounds of every number
//! come from [`crate::ranges`], which the loaders check against too; and the defaults shown are
//! the model's own.

use serde_json::{Map, Value, json};

mod output;
pub use output::{
    COMPARE_OUTPUT_VERSION, LINT_OUTPUT_VERSION, SIM_OUTPUT_VERSION, compare_output, lint_output,
    partial, sim_output,
};

use crate::callers::CallerModel;
use crate::menu::NodeKind;
use crate::menu::model::{COMMON_NODE_FIELDS, Defaults, Speech};
use crate::ranges::{self, Number, Whole};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of a menu file.
pub fn menu() -> Value {
    let speech = Speech::default();
    let defaults = Defaults::default();
    let mut defs = Map::new();
    for kind in NodeKind::ALL {
        defs.insert(def_name(kind), node_of_kind(kind));
    }
    defs.insert("node".into(), node());
    defs.insert("option".into(), option());
    defs.insert("branch".into(), branch());
    defs.insert("handler".into(), handler());
    defs.insert(
        "nodeId".into(),
        json!({
            "type": "string",
            "description": "The id of a node: one of the keys under `nodes` (case-sensitive).",
        }),
    );
    defs.insert("lint".into(), json!({
        "title": "lint settings",
        "type": "object",
        "description": "Silences lint rules on this node and its options.",
        "additionalProperties": false,
        "properties": {
            "allow": {
                "type": "array",
                "description": "Names of the rules to silence (`ivr rules` lists them). An unknown name is reported as `unused-allow`.",
                "items": { "type": "string", "description": "A rule name, such as `popular-first`." },
            },
            "reason": {
                "type": "string",
                "description": "Why the rules do not apply here. Optional, but the next designer will want to know.",
            },
        },
    }));
    json!({
        "$schema": DIALECT,
        "$id": "urn:ivr:schema:menu:1",
        "title": "ivr menu file",
        "description": "An IVR phone menu (format version 1): what callers hear and where each key takes them. Check it with `ivr lint`.",
        "type": "object",
        "required": ["menu", "entry", "nodes"],
        "additionalProperties": false,
        "properties": {
            "menu": {
                "type": "string",
                "description": "The display name of the phone line, shown in reports.",
            },
            "entry": {
                "$ref": "#/$defs/nodeId",
                "description": "The id of the node every call starts at.",
            },
            "traffic": {
                "type": "string",
                "description": "The intents file (who calls and why) that `ivr lint` and `ivr sim` use when `--intents` is not given, relative to this file.",
            },
            "speech": {
                "type": "object",
                "description": "How prompt durations are estimated from `say` when no `duration` is given.",
                "additionalProperties": false,
                "properties": {
                    "words_per_minute": number(ranges::SPEECH_RATE, json!({
                        "default": speech.words_per_minute,
                        "description": "Speaking rate for alphabetic text, in words a minute (above 0).",
                    })),
                    "chars_per_second": number(ranges::SPEECH_RATE, json!({
                        "default": speech.chars_per_second,
                        "description": "Speaking rate for Chinese, Japanese and Korean text, in characters a second (above 0).",
                    })),
                },
            },
            "defaults": {
                "type": "object",
                "description": "Settings every menu and input node inherits unless it sets its own.",
                "additionalProperties": false,
                "properties": {
                    "timeout": number(ranges::TIMEOUT, json!({
                        "default": defaults.timeout,
                        "description": "Seconds of silence before \"no input\" (above 0).",
                    })),
                    "retries": whole(ranges::RETRIES, json!({
                        "default": defaults.retries,
                        "description": "How many times a node is played again after an invalid key or silence (0 to 20).",
                    })),
                    "on_fail": {
                        "$ref": "#/$defs/nodeId",
                        "description": "The node a call goes to when retries run out and the handler has no `then`. Unset: the call is disconnected. Point it at a general agent.",
                    },
                    "reaction_time": number(ranges::SECONDS, json!({
                        "default": defaults.reaction_time,
                        "description": "Seconds a caller takes to press a key after hearing their option (0 or more).",
                    })),
                },
            },
            "nodes": {
                "type": "object",
                "description": "The nodes, keyed by id (case-sensitive; plain snake_case reads best in reports).",
                "additionalProperties": { "$ref": "#/$defs/node" },
            },
        },
        "$defs": defs,
    })
}

/// The schema of an intents file.
pub fn intents() -> Value {
    let callers = CallerModel::default();
    let rate = |default: f64, description: &str| {
        number(
            ranges::RATE,
            json!({ "default": default, "description": description }),
        )
    };
    let settings = json!({
        "mistake_rate": rate(callers.mistake_rate, "At a menu, the chance of choosing a wrong (offered) option (0 to 1)."),
        "invalid_rate": rate(callers.invalid_rate, "At a menu or input, the chance of pressing a key that is not offered (0 to 1)."),
        "no_input_rate": rate(callers.no_input_rate, "At a menu or input, the chance of saying nothing until the timeout (0 to 1)."),
        "patience": number(ranges::PATIENCE, json!({
            "type": ["number", "null"],
            "default": callers.patience,
            "description": "Mean seconds before a caller gives up (exponential; above 0), or `null`: callers never give up.",
        })),
        "barge_in": {
            "type": "boolean",
            "default": callers.barge_in,
            "description": "`true`: callers press as soon as they hear their option, without waiting for the rest of the menu.",
        },
        "digit_time": number(ranges::SECONDS, json!({
            "default": callers.digit_time,
            "description": "Seconds per digit typed at an input node (0 or more).",
        })),
        "confusion": rate(callers.confusion, "At a menu of 3 or more options, the chance of picking another option leading to a node of the same kind as the intended one (a wrong category), for intents without `confused_with` (0 to 1)."),
        "memory_span": {
            "type": ["integer", "null"],
            "minimum": ranges::MEMORY_SPAN.min,
            "maximum": ranges::MEMORY_SPAN.max,
            "default": null,
            "description": "Options a caller who waits for the whole menu keeps in mind; each option beyond it adds `forget_rate` to the slips (without barge-in only). `null`: no limit.",
        },
        "forget_rate": rate(callers.forget_rate, "The slip each option beyond `memory_span` adds (0 to 1)."),
        "use_unannounced": {
            "type": "boolean",
            "default": callers.use_unannounced,
            "description": "`false`: callers only choose options whose key a prompt names (the option's or the menu's `say`), except key 0.",
        },
        "zero_out": rate(callers.zero_out, "With `use_unannounced: false`, the chance a caller with no announced route tries key 0 (otherwise they hang up)."),
        "reaction_time": number(ranges::SECONDS, json!({
            "description": "Seconds to press once the option is heard; leave out for the menu's `defaults.reaction_time`.",
        })),
        "speak_time": number(ranges::SECONDS, json!({
            "default": callers.speak_time,
            "description": "Seconds a caller takes to say why they call at a speech node.",
        })),
    });
    let mut group = settings.clone();
    if let Some(fields) = group.as_object_mut() {
        fields.insert("name".into(), json!({
            "type": "string",
            "description": "The group's name, as reports and `--check persona.NAME.FIGURE` use it.",
        }));
        fields.insert("share".into(), number(ranges::WEIGHT, json!({
            "description": "The group's relative weight (0 or more); weights are divided by their total.",
        })));
    }
    json!({
        "$schema": DIALECT,
        "$id": "urn:ivr:schema:intents:1",
        "title": "ivr intents file",
        "description": "Why people call and how often, and how simulated callers behave. Used by `ivr lint` and `ivr sim` with a menu.",
        "type": "object",
        "required": ["intents"],
        "additionalProperties": false,
        "properties": {
            "intents": {
                "type": "object",
                "description": "Relative weights of the reasons people call, keyed by intent name (the names nodes list in `serves`). Weights are divided by their total; at least one must be above 0.",
                "additionalProperties": {
                    "description": "The intent's relative weight, or `{ share, complaint }`.",
                    "anyOf": [
                        number(ranges::WEIGHT, json!({
                            "description": "The intent's relative weight (0 or more): calls a day, per hundred, a percentage...",
                        })),
                        {
                            "type": "object",
                            "description": "The intent's weight, marked as a complaint or not, with where its callers go wrong and its own mix of caller groups.",
                            "required": ["share"],
                            "additionalProperties": false,
                            "properties": {
                                "share": number(ranges::WEIGHT, json!({
                                    "description": "The intent's relative weight (0 or more).",
                                })),
                                "complaint": {
                                    "type": "boolean",
                                    "description": "`true`: callers with this intent are complaining; the linter checks they have an option of their own.",
                                },
                                "confused_with": {
                                    "type": "object",
                                    "description": "Where callers of this intent go wrong, from call records: node ids of the menu and, for each, the chance at a menu of heading for it instead (as if it served them). The chances and the caller rates add up to at most 1.",
                                    "additionalProperties": number(ranges::RATE, json!({})),
                                },
                                "personas": {
                                    "type": "object",
                                    "description": "This intent's own mix of the caller groups of `callers`: group names and relative weights.",
                                    "additionalProperties": number(ranges::WEIGHT, json!({})),
                                },
                            },
                        },
                    ],
                },
            },
            "callers": {
                "description": "How simulated callers behave; leave out for the defaults. Either one set of settings, or a list of caller groups, each with a `name`, a `share` and its own settings. The rates mistake_rate, invalid_rate, no_input_rate and confusion must add up to at most 1.",
                "anyOf": [
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "properties": settings.clone(),
                    },
                    {
                        "type": "array",
                        "minItems": 1,
                        "description": "Caller groups: each call belongs to one, drawn by the groups' shares (or the intent's own `personas`).",
                        "items": {
                            "type": "object",
                            "required": ["name", "share"],
                            "additionalProperties": false,
                            "properties": group,
                        },
                    },
                ],
            },
            "arrivals": {
                "type": "object",
                "description": "How many calls reach the IVR: `calls_per_hour` (a steady stream), or `interval_minutes` with `calls` (a day in intervals), not both.",
                "additionalProperties": false,
                "properties": {
                    "calls_per_hour": number(ranges::CALLS_PER_HOUR, json!({
                        "description": "Calls per hour, arriving at random (Poisson).",
                    })),
                    "interval_minutes": number(ranges::INTERVAL_MINUTES, json!({
                        "description": "Length of one interval of the day, in minutes (with `calls`).",
                    })),
                    "calls": {
                        "type": "array",
                        "minItems": 1,
                        "description": "Calls arriving in each interval of the day (with `interval_minutes`).",
                        "items": number(ranges::INTERVAL_CALLS, json!({})),
                    },
                },
                "oneOf": [
                    { "required": ["calls_per_hour"], "not": { "anyOf": [{ "required": ["calls"] }, { "required": ["interval_minutes"] }] } },
                    { "required": ["interval_minutes", "calls"], "not": { "required": ["calls_per_hour"] } },
                ],
            },
            "queues": {
                "type": "object",
                "description": "The agent queues, keyed by the name transfer nodes give in `queue` (`default` for a transfer without one).",
                "additionalProperties": {
                    "type": "object",
                    "required": ["agents", "handle_time"],
                    "additionalProperties": false,
                    "properties": {
                        "agents": {
                            "description": "Agents taking calls: one number, or one per interval of `arrivals.calls`.",
                            "anyOf": [
                                whole(ranges::AGENTS, json!({})),
                                { "type": "array", "items": whole(ranges::AGENTS, json!({})) },
                            ],
                        },
                        "handle_time": number(ranges::HANDLE_TIME, json!({
                            "description": "Mean seconds an agent spends on a call (above 0).",
                        })),
                        "handle_cv": number(ranges::HANDLE_CV, json!({
                            "default": 1,
                            "description": "Coefficient of variation of handle times: 1 exponential, else lognormal.",
                        })),
                        "patience": number(ranges::QUEUE_PATIENCE, json!({
                            "type": ["number", "null"],
                            "description": "Mean seconds a caller waits in this queue before hanging up (exponential), or `null`: never.",
                        })),
                    },
                },
            },
            "service_level": {
                "type": "object",
                "description": "The service-level goal: `target` of calls answered within `answer_within` seconds.",
                "additionalProperties": false,
                "properties": {
                    "answer_within": number(ranges::ANSWER_WITHIN, json!({ "default": 20, "description": "Seconds." })),
                    "target": number(ranges::SHARE, json!({ "default": 0.8, "description": "A share from 0 to 1." })),
                },
            },
            "misroute": {
                "type": "object",
                "description": "What a misrouted call costs the wrong agent.",
                "additionalProperties": false,
                "properties": {
                    "handle_time": number(ranges::HANDLE_TIME, json!({ "default": 45, "description": "Seconds before the call is passed to the right queue." })),
                },
            },
        },
    })
}

/// The schema of a number field: its type and bounds from `range`, then the keywords of `rest`
/// (which may replace the type, e.g. to allow `null`).
fn number(range: Number, rest: Value) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "type".into(),
        json!(if range.whole { "integer" } else { "number" }),
    );
    let min = if range.min_excluded {
        "exclusiveMinimum"
    } else {
        "minimum"
    };
    schema.insert(min.into(), bound(range.min));
    if let Some(max) = range.max {
        schema.insert("maximum".into(), bound(max));
    }
    extend(schema, rest)
}

/// The schema of a whole-number field: its bounds from `range`, then the keywords of `rest`.
fn whole(range: Whole, rest: Value) -> Value {
    let schema = json!({ "type": "integer", "minimum": range.min, "maximum": range.max });
    extend(schema.as_object().cloned().unwrap_or_default(), rest)
}

/// A bound as JSON: whole bounds are written as integers (`0`, not `0.0`).
fn bound(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// `schema` with the keywords of `rest` added (or replaced, in place).
fn extend(mut schema: Map<String, Value>, rest: Value) -> Value {
    if let Value::Object(rest) = rest {
        schema.extend(rest);
    }
    Value::Object(schema)
}

/// `$defs` name of a node type's schema.
fn def_name(kind: NodeKind) -> String {
    format!("{}Node", lower_camel(kind.name()))
}

fn lower_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A node: its `type` (or `options`) selects the schema of one node type.
fn node() -> Value {
    let mut branches = Vec::new();
    for kind in NodeKind::ALL {
        // `properties` holds when `type` is absent, so a node without `type` is checked as a
        // menu, which requires `options`: exactly the loader's rule.
        let mut condition = json!({ "properties": { "type": { "const": kind.name() } } });
        if kind != NodeKind::Menu {
            condition["required"] = json!(["type"]);
        }
        branches.push(json!({
            "if": condition,
            "then": { "$ref": format!("#/$defs/{}", def_name(kind)) },
        }));
    }
    json!({
        "title": "node",
        "type": "object",
        "description": "A node. Its `type` decides which fields it may have; a node with `options` and no `type` is a menu.",
        "properties": { "type": type_field() },
        "allOf": branches,
    })
}

fn type_field() -> Value {
    let names: Vec<&str> = NodeKind::ALL.iter().map(|k| k.name()).collect();
    let descriptions: Vec<&str> = NodeKind::ALL.into_iter().map(kind_description).collect();
    json!({
        "type": "string",
        "enum": names,
        "enumDescriptions": descriptions,
        "description": "What the node does. Optional on a menu: a node with `options` is a menu.",
    })
}

fn kind_description(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Menu => "Plays `say`, then each option's `say` in order, and waits for one key.",
        NodeKind::Input => {
            "Collects a number (account, card, PIN), then goes to `to`; counts as one input."
        }
        NodeKind::Message => "Plays `say` and moves on to `to`; takes no input.",
        NodeKind::SelfService => {
            "Resolves the intents in `serves` automatically; `to` (optional) continues the call."
        }
        NodeKind::Transfer => {
            "Hands the caller to the people in `queue`; the IVR's part of the call ends."
        }
        NodeKind::Hangup => "The system ends the call.",
        NodeKind::Decision => {
            "The system picks one of `branches` (opening hours, a lookup, a queue check): no input, no caller choice."
        }
        NodeKind::Flow => {
            "The call continues in another menu file (`file`), at its `entry` or the node named here; it does not come back."
        }
        NodeKind::Speech => {
            "Asks callers to say why they call and routes them by what a recogniser hears; counts as one input."
        }
    }
}

/// Fields a node type needs (the `missing-field` rule reports their absence).
fn required(kind: NodeKind) -> &'static [&'static str] {
    match kind {
        NodeKind::Menu => &["options"],
        NodeKind::Input => &["type", "digits", "to"],
        NodeKind::Message => &["type", "to"],
        NodeKind::SelfService => &["type", "serves"],
        NodeKind::Transfer => &["type", "queue"],
        NodeKind::Hangup => &["type"],
        NodeKind::Decision => &["type", "branches"],
        NodeKind::Flow => &["type", "file"],
        NodeKind::Speech => &["type", "routes"],
    }
}

/// The schema of one node type: its fields and no others.
fn node_of_kind(kind: NodeKind) -> Value {
    let mut properties = Map::new();
    for &name in COMMON_NODE_FIELDS.iter().chain(kind.fields()) {
        properties.insert(name.to_string(), node_field(kind, name));
    }
    json!({
        "title": format!("{kind} node"),
        "type": "object",
        "description": format!("`{kind}` node: {}", kind_description(kind)),
        "required": required(kind),
        "additionalProperties": false,
        "properties": properties,
    })
}

/// The schema of one node field, described for this node type.
fn node_field(kind: NodeKind, name: &str) -> Value {
    let seconds =
        |description: &str| number(ranges::SECONDS, json!({ "description": description }));
    match name {
        "type" => json!({
            "const": kind.name(),
            "description": format!("`{kind}`: {}", kind_description(kind)),
        }),
        "say" => json!({
            "type": "string",
            "description": match kind {
                NodeKind::Menu => "The greeting or heading played before the options (each option has its own `say`).",
                NodeKind::Input => "The prompt asking for the number, e.g. \"Please enter your eight-digit account number.\"",
                NodeKind::Message => "What is played before the call moves on.",
                NodeKind::SelfService => "The automated answer, e.g. \"Your balance is ...\".",
                NodeKind::Transfer => "Optional: played before the transfer, e.g. \"Please hold.\"",
                NodeKind::Hangup => "Optional: played before the system ends the call.",
                NodeKind::Decision => "Optional: played before the system decides, e.g. \"One moment please.\"",
                NodeKind::Flow => "Optional: played before the call continues in the other file.",
                NodeKind::Speech => "The open question, e.g. \"Tell me in a few words what you are calling about.\"",
            },
        }),
        "duration" => seconds(
            "Seconds the prompt lasts, instead of the estimate from `say` (for a recording of known length).",
        ),
        "complaint" => json!({
            "type": "boolean",
            "description": "`true`: this node handles complaints; the complaint rules look for it.",
        }),
        "label" => json!({
            "type": "string",
            "description": "A short name for reports (default: the node id).",
        }),
        "lint" => json!({ "$ref": "#/$defs/lint" }),
        "options" => json!({
            "type": "array",
            "minItems": 1,
            "description": "The choices, announced in this order (most popular first). Each has a `key`, a `say` and a `to`.",
            "items": { "$ref": "#/$defs/option" },
        }),
        "on_invalid" => json!({
            "$ref": "#/$defs/handler",
            "description": "After a key that is not offered: `say` is played, then the node again, up to `retries` times; then the call goes to `then`.",
        }),
        "on_no_input" => json!({
            "$ref": "#/$defs/handler",
            "description": "After silence until `timeout`: `say` is played, then the node again, up to `retries` times; then the call goes to `then`.",
        }),
        "timeout" => number(
            ranges::TIMEOUT,
            json!({
                "description": "Seconds of silence before \"no input\" (above 0; overrides `defaults.timeout`).",
            }),
        ),
        "retries" => whole(
            ranges::RETRIES,
            json!({
                "description": "How many times the node is played again after an invalid key or silence (0 to 20; overrides `defaults.retries`).",
            }),
        ),
        "digits" => whole(
            ranges::DIGITS,
            json!({
                "description": "How many digits the caller types (1 to 64). Typing them all counts as one input.",
            }),
        ),
        "to" => json!({
            "$ref": "#/$defs/nodeId",
            "description": match kind {
                NodeKind::Input => "The node the call goes to once the number is entered.",
                NodeKind::SelfService => "Optional: where callers this node does not serve carry on (for example back to a menu). Without it their call ends unresolved.",
                _ => "The node the call moves on to.",
            },
        }),
        "serves" => {
            let mut serves = json!({
                "type": "array",
                "items": { "type": "string", "description": "An intent name from the intents file." },
            });
            if kind == NodeKind::Transfer {
                serves["description"] = json!(
                    "The intents this queue handles. `[\"*\"]` marks a general agent: the right place for every caller."
                );
                serves["items"]["description"] =
                    json!("An intent name from the intents file, or `\"*\"` for every caller.");
            } else {
                serves["description"] = json!(
                    "The intents resolved here (names from the intents file). `\"*\"` is for transfers only."
                );
                // Any name but `*`. A pattern rather than `not`, so that editors can say why.
                serves["items"]["pattern"] = json!("^([^*]|\\*.)");
                serves["items"]["patternErrorMessage"] =
                    json!("\"*\" (every caller) is allowed on transfer nodes only");
            }
            serves
        }
        "queue" => json!({
            "type": "string",
            "description": "The queue of people the caller is handed to.",
        }),
        "branches" => json!({
            "type": "array",
            "minItems": 1,
            "description": "The ways the system can decide, each with the share of calls taking it. Shares are relative weights; at least one is above 0.",
            "items": { "$ref": "#/$defs/branch" },
        }),
        "file" => json!({
            "type": "string",
            "description": "The menu file the call continues in, relative to this file (inside the same repository).",
        }),
        "entry" => json!({
            "type": "string",
            "description": "The node of the other file where the call continues (default: that file's `entry`).",
        }),
        "routes" => json!({
            "type": "object",
            "minProperties": 1,
            "description": "Where each recognised intent goes: intent name (from the intents file) to node id; `\"*\"` for every other caller.",
            "additionalProperties": { "$ref": "#/$defs/nodeId" },
        }),
        "reject_rate" => number(
            ranges::RATE,
            json!({
                "default": 0.1,
                "description": "The share of callers asked to repeat (handled by `on_invalid`, with its retries and `then`).",
            }),
        ),
        "accuracy" => number(
            ranges::RATE,
            json!({
                "default": 0.9,
                "description": "Of the callers not asked to repeat, the share routed to their own intent's node; the others go to another intent's route, in proportion to the intents' shares.",
            }),
        ),
        other => unreachable!("no schema for node field `{other}`"),
    }
}

fn option() -> Value {
    let keys: Vec<String> = (0..=9)
        .map(|d: u8| d.to_string())
        .chain(["*".to_string(), "#".to_string()])
        .collect();
    json!({
        "title": "option",
        "type": "object",
        "description": "One choice of a menu: the key to press, what is announced, and where it leads.",
        "required": ["key", "to"],
        "additionalProperties": false,
        "properties": {
            "key": {
                "description": "The key: 0 to 9, \"*\" or \"#\". Digits may be bare or quoted; quote \"*\" and \"#\" (in YAML a bare * starts an alias and a bare # a comment).",
                "anyOf": [
                    { "type": "integer", "minimum": 0, "maximum": 9 },
                    { "type": "string", "enum": keys },
                ],
            },
            "say": {
                "type": "string",
                "description": "What is announced for this option; name its key (\"For billing, press 1.\"). Quote it in `{ ... }`, where a comma ends the value.",
            },
            "to": {
                "$ref": "#/$defs/nodeId",
                "description": "The node this option leads to.",
            },
            "traffic": number(ranges::TRAFFIC, json!({
                "description": "The observed share (0 to 1) of callers who choose this option; `popular-first` uses it when there is no intents file.",
            })),
            "duration": number(ranges::SECONDS, json!({
                "description": "Seconds this option's prompt lasts, instead of the estimate from `say`.",
            })),
        },
    })
}

fn branch() -> Value {
    json!({
        "title": "branch",
        "type": "object",
        "description": "One way a decision goes: its label, the share of calls taking it, and where it leads.",
        "required": ["when", "share", "to"],
        "additionalProperties": false,
        "properties": {
            "when": {
                "type": "string",
                "description": "What the system found, as a label: `open`, `closed`, `vip`, `lookup failed`.",
            },
            "share": number(ranges::BRANCH_SHARE, json!({
                "description": "The share of calls taking this branch, as a relative weight (normalised over the branches). 0: it happens, but too rarely to plan for.",
            })),
            "to": {
                "$ref": "#/$defs/nodeId",
                "description": "The node the call goes to on this branch.",
            },
        },
    })
}

fn handler() -> Value {
    json!({
        "title": "error handler",
        "type": "object",
        "description": "What happens after an invalid key or silence.",
        "additionalProperties": false,
        "properties": {
            "say": {
                "type": "string",
                "description": "Played after the error, before the node is played again, e.g. \"Sorry, that key is not an option.\"",
            },
            "retries": whole(ranges::RETRIES, json!({
                "description": "How many times the node is played again before giving up (0 to 20; overrides the node's `retries` and `defaults.retries`).",
            })),
            "then": {
                "$ref": "#/$defs/nodeId",
                "description": "Where the call goes when retries run out (default: `defaults.on_fail`; if that is unset, the call is disconnected).",
            },
        },
    })
}

/// The schema of `.ivr.yaml`: every rule of the registry with its severity and options.
pub fn config() -> Value {
    let severity = json!({
        "description": "error, warning, info, or off (false also means off)",
        "anyOf": [
            { "enum": ["error", "warning", "info", "off"] },
            { "const": false },
        ],
    });
    let mut rules = Map::new();
    for rule in crate::lint::registry::RULES {
        let mut options = Map::new();
        options.insert("severity".into(), severity.clone());
        for option in rule.options {
            let range = if option.integer {
                ranges::WHOLE_RULE_OPTION
            } else {
                ranges::RULE_OPTION
            };
            options.insert(
                option.name.into(),
                number(
                    range,
                    json!({ "default": option.default, "description": option.description }),
                ),
            );
        }
        rules.insert(
            rule.name.into(),
            json!({
                "description": format!("{} (default: {})", rule.summary, rule.severity),
                "anyOf": [
                    severity,
                    { "type": "object", "properties": options, "additionalProperties": false },
                ],
            }),
        );
    }
    json!({
        "$schema": DIALECT,
        "$id": "urn:ivr:schema:config:1",
        "title": "ivr configuration (.ivr.yaml)",
        "description": "Per-rule severities and options for `ivr lint`, paths to leave out, and `ivr sim` checks. The nearest .ivr.yaml above a linted file applies.",
        "type": ["object", "null"],
        "properties": {
            "rules": {
                "description": "Rules by name: a severity, or `{ severity, option: value }`.",
                "type": "object",
                "properties": rules,
                "additionalProperties": false,
            },
            "exclude": {
                "description": "Globs of paths not to lint, relative to this file (a folder name excludes everything below it).",
                "type": "array",
                "items": { "type": "string" },
            },
            "checks": {
                "description": "`ivr sim` gates such as `abandoned<=0.08` or `time.p90<=90`.",
                "type": "array",
                "items": { "type": "string" },
            },
        },
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, load_document};
    use crate::source::SourceFile;
    use crate::yaml::Limits;

    fn loads(defaults: &str, digits: i64) -> bool {
        let text = format!(
            "menu: t\nentry: ask\ndefaults: {{ {defaults} }}\nnodes:\n  ask: {{ type: input, digits: {digits}, to: bye, on_invalid: {{ retries: 0 }} }}\n  bye: {{ type: hangup }}\n"
        );
        let source = SourceFile::new("case.yaml", text);
        matches!(
            load_document(&source, &Limits::DEFAULT),
            Ok(Document::Menu(_))
        )
    }

    /// The schema's bounds are the loader's: both come from `crate::ranges`.
    #[test]
    fn schema_bounds_equal_the_loaders_ranges() {
        let schema = menu();
        let defaults = &schema["properties"]["defaults"]["properties"];
        let defs = &schema["$defs"];
        for retries in [
            &defaults["retries"],
            &defs["menuNode"]["properties"]["retries"],
            &defs["handler"]["properties"]["retries"],
        ] {
            assert_eq!(retries["minimum"], ranges::RETRIES.min);
            assert_eq!(retries["maximum"], ranges::RETRIES.max);
        }
        let digits = &defs["inputNode"]["properties"]["digits"];
        assert_eq!(digits["minimum"], ranges::DIGITS.min);
        assert_eq!(digits["maximum"], ranges::DIGITS.max);
        assert_eq!(defaults["timeout"]["exclusiveMinimum"], ranges::TIMEOUT.min);
        for (field, range) in [
            ("timeout", ranges::TIMEOUT),
            ("reaction_time", ranges::SECONDS),
        ] {
            assert_eq!(
                Some(&defaults[field]["maximum"]),
                range.max.map(bound).as_ref(),
                "{field}"
            );
        }
        let traffic = &defs["option"]["properties"]["traffic"];
        assert_eq!(traffic["minimum"], ranges::TRAFFIC.min);
        assert_eq!(
            Some(&traffic["maximum"]),
            ranges::TRAFFIC.max.map(bound).as_ref()
        );
        let callers = &intents()["properties"]["callers"]["anyOf"][0]["properties"];
        assert_eq!(
            Some(&callers["mistake_rate"]["maximum"]),
            ranges::RATE.max.map(bound).as_ref()
        );
        assert_eq!(
            callers["patience"]["exclusiveMinimum"],
            ranges::PATIENCE.min
        );
        assert_eq!(
            Some(&callers["patience"]["maximum"]),
            ranges::PATIENCE.max.map(bound).as_ref()
        );
        let agent_depth =
            &config()["properties"]["rules"]["properties"]["agent-depth"]["anyOf"][1]["properties"];
        assert_eq!(
            Some(&agent_depth["max_inputs"]["maximum"]),
            ranges::WHOLE_RULE_OPTION.max.map(bound).as_ref()
        );

        // The loader takes both ends of each range and refuses one past either.
        let (r, d) = (ranges::RETRIES, ranges::DIGITS);
        assert!(loads(&format!("retries: {}", r.min), 4));
        assert!(loads(&format!("retries: {}", r.max), 4));
        assert!(!loads(&format!("retries: {}", r.max + 1), 4));
        assert!(!loads(&format!("retries: {}", r.min - 1), 4));
        assert!(loads("retries: 1", d.min) && loads("retries: 1", d.max));
        assert!(!loads("retries: 1", d.min - 1) && !loads("retries: 1", d.max + 1));
        assert!(loads("timeout: 0.001", 4) && !loads("timeout: 0", 4));
    }
}
