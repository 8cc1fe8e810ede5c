//! `ivr lint`: walking files and folders, the configuration of each file, parallel loading and
//! linting, one report.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{
    Document, display_path as display, load_document, load_intents, load_traffic, neither_error,
    read_source,
};
use crate::intents::Intents;
use crate::lint::{LintReport, lint_menu};
use crate::yaml::Limits;
use crate::yaml::reader::LoadResult;

/// What `ivr lint` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct LintRequest {
    pub paths: Vec<PathBuf>,
    /// `--intents`: one intents file for every menu.
    pub intents: Option<PathBuf>,
    /// `--config`: one config for every file (else the nearest `.ivr.yaml`).
    pub config: Option<PathBuf>,
}

/// A file to lint and whether the user named it (named files that are neither menu nor
/// intents are reported; walked ones are skipped).
struct Target {
    path: PathBuf,
    named: bool,
}

/// Lints files and folders. `Err` is for what stops the whole run (exit 2): a missing path,
/// a bad config, a bad `--intents` file.
pub fn lint_paths(request: &LintRequest) -> LoadResult<LintReport> {
    let started = Instant::now();
    let limits = Limits::DEFAULT;
    let fixed_config = match &request.config {
        Some(path) => Some(Arc::new(Config::load(path)?)),
        None => None,
    };
    let configs = ConfigCache {
        fixed: fixed_config,
        found: Mutex::new(HashMap::new()),
    };
    let fixed_intents = match &request.intents {
        Some(path) => Some(Arc::new(load_intents(path, &limits)?)),
        None => None,
    };
    let paths = if request.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        request.paths.clone()
    };
    let mut targets = Vec::new();
    for path in &paths {
        if !path.exists() {
            return Err(Box::new(Diagnostic::file_error(
                &display(path),
                "no such file or folder",
            )));
        }
        if path.is_dir() {
            let config = configs.for_path(path)?;
            walk(path, &config, &mut targets)?;
        } else {
            targets.push(Target {
                path: path.clone(),
                named: true,
            });
        }
    }
    // Configs of walked files are looked up before the parallel part, so a bad one stops the run.
    for target in &targets {
        configs.for_path(&target.path)?;
    }

    let results: Vec<FileResult> = targets
        .par_iter()
        .map(|target| lint_file(target, &configs, fixed_intents.as_deref(), &limits))
        .collect();

    let mut report = LintReport::default();
    let mut files = BTreeSet::new();
    for result in results {
        files.extend(result.files);
        report.diagnostics.extend(result.diagnostics);
    }
    if let Some(path) = &request.intents {
        files.insert(display(path));
    }
    report.files = files.len();
    if report.files == 0 {
        let searched: Vec<String> = paths.iter().map(|p| display(p)).collect();
        report
            .notes
            .push(format!("no menu files found in {}", searched.join(", ")));
    }
    report.sort();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    /// Menu and intents files read.
    files: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

fn lint_file(
    target: &Target,
    configs: &ConfigCache,
    fixed_intents: Option<&Intents>,
    limits: &Limits,
) -> FileResult {
    let mut result = FileResult::default();
    let name = display(&target.path);
    let document =
        read_source(&target.path, limits).and_then(|source| load_document(&source, limits));
    let menu = match document {
        Err(error) => {
            result.files.push(name);
            result.diagnostics.push(*error);
            return result;
        }
        Ok(Document::Other(source)) => {
            if target.named {
                result.files.push(name);
                result
                    .diagnostics
                    .push(*neither_error(&source, "a menu or intents file"));
            }
            return result;
        }
        Ok(Document::Intents(_)) => {
            result.files.push(name);
            return result;
        }
        Ok(Document::Menu(menu)) => menu,
    };
    result.files.push(name);
    let config = configs.for_path(&target.path).unwrap_or_default();
    let own_intents;
    let intents = match fixed_intents {
        Some(intents) => Some(intents),
        None => match load_traffic(&target.path, &menu, limits) {
            Some((path, loaded)) => {
                result.files.push(display(&path));
                match loaded {
                    Ok(intents) => {
                        own_intents = intents;
                        Some(&own_intents)
                    }
                    Err(error) => {
                        result.diagnostics.push(*error);
                        None
                    }
                }
            }
            None => None,
        },
    };
    result
        .diagnostics
        .extend(lint_menu(&menu, intents, &config.lint));
    result
}

/// Walks a folder for `*.yaml` and `*.yml`, respecting `.gitignore`, hidden folders and the
/// config's `exclude:` globs.
fn walk(root: &Path, config: &Config, out: &mut Vec<Target>) -> LoadResult<()> {
    let exclude = exclude_set(config)?;
    let base = config.root().and_then(|r| {
        std::path::absolute(if r.as_os_str().is_empty() {
            Path::new(".")
        } else {
            r
        })
        .ok()
    });
    let mut found = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Some(set) = &exclude {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            let relative = base
                .as_deref()
                .and_then(|b| absolute.strip_prefix(b).ok())
                .unwrap_or(path);
            if set.is_match(relative) || set.is_match(path) {
                continue;
            }
        }
        found.insert(path.to_path_buf(), ());
    }
    // `./menus/a.yaml` reads better as `menus/a.yaml`.
    out.extend(found.into_keys().map(|path| {
        Target {
            path: path
                .strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or(path),
            named: false,
        }
    }));
    Ok(())
}

fn exclude_set(config: &Config) -> LoadResult<Option<globset::GlobSet>> {
    if config.exclude.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in &config.exclude {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(false)
            .build()
            .map_err(|e| {
                let path = config
                    .path
                    .as_deref()
                    .map_or(".ivr.yaml".to_string(), display);
                Box::new(Diagnostic::file_error(
                    &path,
                    format!("`exclude` has a bad glob `{pattern}`: {e}"),
                ))
            })?;
        builder.add(glob);
        // `menus/old` also excludes everything below it.
        if let Ok(below) = globset::Glob::new(&format!("{}/**", pattern.trim_end_matches('/'))) {
            builder.add(below);
        }
    }
    builder.build().map(Some).map_err(|e| {
        Box::new(Diagnostic::file_error(
            ".ivr.yaml",
            format!("bad `exclude` globs: {e}"),
        ))
    })
}

/// Configs by folder, loaded once each.
struct ConfigCache {
    fixed: Option<Arc<Config>>,
    found: Mutex<HashMap<Option<PathBuf>, Arc<Config>>>,
}

impl ConfigCache {
    fn for_path(&self, path: &Path) -> LoadResult<Arc<Config>> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let file = Config::find_for(path);
        if let Some(config) = self.found.lock().expect("config cache").get(&file) {
            return Ok(config.clone());
        }
        let config = Arc::new(match &file {
            Some(file) => Config::load(file)?,
            None => Config::default(),
        });
        self.found
            .lock()
            .expect("config cache")
            .insert(file, config.clone());
        Ok(config)
    }
}
