//! Complaint handling: which nodes handle complaints, which only complaints, and which options
//! lead to them. A node handles complaints when it is marked `complaint: true` or serves an
//! intent the intents file marks `complaint`.

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
    /// node, or a menu whose ordinary options all lead only to complaint nodes.
    pub fn is_complaint_option(&self, option: &MenuOption) -> bool {
        self.target(option)
            .and_then(|t| self.through(t, &[NodeKind::Message, NodeKind::Input]))
            .is_some_and(|at| self.complaints_only()[at.0])
    }

    /// Per node, whether it leads only to complaint handling: a pure complaint node, or a menu
    /// from which every ordinary choice (not `*`, `#`, the agent option or a back option),
    /// followed through message and input nodes, reaches only pure complaint nodes, and at
    /// least one. A menu with no ordinary choice, an option naming no node, a loop of message
    /// nodes or any other end spoils every menu that can reach it.
    ///
    /// Computed once for all nodes, in time linear in the menu: two searches back from the
    /// ends. (Searching forward from every option made a chain of 3,000 menus ending at a
    /// complaint desk take seconds.)
    fn complaints_only(&self) -> &[bool] {
        self.complaints_only.get_or_init(|| {
            let count = self.menu.nodes.len();
            // `choosers[n]`: the menus with an ordinary choice leading to `n`.
            let mut choosers: Vec<Vec<NodeId>> = vec![Vec::new(); count];
            let mut spoiled = vec![false; count];
            let mut desk = vec![false; count];
            for id in self.menu.node_ids() {
                let node = self.menu.node(id);
                if node.kind != NodeKind::Menu {
                    desk[id.0] = self.is_pure_complaint_node(id);
                    spoiled[id.0] = !desk[id.0];
                    continue;
                }
                let mut ordinary = false;
                for option in &node.options {
                    if matches!(option.key_text(), "*" | "#") || self.is_agent_option(option) {
                        continue;
                    }
                    let Some(target) = self.target(option) else {
                        spoiled[id.0] = true;
                        continue;
                    };
                    if self.is_back_option(id, option) {
                        continue;
                    }
                    ordinary = true;
                    match self.through(target, &[NodeKind::Message, NodeKind::Input]) {
                        Some(at) => choosers[at.0].push(id),
                        None => spoiled[id.0] = true,
                    }
                }
                spoiled[id.0] |= !ordinary;
            }
            let reaches_spoiled = reached_back(&choosers, spoiled);
            let reaches_desk = reached_back(&choosers, desk);
            reaches_desk
                .iter()
                .zip(&reaches_spoiled)
                .map(|(&desk, &spoiled)| desk && !spoiled)
                .collect()
        })
    }
}

