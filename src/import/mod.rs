//! Flows from the platforms designers use (Amazon Connect, Twilio Studio, ...) read into the
//! menu model, with every node's span in the platform's own file, so that lint findings point at
//! the export's lines.
//!
//! Importers: Amazon Connect (`connect`), Twilio Studio (`twilio`), Genesys Cloud Architect's
//! Archy YAML (`genesys`), VoiceXML (`vxml`), FreeSWITCH (`freeswitch`, with the phrase macros
//! of its language files, `phrases`) and Asterisk (`asterisk`). Deploy-time templates in any of
//! them are handled in one place (`templates`).
//!
//! An importer is a function from a platform file's spanned tree to an [`Imported`]: the menu,
//! where each node came from (for `ivr import`'s comments) and what could not be expressed
//! exactly (the approximations). [`detect`] tells the platform by content; [`import`] runs the
//! importer it names. JSON is read by the YAML layer (JSON is YAML), which keeps spans.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::menu::Menu;
use crate::source::{SourceFile, Span};
use crate::yaml::reader::LoadResult;
use crate::yaml::{Node as YamlNode, Value};

mod asterisk;
mod build;
mod connect;
mod freeswitch;
mod genesys;
mod phrases;
mod sniff;
mod templates;
mod twilio;
mod vxml;
pub mod write;
mod xml;

pub use build::Origin;
pub use sniff::{Sniffed, sniff};
pub use templates::outside_json_strings;

/// A platform `ivr` imports from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    Connect,
    Twilio,
    Genesys,
    FreeSwitch,
    Asterisk,
    Vxml,
}

impl Platform {
    pub const ALL: [Platform; 6] = [
        Platform::Connect,
        Platform::Twilio,
        Platform::Genesys,
        Platform::FreeSwitch,
        Platform::Asterisk,
        Platform::Vxml,
    ];

    /// The name `--from` takes.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Connect => "connect",
            Platform::Twilio => "twilio",
            Platform::Genesys => "genesys",
            Platform::FreeSwitch => "freeswitch",
            Platform::Asterisk => "asterisk",
            Platform::Vxml => "vxml",
        }
    }

    /// The name people know it by.
    pub fn title(self) -> &'static str {
        match self {
            Platform::Connect => "Amazon Connect",
            Platform::Twilio => "Twilio Studio",
            Platform::Genesys => "Genesys Cloud Architect",
            Platform::FreeSwitch => "FreeSWITCH",
            Platform::Asterisk => "Asterisk",
            Platform::Vxml => "VoiceXML",
        }
    }

    pub fn from_name(name: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether `ivr` can import it yet.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            Platform::Connect
                | Platform::Twilio
                | Platform::Vxml
                | Platform::Genesys
                | Platform::FreeSwitch
                | Platform::Asterisk
        )
    }

    /// Whether its files are read as text of their own (XML, a dialplan) rather than through
    /// the YAML layer.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Platform::Vxml | Platform::FreeSwitch | Platform::Asterisk
        )
    }
}

/// A platform flow read into the menu model.
#[derive(Debug)]
pub struct Imported {
    pub platform: Platform,
    /// The menu; its spans point into the platform's file.
    pub menu: Menu,
    /// Where each node came from, beside `menu.nodes`.
    pub origins: Vec<Origin>,
    /// What was mapped to the nearest node type, in words, in file order.
    pub approximations: Vec<String>,
}

/// The platform of a parsed file, told by its top-level keys (`None`: not a platform flow).
pub fn detect(source: &SourceFile, root: &YamlNode) -> Option<Platform> {
    let Value::Map(entries) = &root.value else {
        return None;
    };
    let has = |name: &str| {
        entries
            .iter()
            .any(|(k, _)| k.as_text(source).as_deref() == Some(name))
    };
    if (has("Version") && has("Actions")) || (has("modules") && has("start")) {
        return Some(Platform::Connect);
    }
    if twilio::definition(source, root).is_some() {
        return Some(Platform::Twilio);
    }
    if genesys::flow(source, root).is_some() {
        return Some(Platform::Genesys);
    }
    None
}

