//! The trainer thread: runs epochs, obeys [`Command`]s, reports [`Event`]s. It knows nothing
//! of the terminal; the UI never waits on it. [`Trainer`] is the UI's handle, [`worker`] the
//! thread's loop, [`policy`] how a run starts.

pub mod messages;
mod policy;
pub mod side_job;
pub mod snapshot;
mod worker;

use crate::data::Splits;
use crate::error::panic_text;
use crate::report::weights::Weights;
use crate::settings::{Pace, RunSettings};
use messages::{Command, Event};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use worker::Worker;

/// The trainer thread's name (the panic hook tells its panics from the UI's by it).
pub const THREAD_NAME: &str = "trainer";

/// The UI's handle on the trainer thread. Dropping it stops the thread.
pub struct Trainer {
    commands: Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl Trainer {
    /// Starts the thread, which begins training `first` at once, at `pace`: from `weights`
    /// when given (the `--init` file's), else from coefficients drawn with the settings' seed.
    /// `splits` is the data `first.data` describes, already loaded.
    pub fn spawn(
        first: RunSettings,
        splits: Splits,
        pace: Pace,
        weights: Option<Weights>,
    ) -> (Self, Receiver<Event>) {
        let (commands, inbox) = channel();
        let (outbox, events) = channel();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                let mut worker = Worker::new(first.data.clone(), splits, pace, inbox, outbox);
                let started = catch_unwind(AssertUnwindSafe(|| worker.start(first, weights)));
                if let Err(payload) = started {
                    worker.emit(Event::Error(panic_text(payload.as_ref())));
                }
                worker.serve();
            })
            .ok();
        if thread.is_none() {
            // Without a thread there is nothing to train with; say so on screen.
            let (outbox, failed) = channel();
            let _ = outbox.send(Event::Error("cannot start the trainer thread".into()));
            return (Trainer { commands, thread }, failed);
        }
        (Trainer { commands, thread }, events)
    }

    /// Sends a command; a stopped trainer ignores it.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }
}

impl Drop for Trainer {
    fn drop(&mut self) {
        self.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
