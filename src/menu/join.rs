//! Menu files joined by `flow` nodes, as one menu: what the simulator and the exact solver run.
//!
//! The first file keeps its node ids; the nodes of every other file are renamed `file#node`
//! (and every target inside that file with them), so ids never collide. Each flow node gets a
//! `to` naming the node it hands the call to. A file's own `defaults` and `speech` are folded
//! into its nodes (timeouts, retries, `on_fail`, prompt durations), since the joined menu has
//! one header: the first file's.

use std::collections::HashMap;

use super::duration::seconds;
use super::model::{ErrorHandler, Menu, Node, NodeId, NodeKind};
use crate::source::Spanned;

/// One file of a joined menu: the name its nodes are prefixed with, and the menu.
pub struct Joined<'a> {
    /// `billing.yaml`: the file's path from the first file's folder (empty for the first file).
    pub name: String,
    pub menu: &'a Menu,
}

/// Which file each flow node hands over to: `(file index, node) -> file index`. A flow node
/// missing here keeps no `to` (its file could not be read, which the caller reports).
pub type Links = HashMap<(usize, NodeId), usize>;

/// The id a node of file `index` has in the joined menu.
pub fn joined_id(files: &[Joined<'_>], index: usize, id: &str) -> String {
    if index == 0 {
        id.to_string()
    } else {
        format!("{}#{id}", files[index].name)
    }
}

/// The files as one menu. `files[0]` is the menu that was asked for.
pub fn join(files: &[Joined<'_>], links: &Links) -> Menu {
    let root = files[0].menu;
    let mut nodes = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let menu = file.menu;
        let rename =
            |name: &Spanned<String>| Spanned::new(joined_id(files, index, &name.value), name.span);
        for id in menu.node_ids() {
            let mut node: Node = menu.node(id).clone();
            if index > 0 {
                fold_header(&mut node, menu);
                node.id = rename(&node.id);
                for option in &mut node.options {
                    option.to = option.to.as_ref().map(rename);
                }
                for branch in &mut node.branches {
                    branch.to = branch.to.as_ref().map(rename);
                }
                node.to = node.to.as_ref().map(rename);
                for handler in [&mut node.on_invalid, &mut node.on_no_input]
                    .into_iter()
                    .flatten()
                {
                    handler.then = handler.then.as_ref().map(rename);
                }
            }
            if node.kind == NodeKind::Flow
                && let Some(&target) = links.get(&(index, id))
            {
                let other = files[target].menu;
                let entry = node
                    .flow_entry
                    .as_ref()
                    .map(|e| e.value.clone())
                    .or_else(|| other.entry.as_ref().map(|e| e.value.clone()));
                let span = node
                    .flow_entry
                    .as_ref()
                    .or(node.file.as_ref())
                    .map_or(node.span, |s| s.span);
                node.to = entry.map(|e| Spanned::new(joined_id(files, target, &e), span));
            }
            nodes.push(node);
        }
    }
    let mut joined = Menu::new(root.source.clone(), nodes, root.nodes_span);
    joined.name = root.name.clone();
    joined.entry = root.entry.clone();
    joined.traffic = root.traffic.clone();
    joined.speech = root.speech;
    joined.defaults = root.defaults.clone();
    joined.imported_from = root.imported_from;
    joined
}

/// Writes a file's own header settings into one of its nodes, so they survive under the first
/// file's header.
fn fold_header(node: &mut Node, menu: &Menu) {
    let speech = &menu.speech;
    fn say(s: &Option<Spanned<String>>) -> Option<&str> {
        s.as_ref().map(|s| s.value.as_str())
    }
    let span = node.span;
    if node.say.is_some() || node.duration.is_some() {
        let d = seconds(
            say(&node.say),
            node.duration.as_ref().map(|d| d.value),
            speech,
        );
        node.duration = Some(Spanned::new(d, span));
    }
    for option in &mut node.options {
        let d = seconds(
            say(&option.say),
            option.duration.as_ref().map(|d| d.value),
            speech,
        );
        option.duration = Some(Spanned::new(d, option.span));
    }
    if !node.kind.takes_input() {
        return;
    }
    let defaults = &menu.defaults;
    node.timeout
        .get_or_insert(Spanned::new(defaults.timeout, span));
    node.retries
        .get_or_insert(Spanned::new(defaults.retries, span));
    for handler in [&mut node.on_invalid, &mut node.on_no_input] {
        let handler = handler.get_or_insert(ErrorHandler {
            say: None,
            retries: None,
            then: None,
            span,
        });
        // Without its own `on_fail` the file's calls fall back on the first file's (a
        // handler cannot say "disconnect" in the format).
        if handler.then.is_none() {
            handler.then = defaults.on_fail.clone();
        }
    }
}
