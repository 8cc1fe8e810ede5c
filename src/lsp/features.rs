//! What the server answers about an open file: diagnostics, code actions, hover, definitions,
//! references, renames, inlay hints and the outline (completion has its own file). Each
//! function reads an [`OpenFile`] and returns the protocol's type; none of them touches the disk.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic as LspDiagnostic,
    DiagnosticSeverity, DocumentSymbol, Hover, HoverContents, InlayHint, InlayHintLabel, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::document::{Occurrence, OpenFile, unquoted};
use super::file_uri;
use super::position::LineIndex;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Severity};
use crate::lint::registry::RULES;
use crate::lint::structural_errors;
use crate::menu::analysis::Analysis;
use crate::menu::graph::MenuGraph;
use crate::menu::model::NodeId;
use crate::sim::flow::{FlowNames, exact_flow, exact_flow_figures};
use crate::sim::program::Program;

/// The file's findings as the editor shows them: the primary label's range, the rule's name as
/// the code, the help after the message. `elsewhere` are findings of other open files located in
/// this one (an intent no node serves, in the intents file the menu names).
pub fn diagnostics(file: &OpenFile, elsewhere: &[&Diagnostic]) -> Vec<LspDiagnostic> {
    let index = LineIndex::new(&file.text);
    let mut found: Vec<LspDiagnostic> = file
        .diagnostics
        .iter()
        .chain(elsewhere.iter().copied())
        .map(|d| to_lsp(&index, d))
        .collect();
    // The linter gives no set order; the editor's problem list reads best in the text's.
    found.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message))
    });
    // Two open menus naming one intents file find the same unserved intent once each.
    found.dedup_by(|a, b| (&a.range, &a.code, &a.message) == (&b.range, &b.code, &b.message));
    found
}

fn to_lsp(index: &LineIndex<'_>, d: &Diagnostic) -> LspDiagnostic {
    let range = d
        .labels
        .first()
        .map(|l| index.range(l.span))
        .unwrap_or_default();
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.clone())),
        source: Some("ivr".to_string()),
        message,
        ..LspDiagnostic::default()
    }
}

/// What an unsafe fix's title adds, so that nobody takes it for a repair of the writing only.
const UNSAFE: &str = " (unsafe: changes what callers hear or press)";

/// A code action for each fix carried by a finding whose range meets `range`: safe fixes as
/// preferred quick fixes (the editor's "fix" key applies them), unsafe ones as plain quick fixes
/// that say so. With `source` asked for, also "fix all safe", which applies every safe fix whose
/// edits do not overlap an earlier one's, as one round of `ivr lint --fix` does.
pub fn code_actions(
    file: &OpenFile,
    uri: &Uri,
    range: lsp_types::Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let index = LineIndex::new(&file.text);
    let fixable = file.diagnostics.iter().filter_map(|d| {
        let fix = d.fix.as_ref()?;
        // Edits made for another text (never expected) are not offered.
        (!fix.edits.is_empty() && fix.apply(&file.text).is_some()).then_some((d, fix))
    });
    let mut actions = Vec::new();
    let mut all_safe: Vec<&Edit> = Vec::new();
    for (d, fix) in fixable {
        let shown = to_lsp(&index, d);
        let safe = fix.applicability == Applicability::Safe;
        if safe {
            let overlaps = fix.edits.iter().any(|e| {
                all_safe
                    .iter()
                    .any(|t| e.span.start < t.span.end() && t.span.start < e.span.end())
            });
            if !overlaps {
                all_safe.extend(&fix.edits);
            }
        }
        let meets = shown.range.start <= range.end && range.start <= shown.range.end;
        if !meets || !wants(&CodeActionKind::QUICKFIX) {
            continue;
        }
        let title = if safe {
            fix.title.clone()
        } else {
            format!("{}{UNSAFE}", fix.title)
        };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![shown]),
            edit: Some(edit_of(&index, uri, fix.edits.iter())),
            is_preferred: Some(safe),
            ..CodeAction::default()
        }));
    }
    let fix_all = CodeActionKind::SOURCE_FIX_ALL;
    if !all_safe.is_empty() && wants(&fix_all) {
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Apply every safe ivr fix".to_string(),
            kind: Some(fix_all),
            edit: Some(edit_of(&index, uri, all_safe.into_iter())),
            ..CodeAction::default()
        }));
    }
    actions
}

