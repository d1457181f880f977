//! The dashboard's state. Every change happens in [`App::on_event`] (the trainer said
//! something) or [`App::on_key`] (the user pressed a key); drawing (`crate::ui`) only reads it.

pub mod export;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod form;
pub mod history;
pub mod ladder;
pub mod run;
pub mod weights;

use crate::trainer::messages::{Backend, Command, Event, RunInfo, RunState, Settings};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use form::{Form, Outcome};
use history::Smoothing;
use run::{Run, WeightsView};
use std::collections::VecDeque;
use std::path::PathBuf;

/// Runs kept on screen: the current one and up to four earlier ones, dimmed.
pub const MAX_RUNS: usize = 5;

/// The data set, as the status bar describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataInfo {
    pub name: String,
    pub train_rows: usize,
    pub valid_rows: usize,
    pub test_rows: usize,
    pub features: usize,
}

impl From<&RunInfo> for DataInfo {
    fn from(info: &RunInfo) -> Self {
        DataInfo {
            name: info.data_name.clone(),
            train_rows: info.train_rows,
            valid_rows: info.valid_rows,
            test_rows: info.test_rows,
            features: info.features.len(),
        }
    }
}

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct App {
    /// What `r` restarts with and the form starts from; follows the current run.
    pub(crate) settings: Settings,
    pub(crate) data: DataInfo,
    pub(crate) color: bool,
    /// Oldest first; the last one is the current run.
    pub(crate) runs: VecDeque<Run>,
    /// A backend being set up before the next run starts.
    pub(crate) initializing: Option<Backend>,
    pub(crate) log_y: bool,
    pub(crate) smoothing: Smoothing,
    pub(crate) help: bool,
    /// `Some` while the form has the focus.
    pub(crate) form: Option<Form>,
    pub(crate) message: Option<Message>,
    quit: bool,
    /// Where `e` writes CSV files (the working directory unless a test says otherwise).
    export_dir: PathBuf,
}

impl App {
    pub fn new(settings: Settings, data: DataInfo, color: bool) -> Self {
        App {
            settings,
            data,
            color,
            runs: VecDeque::with_capacity(MAX_RUNS),
            initializing: None,
            log_y: false,
            smoothing: Smoothing::Off,
            help: false,
            form: None,
            message: None,
            quit: false,
            export_dir: PathBuf::new(),
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The run being trained (or last trained).
    pub(crate) fn current(&self) -> Option<&Run> {
        self.runs.back()
    }

    fn run_mut(&mut self, id: u64) -> Option<&mut Run> {
        self.runs.iter_mut().find(|r| r.id() == id)
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            error: false,
            text: text.into(),
        });
    }

