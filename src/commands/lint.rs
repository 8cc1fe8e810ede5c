//! `ivr lint`: walking files and folders, the configuration of each file, parallel loading and
//! linting, one report.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{
    Document, display_path as display, holds_nothing, load_document, load_intents,
    load_traffic_with, read_source, source_from_bytes,
};
use crate::intents::Intents;
use crate::lint::{LintReport, lint_menu};
use crate::text::printable;
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
        folders: Mutex::new(HashMap::new()),
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
    let mut walked = Walked::default();
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
            walk(path, &config, &mut targets, &mut walked)?;
        } else {
            if request.force_exclude && is_excluded(&*configs.for_file(path)?, path)? {
                skipped.push(format!(
                    "skipped {}: excluded by `exclude:` in .ivr.yaml",
                    printable(&display(path))
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
        configs.for_file(&target.path)?;
    }

    let traffic = TrafficCache::default();
    let run = Run {
        configs: &configs,
        rules: &rules,
        fixed_intents: fixed_intents.as_deref(),
        traffic: &traffic,
        limits: &limits,
    };
    let results: Vec<FileResult> = targets
        .par_iter()
        .map(|target| lint_file(target, &run))
        .collect();

    let mut report = LintReport {
        diagnostics: walked.errors,
        warnings: walked.warnings,
        ..LintReport::default()
    };
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

/// What every file of one run shares.
struct Run<'a> {
    configs: &'a ConfigCache,
    rules: &'a RuleChoice,
    /// `--intents`.
    fixed_intents: Option<&'a Intents>,
    traffic: &'a TrafficCache,
    limits: &'a Limits,
}

/// Intents files loaded in this run, by path: a walked folder holds each intents file beside
/// the menus naming it, so it is loaded once, not once as a file and again for each menu.
#[derive(Default)]
struct TrafficCache {
    loaded: Mutex<HashMap<PathBuf, Arc<TrafficSlot>>>,
}

/// One intents file of a run: empty until a thread loads it.
type TrafficSlot = OnceLock<LoadResult<Arc<Intents>>>;

impl TrafficCache {
    fn slot(&self, path: &Path) -> Arc<TrafficSlot> {
        let mut loaded = self.loaded.lock().expect("traffic cache");
        loaded.entry(path.to_path_buf()).or_default().clone()
    }

    /// The intents file at `path`, loaded from disk the first time it is asked for.
    fn load(&self, path: &Path, limits: &Limits) -> LoadResult<Arc<Intents>> {
        let slot = self.slot(path);
        slot.get_or_init(|| load_intents(path, limits).map(Arc::new))
            .clone()
    }

    /// An intents file already loaded from disk, if it was.
    fn loaded(&self, path: &Path) -> Option<Arc<Intents>> {
        let loaded = self.loaded.lock().expect("traffic cache");
        loaded.get(path)?.get()?.as_ref().ok().cloned()
    }

    /// Keeps an intents file a walk loaded, for the menus naming it.
    fn offer(&self, path: &Path, intents: Intents) {
        // Another thread may have loaded it meanwhile: the same file, so either copy does.
        let _ = self.slot(path).set(Ok(Arc::new(intents)));
    }
}

fn lint_file(target: &Target, run: &Run<'_>) -> FileResult {
    let limits = run.limits;
    let mut result = FileResult::default();
    let name = display(&target.path);
    let source = match &target.stdin {
        Some(bytes) => source_from_bytes(&name, bytes.clone(), limits),
        None => read_source(&target.path, limits),
    };
    // A walked `.js` file or a file without an extension is linted only when it holds a
    // platform's flow; anything else (a script, a licence, a binary) is skipped quietly.
    let walked_maybe = !target.named && target.stdin.is_none() && maybe_flow_file(&target.path);
    if walked_maybe {
        let flow = source.ok().and_then(|source| {
            let is_js = target.path.extension().is_some_and(|e| e == "js");
            if is_js && crate::import::unwrap_script(source.text()).is_none() {
                return None;
            }
            match load_document(&source, limits) {
                Ok(Document::Menu(menu)) if menu.imported_from.is_some() => Some(Ok(menu)),
                Err(error) if looks_like_flow(source.text()) => Some(Err(error)),
                _ => None,
            }
        });
        return match flow {
            None => result,
            Some(Err(error)) => {
                result.files.push(name);
                result.diagnostics.push(*error);
                result
            }
            Some(Ok(menu)) => lint_loaded(result, name, *menu, target, run),
        };
    }
    // A walked file with nothing in it is no more a menu than a workflow file is; named, it is
    // an input error (below).
    if let Ok(source) = &source
        && !target.named
        && let Some(reason) = holds_nothing(source)
    {
        result.skipped.push(format!(
            "skipped {}: {reason}; not a menu or intents file",
            printable(&name)
        ));
        return result;
    }
    // An intents file a menu has named is loaded already (from disk: not for standard input).
    if target.stdin.is_none() && run.traffic.loaded(&target.path).is_some() {
        result.files.push(name);
        return result;
    }
    let walked_json = !target.named && target.path.extension().is_some_and(|e| e == "json");
    let document = source.and_then(|source| {
        let loaded = load_document(&source, limits);
        // A walked JSON file that is not a flow export (`package.json`, a `tsconfig.json` with
        // comments) is not ours, even when it does not parse.
        match loaded {
            Err(_) if walked_json && !looks_like_flow(source.text()) => Ok(Document::Other(source)),
            other => other,
        }
    });
    let menu = match document {
        Err(error) => {
            result.files.push(name);
            result.diagnostics.push(*error);
            return result;
        }
        Ok(Document::Other(_)) => {
            // Not ours: a workflow, a compose file or `.pre-commit-config.yaml` that a walk
            // found or a hook named. Skipped with a note, so a menu whose top-level keys are
            // all misspelt does not pass unseen; a walked JSON file that is no flow export
            // (`package.json`) is skipped quietly, as JSON is not a menu's own format.
            if target.named || !walked_json {
                result.skipped.push(format!(
                    "skipped {}: not a menu or intents file (no top-level {})",
                    printable(&name),
                    OUR_KEYS.map(|k| format!("`{k}`")).join(", ")
                ));
            }
            return result;
        }
        Ok(Document::Intents(intents)) => {
            if target.stdin.is_none() {
                run.traffic.offer(&target.path, *intents);
            }
            result.files.push(name);
            return result;
        }
        Ok(Document::Menu(menu)) => menu,
    };
    lint_loaded(result, name, *menu, target, run)
}

/// Whether a walked file is one a platform's flow may hide in without its usual extension: a
/// JavaScript file (a Twilio Studio flow in `module.exports = {...}`) or a file with no
/// extension (a Connect export saved as it was downloaded).
fn maybe_flow_file(path: &Path) -> bool {
    path.extension().is_none_or(|e| e == "js")
}

/// Lints a menu read from a target, with its traffic and the files its flow nodes reach.
fn lint_loaded(
    mut result: FileResult,
    name: String,
    menu: crate::menu::Menu,
    target: &Target,
    run: &Run<'_>,
) -> FileResult {
    let limits = run.limits;
    result.files.push(name);
    let config = run.configs.for_file(&target.path).unwrap_or_default();
    let settings = run.rules.apply(&config.lint);
    let own_intents;
    let shared_intents;
    let read = |path: &Path| run.traffic.load(path, limits);
    let intents = match run.fixed_intents {
        Some(intents) => Some(intents),
        None => match load_traffic_with(&target.path, &menu, &read) {
            Some((path, loaded)) => {
                result.files.push(display(&path));
                match loaded {
                    Ok(intents) => {
                        shared_intents = intents;
                        Some(&*shared_intents)
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
    result
        .diagnostics
        .extend(lint_with_flows(&menu, intents, &settings, flows));
    result
}

/// A menu's findings as `ivr lint` gives them: its own, the depth rules judged over the files
/// its flow nodes join, and the hand-offs to files that cannot be read. The language server
/// lints with it too.
pub fn lint_with_flows(
    menu: &crate::menu::Menu,
    intents: Option<&Intents>,
    settings: &crate::lint::Settings,
    flows: crate::document::FlowFiles,
) -> Vec<Diagnostic> {
    let mut found = lint_menu(menu, intents, settings);
    if !flows.links.is_empty() {
        // The depth rules judge the files joined by flow nodes as one menu: a transfer in the
        // next file is within reach. Their findings on this file's nodes replace its own.
        let mut depth_only = settings.clone();
        for rule in crate::lint::registry::RULES {
            if !JOINED_RULES.contains(&rule.name) {
                depth_only.set_severity(rule, None);
            }
        }
        let joined = flows.join(menu);
        found.retain(|d| !JOINED_RULES.contains(&d.code.as_str()));
        found.extend(
            lint_menu(&joined, intents, &depth_only)
                .into_iter()
                .filter(|d| JOINED_RULES.contains(&d.code.as_str()))
                .filter(|d| d.node.as_deref().is_none_or(|n| menu.lookup(n).is_some())),
        );
    }
    // An imported flow's finding about its starter traffic lands on the flow itself.
    let mut found: Vec<Diagnostic> = found
        .into_iter()
        .map(|d| crate::commands::sim::onto_flow(menu, d))
        .collect();
    found.extend(flow_targets(menu, flows.problems));
    found
}

/// Whether a JSON file that does not parse was meant to be a platform's flow export.
fn looks_like_flow(text: &str) -> bool {
    ["\"StartAction\"", "\"modules\"", "\"initial_state\""]
        .iter()
        .any(|k| text.contains(k))
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

/// What a walk met besides the files to lint.
#[derive(Default)]
struct Walked {
    /// Folders that could not be read, as `input-error` findings.
    errors: Vec<Diagnostic>,
    /// Symbolic links skipped, with why.
    warnings: Vec<String>,
}

/// Walks a folder for `*.yaml` and `*.yml` (and the JSON, XML and `.conf` files platform flows
/// come in, and the `.js` and extensionless files they may hide in), respecting `.gitignore`,
/// hidden folders and the config's `exclude:` globs.
///
/// Nothing is skipped silently: a folder that cannot be read is an `input-error` finding (its
/// menus would otherwise pass unlinted); a symbolic link named like a menu is linted when it
/// leads to a file inside the repository and is otherwise skipped with a warning (a link to
/// nothing, a link that loops, a link out of the repository, which a pull request could point
/// at a secret). Links to folders are not followed.
fn walk(
    root: &Path,
    config: &Config,
    out: &mut Vec<Target>,
    walked: &mut Walked,
) -> LoadResult<()> {
    let exclude = exclude_set(config)?;
    let base = exclude_base(config);
    let repository = crate::document::repository_root(root);
    let mut found = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                match walk_problem(&error, root) {
                    WalkProblem::Error(diagnostic) => walked.errors.push(diagnostic),
                    WalkProblem::Warning(warning) => walked.warnings.push(warning),
                }
                continue;
            }
        };
        let path = entry.path();
        // JSON, XML and `.conf` too: platform flows (Amazon Connect, Twilio, VoiceXML,
        // FreeSWITCH, Asterisk) are told by content and linted where they lie, the others skipped.
        let is_yaml = path.extension().is_some_and(|e| {
            ["yaml", "yml", "json", "xml", "vxml", "conf"]
                .iter()
                .any(|x| e == *x)
        }) || maybe_flow_file(path);
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if !is_yaml || !(file_type.is_file() || file_type.is_symlink()) {
            continue;
        }
        if let Some(set) = &exclude
            && matches_exclude(set, base.as_deref(), path)
        {
            continue;
        }
        if file_type.is_symlink()
            && let Some(warning) = link_refused(path, repository.as_deref())
        {
            walked.warnings.push(warning);
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

/// What to do about an error met while walking.
enum WalkProblem {
    /// A folder or file that could not be read: an `input-error` finding.
    Error(Diagnostic),
    /// Something that is no menu and was skipped (a `.gitignore` line that is not a glob, a
    /// loop): a warning.
    Warning(String),
}

/// Sorts an error of the walk into a finding or a warning; the path is the one it happened at
/// (else the walk's root).
fn walk_problem(error: &ignore::Error, root: &Path) -> WalkProblem {
    let shown = shown(error_path(error).unwrap_or(root));
    match error.io_error() {
        Some(io) => {
            let reason = match io.kind() {
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                std::io::ErrorKind::NotFound => {
                    "it disappeared while the folder was read".to_string()
                }
                _ => io.to_string(),
            };
            WalkProblem::Error(
                Diagnostic::file_error(&shown, format!("cannot read the folder: {reason}"))
                    .with_help(
                        "check that you may read it, or leave it out with `exclude:` in .ivr.yaml; \
                         the menus in it were not linted",
                    ),
            )
        }
        None => WalkProblem::Warning(format!(
            "skipped {shown}: {}",
            printable(&error.to_string())
        )),
    }
}

/// The path an error of the walk names, if any.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.first().and_then(error_path),
        _ => None,
    }
}

/// Why a symbolic link found by a walk is not linted (`None`: it leads to a regular file inside
/// the repository, and is linted under its own name).
fn link_refused(link: &Path, repository: Option<&Path>) -> Option<String> {
    let shown = shown(link);
    let target = std::fs::read_link(link)
        .map(|t| printable(&display(&t)).into_owned())
        .unwrap_or_default();
    match std::fs::metadata(link) {
        Err(_) if link_loops(link) => Some(format!(
            "skipped {shown}: a symbolic link that loops (to {target}, which leads back to itself)"
        )),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some(format!(
            "skipped {shown}: a symbolic link to {target}, which does not exist"
        )),
        Err(error) => Some(format!(
            "skipped {shown}: a symbolic link that cannot be followed: {}",
            printable(&error.to_string())
        )),
        Ok(meta) if !meta.is_file() => Some(format!(
            "skipped {shown}: a symbolic link to {target}, which is not a regular file"
        )),
        Ok(_) => {
            let inside = repository
                .zip(std::fs::canonicalize(link).ok())
                .is_some_and(|(root, resolved)| {
                    crate::document::is_inside_repository(root, &resolved)
                });
            (!inside).then(|| {
                format!(
                    "skipped {shown}: a symbolic link to {target}, outside the repository; a walk \
                     reads only files inside it (name the file to lint it)"
                )
            })
        }
    }
}

/// A path found by a walk as messages show it: `menus/a.yaml` rather than `./menus/a.yaml`,
/// control characters escaped.
fn shown(path: &Path) -> String {
    printable(&display(path.strip_prefix(".").unwrap_or(path))).into_owned()
}

/// Whether following a symbolic link comes back to a link already followed.
fn link_loops(link: &Path) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut at = link.to_path_buf();
    // The system gives up after about 40 links; so do we.
    for _ in 0..64 {
        let is_link = std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return false;
        }
        let Ok(next) = std::fs::read_link(&at) else {
            return false;
        };
        let next = at.parent().unwrap_or(Path::new("")).join(next);
        let key = std::path::absolute(&next).unwrap_or_else(|_| next.clone());
        if !seen.insert(key) {
            return true;
        }
        at = next;
    }
    true
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
    /// The config of each folder holding a linted file: one search up the folders per folder,
    /// not per file.
    folders: Mutex<HashMap<PathBuf, Arc<Config>>>,
}

impl ConfigCache {
    /// The config of a file to lint (the same for every file of a folder).
    fn for_file(&self, file: &Path) -> LoadResult<Arc<Config>> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
        if let Some(config) = self.folders.lock().expect("config cache").get(&folder) {
            return Ok(config.clone());
        }
        let config = self.for_path(file)?;
        self.folders
            .lock()
            .expect("config cache")
            .insert(folder, config.clone());
        Ok(config)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the walker gives for a folder it cannot open (tests run as root, which opens
    /// anything, so the error is built here; `tests/walks.rs` runs the binary where it can).
    fn unreadable(path: &str, kind: std::io::ErrorKind) -> ignore::Error {
        ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from(path),
                err: Box::new(ignore::Error::Io(std::io::Error::from(kind))),
            }),
        }
    }

    #[test]
    fn an_unreadable_folder_is_an_input_error() {
        let error = unreadable("./menus/locked", std::io::ErrorKind::PermissionDenied);
        let WalkProblem::Error(diagnostic) = walk_problem(&error, Path::new(".")) else {
            panic!("an unreadable folder is an error");
        };
        assert_eq!(diagnostic.code, crate::diagnostic::INPUT_ERROR);
        assert_eq!(diagnostic.path, "menus/locked");
        assert_eq!(
            diagnostic.message,
            "cannot read the folder: permission denied"
        );
        assert!(
            diagnostic
                .help
                .as_deref()
                .is_some_and(|h| h.contains("exclude:")),
            "{diagnostic:?}"
        );
    }

    #[test]
    fn any_other_read_error_is_an_input_error_too_and_names_the_walk_root_without_a_path() {
        let error = ignore::Error::Io(std::io::Error::other("disk on fire"));
        let WalkProblem::Error(diagnostic) = walk_problem(&error, Path::new("menus")) else {
            panic!("a read error is an error");
        };
        assert_eq!(diagnostic.path, "menus");
        assert_eq!(diagnostic.message, "cannot read the folder: disk on fire");
    }

    #[test]
    fn a_problem_that_is_not_a_read_error_is_a_warning_naming_its_path() {
        let error = ignore::Error::Loop {
            ancestor: PathBuf::from("menus"),
            child: PathBuf::from("menus/again\u{1b}[2J"),
        };
        let WalkProblem::Warning(warning) = walk_problem(&error, Path::new(".")) else {
            panic!("a loop is a warning");
        };
        assert!(
            warning.starts_with("skipped menus/again\\e[2J: "),
            "{warning}"
        );
    }
}
