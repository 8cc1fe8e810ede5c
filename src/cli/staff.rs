use clap::{Args, ValueEnum};

use super::{PathArg, fail_all, print_stdout};
use crate::commands::staff::{StaffRequest, staff};
use crate::render::staff as staff_render;
use crate::sim::staffing::StaffGoal;

#[derive(Debug, Args)]
pub struct StaffArgs {
    /// The menu file.
    pub menu: PathArg,
    /// Intents file (else the menu's `traffic:`).
    #[arg(long)]
    pub intents: Option<PathArg>,
    /// Service level to meet, a share (else the traffic file's `service_level.target`).
    #[arg(long)]
    pub target: Option<f64>,
    /// Seconds within which a call counts as answered in time (else the traffic file's).
    #[arg(long = "answer-within")]
    pub answer_within: Option<f64>,
    /// Most agent occupancy allowed, a share such as 0.85.
    #[arg(long = "max-occupancy")]
    pub max_occupancy: Option<f64>,
    #[arg(long, value_enum, default_value_t = StaffFormat::Human)]
    pub format: StaffFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StaffFormat {
    Human,
    Json,
}

pub fn run(args: &StaffArgs) -> u8 {
    let request = StaffRequest {
        menu: args.menu.clone(),
        intents: args.intents.clone(),
        goal: StaffGoal {
            target: args.target,
            answer_within: args.answer_within,
            max_occupancy: args.max_occupancy,
        },
    };
    match staff(&request) {
        Ok(report) => print_stdout(&match args.format {
            StaffFormat::Human => staff_render::human(&report),
            StaffFormat::Json => staff_render::json(&report),
        }),
        Err(failure) => fail_all(&failure),
    }
}
