//! Shards and partial results: one run cut into pieces any batch engine can run, and put back
//! together exactly.
//!
//! Shard `I/N` (`I` from 0 to `N - 1`, as Kubernetes' `JOB_COMPLETION_INDEX` and Slurm's array
//! ids count) runs a contiguous share of the run's blocks of calls ([`Shard::blocks`]). Block
//! `b` draws from the same stream whichever shard or thread runs it, and every figure is kept
//! as exact integer sums and histograms, so the merged tallies are the unsharded run's tallies
//! to the last count, and the report built from them is the same report. A sweep (`--vary`)
//! is cut by grid points instead: each shard runs whole points. The agent queues of a
//! traffic file that describes a day in intervals are cut by days: each day starts with empty
//! queues and draws from its own streams, so a shard runs its share of the days
//! ([`Shard::days`]) as the whole run would have. Queues in steady state are one run in time
//! order, which no cut leaves unchanged: they are not sharded (except whole, as a sweep's
//! points).
//!
//! A [`Partial`] is what a shard writes: the format and its version, the version of `ivr`, the
//! shard, the settings of the run, a fingerprint of what was simulated, and the tallies.
//! [`combine`] checks a set of partials belongs together and adds their tallies up.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::UsageError;
use super::compare::PairTally;
use super::flow::FlowTally;
use super::queues::QueueRunTally;
use super::run::{BLOCK, Tally, blocks};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// The `format` field of a partial result.
pub const PARTIAL_FORMAT: &str = "ivr-partial";
/// The version of the partial-result format; merging refuses any other.
///
/// Version 2 added the queue tallies (of a day in intervals, and of a sweep's points), the
/// flows of both menus of a comparison, and `days`.
pub const PARTIAL_VERSION: u32 = 2;

/// Shard `index` of `count` (`index` from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// Most shards one run may be cut into.
pub const MAX_SHARDS: u64 = 1_000_000;

impl Shard {
    /// The whole run as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// `I/N`: shard `I` (from 0) of `N`.
    pub fn parse(text: &str) -> Result<Shard, UsageError> {
        let help = "write `I/N` with I from 0 to N-1, such as `0/4` (a Kubernetes Indexed Job passes `$JOB_COMPLETION_INDEX`)";
        let Some((i, n)) = text.trim().split_once('/') else {
            return Err(UsageError::new("expected `I/N`").help(help));
        };
        let (Ok(index), Ok(count)) = (i.trim().parse::<u64>(), n.trim().parse::<u64>()) else {
            return Err(UsageError::new("I and N must be whole numbers").help(help));
        };
        if count == 0 || count > MAX_SHARDS {
            return Err(UsageError::new(format!(
                "N must be from 1 to {MAX_SHARDS} (MAX_SHARDS)"
            )));
        }
        if index >= count {
            return Err(UsageError::new(format!(
                "shard {index} of {count} does not exist: shards are numbered from 0 to {}",
                count - 1
            ))
            .help(help));
        }
        Ok(Shard { index, count })
    }