/// A flow definition wrapped in JavaScript (`const flow = {...};`, `module.exports = {...}`):
/// the text with everything outside the outermost `{...}` blanked out (line breaks kept), so
/// that it parses as JSON and every position stays where it is in the file. `None` when the
/// text has no such object or does not look like a Studio flow.
pub fn unwrap_script(text: &str) -> Option<String> {
    if !text.contains("initial_state") {
        return None;
    }
    let open = text.find('{')?;
    let close = text.rfind('}')?;
    let before = &text[..open];
    if close < open || !(before.contains('=') || before.contains("exports")) {
        return None;
    }
    let blank = |s: &str| -> String {
        s.chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
            .collect::<String>()
    };
    // Multi-byte characters in the wrapper become one space each: pad so offsets hold.
    let pad = |s: &str| -> String {
        let b = blank(s);
        b.clone() + &" ".repeat(s.len() - b.len())
    };
    Some(format!(
        "{}{}{}",
        pad(before),
        &text[open..=close],
        pad(&text[close + 1..])
    ))
}

/// Imports a parsed platform file. A file the importer cannot read as a flow (an action that is
/// not a mapping, a missing `Actions` list) is an input error at its line; blocks it does not
/// know become approximations.
pub fn import(
    source: &Arc<SourceFile>,
    root: &YamlNode,
    platform: Platform,
) -> LoadResult<Imported> {
    let imported = match platform {
        Platform::Connect => connect::import(source, root),
        Platform::Twilio => twilio::import(source, root),
        Platform::Genesys => genesys::import(source, root),
        other => Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                format!("ivr cannot import {} flows yet", other.title()),
                "this file",
            )
            .with_help("docs/import.md lists the platforms ivr imports"),
        )),
    };
    imported.map(with_templates_listed)
}

/// The import with the deploy-time templates it kept as words (in prompts, queue names) added
/// to its approximations.
fn with_templates_listed(mut imported: Imported) -> Imported {
    let notes = templates::kept_as_words(&imported.menu, imported.platform);
    imported.approximations.extend(notes);
    imported
}

/// Imports a platform file that is not read through the YAML layer (XML, a dialplan), for a
/// platform whose [`Platform::is_text`] holds. Malformed text is an input error at its line.
pub fn import_text(source: &Arc<SourceFile>, platform: Platform) -> LoadResult<Imported> {
    import_text_with(source, platform, &[])
}

/// [`import_text`], with the files a FreeSWITCH menu's `phrase:` prompts may be defined in
/// (language files holding `<macro>` elements); other platforms ignore them.
pub fn import_text_with(
    source: &Arc<SourceFile>,
    platform: Platform,
    phrase_files: &[Arc<SourceFile>],
) -> LoadResult<Imported> {
    let imported = match platform {
        Platform::Vxml => vxml::import(source),
        Platform::FreeSwitch => freeswitch::import(source, &phrases::Phrases::read(phrase_files)),
        Platform::Asterisk => asterisk::import(source),
        other => Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                format!("ivr cannot import {} flows yet", other.title()),
                "this file",
            )
            .with_help("docs/import.md lists the platforms ivr imports"),
        )),
    };
    imported.map(with_templates_listed)
}

/// The starter intents file of an imported menu: one intent per transfer and self-service
/// node a caller can reach from the entry (named after it, equal shares; one placeholder intent
/// when there is none), to be replaced with real call-reason shares. Nodes no caller reaches
/// get no intent: `unreachable-node` reports them at their own place in the flow, and an intent
/// for them would only add a finding about a traffic file the user never wrote.
pub fn starter_intents(menu: &Menu) -> String {
    let mut out = String::from(
        "# Starter traffic written by `ivr import`: one intent per transfer and self-service node\n\
         # a caller can reach, all with the same share. The shares are placeholders: replace them\n\
         # with the real shares of your call reasons.\n",
    );
    let reachable = crate::menu::graph::MenuGraph::build(menu).reachable_from_entry();
    let names: Vec<&str> = menu
        .nodes
        .iter()
        .enumerate()
        .filter(|(index, _)| reachable.get(*index).copied().unwrap_or(false))
        .flat_map(|(_, n)| n.serves())
        .filter(|s| *s != "*")
        .collect();
    let mut seen = std::collections::HashSet::new();
    if names.is_empty() {
        // Nothing a caller reaches serves anyone: one placeholder intent, so the flow can still
        // be run.
        out.push_str(
            "# No transfer or self-service node can be reached in the flow: one placeholder intent.\n",
        );
        out.push_str(&format!(
            "intents:\n  {PLACEHOLDER_INTENT}: {{ share: 1 }}\n"
        ));
        return out;
    }
    out.push_str("intents:\n");
    for name in names {
        if seen.insert(name) {
            out.push_str(&format!("  {}: {{ share: 1 }}\n", write::quoted(name)));
        }
    }
    out
}

/// The one intent of the starter traffic of a flow in which no transfer or self-service node
/// can be reached.
pub const PLACEHOLDER_INTENT: &str = "caller";
