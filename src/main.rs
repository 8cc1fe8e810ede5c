//! The `ivr` binary: all the work is in the library.

fn main() -> std::process::ExitCode {
    ivr::cli::run(std::env::args_os())
}
