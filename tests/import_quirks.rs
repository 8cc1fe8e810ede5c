//! What real flows hold beyond the mapping table, across the platforms: Connect flow modules,
//! Windows line ends, documents that hand calls to each other or to themselves, and the round
//! trip (`ivr import` then `ivr lint` / `ivr sim` on its output finds and figures what the
//! platform file does; importing twice writes the same bytes).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::import::{figures, findings};
use common::{Ivr, ivr_in, root, scratch, write};

const FREESWITCH: &str = r#"<include>
  <menu name="main" greet-long="say:Press 1 for sales, 2 for help." timeout="5000" max-failures="2">
    <entry action="menu-exec-app" digits="1" param="transfer 2000 XML default"/>
    <entry action="menu-sub" digits="2" param="help"/>
  </menu>
  <menu name="help" greet-long="say:Press 9 to go back." max-failures="1" max-timeouts="1">
    <entry action="menu-back" digits="9"/>
  </menu>
</include>
"#;

const ASTERISK: &str = "[ivr]\nexten => s,1,Background(welcome)\n same => n,WaitExten(5)\nexten => 1,1,Queue(sales)\nexten => 2,1,Goto(help,s,1)\nexten => i,1,Playback(invalid)\n same => n,Goto(s,1)\n\n[help]\nexten => s,1,Playback(help)\n same => n,Hangup()\n";

/// Files written beside a flow, as (file name, text).
type Companions = Vec<(&'static str, String)>;

/// One small flow per platform, as (file name, text, companions); the VoiceXML one with the
/// document it hands calls to.
fn flows() -> Vec<(&'static str, String, Companions)> {
    let fixture = |path: &str| {
        std::fs::read_to_string(root().join("tests/fixtures/import").join(path)).unwrap()
    };
    vec![
        ("connect.json", fixture("connect/small.json"), vec![]),
        ("older.json", fixture("connect/older.json"), vec![]),
        ("twilio.json", fixture("twilio/small.json"), vec![]),
        ("genesys.yaml", fixture("genesys/decisions.yaml"), vec![]),
        ("freeswitch.xml", FREESWITCH.to_string(), vec![]),
        ("extensions.conf", ASTERISK.to_string(), vec![]),
        (
            "start.vxml",
            fixture("vxml/start.vxml"),
            vec![("voiceMenu.vxml", fixture("vxml/voiceMenu.vxml"))],
        ),
    ]
}

/// Writes a flow and its companions into `dir`; the flow's path.
fn placed(dir: &Path, name: &str, text: &str, companions: &[(&str, String)]) -> PathBuf {
    for (other, body) in companions {
        write(dir, other, body);
    }
    write(dir, name, text)
}

/// `rule line` of every finding of `ivr lint`, sorted.
fn finding_lines(dir: &Path, path: &str) -> Vec<String> {
    let mut found: Vec<String> =
        ivr_in(dir, &["lint", path, "--format", "json"]).json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["rule"], d["line"]))
            .collect();
    found.sort();
    found
}

#[test]
fn every_platform_round_trips_and_imports_to_the_same_bytes_twice() {
    for (name, text, companions) in flows() {
        let dir = scratch();
        placed(dir.path(), name, &text, &companions);
        let run = ivr_in(dir.path(), &["import", name, "-o", "out.yaml"]);
        assert!(run.success(), "{name}: {}", run.stderr);
        let first = std::fs::read(dir.path().join("out.yaml")).unwrap();
        let traffic = std::fs::read(dir.path().join("out.intents.yaml")).unwrap();
        assert!(ivr_in(dir.path(), &["import", name, "-o", "out.yaml"]).success());
        assert_eq!(
            first,
            std::fs::read(dir.path().join("out.yaml")).unwrap(),
            "{name}"
        );
        assert_eq!(
            traffic,
            std::fs::read(dir.path().join("out.intents.yaml")).unwrap(),
            "{name}"
        );
        assert_eq!(
            findings(dir.path(), name),
            findings(dir.path(), "out.yaml"),
            "{name}"
        );
        assert_eq!(
            figures(dir.path(), name),
            figures(dir.path(), "out.yaml"),
            "{name}"
        );
    }
}

