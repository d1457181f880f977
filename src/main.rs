//! The `nnfs-tui` binary: parse flags (and `--config`'s file), run, and turn any error into one line and exit code 2.

use clap::Parser;
use nnfs_tui::cli::Cli;
use nnfs_tui::error::{EXIT_USAGE, Error};
use nnfs_tui::launch::Action;
use nnfs_tui::signals;
use std::process::ExitCode;

fn main() -> ExitCode {
    nnfs_tui::allocator::retain_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // clap's first paragraph is the whole story ("error: invalid value '0' for
            // '--lr <LR>': ...", or "...not provided:" and the flags on the lines below); the
            // usage lines after it would bury it.
            let rendered = error.to_string();
            let first = rendered
                .lines()
                .map(str::trim)
                .take_while(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let first = if first.is_empty() {
                "error: invalid arguments"
            } else {
                &first
            };
            eprintln!("{first} (see --help)");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match Action::from_cli(cli).and_then(Action::run) {
        Ok(()) | Err(Error::StdoutClosed) => ExitCode::SUCCESS,
        Err(Error::Interrupted { signal }) => ExitCode::from(signals::exit_status(signal)),
        Err(error) => {
            eprintln!(
                "error: {}",
                nnfs_tui::error::single_line(&error.to_string())
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}
