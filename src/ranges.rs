//! The values each number field of the input files accepts, defined once: the loaders reject
//! anything outside these ranges, and the JSON schemas (`ivr schema`) state the same bounds so
//! that an editor flags a value the loader would refuse.

/// A whole-number field: `min..=max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Whole {
    pub min: i64,
    pub max: i64,
}

/// A number field: from `min` (or above it, when `min_excluded`) up to `max`, if any.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub min: f64,
    pub min_excluded: bool,
    pub max: Option<f64>,
    /// Whole numbers only (written `3` or `3.0`).
    pub whole: bool,
    /// The range in words, for messages: "must be {words}".
    pub words: &'static str,
}

impl Number {
    const fn at_least(min: f64, words: &'static str) -> Number {
        Number {
            min,
            min_excluded: false,
            max: None,
            whole: false,
            words,
        }
    }

    const fn above(min: f64, words: &'static str) -> Number {
        Number {
            min_excluded: true,
            ..Number::at_least(min, words)
        }
    }

    const fn from_to(min: f64, max: f64, words: &'static str) -> Number {
        Number {
            max: Some(max),
            ..Number::at_least(min, words)
        }
    }

    /// Whether `value` is in the range (never for NaN).
    pub fn contains(&self, value: f64) -> bool {
        let low = if self.min_excluded {
            value > self.min
        } else {
            value >= self.min
        };
        low && self.max.is_none_or(|max| value <= max) && (!self.whole || value.fract() == 0.0)
    }
}

/// `retries` (in `defaults`, on a node, in a handler): replays after an error.
pub const RETRIES: Whole = Whole { min: 0, max: 20 };
/// `digits` of an input node.
pub const DIGITS: Whole = Whole { min: 1, max: 64 };
/// The longest time any one duration field may hold, in seconds: one day. No phone prompt,
/// silence or caller lasts longer, and the bound keeps every sum of call times (in
/// microseconds, and their squares) far inside the integers the statistics add them in.
pub const ONE_DAY: f64 = 86_400.0;

/// `timeout`: seconds of silence before "no input".
pub const TIMEOUT: Number = Number {
    max: Some(ONE_DAY),
    ..Number::above(0.0, "a number of seconds above 0, at most 86400 (one day)")
};
/// Durations in seconds: `duration`, `reaction_time`, `digit_time`.
pub const SECONDS: Number = Number::from_to(
    0.0,
    ONE_DAY,
    "a number of seconds from 0 to 86400 (one day)",
);
/// Speaking rates: `words_per_minute`, `chars_per_second`.
pub const SPEECH_RATE: Number = Number::above(0.0, "a number above 0");
/// An option's observed `traffic` share.
pub const TRAFFIC: Number = Number::from_to(0.0, 1.0, "a share from 0 to 1");
/// The callers' `mistake_rate`, `invalid_rate` and `no_input_rate`.
pub const RATE: Number = Number::from_to(0.0, 1.0, "a probability from 0 to 1");
/// The callers' mean `patience` in seconds (`null`: callers never give up).
pub const PATIENCE: Number = Number {
    max: Some(ONE_DAY),
    ..Number::above(
        0.0,
        "a number of seconds above 0, at most 86400 (one day), or null",
    )
};
/// A decision branch's `share`: a relative weight, normalised over the node's branches.
pub const BRANCH_SHARE: Number = Number {
    max: Some(1e9),
    ..Number::at_least(0.0, "a relative weight from 0 to 1000000000")
};
/// An intent's relative weight.
pub const WEIGHT: Number = Number::at_least(0.0, "0 or more");
/// `arrivals.calls_per_hour`: the steady rate of calls.
pub const CALLS_PER_HOUR: Number = Number::above(0.0, "a number of calls above 0");
/// `arrivals.interval_minutes`: the length of one interval of a day.
pub const INTERVAL_MINUTES: Number = Number::above(0.0, "a number of minutes above 0");
/// One entry of `arrivals.calls`: calls arriving in an interval.
pub const INTERVAL_CALLS: Number = Number::at_least(0.0, "0 or more calls");
/// A queue's `agents` (one number, or one per interval).
pub const AGENTS: Whole = Whole {
    min: 0,
    max: 1_000_000,
};
/// A queue's `handle_time` and the `misroute` handle time: mean seconds with an agent.
pub const HANDLE_TIME: Number = Number::above(0.0, "a number of seconds above 0");
/// A queue's `handle_cv`: the handle time's coefficient of variation.
pub const HANDLE_CV: Number = Number::from_to(0.0, 10.0, "a number from 0 to 10");
/// A queue's mean `patience` in seconds (`null`: callers never hang up in the queue).
pub const QUEUE_PATIENCE: Number = Number::above(0.0, "a number of seconds above 0, or null");
/// `service_level.answer_within`: seconds.
pub const ANSWER_WITHIN: Number = Number::at_least(0.0, "0 or more seconds");
/// `service_level.target` and occupancy caps: a share.
pub const SHARE: Number = Number::from_to(0.0, 1.0, "a share from 0 to 1");
/// A number option of a lint rule in `.ivr.yaml`.
pub const RULE_OPTION: Number = Number::at_least(0.0, "a number, 0 or more");
/// A whole-number option of a lint rule in `.ivr.yaml`.
/// Rules count inputs and options in 32-bit integers, so the largest is the largest of those
/// (2^64 used to be taken and silently became 4294967295).
pub const WHOLE_RULE_OPTION: Number = Number {
    whole: true,
    ..Number::from_to(0.0, u32::MAX as f64, "a whole number from 0 to 4294967295")
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_unless_excluded() {
        assert!(SECONDS.contains(0.0) && !SECONDS.contains(-0.5));
        assert!(!TIMEOUT.contains(0.0) && TIMEOUT.contains(0.001));
        assert!(RATE.contains(1.0) && !RATE.contains(1.000_001));
        assert!(WHOLE_RULE_OPTION.contains(3.0) && !WHOLE_RULE_OPTION.contains(2.5));
        assert!(WHOLE_RULE_OPTION.contains(4_294_967_295.0));
        assert!(!WHOLE_RULE_OPTION.contains(18_446_744_073_709_551_616.0));
        assert!(RULE_OPTION.contains(2.5));
        assert!(!SECONDS.contains(f64::NAN) && !RATE.contains(f64::NAN));
    }

    #[test]
    fn durations_timeouts_and_patience_stop_at_one_day() {
        for range in [SECONDS, TIMEOUT, PATIENCE] {
            assert!(range.contains(ONE_DAY), "{}", range.words);
            assert!(!range.contains(ONE_DAY + 0.001), "{}", range.words);
            assert!(!range.contains(1e13) && !range.contains(f64::INFINITY));
        }
    }
}
