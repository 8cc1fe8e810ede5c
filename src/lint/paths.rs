//! How findings show a path through the menu: `main > 1 > 3 > 2` in messages, and a label
//! on each input along it.

use crate::diagnostic::Label;
use crate::menu::NodeId;
use crate::menu::graph::EdgeKind;

use super::context::Context;

impl Context<'_> {
    /// `main > 1 > 3 > 2`: the entry's id, then the key of each option on a least path
    /// (an input node's step shows as `(id)`, a decision's branch as `[when]`).
    pub fn path_text(&self, id: NodeId) -> String {
        let mut parts = vec![
            self.menu
                .entry
                .as_ref()
                .map_or("?".to_string(), |e| e.value.clone()),
        ];
        for e in self.least_path(id) {
            let (from, _) = self
                .graph
                .graph
                .edge_endpoints(e)
                .expect("edge of this graph");
            match &self.graph.graph[e].kind {
                EdgeKind::Option { key, .. } => parts.push(key.clone()),
                EdgeKind::Branch { when, .. } => parts.push(format!("[{when}]")),
                EdgeKind::To if self.graph.graph[e].inputs > 0 => {
                    let name = self
                        .graph
                        .node_of(from)
                        .map_or("?", |n| self.menu.node(n).id.value.as_str());
                    parts.push(format!("({name})"));
                }
                _ => {}
            }
        }
        parts.join(" > ")
    }

    /// Secondary labels on each input along a least path to a node ("input 1", "input 2", ...).
    pub fn path_labels(&self, id: NodeId) -> Vec<Label> {
        let mut labels = Vec::new();
        let mut count = 0;
        for e in self.least_path(id) {
            let edge = &self.graph.graph[e];
            if edge.inputs == 0 {
                continue;
            }
            count += 1;
            let (from, _) = self
                .graph
                .graph
                .edge_endpoints(e)
                .expect("edge of this graph");
            let span = match (&edge.kind, self.graph.node_of(from)) {
                (EdgeKind::Option { index, .. }, Some(n)) => {
                    let option = &self.menu.node(n).options[*index];
                    option.key.as_ref().map_or(option.span, |k| k.span)
                }
                (_, Some(n)) => self.menu.node(n).id.span,
                _ => continue,
            };
            labels.push(Label::new(span, format!("input {count}")));
        }
        labels
    }
}
