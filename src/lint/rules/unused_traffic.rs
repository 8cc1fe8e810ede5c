use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;

declare_rule! {
    /// ## What it checks
    ///
    /// The `traffic` shares of one menu's options add up to at most 1.
    ///
    /// ## Why it matters
    ///
    /// `traffic` is the observed share of callers at the menu who choose each option, and
    /// `popular-first` orders options by it. Shares over 1 in total mean a typo (`0.5` for
    /// `0.05`) or figures copied from another menu, and the order the linter suggests would
    /// rest on them.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "1", say: "For billing, press 1.", to: billing, traffic: 0.7 }
    /// - { key: "2", say: "For support, press 2.", to: support, traffic: 0.5 }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "1", say: "For billing, press 1.", to: billing, traffic: 0.7 }
    /// - { key: "2", say: "For support, press 2.", to: support, traffic: 0.25 }
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static UNUSED_TRAFFIC = {
        name: "unused-traffic",
        severity: Warning,
        summary: "`traffic` shares of a menu sum to at most 1",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in &ctx.menu.nodes {
        let total: f64 = node
            .options
            .iter()
            .filter_map(|o| o.traffic.as_ref())
            .map(|t| t.value)
            .sum();
        if total > 1.0 + 1e-9 {
            let mut finding = Finding::new(
                node.id.span,
                format!("the `traffic` shares of `{}` add up to {total:.2}, more than 1", node.id.value),
                format!("shares total {total:.2}"),
            )
            .help("make each `traffic` the share (0 to 1) of callers at this menu who choose that option")
            .node(node.id.value.clone());
            for option in &node.options {
                if let Some(t) = &option.traffic {
                    finding = finding.with_label(t.span, format!("{}", t.value));
                }
            }
            out.push(finding);
        }
    }
}
