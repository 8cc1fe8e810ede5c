//! The schema of a partial result (`--shard I/N --format partial`), printed by
//! `ivr schema partial`. It is read back by `ivr merge`, which checks far more than a schema
//! can (that the counts add up to the shard's calls); the schema is for tools that move or
//! index partial results, and documents the format.

use serde_json::{Value, json};

use super::{closed, object};
use crate::schema::DIALECT;
use crate::sim::shard::{PARTIAL_FORMAT, PARTIAL_VERSION};

fn count(description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "description": description })
}

/// An integer wider than 64 bits, as a decimal string.
fn wide(description: &str, signed: bool) -> Value {
    let pattern = if signed { "^-?[0-9]+$" } else { "^[0-9]+$" };
    json!({ "type": "string", "pattern": pattern, "description": description })
}

fn counts(description: &str, n: Option<usize>) -> Value {
    let mut v = json!({ "type": "array", "items": { "type": "integer", "minimum": 0 }, "description": description });
    if let Some(n) = n {
        v["minItems"] = json!(n);
        v["maxItems"] = json!(n);
    }
    v
}

fn reference(def: &str, description: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{def}"), "description": description })
}

fn list_of(def: &str, description: &str) -> Value {
    json!({ "type": "array", "items": { "$ref": format!("#/$defs/{def}") }, "description": description })
}

