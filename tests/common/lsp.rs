//! A small Language Server Protocol client for the tests: it starts `ivr lsp`, writes JSON-RPC
//! messages with their `Content-Length` header, and reads the server's messages on a thread so
//! that a silent server fails the test after a timeout instead of hanging it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// How long a test waits for one message.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `ivr lsp` and what it has sent that no test has read yet.
pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for a response.
    pending: Vec<Value>,
}

/// The `file:` URI of a path.
pub fn uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                uri.push(byte as char)
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri
}

/// One framed message: the header, a blank line, the JSON body.
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl LspClient {
    /// Starts `ivr lsp` in `dir` and completes `initialize` / `initialized`; returns the
    /// client and the server's `initialize` result.
    pub fn start(dir: &Path) -> (LspClient, Value) {
        LspClient::start_with(dir, json!({}))
    }

    /// [`LspClient::start`] for an editor with these capabilities.
    pub fn start_with(dir: &Path, capabilities: Value) -> (LspClient, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ivr"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ivr lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = LspClient {
            stdin: child.stdin.take(),
            child,
            messages,
            next_id: 1,
            pending: Vec::new(),
        };
        let result = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri(dir), "capabilities": capabilities }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    /// Writes raw bytes to the server (for malformed input).
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to ivr lsp");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        self.write_raw(&frame(&message.to_string()));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// Sends a request that must succeed and returns its `result`.
    #[track_caller]
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next diagnostics the server publishes for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let wanted = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().position(wanted) {
            let message = self.pending.remove(i);
            return message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.next();
            if wanted(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.pending.push(message);
        }
    }

    /// What the server has published since the last look: each URI's latest diagnostics. A
    /// request answered after them (the server answers in order) marks that everything the
    /// notifications before it caused has arrived.
    pub fn published(&mut self) -> BTreeMap<String, Vec<Value>> {
        self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "file:///never/opened.yaml" } }),
        );
        let mut latest = BTreeMap::new();
        self.pending.retain(|m| {
            let published = m["method"] == "textDocument/publishDiagnostics";
            if published {
                let uri = m["params"]["uri"].as_str().unwrap_or_default().to_string();
                let diagnostics = m["params"]["diagnostics"].as_array().cloned();
                latest.insert(uri, diagnostics.unwrap_or_default());
            }
            !published
        });
        latest
    }

    /// The next request the server sends the editor (its method and parameters).
    pub fn server_request(&mut self) -> (String, Value) {
        let is_request = |m: &Value| m.get("id").is_some() && m.get("method").is_some();
        let message = match self.pending.iter().position(is_request) {
            Some(i) => self.pending.remove(i),
            None => loop {
                let message = self.next();
                if is_request(&message) {
                    break message;
                }
                self.pending.push(message);
            },
        };
        let method = message["method"].as_str().unwrap_or_default().to_string();
        (method, message["params"].clone())
    }

    /// Closes a document.
    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }

    /// Opens a document with its text.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1, "text": text
            }}),
        );
    }

    /// Replaces a document's whole text.
    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }]
            }),
        );
    }

    #[track_caller]
    fn next(&mut self) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("ivr lsp sent nothing for {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("ivr lsp closed its output"),
        }
    }

    /// `shutdown` then `exit`; returns the server's exit code and stderr.
    pub fn shutdown(mut self) -> (Option<i32>, String) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null, "shutdown answers null");
        self.notify("exit", Value::Null);
        self.finish()
    }

    /// Closes the server's input and waits for it to end; returns its exit code and stderr.
    pub fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let status = wait(&mut self.child);
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        (status, stderr)
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the process, killing it after the patience runs out.
fn wait(child: &mut Child) -> Option<i32> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for ivr lsp") {
            return status.code();
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("ivr lsp did not exit within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads one framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
