//! The intents file a menu names with `traffic:` is found, and reported, the same way by every
//! command: relative to the menu file, and a file that cannot be read is an error at `traffic:`.

mod common;

use common::{ivr_in, root};

/// A folder with `menus/shop.yaml` naming `../traffic/shop.intents.yaml` (written only when
/// `with_intents`) and `menus/plain.yaml` naming no traffic. The folder is a repository (it has
/// `.git`), so `traffic:` may reach out of `menus/`.
fn shop(with_intents: bool) -> tempfile::TempDir {
    let dir = common::scratch();
    std::fs::create_dir(dir.path().join(".git")).expect("a .git folder");
    let menu = std::fs::read_to_string(root().join("menus/tutorial.yaml")).expect("tutorial");
    let named = menu.replace(
        "traffic: tutorial.intents.yaml",
        "traffic: ../traffic/shop.intents.yaml",
    );
    assert_ne!(named, menu, "the tutorial names its traffic");
    let plain: String = menu
        .lines()
        .filter(|l| !l.starts_with("traffic:"))
        .map(|l| format!("{l}\n"))
        .collect();
    common::write(dir.path(), "menus/shop.yaml", named);
    common::write(dir.path(), "menus/plain.yaml", plain);
    if with_intents {
        let intents = std::fs::read(root().join("menus/tutorial.intents.yaml")).expect("intents");
        common::write(dir.path(), "traffic/shop.intents.yaml", intents);
    }
    dir
}

#[test]
fn traffic_is_relative_to_the_menu_for_every_command() {
    let dir = shop(true);
    let lint = ivr_in(dir.path(), &["lint", "menus/shop.yaml"]);
    assert!(lint.success(), "{}", lint.stdout);
    let sim = ivr_in(dir.path(), &["sim", "menus/shop.yaml", "--calls", "200"]);
    assert!(sim.success(), "{}", sim.stderr);
    // One menu naming traffic is enough for both.
    for [a, b] in [
        ["menus/shop.yaml", "menus/plain.yaml"],
        ["menus/plain.yaml", "menus/shop.yaml"],
    ] {
        let compare = ivr_in(dir.path(), &["compare", a, b, "--calls", "200"]);
        assert!(compare.success(), "{a} {b}: {}", compare.stderr);
    }
}

#[test]
fn a_missing_traffic_file_is_reported_at_traffic_by_every_command() {
    let dir = shop(false);
    let at_traffic = |text: &str| {
        text.contains("`traffic` names menus/../traffic/shop.intents.yaml")
            && text.contains("menus/shop.yaml:11:10")
            && text.contains("cannot read this intents file")
    };
    // `ivr lint` reports it among the findings (exit 1) and lints the menu without intents.
    let lint = ivr_in(dir.path(), &["lint", "menus/shop.yaml"]);
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    assert!(at_traffic(&lint.stdout), "{}", lint.stdout);
    // `ivr sim` and `ivr compare` cannot go on without traffic (exit 2).
    let sim = ivr_in(dir.path(), &["sim", "menus/shop.yaml", "--calls", "200"]).failure(2);
    assert!(at_traffic(&sim), "{sim}");
    let compare = ivr_in(
        dir.path(),
        &[
            "compare",
            "menus/plain.yaml",
            "menus/shop.yaml",
            "--calls",
            "200",
        ],
    )
    .failure(2);
    assert!(at_traffic(&compare), "{compare}");
}

