//! `ivr import`: a platform's flow export as our menu file, with a starter traffic file.

use std::path::{Path, PathBuf};

use super::Failure;
use crate::diagnostic::Diagnostic;
use crate::document::{display_path, load_imported};
use crate::import::{Platform, starter_intents, write};
use crate::yaml::Limits;

/// What `ivr import` was asked.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    pub file: PathBuf,
    /// The platform, when `--from` names it (else told by content).
    pub from: Option<Platform>,
    /// Where to write the menu (else it is printed, with no traffic file).
    pub output: Option<PathBuf>,
}

/// The imported menu as text, and what was written.
#[derive(Clone, Debug)]
pub struct ImportResult {
    pub menu: String,
    /// The starter traffic file's text, when `-o` was given.
    pub intents: Option<String>,
    pub approximations: Vec<String>,
    /// The files written, in order.
    pub written: Vec<PathBuf>,
}

/// The first line of every file `ivr import` writes: a file that lacks it is never replaced.
const MENU_MARK: &str = "# Imported by `ivr import`";
const TRAFFIC_MARK: &str = "# Starter traffic written by `ivr import`";

/// The starter traffic file beside an output menu: `NAME.intents.yaml`.
pub fn traffic_name(output: &Path) -> String {
    let stem = output
        .file_stem()
        .map_or_else(|| "menu".to_string(), |s| s.to_string_lossy().into_owned());
    let stem = stem.strip_suffix(".menu").unwrap_or(&stem).to_string();
    format!("{stem}.intents.yaml")
}

pub fn import(request: &ImportRequest) -> Result<ImportResult, Failure> {
    let imported = load_imported(&request.file, request.from, &Limits::DEFAULT)?;
    let origin = request.file.file_name().map_or_else(
        || display_path(&request.file),
        |n| n.to_string_lossy().into_owned(),
    );
    let Some(output) = &request.output else {
        return Ok(ImportResult {
            menu: write::menu_yaml(&imported, &origin, None),
            intents: None,
            approximations: imported.approximations,
            written: Vec::new(),
        });
    };
    let traffic = traffic_name(output);
    let menu = write::menu_yaml(&imported, &origin, Some(&traffic));
    let intents = starter_intents(&imported.menu);
    let traffic_path = output.with_file_name(&traffic);
    refuse_foreign(output, MENU_MARK)?;
    refuse_foreign(&traffic_path, TRAFFIC_MARK)?;
    write_file(output, &menu)?;
    write_file(&traffic_path, &intents)?;
    Ok(ImportResult {
        menu,
        intents: Some(intents),
        approximations: imported.approximations,
        written: vec![output.clone(), traffic_path],
    })
}

/// Refuses to replace a file that `ivr import` did not write.
fn refuse_foreign(path: &Path, mark: &str) -> Result<(), Failure> {
    let Ok(existing) = std::fs::read(path) else {
        return Ok(());
    };
    if existing.starts_with(mark.as_bytes()) {
        return Ok(());
    }
    Err(Diagnostic::file_error(
        &display_path(path),
        "this file exists and was not written by `ivr import`, so it is left as it is",
    )
    .with_help("choose another output with `-o FILE`, or move the file away")
    .into())
}

fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text).map_err(|e| {
        Diagnostic::file_error(&display_path(path), format!("cannot write the file: {e}")).into()
    })
}
