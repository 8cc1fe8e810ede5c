//! What a rule is: its metadata (name, severity, options, documentation) and its check.

use crate::diagnostic::{Fix, Label, Severity};
use crate::source::Span;

use super::context::Context;

/// A rule option: a number with a default.
#[derive(Clone, Copy, Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub default: f64,
    pub description: &'static str,
    /// Whole numbers only (input counts, option counts).
    pub integer: bool,
}

/// A lint rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The stable kebab-case name used in config, suppressions and every output format.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `ivr rules`.
    pub summary: &'static str,
    /// The rule's documentation comment: what `ivr rule NAME` prints.
    pub doc: &'static str,
    pub options: &'static [RuleOption],
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish()
    }
}

impl Rule {
    /// The documentation as plain text (the doc comment without its leading spaces).
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

/// Which file a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InFile {
    Menu,
    Intents,
}

/// What a rule reports; the framework adds the rule name, severity and file.
#[derive(Clone, Debug)]
pub struct Finding {
    pub message: String,
    pub help: Option<String>,
    /// The primary label's span, then secondary labels.
    pub span: Span,
    pub label: String,
    pub secondary: Vec<Label>,
    /// The node the finding is about (the menu's id for an option finding).
    pub node: Option<String>,
    pub file: InFile,
    /// A lesser part of a rule (the "no human within ideal_inputs" warning of `agent-depth`):
    /// reported at most at this severity.
    pub at_most: Option<Severity>,
    /// How to repair it, when the rule knows.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Finding {
        Finding {
            message: message.into(),
            help: None,
            span,
            label: label.into(),
            secondary: Vec::new(),
            node: None,
            file: InFile::Menu,
            at_most: None,
            fix: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, text));
        self
    }

    pub fn in_intents(mut self) -> Self {
        self.file = InFile::Intents;
        self
    }

    /// Adds the fix, when there is one.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn at_most(mut self, severity: Severity) -> Self {
        self.at_most = Some(severity);
        self
    }
}

/// Declares a rule from its documentation comment and metadata:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub static SELF_SERVICE_DEPTH = {
///         name: "self-service-depth",
///         severity: Error,
///         summary: "self-service is reached within `max_inputs` inputs",
///         options: [("max_inputs", 5, "most inputs to any self-service node", integer)],
///         check: check,
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $rule:ident = {
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            options: [$(($oname:literal, $odefault:expr, $odesc:literal, $okind:ident)),* $(,)?],
            check: $check:path $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $rule: $crate::lint::rule::Rule = $crate::lint::rule::Rule {
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            options: &[$($crate::lint::rule::RuleOption {
                name: $oname,
                default: $odefault as f64,
                description: $odesc,
                integer: $crate::declare_rule!(@integer $okind),
            }),*],
            check: $check,
        };
    };
    (@integer integer) => { true };
    (@integer number) => { false };
}
