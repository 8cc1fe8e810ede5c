//! `.ivr.yaml`: per-rule severities and options, folders to exclude, simulation checks.
//!
//! The `rules:` as written are converted, in one place, to the linter's own [`Settings`]; the
//! linter never reads this file. The nearest `.ivr.yaml` up from a linted file wins; there is
//! no merging.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Severity;
use crate::lint::Settings;
use crate::lint::registry;
use crate::ranges;
use crate::source::{SourceFile, Spanned};
use crate::text::did_you_mean;
use crate::yaml::reader::{BoxedDiagnosticExt, LoadResult, Reader, Shape};
use crate::yaml::{self, Limits, Node as YamlNode, Value};

/// The file name looked for.
pub const FILE_NAME: &str = ".ivr.yaml";

/// How `checks:` is written, shown when it is misshapen (a test runs it through `ivr sim`).
pub const CHECKS_EXAMPLE: &str = "checks: [abandoned <= 0.08, time.p90 <= 90]";

/// A loaded configuration (or the defaults).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it came from (`None`: the built-in defaults).
    pub path: Option<PathBuf>,
    /// The linter's settings from `rules:` (the defaults when there is none).
    pub lint: Settings,
    /// Globs of paths not to lint, relative to the config file's folder.
    pub exclude: Vec<String>,
    /// `ivr sim` checks (`FIGURE OP NUMBER`).
    pub checks: Vec<Spanned<String>>,
}

