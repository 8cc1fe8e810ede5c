//! Agent queues after the transfer: the analytic Erlang C / Erlang A answer and staffing
//! ([`erlang`]), the queue stage as a discrete-event simulation ([`stage`]) with its tallies
//! ([`tally`]), the random streams and arrival times that feed it ([`streams`]), and one queue
//! fed straight by Poisson arrivals, the case the formulas describe ([`single`]).
//!
//! Pure arithmetic and simulation: nothing here knows about menus.

pub mod erlang;
pub mod single;
pub mod stage;
pub mod streams;
pub mod tally;

/// Simulated time and durations, in whole microseconds.
pub type Micros = u64;

/// The patience of a caller who never hangs up.
pub const NEVER: Micros = Micros::MAX;
