//! Reading a document of either kind: bytes -> text -> YAML tree -> a menu or an intents file,
//! and the intents file a menu names with `traffic:`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::intents::{Intents, duplicate_intent, intents_from_yaml};
use crate::menu::Menu;
use crate::menu::load::{duplicate_node_id, menu_from_yaml};
use crate::source::{SourceFile, Span};
use crate::yaml::reader::{BoxedDiagnosticExt, LoadResult, Reader};
use crate::yaml::{self, Limits, Value, YamlError};

mod flows;
pub use flows::{FlowFiles, load_flow_files, load_flow_files_with};

/// What a YAML file turned out to be.
#[derive(Debug)]
pub enum Document {
    Menu(Box<Menu>),
    Intents(Box<Intents>),
    /// Valid YAML that is neither (a walked folder skips it; a named file is an error).
    Other(Arc<SourceFile>),
}

/// Reads a file's text: checks its size and that it is UTF-8 (a BOM is fine).
pub fn read_source(path: &Path, limits: &Limits) -> LoadResult<Arc<SourceFile>> {
    let name = display_path(path);
    let metadata = std::fs::metadata(path).map_err(|e| cannot_read(&name, &e))?;
    if metadata.is_dir() {
        return Err(Box::new(
            Diagnostic::file_error(&name, "this is a folder, not a file")
                .with_help("name a menu file in the folder (`ivr lint` takes folders)"),
        ));
    }
    if !metadata.is_file() {
        // A FIFO, a socket or a device (`/dev/stdin`) can block a read forever.
        return Err(Box::new(
            Diagnostic::file_error(&name, "this is not a regular file")
                .with_help("name a menu or intents file; to read standard input, pass `-`"),
        ));
    }
    if metadata.len() > limits.max_file_bytes as u64 {
        return Err(too_large(&name, limits));
    }
    // Read one byte past the limit at most: a device or a growing file can be endless.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(limits.max_file_bytes as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| cannot_read(&name, &e))?;
    source_from_bytes(&name, bytes, limits)
}

/// Text from bytes, with the errors `read_source` gives.
pub fn source_from_bytes(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
) -> LoadResult<Arc<SourceFile>> {
    if bytes.len() > limits.max_file_bytes {
        return Err(too_large(name, limits));
    }
    if let Some(encoding) = wide_encoding(&bytes) {
        return Err(Box::new(
            Diagnostic::file_error(
                name,
                format!("the file is {encoding}; ivr reads UTF-8 only"),
            )
            .with_help(
                "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
            ),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let source = SourceFile::new(name, text);
            let len = source.text()[at..].chars().next().map_or(0, char::len_utf8);
            let byte = error.as_bytes()[at];
            Err(Box::new(
                Diagnostic::input_error(&source, Span::new(at, len), "the file is not valid UTF-8", format!("byte 0x{byte:02X} is not UTF-8"))
                    .with_help("save the file as UTF-8; if it came from another system, convert it, for example with `iconv -f WINDOWS-1252 -t UTF-8`"),
            ))
        }
    }
}

fn too_large(name: &str, limits: &Limits) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::file_error(
            name,
            format!(
                "the file exceeds a limit: more than {} bytes (max_file_bytes)",
                limits.max_file_bytes
            ),
        )
        .with_help(
            "a menu is a few kilobytes: check that this is the file you meant, or split it (see docs/limits.md)",
        ),
    )
}

/// UTF-16 or UTF-32, told by a byte-order mark or by the zero bytes that ASCII text has in
/// those encodings (the way the YAML spec detects them).
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0, _, ..] | [_, 0, 0, 0, ..] => {
            Some("UTF-32")
        }
        // Two characters' worth of the pattern: one NUL byte first is not UTF-16.
        [0xFE, 0xFF, ..]
        | [0xFF, 0xFE, ..]
        | [0, 1..=255, 0, 1..=255, ..]
        | [1..=255, 0, 1..=255, 0, ..] => Some("UTF-16"),
        _ => None,
    }
}

