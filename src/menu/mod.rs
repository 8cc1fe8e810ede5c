//! Menus: the spanned model and its loader, prompt durations, the graph, routing, and the
//! analysis of what each node and option is for.

pub mod analysis;
mod complaints;
pub mod duration;
pub mod graph;
pub mod join;
pub(crate) mod load;
pub mod model;
pub mod routing;

pub use model::{Menu, MenuOption, Node, NodeId, NodeKind};
