//! The other pages `ivr` writes: `ivr compare --format html` and `ivr sim --vary ... --format
//! html`. Self-contained, escaped, written only over a page `ivr` wrote, and checked in a real
//! browser (headless Chromium) against the JSON of the same run.

mod common;

use std::path::{Path, PathBuf};

use common::browser::{attribute, chromium, colours, dump_dom, screenshot};
use common::{ivr, root, scratch, write};

const CALLS: &str = "20000";

/// Runs `ivr ARGS` (which must succeed) and reads the page it wrote to `out`.
fn page(args: &[&str], out: &Path) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "html", "-o", out.to_str().unwrap()]);
    let run = ivr(&all);
    assert!(run.success(), "ivr {all:?}: {}", run.stderr);
    std::fs::read_to_string(out).expect("the page")
}

/// The JSON of `ivr ARGS --format json`.
fn json(args: &[&str]) -> serde_json::Value {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let run = ivr(&all);
    assert!(run.success(), "ivr {all:?}: {}", run.stderr);
    run.json()
}

/// A shop whose billing option goes to a person in variant B: billing's traffic falls, the
/// agent's grows, and sales (which only sales callers reach, the same way in both) stays.
const SHOP_A: &str = "\
menu: Shop
entry: main
traffic: shop.intents.yaml
nodes:
  main:
    say: Welcome to the shop.
    options:
      - { key: 1, say: \"For billing, press 1.\", to: billing }
      - { key: 2, say: \"For sales, press 2.\", to: sales }
      - { key: 0, say: \"For anything else, press 0.\", to: agent }
  billing: { type: self_service, serves: [billing] }
  sales: { type: transfer, queue: sales, serves: [sales] }
  agent: { type: transfer, queue: general, serves: [\"*\"] }
";
const SHOP_INTENTS: &str = "intents:\n  billing: 2\n  sales: 1\n  other: 1\n";

/// The two shop menus: (A, B).
fn shop(dir: &Path) -> (PathBuf, PathBuf) {
    write(dir, "shop.intents.yaml", SHOP_INTENTS);
    let b = SHOP_A.replace(
        "say: \"For billing, press 1.\", to: billing",
        "say: \"For billing, press 1.\", to: agent",
    );
    (
        write(dir, "shop.yaml", SHOP_A),
        write(dir, "shop-b.yaml", b),
    )
}

/// A menu whose name, prompt, ids and intents try to become markup or script.
const HOSTILE: &str = "\
menu: \"</title><script>alert('t')</script>\"
entry: main
traffic: hostile.intents.yaml
nodes:
  main:
    say: \"</script><img src=x onerror=alert(1)>\"
    options:
      - { key: 1, say: \"<b>bold</b> press 1\", to: \"x<y\" }
  \"x<y\": { type: transfer, queue: q, serves: [\"a</td>\"] }
";
const HOSTILE_INTENTS: &str = "intents:\n  \"a</td>\": 1\n";

fn hostile_menu(dir: &Path) -> PathBuf {
    write(dir, "hostile.intents.yaml", HOSTILE_INTENTS);
    write(dir, "hostile.yaml", HOSTILE)
}

/// Nothing in a page (or the DOM a browser built from it) can load anything.
fn assert_self_contained(page: &str, what: &str) {
    assert!(
        page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"),
        "{what}: CSP"
    );
    for attribute in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "src='http",
        "url(http",
        "url(//",
        "@import",
        "<link",
        "<iframe",
        "<img",
    ] {
        assert!(!page.contains(attribute), "{what}: {attribute}");
    }
    // Nothing to fetch at all: no `src`, and every link is to a place in the page.
    assert!(!page.contains(" src="), "{what}: a src attribute");
    for link in page.split(" href=\"").skip(1) {
        assert!(
            link.starts_with('#'),
            "{what}: a link out: {}",
            &link[..link.len().min(40)]
        );
    }
}

/// The hostile strings stayed text: no element of theirs, only our own script.
fn assert_escaped(page: &str, what: &str) {
    assert!(!page.contains("<img"), "{what}: a prompt became markup");
    assert!(!page.contains("<b>bold"), "{what}: an option became markup");
    assert!(!page.contains("a</td>"), "{what}: an intent became markup");
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "{what}: only our script"
    );
    assert_eq!(
        page.matches("</script>").count(),
        1,
        "{what}: no prompt closes it"
    );
}

/// The tag that starts at the first `needle` after `from` in `dom`.
fn tag_after<'d>(dom: &'d str, needle: &str) -> Option<&'d str> {
    let start = dom.find(needle)?;
    Some(&dom[start..start + dom[start..].find('>')?])
}

/// Keeps a screenshot in `docs/report/` when `IVR_UPDATE_DOCS` is set.
fn keep_screenshot(png: &Path, name: &str) {
    if std::env::var_os("IVR_UPDATE_DOCS").is_some() {
        std::fs::copy(png, root().join("docs/report").join(name)).expect("copy the screenshot");
    }
}

/// A screenshot of `page`, checked to show something; kept in docs as `keep`, if given.
fn check_screenshot(name_of_browser: &str, page: &Path, dir: &Path, keep: Option<&str>) {
    let png = dir.join("screenshot.png");
    let (w, h, pixels) = screenshot(name_of_browser, page, &png, &dir.join("profile"));
    assert_eq!((w, h), (1280, 2000));
    let channels = pixels.len() / (w * h) as usize;
    assert!(
        colours(&pixels, channels) > 50,
        "{}: the screenshot is (nearly) blank",
        page.display()
    );
    if let Some(name) = keep {
        keep_screenshot(&png, name);
    }
}

#[test]
fn the_compare_page_is_self_contained_escaped_and_in_the_menus_language() {
    let dir = scratch();
    let (a, b) = shop(dir.path());
    let html = page(
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--calls",
            "2000",
        ],
        &dir.path().join("c.html"),
    );
    assert_self_contained(&html, "compare");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<meta name=\"generator\" content=\"ivr report\">"));

    // B adds a second hostile option, so hostile names also reach the table of changes.
    let a = hostile_menu(dir.path());
    let b = write(
        dir.path(),
        "hostile-b.yaml",
        HOSTILE.replace(
            "      - { key: 1,",
            "      - { key: 2, say: \"<i>two</i>\", to: \"x<y\" }\n      - { key: 1,",
        ),
    );
    let html = page(
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--calls",
            "2000",
        ],
        &dir.path().join("h.html"),
    );
    assert_escaped(&html, "compare");
    assert!(!html.contains("<i>two"), "an option became markup");
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        html.contains("<td>main → x&lt;y (key 2)</td>"),
        "the new edge, escaped"
    );
}

