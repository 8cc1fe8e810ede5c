//! JSON Schemas (draft 2020-12) of what `ivr sim`, `ivr compare` and `ivr lint` print with
//! `--format json`, printed by `ivr schema sim-output`, `compare-output` and `lint-output`.
//!
//! They are for the programs that read our output: every object lists its fields, says which
//! are always there (`required`) and refuses any other (`additionalProperties: false`), so a
//! renamed or dropped field fails validation instead of reading as a missing value. Maps keyed
//! by a user's names (intents, queues) take any key. Units are in the descriptions: shares are
//! fractions from 0 to 1, times are seconds, inputs are key presses.
//!
//! Each schema's `$id` ends in its version ([`SIM_OUTPUT_VERSION`], ...). A version goes up when
//! an output changes so that a reader written for the old one could misread it: a field removed,
//! renamed or retyped, a value that was never null becoming nullable, a unit or a meaning
//! changed, a new value in an enumeration. A new field keeps the version. docs/output.md gives
//! users the same policy.
//!
//! The outcome names, node types, sweep parameters and staffing levels come from the model's
//! own lists, so a new outcome is described here the day it exists.

use serde_json::{Map, Value, json};

use crate::menu::NodeKind;
use crate::sim::engine::Outcome;
use crate::sim::staffing;
use crate::sim::sweep::Param;

use super::DIALECT;

mod partial;
pub use partial::partial;

/// Version of the `ivr sim --format json` output (with `--check` and `--vary` too).
pub const SIM_OUTPUT_VERSION: u32 = 1;
/// Version of the `ivr compare --format json` output.
pub const COMPARE_OUTPUT_VERSION: u32 = 1;
/// Version of the `ivr lint --format json` output.
pub const LINT_OUTPUT_VERSION: u32 = 1;

/// The schema of `ivr sim --format json`: one report (with `checks` after `--check`), or with
/// `--vary` a list of grid points, each with its report.
pub fn sim_output() -> Value {
    let mut checked = report_properties();
    checked.push((
        "checks",
        json!({
            "type": "array",
            "description": "With `--check`: each check in the order given.",
            "items": { "$ref": "#/$defs/check" },
        }),
    ));
    let mut defs = sim_defs();
    defs.insert(
        "checkedReport".into(),
        object(
            "A simulation's figures, with the checks' verdicts after `--check`.",
            checked,
            &[
                "nodes",
                "edges",
                "queues",
                "queues_exact",
                "personas",
                "checks",
            ],
        ),
    );
    defs.insert(
        "check".into(),
        closed(
            "One check and its verdict.",
            vec![
                (
                    "expr",
                    json!({ "type": "string", "description": "The check as written, with single spaces around the operator." }),
                ),
                (
                    "value",
                    json!({ "type": ["number", "null"], "description": "The figure, in its own unit (a share from 0 to 1, seconds, key presses); null when there is none, such as `time_to_agent` when no call reached a person." }),
                ),
                (
                    "ci95",
                    interval_ref("Its 95% interval; null with `--exact` or when the sample supports none."),
                ),
                (
                    "calls",
                    count_or_null("Simulated calls behind the figure (those reaching a person for `time_to_agent`); null with `--exact`."),
                ),
                (
                    "verdict",
                    json!({ "enum": ["pass", "fail", "inconclusive"], "description": "`pass` when the whole interval meets the bound, `fail` when the whole interval breaks it, else `inconclusive`." }),
                ),
            ],
        ),
    );
    let paths: Vec<String> = Param::ALL.iter().map(|p| p.path().into_owned()).collect();
    let calls_per_hour = Param::CallsPerHour.path();
    let mut point: Vec<(&str, Value)> = paths
        .iter()
        .map(|p| {
            (
                p.as_str(),
                json!({ "type": ["number", "boolean", "null"], "description": "The parameter's value at this point (as in an intents file's `callers:`; null is `patience: null`)." }),
            )
        })
        .collect();
    point.push((
        &calls_per_hour,
        json!({ "type": "number", "exclusiveMinimum": 0, "description": "The steady arrival rate at this point, calls per hour." }),
    ));
    let mut optional: Vec<&str> = paths.iter().map(String::as_str).collect();
    optional.push(&calls_per_hour);
    let mut point_object = object(
        "The varied parameters (caller settings, queue settings, decision branch shares, speech nodes' accuracy and reject_rate) and their values here.",
        point,
        &optional,
    );
    point_object["patternProperties"] = json!({
        "^queues\\..+\\.agents$": { "type": "integer", "minimum": 0, "description": "A queue's agents at this point (`queues.NAME.agents`), in every interval of a day." },
        "^nodes\\..+\\.branches\\..+$": { "type": "number", "description": "A decision branch's share at this point (`nodes.NODE.branches.WHEN`)." },
        "^nodes\\..+\\.(accuracy|reject_rate)$": { "type": "number", "description": "A speech node's varied `accuracy` or `reject_rate` at this point." },
    });
    defs.insert(
        "sweepPoint".into(),
        object(
            "With `--vary`: one point of the grid and its figures.",
            vec![
                ("point", point_object),
                (
                    "result",
                    described_ref("report", "The figures at this point, as without `--vary`."),
                ),
                (
                    "checks",
                    json!({
                        "type": "array",
                        "description": "With `--check`: each check decided at this point, in the order given.",
                        "items": { "$ref": "#/$defs/check" },
                    }),
                ),
            ],
            &["checks"],
        ),
    );
    json!({
        "$schema": DIALECT,
        "$id": format!("urn:ivr:schema:sim-output:{SIM_OUTPUT_VERSION}"),
        "title": "ivr sim --format json",
        "description": format!("What `ivr sim --format json` prints (output version {SIM_OUTPUT_VERSION}): one report, or with `--vary` a list of grid points. Shares are fractions from 0 to 1, times are seconds, inputs are key presses."),
        "anyOf": [
            { "$ref": "#/$defs/checkedReport" },
            {
                "type": "array",
                "description": "With `--vary`: one entry per point of the grid, the last `--vary` varying fastest.",
                "items": { "$ref": "#/$defs/sweepPoint" },
            },
        ],
        "$defs": defs,
    })
}

