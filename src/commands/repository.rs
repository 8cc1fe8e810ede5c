//! Paths from the repository root: what SARIF and GitHub annotations need, whatever folder
//! `ivr` runs in and however the files were named.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The path of each file from its repository root (the nearest folder above it that has a
/// `.git`, else the current folder), with forward slashes. A file outside both keeps the path
/// it was named by.
pub fn repository_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    let current = std::env::current_dir().map(|d| normalize(&d)).ok();
    let mut roots: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut out = HashMap::new();
    for path in paths {
        if path.is_empty() || out.contains_key(path) {
            continue;
        }
        let Some(absolute) = std::path::absolute(path).ok().map(|p| normalize(&p)) else {
            continue;
        };
        let folder = absolute.parent().unwrap_or(&absolute).to_path_buf();
        let root = roots
            .entry(folder.clone())
            .or_insert_with(|| {
                folder
                    .ancestors()
                    .find(|a| a.join(".git").exists())
                    .map(Path::to_path_buf)
            })
            .clone()
            .or_else(|| current.clone());
        if let Some(relative) = root.and_then(|r| absolute.strip_prefix(r).ok().map(slashed)) {
            out.insert(path.to_string(), relative);
        }
    }
    out
}

/// `a/./b/../c` as `a/c`, without asking the file system (the file may be a symbolic link).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
