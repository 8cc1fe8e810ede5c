//! A menu file in a pull request is untrusted input: what it can and cannot make `ivr` do
//! (docs/reliability.md). Each test here is a defect an attack review found, run through the
//! real binary; the big inputs run under a generous guard (a hang check, not a speed check).

use std::time::Duration;

mod common;

use common::Ivr;

const GUARD: Duration = Duration::from_secs(120);

/// A stderr that cannot be written is not a panic: `ivr` reports what it can and exits with the
/// code the failure deserves (2: the output could not be written).
#[test]
fn an_unwritable_stderr_is_no_panic() {
    assert_eq!(Ivr::new(&["rules"]).run_on_full_disk(), Some(2));
    assert_eq!(Ivr::new(&["lint", "no-such-file.yaml"]).run_on_full_disk(), Some(2));
}
