//! `ivr graph`: every example draws in both formats (snapshotted), and no node id or prompt can
//! break out of its label.

use std::io::ErrorKind;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{example_menus, ivr, root};

/// Draws a menu file; the command must succeed.
fn graph(path: &Path, format: &str) -> String {
    let path = path.to_str().expect("UTF-8 path");
    let output = ivr(&["graph", path, "--format", format]);
    assert!(
        output.success(),
        "ivr graph {path} --format {format}: {}",
        output.stderr
    );
    assert!(output.stderr.is_empty());
    output.stdout
}

/// Writes a menu to a file of its own, removed when the returned path is dropped.
fn menu_file(name: &str, text: &str) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new()
        .prefix(&format!("graph-{name}-"))
        .suffix(".yaml")
        .tempfile()
        .expect("a scratch file");
    std::io::Write::write_all(&mut file, text.as_bytes()).expect("write menu");
    file.into_temp_path()
}

#[test]
fn every_example_draws_in_both_formats() {
    let _snapshots = common::snapshot_folder("graph");
    let menus = example_menus();
    assert!(menus.len() >= 4, "expected the example menus");
    for menu in menus {
        let stem = menu.file_stem().unwrap().to_string_lossy().into_owned();
        for format in ["mermaid", "dot"] {
            let text = graph(&menu, format);
            match format {
                "mermaid" => check_mermaid_syntax(&text),
                _ => check_dot_syntax(&text),
            }
            insta::assert_snapshot!(format!("{stem}_{format}"), text);
        }
    }
}

#[test]
fn mermaid_is_the_default_format() {
    let menu = example_menus().remove(0);
    let output = ivr(&["graph", menu.to_str().unwrap()]);
    assert!(output.success());
    assert_eq!(output.stdout, graph(&menu, "mermaid"));
}

#[test]
fn a_malformed_menu_is_an_input_error() {
    let path = menu_file(
        "malformed",
        "menu: M\nentry: main\nnodes:\n  main: { say: Hi }\n",
    );
    let stderr = ivr(&["graph", path.to_str().unwrap()]).failure(2);
    assert!(stderr.contains("cannot tell the node type"), "{stderr}");
}

/// Node ids that are keywords in Mermaid or DOT, and prompts full of characters that mean
/// something to one of them.
const HOSTILE: &str = r##"
menu: 'Hostile "title" #1 <b>x</b> | back\slash 中文'
entry: end
nodes:
  end:
    say: 'Say "hi" #1 <b>now</b> | a\b \N %% 查询话费请按1'
    options:
      - { key: "1", say: "x", to: graph }
      - { key: "#", say: "y", to: subgraph }
      - { key: "2", say: "z", to: nowhere }
      - { key: "3", say: "w", to: style }
  graph: { type: message, label: 'Billing "desk" <i>x</i> | #2', say: 'end --> style; click graph call x() "', to: style }
  subgraph: { type: hangup, say: "}}]]) ;; &amp; `code`" }
  style: { type: transfer, queue: 'q"1\', serves: ["*"] }
"##;

const KEYWORD_IDS: [&str; 4] = ["end", "graph", "subgraph", "style"];

/// Mermaid labels decoded the way Mermaid does (entity codes back to characters).
fn mermaid_decode(label: &str) -> String {
    let mut out = label.replace("<br/>", "\n");
    for (code, c) in [
        ("#quot;", "\""),
        ("#35;", "#"),
        ("#lt;", "<"),
        ("#gt;", ">"),
        ("#amp;", "&"),
        ("#96;", "`"),
        ("#124;", "|"),
        ("#37;", "%"),
    ] {
        out = out.replace(code, c);
    }
    out
}

/// Splits a Mermaid line into its text with every label emptied (`""`) and the labels.
fn mermaid_split(line: &str) -> (String, Vec<String>) {
    assert!(
        line.matches('"').count().is_multiple_of(2),
        "unbalanced quotes: {line}"
    );
    let mut outside = String::new();
    let mut labels = Vec::new();
    for (i, part) in line.split('"').enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
        } else {
            outside.push_str("\"\"");
            labels.push(part.to_string());
        }
    }
    (outside, labels)
}