/// The nodes that can reach a marked node along `choosers` (the marked ones included), by a
/// search back from the marked nodes that visits each node once.
fn reached_back(choosers: &[Vec<NodeId>], mut marked: Vec<bool>) -> Vec<bool> {
    let mut pending: Vec<usize> = (0..marked.len()).filter(|&n| marked[n]).collect();
    while let Some(n) = pending.pop() {
        for chooser in &choosers[n] {
            if !marked[chooser.0] {
                marked[chooser.0] = true;
                pending.push(chooser.0);
            }
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::menu::graph::MenuGraph;
    use crate::menu::load::menu_from_yaml;
    use crate::menu::model::Menu;
    use crate::source::SourceFile;
    use crate::yaml::{Limits, parse};

    fn menu(text: &str) -> Menu {
        let source = SourceFile::new("test.yaml", text.to_string());
        let root = parse(&source, &Limits::DEFAULT).expect("YAML");
        menu_from_yaml(&source, &root).expect("a menu")
    }

    /// The keys of `node`'s complaint options.
    fn complaint_keys(menu: &Menu, node: &str) -> Vec<String> {
        let graph = MenuGraph::build(menu);
        let analysis = Analysis::new(menu, &graph, None);
        let id = menu.lookup(node).expect("the node");
        menu.node(id)
            .options
            .iter()
            .filter(|o| analysis.is_complaint_option(o))
            .map(|o| o.key_text().to_string())
            .collect()
    }

    const HEAD: &str = "menu: T\nentry: main\nnodes:\n";
    const DESK: &str = "  desk: { type: transfer, queue: c, serves: [complaint], complaint: true }\n  agent: { type: transfer, queue: g, serves: [\"*\"] }\n  bye: { type: hangup }\n";

    #[test]
    fn an_option_to_a_desk_or_to_a_menu_of_desks_only_is_a_complaint_option() {
        let text = format!(
            "{HEAD}  main:\n    options:\n      - {{ key: \"1\", to: desk }}\n      - {{ key: \"2\", to: sorry }}\n      - {{ key: \"3\", to: bye }}\n      - {{ key: \"4\", to: mixed }}\n      - {{ key: \"0\", to: agent }}\n  sorry: {{ type: message, say: Sorry., to: kinds }}\n  kinds:\n    options:\n      - {{ key: \"1\", to: desk }}\n      - {{ key: \"2\", to: desk }}\n      - {{ key: \"*\", to: main }}\n      - {{ key: \"0\", to: agent }}\n  mixed:\n    options:\n      - {{ key: \"1\", to: desk }}\n      - {{ key: \"2\", to: bye }}\n{DESK}"
        );
        assert_eq!(complaint_keys(&menu(&text), "main"), ["1", "2"]);
    }

    /// A desk reached twice, once directly and once through another menu, still counts (a
    /// search that skipped nodes it had seen called the second menu empty).
    #[test]
    fn a_desk_reached_by_two_ways_counts_for_both() {
        let text = format!(
            "{HEAD}  main:\n    options:\n      - {{ key: \"1\", to: complaints }}\n      - {{ key: \"0\", to: agent }}\n  complaints:\n    options:\n      - {{ key: \"1\", to: desk }}\n      - {{ key: \"2\", to: more }}\n  more:\n    options:\n      - {{ key: \"1\", to: desk }}\n{DESK}"
        );
        assert_eq!(complaint_keys(&menu(&text), "main"), ["1"]);
    }

    /// Menus that only lead to each other, or only back, reach no desk: not complaint options.
    #[test]
    fn a_loop_of_menus_or_a_menu_of_back_options_is_no_complaint_option() {
        let text = format!(
            "{HEAD}  main:\n    options:\n      - {{ key: \"1\", to: a }}\n      - {{ key: \"2\", to: back }}\n      - {{ key: \"3\", to: ghost }}\n  a:\n    options:\n      - {{ key: \"1\", to: b }}\n  b:\n    options:\n      - {{ key: \"1\", to: c }}\n  c:\n    options:\n      - {{ key: \"1\", to: a }}\n  back:\n    options:\n      - {{ key: \"*\", to: main }}\n      - {{ key: \"0\", to: agent }}\n{DESK}"
        );
        assert!(complaint_keys(&menu(&text), "main").is_empty());
    }

    /// A chain of 3,000 menus, each with one option to the next, ending at a complaint desk:
    /// every option of the chain is a complaint option, but a menu that also offers a hang-up
    /// spoils the options that lead to it. (A search from every option took 5 s of CPU on it.)
    #[test]
    fn a_long_chain_to_a_desk_is_judged_whole() {
        let n = 3_000;
        let mut text = format!("{HEAD}  main:\n    options:\n      - {{ key: \"1\", to: m0 }}\n");
        for i in 0..n {
            let next = if i + 1 == n {
                "desk".to_string()
            } else {
                format!("m{}", i + 1)
            };
            writeln!(
                text,
                "  m{i}:\n    options:\n      - {{ key: \"1\", to: {next} }}"
            )
            .unwrap();
            if i == n / 2 {
                writeln!(text, "      - {{ key: \"2\", to: bye }}").unwrap();
            }
        }
        text.push_str(DESK);
        let menu = menu(&text);
        let graph = MenuGraph::build(&menu);
        let analysis = Analysis::new(&menu, &graph, None);
        let first_key_complaint = |i: usize| {
            let node = menu.node(menu.lookup(&format!("m{i}")).unwrap());
            analysis.is_complaint_option(&node.options[0])
        };
        // `m{n/2}` offers the hang-up; its option 1 still leads only to the desk.
        assert!((n / 2..n).all(first_key_complaint));
        assert!(!(0..n / 2).any(first_key_complaint));
    }
}
