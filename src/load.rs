//! Reading a file: bytes -> text -> YAML tree -> a menu or an intents file.

use std::path::Path;
use std::sync::Arc;

use crate::convert::{BoxedDiagnosticExt, LoadResult, Reader};
use crate::diagnostic::Diagnostic;
use crate::intents::{Intents, intents_from_yaml};
use crate::menu::Menu;
use crate::menu::load::menu_from_yaml;
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Limits, Value};

/// What a YAML file turned out to be.
#[derive(Debug)]
pub enum Document {
    Menu(Box<Menu>),
    Intents(Box<Intents>),
    /// Valid YAML that is neither (a walked folder skips it; a named file is an error).
    Other(Arc<SourceFile>),
}

/// Reads a file's text: checks its size and that it is UTF-8 (a BOM is fine).
pub fn read_source(path: &Path, limits: &Limits) -> LoadResult<Arc<SourceFile>> {
    let name = path.to_string_lossy().replace('\\', "/");
    let metadata = std::fs::metadata(path).map_err(|e| {
        Box::new(Diagnostic::file_error(
            &name,
            format!("cannot read the file: {}", io_reason(&e)),
        ))
    })?;
    if metadata.is_dir() {
        return Err(Box::new(Diagnostic::file_error(
            &name,
            "this is a folder, not a file",
        )));
    }
    if metadata.len() > limits.max_file_bytes as u64 {
        return Err(Box::new(
            Diagnostic::file_error(
                &name,
                format!(
                    "the file is {} bytes, over the limit of {} bytes (max_file_bytes)",
                    metadata.len(),
                    limits.max_file_bytes
                ),
            )
            .with_help("a menu is a few kilobytes; split the file, or check that this is the file you meant"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Box::new(Diagnostic::file_error(
            &name,
            format!("cannot read the file: {}", io_reason(&e)),
        ))
    })?;
    source_from_bytes(&name, bytes, limits)
}

/// Text from bytes, with the errors `read_source` gives.
pub fn source_from_bytes(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
) -> LoadResult<Arc<SourceFile>> {
    if bytes.len() > limits.max_file_bytes {
        return Err(Box::new(Diagnostic::file_error(
            name,
            format!(
                "the file is {} bytes, over the limit of {} bytes (max_file_bytes)",
                bytes.len(),
                limits.max_file_bytes
            ),
        )));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new(
            Diagnostic::file_error(name, "the file is UTF-16; menus must be UTF-8").with_help(
                "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
            ),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let source = SourceFile::new(name, text);
            let len = source.text()[at..].chars().next().map_or(0, char::len_utf8);
            Err(Box::new(
                Diagnostic::input_error(&source, Span::new(at, len), "the file is not valid UTF-8", "this byte is not UTF-8")
                    .with_help("save the file as UTF-8; if it came from another system, convert it with `iconv -t UTF-8`"),
            ))
        }
    }
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Parses a source as a menu or an intents file.
pub fn load_document(source: &Arc<SourceFile>, limits: &Limits) -> LoadResult<Document> {
    let root = yaml::parse(source, limits)?;
    let r = Reader::new(source);
    let entries = match &root.value {
        Value::Map(entries) => entries,
        Value::Null => {
            return Err(r
                .error(Span::new(0, 0), "the file is empty", "nothing here")
                .with_help_boxed(
                    "a menu file starts with `menu:`, `entry:` and `nodes:`; see docs/format.md",
                ));
        }
        _ => return Ok(Document::Other(source.clone())),
    };
    let find = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| k.as_text(source).as_deref() == Some(name))
    };
    match (find("nodes"), find("intents")) {
        (Some(_), Some((intents_key, _))) => Err(r
            .error(
                r.value_span(intents_key),
                "the file has both `nodes` and `intents`",
                "intents here",
            )
            .with_help_boxed(
                "put the intents in a file of their own and name it with `traffic:` in the menu",
            )),
        (Some(_), None) => Ok(Document::Menu(Box::new(menu_from_yaml(source, &root)?))),
        (None, Some(_)) => Ok(Document::Intents(Box::new(intents_from_yaml(
            source, &root,
        )?))),
        (None, None) => Ok(Document::Other(source.clone())),
    }
}

/// The error for a file named on the command line that is neither a menu nor intents.
pub fn neither_error(source: &Arc<SourceFile>, wanted: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::input_error(
            source,
            Span::new(0, 0),
            format!("this is not {wanted}"),
            "no `nodes` or `intents` at the top level",
        )
        .with_help("a menu file has `nodes:` at the top level, an intents file `intents:`"),
    )
}

/// Reads a menu file.
pub fn load_menu(path: &Path, limits: &Limits) -> LoadResult<Menu> {
    let source = read_source(path, limits)?;
    match load_document(&source, limits)? {
        Document::Menu(menu) => Ok(*menu),
        Document::Intents(_) => Err(Box::new(
            Diagnostic::input_error(
                &source,
                Span::new(0, 0),
                "this is an intents file, not a menu",
                "intents file",
            )
            .with_help(
                "name the menu file here; pass intents with `--intents` or the menu's `traffic:`",
            ),
        )),
        Document::Other(source) => Err(neither_error(&source, "a menu file")),
    }
}

/// Reads an intents file.
pub fn load_intents(path: &Path, limits: &Limits) -> LoadResult<Intents> {
    let source = read_source(path, limits)?;
    match load_document(&source, limits)? {
        Document::Intents(intents) => Ok(*intents),
        Document::Menu(_) => Err(Box::new(
            Diagnostic::input_error(
                &source,
                Span::new(0, 0),
                "this is a menu file, not an intents file",
                "menu file",
            )
            .with_help("an intents file has `intents:` at the top level"),
        )),
        Document::Other(source) => Err(neither_error(&source, "an intents file")),
    }
}
