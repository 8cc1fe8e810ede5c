//! VoiceXML read as a menu: what each construct becomes (small documents in, `ivr import`'s
//! YAML out), findings at the XML file's own lines, the corpus of real documents, and hostile
//! files that must end in an input error, never a panic or a hang.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::import::imported_text;
use common::load::{Document, document, rendered};
use common::{Ivr, ivr, ivr_in, scratch, write};

const MENU: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <menu id="main">
    <prompt>Welcome. <break time="1s"/> Press 1 for billing or 2 for support.</prompt>
    <choice dtmf="1" next="#billing"/>
    <choice dtmf="2" next="#support"/>
    <choice next="#support">agent</choice>
    <noinput>Sorry, I did not hear you. <reprompt/></noinput>
    <nomatch count="1">That is not an option.</nomatch>
    <nomatch count="3"><goto next="#support"/></nomatch>
  </menu>
  <menu id="billing" dtmf="true">
    <prompt>Say or press: <enumerate/></prompt>
    <choice next="#balance">balance</choice>
    <choice next="#support">payments</choice>
    <choice dtmf="0" next="#main">main menu</choice>
    <noinput><exit/></noinput>
    <nomatch><disconnect/></nomatch>
  </menu>
  <form id="balance">
    <block>Your balance is ten dollars.</block>
  </form>
  <form id="support">
    <transfer name="agent" dest="tel:+18005550100">
      <prompt>Connecting you to an agent.</prompt>
    </transfer>
  </form>
</vxml>
"##;

#[test]
fn a_menu_and_its_choices_become_a_menu_and_its_options() {
    insta::assert_snapshot!(imported_text("main.vxml", MENU));
}

const FORM: &str = r##"<vxml version="2.1">
  <property name="timeout" value="7s"/>
  <form id="account">
    <field name="number" type="digits?length=6">
      <prompt>Enter your six digit account number.</prompt>
      <filled><goto next="#check"/></filled>
      <noinput count="1">Please enter it now.</noinput>
      <noinput count="2"><goto next="agent.vxml"/></noinput>
    </field>
  </form>
  <form id="check">
    <block>
      <prompt>Thank you.</prompt>
      <if cond="number == '123456'">
        <prompt>That account is closed.</prompt>
        <exit/>
      <elseif cond="number == '000000'"/>
        <goto next="other.vxml#start"/>
      <else/>
        <goto next="#pick"/>
      </if>
    </block>
  </form>
  <form id="pick">
    <field name="choice">
      <prompt>Press 1 to pay, 2 to hear your balance.</prompt>
      <option dtmf="1" value="pay">pay</option>
      <option dtmf="2" value="hear">balance</option>
      <grammar mode="dtmf" type="application/srgs+xml" src="pick.grxml"/>
    </field>
    <block><audio src="sounds/goodbye.wav"/></block>
  </form>
</vxml>
"##;

#[test]
fn forms_fields_ifs_and_other_documents_become_inputs_decisions_and_flows() {
    insta::assert_snapshot!(imported_text("account.vxml", FORM));
}

/// The loaded model, for checks on what the YAML does not show (spans).
fn menu_of(name: &str, text: &str) -> ivr::menu::Menu {
    match document(name, text) {
        Ok(Document::Menu(menu)) => *menu,
        Ok(other) => panic!("not a menu: {other:?}"),
        Err(e) => panic!("{}", rendered(&e)),
    }
}

