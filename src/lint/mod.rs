//! The linter: every registered rule over a menu, then suppressions.
//!
//! [`lint_menu`] is the whole linter for one menu; [`structural_errors`] is the one question the
//! simulator's driver asks it (may this menu be simulated?). Walking folders and finding each
//! file's configuration is the driver's job (`commands::lint`).

pub mod baseline;
pub mod context;
pub mod edits;
mod paths;
pub mod registry;
pub mod report;
pub mod rule;
mod rules;
pub mod settings;
mod suppression;

use crate::diagnostic::{Diagnostic, INPUT_ERROR, Label, Severity};
use crate::intents::Intents;
use crate::menu::Menu;
use crate::menu::analysis::Analysis;
use crate::menu::graph::MenuGraph;
use crate::menu::routing::routing_too_large;
use crate::source::Span;

pub use report::{LintReport, Summary};
pub use settings::{RuleSettings, Settings};

use context::Context;
use rule::InFile;

/// Lints one menu (with its intents, if any) and returns its findings, in no set order.
///
/// A menu and intents file too large to route together (`MAX_ROUTING_PAIRS`) give one input
/// error in the intents file, and the menu is linted without its intents.
pub fn lint_menu(menu: &Menu, intents: Option<&Intents>, settings: &Settings) -> Vec<Diagnostic> {
    run_rules(menu, intents, settings, Suppressions::Apply)
}

/// Whether `# ivr: allow(...)` and `lint: allow` silence findings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Suppressions {
    Apply,
    /// A menu that cannot be simulated stays so whatever a suppression says.
    Ignore,
}

fn run_rules(
    menu: &Menu,
    intents: Option<&Intents>,
    settings: &Settings,
    suppressions: Suppressions,
) -> Vec<Diagnostic> {
    if let Some(error) = intents.and_then(|i| too_large_to_route(menu, i)) {
        let mut found = run_rules(menu, None, settings, suppressions);
        found.push(error);
        return found;
    }
    let graph = MenuGraph::build(menu);
    let analysis = Analysis::new(menu, &graph, intents);
    let mut allows = match suppressions {
        Suppressions::Apply => suppression::collect(menu, intents.map(|i| &i.source)),
        Suppressions::Ignore => Vec::new(),
    };
    let allow_index = suppression::AllowIndex::new(&allows);
    let mut diagnostics = Vec::new();
    for rule in registry::RULES {
        let (Some(severity), settings) = settings.rule(rule) else {
            continue;
        };
        let mut findings = Vec::new();
        (rule.check)(
            &Context {
                analysis: &analysis,
                settings: &settings,
            },
            &mut findings,
        );
        for finding in findings {
            let source = match finding.file {
                InFile::Intents => intents.map_or(&menu.source, |i| &i.source),
                InFile::Menu => &menu.source,
            };
            let line = source.line_of(finding.span.start);
            if allow_index.silence(&mut allows, rule.name, &finding, menu, line) {
                continue;
            }
            let severity = finding.at_most.map_or(severity, |cap| severity.max(cap));
            let mut finding = finding;
            finding.message = named_with_label(finding.message, finding.node.as_deref(), menu);
            diagnostics.push(to_diagnostic(rule.name, severity, finding, source));
        }
    }
    let (Some(severity), _) = settings.rule(&rules::unused_allow::UNUSED_ALLOW) else {
        return diagnostics;
    };
    for allow in allows.iter().filter(|a| !a.used) {
        // A name that is no rule is `invalid-suppression`'s to report.
        if registry::rule(&allow.rule).is_none() {
            continue;
        }
        // An allow of a rule that is switched off is not stale: it may be switched on again.
        if registry::rule(&allow.rule).is_some_and(|r| settings.rule(r).0.is_none()) {
            continue;
        }
        let mut finding = suppression::unused(allow);
        let source = match finding.file {
            InFile::Intents => intents.map_or(&menu.source, |i| &i.source),
            InFile::Menu => &menu.source,
        };
        finding.fix = suppression::removal(source, allow);
        diagnostics.push(to_diagnostic(
            registry::rule("unused-allow").map_or("unused-allow", |r| r.name),
            severity,
            finding,
            source,
        ));
    }
    diagnostics
}

/// Rules whose error findings make a menu impossible to simulate.
pub const STRUCTURAL_RULES: [&str; 4] = [
    "unknown-target",
    "missing-field",
    "duplicate-key",
    "invalid-key",
];

/// The findings that stop a simulation: error-severity findings of the [`STRUCTURAL_RULES`]
/// at the rules' default settings, whatever a config or a suppression says (a menu whose option
/// leads nowhere cannot be run, however accepted the finding is), and input errors (a menu and
/// intents too large to route), in file order.
///
/// A menu and intents too large to route give that one input error, found before any rule runs
/// (the rules on a menu that large take long, and the simulation could not run anyway).
pub fn structural_errors(menu: &Menu, intents: Option<&Intents>) -> Vec<Diagnostic> {
    if let Some(error) = intents.and_then(|i| too_large_to_route(menu, i)) {
        return vec![error];
    }
    // Only the structural rules run: the others (routing every intent among them) would cost
    // a simulation of a big menu more than its calls, for findings thrown away here.
    let mut only_structural = Settings::default();
    for rule in registry::RULES {
        if !STRUCTURAL_RULES.contains(&rule.name) {
            only_structural.set_severity(rule, None);
        }
    }
    let mut found: Vec<Diagnostic> =
        run_rules(menu, intents, &only_structural, Suppressions::Ignore)
            .into_iter()
            .filter(|d| {
                d.severity == Severity::Error
                    && (STRUCTURAL_RULES.contains(&d.code.as_str()) || d.code == INPUT_ERROR)
            })
            .collect();
    found.sort_by_key(|d| d.position());
    found
}

/// The input error in the intents file for a menu and intents too large to route together.
fn too_large_to_route(menu: &Menu, intents: &Intents) -> Option<Diagnostic> {
    let message = routing_too_large(menu, intents)?;
    Some(
        Diagnostic::input_error(&intents.source, Span::new(0, 0), message, "these intents")
            .with_help("split the menu or the intents file; see docs/limits.md"),
    )
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
    severity: Severity,
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
        fix: finding.fix,
    }
}
