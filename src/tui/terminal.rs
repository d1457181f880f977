//! The terminal while the dashboard owns it: raw mode and the alternate screen, given back
//! however the dashboard ends, and stderr kept off the frame.

use super::event_loop::Input;
use crate::error::{Error, Result};
use crate::signals::{self, Caught};
use crossterm::event::Event as TermEvent;
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::IsTerminal;
use std::io::{Stdout, stdout};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// While the dashboard owns the screen, stderr goes nowhere: a GPU driver's chatter would
/// scribble over the frame. Taken back before any panic message is printed.
static QUIET: Mutex<Option<gag::Gag>> = Mutex::new(None);

pub fn quiet(on: bool) {
    if let Ok(mut slot) = QUIET.lock() {
        *slot = if on { gag::Gag::stderr().ok() } else { None };
    }
}

fn terminal_error(error: impl std::fmt::Display) -> Error {
    Error::Backend(format!("terminal: {error}"))
}

/// Whether the dashboard wants the mouse: captured while it owns the terminal, released
/// whenever it gives the terminal back (quit, suspend, panic, a signal).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Raw mode and the alternate screen, as the dashboard draws, and the mouse if wanted.
fn take_terminal() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(stdout(), terminal::EnterAlternateScreen)?;
    if MOUSE.load(Ordering::Relaxed) {
        execute!(stdout(), crossterm::event::EnableMouseCapture)?;
    }
    Ok(())
}

fn restore_terminal() {
    if MOUSE.load(Ordering::Relaxed) {
        let _ = execute!(stdout(), crossterm::event::DisableMouseCapture);
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        stdout(),
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Captures the mouse (clicks and scrolls come as events) or gives it back to the terminal
/// (which then selects text).
fn capture_mouse(on: bool) -> std::io::Result<()> {
    MOUSE.store(on, Ordering::Relaxed);
    if on {
        execute!(stdout(), crossterm::event::EnableMouseCapture)
    } else {
        execute!(stdout(), crossterm::event::DisableMouseCapture)
    }
}

/// Puts the terminal back as it was, however the dashboard ends.
pub struct Screen(Terminal<CrosstermBackend<Stdout>>);

impl Screen {
    pub fn enter() -> Result<Self> {
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(terminal_error)?;
        // From here on, dropping the guard undoes whatever part of the setup happened.
        let screen = Screen(terminal);
        take_terminal().map_err(terminal_error)?;
        Ok(screen)
    }

    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        &mut self.0
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// A panic on the UI thread restores the terminal, then prints its message. The trainer
/// thread's panics are caught and shown in the status bar instead.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some(crate::trainer::THREAD_NAME) {
            return;
        }
        restore_terminal();
        quiet(false);
        previous(info);
    }));
}

/// Ends the process as SIGHUP would (exit 129) once standard input stops being a terminal: a
/// terminal window closed without a SIGHUP reaching us leaves a pty whose reads return nothing
/// at once, and crossterm's poll then never returns. There is no screen left to restore, and
/// the dashboard keeps nothing unsaved. Checked four times a second on a thread of its own;
/// not at all when standard input was no terminal to begin with (crossterm then reads the
/// keys from `/dev/tty`).
pub fn exit_when_hung_up() {
    if !std::io::stdin().is_terminal() {
        return;
    }
    let watch = std::thread::Builder::new()
        .name("hangup-watch".into())
        .spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(250));
                if !std::io::stdin().is_terminal() {
                    std::process::exit(128 + signals::SIGHUP);
                }
            }
        });
    // Without the watch the session still ends with q and the signals.
    drop(watch);
}

/// The real terminal: crossterm's events, and the signals that end or suspend a session.
pub struct Crossterm {
    caught: Option<Caught>,
}

impl Crossterm {
    /// Catches SIGTERM, SIGHUP, SIGINT, SIGQUIT and SIGTSTP for the loop (where they cannot be
    /// caught, the session still ends with `q`), and captures the mouse when `mouse`.
    pub fn new(mouse: bool) -> Self {
        let mut wanted = signals::ENDING.to_vec();
        wanted.push(signals::SIGTSTP);
        if mouse {
            // Without it the keys still do everything.
            let _ = capture_mouse(true);
        }
        Crossterm {
            caught: Caught::new(&wanted).ok(),
        }
    }
}

impl Input for Crossterm {
    fn next(&mut self, wait: std::time::Duration) -> std::io::Result<Option<TermEvent>> {
        if crossterm::event::poll(wait)? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }

    fn mouse(&mut self, on: bool) -> std::io::Result<()> {
        capture_mouse(on)
    }

    fn signal(&mut self) -> Option<i32> {
        self.caught.as_ref().and_then(Caught::take)
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        restore_terminal();
        signals::stop_self()?;
        // Continued (`fg`): take the terminal back, blank; the loop redraws it whole.
        take_terminal()?;
        execute!(stdout(), terminal::Clear(terminal::ClearType::All))
    }
}
