//! Linting speed: one big generated menu, the human report of a tangled menu with thousands of
//! findings, and a folder of a thousand ordinary menus.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ivr::commands::lint::{LintRequest, lint_paths};
use ivr::diagnostic::RenderStyle;
use ivr::document::{Document, load_document};
use ivr::lint::Settings;
use ivr::source::SourceFile;
use ivr::yaml::Limits;

fn big_menu(c: &mut Criterion) {
    let limits = Limits::DEFAULT;
    let menu_source = SourceFile::new("big.yaml", ivr::generate::tree_menu(5, 5, 500));
    let intents_source = SourceFile::new("big.intents.yaml", ivr::generate::tree_intents(500));
    let Ok(Document::Menu(menu)) = load_document(&menu_source, &limits) else {
        panic!("menu")
    };
    let Ok(Document::Intents(intents)) = load_document(&intents_source, &limits) else {
        panic!("intents")
    };
    let settings = Settings::default();
    assert_eq!(menu.nodes.len(), 3907);
    c.bench_function("lint 5x5 menu (3,907 nodes, 500 intents)", |b| {
        b.iter(|| ivr::lint::lint_menu(&menu, Some(&intents), &settings))
    });
    c.bench_function("load 5x5 menu (3,907 nodes)", |b| {
        b.iter(|| load_document(&menu_source, &limits))
    });
}

/// The generated tangle of 2,279 menus and 2,279 self-service nodes (4,559 nodes, one intent
/// each): about 5,000 findings, most with a label on each input of a long path, one a loop
/// labelling hundreds of nodes. Linting it; routing its intents (what `popular-first` and
/// `understaffed` ask) the linter's way and through the simulator's whole policy; writing its
/// findings as JSON; drawing every finding as the human format does.
fn tangle(c: &mut Criterion) {
    let limits = Limits::DEFAULT;
    let (menu_text, intents_text) = ivr::generate::menus_and_services(2_279, 2_279);
    let menu_source = SourceFile::new("big.yaml", menu_text);
    let intents_source = SourceFile::new("big.intents.yaml", intents_text);
    let Ok(Document::Menu(menu)) = load_document(&menu_source, &limits) else {
        panic!("menu")
    };
    let Ok(Document::Intents(intents)) = load_document(&intents_source, &limits) else {
        panic!("intents")
    };
    let settings = Settings::default();
    let findings = ivr::lint::lint_menu(&menu, Some(&intents), &settings);
    let mut group = c.benchmark_group("tangle");
    group.sample_size(10);
    group.bench_function("load the tangle (406 KB)", |b| {
        b.iter(|| load_document(&menu_source, &limits))
    });
    group.bench_function(
        "lint 2,279 + 2,279 tangle (4,559 nodes, 2,279 intents)",
        |b| b.iter(|| ivr::lint::lint_menu(&menu, Some(&intents), &settings)),
    );
    let graph = ivr::menu::graph::MenuGraph::build(&menu);
    group.bench_function(
        "route its 2,279 intents from entry (the linter's searches, cut short)",
        |b| b.iter(|| ivr::menu::routing::intent_routes(&menu, &graph, &intents)),
    );
    group.bench_function(
        "route its 2,279 intents from entry (through the whole policy)",
        |b| {
            b.iter(|| {
                let policy = ivr::menu::routing::Policy::build(&menu, &graph, &intents);
                ivr::menu::routing::routes(&menu, &policy, &intents)
            })
        },
    );
    let report = ivr::lint::LintReport {
        files: 2,
        diagnostics: findings.clone(),
        ..Default::default()
    };
    group.bench_function(
        format!("write its {} findings as JSON", findings.len()),
        |b| b.iter(|| ivr::render::lint::json::render(&report).len()),
    );
    group.bench_function(
        format!("draw its {} findings (human format)", findings.len()),
        |b| {
            b.iter(|| {
                findings
                    .iter()
                    .map(|d| d.render(RenderStyle::PLAIN).len())
                    .sum::<usize>()
            })
        },
    );
    group.finish();
}

/// A chain of 3,000 menus ending at a complaint desk: whether each option leads only to
/// complaints is decided once for all nodes (searching from every option took 5 s).
fn complaint_chain(c: &mut Criterion) {
    let limits = Limits::DEFAULT;
    let source = SourceFile::new("chain.yaml", ivr::generate::complaint_chain(3_000));
    let Ok(Document::Menu(menu)) = load_document(&source, &limits) else {
        panic!("menu")
    };
    let settings = Settings::default();
    let mut group = c.benchmark_group("complaint chain");
    group.sample_size(10);
    group.bench_function("lint a chain of 3,000 menus to a complaint desk", |b| {
        b.iter(|| ivr::lint::lint_menu(&menu, None, &settings))
    });
    group.finish();
}

fn folder(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ivr-bench-folder-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("menus");
    let names = [
        "mobile-operator",
        "retail-bank",
        "electricity-utility",
        "tutorial",
    ];
    for i in 0..1000 {
        let name = names[i % names.len()];
        let text = std::fs::read_to_string(examples.join(format!("{name}.yaml"))).unwrap();
        std::fs::write(dir.join(format!("{i:04}-{name}.yaml")), text).unwrap();
        if i < names.len() {
            let intents =
                std::fs::read_to_string(examples.join(format!("{name}.intents.yaml"))).unwrap();
            std::fs::write(dir.join(format!("{name}.intents.yaml")), intents).unwrap();
        }
    }
    let request = LintRequest {
        paths: vec![dir.clone()],
        ..LintRequest::default()
    };
    // The same menus as they usually sit: each beside the intents file it names, 250 folders
    // of the four.
    let nested = std::env::temp_dir().join(format!("ivr-bench-folders-{}", std::process::id()));
    for i in 0..250 {
        let folder = nested.join(format!("d{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        for name in names {
            for file in [format!("{name}.yaml"), format!("{name}.intents.yaml")] {
                std::fs::copy(examples.join(&file), folder.join(&file)).unwrap();
            }
        }
    }
    let nested_request = LintRequest {
        paths: vec![nested.clone()],
        ..LintRequest::default()
    };
    let mut group = c.benchmark_group("folder");
    group.sample_size(10);
    group.bench_function("lint a folder of 1,000 example menus", |b| {
        b.iter(|| lint_paths(&request).unwrap())
    });
    group.bench_function(
        "lint 250 folders of the 4 example menus beside their intents",
        |b| b.iter(|| lint_paths(&nested_request).unwrap()),
    );
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&nested);
}

criterion_group!(benches, big_menu, tangle, complaint_chain, folder);
criterion_main!(benches);
