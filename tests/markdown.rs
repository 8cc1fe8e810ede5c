//! `--format markdown` of `ivr sim` and `ivr compare`: GitHub-flavoured Markdown tables that
//! paste into a pull-request comment. Snapshots on the example menus, and names built to break
//! a table or turn into markup, read back with a GitHub-flavoured Markdown parser (comrak, a
//! port of the parser GitHub uses).

mod common;

use common::{ivr, ivr_in, scratch, write};

/// `ivr ARGS`, which must succeed; its stdout.
#[track_caller]
fn markdown(args: &[&str]) -> String {
    let run = ivr(args);
    assert!(run.success(), "ivr {args:?} failed:\n{}", run.stderr);
    run.stdout
}

/// HTML as GitHub would make it: tables, autolinks, strikethrough and `$` maths on, raw HTML
/// let through (so that a name that slipped out of its code span would show here as a tag).
fn github_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.extension.math_dollars = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(markdown, &options)
}

/// Every table row has as many cells as its header. As GitHub reads a row, a `|` is a cell
/// edge unless a backslash comes right before it (even inside a code span).
#[track_caller]
fn assert_tables_are_whole(markdown: &str) {
    let cells = |line: &str| {
        let mut count = 0;
        let mut previous = ' ';
        for c in line.chars() {
            if c == '|' && previous != '\\' {
                count += 1;
            }
            previous = c;
        }
        count
    };
    let mut header = None;
    for line in markdown.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "a row of another width:\n{line}"),
            }
        } else {
            header = None;
        }
    }
}

