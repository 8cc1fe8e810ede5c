//! Running many calls: fixed blocks, each with its own random stream, on any number of threads.
//!
//! Calls are split into blocks of [`BLOCK`] calls. Block `b` draws from the seed's
//! xoshiro256++ stream jumped `b` times by 2^128 steps, so it sees the same numbers whatever
//! thread runs it; each call starts from a generator seeded by the block's next number, so call
//! `i` of two menus starts from the same state (`ivr compare`); the statistics are exact integer sums, so merging blocks in any order gives
//! the same figures to the last digit. `--threads` changes the speed, never the result.

use rand_distr::Distribution;
use rand_distr::weighted::WeightedAliasIndex;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

use super::engine::{Call, Outcome, simulate_call};
use super::program::Program;
use crate::stats::{IntHistogram, Sums, TimeHistogram, to_micros};

/// Calls per block.
pub const BLOCK: u64 = 1 << 16;

/// The random stream of block `block` under `seed`.
pub fn block_rng(seed: u64, block: u64) -> Xoshiro256PlusPlus {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    rng.jump_ce(block, 128);
    rng
}

/// Figures accumulated for one intent (a partial result stores them as they are).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentTally {
    pub outcomes: [u64; 7],
    pub inputs: IntHistogram,
    pub time: Sums,
    pub time_histogram: TimeHistogram,
    pub to_agent: Sums,
    pub to_agent_histogram: TimeHistogram,
    /// Calls that followed a confusion.
    pub confused: u64,
    /// Speech attempts recognised, rejected and misrecognised.
    pub speech: [u64; 3],
}

impl IntentTally {
    pub fn calls(&self) -> u64 {
        self.outcomes.iter().sum()
    }

    pub fn merge(&mut self, other: &IntentTally) {
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        self.inputs.merge(&other.inputs);
        self.time.merge(&other.time);
        self.time_histogram.merge(&other.time_histogram);
        self.to_agent.merge(&other.to_agent);
        self.to_agent_histogram.merge(&other.to_agent_histogram);
        self.confused += other.confused;
        for (a, b) in self.speech.iter_mut().zip(other.speech) {
            // Attempts per call are not bounded by the calls: saturate rather than wrap on
            // counts read from a partial result.
            *a = a.saturating_add(b);
        }
    }
}

/// Figures for every intent (overall figures are their merge), and for every caller group
/// when the file names groups.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    pub intents: Vec<IntentTally>,
    /// Per caller group, named (empty when the file names none).
    pub personas: Vec<(String, IntentTally)>,
    /// Whether the callers can be confused (the reports then give the `confused` share).
    pub confusable: bool,
    /// Whether the menu has speech nodes (the reports then give their figures).
    pub speech: bool,
}

impl Tally {
    pub fn new(intents: usize) -> Tally {
        Tally {
            intents: vec![IntentTally::default(); intents],
            ..Tally::default()
        }
    }

    /// An empty tally for the calls of `program`: per intent, per caller group if any.
    pub fn for_program(program: &Program) -> Tally {
        let personas = if program.persona_mix.is_empty() {
            Vec::new()
        } else {
            program
                .personas
                .iter()
                .map(|p| (p.name.clone(), IntentTally::default()))
                .collect()
        };
        Tally {
            intents: vec![IntentTally::default(); program.shares.len()],
            personas,
            confusable: program.can_confuse(),
            speech: super::program::SpeechWays::any(program),
        }
    }

    /// Adds one call of `intent`.
    #[inline]
    pub fn add(&mut self, intent: usize, call: &Call) {
        record(&mut self.intents[intent], call);
        if let Some((_, t)) = self.personas.get_mut(call.persona as usize) {
            record(t, call);
        }
    }

    pub fn merge(mut self, other: Tally) -> Tally {
        for (a, b) in self.intents.iter_mut().zip(&other.intents) {
            a.merge(b);
        }
        for ((_, a), (_, b)) in self.personas.iter_mut().zip(&other.personas) {
            a.merge(b);
        }
        self.confusable |= other.confusable;
        self.speech |= other.speech;
        self
    }

    pub fn overall(&self) -> IntentTally {
        let mut all = IntentTally::default();
        for t in &self.intents {
            all.merge(t);
        }
        all
    }
}

