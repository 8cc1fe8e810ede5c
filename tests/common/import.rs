//! What the importer tests share: `ivr import` on a file of the crate or on a text written to a
//! scratch folder, the findings and exact figures compared between a platform file and its
//! import, and the round trip that compares them.

use std::path::Path;

use super::{ivr_in, root, scratch, write};

/// `ivr import PATH` (relative to the crate), which must succeed: the menu it prints.
pub fn imported(path: &str) -> String {
    let run = ivr_in(root(), &["import", path]);
    assert!(run.success(), "{path}: {}", run.stderr);
    run.stdout
}

/// `ivr import` of a text written to a scratch folder as `name`: the menu it prints.
pub fn imported_text(name: &str, text: &str) -> String {
    let dir = scratch();
    write(dir.path(), name, text);
    let run = ivr_in(dir.path(), &["import", name]);
    assert!(run.success(), "{}", run.stderr);
    run.stdout
}

/// `rule message` of every finding of `ivr lint` run in `dir`, sorted, without the file name
/// (so a platform file and its import can be compared).
pub fn findings(dir: &Path, path: &str) -> Vec<String> {
    let mut found: Vec<String> =
        ivr_in(dir, &["lint", path, "--format", "json"]).json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["rule"], d["message"]))
            .collect();
    found.sort();
    found
}

/// The overall figures of `ivr sim --exact` run in `dir`, which must succeed.
pub fn figures(dir: &Path, path: &str) -> serde_json::Value {
    let run = ivr_in(dir, &["sim", path, "--exact", "--format", "json"]);
    assert!(run.success(), "{path}: {}", run.stderr);
    run.json()["overall"].clone()
}

/// Imports `file` to `out` twice (the same bytes both times: `ivr` may replace its own output),
/// then checks the import gives the platform file's findings and exact figures.
pub fn assert_round_trip(file: &Path, out: &Path) {
    let (file, out) = (file.to_str().unwrap(), out.to_str().unwrap());
    let run = ivr_in(root(), &["import", file, "-o", out]);
    assert!(run.success(), "{file}: {}", run.stderr);
    let first = std::fs::read(out).unwrap();
    assert!(ivr_in(root(), &["import", file, "-o", out]).success());
    assert_eq!(first, std::fs::read(out).unwrap(), "{file}");
    assert_eq!(findings(root(), file), findings(root(), out), "{file}");
    assert_eq!(figures(root(), file), figures(root(), out), "{file}");
}
