use clap::Args;

use super::{GraphFormat, PathArg, fail, print_stdout};
use crate::document::load_menu;
use crate::menu::graph::MenuGraph;
use crate::render::draw;
use crate::yaml::Limits;

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The menu file to draw.
    pub menu: PathArg,
    /// Mermaid renders in GitHub Markdown; DOT is for Graphviz (`dot -Tsvg`).
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

pub fn run(args: &GraphArgs) -> u8 {
    let menu = match load_menu(&args.menu, &Limits::DEFAULT) {
        Ok(menu) => menu,
        Err(error) => return fail(&error),
    };
    let graph = MenuGraph::build(&menu);
    let text = match args.format {
        GraphFormat::Mermaid => draw::mermaid(&menu, &graph),
        GraphFormat::Dot => draw::dot(&menu, &graph),
    };
    print_stdout(&text)
}
