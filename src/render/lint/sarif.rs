//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! Written with `serde_json` rather than a SARIF types crate: we emit one small, fixed subset
//! of the format, and a test checks it against what code scanning requires. Paths are from the
//! repository root (`%SRCROOT%`), whatever folder `ivr` ran in.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::registry::RULES;
use crate::render::rules::{OUTPUT_CODES, camel_name};

use super::{end_line_column, line_column, placed_fix};
use crate::lint::LintReport;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The `rules` of the tool's driver: every lint rule, then the codes that are not rules
/// (`input-error`, `usage-error`). With `rules_url` (a base ending in `/`), each has a `helpUri`:
/// its page, `<rules_url><id>.md`.
fn rule_descriptors(rules_url: Option<&str>) -> Vec<Value> {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let doc = r.documentation();
            json!({
                "id": r.name,
                "name": camel_name(r.name),
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": first_section(&doc) },
                "help": { "text": doc, "markdown": doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["ivr"] },
            })
        })
        .collect();
    for code in OUTPUT_CODES {
        rules.push(json!({
            "id": code.name,
            "name": camel_name(code.name),
            "shortDescription": { "text": code.summary },
            "fullDescription": { "text": first_section(code.doc) },
            "help": { "text": code.doc, "markdown": code.doc },
            "defaultConfiguration": { "level": "error" },
        }));
    }
    if let Some(base) = rules_url {
        for rule in &mut rules {
            let id = rule["id"].as_str().unwrap_or_default().to_string();
            rule["helpUri"] = json!(format!("{base}{id}.md"));
        }
    }
    rules
}

pub fn render(report: &LintReport, rules_url: Option<&str>) -> String {
    let rules = rule_descriptors(rules_url);
    let index_of = |code: &str| rules.iter().position(|r| r["id"] == code);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = line_column(d);
            let mut region = json!({ "startLine": line, "startColumn": column });
            if d.source.is_some() && !d.labels.is_empty() {
                let (end_line, end_column) = end_line_column(d);
                region["endLine"] = json!(end_line);
                region["endColumn"] = json!(end_column);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri(&report.repository_path(&d.path)),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": region,
                    }
                }],
            });
            if let Some(i) = index_of(&d.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some((fix, edits)) = placed_fix(d) {
                let replacements: Vec<Value> = edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": {
                                "startLine": e.start.line,
                                "startColumn": e.start.column,
                                "endLine": e.end.line,
                                "endColumn": e.end.column,
                                "byteOffset": e.edit.span.start,
                                "byteLength": e.edit.span.len,
                            },
                            "insertedContent": { "text": e.edit.replacement },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": format!("{} ({})", fix.title, fix.applicability.as_str()) },
                    "artifactChanges": [{
                        "artifactLocation": {
                            "uri": uri(&report.repository_path(&d.path)),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "replacements": replacements,
                    }],
                }]);
            }
            result
        })
        .collect();
    log(rules, results, json!([{ "executionSuccessful": true }]))
}

/// What a run that could not be done (exit 2) writes: a valid log with no results, whose
/// invocation failed, with each reason as a tool execution notification.
pub fn render_failure(errors: &[Diagnostic], rules_url: Option<&str>) -> String {
    let rules = rule_descriptors(rules_url);
    let notifications: Vec<Value> = errors
        .iter()
        .map(|d| {
            let mut notification = json!({
                "level": "error",
                "message": { "text": text(d) },
                "descriptor": { "id": d.code },
            });
            if !d.path.is_empty() {
                let (line, column) = line_column(d);
                notification["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path) },
                        "region": { "startLine": line, "startColumn": column },
                    }
                }]);
            }
            notification
        })
        .collect();
    log(
        rules,
        Vec::new(),
        json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": notifications,
        }]),
    )
}

fn log(rules: Vec<Value>, results: Vec<Value>, invocations: Value) -> String {
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ivr",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": invocations,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The message, then the help on its own line.
fn text(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// A relative path as a URI reference (forward slashes, `./` dropped, spaces escaped).
fn uri(path: &str) -> String {
    path.trim_start_matches("./")
        .replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}

/// The text of the "What it checks" section.
fn first_section(doc: &str) -> String {
    doc.lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .take_while(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