/// The random state of the next call: seeded from the block's stream, so that call `i` of two
/// menus (`ivr compare`) starts from the same state whatever the calls before it drew.
#[inline]
pub fn call_rng(stream: &mut Xoshiro256PlusPlus) -> Xoshiro256PlusPlus {
    use rand::Rng;
    Xoshiro256PlusPlus::seed_from_u64(stream.next_u64())
}

/// Adds one call to an intent's tally.
#[inline]
pub fn record(t: &mut IntentTally, call: &Call) {
    t.outcomes[call.outcome as usize] += 1;
    t.confused += u64::from(call.confused);
    for (a, b) in t.speech.iter_mut().zip(call.speech) {
        *a += u64::from(b);
    }
    t.inputs.record(call.inputs);
    let micros = to_micros(call.time);
    t.time.record(micros);
    t.time_histogram.record(micros);
    if call.outcome.reached_agent() {
        t.to_agent.record(micros);
        t.to_agent_histogram.record(micros);
    }
}

/// Runs the first `count` calls of block `block`, adding them to `tally`.
pub fn run_block(
    program: &Program,
    pick: &WeightedAliasIndex<f64>,
    seed: u64,
    block: u64,
    count: u64,
    tally: &mut Tally,
) {
    let mut grouped = ByIntent::default();
    run_block_grouped(program, pick, seed, block, count, tally, &mut grouped);
}

/// [`run_block`] with the room for grouping the calls by intent kept from block to block.
fn run_block_grouped(
    program: &Program,
    pick: &WeightedAliasIndex<f64>,
    seed: u64,
    block: u64,
    count: u64,
    tally: &mut Tally,
    grouped: &mut ByIntent,
) {
    let mut stream = grouped.block_stream(seed, block);
    grouped.each_call(
        &mut stream,
        pick,
        program.shares.len(),
        count,
        |intent, rng| {
            let call = simulate_call(program, intent, rng);
            tally.add(intent, &call);
        },
    );
}

/// Fewest intents for which a block's calls are run grouped by intent: below it every
/// intent's figures and routing stay in cache anyway, and grouping would only cost a pass.
const GROUP_FROM_INTENTS: usize = 16;

/// A block's calls, grouped by intent.
///
/// A call's figures depend only on its own random state (seeded from the block's stream
/// before the call draws its intent) and the tallies are exact sums, so the calls of a block
/// may run in any order and give the same figures to the last digit. Running each intent's
/// calls together keeps its routing row and its figures (histograms of several kilobytes)
/// in cache: on a menu of 500 intents, call after call in stream order touched memory spread
/// over megabytes. The room is kept from block to block (a few megabytes per worker, whatever
/// `--calls` is).
#[derive(Default)]
pub struct ByIntent {
    /// Each call's random state after drawing its intent, in stream order, then grouped.
    states: Vec<Xoshiro256PlusPlus>,
    grouped: Vec<Xoshiro256PlusPlus>,
    intents: Vec<u32>,
    /// Where each intent's calls start in `grouped` (then: where the next one goes).
    starts: Vec<u32>,
    /// The seed, block and start of the stream of the last block this worker ran: a worker
    /// takes blocks in increasing order, a few apart, so the next block's stream is a few
    /// fixed jumps from it (a general jump per block was 3% of a long run).
    last_stream: Option<(u64, u64, Xoshiro256PlusPlus)>,
}

impl ByIntent {
    /// The random stream of block `block` under `seed`: [`block_rng`], reached from the
    /// last block's stream when that is cheaper.
    pub fn block_stream(&mut self, seed: u64, block: u64) -> Xoshiro256PlusPlus {
        const FIXED_JUMPS_UP_TO: u64 = 64;
        let stream = match &self.last_stream {
            Some((s, b, rng)) if *s == seed && *b < block && block - b <= FIXED_JUMPS_UP_TO => {
                let mut rng = rng.clone();
                for _ in *b..block {
                    rng.jump();
                }
                rng
            }
            _ => block_rng(seed, block),
        };
        self.last_stream = Some((seed, block, stream.clone()));
        stream
    }

