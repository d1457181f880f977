//! The dashboard's state. Every change happens in [`App::on_event`] (the trainer said
//! something) or [`App::on_key`] (the user pressed a key); drawing (`crate::ui`) only reads it.

pub mod export;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod form;
pub mod history;
pub mod ladder;
pub mod run;
pub mod runs;
pub mod sweep;
pub mod weights;

use crate::data::DataSpec;
use crate::trainer::messages::{
    Backend, BoundaryMap, Command, Event, RunId, RunInfo, RunState, Settings, SweepEvent,
};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use form::{Form, Outcome};
use history::Smoothing;
use run::{Run, WeightsView};
use runs::{RunSummary, Summaries};
use std::collections::VecDeque;
use std::path::PathBuf;
use sweep::{SweepStatus, SweepView};

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

/// The latest decision boundary of the newest run.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub run: RunId,
    /// The epoch of the snapshot it was computed with.
    pub epoch: usize,
    pub map: BoundaryMap,
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
    /// The newest run's latest decision boundary (two-feature data only).
    pub(crate) boundary: Option<Boundary>,
    /// The latest learning-rate sweep, and whether its panel is shown.
    pub(crate) sweep: Option<SweepView>,
    pub(crate) show_sweep: bool,
    /// One line per run of the session (bounded), for the run table and `E`.
    pub(crate) summaries: Summaries,
    /// The run selected in the run table; `None` follows the newest.
    pub(crate) selected: Option<RunId>,
    /// Whether the run table is shown (in place of the settings, weights and accuracy panels).
    pub(crate) runs_view: bool,
    quit: bool,
    /// Where `e` and `E` write CSV files and `c` the session (the working directory unless a
    /// test says otherwise).
    export_dir: PathBuf,
    /// The data the dashboard was started with, for the session file `c` writes.
    data_spec: DataSpec,
    /// The `--init` file, which a session file names while the current run starts from it.
    init: Option<PathBuf>,
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
            boundary: None,
            sweep: None,
            show_sweep: true,
            summaries: Summaries::default(),
            selected: None,
            runs_view: false,
            quit: false,
            export_dir: PathBuf::new(),
            data_spec: DataSpec::default(),
            init: None,
        }
    }

    /// The data the dashboard was started with (what `c` writes into a session file).
    pub fn with_data_spec(mut self, spec: DataSpec) -> Self {
        self.data_spec = spec;
        self
    }

    /// The `--init` file the first run starts from.
    pub fn with_init(mut self, path: Option<PathBuf>) -> Self {
        self.init = path;
        self
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

    /// Whether the data has two features, so there is a plane to draw the boundary on.
    pub(crate) fn is_planar(&self) -> bool {
        self.data.features == 2
    }

    /// Whether run `id`'s curves are drawn on the loss chart.
    pub(crate) fn curve_shown(&self, id: RunId) -> bool {
        self.summaries.get(id).is_none_or(|s| s.shown)
    }

    /// The sweep, when its panel is to be drawn.
    pub(crate) fn shown_sweep(&self) -> Option<&SweepView> {
        self.sweep.as_ref().filter(|_| self.show_sweep)
    }

    /// The index in [`App::summaries`] of the run selected in the run table.
    pub(crate) fn selected_index(&self) -> Option<usize> {
        let last = self.summaries.len().checked_sub(1)?;
        Some(
            self.selected
                .and_then(|id| self.summaries.index_of(id))
                .unwrap_or(last),
        )
    }

    /// Copies run `id`'s latest state into its summary.
    fn sync_summary(&mut self, id: RunId) {
        if let Some(run) = self.runs.iter().find(|r| r.id() == id)
            && let Some(summary) = self.summaries.get_mut(id)
        {
            summary.update(run);
        }
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
            Event::Boundary { run, map } => {
                if let Some(current) = self.current().filter(|r| r.id() == run) {
                    let epoch = current
                        .weights
                        .as_ref()
                        .map_or_else(|| current.epoch(), |w| w.epoch);
                    self.boundary = Some(Boundary { run, epoch, map });
                }
            }
            Event::Sweep(event) => self.on_sweep(event),
            Event::Initializing(backend) => self.initializing = Some(backend),
            Event::Started(info) => {
                self.initializing = None;
                self.data = DataInfo::from(&info);
                self.settings = info.settings.clone();
                // A new run replaces the trainer's current one.
                if let Some(previous) = self.runs.back_mut()
                    && matches!(previous.state, RunState::Running | RunState::Paused)
                {
                    previous.state = RunState::Stopped;
                    let id = previous.id();
                    self.sync_summary(id);
                }
                self.boundary = None;
                if self.runs.len() == MAX_RUNS {
                    self.runs.pop_front();
                }
                self.summaries.push(RunSummary::new(&info));
                self.runs.push_back(Run::new(info));
            }
            Event::Epochs { run: id, metrics } => {
                if let Some(run) = self.run_mut(id) {
                    for m in &metrics {
                        run.push(m);
                    }
                    self.sync_summary(id);
                }
            }
            Event::Snapshot { run: id, snapshot } => {
                if let Some(run) = self.run_mut(id) {
                    run.weights = Some(WeightsView::from(&snapshot));
                    self.sync_summary(id);
                }
            }
            Event::LrChanged { run: id, epoch, lr } => {
                if let Some(run) = self.run_mut(id) {
                    run.record_lr_change(epoch, lr);
                    self.sync_summary(id);
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
            Event::State { run: id, state } => {
                if let Some(run) = self.run_mut(id) {
                    run.state = state;
                    self.sync_summary(id);
                }
            }
            Event::Notice(text) => self.say(text),
            Event::Error(text) => {
                self.initializing = None;
                self.complain(text);
            }
        }
    }

    fn on_sweep(&mut self, event: SweepEvent) {
        match event {
            SweepEvent::Started { run, lrs, epochs } => {
                let mut view = SweepView::new(lrs, epochs);
                view.from_run = Some(run);
                self.sweep = Some(view);
                self.show_sweep = true;
            }
            SweepEvent::Point(point) => {
                if let Some(sweep) = &mut self.sweep {
                    sweep.push(point);
                }
            }
            SweepEvent::Done => {
                if let Some(sweep) = &mut self.sweep {
                    sweep.status = SweepStatus::Done;
                    let text = match sweep::stops_learning_text(sweep) {
                        Some(text) => format!("sweep done: {text}"),
                        None => "sweep done".into(),
                    };
                    self.say(text);
                }
            }
            SweepEvent::Cancelled => {
                if let Some(sweep) = &mut self.sweep {
                    sweep.status = SweepStatus::Cancelled;
                    let (done, total) = (sweep.done(), sweep.total());
                    self.say(format!("sweep cancelled after {done} of {total} rates"));
                }
            }
            SweepEvent::Failed(why) => {
                if let Some(sweep) = &mut self.sweep {
                    sweep.status = SweepStatus::Failed(why.clone());
                }
                self.complain(format!("the sweep failed: {why}"));
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
        if self.runs_view && self.on_runs_key(key.code) {
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => self.quit(),
            KeyCode::Char('?') => {
                self.help = true;
                Vec::new()
            }
            KeyCode::Tab | KeyCode::Char('f') => {
                // The form is not drawn in the run table's view.
                self.runs_view = false;
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
            KeyCode::Char('E') => {
                self.export_runs();
                Vec::new()
            }
            KeyCode::Char('c') => {
                self.save_session();
                Vec::new()
            }
            KeyCode::Char('L') => self.start_sweep(),
            KeyCode::Char('v') => {
                self.toggle_sweep();
                Vec::new()
            }
            KeyCode::Char('T') => {
                self.runs_view = !self.runs_view;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Keys of the run table's view; false when the key is not one of them.
    fn on_runs_key(&mut self, code: KeyCode) -> bool {
        match code {
            KeyCode::Esc => self.runs_view = false,
            KeyCode::Up => self.move_selection(false),
            KeyCode::Down => self.move_selection(true),
            KeyCode::Enter => self.toggle_curve(),
            _ => return false,
        }
        true
    }

    fn move_selection(&mut self, down: bool) {
        let Some(index) = self.selected_index() else {
            return;
        };
        let index = if down {
            (index + 1).min(self.summaries.len() - 1)
        } else {
            index.saturating_sub(1)
        };
        self.selected = self.summaries.at(index).map(|s| s.id);
    }

    fn toggle_curve(&mut self) {
        let Some(summary) = self.selected_index().and_then(|i| self.summaries.at(i)) else {
            self.say("no run yet");
            return;
        };
        let id = summary.id;
        if !self.runs.iter().any(|r| r.id() == id) {
            self.say(format!(
                "run #{id} has no curve: only the last {MAX_RUNS} runs keep theirs"
            ));
            return;
        }
        if let Some(summary) = self.summaries.get_mut(id) {
            summary.shown = !summary.shown;
            let word = if summary.shown { "shown" } else { "hidden" };
            self.say(format!("run #{id}'s curve {word}"));
        }
    }

    /// `L`: starts a sweep, or cancels the one that is running.
    fn start_sweep(&mut self) -> Vec<Command> {
        if self
            .sweep
            .as_ref()
            .is_some_and(|s| s.status == SweepStatus::Running)
        {
            self.show_sweep = true;
            self.say("cancelling the sweep…");
            return vec![Command::CancelSweep];
        }
        if self.current().is_none() {
            self.say("no run yet: a sweep starts from a run's coefficients");
            return Vec::new();
        }
        let spec = sweep::spec(self.settings.epochs);
        self.show_sweep = true;
        self.say(format!(
            "sweeping lr {}…{} in {} steps of {} epochs each…",
            spec.from, spec.to, spec.steps, spec.epochs
        ));
        vec![Command::Sweep(spec)]
    }

    fn toggle_sweep(&mut self) {
        if self.sweep.is_none() {
            self.say("no sweep yet: L starts one");
            return;
        }
        self.show_sweep = !self.show_sweep;
    }

    fn export_runs(&mut self) {
        if self.summaries.is_empty() {
            self.say("no run yet: nothing to export");
            return;
        }
        match runs::export(&self.summaries, &self.export_dir) {
            Ok(line) => self.say(line),
            Err(line) => self.complain(line),
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

    /// Writes the current settings and data as a `--config` file.
    fn save_session(&mut self) {
        let id = self.current().map_or(0, Run::id);
        let path = self.export_dir.join(format!("nnfs-session-run{id}.toml"));
        // The trainer says which runs start from the --init coefficients.
        let init = self
            .init
            .as_deref()
            .filter(|_| self.current().is_some_and(|run| run.info.from_init));
        match crate::config::save_session(&path, &self.settings, &self.data_spec, init) {
            Ok(()) => self.say(format!(
                "saved the settings to {0} (replay: nnfs-tui --config {0})",
                path.display()
            )),
            Err(error) => self.complain(error),
        }
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