/// The schema of `ivr compare --format json`.
pub fn compare_output() -> Value {
    let mut defs = sim_defs();
    defs.insert(
        "difference".into(),
        closed(
            "B's figure minus A's, in the figure's unit (share differences as fractions, seconds, key presses).",
            vec![
                (
                    "diff",
                    json!({ "type": ["number", "null"], "description": "B minus A; for a quantile, B's quantile over all its calls minus A's." }),
                ),
                (
                    "ci95",
                    interval_ref("95% interval of the difference from the paired calls; null with `--exact` or when the sample supports none."),
                ),
                (
                    "significant",
                    json!({ "type": "boolean", "description": "The interval lies wholly above or below 0 (always false with `--exact`)." }),
                ),
            ],
        ),
    );
    let difference_or_null = |description: &str| json!({ "anyOf": [{ "$ref": "#/$defs/difference" }, { "type": "null" }], "description": description });
    defs.insert(
        "quantityDiff".into(),
        object(
            "Differences of one quantity: its mean and, for the whole traffic of a sampled run, its quantiles.",
            vec![
                ("mean", difference_or_null("Difference of the means; null when either side has none.")),
                ("p50", described_ref("difference", "Difference of the 50th percentiles (B's over all its calls minus A's), with a paired bootstrap interval.")),
                ("p90", described_ref("difference", "Difference of the 90th percentiles (B's over all its calls minus A's), with a paired bootstrap interval.")),
                ("p99", described_ref("difference", "Difference of the 99th percentiles (B's over all its calls minus A's), with a paired bootstrap interval.")),
            ],
            &["p50", "p90", "p99"],
        ),
    );
    defs.insert(
        "scopeDiff".into(),
        object(
            "The differences of the whole traffic or of one intent.",
            vec![
                (
                    "calls",
                    count_or_null("Paired calls behind the differences; null with `--exact`."),
                ),
                (
                    "outcomes",
                    per_outcome(
                        json!({ "$ref": "#/$defs/difference" }),
                        "Difference of the share of calls ending in each outcome (fractions: 0.01 is one percentage point).",
                    ),
                ),
                ("inputs", described_ref("quantityDiff", "Key presses per call.")),
                ("time", described_ref("quantityDiff", "Seconds per call.")),
                (
                    "time_to_agent",
                    described_ref("quantityDiff", "Seconds per call to reach a person, over the calls that reach one in each menu (Welch's interval: they are not the same calls)."),
                ),
                (
                    "confused",
                    described_ref("difference", "When either menu's callers can be confused: the difference of the share of calls that picked a wrong category at some menu (0 for a menu whose callers cannot be), paired like the outcomes."),
                ),
                (
                    "speech",
                    closed(
                        "When either menu has a speech node: differences of its figures (a menu without one counts as no attempts). The shares are of attempts, whose number differs between the menus: no interval.",
                        vec![
                            ("attempts", described_ref("difference", "Spoken attempts per call.")),
                            ("recognised", described_ref("difference", "Share of the attempts routed to the caller's own intent's node.")),
                            ("rejected", described_ref("difference", "Share of the attempts asked to repeat.")),
                            ("misrecognised", described_ref("difference", "Share of the attempts routed to another intent's node.")),
                        ],
                    ),
                ),
            ],
            &["confused", "speech"],
        ),
    );
    let queue_diff = |d: &str| described_ref("difference", d);
    let by_queue = |d: &str| json!({ "type": "object", "description": d, "additionalProperties": { "$ref": "#/$defs/queueFiguresDiff" } });
    let queue_wait = object(
        "Differences of the wait of answered calls, seconds.",
        vec![
            (
                "mean",
                difference_or_null("Difference of the mean waits (the ASA)."),
            ),
            ("p50", queue_diff("Difference of the medians.")),
            ("p90", queue_diff("Difference of the 90th percentiles.")),
            ("p99", queue_diff("Difference of the 99th percentiles.")),
        ],
        &["p50", "p90", "p99"],
    );
    defs.insert(
        "queueFiguresDiff".into(),
        closed(
            "Differences of one queue's figures (or all queues'), B minus A, each with a Student t interval from the paired batches or days.",
            vec![
                ("offered", queue_diff("Calls that joined the queue (a count).")),
                ("answered", queue_diff("Calls an agent answered (a count).")),
                ("answered_share", queue_diff("Share of the offered calls an agent answered.")),
                ("service_level", queue_diff("Share answered within `answer_within` seconds.")),
                ("asa", queue_diff("Average speed of answer, seconds.")),
                ("p_wait", queue_diff("Share of calls that waited at all.")),
                ("abandoned", queue_diff("Share that hung up in the queue.")),
                ("occupancy", queue_diff("Share of agents' time spent on calls.")),
                ("wait", queue_wait),
            ],
        ),
    );
    defs.insert(
        "queueDiff".into(),
        closed(
            "The differences of the queue figures: both menus ran through the queues on the same arrivals, patience and handle times.",
            vec![
                ("mode", json!({ "enum": ["steady", "day"], "description": "`steady` (batches after the first hour) or `day` (days of intervals)." })),
                ("replicates", json!({ "type": "integer", "minimum": 0, "description": "The paired batches or days behind the intervals." })),
                ("overall", described_ref("queueFiguresDiff", "All queues together.")),
                ("queues", by_queue("Per queue, keyed by name.")),
                (
                    "end_to_end",
                    closed(
                        "Per call, from arrival to the right agent.",
                        vec![
                            ("calls", json!({ "type": "integer", "minimum": 0, "description": "Calls counted in each run (the same calls)." })),
                            ("answered", queue_diff("Share answered by the agent their intent needs.")),
                            ("abandoned_total", queue_diff("Share that hung up, in the menu or in a queue.")),
                            ("transferred", queue_diff("Share answered by a wrong agent and transferred.")),
                            (
                                "time_to_answer",
                                object(
                                    "Seconds from arrival to the right agent's answer.",
                                    vec![
                                        ("mean", difference_or_null("Difference of the means.")),
                                        ("p50", queue_diff("Difference of the medians.")),
                                        ("p90", queue_diff("Difference of the 90th percentiles.")),
                                        ("p99", queue_diff("Difference of the 99th percentiles.")),
                                    ],
                                    &["p50", "p90", "p99"],
                                ),
                            ),
                            ("time_to_answer_within", queue_diff("Share of answered calls answered within `answer_within` seconds of arriving.")),
                        ],
                    ),
                ),
                (
                    "intervals",
                    json!({
                        "anyOf": [
                            {
                                "type": "array",
                                "items": closed(
                                    "One interval of the day.",
                                    vec![
                                        ("start_minutes", json!({ "type": "number", "minimum": 0, "description": "Minutes from the start of the day." })),
                                        ("overall", described_ref("queueFiguresDiff", "All queues in this interval.")),
                                        ("queues", by_queue("Per queue in this interval, keyed by name.")),
                                    ],
                                ),
                            },
                            { "type": "null" },
                        ],
                        "description": "A day: the differences per interval; null in steady state.",
                    }),
                ),
            ],
        ),
    );
    json!({
        "$schema": DIALECT,
        "$id": format!("urn:ivr:schema:compare-output:{COMPARE_OUTPUT_VERSION}"),
        "title": "ivr compare --format json",
        "description": format!("What `ivr compare --format json` prints (output version {COMPARE_OUTPUT_VERSION}): both menus' reports on the same calls and their differences, B minus A."),
        "type": "object",
        "additionalProperties": false,
        "required": ["a", "b", "diff"],
        "properties": {
            "a": described_ref("report", "Menu A's figures, as `ivr sim --format json` gives them."),
            "b": described_ref("report", "Menu B's figures, on the same calls and seed."),
            "diff": object(
                "B minus A.",
                vec![
                    ("overall", described_ref("scopeDiff", "The whole traffic.")),
                    (
                        "intents",
                        json!({
                            "type": "object",
                            "description": "Per intent, keyed by name, in the intents file's order.",
                            "additionalProperties": { "$ref": "#/$defs/scopeDiff" },
                        }),
                    ),
                    ("queues", described_ref("queueDiff", "The queue figures' differences, when the traffic file has `arrivals` and `queues` (not with `--exact`).")),
                    (
                        "personas",
                        json!({
                            "type": "object",
                            "description": "Per caller group, keyed by name, in the intents file's order, when it names groups (paired calls share their group).",
                            "additionalProperties": { "$ref": "#/$defs/scopeDiff" },
                        }),
                    ),
                ],
                &["queues", "personas"],
            ),
        },
        "$defs": defs,
    })
}