    /// Runs `count` calls from the block's `stream` (intents drawn by `pick` among
    /// `intents`): `call(intent, rng)` for each, with the random state the call has in stream
    /// order, grouped by intent when there are many intents.
    pub fn each_call(
        &mut self,
        stream: &mut Xoshiro256PlusPlus,
        pick: &WeightedAliasIndex<f64>,
        intents: usize,
        count: u64,
        mut call: impl FnMut(usize, &mut Xoshiro256PlusPlus),
    ) {
        if intents < GROUP_FROM_INTENTS || count < 2 * intents as u64 {
            for _ in 0..count {
                let mut rng = call_rng(stream);
                let intent = pick.sample(&mut rng);
                call(intent, &mut rng);
            }
            return;
        }
        self.states.clear();
        self.intents.clear();
        self.starts.clear();
        self.starts.resize(intents + 1, 0);
        for _ in 0..count {
            let mut rng = call_rng(stream);
            let intent = pick.sample(&mut rng);
            self.starts[intent + 1] += 1;
            self.states.push(rng);
            self.intents.push(intent as u32);
        }
        for i in 0..intents {
            self.starts[i + 1] += self.starts[i];
        }
        self.grouped.clear();
        self.grouped.extend_from_slice(&self.states);
        for (state, &intent) in self.states.iter().zip(&self.intents) {
            let at = &mut self.starts[intent as usize];
            self.grouped[*at as usize] = state.clone();
            *at += 1;
        }
        // `starts[i]` is now where intent `i + 1`'s calls start.
        let mut from = 0;
        for intent in 0..intents {
            let to = self.starts[intent] as usize;
            for rng in &mut self.grouped[from..to] {
                call(intent, rng);
            }
            from = to;
        }
    }
}

/// Options of a run.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub calls: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

/// Most calls one run may simulate.
pub const MAX_CALLS: u64 = 1_000_000_000_000;

/// Most worker threads: more than any machine has cores, and few enough to start in a moment
/// (each is an OS thread, all started before the first call is simulated).
pub const MAX_THREADS: usize = 1024;

impl RunOptions {
    /// A usage error naming the limit when `calls` or `threads` is out of range.
    pub fn validate(&self) -> Result<(), Box<Diagnostic>> {
        if self.calls == 0 || self.calls > MAX_CALLS {
            return Err(Box::new(Diagnostic::usage_error(format!(
                "--calls must be from 1 to {MAX_CALLS} (MAX_CALLS)"
            ))));
        }
        if self.threads > MAX_THREADS {
            return Err(Box::new(Diagnostic::usage_error(format!(
                "--threads must be at most {MAX_THREADS} (MAX_THREADS); 0 uses one per core"
            ))));
        }
        Ok(())
    }
}

/// Runs `calls` calls and returns the tally; `progress` hears of every finished block (calls).
pub fn run(program: &Program, options: RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Tally {
    let Ok(pick) = WeightedAliasIndex::new(program.shares.clone()) else {
        return Tally::for_program(program);
    };
    run_blocks(
        options,
        || (Tally::for_program(program), ByIntent::default()),
        |(tally, grouped), block, count| {
            run_block_grouped(program, &pick, options.seed, block, count, tally, grouped);
            progress(count);
        },
        |(a, grouped), (b, _)| (a.merge(b), grouped),
    )
    .0
}

/// Runs `options.calls` calls in blocks of [`BLOCK`] on `options.threads` threads: `block`
/// adds the first `count` calls of block `b` to a tally (`block(tally, b, count)`), and the
/// workers' tallies are merged at the end. The tallies must be exact sums, so that merging in
/// any order gives the same figures whatever the number of threads.
///
/// Each worker keeps one tally and takes the next block until none is left, so a run holds one
/// tally per thread whatever `--calls` is (splitting the blocks as a parallel iterator did made
/// a tally per piece, and a million calls over 400,000 intents held gigabytes of them).
pub fn run_blocks<T: Send>(
    options: RunOptions,
    empty: impl Fn() -> T + Sync + Send,
    block: impl Fn(&mut T, u64, u64) + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    run_block_range(options, 0..blocks(options.calls), empty, block, merge)
}

/// The blocks of a run of `calls` calls.
pub fn blocks(calls: u64) -> u64 {
    calls.div_ceil(BLOCK)
}

/// [`run_blocks`] over the blocks `range` only (of a run of `options.calls` calls).
pub fn run_block_range<T: Send>(
    options: RunOptions,
    range: std::ops::Range<u64>,
    empty: impl Fn() -> T + Sync + Send,
    block: impl Fn(&mut T, u64, u64) + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    use std::sync::atomic::{AtomicU64, Ordering};
    let blocks = range.end.min(blocks(options.calls));
    let next = AtomicU64::new(range.start);
    let work = || {
        let mut tally = empty();
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                return tally;
            }
            block(&mut tally, b, BLOCK.min(options.calls - b * BLOCK));
        }
    };
    let reduce = || {
        let count = blocks.saturating_sub(range.start);
        let workers = rayon::current_num_threads().clamp(1, count.max(1) as usize);
        (0..workers)
            .into_par_iter()
            .with_max_len(1)
            .map(|_| work())
            .reduce(&empty, &merge)
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
    {
        Ok(pool) => pool.install(reduce),
        Err(_) => reduce(),
    }
}