    fn complain(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            error: true,
            text: text.into(),
        });
    }

    /// Trainer → state. Events about runs no longer kept are ignored.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Initializing(backend) => self.initializing = Some(backend),
            Event::Started(info) => {
                self.initializing = None;
                self.data = DataInfo::from(&info);
                self.settings = info.settings.clone();
                if self.runs.len() == MAX_RUNS {
                    self.runs.pop_front();
                }
                self.runs.push_back(Run::new(info));
            }
            Event::Epochs { run, metrics } => {
                if let Some(run) = self.run_mut(run) {
                    for m in &metrics {
                        run.push(m);
                    }
                }
            }
            Event::Snapshot { run, snapshot } => {
                if let Some(run) = self.run_mut(run) {
                    run.weights = Some(WeightsView::from(&snapshot));
                }
            }
            Event::LrChanged { run, epoch, lr } => {
                if let Some(run) = self.run_mut(run) {
                    run.record_lr_change(epoch, lr);
                }
            }
            Event::TestEvaluated {
                run,
                epoch,
                evaluation,
            } => {
                if let Some(run) = self.run_mut(run) {
                    run.test = Some((epoch, evaluation));
                }
            }
            Event::State { run, state } => {
                if let Some(run) = self.run_mut(run) {
                    run.state = state;
                }
            }
            Event::Notice(text) => self.say(text),
            Event::Error(text) => {
                self.initializing = None;
                self.complain(text);
            }
        }
    }

    /// Key → state change, and the commands to send to the trainer (in order). Quitting returns
    /// [`Command::Shutdown`] so the trainer thread ends.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
            return self.quit();
        }
        if self.help {
            return match key.code {
                KeyCode::Esc | KeyCode::Char('?') => {
                    self.help = false;
                    Vec::new()
                }
                KeyCode::Char('q') => self.quit(),
                _ => Vec::new(),
            };
        }
        if let Some(form) = &mut self.form {
            return match form.on_key(key) {
                Outcome::Editing => Vec::new(),
                Outcome::Cancel => {
                    self.form = None;
                    Vec::new()
                }
                Outcome::Invalid => {
                    self.complain("the form has an invalid value: fix it, or Esc to cancel");
                    Vec::new()
                }
                Outcome::Apply(settings) => {
                    // `settings` follow the trainer: they change when the new run starts.
                    self.form = None;
                    self.say("restarting with the form's settings");
                    vec![Command::Restart(settings)]
                }
            };
        }
        if ctrl || key.modifiers.contains(KeyModifiers::ALT) {
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => self.quit(),
            KeyCode::Char('?') => {
                self.help = true;
                Vec::new()
            }
            KeyCode::Tab | KeyCode::Char('f') => {
                self.form = Some(Form::new(&self.settings));
                Vec::new()
            }
            KeyCode::Char(' ') => self.toggle_pause(),
            KeyCode::Char('n') => vec![Command::Step],
            KeyCode::Char('s') => vec![Command::Stop],
            KeyCode::Char('r') => vec![Command::Restart(self.settings.clone())],
            KeyCode::Char('+' | '=') => self.change_lr(ladder::lr_up(self.settings.lr)),
            KeyCode::Char('-') => self.change_lr(ladder::lr_down(self.settings.lr)),
            KeyCode::Char(']') => self.change_hidden(ladder::hidden_up),
            KeyCode::Char('[') => self.change_hidden(ladder::hidden_down),
            KeyCode::Char('l') => {
                self.log_y = !self.log_y;
                Vec::new()
            }
            KeyCode::Char('m') => {
                self.smoothing = self.smoothing.next();
                Vec::new()
            }
            KeyCode::Char('p') => {
                let pace = ladder::next_pace(self.settings.pace);
                self.settings.pace = pace;
                vec![Command::SetPace(pace)]
            }
            KeyCode::Char('t') => self.evaluate_test(),
            KeyCode::Char('w') => self.save_weights(),
            KeyCode::Char('e') => {
                self.export_csv();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn quit(&mut self) -> Vec<Command> {
        self.quit = true;
        vec![Command::Shutdown]
    }

    fn toggle_pause(&mut self) -> Vec<Command> {
        let Some(run) = self.runs.back_mut() else {
            return Vec::new();
        };
        // Set at once rather than waiting for the trainer's State event, so a quick second
        // space resumes instead of pausing twice.
        match run.state {
            RunState::Running => {
                run.state = RunState::Paused;
                vec![Command::Pause]
            }
            RunState::Paused => {
                run.state = RunState::Running;
                vec![Command::Resume]
            }
            _ => {
                let word = run.state_word();
                self.say(format!("the run is {word}: r restarts it"));
                Vec::new()
            }
        }
    }

    fn change_lr(&mut self, lr: Option<f64>) -> Vec<Command> {
        let old = self.settings.lr;
        let Some(lr) = lr else {
            self.say(format!("lr {old} is at the end of the ladder"));
            return Vec::new();
        };
        self.settings.lr = lr;
        self.say(format!("lr {old} → {lr}"));
        vec![Command::SetLr(lr)]
    }

    fn change_hidden(&mut self, step: fn(usize) -> Option<usize>) -> Vec<Command> {
        let old = self.settings.hidden.first().copied().unwrap_or(0);
        let Some(size) = step(old) else {
            self.say(format!("hidden size {old} is at the end of the ladder"));
            return Vec::new();
        };
        match self.settings.hidden.first_mut() {
            Some(first) => *first = size,
            None => self.settings.hidden.push(size),
        }
        self.say(format!("hidden {old} → {size}: restarting"));
        vec![Command::Restart(self.settings.clone())]
    }

    fn evaluate_test(&mut self) -> Vec<Command> {
        let Some(run) = self.current() else {
            self.say("no run yet");
            return Vec::new();
        };
        if run.info.test_rows == 0 {
            self.complain("no test split: start with --test-frac F or --test PATH");
            return Vec::new();
        }
        self.say("evaluating the test set…");
        vec![Command::EvaluateTest]
    }

    fn save_weights(&mut self) -> Vec<Command> {
        let Some(run) = self.current() else {
            self.say("no run yet: nothing to save");
            return Vec::new();
        };
        self.say(format!("saving the weights of run #{}…", run.id()));
        // The trainer names the file after the epoch it actually saves.
        vec![Command::SaveWeights {
            dir: PathBuf::from("."),
        }]
    }

    fn export_csv(&mut self) {
        let Some(run) = self.current() else {
            self.say("no run yet: nothing to export");
            return;
        };
        match export::export(run, &self.export_dir) {
            Ok(line) => self.say(line),
            Err(line) => self.complain(line),
        }
    }
}

#[cfg(test)]
mod tests;
