//! Random streams for the queue part of a call, and Poisson arrival times.
//!
//! Every call draws from four independent streams: the IVR part, its arrival gap, its queue
//! patience and its handle time. Each stream is the seed's xoshiro256++ sequence jumped
//! `(4 · day + kind) · 2^192 + block · 2^128` steps, where calls are cut into blocks of
//! [`BLOCK`] calls exactly as the IVR simulation does (its stream for block `b` is the
//! `kind = 0, day = 0` one). Jumps of 2^128 and 2^192 steps are cheap fixed jumps, so going
//! from one block (or day) to the next costs well under a microsecond; only reaching a far
//! block or day directly costs a general jump (about half a millisecond). A call takes a fixed number of draws from the arrival, patience and
//! handle streams whatever menu it goes through, so call `i` of two menus (`compare`) arrives
//! at the same time with the same patience and handle time; only the IVR stream depends on
//! the menu. A block can be generated on any thread: arrival gaps are drawn at unit rate and
//! turned into times by an [`ArrivalClock`] that the one thread feeding the queues owns.

use rand_distr::{Distribution, Exp1, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;

use super::Micros;

/// Calls per block (the IVR simulation's block size).
pub const BLOCK: u64 = 1 << 16;

/// Which part of a call a stream feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The IVR part (the menu walk).
    Ivr = 0,
    /// Arrival gaps.
    Arrivals = 1,
    /// Patience in the queues.
    Patience = 2,
    /// Handle times.
    Handle = 3,
}

/// Jumps `rng` by `count · 2^exponent` steps (`exponent` 128 or 192): a few fixed jumps when
/// `count` is small, else one general jump (the same state either way).
fn advance(rng: &mut Xoshiro256PlusPlus, count: u64, exponent: u32) {
    const FIXED_JUMPS_UP_TO: u64 = 64;
    if count > FIXED_JUMPS_UP_TO {
        rng.jump_ce(count, exponent);
        return;
    }
    for _ in 0..count {
        match exponent {
            128 => rng.jump(),
            192 => rng.long_jump(),
            _ => rng.jump_ce(1, exponent),
        }
    }
}

/// The random stream of `kind` for block `block` of day `day` under `seed`.
pub fn stream_rng(seed: u64, kind: Stream, day: u32, block: u64) -> Xoshiro256PlusPlus {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    advance(&mut rng, 4 * u64::from(day) + kind as u64, 192);
    advance(&mut rng, block, 128);
    rng
}

/// The queue draws of one call, before they are scaled by the queue's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallDraws {
    /// Gap to the previous arrival at unit rate (exponential, mean 1).
    pub gap: f64,
    /// Patience for the first queue joined and for the queue joined after a misroute, at unit
    /// mean (exponential).
    pub patience: [f64; 2],
    /// Exponential handle time at unit mean.
    pub handle_exponential: f64,
    /// Standard normal for a lognormal handle time.
    pub handle_normal: f64,
}

/// The queue draws of the calls of one block, in call order.
#[derive(Clone, Debug)]
pub struct BlockDraws {
    arrivals: Xoshiro256PlusPlus,
    patience: Xoshiro256PlusPlus,
    handle: Xoshiro256PlusPlus,
}

impl BlockDraws {
    pub fn new(seed: u64, day: u32, block: u64) -> BlockDraws {
        BlockDraws {
            arrivals: stream_rng(seed, Stream::Arrivals, day, block),
            patience: stream_rng(seed, Stream::Patience, day, block),
            handle: stream_rng(seed, Stream::Handle, day, block),
        }
    }

    /// The draws of the block after this one (from this block's start), by fixed jumps.
    fn following(&self, exponent: u32, count: u64) -> BlockDraws {
        let mut next = self.clone();
        for rng in [&mut next.arrivals, &mut next.patience, &mut next.handle] {
            advance(rng, count, exponent);
        }
        next
    }

    /// The draws of the next block, from this block's start: one fixed jump per stream (the
    /// same as `new(seed, day, block + 1)`).
    pub fn next_block(&self) -> BlockDraws {
        self.following(128, 1)
    }

    /// The draws of block 0 of the next day, from this day's block 0 (the same as
    /// `new(seed, day + 1, 0)`).
    pub fn next_day(&self) -> BlockDraws {
        self.following(192, 4)
    }

    /// The next call's draws.
    #[inline]
    pub fn next_call(&mut self) -> CallDraws {
        CallDraws {
            gap: Exp1.sample(&mut self.arrivals),
            patience: [
                Exp1.sample(&mut self.patience),
                Exp1.sample(&mut self.patience),
            ],
            handle_exponential: Exp1.sample(&mut self.handle),
            handle_normal: StandardNormal.sample(&mut self.handle),
        }
    }
}

/// The queue draws of every call of a day (or of a steady-state run, `day = 0`), block after
/// block.
#[derive(Clone, Debug)]
pub struct CallDrawSequence {
    /// The streams at the start of the day and of the current block.
    day_start: BlockDraws,
    block_start: BlockDraws,
    index: u64,
    block: BlockDraws,
}

