//! The caller model: routing now; the Monte Carlo engine and the exact solver build on it.

pub mod policy;