    /// This shard's share of `total` things (blocks or grid points): contiguous, and every
    /// thing in exactly one shard.
    fn share(self, total: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// The blocks of a run of `calls` calls this shard simulates.
    pub fn blocks(self, calls: u64) -> Range<u64> {
        self.share(blocks(calls))
    }

    /// How many calls those blocks hold.
    pub fn calls(self, calls: u64) -> u64 {
        let range = self.blocks(calls);
        let end = (range.end * BLOCK).min(calls);
        end.saturating_sub(range.start * BLOCK)
    }

    /// The days (of a run of `days` days in intervals) this shard runs.
    pub fn days(self, days: u32) -> Range<u32> {
        let r = self.share(u64::from(days));
        r.start as u32..r.end as u32
    }

    /// The grid points (of `points`) this shard runs.
    pub fn points(self, points: usize) -> Range<usize> {
        let r = self.share(points as u64);
        r.start as usize..r.end as usize
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What was run: everything that must be the same in every shard of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// `sim`, `compare` or `vary`.
    pub command: String,
    /// The menu file as given (menu A for `compare`).
    pub menu: String,
    /// Menu B of `compare`.
    pub menu_b: Option<String>,
    /// `--intents`, as given.
    pub intents: Option<String>,
    pub calls: u64,
    pub seed: u64,
    /// `--vary` as given, in order.
    pub vary: Vec<String>,
    /// Whether the flow is tallied per intent too (`--by-intent`).
    pub by_intent: bool,
    /// `--days`, when the traffic describes a day in intervals and has agent queues (the
    /// days are run through the queues); `None` otherwise.
    pub days: Option<u32>,
}

/// The tallies of a shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tallies {
    /// `ivr sim`: the figures and the flow (overall, or one per intent), and with a day of
    /// agent queues the queue tallies of the shard's days.
    Sim {
        tally: Tally,
        flows: Vec<FlowTally>,
        queues: Option<QueueRunTally>,
    },
    /// `ivr compare`: both menus and the paired differences, the flow of each menu (A, then
    /// B), and with a day of agent queues each menu's queue tallies of the shard's days.
    Compare {
        tally: PairTally,
        flows: Vec<FlowTally>,
        queues: Option<Vec<QueueRunTally>>,
    },
    /// `ivr sim --vary`: the figures of the grid points this shard ran.
    Vary { points: Vec<PointTally> },
}

/// One grid point of a sweep: its number in the grid, its figures and, with agent queues,
/// its queue tallies (the whole point: a point is never cut).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointTally {
    pub point: usize,
    pub tally: Tally,
    pub queues: Option<QueueRunTally>,
}

/// A shard's partial result, as `--format partial` writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_VERSION`].
    pub version: u32,
    /// The version of `ivr` that wrote it.
    pub ivr: String,
    pub shard: Shard,
    pub run: RunSettings,
    /// A hash of what was simulated (the files' contents and the compiled menus), so that
    /// shards of different menus or traffic are never merged.
    pub fingerprint: String,
    pub tallies: Tallies,
}

impl Partial {
    /// The partial result as JSON text (one line, ending with a newline).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Reads a partial result, with an error at the line and column where the text goes wrong.
pub fn read(source: &Arc<SourceFile>) -> Result<Partial, Box<Diagnostic>> {
    let at = |e: &serde_json::Error| Span::new(source.offset_of(e.line(), e.column()), 0);
    // The position is the diagnostic's; the message need not repeat it.
    let message = |e: &serde_json::Error| {
        let text = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        format!(
            "cannot read the partial result: {}",
            text.strip_suffix(&position).unwrap_or(&text)
        )
    };
    // The header first, so that a file of another kind or version says so rather than naming
    // the first field it does not know.
    #[derive(Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let not_partial = || {
        Box::new(
            Diagnostic::file_error(
                &source.name(),
                "this is not a partial result of `ivr` (no `\"format\": \"ivr-partial\"`)",
            )
            .with_help("`ivr merge` reads what `ivr sim --shard I/N --format partial` writes"),
        )
    };
    let header: Header = serde_json::from_str(source.text())
        .map_err(|e| Box::new(Diagnostic::input_error(source, at(&e), message(&e), "here")))?;
    if header.format.as_ref().and_then(|f| f.as_str()) != Some(PARTIAL_FORMAT) {
        return Err(not_partial());
    }
    if header.version.as_ref().and_then(|v| v.as_u64()) != Some(u64::from(PARTIAL_VERSION)) {
        return Err(Box::new(
            Diagnostic::file_error(
                &source.name(),
                format!(
                    "partial-result format version {} cannot be merged: this ivr reads version {PARTIAL_VERSION}",
                    header.version.map_or("(none)".to_string(), |v| v.to_string())
                ),
            )
            .with_help("run every shard and the merge with the same version of ivr"),
        ));
    }
    serde_json::from_str(source.text())
        .map_err(|e| Box::new(Diagnostic::input_error(source, at(&e), message(&e), "here")))
}