/// The schema of `ivr lint --format json`.
pub fn lint_output() -> Value {
    let count = |d: &str| json!({ "type": "integer", "minimum": 0, "description": d });
    let position = |d: &str| json!({ "type": "integer", "minimum": 1, "description": d });
    let finding = closed(
        "One finding.",
        vec![
            (
                "rule",
                json!({ "type": "string", "description": "Its code: a rule's name, `input-error` or `usage-error` (`ivr rule CODE` explains each)." }),
            ),
            (
                "severity",
                json!({ "enum": ["error", "warning", "info"], "description": "How serious it is." }),
            ),
            (
                "file",
                json!({ "type": "string", "description": "The file as it was named (empty for a usage error)." }),
            ),
            ("line", position("Line where it starts (from 1).")),
            (
                "column",
                position("Column where it starts (from 1, in Unicode code points)."),
            ),
            ("end_line", position("Line just past what it marks.")),
            ("end_column", position("Column just past what it marks.")),
            (
                "node",
                json!({ "type": ["string", "null"], "description": "The id of the node it is about, or null." }),
            ),
            (
                "message",
                json!({ "type": "string", "description": "What is wrong (one line)." }),
            ),
            (
                "help",
                json!({ "type": ["string", "null"], "description": "What to do about it, or null." }),
            ),
            (
                "fix",
                json!({
                    "description": "How `ivr lint --fix` repairs it, or null.",
                    "oneOf": [
                        { "type": "null" },
                        { "$ref": "#/$defs/fix" },
                    ],
                }),
            ),
        ],
    );
    let place = closed(
        "A place in the file.",
        vec![
            ("line", position("Line (from 1).")),
            (
                "column",
                position("Column (from 1, in Unicode code points)."),
            ),
            ("offset", count("Byte offset from the start of the file.")),
        ],
    );
    let fix = closed(
        "A fix: edits of the finding's file, applied together.",
        vec![
            (
                "title",
                json!({ "type": "string", "description": "What it does, as a command." }),
            ),
            (
                "applicability",
                json!({ "enum": ["safe", "unsafe"], "description": "`safe`: repairs how the file is written; `unsafe`: changes what callers hear or press." }),
            ),
            (
                "edits",
                json!({
                    "type": "array",
                    "description": "Replacements of the original text; they do not overlap.",
                    "items": closed(
                        "Replace the text from `start` to just before `end` with `replacement`.",
                        vec![
                            ("start", json!({ "$ref": "#/$defs/place", "description": "Where the replaced text starts." })),
                            ("end", json!({ "$ref": "#/$defs/place", "description": "Just past the replaced text." })),
                            ("replacement", json!({ "type": "string", "description": "The new text." })),
                        ],
                    ),
                }),
            ),
        ],
    );
    json!({
        "$schema": DIALECT,
        "$id": format!("urn:ivr:schema:lint-output:{LINT_OUTPUT_VERSION}"),
        "title": "ivr lint --format json",
        "description": format!("What `ivr lint --format json` prints (output version {LINT_OUTPUT_VERSION})."),
        "type": "object",
        "additionalProperties": false,
        "required": ["files", "diagnostics", "summary"],
        "properties": {
            "files": count("Menu and intents files read."),
            "diagnostics": {
                "type": "array",
                "description": "The findings, sorted by file, line, column and rule.",
                "items": { "$ref": "#/$defs/finding" },
            },
            "summary": closed(
                "Counts of the findings by severity.",
                vec![
                    ("errors", count("Findings of severity `error`.")),
                    ("warnings", count("Findings of severity `warning`.")),
                    ("infos", count("Findings of severity `info`.")),
                ],
            ),
            "errors": {
                "type": "array",
                "description": "Only when the run could not be done (exit 2): why, each shaped like a finding; `diagnostics` is then empty.",
                "items": { "$ref": "#/$defs/finding" },
            },
        },
        "$defs": { "finding": finding, "fix": fix, "place": place },
    })
}

