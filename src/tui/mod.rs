//! The dashboard's terminal side: loading before the screen is taken, raw mode and the
//! alternate screen ([`terminal`]), and the one event loop ([`event_loop`]).

pub mod event_loop;
mod terminal;

use crate::app::{App, DataInfo};
use crate::error::Result;
use crate::progress::Bar;
use crate::settings::{HiddenSizes, RunSettings, Session};
use crate::setup::load_data_and_weights;
use crate::trainer::Trainer;
use std::path::Path;
use terminal::Screen;

/// Opens the dashboard on the session's data and trains its run at once.
pub fn run(session: &Session) -> Result<()> {
    // Bad data or weights end here, before the screen changes, with the usual one-line error.
    let (splits, weights) = {
        let mut bar = Bar::loading(&session.run.data.name());
        load_data_and_weights(&session.run, &mut |p| bar.data(p))?
    };
    // A first run too big ends here too, with its one line: later ones are refused on screen.
    if let Ok(compute) = crate::model::device::init(crate::settings::Backend::Cpu)
        && session.run.backend == crate::settings::Backend::Cpu
    {
        crate::model::memory::check(&session.run, &splits, &weights.hidden_sizes(), &compute, 1)
            .map_err(crate::error::Error::Usage)?;
    }
    let settings = RunSettings {
        hidden: HiddenSizes::new(weights.hidden_sizes()).ok(),
        ..session.run.clone()
    };
    let data = DataInfo::from(&splits);
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut app = App::new(settings.clone(), session.pace, data, color)
        .pausing_on_events(session.pause_on_event)
        .racing(session.race.clone())
        .with_mouse(session.mouse);
    let init = settings.init.is_some().then_some(weights);

    terminal::install_panic_hook();
    terminal::exit_when_hung_up();
    terminal::quiet(true);
    let mut trainer = None;
    let result = Screen::enter().and_then(|mut screen| {
        let (started, events) = Trainer::spawn(settings, splits, session.pace, init);
        let send = |command| started.send(command);
        let looped = event_loop::run(
            screen.terminal(),
            &mut app,
            &events,
            &mut terminal::Crossterm::new(session.mouse),
            &send,
            Path::new(""),
        );
        // The screen is restored (dropped) first; then the trainer's last epoch is waited for.
        trainer = Some(started);
        looped
    });
    drop(trainer);
    terminal::quiet(false);
    match result? {
        Some(signal) => Err(crate::error::Error::Interrupted { signal }),
        None => Ok(()),
    }
}
