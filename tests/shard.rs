//! `--shard I/N --format partial` and `ivr merge`: the shards of a run, merged, print exactly
//! what the unsharded run prints; partials that do not belong together are refused.

mod common;

use std::path::{Path, PathBuf};

use common::{ivr, ivr_in};

/// A menu without queues, and one with a speech node, caller groups and confusion.
const UTILITY: &str = "menus/electricity-utility.yaml";
const SPEECH: &str = "tests/fixtures/shard/speech-groups.yaml";
const SLOW: &str = "tests/fixtures/compare/slow.yaml";
const FAST: &str = "tests/fixtures/compare/fast.yaml";
/// Two menus on a traffic file that describes a day of four half hours through one queue.
const DAY_AGENT: &str = "tests/fixtures/shard/day-agent.yaml";
const DAY_SELF: &str = "tests/fixtures/shard/day-self.yaml";
/// A menu whose traffic goes through agent queues in steady state (calls per hour).
const STEADY: &str = "menus/retail-bank.yaml";

/// Four blocks of calls and one call more: shards cut between blocks, and with five shards one
/// of them has no block at all.
const CALLS: &str = "196609";

/// Writes each shard's partial result of `ivr ARGS --shard I/N --format partial` into `dir`
/// and returns the files, last shard first (merging takes them in any order).
fn shards(dir: &Path, args: &[&str], n: u64, threads: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for i in (0..n).rev() {
        let shard = format!("{i}/{n}");
        let mut all = args.to_vec();
        all.extend([
            "--shard",
            &shard,
            "--format",
            "partial",
            "--threads",
            threads,
        ]);
        let run = ivr(&all);
        assert!(run.success(), "ivr {all:?}: {}", run.stderr);
        let file = dir.join(format!("shard-{i}-of-{n}.json"));
        std::fs::write(&file, &run.stdout).unwrap();
        files.push(file);
    }
    files
}