/// The fields of a simulation report (`ivr sim --format json`, and `a` and `b` of a comparison).
fn report_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "menu",
            json!({ "type": "string", "description": "The menu file, as named." }),
        ),
        (
            "calls",
            count_or_null("Calls simulated; null with `--exact`."),
        ),
        ("seed", count_or_null("The seed; null with `--exact`.")),
        (
            "exact",
            json!({ "type": "boolean", "description": "Solved exactly (`--exact`) rather than sampled: no intervals, no quantiles." }),
        ),
        ("overall", described_ref("figures", "The whole traffic.")),
        (
            "intents",
            json!({
                "type": "object",
                "description": "Per intent, keyed by name, in the intents file's order.",
                "additionalProperties": { "$ref": "#/$defs/intentFigures" },
            }),
        ),
        ("nodes", nodes()),
        ("edges", edges()),
        (
            "queues",
            described_ref(
                "queueReport",
                "The agent queues after the transfer, when the traffic file has `arrivals` and `queues` (not with `--exact`).",
            ),
        ),
        (
            "queues_exact",
            described_ref(
                "staffReport",
                "With `--exact`, when the traffic file has `arrivals` and `queues`: Erlang's figures for each queue.",
            ),
        ),
        (
            "personas",
            json!({
                "type": "object",
                "description": "When the intents file names caller groups: per group, keyed by name, in the file's order (`share`: the group's share of all calls).",
                "additionalProperties": { "$ref": "#/$defs/intentFigures" },
            }),
        ),
    ]
}

