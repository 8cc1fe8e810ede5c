//! FreeSWITCH IVR menus read as a menu: what each entry action becomes (small files in,
//! `ivr import`'s YAML out), findings at the XML file's lines, the corpus, and hostile files.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::import::imported_text;
use common::{Ivr, ivr_in, scratch, write};

const IVR: &str = r#"<include>
  <menu name="main"
      greet-long="say:Press 1 for sales, 2 for support, 3 for hours, 4 for news, 0 to leave."
      invalid-sound="ivr/ivr-that_was_an_invalid_entry.wav"
      timeout="8000"
      max-failures="3"
      max-timeouts="2">
    <entry action="menu-exec-app" digits="1" param="transfer 2000 XML default"/>
    <entry action="menu-sub" digits="2" param="support"/>
    <entry action="menu-play-sound" digits="3" param="say:We are open nine to five."/>
    <entry action="menu-exec-app" digits="4" param="playback news/today.wav"/>
    <entry action="menu-exec-app" digits="5" param="bridge sofia/gateway/agents/1001"/>
    <entry action="menu-exit" digits="0"/>
    <entry action="menu-exec-app" digits="/^(1[0-9]{3})$/" param="transfer $1 XML default"/>
    <entry action="menu-top" digits="9"/>
  </menu>
  <menu name="support" greet-long="phrase:support_menu" max-failures="1">
    <entry action="menu-exec-app" digits="1" param="voicemail default $${domain} 3000"/>
    <entry action="menu-back" digits="*"/>
    <blink/>
  </menu>
</include>
"#;

#[test]
fn menus_and_entries_become_menus_and_options() {
    insta::assert_snapshot!(imported_text("main.xml", IVR));
}

#[test]
fn the_older_configuration_layout_is_read_too() {
    let text = format!(
        "<configuration name=\"ivr.conf\" description=\"IVR menus\">\n<menus>\n{}\n</menus>\n</configuration>\n",
        IVR.trim_start_matches("<include>")
            .trim_end()
            .trim_end_matches("</include>")
    );
    let out = imported_text("ivr.conf.xml", &text);
    assert!(out.contains("entry: main"), "{out}");
    assert!(out.contains("queue: \"2000\""), "{out}");
}

#[test]
fn findings_point_at_the_xml_files_own_lines() {
    let dir = scratch();
    let text = IVR.replace("param=\"support\"", "param=\"suport\"");
    write(dir.path(), "main.xml", &text);
    let report = ivr_in(dir.path(), &["lint", "main.xml", "--format", "json"]).json();
    let finding = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unknown-target")
        .unwrap_or_else(|| panic!("no unknown-target: {report}"));
    let line = text.lines().position(|l| l.contains("suport")).unwrap() + 1;
    assert_eq!(finding["line"], line, "{finding}");
}

#[test]
fn a_folder_walk_reads_menus_and_skips_phrase_files() {
    let dir = scratch();
    write(dir.path(), "conf/ivr_menus/main.xml", IVR);
    write(
        dir.path(),
        "conf/lang/en/demo.xml",
        "<include>\n  <macro name=\"support_menu\"><input pattern=\"(.*)\"><match><action function=\"play-file\" data=\"a.wav\"/></match></input></macro>\n</include>\n",
    );
    let report = ivr_in(dir.path(), &["lint", "conf", "--format", "json"]).json();
    assert_eq!(report["files"], 1, "{report}");
    let sim = ivr_in(
        dir.path(),
        &["sim", "conf/ivr_menus/main.xml", "--calls", "2000"],
    );
    assert!(sim.success(), "{}", sim.stderr);
}

