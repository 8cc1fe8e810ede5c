use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;

declare_rule! {
    /// ## What it checks
    ///
    /// Every suppression — `lint: { allow: [rule] }` on a node, or a `# ivr: allow(rule)`
    /// comment — silences at least one finding. A suppression that silences nothing is
    /// reported, so that stale suppressions do not pile up. (One that names no rule, or that is
    /// not written so `ivr` can read it, is `invalid-suppression`'s.)
    ///
    /// ## Why it matters
    ///
    /// Suppressions are promises that a designer looked at a finding and accepted it. Once the
    /// menu changes, a stale one hides nothing but can hide the next real problem.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main:   # ivr: allow(too-many-options) seasonal menu
    ///   options: [...]   # only three options now
    /// ```
    ///
    /// ## Instead
    ///
    /// Remove the suppression once the finding is gone.
    ///
    /// ## Options
    ///
    /// None.
    pub static UNUSED_ALLOW = {
        name: "unused-allow",
        severity: Warning,
        summary: "every suppression silences something and names a real rule",
        options: [],
        check: check,
    };
}

/// Findings of this rule come from the suppression pass (`lint::suppression`), which sees
/// what every other rule reported.
fn check(_: &Context<'_>, _: &mut Vec<Finding>) {}
