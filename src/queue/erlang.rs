//! The analytic queue: Erlang C (M/M/c, callers never hang up) and Erlang A (M/M/c+M,
//! exponential patience), and the staffing search built on them.
//!
//! Both are birth-death chains on the number of callers in the system `n`: arrivals at rate
//! `λ`, departures at `min(n, c) μ + max(n - c, 0) θ` (`μ = 1 / handle_time`,
//! `θ = 1 / patience`). Nothing here forms a factorial or a power of the load: the part of the
//! chain below `c` agents is summed with the Erlang B recursion (in logarithms, so thousands of
//! agents neither overflow nor underflow), and the waiting part of Erlang A is summed term by
//! term relative to the state `n = c` with a running scale, until the terms fall below 1e-22 of
//! the sum.
//!
//! Service level with abandonment: a caller arriving to `c + m` callers (`m` waiting ahead of
//! him) reaches an agent after `m + 1` stages — each callers-ahead count `k = m, ..., 0` ends
//! when an agent frees (rate `cμ`) or one of the `k` ahead hangs up (rate `kθ`) — and races
//! his own patience (rate `θ`) through every stage. So he is answered with probability
//! `Π_k (cμ + kθ) / (cμ + (k + 1)θ) = cμ / (cμ + (m + 1)θ)`, his expected wait when answered
//! is `Σ_{j=1}^{m+1} 1 / (cμ + jθ)`, and, given that he is answered, his wait is the sum of
//! exponentials with rates `cμ + jθ`, `j = 1..m+1`. For that sum `S`, `exp(-θ S)` follows a
//! Beta(`cμ/θ + 1`, `m + 1`) law (compare the moments), so `P(S > T)` is a negative-binomial
//! sum whose terms we carry along with `m` in the same pass. Service level is then "answered
//! with `W <= T`" over all offered calls: abandoned callers count as missed.

/// Seconds per hour.
const HOUR: f64 = 3600.0;

/// Terms of the waiting part below this share of the running sum are left off (`e^-50`).
const NEGLIGIBLE: f64 = -50.0;

/// The most waiting-part terms one Erlang A solution sums (a queue of this many callers
/// needs a patience many million times the handle time); beyond it the tail is left off.
pub const MAX_QUEUE_TERMS: u64 = 1 << 27;

/// The most agents the staffing search tries.
pub const MAX_AGENTS: u32 = 10_000_000;

/// One queue as the analytic model sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueueModel {
    /// Calls offered per hour (Poisson).
    pub calls_per_hour: f64,
    /// Mean handle time in seconds (exponential).
    pub handle_time: f64,
    /// Mean patience in seconds (exponential); `None`: callers never hang up.
    pub patience: Option<f64>,
}

impl QueueModel {
    /// The offered load in Erlangs: the agents needed on average to handle every call.
    pub fn load(&self) -> f64 {
        self.calls_per_hour / HOUR * self.handle_time
    }

    /// Abandonment rate per waiting caller, per second (`0` when callers never hang up).
    fn theta(&self) -> f64 {
        match self.patience {
            Some(p) if p.is_finite() && p > 0.0 => 1.0 / p,
            Some(0.0) => f64::INFINITY,
            _ => 0.0,
        }
    }
}

/// Steady-state figures of a stable queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    /// Share of offered calls answered within `answer_within` (abandoned calls are missed).
    pub service_level: f64,
    /// Share of offered calls that find every agent busy (wait longer than zero).
    pub p_wait: f64,
    /// Average speed of answer: mean wait of answered calls, seconds (infinite when no call
    /// is ever answered).
    pub asa: f64,
    /// Share of offered calls that hang up while waiting.
    pub abandoned: f64,
    /// Agent time spent handling calls over agent time available.
    pub occupancy: f64,
}

/// The analytic answer for one queue and number of agents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Solution {
    /// The queue settles into a steady state with these figures.
    Stable(Figures),
    /// Offered load at or above the agents and no one hangs up: the queue grows without
    /// bound, so service level is 0, waits are infinite and agents are always busy.
    Unstable,
}

impl Solution {
    pub fn service_level(&self) -> f64 {
        match self {
            Solution::Stable(f) => f.service_level,
            Solution::Unstable => 0.0,
        }
    }

