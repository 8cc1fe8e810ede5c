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
    Document, display_path as display, load_document, load_intents, load_traffic, read_source,
    source_from_bytes,
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
    /// `--select`: only these rules run (else every rule the config leaves on).
    pub select: Option<Vec<String>>,
    /// `--ignore`: these rules do not run, whatever the config says.
    pub ignore: Vec<String>,
    /// `--force-exclude`: the config's `exclude:` applies to files named on the command line
    /// too (what a pre-commit hook needs: it names every staged file).
    pub force_exclude: bool,
    /// `-` in `paths` is this text, named and configured as if it were this file.
    pub stdin: Option<StdinFile>,
}

/// A menu read from standard input (`ivr lint - --stdin-filename menus/main.yaml`).
#[derive(Clone, Debug)]
pub struct StdinFile {
    /// The path it is shown with; its configuration and `traffic:` are found from it.
    pub name: PathBuf,
    pub bytes: Vec<u8>,
}

/// The top-level keys of a menu or an intents file: a YAML file with none of them is not ours.
pub const OUR_KEYS: [&str; 6] = ["menu", "entry", "nodes", "traffic", "intents", "callers"];

/// A file to lint and whether the user named it (named files that are neither menu nor
/// intents are reported; walked ones are skipped).
struct Target {
    path: PathBuf,
    named: bool,
    /// The text, for the menu read from standard input.
    stdin: Option<Vec<u8>>,
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
    let mut skipped = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let Some(stdin) = &request.stdin else {
                return Err(Box::new(Diagnostic::usage_error(
                    "`-` reads a menu from standard input, which needs `--stdin-filename`",
                )));
            };
            targets.push(Target {
                path: stdin.name.clone(),
                named: true,
                stdin: Some(stdin.bytes.clone()),
            });
            continue;
        }
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
            if request.force_exclude && is_excluded(&*configs.for_path(path)?, path)? {
                skipped.push(format!(
                    "skipped {}: excluded by `exclude:` in .ivr.yaml",
                    display(path)
                ));
                continue;
            }
            targets.push(Target {
                path: path.clone(),
                named: true,
                stdin: None,
            });
        }
    }
    let rules = RuleChoice::new(request)?;
    // Configs of walked files are looked up before the parallel part, so a bad one stops the run.
    for target in &targets {
        configs.for_path(&target.path)?;
    }

    let results: Vec<FileResult> = targets
        .par_iter()
        .map(|target| lint_file(target, &configs, &rules, fixed_intents.as_deref(), &limits))
        .collect();

    let mut report = LintReport::default();
    let mut files = BTreeSet::new();
    for result in results {
        files.extend(result.files);
        skipped.extend(result.skipped);
        report.diagnostics.extend(result.diagnostics);
    }
    if let Some(path) = &request.intents {
        files.insert(display(path));
    }
    report.files = files.len();
    report.skipped = skipped;
    if report.files == 0 {
        let searched: Vec<String> = paths.iter().map(|p| display(p)).collect();
        report
            .notes
            .push(format!("no menu files found in {}", searched.join(", ")));
    }
    report.sort();
    report.repository_paths =
        super::repository::repository_paths(report.diagnostics.iter().map(|d| d.path.as_str()));
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    /// Menu and intents files read.
    files: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    /// Named files that are not ours, with why.
    skipped: Vec<String>,
}