/// Every line is one of the statements `draw.rs` writes, with all free text inside labels.
fn check_mermaid_syntax(text: &str) {
    let body = text
        .strip_prefix("---\ntitle: \"")
        .expect("front matter with a title");
    let (title, body) = body.split_once("\"\n---\n").expect("end of front matter");
    assert!(!title.contains('\n'));
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    for line in lines {
        let line = line.trim();
        if line.starts_with("classDef ") {
            continue;
        }
        if let Some(links) = line.strip_prefix("linkStyle ") {
            let (links, style) = links.split_once(' ').expect("links and a style");
            assert!(
                links.split(',').all(|l| l.parse::<usize>().is_ok()),
                "{line}"
            );
            assert!(!style.contains(['"', ' ']), "{line}");
            continue;
        }
        let (outside, labels) = mermaid_split(line);
        for label in &labels {
            let rest = label.replace("<br/>", "");
            assert!(
                !rest.contains(['<', '>', '|', '%', '`']),
                "raw markup in label: {label}"
            );
            for (i, _) in rest.match_indices('#') {
                let code = &rest[i..];
                let end = code.find(';').expect("entity code ends with `;`");
                assert!(
                    code[1..end].chars().all(|c| c.is_ascii_alphanumeric()),
                    "bad entity in {label}"
                );
            }
        }
        let words: Vec<&str> = outside.split_whitespace().collect();
        let vertex = |w: &str| {
            w.strip_prefix('n')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        };
        let ok = match words.as_slice() {
            // n3["..."]:::menu, and the other shapes
            [v] => {
                let id_end = v
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(v.len());
                let (id, rest) = v.split_at(id_end);
                let (shape, class) = rest.split_once(":::").unwrap_or((rest, "?"));
                let shapes = [
                    "[\"\"]",
                    "[/\"\"/]",
                    "(\"\")",
                    "([\"\"])",
                    "{{\"\"}}",
                    "((\"\"))",
                    "(((\"\")))",
                ];
                vertex(id)
                    && shapes.contains(&shape)
                    && class.chars().all(|c| c.is_ascii_lowercase())
            }
            ["start((\"\")):::start", "-->", to] => vertex(to),
            // n0 --> n1, n0 -->|"1"| n1, n0 -.->|"invalid"| n2
            [from, arrow, to] => {
                let arrow = arrow.strip_suffix("|\"\"|").unwrap_or(arrow);
                vertex(from) && ["-->", "-.->"].contains(&arrow) && vertex(to)
            }
            _ => false,
        };
        assert!(ok, "unexpected Mermaid statement: {line}");
    }
}

/// The quoted strings of a DOT line, unescaped, and the line with them emptied.
fn dot_split(line: &str) -> (String, Vec<String>) {
    let mut outside = String::new();
    let mut strings = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            outside.push(c);
            continue;
        }
        outside.push_str("\"\"");
        let mut s = String::new();
        loop {
            match chars.next().expect("unterminated DOT string") {
                '"' => break,
                '\\' => match chars.next().expect("escape") {
                    '"' => s.push('"'),
                    '\\' => s.push('\\'),
                    'n' => s.push('\n'),
                    other => panic!("unexpected escape \\{other} in {line}"),
                },
                c => s.push(c),
            }
        }
        strings.push(s);
    }
    (outside, strings)
}

fn check_dot_syntax(text: &str) {
    let mut lines = text.lines();
    let (first, _) = dot_split(lines.next().expect("a first line"));
    assert_eq!(first, "digraph \"\" {");
    assert_eq!(text.lines().last(), Some("}"));
    for line in lines {
        let (outside, _) = dot_split(line.trim());
        let vertex = |w: &str| {
            w == "start"
                || w.strip_prefix('n')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        };
        let ok = outside == "}"
            || outside.ends_with(';')
                && (outside.starts_with("label=")
                    || outside.starts_with("labelloc=")
                    || outside.starts_with("fontname=")
                    || outside.starts_with("fontsize=")
                    || outside.starts_with("node [")
                    || outside.starts_with("edge [")
                    || {
                        let statement = outside.trim_end_matches(';');
                        let (head, attrs) = match statement.split_once(" [") {
                            Some((h, a)) => (h, Some(a)),
                            None => (statement, None),
                        };
                        let ids: Vec<&str> = head.split(" -> ").collect();
                        ids.iter().all(|id| vertex(id))
                            && ids.len() <= 2
                            && attrs.is_none_or(|a| {
                                a.ends_with(']') && !a.contains(['[', '{', '}', ';'])
                            })
                    });
        assert!(ok, "unexpected DOT statement: {line}");
    }
}