/// Edits of one file as the protocol's workspace edit, in the text's order.
fn edit_of<'a>(
    index: &LineIndex<'_>,
    uri: &Uri,
    edits: impl Iterator<Item = &'a Edit>,
) -> WorkspaceEdit {
    let mut edits: Vec<&Edit> = edits.collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end()));
    let edits = edits
        .into_iter()
        .map(|e| TextEdit::new(index.range(e.span), e.replacement.clone()))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// Hover on a node id (what the node is and how callers reach it) or on a rule's name in a
/// suppression (the rule's documentation).
pub fn hover(file: &OpenFile, position: Position) -> Option<Hover> {
    let index = LineIndex::new(&file.text);
    let offset = index.offset(position);
    if let Some(occurrence) = file.occurrence_at(offset) {
        let value = node_summary(file, &occurrence.id)?;
        return Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(index.range(occurrence.span)),
        });
    }
    if let Some((span, value)) = option_key_summary(file, offset) {
        return Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(index.range(span)),
        });
    }
    let (word, span) = word_at(&file.text, offset)?;
    let line_start = file.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = file.text[span.start..]
        .find('\n')
        .map_or(file.text.len(), |i| span.start + i);
    // A rule is named in a suppression (`# ivr: allow(...)`, `lint: { allow: [...] }`, one
    // name a line under `allow:`) and in `.ivr.yaml`'s `rules:`.
    let in_allow = file.menu.as_ref().is_some_and(|m| {
        m.nodes
            .iter()
            .filter_map(|n| n.allow.as_ref())
            .flat_map(|a| &a.rules)
            .any(|r| r.span.start <= span.start && span.end() <= r.span.end())
    });
    if !in_allow && !file.is_config() && !file.text[line_start..line_end].contains("allow") {
        return None;
    }
    let rule = RULES.iter().find(|r| r.name == word)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!("# {}\n\n{}", rule.name, rule.documentation()),
        }),
        range: Some(index.range(span)),
    })
}

/// Hover on an option's key: where pressing it leads, how many inputs that takes, and with
/// traffic how often callers press it (the exact solver's figures, as `ivr sim --exact`).
fn option_key_summary(file: &OpenFile, offset: usize) -> Option<(crate::source::Span, String)> {
    let menu = file.menu.as_ref()?;
    let (node, option, key) = menu.nodes.iter().find_map(|node| {
        node.options.iter().find_map(|option| {
            let key = option.key.as_ref()?;
            let span = key.span;
            (span.start <= offset && offset <= span.end()).then_some((node, option, key))
        })
    })?;
    let at = &node.id.value;
    let mut text = format!("**key {}** at `{at}`", key.value);
    match option
        .to
        .as_ref()
        .map(|t| (&t.value, menu.lookup(&t.value)))
    {
        Some((to, Some(target))) => {
            text.push_str(&format!(" → `{to}`: {}", menu.node(target).kind.name()));
            let graph = MenuGraph::build(menu);
            let analysis = Analysis::new(menu, &graph, file.intents.as_ref());
            if let Some(inputs) = analysis.depth_of(target) {
                text.push_str(&format!(" ({} from `entry`)", inputs_text(inputs)));
            }
        }
        Some((to, None)) => text.push_str(&format!(" → `{to}`, which is not a node")),
        None => text.push_str(" leads nowhere: it has no `to`"),
    }
    if let Some(say) = &option.say {
        text.push_str(&format!("\n\n> {}", say.value));
    }
    if let Some(share) = &option.traffic {
        text.push_str(&format!(
            "\n\nObserved: `traffic: {}` of the callers at `{at}`",
            share.value
        ));
    }
    if let Some(taken) = key_taken(file, at, &key.value) {
        text.push_str(&format!("\n\n{taken}"));
    }
    Some((unquoted(&file.text, key.span), text))
}

/// With traffic, how often an option is taken per 100 calls and its share of the visits to its
/// menu.
fn key_taken(file: &OpenFile, at: &str, key: &str) -> Option<String> {
    let (program, menu) = (solvable(file)?, file.menu.as_ref()?);
    let (overall, _) = exact_flow(&program)?;
    let figures = exact_flow_figures(&program, &FlowNames::of(menu), &overall);
    let edge = figures
        .edges
        .iter()
        .find(|e| e.from == at && e.kind == "option" && e.key.as_deref() == Some(key))?;
    let taken = edge.traversals.mean;
    let mut text = format!(
        "With traffic: taken {:.1} times per 100 calls",
        taken * 100.0
    );
    let visits = figures.nodes.iter().find(|n| n.id == at)?.visits.mean;
    if visits > 0.0 {
        text.push_str(&format!(
            " ({:.1}% of the visits to `{at}`)",
            taken / visits * 100.0
        ));
    }
    Some(text)
}

