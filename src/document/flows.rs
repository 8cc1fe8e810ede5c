//! The menu files a menu's `flow` nodes hand calls to, read once each (cycles between files
//! are allowed: a file already read is linked to, not read again).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{display_path, load_menu, outside_repository};
use crate::diagnostic::Diagnostic;
use crate::menu::join::{Joined, Links, join};
use crate::menu::{Menu, NodeId, NodeKind};
use crate::yaml::Limits;
use crate::yaml::reader::LoadResult;

/// Most files one menu may reach through flow nodes; beyond it a hand-off is reported, so a
/// chain of generated files cannot make a run read without end.
pub const MAX_FLOW_FILES: usize = 200;

/// The files reached from a menu through its flow nodes.
pub struct FlowFiles {
    /// Every file after the first, in the order found: its path and its name from the first
    /// file's folder (`billing.yaml`, `flows/after-hours.yaml`).
    pub files: Vec<(PathBuf, String, Menu)>,
    /// Which file each flow node hands over to (index 0: the first menu).
    pub links: Links,
    /// Hand-offs to a file that cannot be read or is not a menu, as errors at their `file:`.
    pub problems: Vec<Diagnostic>,
}

impl FlowFiles {
    /// The first menu and every file it reaches, as one menu.
    pub fn join(&self, root: &Menu) -> Menu {
        let mut files = vec![Joined {
            name: String::new(),
            menu: root,
        }];
        files.extend(self.files.iter().map(|(_, name, menu)| Joined {
            name: name.clone(),
            menu,
        }));
        join(&files, &self.links)
    }
}

/// Reads every menu file `root` reaches through flow nodes, breadth first.
pub fn load_flow_files(root_path: &Path, root: &Menu, limits: &Limits) -> FlowFiles {
    load_flow_files_with(root_path, root, &|path| load_menu(path, limits))
}

/// [`load_flow_files`] with each file read by `read` (the language server reads the editor's
/// text of an open file instead of the disk's).
pub fn load_flow_files_with(
    root_path: &Path,
    root: &Menu,
    read: &dyn Fn(&Path) -> LoadResult<Menu>,
) -> FlowFiles {
    let mut out = FlowFiles {
        files: Vec::new(),
        links: HashMap::new(),
        problems: Vec::new(),
    };
    if !root.nodes.iter().any(|n| n.kind == NodeKind::Flow) {
        return out;
    }
    let base = folder_of(root_path);
    let canonical_base = std::fs::canonicalize(&base).ok();
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    if let Ok(c) = std::fs::canonicalize(root_path) {
        seen.insert(c, 0);
    }
    let mut index = 0;
    loop {
        let (path, menu) = if index == 0 {
            (root_path.to_path_buf(), root)
        } else {
            match out.files.get(index - 1) {
                Some((path, _, menu)) => (path.clone(), menu),
                None => break,
            }
        };
        let hand_offs: Vec<(NodeId, crate::source::Spanned<String>)> = menu
            .node_ids()
            .filter_map(|id| {
                let node = menu.node(id);
                (node.kind == NodeKind::Flow)
                    .then(|| node.file.clone())
                    .flatten()
                    .map(|f| (id, f))
            })
            .collect();
        let source = menu.source.clone();
        let mut found = Vec::new();
        let mut problems = Vec::new();
        for (id, file) in hand_offs {
            let target = folder_of(&path).join(&file.value);
            let problem = |reason: String| {
                Diagnostic::input_error(&source, file.span, format!("`file` names {}, {reason}", display_path(&target)), "no menu here")
                    .with_help("name a menu file with a path relative to this file, inside the same repository")
            };
            if let Some(reason) = outside_repository(&path, &target, "a flow's menu file") {
                problems.push(problem(format!("which ivr will not read: {reason}")));
                continue;
            }
            let Ok(canonical) = std::fs::canonicalize(&target) else {
                problems.push(problem("which does not exist".to_string()));
                continue;
            };
            if let Some(&known) = seen.get(&canonical) {
                out.links.insert((index, id), known);
                continue;
            }
            if let Some(&(_, known)) = found.iter().find(|(c, _)| *c == canonical) {
                out.links.insert((index, id), known);
                continue;
            }
            if seen.len() + found.len() > MAX_FLOW_FILES {
                problems.push(problem(format!(
                    "one file more than the {MAX_FLOW_FILES} a menu may reach through flow nodes"
                )));
                continue;
            }
            match read(&target) {
                Ok(other) => {
                    let number = seen.len() + found.len();
                    let name = canonical_base
                        .as_ref()
                        .and_then(|b| canonical.strip_prefix(b).ok())
                        .map_or_else(|| display_path(&target), display_path);
                    out.links.insert((index, id), number);
                    found.push((canonical, number));
                    out.files.push((target, name, other));
                }
                Err(error) => {
                    problems.push(problem(format!(
                        "which is not a menu file: {}",
                        error.message
                    )));
                }
            }
        }
        seen.extend(found);
        out.problems.extend(problems);
        index += 1;
    }
    out
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
