//! What `ivr lint` does with what it meets walking a folder: nothing is skipped silently. A
//! folder it cannot read is an `input-error` finding; a symbolic link to nothing, one that
//! loops or one that leads out of the repository is skipped with a warning on stderr; an empty
//! YAML file is skipped with a note, like any other YAML file that is not a menu (named on the
//! command line, it is an input error). These used to pass with exit code 0 and not a word.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::Ivr;

/// A menu with one finding (`lost` cannot be reached), so a linted menu shows in the output.
const MENU: &str = "menu: Small\nentry: main\nnodes:\n  main:\n    say: Welcome.\n    options:\n      - { key: \"0\", say: \"For an agent, press 0.\", to: agent }\n  agent: { type: transfer, queue: general, serves: [\"*\"] }\n  lost: { type: hangup }\n";

/// A repository (a folder with `.git`) holding `menus/main.yaml`.
fn repository() -> tempfile::TempDir {
    let dir = common::scratch();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    common::write(dir.path(), "menus/main.yaml", MENU);
    dir
}

fn lint(dir: &Path) -> common::Run {
    common::ivr_in(dir, &["lint", "--format", "concise", "."])
}

#[test]
fn a_dangling_symbolic_link_is_skipped_with_a_warning() {
    let dir = repository();
    symlink("gone.yaml", dir.path().join("menus/billing.yaml")).unwrap();
    let run = lint(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: skipped menus/billing.yaml: a symbolic link to gone.yaml, which does not exist"
        ),
        "{}",
        run.stderr
    );
    // The other menu is still linted.
    assert!(run.stdout.contains("menus/main.yaml:9:3"), "{}", run.stdout);
}

#[test]
fn a_looping_symbolic_link_is_skipped_with_a_warning() {
    let dir = repository();
    symlink("self.yaml", dir.path().join("menus/self.yaml")).unwrap();
    symlink("pong.yaml", dir.path().join("menus/ping.yaml")).unwrap();
    symlink("ping.yaml", dir.path().join("menus/pong.yaml")).unwrap();
    let run = lint(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for name in ["self", "ping", "pong"] {
        assert!(
            run.stderr.contains(&format!(
                "warning: skipped menus/{name}.yaml: a symbolic link that loops"
            )),
            "{name}: {}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("menus/main.yaml:9:3"), "{}", run.stdout);
}

#[test]
fn a_link_to_a_menu_in_the_repository_is_linted_under_its_own_name() {
    let dir = repository();
    symlink("main.yaml", dir.path().join("menus/copy.yaml")).unwrap();
    let run = lint(dir.path());
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(run.stdout.contains("menus/copy.yaml:9:3"), "{}", run.stdout);
    assert!(run.stdout.contains("menus/main.yaml:9:3"), "{}", run.stdout);
}

#[test]
fn a_link_out_of_the_repository_is_not_read() {
    let outside = common::scratch();
    common::write(outside.path(), "secret.yaml", "token: [hunter2\n");
    let dir = repository();
    symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("menus/secret.yaml"),
    )
    .unwrap();
    let run = lint(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: skipped menus/secret.yaml: a symbolic link to"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("outside the repository"),
        "{}",
        run.stderr
    );
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(!output.contains("hunter2"), "{output}");
}

#[test]
fn an_empty_yaml_file_in_a_walk_is_skipped_with_a_note_like_other_yaml() {
    let dir = repository();
    common::write(dir.path(), "menus/empty.yaml", "");
    common::write(dir.path(), "menus/comments.yaml", "# to do\r# later\r");
    common::write(dir.path(), "menus/compose.yml", "services: {}\n");
    let run = lint(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for note in [
        "note: skipped menus/empty.yaml: the file is empty; not a menu or intents file",
        "note: skipped menus/comments.yaml: the file holds only comments; not a menu or intents file",
        "note: skipped menus/compose.yml: not a menu or intents file",
    ] {
        assert!(run.stderr.contains(note), "{note}: {}", run.stderr);
    }
    assert!(run.stdout.contains("Linted 1 file"), "{}", run.stdout);
    // Named, an empty file is an input error.
    let named = common::ivr_in(
        dir.path(),
        &["lint", "--format", "concise", "menus/empty.yaml"],
    );
    assert_eq!(named.code, Some(1), "{}", named.stderr);
    assert!(
        named
            .stdout
            .contains("menus/empty.yaml:1:1: error[input-error] the file is empty"),
        "{}",
        named.stdout
    );
}

/// A menu starting with a comment line ended by a lone `\r` is not "only comments".
#[test]
fn a_menu_after_a_comment_ended_by_a_lone_carriage_return_is_linted() {
    let dir = common::scratch();
    common::write(
        dir.path(),
        "old.yaml",
        MENU.replace('\n', "\r")
            .replacen("menu:", "# Old Mac file\rmenu:", 1),
    );
    let run = lint(dir.path());
    assert!(
        run.stdout.contains("old.yaml:10:3"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// How to run `ivr` so that a folder with no permissions cannot be read: directly when this
/// process cannot read one either, else (as root, which reads anything) through `setpriv`
/// without the capabilities that override file permissions. `None` when neither works here.
fn without_permission_override(locked: &Path) -> Option<Vec<&'static str>> {
    if std::fs::read_dir(locked).is_err() {
        return Some(Vec::new());
    }
    let setpriv = [
        "setpriv",
        "--bounding-set=-dac_override,-dac_read_search",
        "--inh-caps=-all",
    ];
    let works = std::process::Command::new(setpriv[0])
        .args(&setpriv[1..])
        .args(["ls", locked.to_str()?])
        .output()
        .is_ok_and(|o| !o.status.success());
    works.then(|| setpriv.to_vec())
}

/// The mapping of the walk's error to a finding is also tested in `src/commands/lint.rs`
/// (`an_unreadable_folder_is_an_input_error`), which runs everywhere; this runs the binary when
/// the machine lets a test lock a folder.
#[test]
fn an_unreadable_folder_is_an_input_error_finding() {
    let dir = repository();
    common::write(dir.path(), "menus/locked/hidden.yaml", MENU);
    let locked = dir.path().join("menus/locked");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let Some(through) = without_permission_override(&locked) else {
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        eprintln!("skipped: this machine cannot make a folder unreadable to the test");
        return;
    };
    let run = Ivr::new(&["lint", "--format", "concise", "."])
        .current_dir(dir.path())
        .through(&through)
        .run();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "menus/locked:1:1: error[input-error] cannot read the folder: permission denied"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("menus/main.yaml:9:3"), "{}", run.stdout);
}
