//! Where the cursor is in a YAML file's structure, read from the text around it rather than
//! from a parse: completion runs while the file is half typed and does not load.
//!
//! Block style is followed by indentation (a key's parents are the nearest lines above it
//! with a key further left; `- ` starts a list item, written under its key or indented), flow
//! style (`{ key: 1, say: ... }`, `[a, b]`) by brackets on the cursor's line.

/// One step from the top of the file down to the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The value of a key in a mapping.
    Key(String),
    /// An item of a list.
    Item,
}

/// What is being written at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A key of the mapping at `path`; `written` are the keys (and values) the mapping already
    /// has; `item` when the key starts a list item (`- ke|`), which may be a list's value too.
    Key {
        path: Vec<Step>,
        written: Vec<(String, String)>,
        item: bool,
    },
    /// The value of `key` in the mapping at `path`, or an item of the list that is its value
    /// (`in_list`).
    Value {
        path: Vec<Step>,
        key: String,
        in_list: bool,
    },
}

/// The place at a byte offset; `None` in a comment, a quoted string or a value that is done
/// (`say: Hello |`).
pub fn place_at(text: &str, offset: usize) -> Option<Place> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_number = text[..line_start].matches('\n').count();
    let lines: Vec<&str> = text.lines().collect();
    let before = &text[line_start..offset];
    let indent = before.len() - before.trim_start_matches(' ').len();
    let mut content = &before[indent..];
    let mut column = indent;
    let mut item = false;
    if let Some(rest) = content.strip_prefix('-')
        && (rest.is_empty() || rest.starts_with(' '))
    {
        item = true;
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        column += 1 + spaces;
        content = &rest[spaces..];
    }
    let mut path = if item {
        let mut above = ancestors(&lines, line_number, List(indent));
        above.push(Step::Item);
        above
    } else {
        ancestors(&lines, line_number, Mapping(column))
    };
    if let Some(flow) = flow_place(content) {
        // `key: { ...` or `key: [ ...` on this line: the key's value holds the cursor.
        return Some(match flow {
            Flow::Key {
                steps,
                written,
                item,
            } => {
                path.extend(steps);
                Place::Key {
                    path,
                    written,
                    item,
                }
            }
            Flow::Value {
                steps,
                key,
                in_list,
            } => {
                path.extend(steps);
                Place::Value { path, key, in_list }
            }
        });
    }
    if content.contains('#') || content.starts_with(['"', '\'']) {
        return None;
    }
    match split_key(content) {
        Some((key, value)) => {
            // A plain value being typed (`to: bil|`); one with a space in it is a prompt.
            let value = value.trim_start();
            (!value.contains(' ') && !value.starts_with(['"', '\''])).then(|| Place::Value {
                path,
                key: key.to_string(),
                in_list: false,
            })
        }
        None => {
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
            if !content.chars().all(word) {
                return None;
            }
            let written = if item {
                Vec::new()
            } else {
                written_keys(&lines, line_number, column)
            };
            Some(Place::Key {
                path,
                written,
                item,
            })
        }
    }
}

/// `key: value` (the colon followed by a space or the end) as its two parts.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let colon = content
        .char_indices()
        .find(|&(i, c)| c == ':' && content[i + 1..].chars().next().is_none_or(|n| n == ' '))?
        .0;
    let key = content[..colon].trim();
    let key = key.trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| (key, &content[colon + 1..]))
}

/// The shape of one line of block YAML.
struct Shape<'a> {
    /// The column of the `-` when the line starts a list item.
    dash: Option<usize>,
    /// The column of its key (after `- `).
    column: usize,
    key: Option<&'a str>,
    /// What follows the key's colon, comment removed and trimmed.
    value: &'a str,
}

fn shape(line: &str) -> Option<Shape<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut content = &line[indent..];
    if content.is_empty() || content.starts_with('#') {
        return None;
    }
    let mut dash = None;
    let mut column = indent;
    if let Some(rest) = content.strip_prefix('-')
        && (rest.is_empty() || rest.starts_with(' '))
    {
        dash = Some(indent);
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        column += 1 + spaces;
        content = &rest[spaces..];
    }
    let (key, value) = match split_key(content) {
        Some((key, value)) if !key.starts_with(['{', '[']) => {
            let value = value.split(" #").next().unwrap_or("").trim();
            (Some(key), value)
        }
        _ => (None, content.trim()),
    };
    Some(Shape {
        dash,
        column,
        key,
        value,
    })
}