/// `ivr merge FILES EXTRA`: its stdout.
fn merged(files: &[PathBuf], extra: &[&str]) -> String {
    let mut args = vec!["merge".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = ivr(&args);
    assert!(run.success(), "ivr {args:?}: {}", run.stderr);
    run.stdout
}

/// stdout of an unsharded run.
fn whole(args: &[&str]) -> String {
    let run = ivr(args);
    assert!(run.success(), "ivr {args:?}: {}", run.stderr);
    run.stdout
}

fn with(args: &[&str], more: &[&str]) -> Vec<String> {
    args.iter().chain(more).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The formats every kind of run prints.
const FORMATS: [&[&str]; 4] = [
    &["--format", "json"],
    &["--format", "human"],
    &["--format", "csv"],
    &["--format", "markdown"],
];

/// [`FORMATS`] and the flow table of a single menu's run.
const FORMATS_AND_FLOW: [&[&str]; 5] = [
    &["--format", "json"],
    &["--format", "human"],
    &["--format", "csv"],
    &["--format", "csv", "--flow"],
    &["--format", "markdown"],
];

/// Cuts `ivr RUN` into `n` shards on `threads` threads and asserts that merging them prints
/// what the unsharded run prints, with the same exit code, for each of `outputs` (formats or
/// checks). Returns the shards' files.
fn assert_merges_to_whole(
    dir: &Path,
    run: &[&str],
    n: u64,
    threads: &str,
    outputs: &[&[&str]],
) -> Vec<PathBuf> {
    let files = shards(dir, run, n, threads);
    for output in outputs {
        let mut args = vec!["merge".to_string()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(output.iter().map(|s| s.to_string()));
        let (merged, single) = (ivr(&strs(&args)), ivr(&strs(&with(run, output))));
        assert!(
            !single.stdout.is_empty(),
            "ivr {run:?} {output:?}: {}",
            single.stderr
        );
        assert_eq!(
            (merged.stdout, merged.code),
            (single.stdout, single.code),
            "{run:?}: {n} shards on {threads} threads, {output:?}"
        );
    }
    files
}

/// Asserts that `ivr merge FILES --format html` draws the page the unsharded `ivr RUN --format
/// html` draws, but for the minute each was written.
fn assert_merged_page_is_whole(dir: &Path, run: &[&str], files: &[PathBuf]) {
    let (whole_page, merged_page) = (dir.join("whole.html"), dir.join("merged.html"));
    let (w, m) = (
        whole_page.display().to_string(),
        merged_page.display().to_string(),
    );
    let single = ivr(&strs(&with(
        run,
        &["--format", "html", "-o", &w, "--force"],
    )));
    assert!(single.success(), "ivr {run:?}: {}", single.stderr);
    merged(files, &["--format", "html", "-o", &m, "--force"]);
    let read = |path: &Path| without_date(&std::fs::read_to_string(path).unwrap());
    assert_eq!(read(&merged_page), read(&whole_page), "{run:?}: the page");
}

#[test]
fn merged_shards_print_the_unsharded_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for (menu, seed, n, threads) in [
        (UTILITY, "1", 1, "2"),
        (UTILITY, "1", 2, "1"),
        (UTILITY, "7", 3, "2"),
        (SPEECH, "3", 5, "1"),
        (SPEECH, "11", 4, "2"),
    ] {
        let run = ["sim", menu, "--calls", CALLS, "--seed", seed];
        assert_merges_to_whole(dir.path(), &run, n, threads, &FORMATS_AND_FLOW);
    }
}

#[test]
fn shards_that_tallied_each_intents_flow_merge_to_either_flow() {
    let dir = tempfile::tempdir().unwrap();
    let run = [
        "sim",
        SPEECH,
        "--calls",
        CALLS,
        "--seed",
        "2",
        "--by-intent",
    ];
    let files = shards(dir.path(), &run, 3, "2");
    let json = ["--format", "json"];
    assert_eq!(
        merged(&files, &["--format", "json", "--by-intent"]),
        whole(&strs(&with(&run, &json)))
    );
    // Without --by-intent, the overall flow is the sum of the intents' flows.
    let plain = [
        "sim", SPEECH, "--calls", CALLS, "--seed", "2", "--format", "json",
    ];
    assert_eq!(merged(&files, &json), whole(&plain));
}

#[test]
fn merged_compare_shards_print_the_unsharded_comparison() {
    let dir = tempfile::tempdir().unwrap();
    for (n, seed, threads) in [(2, "5", "1"), (3, "9", "2")] {
        let run = ["compare", SLOW, FAST, "--calls", CALLS, "--seed", seed];
        assert_merges_to_whole(dir.path(), &run, n, threads, &FORMATS);
    }
}

#[test]
fn merged_sweep_shards_print_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let run = [
        "sim",
        SPEECH,
        "--calls",
        "20000",
        "--seed",
        "4",
        "--vary",
        "callers.mistake_rate=0.01,0.05,0.1",
        "--vary",
        "nodes.front.accuracy=0.7,0.9",
    ];
    // Six grid points in four shards (one or two each), and in more shards than points.
    for n in [4, 7] {
        assert_merges_to_whole(dir.path(), &run, n, "2", &FORMATS);
    }
}

#[test]
fn a_day_of_queues_is_sharded_by_days_and_merges_to_the_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    // 70,000 calls are two blocks and five days are five: with seven shards some run no
    // block, some no day, and some neither.
    for (seed, n, threads, days) in [
        ("1", 1, "2", "5"),
        ("1", 2, "1", "5"),
        ("8", 3, "2", "5"),
        ("4", 7, "1", "5"),
        ("4", 4, "2", "2"),
    ] {
        let run = [
            "sim", DAY_SELF, "--calls", "70000", "--seed", seed, "--days", days,
        ];
        let mut outputs = FORMATS_AND_FLOW.to_vec();
        outputs.push(&["--check", "queue.general.service_level>=0.5"]);
        assert_merges_to_whole(dir.path(), &run, n, threads, &outputs);
    }
}

#[test]
fn a_comparison_through_a_day_of_queues_is_sharded_by_days() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, n, threads) in [("2", 2, "1"), ("6", 5, "2")] {
        let run = [
            "compare", DAY_AGENT, DAY_SELF, "--calls", "70000", "--seed", seed, "--days", "4",
        ];
        assert_merges_to_whole(dir.path(), &run, n, threads, &FORMATS);
    }
}

