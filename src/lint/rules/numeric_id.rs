use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    ///
    /// No node id is written unquoted in a form YAML reads as a number (`1`, `0123`, `2.5`,
    /// `1e3`, `0x1F`), where the node is defined or where `entry`, `to`, `then`, `on_fail` or a
    /// branch names it. A node is reported once, at its definition, with a label on each such
    /// use.
    ///
    /// ## Why it matters
    ///
    /// `ivr` reads an id as the text you typed, so `0123` stays `0123`. Every other YAML tool
    /// (a script, a formatter, a platform's importer, `yq`) reads it as the number 123: the
    /// leading zero is lost, `1.50` becomes `1.5`, and an id that was a string in one file
    /// becomes a number in the next. Flows exported from platforms often number their
    /// blocks, so such ids are common in menus converted by hand.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// entry: 0100
    /// nodes:
    ///   0100: { options: [{ key: "1", say: "For billing, press 1.", to: 0200 }] }
    ///   0200: { type: transfer, queue: billing, serves: [pay_bill] }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// entry: "0100"
    /// nodes:
    ///   "0100": { options: [{ key: "1", say: "For billing, press 1.", to: "0200" }] }
    ///   "0200": { type: transfer, queue: billing, serves: [pay_bill] }
    /// ```
    ///
    /// ## Fix
    ///
    /// Safe (callers notice nothing; `ivr` reads the same text): the id is put in double
    /// quotes where the node is defined and everywhere it is named unquoted.
    ///
    /// ## Options
    ///
    /// None.
    pub static NUMERIC_ID = {
        name: "numeric-id",
        severity: Warning,
        summary: "node ids are not written as numbers",
        options: [],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let menu = ctx.menu;
    // Every place the file names a node.
    let mut uses: Vec<&Spanned<String>> = Vec::new();
    uses.extend(menu.entry.iter());
    uses.extend(menu.defaults.on_fail.iter());
    for node in &menu.nodes {
        uses.extend(node.to.iter());
        uses.extend(node.options.iter().filter_map(|o| o.to.as_ref()));
        uses.extend(node.branches.iter().filter_map(|b| b.to.as_ref()));
        for handler in [&node.on_invalid, &node.on_no_input].into_iter().flatten() {
            uses.extend(handler.then.iter());
        }
    }
    // Only the uses written as numbers matter: few, so one pass over all uses, then a
    // lookup per node (a big menu has tens of thousands of both).
    let mut bare_uses: std::collections::HashMap<&str, Vec<&Spanned<String>>> =
        std::collections::HashMap::new();
    for u in uses.into_iter().filter(|u| menu.written_as_number(u)) {
        bare_uses.entry(u.value.as_str()).or_default().push(u);
    }
    for node in &menu.nodes {
        let id = &node.id.value;
        let bare = bare_uses.get(id.as_str()).cloned().unwrap_or_default();
        let defined_bare = menu.written_as_number(&node.id);
        if !defined_bare && bare.is_empty() {
            continue;
        }
        let quote = |s: &Spanned<String>| Edit::replace(s.span, format!("\"{}\"", s.value));
        let mut edits: Vec<Edit> = bare.iter().map(|u| quote(u)).collect();
        if defined_bare {
            edits.push(quote(&node.id));
        }
        let mut finding = Finding::new(
            node.id.span,
            format!("node id `{id}` is written as a number, which other YAML tools read as one"),
            if defined_bare {
                "read as a number"
            } else {
                "named unquoted below"
            },
        )
        .help(format!("quote it everywhere: \"{id}\""))
        .node(id.clone());
        for u in &bare {
            finding = finding.with_label(u.span, "unquoted here too");
        }
        out.push(finding.with_fix(Some(Fix::safe(format!("quote the id \"{id}\""), edits))));
    }
}