#[test]
fn the_compare_page_goes_beside_b_and_replaces_only_pages_ivr_wrote() {
    let dir = scratch();
    let (a, b) = shop(dir.path());
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let args = ["compare", a, b, "--calls", "1000", "--format", "html"];
    let run = ivr(&args);
    assert!(run.success(), "{}", run.stderr);
    let out = dir.path().join("shop-vs-shop-b.compare.html");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("ivr report")
    );
    // Our own page is replaced without asking.
    assert!(ivr(&args).success());
    // Anything else is left alone, unless --force.
    let mine = write(dir.path(), "notes.html", "<p>my notes</p>");
    let mut to_mine = args.to_vec();
    to_mine.extend(["-o", mine.to_str().unwrap()]);
    let refused = ivr(&to_mine);
    assert_eq!(refused.code, Some(2));
    assert!(
        refused
            .stderr_unwrapped()
            .contains("not a report ivr wrote"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "<p>my notes</p>");
    to_mine.push("--force");
    assert!(ivr(&to_mine).success());
    assert!(
        std::fs::read_to_string(&mine)
            .unwrap()
            .contains("ivr report")
    );
    // -o belongs to the page: with another format it is a usage error.
    let usage = ivr(&["compare", a, b, "-o", "x.txt"]);
    assert_eq!(usage.code, Some(2));
    assert!(usage.stderr_unwrapped().contains("--format html"));
}