#[test]
fn mermaid_escapes_ids_and_prompts() {
    let text = graph(&menu_file("hostile", HOSTILE), "mermaid");
    check_mermaid_syntax(&text);
    // The title is a YAML double-quoted string.
    assert!(
        text.starts_with(
            "---\ntitle: \"Hostile \\\"title\\\" #1 <b>x</b> | back\\\\slash 中文\"\n---\n"
        ),
        "{text}"
    );
    let body = text.split_once("\n---\n").unwrap().1;
    let mut labels = Vec::new();
    for line in body.lines() {
        let (outside, found) = mermaid_split(line);
        for id in KEYWORD_IDS {
            assert!(
                !outside
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == id),
                "node id `{id}` outside a label: {line}"
            );
        }
        labels.extend(found.iter().map(|l| mermaid_decode(l)));
    }
    // Each id appears, in its own label.
    for id in KEYWORD_IDS {
        assert!(
            labels.iter().any(|l| l.starts_with(&format!("{id}\n"))),
            "{id}: {labels:#?}"
        );
    }
    let end = labels.iter().find(|l| l.starts_with("end\n")).unwrap();
    assert!(
        end.ends_with("\nSay \"hi\" #1 <b>now</b> | a\\b \\N %% 查询…"),
        "{end}"
    );
    assert!(body.contains("查询"), "CJK text is written as is");
    let graph_label = labels.iter().find(|l| l.starts_with("graph\n")).unwrap();
    assert!(graph_label.contains("end --> style; click graph call x() \""));
    // The node's `label` is shown under its id, escaped like the prompt.
    assert!(
        graph_label.starts_with("graph\nBilling \"desk\" <i>x</i> | #2\n[message]\n"),
        "{graph_label}"
    );
    assert!(labels.iter().any(|l| l.contains("}}]]) ;; &amp; `code`")));
    assert!(labels.iter().any(|l| l.contains("transfer → q\"1\\")));
}

#[test]
fn dot_escapes_ids_and_prompts() {
    let text = graph(&menu_file("hostile", HOSTILE), "dot");
    check_dot_syntax(&text);
    assert!(
        text.contains("Say \\\"hi\\\" #1 <b>now</b> | a\\\\b \\\\N %% 查询…"),
        "{text}"
    );
    assert!(text.contains("transfer → q\\\"1\\\\]"), "{text}");
    assert!(
        text.contains("graph\\nBilling \\\"desk\\\" <i>x</i> | #2\\n[message]"),
        "the node's label under its id: {text}"
    );
    let mut strings = Vec::new();
    for line in text.lines() {
        let (outside, found) = dot_split(line);
        // Attribute lists hold attribute names such as `style`; the statement before them
        // holds vertex ids.
        let statement = outside.split('[').next().unwrap();
        for id in KEYWORD_IDS {
            assert!(
                !statement
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == id),
                "node id `{id}` outside a string: {line}"
            );
        }
        strings.extend(found);
    }
    for id in KEYWORD_IDS {
        assert!(
            strings.iter().any(|s| s.starts_with(&format!("{id}\n"))),
            "{id}"
        );
    }
    assert!(
        strings
            .iter()
            .any(|s| s.contains("end --> style; click graph call x() \""))
    );
    if let Some(svg) = graphviz(&text) {
        // Graphviz read every label as written (XML-escaped in the SVG).
        assert!(
            svg.contains("Say &quot;hi&quot; #1 &lt;b&gt;now&lt;/b&gt; | a\\b \\N %% 查询…"),
            "{svg}"
        );
        assert!(svg.contains("<title>n0</title>"));
    }
}