/// Definitions shared by the simulation and comparison schemas.
fn sim_defs() -> Map<String, Value> {
    let mut defs = Map::new();
    defs.insert(
        "interval".into(),
        json!({
            "type": ["array", "null"],
            "description": "A 95% interval `[low, high]` in the figure's unit; `high` is null when the sample cannot bound the figure from above.",
            "prefixItems": [{ "type": "number" }, { "type": ["number", "null"] }],
            "items": false,
            "minItems": 2,
        }),
    );
    defs.insert(
        "wholeInterval".into(),
        json!({
            "type": ["array", "null"],
            "description": "A 95% interval of a whole number of key presses `[low, high]`; `high` is null when the sample cannot bound it.",
            "prefixItems": [{ "type": "integer" }, { "type": ["integer", "null"] }],
            "items": false,
            "minItems": 2,
        }),
    );
    defs.insert(
        "report".into(),
        object(
            "A simulation's figures.",
            report_properties(),
            &["nodes", "edges", "queues", "queues_exact", "personas"],
        ),
    );
    defs.insert("distribution".into(), distribution("number", "interval"));
    defs.insert(
        "inputsDistribution".into(),
        distribution("integer", "wholeInterval"),
    );
    defs.insert(
        "figures".into(),
        object(
            "The figures of the whole traffic or of one intent.",
            figure_properties(),
            CALLER_FIGURES,
        ),
    );
    let mut intent = vec![(
        "share",
        json!({ "type": "number", "description": "The intent's share of the calls (its normalised weight, from 0 to 1)." }),
    )];
    intent.extend(figure_properties());
    intent.push(("nodes", nodes()));
    intent.push(("edges", edges()));
    defs.insert(
        "intentFigures".into(),
        object(
            "One intent's figures (with `--by-intent`, its `nodes` and `edges` too).",
            intent,
            &["nodes", "edges", "confused", "confused_ci95", "speech"],
        ),
    );
    defs.insert(
        "perCall".into(),
        closed(
            "A count per call: its mean and interval.",
            vec![
                (
                    "mean",
                    json!({ "type": "number", "description": "Mean per call." }),
                ),
                (
                    "mean_ci95",
                    interval_ref("Its interval; null with `--exact`."),
                ),
            ],
        ),
    );
    defs.insert("node".into(), node_flow());
    defs.insert("edge".into(), edge_flow());
    defs.extend(queue_defs());
    defs.extend(staff_defs());
    defs
}

fn figure_properties() -> Vec<(&'static str, Value)> {
    vec![
        (
            "calls",
            count_or_null("Simulated calls behind these figures; null with `--exact`."),
        ),
        (
            "calls_to_agent",
            count_or_null(
                "Of them, the calls that reached a person (the calls behind `time_to_agent`); null with `--exact`.",
            ),
        ),
        (
            "outcomes",
            per_outcome(
                json!({ "type": "number" }),
                "Share of calls ending in each outcome (fractions from 0 to 1; they add up to 1).",
            ),
        ),
        (
            "outcomes_ci95",
            per_outcome(
                json!({ "$ref": "#/$defs/interval" }),
                "Wilson 95% intervals of the shares; null with `--exact`.",
            ),
        ),
        (
            "inputs",
            described_ref(
                "inputsDistribution",
                "Key presses per call (whole-number quantiles).",
            ),
        ),
        ("time", described_ref("distribution", "Seconds per call.")),
        (
            "time_to_agent",
            json!({
                "anyOf": [{ "$ref": "#/$defs/distribution" }, { "type": "null" }],
                "description": "Seconds per call over the calls that reach a person (`agent` or `misrouted`); null when none do.",
            }),
        ),
        (
            "confused",
            json!({ "type": "number", "minimum": 0, "maximum": 1, "description": "When the callers can be confused (`confused_with`, `confusion`): the share of calls that picked a wrong category at some menu." }),
        ),
        (
            "confused_ci95",
            interval_ref("Its Wilson 95% interval (left out with `--exact`)."),
        ),
        (
            "speech",
            closed(
                "When the menu has a speech node: spoken attempts per call, and the shares of them recognised, asked to repeat and misrecognised.",
                vec![
                    (
                        "attempts",
                        json!({ "type": "number", "description": "Spoken attempts per call, at every speech node." }),
                    ),
                    (
                        "recognised",
                        json!({ "type": "number", "description": "Share of the attempts routed to the caller's own intent's node." }),
                    ),
                    (
                        "rejected",
                        json!({ "type": "number", "description": "Share of the attempts asked to repeat." }),
                    ),
                    (
                        "misrecognised",
                        json!({ "type": "number", "description": "Share of the attempts routed to another intent's node." }),
                    ),
                ],
            ),
        ),
    ]
}

