//! The dashboard's one event loop: trainer messages drained once per frame, keys and resizes
//! handled as they come, at most ~60 frames a second, and the effects the state asks for
//! carried out. Generic over the terminal backend and the input, so that tests drive it with
//! ratatui's `TestBackend` and scripted keys.

use crate::app::{App, Effect};
use crate::error::{Error, Result};
use crate::trainer::messages::{Command, Event};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// At most this often a frame is drawn (~60 fps); keys are read in between.
const FRAME: Duration = Duration::from_millis(16);

/// Where terminal events come from.
pub trait Input {
    /// The next event, if one comes within `wait`.
    fn next(&mut self, wait: Duration) -> std::io::Result<Option<TermEvent>>;
}

/// The real terminal's events.
pub struct Crossterm;

impl Input for Crossterm {
    fn next(&mut self, wait: Duration) -> std::io::Result<Option<TermEvent>> {
        if crossterm::event::poll(wait)? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

fn terminal_error(error: impl std::fmt::Display) -> Error {
    Error::Backend(format!("terminal: {error}"))
}

/// Carries out `effects`: commands go to `send`, files are written into `folder` and the
/// outcome told to `app` (which may ask for more).
pub fn perform(app: &mut App, effects: Vec<Effect>, send: &dyn Fn(Command), folder: &Path) {
    for effect in effects {
        match effect {
            Effect::Send(command) => send(command),
            Effect::Write(file) => {
                let path = folder.join(&file.name);
                let written = crate::files::write(&path, &file.contents)
                    .map(|()| path)
                    .map_err(|error| error.to_string());
                app.on_written(file.kind, written);
            }
        }
    }
}

/// Runs the dashboard until `app` quits: draws `app` on `terminal`, feeds it `events` from
/// the trainer and `input`'s keys, and sends its commands with `send`. Files go into `folder`.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &Receiver<Event>,
    input: &mut impl Input,
    send: &dyn Fn(Command),
    folder: &Path,
) -> Result<()> {
    let mut dirty = true;
    let mut trainer_alive = true;
    let mut drawn: Option<Instant> = None;
    while !app.should_quit() {
        // Everything the trainer said since the last frame, at once.
        loop {
            let effects = match events.try_recv() {
                Ok(event) => app.on_event(event),
                Err(TryRecvError::Disconnected) if trainer_alive => {
                    trainer_alive = false;
                    app.on_event(Event::Error("the trainer stopped; q quits".into()))
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            };
            perform(app, effects, send, folder);
            dirty = true;
        }
        let due = drawn.is_none_or(|at| at.elapsed() >= FRAME);
        if dirty && due {
            terminal
                .draw(|frame| frame.render_widget(&*app, frame.area()))
                .map_err(terminal_error)?;
            drawn = Some(Instant::now());
            dirty = false;
        }
        // Pending changes are drawn when the frame is due; with none, sleep a whole frame.
        let since = drawn.map_or(FRAME, |at| at.elapsed());
        let wait = if dirty {
            FRAME.saturating_sub(since).max(Duration::from_millis(1))
        } else {
            FRAME
        };
        match input.next(wait).map_err(terminal_error)? {
            Some(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
                let effects = app.on_key(key);
                perform(app, effects, send, folder);
                dirty = true;
            }
            Some(TermEvent::Resize(..)) => {
                terminal.autoresize().map_err(terminal_error)?;
                dirty = true;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