    pub fn p_wait(&self) -> f64 {
        match self {
            Solution::Stable(f) => f.p_wait,
            Solution::Unstable => 1.0,
        }
    }

    pub fn asa(&self) -> f64 {
        match self {
            Solution::Stable(f) => f.asa,
            Solution::Unstable => f64::INFINITY,
        }
    }

    pub fn abandoned(&self) -> f64 {
        match self {
            Solution::Stable(f) => f.abandoned,
            Solution::Unstable => 0.0,
        }
    }

    pub fn occupancy(&self) -> f64 {
        match self {
            Solution::Stable(f) => f.occupancy,
            Solution::Unstable => 1.0,
        }
    }
}

/// `ln(e^x + e^y)` without overflow.
fn log_add(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// `ln(1 / B(k, a))` for `k = 0..=agents`, where `B` is the Erlang B blocking probability:
/// the recursion `1/B(k) = 1 + (k / a) / B(k - 1)` in logarithms. `1/B(c, a)` is
/// `Σ_{n<=c} p_n / p_c` for the chain below `c`.
fn ln_inverse_erlang_b(agents: u32, load: f64) -> f64 {
    let ln_load = load.ln();
    let mut ln_inverse = 0.0; // k = 0: B = 1
    for k in 1..=agents {
        ln_inverse = log_add(0.0, f64::from(k).ln() - ln_load + ln_inverse);
    }
    ln_inverse
}

/// Erlang B: the share of calls that find all `agents` busy when callers who cannot be served
/// at once go away (also `1 / Σ_{n<=c} p_n / p_c`).
pub fn erlang_b(agents: u32, load: f64) -> f64 {
    if load <= 0.0 {
        return if agents == 0 { 1.0 } else { 0.0 };
    }
    (-ln_inverse_erlang_b(agents, load)).exp()
}

/// The figures of `queue` with `agents` agents, answering within `answer_within` seconds.
pub fn solve(queue: &QueueModel, agents: u32, answer_within: f64) -> Solution {
    let load = queue.load();
    let theta = queue.theta();
    if load <= 0.0 {
        return Solution::Stable(Figures {
            service_level: 1.0,
            p_wait: 0.0,
            asa: 0.0,
            abandoned: 0.0,
            occupancy: 0.0,
        });
    }
    if theta == 0.0 {
        if load >= f64::from(agents) {
            return Solution::Unstable;
        }
        return Solution::Stable(erlang_c(agents, load, queue.handle_time, answer_within));
    }
    if agents == 0 || theta == f64::INFINITY {
        // Nobody can be served, or callers hang up at once when they would have to wait.
        let blocked = if agents == 0 {
            1.0
        } else {
            erlang_b(agents, load)
        };
        return Solution::Stable(Figures {
            service_level: 1.0 - blocked,
            p_wait: blocked,
            asa: if agents == 0 { f64::INFINITY } else { 0.0 },
            abandoned: blocked,
            occupancy: if agents == 0 {
                0.0
            } else {
                load * (1.0 - blocked) / f64::from(agents)
            },
        });
    }
    Solution::Stable(erlang_a(
        agents,
        load,
        queue.handle_time,
        theta,
        answer_within,
    ))
}

/// M/M/c with `load < agents`: the Erlang C formula and the exponential tail of the wait.
fn erlang_c(agents: u32, load: f64, handle_time: f64, answer_within: f64) -> Figures {
    let c = f64::from(agents);
    let rho = load / c;
    // C = 1 / (1/B(c) (1 - ρ) + ρ); 1/B may be astronomically large for a lightly loaded
    // queue, in which case C is 0 to double precision.
    let x = ln_inverse_erlang_b(agents, load) + (1.0 - rho).ln();
    let p_wait = 1.0 / (x.exp() + rho);
    let decay = (c - load) / handle_time; // cμ - λ
    Figures {
        service_level: 1.0 - p_wait * (-decay * answer_within).exp(),
        p_wait,
        asa: p_wait / decay,
        abandoned: 0.0,
        occupancy: rho,
    }
}

/// Running sums `Σ terms · e^(scale)` that rescale when a larger term arrives.
#[derive(Default)]
struct ScaledSums {
    scale: f64,
    waiting: f64,
    abandoned: f64,
    late: f64,
    wait_answered: f64,
}

/// M/M/c+M: the birth-death chain with abandonment, summed in one pass over the callers
/// waiting ahead `m` of an arriving caller who finds all agents busy.
fn erlang_a(agents: u32, load: f64, handle_time: f64, theta: f64, answer_within: f64) -> Figures {
    let c = f64::from(agents);
    let mu = 1.0 / handle_time;
    let lambda = load * mu;
    let c_mu = c * mu;
    // Σ_{n<c} p_n / p_c = (c / a) Σ_{n<=c-1} p_n / p_{c-1}.
    let ln_below = (c / load).ln() + ln_inverse_erlang_b(agents - 1, load);

    // The negative-binomial terms q_j of P(S_{m+1} > T) = Σ_{j<=m} q_j.
    let shape = c_mu / theta + 1.0;
    let z = -(-theta * answer_within).exp_m1(); // 1 - e^{-θT}
    let ln_z = z.ln();
    let mut ln_q = -(c_mu + theta) * answer_within;
    let mut ln_late = ln_q; // ln P(S_1 > T)

    let mut sums = ScaledSums::default();
    let mut ln_r = 0.0; // ln(p_{c+m} / p_c)
    let mut stages = 0.0; // Σ_{j=1}^{m+1} 1 / (cμ + jθ)
    let mut m: u64 = 0;
    loop {
        let mf = m as f64;
        let exit = c_mu + (mf + 1.0) * theta;
        let answered = c_mu / exit;
        stages += 1.0 / exit;
        if m > 0 {
            ln_r += (lambda / (c_mu + mf * theta)).ln();
            ln_q += ((shape + mf - 1.0) / mf).ln() + ln_z;
            ln_late = log_add(ln_late, ln_q);
        }
        if ln_r > sums.scale {
            let shrink = (sums.scale - ln_r).exp();
            sums.waiting *= shrink;
            sums.abandoned *= shrink;
            sums.late *= shrink;
            sums.wait_answered *= shrink;
            sums.scale = ln_r;
        }
        let r = (ln_r - sums.scale).exp();
        sums.waiting += r;
        sums.abandoned += r * ((mf + 1.0) * theta / exit);
        sums.late += r * answered * ln_late.exp().min(1.0);
        sums.wait_answered += r * answered * stages;
        m += 1;
        // Past the mode (terms now shrink) and negligible against the sum: stop.
        let shrinking = lambda < c_mu + (m as f64) * theta;
        if (shrinking && ln_r - sums.scale - sums.waiting.ln() < NEGLIGIBLE) || m >= MAX_QUEUE_TERMS
        {
            break;
        }
    }
    let ln_total = log_add(ln_below, sums.scale + sums.waiting.ln());
    let norm = (sums.scale - ln_total).exp();
    let p_wait = sums.waiting * norm;
    let abandoned = sums.abandoned * norm;
    let late = sums.late * norm;
    let answered = 1.0 - abandoned;
    Figures {
        service_level: (answered - late).clamp(0.0, 1.0),
        p_wait,
        asa: sums.wait_answered * norm / answered,
        abandoned,
        occupancy: load * answered / c,
    }
}

/// What staffing must achieve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// Seconds within which a call counts as answered in time.
    pub answer_within: f64,
    /// Least service level, a share in `[0, 1]`.
    pub service_level: f64,
    /// Most occupancy allowed, if any.
    pub max_occupancy: Option<f64>,
}