fn lint_file(
    target: &Target,
    configs: &ConfigCache,
    rules: &RuleChoice,
    fixed_intents: Option<&Intents>,
    limits: &Limits,
) -> FileResult {
    let mut result = FileResult::default();
    let name = display(&target.path);
    let source = match &target.stdin {
        Some(bytes) => source_from_bytes(&name, bytes.clone(), limits),
        None => read_source(&target.path, limits),
    };
    let document = source.and_then(|source| load_document(&source, limits));
    let menu = match document {
        Err(error) => {
            result.files.push(name);
            result.diagnostics.push(*error);
            return result;
        }
        Ok(Document::Other(_)) => {
            // Not ours: a workflow, a compose file or `.pre-commit-config.yaml` that a hook
            // or a glob named. Walked files are skipped quietly, named ones with a note.
            if target.named {
                result.skipped.push(format!(
                    "skipped {name}: not a menu or intents file (no top-level {})",
                    OUR_KEYS.map(|k| format!("`{k}`")).join(", ")
                ));
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
    let settings = rules.apply(&config.lint);
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
            // An imported flow is linted on the starter traffic `ivr import` writes beside it,
            // so the platform file and its import give the same findings.
            None if menu.imported_from.is_some() => {
                match crate::commands::sim::starter_traffic(&menu) {
                    Ok(intents) => {
                        own_intents = intents;
                        Some(&own_intents)
                    }
                    Err(_) => None,
                }
            }
            None => None,
        },
    };
    let flows = crate::document::load_flow_files(&target.path, &menu, limits);
    let mut found = lint_menu(&menu, intents, &settings);
    if !flows.links.is_empty() {
        // The depth rules judge the files joined by flow nodes as one menu: a transfer in the
        // next file is within reach. Their findings on this file's nodes replace its own.
        let mut depth_only = settings.clone();
        for rule in crate::lint::registry::RULES {
            if !JOINED_RULES.contains(&rule.name) {
                depth_only.set_severity(rule, None);
            }
        }
        let joined = flows.join(&menu);
        found.retain(|d| !JOINED_RULES.contains(&d.code.as_str()));
        found.extend(
            lint_menu(&joined, intents, &depth_only)
                .into_iter()
                .filter(|d| JOINED_RULES.contains(&d.code.as_str()))
                .filter(|d| d.node.as_deref().is_none_or(|n| menu.lookup(n).is_some())),
        );
    }
    result.diagnostics.extend(found);
    result
        .diagnostics
        .extend(flow_targets(&menu, flows.problems));
    result
}

/// The rules that judge the files joined by flow nodes as one menu.
const JOINED_RULES: [&str; 3] = ["agent-depth", "self-service-depth", "intent-coverage"];

/// A flow node whose `file` cannot be read or is not a menu names no node: an `unknown-target`
/// error at its `file:` (the files it does reach are linted on their own).
fn flow_targets(menu: &crate::menu::Menu, problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let name = menu.source.name();
    problems
        .into_iter()
        .filter(|d| d.path == name)
        .map(|mut d| {
            d.code = "unknown-target".to_string();
            d.severity = crate::diagnostic::Severity::Error;
            d
        })
        .collect()
}

/// Walks a folder for `*.yaml` and `*.yml` (and the XML and `.conf` files flows come in), respecting `.gitignore`, hidden folders and the
/// config's `exclude:` globs.
fn walk(root: &Path, config: &Config, out: &mut Vec<Target>) -> LoadResult<()> {
    let exclude = exclude_set(config)?;
    let base = exclude_base(config);
    let mut found = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        // XML and `.conf` files are read too: VoiceXML, FreeSWITCH and Asterisk flows are told
        // by content, and the others skipped.
        let is_yaml = path.extension().is_some_and(|e| {
            ["yaml", "yml", "xml", "vxml", "conf"]
                .iter()
                .any(|x| e == *x)
        });
        if !is_yaml || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Some(set) = &exclude
            && matches_exclude(set, base.as_deref(), path)
        {
            continue;
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
            stdin: None,
        }
    }));
    Ok(())
}

/// The folder a config's `exclude:` globs are relative to.
fn exclude_base(config: &Config) -> Option<PathBuf> {
    config.root().and_then(|r| {
        std::path::absolute(if r.as_os_str().is_empty() {
            Path::new(".")
        } else {
            r
        })
        .ok()
    })
}

fn matches_exclude(set: &globset::GlobSet, base: Option<&Path>, path: &Path) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let relative = base
        .and_then(|b| absolute.strip_prefix(b).ok())
        .unwrap_or(path);
    set.is_match(relative) || set.is_match(path)
}

/// Whether the config's `exclude:` covers a file named on the command line.
fn is_excluded(config: &Config, path: &Path) -> LoadResult<bool> {
    Ok(exclude_set(config)?
        .is_some_and(|set| matches_exclude(&set, exclude_base(config).as_deref(), path)))
}

/// `--select` and `--ignore`, checked once and applied over each file's settings.
struct RuleChoice {
    off: Vec<&'static crate::lint::rule::Rule>,
}

impl RuleChoice {
    fn new(request: &LintRequest) -> LoadResult<RuleChoice> {
        let find = |name: &str| {
            crate::lint::registry::rule(name)
                .ok_or_else(|| Box::new(crate::lint::registry::unknown_rule(name)))
        };
        let mut off = Vec::new();
        if let Some(select) = &request.select {
            let chosen = select
                .iter()
                .map(|n| find(n))
                .collect::<LoadResult<Vec<_>>>()?;
            off.extend(
                crate::lint::registry::RULES
                    .iter()
                    .copied()
                    .filter(|r| !chosen.iter().any(|c| c.name == r.name)),
            );
        }
        for name in &request.ignore {
            off.push(find(name)?);
        }
        Ok(RuleChoice { off })
    }

    fn apply(&self, settings: &crate::lint::Settings) -> crate::lint::Settings {
        let mut settings = settings.clone();
        for rule in &self.off {
            settings.set_severity(rule, None);
        }
        settings
    }
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