/// Figures present only when a traffic file asks for them.
const CALLER_FIGURES: &[&str] = &["confused", "confused_ci95", "speech"];

/// Mean, quantiles and their intervals; `quantile` is the JSON type of a quantile.
fn distribution(quantile: &str, interval: &str) -> Value {
    let mut properties = vec![
        (
            "mean".to_string(),
            json!({ "type": "number", "description": "The mean." }),
        ),
        (
            "mean_ci95".to_string(),
            interval_ref(
                "Student t interval of the mean; `high` null when the calls were all alike; null with `--exact`.",
            ),
        ),
    ];
    for level in ["p50", "p90", "p99"] {
        properties.push((
            level.to_string(),
            json!({ "type": [quantile, "null"], "description": format!("The {} quantile; null with `--exact`.", &level[1..]) }),
        ));
    }
    for level in ["p50", "p90", "p99"] {
        properties.push((
            format!("{level}_ci95"),
            json!({ "$ref": format!("#/$defs/{interval}"), "description": format!("Order-statistic interval of {level}; `high` null when too few calls lie above it; null with `--exact`.") }),
        ));
    }
    let required: Vec<&str> = properties.iter().map(|(k, _)| k.as_str()).collect();
    json!({
        "type": "object",
        "description": "Mean, quantiles and their 95% intervals of one quantity.",
        "additionalProperties": false,
        "required": required,
        "properties": properties.iter().cloned().collect::<Map<String, Value>>(),
    })
}

fn nodes() -> Value {
    json!({
        "type": "array",
        "description": "Where calls go, per node (in JSON always; per intent with `--by-intent`).",
        "items": { "$ref": "#/$defs/node" },
    })
}

fn edges() -> Value {
    json!({
        "type": "array",
        "description": "Where calls go, per edge (in JSON always; per intent with `--by-intent`).",
        "items": { "$ref": "#/$defs/edge" },
    })
}

fn node_flow() -> Value {
    let kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.name()).collect();
    closed(
        "One node's flow.",
        vec![
            (
                "id",
                json!({ "type": "string", "description": "The node's id." }),
            ),
            (
                "type",
                json!({ "enum": kinds, "description": "The node's type." }),
            ),
            (
                "n",
                count_or_null("Calls the figures are over; null with `--exact`."),
            ),
            ("visits", described_ref("perCall", "Visits per call.")),
            (
                "reached",
                json!({ "type": ["number", "null"], "description": "Share of calls that visit the node at least once (null when the exact solver would take too long to find it)." }),
            ),
            (
                "reached_ci95",
                interval_ref("Its Wilson interval; null with `--exact`."),
            ),
            (
                "ended",
                per_outcome(
                    json!({ "type": "number" }),
                    "Share of calls that end here, by outcome.",
                ),
            ),
            (
                "ended_ci95",
                per_outcome(
                    json!({ "$ref": "#/$defs/interval" }),
                    "Their intervals; null with `--exact`.",
                ),
            ),
            (
                "lost",
                json!({ "type": "number", "description": "Share of calls lost here (abandoned, disconnected, unresolved or looped here)." }),
            ),
            (
                "invalid",
                described_ref("perCall", "Invalid keys here per call."),
            ),
            (
                "silences",
                described_ref("perCall", "Silences (timeouts) here per call."),
            ),
        ],
    )
}

fn edge_flow() -> Value {
    object(
        "One edge's flow.",
        vec![
            (
                "from",
                json!({ "type": "string", "description": "The node the edge leaves." }),
            ),
            (
                "to",
                json!({ "type": ["string", "null"], "description": "The node it goes to (null: the call is disconnected)." }),
            ),
            (
                "kind",
                json!({ "enum": ["option", "branch", "to", "invalid", "no_input"], "description": "An option, a decision's branch, a node's `to`, or where retries run out after invalid keys or silence." }),
            ),
            (
                "key",
                json!({ "type": "string", "description": "The option's key, or the branch's `when` (options and branches only)." }),
            ),
            (
                "n",
                count_or_null("Calls the figure is over; null with `--exact`."),
            ),
            (
                "traversals",
                described_ref("perCall", "Traversals per call."),
            ),
        ],
        &["key"],
    )
}

