//! An imported flow as our YAML: the approximations as comments at the top, then the menu,
//! every node with a comment saying where it came from. The output depends only on the
//! imported model, so importing twice gives the same bytes.

use std::fmt::Write;

use super::Imported;
use crate::menu::model::ErrorHandler;
use crate::source::SourceFile;

/// A YAML double-quoted scalar (JSON's escapes are YAML's), or the text bare when it is a plain
/// word that YAML reads as this same string.
pub fn quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string serialises")
    }
}

/// A number as YAML reads it back to the same value.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Text that may go in a comment: one line.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The imported menu as a menu file. `traffic` names the starter intents file written beside
/// it, if any; `origin` is how the platform file is named in the header.
pub fn menu_yaml(imported: &Imported, origin: &str, traffic: Option<&str>) -> String {
    let menu = &imported.menu;
    let source: &SourceFile = &menu.source;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by `ivr import` from {} ({}).",
        comment(origin),
        imported.platform.title()
    );
    if imported.approximations.is_empty() {
        out.push_str("# Approximations: none.\n");
    } else {
        out.push_str("# Approximations (what the format cannot say exactly):\n");
        for a in &imported.approximations {
            let _ = writeln!(out, "#   - {}", comment(a));
        }
    }
    let _ = writeln!(out, "menu: {}", quoted(&menu.title()));
    if let Some(entry) = &menu.entry {
        let _ = writeln!(out, "entry: {}", quoted(&entry.value));
    }
    if let Some(traffic) = traffic {
        let _ = writeln!(out, "traffic: {}", quoted(traffic));
    }
    out.push_str("nodes:\n");
    for (node, origin) in menu.nodes.iter().zip(&imported.origins) {
        let at = source.line_col(origin.span.start);
        let _ = writeln!(
            out,
            "  # {} (line {}, column {})",
            comment(&origin.what),
            at.line,
            at.column
        );
        let _ = writeln!(out, "  {}:", quoted(&node.id.value));
        let _ = writeln!(out, "    type: {}", node.kind.name());
        if let Some(say) = &node.say {
            let _ = writeln!(out, "    say: {}", quoted(&say.value));
        }
        if let Some(d) = &node.duration {
            let _ = writeln!(out, "    duration: {}", number(d.value));
        }
        if let Some(t) = &node.timeout {
            let _ = writeln!(out, "    timeout: {}", number(t.value));
        }
        if let Some(r) = &node.retries {
            let _ = writeln!(out, "    retries: {}", r.value);
        }
        if let Some(d) = &node.digits {
            let _ = writeln!(out, "    digits: {}", d.value);
        }
        if !node.options.is_empty() {
            out.push_str("    options:\n");
            for o in &node.options {
                let _ = write!(out, "      - {{ key: {}", quoted_key(o.key_text()));
                if let Some(say) = &o.say {
                    let _ = write!(out, ", say: {}", quoted(&say.value));
                }
                if let Some(to) = &o.to {
                    let _ = write!(out, ", to: {}", quoted(&to.value));
                }
                out.push_str(" }\n");
            }
        } else if node.kind == crate::menu::NodeKind::Menu {
            out.push_str("    options: []\n");
        }
        if !node.branches.is_empty() {
            out.push_str("    branches:\n");
            for b in &node.branches {
                let _ = writeln!(
                    out,
                    "      - {{ when: {}, share: {}, to: {} }}",
                    quoted(b.when_text()),
                    number(b.share_value()),
                    quoted(b.to.as_ref().map_or("", |t| t.value.as_str()))
                );
            }
        }
        for (name, handler) in [
            ("on_invalid", &node.on_invalid),
            ("on_no_input", &node.on_no_input),
        ] {
            if let Some(h) = handler {
                let _ = writeln!(out, "    {name}: {}", handler_yaml(h));
            }
        }
        if let Some(to) = &node.to {
            let _ = writeln!(out, "    to: {}", quoted(&to.value));
        }
        if let Some(queue) = &node.queue {
            let _ = writeln!(out, "    queue: {}", quoted(&queue.value));
        }
        if let Some(serves) = &node.serves {
            let list: Vec<String> = serves.value.iter().map(|s| quoted(&s.value)).collect();
            let _ = writeln!(out, "    serves: [{}]", list.join(", "));
        }
        if let Some(file) = &node.file {
            let _ = writeln!(out, "    file: {}", quoted(&file.value));
        }
        if let Some(entry) = &node.flow_entry {
            let _ = writeln!(out, "    entry: {}", quoted(&entry.value));
        }
    }
    out
}

/// A key always quoted: `"1"`, `"*"`, `"#"`.
fn quoted_key(key: &str) -> String {
    serde_json::to_string(key).expect("a string serialises")
}

fn handler_yaml(h: &ErrorHandler) -> String {
    let mut parts = Vec::new();
    if let Some(say) = &h.say {
        parts.push(format!("say: {}", quoted(&say.value)));
    }
    if let Some(r) = &h.retries {
        parts.push(format!("retries: {}", r.value));
    }
    if let Some(then) = &h.then {
        parts.push(format!("then: {}", quoted(&then.value)));
    }
    if parts.is_empty() {
        return "{}".to_string();
    }
    format!("{{ {} }}", parts.join(", "))
}
