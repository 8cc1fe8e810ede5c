//! `ivr` lints IVR phone menus written in YAML and simulates callers going through them.
//!
//! Data flows one way, and no module imports one above it (docs/architecture.md draws the
//! layers; `tests/architecture.rs` enforces them):
//!
//! - text and plain facts: [`source`] (files, spans), [`text`], [`ranges`], [`stats`]
//!   (streaming figures), [`diagnostic`] (the one message type), [`yaml`] (a spanned YAML tree);
//! - the spanned model: [`callers`] (the caller model), [`intents`], [`menu`] (with its graph,
//!   routing and analysis), read from files by [`document`] (platform flows through
//!   [`import`]); [`queue`] (agents after a
//!   transfer);
//! - rules and simulation: [`lint`], [`sim`]; [`config`] (`.ivr.yaml`) feeds the linter its
//!   settings; [`schema`] describes the files;
//! - the driver: [`commands`], one function per subcommand;
//! - renderers: [`render`], one per output format;
//! - the language server: `lsp` (behind the `cli` feature), for editors;
//! - the command line: `cli` (behind the `cli` feature), which only maps flags to a command,
//!   picks a renderer and an exit code.

// Only the command line writes to the terminal; the library returns text and diagnostics.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod callers;
#[cfg(feature = "cli")]
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod generate;
pub mod import;
pub mod intents;
pub mod lint;
#[cfg(feature = "cli")]
pub mod lsp;
pub mod menu;
pub mod queue;
pub mod ranges;
pub mod render;
pub mod schema;
pub mod sim;
pub mod source;
pub mod stats;
pub mod text;
pub mod yaml;
