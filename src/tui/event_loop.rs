//! The dashboard's one event loop: trainer messages drained once per frame, keys and resizes
//! handled as they come, at most ~60 frames a second, and the effects the state asks for
//! carried out. Generic over the terminal backend and the input, so that tests drive it with
//! ratatui's `TestBackend` and scripted keys.

use crate::app::mouse::Press;
use crate::app::replay::PLAY_EVERY;
use crate::app::{App, Contents, Effect, FileWrite};
use crate::error::{Error, Result};
use crate::signals::SIGTSTP;
use crate::trainer::messages::{Command, Event};
use crate::ui::Regions;
use crossterm::event::{Event as TermEvent, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// At most this often a frame is drawn (~60 fps); keys are read in between.
const FRAME: Duration = Duration::from_millis(16);
/// How often a screen whose only change is a clock is drawn again.
const CLOCK: Duration = Duration::from_millis(500);

/// The terminal's side of the loop: its events, the signals sent to the process, and
/// suspending.
pub trait Input {
    /// The next event, if one comes within `wait`.
    fn next(&mut self, wait: Duration) -> std::io::Result<Option<TermEvent>>;

    /// A signal caught since the last call (SIGTERM, SIGHUP, SIGINT, SIGQUIT end the session,
    /// SIGTSTP suspends it).
    fn signal(&mut self) -> Option<i32>;

    /// Gives the terminal back and stops the process, as Ctrl-Z does in a shell; returns once
    /// it is continued (`fg`), the terminal taken again.
    fn suspend(&mut self) -> std::io::Result<()>;

    /// Captures the mouse, or gives it back to the terminal.
    fn mouse(&mut self, on: bool) -> std::io::Result<()> {
        let _ = on;
        Ok(())
    }
}

/// What the effects ask of the terminal side, after [`perform`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    pub suspend: bool,
    pub mouse: Option<bool>,
}

impl Asked {
    fn and(self, other: Asked) -> Asked {
        Asked {
            suspend: self.suspend || other.suspend,
            mouse: other.mouse.or(self.mouse),
        }
    }
}

fn terminal_error(error: impl std::fmt::Display) -> Error {
    Error::Backend(format!("terminal: {error}"))
}

/// Carries out `effects`: commands go to `send`, files are written into `folder` and the
/// outcome told to `app` (which may ask for more). Returns what they ask of the terminal.
pub fn perform(
    app: &mut App,
    effects: Vec<Effect>,
    send: &dyn Fn(Command),
    folder: &Path,
) -> Asked {
    let mut asked = Asked::default();
    for effect in effects {
        match effect {
            Effect::Suspend => asked.suspend = true,
            Effect::Mouse(on) => asked.mouse = Some(on),
            Effect::Send(command) => send(command),
            Effect::Write(FileWrite {
                kind,
                name,
                contents,
            }) => {
                let path = folder.join(&name);
                let written = bytes(contents, &name)
                    .and_then(|bytes| {
                        crate::files::write(&path, &bytes).map_err(|error| error.to_string())
                    })
                    .map(|()| path);
                app.on_written(kind, written);
            }
        }
    }
    asked
}

/// The bytes of the file `name`: a session file in its own format (relative paths from the
/// file's name, in the working folder); `Err` says why it cannot be written.
fn bytes(contents: Contents, name: &str) -> std::result::Result<Vec<u8>, String> {
    match contents {
        Contents::Bytes(bytes) => Ok(bytes),
        Contents::Session { settings, pace } => {
            crate::config::session_text(&settings, pace, Path::new(name)).map(String::into_bytes)
        }
    }
}

/// Runs the dashboard until `app` quits, or a signal ends it (returned): draws `app` on
/// `terminal`, feeds it `events` from the trainer and `input`'s keys, and sends its commands
/// with `send`. Files go into `folder`.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &Receiver<Event>,
    input: &mut impl Input,
    send: &dyn Fn(Command),
    folder: &Path,
) -> Result<Option<i32>> {
    let mut dirty = true;
    let mut trainer_alive = true;
    let mut drawn: Option<Instant> = None;
    let mut played: Option<Instant> = None;
    let mut asked = Asked::default();
    // Where the last frame drew what the mouse can click.
    let mut regions = Regions::default();
    while !app.should_quit() {
        if let Some(on) = asked.mouse.take() {
            input.mouse(on).map_err(terminal_error)?;
        }
        match input.signal() {
            Some(SIGTSTP) => asked.suspend = true,
            Some(signal) => {
                // As `q` ends it: the trainer told to stop, the terminal given back.
                let effects = app.on_signal();
                perform(app, effects, send, folder);
                return Ok(Some(signal));
            }
            None => {}
        }
        if std::mem::take(&mut asked.suspend) {
            input.suspend().map_err(terminal_error)?;
            // The screen came back blank: a blank frame makes the next one draw every cell.
            // (`Terminal::clear` would ask the terminal where its cursor is.)
            terminal.autoresize().map_err(terminal_error)?;
            terminal
                .draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))
                .map_err(terminal_error)?;
            dirty = true;
            drawn = None;
        }
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
            asked = asked.and(perform(app, effects, send, folder));
            dirty = true;
        }
        // A run played back moves on by itself.
        if app.playing() && played.is_none_or(|at| at.elapsed() >= PLAY_EVERY) {
            let effects = app.play_tick();
            asked = asked.and(perform(app, effects, send, folder));
            played = Some(Instant::now());
            dirty = true;
        }
        // A clock on screen (a GPU's first epoch) is redrawn though nothing else changed.
        if app.has_clock() && drawn.is_some_and(|at| at.elapsed() >= CLOCK) {
            dirty = true;
        }
        let due = drawn.is_none_or(|at| at.elapsed() >= FRAME);
        if dirty && due {
            terminal
                .draw(|frame| frame.render_stateful_widget(&*app, frame.area(), &mut regions))
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
                asked = asked.and(perform(app, effects, send, folder));
                dirty = true;
            }
            Some(TermEvent::Mouse(mouse)) => {
                let press = match mouse.kind {
                    MouseEventKind::Down(MouseButton::Left) => Some(Press::Click),
                    MouseEventKind::ScrollUp => Some(Press::ScrollUp),
                    MouseEventKind::ScrollDown => Some(Press::ScrollDown),
                    _ => None,
                };
                if let Some(press) = press {
                    let hit = regions.hit(mouse.column, mouse.row);
                    let effects = app.on_mouse(press, hit);
                    asked = asked.and(perform(app, effects, send, folder));
                    dirty = true;
                }
            }
            Some(TermEvent::Resize(..)) => {
                terminal.autoresize().map_err(terminal_error)?;
                dirty = true;
            }
            _ => {}
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
