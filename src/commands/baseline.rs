//! `ivr lint --baseline FILE` and `--update-baseline`: reading and writing the baseline file,
//! and hiding the findings it accepts.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::document::display_path as display;
use crate::lint::LintReport;
use crate::lint::baseline::{Baseline, NotABaseline, VERSION};
use crate::yaml::reader::LoadResult;

/// What a baseline did to a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// Findings the baseline accepted, not shown.
    pub hidden: usize,
    /// With `--update-baseline`: findings written, and accepted ones that are gone.
    pub written: Option<usize>,
    pub pruned: usize,
}

/// Hides the findings the baseline at `path` accepts; with `update`, first rewrites it with
/// today's findings (so vanished ones are pruned and every finding is accepted). A missing file
/// is an empty baseline; a file that is not a baseline `ivr` wrote is never overwritten.
pub fn apply_baseline(
    report: &mut LintReport,
    path: &Path,
    update: bool,
) -> LoadResult<BaselineOutcome> {
    let old = read(path)?;
    let mut outcome = BaselineOutcome::default();
    let baseline = if update {
        let new = Baseline::of(
            report
                .diagnostics
                .iter()
                .map(|d| (d, report.repository_path(&d.path))),
        );
        outcome.pruned = old.len().saturating_sub(kept(&old, &new));
        outcome.written = Some(new.len());
        std::fs::write(path, new.to_json()).map_err(|e| {
            Box::new(Diagnostic::file_error(
                &display(path),
                format!("cannot write the baseline: {e}"),
            ))
        })?;
        new
    } else {
        old
    };
    let diagnostics = std::mem::take(&mut report.diagnostics);
    let (shown, hidden) = baseline.filter(diagnostics, |p| report.repository_path(p));
    report.diagnostics = shown;
    outcome.hidden = hidden;
    if hidden > 0 {
        report.notes.push(format!(
            "{hidden} finding{} accepted by the baseline {} not shown",
            if hidden == 1 { "" } else { "s" },
            display(path)
        ));
    }
    Ok(outcome)
}

/// How many of the old baseline's findings the new one still accepts.
fn kept(old: &Baseline, new: &Baseline) -> usize {
    old.len() + new.len() - old.union_len(new)
}

fn read(path: &Path) -> LoadResult<Baseline> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::default()),
        Err(e) => {
            return Err(Box::new(Diagnostic::file_error(
                &display(path),
                format!("cannot read the baseline: {e}"),
            )));
        }
    };
    let text = String::from_utf8_lossy(&text);
    Baseline::parse(&text).map_err(|why| {
        let message = match why {
            NotABaseline::Foreign(why) => format!(
                "not a baseline `ivr` wrote ({why}); `ivr` reads and overwrites only its own baselines"
            ),
            NotABaseline::Version(v) => format!(
                "a baseline of version {v}, and this `ivr` reads version {VERSION}"
            ),
        };
        Box::new(
            Diagnostic::file_error(&display(path), message)
                .with_help("name a new file with --baseline, or remove this one"),
        )
    })
}