fn queue_defs() -> Map<String, Value> {
    let mut defs = Map::new();
    defs.insert(
        "estimate".into(),
        closed(
            "A queue figure and its interval from the spread of independent batches or days.",
            vec![
                ("value", json!({ "type": ["number", "null"], "description": "The figure over the whole run (null when there is nothing to measure it on)." })),
                ("ci95", interval_ref("Its 95% interval; null with too few batches or days.")),
            ],
        ),
    );
    let estimate = |d: &str| described_ref("estimate", d);
    let seconds_or_null = |d: &str| json!({ "type": ["number", "null"], "description": d });
    defs.insert(
        "queueFigures".into(),
        closed(
            "One queue's figures, or all queues'.",
            vec![
                ("offered", json!({ "type": "integer", "minimum": 0, "description": "Calls that joined the queue (first joins and joins after a misroute)." })),
                ("answered", json!({ "type": "integer", "minimum": 0, "description": "Calls an agent answered." })),
                ("answered_share", estimate("Share of the offered calls an agent answered.")),
                ("service_level", estimate("Share of calls answered within `answer_within` seconds.")),
                ("asa", estimate("Average speed of answer, seconds.")),
                ("p_wait", estimate("Share of calls that waited at all.")),
                ("abandoned", estimate("Share of calls that hung up in the queue.")),
                ("occupancy", estimate("Share of agents' time spent on calls.")),
                (
                    "wait",
                    closed(
                        "Wait of answered calls, seconds.",
                        vec![
                            ("mean", seconds_or_null("Mean wait, seconds.")),
                            ("p50", seconds_or_null("Median wait, seconds.")),
                            ("p90", seconds_or_null("90th percentile wait, seconds.")),
                            ("p99", seconds_or_null("99th percentile wait, seconds.")),
                            ("p50_ci95", interval_ref("Interval of the median from the spread of each batch's (or day's) median; null with too few.")),
                            ("p90_ci95", interval_ref("Interval of the 90th percentile, from the batches or days.")),
                            ("p99_ci95", interval_ref("Interval of the 99th percentile, from the batches or days.")),
                        ],
                    ),
                ),
            ],
        ),
    );
    let by_queue = |item: &str, d: &str| json!({ "type": "object", "description": d, "additionalProperties": { "$ref": format!("#/$defs/{item}") } });
    defs.insert(
        "queueReport".into(),
        closed(
            "The agent queues after the transfer.",
            vec![
                ("mode", json!({ "enum": ["steady", "day"], "description": "`steady`: calls per hour, the first hour not counted; `day`: intervals of a day." })),
                ("days", count_or_null("Days simulated (day mode); null in steady state.")),
                ("answer_within", json!({ "type": "number", "description": "Seconds within which an answer counts towards the service level." })),
                ("target", json!({ "type": "number", "description": "Target service level (a share from 0 to 1)." })),
                ("overall", described_ref("queueFigures", "All queues together.")),
                ("queues", by_queue("queueFigures", "Per queue, keyed by name.")),
                (
                    "end_to_end",
                    closed(
                        "Per call, from arrival to the right agent.",
                        vec![
                            ("calls", json!({ "type": "integer", "minimum": 0, "description": "Calls counted." })),
                            ("answered", estimate("Share answered by the agent their intent needs.")),
                            ("abandoned_total", estimate("Share that hung up, in the IVR or in a queue.")),
                            ("transferred", estimate("Share answered by a wrong agent and transferred.")),
                            (
                                "time_to_answer",
                                json!({ "anyOf": [{ "$ref": "#/$defs/distribution" }, { "type": "null" }], "description": "Seconds from arrival to the right agent's answer, over answered calls; null when none was answered." }),
                            ),
                            ("time_to_answer_within", seconds_or_null("Share of answered calls answered within `answer_within` seconds; null when none was answered.")),
                        ],
                    ),
                ),
                (
                    "intervals",
                    json!({
                        "type": ["array", "null"],
                        "description": "Day mode: per interval of the day; null in steady state.",
                        "items": closed(
                            "One interval of the day.",
                            vec![
                                ("start_minutes", json!({ "type": "number", "description": "Minutes from the start of the day." })),
                                ("overall", described_ref("queueFigures", "All queues in this interval.")),
                                ("queues", by_queue("queueFigures", "Per queue in this interval, keyed by name.")),
                            ],
                        ),
                    }),
                ),
            ],
        ),
    );
    defs
}

