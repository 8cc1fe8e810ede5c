//! `ivr sim --vary`: a grid of caller parameters, every point run with the same random numbers.
//!
//! `--vary PATH=V1,V2,...` may repeat. The grid is every combination, in the order given, the
//! last `--vary` varying fastest. Each value is checked against the range an intents file's
//! `callers:` accepts ([`crate::ranges`]), and each point's rates against their sum.

use super::UsageError;
use crate::callers::CallerModel;
use crate::ranges;
use crate::text::did_you_mean;

/// A caller parameter a sweep can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    MistakeRate,
    InvalidRate,
    NoInputRate,
    Patience,
    BargeIn,
    DigitTime,
    Confusion,
    MemorySpan,
    ForgetRate,
    UseUnannounced,
    ZeroOut,
    /// `nodes.ID.accuracy` of a speech node: its full path as written.
    NodeAccuracy(&'static str),
    /// `nodes.ID.reject_rate` of a speech node.
    NodeRejectRate(&'static str),
}

impl Param {
    pub const ALL: [Param; 11] = [
        Param::MistakeRate,
        Param::InvalidRate,
        Param::NoInputRate,
        Param::Patience,
        Param::BargeIn,
        Param::DigitTime,
        Param::Confusion,
        Param::MemorySpan,
        Param::ForgetRate,
        Param::UseUnannounced,
        Param::ZeroOut,
    ];

    /// The path as written after `--vary` (and in the CSV header and JSON `point`).
    pub fn path(self) -> &'static str {
        match self {
            Param::MistakeRate => "callers.mistake_rate",
            Param::InvalidRate => "callers.invalid_rate",
            Param::NoInputRate => "callers.no_input_rate",
            Param::Patience => "callers.patience",
            Param::BargeIn => "callers.barge_in",
            Param::DigitTime => "callers.digit_time",
            Param::Confusion => "callers.confusion",
            Param::MemorySpan => "callers.memory_span",
            Param::ForgetRate => "callers.forget_rate",
            Param::UseUnannounced => "callers.use_unannounced",
            Param::ZeroOut => "callers.zero_out",
            Param::NodeAccuracy(path) | Param::NodeRejectRate(path) => path,
        }
    }

    /// The name without `callers.` (human table headers).
    pub fn short(self) -> &'static str {
        let path = self.path();
        path.strip_prefix("callers.").unwrap_or(path)
    }

    /// The node a node parameter sets, with whether it is `accuracy` (else `reject_rate`).
    pub fn node(self) -> Option<(&'static str, bool)> {
        let (path, accuracy) = match self {
            Param::NodeAccuracy(path) => (path, true),
            Param::NodeRejectRate(path) => (path, false),
            _ => return None,
        };
        let id = path.strip_prefix("nodes.")?.rsplit_once('.')?.0;
        Some((id, accuracy))
    }

    fn is_rate(self) -> bool {
        matches!(
            self,
            Param::MistakeRate | Param::InvalidRate | Param::NoInputRate | Param::Confusion
        )
    }

    fn parse_value(self, text: &str) -> Result<Value, UsageError> {
        let what = self.path();
        let number = || match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(UsageError::new(format!(
                "`{text}` is not a number ({what})"
            ))),
        };
        match self {
            Param::MistakeRate
            | Param::InvalidRate
            | Param::NoInputRate
            | Param::Confusion
            | Param::ForgetRate
            | Param::ZeroOut
            | Param::NodeAccuracy(_)
            | Param::NodeRejectRate(_) => {
                let v = number()?;
                if !ranges::RATE.contains(v) {
                    let error = UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::RATE.words
                    ));
                    return Err(if v > 1.0 && v <= 100.0 {
                        error.help(format!("write {text}% as {}", v / 100.0))
                    } else {
                        error
                    });
                }
                Ok(Value::Number(v))
            }
            Param::Patience => {
                if text == "null" {
                    return Ok(Value::Null);
                }
                let v = number().map_err(|e| {
                    e.help("patience is a number of seconds above 0, or `null` (callers never give up)")
                })?;
                if !ranges::PATIENCE.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be above 0 and at most 86400 seconds (one day), or null, not {text}"
                    ))
                    .help("`null` means callers never give up"));
                }
                Ok(Value::Number(v))
            }
            Param::MemorySpan => {
                if text == "null" {
                    return Ok(Value::Null);
                }
                let span = ranges::MEMORY_SPAN;
                match text.parse::<i64>() {
                    Ok(v) if (span.min..=span.max).contains(&v) => Ok(Value::Number(v as f64)),
                    _ => Err(UsageError::new(format!(
                        "{what} is a whole number from {} to {}, or null, not {text}",
                        span.min, span.max
                    ))
                    .help("`null` means callers keep every option in mind")),
                }
            }
            Param::BargeIn | Param::UseUnannounced => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(UsageError::new(format!(
                    "{what} is true or false, not `{text}`"
                ))),
            },
            Param::DigitTime => {
                let v = number()?;
                if !ranges::SECONDS.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::SECONDS.words
                    )));
                }
                Ok(Value::Number(v))
            }
        }
    }

    /// Sets this parameter in a caller model.
    pub fn apply(self, callers: &mut CallerModel, value: Value) {
        match (self, value) {
            (Param::MistakeRate, Value::Number(v)) => callers.mistake_rate = v,
            (Param::InvalidRate, Value::Number(v)) => callers.invalid_rate = v,
            (Param::NoInputRate, Value::Number(v)) => callers.no_input_rate = v,
            (Param::Patience, Value::Number(v)) => callers.patience = Some(v),
            (Param::Patience, Value::Null) => callers.patience = None,
            (Param::BargeIn, Value::Bool(b)) => callers.barge_in = b,
            (Param::DigitTime, Value::Number(v)) => callers.digit_time = v,
            (Param::Confusion, Value::Number(v)) => callers.confusion = v,
            (Param::MemorySpan, Value::Number(v)) => callers.memory_span = Some(v as u32),
            (Param::MemorySpan, Value::Null) => callers.memory_span = None,
            (Param::ForgetRate, Value::Number(v)) => callers.forget_rate = v,
            (Param::UseUnannounced, Value::Bool(b)) => callers.use_unannounced = b,
            (Param::ZeroOut, Value::Number(v)) => callers.zero_out = v,
            // Node parameters set the menu, not the callers (see `Param::node`).
            (Param::NodeAccuracy(_) | Param::NodeRejectRate(_), _) => {}
            _ => unreachable!("values are parsed for their parameter"),
        }
    }
}

