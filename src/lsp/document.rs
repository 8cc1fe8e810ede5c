//! One open file as the server sees it: the editor's text (never the disk's), what it loads
//! as, its findings, where its node ids and paths are written, and the files its findings
//! depend on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::commands::lint::lint_with_flows;
use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::document::{
    Document, display_path, intents_of, load_document, load_flow_files_with, load_intents,
    load_menu, load_traffic_with, menu_of, traffic_path,
};
use crate::intents::Intents;
use crate::menu::{Menu, NodeKind};
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

/// A path written in a menu (`traffic:`, a flow node's `file:`) and the file it names.
#[derive(Clone, Debug)]
pub struct PathRef {
    /// The path's text without quotes.
    pub span: Span,
    /// The file, relative paths resolved from the menu's folder (links resolved when it
    /// exists).
    pub target: PathBuf,
}

/// The editor's text of the open files, by path: what the server reads instead of the disk
/// when a menu names an open file (its traffic, a flow's menu, its `.ivr.yaml`).
pub type Buffers<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// An open file, re-read on every change.
pub struct OpenFile {
    pub text: String,
    /// The file's path as the editor named it.
    pub path: PathBuf,
    /// The file's path, links resolved when it exists: how dependencies name it.
    pub canonical: PathBuf,
    /// The menu, when the text loads as one.
    pub menu: Option<Menu>,
    /// Its traffic, when it names one that loads.
    pub intents: Option<Intents>,
    /// Findings and input errors in this file.
    pub diagnostics: Vec<Diagnostic>,
    /// This menu's findings located in another file (its traffic), shown in that file.
    pub elsewhere: Vec<Diagnostic>,
    pub occurrences: Vec<Occurrence>,
    pub paths: Vec<PathRef>,
    /// The files (canonical) whose text this file's findings depend on: its traffic, the
    /// files its flow nodes reach, its `.ivr.yaml`. A change to one re-lints this file.
    pub depends_on: Vec<PathBuf>,
    /// The node ids of the last text that loaded as a menu, for completion while the text
    /// is half typed.
    pub known_ids: Vec<String>,
    /// The intents (name, share) of the last traffic that loaded, likewise.
    pub known_intents: Vec<(String, f64)>,
}

