//! `stepcraft`: the studio with no arguments (or a file), headless subcommands otherwise.

use clap::Parser;
use std::process::ExitCode;
use stepcraft_studio::{app, cli};

/// mimalloc rather than the system's malloc: interpreter runs allocate and free small values on
/// every state (see `stepcraft bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => match app::run(args.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("stepcraft: could not open the studio: {e}");
                }
                ExitCode::from(2)
            }
        },
    }
}
