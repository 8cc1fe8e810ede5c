//! One way to try `ivr lint --fix` on a menu in a scratch folder: `--diff` (which must not
//! write), `--fix`, then `--diff` again (which must find nothing left), each with the same
//! extra flags.

use std::path::Path;

use super::{Run, ivr_in};

/// Runs `--diff`, `--fix` and `--diff` again on `menu.yaml` in `dir` with `flags` added, and
/// returns the snapshot text (the file before, the diff, the file after and what `--fix` said
/// on stderr) and the `--fix` run.
pub fn diff_fix_diff(dir: &Path, flags: &[&str]) -> (String, Run) {
    let menu = dir.join("menu.yaml");
    let input = std::fs::read_to_string(&menu).expect("the menu is written");
    let with = |mode: &'static str| {
        let mut args: Vec<&str> = vec!["lint", "menu.yaml", mode];
        args.extend_from_slice(flags);
        args
    };
    let diff = ivr_in(dir, &with("--diff"));
    assert_eq!(
        std::fs::read_to_string(&menu).expect("kept"),
        input,
        "--diff wrote the file"
    );
    let fix = ivr_in(dir, &with("--fix"));
    let output = std::fs::read_to_string(&menu).expect("fixed");
    let again = ivr_in(dir, &with("--diff"));
    assert_eq!(
        again.code,
        Some(0),
        "a second --diff still finds fixes:\n{}",
        again.stdout
    );
    assert!(again.stdout.is_empty());
    (
        format!(
            "--- input (--diff exit {:?})\n{input}--- diff\n{}--- fixed\n{output}--- stderr of --fix\n{}",
            diff.code, diff.stdout, fix.stderr
        ),
        fix,
    )
}