/// The index of an outcome in a tally's `outcomes`.
pub fn outcome_index(outcome: Outcome) -> usize {
    outcome as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker's next block stream, reached by fixed jumps or not, is the block's stream.
    #[test]
    fn block_streams_reached_by_jumps_are_the_blocks_streams() {
        let mut room = ByIntent::default();
        for (seed, block) in [
            (3, 0),
            (3, 1),
            (3, 4),
            (3, 70),
            (3, 200),
            (3, 2),
            (5, 3),
            (5, 3),
        ] {
            assert_eq!(room.block_stream(seed, block), block_rng(seed, block));
        }
    }

    /// Calls grouped by intent (a menu of 40 intents) give the figures of the same calls run
    /// in stream order, on one thread or two, for whole and partial blocks.
    #[test]
    fn grouping_calls_by_intent_changes_no_figure() {
        use crate::document::{Document, load_document};
        use crate::source::SourceFile;
        let limits = crate::yaml::Limits::DEFAULT;
        let menu = SourceFile::new("tree.yaml", crate::generate::tree_menu(3, 4, 40));
        let intents = SourceFile::new("tree.intents.yaml", crate::generate::tree_intents(40));
        let (Ok(Document::Menu(menu)), Ok(Document::Intents(intents))) = (
            load_document(&menu, &limits),
            load_document(&intents, &limits),
        ) else {
            panic!("generated files load")
        };
        let program = Program::compile(&menu, &intents);
        assert!(program.shares.len() >= GROUP_FROM_INTENTS);
        let pick = WeightedAliasIndex::new(program.shares.clone()).unwrap();
        let calls = BLOCK + 1_000;
        let mut in_order = Tally::for_program(&program);
        for block in 0..blocks(calls) {
            let mut stream = block_rng(9, block);
            for _ in 0..BLOCK.min(calls - block * BLOCK) {
                let mut rng = call_rng(&mut stream);
                let intent = pick.sample(&mut rng);
                in_order.add(intent, &simulate_call(&program, intent, &mut rng));
            }
        }
        for threads in [1, 2] {
            let options = RunOptions {
                calls,
                seed: 9,
                threads,
            };
            assert_eq!(run(&program, options, &|_| {}), in_order);
        }
    }

    /// Every block runs once with its own count, whatever the number of threads.
    #[test]
    fn run_blocks_covers_every_call_once_on_any_number_of_threads() {
        let calls = 3 * BLOCK + 5;
        let options = |threads| RunOptions {
            calls,
            seed: 7,
            threads,
        };
        // The (block, count) pairs a run of `range` tallies, in order.
        let blocks_seen = |threads, range: Option<std::ops::Range<u64>>| {
            let record = |tally: &mut Vec<(u64, u64)>, block, count| tally.push((block, count));
            let join = |mut a: Vec<(u64, u64)>, b| {
                a.extend(b);
                a
            };
            let mut seen = match range {
                None => run_blocks(options(threads), Vec::new, record, join),
                Some(range) => run_block_range(options(threads), range, Vec::new, record, join),
            };
            seen.sort_unstable();
            seen
        };
        let expected = vec![(0, BLOCK), (1, BLOCK), (2, BLOCK), (3, 5)];
        assert_eq!(blocks_seen(1, None), expected);
        assert_eq!(blocks_seen(3, None), expected);
        // A range of blocks (a shard's) runs those blocks with the counts they have in the
        // whole run, and a range past the last block runs nothing.
        let ranged = |range| blocks_seen(2, Some(range));
        assert_eq!(ranged(2..4), expected[2..].to_vec());
        assert_eq!(ranged(0..1), expected[..1].to_vec());
        assert_eq!(ranged(3..9), expected[3..].to_vec());
        assert!(ranged(5..9).is_empty());
        let none = RunOptions {
            calls: 0,
            seed: 7,
            threads: 2,
        };
        assert_eq!(
            run_blocks(none, || 0u64, |t, _, c| *t += c, |a, b| a + b),
            0
        );
    }
}