/// What the walk up the lines is looking for.
#[derive(Clone, Copy)]
enum Looking {
    /// The parent of a mapping whose keys are at this column.
    Mapping(usize),
    /// The key whose value is a list with its dashes at this column.
    List(usize),
}
use Looking::{List, Mapping};

/// The steps from the top of the file down to a mapping or list that `line` belongs to.
fn ancestors(lines: &[&str], line: usize, start: Looking) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut looking = start;
    for text in lines[..line.min(lines.len())].iter().rev() {
        let Some(shape) = shape(text) else {
            continue;
        };
        match looking {
            Mapping(column) => {
                if shape.dash.is_some() && shape.column == column {
                    // The first key of this list item: the mapping is the item.
                    steps.push(Step::Item);
                    looking = List(shape.dash.unwrap_or(0));
                } else if shape.column < column
                    && let Some(key) = shape.key
                    && shape.value.is_empty()
                {
                    steps.push(Step::Key(key.to_string()));
                    looking = owner(&shape, &mut steps);
                }
            }
            List(dash) => {
                let owns = shape.value.is_empty()
                    && shape.key.is_some()
                    && (shape.column < dash || (shape.column == dash && shape.dash.is_none()));
                if owns && let Some(key) = shape.key {
                    steps.push(Step::Key(key.to_string()));
                    looking = owner(&shape, &mut steps);
                }
            }
        }
    }
    steps.reverse();
    steps
}

/// After a line's key is taken as a parent: what its own mapping belongs to.
fn owner(shape: &Shape<'_>, steps: &mut Vec<Step>) -> Looking {
    match shape.dash {
        Some(dash) => {
            steps.push(Step::Item);
            List(dash)
        }
        None => Mapping(shape.column),
    }
}

/// The keys (with their values) already written in the block mapping whose keys are at
/// `column`, around `line`.
fn written_keys(lines: &[&str], line: usize, column: usize) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut take = |shape: &Shape<'_>| {
        if let Some(key) = shape.key {
            found.push((key.to_string(), shape.value.to_string()));
        }
    };
    for text in lines[..line.min(lines.len())].iter().rev() {
        let Some(shape) = shape(text) else { continue };
        if shape.column < column {
            break;
        }
        if shape.column == column {
            take(&shape);
            if shape.dash.is_some() {
                break;
            }
        }
    }
    for text in lines.iter().skip(line + 1) {
        let Some(shape) = shape(text) else { continue };
        if shape.column < column || (shape.column == column && shape.dash.is_some()) {
            break;
        }
        if shape.column == column {
            take(&shape);
        }
    }
    found
}

/// The cursor inside `{ ... }` or `[ ... ]` on its line.
enum Flow {
    Key {
        steps: Vec<Step>,
        written: Vec<(String, String)>,
        item: bool,
    },
    Value {
        steps: Vec<Step>,
        key: String,
        in_list: bool,
    },
}

