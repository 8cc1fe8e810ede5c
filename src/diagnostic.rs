//! Our one diagnostic type: input errors, usage errors and lint findings.
//!
//! Machine formats serialise this type; the human format hands it to miette's renderer in one
//! call ([`Diagnostic::render`]). Nothing else in the crate builds miette values.

use std::fmt;
use std::sync::Arc;

use crate::source::{LineCol, SourceFile, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A marked place in the source with a short text; the first label of a diagnostic is primary.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Label {
            span,
            text: text.into(),
        }
    }
}

/// Whether a fix may be applied without a person looking: a safe fix keeps what callers hear
/// and press (it only repairs how the file is written); an unsafe one changes the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement of the original text: the bytes of `span` become `replacement`. Edits are
/// made on the file as it was read, so everything outside them (comments, quoting, layout)
/// stays as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }
}

/// How to repair a finding: edits to the finding's file, applied together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as a command ("quote the key").
    pub title: String,
    pub applicability: Applicability,
    /// Edits that do not overlap, in any order.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    /// A fix that changes what callers hear or press: applied only with `--unsafe-fixes`, and
    /// only when simulating the menu shows callers are not worse off.
    pub fn unsafe_fix(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }

    /// The text with the edits made; `None` when two edits overlap or one is out of the text
    /// or off a character boundary.
    pub fn apply(&self, text: &str) -> Option<String> {
        apply_edits(text, self.edits.iter())
    }
}