/// The `data-figure` row or card `figure` inside the part of `dom` that starts at `from`.
fn value_in<'d>(dom: &'d str, from: &str, element: &str, figure: &str, attr: &str) -> &'d str {
    let part = &dom[dom.find(from).unwrap_or_else(|| panic!("no {from}"))..];
    let tag = part
        .split(element)
        .skip(1)
        .find(|t| attribute(t, "data-figure") == Some(figure))
        .unwrap_or_else(|| panic!("no {figure} after {from}"));
    attribute(tag, attr).unwrap()
}

#[test]
fn the_compare_page_in_a_real_browser() {
    let dir = scratch();
    let (a, b) = shop(dir.path());
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let path = dir.path().join("shop.compare.html");
    page(&["compare", a, b, "--calls", CALLS, "--seed", "3"], &path);
    let Some(name) = chromium() else { return };
    let dom = dump_dom(name, &path, &dir.path().join("profile"));
    assert_self_contained(&dom, "compare DOM");
    let expected = json(&["compare", a, b, "--calls", CALLS, "--seed", "3"]);
    // Both sides' cards and every difference are the JSON's.
    for outcome in ["self_served", "agent", "misrouted", "abandoned"] {
        for side in ["a", "b"] {
            let shown: f64 = value_in(
                &dom,
                &format!("id=\"variant-{side}\""),
                "<div class=\"card\"",
                outcome,
                "data-value",
            )
            .parse()
            .unwrap();
            assert_eq!(
                shown,
                expected[side]["overall"]["outcomes"][outcome]
                    .as_f64()
                    .unwrap(),
                "{side} {outcome}"
            );
        }
    }
    let diffs = [
        ("agent", &expected["diff"]["overall"]["outcomes"]["agent"]),
        (
            "self_served",
            &expected["diff"]["overall"]["outcomes"]["self_served"],
        ),
        ("time_mean", &expected["diff"]["overall"]["time"]["mean"]),
        (
            "inputs_mean",
            &expected["diff"]["overall"]["inputs"]["mean"],
        ),
    ];
    for (figure, want) in diffs {
        let shown: f64 = value_in(
            &dom,
            "id=\"overall-differences\"",
            "<tr",
            figure,
            "data-diff",
        )
        .parse()
        .unwrap();
        assert_eq!(shown, want["diff"].as_f64().unwrap(), "{figure}");
        assert_eq!(
            value_in(
                &dom,
                "id=\"overall-differences\"",
                "<tr",
                figure,
                "data-significant"
            ),
            want["significant"].to_string(),
            "{figure}"
        );
    }
    // B's diagram: billing lost its callers to the agent; sales did not move.
    let node = |id: &str| {
        dom.split("<g class=\"node ")
            .skip(1)
            .map(|t| &t[..t.find('>').unwrap()])
            .find(|t| attribute(t, "data-node") == Some(id))
            .unwrap_or_else(|| panic!("no node {id}"))
    };
    let change = |id: &str| -> Option<f64> {
        attribute(node(id), "data-change").map(|v| v.parse().unwrap())
    };
    assert!(node("billing").contains("changed"), "{}", node("billing"));
    assert!(change("billing").unwrap() < -0.4);
    assert!(change("agent").unwrap() > 0.4);
    assert!(!node("sales").contains("changed"), "{}", node("sales"));
    assert_eq!(change("sales"), None);
    // The new arrow (key 1 to the agent) is marked.
    assert!(dom.contains("<g class=\"edge changed\""));
    check_screenshot(name, &path, dir.path(), None);
}

