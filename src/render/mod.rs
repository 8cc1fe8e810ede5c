//! Renderers: every output format reads one report struct and returns text.
//!
//! Lint reports ([`crate::lint::LintReport`]): `lint::{human, json, sarif, github}`.
//! Simulations ([`crate::sim::report::SimReport`] and what is built on it): `sim`, `gates`,
//! `sweep`, `compare`. Menus: `draw` (Mermaid, DOT). Rule documentation: `rules`.

pub mod compare;
pub mod draw;
pub mod gates;
pub mod lint;
pub mod queues;
pub mod rules;
pub mod sim;
pub mod staff;
pub mod sweep;