/// `text` with `edits` made (in any order); `None` when two overlap or one does not fit.
pub fn apply_edits<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> Option<String> {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        let (start, end) = (edit.span.start, edit.span.end());
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return None;
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// The code of every input error (a file that cannot be read as a menu or intents file).
pub const INPUT_ERROR: &str = "input-error";

/// The code of every usage error (a flag, or a combination of flags, that cannot be used).
pub const USAGE_ERROR: &str = "usage-error";

/// A message about a file or a command line: an input error, a usage error or a lint finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// `input-error`, `usage-error` or the rule's name.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// What to do about it; starts with a verb.
    pub help: Option<String>,
    /// The file's path as the user named it (empty for a usage error).
    pub path: String,
    /// The file's text, when it could be read.
    pub source: Option<Arc<SourceFile>>,
    /// Labels on the source; the first one is where the diagnostic points.
    pub labels: Vec<Label>,
    /// The id of the node the finding is about (the menu's for an option finding).
    pub node: Option<String>,
    /// How to repair it, when `ivr` knows.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// An input error at a place in a file.
    pub fn input_error(
        source: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: INPUT_ERROR.to_string(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            path: source.name(),
            source: Some(source.clone()),
            labels: vec![Label::new(span, label)],
            node: None,
            fix: None,
        }
    }

    /// An input error about a file that could not be read at all.
    pub fn file_error(path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: INPUT_ERROR.to_string(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            path: path.to_string(),
            source: None,
            labels: Vec::new(),
            node: None,
            fix: None,
        }
    }

    /// A usage error: what the command line asks for cannot be done; no file is involved.
    pub fn usage_error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: USAGE_ERROR.to_string(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            path: String::new(),
            source: None,
            labels: Vec::new(),
            node: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, text));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    /// Where the diagnostic points (1-based line and code-point column), if anywhere.
    pub fn position(&self) -> Option<LineCol> {
        let source = self.source.as_ref()?;
        let label = self.labels.first()?;
        Some(source.line_col(label.span.start))
    }

    /// `file:line:column` (or just the file; empty for a usage error).
    pub fn location(&self) -> String {
        match self.position() {
            Some(p) => format!("{}:{}:{}", self.path, p.line, p.column),
            None => self.path.clone(),
        }
    }

    /// Renders the diagnostic for a person: miette's graphical report (or its plain, narrated
    /// one when the crate is built without the `fancy` feature).
    ///
    /// Every text is drawn with its control characters escaped (`text::printable`): messages
    /// quote node ids and names from files anyone can write.
    ///
    /// At most [`MAX_DRAWN_LABELS`] labels are drawn (the first ones, the primary among them);
    /// the help says how many more there are.
    pub fn render(&self, style: RenderStyle) -> String {
        self.render_wrapping(style, Wrapping::WhenNeeded)
    }

    fn render_wrapping(&self, style: RenderStyle, wrapping: Wrapping) -> String {
        let printable = |t: &str| crate::text::printable(t).into_owned();
        let hidden = self.labels.len().saturating_sub(MAX_DRAWN_LABELS);
        let mut help = self.help.as_deref().map(printable);
        if hidden > 0 {
            let more = format!(
                "{hidden} more place{} in the file belong{} to this finding; not drawn",
                if hidden == 1 { "" } else { "s" },
                if hidden == 1 { "s" } else { "" }
            );
            help = Some(match help {
                Some(help) => format!("{help}\n{more}"),
                None => more,
            });
        }
        let escaped = Diagnostic {
            code: self.code.clone(),
            severity: self.severity,
            message: printable(&self.message),
            help,
            path: printable(&self.path),
            source: self.source.clone(),
            labels: self
                .labels
                .iter()
                .take(MAX_DRAWN_LABELS)
                .map(|l| Label {
                    span: l.span,
                    text: printable(&l.text),
                })
                .collect(),
            node: self.node.clone(),
            fix: None,
        };
        #[cfg_attr(not(feature = "fancy"), allow(unused_mut))]
        let mut view = MietteView::new(&escaped);
        let mut out = String::new();
        #[cfg(feature = "fancy")]
        {
            use miette::{GraphicalReportHandler, GraphicalTheme};
            let theme = if style.color {
                GraphicalTheme::unicode()
            } else if style.unicode {
                GraphicalTheme::unicode_nocolor()
            } else {
                GraphicalTheme::ascii()
            };
            let chars = &theme.characters;
            let icon = match self.severity {
                Severity::Error => &chars.error,
                Severity::Warning => &chars.warning,
                Severity::Info => &chars.advice,
            };
            // miette draws the message after "  {icon} " (continued after "  {vbar} ") and the
            // help after "  help: " (continued after eight spaces), wrapped to `width - 2`.
            let wrapped = (wrapping == Wrapping::WhenNeeded).then(|| {
                let width = style.width.saturating_sub(2);
                let message = wrapped_as_miette_would(
                    &view.to_string(),
                    width,
                    &format!("  {icon} "),
                    &format!("  {} ", chars.vbar),
                )?;
                let help = match escaped.help.as_deref() {
                    Some(help) => Some(wrapped_as_miette_would(
                        help, width, "  help: ", "        ",
                    )?),
                    None => None,
                };
                Some((message, help))
            });
            let unwrapped = matches!(wrapped, Some(Some(_)));
            if let Some(Some((message, help))) = wrapped {
                view.wrapped_message = Some(message);
                view.wrapped_help = help;
            }
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_context_lines(CONTEXT_LINES)
                .with_width(style.width)
                .with_links(false)
                .with_wrap_lines(!unwrapped);
            if handler.render_report(&mut out, &view).is_ok() {
                return out;
            }
            out.clear();
            view.wrapped_message = None;
            view.wrapped_help = None;
        }
        let _ = (style, wrapping);
        let _ = miette::NarratableReportHandler::new().render_report(&mut out, &view);
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = self.location();
        if !location.is_empty() {
            write!(f, "{location}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// `text` broken into lines exactly where miette's wrapping (textwrap, to `width` columns, with
/// these indents) breaks it, without the indents: miette, told not to wrap, draws it with the
/// same indents and so the same bytes. `None` where that would not hold (a blank line, which
/// miette draws with its indent trimmed only when it does not wrap).
///
/// Why: miette wraps every message and help with Unicode line breaking (an ICU segmenter over the
/// text), which was a seventh of drawing a big menu's findings. A text whose lines are plain ASCII
/// and fit comes out of that pass unchanged and skips it; a longer one is wrapped once per
/// thread and text (thousands of findings share a help) and the result reused.
#[cfg(feature = "fancy")]
fn wrapped_as_miette_would(text: &str, width: usize, first: &str, rest: &str) -> Option<String> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    let room = width.saturating_sub(
        textwrap::core::display_width(first).max(textwrap::core::display_width(rest)),
    );
    let fits = text.split('\n').all(|line| {
        !line.trim().is_empty()
            && line.len() <= room
            && !line.starts_with(' ')
            && !line.ends_with(' ')
            && line.bytes().all(|b| (b' '..=b'~').contains(&b))
    });
    if fits {
        return Some(text.to_string());
    }
    type Key = (String, usize, String, String);
    /// Most texts kept per thread; past it the memory starts afresh.
    const MOST_REMEMBERED: usize = 4096;
    thread_local! {
        static WRAPPED: RefCell<HashMap<Key, Option<String>>> = RefCell::new(HashMap::new());
    }
    let key = (text.to_string(), width, first.to_string(), rest.to_string());
    if let Some(found) = WRAPPED.with(|w| w.borrow().get(&key).cloned()) {
        return found;
    }
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true);
    let mut lines = Vec::new();
    let mut wrapped = Some(());
    for (i, line) in textwrap::wrap(text, options).iter().enumerate() {
        let indent = if i == 0 { first } else { rest };
        match line.strip_prefix(indent) {
            Some(body) if !body.trim().is_empty() => lines.push(body.to_string()),
            _ => wrapped = None,
        }
    }
    let result = wrapped.map(|()| lines.join("\n"));
    WRAPPED.with(|w| {
        let mut w = w.borrow_mut();
        if w.len() >= MOST_REMEMBERED {
            w.clear();
        }
        w.insert(key, result.clone());
    });
    result
}

/// Whether to hand miette its texts wrapped already ([`wrapped_as_miette_would`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wrapping {
    WhenNeeded,
    /// Always through miette's wrapping (what tests compare the shortcut with).
    #[cfg_attr(not(test), allow(dead_code))]
    Always,
}

