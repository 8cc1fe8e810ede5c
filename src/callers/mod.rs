//! The caller model: how simulated callers behave, its parameters, and the formulas that more
//! than one part of `ivr` needs.
//!
//! A call, in words (docs/simulation.md tells users the same story):
//!
//! 1. The caller's intent is drawn from the intents file's shares, and their patience from an
//!    exponential distribution with mean [`CallerModel::patience`] (`None`: they never give up).
//! 2. At each menu the caller heads for their intended option, chosen once per (menu, intent) by
//!    [`crate::menu::routing`]: the fewest inputs to a node serving the intent, else to a
//!    transfer serving everyone, else to any transfer, else they hang up.
//! 3. At each attempt at a menu they say nothing (`no_input_rate`), press a key that is not
//!    offered (`invalid_rate`), press a wrong option (`mistake_rate`, uniformly among the others,
//!    and only where there are at least two options: [`CallerModel::mistake_rate_at`]) or press
//!    the intended one. With `barge_in` they press as soon as they hear their option, after
//!    `reaction_time`; otherwise they hear the whole menu first. Re-prompts follow the node's
//!    handlers and retries; when retries run out the call goes to `then`, `defaults.on_fail`, or
//!    is disconnected. An input node costs `digit_time` per digit typed.
//!    Additions, each off or neutral by default: a caller of an intent with `confused_with`
//!    heads, with each given chance, for the option toward the named node instead (and follows
//!    the route to it); `confusion` picks another option leading to a node of the same kind
//!    (for intents that declare none); without barge-in, each option beyond `memory_span` adds
//!    `forget_rate` to the slips ([`CallerModel::slip_rate_at`]); with `use_unannounced` off,
//!    callers head only for options a prompt names, and one with no such route tries key 0
//!    (`zero_out`) or hangs up. A call may belong to a caller group with its own settings.
//! 4. Patience runs while the caller navigates (menus, inputs, messages, error prompts), not while
//!    a self-service, transfer or hangup node plays. A call that would visit a 201st node ends as
//!    `looped`.
//!
//! Two implementations follow this description and are tested against each other:
//! `sim::engine` samples one call, `sim::exact` solves the model as a Markov chain. The linter's
//! `popular-first` rule uses the listening-cost formulas of [`listening`].

pub mod listening;

/// How callers behave (`callers:` in an intents file), with the built-in defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallerModel {
    /// At a menu, the chance of pressing a wrong (offered) option.
    pub mistake_rate: f64,
    /// At a menu or input, the chance of pressing a key that is not offered.
    pub invalid_rate: f64,
    /// At a menu or input, the chance of saying nothing until the timeout.
    pub no_input_rate: f64,
    /// Mean seconds of patience; `None` means callers never give up.
    pub patience: Option<f64>,
    /// Callers press as soon as they hear their option (else after the whole menu).
    pub barge_in: bool,
    /// Seconds to type one digit at an input node.
    pub digit_time: f64,
    /// At a menu of 3 or more options, the chance of picking another option of the same kind
    /// as the intended one (a wrong category), for intents without declared confusions.
    pub confusion: f64,
    /// Options a caller who waits for the whole menu keeps in mind (`None`: all of them).
    pub memory_span: Option<u32>,
    /// The slip added by each option beyond `memory_span` (without barge-in only).
    pub forget_rate: f64,
    /// Callers choose options whose key no prompt names (else only announced ones, and key 0).
    pub use_unannounced: bool,
    /// The chance a caller with no announced route tries key 0.
    pub zero_out: f64,
    /// Seconds to react once the option is heard (`None`: the menu's `reaction_time`).
    pub reaction_time: Option<f64>,
    /// Seconds a caller speaks at a speech node.
    pub speak_time: f64,
}

impl Default for CallerModel {
    fn default() -> Self {
        CallerModel {
            mistake_rate: 0.08,
            invalid_rate: 0.02,
            no_input_rate: 0.04,
            patience: Some(600.0),
            barge_in: true,
            digit_time: 0.5,
            confusion: 0.0,
            memory_span: None,
            forget_rate: 0.03,
            use_unannounced: true,
            zero_out: 0.5,
            reaction_time: None,
            speak_time: 3.0,
        }
    }
}

impl CallerModel {
    /// `mistake_rate + invalid_rate + no_input_rate + confusion`: the per-attempt events share
    /// one draw, so their sum must be at most 1 ([`CallerModel::rates_fit`]).
    pub fn rate_sum(&self) -> f64 {
        self.mistake_rate + self.invalid_rate + self.no_input_rate + self.confusion
    }

    /// Whether the rates leave room for pressing the intended option (a sum up to 1, with a
    /// little slack for decimal fractions such as `0.7 + 0.2 + 0.1`).
    pub fn rates_fit(&self) -> bool {
        self.rate_sum() <= 1.0 + 1e-12
    }

    /// The chance of a wrong option at a menu of `options` options: a caller cannot press a
    /// wrong option where there is only one.
    #[inline]
    pub fn mistake_rate_at(&self, options: usize) -> f64 {
        if options >= 2 { self.mistake_rate } else { 0.0 }
    }

    /// The chance of a slip (a wrong option chosen uniformly among the others) at a menu of
    /// `options` options where a share `confused` of attempts already goes to confusions:
    /// `mistake_rate`, plus `forget_rate` for each option beyond `memory_span` when the caller
    /// waits for the whole menu, capped so that the attempt's chances add up to at most 1.
    #[inline]
    pub fn slip_rate_at(&self, options: usize, confused: f64) -> f64 {
        let base = self.mistake_rate_at(options);
        let forgotten = match self.memory_span {
            Some(span) if !self.barge_in && options >= 2 && options > span as usize => {
                (options - span as usize) as f64 * self.forget_rate
            }
            _ => return base,
        };
        let room = (1.0 - self.invalid_rate - self.no_input_rate - confused).max(0.0);
        (base + forgotten).min(room.max(base))
    }
}