#[test]
fn the_compare_page_of_the_what_if_study_in_a_real_browser() {
    // The bundled what-if variant, as docs/report.md shows it (paths as a user in the
    // repository types them: integration tests run from the crate's folder).
    let dir = scratch();
    let path = dir.path().join("what-if.compare.html");
    let html = page(
        &[
            "compare",
            "menus/retail-bank.yaml",
            "docs/what-if/no-adviser-option.yaml",
            "--calls",
            CALLS,
        ],
        &path,
    );
    assert!(html.contains("id=\"flow-changes\""));
    let Some(name) = chromium() else { return };
    let dom = dump_dom(name, &path, &dir.path().join("profile"));
    assert!(dom.contains("class=\"node menu changed\""));
    check_screenshot(name, &path, dir.path(), Some("compare-retail-bank.png"));
}

#[test]
fn the_compare_page_with_exact_solutions_marks_every_change_and_no_interval() {
    let dir = scratch();
    let (a, b) = shop(dir.path());
    let html = page(
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--exact",
        ],
        &dir.path().join("e.html"),
    );
    assert!(html.contains("Exact solutions"));
    assert!(!html.contains("data-significant=\"true\""));
    let billing = tag_after(&html, "data-node=\"billing\"").unwrap();
    assert!(billing.contains("data-change=\"-"), "{billing}");
    let sales = tag_after(&html, "data-node=\"sales\"").unwrap();
    assert!(!sales.contains("data-change"), "{sales}");
}