/// Renders DOT with Graphviz. Where `dot` is not installed this says so on stderr and returns
/// `None` (the caller skips the check), except on CI (the `CI` variable is set), where the
/// check must run: there a missing `dot` fails the test.
fn graphviz(text: &str) -> Option<String> {
    use std::io::Write;
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "graphviz `dot` is not installed, and CI is set: install graphviz \
                 (.ci/run does) so the drawings are checked with Graphviz itself"
            );
            // Straight to stderr, not `eprintln!`: the test harness hides what passing tests
            // print with the macros, and a skipped check must not pass unnoticed.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: graphviz `dot` not installed, so Graphviz did not check the drawing \
                 (install graphviz to run this check)"
            );
            return None;
        }
        Err(e) => panic!("cannot run graphviz `dot`: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(text.as_bytes())
        .expect("write to dot");
    let output = child.wait_with_output().expect("wait for dot");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "dot rejected the drawing: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("UTF-8 SVG"))
}

#[test]
fn graphviz_accepts_every_example() {
    for menu in example_menus() {
        if graphviz(&graph(&menu, "dot")).is_none() {
            return;
        }
    }
}

/// The line that draws the vertex whose label's first line is `name`.
fn vertex_line<'t>(text: &'t str, name: &str) -> &'t str {
    let patterns = [
        format!("\"{name}<br/>"),
        format!("(\"{name}\")"),
        format!("label=\"{name}\\n"),
        format!("label=\"{name}\""),
    ];
    text.lines()
        .find(|l| patterns.iter().any(|p| l.contains(p.as_str())))
        .unwrap_or_else(|| panic!("no vertex `{name}` in\n{text}"))
}

#[test]
fn a_target_naming_no_node_is_drawn_as_missing() {
    let path = menu_file("hostile", HOSTILE);
    let mermaid = graph(&path, "mermaid");
    let line = vertex_line(&mermaid, "nowhere");
    assert!(line.contains("[missing: no such node]"), "{line}");
    assert!(line.ends_with(":::missing"), "{line}");
    let class = mermaid
        .lines()
        .find(|l| l.trim().starts_with("classDef missing "))
        .expect("classDef missing");
    assert!(
        class.contains("stroke:#d00000") && class.contains("stroke-dasharray"),
        "{class}"
    );
    let id = line.trim().split(['[', '(']).next().unwrap();
    assert!(
        mermaid.contains(&format!("-->|\"2\"| {id}\n")),
        "the option leads to it"
    );

    let dot = graph(&path, "dot");
    let line = vertex_line(&dot, "nowhere");
    assert!(line.contains("style=\"dashed,filled\""), "{line}");
    assert!(line.contains("color=\"#d00000\""), "{line}");
    let id = line.trim().split(' ').next().unwrap();
    assert!(dot.contains(&format!("-> {id} [label=\"2\"];")), "{dot}");
}

#[test]
fn an_entry_naming_no_node_is_drawn_as_missing() {
    let path = menu_file(
        "bad-entry",
        "menu: M\nentry: mian\nnodes:\n  main: { type: hangup }\n",
    );
    let mermaid = graph(&path, "mermaid");
    let line = vertex_line(&mermaid, "mian");
    assert!(line.ends_with(":::missing"));
    let id = line.trim().split('[').next().unwrap();
    assert!(
        mermaid.contains(&format!("start((\" \")):::start --> {id}\n")),
        "{mermaid}"
    );
}

#[test]
fn without_on_fail_failed_retries_disconnect() {
    let path = menu_file("hostile", HOSTILE);
    let mermaid = graph(&path, "mermaid");
    let line = mermaid
        .lines()
        .find(|l| l.contains("(((\"disconnect\")))"))
        .expect("a disconnect vertex");
    let id = line.trim().split('(').next().unwrap();
    assert!(
        mermaid.contains(&format!("n0 -.->|\"invalid / no input\"| {id}\n")),
        "{mermaid}"
    );
    let dot = graph(&path, "dot");
    let line = vertex_line(&dot, "disconnect").trim();
    let id = line.split(' ').next().unwrap();
    assert!(line.contains("shape=doublecircle"), "{line}");
    assert!(
        dot.contains(&format!(
            "n0 -> {id} [label=\"invalid / no input\", style=dashed"
        )),
        "{dot}"
    );
}

