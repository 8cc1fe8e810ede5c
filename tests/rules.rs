//! Per-rule fixtures (`tests/fixtures/rules/<rule>/{pass_*,fail_*}.yaml`) linted in-process with
//! only their rule switched on, snapshotted per rule in `tests/snapshots/rules/<rule>/`; the
//! conventions every rule follows; and a brute-force check of the time-optimal order
//! `popular-first` suggests.

use std::path::{Path, PathBuf};

mod common;

use common::{ivr, root};
use ivr::callers::CallerModel;
use ivr::callers::listening::{listening_cost, option_weights};
use ivr::commands::lint::{LintRequest, lint_paths};
use ivr::diagnostic::RenderStyle;
use ivr::lint::LintReport;
use ivr::lint::registry::RULES;

/// The fixture folder of every rule.
fn fixtures() -> PathBuf {
    root().join("tests/fixtures/rules")
}

/// Lints one file as `ivr lint` does, with a configuration that switches off every rule but
/// `rule`, which keeps its default severity and options. `unused-allow` is the exception: an
/// allow is stale only when the rule it names runs and finds nothing there, so its fixtures run
/// with every rule (and show only its findings all the same, as the test checks).
fn lint_with_only(rule: &str, path: &str, scratch: &Path) -> LintReport {
    let off: Vec<String> = RULES
        .iter()
        .filter(|r| r.name != rule && rule != "unused-allow")
        .map(|r| format!("{}: off", r.name))
        .collect();
    let config = format!("rules: {{ {} }}\n", off.join(", "));
    let config_path = common::write(scratch, &format!("{rule}.ivr.yaml"), config);
    let request = LintRequest {
        paths: vec![PathBuf::from(path)],
        intents: None,
        config: Some(config_path),
        ..LintRequest::default()
    };
    lint_paths(&request).unwrap_or_else(|e| panic!("{}", common::load::rendered(&e)))
}

#[test]
fn rule_fixtures() {
    let scratch = common::scratch();
    insta::glob!("fixtures/rules/*/*.yaml", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.ends_with(".intents.yaml") {
            return;
        }
        let rule = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let relative = path.strip_prefix(root()).unwrap().to_str().unwrap();
        let relative = relative.replace('\\', "/");

        let report = lint_with_only(rule, &relative, scratch.path());
        let human = ivr::render::lint::human::render(&report, RenderStyle::PLAIN, false);
        let json = ivr::render::lint::json::render(&report);
        {
            let _folder = common::snapshot_folder(&format!("rules/{rule}"));
            let mut settings = insta::Settings::clone_current();
            settings.remove_snapshot_suffix();
            let stem = name.trim_end_matches(".yaml");
            settings.bind(|| {
                insta::assert_snapshot!(format!("{stem}.human"), human);
                insta::assert_snapshot!(format!("{stem}.json"), json);
            });
        }

        for d in &report.diagnostics {
            assert_eq!(
                d.code, rule,
                "{relative}: a finding of another rule, with only `{rule}` on: {}",
                d.message
            );
        }
        let of_rule = report.diagnostics.len();
        if name.starts_with("fail_") {
            assert!(of_rule > 0, "{relative} should break `{rule}`");
        } else if name.starts_with("pass_") {
            assert_eq!(of_rule, 0, "{relative} should not break `{rule}`");
        } else {
            panic!("{relative}: fixture names start with `pass_` or `fail_`");
        }
    });
}

const HEADINGS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## Instead",
    "## Options",
];

/// Names of the fixtures in one rule's folder.
fn fixture_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") && !n.ends_with(".intents.yaml"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_rule_follows_the_conventions() {
    let listing = ivr(&["rules"]);
    assert_eq!(listing.code, Some(0));
    let listing = listing.stdout;
    for rule in RULES {
        let doc = rule.documentation();
        for heading in HEADINGS {
            assert!(
                doc.lines().any(|l| l.trim_end() == heading),
                "the documentation of `{}` has no `{heading}`",
                rule.name
            );
        }
        let names = fixture_names(&fixtures().join(rule.name));
        assert!(
            names.iter().any(|n| n.starts_with("pass_")),
            "`{}` has no tests/fixtures/rules/{}/pass_*.yaml",
            rule.name,
            rule.name
        );
        assert!(
            names.iter().any(|n| n.starts_with("fail_")),
            "`{}` has no tests/fixtures/rules/{}/fail_*.yaml",
            rule.name,
            rule.name
        );
        assert!(
            listing
                .lines()
                .any(|l| l.split_whitespace().next() == Some(rule.name)),
            "`ivr rules` does not list `{}`",
            rule.name
        );
        let shown = ivr(&["rule", rule.name]);
        assert_eq!(shown.code, Some(0), "ivr rule {}", rule.name);
        assert!(
            shown.stdout.contains(doc.trim()),
            "`ivr rule {}` does not print its documentation",
            rule.name
        );
    }
}

#[test]
fn every_fixture_folder_is_a_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            RULES.iter().any(|r| r.name == name),
            "tests/fixtures/rules/{name} names no rule"
        );
    }
}

#[test]
fn an_unknown_rule_name_suggests_the_nearest() {
    let output = ivr(&["rule", "popular-frist"]);
    assert_eq!(output.code, Some(2));
    let stderr = output.stderr;
    assert!(
        stderr.contains("did you mean `popular-first`"),
        "no suggestion in: {stderr}"
    );
}

/// xorshift64*: a fixed-seed random stream, enough for test cases.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Every permutation of `0..n` (Heap's algorithm).
fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn heap(k: usize, order: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if k <= 1 {
            out.push(order.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, order, out);
            let j = if k.is_multiple_of(2) { i } else { 0 };
            order.swap(j, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(n, &mut (0..n).collect(), &mut out);
    out
}

#[test]
fn smiths_rule_gives_the_least_listening_time() {
    let mut random = Random(0x1ce_b00d_f00d);
    for case in 0..500 {
        let n = 2 + (random.next() % 5) as usize;
        let callers = CallerModel {
            mistake_rate: random.uniform(0.0, 0.2),
            invalid_rate: random.uniform(0.0, 0.05),
            no_input_rate: random.uniform(0.0, 0.05),
            ..CallerModel::default()
        };
        let raw: Vec<f64> = (0..n).map(|_| random.uniform(0.0, 1.0)).collect();
        let total: f64 = raw.iter().sum();
        let p: Vec<f64> = raw.iter().map(|r| r / total).collect();
        let lengths: Vec<f64> = (0..n).map(|_| random.uniform(0.3, 6.0)).collect();
        let intro = random.uniform(0.0, 4.0);
        let weights = option_weights(&p, &callers);

        let mut smith: Vec<usize> = (0..n).collect();
        smith.sort_by(|&a, &b| (weights[b] / lengths[b]).total_cmp(&(weights[a] / lengths[a])));
        let cost = |order: &[usize]| listening_cost(order, &weights, &lengths, intro, true);
        let best = permutations(n)
            .iter()
            .map(|order| cost(order))
            .fold(f64::INFINITY, f64::min);
        assert!(
            cost(&smith) <= best + 1e-9,
            "case {case}: Smith's order {smith:?} costs {} s, the best order {best} s \
             (p {p:?}, lengths {lengths:?}, weights {weights:?})",
            cost(&smith)
        );
    }
}