impl Target {
    /// Whether `solution` meets the target.
    pub fn met_by(&self, solution: &Solution) -> bool {
        match solution {
            Solution::Unstable => false,
            Solution::Stable(f) => {
                f.service_level >= self.service_level
                    && self.max_occupancy.is_none_or(|cap| f.occupancy <= cap)
            }
        }
    }
}

/// The fewest agents whose figures meet `target`, or `None` when even [`MAX_AGENTS`] do not.
///
/// Service level rises and occupancy falls as agents are added (for Erlang C and Erlang A
/// alike), so the search gallops up from the least stable staffing and then bisects.
pub fn fewest_agents(queue: &QueueModel, target: &Target) -> Option<u32> {
    let meets = |agents: u32| target.met_by(&solve(queue, agents, target.answer_within));
    let load = queue.load();
    let mut low = if queue.theta() == 0.0 && load > 0.0 {
        // Below this the queue is unstable.
        if load >= f64::from(MAX_AGENTS) {
            return None;
        }
        load.floor() as u32
    } else {
        0
    };
    if meets(0) {
        return Some(0);
    }
    // `low` fails; find a `high` that meets.
    let mut step = 1u32;
    let mut high = low.saturating_add(step);
    while !meets(high) {
        if high >= MAX_AGENTS {
            return None;
        }
        low = high;
        step = step.saturating_mul(2);
        high = high.saturating_add(step).min(MAX_AGENTS);
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if meets(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(calls_per_hour: f64, handle_time: f64, patience: Option<f64>) -> QueueModel {
        QueueModel {
            calls_per_hour,
            handle_time,
            patience,
        }
    }

    /// `x` printed to some digits: within half a unit of the last one.
    fn assert_printed(x: f64, printed: &str) {
        let value: f64 = printed.parse().unwrap();
        let decimals = printed.split('.').nth(1).map_or(0, str::len) as i32;
        let half_unit = 0.5 * 10f64.powi(-decimals);
        assert!(
            (x - value).abs() < half_unit,
            "{x} does not print as {printed}"
        );
    }

    fn stable(solution: Solution) -> Figures {
        match solution {
            Solution::Stable(f) => f,
            Solution::Unstable => panic!("expected a stable queue"),
        }
    }

    #[test]
    fn erlang_c_200_calls_180_seconds_14_agents() {
        let f = stable(solve(&queue(200.0, 180.0, None), 14, 20.0));
        assert_printed(f.service_level, "0.88835");
        assert_printed(f.p_wait, "0.1741319");
        assert_printed(f.asa, "7.836");
        assert_printed(f.occupancy, "0.714");
        assert_eq!(f.abandoned, 0.0);
    }

    #[test]
    fn erlang_c_1000_calls_120_seconds_38_and_40_agents() {
        let q = queue(1000.0, 120.0, None);
        assert_printed(stable(solve(&q, 38, 20.0)).service_level, "0.8468");
        let f = stable(solve(&q, 40, 20.0));
        assert_printed(f.service_level, "0.9372");
        assert_printed(f.p_wait, "0.1907");
        assert_printed(f.asa, "3.433");
    }

    #[test]
    fn erlang_a_1000_calls_120_seconds_36_agents_120_seconds_patience() {
        let f = stable(solve(&queue(1000.0, 120.0, Some(120.0)), 36, 20.0));
        assert_printed(f.service_level, "0.89378");
        assert_printed(f.p_wait, "0.34459");
        assert_printed(f.asa, "4.1886");
        assert_printed(f.abandoned, "0.037005");
        assert_printed(f.occupancy, "0.89166");
    }

    #[test]
    fn fewest_agents_for_80_20_is_38_and_40_under_an_85_percent_occupancy_cap() {
        let q = queue(1000.0, 120.0, None);
        let mut target = Target {
            answer_within: 20.0,
            service_level: 0.8,
            max_occupancy: None,
        };
        assert_eq!(fewest_agents(&q, &target), Some(38));
        assert!(!target.met_by(&solve(&q, 37, 20.0)));
        target.max_occupancy = Some(0.85);
        assert_eq!(fewest_agents(&q, &target), Some(40));
        assert!(!target.met_by(&solve(&q, 39, 20.0)));
    }

    #[test]
    fn fewest_agents_with_abandonment_is_the_first_staffing_that_meets_the_target() {
        let q = queue(1000.0, 120.0, Some(120.0));
        for level in [0.5, 0.8, 0.85, 0.9, 0.95, 0.99] {
            let target = Target {
                answer_within: 20.0,
                service_level: level,
                max_occupancy: None,
            };
            let n = fewest_agents(&q, &target).unwrap();
            assert!(target.met_by(&solve(&q, n, 20.0)), "{level}: {n}");
            assert!(!target.met_by(&solve(&q, n - 1, 20.0)), "{level}: {n}");
        }
        let none = Target {
            answer_within: 20.0,
            service_level: 0.0,
            max_occupancy: None,
        };
        assert_eq!(fewest_agents(&q, &none), Some(0));
    }

    #[test]
    fn load_at_or_above_the_agents_without_abandonment_is_unstable() {
        let q = queue(1000.0, 120.0, None); // 33.3 Erlangs
        assert_eq!(solve(&q, 33, 20.0), Solution::Unstable);
        assert_eq!(
            solve(&queue(3600.0, 10.0, None), 10, 20.0),
            Solution::Unstable
        );
        let u = Solution::Unstable;
        assert_eq!(
            (u.service_level(), u.p_wait(), u.asa(), u.occupancy()),
            (0.0, 1.0, f64::INFINITY, 1.0)
        );
        // With abandonment the same load settles, even with far too few agents.
        let f = stable(solve(&queue(1000.0, 120.0, Some(120.0)), 10, 20.0));
        assert!(
            f.abandoned > 0.6 && f.occupancy > 0.99 && f.occupancy <= 1.0,
            "{f:?}"
        );
    }

    #[test]
    fn no_agents_and_no_calls() {
        let f = stable(solve(&queue(100.0, 120.0, Some(60.0)), 0, 20.0));
        assert_eq!((f.service_level, f.p_wait, f.abandoned), (0.0, 1.0, 1.0));
        assert_eq!(f.asa, f64::INFINITY);
        let f = stable(solve(&queue(0.0, 120.0, None), 0, 20.0));
        assert_eq!((f.service_level, f.p_wait, f.occupancy), (1.0, 0.0, 0.0));
    }

    /// Every figure is a finite share, and more agents never make any of them worse.
    fn assert_sane_and_monotone(q: &QueueModel, agents: std::ops::Range<u32>) {
        let mut previous: Option<Figures> = None;
        for c in agents {
            let Solution::Stable(f) = solve(q, c, 20.0) else {
                continue;
            };
            for share in [f.service_level, f.p_wait, f.abandoned, f.occupancy] {
                assert!(
                    share.is_finite() && (0.0..=1.0).contains(&share),
                    "{c}: {f:?}"
                );
            }
            assert!(f.asa.is_finite() && f.asa >= 0.0, "{c}: {f:?}");
            if let Some(p) = previous {
                let slack = 1e-12;
                assert!(
                    f.service_level >= p.service_level - slack,
                    "{c}: {p:?} {f:?}"
                );
                assert!(f.p_wait <= p.p_wait + slack, "{c}: {p:?} {f:?}");
                assert!(f.asa <= p.asa * (1.0 + slack) + slack, "{c}: {p:?} {f:?}");
                assert!(f.abandoned <= p.abandoned + slack, "{c}: {p:?} {f:?}");
                assert!(f.occupancy <= p.occupancy + slack, "{c}: {p:?} {f:?}");
            }
            previous = Some(f);
        }
    }

    #[test]
    fn hundreds_and_thousands_of_agents_stay_finite_and_monotone() {
        // 500 Erlangs (15,000 calls an hour, 2 minutes each) and 2,000 Erlangs.
        assert_sane_and_monotone(&queue(15_000.0, 120.0, None), 490..620);
        assert_sane_and_monotone(&queue(15_000.0, 120.0, Some(180.0)), 380..620);
        assert_sane_and_monotone(&queue(60_000.0, 120.0, Some(90.0)), 1900..2100);
        // Far more agents than calls need: the wait vanishes instead of turning into NaN.
        let f = stable(solve(&queue(100.0, 120.0, Some(60.0)), 3000, 20.0));
        assert_eq!((f.service_level, f.p_wait, f.abandoned), (1.0, 0.0, 0.0));
        let f = stable(solve(&queue(100.0, 120.0, None), 3000, 20.0));
        assert_eq!((f.service_level, f.p_wait, f.asa), (1.0, 0.0, 0.0));
        // Heavily overloaded with abandonment: most callers hang up, agents never rest.
        let f = stable(solve(&queue(60_000.0, 120.0, Some(600.0)), 1000, 20.0));
        assert!(f.abandoned > 0.49 && f.abandoned < 0.51, "{f:?}");
        assert!(f.occupancy > 0.999, "{f:?}");
        let target = Target {
            answer_within: 20.0,
            service_level: 0.8,
            max_occupancy: None,
        };
        let n = fewest_agents(&queue(60_000.0, 120.0, None), &target).unwrap();
        assert!((2000..2100).contains(&n), "{n}");
    }

    #[test]
    fn long_patience_tends_to_erlang_c() {
        let c = stable(solve(&queue(1000.0, 120.0, None), 36, 20.0));
        let a = stable(solve(&queue(1000.0, 120.0, Some(1e7)), 36, 20.0));
        assert!(
            (a.service_level - c.service_level).abs() < 1e-4,
            "{a:?} {c:?}"
        );
        assert!((a.p_wait - c.p_wait).abs() < 1e-4, "{a:?} {c:?}");
        assert!((a.asa - c.asa).abs() / c.asa < 1e-3, "{a:?} {c:?}");
        assert!(a.abandoned < 1e-5, "{a:?}");
    }

    /// Erlang A computed another way: from the density of the wait an arriving caller would
    /// have if he never hung up, `λ e^{λ(1 - e^{-θx})/θ - cμx} / (E + λJ)` for `x > 0`
    /// (E = Σ_{j<c} a^j/j! · (c-1)!/a^{c-1}, J the integral of the exponential), integrated
    /// numerically. Small staffing only: E is summed directly.
    fn erlang_a_by_quadrature(q: &QueueModel, c: u32, t: f64) -> Figures {
        let mu = 1.0 / q.handle_time;
        let lambda = q.calls_per_hour / HOUR;
        let theta = 1.0 / q.patience.unwrap();
        let a = lambda / mu;
        let mut e = 0.0;
        let mut term = 1.0; // a^j/j! relative to a^{c-1}/(c-1)!, from j = c-1 down
        for j in (0..c).rev() {
            e += term;
            term *= f64::from(j) / a;
        }
        let g =
            |x: f64| (lambda * (1.0 - (-theta * x).exp()) / theta - f64::from(c) * mu * x).exp();
        let simpson = |f: &dyn Fn(f64) -> f64, from: f64, to: f64| {
            let n = 200_000;
            let h = (to - from) / f64::from(n);
            let mut s = f(from) + f(to);
            for i in 1..n {
                s += f(from + f64::from(i) * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            s * h / 3.0
        };
        let end = 60.0 * q.handle_time;
        let j = simpson(&g, 0.0, end);
        let d = e + lambda * j;
        let p_wait = lambda * j / d;
        let answered_waiting = lambda * simpson(&|x| g(x) * (-theta * x).exp(), 0.0, end) / d;
        let in_time = lambda * simpson(&|x| g(x) * (-theta * x).exp(), 0.0, t) / d;
        let wait_mass = lambda * simpson(&|x| x * g(x) * (-theta * x).exp(), 0.0, end) / d;
        let abandoned = p_wait - answered_waiting;
        Figures {
            service_level: 1.0 - p_wait + in_time,
            p_wait,
            asa: wait_mass / (1.0 - abandoned),
            abandoned,
            occupancy: a * (1.0 - abandoned) / f64::from(c),
        }
    }

    #[test]
    fn erlang_a_agrees_with_the_virtual_wait_density() {
        for (q, c, t) in [
            (queue(1000.0, 120.0, Some(120.0)), 36, 20.0),
            (queue(200.0, 180.0, Some(60.0)), 8, 30.0),
            (queue(500.0, 300.0, Some(600.0)), 40, 60.0),
            (queue(50.0, 240.0, Some(30.0)), 2, 10.0),
        ] {
            let chain = stable(solve(&q, c, t));
            let density = erlang_a_by_quadrature(&q, c, t);
            let close = |x: f64, y: f64| (x - y).abs() < 1e-7 * (1.0 + y.abs());
            assert!(
                close(chain.service_level, density.service_level)
                    && close(chain.p_wait, density.p_wait)
                    && close(chain.asa, density.asa)
                    && close(chain.abandoned, density.abandoned),
                "{chain:?}\n{density:?}"
            );
        }
    }
}
