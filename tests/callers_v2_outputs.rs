//! Where the figures of callers as they are show up beyond `ivr sim`: the `confused` share and
//! what speech nodes heard in sweeps (`--vary`), in `ivr compare` and in the HTML pages, only
//! when the menu and its traffic use them (version-1 outputs keep their columns).
//!
//! The bank of docs/calibration/: nine options for callers of whom 40% are first-time callers
//! who may be confused (`confusion: 0.05`), and the same services behind a speech node.

mod common;

use common::{ivr, scratch};

const NINE: &str = "docs/calibration/nine-options.yaml";
const SPEECH: &str = "docs/calibration/speech-front.yaml";

fn stdout(args: &[&str]) -> String {
    let run = ivr(args);
    assert!(run.success(), "ivr {args:?}: {}", run.stderr);
    run.stdout
}

#[test]
fn a_sweep_of_the_confusion_rate_shows_the_confused_share_at_every_point() {
    let _snapshots = common::snapshot_folder("callers_v2");
    let args = ["sim", NINE, "--exact", "--vary", "callers.confusion=0..0.3"];
    // At 0 nobody can be confused (the varied rate applies to both caller groups): 0.0%.
    insta::assert_snapshot!("sweep_confusion_human", stdout(&args));
    let mut markdown = args.to_vec();
    markdown.extend(["--format", "markdown"]);
    insta::assert_snapshot!("sweep_confusion_markdown", stdout(&markdown));
    // Every CSV row has the header's columns, the first point too (it has no confusion).
    let mut csv = args.to_vec();
    csv.extend(["--format", "csv"]);
    let csv = stdout(&csv);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let column = rows[0].iter().position(|&c| c == "confused").unwrap();
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{csv}");
    assert_eq!(rows[1][column], "0", "{csv}");
    let shares: Vec<f64> = rows[1..]
        .iter()
        .map(|r| r[column].parse().unwrap())
        .collect();
    assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
}

#[test]
fn a_sweep_of_a_speech_nodes_accuracy_shows_what_it_heard() {
    let _snapshots = common::snapshot_folder("callers_v2");
    // Of the attempts not rejected (90%), the accuracy is recognised: 0.9 a, and the rest
    // misrecognised, at every point.
    insta::assert_snapshot!(
        "sweep_accuracy_human",
        stdout(&[
            "sim",
            SPEECH,
            "--exact",
            "--vary",
            "nodes.front.accuracy=0.8..0.95:0.05",
        ])
    );
}

#[test]
fn a_sweep_without_confusion_or_speech_keeps_its_columns() {
    let table = stdout(&[
        "sim",
        "menus/retail-bank.yaml",
        "--exact",
        "--vary",
        "callers.mistake_rate=0.05,0.1",
    ]);
    let header = table.lines().nth(2).unwrap();
    assert!(header.ends_with("inputs  time s  time p90"), "{table}");
}

#[test]
fn compare_shows_the_confused_share_and_the_speech_figures() {
    let _snapshots = common::snapshot_folder("callers_v2");
    let args = ["compare", NINE, SPEECH, "--exact"];
    let human = stdout(&args);
    insta::assert_snapshot!(
        "compare_human",
        human.split("\n\n").take(3).collect::<Vec<_>>().join("\n\n")
    );
    let mut markdown = args.to_vec();
    markdown.extend(["--format", "markdown"]);
    let markdown = stdout(&markdown);
    insta::assert_snapshot!(
        "compare_markdown",
        markdown.split("#### Intent").next().unwrap()
    );
}

