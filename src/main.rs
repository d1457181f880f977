//! The `nnfs-tui` binary: parse flags, run, and turn any error into one line and exit code 2.

use clap::Parser;
use nnfs_tui::cli::{self, Cli};
use nnfs_tui::error::EXIT_USAGE;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // clap's first line is the whole story ("error: invalid value '0' for '--lr <LR>':
            // ..."); the usage lines after it would bury it.
            let rendered = error.to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (see --help)");
            return ExitCode::from(EXIT_USAGE as u8);
        }
    };
    match cli::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_USAGE as u8)
        }
    }
}