/// One value of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    /// `patience: null`: callers never give up.
    Null,
    Bool(bool),
}

impl Value {
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Value::Number(v) => serde_json::Number::from_f64(v)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(v) => write!(f, "{v}"),
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One `--vary` option.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub param: Param,
    pub values: Vec<Value>,
}

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// Parses `PATH=V1,V2,...`.
pub fn parse_vary(text: &str) -> Result<Vary, UsageError> {
    let Some((path, values)) = text.split_once('=') else {
        return Err(
            UsageError::new(format!("`{text}` is not PATH=V1,V2,...: it has no `=`"))
                .help("for example `--vary callers.mistake_rate=0.01,0.03,0.1`"),
        );
    };
    let path = path.trim();
    let node_param = path
        .strip_prefix("nodes.")
        .and_then(|rest| rest.rsplit_once('.'))
        .filter(|(id, field)| !id.is_empty() && matches!(*field, "accuracy" | "reject_rate"));
    let found = match node_param {
        // One short string per `--vary` of a node, kept for the run (paths are `&'static`).
        Some((_, field)) => {
            let leaked: &'static str = Box::leak(path.to_string().into_boxed_str());
            Some(if field == "accuracy" {
                Param::NodeAccuracy(leaked)
            } else {
                Param::NodeRejectRate(leaked)
            })
        }
        None => Param::ALL.into_iter().find(|p| p.path() == path),
    };
    let Some(param) = found else {
        let paths: Vec<&str> = Param::ALL.iter().map(|p| p.path()).collect();
        let error = UsageError::new(format!("`{path}` is not a parameter a sweep can vary"));
        let prefixed = format!("callers.{path}");
        let better = if paths.contains(&prefixed.as_str()) {
            Some(prefixed)
        } else {
            did_you_mean(path, paths.iter().copied()).map(str::to_string)
        };
        return Err(match better {
            Some(better) => error.help(format!("did you mean `{better}`?")),
            None => error.help(format!(
                "the parameters are: {}, and nodes.ID.accuracy, nodes.ID.reject_rate of a speech node",
                paths.join(", ")
            )),
        });
    };
    if let Some(values) = range_values(param, values.trim())? {
        return Ok(Vary { param, values });
    }
    let values = values
        .split(',')
        .map(str::trim)
        .map(|v| {
            if v.is_empty() {
                Err(UsageError::new(format!("`{text}` has an empty value"))
                    .help("separate values with commas: `PATH=V1,V2,V3`"))
            } else {
                param.parse_value(v)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Vary { param, values })
}

/// Values a range gives when none is counted (`A..B`): both ends and three between.
pub const RANGE_POINTS: usize = 5;

/// `A..B` (five evenly spaced values from A to B) or `A..B:N` (N values), for a number
/// parameter; `None` when `text` is a list of values.
fn range_values(param: Param, text: &str) -> Result<Option<Vec<Value>>, UsageError> {
    let Some((from, to)) = text.split_once("..") else {
        return Ok(None);
    };
    let (to, count) = match to.split_once(':') {
        Some((to, n)) => {
            let n = n
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (2..=MAX_POINTS).contains(n));
            let Some(n) = n else {
                return Err(UsageError::new(format!(
                    "`{text}`: the count after `:` must be a whole number from 2 to {MAX_POINTS}"
                ))
                .help("for example `0..0.3:4` for 0, 0.1, 0.2, 0.3"));
            };
            (to, n)
        }
        None => (to, RANGE_POINTS),
    };
    let (Ok(a), Ok(b)) = (from.trim().parse::<f64>(), to.trim().parse::<f64>()) else {
        return Err(
            UsageError::new(format!("`{text}` is not a range of numbers"))
                .help("write a range as `FROM..TO` or `FROM..TO:COUNT`, such as `0..0.3`"),
        );
    };
    if matches!(
        param,
        Param::BargeIn | Param::UseUnannounced | Param::MemorySpan
    ) {
        return Err(
            UsageError::new(format!("{} cannot take a range of numbers", param.path()))
                .help("list its values, separated by commas"),
        );
    }
    (0..count)
        .map(|i| {
            // Rounded to 12 decimals so that 0..0.3 gives 0.075, not 0.07500000000000001.
            let v = a + (b - a) * i as f64 / (count - 1) as f64;
            let v = (v * 1e12).round() / 1e12;
            param.parse_value(&v.to_string())
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// One point of the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The varied parameters' values, in the order of the `--vary` options.
    pub values: Vec<(Param, Value)>,
    /// The caller model at this point (the intents file's, with the values set).
    pub callers: CallerModel,
}

/// Every combination of the values, the last `--vary` varying fastest; a point whose rates add
/// up to more than 1 is refused.
pub fn grid(varies: &[Vary], base: CallerModel) -> Result<Vec<Point>, UsageError> {
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.param == v.param) {
            return Err(
                UsageError::new(format!("{} is varied twice", v.param.path()))
                    .help("give all its values in one --vary, separated by commas"),
            );
        }
    }
    let size = varies
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.values.len()))
        .filter(|&n| n <= MAX_POINTS);
    let Some(size) = size else {
        return Err(
            UsageError::new(format!("the sweep has more than {MAX_POINTS} points"))
                .help("vary fewer parameters or give fewer values"),
        );
    };
    let mut points = Vec::with_capacity(size);
    for index in 0..size {
        let mut rest = index;
        let mut values = vec![(Param::MistakeRate, Value::Null); varies.len()];
        for (slot, v) in varies.iter().enumerate().rev() {
            values[slot] = (v.param, v.values[rest % v.values.len()]);
            rest /= v.values.len();
        }
        let mut callers = base;
        for &(param, value) in &values {
            param.apply(&mut callers, value);
        }
        if !callers.rates_fit() {
            let sum = callers.rate_sum();
            let shown: Vec<String> = values
                .iter()
                .filter(|(p, _)| p.is_rate())
                .map(|(p, v)| format!("{}={v}", p.path()))
                .collect();
            let confusion = if callers.confusion > 0.0 {
                format!(" + confusion {}", callers.confusion)
            } else {
                String::new()
            };
            return Err(UsageError::new(format!(
                "at the point {}, mistake_rate + invalid_rate + no_input_rate{} is {} ({} + {} + {}{}), more than 1",
                shown.join(", "),
                if confusion.is_empty() { "" } else { " + confusion" },
                (sum * 1e9).round() / 1e9,
                callers.mistake_rate,
                callers.invalid_rate,
                callers.no_input_rate,
                confusion.replacen(" + confusion ", " + ", 1)
            ))
            .help("lower the rates so that they add up to at most 1 at every point of the grid (rates not varied keep the intents file's values)"));
        }
        points.push(Point { values, callers });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_order_last_fastest() {
        let a = parse_vary("callers.mistake_rate=0.01,0.1").unwrap();
        let b = parse_vary("callers.patience=60, null").unwrap();
        let points = grid(&[a, b], CallerModel::default()).unwrap();
        let shown: Vec<String> = points
            .iter()
            .map(|p| format!("{}/{}", p.values[0].1, p.values[1].1))
            .collect();
        assert_eq!(shown, ["0.01/60", "0.01/null", "0.1/60", "0.1/null"]);
        assert_eq!(points[1].callers.patience, None);
        assert_eq!(points[2].callers.mistake_rate, 0.1);
    }

    #[test]
    fn refuses_bad_values() {
        assert!(parse_vary("callers.mistake_rate=1.5").is_err());
        assert!(parse_vary("callers.patience=0").is_err());
        assert!(parse_vary("callers.barge_in=yes").is_err());
        assert!(parse_vary("callers.digit_time=-1").is_err());
        assert_eq!(
            parse_vary("mistake_rate=0.1").unwrap_err().help.unwrap(),
            "did you mean `callers.mistake_rate`?"
        );
        let a = parse_vary("callers.mistake_rate=0.5,0.95").unwrap();
        let b = parse_vary("callers.invalid_rate=0.05").unwrap();
        let error = grid(&[a, b], CallerModel::default()).unwrap_err();
        assert!(
            error.message.contains("callers.mistake_rate=0.95"),
            "{}",
            error.message
        );
    }
}
