//! The driver: what each `ivr` subcommand does, one library call each.
//!
//! It sits above the linter and the simulator and below the command line. It reads the files
//! (each menu and its traffic once), asks the linter whether a menu can be simulated, runs the
//! simulator, and turns everything that stops a command into diagnostics. The command line
//! maps flags to a request, calls one function here, picks a renderer and an exit code.

pub mod baseline;
pub mod compare;
pub mod fix;
pub mod fix_check;
pub mod import;
pub mod lint;
pub mod report;
mod repository;
pub mod shard;
pub mod sim;
pub mod staff;

use crate::diagnostic::Diagnostic;

/// Why a command stopped before producing its result (exit code 2): the diagnostics to show,
/// in order.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Self {
        Failure {
            diagnostics: vec![diagnostic],
        }
    }
}

impl From<Box<Diagnostic>> for Failure {
    fn from(diagnostic: Box<Diagnostic>) -> Self {
        Failure::from(*diagnostic)
    }
}

/// Hears how far a simulation has got (the command line draws a progress bar with it).
pub trait Progress: Sync {
    /// A run of `calls` calls starts.
    fn start(&self, calls: u64);
    /// `calls` more calls are done (called from the worker threads).
    fn advance(&self, calls: u64);
    /// The run is over.
    fn finish(&self);
}

/// No progress reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _calls: u64) {}
    fn advance(&self, _calls: u64) {}
    fn finish(&self) {}
}
