//! Command output quoted in README.md and docs/*.md is what the tool prints today.
//!
//! Two kinds of quotation are checked:
//! - a fenced block right after `<!-- ivr-excerpt: ivr ARGS -->` holds that command's output
//!   (`| head -N` or `| tail -N` after the command keeps only those lines);
//! - in a ```console block, each `$ ivr ARGS` line is followed by that command's output.
//!
//! Commands run from the crate root. Timings (`in 12 ms`) are not compared. Run
//! `IVR_BLESS=1 cargo test --test excerpts` to rewrite the quotations after a change.

mod common;

use std::path::PathBuf;

/// The documents whose quotations are checked.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![common::root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(common::root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Words of a command line, with single and double quotes as a shell reads them.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        out.push(word);
    }
    out
}

/// What `ivr ...` (with an optional `| head -N` / `| tail -N`) prints.
fn output_of(command: &str) -> String {
    let mut parts = command.split(" | ");
    let command_words = words(parts.next().unwrap());
    assert_eq!(command_words[0], "ivr", "an excerpt runs ivr: {command}");
    let args: Vec<&str> = command_words[1..].iter().map(String::as_str).collect();
    let run = common::ivr(&args);
    let mut text = if run.stdout.is_empty() {
        run.stderr
    } else {
        run.stdout
    };
    for filter in parts {
        let filter = words(filter);
        let n: usize = filter[1]
            .trim_start_matches('-')
            .parse()
            .expect("head -N or tail -N");
        let lines: Vec<&str> = text.lines().collect();
        let kept = match filter[0].as_str() {
            "head" => &lines[..n.min(lines.len())],
            "tail" => &lines[lines.len().saturating_sub(n)..],
            other => panic!("unknown filter `{other}` in {command}"),
        };
        text = kept.join("\n") + "\n";
    }
    text
}

/// Timings vary from run to run.
fn without_timing(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(" in ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(" ms") {
            out.push_str(" in N ms");
            rest = &after[digits + 3..];
        } else {
            out.push_str(" in ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// One quotation: the lines it spans (0-based, end exclusive) and its command.
struct Excerpt {
    command: String,
    lines: std::ops::Range<usize>,
}

fn excerpts(text: &str) -> Vec<Excerpt> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(command) = line
            .strip_prefix("<!-- ivr-excerpt:")
            .and_then(|l| l.strip_suffix("-->"))
        {
            assert!(
                lines.get(i + 1).is_some_and(|l| l.starts_with("```")),
                "line {}: an excerpt marker is followed by a fenced block",
                i + 1
            );
            let start = i + 2;
            let end = start
                + lines[start..]
                    .iter()
                    .position(|l| l.starts_with("```"))
                    .unwrap();
            found.push(Excerpt {
                command: command.trim().to_string(),
                lines: start..end,
            });
            i = end + 1;
            continue;
        }
        if line == "```console" {
            let start = i + 1;
            let end = start
                + lines[start..]
                    .iter()
                    .position(|l| l.starts_with("```"))
                    .unwrap();
            let mut j = start;
            while j < end {
                let Some(command) = lines[j].strip_prefix("$ ivr ") else {
                    j += 1;
                    continue;
                };
                // `\` at the end of a line continues the command on the next.
                let mut command = format!("ivr {command}");
                let mut first = j + 1;
                while command.ends_with('\\') && first < end {
                    command.pop();
                    command.push(' ');
                    command.push_str(lines[first].trim());
                    first += 1;
                }
                let next = (first..end)
                    .find(|&k| lines[k].starts_with("$ "))
                    .unwrap_or(end);
                found.push(Excerpt {
                    command,
                    lines: first..next,
                });
                j = next;
            }
            i = end + 1;
            continue;
        }
        i += 1;
    }
    found
}

#[test]
fn quoted_output_is_what_the_tool_prints() {
    let bless = std::env::var_os("IVR_BLESS").is_some();
    let mut stale = Vec::new();
    let mut checked = 0;
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        // Last first, so that rewriting one keeps the line numbers of those above it.
        for excerpt in excerpts(&text).into_iter().rev() {
            checked += 1;
            let quoted = lines[excerpt.lines.clone()].join("\n") + "\n";
            let printed = output_of(&excerpt.command);
            if without_timing(&quoted) == without_timing(&printed) {
                continue;
            }
            if bless {
                let new: Vec<String> = printed.lines().map(String::from).collect();
                lines.splice(excerpt.lines.clone(), new);
            } else {
                stale.push(format!(
                    "{}:{}: `{}` prints\n{printed}\nbut the document quotes\n{quoted}",
                    path.display(),
                    excerpt.lines.start,
                    excerpt.command
                ));
            }
        }
        if bless {
            let mut new = lines.join("\n");
            new.push('\n');
            if new != text {
                std::fs::write(&path, new).unwrap();
            }
        }
    }
    assert!(checked >= 5, "only {checked} excerpts found");
    assert!(
        stale.is_empty(),
        "out-of-date quotations (rewrite with `IVR_BLESS=1 cargo test --test excerpts`):\n\n{}",
        stale.join("\n---\n")
    );
}

#[test]
fn a_changed_quotation_is_caught() {
    let doc = "<!-- ivr-excerpt: ivr rules | head -1 -->\n```text\nnot what it prints\n```\n";
    let found = excerpts(doc);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].command, "ivr rules | head -1");
    assert_ne!(output_of(&found[0].command), "not what it prints\n");
    assert_eq!(
        words(r#"ivr sim m.yaml --check 'abandoned<=0.08' --x "a b""#),
        [
            "ivr",
            "sim",
            "m.yaml",
            "--check",
            "abandoned<=0.08",
            "--x",
            "a b"
        ]
    );
}