/// Most labels the human format draws for one finding. A loop of thousands of trapped nodes
/// labels every one of them; drawing them all made one finding cost its labels times its
/// contexts in miette (every context considers every label) and printed thousands of lines no one
/// reads. The machine formats are not limited.
pub const MAX_DRAWN_LABELS: usize = 50;

/// How to draw diagnostics for a person.
#[derive(Clone, Copy, Debug)]
pub struct RenderStyle {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
}

impl RenderStyle {
    /// Plain unicode at 80 columns: what tests snapshot and what a pipe receives.
    pub const PLAIN: RenderStyle = RenderStyle {
        color: false,
        unicode: true,
        width: 80,
    };
}

/// Adapter from our diagnostic to miette's trait, built only to render.
struct MietteView<'a> {
    diagnostic: &'a Diagnostic,
    /// The message as drawn, already wrapped ([`wrapped_as_miette_would`]).
    wrapped_message: Option<String>,
    /// The help, already wrapped.
    wrapped_help: Option<String>,
    code: String,
    source: Option<Snippet>,
}

/// Lines miette draws above and below each label (its default, set explicitly so that the
/// windows a [`Snippet`] keeps hold every line miette asks for).
const CONTEXT_LINES: usize = 1;

/// Most lines between two labels' contexts that are still drawn as one block: a block header and
/// its closing line cost two lines, so a short gap reads better shown than cut.
const JOIN_GAP: usize = 4;

/// The lines around a diagnostic's labels, for miette to draw.
///
/// miette's own `SourceCode` for a string scans it from the start for every label it draws, and
/// merges contexts as far apart as the label's line number, so handing it the file (or the
/// lines from the first label to the last) made a finding with labels all over a big menu cost
/// its labels times the file, and drew every line in between: a generated menu of 6,000 nodes
/// took 50 s to print 6,600 findings. A snippet keeps only the lines around each label (merged
/// where they touch), each window with an index of its line starts, so reading a span is a
/// binary search, and line numbers come from the file's own index (one numbering, a lone `\r`
/// included, for every format).
///
/// Tabs are drawn as `→`: miette would draw them as spaces, and a tab that breaks the YAML must
/// be seen. `→` is longer in UTF-8 than a tab, so miette sees offsets shifted past each tab
/// ([`Snippet::drawn`]). A lone `\r` is drawn as a line break, which miette splits lines at.
struct Snippet {
    name: String,
    windows: Vec<Window>,
    /// File offsets of the tabs in the windows, in order.
    tabs: Vec<usize>,
}

/// Consecutive whole lines of the file, as drawn.
struct Window {
    /// The drawn text: the lines with their line breaks, tabs as `→`.
    text: String,
    /// Offset of `text` in drawn coordinates ([`Snippet::drawn`]).
    drawn_start: usize,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
    /// Offsets in `text` where each of its lines starts.
    line_starts: Vec<usize>,
}

/// How a tab is drawn in a snippet.
const TAB: char = '→';