#[test]
fn hostile_files_are_input_errors_not_panics_or_hangs() {
    let dir = scratch();
    let cut = &IVR[..IVR.find("<menu name=\"support\"").unwrap() + 12];
    write(dir.path(), "cut.xml", cut);
    let run = Ivr::new(&["sim", "cut.xml"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(20));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("not well-formed XML"), "{}", run.stderr);

    let deep = format!(
        "<include><menu name=\"m\" greet-long=\"say:hi\">{}{}<entry action=\"menu-exit\" digits=\"1\"/></menu></include>",
        "<x>".repeat(50_000),
        "</x>".repeat(50_000)
    );
    write(dir.path(), "deep.xml", deep);
    let run = Ivr::new(&["import", "deep.xml"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(20));
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stderr.contains("`<x>` is left out"), "{}", run.stderr);

    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE include [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n]>\n<include><menu name=\"m\" greet-long=\"say:&e;\"/></include>\n";
    write(dir.path(), "bomb.xml", bomb);
    let run = Ivr::new(&["sim", "bomb.xml"])
        .current_dir(dir.path())
        .run_guarded(Duration::from_secs(20));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

fn corpus() -> Option<PathBuf> {
    [
        "/work/shared/corpus/freeswitch",
        "../shared/corpus/freeswitch",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_dir())
}

#[test]
fn the_corpus_imports_lints_and_simulates_without_an_input_error() {
    let Some(folder) = corpus() else {
        eprintln!("note: no shared corpus (/work/shared or ../shared): corpus test skipped");
        return;
    };
    let dir = scratch();
    let mut menus = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&path, dir.path().join(&name)).unwrap();
        // The phrase-macro file holds no menu: a walk skips it.
        if name.contains("lang-en") {
            continue;
        }
        menus += 1;
        let import = ivr_in(dir.path(), &["import", &name]);
        assert!(import.success(), "import {name}: {}", import.stderr);
        let lint = ivr_in(dir.path(), &["lint", &name]);
        assert!(!lint.stdout.contains("input-error"), "{}", lint.stdout);
        let sim = ivr_in(dir.path(), &["sim", &name, "--calls", "2000"]);
        assert!(sim.success(), "sim {name}: {}", sim.stderr);
    }
    assert!(menus >= 3);
    let report = ivr_in(dir.path(), &["lint", ".", "--format", "json"]).json();
    assert_eq!(report["files"], menus, "{report}");
}

const PHRASES: &str = r#"<include>
  <macro name="support_menu" pause="100">
    <input pattern="(.*)">
      <match>
        <action function="play-file" data="ivr/ivr-for_voicemail.wav"/>
        <action function="play-file" data="silence_stream://500"/>
        <action function="speak-text" data="press one"/>
        <action function="phrase" data="go_back"/>
      </match>
    </input>
  </macro>
  <macro name="go_back">
    <input pattern="(.*)"><match><action function="play-file" data="ivr/ivr-star_to_go_back.wav"/></match></input>
  </macro>
</include>
"#;

#[test]
fn phrase_macros_are_read_from_the_language_files() {
    // FreeSWITCH's own layout, in a repository: menus in conf/ivr_menus, macros under
    // conf/lang (files outside the menu's repository are never read).
    let dir = scratch();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "conf/ivr_menus/main.xml", IVR);
    write(dir.path(), "conf/lang/en/demo/demo-ivr.xml", PHRASES);
    let menu_dir = dir.path().join("conf/ivr_menus");
    let run = ivr_in(&menu_dir, &["import", "main.xml"]);
    assert!(run.success(), "{}", run.stderr);
    let support = run.stdout.split("  support:\n").nth(1).unwrap();
    // Two sound files of 3 s, half a second of silence and "press one" (0.8 s at the default
    // speaking rate).
    assert!(
        support.contains(
            "say: \"[ivr-for_voicemail.wav] press one [ivr-star_to_go_back.wav]\"\n    duration: 7.3"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "the phrase macro `support_menu` (demo-ivr.xml:2) plays 2 sound files: 3 s each"
        ),
        "{}",
        run.stdout
    );
    // The menu file linted and simulated directly gives what its import gives.
    let out = ivr_in(&menu_dir, &["import", "main.xml", "-o", "main.yaml"]);
    assert!(out.success(), "{}", out.stderr);
    let figures = |path: &str| {
        let run = ivr_in(&menu_dir, &["sim", path, "--exact", "--format", "json"]);
        assert!(run.success(), "{path}: {}", run.stderr);
        run.json()["overall"].clone()
    };
    assert_eq!(figures("main.xml"), figures("main.yaml"));
}

#[test]
fn a_phrase_file_beside_the_menu_is_read_and_a_missing_macro_is_listed() {
    let dir = scratch();
    write(dir.path(), "phrases.xml", PHRASES);
    let beside = imported_in(dir.path(), "main.xml", IVR);
    assert!(beside.contains("press one"), "{beside}");
    let alone = imported_text("main.xml", IVR);
    assert!(alone.contains("say: \"[support_menu]\""), "{alone}");
    assert!(
        alone.contains(
            "the phrase macro `support_menu` is defined in no language file beside the menu"
        ),
        "{alone}"
    );
}

fn imported_in(dir: &std::path::Path, name: &str, text: &str) -> String {
    write(dir, name, text);
    let run = ivr_in(dir, &["import", name]);
    assert!(run.success(), "{}", run.stderr);
    run.stdout
}
