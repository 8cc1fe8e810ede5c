//! One file per rule; the registry lists them.

pub mod agent_depth;
pub mod complaint_high_level;
pub mod complaint_standalone;
pub mod confusable_options;
pub mod dead_end;
pub mod duplicate_key;
pub mod intent_coverage;
pub mod invalid_key;
pub mod invalid_suppression;
pub mod menu_navigation;
pub mod missing_field;
pub mod numeric_id;
pub mod popular_first;
pub mod prompt_key_mismatch;
pub mod prompt_length;
pub mod reentry;
pub mod self_service_depth;
pub mod too_many_options;
pub mod unannounced_option;
pub mod undefined_queue;
pub mod understaffed;
pub mod unknown_target;
pub mod unreachable_node;
pub mod unused_allow;
pub mod unused_traffic;
