//! `ivr` lints IVR phone menus written in YAML and simulates callers going through them.
//!
//! Data flows one way: YAML text ([`source`], [`yaml`]) -> the spanned model ([`menu`],
//! [`intents`], loaded by [`load`]) -> the graph ([`menu::graph`]) -> drawings and reports.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod draw;
pub mod generate;
pub mod intents;
pub mod lint;
pub mod load;
pub mod menu;
pub mod queue;
pub mod ranges;
pub mod report;
pub mod schema;
pub mod sim;
pub mod source;
pub mod text;
pub mod yaml;
