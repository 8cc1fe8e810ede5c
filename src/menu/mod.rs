//! Menus: the spanned model, its loader, prompt durations and the graph.

pub mod duration;
pub mod graph;
pub mod load;
pub mod model;
pub mod routing;

pub use model::{Menu, MenuOption, Node, NodeId, NodeKind};