#[test]
fn a_sweep_through_queues_is_sharded_by_whole_points() {
    let dir = tempfile::tempdir().unwrap();
    let steady = [
        "sim",
        STEADY,
        "--calls",
        "30000",
        "--seed",
        "5",
        "--vary",
        "callers.patience=60,300",
        "--vary",
        "callers.mistake_rate=0.02,0.1",
    ];
    let day = [
        "sim",
        DAY_AGENT,
        "--calls",
        "20000",
        "--seed",
        "3",
        "--days",
        "3",
        "--vary",
        "callers.patience=30,60,null",
    ];
    for (run, n, threads) in [(&steady[..], 3, "2"), (&steady, 5, "1"), (&day, 2, "2")] {
        let files = assert_merges_to_whole(dir.path(), run, n, threads, &FORMATS);
        assert_merged_page_is_whole(dir.path(), run, &files);
    }
}

#[test]
fn damaged_queue_tallies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = ["sim", DAY_SELF, "--calls", "1000", "--days", "3"];
    let files = shards(dir.path(), &run, 1, "1");
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let queues =
        |v: &mut serde_json::Value| -> serde_json::Value { v["tallies"]["sim"]["queues"].take() };
    let mut cases: Vec<(&str, serde_json::Value)> = Vec::new();
    let mut day_fewer = good.clone();
    day_fewer["tallies"]["sim"]["queues"]["days"]
        .as_array_mut()
        .unwrap()
        .pop();
    cases.push(("a day missing", day_fewer));
    let mut none = good.clone();
    queues(&mut none);
    cases.push(("no queue tallies", none));
    let mut interval_fewer = good.clone();
    interval_fewer["tallies"]["sim"]["queues"]["stage"]["queues"][0]
        .as_array_mut()
        .unwrap()
        .pop();
    cases.push(("an interval missing", interval_fewer));
    for (what, value) in cases {
        let file = dir.path().join("bad.json");
        std::fs::write(&file, value.to_string()).unwrap();
        let stderr = ivr(&["merge", &file.display().to_string()]).failure(2);
        assert!(
            stderr.contains("the tallies do not fit the run") && stderr.contains("queue"),
            "{what}: {stderr}"
        );
    }
}

