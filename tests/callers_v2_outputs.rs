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
    let groups = table_text(&html, "group-differences");
    assert!(groups.contains(" caller group share of calls "), "{groups}");
    assert!(groups.contains(" first_time 40.0% "), "{groups}");
}

/// One option serves x, the other hangs up: a caller's slip (`mistake_rate`) is the share
/// left unresolved, exactly.
const ONE_OR_BYE: &str = r#"
menu: One or bye
entry: m
nodes:
  m:
    say: For one press 1. To leave press 2.
    options:
      - { key: "1", say: "One", to: done }
      - { key: "2", say: "Bye", to: bye }
  done: { type: self_service, serves: [x] }
  bye: { type: hangup }
"#;

const TWO_GROUPS: &str = "intents:\n  x: 1\ncallers:\n  - { name: regular, share: 3, mistake_rate: 0.01, invalid_rate: 0, no_input_rate: 0, patience: null }\n  - { name: first_time, share: 1, mistake_rate: 0.3, invalid_rate: 0, no_input_rate: 0, patience: null }\n";

#[test]
fn checks_are_decided_at_every_point_of_a_sweep() {
    let _snapshots = common::snapshot_folder("callers_v2");
    let dir = scratch();
    let menu = common::write(dir.path(), "menu.yaml", ONE_OR_BYE);
    let intents = common::write(dir.path(), "menu.intents.yaml", TWO_GROUPS);
    let (menu, intents) = (menu.to_str().unwrap(), intents.to_str().unwrap());
    let sweep = |check: &str, format: &str| {
        ivr(&[
            "sim",
            menu,
            "--intents",
            intents,
            "--exact",
            "--vary",
            "callers.mistake_rate=0.05,0.1,0.2",
            "--check",
            check,
            "--format",
            format,
        ])
    };
    // The varied rate applies to both groups: first-time callers leave unresolved 0.05, 0.1
    // and 0.2 of their calls. The last point fails, so the sweep exits 1.
    let run = sweep("persona.first_time.unresolved<=0.1", "human");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let checks = run
        .stdout
        .split("\n\n")
        .skip(2)
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!("sweep_checks_human", checks);
    // Every point passes: exit 0.
    assert_eq!(
        sweep("persona.regular.unresolved<=0.2", "human").code,
        Some(0)
    );
    // JSON: each point carries its checks.
    let run = sweep("persona.first_time.unresolved<=0.1", "json");
    assert_eq!(run.code, Some(1));
    let verdicts: Vec<(f64, String)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let check = &p["checks"][0];
            assert_eq!(check["expr"], "persona.first_time.unresolved <= 0.1");
            (
                check["value"].as_f64().unwrap(),
                check["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for ((value, verdict), (want, want_verdict)) in
        verdicts
            .iter()
            .zip([(0.05, "pass"), (0.1, "pass"), (0.2, "fail")])
    {
        assert!((value - want).abs() < 1e-9, "{value}, by hand {want}");
        assert_eq!(verdict, want_verdict);
    }
    // CSV: the sweep's rows on stdout as without a check, the verdicts on stderr.
    let run = sweep("persona.first_time.unresolved<=0.1", "csv");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.starts_with("callers.mistake_rate,self_served"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("1 check at 3 points: 2 passed, 1 failed, 0 inconclusive"),
        "{}",
        run.stderr
    );
    // Markdown: a table of verdicts after the sweep.
    let run = sweep("persona.first_time.unresolved<=0.1", "markdown");
    assert!(
        run.stdout.contains("| 0.2 | fail 0.2000 |"),
        "{}",
        run.stdout
    );
    // A group the traffic does not name is refused before anything runs.
    let run = sweep("persona.first.unresolved<=0.1", "human");
    assert!(run.failure(2).contains("did you mean `first_time`?"));
}

#[test]
fn a_persona_abandonment_check_at_each_point_of_a_monte_carlo_sweep() {
    let run = ivr(&[
        "sim",
        NINE,
        "--calls",
        "20000",
        "--vary",
        "callers.confusion=0..0.3",
        "--check",
        "persona.first_time.abandoned<=0.1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let points = run.json();
    let points = points.as_array().unwrap();
    assert_eq!(points.len(), 5);
    for point in points {
        let check = &point["checks"][0];
        let group = &point["result"]["personas"]["first_time"];
        // The check reads the group's own figure and its interval.
        assert_eq!(check["value"], group["outcomes"]["abandoned"]);
        assert_eq!(check["ci95"], group["outcomes_ci95"]["abandoned"]);
        assert_eq!(check["calls"], group["calls"]);
        assert_eq!(check["verdict"], "pass");
    }
}

#[test]
fn a_check_on_the_confused_share() {
    let check = |menu: &str, check: &str| ivr(&["sim", menu, "--exact", "--check", check]);
    // 2.1% of the calls to the nine-option menu follow a confusion.
    let pass = check(NINE, "confused<=0.05");
    assert_eq!(pass.code, Some(0), "{}", pass.stdout);
    assert!(
        pass.stdout.contains("confused <= 0.05  0.0212  pass"),
        "{}",
        pass.stdout
    );
    assert_eq!(check(NINE, "confused<=0.01").code, Some(1));
    // Callers who cannot be confused have no such share: the check cannot pass.
    let none = check("menus/tutorial.yaml", "confused<=0.05");
    assert_eq!(none.code, Some(1));
    assert!(
        none.stdout
            .contains("the callers of this traffic cannot be confused"),
        "{}",
        none.stdout
    );
}

#[test]
fn compare_gives_the_differences_of_each_caller_group() {
    let four = "docs/calibration/four-options.yaml";
    // Exact: each group's B minus A.
    let exact = ivr(&["compare", NINE, four, "--exact", "--format", "json"]).json();
    for group in ["regular", "first_time"] {
        let (a, b) = (
            &exact["a"]["personas"][group],
            &exact["b"]["personas"][group],
        );
        let d = &exact["diff"]["personas"][group];
        for outcome in ["self_served", "misrouted", "unresolved"] {
            let want =
                b["outcomes"][outcome].as_f64().unwrap() - a["outcomes"][outcome].as_f64().unwrap();
            let got = d["outcomes"][outcome]["diff"].as_f64().unwrap();
            assert!((got - want).abs() < 1e-12, "{group} {outcome}");
        }
        let want = b["confused"].as_f64().unwrap() - a["confused"].as_f64().unwrap();
        assert!((d["confused"]["diff"].as_f64().unwrap() - want).abs() < 1e-12);
    }
    // Monte Carlo: paired within the group, over the group's calls.
    let run = ivr(&[
        "compare", NINE, four, "--calls", "20000", "--seed", "5", "--format", "json",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let json = run.json();
    let d = &json["diff"]["personas"]["first_time"];
    assert_eq!(d["calls"], json["a"]["personas"]["first_time"]["calls"]);
    // First-time callers go wrong far less often with four options (docs/simulation.md).
    assert_eq!(d["outcomes"]["misrouted"]["significant"], true);
    assert!(d["outcomes"]["misrouted"]["ci95"][1].as_f64().unwrap() < 0.0);
    // Human, markdown and CSV name the groups.
    let human = stdout(&["compare", NINE, four, "--exact"]);
    assert!(human.contains("\n  group first_time (40.0%)"), "{human}");
    let markdown = stdout(&["compare", NINE, four, "--exact", "--format", "markdown"]);
    assert!(
        markdown.contains("#### Caller group `first_time` (40.0% of calls)"),
        "{markdown}"
    );
    let csv = stdout(&["compare", NINE, four, "--exact", "--format", "csv"]);
    assert!(
        csv.lines().any(|l| l.starts_with("persona:first_time,")),
        "{csv}"
    );
}

#[test]
fn checks_on_what_speech_nodes_heard() {
    // Exact: of the attempts, 0.9 are not rejected and 0.1 of those misrecognised: 0.09.
    let exact = |check: &str| ivr(&["sim", SPEECH, "--exact", "--check", check]);
    let pass = exact("speech.misrecognised<=0.1");
    assert_eq!(pass.code, Some(0), "{}", pass.stdout);
    assert!(
        pass.stdout
            .contains("speech.misrecognised <= 0.1  0.0900  pass"),
        "{}",
        pass.stdout
    );
    assert_eq!(exact("speech.recognised>=0.9").code, Some(1));
    // Monte Carlo: the interval is Wilson's over the attempts counted, of a group too.
    let run = ivr(&[
        "sim",
        SPEECH,
        "--calls",
        "20000",
        "--check",
        "persona.first_time.speech.rejected<=0.2",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json = run.json();
    let check = &json["checks"][0];
    let group = &json["personas"]["first_time"];
    assert_eq!(check["value"], group["speech"]["rejected"]);
    let attempts = check["calls"].as_f64().unwrap();
    let calls = group["calls"].as_f64().unwrap();
    let per_call = group["speech"]["attempts"].as_f64().unwrap();
    assert!(
        (attempts - calls * per_call).abs() < 1e-6,
        "{attempts} attempts"
    );
    let (lo, hi) = (
        check["ci95"][0].as_f64().unwrap(),
        check["ci95"][1].as_f64().unwrap(),
    );
    // About 9,000 attempts: an interval near 0.013 wide, holding the sample's share, within 4
    // standard errors of the 0.1 asked to repeat.
    let value = check["value"].as_f64().unwrap();
    assert!(lo < value && value < hi && hi - lo < 0.02, "[{lo}, {hi}]");
    assert!((value - 0.1).abs() < 4.0 * (hi - lo) / 3.92, "{value}");
    // A menu without a speech node has nothing to check.
    let none = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--exact",
        "--check",
        "speech.recognised>=0.8",
    ]);
    assert_eq!(none.code, Some(1));
    assert!(
        none.stdout.contains("the menu has no speech node"),
        "{}",
        none.stdout
    );
}
