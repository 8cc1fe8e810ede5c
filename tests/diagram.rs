//! The menu diagram of big menus: the layout takes room only for the boxes shown, the pages'
//! script lays a folded drawing out again exactly as `ivr` does when a box is opened, and the
//! report, the compare page and `ivr graph --format svg` of a generated menu of 4,559 nodes
//! open in a real browser (headless Chromium) with a drawing of a sane size.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::browser::{attribute, chromium, colours, dump_dom, screenshot, with_script};
use common::{ivr, scratch, write};
use ivr::menu::graph::MenuGraph;
use ivr::render::layout::{BOX_W, GAP_X, MARGIN, layout};

/// A menu of three levels of four options (86 nodes, so pages fold it below the second level)
/// with seven nodes the entry cannot reach, and its intents file.
fn tree_with_strays(dir: &Path) -> PathBuf {
    write(dir, "tree.intents.yaml", ivr::generate::tree_intents(10));
    let mut text = ivr::generate::tree_menu(3, 4, 10).replacen(
        "nodes:",
        "traffic: tree.intents.yaml\nnodes:",
        1,
    );
    for i in 0..7 {
        text.push_str(&format!("  stray{i}: {{ type: transfer, queue: q }}\n"));
    }
    write(dir, "tree.yaml", text)
}

/// The generated menu of 4,559 nodes (2,279 menus, 2,279 self-service nodes, one agent; most
/// of it out of the entry's reach) and its intents.
fn big_menu(dir: &Path) -> PathBuf {
    let (menu, intents) = common::big::menus_and_services(2_279, 2_279);
    write(dir, "big.intents.yaml", intents);
    write(dir, "big.yaml", menu)
}

fn run(args: &[&str]) {
    let run = ivr(args);
    assert!(run.success(), "ivr {args:?}: {}", run.stderr);
}

/// The part of a page (or DOM) that is drawn, and the part folded away in the template.
fn drawn_and_away(page: &str) -> (&str, &str) {
    let start = page
        .find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"menu-diagram")
        .unwrap();
    let page = &page[start..];
    page.split_once("<template class=\"folded-away\">")
        .unwrap_or((page, ""))
}

/// The opening tags of the elements of a class (`node`, `edge`) in a part of a page.
fn tags<'p>(part: &'p str, class: &str) -> Vec<&'p str> {
    part.split(&format!("<g class=\"{class} "))
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap()])
        .collect()
}