#[test]
fn gates_decide_on_the_merged_figures() {
    let dir = tempfile::tempdir().unwrap();
    let run = ["sim", UTILITY, "--calls", CALLS];
    let files = shards(dir.path(), &run, 2, "2");
    for check in ["abandoned<=0.5", "time.p90<=5"] {
        let gate = ["--check", check, "--format", "json"];
        let mut args = vec!["merge".to_string()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(gate.iter().map(|s| s.to_string()));
        let merged = ivr(&strs(&args));
        let single = ivr(&strs(&with(&run, &gate)));
        assert_eq!(merged.stdout, single.stdout, "{check}");
        assert_eq!(merged.code, single.code, "{check}");
    }
}

#[test]
fn a_partial_result_round_trips() {
    let run = ivr(&[
        "sim", SPEECH, "--calls", "1000", "--shard", "0/1", "--format", "partial",
    ]);
    assert!(run.success(), "{}", run.stderr);
    let partial: ivr::sim::shard::Partial = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(partial.to_json(), run.stdout);
    assert_eq!(partial.version, ivr::sim::shard::PARTIAL_VERSION);
    assert_eq!(partial.run.calls, 1000);
    // The sums wider than 64 bits are decimal strings.
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let time = &value["tallies"]["sim"]["tally"]["intents"][0]["time"];
    assert!(time["sum"].is_string(), "{time}");
    // Without --shard, `--format partial` is the whole run as one shard.
    let whole = ivr(&["sim", SPEECH, "--calls", "1000", "--format", "partial"]);
    assert_eq!(whole.stdout, run.stdout);
}

/// Runs `ivr merge` on `files` in `dir`, expecting exit code 2, and returns stderr.
fn refused(dir: &Path, files: &[&str]) -> String {
    let mut args = vec!["merge"];
    args.extend(files);
    ivr_in(dir, &args).failure(2)
}

/// A folder with the SLOW menu and its traffic, and `ivr sim` shards of it (`N`, seed).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["slow.yaml", "callers.intents.yaml", "fast.yaml"] {
        std::fs::copy(
            Path::new("tests/fixtures/compare").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    dir
}

fn shard_in(dir: &Path, name: &str, args: &[&str]) {
    let mut all = vec![
        "sim",
        "slow.yaml",
        "--calls",
        "140000",
        "--format",
        "partial",
    ];
    all.extend(args);
    let run = ivr_in(dir, &all);
    assert!(run.success(), "{}", run.stderr);
    std::fs::write(dir.join(name), run.stdout).unwrap();
}

#[test]
fn merging_refuses_partials_that_are_not_one_run() {
    let dir = scratch();
    let d = dir.path();
    shard_in(d, "a0.json", &["--shard", "0/2"]);
    shard_in(d, "a1.json", &["--shard", "1/2"]);
    shard_in(d, "seed1.json", &["--shard", "1/2", "--seed", "1"]);
    shard_in(d, "three.json", &["--shard", "1/3"]);
    let stderrs = [
        ("a missing shard", refused(d, &["a0.json"])),
        (
            "a shard twice",
            refused(d, &["a0.json", "a1.json", "a1.json"]),
        ),
        ("another seed", refused(d, &["a0.json", "seed1.json"])),
        (
            "another count of shards",
            refused(d, &["a0.json", "three.json"]),
        ),
    ];
    // A menu edited after the shards ran.
    let menu = std::fs::read_to_string(d.join("slow.yaml")).unwrap();
    std::fs::write(
        d.join("slow.yaml"),
        menu.replace("Welcome to the bank.", "Hello."),
    )
    .unwrap();
    let changed = refused(d, &["a0.json", "a1.json"]);
    // Shards of the edited menu against the others.
    shard_in(d, "b1.json", &["--shard", "1/2"]);
    let mixed = refused(d, &["a0.json", "b1.json"]);
    let mut all = String::new();
    for (what, stderr) in stderrs
        .into_iter()
        .chain([("the menu changed since", changed), ("another menu", mixed)])
    {
        all.push_str(&format!("--- {what}\n{stderr}"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn bad_partial_files_are_input_errors_at_their_position() {
    let dir = scratch();
    let d = dir.path();
    shard_in(d, "good.json", &[]);
    let good = std::fs::read_to_string(d.join("good.json")).unwrap();
    let cases: [(&str, String); 8] = [
        (
            "not JSON",
            "{\n  \"format\": \"ivr-partial\",\n  oops\n}\n".to_string(),
        ),
        ("another file", "{\"menu\": \"x\"}\n".to_string()),
        (
            "a later version",
            good.replacen(
                &format!("\"version\":{}", ivr::sim::shard::PARTIAL_VERSION),
                "\"version\":99",
                1,
            ),
        ),
        ("cut short", good[..good.len() / 2].to_string()),
        (
            "a count that is not a number",
            good.replacen("\"calls\":140000", "\"calls\":\"many\"", 1),
        ),
        (
            "a sum that is not a whole number",
            good.replacen("\"sum\":\"", "\"sum\":\"-", 1),
        ),
        (
            "eight outcomes",
            good.replacen("\"outcomes\":[", "\"outcomes\":[7,", 1),
        ),
        (
            "more confused calls than calls",
            good.replacen("\"confused\":", "\"confused\":1000000", 1),
        ),
    ];
    let mut all = String::new();
    for (what, text) in cases {
        std::fs::write(d.join("bad.json"), text).unwrap();
        let stderr = refused(d, &["bad.json"]);
        all.push_str(&format!("--- {what}\n{stderr}"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn what_cannot_be_sharded_is_a_usage_error() {
    let cases = [
        &["sim", SLOW, "--shard", "0/2"][..],
        &["sim", SLOW, "--shard", "2/2", "--format", "partial"],
        &[
            "sim", SLOW, "--shard", "0/2", "--format", "partial", "--exact",
        ],
        &[
            "sim",
            SLOW,
            "--shard",
            "0/2",
            "--format",
            "partial",
            "--check",
            "abandoned<=0.1",
        ],
        &[
            "sim",
            "menus/retail-bank.yaml",
            "--shard",
            "0/2",
            "--format",
            "partial",
        ],
        &[
            "compare", SLOW, FAST, "--shard", "0/2", "--format", "partial", "--exact",
        ],
        // One comparison through queues in steady state: no sweep to offer instead.
        &[
            "compare", STEADY, STEADY, "--shard", "0/2", "--format", "partial",
        ],
        &["merge", "tests/fixtures/shard/missing.json", "-o", "x.html"],
    ];
    let mut all = String::new();
    for args in cases {
        let stderr = ivr(args).failure(2);
        all.push_str(&format!("--- ivr {}\n{stderr}", args.join(" ")));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn partial_results_of_every_kind_follow_their_schema() {
    let printed = ivr(&["schema", "partial"]);
    assert!(printed.success(), "{}", printed.stderr);
    let schema: serde_json::Value = serde_json::from_str(&printed.stdout).unwrap();
    assert_eq!(schema, ivr::schema::partial());
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
    assert_eq!(
        schema["$id"],
        format!(
            "urn:ivr:schema:partial:{}",
            ivr::sim::shard::PARTIAL_VERSION
        )
    );
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let partial = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--format", "partial"]);
        let run = ivr(&all);
        assert!(run.success(), "{}", run.stderr);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    };
    for args in [
        &["sim", SPEECH, "--calls", "3000", "--by-intent"][..],
        // A shard with no block of calls: empty flows.
        &["sim", SPEECH, "--calls", "3000", "--shard", "0/2"],
        &["compare", SLOW, FAST, "--calls", "3000"],
        &[
            "sim",
            SPEECH,
            "--calls",
            "500",
            "--vary",
            "callers.patience=30,60",
        ],
        &["sim", DAY_SELF, "--calls", "500", "--days", "2"],
        &[
            "compare", DAY_AGENT, DAY_SELF, "--calls", "500", "--days", "2",
        ],
        &[
            "sim",
            STEADY,
            "--calls",
            "500",
            "--vary",
            "callers.patience=30,60",
        ],
    ] {
        let value = partial(args);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
    // A renamed field is refused.
    let mut renamed = partial(&["sim", SPEECH, "--calls", "100"]);
    let run = renamed["run"].as_object_mut().unwrap();
    let calls = run.remove("calls").unwrap();
    run.insert("n_calls".into(), calls);
    assert!(!validator.is_valid(&renamed));
}

#[test]
fn merged_sweeps_and_comparisons_draw_the_unsharded_page() {
    let dir = tempfile::tempdir().unwrap();
    let run = [
        "sim",
        SPEECH,
        "--calls",
        "2000",
        "--vary",
        "callers.patience=30,60,90",
    ];
    let files = shards(dir.path(), &run, 2, "1");
    assert_merged_page_is_whole(dir.path(), &run, &files);
    // The comparison's page, at the place `ivr compare` writes it, the same but for the time
    // it was written.
    let dir = scratch();
    let d = dir.path();
    for (n, threads) in [(1, "1"), (3, "2")] {
        let mut files = Vec::new();
        for i in 0..n {
            let shard = format!("{i}/{n}");
            let args = [
                "compare",
                "slow.yaml",
                "fast.yaml",
                "--calls",
                "140000",
                "--seed",
                "3",
                "--threads",
                threads,
                "--shard",
                &shard,
                "--format",
                "partial",
            ];
            let run = ivr_in(d, &args);
            assert!(run.success(), "{}", run.stderr);
            let name = format!("c{i}.json");
            std::fs::write(d.join(&name), run.stdout).unwrap();
            files.push(name);
        }
        let mut merge = vec!["merge", "--format", "html"];
        merge.extend(files.iter().map(String::as_str));
        let run = ivr_in(d, &merge);
        assert!(run.success(), "{}", run.stderr);
        let page = d.join("slow-vs-fast.compare.html");
        let merged_page = std::fs::read_to_string(&page).unwrap();
        std::fs::remove_file(&page).unwrap();
        let whole = [
            "compare",
            "slow.yaml",
            "fast.yaml",
            "--calls",
            "140000",
            "--seed",
            "3",
            "--format",
            "html",
        ];
        assert!(ivr_in(d, &whole).success());
        let whole_page = std::fs::read_to_string(&page).unwrap();
        std::fs::remove_file(&page).unwrap();
        assert_eq!(
            without_date(&merged_page),
            without_date(&whole_page),
            "{n} shards"
        );
        assert!(merged_page.contains("data-field=\"date\""));
    }
    // Through a day of queues too.
    let tmp = tempfile::tempdir().unwrap();
    let run = [
        "compare", DAY_AGENT, DAY_SELF, "--calls", "70000", "--seed", "1", "--days", "3",
    ];
    let files = shards(tmp.path(), &run, 4, "2");
    assert_merged_page_is_whole(tmp.path(), &run, &files);
}

/// A page without the minute it was written (`<dd data-field="date">...</dd>`).
fn without_date(page: &str) -> String {
    let start = page.find("data-field=\"date\">").expect("a date");
    let end = start + page[start..].find("</dd>").unwrap();
    format!("{}{}", &page[..start], &page[end..])
}
