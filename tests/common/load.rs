//! Menus, intents files and simulation programs from YAML text or files, as the library loads
//! them. Loading that must succeed panics with the rendered error, so a failing test shows the
//! message a user would see.

use std::path::{Path, PathBuf};

use ivr::diagnostic::{Diagnostic, RenderStyle};
use ivr::intents::Intents;
use ivr::menu::Menu;
use ivr::sim::program::Program;
use ivr::source::SourceFile;

/// The loader's entry points, for tests that check the loader itself.
pub use ivr::document::{Document, load_document, load_intents, load_menu, source_from_bytes};
pub use ivr::yaml::Limits;

/// The name menus loaded from text go by.
pub const MENU_NAME: &str = "menu.yaml";
/// The name intents files loaded from text go by.
pub const INTENTS_NAME: &str = "menu.intents.yaml";

/// Loads YAML text as whatever document it is, with the default limits.
pub fn document(name: &str, text: &str) -> Result<Document, Box<Diagnostic>> {
    load_document(&SourceFile::new(name, text.to_string()), &Limits::DEFAULT)
}

/// A diagnostic as `ivr` prints it without colour.
pub fn rendered(diagnostic: &Diagnostic) -> String {
    diagnostic.render(RenderStyle::PLAIN)
}

/// A menu from YAML text, which must load.
pub fn menu(text: &str) -> Menu {
    match document(MENU_NAME, text) {
        Ok(Document::Menu(menu)) => *menu,
        Ok(other) => panic!("not a menu: {other:?}\n{text}"),
        Err(e) => panic!("{}\n{text}", rendered(&e)),
    }
}

/// A menu file, which must load.
pub fn menu_file(path: &Path) -> Menu {
    load_menu(path, &Limits::DEFAULT).unwrap_or_else(|e| panic!("{}", rendered(&e)))
}

/// A menu and, if given, an intents file from YAML text; `Err` with the first input error.
pub fn menu_and_intents(
    menu: &str,
    intents: Option<&str>,
) -> Result<(Menu, Option<Intents>), Box<Diagnostic>> {
    let Document::Menu(menu) = document(MENU_NAME, menu)? else {
        panic!("not a menu:\n{menu}");
    };
    let intents = match intents {
        None => None,
        Some(text) => match document(INTENTS_NAME, text)? {
            Document::Intents(intents) => Some(*intents),
            _ => panic!("not an intents file:\n{text}"),
        },
    };
    Ok((*menu, intents))
}

/// The simulation program of a menu and an intents file written as YAML text; they must load
/// and `ivr sim` must accept them.
pub fn program(menu: &str, intents: &str) -> Program {
    let (menu_model, intents_model) = menu_and_intents(menu, Some(intents))
        .unwrap_or_else(|e| panic!("{}\nmenu:\n{menu}\nintents:\n{intents}", rendered(&e)));
    compile(&menu_model, &intents_model.expect("intents were given"))
}

/// The simulation program of a menu file and its `traffic:` file (or the intents file given).
pub fn program_from_files(menu: &Path, intents: Option<&Path>) -> Program {
    let menu = menu_file(menu);
    let intents_path = match intents {
        Some(path) => path.to_path_buf(),
        None => {
            let traffic = menu.traffic.as_ref().expect("the menu names its traffic");
            PathBuf::from(menu.source.name())
                .parent()
                .expect("folder")
                .join(&traffic.value)
        }
    };
    let intents = load_intents(&intents_path, &Limits::DEFAULT)
        .unwrap_or_else(|e| panic!("{}", rendered(&e)));
    compile(&menu, &intents)
}

/// Compiles a menu `ivr sim` must accept.
pub fn compile(menu: &Menu, intents: &Intents) -> Program {
    let refusals = ivr::lint::structural_errors(menu, Some(intents));
    assert!(
        refusals.is_empty(),
        "ivr sim refuses the menu:\n{}",
        refusals.iter().map(rendered).collect::<String>()
    );
    Program::compile(menu, intents)
}
