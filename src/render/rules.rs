//! The rules' documentation: the list `ivr rules` prints, and Markdown pages (what `ivr rule
//! NAME` prints; docs/rules/ is generated from them, so the two never drift).

use crate::lint::registry::RULES;
use crate::lint::rule::Rule;

/// One rule's page: what `ivr rule NAME` prints.
pub fn rule_page(rule: &Rule) -> String {
    let mut page = format!(
        "# {}\n\nDefault severity: {}.\n\n",
        rule.name, rule.severity
    );
    page.push_str(&rule.documentation());
    page
}

/// The index of all rules.
pub fn index_page() -> String {
    let mut page = String::from(
        "# Lint rules\n\nGenerated from the rules' documentation comments (`ivr rules`, `ivr rule NAME`).\n\n| rule | default | checks |\n|---|---|---|\n",
    );
    for rule in RULES {
        page.push_str(&format!(
            "| [`{0}`]({0}.md) | {1} | {2} |\n",
            rule.name,
            rule.severity,
            rule.summary.replace('|', "\\|")
        ));
    }
    page.push_str(
        "\nCodes that appear in output but are not rules (they cannot be switched off):\n\n| code | checks |\n|---|---|\n",
    );
    for code in OUTPUT_CODES {
        page.push_str(&format!(
            "| [`{0}`]({0}.md) | {1} |\n",
            code.name, code.summary
        ));
    }
    page
}

/// `ivr rules`: name, default severity and one line for each rule.
pub fn rule_list() -> String {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// A code that can appear in output without being a lint rule: it cannot be switched off or
/// suppressed, and it is documented like a rule (`ivr rule input-error`).
#[derive(Clone, Copy, Debug)]
pub struct OutputCode {
    pub name: &'static str,
    pub summary: &'static str,
    /// The page, with the same headings as a rule's.
    pub doc: &'static str,
}

/// Every code that is not a rule.
pub const OUTPUT_CODES: [OutputCode; 2] = [
    OutputCode {
        name: crate::diagnostic::INPUT_ERROR,
        summary: "the file cannot be read as a menu or intents file",
        doc: "## What it checks

That each file can be read at all: it exists, it is UTF-8 text of a sensible size, it is
well-formed YAML, and it is a menu or an intents file whose fields have the right types and
values in range (an unknown field is reported with the closest known name).

## Why it matters

A file that cannot be read cannot be checked or simulated. `ivr lint` reports it as a finding
(exit 1) and goes on with the other files; `ivr sim` and `ivr compare` stop (exit 2).

## Example

```yaml
nodes:
  main:
    optoins: []   # unknown field: did you mean `options`?
```

## Instead

Fix the file at the position shown; docs/format.md describes the format.

## Options

None: it cannot be switched off or suppressed.
",
    },
    OutputCode {
        name: crate::diagnostic::USAGE_ERROR,
        summary: "the command line asks for something that cannot be done",
        doc: "## What it checks

That the command line can be obeyed: known flags with values in range, flags that can be used
together, rule names that exist (`--select`, `--ignore`, `ivr rule NAME`).

## Why it matters

`ivr` stops (exit 2) rather than guess, so a typo cannot silently switch a check off.

## Example

```sh
ivr lint --select self-servce-depth   # no rule is named `self-servce-depth`
```

## Instead

Correct the command as the message says; `ivr rules` lists the rule names.

## Options

None: it cannot be switched off or suppressed.
",
    },
];

/// The code that is not a rule with this name.
pub fn output_code(name: &str) -> Option<&'static OutputCode> {
    OUTPUT_CODES.iter().find(|c| c.name == name)
}

/// The page of a code that is not a rule: what `ivr rule input-error` prints.
pub fn output_code_page(code: &OutputCode) -> String {
    format!(
        "# {}\n\nDefault severity: error (not a rule: it cannot be switched off).\n\n{}",
        code.name, code.doc
    )
}

/// A rule id as SARIF's human-readable `name`: `self-service-depth` -> `SelfServiceDepth`.
pub fn camel_name(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// `ivr rules --format json`: every rule with its severity, summary, options and page, then the
/// codes that are not rules (with `"rule": false`).
pub fn rule_list_json() -> String {
    let mut all: Vec<serde_json::Value> = RULES
        .iter()
        .map(|rule| {
            let options: Vec<serde_json::Value> = rule
                .options
                .iter()
                .map(|o| {
                    serde_json::json!({
                        "name": o.name,
                        "default": o.default,
                        "integer": o.integer,
                        "description": o.description,
                    })
                })
                .collect();
            serde_json::json!({
                "name": rule.name,
                "rule": true,
                "severity": rule.severity.as_str(),
                "summary": rule.summary,
                "options": options,
                "documentation": rule.documentation(),
            })
        })
        .collect();
    all.extend(OUTPUT_CODES.iter().map(|code| {
        serde_json::json!({
            "name": code.name,
            "rule": false,
            "severity": "error",
            "summary": code.summary,
            "options": [],
            "documentation": code.doc,
        })
    }));
    serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
}