/// The compiled menu and traffic, for the exact solver; none for a menu the simulator refuses.
fn solvable(file: &OpenFile) -> Option<Program> {
    let menu = file.menu.as_ref()?;
    let intents = file.intents.as_ref()?;
    structural_errors(menu, Some(intents))
        .is_empty()
        .then(|| Program::compile(menu, intents))
}

/// The rule-name-like word (letters, digits, `-`, `_`) around an offset.
fn word_at(text: &str, offset: usize) -> Option<(&str, crate::source::Span)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| {
        (
            &text[start..end],
            crate::source::Span::new(start, end - start),
        )
    })
}

/// A node's type, label, prompt and least inputs from `entry`, with the path that takes them.
fn node_summary(file: &OpenFile, id: &str) -> Option<String> {
    let menu = file.menu.as_ref()?;
    let Some(node_id) = menu.lookup(id) else {
        return Some(format!("`{id}`: no node has this id"));
    };
    let node = menu.node(node_id);
    let mut text = format!("**{id}**: {}", node.kind.name());
    if let Some(label) = &node.label {
        text.push_str(&format!(" — {}", label.value));
    }
    text.push_str("\n\n");
    let graph = MenuGraph::build(menu);
    let analysis = Analysis::new(menu, &graph, file.intents.as_ref());
    match analysis.depth_of(node_id) {
        Some(inputs) => {
            let path = path_names(&analysis, &graph, node_id);
            text.push_str(&format!(
                "{} from `entry`: {}",
                inputs_text(inputs),
                path.join(" → ")
            ));
        }
        None => text.push_str("not reachable from `entry`"),
    }
    if let Some(calls) = calls_through(file, id) {
        text.push_str(&format!("\n\n{calls}"));
    }
    if let Some(say) = &node.say {
        let prompt: String = say.value.chars().take(200).collect();
        text.push_str(&format!("\n\n> {prompt}"));
    }
    Some(text)
}

/// With traffic, the share of calls that reach the node and how those ending there end, from
/// the exact solver (none for a menu the simulator refuses, or one too big to solve quickly).
fn calls_through(file: &OpenFile, id: &str) -> Option<String> {
    let (program, menu) = (solvable(file)?, file.menu.as_ref()?);
    let (overall, _) = exact_flow(&program)?;
    let figures = exact_flow_figures(&program, &FlowNames::of(menu), &overall);
    let node = figures.nodes.iter().find(|n| n.id == id)?;
    let percent = |share: f64| format!("{:.1}%", share * 100.0);
    let mut text = match node.reached {
        Some(reached) => format!("With traffic: {} of calls reach it", percent(reached)),
        None => "With traffic".to_string(),
    };
    let e = &node.ended;
    let ends: Vec<String> = [
        ("self-served", e.self_served),
        ("to an agent", e.agent),
        ("misrouted", e.misrouted),
        ("unresolved", e.unresolved),
        ("disconnected", e.disconnected),
        ("abandoned", e.abandoned),
        ("looped", e.looped),
    ]
    .into_iter()
    .filter(|&(_, share)| share > 0.0005)
    .map(|(outcome, share)| format!("{} {outcome}", percent(share)))
    .collect();
    if !ends.is_empty() {
        text.push_str(&format!("; calls ending here: {}", ends.join(", ")));
    }
    Some(text)
}

fn path_names(analysis: &Analysis<'_>, graph: &MenuGraph, to: NodeId) -> Vec<String> {
    let menu = analysis.menu;
    let mut names: Vec<String> = analysis
        .entry_id()
        .map(|e| menu.node(e).id.value.clone())
        .into_iter()
        .collect();
    for edge in analysis.least_path(to) {
        if let Some((_, target)) = graph.graph.edge_endpoints(edge)
            && let Some(node) = graph.node_of(target)
        {
            names.push(menu.node(node).id.value.clone());
        }
    }
    names
}

fn inputs_text(inputs: u32) -> String {
    if inputs == 1 {
        "1 input".to_string()
    } else {
        format!("{inputs} inputs")
    }
}