fn cannot_read(name: &str, error: &std::io::Error) -> Box<Diagnostic> {
    let (reason, help) = match error.kind() {
        std::io::ErrorKind::NotFound => (
            "no such file".to_string(),
            "check the path; it is relative to the current folder",
        ),
        std::io::ErrorKind::PermissionDenied => (
            "permission denied".to_string(),
            "check that you may read the file",
        ),
        _ => (error.to_string(), "check that the file can be read"),
    };
    Box::new(
        Diagnostic::file_error(name, format!("cannot read the file: {reason}")).with_help(help),
    )
}

/// Parses a source as a menu or an intents file.
pub fn load_document(source: &Arc<SourceFile>, limits: &Limits) -> LoadResult<Document> {
    // VoiceXML, FreeSWITCH XML and Asterisk dialplans are not YAML: told by their text first.
    match crate::import::sniff(source) {
        crate::import::Sniffed::Flow(platform) => {
            let phrases = phrase_files(source, platform, limits);
            return Ok(Document::Menu(Box::new(
                crate::import::import_text_with(source, platform, &phrases)?.menu,
            )));
        }
        crate::import::Sniffed::NotAFlow => return Ok(Document::Other(source.clone())),
        crate::import::Sniffed::Yaml => {}
    }
    if let Some(error) = json_template(source) {
        return Err(error);
    }
    let root = parse_or_unwrap(source, limits).map_err(|error| match error {
        // Which mapping a repeated key is in says what it names, whatever the file turns out to be.
        YamlError::DuplicateKey(duplicate) if duplicate.is_in_root_key("nodes") => {
            Box::new(duplicate_node_id(&duplicate))
        }
        YamlError::DuplicateKey(duplicate) if duplicate.is_in_root_key("intents") => {
            Box::new(duplicate_intent(&duplicate))
        }
        other => other.into(),
    })?;
    let r = Reader::new(source);
    let entries = match &root.value {
        Value::Map(entries) => entries,
        Value::Null => {
            let message = holds_nothing(source).unwrap_or("the file holds no data (a lone `null`)");
            return Err(r
                .error(Span::new(0, 0), message, "nothing here")
                .with_help_boxed(
                    "a menu file starts with `menu:`, `entry:` and `nodes:`; see docs/format.md",
                ));
        }
        _ => return Ok(Document::Other(source.clone())),
    };
    let find = |name: &str| entries.iter().find(|(k, _)| k.text(source) == Some(name));
    match (find("nodes"), find("intents")) {
        (Some(_), Some((intents_key, _))) => Err(r
            .error(
                r.value_span(intents_key),
                "the file has both `nodes` and `intents`",
                "intents here",
            )
            .with_help_boxed(
                "put the intents in a file of their own and name it with `traffic:` in the menu",
            )),
        (Some(_), None) => Ok(Document::Menu(Box::new(menu_from_yaml(source, &root)?))),
        (None, Some(_)) => Ok(Document::Intents(Box::new(intents_from_yaml(
            source, &root,
        )?))),
        // A menu or intents file with its main key misspelt is still ours, and the loader
        // says what is wrong with it.
        (None, None)
            if ["menu", "entry", "traffic"]
                .iter()
                .any(|k| find(k).is_some()) =>
        {
            Ok(Document::Menu(Box::new(menu_from_yaml(source, &root)?)))
        }
        (None, None) if find("callers").is_some() => Ok(Document::Intents(Box::new(
            intents_from_yaml(source, &root)?,
        ))),
        (None, None) => match crate::import::detect(source, &root) {
            // A platform's flow export (Amazon Connect, ...): imported in memory, its spans in
            // the export itself.
            Some(platform) => Ok(Document::Menu(Box::new(
                crate::import::import(source, &root, platform)?.menu,
            ))),
            None => Ok(Document::Other(source.clone())),
        },
    }
}