impl Snippet {
    /// The lines around each label, [`CONTEXT_LINES`] each side.
    fn new(name: String, source: &SourceFile, labels: &[Label]) -> Snippet {
        let mut ranges: Vec<(usize, usize)> = labels
            .iter()
            .map(|l| {
                let first = source.line_of(l.span.start);
                let last = source.line_of(l.span.end()).max(first);
                (
                    first.saturating_sub(CONTEXT_LINES).max(1),
                    (last + CONTEXT_LINES).min(source.line_count()),
                )
            })
            .collect();
        ranges.sort_unstable();
        // Windows at most `JOIN_GAP` lines apart become one: miette merges the contexts of
        // labels that are that close (see `read_span`), and asks for the merged context in one
        // read.
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match merged.last_mut() {
                Some((_, end)) if first <= *end + 1 + JOIN_GAP => *end = (*end).max(last),
                _ => merged.push((first, last)),
            }
        }
        let mut tabs = Vec::new();
        let mut windows = Vec::with_capacity(merged.len());
        for (first, last) in merged {
            let start = source.line_range(first).start;
            let end = source.line_range_with_break(last).end;
            let raw = &source.text()[start..end];
            let tabs_before = tabs.len();
            tabs.extend(raw.match_indices('\t').map(|(i, _)| start + i));
            let mut text = String::with_capacity(raw.len() + 2 * (tabs.len() - tabs_before));
            let mut line_starts = vec![0];
            let mut chars = raw.char_indices().peekable();
            while let Some((_, c)) = chars.next() {
                match c {
                    '\t' => text.push(TAB),
                    // A lone `\r` ends a line in the file's numbering; miette only splits at `\n`.
                    '\r' if chars.peek().is_none_or(|&(_, n)| n != '\n') => text.push('\n'),
                    c => text.push(c),
                }
                if c == '\n' || (c == '\r' && text.ends_with('\n')) {
                    line_starts.push(text.len());
                }
            }
            if line_starts.len() > 1 && line_starts.last() == Some(&text.len()) {
                line_starts.pop();
            }
            windows.push(Window {
                text,
                drawn_start: start + tabs_before * (TAB.len_utf8() - 1),
                first_line: first - 1,
                line_starts,
            });
        }
        Snippet {
            name,
            windows,
            tabs,
        }
    }

    /// A file offset as miette sees it in the drawn text (each tab before it is a wider `→`).
    fn drawn(&self, offset: usize) -> usize {
        let tabs_before = self.tabs.partition_point(|&t| t < offset);
        offset + tabs_before * (TAB.len_utf8() - 1)
    }

    /// A label's span as miette sees it.
    fn drawn_span(&self, span: Span) -> miette::SourceSpan {
        let start = self.drawn(span.start);
        (start, self.drawn(span.end()) - start).into()
    }
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let at = span.offset();
        let index = self
            .windows
            .partition_point(|w| w.drawn_start <= at)
            .checked_sub(1)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let window = &self.windows[index];
        let local = at - window.drawn_start;
        // miette's own reader takes the span's last byte as its end.
        let local_end = local + span.len().saturating_sub(1);
        if local_end > window.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let line_of = |offset: usize| window.line_starts.partition_point(|&s| s <= offset) - 1;
        let (first, last) = (line_of(local), line_of(local_end).max(line_of(local)));
        let from = first.saturating_sub(context_lines_before);
        let to = (last + context_lines_after).min(window.line_starts.len() - 1);
        let start = window.line_starts[from];
        let end = window
            .line_starts
            .get(to + 1)
            .map_or(window.text.len(), |&e| e);
        // Without lines before, miette takes the column as where the span starts.
        let column = if context_lines_before == 0 {
            window.text[window.line_starts[first]..local]
                .chars()
                .count()
        } else {
            0
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &window.text.as_bytes()[start..end],
            (window.drawn_start + start, end - start).into(),
            window.first_line + from,
            column,
            // miette uses the line count only to decide whether the next label's context joins
            // this one (when it starts within the count): counting `JOIN_GAP` more lines joins
            // contexts separated by a short gap, which the windows hold whole.
            to - from + 1 + JOIN_GAP,
        )))
    }
}

/// Longest line (in bytes) a label may sit on, or be drawn next to, for miette to draw the
/// snippet: its renderer pads labels with format widths, which panic from 65,536 on, and such a
/// line is unreadable in a terminal anyway (a 1 MB prompt next to a finding was printed whole).
/// Past it the message names `file:line:column` instead.
const MAX_SNIPPET_LINE: usize = 4096;

