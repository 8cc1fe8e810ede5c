//! Deploy-time templates in a platform file: `{{greeting}}` (Handlebars, Jinja, Archy
//! substitutions), `${ jsonencode(...) }` and `${var.queue_arn}` (Terraform), `<<queueId>>`
//! (placeholders a deployment script replaces). A flow kept in a repository often holds them,
//! and is only a real flow once they are substituted.
//!
//! Where the template is only words (a prompt, a queue's name) it is kept as written and listed
//! as an approximation. Where the flow's structure depends on it (a block's id or the block a
//! transition names, a key, a number, a place where JSON or YAML needs a value) the import stops
//! with an input error at the template, because what `ivr` would read there is not what the
//! platform will run.
//!
//! A platform's own run-time syntax is not a template: Twilio's Liquid variables
//! (`{{widgets.menu.Digits}}`, `{{flow.data.x}}`), Asterisk and FreeSWITCH channel variables
//! (`${EXTEN}`, `$${domain}`), Connect's `$.External.x`.

use std::ops::Range;
use std::sync::Arc;

use super::Platform;
use crate::diagnostic::Diagnostic;
use crate::menu::Menu;
use crate::source::{SourceFile, Span, Spanned};
use crate::yaml::reader::LoadResult;
use crate::yaml::{Node as YamlNode, Value};

/// The help every template error gives.
const HELP: &str = "render the file with one deployment's values (the step your deploy tool runs before it publishes the flow) and lint that; a template is kept as text only where it is words, such as a prompt";

/// The most bytes a template may take.
const WINDOW: usize = 512;

/// The first deploy-time template in `text`, as a byte range; `platform` says which syntaxes
/// are its own run-time variables rather than templates (`None`: any of the three is one).
pub(super) fn find(text: &str, platform: Option<Platform>) -> Option<Range<usize>> {
    text.char_indices()
        .filter(|(_, c)| matches!(c, '{' | '$' | '<'))
        .find_map(|(at, _)| template_at(text, at, platform).map(|len| at..at + len))
}

/// The length of a template starting at byte `at`, if one does.
fn template_at(text: &str, at: usize, platform: Option<Platform>) -> Option<usize> {
    let opening = text.as_bytes().get(at..at + 2)?;
    if !matches!(opening, b"{{" | b"${" | b"<<") {
        return None;
    }
    // A template is short and on one line: look no further than a window, so that a file of
    // one long line (minified JSON) is not read again from every brace.
    let mut end = (at + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let rest = &text[at..end];
    let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
    if let Some(inner) = line.strip_prefix("{{") {
        let close = inner.find("}}")?;
        let name = inner[..close].trim();
        let liquid = platform == Some(Platform::Twilio)
            && ["widgets.", "flow.", "trigger.", "contact."]
                .iter()
                .any(|root| name.starts_with(root));
        return (!name.is_empty() && close <= 200 && !liquid).then_some(close + 4);
    }
    if let Some(inner) = line.strip_prefix("${") {
        let channel_variables = matches!(platform, Some(Platform::Asterisk | Platform::FreeSwitch));
        if channel_variables || text[..at].ends_with('$') {
            return None;
        }
        // `${ jsonencode({ a = 1 }) }`: braces balanced to the closing one.
        let mut depth = 1usize;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return (i > 0 && i <= 400).then_some(i + 3);
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    if let Some(inner) = line.strip_prefix("<<") {
        let close = inner.find(">>")?;
        let name = &inner[..close];
        let plain = name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ' '));
        return (!name.trim().is_empty() && close <= 100 && plain).then_some(close + 4);
    }
    None
}

/// An input error when a value the flow's structure depends on holds a template: `what` says
/// what the value is (`` `NextAction` names the block to go to ``). The error points at the
/// template itself when it can be found in the file at the value's span.
pub(super) fn structural(
    source: &Arc<SourceFile>,
    platform: Platform,
    value: &Spanned<String>,
    what: &str,
) -> LoadResult<()> {
    let Some(range) = find(&value.value, Some(platform)) else {
        return Ok(());
    };
    let template = &value.value[range];
    let span = source
        .slice(value.span)
        .find(template)
        .map_or(value.span, |at| {
            Span::new(value.span.start + at, template.len())
        });
    Err(error(source, span, template, what))
}

/// The error for a template at `span`.
pub(super) fn error(
    source: &Arc<SourceFile>,
    span: Span,
    template: &str,
    what: &str,
) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::input_error(
            source,
            span,
            format!(
                "`{template}` is a deploy-time template, and {what}: the flow is not valid until it is substituted"
            ),
            "template here",
        )
        .with_help(HELP),
    )
}

