//! What the fuzz targets share: splitting an input into a menu and an intents file, loading
//! them as `ivr` does, and the checks every diagnostic must pass.

#![allow(dead_code)]

use std::sync::Arc;

use ivr::diagnostic::{Diagnostic, RenderStyle};
use ivr::document::{Document, load_document, source_from_bytes};
use ivr::source::SourceFile;
use ivr::yaml::Limits;

/// An input may hold a menu and an intents file, split by this line (the seeds made by
/// `fuzz/seed.sh` are built that way).
pub const INTENTS_SEPARATOR: &[u8] = b"\n#@intents\n";

/// The menu part and, if the separator is there, the intents part.
pub fn split(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data
        .windows(INTENTS_SEPARATOR.len())
        .position(|w| w == INTENTS_SEPARATOR)
    {
        Some(at) => (&data[..at], Some(&data[at + INTENTS_SEPARATOR.len()..])),
        None => (data, None),
    }
}

/// Reads bytes as `ivr` reads a file; an input error is checked and rendered, then `None`.
pub fn load(name: &str, bytes: &[u8]) -> Option<Document> {
    let limits = Limits::DEFAULT;
    let source = match source_from_bytes(name, bytes.to_vec(), &limits) {
        Ok(source) => source,
        Err(error) => {
            check_diagnostic(&error, None);
            return None;
        }
    };
    match load_document(&source, &limits) {
        Ok(document) => Some(document),
        Err(error) => {
            check_diagnostic(&error, Some(&source));
            None
        }
    }
}

/// Every label lies inside its file, on character boundaries, and the diagnostic renders as
/// the CLI renders it.
pub fn check_diagnostic(diagnostic: &Diagnostic, source: Option<&Arc<SourceFile>>) {
    if let Some(source) = diagnostic.source.as_ref().or(source) {
        let text = source.text();
        for label in &diagnostic.labels {
            let end = label.span.start.checked_add(label.span.len);
            assert!(
                end.is_some_and(|end| end <= text.len()),
                "{}: label {:?} past the end of a {}-byte file",
                diagnostic.code,
                label.span,
                text.len()
            );
            assert!(
                text.is_char_boundary(label.span.start)
                    && text.is_char_boundary(label.span.start + label.span.len),
                "{}: label {:?} splits a character",
                diagnostic.code,
                label.span
            );
        }
        if let Some(position) = diagnostic.position() {
            assert!(position.line >= 1 && position.line <= source.line_count());
            assert!(position.column >= 1);
        }
    }
    let _ = diagnostic.render(RenderStyle::PLAIN);
    let _ = diagnostic.to_string();
}