/// A path with its links resolved, or as it is when it does not exist (yet).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl OpenFile {
    /// Reads `text` as the file at `path`, other open files from `buffers`. `previous` is
    /// what the file was before this change, for what completion remembers.
    pub fn read(
        path: &Path,
        text: String,
        previous: Option<&OpenFile>,
        buffers: Buffers<'_>,
    ) -> OpenFile {
        let limits = Limits::DEFAULT;
        let name = path.display().to_string();
        let source = SourceFile::new(&name, text.clone());
        let mut file = OpenFile {
            text,
            path: path.to_path_buf(),
            canonical: canonical(path),
            menu: None,
            intents: None,
            diagnostics: Vec::new(),
            elsewhere: Vec::new(),
            occurrences: Vec::new(),
            paths: Vec::new(),
            depends_on: Vec::new(),
            known_ids: previous.map(|p| p.known_ids.clone()).unwrap_or_default(),
            known_intents: previous
                .map(|p| p.known_intents.clone())
                .unwrap_or_default(),
        };
        if path.file_name().is_some_and(|n| n == config::FILE_NAME) {
            if let Err(error) = Config::from_source(&source, &limits) {
                file.diagnostics.push(*error);
            }
            return file;
        }
        match load_document(&source, &limits) {
            Err(error) => file.diagnostics.push(*error),
            Ok(Document::Menu(menu)) => file.lint(path, *menu, buffers, &limits),
            Ok(Document::Intents(_) | Document::Other(_)) => {}
        }
        // Findings in the traffic file belong to that file, not to this one.
        let own = Arc::clone(&source);
        let (here, elsewhere) = std::mem::take(&mut file.diagnostics)
            .into_iter()
            .partition(|d| d.source.as_ref().is_none_or(|s| s.path() == own.path()));
        file.diagnostics = here;
        file.elsewhere = elsewhere;
        file
    }

    /// Lints a menu as `ivr lint` does, reading the files it names from the editor when open.
    fn lint(&mut self, path: &Path, menu: Menu, buffers: Buffers<'_>, limits: &Limits) {
        let from_buffer = |p: &Path| buffers(p).map(|text| SourceFile::new(display_path(p), text));
        let settings = match Config::find_for(path) {
            Some(found) => {
                self.depends_on.push(canonical(&found));
                match from_buffer(&found) {
                    Some(source) => Config::from_source(&source, limits).ok(),
                    None => Config::load(&found).ok(),
                }
            }
            None => None,
        }
        .unwrap_or_default()
        .lint;
        let read_intents = |p: &Path| match from_buffer(p) {
            Some(source) => intents_of(&source, limits),
            None => load_intents(p, limits),
        };
        if let Some((found, loaded)) = load_traffic_with(path, &menu, &read_intents) {
            self.depends_on.push(canonical(&found));
            match loaded {
                Ok(intents) => self.intents = Some(intents),
                Err(error) => self.diagnostics.push(*error),
            }
        }
        let read_menu = |p: &Path| match from_buffer(p) {
            Some(source) => menu_of(&source, limits),
            None => load_menu(p, limits),
        };
        let flows = load_flow_files_with(path, &menu, &read_menu);
        // Every file a flow node names, read or not (one that does not load yet may), and the
        // traffic files the others name (read again with them).
        let named: Vec<PathBuf> = std::iter::once((path, &menu))
            .chain(flows.files.iter().map(|(p, _, m)| (p.as_path(), m)))
            .flat_map(|(p, m)| paths(p, m))
            .map(|r| r.target)
            .collect();
        self.depends_on.extend(named);
        self.diagnostics.extend(lint_with_flows(
            &menu,
            self.intents.as_ref(),
            &settings,
            flows,
        ));
        self.occurrences = occurrences(&menu);
        self.paths = paths(path, &menu);
        self.known_ids = menu.nodes.iter().map(|n| n.id.value.clone()).collect();
        if let Some(intents) = &self.intents {
            self.known_intents = intents
                .intents
                .iter()
                .map(|i| (i.name.value.clone(), i.share))
                .collect();
        }
        self.menu = Some(menu);
    }

    /// Whether this is a configuration file, `.ivr.yaml`.
    pub fn is_config(&self) -> bool {
        self.path
            .file_name()
            .is_some_and(|n| n == config::FILE_NAME)
    }

    /// The findings of this menu located in the file at `path` (canonical).
    pub fn findings_in<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a Diagnostic> {
        self.elsewhere.iter().filter(move |d| {
            d.source
                .as_ref()
                .is_some_and(|s| canonical(Path::new(s.path())) == path)
        })
    }

    /// The occurrence under a byte offset (its end counts: the cursor just after a word).
    pub fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end())
    }

    /// The intents file this menu's `traffic:` names.
    pub fn traffic_target(&self) -> Option<&Path> {
        let menu = self.menu.as_ref()?;
        let traffic = menu.traffic.as_ref()?;
        self.paths
            .iter()
            .find(|p| p.span.start >= traffic.span.start && p.span.end() <= traffic.span.end())
            .map(|p| p.target.as_path())
    }

    /// The path written under a byte offset.
    pub fn path_at(&self, offset: usize) -> Option<&PathRef> {
        self.paths
            .iter()
            .find(|p| p.span.start <= offset && offset <= p.span.end())
    }
}

/// The menu's `traffic:` and its flow nodes' `file:`, with the files they name.
fn paths(menu_path: &Path, menu: &Menu) -> Vec<PathRef> {
    let text = menu.source.text();
    let folder = menu_path.parent().unwrap_or(Path::new(""));
    let mut found: Vec<PathRef> = Vec::new();
    if let (Some(traffic), Some(target)) = (&menu.traffic, traffic_path(menu_path, menu)) {
        found.push(PathRef {
            span: unquoted(text, traffic.span),
            target: canonical(&target),
        });
    }
    let files = menu
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Flow)
        .filter_map(|n| n.file.as_ref());
    for file in files {
        found.push(PathRef {
            span: unquoted(text, file.span),
            target: canonical(&folder.join(&file.value)),
        });
    }
    found
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
pub fn unquoted(text: &str, span: Span) -> Span {
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
