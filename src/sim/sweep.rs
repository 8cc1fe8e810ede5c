//! `ivr sim --vary`: a grid of caller parameters (and of decision branch shares), every point
//! run with the same random numbers.
//!
//! `--vary PATH=V1,V2,...` may repeat. The grid is every combination, in the order given, the
//! last `--vary` varying fastest. Each value is checked against the range an intents file's
//! `callers:` accepts ([`crate::ranges`]), and each point's rates against their sum.

use super::UsageError;
use crate::callers::CallerModel;
use crate::menu::{Menu, NodeKind};
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
    /// `nodes.NODE.branches.WHEN`: the share of one branch of a decision node (the path, the
    /// node id and the branch's `when`, kept for the life of the process).
    BranchShare {
        path: &'static str,
        node: &'static str,
        when: &'static str,
    },
}

impl Param {
    pub const ALL: [Param; 6] = [
        Param::MistakeRate,
        Param::InvalidRate,
        Param::NoInputRate,
        Param::Patience,
        Param::BargeIn,
        Param::DigitTime,
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
            Param::BranchShare { path, .. } => path,
        }
    }

    /// The name without `callers.` (human table headers).
    pub fn short(self) -> &'static str {
        let path = self.path();
        path.strip_prefix("callers.").unwrap_or(path)
    }

    /// `nodes.NODE.branches.WHEN`, when the path has that shape (a node id or a label may hold
    /// dots: the node is what comes before the last `.branches.`).
    fn branch_share(path: &str) -> Option<Param> {
        let rest = path.strip_prefix("nodes.")?;
        let (node, when) = rest.rsplit_once(".branches.")?;
        if node.is_empty() || when.is_empty() {
            return None;
        }
        // A handful of `--vary` options per process: leaking their text keeps `Param` a plain
        // copyable value.
        let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
        Some(Param::BranchShare {
            path: leak(path),
            node: leak(node),
            when: leak(when),
        })
    }

    fn is_rate(self) -> bool {
        matches!(
            self,
            Param::MistakeRate | Param::InvalidRate | Param::NoInputRate
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
            Param::MistakeRate | Param::InvalidRate | Param::NoInputRate => {
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
            Param::BargeIn => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(UsageError::new(format!(
                    "{what} is true or false, not `{text}`"
                ))),
            },
            Param::BranchShare { .. } => {
                let v = number()?;
                if !ranges::BRANCH_SHARE.contains(v) {
                    return Err(UsageError::new(format!(
                        "{what} must be {}, not {text}",
                        ranges::BRANCH_SHARE.words
                    )));
                }
                Ok(Value::Number(v))
            }
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
            // A branch share is a fact of the menu: [`Param::apply_to_menu`].
            (Param::BranchShare { .. }, _) => {}
            _ => unreachable!("values are parsed for their parameter"),
        }
    }
}

impl Param {
    /// Whether this parameter names a branch of the menu, `Ok` when it does or is not a branch
    /// share.
    pub fn check_menu(self, menu: &Menu) -> Result<(), UsageError> {
        let Param::BranchShare { path, node, when } = self else {
            return Ok(());
        };
        let Some(id) = menu.lookup(node) else {
            return Err(UsageError::new(format!(
                "{path}: the menu has no node `{node}`"
            )));
        };
        let found = menu.node(id);
        if found.kind != NodeKind::Decision {
            return Err(UsageError::new(format!(
                "{path}: `{node}` is a {} node, not a decision",
                found.kind
            )));
        }
        if !found.branches.iter().any(|b| b.when_text() == when) {
            let whens: Vec<&str> = found.branches.iter().map(|b| b.when_text()).collect();
            return Err(UsageError::new(format!(
                "{path}: decision `{node}` has no branch `{when}`"
            ))
            .help(format!("its branches are: {}", whens.join(", "))));
        }
        Ok(())
    }

    /// Sets a branch share in the menu (nothing for a caller parameter). At least one branch of
    /// the decision must keep a share above 0.
    pub fn apply_to_menu(self, menu: &mut Menu, value: Value) -> Result<(), UsageError> {
        let (Param::BranchShare { path, node, when }, Value::Number(v)) = (self, value) else {
            return Ok(());
        };
        let Some(id) = menu.lookup(node) else {
            return Ok(());
        };
        let branches = &mut menu.nodes[id.0].branches;
        for b in branches.iter_mut().filter(|b| b.when_text() == when) {
            let span = b.share.as_ref().map_or(b.span, |s| s.span);
            b.share = Some(crate::source::Spanned::new(v, span));
        }
        if branches.iter().all(|b| b.share_value() <= 0.0) {
            return Err(UsageError::new(format!(
                "at the point {path}={value}, every branch of `{node}` has share 0"
            ))
            .help("keep at least one branch of the decision above 0"));
        }
        Ok(())
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
    let Some(param) = Param::ALL
        .into_iter()
        .find(|p| p.path() == path)
        .or_else(|| Param::branch_share(path))
    else {
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
                "the parameters are: {}, and a decision's branch share as nodes.NODE.branches.WHEN",
                paths.join(", ")
            )),
        });
    };
    let mut parsed = Vec::new();
    for v in values.split(',').map(str::trim) {
        if v.is_empty() {
            return Err(UsageError::new(format!("`{text}` has an empty value"))
                .help("separate values with commas: `PATH=V1,V2,V3`"));
        }
        match span_of(v) {
            Some((lo, hi)) => {
                for step in 0..RANGE_POINTS {
                    let at = lo + (hi - lo) * step as f64 / (RANGE_POINTS - 1) as f64;
                    // Rounded so that 0..0.2 reads 0.15, not 0.15000000000000002.
                    let at = (at * 1e12).round() / 1e12;
                    parsed.push(param.parse_value(&at.to_string())?);
                }
            }
            None => parsed.push(param.parse_value(v)?),
        }
    }
    Ok(Vary {
        param,
        values: parsed,
    })
}

/// How many evenly spaced values `LO..HI` stands for (both ends included).
pub const RANGE_POINTS: usize = 5;

/// `LO..HI` with two numbers, `LO` below `HI`.
fn span_of(text: &str) -> Option<(f64, f64)> {
    let (lo, hi) = text.split_once("..")?;
    let (lo, hi) = (
        lo.trim().parse::<f64>().ok()?,
        hi.trim().parse::<f64>().ok()?,
    );
    (lo.is_finite() && hi.is_finite() && lo < hi).then_some((lo, hi))
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
            return Err(UsageError::new(format!(
                "at the point {}, mistake_rate + invalid_rate + no_input_rate is {} ({} + {} + {}), more than 1",
                shown.join(", "),
                (sum * 1e9).round() / 1e9,
                callers.mistake_rate,
                callers.invalid_rate,
                callers.no_input_rate
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
    fn a_range_stands_for_five_evenly_spaced_values() {
        let v = parse_vary("callers.mistake_rate=0..0.2").unwrap();
        let got: Vec<String> = v.values.iter().map(|x| x.to_string()).collect();
        assert_eq!(got, ["0", "0.05", "0.1", "0.15", "0.2"]);
    }

    #[test]
    fn a_branch_share_is_named_by_node_and_when() {
        let v = parse_vary("nodes.hours.branches.closed=0,0.3").unwrap();
        assert_eq!(
            v.param,
            Param::BranchShare {
                path: "nodes.hours.branches.closed",
                node: "hours",
                when: "closed"
            }
        );
        assert_eq!(v.param.short(), "nodes.hours.branches.closed");
        assert!(parse_vary("nodes.hours.branches.closed=-1").is_err());
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
