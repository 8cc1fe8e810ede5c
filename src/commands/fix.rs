//! `ivr lint --fix` and `--diff`: applying the findings' fixes to each file, round after
//! round, and refusing any result that would no longer load.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, apply_edits};
use crate::document::{Document, load_document, source_from_bytes};
use crate::yaml::Limits;
use crate::yaml::reader::LoadResult;

use super::lint::{LintRequest, StdinFile, lint_paths};

/// At most this many rounds of fixes per file: a fix can reveal the next problem (a file that
/// stopped loading at its first bare `*` shows the second once the first is quoted), and a
/// pair of fixes that undid each other must not loop for ever.
pub const MAX_ROUNDS: usize = 10;

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
/// fixes whose edits do not overlap, and again, until nothing changes or [`MAX_ROUNDS`].
fn fix_file(
    request: &LintRequest,
    path: &str,
    before: String,
    applicability: Applicability,
) -> LoadResult<FileFix> {
    let mut text = before.clone();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let round = LintRequest {
            paths: vec![PathBuf::from("-")],
            stdin: Some(StdinFile {
                name: PathBuf::from(path),
                bytes: text.clone().into_bytes(),
            }),
            force_exclude: false,
            ..request.clone()
        };
        let report = lint_paths(&round)?;
        let fixes: Vec<&Fix> = report
            .diagnostics
            .iter()
            .filter(|d| d.path == path && fixable(d, applicability))
            .filter_map(|d| d.fix.as_ref())
            .collect();
        let mut taken: Vec<&Edit> = Vec::new();
        let mut titles = Vec::new();
        for fix in fixes {
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
        let Some(next) = apply_edits(&text, taken).filter(|next| *next != text) else {
            break;
        };
        text = next;
        applied.extend(titles);
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