/// Why a file holds nothing to read, told from its text alone: it is empty, or holds only
/// comments and document markers (`---`, `...`). `None` for any other file. Lines are the file's
/// own (a lone `\r` ends one too).
pub fn holds_nothing(source: &SourceFile) -> Option<&'static str> {
    let text = source.text().trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Some("the file is empty");
    }
    (1..=source.line_count())
        .map(|line| {
            source.text()[source.line_range(line)]
                .trim_start_matches('\u{feff}')
                .trim()
        })
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "...")
        .then_some("the file holds only comments")
}

/// Reads a platform's flow export (detected by content, or the platform given) as an imported
/// menu, with where each node came from and the approximations.
pub fn load_imported(
    path: &Path,
    platform: Option<crate::import::Platform>,
    limits: &Limits,
) -> LoadResult<crate::import::Imported> {
    let source = read_source(path, limits)?;
    match (platform, crate::import::sniff(&source)) {
        (Some(platform), _) | (None, crate::import::Sniffed::Flow(platform))
            if platform.is_text() =>
        {
            let phrases = phrase_files(&source, platform, limits);
            return crate::import::import_text_with(&source, platform, &phrases);
        }
        _ => {}
    }
    if let Some(error) = json_template(&source) {
        return Err(error);
    }
    let root = parse_or_unwrap(&source, limits).map_err(Box::<Diagnostic>::from)?;
    let detected = crate::import::detect(&source, &root);
    let Some(platform) = platform.or(detected) else {
        return Err(Box::new(
            Diagnostic::input_error(
                &source,
                Span::new(0, 0),
                "ivr cannot tell which platform this flow is from",
                "this file",
            )
            .with_help(
                "ivr imports Amazon Connect flows (`Version` and `Actions`, or `modules`), Twilio Studio flows (`states` and `initial_state`), Genesys Archy flows (`inboundCall` with `startUpRef`), VoiceXML (a `<vxml>` root), FreeSWITCH IVR menus (`<menu>` elements) and Asterisk dialplans (`[context]` and `exten =>`); name the platform with `--from`",
            ),
        ));
    };
    crate::import::import(&source, &root, platform)
}

/// Most language files read for one FreeSWITCH menu file's phrase macros.
const MAX_PHRASE_FILES: usize = 200;

/// The language files a FreeSWITCH menu file's `phrase:` prompts may be defined in: the XML
/// files beside it and those under the `lang` folder of the configuration it is in (`../lang`,
/// as in FreeSWITCH's own `conf/ivr_menus` and `conf/lang`), that hold `<macro>` elements, in
/// name order. Only files inside the menu's repository are read; none for other platforms.
fn phrase_files(
    source: &Arc<SourceFile>,
    platform: crate::import::Platform,
    limits: &Limits,
) -> Vec<Arc<SourceFile>> {
    if platform != crate::import::Platform::FreeSwitch {
        return Vec::new();
    }
    let menu_path = source.path();
    let folder = match menu_path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut found = Vec::new();
    let mut folders = vec![(folder.clone(), 0usize), (folder.join("../lang"), 1)];
    while let Some((dir, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        entries.sort();
        for path in entries {
            if found.len() >= MAX_PHRASE_FILES {
                break;
            }
            if path.is_dir() {
                // Beside the menu only its own folder; under `lang`, a few levels down.
                if depth > 0 && depth < 4 {
                    folders.push((path, depth + 1));
                }
                continue;
            }
            let xml = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
            if !xml
                || path == menu_path
                || outside_repository(menu_path, &path, "a phrase file").is_some()
            {
                continue;
            }
            found.push(path);
        }
    }
    found.sort();
    found
        .iter()
        .filter_map(|path| read_source(path, limits).ok())
        .filter(|file| file.text().contains("<macro"))
        .collect()
}

/// A deploy-time template (`{{next}}`, `${ jsonencode(x) }`) where a JSON file, or the object a
/// JavaScript wrapper holds, needs a value: the YAML reader would take it for something else
/// or stop at it with a message about brackets.
fn json_template(source: &Arc<SourceFile>) -> Option<Box<Diagnostic>> {
    let text = source.text();
    crate::import::outside_json_strings(source, text).or_else(|| {
        let inner = crate::import::unwrap_script(text)?;
        crate::import::outside_json_strings(source, &inner)
    })
}

/// The file's YAML tree; for a flow wrapped in JavaScript (`const flow = {...}`), the tree of
/// the object inside, with its positions in the file. The file's own error when neither parses.
fn parse_or_unwrap(source: &Arc<SourceFile>, limits: &Limits) -> Result<yaml::Node, YamlError> {
    let error = match yaml::parse(source, limits) {
        Ok(root) => return Ok(root),
        Err(error) => error,
    };
    let Some(text) = crate::import::unwrap_script(source.text()) else {
        return Err(error);
    };
    let inner = SourceFile::new(source.path(), text);
    yaml::parse(&inner, limits).map_err(|_| error)
}

/// The error for a file named on the command line that is neither a menu nor intents.
pub fn neither_error(source: &Arc<SourceFile>, wanted: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::input_error(
            source,
            Span::new(0, 0),
            format!("this is not {wanted}"),
            "no `nodes` or `intents` at the top level",
        )
        .with_help("a menu file has `nodes:` at the top level, an intents file `intents:`"),
    )
}