impl Config {
    /// The folder the config's globs are relative to.
    pub fn root(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// Reads a config file.
    pub fn load(path: &Path) -> LoadResult<Config> {
        let limits = Limits::DEFAULT;
        let source = crate::document::read_source(path, &limits)?;
        Config::from_source(&source, &limits).map(|mut c| {
            c.path = Some(path.to_path_buf());
            c
        })
    }

    pub fn from_source(source: &Arc<SourceFile>, limits: &Limits) -> LoadResult<Config> {
        let root = yaml::parse(source, limits)?;
        let mut config = Config::default();
        if matches!(root.value, Value::Null) {
            return Ok(config);
        }
        let r = Reader::new(source);
        let shape = Shape {
            what: "the configuration",
            allowed: &["rules", "exclude", "checks"],
            elsewhere: &[],
        };
        for field in r.fields(&root, &shape)? {
            match field.name {
                "rules" => config.lint = read_rules(&r, field.value)?,
                "exclude" => {
                    let globs = r.strings(&field)?.map(|s| s.value).unwrap_or_default();
                    // A bad glob is reported here, where its line is known, not when a walk
                    // first uses it.
                    for glob in &globs {
                        if let Err(e) = globset::GlobBuilder::new(&glob.value)
                            .literal_separator(false)
                            .build()
                        {
                            return Err(r
                                .error(
                                    glob.span,
                                    format!("`exclude` has a bad glob `{}`", glob.value),
                                    e.kind().to_string(),
                                )
                                .with_help_boxed(
                                    "write a glob such as `old/**` or `drafts/*.yaml`; `\\` escapes a special character",
                                ));
                        }
                    }
                    config.exclude = globs.into_iter().map(|g| g.value).collect();
                }
                _ => config.checks = read_checks(&r, field.value)?,
            }
        }
        Ok(config)
    }

    /// The nearest `.ivr.yaml` in the folder of `file` or above it.
    pub fn find_for(file: &Path) -> Option<PathBuf> {
        let start = if file.is_dir() {
            file.to_path_buf()
        } else {
            file.parent()?.to_path_buf()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let absolute = std::path::absolute(&start).ok()?;
        let found = absolute
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())?;
        // Shown in messages: relative to the current folder when it is below it.
        let cwd = std::env::current_dir().ok();
        Some(
            cwd.and_then(|c| found.strip_prefix(c).ok().map(Path::to_path_buf))
                .unwrap_or(found),
        )
    }
}

/// `checks:`: a list of gates, each text `FIGURE OP NUMBER` (parsed when `ivr sim` knows the
/// menu's intents and queues).
fn read_checks(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Vec<Spanned<String>>> {
    let help = || format!("write each check as text, FIGURE OP NUMBER: `{CHECKS_EXAMPLE}`");
    let items = match &value.value {
        Value::Null => return Ok(Vec::new()),
        Value::Seq(items) => items,
        other => {
            return Err(r
                .error(
                    r.value_span(value),
                    format!("expected a list of checks, found {}", other.kind()),
                    "expected a list here",
                )
                .with_help_boxed(help()));
        }
    };
    let mut checks = Vec::with_capacity(items.len());
    for item in items {
        match item.as_text(r.source) {
            Some(text) => checks.push(Spanned::new(text, r.value_span(item))),
            None => {
                return Err(r
                    .error(
                        r.value_span(item),
                        format!("a check is text, found {}", item.value.kind()),
                        "expected a check such as `abandoned <= 0.08`",
                    )
                    .with_help_boxed(help()));
            }
        }
    }
    Ok(checks)
}

fn read_rules(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Settings> {
    let entries = r.expect_map(value, "`rules`")?;
    let mut settings = Settings::default();
    for (key, body) in entries {
        let name = r.key_text(key)?;
        let Some(rule) = registry::rule(&name) else {
            let error = r.error(
                r.value_span(key),
                format!("unknown rule `{name}`"),
                "no such rule",
            );
            return Err(match did_you_mean(&name, registry::names()) {
                Some(better) => error.with_help_boxed(format!("did you mean `{better}`?")),
                None => error.with_help_boxed("`ivr rules` lists the rules"),
            });
        };
        match &body.value {
            Value::Map(_) => {
                let mut allowed: Vec<&'static str> = vec!["severity"];
                allowed.extend(rule.options.iter().map(|o| o.name));
                let what = format!("rule `{}`", rule.name);
                let shape = Shape {
                    what: &what,
                    allowed: &allowed,
                    elsewhere: &[],
                };
                let mut ideal_at = None;
                for field in r.fields(body, &shape)? {
                    if field.name == "severity" {
                        settings.set_severity(rule, severity(r, field.value)?);
                        continue;
                    }
                    let option = rule
                        .options
                        .iter()
                        .find(|o| o.name == field.name)
                        .expect("allowed option");
                    let range = if option.integer {
                        ranges::WHOLE_RULE_OPTION
                    } else {
                        ranges::RULE_OPTION
                    };
                    if let Some(v) = r.number(&field, |v| range.contains(v), range.words)? {
                        settings.set_option(rule, option.name, v.value);
                        if option.name == "ideal_inputs" {
                            ideal_at = Some(r.value_span(field.value));
                        }
                    }
                }
                // An ideal further than the maximum can never be met where the maximum holds:
                // a setting that cannot mean what it says is refused, at the ideal.
                let values = settings.rule(rule).1.values;
                if let (Some(span), Some(ideal), Some(max)) = (
                    ideal_at,
                    values.get("ideal_inputs"),
                    values.get("max_inputs"),
                ) && ideal > max
                {
                    return Err(r
                        .error(
                            span,
                            format!(
                                "`ideal_inputs` ({ideal}) is more than `max_inputs` ({max}) for rule `{}`",
                                rule.name
                            ),
                            "more than `max_inputs`",
                        )
                        .with_help_boxed("set `ideal_inputs` to at most `max_inputs`"));
                }
            }
            _ => settings.set_severity(rule, severity(r, body)?),
        }
    }
    Ok(settings)
}

/// `error`, `warning`, `info`, `off` (or `false`, as YAML 1.1 tools write `off`).
fn severity(r: &Reader<'_>, value: &YamlNode) -> LoadResult<Option<Severity>> {
    let text = match &value.value {
        Value::Bool(false) => "off".to_string(),
        _ => value.as_text(r.source).unwrap_or_default(),
    };
    match text.as_str() {
        "error" => Ok(Some(Severity::Error)),
        "warning" | "warn" => Ok(Some(Severity::Warning)),
        "info" => Ok(Some(Severity::Info)),
        "off" | "false" => Ok(None),
        _ => Err(r
            .error(
                r.value_span(value),
                format!("`{text}` is not a severity"),
                "not a severity",
            )
            .with_help_boxed("use error, warning, info or off")),
    }
}
