//! The dashboard's state, in three parts: what the trainer reported ([`reported`]), what the
//! next run starts with ([`NextRun`]), and the screen's own state ([`screen`]). Every change
//! happens in [`App::on_event`] (the trainer said something), [`App::on_key`] (a key, read by
//! the mode that has it: [`keys`]), [`App::on_mouse`] or [`App::on_written`] (a file it asked
//! for was written); each returns the [`Effect`]s for the event loop to carry out: commands to
//! the trainer, files to write. The state does no IO, and drawing (`crate::ui`) only reads it.

mod actions;
pub mod dynamics;
pub mod export;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod form;
pub mod history;
pub mod jobs;
pub mod keys;
pub mod ladder;
pub mod mouse;
pub mod network;
pub mod race_view;
pub mod replay;
pub mod reported;
pub mod run;
pub mod runs;
pub mod screen;
pub mod sweep_view;
pub mod walk;
pub mod weights;

use crate::report::format_lr;
use crate::report::run::{RunId, RunState};
use crate::settings::{DataSpec, Pace, Race, RunSettings};
use crate::trainer::messages::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use dynamics::View;
use form::Edit;
use keys::Mode;
use race_view::RaceView;
pub use reported::{Boundary, DataInfo, MAX_RUNS, News, Reported};
use run::RunView;
use screen::Screen;
use std::path::PathBuf;
use sweep_view::SweepView;

/// What the event loop does for the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a command to the trainer.
    Send(Command),
    /// Write a file into the working folder, then report through [`App::on_written`].
    Write(FileWrite),
    /// Give the terminal back and stop the process until the shell continues it (Ctrl-Z).
    Suspend,
    /// Capture the mouse (or stop).
    Mouse(bool),
}

/// A file the dashboard writes.
#[derive(Debug, Clone, PartialEq)]
pub struct FileWrite {
    pub kind: FileKind,
    /// The file's name, in the working folder.
    pub name: String,
    pub contents: Contents,
}

/// What goes into a file: bytes made here, or a session file, which the session file's own
/// format (`crate::config`) writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Contents {
    Bytes(Vec<u8>),
    Session {
        settings: Box<RunSettings>,
        pace: Pace,
    },
}

/// What a written file holds, for the status line that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `kept` of the run's `seen` epochs (older ones downsampled when fewer).
    History {
        kept: usize,
        seen: usize,
    },
    Runs {
        count: usize,
    },
    Session,
    Weights,
    /// The weights of epoch `epoch`, the best on the validation rows (written after the
    /// current ones).
    BestWeights {
        epoch: usize,
    },
}

/// What the next run starts with: `r` restarts with it, the form starts from it, `c` saves it.
#[derive(Debug, Clone)]
pub struct NextRun {
    /// Follows the current run; keys and the form change it.
    pub settings: RunSettings,
    pub pace: Pace,
    /// The data the dashboard was started with (the form's `start`).
    pub start: DataSpec,
    /// The `--init` file, which a session file names while the current run starts from it.
    pub init: Option<PathBuf>,
    /// Pause a run at its first event (`--pause-on-event`, `P`).
    pub pause_on_event: bool,
    /// What `R` races (`--race`, the form's race field): the update rules unless told.
    pub race: Race,
}

#[derive(Debug, Clone)]
pub struct App {
    pub(crate) reported: Reported,
    pub(crate) next: NextRun,
    pub(crate) screen: Screen,
}

impl App {
    /// The dashboard before its first run: `settings` (with the data it starts on) at `pace`.
    pub fn new(settings: RunSettings, pace: Pace, data: DataInfo, color: bool) -> Self {
        App {
            reported: Reported::new(data),
            next: NextRun {
                start: settings.data.clone(),
                init: settings.init.clone(),
                settings,
                pace,
                pause_on_event: false,
                race: Race::update_rules(),
            },
            screen: Screen::new(color),
        }
    }

    /// The same dashboard, pausing each run at its first event when `on`.
    #[must_use]
    pub fn pausing_on_events(mut self, on: bool) -> Self {
        self.next.pause_on_event = on;
        self
    }

    /// The same dashboard, racing `race` at `R` (the update rules when `None`).
    #[must_use]
    pub fn racing(mut self, race: Option<Race>) -> Self {
        self.next.race = race.unwrap_or_else(Race::update_rules);
        self
    }

    /// The same dashboard, capturing the mouse when `on`.
    #[must_use]
    pub fn with_mouse(mut self, on: bool) -> Self {
        self.screen.mouse = on;
        self
    }

    pub fn should_quit(&self) -> bool {
        self.screen.quit
    }

