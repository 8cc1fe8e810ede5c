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