/// Every error about a menu's `traffic:` file says where the menu names it (the menu's file,
/// line and column) and which folder the path is relative to (the menu's folder, wherever
/// `ivr` runs from): a missing file and a refused one at `traffic:` itself, a broken one in its
/// own file with the menu's line in the help.
#[test]
fn traffic_errors_name_the_menus_line_and_folder() {
    let dir = shop(false);
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let sim = |cwd: &std::path::Path, menu: &str| {
        one_line(&ivr_in(cwd, &["sim", menu, "--calls", "200"]).failure(2))
    };
    let menus = dir.path().join("menus");

    // Missing, from the repository root and from the menu's own folder.
    let err = sim(dir.path(), "menus/shop.yaml");
    assert!(err.contains("menus/shop.yaml:11:10"), "{err}");
    assert!(
        err.contains("relative to the menu's folder menus/)"),
        "{err}"
    );
    let err = sim(&menus, "shop.yaml");
    assert!(err.contains("╭─[shop.yaml:11:10]"), "{err}");
    assert!(
        err.contains("`traffic` names ../traffic/shop.intents.yaml"),
        "{err}"
    );
    assert!(err.contains("relative to the menu's folder ./)"), "{err}");

    // Refused: not a YAML file.
    let menu = std::fs::read_to_string(menus.join("shop.yaml")).unwrap();
    let refused = menu.replace("../traffic/shop.intents.yaml", "../traffic/shop.txt");
    common::write(dir.path(), "menus/refused.yaml", refused);
    common::write(dir.path(), "traffic/shop.txt", "intents: { a: 1 }\n");
    let err = sim(dir.path(), "menus/refused.yaml");
    assert!(err.contains("which ivr will not read"), "{err}");
    assert!(err.contains("menus/refused.yaml:11:10"), "{err}");
    assert!(
        err.contains("relative to the menu's folder menus/"),
        "{err}"
    );

    // Read but broken: the error is in the intents file, and its help names the menu's line.
    common::write(
        dir.path(),
        "traffic/shop.intents.yaml",
        "intents:\n  balance: -1\n",
    );
    let err = sim(dir.path(), "menus/shop.yaml");
    assert!(err.contains("traffic/shop.intents.yaml:2:12"), "{err}");
    assert!(
        err.contains("this file is named by `traffic:` at menus/shop.yaml:11:10"),
        "{err}"
    );
    let lint = ivr_in(dir.path(), &["lint", "menus/shop.yaml"]);
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    assert!(
        one_line(&lint.stdout)
            .contains("this file is named by `traffic:` at menus/shop.yaml:11:10"),
        "{}",
        lint.stdout
    );
}

/// A walked folder's intents file is loaded once for the run, however many menus name it (and
/// whether the walk or a menu reaches it first): every menu is linted on it as when linted
/// alone, and a broken one is still reported in its own file.
#[test]
fn menus_sharing_an_intents_file_in_a_walk_each_get_it() {
    let dir = shop(true);
    let menu = std::fs::read_to_string(root().join("menus/tutorial.yaml")).unwrap();
    let intents = std::fs::read(root().join("menus/tutorial.intents.yaml")).unwrap();
    // Beside the menus, where the walk reaches it by the same path as the menus' `traffic:`,
    // and out of their folder (`menus/../traffic/...`).
    common::write(dir.path(), "menus/a.yaml", &menu);
    common::write(dir.path(), "menus/b.yaml", &menu);
    common::write(dir.path(), "menus/tutorial.intents.yaml", &intents);
    common::write(
        dir.path(),
        "menus/shop-copy.yaml",
        std::fs::read(dir.path().join("menus/shop.yaml")).unwrap(),
    );
    let diagnostics = |args: &[&str]| -> Vec<serde_json::Value> {
        let run = ivr_in(dir.path(), args);
        let mut found = run.json()["diagnostics"].as_array().unwrap().clone();
        found.sort_by_key(|d| d.to_string());
        found
    };
    let walked = diagnostics(&["lint", "--format", "json", "."]);
    let mut alone = Vec::new();
    for file in [
        "menus/plain.yaml",
        "menus/shop.yaml",
        "menus/shop-copy.yaml",
        "menus/a.yaml",
        "menus/b.yaml",
    ] {
        alone.extend(diagnostics(&["lint", "--format", "json", file]));
    }
    alone.sort_by_key(|d| d.to_string());
    assert_eq!(walked, alone);
    let in_intents = |d: &serde_json::Value| {
        d["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(".intents.yaml"))
    };
    assert!(!walked.iter().any(in_intents), "{walked:#?}");

    for file in ["traffic/shop.intents.yaml", "menus/tutorial.intents.yaml"] {
        common::write(dir.path(), file, "intents:\n  balance: -1\n");
    }
    let walked = ivr_in(dir.path(), &["lint", "--format", "json", "."]);
    assert_eq!(walked.code, Some(1), "{}", walked.stderr);
    // One error per place (the report keeps one of equal findings), in each broken file.
    let broken = walked.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| in_intents(d) && d["line"] == 2)
        .map(|d| d["file"].as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>();
    assert_eq!(
        broken,
        [
            "menus/../traffic/shop.intents.yaml",
            "menus/tutorial.intents.yaml",
            "traffic/shop.intents.yaml"
        ],
        "{}",
        walked.stdout
    );
}
