//! Complaint handling: which nodes handle complaints, which only complaints, and which options
//! lead to them. A node handles complaints when it is marked `complaint: true` or serves an
//! intent the intents file marks `complaint`.

use std::collections::HashSet;

use super::analysis::Analysis;
use super::model::{MenuOption, NodeId, NodeKind};

impl Analysis<'_> {
    /// Whether an intent is marked `complaint` in the intents file.
    pub fn is_complaint_intent(&self, name: &str) -> bool {
        self.intents
            .and_then(|i| i.get(name))
            .is_some_and(|i| i.complaint)
    }

    /// Handles complaints: marked `complaint: true`, or serves an intent marked `complaint`.
    pub fn handles_complaints(&self, id: NodeId) -> bool {
        let node = self.menu.node(id);
        node.is_complaint() || node.serves().any(|s| self.is_complaint_intent(s))
    }

    /// A complaint node that serves nothing else.
    ///
    /// When some intent it serves is marked `complaint`, every other one must be marked too
    /// (`serves: [pay_bill, complaint]` is merged). When none is marked (or there is no intents
    /// file), `serves` names cannot be told apart, so a node marked `complaint: true` counts as
    /// pure. A node serving every caller (`"*"`) is never pure.
    pub fn is_pure_complaint_node(&self, id: NodeId) -> bool {
        let node = self.menu.node(id);
        if !self.handles_complaints(id) || node.serves_everyone() {
            return false;
        }
        let marked = node
            .serves()
            .filter(|s| self.is_complaint_intent(s))
            .count();
        marked == 0 || marked == node.serves().count()
    }

    /// The intents a complaint node serves besides complaints (empty for a pure one).
    pub fn non_complaint_intents(&self, id: NodeId) -> Vec<&str> {
        if self.is_pure_complaint_node(id) {
            return Vec::new();
        }
        self.menu
            .node(id)
            .serves()
            .filter(|s| !self.is_complaint_intent(s))
            .collect()
    }

    /// The complaint option: its target (through message or input nodes) is a pure complaint
    /// node, or a menu all of whose ordinary options lead only to complaint nodes.
    pub fn is_complaint_option(&self, option: &MenuOption) -> bool {
        self.target(option)
            .is_some_and(|t| self.leads_only_to_complaints(t, &mut HashSet::new()))
    }

    /// `seen` is a set: a list searched at every step made a chain of 3,000 menus ending at a
    /// complaint desk take 20 s to lint.
    fn leads_only_to_complaints(&self, start: NodeId, seen: &mut HashSet<NodeId>) -> bool {
        let Some(at) = self.through(start, &[NodeKind::Message, NodeKind::Input]) else {
            return false;
        };
        if !seen.insert(at) {
            return false;
        }
        let node = self.menu.node(at);
        if node.kind != NodeKind::Menu {
            return self.is_pure_complaint_node(at);
        }
        let mut any = false;
        for option in &node.options {
            if matches!(option.key_text(), "*" | "#") || self.is_agent_option(option) {
                continue;
            }
            let Some(t) = self.target(option) else {
                return false;
            };
            if self.is_back_option(at, option)
                || self.destination(option).is_some_and(|d| seen.contains(&d))
            {
                continue;
            }
            if !self.leads_only_to_complaints(t, seen) {
                return false;
            }
            any = true;
        }
        any
    }
}