    /// The run being trained (or last trained).
    pub(crate) fn current(&self) -> Option<&RunView> {
        self.reported.current()
    }

    /// Whether the data lies on a plane to draw the boundary on.
    pub(crate) fn is_planar(&self) -> bool {
        self.reported.data.planar
    }

    /// Whether run `id`'s curves are drawn on the loss chart.
    pub(crate) fn curve_shown(&self, id: RunId) -> bool {
        self.reported.summaries.get(id).is_none_or(|s| s.shown)
    }

    /// The runs kept whose curves the run table has not hidden, oldest first.
    pub(crate) fn shown_runs(&self) -> Vec<&RunView> {
        let runs = self.reported.runs.iter();
        runs.filter(|r| self.curve_shown(r.id())).collect()
    }

    /// The sweep, when its panel is to be drawn (a race's panel, shown, takes its place).
    pub(crate) fn shown_sweep(&self) -> Option<&SweepView> {
        let sweep = self.reported.sweep.as_ref();
        sweep.filter(|_| self.screen.show_sweep && self.shown_race().is_none())
    }

    /// The race, when its curves and its panel are to be drawn.
    pub(crate) fn shown_race(&self) -> Option<&RaceView> {
        self.reported
            .race
            .as_ref()
            .filter(|_| self.screen.show_race)
    }

    /// The index in the summaries of the run selected in the run table.
    pub(crate) fn selected_index(&self) -> Option<usize> {
        let summaries = &self.reported.summaries;
        let last = summaries.len().checked_sub(1)?;
        Some(
            self.screen
                .table
                .selected
                .and_then(|id| summaries.index_of(id))
                .unwrap_or(last),
        )
    }

    /// Whether the screen shows a clock: a GPU run waiting for its first epoch (its kernels).
    pub fn has_clock(&self) -> bool {
        self.current().is_some_and(RunView::compiling)
    }

    /// The current run's latest epoch, once it has one: where the chart cursor can go.
    pub(crate) fn last_epoch(&self) -> Option<usize> {
        self.current().map(RunView::epoch).filter(|&e| e > 0)
    }

    /// The unit the inspector shows: the selected one, or the first.
    pub(crate) fn inspected_unit(&self) -> Option<network::UnitRef> {
        let network = self.shown_network()?;
        Some(self.screen.unit.unwrap_or_else(|| network.step(None, 0)))
    }

    /// What the chart cursor reads on the current run, as `epoch 4 · train 0.391 · valid
    /// 0.269 · lr 20.0 · ratio wt_hidden 1.07 wt_output 0.361 bias_output 1.35`.
    pub(crate) fn cursor_reading(&self) -> Option<String> {
        let epoch = self.screen.chart.cursor?;
        let run = self.current()?;
        let point = run.history.points().filter(|p| p.epoch <= epoch).last()?;
        let mut text = format!(
            "epoch {} · train {:.3} · valid {:.3} · lr {}",
            point.epoch,
            point.train_loss,
            point.valid_loss,
            format_lr(run.lr_at(point.epoch))
        );
        if let Some((_, stats)) = run.stats.at(point.epoch) {
            let names = run.tensor_names();
            text.push_str(" · ratio");
            for (name, ratio) in names.iter().zip(&stats.update_ratio) {
                text.push_str(&format!(" {name} {}", format_lr(f64::from(*ratio))));
            }
        }
        if self.screen.chart.zoom {
            text.push_str(" · zoomed");
        }
        Some(text)
    }

    /// Trainer → state: the store keeps what was reported; the screen hears what it means.
    pub fn on_event(&mut self, event: crate::trainer::messages::Event) -> Vec<Effect> {
        match self.reported.on_event(event) {
            News::Nothing => {}
            News::Say(text) => self.screen.say(text),
            News::Complain(text) => self.screen.complain(text),
            News::Started(settings) => {
                self.next.settings = settings;
                self.screen.chart.reset();
                self.screen.replay = None;
                // The network view shows the current run: its unit.
                self.screen.unit = None;
                self.screen.walk.step = None;
            }
            News::Training(id, events) => return self.on_training_events(id, &events),
            News::Weights {
                run,
                epoch,
                safetensors,
                best,
            } => {
                let (which, kind) = if best {
                    ("best-", FileKind::BestWeights { epoch })
                } else {
                    ("", FileKind::Weights)
                };
                return vec![Effect::Write(FileWrite {
                    kind,
                    name: format!("nnfs-run{run}-{which}epoch{epoch}.safetensors"),
                    contents: Contents::Bytes(safetensors),
                })];
            }
            News::SweepStarted => {
                self.screen.show_sweep = true;
                self.screen.show_race = false;
            }
            News::RaceStarted => self.screen.show_race = true,
        }
        Vec::new()
    }

