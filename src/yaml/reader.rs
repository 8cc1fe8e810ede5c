//! The typed reader: values of the model's types out of the spanned YAML tree, with the errors
//! designers need.
//!
//! Shared by the menu, intents and config loaders, so that every file kind says "expected a
//! number", "did you mean" and "out of range" the same way.

use std::sync::Arc;

use super::tree::{Node, Value};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::source::{SourceFile, Span, Spanned};
use crate::text::{did_you_mean, is_cjk};

pub type LoadResult<T> = Result<T, Box<Diagnostic>>;

/// One `key: value` entry of a mapping whose key is a known field.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub name: &'static str,
    pub key: &'a Node,
    pub value: &'a Node,
}

/// Converts values of one file, knowing its source for messages.
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub source: &'a Arc<SourceFile>,
}

/// What a mapping may hold, and what to say about the rest.
pub struct Shape<'a> {
    /// What the mapping is, for messages ("a menu node", "an option").
    pub what: &'a str,
    /// Its fields.
    pub allowed: &'a [&'static str],
    /// Fields that belong elsewhere, with where they belong ("a transfer node").
    pub elsewhere: &'a [(&'static str, &'a str)],
}

impl<'a> Reader<'a> {
    pub fn new(source: &'a Arc<SourceFile>) -> Self {
        Reader { source }
    }