/// An input error for a template outside a string in a JSON text (`"NextAction": {{next}}`,
/// `"Actions": ${ jsonencode(actions) }`): JSON has no such value, so the file is not JSON
/// until it is substituted. `text` is the file's text or its JavaScript wrapper blanked out,
/// with the file's offsets. `None` when the text does not start like JSON or has no template
/// outside its strings.
pub fn outside_json_strings(source: &Arc<SourceFile>, text: &str) -> Option<Box<Diagnostic>> {
    let first = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !(first.starts_with('{') || first.starts_with('[')) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    for (at, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'$' | b'<' => {
                if let Some(len) = template_at(text, at, None) {
                    let template = &text[at..at + len];
                    return Some(error(
                        source,
                        Span::new(at, len),
                        template,
                        "JSON needs a value where it sits",
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// The first deploy-time template in an attribute of an XML element that the flow's structure
/// depends on: `attributes` lists the element names (`*`: any) and attribute names, with what
/// each is. Templates in other attributes and in text are kept as words.
pub(super) fn in_xml_attributes(
    source: &Arc<SourceFile>,
    platform: Platform,
    root: roxmltree::Node<'_, '_>,
    attributes: &[(&str, &str, &str)],
) -> LoadResult<()> {
    for element in root.descendants().filter(roxmltree::Node::is_element) {
        let tag = element.tag_name().name();
        for (on, attribute, what) in attributes {
            if (*on == "*" || *on == tag)
                && let Some(value) = super::xml::attribute(element, attribute)
            {
                structural(source, platform, &value, what)?;
            }
        }
    }
    Ok(())
}

/// The template error for a file that does not parse because of a template on the line where
/// parsing stopped (`<<queueId>>` in XML, where `<` opens a tag): `None` when the line holds
/// none.
pub(super) fn stopped_at(
    source: &Arc<SourceFile>,
    offset: usize,
    platform: Platform,
    what: &str,
) -> Option<Box<Diagnostic>> {
    let line = source.line_range(source.line_of(offset.min(source.text().len())));
    let text = &source.text()[line.clone()];
    let range = find(text, Some(platform))?;
    let span = Span::new(line.start + range.start, range.len());
    Some(error(source, span, &text[range], what))
}

/// An input error for a template YAML reads as something else: an unquoted `{{greeting}}` is a
/// mapping inside a mapping to YAML, not the words it stands for.
pub(super) fn unquoted_in_yaml(source: &Arc<SourceFile>, root: &YamlNode) -> LoadResult<()> {
    // Iterative: a file may nest deeply.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                // A mapping's span may hold only its start.
                let text = &source.text()[node.span.start..];
                if text.starts_with("{{")
                    && let Some(range) = find(text, None).filter(|r| r.start == 0)
                {
                    return Err(error(
                        source,
                        Span::new(node.span.start, range.len()),
                        &text[range],
                        "YAML reads it unquoted as a mapping, not as the words it stands for",
                    ));
                }
                stack.extend(entries.iter().rev().flat_map(|(k, v)| [v, k]));
            }
            Value::Seq(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    Ok(())
}

/// The approximations for templates kept as words: in a prompt or a handler's prompt, in a
/// queue's name, in a decision's branch label. One line per template, in node order.
pub(super) fn kept_as_words(menu: &Menu, platform: Platform) -> Vec<String> {
    let source = &menu.source;
    let mut notes = Vec::new();
    let mut note = |node: &str, field: &str, value: &Spanned<String>| {
        if let Some(range) = find(&value.value, Some(platform)) {
            let at = source.line_col(value.span.start);
            notes.push(format!(
                "`{node}`: `{}` in its {field} (line {}) is a deploy-time template, kept as written",
                &value.value[range], at.line
            ));
        }
    };
    for node in &menu.nodes {
        let id = node.id.value.as_str();
        if let Some(say) = &node.say {
            note(id, "prompt", say);
        }
        for option in &node.options {
            if let Some(say) = &option.say {
                note(id, "option's words", say);
            }
        }
        for handler in [&node.on_invalid, &node.on_no_input].into_iter().flatten() {
            if let Some(say) = &handler.say {
                note(id, "error prompt", say);
            }
        }
        if let Some(queue) = &node.queue {
            note(id, "queue", queue);
        }
        for branch in &node.branches {
            if let Some(when) = &branch.when {
                note(id, "branch label", when);
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, platform: Option<Platform>) -> Option<&str> {
        find(text, platform).map(|r| &text[r])
    }

    #[test]
    fn the_three_template_syntaxes_are_found() {
        assert_eq!(found("Hello {{greeting}}!", None), Some("{{greeting}}"));
        assert_eq!(
            found("${ jsonencode({ a = 1 }) } tail", None),
            Some("${ jsonencode({ a = 1 }) }")
        );
        assert_eq!(found("arn:<<queueId>>", None), Some("<<queueId>>"));
        assert_eq!(found("press 1 << not a template", None), None);
        assert_eq!(found("{{}} and ${}", None), None);
        assert_eq!(found("$.External.greeting", None), None);
    }

    #[test]
    fn a_platforms_own_run_time_syntax_is_no_template() {
        let twilio = Some(Platform::Twilio);
        assert_eq!(found("{{widgets.menu.Digits}}", twilio), None);
        assert_eq!(found("{{ flow.data.name }}", twilio), None);
        assert_eq!(found("{{greeting}}", twilio), Some("{{greeting}}"));
        assert_eq!(found("${EXTEN}", Some(Platform::Asterisk)), None);
        assert_eq!(found("$${domain}", Some(Platform::Connect)), None);
        assert_eq!(
            found("{{greeting}}", Some(Platform::FreeSwitch)),
            Some("{{greeting}}")
        );
    }
}