fn staff_defs() -> Map<String, Value> {
    let mut defs = Map::new();
    let number = |d: &str| json!({ "type": "number", "description": d });
    let levels: Vec<String> = staffing::LEVELS.iter().map(|l| format!("{l}")).collect();
    let agents_for: Vec<(&str, Value)> = levels
        .iter()
        .map(|l| (l.as_str(), count_or_null("Fewest agents for this service level (with the occupancy cap); null beyond the search.")))
        .collect();
    defs.insert(
        "queueStaffing".into(),
        closed(
            "One queue (in one interval): the offered traffic, today's figures and what staffing needs.",
            vec![
                ("calls_per_hour", number("Calls offered per hour.")),
                ("handle_time", number("Mean seconds an agent holds a call.")),
                ("erlangs", number("Offered load in Erlangs.")),
                ("agents", json!({ "type": "integer", "minimum": 0, "description": "Agents rostered." })),
                (
                    "today",
                    closed(
                        "Erlang's figures with the agents rostered.",
                        vec![
                            ("unstable", json!({ "type": "boolean", "description": "The load is at or above the agents with no abandonment: the queue grows without bound." })),
                            ("service_level", number("Share answered within `answer_within` seconds.")),
                            ("p_wait", number("Share that waits at all.")),
                            ("asa", json!({ "type": ["number", "null"], "description": "Average speed of answer, seconds; null when unstable." })),
                            ("abandoned", number("Share that hangs up in the queue.")),
                            ("occupancy", number("Share of agents' time spent on calls.")),
                        ],
                    ),
                ),
                ("fewest_agents", count_or_null("Fewest agents that meet the target (and the occupancy cap); null beyond the search.")),
                ("agents_for", closed("Fewest agents for each service level, keyed by the level.", agents_for)),
            ],
        ),
    );
    let by_queue = |d: &str| json!({ "type": "object", "description": d, "additionalProperties": { "$ref": "#/$defs/queueStaffing" } });
    defs.insert(
        "staffReport".into(),
        closed(
            "Erlang C / A for each queue, from the exact share of calls joining it.",
            vec![
                ("menu", json!({ "type": "string", "description": "The menu file." })),
                ("answer_within", number("Seconds within which an answer counts towards the service level.")),
                ("target", number("Target service level (a share from 0 to 1).")),
                ("max_occupancy", json!({ "type": ["number", "null"], "description": "Occupancy cap (a share), or null." })),
                ("approximate", json!({ "type": "boolean", "description": "Misrouted callers join a second queue, so the figures are an approximation." })),
                ("shares", json!({ "type": "object", "description": "Each queue's share of all calls, keyed by name.", "additionalProperties": { "type": "number" } })),
                ("queues", by_queue("Steady state: per queue, keyed by name (empty for a day).")),
                (
                    "intervals",
                    json!({
                        "type": ["array", "null"],
                        "description": "A day: per interval; null in steady state.",
                        "items": closed(
                            "One interval of the day.",
                            vec![
                                ("start_minutes", number("Minutes from the start of the day.")),
                                ("queues", by_queue("Per queue in this interval, keyed by name.")),
                            ],
                        ),
                    }),
                ),
            ],
        ),
    );
    defs
}

/// An object with exactly these fields, all required.
fn closed(description: &str, properties: Vec<(&str, Value)>) -> Value {
    object(description, properties, &[])
}

/// An object with exactly these fields, all required but `optional`.
fn object(description: &str, properties: Vec<(&str, Value)>, optional: &[&str]) -> Value {
    let required: Vec<&str> = properties
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !optional.contains(name))
        .collect();
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(name, schema)| (name.to_string(), schema))
        .collect();
    json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

/// One value per outcome, every outcome required.
fn per_outcome(item: Value, description: &str) -> Value {
    closed(
        description,
        Outcome::ALL
            .iter()
            .map(|&o| {
                let mut item = item.clone();
                item["description"] = json!(outcome_meaning(o));
                (o.name(), item)
            })
            .collect(),
    )
}

/// What each outcome means, for the descriptions.
fn outcome_meaning(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::SelfServed => "Served by self-service, no person needed.",
        Outcome::Agent => "Reached the person their intent needs.",
        Outcome::Misrouted => "Reached a person, but not one who serves their intent.",
        Outcome::Unresolved => {
            "The call ended without what the caller came for (a node that does not serve them, a hang-up)."
        }
        Outcome::Disconnected => "Disconnected by the menu: retries ran out with nowhere to go.",
        Outcome::Abandoned => "The caller hung up: their patience ran out.",
        Outcome::Looped => {
            "Went round the menu until the limit on visits (200 nodes) stopped the call."
        }
    }
}

fn described_ref(def: &str, description: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{def}"), "description": description })
}

fn interval_ref(description: &str) -> Value {
    described_ref("interval", description)
}

fn count_or_null(description: &str) -> Value {
    json!({ "type": ["integer", "null"], "minimum": 0, "description": description })
}