    /// The current run's latest event, explained in the status line with what to try; the
    /// run paused at its first when the dashboard pauses on events.
    fn on_training_events(
        &mut self,
        id: RunId,
        events: &[crate::report::events::TrainingEvent],
    ) -> Vec<Effect> {
        let Some(event) = events.last() else {
            return Vec::new();
        };
        let Some(run) = self.current().filter(|r| r.id() == id) else {
            return Vec::new();
        };
        let pause =
            self.next.pause_on_event && !run.paused_at_event && run.state == RunState::Running;
        let mut text = event.explained();
        let mut brief = event.brief();
        let mut effects = Vec::new();
        if pause {
            text = format!("paused: {text} (space resumes, P stops pausing)");
            brief = format!("paused: {brief} (space resumes)");
            if let Some(run) = self.reported.run_mut(id) {
                run.paused_at_event = true;
            }
            effects.push(Effect::Send(Command::Pause));
        }
        self.screen.say(text);
        self.screen.brief = Some(brief);
        effects
    }

    /// A file asked for by an [`Effect::Write`] was written to `path`, or could not be (`Err`
    /// says why, naming the file).
    pub fn on_written(&mut self, kind: FileKind, written: Result<PathBuf, String>) {
        let path = match written {
            Ok(path) => path.display().to_string(),
            Err(why) => return self.screen.complain(why),
        };
        let text = match kind {
            FileKind::History { kept, seen } if kept == seen => {
                format!("exported {kept} epochs to {path}")
            }
            FileKind::History { kept, seen } => {
                format!("exported {kept} of {seen} epochs (older ones downsampled) to {path}")
            }
            FileKind::Runs { count: 1 } => format!("exported 1 run to {path}"),
            FileKind::Runs { count } => format!("exported {count} runs to {path}"),
            FileKind::Session => {
                format!("saved the settings to {path} (replay: nnfs-tui --config {path})")
            }
            FileKind::Weights => format!("saved weights to {path}"),
            FileKind::BestWeights { epoch } => format!(
                "saved the current weights, and those of epoch {epoch} (the best on validation) to {path}"
            ),
        };
        self.screen.say(text);
    }

    /// The modes that read keys now, first to last.
    fn modes(&self) -> Vec<Mode> {
        if self.screen.help.is_some() {
            return vec![Mode::Help];
        }
        if self.screen.events {
            return vec![Mode::Events];
        }
        let mut modes = Vec::with_capacity(4);
        if self.screen.table.shown {
            modes.push(Mode::RunTable);
        }
        match self.screen.view {
            View::Network => modes.push(Mode::Network),
            View::Walk => modes.push(Mode::Walk),
            View::Overview | View::Dynamics => {}
        }
        modes.extend([Mode::Chart, Mode::Main]);
        modes
    }

    /// Key → state change, and what the event loop is to do (in order). Quitting sends
    /// [`Command::Shutdown`] so the trainer thread ends.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
            return self.quit();
        }
        // In raw mode Ctrl-Z is a key, not a signal: suspend as a shell's job control would.
        if ctrl && matches!(key.code, KeyCode::Char('z' | 'Z')) {
            return vec![Effect::Suspend];
        }
        if self.screen.help.is_none()
            && !self.screen.events
            && let Some(form) = &mut self.screen.form
        {
            return match form.on_key(key) {
                Edit::Editing => Vec::new(),
                Edit::Cancel => {
                    self.screen.form = None;
                    Vec::new()
                }
                Edit::Invalid => {
                    let why = form.error(form.focus).unwrap_or_default();
                    let field = form.focus.label();
                    self.screen
                        .complain(format!("{field}: {why} (fix it, or Esc to cancel)"));
                    Vec::new()
                }
                Edit::Apply(settings, pace) => {
                    if let Ok(race) = form.race() {
                        self.next.race = race;
                    }
                    self.apply_form(settings, pace)
                }
            };
        }
        if ctrl || key.modifiers.contains(KeyModifiers::ALT) {
            return Vec::new();
        }
        let action = self
            .modes()
            .into_iter()
            .find_map(|mode| keys::action(mode, key.code));
        match action {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    /// A signal ends the session: as `q` does.
    pub fn on_signal(&mut self) -> Vec<Effect> {
        self.quit()
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.screen.quit = true;
        vec![Effect::Send(Command::Shutdown)]
    }
}

#[cfg(test)]
mod tests;
