//! Renderers: every output format reads one report struct and returns text.
//!
//! Lint reports ([`crate::lint::LintReport`]): `lint::{human, json, sarif, github}`.
//! Simulations ([`crate::sim::report::SimReport`] and what is built on it): `sim`, `gates`,
//! `sweep`, `compare`, and `markdown` for all of them; the HTML pages `html` (`ivr report`),
//! `compare_html`, `sweep_html` with their line charts in `chart`. Menus: `draw` (Mermaid, DOT),
//! `svg` (our own layout). Rule documentation: `rules`.

pub mod chart;
pub mod compare;
pub mod compare_html;
pub mod draw;
pub mod gates;
pub mod html;
pub mod layout;
pub mod lint;
pub mod markdown;
pub mod queue_compare;
pub mod queues;
pub mod rules;
pub mod sim;
pub mod staff;
pub mod svg;
pub mod sweep;
pub mod sweep_html;

/// An interval as people read it: `[low, high]`, `[low, open)` when nothing bounds it above,
/// empty when there is none. Bounds are multiplied by `scale`, with `digits` decimals and a sign
/// when `signed`.
pub(crate) fn interval_text(
    ci: Option<crate::stats::Interval>,
    scale: f64,
    digits: usize,
    signed: bool,
) -> String {
    let number = |v: f64| {
        if signed {
            format!("{:+.digits$}", v * scale)
        } else {
            format!("{:.digits$}", v * scale)
        }
    };
    match ci {
        None => String::new(),
        Some(ci) => match ci.hi {
            Some(hi) => format!("[{}, {}]", number(ci.lo), number(hi)),
            None => format!("[{}, open)", number(ci.lo)),
        },
    }
}
