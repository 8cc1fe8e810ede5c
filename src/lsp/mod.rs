//! `ivr lsp`: a language server on standard input and output.
//!
//! Synchronous on purpose: a menu is a few kilobytes and lints in milliseconds, so each message
//! is answered before the next is read, and the editor's text is re-read whole on every change
//! (full document sync). The server keeps each open file's text in memory and lints that, never
//! the copy on disk; the traffic file a menu names and the nearest `.ivr.yaml` are read from
//! disk.
//!
//! A message the server cannot understand gets an error response and the server carries on; a
//! stream that is not the protocol at all ends it with a message on stderr, never a panic.

mod completion;
mod context;
mod document;
mod features;
mod position;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    InlayHintRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CompletionOptions, CompletionParams, CompletionResponse, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse,
    HoverParams, HoverProviderCapability, InlayHintParams, OneOf, PublishDiagnosticsParams,
    ReferenceParams, RenameParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use document::OpenFile;
use position::LineIndex;

/// Serves on stdin and stdout until the editor says `exit`. An error is a broken stream.
pub fn serve() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "ivr".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    let outcome = initialize(&connection, result)
        .and_then(|params| watch_files(&connection, &params))
        .and_then(|()| Server::default().run(&connection));
    // The writer thread ends when the connection's sender is dropped.
    drop(connection);
    let joined = io_threads
        .join()
        .map_err(|e| format!("the stream broke: {e}"));
    outcome.and(joined)
}

/// Answers `initialize`; returns the editor's parameters.
fn initialize(connection: &Connection, result: Value) -> Result<Value, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the editor did not start the protocol: {e}"))?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("the editor did not finish starting the protocol: {e}"))?;
    Ok(params)
}