#[test]
fn handlers_with_their_own_then_are_drawn_apart() {
    let path = menu_file(
        "handlers",
        r#"
menu: M
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    options: [{ key: "1", say: "Press 1.", to: agent }]
    on_invalid: { then: bye }
  bye: { type: hangup }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#,
    );
    let mermaid = graph(&path, "mermaid");
    assert!(
        mermaid.contains("n0 -.->|\"invalid: then\"| n1\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("n0 -.->|\"no input: on_fail\"| n2\n"),
        "{mermaid}"
    );
    assert!(
        !mermaid.contains("(((\"disconnect\")))"),
        "on_fail is set: nothing disconnects"
    );
    let dot = graph(&path, "dot");
    assert!(
        dot.contains("n0 -> n1 [label=\"invalid: then\", style=dashed"),
        "{dot}"
    );
}

#[test]
fn node_types_are_drawn_apart() {
    let path = menu_file(
        "types",
        r#"
menu: Types
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    say: Welcome.
    options:
      - { key: "1", say: "x", to: pin }
      - { key: "2", say: "x", to: note }
      - { key: "3", say: "x", to: bye }
  pin: { type: input, say: "PIN.", digits: 4, to: done }
  done: { type: self_service, serves: [a], to: main }
  note: { type: message, say: "Note.", to: agent }
  bye: { type: hangup }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#,
    );
    let mermaid = graph(&path, "mermaid");
    for (id, shape) in [
        ("main", "[\"main<br/>[menu]"),
        ("pin", "[/\"pin<br/>[input]"),
        ("done", "([\"done<br/>[self_service]"),
        ("note", "(\"note<br/>[message]"),
        ("bye", "((\"bye<br/>[hangup]"),
        ("agent", "{{\"agent<br/>[transfer → general]"),
    ] {
        assert!(vertex_line(&mermaid, id).contains(shape), "{id}");
    }
    // An input's `to` says how many digits; a self-service's who carries on.
    assert!(mermaid.contains("n1 -->|\"4 digits\"| n2\n"), "{mermaid}");
    assert!(mermaid.contains("n2 -->|\"not served\"| n0\n"), "{mermaid}");
    assert!(mermaid.contains("n3 --> n5\n"), "{mermaid}");
    let dot = graph(&path, "dot");
    let shapes: Vec<&str> = ["main", "pin", "done", "note", "bye", "agent"]
        .iter()
        .map(|id| {
            let line = vertex_line(&dot, id);
            line.split_once(", ").unwrap().1
        })
        .collect();
    for (i, a) in shapes.iter().enumerate() {
        for b in &shapes[i + 1..] {
            assert_ne!(a, b, "two node types look alike in DOT");
        }
    }
}

#[test]
fn long_prompts_are_cut() {
    let path = menu_file(
        "long",
        "menu: M\nentry: main\nnodes:\n  main: { type: hangup, say: \"Thank you for calling.   Our offices are closed on public holidays.\" }\n",
    );
    let mermaid = graph(&path, "mermaid");
    assert!(mermaid.contains("<br/>Thank you for calling. Our offices are…\""));
}

/// The fenced blocks of a Markdown file: (info string, body).
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((info.to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

/// docs/graph.md shows what `ivr graph` draws today.
#[test]
fn the_drawings_in_the_docs_are_current() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("docs/graph.md")).expect("docs/graph.md");
    let blocks = fenced_blocks(&doc);
    let drawings: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].0 == "mermaid")
        .collect();
    assert_eq!(drawings.len(), 2, "the tutorial and the broken menu");
    let tutorial = graph(&root.join("menus/tutorial.yaml"), "mermaid");
    assert_eq!(
        blocks[drawings[0]].1, tutorial,
        "re-draw menus/tutorial.yaml in docs/graph.md"
    );
    let (info, broken) = &blocks[drawings[1] - 1];
    assert_eq!(info, "yaml", "the broken menu comes before its drawing");
    let drawn = graph(&menu_file("docs-broken", broken), "mermaid");
    assert_eq!(
        blocks[drawings[1]].1, drawn,
        "re-draw the broken menu in docs/graph.md"
    );
}

