//! The intents file a menu names with `traffic:` is found, and reported, the same way by every
//! command: relative to the menu file, and a file that cannot be read is an error at `traffic:`.

use std::path::Path;
use std::process::{Command, Output};

fn ivr(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ivr"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ivr")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A folder with `menus/shop.yaml` naming `../traffic/shop.intents.yaml` (which may be missing)
/// and `menus/plain.yaml` naming no traffic.
fn shop(with_intents: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("menus");
    let menu = std::fs::read_to_string(root.join("tutorial.yaml")).expect("tutorial menu");
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
    std::fs::create_dir_all(dir.path().join("menus")).unwrap();
    std::fs::create_dir_all(dir.path().join("traffic")).unwrap();
    std::fs::write(dir.path().join("menus/shop.yaml"), named).unwrap();
    std::fs::write(dir.path().join("menus/plain.yaml"), plain).unwrap();
    if with_intents {
        std::fs::copy(
            root.join("tutorial.intents.yaml"),
            dir.path().join("traffic/shop.intents.yaml"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn traffic_is_relative_to_the_menu_for_every_command() {
    let dir = shop(true);
    let lint = ivr(dir.path(), &["lint", "menus/shop.yaml"]);
    assert_eq!(lint.status.code(), Some(0), "{}", stderr(&lint));
    let sim = ivr(dir.path(), &["sim", "menus/shop.yaml", "--calls", "200"]);
    assert_eq!(sim.status.code(), Some(0), "{}", stderr(&sim));
    // One menu naming traffic is enough for both.
    for pair in [
        ["menus/shop.yaml", "menus/plain.yaml"],
        ["menus/plain.yaml", "menus/shop.yaml"],
    ] {
        let compare = ivr(dir.path(), &["compare", pair[0], pair[1], "--calls", "200"]);
        assert_eq!(
            compare.status.code(),
            Some(0),
            "{pair:?}: {}",
            stderr(&compare)
        );
    }
}

#[test]
fn a_missing_traffic_file_is_reported_at_traffic_by_every_command() {
    let dir = shop(false);
    let runs = [
        ivr(dir.path(), &["lint", "menus/shop.yaml"]),
        ivr(dir.path(), &["sim", "menus/shop.yaml", "--calls", "200"]),
        ivr(
            dir.path(),
            &[
                "compare",
                "menus/plain.yaml",
                "menus/shop.yaml",
                "--calls",
                "200",
            ],
        ),
    ];
    for (run, shown) in runs.iter().zip(["lint", "sim", "compare"]) {
        let text = match shown {
            // lint reports it among the findings on stdout, and goes on.
            "lint" => String::from_utf8_lossy(&run.stdout).into_owned(),
            _ => stderr(run),
        };
        let expected_code = if shown == "lint" { 1 } else { 2 };
        assert_eq!(run.status.code(), Some(expected_code), "{shown}: {text}");
        assert!(
            text.contains("`traffic` names menus/../traffic/shop.intents.yaml")
                && text.contains("menus/shop.yaml:11:10")
                && text.contains("cannot read this intents file"),
            "{shown}:\n{text}"
        );
    }
}
