//! The dashboard's terminal side: raw mode and the alternate screen, the panic hook, and the one
//! event loop that merges keys, resizes and trainer messages.

use crate::app::{App, DataInfo};
use crate::data::Progress;
use crate::error::{Error, Result};
use crate::setup::{RunConfig, load_data_and_weights_with_progress};
use crate::trainer::Trainer;
use crate::trainer::messages::{Event, Pace, Settings};
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// At most this often a frame is drawn (~60 fps); keys are read in between.
const FRAME: Duration = Duration::from_millis(16);

/// While the dashboard owns the screen, stderr goes nowhere: a GPU driver's chatter would
/// scribble over the frame. Taken back before any panic message is printed.
static QUIET: Mutex<Option<gag::Gag>> = Mutex::new(None);

fn quiet(on: bool) {
    if let Ok(mut slot) = QUIET.lock() {
        *slot = if on { gag::Gag::stderr().ok() } else { None };
    }
}

fn terminal_error(error: std::io::Error) -> Error {
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
struct Screen(Terminal<CrosstermBackend<Stdout>>);

impl Screen {
    fn enter() -> Result<Self> {
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(terminal_error)?;
        // From here on, dropping the guard undoes whatever part of the setup happened.
        let screen = Screen(terminal);
        terminal::enable_raw_mode().map_err(terminal_error)?;
        execute!(stdout(), terminal::EnterAlternateScreen).map_err(terminal_error)?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// A panic on the UI thread restores the terminal, then prints its message. The trainer
/// thread's panics are caught and shown in the status bar instead.
fn install_panic_hook() {
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

/// A progress line on stderr while a large file loads, before the dashboard takes the screen:
/// only on a terminal, and only once loading has taken long enough to notice.
struct LoadingLine {
    name: String,
    started: Instant,
    terminal: bool,
    shown: bool,
}

impl LoadingLine {
    const AFTER: Duration = Duration::from_millis(150);

    fn new(config: &RunConfig) -> Self {
        use std::io::IsTerminal;
        LoadingLine {
            name: config
                .data
                .data
                .as_ref()
                .map_or_else(|| "data".to_string(), |p| p.display().to_string()),
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, progress: Progress) {
        if !self.terminal || self.started.elapsed() < Self::AFTER {
            return;
        }
        let doing = match progress {
            Progress::Reading(done) => format!("reading {:>3.0}%", done * 100.0),
            Progress::Preparing => "preparing the features".to_string(),
        };
        eprint!("\r\x1b[2Kloading {}: {doing}", self.name);
        self.shown = true;
    }

    fn clear(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Opens the dashboard on `config`'s data and trains at once.
pub fn run(config: &RunConfig, pace: Pace) -> Result<()> {
    // Bad data or weights end here, before the screen changes, with the usual one-line error.
    let mut line = LoadingLine::new(config);
    let loaded = load_data_and_weights_with_progress(config, &mut |p| line.show(p));
    line.clear();
    let (splits, weights) = loaded?;
    let settings = Settings {
        lr: config.lr,
        hidden: weights.hidden_sizes(),
        epochs: config.epochs,
        seed: config.seed,
        backend: config.backend,
        pace,
        batch_size: config.batch_size,
        // The generated set it was started with, if any: the form shows its name.
        dataset: config.data.dataset,
    };
    let data = DataInfo {
        name: splits.name.clone(),
        train_rows: splits.train.rows(),
        valid_rows: splits.valid.rows(),
        test_rows: splits.test.rows(),
        features: splits.features().len(),
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut app = App::new(settings.clone(), data, color)
        .with_data_spec(config.data.clone())
        .with_init(config.init.clone());
    let init = config.init.is_some().then_some(weights);

    install_panic_hook();
    quiet(true);
    let mut trainer = None;
    let result = Screen::enter().and_then(|mut screen| {
        let (started, events) = Trainer::spawn(config.data.clone(), splits, settings, init);
        let looped = event_loop(&mut screen.0, &mut app, &started, &events);
        // The screen is restored (dropped) first; then the trainer's last epoch is waited for.
        trainer = Some(started);
        looped
    });
    drop(trainer);
    quiet(false);
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    trainer: &Trainer,
    events: &Receiver<Event>,
) -> Result<()> {
    let mut dirty = true;
    let mut trainer_alive = true;
    let mut drawn = Instant::now() - FRAME;
    while !app.should_quit() {
        // Everything the trainer said since the last frame, at once.
        loop {
            match events.try_recv() {
                Ok(event) => app.on_event(event),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if trainer_alive {
                        app.on_event(Event::Error("the trainer stopped; q quits".into()));
                        trainer_alive = false;
                        dirty = true;
                    }
                    break;
                }
            }
            dirty = true;
        }
        if dirty && drawn.elapsed() >= FRAME {
            terminal
                .draw(|frame| frame.render_widget(&*app, frame.area()))
                .map_err(terminal_error)?;
            drawn = Instant::now();
            dirty = false;
        }
        // Pending changes are drawn when the frame is due; with none, sleep a whole frame.
        let wait = if dirty {
            FRAME
                .saturating_sub(drawn.elapsed())
                .max(Duration::from_millis(1))
        } else {
            FRAME
        };
        if event::poll(wait).map_err(terminal_error)? {
            match event::read().map_err(terminal_error)? {
                TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                    for command in app.on_key(key) {
                        trainer.send(command);
                    }
                    dirty = true;
                }
                TermEvent::Resize(..) => {
                    terminal.autoresize().map_err(terminal_error)?;
                    dirty = true;
                }
                _ => {}
            }
        }
    }
    Ok(())
}