/// FNV-1a, 64 bits, over each part with its length: a stable fingerprint (the same in every
/// process and on every machine) of what a run simulated.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for part in parts {
        eat(&(part.len() as u64).to_le_bytes());
        eat(part.as_bytes());
    }
    format!("{hash:016x}")
}

/// Why a set of partial results cannot be merged, naming the file at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeError {
    /// The file the problem is in (the second of two that disagree).
    pub file: String,
    pub message: String,
    pub help: Option<String>,
}

impl MergeError {
    fn new(file: &str, message: impl Into<String>) -> MergeError {
        MergeError {
            file: file.to_string(),
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> MergeError {
        self.help = Some(help.into());
        self
    }
}

/// The shape of a run's tallies, from the compiled menus: what every partial's tallies must
/// have to be added up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    pub intents: usize,
    pub personas: usize,
    /// Per flow tally: nodes and edges of the menu.
    pub nodes: usize,
    pub edges: usize,
    /// Grid points of a sweep.
    pub points: usize,
    /// The flow of menu B of a comparison.
    pub nodes_b: usize,
    pub edges_b: usize,
    /// The agent queues, when the traffic has them.
    pub queues: Option<QueueShape>,
}

/// The shape of a run's queue tallies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueShape {
    pub queues: usize,
    /// Periods per queue: the batches of steady state, or the intervals of a day.
    pub periods: usize,
    /// Days of a day in intervals (`None`: steady state).
    pub days: Option<u32>,
}

