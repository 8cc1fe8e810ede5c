//! One open file as the server sees it: the editor's text (never the disk's), what it loads
//! as, its findings and where its node ids are written.

use std::path::Path;
use std::sync::Arc;

use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::document::{Document, load_document, load_traffic};
use crate::intents::Intents;
use crate::lint::lint_menu;
use crate::menu::Menu;
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::Limits;

/// Where a node id is written: where the node is defined, or a field naming it.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub id: String,
    /// The id's text without quotes.
    pub span: Span,
    pub definition: bool,
}

/// An open file, re-read on every change.
pub struct OpenFile {
    pub text: String,
    /// The menu, when the text loads as one.
    pub menu: Option<Menu>,
    /// Its traffic, when it names one that loads.
    pub intents: Option<Intents>,
    /// Findings and input errors in this file.
    pub diagnostics: Vec<Diagnostic>,
    pub occurrences: Vec<Occurrence>,
    /// The node ids of the last text that loaded as a menu, for completion while the text
    /// is half typed.
    pub known_ids: Vec<String>,
}

impl OpenFile {
    /// Reads `text` as the file at `path`. `previous_ids` are the ids the file had before.
    pub fn read(path: &Path, text: String, previous_ids: Vec<String>) -> OpenFile {
        let limits = Limits::DEFAULT;
        let name = path.display().to_string();
        let source = SourceFile::new(&name, text.clone());
        let mut file = OpenFile {
            text,
            menu: None,
            intents: None,
            diagnostics: Vec::new(),
            occurrences: Vec::new(),
            known_ids: previous_ids,
        };
        if path.file_name().is_some_and(|n| n == config::FILE_NAME) {
            if let Err(error) = Config::from_source(&source, &limits) {
                file.diagnostics.push(*error);
            }
            return file;
        }
        match load_document(&source, &limits) {
            Err(error) => file.diagnostics.push(*error),
            Ok(Document::Menu(menu)) => {
                let settings = Config::find_for(path)
                    .and_then(|c| Config::load(&c).ok())
                    .unwrap_or_default()
                    .lint;
                match load_traffic(path, &menu, &limits) {
                    Some((_, Ok(intents))) => file.intents = Some(intents),
                    Some((_, Err(error))) => file.diagnostics.push(*error),
                    None => {}
                }
                file.diagnostics
                    .extend(lint_menu(&menu, file.intents.as_ref(), &settings));
                file.occurrences = occurrences(&menu);
                file.known_ids = menu.nodes.iter().map(|n| n.id.value.clone()).collect();
                file.menu = Some(*menu);
            }
            Ok(Document::Intents(_) | Document::Other(_)) => {}
        }
        // Findings in the traffic file belong to that file, not to this one.
        let own = Arc::clone(&source);
        file.diagnostics
            .retain(|d| d.source.as_ref().is_none_or(|s| s.path() == own.path()));
        file
    }

    /// The occurrence under a byte offset (its end counts: the cursor just after a word).
    pub fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end())
    }
}

/// Every place the menu writes a node id: the nodes' keys, `entry`, `defaults.on_fail`, and
/// each node's `to`, options' and branches' `to` and handlers' `then`.
fn occurrences(menu: &Menu) -> Vec<Occurrence> {
    let text = menu.source.text();
    let mut found = Vec::new();
    let mut add = |id: &Spanned<String>, definition: bool| {
        found.push(Occurrence {
            id: id.value.clone(),
            span: unquoted(text, id.span),
            definition,
        });
    };
    if let Some(entry) = &menu.entry {
        add(entry, false);
    }
    if let Some(on_fail) = &menu.defaults.on_fail {
        add(on_fail, false);
    }
    for node in &menu.nodes {
        add(&node.id, true);
        let handlers = [&node.on_invalid, &node.on_no_input];
        let targets = node
            .to
            .iter()
            .chain(node.options.iter().filter_map(|o| o.to.as_ref()))
            .chain(node.branches.iter().filter_map(|b| b.to.as_ref()))
            .chain(
                handlers
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h.then.as_ref()),
            );
        for target in targets {
            add(target, false);
        }
    }
    found.sort_by_key(|o| o.span.start);
    found
}

/// A scalar's span without its quotes.
fn unquoted(text: &str, span: Span) -> Span {
    let written = text.get(span.start..span.end()).unwrap_or("");
    let quoted = written.len() >= 2
        && ((written.starts_with('"') && written.ends_with('"'))
            || (written.starts_with('\'') && written.ends_with('\'')));
    if quoted {
        Span::new(span.start + 1, span.len - 2)
    } else {
        span
    }
}
