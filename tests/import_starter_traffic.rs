//! A platform flow has no traffic, so `ivr lint` and `ivr sim` run it on starter traffic made
//! from the flow (one intent per transfer or self-service block a caller can reach). That
//! traffic is no file of the user's: every finding it leads to points into the flow itself.

mod common;

use common::import::findings;
use common::{ivr, root, scratch, write};

/// A Connect flow whose only transfer no block leads to: callers hear a message and are cut off.
const NO_WAY_TO_AN_AGENT: &str = r#"{
  "Version": "2019-10-30",
  "StartAction": "welcome",
  "Actions": [
    {
      "Identifier": "welcome",
      "Type": "MessageParticipant",
      "Parameters": { "Text": "Thanks for calling. Goodbye." },
      "Transitions": { "NextAction": "bye" }
    },
    {
      "Identifier": "bye",
      "Type": "DisconnectParticipant",
      "Parameters": {},
      "Transitions": {}
    },
    {
      "Identifier": "sales",
      "Type": "TransferContactToQueue",
      "Parameters": {},
      "Transitions": {}
    }
  ]
}
"#;

#[test]
fn findings_on_starter_traffic_point_into_the_flow() {
    let dir = scratch();
    let flow = write(dir.path(), "flow.json", NO_WAY_TO_AN_AGENT);
    let run = ivr(&["lint", flow.to_str().unwrap(), "--format", "json"]);
    let json = run.json();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .all(|d| !d["file"].as_str().unwrap().contains("starter traffic")),
        "{json:#}"
    );
    // No caller reaches a transfer: said once, at the flow's first block.
    let coverage: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["rule"] == "intent-coverage")
        .collect();
    assert_eq!(coverage.len(), 2, "{json:#}");
    let at_start = coverage
        .iter()
        .find(|d| d["message"] == "no reachable node serves intent `caller`")
        .expect("the placeholder intent is served by nothing");
    assert_eq!(
        (at_start["line"].as_u64(), at_start["column"].as_u64()),
        (Some(6), Some(21))
    );
    // The transfer no one reaches is reported where it is in the file.
    assert!(
        diagnostics
            .iter()
            .any(|d| d["rule"] == "unreachable-node" && d["line"] == 18),
        "{json:#}"
    );
}

#[test]
fn starter_traffic_has_an_intent_only_for_what_a_caller_can_reach() {
    let dir = scratch();
    let flow = write(dir.path(), "flow.json", NO_WAY_TO_AN_AGENT);
    let out = dir.path().join("flow.yaml");
    let run = ivr(&[
        "import",
        flow.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let traffic = std::fs::read_to_string(dir.path().join("flow.intents.yaml")).unwrap();
    let _snapshots = common::snapshot_folder("import_starter_traffic");
    insta::assert_snapshot!("nothing_reachable", traffic);
    // The imported menu, linted with the file `ivr import` wrote, finds the same.
    assert_eq!(
        findings(root(), flow.to_str().unwrap()),
        findings(root(), out.to_str().unwrap())
    );
}
