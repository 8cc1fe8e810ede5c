//! `ivr lint --fix` and `--diff`: applying the findings' fixes to each file, round after
//! round, and refusing any result that would no longer load. With `--unsafe-fixes`, each fix
//! that changes what callers hear or press is applied on its own and kept only when
//! simulating the menu before and after shows no headline figure got significantly worse
//! ([`super::fix_check`]).

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, apply_edits};
use crate::document::{Document, load_document, source_from_bytes};
use crate::yaml::Limits;
use crate::yaml::reader::LoadResult;

use super::fix_check::{Verdict, check_fix};
use super::lint::{LintRequest, StdinFile, lint_paths};

/// At most this many rounds of fixes per file: a fix can reveal the next problem (a file that
/// stopped loading at its first bare `*` shows the second once the first is quoted), and a
/// pair of fixes that undid each other must not loop for ever.
pub const MAX_ROUNDS: usize = 10;

/// At most this many unsafe fixes per file: each is applied and checked on its own, one per
/// round, so they get their own bound.
pub const MAX_UNSAFE: usize = 50;

/// An unsafe fix and what its simulation check decided.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedFix {
    /// The rule that offered it.
    pub rule: String,
    /// The node it is about.
    pub node: Option<String>,
    pub title: String,
    /// Written, with what it changed (`−2.1 s per call, containment +0.3 points`); or not
    /// written, with why.
    pub outcome: Result<String, String>,
}

impl CheckedFix {
    /// `popular-first on `main``.
    pub fn what(&self) -> String {
        match &self.node {
            Some(node) => format!("{} on `{node}`", self.rule),
            None => self.rule.clone(),
        }
    }
}

/// What fixing one file came to.
#[derive(Clone, Debug)]
pub struct FileFix {
    /// The file as the report names it.
    pub path: String,
    pub before: String,
    /// The fixed text (equal to `before` when nothing was applied).
    pub after: String,
    /// The title of every fix applied, in order.
    pub applied: Vec<String>,
    /// Why the fixed text was not kept (it would not load), when it was not.
    pub refused: Option<Box<Diagnostic>>,
    /// Every unsafe fix tried, in order: written or refused.
    pub checked: Vec<CheckedFix>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.refused.is_none() && self.before != self.after
    }
}

/// Fixes every file of `request` that has a fix of at most `applicability`. Writes nothing:
/// the caller writes [`FileFix::after`] (`--fix`) or shows the difference (`--diff`).
pub fn fix_paths(request: &LintRequest, applicability: Applicability) -> LoadResult<Vec<FileFix>> {
    let report = lint_paths(request)?;
    let stdin_name = request
        .stdin
        .as_ref()
        .map(|s| crate::document::display_path(&s.name));
    let files: BTreeSet<String> = report
        .diagnostics
        .iter()
        .filter(|d| fixable(d, applicability))
        .map(|d| d.path.clone())
        .filter(|p| Some(p) != stdin_name.as_ref())
        .collect();
    let mut fixes = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(before) = String::from_utf8(bytes) else {
            continue;
        };
        fixes.push(fix_file(request, &path, before, applicability)?);
    }
    Ok(fixes)
}

fn fixable(d: &Diagnostic, applicability: Applicability) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| f.applicability <= applicability && !f.edits.is_empty())
}

/// Lints the text as `path` (its configuration and `traffic:` found from `path`), applies the
/// safe fixes whose edits do not overlap, and again, until nothing changes or [`MAX_ROUNDS`].
/// Then, with `applicability` unsafe, one unsafe fix at a time, each checked by simulation
/// (at most [`MAX_UNSAFE`]), going back to the safe fixes after each one written.
fn fix_file(
    request: &LintRequest,
    path: &str,
    before: String,
    applicability: Applicability,
) -> LoadResult<FileFix> {
    let mut text = before.clone();
    let mut applied = Vec::new();
    let mut checked: Vec<CheckedFix> = Vec::new();
    let (mut safe_rounds, mut unsafe_tries) = (0, 0);
    while safe_rounds < MAX_ROUNDS && unsafe_tries < MAX_UNSAFE {
        let report = lint_paths(&LintRequest {
            paths: vec![PathBuf::from("-")],
            stdin: Some(StdinFile {
                name: PathBuf::from(path),
                bytes: text.clone().into_bytes(),
            }),
            force_exclude: false,
            ..request.clone()
        })?;
        let mine: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.path == path && fixable(d, applicability))
            .collect();
        let safe: Vec<&Fix> = mine
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe)
            .collect();
        let mut taken: Vec<&Edit> = Vec::new();
        let mut titles = Vec::new();
        for fix in safe {
            let overlaps = fix.edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|t| e.span.start < t.span.end() && t.span.start < e.span.end())
            });
            if !overlaps {
                taken.extend(fix.edits.iter());
                titles.push(fix.title.clone());
            }
        }
        if let Some(next) = apply_edits(&text, taken).filter(|next| *next != text) {
            text = next;
            applied.extend(titles);
            safe_rounds += 1;
            continue;
        }
        // No safe fix is left: the first unsafe one not tried yet, checked on its own.
        let untried = mine.iter().find(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Unsafe)
                && !checked.iter().any(|c| {
                    Some(&c.rule) == Some(&d.code)
                        && c.node == d.node
                        && Some(&c.title) == d.fix.as_ref().map(|f| &f.title)
                })
        });
        let Some(finding) = untried else { break };
        let Some(fix) = finding.fix.as_ref() else {
            break;
        };
        unsafe_tries += 1;
        let outcome = match fix.apply(&text).filter(|next| *next != text) {
            None => Err("its edits no longer fit the file".to_string()),
            Some(next) => match loads(path, &next) {
                Err(why) => Err(format!("the fixed file would not load: {}", why.message)),
                Ok(()) => match check_fix(path, request.intents.as_deref(), &text, &next) {
                    Verdict::Keeps(changes) => {
                        text = next;
                        applied.push(fix.title.clone());
                        Ok(Verdict::summary(&changes))
                    }
                    verdict => Err(verdict.refusal().unwrap_or_default()),
                },
            },
        };
        checked.push(CheckedFix {
            rule: finding.code.clone(),
            node: finding.node.clone(),
            title: fix.title.clone(),
            outcome,
        });
    }
    let refused = if text == before {
        None
    } else {
        loads(path, &text).err()
    };
    Ok(FileFix {
        path: path.to_string(),
        before,
        after: text,
        applied,
        refused,
        checked,
    })
}

/// Whether the text loads as a menu or intents file, and why not.
fn loads(path: &str, text: &str) -> Result<(), Box<Diagnostic>> {
    let limits = Limits::DEFAULT;
    let source = source_from_bytes(path, text.as_bytes().to_vec(), &limits)?;
    match load_document(&source, &limits)? {
        Document::Other(_) => Err(Box::new(Diagnostic::file_error(
            path,
            "after the fixes it is no longer a menu or intents file",
        ))),
        _ => Ok(()),
    }
}