/// `ivr graph ARGS...`; the command must succeed.
fn graph_with(args: &[&str]) -> String {
    let mut all = vec!["graph"];
    all.extend(args);
    let output = ivr(&all);
    assert!(output.success(), "ivr {all:?}: {}", output.stderr);
    output.stdout
}

#[test]
fn flow_drawings_label_arrows_with_shares_and_highlight_losses() {
    let _snapshots = common::snapshot_folder("graph");
    let mermaid = graph_with(&["menus/tutorial.yaml", "--flow"]);
    check_mermaid_syntax(&mermaid);
    // Keys 1 and 0 of the main menu carry the most calls.
    assert!(mermaid.contains("n0 -->|\"1: 43#37;\"| n1"), "{mermaid}");
    insta::assert_snapshot!("tutorial_flow_mermaid", mermaid);
    let dot = graph_with(&["menus/tutorial.yaml", "--flow", "--format", "dot"]);
    check_dot_syntax(&dot);
    assert!(dot.contains("penwidth="), "{dot}");
    insta::assert_snapshot!("tutorial_flow_dot", dot);
    // Graphviz reads it (the helper fails on a rejection; `None`: not installed).
    let _ = graphviz(&dot);
}

#[test]
fn flow_highlights_the_node_where_callers_are_lost() {
    // Callers give up after two seconds on average: most hang up while `main` plays.
    let menu = menu_file(
        "lost",
        "menu: lost\nentry: main\nnodes:\n  main:\n    say: Hi\n    options:\n      - { key: 1, say: Sales press 1, to: sales }\n  sales: { type: transfer, queue: sales, serves: [buy] }\n",
    );
    let dir = common::scratch();
    let intents = common::write(
        dir.path(),
        "lost.intents.yaml",
        "intents:\n  buy: 1\ncallers: { patience: 2 }\n",
    );
    let path = menu.to_str().unwrap();
    let intents = intents.to_str().unwrap();
    let mermaid = graph_with(&[path, "--flow", "--intents", intents]);
    assert!(mermaid.contains("class n0 lost"), "{mermaid}");
    let dot = graph_with(&[path, "--flow", "--intents", intents, "--format", "dot"]);
    let main = dot.lines().find(|l| l.contains("n0 [label=")).unwrap();
    assert!(main.contains("color=\"#d00000\", penwidth=3"), "{main}");
    let svg = graph_with(&[path, "--flow", "--intents", intents, "--format", "svg"]);
    let main = svg.lines().find(|l| l.contains("id=\"node-0\"")).unwrap();
    let lost: f64 = main
        .split("data-lost=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(lost > 0.5, "{main}");
}

#[test]
fn svg_of_a_small_menu_is_stable() {
    let _snapshots = common::snapshot_folder("graph");
    let svg = graph_with(&["menus/tutorial.yaml", "--format", "svg"]);
    assert_eq!(svg, graph_with(&["menus/tutorial.yaml", "--format", "svg"]));
    let menu = common::load::menu_file(&root().join("menus/tutorial.yaml"));
    assert_eq!(svg.matches("<g class=\"node ").count(), menu.nodes.len());
    insta::assert_snapshot!("tutorial_svg", svg);
    let flow = graph_with(&["menus/tutorial.yaml", "--format", "svg", "--flow"]);
    insta::assert_snapshot!("tutorial_flow_svg", flow);
}

#[test]
fn svg_escapes_ids_and_prompts() {
    let menu = menu_file(
        "hostile-svg",
        "menu: \"<b>x</b>\"\nentry: \"a&b\"\nnodes:\n  \"a&b\":\n    say: \"</script><img src=x onerror=alert(1)> 'quoted' \\\"too\\\"\"\n    options:\n      - { key: 1, say: one, to: t }\n  t: { type: transfer, queue: q }\n",
    );
    let svg = graph(&menu, "svg");
    assert!(!svg.contains("<img"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert!(
        svg.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{svg}"
    );
    assert!(svg.contains("data-node=\"a&amp;b\""), "{svg}");
    assert!(!svg.contains("'quoted'"), "{svg}");
}
