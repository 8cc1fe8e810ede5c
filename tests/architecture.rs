//! The layers of docs/architecture.md, enforced: every `crate::...` path in src/ is read, and
//! the test fails when the top-level modules import each other in a cycle, or when a module
//! imports one of its own layer or of a layer above it. Failures name the files and paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. A module may use the modules of the layers below its own, and no
/// other: not its own layer's (so `lint` and `sim` stay independent), not a layer above.
const LAYERS: &[&[&str]] = &[
    // text, and facts that depend on nothing
    &["source", "text", "ranges", "stats", "generate"],
    &["diagnostic"],
    &["yaml"],
    // the spanned model
    &["callers"],
    &["intents"],
    &["menu"],
    // platform flows (Connect, Twilio Studio, ...) read into the menu model
    &["import"],
    &["document"],
    // the agent queues after a transfer (pure arithmetic; the simulator will feed them)
    &["queue"],
    // rules and simulation, and what feeds or describes them
    &["lint", "sim"],
    &["config", "schema"],
    // the driver, the renderers, the command line
    &["commands"],
    &["render"],
    // the language server for editors, which the command line starts
    &["lsp"],
    &["cli"],
];

/// One `crate::` path: where it is written and what it names.
#[derive(Clone, Debug)]
struct Use {
    file: String,
    line: usize,
    path: String,
}

/// Imports between top-level modules: `from -> to -> the uses that make the edge`.
type Edges = BTreeMap<String, BTreeMap<String, Vec<Use>>>;

#[test]
fn top_level_modules_form_no_cycle() {
    let (modules, edges) = read_src();
    let cycles = cycles(&modules, &edges);
    assert!(
        cycles.is_empty(),
        "top-level modules import each other in a cycle:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn no_module_imports_its_own_layer_or_one_above() {
    let (modules, edges) = read_src();
    let problems = layer_violations(&modules, &edges);
    assert!(
        problems.is_empty(),
        "imports against the layer order (lowest first: {}):\n{}",
        LAYERS
            .iter()
            .map(|l| l.join(" "))
            .collect::<Vec<_>>()
            .join(" | "),
        problems.join("\n")
    );
}

/// The checks themselves catch what they are for: a cycle through three modules, and an import
/// upwards.
#[test]
fn the_checks_catch_a_cycle_and_an_upward_import() {
    let files = [
        ("lint/mod.rs", "use crate::sim::run;\n"),
        (
            "sim/mod.rs",
            "// crate::lint in a comment is not an import\nfn f() { crate::config::x(); }\n",
        ),
        (
            "config/mod.rs",
            "use crate::{\n    diagnostic::{Diagnostic, Severity},\n    lint::Settings,\n};\n",
        ),
        ("diagnostic.rs", "let s = \"crate::cli is a string\";\n"),
    ];
    let mut edges = Edges::new();
    let mut modules = BTreeSet::new();
    for (file, text) in files {
        let top = record(&mut edges, file, text);
        modules.insert(top);
    }
    let found = cycles(&modules, &edges);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("config -> lint -> sim -> config"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("src/sim/mod.rs:2 crate::config::x"),
        "{}",
        found[0]
    );
    assert!(!found[0].contains("diagnostic -> cli"));
    let upward = layer_violations(&modules, &edges);
    let named = |start: &str| upward.iter().any(|p| p.starts_with(start));
    assert!(
        !named("config -> lint") && named("lint -> sim") && named("sim -> config"),
        "{upward:?}"
    );
}

/// Every top-level module of src/ and the imports between them.
fn read_src() -> (BTreeSet<String>, Edges) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs(&src, &mut files);
    files.sort();
    let mut modules = BTreeSet::new();
    let mut edges = Edges::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .expect("below src")
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "lib.rs" || relative == "main.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file");
        modules.insert(record(&mut edges, &relative, &text));
    }
    (modules, edges)
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder of src") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Adds one file's imports of other top-level modules; returns the file's own top-level module.
fn record(edges: &mut Edges, relative: &str, text: &str) -> String {
    let module = module_path(relative);
    let top = module[0].clone();
    for (line, path) in crate_paths(&module, &strip_comments_and_strings(text)) {
        let Some(target) = path.split("::").nth(1) else {
            continue;
        };
        // `crate::declare_rule!` and other root items are not modules.
        if target == top || !target.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            continue;
        }
        edges
            .entry(top.clone())
            .or_default()
            .entry(target.to_string())
            .or_default()
            .push(Use {
                file: format!("src/{relative}"),
                line,
                path,
            });
    }
    top
}