/// Where the thing named at a position is defined: a node id's node, the file a `traffic:` or
/// `file:` path names (its start), an intent in `serves` in the traffic file.
pub fn definition(file: &OpenFile, uri: &Uri, position: Position) -> Option<Location> {
    let index = LineIndex::new(&file.text);
    let offset = index.offset(position);
    if let Some(path) = file.path_at(offset) {
        return Some(Location::new(file_uri(&path.target)?, Default::default()));
    }
    if let Some((name, _)) = intent_at(file, offset) {
        let intents = file.intents.as_ref()?;
        let intent = intents.intents.iter().find(|i| i.name.value == name)?;
        let text = intents.source.text();
        let span = unquoted(text, intent.name.span);
        let target = file_uri(Path::new(intents.source.path()))?;
        return Some(Location::new(target, LineIndex::new(text).range(span)));
    }
    let occurrence = file.occurrence_at(offset)?;
    let definition = file
        .occurrences
        .iter()
        .find(|o| o.definition && o.id == occurrence.id)?;
    Some(Location::new(uri.clone(), index.range(definition.span)))
}

/// The intent named in a `serves` list under a byte offset, with its span.
fn intent_at(file: &OpenFile, offset: usize) -> Option<(&str, crate::source::Span)> {
    serves_items(file).find(|(_, span)| span.start <= offset && offset <= span.end())
}

/// Every intent named in the menu's `serves` lists, with its span (without quotes).
fn serves_items(file: &OpenFile) -> impl Iterator<Item = (&str, crate::source::Span)> {
    file.menu
        .iter()
        .flat_map(|m| &m.nodes)
        .filter_map(|n| n.serves.as_ref())
        .flat_map(|s| &s.value)
        .map(|item| (item.value.as_str(), unquoted(&file.text, item.span)))
}

/// Every place the thing named at a position is written: a node id in this menu; a path in
/// every open menu naming the same file (with the file itself as the declaration); an intent
/// in the `serves` of every open menu with the same traffic (with the intent's line in the
/// intents file as the declaration).
pub fn references(
    files: &HashMap<String, OpenFile>,
    uri: &Uri,
    position: Position,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(file) = files.get(uri.as_str()) else {
        return Vec::new();
    };
    let index = LineIndex::new(&file.text);
    let offset = index.offset(position);
    let mut open: Vec<(&String, &OpenFile)> = files.iter().collect();
    open.sort_by_key(|(key, _)| *key);
    let located = |key: &str, file: &OpenFile, span| {
        let uri = key.parse::<Uri>().ok()?;
        Some(Location::new(uri, LineIndex::new(&file.text).range(span)))
    };
    if let Some(path) = file.path_at(offset) {
        let declaration = file_uri(&path.target)
            .filter(|_| include_declaration)
            .map(|uri| Location::new(uri, Default::default()));
        let uses = open.iter().flat_map(|(key, other)| {
            other
                .paths
                .iter()
                .filter(|p| p.target == path.target)
                .filter_map(|p| located(key, other, p.span))
        });
        return declaration.into_iter().chain(uses).collect();
    }
    if let Some((name, _)) = intent_at(file, offset) {
        let traffic = file.traffic_target();
        let declaration = include_declaration
            .then(|| definition(file, uri, position))
            .flatten();
        let uses = open
            .iter()
            .filter(|(_, other)| other.traffic_target() == traffic)
            .flat_map(|(key, other)| {
                serves_items(other)
                    .filter(|(n, _)| *n == name)
                    .filter_map(|(_, span)| located(key, other, span))
            });
        return declaration.into_iter().chain(uses).collect();
    }
    same_id(file, offset)
        .filter(|o| include_declaration || !o.definition)
        .map(|o| Location::new(uri.clone(), index.range(o.span)))
        .collect()
}

fn same_id(file: &OpenFile, offset: usize) -> impl Iterator<Item = &Occurrence> {
    let id = file.occurrence_at(offset).map(|o| o.id.clone());
    file.occurrences
        .iter()
        .filter(move |o| id.as_deref() == Some(o.id.as_str()))
}

/// Renames the node named at a position everywhere it is written. An id that would need
/// quoting, or that another node already has, is refused with the reason.
pub fn rename(
    file: &OpenFile,
    uri: &Uri,
    position: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let valid = !new_name.is_empty()
        && new_name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !new_name.starts_with('-');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a plain node id: use letters, digits, `_` and `-`"
        ));
    }
    if file.occurrences.iter().any(|o| o.id == new_name) {
        return Err(format!("a node `{new_name}` is already named in this menu"));
    }
    let index = LineIndex::new(&file.text);
    let edits: Vec<TextEdit> = same_id(file, index.offset(position))
        .map(|o| TextEdit::new(index.range(o.span), new_name.to_string()))
        .collect();
    if edits.is_empty() {
        return Ok(None);
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }))
}

