//! Simulation speed: calls per second on the big generated menu and on each example, the exact
//! solver, and the random generator alone (the floor a call's ~10 draws cannot beat).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ivr::document::{Document, load_document, load_intents, load_menu};
use ivr::intents::Intents;
use ivr::menu::Menu;
use ivr::sim::exact::exact_report;
use ivr::sim::program::Program;
use ivr::sim::queues::{QueuePlan, run_with_queues};
use ivr::sim::run::{RunOptions, block_rng, run};
use ivr::source::SourceFile;
use ivr::yaml::Limits;
use rand::Rng;

fn big() -> (Menu, Intents) {
    let limits = Limits::DEFAULT;
    let menu = SourceFile::new("big.yaml", ivr::generate::tree_menu(5, 5, 500));
    let intents = SourceFile::new("big.intents.yaml", ivr::generate::tree_intents(500));
    let (Ok(Document::Menu(m)), Ok(Document::Intents(i))) = (
        load_document(&menu, &limits),
        load_document(&intents, &limits),
    ) else {
        panic!("generated files load")
    };
    (*m, *i)
}

fn monte_carlo(c: &mut Criterion) {
    let (menu, intents) = big();
    let program = Program::compile(&menu, &intents);
    let calls = 1u64 << 20;
    let mut group = c.benchmark_group("monte carlo");
    group.throughput(Throughput::Elements(calls));
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("5x5 menu, 500 intents, threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    run(
                        &program,
                        RunOptions {
                            calls,
                            seed: 1,
                            threads,
                        },
                        &|_| {},
                    )
                })
            },
        );
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("menus");
    for name in [
        "mobile-operator",
        "retail-bank",
        "electricity-utility",
        "tutorial",
    ] {
        let limits = Limits::DEFAULT;
        let menu = load_menu(&root.join(format!("{name}.yaml")), &limits).unwrap();
        let intents = load_intents(&root.join(format!("{name}.intents.yaml")), &limits).unwrap();
        let program = Program::compile(&menu, &intents);
        group.bench_function(BenchmarkId::new("example, 2 threads", name), |b| {
            b.iter(|| {
                run(
                    &program,
                    RunOptions {
                        calls,
                        seed: 1,
                        threads: 2,
                    },
                    &|_| {},
                )
            })
        });
    }
    // The retail bank through its queues: the IVR walk on the workers, the queue stage on
    // the feeding thread.
    let limits = Limits::DEFAULT;
    let menu = load_menu(&root.join("retail-bank.yaml"), &limits).unwrap();
    let intents = load_intents(&root.join("retail-bank.intents.yaml"), &limits).unwrap();
    let program = Program::compile(&menu, &intents);
    let plan = QueuePlan::compile(&menu, &intents).expect("the retail bank has queues");
    group.bench_function("retail-bank through its queues, 2 threads", |b| {
        b.iter(|| {
            run_with_queues(
                &program,
                &plan,
                RunOptions {
                    calls,
                    seed: 1,
                    threads: 2,
                },
                ivr::commands::sim::DEFAULT_DAYS,
                &|_| {},
            )
        })
    });
    group.finish();

    let mut rng_group = c.benchmark_group("random generator");
    rng_group.throughput(Throughput::Elements(calls));
    rng_group.bench_function("xoshiro256++ next_u64", |b| {
        b.iter(|| {
            let mut rng = block_rng(1, 0);
            let mut x = 0u64;
            for _ in 0..calls {
                x ^= rng.next_u64();
            }
            x
        })
    });
    rng_group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut group = c.benchmark_group("end to end");
    group.sample_size(10);
    group.bench_function(
        "load, route and simulate 100,000 calls of retail-bank",
        |b| {
            b.iter(|| {
                let limits = Limits::DEFAULT;
                let menu = load_menu(&root.join("menus/retail-bank.yaml"), &limits).unwrap();
                let intents =
                    load_intents(&root.join("menus/retail-bank.intents.yaml"), &limits).unwrap();
                let program = Program::compile(&menu, &intents);
                let tally = run(
                    &program,
                    RunOptions {
                        calls: 100_000,
                        seed: 0,
                        threads: 0,
                    },
                    &|_| {},
                );
                ivr::sim::report::monte_carlo_report(
                    "retail-bank",
                    &program.intent_names,
                    &program.shares,
                    &tally,
                    100_000,
                    0,
                )
            })
        },
    );
    let (menu, intents) = big();
    // What `ivr sim` does around the calls on a big menu: the structural check, and the
    // report of 100,000 calls over 500 intents (quantile intervals per intent).
    group.bench_function("structural check of the 5x5 menu with 500 intents", |b| {
        b.iter(|| ivr::lint::structural_errors(&menu, Some(&intents)))
    });
    let program = Program::compile(&menu, &intents);
    let options = RunOptions {
        calls: 100_000,
        seed: 0,
        threads: 2,
    };
    group.bench_function("simulate 100,000 calls of the 5x5 menu, 2 threads", |b| {
        b.iter(|| run(&program, options, &|_| {}))
    });
    let tally = run(&program, options, &|_| {});
    group.bench_function("report of 100,000 calls over 500 intents", |b| {
        b.iter(|| {
            ivr::sim::report::monte_carlo_report(
                "big",
                &program.intent_names,
                &program.shares,
                &tally,
                100_000,
                0,
            )
        })
    });
    group.bench_function(
        "compile the 5x5 menu with 500 intents (routing policy)",
        |b| b.iter(|| Program::compile(&menu, &intents)),
    );
    let program = Program::compile(&menu, &intents);
    group.bench_function("exact solver, 5x5 menu with 500 intents", |b| {
        b.iter(|| exact_report("big", &program).unwrap())
    });
    group.finish();
}

criterion_group!(benches, monte_carlo, end_to_end);
criterion_main!(benches);