    pub fn error(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Box<Diagnostic> {
        Box::new(Diagnostic::input_error(self.source, span, message, label))
    }

    /// A label span for a value: its own span, or one character at least.
    pub fn value_span(&self, node: &Node) -> Span {
        if node.span.len > 0 {
            return node.span;
        }
        let rest = &self.source.text()[node.span.start.min(self.source.text().len())..];
        Span::new(
            node.span.start,
            rest.chars().next().map_or(0, char::len_utf8),
        )
    }

    /// The text of a mapping key.
    pub fn key_text(&self, key: &Node) -> LoadResult<String> {
        self.key_str(key).map(str::to_string)
    }

    /// [`Reader::key_text`] without a copy.
    pub fn key_str<'n>(&'n self, key: &'n Node) -> LoadResult<&'n str> {
        key.text(self.source).ok_or_else(|| {
            self.error(
                self.value_span(key),
                format!("a key must be a plain name, found {}", key.value.kind()),
                "this key",
            )
            .with_help_boxed("write a plain name before the colon, such as `main:`")
        })
    }

    pub fn expect_map<'n>(&self, node: &'n Node, what: &str) -> LoadResult<&'n [(Node, Node)]> {
        node.as_map().ok_or_else(|| {
            self.error(
                self.value_span(node),
                format!("expected a mapping for {what}, found {}", node.value.kind()),
                "expected `field: value` lines here",
            )
            .with_help_boxed(format!(
                "write {what} as `field: value` lines indented below it, or as `{{ field: value, ... }}`"
            ))
        })
    }

    pub fn expect_seq<'n>(&self, node: &'n Node, what: &str) -> LoadResult<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            other => Err(self
                .error(
                    self.value_span(node),
                    format!("expected a list for {what}, found {}", other.kind()),
                    "expected a list here",
                )
                .with_help_boxed(format!(
                    "write {what} as a list: `[a, b]` or one `- item` per line"
                ))),
        }
    }

    /// The entries of a mapping, checking every key against `shape`.
    pub fn fields<'n>(&self, node: &'n Node, shape: &Shape<'_>) -> LoadResult<Vec<Field<'n>>> {
        let entries = self.expect_map(node, shape.what)?;
        let mut fields = Vec::with_capacity(entries.len());
        let mut previous: Option<(&str, &Node)> = None;
        for (i, (key, value)) in entries.iter().enumerate() {
            let name = self.key_str(key)?;
            let Some(&allowed) = shape.allowed.iter().find(|a| **a == name) else {
                let following = &entries[i + 1..];
                return Err(self.unknown_field(name, key, previous, following, shape));
            };
            fields.push(Field {
                name: allowed,
                key,
                value,
            });
            previous = Some((allowed, value));
        }
        Ok(fields)
    }

    fn unknown_field(
        &self,
        name: &str,
        key: &Node,
        previous: Option<(&str, &Node)>,
        following: &[(Node, Node)],
        shape: &Shape<'_>,
    ) -> Box<Diagnostic> {
        let span = self.value_span(key);
        if let Some((_, say)) = previous.filter(|(p, _)| *p == "say")
            && reads_like_prose(name)
            && self.follows_comma(key)
            && let Some(prompt) = say.as_text(self.source)
        {
            // Every later comma cut the prompt again: `say: For hours, and location, press 3.`
            // reads as fields `and location` and `press 3.`; the fix quotes all of it.
            let mut fixed = format!("{prompt}, {name}");
            let mut end = span.end();
            let mut read_as_fields = Vec::new();
            for (next, value) in following {
                let Some(text) = next.as_text(self.source) else {
                    break;
                };
                if shape.allowed.contains(&text.as_str())
                    || !self.follows_comma(next)
                    || !matches!(value.value, Value::Null)
                {
                    break;
                }
                fixed = format!("{fixed}, {text}");
                end = self.value_span(next).end();
                read_as_fields.push(text);
            }
            let span = Span::new(span.start, end - span.start);
            // The fix quotes the prompt as written, from its first character to the end of
            // the last piece read as a field, so the whole prompt is kept exactly.
            let say_span = self.value_span(say);
            let written = self
                .source
                .text()
                .get(say_span.start..end)
                .filter(|w| !w.starts_with(['"', '\'']) && !w.contains(['\n', '\r']));
            let fix = written.map(|w| {
                Fix::safe(
                    "quote the whole prompt",
                    vec![Edit::replace(
                        Span::new(say_span.start, end - say_span.start),
                        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")),
                    )],
                )
            });
            let error = self
                .error(
                    span,
                    match read_as_fields.as_slice() {
                        [] => format!(
                            "the comma in this `say` ended the prompt, so `{name}` was read as a field"
                        ),
                        more => format!(
                            "the commas in this `say` ended the prompt, so `{name}` and {} were read as fields",
                            more.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and ")
                        ),
                    },
                    "this is the rest of the prompt",
                )
                .with_label_boxed(self.value_span(say), "the prompt stops here")
                .with_help_boxed(format!(
                    "inside `{{ ... }}` a comma ends the value: quote the prompt, say: \"{}\"",
                    fixed.replace('"', "\\\"")
                ));
            let mut error = error;
            error.fix = fix;
            return error;
        }
        if let Some((_, home)) = shape.elsewhere.iter().find(|(f, _)| *f == name) {
            return self
                .error(
                    span,
                    format!("`{name}` is not a field of {}", shape.what),
                    "not allowed here",
                )
                .with_help_boxed(format!(
                    "`{name}` belongs on {home}; remove it, or change the node's `type`"
                ));
        }
        let error = self.error(
            span,
            format!("unknown field `{name}` in {}", shape.what),
            "unknown field",
        );
        let lower = name.to_lowercase();
        if lower != name && shape.allowed.contains(&lower.as_str()) {
            return error.with_help_boxed(format!("field names are lower case: write `{lower}`"));
        }
        match did_you_mean(name, shape.allowed.iter().copied()) {
            Some(better) => error.with_help_boxed(format!("did you mean `{better}`?")),
            None => error.with_help_boxed(format!(
                "the fields of {} are: {}",
                shape.what,
                shape.allowed.join(", ")
            )),
        }
    }

    /// Whether the text before this key (on its line) ends with a comma: a flow mapping entry.
    fn follows_comma(&self, key: &Node) -> bool {
        let before = &self.source.text()[..key.span.start.min(self.source.text().len())];
        before.trim_end_matches([' ', '\t']).ends_with(',')
    }

    pub fn string(&self, field: &Field<'_>) -> LoadResult<Option<Spanned<String>>> {
        if matches!(field.value.value, Value::Null) {
            return Ok(None);
        }
        match (&field.value.value, field.value.as_text(self.source)) {
            (Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_), Some(text)) => {
                Ok(Some(Spanned::new(text, self.value_span(field.value))))
            }
            (other, _) => Err(self.type_error(field, "a string", other)),
        }
    }

    pub fn bool(&self, field: &Field<'_>) -> LoadResult<Option<Spanned<bool>>> {
        match &field.value.value {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(Spanned::new(*b, self.value_span(field.value)))),
            other => Err(self.type_error(field, "`true` or `false`", other)),
        }
    }

    /// A finite number, checked against `range` (described in words for the message).
    pub fn number(
        &self,
        field: &Field<'_>,
        valid: impl Fn(f64) -> bool,
        range: &str,
    ) -> LoadResult<Option<Spanned<f64>>> {
        let value = match &field.value.value {
            Value::Null => return Ok(None),
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            other => return Err(self.type_error(field, "a number", other)),
        };
        let span = self.value_span(field.value);
        if !value.is_finite() || !valid(value) {
            return Err(self
                .error(
                    span,
                    format!(
                        "`{}` is {}, out of range",
                        field.name,
                        self.source.slice(span).trim()
                    ),
                    format!("must be {range}"),
                )
                .with_help_boxed(format!("set `{}` to {range}", field.name)));
        }
        Ok(Some(Spanned::new(value, span)))
    }

    /// A whole number in `min..=max`.
    pub fn integer(
        &self,
        field: &Field<'_>,
        min: i64,
        max: i64,
    ) -> LoadResult<Option<Spanned<u32>>> {
        let span = self.value_span(field.value);
        let value = match &field.value.value {
            Value::Null => return Ok(None),
            Value::Int(i) => *i,
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() => *f as i64,
            Value::Float(_) => {
                return Err(self
                    .error(
                        span,
                        format!(
                            "`{}` must be a whole number, found {}",
                            field.name,
                            self.source.slice(span).trim()
                        ),
                        "expected a whole number",
                    )
                    .with_help_boxed(format!(
                        "set `{}` to a whole number from {min} to {max}",
                        field.name
                    )));
            }
            other => return Err(self.type_error(field, "a whole number", other)),
        };
        if value < min || value > max {
            return Err(self
                .error(
                    span,
                    format!(
                        "`{}` is {}, out of range",
                        field.name,
                        self.source.slice(span).trim()
                    ),
                    format!("must be from {min} to {max}"),
                )
                .with_help_boxed(format!(
                    "set `{}` to a whole number from {min} to {max}",
                    field.name
                )));
        }
        Ok(Some(Spanned::new(value as u32, span)))
    }

    /// A list of strings.
    pub fn strings(&self, field: &Field<'_>) -> LoadResult<Option<Spanned<Vec<Spanned<String>>>>> {
        if matches!(field.value.value, Value::Null) {
            return Ok(None);
        }
        let what = format!("`{}`", field.name);
        let items = self.expect_seq(field.value, &what)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.as_text(self.source) {
                Some(text) if !matches!(item.value, Value::Seq(_) | Value::Map(_)) => {
                    out.push(Spanned::new(text, self.value_span(item)))
                }
                _ => {
                    return Err(self
                        .error(
                            self.value_span(item),
                            format!("expected a name in {what}, found {}", item.value.kind()),
                            "expected a name",
                        )
                        .with_help_boxed(format!(
                            "list plain names in {what}, such as `[check_balance, pay_bill]`"
                        )));
                }
            }
        }
        Ok(Some(Spanned::new(out, self.value_span(field.value))))
    }

    pub fn type_error(&self, field: &Field<'_>, expected: &str, found: &Value) -> Box<Diagnostic> {
        let name = field.name;
        let help = match (expected, found) {
            ("a string", Value::Seq(_) | Value::Map(_)) => format!(
                "write `{name}` as text; in YAML a value that starts with `[` or `{{` is a list or a mapping, so quote it: {name}: \"...\""
            ),
            ("a string", _) => format!("write `{name}` as text"),
            ("`true` or `false`", _) => format!("write `{name}: true` or `{name}: false`"),
            (_, Value::Str(_)) => {
                format!("write {expected} without quotes or words, for example `{name}: 2`")
            }
            _ => format!("write {expected}, for example `{name}: 2`"),
        };
        self.error(
            self.value_span(field.value),
            format!("`{name}` must be {expected}, found {}", found.kind()),
            format!("expected {expected}"),
        )
        .with_help_boxed(help)
    }
}

/// Whether an unknown key reads like the rest of a sentence rather than a field name.
fn reads_like_prose(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_whitespace() || matches!(c, '.' | '!' | '?' | ',' | '\'' | '。' | '，'))
        || name.chars().any(is_cjk)
}

/// Builder helpers on boxed diagnostics, so loaders can chain on `Box<Diagnostic>`.
pub trait BoxedDiagnosticExt {
    fn with_help_boxed(self, help: impl Into<String>) -> Self;
    fn with_label_boxed(self, span: Span, text: impl Into<String>) -> Self;
}

impl BoxedDiagnosticExt for Box<Diagnostic> {
    fn with_help_boxed(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn with_label_boxed(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(crate::diagnostic::Label::new(span, text));
        self
    }
}
