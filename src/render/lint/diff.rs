//! `ivr lint --diff`: what the fixes would change, as a unified diff `git apply` and `patch`
//! accept.

use similar::TextDiff;

/// The unified diff of one file, with `a/` and `b/` headers on its path and three lines of
/// context; empty when nothing changes.
pub fn unified(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