/// The chart SVG with `id` in a page.
fn chart<'p>(page: &'p str, id: &str) -> &'p str {
    let start = page
        .find(&format!("<svg class=\"chart line-chart\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + page[start..].find("</svg>").unwrap() + "</svg>".len();
    &page[start..end]
}

#[test]
fn the_vary_page_is_self_contained_escaped_and_written_only_over_our_pages() {
    let dir = scratch();
    let (menu, _) = shop(dir.path());
    let menu = menu.to_str().unwrap();
    let vary = [
        "sim",
        menu,
        "--vary",
        "callers.mistake_rate=0,0.1",
        "--calls",
        "1000",
    ];
    let mut args = vary.to_vec();
    args.extend(["--format", "html"]);
    assert!(ivr(&args).success());
    let out = dir.path().join("shop.vary.html");
    let html = std::fs::read_to_string(&out).unwrap();
    assert_self_contained(&html, "vary");
    assert!(html.contains("<html lang=\"en\">"));
    // Our own page is replaced; another file needs --force.
    assert!(ivr(&args).success());
    let mine = write(dir.path(), "notes.html", "mine");
    args.extend(["-o", mine.to_str().unwrap()]);
    assert_eq!(ivr(&args).code, Some(2));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    args.push("--force");
    assert!(ivr(&args).success());
    // Exact solutions have no sampling error: lines without bands.
    let exact = page(
        &[
            "sim",
            menu,
            "--vary",
            "callers.mistake_rate=0,0.1",
            "--exact",
        ],
        &dir.path().join("exact.html"),
    );
    assert!(exact.contains("<polyline class=\"line\""));
    assert!(!exact.contains("class=\"band\""));
    // HTML draws a sweep: without --vary it says where the one-run page is.
    let one = ivr(&["sim", menu, "--format", "html"]);
    assert_eq!(one.code, Some(2));
    assert!(
        one.stderr_unwrapped().contains("ivr report"),
        "{}",
        one.stderr
    );

    let hostile = hostile_menu(dir.path());
    let html = page(
        &[
            "sim",
            hostile.to_str().unwrap(),
            "--vary",
            "callers.patience=30,null",
            "--calls",
            "500",
        ],
        &dir.path().join("h.html"),
    );
    assert_escaped(&html, "vary");
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
}

/// The figures a vary page draws, and where each is in a point of the sweep JSON.
const VARY_FIGURES: [(&str, &[&str]); 8] = [
    ("self_served", &["outcomes", "self_served"]),
    ("agent", &["outcomes", "agent"]),
    ("misrouted", &["outcomes", "misrouted"]),
    ("abandoned", &["outcomes", "abandoned"]),
    ("time.mean", &["time", "mean"]),
    ("time.p90", &["time", "p90"]),
    ("inputs.mean", &["inputs", "mean"]),
    ("time_to_agent.mean", &["time_to_agent", "mean"]),
];

#[test]
fn the_vary_page_in_a_real_browser() {
    let dir = scratch();
    let args = [
        "sim",
        "menus/retail-bank.yaml",
        "--vary",
        "callers.mistake_rate=0,0.04,0.08,0.15",
        "--vary",
        "callers.patience=60,null",
        "--calls",
        CALLS,
        "--seed",
        "4",
    ];
    let path = dir.path().join("vary.html");
    page(&args, &path);
    let Some(name) = chromium() else { return };
    let dom = dump_dom(name, &path, &dir.path().join("profile"));
    assert_self_contained(&dom, "vary DOM");
    let rows = json(&args);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    for (figure, at) in VARY_FIGURES {
        let id = format!("chart-{}", figure.replace('.', "-"));
        let svg = chart(&dom, &id);
        assert_eq!(attribute(svg, "data-figure"), Some(figure));
        // A band per line (two lines: patience 60 and null).
        assert_eq!(svg.matches("<polygon class=\"band\"").count(), 2, "{id}");
        let points: Vec<&str> = svg.split("<circle class=\"point\"").skip(1).collect();
        assert_eq!(points.len(), rows.len(), "{id}: a point per row");
        for row in rows {
            let x = row["point"]["callers.mistake_rate"]
                .as_f64()
                .unwrap()
                .to_string();
            let series = if row["point"]["callers.patience"].is_null() {
                "1"
            } else {
                "0"
            };
            let mut want = &row["result"]["overall"];
            for key in at {
                want = &want[key];
            }
            let shown = points
                .iter()
                .find(|p| {
                    attribute(p, "data-x") == Some(&x)
                        && attribute(p, "data-series") == Some(series)
                })
                .unwrap_or_else(|| panic!("{id}: no point at {x}, line {series}"));
            let shown: f64 = attribute(shown, "data-value").unwrap().parse().unwrap();
            assert_eq!(shown, want.as_f64().unwrap(), "{id} at {x}, line {series}");
        }
    }
    assert_eq!(
        dom.split("id=\"sweep\"")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap()
            .matches("<tr>")
            .count(),
        rows.len() + 1,
        "the table: a header and a row per point"
    );
    check_screenshot(name, &path, dir.path(), Some("vary-retail-bank.png"));

    // The hostile menu's page stays text after the browser parsed it.
    let hostile = hostile_menu(dir.path());
    let path = dir.path().join("h.html");
    page(
        &[
            "sim",
            hostile.to_str().unwrap(),
            "--vary",
            "callers.patience=30,null",
            "--calls",
            "500",
        ],
        &path,
    );
    let dom = dump_dom(name, &path, &dir.path().join("profile"));
    assert!(!dom.contains("<img"), "the name became an element");
    assert_eq!(dom.matches("<script>").count(), 1, "only our own script");
}

#[test]
fn chart_svg_of_a_small_sweep() {
    let _snapshots = common::snapshot_folder("pages");
    let dir = scratch();
    let menu = root().join("menus/tutorial.yaml");
    let one = page(
        &[
            "sim",
            menu.to_str().unwrap(),
            "--vary",
            "callers.mistake_rate=0,0.05,0.1",
            "--calls",
            "2000",
            "--seed",
            "1",
        ],
        &dir.path().join("one.html"),
    );
    insta::assert_snapshot!("chart_one_line", chart(&one, "chart-agent"));
    let two = page(
        &[
            "sim",
            menu.to_str().unwrap(),
            "--vary",
            "callers.patience=20,60,null",
            "--vary",
            "callers.barge_in=true,false",
            "--calls",
            "2000",
            "--seed",
            "1",
        ],
        &dir.path().join("two.html"),
    );
    // Patience is not all numbers (null), so its values are evenly spaced; a line per barge-in.
    insta::assert_snapshot!("chart_two_lines", chart(&two, "chart-abandoned"));
}