#[test]
fn windows_line_ends_import_and_lint_like_unix_ones() {
    for (name, text, companions) in flows() {
        let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
        let (unix, windows) = (scratch(), scratch());
        placed(unix.path(), name, &text, &companions);
        placed(windows.path(), name, &crlf, &companions);
        let imported = |dir: &Path| {
            let run = ivr_in(dir, &["import", name]);
            assert!(run.success(), "{name}: {}", run.stderr);
            run.stdout
        };
        assert_eq!(imported(unix.path()), imported(windows.path()), "{name}");
        assert_eq!(
            finding_lines(unix.path(), name),
            finding_lines(windows.path(), name),
            "{name}"
        );
    }
}

#[test]
fn a_connect_flow_module_runs_and_comes_back() {
    let flow = r#"{
  "Version": "2019-10-30",
  "StartAction": "module",
  "Actions": [
    {
      "Identifier": "module",
      "Type": "InvokeFlowModule",
      "Parameters": { "FlowModuleId": "arn:aws:connect:eu-west-2:1:instance/x/flow-module/check-account" },
      "Transitions": { "NextAction": "queue", "Errors": [ { "NextAction": "sorry", "ErrorType": "NoMatchingError" } ] }
    },
    { "Identifier": "queue", "Type": "TransferContactToQueue", "Parameters": {}, "Transitions": {} },
    {
      "Identifier": "sorry",
      "Type": "MessageParticipant",
      "Parameters": { "Text": "Sorry, something went wrong." },
      "Transitions": { "NextAction": "bye" }
    },
    { "Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {} }
  ]
}
"#;
    let dir = scratch();
    write(dir.path(), "flow.json", flow);
    let run = ivr_in(dir.path(), &["import", "flow.json"]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "the flow module `check-account` runs here and comes back: what it does inside is not part of the import"
        ),
        "{}",
        run.stdout
    );
    // Calls go on to the queue; the error path keeps its blocks reachable, at share 0.
    assert!(run.stdout.contains("share: 0, to: sorry"), "{}", run.stdout);
    let found = findings(dir.path(), "flow.json");
    assert!(
        !found
            .iter()
            .any(|f| f.contains("unreachable-node") || f.contains("input-error")),
        "{found:?}"
    );
}

#[test]
fn voicexml_documents_that_hand_calls_to_each_other_or_themselves_end() {
    let dir = scratch();
    let goto = |next: &str| {
        format!(
            "<vxml version=\"2.1\">\n  <menu id=\"main\">\n    <prompt>Press 1 to go on, 2 for an agent.</prompt>\n    <choice dtmf=\"1\" next=\"{next}\"/>\n    <choice dtmf=\"2\" next=\"#agent\"/>\n  </menu>\n  <form id=\"agent\"><transfer dest=\"tel:+15550100\"/></form>\n</vxml>\n"
        )
    };
    write(dir.path(), "ping.vxml", goto("pong.vxml"));
    write(dir.path(), "pong.vxml", goto("ping.vxml"));
    write(dir.path(), "itself.vxml", goto("itself.vxml"));
    for name in ["ping.vxml", "itself.vxml"] {
        let lint = Ivr::new(&["lint", name, "--format", "json"])
            .current_dir(dir.path())
            .run_guarded(Duration::from_secs(60));
        assert!(
            !lint.stdout.contains("unknown-target") && !lint.stdout.contains("input-error"),
            "{name}: {}",
            lint.stdout
        );
        let sim = Ivr::new(&["sim", name, "--calls", "2000"])
            .current_dir(dir.path())
            .run_guarded(Duration::from_secs(60));
        assert!(sim.success(), "{name}: {}", sim.stderr);
    }
}
