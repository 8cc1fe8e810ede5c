//! The caller model's later additions (confusions, caller groups, long menus, announced keys)
//! are all off by default: on files that use none of them, `ivr sim` prints what it printed
//! before they existed, byte for byte. The files in tests/fixtures/v1_outputs/ were written by
//! `ivr` before the additions, with the commands below.

mod common;

use common::{example_menus, ivr, root};

/// The outputs kept, as (file suffix, arguments after the menu).
const RUNS: &[(&str, &[&str])] = &[
    (
        "mc.human",
        &["--calls", "20000", "--seed", "7", "--format", "human"],
    ),
    (
        "mc.csv",
        &["--calls", "20000", "--seed", "7", "--format", "csv"],
    ),
    (
        "mc.json",
        &["--calls", "20000", "--seed", "7", "--format", "json"],
    ),
    ("exact.human", &["--exact", "--format", "human"]),
    ("exact.csv", &["--exact", "--format", "csv"]),
    ("exact.json", &["--exact", "--format", "json"]),
    (
        "exact-flow.json",
        &["--exact", "--format", "json", "--by-intent"],
    ),
    (
        "mc-flow.csv",
        &[
            "--calls",
            "20000",
            "--format",
            "csv",
            "--flow",
            "--by-intent",
        ],
    ),
];

#[test]
fn example_menus_simulate_exactly_as_before_the_caller_model_additions() {
    let mut compared = 0;
    for menu in example_menus() {
        let stem = menu.file_stem().unwrap().to_string_lossy().to_string();
        for (suffix, args) in RUNS {
            let kept = root()
                .join("tests/fixtures/v1_outputs")
                .join(format!("{stem}.{suffix}"));
            let Ok(before) = std::fs::read_to_string(&kept) else {
                continue;
            };
            let path = format!("menus/{stem}.yaml");
            let mut all = vec!["sim", path.as_str()];
            all.extend_from_slice(args);
            let run = ivr(&all);
            assert!(run.success(), "ivr {all:?}: {}", run.stderr);
            assert!(
                run.stdout == before,
                "ivr {all:?} no longer prints {}",
                kept.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} outputs compared");
}
