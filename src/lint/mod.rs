//! The linter: every rule of rules.md over a menu, then suppressions.

pub mod context;
pub mod docs;
pub mod files;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod suppression;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Label};
use crate::intents::Intents;
use crate::menu::Menu;
use crate::menu::graph::MenuGraph;

use context::{Context, Shared};
use rule::InFile;

/// Lints one menu (with its intents, if any) and returns its findings, in no set order.
pub fn lint_menu(menu: &Menu, intents: Option<&Intents>, config: &Config) -> Vec<Diagnostic> {
    let graph = MenuGraph::build(menu);
    let shared = Shared::new(menu, &graph, intents);
    let mut allows = suppression::collect(menu, intents.map(|i| &i.source));
    let mut diagnostics = Vec::new();
    for rule in registry::RULES {
        let (Some(severity), settings) = config.rule(rule) else {
            continue;
        };
        let mut findings = Vec::new();
        (rule.check)(
            &Context {
                shared: &shared,
                settings: &settings,
            },
            &mut findings,
        );
        for finding in findings {
            let source = match finding.file {
                InFile::Intents => intents.map_or(&menu.source, |i| &i.source),
                InFile::Menu => &menu.source,
            };
            let line = source.line_col(finding.span.start).line;
            let mut silenced = false;
            for allow in allows.iter_mut() {
                if suppression::silences(allow, rule.name, &finding, menu, line) {
                    allow.used = true;
                    silenced = true;
                }
            }
            if silenced {
                continue;
            }
            let severity = finding.at_most.map_or(severity, |cap| severity.max(cap));
            let mut finding = finding;
            finding.message = named_with_label(finding.message, finding.node.as_deref(), menu);
            diagnostics.push(to_diagnostic(rule.name, severity, finding, source));
        }
    }
    let (Some(severity), _) = config.rule(&rules::unused_allow::UNUSED_ALLOW) else {
        return diagnostics;
    };
    for allow in allows.iter().filter(|a| !a.used) {
        // An allow of a rule that is switched off is not stale: it may be switched on again.
        if registry::rule(&allow.rule).is_some_and(|r| config.rule(r).0.is_none()) {
            continue;
        }
        let finding = suppression::unused(allow);
        let source = match finding.file {
            InFile::Intents => intents.map_or(&menu.source, |i| &i.source),
            InFile::Menu => &menu.source,
        };
        diagnostics.push(to_diagnostic(
            registry::rule("unused-allow").map_or("unused-allow", |r| r.name),
            severity,
            finding,
            source,
        ));
    }
    diagnostics
}

/// A finding's message with the node it is about named by its `label` too, the designer's
/// short name for reports: "`bal_menu` (Balance and payments) is 6 inputs from `main`".
fn named_with_label(message: String, node: Option<&str>, menu: &Menu) -> String {
    let Some((id, label)) = node.and_then(|id| {
        let label = menu.node(menu.lookup(id)?).label.as_ref()?;
        Some((id, label))
    }) else {
        return message;
    };
    let name = format!("`{id}`");
    match message.find(&name) {
        Some(at) => {
            let end = at + name.len();
            format!("{} ({}){}", &message[..end], label.value, &message[end..])
        }
        None => message,
    }
}

fn to_diagnostic(
    rule: &str,
    severity: crate::diagnostic::Severity,
    finding: rule::Finding,
    source: &std::sync::Arc<crate::source::SourceFile>,
) -> Diagnostic {
    let mut labels = vec![Label::new(finding.span, finding.label)];
    labels.extend(finding.secondary);
    Diagnostic {
        code: rule.to_string(),
        severity,
        message: finding.message,
        help: finding.help,
        path: source.name(),
        source: Some(source.clone()),
        labels,
        node: finding.node,
    }
}
