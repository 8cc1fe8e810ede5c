//! Renderers: every output format reads one report struct and returns text.
//!
//! Lint reports ([`crate::lint::LintReport`]): `lint::{human, json, sarif, github}`.
//! Simulations ([`crate::sim::report::SimReport`] and what is built on it): `sim`, `gates`,
//! `sweep`, `compare`. Menus: `draw` (Mermaid, DOT), `svg` (our own layout). Rule documentation: `rules`.

pub mod compare;
pub mod draw;
pub mod gates;
pub mod html;
pub mod lint;
pub mod rules;
pub mod sim;
pub mod svg;
pub mod sweep;