/// Reads the flow brackets still open before the cursor; `None` when none is.
fn flow_place(content: &str) -> Option<Flow> {
    // Each open bracket: its kind, the steps it adds, the keys written in it.
    struct Open {
        list: bool,
        written: Vec<(String, String)>,
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut segment = 0;
    let mut quote: Option<char> = None;
    for (i, c) in content.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' if content[segment..i].trim().is_empty() || content[..i].ends_with(": ") => {
                quote = Some(c)
            }
            '#' if content[..i].ends_with(' ') => return None,
            '{' | '[' => {
                // What opens it: `key: {` or an item of the list around it.
                let part = content[segment..i].trim();
                match (part.strip_suffix(':'), stack.last()) {
                    (Some(key), _) => steps.push(Step::Key(key.trim().to_string())),
                    (None, Some(open)) if open.list => steps.push(Step::Item),
                    _ => {}
                }
                stack.push(Open {
                    list: c == '[',
                    written: Vec::new(),
                });
                segment = i + 1;
            }
            '}' | ']' => {
                stack.pop()?;
                steps.pop();
                segment = i + 1;
            }
            ',' => {
                if let Some(open) = stack.last_mut()
                    && !open.list
                    && let Some((key, value)) = split_key(&content[segment..i])
                {
                    open.written
                        .push((key.to_string(), value.trim().to_string()));
                }
                segment = i + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    let open = stack.pop()?;
    let part = &content[segment..];
    if open.list {
        // `serves: [a, b|`: an item of the list that is the key's value.
        let Some(Step::Key(key)) = steps.pop() else {
            return None;
        };
        return Some(Flow::Value {
            steps,
            key,
            in_list: true,
        });
    }
    match split_key(part) {
        Some((key, value)) => {
            let value = value.trim_start();
            (!value.contains(' ')).then(|| Flow::Value {
                steps,
                key: key.to_string(),
                in_list: false,
            })
        }
        None => {
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ';
            part.chars().all(word).then_some(Flow::Key {
                steps,
                written: open.written,
                item: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &[&str]) -> Vec<Step> {
        path.iter()
            .map(|s| match *s {
                "-" => Step::Item,
                k => Step::Key(k.to_string()),
            })
            .collect()
    }

    /// The place at the `|` of a text.
    fn at(marked: &str) -> Option<Place> {
        let offset = marked.find('|').unwrap();
        place_at(&marked.replace('|', ""), offset)
    }

    const MENU: &str = "menu: Shop\nentry: main\nnodes:\n  main:\n    say: Hi.\n    options:\n      - { key: 1, say: \"Press 1.\", to: billing }\n";

    #[test]
    fn block_keys_find_their_parents_by_indentation() {
        let top = at("menu: x\n|\nnodes: {}\n").unwrap();
        assert_eq!(
            top,
            Place::Key {
                path: vec![],
                written: vec![("menu".into(), "x".into()), ("nodes".into(), "{}".into())],
                item: false
            }
        );
        let node = at(&format!("{MENU}    ty|\n    queue: q\n")).unwrap();
        let Place::Key { path, written, .. } = node else {
            panic!("{node:?}")
        };
        assert_eq!(path, key(&["nodes", "main"]));
        let written: Vec<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(written, ["options", "say", "queue"]);
        // A key under a block list item, dashes under their key or indented.
        for options in [
            "    options:\n    - key: 1\n      s|",
            "    options:\n      - key: 1\n        s|",
        ] {
            let text = format!("nodes:\n  main:\n{options}\n");
            let Some(Place::Key { path, written, .. }) = at(&text) else {
                panic!("{text}")
            };
            assert_eq!(path, key(&["nodes", "main", "options", "-"]), "{text}");
            assert_eq!(written, [("key".to_string(), "1".to_string())]);
        }
        let item = at("nodes:\n  b:\n    serves:\n      - bal|\n").unwrap();
        assert_eq!(
            item,
            Place::Key {
                path: key(&["nodes", "b", "serves", "-"]),
                written: vec![],
                item: true
            }
        );
    }

    #[test]
    fn flow_mappings_and_lists_on_the_line() {
        let option = at(&MENU.replace("say: \"Press 1.\", to", "say: \"Press 1.\", t|o"));
        assert_eq!(
            option,
            Some(Place::Key {
                path: key(&["nodes", "main", "options", "-"]),
                written: vec![
                    ("key".into(), "1".into()),
                    ("say".into(), "\"Press 1.\"".into())
                ],
                item: false
            })
        );
        let target = at(&MENU.replace("to: billing", "to: bil|ling"));
        assert_eq!(
            target,
            Some(Place::Value {
                path: key(&["nodes", "main", "options", "-"]),
                key: "to".into(),
                in_list: false
            })
        );
        let serves = at("nodes:\n  b:\n    serves: [balance, c|]\n");
        assert_eq!(
            serves,
            Some(Place::Value {
                path: key(&["nodes", "b"]),
                key: "serves".into(),
                in_list: true
            })
        );
        // Inside a prompt, a comment or a finished value: nothing.
        assert_eq!(at(&MENU.replace("Press 1.", "Pre|ss 1.")), None);
        assert_eq!(at("menu: x # a com|ment\n"), None);
        assert_eq!(at("nodes:\n  a:\n    say: Hello th|ere\n"), None);
    }
}