impl CallDrawSequence {
    pub fn new(seed: u64, day: u32) -> CallDrawSequence {
        let start = BlockDraws::new(seed, day, 0);
        CallDrawSequence {
            day_start: start.clone(),
            block_start: start.clone(),
            index: 0,
            block: start,
        }
    }

    /// The draws of the next day (the same as `new(seed, day + 1)`, without a far jump).
    pub fn following_day(&self) -> CallDrawSequence {
        let start = self.day_start.following(192, 4);
        CallDrawSequence {
            day_start: start.clone(),
            block_start: start.clone(),
            index: 0,
            block: start,
        }
    }
}

impl Iterator for CallDrawSequence {
    type Item = CallDraws;

    #[inline]
    fn next(&mut self) -> Option<CallDraws> {
        if self.index > 0 && self.index.is_multiple_of(BLOCK) {
            self.block_start = self.block_start.following(128, 1);
            self.block = self.block_start.clone();
        }
        self.index += 1;
        Some(self.block.next_call())
    }
}

/// How calls arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalRate {
    /// A Poisson process at a constant rate, without end.
    Constant { calls_per_hour: f64 },
    /// A day of intervals: a Poisson process whose rate is `calls[k]` per `interval` seconds
    /// within interval `k`; the day ends with the last interval.
    Intervals { interval: f64, calls: Vec<f64> },
}

/// Turns unit-rate gaps into arrival times: the `n`-th arrival is at the time where the
/// expected number of calls so far reaches the sum of the first `n` gaps (a time change that
/// makes a unit-rate Poisson process one with the given rate).
#[derive(Clone, Debug)]
pub struct ArrivalClock {
    rate: ArrivalRate,
    /// Expected calls so far (the sum of the unit gaps).
    expected: f64,
    /// The interval the last arrival fell in, and the expected calls before it.
    interval: usize,
    before_interval: f64,
}

impl ArrivalClock {
    pub fn new(rate: ArrivalRate) -> ArrivalClock {
        ArrivalClock {
            rate,
            expected: 0.0,
            interval: 0,
            before_interval: 0.0,
        }
    }

    /// The time of the next arrival after a unit-rate `gap`, in microseconds; `None` once the
    /// day is over (and for every later gap).
    pub fn next_arrival(&mut self, gap: f64) -> Option<Micros> {
        self.expected += gap;
        let seconds = match &self.rate {
            ArrivalRate::Constant { calls_per_hour } => {
                if *calls_per_hour <= 0.0 {
                    return None;
                }
                self.expected * 3600.0 / calls_per_hour
            }
            ArrivalRate::Intervals { interval, calls } => loop {
                let in_interval = *calls.get(self.interval)?;
                if self.expected < self.before_interval + in_interval {
                    let into = (self.expected - self.before_interval) / in_interval;
                    break (self.interval as f64 + into) * interval;
                }
                self.before_interval += in_interval;
                self.interval += 1;
            },
        };
        Some(to_micros(seconds))
    }
}

/// Seconds to whole microseconds (never negative; saturates far beyond any run's length).
pub fn to_micros(seconds: f64) -> Micros {
    (seconds * 1e6).round().max(0.0) as Micros
}

/// A handle-time law: mean and coefficient of variation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandleTime {
    /// Mean seconds.
    pub mean: f64,
    /// Coefficient of variation: 1 is exponential, anything else lognormal (0: always the mean).
    pub cv: f64,
}

impl HandleTime {
    /// The handle time of a call with these draws, in microseconds.
    #[inline]
    pub fn sample(&self, draws: &CallDraws) -> Micros {
        if self.cv == 1.0 {
            return to_micros(self.mean * draws.handle_exponential);
        }
        let sigma2 = self.cv.mul_add(self.cv, 1.0).ln();
        to_micros(self.mean * (sigma2.sqrt() * draws.handle_normal - 0.5 * sigma2).exp())
    }
}