/// The schema of a partial result.
pub fn partial() -> Value {
    let sums = closed(
        "Exact sums of a quantity in whole microseconds (or inputs).",
        vec![
            ("n", count("Values summed.")),
            ("sum", wide("Their sum.", false)),
            (
                "sum_sq",
                wide("The sum of their squares (saturating at 2^128 - 1).", false),
            ),
        ],
    );
    let diff_sums = closed(
        "Exact sums of paired differences, B minus A.",
        vec![
            ("n", count("Pairs summed.")),
            ("sum", wide("The sum of the differences.", true)),
            (
                "sum_sq",
                wide("The sum of their squares (saturating at 2^128 - 1).", false),
            ),
        ],
    );
    let histogram = closed(
        "A histogram: the counts of consecutive buckets from `first` (bucket `first + i` has `counts[i]`). Time buckets are milliseconds, exact below 256 ms and 1/128 of their value wide above; input buckets are one value each. The first and last counts are never 0.",
        vec![
            ("first", count("The bucket of the first count.")),
            ("counts", counts("Calls per bucket.", None)),
        ],
    );
    let intent_tally = closed(
        "The figures of one intent's (or one caller group's) calls.",
        vec![
            (
                "outcomes",
                counts(
                    "Calls ending in each outcome: self_served, agent, misrouted, unresolved, disconnected, abandoned, looped.",
                    Some(7),
                ),
            ),
            (
                "inputs",
                reference("histogram", "Inputs per call, one bucket per value."),
            ),
            ("time", reference("sums", "Call time in microseconds.")),
            (
                "time_histogram",
                reference("histogram", "Call time, by millisecond buckets."),
            ),
            (
                "to_agent",
                reference(
                    "sums",
                    "Time to reach a person, in microseconds, over the calls that did.",
                ),
            ),
            (
                "to_agent_histogram",
                reference("histogram", "The same times, by millisecond buckets."),
            ),
            ("confused", count("Calls that followed a confusion.")),
            (
                "speech",
                counts(
                    "Speech attempts recognised, rejected and misrecognised.",
                    Some(3),
                ),
            ),
        ],
    );
    let tally = closed(
        "A run's figures, per intent and per caller group.",
        vec![
            (
                "intents",
                list_of("intentTally", "Per intent, in the intents file's order."),
            ),
            (
                "personas",
                json!({
                    "type": "array",
                    "description": "Per caller group, in the file's order: `[name, tally]` (empty when the file names no groups).",
                    "items": { "type": "array", "prefixItems": [ { "type": "string" }, { "$ref": "#/$defs/intentTally" } ], "minItems": 2, "maxItems": 2 },
                }),
            ),
            (
                "confusable",
                json!({ "type": "boolean", "description": "Whether callers can be confused (the outputs then give `confused`)." }),
            ),
            (
                "speech",
                json!({ "type": "boolean", "description": "Whether the menu has speech nodes (the outputs then give their figures)." }),
            ),
        ],
    );
    let counted = closed(
        "A per-call count summed over the calls.",
        vec![
            ("sum", count("Its sum.")),
            ("sum_sq", count("The sum of its squares.")),
        ],
    );
    let flow_tally = closed(
        "Where calls went (empty arrays for a shard without calls).",
        vec![
            ("calls", count("Calls behind the flow.")),
            (
                "counts",
                list_of(
                    "counted",
                    "Per node, three counts in turn: visits, invalid keys, silences.",
                ),
            ),
            ("reached", counts("Per node: calls that visited it.", None)),
            (
                "ended",
                counts(
                    "Per node, seven counts in turn: calls that ended there in each outcome.",
                    None,
                ),
            ),
            ("edges", list_of("counted", "Per edge: traversals.")),
        ],
    );
    let pair = json!({
        "type": "array",
        "description": "`[A, B]`.",
        "prefixItems": [ { "$ref": "#/$defs/histogram" }, { "$ref": "#/$defs/histogram" } ],
        "minItems": 2,
        "maxItems": 2,
    });
    let paired_intent = closed(
        "One intent's paired differences (B minus A).",
        vec![
            (
                "outcomes",
                json!({ "type": "array", "items": { "$ref": "#/$defs/diffSums" }, "minItems": 7, "maxItems": 7, "description": "Per outcome: differences of the 0/1 indicators." }),
            ),
            ("inputs", reference("diffSums", "Differences of inputs.")),
            (
                "time",
                reference("diffSums", "Differences of call time, in microseconds."),
            ),
            (
                "confused",
                reference(
                    "diffSums",
                    "Differences of the 0/1 indicators that the call followed a confusion.",
                ),
            ),
        ],
    );
    let pair_tally = closed(
        "A paired run of two menus.",
        vec![
            ("a", reference("tally", "Menu A's figures.")),
            ("b", reference("tally", "Menu B's figures.")),
            (
                "paired",
                list_of("pairedIntent", "Per intent, the paired differences."),
            ),
            (
                "paired_personas",
                list_of(
                    "pairedIntent",
                    "Per caller group (empty when the traffic names none), the paired differences.",
                ),
            ),
            (
                "time_groups",
                json!({ "type": "array", "items": pair, "description": "Per bootstrap group of calls: A's and B's call times." }),
            ),
            (
                "inputs_groups",
                json!({ "type": "array", "items": pair, "description": "Per bootstrap group of calls: A's and B's inputs." }),
            ),
            ("seed", count("The run's seed, which seeds the bootstrap.")),
        ],
    );
    let queue_tally = closed(
        "The calls offered to one queue in one period (a batch of steady state, or an interval of a day).",
        vec![
            ("offered", count("Calls that joined the queue.")),
            ("answered", count("Calls an agent answered.")),
            (
                "answered_in_time",
                count("Calls answered within the target time."),
            ),
            ("waited", count("Calls that found every agent busy.")),
            ("abandoned", count("Calls that hung up while waiting.")),
            ("unserved", count("Calls still waiting when the run ended.")),
            (
                "transferred",
                count("Misrouted calls answered here and sent on."),
            ),
            (
                "wait",
                reference("sums", "Waits of answered calls, in microseconds."),
            ),
            (
                "wait_histogram",
                reference("histogram", "The same waits, by millisecond buckets."),
            ),
            (
                "busy",
                wide("Agent time spent handling calls, in microseconds.", false),
            ),
            (
                "available",
                wide("Agent time available, in microseconds.", false),
            ),
        ],
    );
    let stage_tally = closed(
        "The tallies of every queue in every period.",
        vec![(
            "queues",
            json!({ "type": "array", "items": { "type": "array", "items": { "$ref": "#/$defs/queueTally" } }, "description": "Per queue (in the traffic file's order), per period: the queue's tallies." }),
        )],
    );
    let end_to_end = closed(
        "Counts over the calls of one period (a batch of steady state, or a day), from arrival to an agent.",
        vec![
            ("calls", count("Calls counted.")),
            (
                "answered",
                count("Answered by the agent their intent needs."),
            ),
            (
                "answered_in_time",
                count("Of those, within the target time."),
            ),
            ("abandoned_ivr", count("Hung up in the menu.")),
            ("abandoned_queue", count("Hung up in a queue.")),
            ("transferred", count("Sent on after a misroute.")),
            (
                "time_to_answer",
                reference("sums", "Time from arrival to the answer, in microseconds."),
            ),
            (
                "time_to_answer_histogram",
                reference("histogram", "The same times, by millisecond buckets."),
            ),
        ],
    );
    let queue_run = closed(
        "A run through the agent queues: of a sweep's whole point, or of a shard's days of a day in intervals.",
        vec![
            (
                "stage",
                reference(
                    "stageTally",
                    "Per queue and period, over the run's days (or batches).",
                ),
            ),
            (
                "end_to_end",
                list_of("endToEnd", "Per batch (steady state) or per day, in order."),
            ),
            (
                "days",
                list_of("stageTally", "Per day, in order (empty in steady state)."),
            ),
            ("calls", count("Calls fed to the queues.")),
        ],
    );
    let sim = closed(
        "Shards of `ivr sim`.",
        vec![
            ("tally", reference("tally", "The shard's figures.")),
            (
                "flows",
                list_of(
                    "flowTally",
                    "Where its calls went: one flow, or one per intent with `--by-intent`.",
                ),
            ),
            (
                "queues",
                json!({ "oneOf": [ { "$ref": "#/$defs/queueRun" }, { "type": "null" } ], "description": "With agent queues and a day in intervals: the shard's days through the queues; else null." }),
            ),
        ],
    );
    let compare = closed(
        "Shards of `ivr compare`.",
        vec![
            ("tally", reference("pairTally", "The paired figures.")),
            (
                "flows",
                json!({ "type": "array", "items": { "$ref": "#/$defs/flowTally" }, "minItems": 2, "maxItems": 2, "description": "Where the shard's calls went in menu A, then in menu B." }),
            ),
            (
                "queues",
                json!({ "oneOf": [ { "type": "array", "items": { "$ref": "#/$defs/queueRun" }, "minItems": 2, "maxItems": 2 }, { "type": "null" } ], "description": "With agent queues and a day in intervals: each menu's (A, then B) days of the shard through the queues; else null." }),
            ),
        ],
    );
    let point = closed(
        "One grid point, run whole.",
        vec![
            (
                "point",
                count("Its number, from 0, with the last `--vary` varying fastest."),
            ),
            ("tally", reference("tally", "Its figures.")),
            (
                "queues",
                json!({ "oneOf": [ { "$ref": "#/$defs/queueRun" }, { "type": "null" } ], "description": "With agent queues: the point's run through them; else null." }),
            ),
        ],
    );
    let tallies = json!({
        "description": "The shard's tallies: exactly one of `sim`, `compare` or `vary`.",
        "oneOf": [
            closed("Shards of `ivr sim`.", vec![("sim", sim)]),
            closed("Shards of `ivr compare`.", vec![("compare", compare)]),
            closed("Shards of `ivr sim --vary`.", vec![("vary", closed("Shards of `ivr sim --vary`.", vec![(
                "points",
                json!({
                    "type": "array",
                    "description": "The grid points this shard ran, in order.",
                    "items": point,
                }),
            )]))]),
        ],
    });
    let run = object(
        "The settings of the run: the same in every shard.",
        vec![
            (
                "command",
                json!({ "enum": ["sim", "compare", "vary"], "description": "What the shards run." }),
            ),
            (
                "menu",
                json!({ "type": "string", "description": "The menu file as given (menu A of `compare`); `ivr merge` reads it again, relative to where it runs." }),
            ),
            (
                "menu_b",
                json!({ "type": ["string", "null"], "description": "Menu B of `compare`." }),
            ),
            (
                "intents",
                json!({ "type": ["string", "null"], "description": "`--intents` as given." }),
            ),
            ("calls", count("`--calls` of the whole run.")),
            ("seed", count("`--seed`.")),
            (
                "vary",
                json!({ "type": "array", "items": { "type": "string" }, "description": "`--vary` as given, in order." }),
            ),
            (
                "by_intent",
                json!({ "type": "boolean", "description": "Whether each intent's flow was tallied (`--by-intent`)." }),
            ),
            (
                "days",
                json!({ "type": ["integer", "null"], "minimum": 1, "description": "`--days`, when the traffic has agent queues and describes a day in intervals; else null." }),
            ),
        ],
        &[],
    );
    let mut defs = serde_json::Map::new();
    for (name, def) in [
        ("sums", sums),
        ("diffSums", diff_sums),
        ("histogram", histogram),
        ("intentTally", intent_tally),
        ("tally", tally),
        ("counted", counted),
        ("flowTally", flow_tally),
        ("pairedIntent", paired_intent),
        ("pairTally", pair_tally),
        ("queueTally", queue_tally),
        ("stageTally", stage_tally),
        ("endToEnd", end_to_end),
        ("queueRun", queue_run),
    ] {
        defs.insert(name.to_string(), def);
    }
    let mut schema = closed(
        &format!(
            "A shard's partial result (partial version {PARTIAL_VERSION}): what `--shard I/N --format partial` writes and `ivr merge` reads. Counts are exact; sums wider than 64 bits are decimal strings."
        ),
        vec![
            (
                "format",
                json!({ "const": PARTIAL_FORMAT, "description": "Always `ivr-partial`." }),
            ),
            (
                "version",
                json!({ "const": PARTIAL_VERSION, "description": "The version of this format; `ivr merge` reads only its own." }),
            ),
            (
                "ivr",
                json!({ "type": "string", "description": "The version of ivr that wrote it; merging needs the same." }),
            ),
            (
                "shard",
                closed(
                    "Which shard: `index` from 0 to `count` - 1.",
                    vec![
                        ("index", count("I of `--shard I/N`.")),
                        (
                            "count",
                            json!({ "type": "integer", "minimum": 1, "description": "N of `--shard I/N`." }),
                        ),
                    ],
                ),
            ),
            ("run", run),
            (
                "fingerprint",
                json!({ "type": "string", "pattern": "^[0-9a-f]{16}$", "description": "A hash of the menu and traffic files' contents and of the compiled menus: shards of different inputs are never merged." }),
            ),
            ("tallies", tallies),
        ],
    );
    let map = schema.as_object_mut().expect("an object");
    map.insert("$schema".into(), json!(DIALECT));
    map.insert(
        "$id".into(),
        json!(format!("urn:ivr:schema:partial:{PARTIAL_VERSION}")),
    );
    map.insert("title".into(), json!("ivr --shard I/N --format partial"));
    map.insert("$defs".into(), Value::Object(defs));
    schema
}