#[test]
fn sim_markdown_on_the_example_menus() {
    let _snapshots = common::snapshot_folder("markdown");
    let sampled = markdown(&[
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "1000",
        "--seed",
        "1",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&sampled);
    insta::assert_snapshot!("sim_tutorial", sampled);
    let exact = markdown(&[
        "sim",
        "menus/tutorial.yaml",
        "--exact",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&exact);
    insta::assert_snapshot!("sim_tutorial_exact", exact);
    // With queues: per queue, end to end.
    let queues = markdown(&[
        "sim",
        "menus/retail-bank.yaml",
        "--calls",
        "20000",
        "--seed",
        "1",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&queues);
    insta::assert_snapshot!("sim_retail_bank_queues", queues);
}

/// The markdown shows the figures the JSON holds, rounded as the human table rounds them.
#[test]
fn sim_markdown_carries_the_json_figures() {
    let args = [
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "500",
        "--seed",
        "4",
    ];
    let json = ivr(&[&args[..], &["--format", "json"]].concat()).json();
    let text = markdown(&[&args[..], &["--format", "markdown"]].concat());
    let overall = &json["overall"];
    let share = overall["outcomes"]["agent"].as_f64().unwrap();
    let ci = &overall["outcomes_ci95"]["agent"];
    let row = format!(
        "| agent | {:.1}% | [{:.1}, {:.1}] |",
        share * 100.0,
        ci[0].as_f64().unwrap() * 100.0,
        ci[1].as_f64().unwrap() * 100.0
    );
    assert!(text.contains(&row), "{row} not in\n{text}");
    let time = &overall["time"];
    assert!(text.contains(&format!(
        "| time (s) | {:.1} | [{:.1}, {:.1}] |",
        time["mean"].as_f64().unwrap(),
        time["mean_ci95"][0].as_f64().unwrap(),
        time["mean_ci95"][1].as_f64().unwrap()
    )));
    let calls = json["intents"]["complaint"]["calls"].as_u64().unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("| `complaint` |") && l.contains(&format!("| {calls} |"))),
        "the complaint row gives its {calls} calls"
    );
}

#[test]
fn gates_and_sweeps_in_markdown() {
    let _snapshots = common::snapshot_folder("markdown");
    let run = ivr(&[
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "40",
        "--seed",
        "2",
        "--check",
        "intent.complaint.time_to_agent.mean<=16",
        "--check",
        "abandoned<=0.5",
        "--format",
        "markdown",
    ]);
    // One check inconclusive: not every check passed, so exit 1 as with every other format.
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let checks = run.stdout[run.stdout.find("#### Checks").expect("a checks table")..].to_string();
    assert_tables_are_whole(&checks);
    insta::assert_snapshot!("sim_checks", checks);
    let sweep = markdown(&[
        "sim",
        "menus/tutorial.yaml",
        "--calls",
        "300",
        "--vary",
        "callers.patience=60,null",
        "--vary",
        "callers.barge_in=true,false",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&sweep);
    insta::assert_snapshot!("sim_sweep", sweep);
}

#[test]
fn compare_markdown_on_example_menus() {
    let _snapshots = common::snapshot_folder("markdown");
    let sampled = markdown(&[
        "compare",
        "tests/fixtures/compare/slow.yaml",
        "tests/fixtures/compare/fast.yaml",
        "--calls",
        "5000",
        "--seed",
        "1",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&sampled);
    insta::assert_snapshot!("compare_sampled", sampled);
    let exact = markdown(&[
        "compare",
        "tests/fixtures/compare/slow.yaml",
        "tests/fixtures/compare/fast.yaml",
        "--exact",
        "--format",
        "markdown",
    ]);
    assert_tables_are_whole(&exact);
    assert!(!exact.contains("95% interval"), "no intervals with --exact");
    insta::assert_snapshot!("compare_exact", exact);
}

/// Names that would break a table or render as something else come out as code spans holding
/// exactly the name (control characters made visible), in one cell, with no markup escaping.
#[test]
fn hostile_names_stay_text_in_their_cells() {
    let intents = [
        "pipe | and `tick`",
        "<script>alert(1)</script>",
        "**bold** _it_ ~~gone~~ $x^2$",
        "[click](https://example.com) www.example.com",
        "@octocat #1 :tada:",
        "ends in a backslash \\",
        "back\\|slash pipe",
        "``",
        " padded ",
        "new\nline and \u{1b}[2J",
    ];
    let yaml_quote = |s: &str| serde_json::to_string(s).expect("a JSON string is YAML");
    let mut traffic = String::from("intents:\n");
    for name in &intents {
        traffic.push_str(&format!("  {}: 1\n", yaml_quote(name)));
    }
    let queue = "q|ueue <b>";
    traffic.push_str(&format!(
        "arrivals: {{ calls_per_hour: 400 }}\nqueues:\n  {}: {{ agents: 5, handle_time: 120 }}\n",
        yaml_quote(queue)
    ));
    let node = "m|e`n*u_<i>";
    let served: Vec<String> = intents.iter().map(|n| yaml_quote(n)).collect();
    let menu = format!(
        "menu: hostile\nentry: {node}\ntraffic: \"t|*[x].intents.yaml\"\nnodes:\n  {node}:\n    say: Welcome.\n    options:\n      - {{ key: \"1\", say: \"For an agent, press 1.\", to: agent }}\n  agent: {{ type: transfer, queue: {queue}, serves: [{served}] }}\n",
        node = yaml_quote(node),
        queue = yaml_quote(queue),
        served = served.join(", ")
    );
    let dir = scratch();
    write(dir.path(), "t|*[x].intents.yaml", traffic);
    let file = "m|e_n*u [x](y) <b>.yaml";
    write(dir.path(), file, menu);

    let mut outputs = Vec::new();
    // (arguments, whether the output lists every intent and queue in a table)
    for (args, lists_names) in [
        (
            &[
                "sim", file, "--calls", "3000", "--flow", "--format", "markdown",
            ][..],
            true,
        ),
        (&["sim", file, "--exact", "--format", "markdown"], true),
        (
            &[
                "compare", file, file, "--calls", "500", "--format", "markdown",
            ],
            false,
        ),
        (
            &[
                "sim",
                file,
                "--calls",
                "300",
                "--check",
                "intent.@octocat #1 :tada:.abandoned<=0.5",
                "--format",
                "markdown",
            ],
            true,
        ),
    ] {
        let run = ivr_in(dir.path(), args);
        assert!(
            matches!(run.code, Some(0 | 1)),
            "ivr {args:?}:\n{}",
            run.stderr
        );
        assert_tables_are_whole(&run.stdout);
        outputs.push((args.to_vec(), lists_names, run.stdout));
    }
    let html_escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    // The text a code span of the name shows: control characters as escapes, the padding of a
    // name with spaces at both ends kept.
    let shown = |name: &str| {
        let visible = name.replace('\n', "\\n").replace('\u{1b}', "\\e");
        format!("<code>{}</code>", html_escape(&visible))
    };
    // In a table cell the same, but for one thing GitHub's table reader does: a backslash right
    // before a `|` comes out doubled.
    let shown_in_cell = |name: &str| shown(&name.replace("\\|", "\\\\|"));
    for (args, lists_names, text) in &outputs {
        let html = github_html(text);
        for bad in [
            "<script", "<a ", "<em>", "<del>", "<b>", "<i>", "math", "<br",
        ] {
            assert!(!html.contains(bad), "ivr {args:?}: `{bad}` in\n{html}");
        }
        let in_cell = |name: &str| html.contains(&format!("<td>{}</td>", shown_in_cell(name)));
        if *lists_names {
            for name in &intents {
                assert!(
                    in_cell(name),
                    "ivr {args:?}: {name:?} not in a cell of its own:\n{html}"
                );
            }
            assert!(in_cell(queue), "ivr {args:?}: the queue");
        }
        if args.contains(&"--flow") {
            assert!(in_cell(node), "the node id");
        }
        // The file name in the heading.
        assert!(
            html.contains(&shown(file)),
            "ivr {args:?}: the file name:\n{html}"
        );
    }
    let _snapshots = common::snapshot_folder("markdown");
    insta::assert_snapshot!("hostile_names_exact", &outputs[1].2);
}
