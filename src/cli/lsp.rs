//! `ivr lsp`: the language server, for editors.

use clap::Args;

use super::exit;
use crate::diagnostic::Diagnostic;

/// No flags: the editor starts `ivr lsp` and speaks the protocol on its stdin and stdout.
#[derive(Debug, Args)]
pub struct LspArgs {}

pub fn run(_args: &LspArgs) -> u8 {
    match crate::lsp::serve() {
        Ok(()) => exit::SUCCESS,
        Err(message) => super::fail(
            &Diagnostic::usage_error(format!("ivr lsp stopped: {message}"))
                .with_help("start `ivr lsp` from an editor; it speaks the Language Server Protocol on stdin and stdout"),
        ),
    }
}