fn id(tag: &str) -> &str {
    attribute(tag, "id").unwrap()
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// The drawing's `(width, height)`.
fn size(part: &str) -> (f64, f64) {
    let tag = &part[..part.find('>').unwrap()];
    (
        attribute(tag, "width").unwrap().parse().unwrap(),
        attribute(tag, "height").unwrap().parse().unwrap(),
    )
}

/// Each node's box corner: from its `transform` in a folded drawing, from its rectangle in a
/// plain one.
fn corners(part: &str) -> HashMap<String, (f64, f64)> {
    part.split("<g class=\"node ")
        .skip(1)
        .map(|t| {
            let tag = &t[..t.find('>').unwrap()];
            let at = match attribute(tag, "transform") {
                Some(transform) => numbers(transform),
                None => {
                    let rect = &t[t.find("<rect ").unwrap()..];
                    vec![
                        attribute(rect, "x").unwrap().parse().unwrap(),
                        attribute(rect, "y").unwrap().parse().unwrap(),
                    ]
                }
            };
            (id(tag).to_string(), (at[0], at[1]))
        })
        .collect()
}

/// Each arrow's path and whether it is dashed, by id.
fn paths(part: &str) -> HashMap<String, (Vec<f64>, bool)> {
    part.split("<g class=\"edge")
        .skip(1)
        .map(|t| {
            let tag = &t[..t.find('>').unwrap()];
            let path = &t[t.find("<path").unwrap()..];
            let path = &path[..path.find('>').unwrap()];
            (
                id(tag).to_string(),
                (
                    // ` d=`: `marker-end="` ends in `d="` too.
                    numbers(attribute(path, " d").unwrap()),
                    path.contains("stroke-dasharray"),
                ),
            )
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    // Both round to one decimal; JavaScript rounds ties up, Rust to even.
    (a - b).abs() < 0.06
}

#[test]
fn leaves_side_by_side_parents_centred_and_the_unreached_wrapped_below() {
    let dir = scratch();
    let menu = common::load::menu_file(&tree_with_strays(dir.path()));
    let graph = MenuGraph::build(&menu);
    let lay = layout(&graph, None);
    let v = |name: &str| menu.lookup(name).unwrap().0;
    // Sixteen leaves under m_1 .. m_4, four each: m_1_1's leaves take columns 0-3.
    assert_eq!(lay.x[v("m_1_1_1")], 0.0);
    assert_eq!(lay.x[v("m_1_1_4")], 3.0);
    assert_eq!(lay.x[v("m_1_1")], 1.5);
    assert_eq!(lay.depth[v("m_1_1_1")], 3);
    // 64 leaves in the tree, and the agent beside m_4 at the first level: 65 columns, so the
    // seven strays fit in one row below the deepest.
    assert_eq!(lay.x[v("agent")], 64.0);
    for i in 0..7 {
        let stray = v(&format!("stray{i}"));
        assert_eq!((lay.row[stray], lay.x[stray]), (4, i as f64));
        assert_eq!(lay.parent[stray], None);
    }
}

#[test]
fn unreached_boxes_wrap_into_a_square_when_they_outnumber_the_tree() {
    let mut text =
        String::from("menu: m\nentry: main\nnodes:\n  main: { type: transfer, queue: q }\n");
    for i in 0..10 {
        text.push_str(&format!("  stray{i}: {{ type: transfer, queue: q }}\n"));
    }
    let menu = common::load::menu(&text);
    let lay = layout(&MenuGraph::build(&menu), None);
    // One column of tree; ten strays take four columns (the smallest square that holds them).
    let rows: Vec<(usize, f64)> = (1..=10).map(|v| (lay.row[v], lay.x[v])).collect();
    assert_eq!(
        rows[..5],
        [(1, 0.0), (1, 1.0), (1, 2.0), (1, 3.0), (2, 0.0)]
    );
    assert_eq!(rows[9], (3, 1.0));
}

#[test]
fn folded_subtrees_take_no_room() {
    let dir = scratch();
    let menu = common::load::menu_file(&tree_with_strays(dir.path()));
    let graph = MenuGraph::build(&menu);
    let lay = layout(&graph, Some(1));
    let v = |name: &str| menu.lookup(name).unwrap().0;
    let shown: Vec<usize> = (0..lay.shown.len()).filter(|&v| lay.shown[v]).collect();
    let mut names: Vec<usize> = ["m", "m_1", "m_2", "m_3", "m_4", "agent"]
        .iter()
        .map(|n| v(n))
        .collect();
    names.sort_unstable();
    assert_eq!(shown, names);
    // m_1 .. m_4 and the agent side by side, the entry over their middle.
    assert_eq!(lay.x[v("m_1")], 0.0);
    assert_eq!(lay.x[v("agent")], 4.0);
    assert_eq!(lay.x[v("m")], 2.0);
    let (width, _) = lay.size();
    assert_eq!(width, 2.0 * MARGIN + 5.0 * (BOX_W + GAP_X) - GAP_X + 60.0);
}

#[test]
fn the_page_lays_out_what_it_opens_as_ivr_does() {
    let dir = scratch();
    let menu_path = tree_with_strays(dir.path());
    let path = menu_path.to_str().unwrap();
    let page = dir.path().join("tree.html");
    run(&[
        "report",
        path,
        "--calls",
        "2000",
        "-o",
        page.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&page).unwrap();
    let (drawn, away) = drawn_and_away(&text);
    assert!(drawn.contains("class=\"menu-diagram folded\""));
    let menu = common::load::menu_file(&menu_path);
    let graph = MenuGraph::build(&menu);
    assert_eq!(
        tags(drawn, "node").len() + tags(away, "node").len(),
        graph.graph.node_count()
    );
    let Some(name) = chromium() else { return };
    let profile = dir.path().join("profile");

    // Every box opened: the whole drawing, as `ivr graph --format svg` draws it.
    let all = with_script(
        &page,
        "all.html",
        "document.getElementById('expand-all').click();",
    );
    let dom = dump_dom(name, &all, &profile);
    let (drawn, away) = drawn_and_away(&dom);
    assert!(tags(away, "node").is_empty() && tags(away, "edge").is_empty());
    let plain = ivr(&["graph", path, "--format", "svg"]).stdout;
    assert_eq!(size(drawn), size(&plain));
    let (ours, theirs) = (corners(drawn), corners(&plain));
    assert_eq!(ours.len(), theirs.len());
    for (node, (x, y)) in &theirs {
        let (px, py) = ours[node];
        assert!(
            close(px, *x) && close(py, *y),
            "{node}: page ({px}, {py}), ivr ({x}, {y})"
        );
    }
    let (ours, theirs) = (paths(drawn), paths(&plain));
    assert_eq!(ours.len(), theirs.len());
    for (edge, (d, dashed)) in &theirs {
        let (pd, pdashed) = &ours[edge];
        assert!(
            pd.len() == d.len() && pd.iter().zip(d).all(|(a, b)| close(*a, *b)),
            "{edge}: page {pd:?}, ivr {d:?}"
        );
        assert_eq!(pdashed, dashed, "{edge}");
    }

    // The boxes of the second level opened: the layout of three levels.
    let third = with_script(
        &page,
        "third.html",
        "document.querySelectorAll('svg.menu-diagram .node[data-depth=\"2\"]').forEach(function(g){g.dispatchEvent(new MouseEvent('click',{bubbles:true}));});",
    );
    let dom = dump_dom(name, &third, &profile);
    let (drawn, _) = drawn_and_away(&dom);
    let lay = layout(&graph, Some(3));
    let shown: HashSet<String> = (0..lay.shown.len())
        .filter(|&v| lay.shown[v])
        .map(|v| format!("node-{v}"))
        .collect();
    let placed = corners(drawn);
    assert_eq!(placed.keys().cloned().collect::<HashSet<_>>(), shown);
    for (node, (x, y)) in &placed {
        let v: usize = node["node-".len()..].parse().unwrap();
        let (cx, cy) = lay.corner(v);
        assert!(
            close(*x, cx) && close(*y, cy),
            "{node}: page ({x}, {y}), ivr ({cx}, {cy})"
        );
    }
    let (width, height) = lay.size();
    assert_eq!(size(drawn), (width.round(), height.round()));
    // Every arrow between two shown boxes is drawn, and no other.
    for tag in tags(drawn, "edge") {
        let ends = [attribute(tag, "data-from"), attribute(tag, "data-to")];
        assert!(ends.iter().all(|e| shown.contains(e.unwrap())), "{tag}");
    }

    // A finding's link opens the way to its node, here one the entry cannot reach.
    let stray = format!("node-{}", menu.lookup("stray3").unwrap().0);
    assert!(
        text.contains(&format!("data-node=\"{stray}\"")),
        "no finding on stray3"
    );
    let link = with_script(
        &page,
        "link.html",
        &format!("document.querySelector('a[data-node=\"{stray}\"]').click();"),
    );
    let dom = dump_dom(name, &link, &profile);
    let (drawn, _) = drawn_and_away(&dom);
    assert!(corners(drawn).contains_key(&stray));
}

#[test]
fn the_report_of_a_big_generated_menu_opens_in_a_browser() {
    let dir = scratch();
    let menu = big_menu(dir.path());
    let page = dir.path().join("big.html");
    run(&[
        "report",
        menu.to_str().unwrap(),
        "--calls",
        "1000",
        "-o",
        page.to_str().unwrap(),
    ]);
    let Some(name) = chromium() else { return };
    let profile = dir.path().join("profile");
    let dom = dump_dom(name, &page, &profile);
    let (drawn, away) = drawn_and_away(&dom);
    // One element per node: the first three levels drawn, the rest folded away.
    let shown = tags(drawn, "node");
    assert_eq!(shown.len() + tags(away, "node").len(), 4_559);
    assert!(shown.iter().all(|t| {
        attribute(t, "data-depth")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            <= 2
    }));
    // No wider than its shown boxes side by side.
    let (width, _) = size(drawn);
    assert!(
        width <= 2.0 * MARGIN + shown.len() as f64 * (BOX_W + GAP_X) + 60.0,
        "{width} px wide for {} boxes",
        shown.len()
    );
    let (w, h, pixels) = screenshot(name, &page, &dir.path().join("big.png"), &profile);
    let channels = pixels.len() / (w * h) as usize;
    assert!(
        colours(&pixels, channels) > 50,
        "the screenshot is (nearly) blank"
    );
}

#[test]
fn the_compare_page_of_big_menus_opens_folded_in_a_browser() {
    let dir = scratch();
    let a = big_menu(dir.path());
    let text = std::fs::read_to_string(&a).unwrap();
    // B: the entry's first option leads straight to the agent.
    let first = text.find("  m0: ").unwrap();
    let line = &text[first..first + text[first..].find('\n').unwrap()];
    let to = line.find("to: ").unwrap() + 4;
    let end = to + line[to..].find(' ').unwrap();
    let b = write(
        dir.path(),
        "big-b.yaml",
        text.replacen(line, &format!("{}agent{}", &line[..to], &line[end..]), 1),
    );
    let page = dir.path().join("big.compare.html");
    run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "html",
        "--calls",
        "300",
        "-o",
        page.to_str().unwrap(),
    ]);
    let Some(name) = chromium() else { return };
    let dom = dump_dom(name, &page, &dir.path().join("profile"));
    let (drawn, away) = drawn_and_away(&dom);
    let shown = tags(drawn, "node");
    assert_eq!(shown.len() + tags(away, "node").len(), 4_559);
    let (width, _) = size(drawn);
    assert!(width <= 2.0 * MARGIN + shown.len() as f64 * (BOX_W + GAP_X) + 60.0);
}

#[test]
fn the_svg_of_a_big_menu_is_as_wide_as_its_tree() {
    let dir = scratch();
    let menu = big_menu(dir.path());
    let svg = ivr(&["graph", menu.to_str().unwrap(), "--format", "svg"]).stdout;
    let nodes = tags(&svg, "node");
    assert_eq!(nodes.len(), 4_559);
    // The tree's leaves: boxes the entry reaches that are nobody's parent. Each takes a
    // column; the boxes the entry cannot reach wrap into rows no wider.
    let parents: HashSet<&str> = nodes
        .iter()
        .filter_map(|t| attribute(t, "data-parent"))
        .collect();
    let in_tree = |t: &&&str| {
        attribute(t, "data-parent").is_some() || attribute(t, "data-depth") == Some("0")
    };
    let leaves = nodes
        .iter()
        .filter(in_tree)
        .filter(|t| !parents.contains(id(t)))
        .count();
    let unreached = nodes.len() - nodes.iter().filter(in_tree).count();
    let deepest = nodes
        .iter()
        .filter(in_tree)
        .map(|t| {
            attribute(t, "data-depth")
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .max()
        .unwrap();
    let (width, height) = size(&svg);
    assert!(
        width <= 2.0 * MARGIN + leaves as f64 * (BOX_W + GAP_X) + 60.0,
        "{width} px wide for {leaves} leaves"
    );
    let rows = deepest + 1 + unreached.div_ceil(leaves);
    assert!(
        height <= 2.0 * MARGIN + rows as f64 * 134.0 + 20.0,
        "{height} px high"
    );
    let Some(name) = chromium() else { return };
    let file = write(dir.path(), "big.svg", &svg);
    let (w, h, pixels) = screenshot(
        name,
        &file,
        &dir.path().join("svg.png"),
        &dir.path().join("profile"),
    );
    let channels = pixels.len() / (w * h) as usize;
    assert!(colours(&pixels, channels) > 5, "the screenshot is blank");
}
