//! What the binary does with its settings: open the dashboard, train headless, or sweep.

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::settings::{self, FinderSpec, Format, Race, Session, SweepSpec};
use std::io::IsTerminal;

/// One invocation's work.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Open the dashboard and train the session's run in it.
    Dashboard(Session),
    /// Train the run and print its progress.
    Headless(Session),
    /// Train the run's start at many learning rates and print a table.
    Sweep(Session, SweepSpec),
    /// Find a learning rate from the run's start, as fastai's `lr_find` does.
    LrFind(Session, FinderSpec),
    /// Train the run's variants from its start, side by side, and print how each ended.
    Race(Session, Race),
    /// Train a run to an epoch and print that epoch walked through the tutorial's functions.
    Walk(Session, usize),
}

impl Action {
    /// The settings this action runs with.
    pub fn session(&self) -> &Session {
        match self {
            Action::Dashboard(session)
            | Action::Headless(session)
            | Action::Sweep(session, _)
            | Action::LrFind(session, _)
            | Action::Race(session, _)
            | Action::Walk(session, _) => session,
        }
    }

    /// What the flags, and `--config`'s file if they name one, ask for.
    pub fn from_cli(cli: Cli) -> Result<Action> {
        let file = match &cli.config {
            Some(path) => Some((crate::config::load(path)?, path.display().to_string())),
            None => None,
        };
        let file = file
            .as_ref()
            .map(|(layer, name)| (layer.clone(), name.as_str()));
        let session = settings::resolve(cli.layer(), file).map_err(Error::Usage)?;
        Ok(
            match (session.sweep, session.lr_find, session.race.clone()) {
                _ if session.walk.is_some() => {
                    let epoch = session.walk.map_or(1, settings::Count::get);
                    Action::Walk(session, epoch)
                }
                (Some(spec), _, _) => Action::Sweep(session, spec),
                (None, Some(spec), _) => Action::LrFind(session, spec),
                (None, None, Some(race)) if session.headless => Action::Race(session, race),
                (None, None, _) if session.headless => Action::Headless(session),
                (None, None, _) => Action::Dashboard(session),
            },
        )
    }

    pub fn run(self) -> Result<()> {
        let stdout = std::io::stdout();
        if self.session().gpu_cache {
            crate::model::device::keep_gpu_results(crate::model::device::user_cache_folder());
        }
        match self {
            Action::Dashboard(session) => {
                if !stdout.is_terminal() {
                    return Err(Error::Usage(
                        "the dashboard needs a terminal: run it in one, or use --headless to print the losses".into(),
                    ));
                }
                crate::tui::run(&session)
            }
            // A bar would break the loss line on the same terminal; the table comes at the end.
            Action::Headless(session) => {
                let bars = !stdout.is_terminal();
                let (mut out, mut notes) = (stdout.lock(), std::io::stderr().lock());
                crate::headless::run(&session, &mut out, &mut notes, bars)
            }
            Action::Sweep(session, spec) => {
                let bars = session.format == Format::Text || !stdout.is_terminal();
                let format = session.format;
                crate::headless::sweep(&session.run, &spec, format, &mut stdout.lock(), bars)
            }
            Action::Race(session, race) => {
                let bars = session.format == Format::Text || !stdout.is_terminal();
                let format = session.format;
                crate::headless::race(&session.run, &race, format, &mut stdout.lock(), bars)
            }
            Action::Walk(session, epoch) => {
                let (mut out, mut notes) = (stdout.lock(), std::io::stderr().lock());
                crate::headless::walk(&session, epoch, &mut out, &mut notes)
            }
            Action::LrFind(session, spec) => {
                let bars = !stdout.is_terminal();
                crate::headless::lr_find(
                    &session.run,
                    &spec,
                    session.format,
                    &mut stdout.lock(),
                    bars,
                )
            }
        }
    }
}