/// Reads a menu file.
pub fn load_menu(path: &Path, limits: &Limits) -> LoadResult<Menu> {
    menu_of(&read_source(path, limits)?, limits)
}

/// Reads a menu from its text (the language server's buffers as well as files).
pub fn menu_of(source: &Arc<SourceFile>, limits: &Limits) -> LoadResult<Menu> {
    match load_document(source, limits)? {
        Document::Menu(menu) => Ok(*menu),
        Document::Intents(_) => Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                "this is an intents file, not a menu",
                "intents file",
            )
            .with_help(
                "name the menu file here; pass intents with `--intents` or the menu's `traffic:`",
            ),
        )),
        Document::Other(source) => Err(neither_error(&source, "a menu file")),
    }
}

/// Reads an intents file.
pub fn load_intents(path: &Path, limits: &Limits) -> LoadResult<Intents> {
    intents_of(&read_source(path, limits)?, limits)
}

/// Reads an intents file from its text (the language server's buffers as well as files).
pub fn intents_of(source: &Arc<SourceFile>, limits: &Limits) -> LoadResult<Intents> {
    match load_document(source, limits)? {
        Document::Intents(intents) => Ok(*intents),
        Document::Menu(_) => Err(Box::new(
            Diagnostic::input_error(
                source,
                Span::new(0, 0),
                "this is a menu file, not an intents file",
                "menu file",
            )
            .with_help("an intents file has `intents:` at the top level"),
        )),
        Document::Other(source) => Err(neither_error(&source, "an intents file")),
    }
}

/// A path as messages show it (forward slashes on every system).
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The intents file a menu names with `traffic:`, relative to the menu file's folder.
pub fn traffic_path(menu_path: &Path, menu: &Menu) -> Option<PathBuf> {
    let traffic = menu.traffic.as_ref()?;
    Some(
        menu_path
            .parent()
            .unwrap_or(Path::new(""))
            .join(&traffic.value),
    )
}

/// Why the intents file a menu names may not be read, `None` when it may. A menu in a pull
/// request is untrusted, so `traffic:` may only name a `.yaml` or `.yml` file inside the
/// repository the menu is in (the nearest folder up from the menu that holds `.git`, else the
/// menu's own folder), symbolic links resolved, and never one inside `.git`: no other file is
/// read, and so none is ever shown in a message.
fn traffic_refused(menu_path: &Path, path: &Path) -> Option<String> {
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if !yaml {
        return Some("an intents file is a `.yaml` or `.yml` file".to_string());
    }
    outside_repository(menu_path, path, "an intents file")
}