#[test]
fn compare_pairs_the_confused_calls() {
    let run = ivr(&[
        "compare", NINE, SPEECH, "--calls", "20000", "--seed", "4", "--format", "json",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let json = run.json();
    let a = json["a"]["overall"]["confused"].as_f64().unwrap();
    // The speech front end has no menu of three options to be confused at: nobody is.
    assert_eq!(json["b"]["overall"]["confused"], 0.0);
    let d = &json["diff"]["overall"]["confused"];
    assert!((d["diff"].as_f64().unwrap() + a).abs() < 1e-12, "{d}");
    let (lo, hi) = (
        d["ci95"][0].as_f64().unwrap(),
        d["ci95"][1].as_f64().unwrap(),
    );
    assert!(lo < -a && -a < hi && hi < 0.0, "{d}");
    assert_eq!(d["significant"], true);
    // Speech: no interval (the attempts are not the calls), B's figures minus none.
    let heard = &json["diff"]["overall"]["speech"];
    let b = &json["b"]["overall"]["speech"];
    for figure in ["attempts", "recognised", "rejected", "misrecognised"] {
        assert_eq!(heard[figure]["diff"], b[figure], "{figure}");
        assert!(heard[figure]["ci95"].is_null());
    }
    // Menus that use neither: no such differences.
    let plain = ivr(&[
        "compare",
        "menus/tutorial.yaml",
        "menus/tutorial.yaml",
        "--exact",
        "--format",
        "json",
    ])
    .json();
    assert!(plain["diff"]["overall"].get("confused").is_none());
    assert!(plain["diff"]["overall"].get("speech").is_none());
}

/// The text of the element with this id, tags dropped and spaces squeezed.
fn table_text(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = start + page[start..].find("</table>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in page[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_report_page_has_the_confused_share_the_caller_groups_and_the_speech_nodes() {
    let dir = scratch();
    let page = dir.path().join("speech.html");
    let run = ivr(&[
        "report",
        SPEECH,
        "--calls",
        "3000",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let intents = table_text(&html, "intents");
    assert!(intents.contains("mean time (s) confused"), "{intents}");
    let groups = table_text(&html, "caller-groups");
    assert!(
        groups.starts_with("id=\"caller-groups\" caller group share of calls"),
        "{groups}"
    );
    assert!(
        groups.contains(" regular ") && groups.contains(" first_time "),
        "{groups}"
    );
    let speech = table_text(&html, "speech");
    assert!(
        speech.contains(
            "scope spoken attempts per call recognised asked to repeat misrecognised all calls"
        ),
        "{speech}"
    );
    // A menu without groups, confusions or speech: none of it.
    let plain = dir.path().join("plain.html");
    let run = ivr(&[
        "report",
        "menus/tutorial.yaml",
        "--calls",
        "2000",
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let html = std::fs::read_to_string(&plain).unwrap();
    assert!(!table_text(&html, "intents").contains("confused"));
    assert!(!html.contains("id=\"caller-groups\"") && !html.contains("id=\"speech\""));
}

#[test]
fn the_vary_and_compare_pages_have_the_confused_share() {
    let dir = scratch();
    let vary = dir.path().join("vary.html");
    let run = ivr(&[
        "sim",
        NINE,
        "--exact",
        "--vary",
        "callers.confusion=0..0.3",
        "--format",
        "html",
        "-o",
        vary.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let html = std::fs::read_to_string(&vary).unwrap();
    assert!(html.contains("id=\"chart-confused\""));
    let points = table_text(&html, "sweep");
    assert!(points.contains("Followed a confusion 0 "), "{points}");
    assert!(points.contains(" 0.0% 0.075 "), "{points}");
    let compare = dir.path().join("compare.html");
    let run = ivr(&[
        "compare",
        NINE,
        SPEECH,
        "--exact",
        "--format",
        "html",
        "-o",
        compare.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let html = std::fs::read_to_string(&compare).unwrap();
    let overall = table_text(&html, "overall-differences");
    assert!(
        overall.contains("Followed a confusion (share of calls) 2.1% 0.0% -2.1 pp"),
        "{overall}"
    );
    assert!(
        overall.contains("Speech attempts misrecognised 0.0% 9.0% +9.0 pp"),
        "{overall}"
    );
    assert!(table_text(&html, "intent-differences").contains("confused B − A"));
}