impl<'a> MietteView<'a> {
    fn new(diagnostic: &'a Diagnostic) -> Self {
        let code = format!("{}({})", diagnostic.severity, diagnostic.code);
        // The labels' lines and the lines around them, which miette draws too.
        let drawable = |s: &SourceFile| {
            diagnostic.labels.iter().all(|l| {
                let first = s.line_of(l.span.start).saturating_sub(CONTEXT_LINES).max(1);
                let last = (s.line_of(l.span.end()) + CONTEXT_LINES).min(s.line_count());
                (first..=last).all(|line| s.line_range(line).len() <= MAX_SNIPPET_LINE)
            })
        };
        let source = diagnostic
            .source
            .as_ref()
            .filter(|s| !diagnostic.labels.is_empty() && drawable(s))
            .map(|s| Snippet::new(diagnostic.path.clone(), s, &diagnostic.labels));
        MietteView {
            diagnostic,
            wrapped_message: None,
            wrapped_help: None,
            code,
            source,
        }
    }
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(message) = &self.wrapped_message {
            return f.write_str(message);
        }
        let location = self.diagnostic.location();
        if location.is_empty() {
            f.write_str(&self.diagnostic.message)
        } else if self.source.is_none() || self.diagnostic.labels.is_empty() {
            write!(f, "{location}: {}", self.diagnostic.message)
        } else {
            f.write_str(&self.diagnostic.message)
        }
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.wrapped_help
            .as_ref()
            .or(self.diagnostic.help.as_ref())
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let snippet = self.source.as_ref()?;
        let labels = self.diagnostic.labels.iter().enumerate().map(|(i, l)| {
            let text = (!l.text.is_empty()).then(|| l.text.clone());
            let span = snippet.drawn_span(l.span);
            if i == 0 {
                miette::LabeledSpan::new_primary_with_span(text, span)
            } else {
                miette::LabeledSpan::new_with_span(text, span)
            }
        });
        Some(Box::new(labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages and helps of every length around the width miette wraps to and well past it, on
    /// one line or several, with spaces, symbols, a non-ASCII letter and a word longer than a
    /// line where wrapping could change them: wrapped ahead (or found to fit) and drawn
    /// unwrapped, they are the bytes miette's own wrapping draws.
    #[test]
    fn texts_wrapped_ahead_are_drawn_as_miettes_wrapping_draws_them() {
        let source = Arc::new(SourceFile::new("m.yaml", "a: 1\nb: 2\nc: 3\n".to_string()));
        let ascii = [
            "self-service",
            "`node_1`",
            "(Balance)",
            "a/b",
            "x",
            "press 0,",
        ];
        let mut checked = 0;
        for length in (60..80).chain([150, 151, 237]) {
            for first in 0..ascii.len() {
                let mut text = String::new();
                for k in first.. {
                    if text.len() >= length {
                        break;
                    }
                    text.push_str(ascii[k % ascii.len()]);
                    text.push(' ');
                }
                text.truncate(length);
                let messages = [
                    text.clone(),
                    format!("{text}\n{text}"),
                    format!("{text} "),
                    format!(" {text}"),
                    format!("{text}\n"),
                    format!("é{text}"),
                ];
                for message in messages {
                    let helps = [None, Some("x".to_string()), Some(format!("see {message}"))];
                    for (severity, help) in [Severity::Error, Severity::Warning, Severity::Info]
                        .into_iter()
                        .flat_map(|s| helps.iter().map(move |h| (s, h)))
                    {
                        let mut d =
                            Diagnostic::input_error(&source, Span::new(3, 1), &message, "here");
                        d.severity = severity;
                        d.help = help.clone();
                        for width in [72, 80] {
                            let style = RenderStyle {
                                width,
                                ..RenderStyle::PLAIN
                            };
                            assert_eq!(
                                d.render_wrapping(style, Wrapping::WhenNeeded),
                                d.render_wrapping(style, Wrapping::Always),
                                "{message:?} {help:?} at {width} columns"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn edits_apply_in_any_order_and_overlaps_are_refused() {
        let text = "key: *, say: x";
        let quote = Edit::replace(Span::new(5, 1), "\"*\"");
        let prompt = Edit::replace(Span::new(13, 1), "\"x\"");
        assert_eq!(
            apply_edits(text, [&prompt, &quote]).as_deref(),
            Some("key: \"*\", say: \"x\"")
        );
        let overlapping = Edit::delete(Span::new(4, 3));
        assert_eq!(apply_edits(text, [&quote, &overlapping]), None);
        assert_eq!(apply_edits(text, [&Edit::delete(Span::new(10, 99))]), None);
    }
}
