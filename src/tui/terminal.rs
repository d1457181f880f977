//! The terminal while the dashboard owns it: raw mode and the alternate screen, given back
//! however the dashboard ends, and stderr kept off the frame.

use crate::error::{Error, Result};
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};
use std::sync::Mutex;

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

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        stdout(),
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Puts the terminal back as it was, however the dashboard ends.
pub struct Screen(Terminal<CrosstermBackend<Stdout>>);

impl Screen {
    pub fn enter() -> Result<Self> {
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(terminal_error)?;
        // From here on, dropping the guard undoes whatever part of the setup happened.
        let screen = Screen(terminal);
        terminal::enable_raw_mode().map_err(terminal_error)?;
        execute!(stdout(), terminal::EnterAlternateScreen).map_err(terminal_error)?;
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