#[test]
fn implicit_numbering_skips_choices_with_their_own_key() {
    let menu = menu_of("main.vxml", MENU);
    let billing = menu.nodes.iter().find(|n| n.id.value == "billing").unwrap();
    let keys: Vec<_> = billing
        .options
        .iter()
        .map(|o| o.key.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(keys, ["1", "2", "0"]);
}

#[test]
fn handlers_map_to_retries_and_where_the_call_goes() {
    let menu = menu_of("main.vxml", MENU);
    let main = menu.nodes.iter().find(|n| n.id.value == "main").unwrap();
    // A reprompting <noinput> loops without end: the format's most retries.
    let no_input = main.on_no_input.as_ref().unwrap();
    assert_eq!(no_input.retries.as_ref().unwrap().value, 20);
    assert!(no_input.then.is_none());
    // <nomatch count="3"> leaves: two retries, then support.
    let invalid = main.on_invalid.as_ref().unwrap();
    assert_eq!(invalid.retries.as_ref().unwrap().value, 2);
    assert_eq!(invalid.then.as_ref().unwrap().value, "support");
    assert_eq!(
        invalid.say.as_ref().unwrap().value,
        "That is not an option."
    );
}

#[test]
fn findings_point_at_the_xml_files_own_lines() {
    let dir = scratch();
    let text = MENU.replace("next=\"#balance\"", "next=\"#balanse\"");
    write(dir.path(), "main.vxml", &text);
    let run = ivr_in(dir.path(), &["lint", "main.vxml", "--format", "json"]);
    let report = run.json();
    let finding = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "unknown-target")
        .unwrap_or_else(|| panic!("no unknown-target: {report}"));
    let line = text.lines().position(|l| l.contains("#balanse")).unwrap() + 1;
    assert_eq!(finding["line"], line, "{finding}");
}

#[test]
fn a_goto_to_another_document_is_linted_and_simulated_with_it() {
    let dir = scratch();
    write(
        dir.path(),
        "start.vxml",
        MENU.replace("#support", "agent.vxml"),
    );
    write(
        dir.path(),
        "agent.vxml",
        r#"<vxml version="2.1"><form><transfer dest="sales"/></form></vxml>"#,
    );
    let lint = ivr_in(dir.path(), &["lint", "start.vxml"]);
    assert!(!lint.stdout.contains("unknown-target"), "{}", lint.stdout);
    let sim = ivr_in(dir.path(), &["sim", "start.vxml", "--calls", "2000"]);
    assert!(sim.success(), "{}", sim.stderr);
    // With the other document missing, the hand-off is an error.
    std::fs::remove_file(dir.path().join("agent.vxml")).unwrap();
    let sim = ivr_in(dir.path(), &["sim", "start.vxml", "--calls", "2000"]);
    assert_eq!(sim.code, Some(2), "{}", sim.stderr);
    assert!(sim.stderr.contains("agent.vxml"), "{}", sim.stderr);
}

#[test]
fn a_folder_walk_reads_voicexml_and_skips_other_xml() {
    let dir = scratch();
    write(dir.path(), "ivr/main.vxml", MENU);
    write(
        dir.path(),
        "ivr/pom.xml",
        "<project><modelVersion>4</modelVersion></project>",
    );
    write(dir.path(), "ivr/odd.conf", "this is: not [a dialplan\n");
    let run = ivr_in(dir.path(), &["lint", "ivr", "--format", "json"]);
    let report = run.json();
    let files: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("main.vxml")), "{report}");
    assert!(
        !files
            .iter()
            .any(|f| f.ends_with("pom.xml") || f.ends_with("odd.conf")),
        "{report}"
    );
}

/// Runs `ivr ARGS` under a hang guard.
fn guarded(dir: &Path, args: &[&str]) -> common::Run {
    Ivr::new(args)
        .current_dir(dir)
        .run_guarded(Duration::from_secs(20))
}