/// Patience in microseconds from a unit-mean draw and the queue's mean (`None`: never hangs
/// up, [`super::NEVER`]).
#[inline]
pub fn patience(mean: Option<f64>, unit: f64) -> Micros {
    match mean {
        Some(m) if m.is_finite() => to_micros(m * unit),
        _ => super::NEVER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn the_ivr_stream_is_the_block_stream_of_the_ivr_simulation() {
        for block in [0, 1, 7, 1 << 40] {
            let mut ours = stream_rng(42, Stream::Ivr, 0, block);
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(42);
            theirs.jump_ce(block, 128);
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
    }

    #[test]
    fn near_and_far_jumps_reach_the_same_state() {
        for (count, exponent) in [(65, 128), (70, 192), (3, 128), (5, 192)] {
            let mut general = Xoshiro256PlusPlus::seed_from_u64(1);
            general.jump_ce(count, exponent);
            let mut fixed = Xoshiro256PlusPlus::seed_from_u64(1);
            for _ in 0..count {
                if exponent == 128 {
                    fixed.jump();
                } else {
                    fixed.long_jump();
                }
            }
            let mut ours = Xoshiro256PlusPlus::seed_from_u64(1);
            advance(&mut ours, count, exponent);
            let first = general.next_u64();
            assert_eq!((fixed.next_u64(), ours.next_u64()), (first, first));
        }
    }

    #[test]
    fn the_next_day_is_the_same_by_far_jump_or_step() {
        let stepped: Vec<CallDraws> = CallDrawSequence::new(4, 0)
            .following_day()
            .following_day()
            .take(3)
            .collect();
        let direct: Vec<CallDraws> = CallDrawSequence::new(4, 2).take(3).collect();
        assert_eq!(stepped, direct);
        let far: Vec<CallDraws> = CallDrawSequence::new(4, 40).take(3).collect();
        let mut day = CallDrawSequence::new(4, 0);
        for _ in 0..40 {
            day = day.following_day();
        }
        assert_eq!(day.take(3).collect::<Vec<_>>(), far);
    }

    #[test]
    fn streams_differ_by_kind_day_and_block() {
        let first = |kind, day, block| stream_rng(7, kind, day, block).next_u64();
        let values = [
            first(Stream::Ivr, 0, 0),
            first(Stream::Arrivals, 0, 0),
            first(Stream::Patience, 0, 0),
            first(Stream::Handle, 0, 0),
            first(Stream::Arrivals, 1, 0),
            first(Stream::Arrivals, 0, 1),
        ];
        for (i, a) in values.iter().enumerate() {
            for b in &values[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn call_draws_cross_blocks_and_repeat_with_the_seed() {
        let a: Vec<CallDraws> = CallDrawSequence::new(3, 0)
            .take(BLOCK as usize + 5)
            .collect();
        let b: Vec<CallDraws> = CallDrawSequence::new(3, 0)
            .take(BLOCK as usize + 5)
            .collect();
        assert_eq!(a, b);
        let mut second_block = BlockDraws::new(3, 0, 1);
        assert_eq!(a[BLOCK as usize], second_block.next_call());
        assert_ne!(a[0], a[BLOCK as usize]);
    }

    #[test]
    fn constant_rate_arrivals_have_the_rate() {
        let mut clock = ArrivalClock::new(ArrivalRate::Constant {
            calls_per_hour: 1000.0,
        });
        let n = 100_000;
        let last = CallDrawSequence::new(1, 0)
            .take(n)
            .map(|d| clock.next_arrival(d.gap).unwrap())
            .last()
            .unwrap();
        let per_hour = n as f64 / (last as f64 / 3.6e9);
        // Poisson count: standard deviation sqrt(n) of n, 0.3%.
        assert!(
            (per_hour - 1000.0).abs() < 4.0 * 1000.0 / (n as f64).sqrt(),
            "{per_hour}"
        );
    }

    #[test]
    fn interval_rates_put_the_calls_in_their_intervals_and_end_the_day() {
        let calls = vec![400.0, 0.0, 1600.0];
        let mut clock = ArrivalClock::new(ArrivalRate::Intervals {
            interval: 1800.0,
            calls: calls.clone(),
        });
        let mut counts = [0u32; 3];
        let mut previous = 0;
        let mut days = 0;
        for draws in CallDrawSequence::new(9, 0) {
            match clock.next_arrival(draws.gap) {
                Some(t) => {
                    assert!(t >= previous);
                    previous = t;
                    counts[(t / 1_800_000_000) as usize] += 1;
                }
                None => {
                    days += 1;
                    break;
                }
            }
        }
        assert_eq!(days, 1);
        assert_eq!(clock.next_arrival(0.0), None);
        assert_eq!(counts[1], 0);
        for k in [0, 2] {
            let sd = calls[k].sqrt();
            assert!(
                (f64::from(counts[k]) - calls[k]).abs() < 4.0 * sd,
                "{counts:?}"
            );
        }
    }

    #[test]
    fn handle_times_have_their_mean_and_spread() {
        let draws: Vec<CallDraws> = CallDrawSequence::new(5, 0).take(200_000).collect();
        for cv in [0.0, 0.5, 1.0, 1.5] {
            let law = HandleTime { mean: 120.0, cv };
            let xs: Vec<f64> = draws.iter().map(|d| law.sample(d) as f64 / 1e6).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            let se = 120.0 * cv / n.sqrt();
            assert!(
                (mean - 120.0).abs() <= 5.0 * se + 1e-6,
                "cv {cv}: mean {mean}"
            );
            assert!(
                (sd / mean - cv).abs() < 0.05 * cv.max(0.1),
                "cv {cv}: {}",
                sd / mean
            );
        }
        assert_eq!(patience(None, 0.5), crate::queue::NEVER);
        assert_eq!(patience(Some(100.0), 0.5), 50_000_000);
    }
}
