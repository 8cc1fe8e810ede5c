use clap::Args;

use super::{PathArg, exit, fail_all, print_stderr, print_stdout};
use crate::commands::import::{ImportRequest, import};
use crate::import::Platform;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The platform's flow export (Amazon Connect JSON, a Twilio Studio flow, Archy YAML, VoiceXML, FreeSWITCH XML, an Asterisk dialplan).
    pub file: PathArg,
    /// The platform, when telling it by content is not wanted.
    #[arg(long, value_parser = ["connect", "twilio", "genesys", "freeswitch", "asterisk", "vxml"])]
    pub from: Option<String>,
    /// Where to write the menu; a starter traffic file `NAME.intents.yaml` is written beside it.
    /// Without it the menu is printed.
    #[arg(short = 'o', long = "output", value_name = "OUT.yaml")]
    pub output: Option<PathArg>,
}

pub fn run(args: &ImportArgs) -> u8 {
    let request = ImportRequest {
        file: args.file.clone(),
        from: args.from.as_deref().and_then(Platform::from_name),
        output: args.output.clone(),
    };
    let result = match import(&request) {
        Ok(result) => result,
        Err(failure) => return fail_all(&failure),
    };
    if !result.approximations.is_empty() {
        let mut text = format!("{} approximations:\n", result.approximations.len());
        for a in &result.approximations {
            text.push_str(&format!("  - {a}\n"));
        }
        print_stderr(&text);
    }
    if result.written.is_empty() {
        return print_stdout(&result.menu);
    }
    for path in &result.written {
        print_stderr(&format!("wrote {}\n", crate::document::display_path(path)));
    }
    exit::SUCCESS
}
