//! docs/rules/ is generated from the rules' doc comments; this test keeps them in step.
//! Run `IVR_UPDATE_DOCS=1 cargo test --test docs` after changing a rule's documentation.

use std::path::PathBuf;

mod common;

use ivr::lint::registry::RULES;
use ivr::render::rules::{OUTPUT_CODES, index_page, output_code_page, rule_page};

#[test]
fn rule_pages_match_the_rules_documentation() {
    let dir = common::root().join("docs/rules");
    let mut pages: Vec<(PathBuf, String)> = RULES
        .iter()
        .map(|r| (dir.join(format!("{}.md", r.name)), rule_page(r)))
        .collect();
    pages.extend(
        OUTPUT_CODES
            .iter()
            .map(|c| (dir.join(format!("{}.md", c.name)), output_code_page(c))),
    );
    pages.push((dir.join("README.md"), index_page()));
    if std::env::var_os("IVR_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in &pages {
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    for (path, text) in pages {
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == text,
            "{} is out of date: run `IVR_UPDATE_DOCS=1 cargo test --test docs`",
            path.display()
        );
    }
}