/// `menu/graph.rs` -> [menu, graph]; `menu/mod.rs` -> [menu]; `yaml.rs` -> [yaml].
fn module_path(relative: &str) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every path into another module, as `crate::a::b` (1-based line): `crate::...` (and
/// `$crate::...`), each item of `use crate::{a::x, b::{y, z}}`, and `super::...` that climbs to
/// the crate root.
fn crate_paths(module: &[String], code: &str) -> Vec<(usize, String)> {
    let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
    let starts_word = |offset: usize, also: &[char]| {
        code[..offset]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || also.contains(&c)))
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` is the crate too; `somecrate::` is not.
        if !starts_word(at, &[]) {
            continue;
        }
        let after = &code[at + "crate::".len()..];
        match after.strip_prefix('{') {
            Some(group) => {
                for item in top_level_items(group) {
                    found.push((line_of(at), format!("crate::{}", path_text(item))));
                }
            }
            None => found.push((line_of(at), format!("crate::{}", path_text(after)))),
        }
    }
    // `super::super::x` from a module two levels down reaches the crate root.
    for (at, _) in code.match_indices("super::") {
        if !starts_word(at, &[':']) {
            continue;
        }
        let mut after = &code[at..];
        let mut depth = 0;
        while let Some(next) = after.strip_prefix("super::") {
            depth += 1;
            after = next;
        }
        if depth >= module.len() {
            found.push((line_of(at), format!("crate::{}", path_text(after))));
        }
    }
    found
}

/// The comma-separated items of a `{...}` group (its text after the `{`), nested groups kept
/// whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect()
}

/// The path at the start of `text`: `a::b::C` of `a::b::C::new(x)`.
fn path_text(text: &str) -> String {
    text.chars()
        .take_while(|&c| c.is_alphanumeric() || c == '_' || c == ':')
        .collect::<String>()
        .trim_end_matches(':')
        .to_string()
}

/// The code with comments and the insides of string and character literals blanked out (line
/// breaks kept, so line numbers stay right).
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"...", r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(&other) => out.push(blank(other)),
                }
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&inner) = chars.get(i) {
                    out.push(blank(inner));
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\''), or a lifetime ('a), which is kept.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Each cycle once, as `a -> b -> a` followed by the uses that make each step.
fn cycles(modules: &BTreeSet<String>, edges: &Edges) -> Vec<String> {
    let mut found: Vec<Vec<String>> = Vec::new();
    for start in modules {
        // The shortest way back to `start` (breadth first), if any.
        let mut parent: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut back = None;
        while let Some(at) = queue.pop_front() {
            for next in edges.get(&at).into_iter().flat_map(|e| e.keys()) {
                if next == start {
                    back = Some(at.clone());
                    break;
                }
                if !parent.contains_key(next) && next != start {
                    parent.insert(next.clone(), at.clone());
                    queue.push_back(next.clone());
                }
            }
            if back.is_some() {
                break;
            }
        }
        let Some(mut at) = back else { continue };
        let mut cycle = vec![start.clone()];
        let mut tail = Vec::new();
        while &at != start {
            tail.push(at.clone());
            at = parent[&at].clone();
        }
        cycle.extend(tail.into_iter().rev());
        // The same cycle from another start: rotated so that it starts at its least module.
        let least = (0..cycle.len())
            .min_by_key(|&k| &cycle[k])
            .expect("a cycle has modules");
        cycle.rotate_left(least);
        if !found.contains(&cycle) {
            found.push(cycle);
        }
    }
    found
        .into_iter()
        .map(|cycle| {
            let mut text = cycle.join(" -> ");
            text.push_str(&format!(" -> {}", cycle[0]));
            for (k, from) in cycle.iter().enumerate() {
                let to = &cycle[(k + 1) % cycle.len()];
                text.push_str(&format!("\n  {from} -> {to}: {}", shown(&edges[from][to])));
            }
            text
        })
        .collect()
}

/// Imports of a module's own layer or of a layer above it, and modules no layer lists.
fn layer_violations(modules: &BTreeSet<String>, edges: &Edges) -> Vec<String> {
    let layer = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let mut problems = Vec::new();
    for m in modules {
        if layer(m).is_none() {
            problems.push(format!(
                "{m}: no layer lists this module; add it to LAYERS in tests/architecture.rs and to docs/architecture.md"
            ));
        }
    }
    for (from, targets) in edges {
        for (to, uses) in targets {
            if let (Some(a), Some(b)) = (layer(from), layer(to))
                && b >= a
            {
                let how = if a == b {
                    "its own layer"
                } else {
                    "a layer above"
                };
                problems.push(format!("{from} -> {to} ({how}): {}", shown(uses)));
            }
        }
    }
    problems
}

/// The first few uses, as `src/file.rs:line crate::path`.
fn shown(uses: &[Use]) -> String {
    let mut text: Vec<String> = uses
        .iter()
        .take(3)
        .map(|u| format!("{}:{} {}", u.file, u.line, u.path))
        .collect();
    if uses.len() > 3 {
        text.push(format!("and {} more", uses.len() - 3));
    }
    text.join(", ")
}
