use clap::Args;

use super::{GraphFormat, PathArg, fail, fail_all, print_stdout};
use crate::commands::sim::menu_flow;
use crate::document::load_menu;
use crate::menu::graph::MenuGraph;
use crate::render::draw;
use crate::render::svg::{SvgOptions, svg};
use crate::yaml::Limits;

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The menu file to draw.
    pub menu: PathArg,
    /// Mermaid renders in GitHub Markdown; DOT is for Graphviz (`dot -Tsvg`); SVG is a picture
    /// drawn by `ivr` itself.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Annotate the drawing with where callers go: each arrow with the share of calls taking
    /// it, nodes where callers are lost highlighted (solved exactly from the traffic).
    #[arg(long)]
    pub flow: bool,
    /// Intents file for `--flow` (else the menu's `traffic:`).
    #[arg(long, requires = "flow")]
    pub intents: Option<PathArg>,
    /// With `--flow`, when the exact solver cannot answer: calls to simulate instead.
    #[command(flatten)]
    pub run: super::RunArgs,
}

pub fn run(args: &GraphArgs) -> u8 {
    let (menu, flow) = if args.flow {
        match menu_flow(&args.menu, args.intents.as_deref(), args.run.options()) {
            Ok((menu, flow)) => (menu, Some(flow)),
            Err(failure) => return fail_all(&failure),
        }
    } else {
        match load_menu(&args.menu, &Limits::DEFAULT) {
            Ok(menu) => (menu, None),
            Err(error) => return fail(&error),
        }
    };
    let graph = MenuGraph::build(&menu);
    let flow = flow.as_ref();
    let text = match args.format {
        GraphFormat::Mermaid => draw::mermaid_with_flow(&menu, &graph, flow),
        GraphFormat::Dot => draw::dot_with_flow(&menu, &graph, flow),
        GraphFormat::Svg => svg(&menu, &graph, flow, SvgOptions::default()),
    };
    print_stdout(&text)
}
