//! Telling a platform file that is not YAML (VoiceXML, FreeSWITCH XML, an Asterisk dialplan)
//! by its first bytes, before the YAML layer is asked to read it.

use super::Platform;
use crate::source::SourceFile;

/// What a file's text looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// YAML or JSON: the YAML layer reads it (our menus, intents, JSON and YAML exports).
    Yaml,
    /// A flow of a platform read as text of its own.
    Flow(Platform),
    /// XML or a `.conf` file that holds no flow (a phrase file, a build file): a walked folder
    /// skips it.
    NotAFlow,
}

/// Tells what a file holds from its text: XML by its root element (`<vxml>`; `<include>` or
/// `<configuration>` holding `<menu>` elements), a dialplan by its `[context]` headers and
/// `exten =>` lines.
pub fn sniff(source: &SourceFile) -> Sniffed {
    let text = source.text().trim_start_matches('\u{feff}');
    if let Some(root) = xml_root(text) {
        let local = root.rsplit(':').next().unwrap_or(root);
        return match local {
            "vxml" => Sniffed::Flow(Platform::Vxml),
            "include" | "configuration" | "document" if text.contains("<menu") => {
                Sniffed::Flow(Platform::FreeSwitch)
            }
            _ => Sniffed::NotAFlow,
        };
    }
    if is_dialplan(text) {
        return Sniffed::Flow(Platform::Asterisk);
    }
    let name = source.name().to_ascii_lowercase();
    if [".xml", ".vxml", ".conf"].iter().any(|e| name.ends_with(e)) {
        return Sniffed::NotAFlow;
    }
    Sniffed::Yaml
}

/// The name of the first element of an XML text (after its declaration, comments and
/// doctype); `None` when the text does not start like XML.
fn xml_root(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    if !rest.starts_with('<') {
        return None;
    }
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            // A doctype, perhaps with an internal subset in brackets.
            let close = match (after.find('['), after.find('>')) {
                (Some(open), Some(gt)) if open < gt => open + after[open..].find(']')?,
                (_, Some(gt)) => gt,
                _ => return None,
            };
            let after = &after[close..];
            rest = &after[after.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return (end > 0).then(|| &after[..end]);
        } else {
            return None;
        }
    }
}

/// An Asterisk dialplan: a `[context]` header line and an `exten =>` (or `exten =`) line.
fn is_dialplan(text: &str) -> bool {
    let mut header = false;
    let mut exten = false;
    for line in text.lines().take(20_000) {
        let line = line.trim_start();
        if line.starts_with('[') && line.contains(']') {
            header = true;
        } else if let Some(rest) = line.strip_prefix("exten")
            && rest.trim_start().starts_with('=')
        {
            exten = true;
        }
        if header && exten {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(name: &str, text: &str) -> Sniffed {
        sniff(&SourceFile::new(name, text.to_string()))
    }

    #[test]
    fn xml_is_told_by_its_root_element() {
        let vxml = "<?xml version=\"1.0\"?>\n<!-- hi -->\n<!DOCTYPE vxml [ <!ENTITY a \"b\"> ]>\n<vxml version=\"2.1\"/>";
        assert_eq!(sniffed("a.xml", vxml), Sniffed::Flow(Platform::Vxml));
        assert_eq!(
            sniffed("ivr.xml", "<include>\n  <menu name=\"m\"/>\n</include>"),
            Sniffed::Flow(Platform::FreeSwitch)
        );
        assert_eq!(
            sniffed("phrases.xml", "<include><macro name=\"x\"/></include>"),
            Sniffed::NotAFlow
        );
        assert_eq!(sniffed("pom.xml", "<project/>"), Sniffed::NotAFlow);
    }

    #[test]
    fn a_dialplan_needs_a_context_and_an_extension() {
        assert_eq!(
            sniffed("x.conf", "[main]\nexten => s,1,Answer()\n"),
            Sniffed::Flow(Platform::Asterisk)
        );
        assert_eq!(
            sniffed("x.conf", "[section]\nkey = value\n"),
            Sniffed::NotAFlow
        );
        assert_eq!(sniffed("menu.yaml", "nodes: {}\n"), Sniffed::Yaml);
    }
}
