use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::lint::suppression;

declare_rule! {
    /// ## What it checks
    ///
    /// Every comment meant as a suppression is written so that `ivr` reads it, and every
    /// suppression names a real rule. `# ivr:allow(...)` (no space), `# ivr: alow(...)`,
    /// `# ivr allow(...)`, a missing `)` and an unknown rule name (in a comment or in
    /// `lint: { allow: [...] }`) are reported, with the spelling `ivr` expects or the closest
    /// rule name.
    ///
    /// ## Why it matters
    ///
    /// A suppression `ivr` cannot read silences nothing. Ignored quietly, it leaves the designer
    /// believing a finding was accepted while CI keeps failing on it, or, worse, believing a
    /// check runs when the typo is in the rule's name.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main:   # ivr:allow(too-many-options) seasonal offers
    /// billing:   # ivr: allow(dead-ends)
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// main:   # ivr: allow(too-many-options) seasonal offers
    /// billing:   # ivr: allow(dead-end)
    /// ```
    ///
    /// ## Options
    ///
    /// None.
    pub static INVALID_SUPPRESSION = {
        name: "invalid-suppression",
        severity: Warning,
        summary: "every suppression is written as `# ivr: allow(rule)` and names a real rule",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for invalid in suppression::invalid(ctx.menu, ctx.intents.map(|i| &i.source)) {
        let mut finding =
            Finding::new(invalid.span, invalid.message, invalid.label).help(invalid.help);
        finding.node = invalid.node;
        out.push(if invalid.in_intents {
            finding.in_intents()
        } else {
            finding
        });
    }
}