/// "3 inputs" after each node's id: the least inputs from `entry` that reach it.
pub fn inlay_hints(file: &OpenFile) -> Vec<InlayHint> {
    let Some(menu) = &file.menu else {
        return Vec::new();
    };
    let index = LineIndex::new(&file.text);
    let graph = MenuGraph::build(menu);
    let analysis = Analysis::new(menu, &graph, file.intents.as_ref());
    menu.node_ids()
        .map(|id| {
            let node = menu.node(id);
            let label = analysis
                .depth_of(id)
                .map_or_else(|| "unreachable".to_string(), inputs_text);
            // After the key's colon, when there is one.
            let end = node.id.span.end();
            let end = if file.text[end..].starts_with(['"', '\'']) {
                end + 1
            } else {
                end
            };
            let after = if file.text[end..].starts_with(':') {
                end + 1
            } else {
                end
            };
            InlayHint {
                position: index.position(after),
                label: InlayHintLabel::String(label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: Some(false),
                data: None,
            }
        })
        .collect()
}

/// The outline: one symbol per node, its type as the detail.
pub fn symbols(file: &OpenFile) -> Vec<DocumentSymbol> {
    let Some(menu) = &file.menu else {
        return Vec::new();
    };
    let index = LineIndex::new(&file.text);
    menu.nodes
        .iter()
        .map(|node| {
            let range = index.range(node.span);
            let selection = index.range(node.id.span);
            // The protocol wants the selection inside the range; a node's span is its body.
            let range = lsp_types::Range::new(
                selection.start.min(range.start),
                range.end.max(selection.end),
            );
            #[allow(deprecated, reason = "the protocol's struct still has the field")]
            DocumentSymbol {
                name: node.id.value.clone(),
                detail: Some(node.kind.name().to_string()),
                kind: if node.kind.takes_input() {
                    SymbolKind::NAMESPACE
                } else {
                    SymbolKind::FUNCTION
                },
                tags: None,
                deprecated: None,
                range,
                selection_range: selection,
                children: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::source::Span;

    /// Code actions carry whatever fixes the findings have: an unsafe one (which changes what
    /// callers hear) is offered, labelled so, and never as the preferred fix nor in "apply every
    /// safe fix".
    #[test]
    fn an_unsafe_fix_is_a_plain_quick_fix_that_says_so() {
        let text = "menu: 𠮷\nentry: a\nnodes:\n  a:\n    type: hangup\n    say: Bye.\n";
        let path = std::path::Path::new("/no/such/folder/menu.yaml");
        let mut file = OpenFile::read(path, text.to_string(), None, &|_| None);
        // Only the finding built below: the linter's own carry no fix here.
        file.diagnostics.clear();
        let say = text.find("Bye.").unwrap();
        let menu = file.menu.as_ref().unwrap();
        let finding = Diagnostic::input_error(&menu.source, Span::new(say, 4), "a finding", "here")
            .with_fix(Fix {
                title: "say goodbye in full".to_string(),
                applicability: Applicability::Unsafe,
                edits: vec![Edit::replace(Span::new(say, 4), "Goodbye, 𠮷.")],
            });
        file.diagnostics.push(finding);
        let uri: Uri = "file:///no/such/folder/menu.yaml".parse().unwrap();
        let range = lsp_types::Range::new(Position::new(5, 0), Position::new(5, 9));
        let actions = code_actions(&file, &uri, range, None);
        assert_eq!(actions.len(), 1, "{actions:?}");
        let CodeActionOrCommand::CodeAction(action) = &actions[0] else {
            panic!("a command: {actions:?}");
        };
        assert_eq!(
            action.title,
            "say goodbye in full (unsafe: changes what callers hear or press)"
        );
        assert_eq!(action.kind, Some(CodeActionKind::QUICKFIX));
        assert_eq!(action.is_preferred, Some(false));
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        assert_eq!(
            edits,
            &[TextEdit::new(
                lsp_types::Range::new(Position::new(5, 9), Position::new(5, 13)),
                "Goodbye, 𠮷.".to_string()
            )]
        );
    }
}