#[test]
fn a_truncated_document_is_an_input_error_at_its_end() {
    let dir = scratch();
    let cut = &MENU[..MENU.find("<form id=\"support\">").unwrap() + 10];
    write(dir.path(), "cut.vxml", cut);
    let run = guarded(dir.path(), &["sim", "cut.vxml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let last_line = cut.lines().count();
    assert!(
        run.stderr.contains(&format!("cut.vxml:{last_line}:")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not well-formed XML"), "{}", run.stderr);
}

#[test]
fn an_entity_bomb_is_an_input_error_not_a_hang() {
    let mut entities = String::from("<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let previous = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        entities.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    let text = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE vxml [\n{entities}]>\n<vxml version=\"2.1\"><form><block>&lol9;</block></form></vxml>\n"
    );
    let dir = scratch();
    write(dir.path(), "bomb.vxml", text);
    let run = guarded(dir.path(), &["sim", "bomb.vxml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("entity"), "{}", run.stderr);
}

#[test]
fn fifty_thousand_nested_elements_do_not_overflow_the_stack() {
    let text = format!(
        "<vxml version=\"2.1\"><form><block>{}Hello{}</block></form></vxml>",
        "<prompt>".repeat(50_000),
        "</prompt>".repeat(50_000)
    );
    let dir = scratch();
    write(dir.path(), "deep.vxml", text);
    let run = guarded(dir.path(), &["import", "deep.vxml"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stdout.contains("say: Hello") || run.stdout.contains("say: \"Hello\""));
}

#[test]
fn unknown_elements_are_approximations() {
    let text = r#"<vxml version="2.1">
  <frobnicate/>
  <form id="f">
    <record name="msg"><prompt>Leave a message.</prompt></record>
    <widget/>
    <block>Bye.</block>
  </form>
</vxml>"#;
    let dir = scratch();
    write(dir.path(), "odd.vxml", text);
    let run = ivr_in(dir.path(), &["import", "odd.vxml"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("`<frobnicate>` is left out"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`<widget>`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`<record>`: a recording"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_document_with_another_root_is_an_input_error_with_from() {
    let dir = scratch();
    write(dir.path(), "x.xml", "<html><body/></html>");
    let run = ivr_in(dir.path(), &["import", "x.xml", "--from", "vxml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("not `<vxml>`"), "{}", run.stderr);
}

/// The corpus of real VoiceXML documents, when the shared folder is there.
fn corpus() -> Option<PathBuf> {
    ["/work/shared/corpus/voicexml", "../shared/corpus/voicexml"]
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
    // start.vxml hands over to voiceMenu.vxml by that name: the corpus files are copied under
    // their upstream names.
    let dir = scratch();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let upstream = file.rsplit('-').next().unwrap().to_string();
        std::fs::copy(&path, dir.path().join(&upstream)).unwrap();
        names.push(upstream);
    }
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for name in &names {
        let import = ivr_in(dir.path(), &["import", name]);
        assert!(import.success(), "import {name}: {}", import.stderr);
        let lint = ivr_in(dir.path(), &["lint", name]);
        assert!(
            !lint.stdout.contains("input-error") && !lint.stderr.contains("input-error"),
            "lint {name}: {}",
            lint.stdout
        );
        let sim = ivr_in(dir.path(), &["sim", name, "--calls", "2000"]);
        assert!(sim.success(), "sim {name}: {}", sim.stderr);
    }
}

#[test]
fn the_starter_traffic_names_the_leaves_and_sim_says_it_used_it() {
    let dir = scratch();
    write(dir.path(), "main.vxml", MENU);
    let run = ivr(&[
        "sim",
        dir.path().join("main.vxml").to_str().unwrap(),
        "--calls",
        "2000",
    ]);
    assert!(run.success(), "{}", run.stderr);
    assert!(run.stdout.contains("balance"), "{}", run.stdout);
    assert!(run.stdout.contains("agent"), "{}", run.stdout);
}

/// Two real documents (MIT, see tests/fixtures/import/vxml/README.md): the first hands over
/// to the second by a `<goto>` to its file name.
#[test]
fn real_documents_hand_over_to_each_other() {
    let dir = common::root().join("tests/fixtures/import/vxml");
    let lint = ivr(&[
        "lint",
        dir.join("start.vxml").to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    let rules: Vec<&str> = lint["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"unknown-target"), "{lint}");
    assert!(!rules.contains(&"input-error"), "{lint}");
    let sim = ivr(&[
        "sim",
        dir.join("start.vxml").to_str().unwrap(),
        "--calls",
        "2000",
    ]);
    assert!(sim.success(), "{}", sim.stderr);
    assert!(sim.stdout.contains("say_goodbye"), "{}", sim.stdout);
}
