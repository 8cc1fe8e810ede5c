//! The simulator: callers (as [`crate::callers`] describes them) going through a menu, sampled
//! call by call or solved exactly.
//!
//! `program` (the menu and its routing compiled to flat arrays) -> `engine` (one call, pure) ->
//! `run` (blocks, threads, seeds; figures kept with [`crate::stats`]) -> `report` (one
//! `Serialize` struct). `exact` solves the same model as an absorbing Markov chain. On top of a
//! report: `gates` (pass/fail bounds on its figures), `sweep` (a grid of caller parameters) and
//! `compare` (two menus on the same callers).
//!
//! The simulator assumes a structurally sound menu: whoever calls it asks the linter first
//! ([`crate::lint::structural_errors`]), as `commands::sim` does.

pub mod compare;
pub mod engine;
pub mod exact;
pub mod flow;
pub mod gates;
pub mod headline;
pub mod program;
pub mod queue_compare;
pub mod queues;
pub mod report;
pub mod run;
pub mod shard;
pub mod staffing;
pub mod sweep;

/// Why a gate or a sweep the user wrote cannot be used: a message and, perhaps, what to do
/// instead. The caller places it (a command-line flag, or a line of the config).
#[derive(Clone, Debug, PartialEq)]
pub struct UsageError {
    pub message: String,
    pub help: Option<String>,
}

impl UsageError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