/// Asks an editor that can watch files for us to report YAML files changed on disk, so that
/// the open menus depending on one (its traffic, a flow's menu, `.ivr.yaml`) are linted again
/// after a `git checkout`. The editor's answer is not waited for.
fn watch_files(connection: &Connection, params: &Value) -> Result<(), String> {
    let can = params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !can {
        return Ok(());
    }
    let registration = serde_json::json!({
        "registrations": [{
            "id": "ivr-yaml-files",
            "method": DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": [{ "globPattern": "**/*.{yaml,yml}" }] },
        }],
    });
    send(
        connection,
        Message::Request(Request::new(
            "ivr-watch".to_string().into(),
            "client/registerCapability".to_string(),
            registration,
        )),
    )
}

#[derive(Default)]
struct Server {
    /// Open files by their URI as the editor wrote it.
    files: HashMap<String, OpenFile>,
}

impl Server {
    fn run(&mut self, connection: &Connection) -> Result<(), String> {
        for message in &connection.receiver {
            match message {
                Message::Request(request) => {
                    if connection
                        .handle_shutdown(&request)
                        .map_err(|e| format!("shutting down: {e}"))?
                    {
                        return Ok(());
                    }
                    let response = self.answer(request);
                    send(connection, Message::Response(response))?;
                }
                Message::Notification(notification) => {
                    for uri in self.note(notification) {
                        self.publish(connection, &uri)?;
                    }
                }
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    /// Applies a notification; returns the URIs whose diagnostics changed: the file and the
    /// open files that depend on it.
    fn note(&mut self, notification: Notification) -> Vec<Uri> {
        let method = notification.method.as_str();
        match method {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<DidOpenTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                self.update(&p.text_document.uri, Some(p.text_document.text))
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                let key = p.text_document.uri.as_str().to_string();
                let mut text = self
                    .files
                    .get(&key)
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let index = LineIndex::new(&text);
                            let start = index.offset(range.start);
                            let end = index.offset(range.end).max(start);
                            text.replace_range(start..end, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                self.update(&p.text_document.uri, Some(text))
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<DidCloseTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                // Its findings go with it; files depending on it read the disk's copy again.
                self.update(&p.text_document.uri, None)
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<DidChangeWatchedFilesParams>(notification.params)
                else {
                    return Vec::new();
                };
                // A file changed on disk (a `git checkout`, another program): an open file's
                // text is the editor's, but the files that depend on a closed one re-read it.
                let mut changed = Vec::new();
                let mut shown_in = Vec::new();
                for event in p.changes {
                    if self.files.contains_key(event.uri.as_str()) {
                        continue;
                    }
                    let path = document::canonical(&file_path(event.uri.as_str()));
                    for uri in self.relint_dependants(&path, "", &mut shown_in) {
                        if !changed.contains(&uri) {
                            changed.push(uri);
                        }
                    }
                }
                self.add_open(changed, &shown_in)
            }
            _ => Vec::new(),
        }
    }

    /// Re-reads a file from the editor's text (`None`: it was closed), then the open files
    /// that depend on it, and only those; returns them with the files their findings were or
    /// are shown in.
    fn update(&mut self, uri: &Uri, text: Option<String>) -> Vec<Uri> {
        let key = uri.as_str().to_string();
        let path = file_path(&key);
        let mut shown_in = self.files.get(&key).map(reported).unwrap_or_default();
        let changed = match text {
            Some(text) => {
                let file = OpenFile::read(&path, text, self.files.get(&key), &|p| self.buffer(p));
                let changed = file.canonical.clone();
                shown_in.extend(reported(&file));
                self.files.insert(key.clone(), file);
                changed
            }
            None => {
                self.files.remove(&key);
                document::canonical(&path)
            }
        };
        let mut uris = vec![uri.clone()];
        uris.extend(self.relint_dependants(&changed, &key, &mut shown_in));
        self.add_open(uris, &shown_in)
    }

    /// Re-lints the open files (other than `except`) whose findings depend on `changed`; adds
    /// to `shown_in` the files their findings were and are shown in.
    fn relint_dependants(
        &mut self,
        changed: &Path,
        except: &str,
        shown_in: &mut Vec<PathBuf>,
    ) -> Vec<Uri> {
        let mut dependants: Vec<String> = self
            .files
            .iter()
            .filter(|(key, file)| *key != except && file.depends_on.iter().any(|d| d == changed))
            .map(|(key, _)| key.clone())
            .collect();
        dependants.sort();
        let mut uris = Vec::new();
        for key in dependants {
            let Some(old) = self.files.get(&key) else {
                continue;
            };
            let path = file_path(&key);
            let file = OpenFile::read(&path, old.text.clone(), Some(old), &|p| self.buffer(p));
            shown_in.extend(reported(old));
            shown_in.extend(reported(&file));
            self.files.insert(key.clone(), file);
            if let Ok(uri) = key.parse::<Uri>() {
                uris.push(uri);
            }
        }
        uris
    }

    /// `uris` and the open files at `paths`, each once.
    fn add_open(&self, mut uris: Vec<Uri>, paths: &[PathBuf]) -> Vec<Uri> {
        let mut more: Vec<&String> = self
            .files
            .iter()
            .filter(|(_, f)| paths.contains(&f.canonical))
            .map(|(key, _)| key)
            .collect();
        more.sort();
        for key in more {
            if let Ok(uri) = key.parse::<Uri>()
                && !uris.contains(&uri)
            {
                uris.push(uri);
            }
        }
        uris
    }

    /// The editor's text of the open file at a path, if one is open there.
    fn buffer(&self, path: &Path) -> Option<String> {
        let wanted = document::canonical(path);
        self.files
            .values()
            .find(|f| f.canonical == wanted)
            .map(|f| f.text.clone())
    }

    /// Sends a file's diagnostics; a closed file's are cleared.
    fn publish(&self, connection: &Connection, uri: &Uri) -> Result<(), String> {
        let diagnostics = match self.files.get(uri.as_str()) {
            Some(file) => {
                let elsewhere: Vec<&Diagnostic> = self
                    .files
                    .values()
                    .flat_map(|other| other.findings_in(&file.canonical))
                    .collect();
                features::diagnostics(file, &elsewhere)
            }
            None => Vec::new(),
        };
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: None,
        };
        send(
            connection,
            Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.to_string(),
                params,
            )),
        )
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self.with::<HoverParams, _>(request, |s, p| {
                let t = p.text_document_position_params;
                Ok(s.file(&t.text_document.uri)
                    .and_then(|f| features::hover(f, t.position)))
            }),
            GotoDefinition::METHOD => self.with::<GotoDefinitionParams, _>(request, |s, p| {
                let t = p.text_document_position_params;
                let uri = t.text_document.uri;
                Ok(s.file(&uri)
                    .and_then(|f| features::definition(f, &uri, t.position))
                    .map(GotoDefinitionResponse::Scalar))
            }),
            References::METHOD => self.with::<ReferenceParams, _>(request, |s, p| {
                let t = p.text_document_position;
                let uri = t.text_document.uri;
                Ok(s.file(&uri).map(|_| {
                    let declaration = p.context.include_declaration;
                    features::references(&s.files, &uri, t.position, declaration)
                }))
            }),
            Rename::METHOD => self.with::<RenameParams, _>(request, |s, p| {
                let t = p.text_document_position;
                let uri = t.text_document.uri;
                match s.file(&uri) {
                    Some(f) => features::rename(f, &uri, t.position, &p.new_name),
                    None => Ok(None),
                }
            }),
            Completion::METHOD => self.with::<CompletionParams, _>(request, |s, p| {
                let t = p.text_document_position;
                Ok(s.file(&t.text_document.uri)
                    .map(|f| CompletionResponse::Array(completion::completion(f, t.position))))
            }),
            InlayHintRequest::METHOD => self.with::<InlayHintParams, _>(request, |s, p| {
                Ok(s.file(&p.text_document.uri).map(features::inlay_hints))
            }),
            CodeActionRequest::METHOD => self.with::<CodeActionParams, _>(request, |s, p| {
                let uri = p.text_document.uri;
                let only = p.context.only.as_deref();
                Ok(s.file(&uri)
                    .map(|f| features::code_actions(f, &uri, p.range, only)))
            }),
            DocumentSymbolRequest::METHOD => {
                self.with::<DocumentSymbolParams, _>(request, |s, p| {
                    Ok(s.file(&p.text_document.uri)
                        .map(|f| DocumentSymbolResponse::Nested(features::symbols(f))))
                })
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("ivr lsp does not answer `{other}`"),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// Reads a request's parameters and answers with `f`; parameters of the wrong shape are an
    /// `InvalidParams` error, a refusal (a rename to a taken id) a `RequestFailed` one.
    fn with<P: DeserializeOwned, R: serde::Serialize>(
        &self,
        request: Request,
        f: impl FnOnce(&Self, P) -> Result<R, String>,
    ) -> Result<Value, (ErrorCode, String)> {
        let params: P = serde_json::from_value(request.params).map_err(|e| {
            (
                ErrorCode::InvalidParams,
                format!(
                    "`{}` with parameters of the wrong shape: {e}",
                    request.method
                ),
            )
        })?;
        let answer = f(self, params).map_err(|m| (ErrorCode::RequestFailed, m))?;
        serde_json::to_value(answer).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    fn file(&self, uri: &Uri) -> Option<&OpenFile> {
        self.files.get(uri.as_str())
    }
}

/// The files (canonical) a menu's findings located elsewhere are shown in.
fn reported(file: &OpenFile) -> Vec<PathBuf> {
    file.elsewhere
        .iter()
        .filter_map(|d| d.source.as_ref())
        .map(|s| document::canonical(Path::new(s.path())))
        .collect()
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|_| "the editor closed the connection".to_string())
}

/// The `file:` URI of a path, percent-encoded (the inverse of [`file_path`]).
fn file_uri(path: &Path) -> Option<Uri> {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    // `C:/menus` on Windows: the drive follows a third slash.
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                uri.push(byte as char)
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri.parse().ok()
}

/// The path of a `file:` URI (percent-decoded); another scheme (an unsaved buffer) gives a
/// path of its own that no file shares, so no traffic or configuration is found for it.
fn file_path(uri: &str) -> PathBuf {
    let Some(rest) = uri.strip_prefix("file://") else {
        return PathBuf::from(uri.replace(['/', ':'], "_"));
    };
    // `file:///C:/menus` on Windows: the drive follows the third slash.
    let rest = match rest.as_bytes() {
        [b'/', _, b':', ..] => &rest[1..],
        _ => rest,
    };
    PathBuf::from(percent_decode(rest))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///home/ann/%E8%8F%9C%E5%8D%95/menu%20a.yaml"),
            PathBuf::from("/home/ann/菜单/menu a.yaml")
        );
        assert_eq!(
            file_path("file:///C:/menus/a.yaml"),
            PathBuf::from("C:/menus/a.yaml")
        );
        assert_eq!(percent_decode("100%"), "100%");
        for path in [
            "/home/ann/菜单/menu a.yaml",
            "C:/menus/a.yaml",
            "/a/100%.yaml",
        ] {
            let uri = file_uri(Path::new(path)).unwrap();
            assert_eq!(
                file_path(uri.as_str()),
                PathBuf::from(path),
                "{}",
                uri.as_str()
            );
        }
    }
}
