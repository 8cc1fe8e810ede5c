//! What the test files share: one way to run the `ivr` binary (plain or under a guard), scratch
//! folders, loading menus from text, the simulation figures tests compare, and the proptest
//! generator of menus. Every use of the library's inner modules that more than one test file
//! needs goes through here, so a moved module is fixed in one place.
//!
//! Each test file includes this module with `mod common;` and uses only part of it.
#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses only some of the shared helpers"
)]

pub mod big;
pub mod browser;
pub mod figures;
pub mod fixes;
pub mod generate;
pub mod import;
pub mod load;
pub mod lsp;
pub mod menus;
pub mod run;

use std::path::{Path, PathBuf};

pub use run::{Ivr, Run, ivr, ivr_in, sim_json, without_flow};

/// The crate's folder (cargo runs integration tests from it, so relative paths work too).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder for the files one test writes, removed when the test ends (also when
/// it fails). It is in the system's temporary folder, outside the crate, so no `.ivr.yaml` or
/// `.gitignore` of ours applies to the files in it.
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ivr-test-")
        .tempdir()
        .expect("a scratch folder")
}

/// Writes `text` to `dir/name`, creating the folders on the way.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, text).expect("write the file");
    path
}

/// The example menus in `menus/` (not their intents files), in name order.
pub fn example_menus() -> Vec<PathBuf> {
    example_files()
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".intents.yaml"))
        .collect()
}

/// Every YAML file in `menus/`, menus and intents files, in name order.
pub fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("menus"))
        .expect("menus/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Keeps this test's snapshots in `tests/snapshots/FOLDER/`, named without the test file's
/// name (the folder says it). Hold the guard while asserting snapshots:
/// `let _snapshots = common::snapshot_folder("sim_output");`.
pub fn snapshot_folder(folder: &str) -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/{folder}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind_to_scope()
}
