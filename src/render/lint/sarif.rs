//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! Written with `serde_json` rather than a SARIF types crate: we emit one small, fixed subset
//! of the format, and a test checks it against what code scanning requires.

use serde_json::{Value, json};

use crate::diagnostic::{INPUT_ERROR, Severity};
use crate::lint::registry::RULES;

use super::line_column;
use crate::lint::LintReport;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(report: &LintReport) -> String {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let doc = r.documentation();
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": first_section(&doc) },
                "help": { "text": doc, "markdown": doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["ivr"] },
            })
        })
        .collect();
    rules.push(json!({
        "id": INPUT_ERROR,
        "name": INPUT_ERROR,
        "shortDescription": { "text": "the file cannot be read as a menu or intents file" },
        "fullDescription": { "text": "Malformed YAML, a value of the wrong type or out of range, an unknown field, or a file that is neither a menu nor an intents file." },
        "help": { "text": "Fix the file at the position shown; docs/format.md describes the format.", "markdown": "Fix the file at the position shown; `docs/format.md` describes the format." },
        "defaultConfiguration": { "level": "error" },
    }));
    let index_of = |code: &str| rules.iter().position(|r| r["id"] == code);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = line_column(d);
            let mut region = json!({ "startLine": line, "startColumn": column });
            if let (Some(source), Some(label)) = (&d.source, d.labels.first()) {
                let end = source.line_col(label.span.end());
                region["endLine"] = json!(end.line);
                region["endColumn"] =
                    json!(
                        end.column
                            .max(if end.line == line { column + 1 } else { 1 })
                    );
            }
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path), "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
            });
            if let Some(i) = index_of(&d.code) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ivr",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// A relative path as a URI reference (forward slashes, `./` dropped, spaces escaped).
fn uri(path: &str) -> String {
    path.trim_start_matches("./")
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