/// Why a file a menu names (`traffic:`, a flow node's `file:`) may not be read: it is outside
/// the menu's repository or inside `.git`. `None` when it may be, or does not exist (the read
/// that follows says so).
pub(crate) fn outside_repository(menu_path: &Path, path: &Path, what: &str) -> Option<String> {
    let folder = menu_path.parent().unwrap_or(Path::new(""));
    let root = repository_root(folder)?;
    // A file that does not exist is reported as such by the read that follows.
    let target = std::fs::canonicalize(path).ok()?;
    let inside = is_inside_repository(&root, &target);
    (!inside).then(|| {
        format!(
            "it is outside the repository {} (links followed); {what} must be inside it",
            display_path(&root)
        )
    })
}

/// The repository a folder is in: the nearest folder up from it (itself included) that holds
/// `.git`, else the folder itself, with symbolic links resolved (`None` when the folder cannot
/// be resolved). The empty path is the current folder.
pub fn repository_root(folder: &Path) -> Option<PathBuf> {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let folder = std::fs::canonicalize(folder).ok()?;
    let root = folder
        .ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(&folder)
        .to_path_buf();
    Some(root)
}

/// Whether a resolved path (symbolic links followed, as `canonicalize` gives it) lies inside a
/// repository root and not inside its `.git`.
pub fn is_inside_repository(root: &Path, resolved: &Path) -> bool {
    resolved
        .strip_prefix(root)
        .is_ok_and(|rest| !rest.components().any(|c| c.as_os_str() == ".git"))
}

/// The folder a menu's `traffic:` and `file:` paths are relative to, as messages show it
/// (`menus/`, or `./` for a menu in the current folder).
pub fn menu_folder(menu_path: &Path) -> String {
    match menu_path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            format!("{}/", display_path(folder).trim_end_matches('/'))
        }
        _ => "./".to_string(),
    }
}

/// Reads the intents file a menu names with `traffic:`, with its path (`None` when the menu
/// names none). A file that cannot be read, or may not be (`traffic_refused`), is reported at
/// `traffic:` in the menu; one that is read but is not a valid intents file is reported in that
/// file, its help naming the menu's line that names it. Both name the menu's folder, which the
/// path is relative to.
pub fn load_traffic(
    menu_path: &Path,
    menu: &Menu,
    limits: &Limits,
) -> Option<(PathBuf, LoadResult<Intents>)> {
    load_traffic_with(menu_path, menu, &|path| load_intents(path, limits))
}

/// [`load_traffic`] with the intents file read by `read` (the language server reads the
/// editor's text of an open file instead of the disk's; `ivr lint` shares one loaded file
/// between the menus naming it).
pub fn load_traffic_with<T>(
    menu_path: &Path,
    menu: &Menu,
    read: &dyn Fn(&Path) -> LoadResult<T>,
) -> Option<(PathBuf, LoadResult<T>)> {
    let traffic = menu.traffic.as_ref()?;
    let path = traffic_path(menu_path, menu)?;
    let folder = menu_folder(menu_path);
    if let Some(reason) = traffic_refused(menu_path, &path) {
        let error = Diagnostic::input_error(
            &menu.source,
            traffic.span,
            format!(
                "`traffic` names {}, which ivr will not read: {reason}",
                display_path(&path)
            ),
            "not read",
        )
        .with_help(format!(
            "name an intents file in the repository, by a path relative to the menu's folder {folder}"
        ));
        return Some((path, Err(Box::new(error))));
    }
    let loaded = read(&path).map_err(|mut error| {
        if error.source.is_none() {
            *error = Diagnostic::input_error(
                &menu.source,
                traffic.span,
                format!("`traffic` names {}: {}", display_path(&path), error.message),
                "cannot read this intents file",
            )
            .with_help(format!(
                "fix the path (it is relative to the menu's folder {folder}), or remove `traffic:`"
            ));
        } else {
            let position = menu.source.line_col(traffic.span.start);
            let named = format!(
                "this file is named by `traffic:` at {}:{}:{}",
                menu.source.name(),
                position.line,
                position.column
            );
            error.help = Some(match error.help.take() {
                Some(help) => format!("{help}; {named}"),
                None => named,
            });
        }
        error
    });
    Some((path, loaded))
}
