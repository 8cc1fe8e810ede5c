//! The result of linting: every finding, sorted, with the counts the exit code and the
//! summary line read. Every output format in `render/` reads this one struct.

use std::collections::HashMap;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Severity};

/// The result of linting some files.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Menu and intents files read.
    pub files: usize,
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Notes for people (such as "no menu files found").
    pub notes: Vec<String>,
    /// Each file's path from the repository root (the nearest folder above it with `.git`,
    /// else the current folder), keyed by the path diagnostics show: code scanning places
    /// annotations only with these. A file not listed is shown as named.
    pub repository_paths: HashMap<String, String>,
    /// Files not linted, each with why (`skipped F: ...`): named files and walked YAML files
    /// that are not menus or intents files; shown on stderr as notes, so machine formats on
    /// stdout stay clean.
    pub skipped: Vec<String>,
    /// What a walk could not follow and skipped, each with why (`skipped F: ...`): a symbolic
    /// link to nothing, one that loops, one that leads out of the repository. Shown on stderr as
    /// warnings.
    pub warnings: Vec<String>,
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl LintReport {
    /// A file's path from the repository root, with forward slashes.
    pub fn repository_path(&self, path: &str) -> String {
        self.repository_paths
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.trim_start_matches("./").replace('\\', "/"))
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// Sorts diagnostics by file, line, column, rule, and drops exact repeats (two menus that
    /// share an intents file report its problems once).
    pub fn sort(&mut self) {
        let key = |d: &Diagnostic| {
            let p = d.position().map_or((0, 0), |p| (p.line, p.column));
            (d.path.clone(), p.0, p.1, d.code.clone(), d.message.clone())
        };
        self.diagnostics.sort_by_cached_key(key);
        self.diagnostics.dedup_by(|a, b| key(a) == key(b));
    }
}
