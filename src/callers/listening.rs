//! What a menu's option order costs callers in listening time, for the `popular-first` rule.
//!
//! With barge-in a caller listens until the option they press is read: the one they meant, or a
//! wrong one chosen uniformly among the others (the caller model's `mistake_rate`). So option
//! `k` is listened up to by a share `w_k = a * p_k + b` of the callers at the menu, where `p_k` is
//! the share whose intended option it is, `b = mistake_rate / (n - 1)` and
//! `a = 1 - mistake_rate - invalid_rate - no_input_rate - b`, and the menu costs
//! `sum_k w_k * listen(k)` seconds per caller.

use super::CallerModel;

/// `w_k = a * p_k + b`: the share of callers at the menu who listen up to option k (chosen on
/// purpose, or by mistake among the other options).
pub fn option_weights(p: &[f64], callers: &CallerModel) -> Vec<f64> {
    let n = p.len();
    let b = if n >= 2 {
        callers.mistake_rate_at(n) / (n - 1) as f64
    } else {
        0.0
    };
    let a = 1.0 - callers.mistake_rate - callers.invalid_rate - callers.no_input_rate - b;
    p.iter().map(|&pk| a * pk + b).collect()
}

/// `sum_k w_k * listen(k)` for options announced in `order` (with barge-in; else every
/// caller hears the full menu).
pub fn listening_cost(
    order: &[usize],
    weights: &[f64],
    lengths: &[f64],
    intro: f64,
    barge_in: bool,
) -> f64 {
    let full = intro + lengths.iter().sum::<f64>();
    let mut heard = intro;
    let mut cost = 0.0;
    for &k in order {
        heard += lengths[k];
        cost += weights[k] * if barge_in { heard } else { full };
    }
    cost
}