/// Checks that the partials are the shards of one run, each exactly once: the same version of
/// `ivr`, settings, fingerprint and number of shards. Each partial is named by its file.
pub fn check_together(partials: &[(String, Partial)]) -> Result<(), MergeError> {
    let Some((first_file, first)) = partials.first() else {
        return Err(MergeError::new("", "no partial results to merge"));
    };
    let mut seen = BTreeSet::new();
    for (file, p) in partials {
        let differs = |what: &str, a: String, b: String| {
            MergeError::new(
                file,
                format!("{what} differs from {first_file}'s: {b} here, {a} there"),
            )
            .help(
                "merge only the shards of one run: the same menu, traffic, settings, seed and ivr",
            )
        };
        if p.ivr != first.ivr {
            return Err(differs(
                "the version of ivr",
                first.ivr.clone(),
                p.ivr.clone(),
            ));
        }
        let (a, b) = (&first.run, &p.run);
        let pairs: [(&str, String, String); 9] = [
            ("the command", a.command.clone(), b.command.clone()),
            ("the menu", a.menu.clone(), b.menu.clone()),
            (
                "menu B",
                format!("{:?}", a.menu_b),
                format!("{:?}", b.menu_b),
            ),
            (
                "--intents",
                format!("{:?}", a.intents),
                format!("{:?}", b.intents),
            ),
            ("--calls", a.calls.to_string(), b.calls.to_string()),
            ("--seed", a.seed.to_string(), b.seed.to_string()),
            ("--vary", a.vary.join(" "), b.vary.join(" ")),
            (
                "--by-intent",
                a.by_intent.to_string(),
                b.by_intent.to_string(),
            ),
            ("--days", format!("{:?}", a.days), format!("{:?}", b.days)),
        ];
        for (what, x, y) in pairs {
            if x != y {
                return Err(differs(what, x, y));
            }
        }
        if p.fingerprint != first.fingerprint {
            return Err(MergeError::new(
                file,
                format!(
                    "simulated a different menu or traffic than {first_file} (fingerprint {} here, {} there)",
                    p.fingerprint, first.fingerprint
                ),
            )
            .help("a file changed between the shards: run every shard on the same files"));
        }
        if p.shard.count != first.shard.count {
            return Err(differs(
                "the number of shards",
                first.shard.count.to_string(),
                p.shard.count.to_string(),
            ));
        }
        if !seen.insert(p.shard.index) {
            return Err(
                MergeError::new(file, format!("shard {} is given twice", p.shard))
                    .help("pass each shard's partial result once"),
            );
        }
    }
    let count = first.shard.count;
    if seen.len() as u64 != count {
        let missing: Vec<String> = (0..count)
            .filter(|i| !seen.contains(i))
            .take(10)
            .map(|i| format!("{i}/{count}"))
            .collect();
        let more = count as usize - seen.len() - missing.len();
        return Err(MergeError::new(
            first_file,
            format!(
                "{} of {count} shards missing: {}{}",
                count as usize - seen.len(),
                missing.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        )
        .help("merge the partial results of every shard, 0 to N-1"));
    }
    Ok(())
}

/// Adds up the tallies of partials that [`check_together`] accepted, checking each against
/// the run's `shape`.
pub fn combine(partials: &[(String, Partial)], shape: &Shape) -> Result<Tallies, MergeError> {
    // In shard order: the days of queue tallies follow each other.
    let mut ordered: Vec<&(String, Partial)> = partials.iter().collect();
    ordered.sort_by_key(|(_, p)| p.shard.index);
    let days = |a: Option<QueueRunTally>, b: Option<QueueRunTally>| match (a, b) {
        (Some(mut a), Some(b)) => {
            a.append_days(b);
            Some(a)
        }
        (a, b) => a.or(b),
    };
    let mut total: Option<Tallies> = None;
    for (file, p) in ordered {
        check(file, p, shape)?;
        total = Some(match (total, p.tallies.clone()) {
            (None, t) => t,
            (
                Some(Tallies::Sim {
                    tally,
                    flows,
                    queues,
                }),
                Tallies::Sim {
                    tally: t,
                    flows: f,
                    queues: q,
                },
            ) => Tallies::Sim {
                tally: tally.merge(t),
                flows: flows.into_iter().zip(f).map(|(a, b)| a.merge(b)).collect(),
                queues: days(queues, q),
            },
            (
                Some(Tallies::Compare {
                    tally,
                    flows,
                    queues,
                }),
                Tallies::Compare {
                    tally: t,
                    flows: f,
                    queues: q,
                },
            ) => Tallies::Compare {
                tally: tally.merge(t),
                flows: flows.into_iter().zip(f).map(|(a, b)| a.merge(b)).collect(),
                queues: match (queues, q) {
                    (Some(a), Some(b)) => Some(
                        a.into_iter()
                            .zip(b)
                            .map(|(a, b)| days(Some(a), Some(b)).unwrap_or_default())
                            .collect(),
                    ),
                    (a, b) => a.or(b),
                },
            },
            (Some(Tallies::Vary { points: mut all }), Tallies::Vary { points }) => {
                all.extend(points);
                Tallies::Vary { points: all }
            }
            _ => {
                return Err(MergeError::new(
                    file,
                    "holds tallies of another kind of run",
                ));
            }
        });
    }
    let mut total = total.unwrap_or(Tallies::Vary { points: Vec::new() });
    if let Tallies::Vary { points: all } = &mut total {
        all.sort_by_key(|p| p.point);
    }
    Ok(total)
}

/// Checks one partial's tallies against the run: the shape the menus give, the calls its
/// shard holds, and counts that add up (so that no later sum can overflow: every count is at
/// most the run's calls, at most [`super::run::MAX_CALLS`]).
fn check(file: &str, p: &Partial, shape: &Shape) -> Result<(), MergeError> {
    let bad = |what: String| {
        MergeError::new(file, format!("the tallies do not fit the run: {what}"))
            .help("the file was changed or damaged after the shard wrote it: run the shard again")
    };
    let calls = p.shard.calls(p.run.calls);
    let kind_ok = matches!(
        (&p.tallies, p.run.command.as_str()),
        (Tallies::Sim { .. }, "sim")
            | (Tallies::Compare { .. }, "compare")
            | (Tallies::Vary { .. }, "vary")
    );
    if !kind_ok {
        return Err(bad(format!("{} run with other tallies", p.run.command)));
    }
    match &p.tallies {
        Tallies::Sim {
            tally,
            flows,
            queues,
        } => {
            check_tally(tally, shape, calls).map_err(bad)?;
            check_day_queues(queues.as_ref(), shape, p.shard).map_err(bad)?;
            let wanted = if p.run.by_intent { shape.intents } else { 1 };
            if flows.len() != wanted {
                return Err(bad(format!("{} flow tallies, not {wanted}", flows.len())));
            }
            for (i, flow) in flows.iter().enumerate() {
                let of = if p.run.by_intent {
                    tally.intents[i].calls()
                } else {
                    calls
                };
                check_flow(flow, (shape.nodes, shape.edges), of).map_err(bad)?;
            }
        }
        Tallies::Compare {
            tally,
            flows,
            queues,
        } => {
            check_tally(&tally.a, shape, calls).map_err(bad)?;
            let [flow_a, flow_b] = flows.as_slice() else {
                return Err(bad(format!("{} flow tallies, not 2", flows.len())));
            };
            check_flow(flow_a, (shape.nodes, shape.edges), calls).map_err(bad)?;
            check_flow(flow_b, (shape.nodes_b, shape.edges_b), calls).map_err(bad)?;
            match queues.as_deref() {
                None => check_day_queues(None, shape, p.shard).map_err(bad)?,
                Some([a, b]) => {
                    check_day_queues(Some(a), shape, p.shard).map_err(bad)?;
                    check_day_queues(Some(b), shape, p.shard).map_err(bad)?;
                }
                Some(other) => return Err(bad(format!("{} queue tallies, not 2", other.len()))),
            }
            check_tally(&tally.b, shape, calls).map_err(bad)?;
            if tally.seed != p.run.seed {
                return Err(bad("the bootstrap seed is not the run's".into()));
            }
            if tally.paired.len() != shape.intents {
                return Err(bad(format!("{} paired intents", tally.paired.len())));
            }
            if tally.paired_personas.len() != tally.a.personas.len() {
                return Err(bad(format!(
                    "{} paired caller groups",
                    tally.paired_personas.len()
                )));
            }
            for (paired, a) in tally.paired.iter().zip(&tally.a.intents) {
                let n = a.calls();
                let diffs =
                    paired
                        .outcomes
                        .iter()
                        .chain([&paired.inputs, &paired.time, &paired.confused]);
                if diffs.clone().any(|d| d.n != n) {
                    return Err(bad("paired differences over other calls".into()));
                }
                if paired
                    .outcomes
                    .iter()
                    .any(|d| d.sum_sq > u128::from(n) || d.sum.unsigned_abs() > u128::from(n))
                {
                    return Err(bad("more discordant pairs than calls".into()));
                }
            }
            let groups = crate::stats::bootstrap::group_count(p.run.calls);
            if tally.time_groups.len() != groups || tally.inputs_groups.len() != groups {
                return Err(bad(format!("not {groups} bootstrap groups")));
            }
            let mut in_groups = [0u64; 4];
            for (t, i) in tally.time_groups.iter().zip(&tally.inputs_groups) {
                for (k, total) in [t[0].total(), t[1].total(), i[0].total(), i[1].total()]
                    .into_iter()
                    .enumerate()
                {
                    in_groups[k] = in_groups[k].saturating_add(total);
                }
            }
            if in_groups.iter().any(|&g| g != calls) {
                return Err(bad(format!(
                    "bootstrap groups not over the shard's {calls} calls"
                )));
            }
        }
        Tallies::Vary { points: mine } => {
            let expected = p.shard.points(shape.points);
            let got: Vec<usize> = mine.iter().map(|p| p.point).collect();
            if got != expected.clone().collect::<Vec<_>>() {
                return Err(bad(format!(
                    "grid points {got:?}, not the shard's {expected:?} of {}",
                    shape.points
                )));
            }
            for point in mine {
                // Through a day of queues a point's figures are of the days' calls.
                let calls = match (&point.queues, &shape.queues) {
                    (Some(q), Some(QueueShape { days: Some(_), .. })) => q.calls,
                    _ => p.run.calls,
                };
                check_tally(&point.tally, shape, calls).map_err(bad)?;
                check_point_queues(point.queues.as_ref(), shape).map_err(bad)?;
            }
        }
    }
    Ok(())
}

/// One run's tally: its shape, and counts that add up to the calls.
fn check_tally(tally: &Tally, shape: &Shape, calls: u64) -> Result<(), String> {
    if tally.intents.len() != shape.intents {
        return Err(format!(
            "{} intents, where the menu's traffic has {}",
            tally.intents.len(),
            shape.intents
        ));
    }
    if tally.personas.len() != shape.personas {
        return Err(format!(
            "{} caller groups, where the traffic has {}",
            tally.personas.len(),
            shape.personas
        ));
    }
    let mut total = 0u64;
    for t in &tally.intents {
        total = total
            .checked_add(check_intent(t, calls)?)
            .filter(|&n| n <= calls)
            .ok_or("more calls than the shard ran")?;
    }
    if total != calls {
        return Err(format!("{total} calls, where the shard ran {calls}"));
    }
    if !tally.personas.is_empty() {
        let mut groups = 0u64;
        for (_, t) in &tally.personas {
            groups = groups
                .checked_add(check_intent(t, calls)?)
                .ok_or("more calls than the shard ran")?;
        }
        if groups != calls {
            return Err(format!("caller groups over {groups} calls, not {calls}"));
        }
    }
    Ok(())
}

/// One intent's (or group's) tally: every count over its calls. Returns the calls.
fn check_intent(t: &super::run::IntentTally, most: u64) -> Result<u64, String> {
    let n = t
        .outcomes
        .iter()
        .try_fold(0u64, |a, &b| a.checked_add(b))
        .filter(|&n| n <= most)
        .ok_or("more outcomes than calls")?;
    use super::engine::Outcome;
    let to_agent = t.outcomes[Outcome::Agent as usize] + t.outcomes[Outcome::Misrouted as usize];
    let fits = t.inputs.total() == n
        && t.time.n == n
        && t.time_histogram.total() == n
        && t.to_agent.n == to_agent
        && t.to_agent_histogram.total() == to_agent
        && t.confused <= n
        && t.time.sum <= u128::from(n) * u128::from(u64::MAX)
        && t.to_agent.sum <= u128::from(to_agent) * u128::from(u64::MAX);
    if fits {
        Ok(n)
    } else {
        Err("an intent's times, inputs or counts are not over its calls".into())
    }
}

/// A flow tally over `calls` calls of a menu of `(nodes, edges)`.
fn check_flow(flow: &FlowTally, (nodes, edges): (usize, usize), calls: u64) -> Result<(), String> {
    if flow.calls != calls {
        return Err(format!("a flow over {} calls, not {calls}", flow.calls));
    }
    if !flow.fits(nodes, edges) {
        return Err(format!(
            "a flow not of a menu of {nodes} nodes and {edges} edges, or with more calls at a node than in all"
        ));
    }
    Ok(())
}

/// The queue tallies of a shard of a run (not a sweep): present exactly when the run goes
/// through a day of queues, and then of the shard's days.
fn check_day_queues(
    queues: Option<&QueueRunTally>,
    shape: &Shape,
    shard: Shard,
) -> Result<(), String> {
    match (queues, &shape.queues) {
        (None, None) => Ok(()),
        (None, Some(QueueShape { days: None, .. })) => {
            Err("a run through queues in steady state, which is never sharded".into())
        }
        (
            Some(q),
            Some(
                s @ QueueShape {
                    days: Some(days), ..
                },
            ),
        ) => {
            let mine = shard.days(*days).len();
            if q.days.len() != mine || q.end_to_end.len() != mine {
                return Err(format!(
                    "queue tallies of {} days, not the shard's {mine}",
                    q.days.len()
                ));
            }
            check_queue_run(q, s, mine > 0)
        }
        (Some(_), _) => Err("queue tallies of a run without a day of queues".into()),
        (None, Some(_)) => Err("no queue tallies for the days of queues".into()),
    }
}

/// The queue tallies of a sweep's point: present exactly when the traffic has queues, and
/// then of the whole point.
fn check_point_queues(queues: Option<&QueueRunTally>, shape: &Shape) -> Result<(), String> {
    match (queues, &shape.queues) {
        (None, None) => Ok(()),
        (Some(q), Some(s)) => {
            let (days, periods) = match s.days {
                Some(days) => (days.max(1) as usize, days.max(1) as usize),
                None => (0, super::queues::BATCHES as usize),
            };
            if q.days.len() != days || q.end_to_end.len() != periods {
                return Err("queue tallies of another number of days or batches".into());
            }
            check_queue_run(q, s, true)
        }
        (Some(_), None) => Err("queue tallies of traffic without queues".into()),
        (None, Some(_)) => Err("no queue tallies for the queues".into()),
    }
}

/// Every stage tally of a queue run has the run's queues and periods (an empty run has none).
fn check_queue_run(q: &QueueRunTally, shape: &QueueShape, ran: bool) -> Result<(), String> {
    let fits = |t: &crate::queue::stage::StageTally| {
        t.queues.len() == shape.queues && t.queues.iter().all(|p| p.len() == shape.periods)
    };
    let stage_ok = if ran {
        fits(&q.stage)
    } else {
        q.stage.queues.is_empty()
    };
    if !stage_ok || !q.days.iter().all(fits) {
        return Err(format!(
            "queue tallies not of {} queues of {} periods",
            shape.queues, shape.periods
        ));
    }
    let counted: u64 = q.end_to_end.iter().map(|t| t.calls).sum();
    if counted > q.calls {
        return Err("more calls counted through the queues than were fed".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_block_point_and_day_once() {
        for count in [1, 2, 3, 7, 10] {
            let shards = (0..count).map(|index| Shard { index, count });
            let blocks: Vec<u64> = shards
                .clone()
                .flat_map(|s| s.blocks(5 * BLOCK + 1))
                .collect();
            assert_eq!(blocks, (0..6).collect::<Vec<_>>());
            let calls: u64 = shards.clone().map(|s| s.calls(5 * BLOCK + 1)).sum();
            assert_eq!(calls, 5 * BLOCK + 1);
            let points: Vec<usize> = shards.clone().flat_map(|s| s.points(4)).collect();
            assert_eq!(points, vec![0, 1, 2, 3]);
            let days: Vec<u32> = shards.flat_map(|s| s.days(5)).collect();
            assert_eq!(days, vec![0, 1, 2, 3, 4]);
        }
    }

    #[test]
    fn parses_i_of_n_from_zero() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse(" 3 / 4 "), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1", "a/b", "0/0", "-1/3", "1/2000000"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Shard::parse("4/4").unwrap_err().message,
            "shard 4 of 4 does not exist: shards are numbered from 0 to 3"
        );
    }

    #[test]
    fn the_fingerprint_is_stable_and_separates_parts() {
        assert_eq!(
            fingerprint(&["menu", "traffic"]),
            fingerprint(&["menu", "traffic"])
        );
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        // FNV-1a of nothing but the two lengths: a fixed value on every machine.
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
    }
}
