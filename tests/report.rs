//! `ivr report`: the page it writes (self-contained, escaped, never over a file it did not
//! write), and the page as a real browser shows it (headless Chromium).

mod common;

use std::path::{Path, PathBuf};

use common::browser::{attribute, chromium, colours, dump_dom, screenshot, with_script};
use common::{example_menus, ivr, root, scratch, sim_json, write};

const CALLS: &str = "20000";

/// Writes the report of `menu` to `out`; the command must succeed.
fn report(menu: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        menu.to_str().unwrap(),
        "--calls",
        CALLS,
        "--seed",
        "5",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let run = ivr(&args);
    assert!(run.success(), "ivr {args:?}: {}", run.stderr);
    std::fs::read_to_string(out).expect("the report")
}

/// A menu whose prompt, id and title try to become markup or script.
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

#[test]
fn the_page_is_self_contained_and_forbids_loading_anything() {
    let dir = scratch();
    let page = report(
        &root().join("menus/tutorial.yaml"),
        &dir.path().join("t.html"),
        &[],
    );
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"));
    for attribute in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "@import",
    ] {
        assert!(!page.contains(attribute), "{attribute}");
    }
}

#[test]
fn every_user_string_is_escaped() {
    let dir = scratch();
    let menu = hostile_menu(dir.path());
    let page = report(&menu, &dir.path().join("h.html"), &[]);
    assert!(!page.contains("<img"), "a prompt became markup");
    assert!(!page.contains("<b>bold"), "an option became markup");
    assert!(!page.contains("a</td>"), "an intent name became markup");
    assert_eq!(page.matches("<script>").count(), 1, "only our own script");
    assert_eq!(
        page.matches("</script>").count(),
        1,
        "no prompt closes our script"
    );
    assert!(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn the_default_output_is_beside_the_menu_and_only_our_reports_are_replaced() {
    let dir = scratch();
    let menu = write(
        dir.path(),
        "shop.yaml",
        std::fs::read_to_string(root().join("menus/tutorial.yaml")).unwrap(),
    );
    write(
        dir.path(),
        "tutorial.intents.yaml",
        std::fs::read_to_string(root().join("menus/tutorial.intents.yaml")).unwrap(),
    );
    let path = menu.to_str().unwrap();
    let run = ivr(&["report", path, "--calls", "1000"]);
    assert!(run.success(), "{}", run.stderr);
    let out = dir.path().join("shop.report.html");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("<meta name=\"generator\" content=\"ivr report\">")
    );
    // Our own report is replaced without asking.
    assert!(ivr(&["report", path, "--calls", "1000"]).success());
    // A file ivr did not write is left alone, unless --force.
    let mine = write(dir.path(), "notes.html", "<p>my notes</p>");
    let refused = ivr(&[
        "report",
        path,
        "--calls",
        "1000",
        "-o",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(refused.code, Some(2));
    let stderr = refused.stderr_unwrapped();
    assert!(stderr.contains("not a report ivr wrote"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "<p>my notes</p>");
    let forced = ivr(&[
        "report",
        path,
        "--calls",
        "1000",
        "-o",
        mine.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.success(), "{}", forced.stderr);
    assert!(
        std::fs::read_to_string(&mine)
            .unwrap()
            .contains("ivr report")
    );
}

#[test]
fn each_example_report_in_a_real_browser() {
    let Some(name) = chromium() else { return };
    let dir = scratch();
    for menu in example_menus() {
        let stem = menu.file_stem().unwrap().to_string_lossy().into_owned();
        let page = dir.path().join(format!("{stem}.html"));
        report(&menu, &page, &[]);
        let dom = dump_dom(name, &page, &dir.path().join("profile"));
        // One diagram element per node of the menu.
        let loaded = common::load::menu_file(&menu);
        let boxes = dom.matches("<g class=\"node ").count()
            - dom.matches("<g class=\"node disconnect").count();
        assert_eq!(boxes, loaded.nodes.len(), "{stem}: boxes in the diagram");
        // The summary cards show the JSON figures of the same run.
        let json = sim_json(&[menu.to_str().unwrap(), "--calls", CALLS, "--seed", "5"]);
        for outcome in ["self_served", "agent", "misrouted", "abandoned"] {
            let tag = dom
                .split("<div class=\"card\"")
                .find(|t| attribute(t, "data-figure") == Some(outcome))
                .unwrap_or_else(|| panic!("{stem}: no {outcome} card"));
            let shown: f64 = attribute(tag, "data-value").unwrap().parse().unwrap();
            assert_eq!(
                shown,
                json["overall"]["outcomes"][outcome].as_f64().unwrap(),
                "{stem} {outcome}"
            );
        }
        // Nothing leaves the page.
        assert!(dom.contains("Content-Security-Policy"), "{stem}: CSP");
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(!dom.contains(attr), "{stem}: {attr}");
        }
        let (w, h, pixels) = screenshot(
            name,
            &page,
            &dir.path().join(format!("{stem}.png")),
            &dir.path().join("profile"),
        );
        assert_eq!((w, h), (1280, 2000));
        let channels = pixels.len() / (w * h) as usize;
        assert!(
            colours(&pixels, channels) > 50,
            "{stem}: the screenshot is (nearly) blank"
        );
    }
}

#[test]
fn a_hostile_prompt_stays_text_in_a_real_browser() {
    let Some(name) = chromium() else { return };
    let dir = scratch();
    let page = dir.path().join("h.html");
    report(&hostile_menu(dir.path()), &page, &[]);
    let dom = dump_dom(name, &page, &dir.path().join("profile"));
    assert!(!dom.contains("<img"), "the prompt became an element");
    assert!(!dom.contains("<b>bold"), "an option became an element");
    assert_eq!(dom.matches("<script>").count(), 1, "only our own script");
    assert!(dom.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn the_details_box_says_what_it_is_for_until_a_box_is_clicked() {
    let dir = scratch();
    let menu = root().join("menus/retail-bank.yaml");
    let page = dir.path().join("bank.html");
    report(&menu, &page, &[]);
    let Some(name) = chromium() else { return };
    let profile = dir.path().join("profile");
    let details = |dom: &str| -> String {
        let start = dom.find("<div id=\"details\"").expect("the details box");
        let end = start + dom[start..].find("</div>").unwrap();
        dom[start..end].to_string()
    };
    let before = details(&dump_dom(name, &page, &profile));
    assert_eq!(
        before,
        "<div id=\"details\" class=\"hint\">Click a box to see its prompt and figures here."
    );
    // A click on a box puts its figures where the hint was.
    let clicked = with_script(
        &page,
        "clicked.html",
        "document.querySelector('.diagram .node[id=\"node-0\"]').dispatchEvent(new MouseEvent('click',{bubbles:true}));",
    );
    let after = details(&dump_dom(name, &clicked, &profile));
    assert!(
        after.starts_with("<div id=\"details\" class=\"\">"),
        "{after}"
    );
    assert!(!after.contains("Click a box"), "{after}");
    assert!(after.contains("main\nWelcome to Harbour Bank"), "{after}");
}

#[test]
fn a_big_menu_opens_folded_below_the_second_level() {
    let dir = scratch();
    write(
        dir.path(),
        "big.intents.yaml",
        ivr::generate::tree_intents(50),
    );
    let text = ivr::generate::tree_menu(5, 5, 50).replacen(
        "nodes:",
        "traffic: big.intents.yaml\nnodes:",
        1,
    );
    let menu = write(dir.path(), "big.yaml", text);
    let page = report(&menu, &dir.path().join("big.html"), &[]);
    // The drawing holds the first three levels; the rest wait in a template, one element per
    // node in all.
    let (drawn, away) = page.split_once("<template class=\"folded-away\">").unwrap();
    let depths = |part: &str| -> Vec<usize> {
        part.split("<g class=\"node ")
            .skip(1)
            .map(|tag| {
                let tag = &tag[..tag.find('>').unwrap()];
                attribute(tag, "data-depth").unwrap().parse().unwrap()
            })
            .collect()
    };
    let (shown, folded) = (depths(drawn), depths(away));
    assert_eq!(
        shown.len() + folded.len(),
        common::load::menu_file(&menu).nodes.len()
    );
    assert!(shown.iter().all(|&d| d <= 2), "{shown:?}");
    assert!(folded.iter().all(|&d| d > 2), "{folded:?}");
    assert!(page.contains("id=\"expand-all\""));
    let Some(name) = chromium() else { return };
    let dom = dump_dom(
        name,
        &dir.path().join("big.html"),
        &dir.path().join("profile"),
    );
    assert!(dom.contains("id=\"node-0\""));
}

#[test]
fn the_page_language_follows_the_prompts() {
    let dir = scratch();
    let lang = |menu: &Path, out: &str| {
        let page = report(menu, &dir.path().join(out), &[]);
        let tag = &page[page.find("<html").unwrap()..];
        attribute(tag, "lang").unwrap().to_string()
    };
    assert_eq!(
        lang(&root().join("menus/mobile-operator.yaml"), "zh.html"),
        "zh"
    );
    assert_eq!(lang(&root().join("menus/tutorial.yaml"), "en.html"), "en");
    // Accented Latin could be French, Spanish, ...: the page does not guess.
    write(dir.path(), "fr.intents.yaml", "intents:\n  solde: 1\n");
    let french = write(
        dir.path(),
        "fr.yaml",
        "menu: Banque\nentry: main\ntraffic: fr.intents.yaml\nnodes:\n  main:\n    say: Bienvenue à la banque.\n    options:\n      - { key: 1, say: \"Pour votre solde, appuyez sur 1.\", to: solde }\n  solde: { type: self_service, serves: [solde] }\n",
    );
    assert_eq!(lang(&french, "fr.html"), "und");
}
