//! Queue speed: calls per second through the queue stage alone (calls drawn beforehand), the
//! random draws and arrival times that feed it, and the Erlang solver and staffing search.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ivr::queue::erlang::{QueueModel, Target, fewest_agents, solve};
use ivr::queue::stage::{Call, Counting, Offer, Stage, StageConfig, Transfer};
use ivr::queue::streams::{
    ArrivalClock, ArrivalRate, CallDrawSequence, HandleTime, Stream, patience, stream_rng,
    to_micros,
};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

const CALLS: u64 = 1 << 20;

/// A traffic shape: calls an hour, agents per queue, IVR seconds (mean, exponential; 0 for
/// none), share of misrouted calls.
struct Shape {
    name: &'static str,
    calls_per_hour: f64,
    agents: Vec<u32>,
    ivr: f64,
    misrouted: f64,
}

fn calls(shape: &Shape) -> Vec<Call> {
    let mut clock = ArrivalClock::new(ArrivalRate::Constant {
        calls_per_hour: shape.calls_per_hour,
    });
    let mut ivr = stream_rng(1, Stream::Ivr, 0, 0);
    let handle = HandleTime {
        mean: 120.0,
        cv: 1.0,
    };
    let queues = shape.agents.len() as u32;
    CallDrawSequence::new(1, 0)
        .take(CALLS as usize)
        .map(|draws| {
            let queue = ivr.random_range(0..queues);
            let transfer = (ivr.random::<f64>() < shape.misrouted).then(|| Transfer {
                queue: (queue + 1) % queues,
                patience: patience(Some(180.0), draws.patience[1]),
            });
            let ivr_seconds = shape.ivr * Distribution::<f64>::sample(&Exp1, &mut ivr);
            Call {
                arrival: clock.next_arrival(draws.gap).expect("no end"),
                offer: Some(Offer {
                    ivr: to_micros(ivr_seconds),
                    queue,
                    patience: patience(Some(180.0), draws.patience[0]),
                    handle: handle.sample(&draws),
                    transfer,
                    tag: 0,
                }),
            }
        })
        .collect()
}

fn stage(c: &mut Criterion) {
    let shapes = [
        Shape {
            name: "1 queue, 36 agents, no IVR",
            calls_per_hour: 1000.0,
            agents: vec![36],
            ivr: 0.0,
            misrouted: 0.0,
        },
        Shape {
            name: "1 queue, 36 agents, 90 s IVR",
            calls_per_hour: 1000.0,
            agents: vec![36],
            ivr: 90.0,
            misrouted: 0.0,
        },
        Shape {
            name: "1 queue, 520 agents, 90 s IVR",
            calls_per_hour: 15_000.0,
            agents: vec![520],
            ivr: 90.0,
            misrouted: 0.0,
        },
        Shape {
            name: "4 queues, 40 agents each, 90 s IVR, 5% misrouted",
            calls_per_hour: 4000.0,
            agents: vec![40; 4],
            ivr: 90.0,
            misrouted: 0.05,
        },
    ];
    let mut group = c.benchmark_group("queue stage");
    group.throughput(Throughput::Elements(CALLS));
    group.sample_size(10);
    for shape in &shapes {
        let input = calls(shape);
        group.bench_with_input(
            BenchmarkId::from_parameter(shape.name),
            &input,
            |b, input| {
                b.iter(|| {
                    let mut stage = Stage::new(StageConfig {
                        agents: shape.agents.iter().map(|&a| vec![a]).collect(),
                        answer_within: to_micros(20.0),
                        misroute_handle: to_micros(45.0),
                        counting: Counting::Steady {
                            warm_up: to_micros(3600.0),
                            calls: CALLS,
                            batches: 32,
                        },
                    })
                    .expect("valid staffing");
                    let mut answered = 0u64;
                    let mut sink = |o: ivr::queue::stage::Outcome| {
                        answered += u64::from(o.time_to_answer().is_some());
                    };
                    for &call in input {
                        stage.feed(call, &mut sink);
                    }
                    let tally = stage.finish(&mut sink);
                    (answered, tally.overall().offered)
                })
            },
        );
    }
    group.finish();
}

fn draws(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue draws");
    group.throughput(Throughput::Elements(CALLS));
    group.sample_size(10);
    group.bench_function("arrival, 2 patience, handle per call", |b| {
        b.iter(|| {
            let mut clock = ArrivalClock::new(ArrivalRate::Constant {
                calls_per_hour: 1000.0,
            });
            let handle = HandleTime {
                mean: 120.0,
                cv: 1.0,
            };
            let mut sum = 0u64;
            for d in CallDrawSequence::new(2, 0).take(CALLS as usize) {
                sum = sum
                    .wrapping_add(clock.next_arrival(d.gap).unwrap_or(0))
                    .wrapping_add(handle.sample(&d))
                    .wrapping_add(patience(Some(180.0), d.patience[0]));
            }
            sum
        })
    });
    group.finish();
}

fn erlang(c: &mut Criterion) {
    let mut group = c.benchmark_group("erlang");
    for (name, queue, agents) in [
        (
            "Erlang C, 33 Erlangs",
            QueueModel {
                calls_per_hour: 1000.0,
                handle_time: 120.0,
                patience: None,
            },
            38,
        ),
        (
            "Erlang A, 33 Erlangs",
            QueueModel {
                calls_per_hour: 1000.0,
                handle_time: 120.0,
                patience: Some(120.0),
            },
            36,
        ),
        (
            "Erlang A, 2000 Erlangs",
            QueueModel {
                calls_per_hour: 60_000.0,
                handle_time: 120.0,
                patience: Some(180.0),
            },
            2000,
        ),
    ] {
        group.bench_function(BenchmarkId::new("solve", name), |b| {
            b.iter(|| solve(&queue, agents, 20.0))
        });
        let target = Target {
            answer_within: 20.0,
            service_level: 0.8,
            max_occupancy: None,
        };
        group.bench_function(BenchmarkId::new("fewest agents 80/20", name), |b| {
            b.iter(|| fewest_agents(&queue, &target))
        });
    }
    group.finish();
}

criterion_group!(benches, stage, draws, erlang);
criterion_main!(benches);
