//! `ivr staff`: the analytic answer for a menu's queues and the agents a target needs.

use std::path::PathBuf;

use super::Failure;
use super::sim::{exact_error, load_for_simulation};
use crate::diagnostic::Diagnostic;
use crate::sim::program::Program;
use crate::sim::queues::QueuePlan;
use crate::sim::staffing::{StaffGoal, StaffReport, staff_report};

/// What `ivr staff` was asked.
#[derive(Clone, Debug)]
pub struct StaffRequest {
    pub menu: PathBuf,
    pub intents: Option<PathBuf>,
    pub goal: StaffGoal,
}

/// Reads the menu and its traffic, and solves every queue.
pub fn staff(request: &StaffRequest) -> Result<StaffReport, Failure> {
    for (flag, value) in [
        ("--target", request.goal.target),
        ("--max-occupancy", request.goal.max_occupancy),
    ] {
        if value.is_some_and(|v| !(0.0..=1.0).contains(&v)) {
            return Err(
                Diagnostic::usage_error(format!("{flag} must be a share from 0 to 1"))
                    .with_help("write 0.8 for 80%")
                    .into(),
            );
        }
    }
    if request
        .goal
        .answer_within
        .is_some_and(|v| !v.is_finite() || v < 0.0)
    {
        return Err(Diagnostic::usage_error("--answer-within must be 0 or more seconds").into());
    }
    let (menu, intents) = load_for_simulation(&request.menu, request.intents.as_deref())?;
    let Some(plan) = QueuePlan::compile(&menu, &intents) else {
        return Err(Diagnostic::file_error(
            &intents.source.name(),
            "the traffic file has no `arrivals` and `queues`, so there is nothing to staff",
        )
        .with_help("add `arrivals: { calls_per_hour: 1000 }` and a `queues:` entry for each queue the transfer nodes name")
        .into());
    };
    let program = Program::compile(&menu, &intents);
    staff_report(&menu.source.name(), &program, &plan, request.goal)
        .map_err(|error| exact_error(&menu, error).into())
}
