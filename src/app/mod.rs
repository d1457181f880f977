//! The dashboard's state. Every change happens in [`App::on_event`] (the trainer said
//! something), [`App::on_key`] (the user pressed a key) or [`App::on_written`] (a file it asked
//! for was written); each returns the [`Effect`]s for the event loop to carry out: commands to
//! the trainer, files to write. The state does no IO, and drawing (`crate::ui`) only reads it.

pub mod dynamics;
pub mod export;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod form;
pub mod history;
pub mod keys;
pub mod ladder;
pub mod mouse;
pub mod network;
pub mod run;
pub mod runs;
pub mod sweep_view;
pub mod weights;

use crate::settings::{DataSpec, Pace, RunSettings};
use crate::trainer::messages::{
    Backend, BoundaryMap, Command, Event, FinderEvent, FinderSpec, RunId, RunInfo, RunState,
    SweepEvent, TrainingEvent, UnitMap,
};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use dynamics::{FinderStatus, FinderView, View};
use form::{Edit, Form};
use history::Smoothing;
use keys::Action;
use run::{RunView, WeightsView};
use runs::{RunSummary, Summaries};
use std::collections::VecDeque;
use std::path::PathBuf;
use sweep_view::{SweepStatus, SweepView};

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
    pub contents: Vec<u8>,
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
}

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

impl From<&crate::data::Splits> for DataInfo {
    fn from(splits: &crate::data::Splits) -> Self {
        DataInfo {
            name: splits.name.clone(),
            train_rows: splits.train.rows(),
            valid_rows: splits.valid.rows(),
            test_rows: splits.test.rows(),
            features: splits.features().len(),
        }
    }
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
    /// What the hidden units that matter most respond to over the same plane.
    pub units: Vec<UnitMap>,
}

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent view switches, each its own key"
)]
pub struct App {
    /// What `r` restarts with and the form starts from; follows the current run.
    pub(crate) settings: RunSettings,
    pub(crate) pace: Pace,
    pub(crate) data: DataInfo,
    pub(crate) color: bool,
    /// Oldest first; the last one is the current run.
    pub(crate) runs: VecDeque<RunView>,
    /// A backend being set up before the next run starts.
    pub(crate) initializing: Option<Backend>,
    pub(crate) log_y: bool,
    pub(crate) smoothing: Smoothing,
    pub(crate) help: bool,
    /// The help's page when it needs two (a small terminal).
    pub(crate) help_page: usize,
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
    /// The data the dashboard was started with (the form's `start`).
    pub(crate) start: DataSpec,
    /// The `--init` file, which a session file names while the current run starts from it.
    init: Option<PathBuf>,
    /// Which view is on (`1`, `2`).
    pub(crate) view: View,
    /// The chart cursor's epoch (`←` `→` `Home`); `None` follows nothing.
    pub(crate) cursor: Option<usize>,
    /// The loss chart zoomed around the cursor (`z`).
    pub(crate) zoom: bool,
    /// The latest learning-rate finder (`F`).
    pub(crate) finder: Option<FinderView>,
    /// Pause a run at its first event (`--pause-on-event`, `P`).
    pub(crate) pause_on_event: bool,
    /// The unit the network view's inspector shows (`↑` `↓`, a click); `None` is the first.
    pub(crate) unit: Option<network::UnitRef>,
    /// Whether the mouse is captured (`--no-mouse`, `M`).
    pub(crate) mouse: bool,
    /// The panel last clicked, drawn with a bold border.
    pub(crate) focus: Option<mouse::Panel>,
}

impl App {
    /// The dashboard before its first run: `settings` (with the data it starts on) at `pace`.
    pub fn new(settings: RunSettings, pace: Pace, data: DataInfo, color: bool) -> Self {
        App {
            start: settings.data.clone(),
            init: settings.init.clone(),
            settings,
            pace,
            data,
            color,
            runs: VecDeque::with_capacity(MAX_RUNS),
            initializing: None,
            log_y: false,
            smoothing: Smoothing::Off,
            help: false,
            help_page: 0,
            form: None,
            message: None,
            boundary: None,
            sweep: None,
            show_sweep: true,
            summaries: Summaries::default(),
            selected: None,
            runs_view: false,
            quit: false,
            view: View::Overview,
            cursor: None,
            zoom: false,
            finder: None,
            pause_on_event: false,
            unit: None,
            mouse: true,
            focus: None,
        }
    }

    /// What the chart cursor reads on the current run, as `epoch 4 · train 0.391 · valid
    /// 0.269 · lr 20.0 · ratio wt_hidden 1.07 wt_output 0.361 bias_output 1.35`.
    pub(crate) fn cursor_reading(&self) -> Option<String> {
        let epoch = self.cursor?;
        let run = self.current()?;
        let point = run.history.points().filter(|p| p.epoch <= epoch).last()?;
        let mut text = format!(
            "epoch {} · train {:.3} · valid {:.3} · lr {}",
            point.epoch,
            point.train_loss,
            point.valid_loss,
            crate::trainer::messages::format_lr(run.lr_at(point.epoch))
        );
        if let Some((_, stats)) = run.stats.at(point.epoch) {
            let names = run.tensor_names();
            text.push_str(" · ratio");
            for (name, ratio) in names.iter().zip(&stats.update_ratio) {
                text.push_str(&format!(
                    " {name} {}",
                    crate::trainer::messages::format_lr(f64::from(*ratio))
                ));
            }
        }
        if self.zoom {
            text.push_str(" · zoomed");
        }
        Some(text)
    }

    /// The same dashboard, pausing each run at its first event when `on`.
    #[must_use]
    pub fn pausing_on_events(mut self, on: bool) -> Self {
        self.pause_on_event = on;
        self
    }

    /// The same dashboard, capturing the mouse when `on`.
    #[must_use]
    pub fn with_mouse(mut self, on: bool) -> Self {
        self.mouse = on;
        self
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The run being trained (or last trained).
    pub(crate) fn current(&self) -> Option<&RunView> {
        self.runs.back()
    }

    fn run_mut(&mut self, id: u64) -> Option<&mut RunView> {
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
    pub fn on_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Boundary { run, map } => {
                if let Some(current) = self.current().filter(|r| r.id() == run) {
                    let epoch = current
                        .weights
                        .as_ref()
                        .map_or_else(|| current.epoch(), |w| w.epoch);
                    // The unit maps come next; until then the last ones stay.
                    let units = self
                        .boundary
                        .take()
                        .filter(|b| b.run == run)
                        .map(|b| b.units)
                        .unwrap_or_default();
                    self.boundary = Some(Boundary {
                        run,
                        epoch,
                        map,
                        units,
                    });
                }
            }
            Event::UnitMaps { run, maps } => {
                if let Some(boundary) = self.boundary.as_mut().filter(|b| b.run == run) {
                    boundary.units = maps;
                }
            }
            Event::Weights {
                run,
                epoch,
                safetensors,
            } => {
                return vec![Effect::Write(FileWrite {
                    kind: FileKind::Weights,
                    name: format!("nnfs-run{run}-epoch{epoch}.safetensors"),
                    contents: safetensors,
                })];
            }
            Event::Sweep(event) => self.on_sweep(event),
            Event::Initializing(backend) => self.initializing = Some(backend),
            Event::Started(info) => self.on_started(info),
            Event::Epochs { run: id, metrics } => {
                let mut events = Vec::new();
                if let Some(run) = self.run_mut(id) {
                    for m in &metrics {
                        events.extend(run.push(m));
                    }
                    self.sync_summary(id);
                }
                return self.on_training_events(id, &events);
            }
            Event::Snapshot { run: id, snapshot } => {
                let mut events = Vec::new();
                if let Some(run) = self.run_mut(id) {
                    run.weights = Some(WeightsView::from(&snapshot));
                    run.network = network::NetworkView::observe(run.network.take(), snapshot);
                    events = run.check_health();
                    self.sync_summary(id);
                }
                return self.on_training_events(id, &events);
            }
            Event::Slice { run: id, slice } => {
                if let Some(run) = self.run_mut(id) {
                    run.slice = Some(slice);
                }
            }
            Event::Finder(event) => self.on_finder(event),
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
        Vec::new()
    }

    /// The current run's latest event, explained in the status line with what to try; the
    /// run paused at its first when the dashboard pauses on events.
    fn on_training_events(&mut self, id: RunId, events: &[TrainingEvent]) -> Vec<Effect> {
        let Some(event) = events.last() else {
            return Vec::new();
        };
        if self.current().is_none_or(|r| r.id() != id) {
            return Vec::new();
        }
        let finder = self.finder.as_ref().filter(|f| f.run == id);
        let (advice, pause) = match self.current() {
            Some(run) => (
                dynamics::advice(event, run.slice.as_ref(), finder),
                self.pause_on_event && !run.paused_at_event && run.state == RunState::Running,
            ),
            None => (None, false),
        };
        let mut text = event.detail.clone();
        if let Some(advice) = advice {
            text = format!("{text}: {advice}");
        }
        let mut effects = Vec::new();
        if pause {
            text = format!("paused: {text} (space resumes, P stops pausing)");
            if let Some(run) = self.run_mut(id) {
                run.paused_at_event = true;
            }
            effects.push(Effect::Send(Command::Pause));
        }
        self.say(text);
        effects
    }

    fn on_finder(&mut self, event: FinderEvent) {
        match event {
            FinderEvent::Started { run, spec } => {
                self.finder = Some(FinderView {
                    run,
                    spec,
                    steps: Vec::new(),
                    status: FinderStatus::Running,
                });
            }
            FinderEvent::Step(step) => {
                if let Some(finder) = &mut self.finder {
                    finder.steps.push(step);
                }
            }
            FinderEvent::Done(finding) => {
                let line = crate::headless::suggestions_line(&finding.suggestions);
                if let Some(finder) = &mut self.finder {
                    finder.status = FinderStatus::Done(finding);
                }
                self.say(format!(
                    "finder done: {line} (A adopts the valley for the next run)"
                ));
            }
            FinderEvent::Cancelled => {
                if let Some(finder) = &mut self.finder {
                    finder.status = FinderStatus::Cancelled;
                }
                self.say("finder cancelled");
            }
            FinderEvent::Failed(why) => {
                if let Some(finder) = &mut self.finder {
                    finder.status = FinderStatus::Failed(why.clone());
                }
                self.complain(format!("the finder failed: {why}"));
            }
        }
    }

    /// `F`: starts the finder from the current run's start, or cancels the running one.
    fn find_lr(&mut self) -> Vec<Effect> {
        if self
            .finder
            .as_ref()
            .is_some_and(|f| f.status == FinderStatus::Running)
        {
            self.say("cancelling the finder…");
            return vec![Effect::Send(Command::CancelFinder)];
        }
        if self.current().is_none() {
            self.say("no run yet: the finder starts from a run's coefficients");
            return Vec::new();
        }
        self.view = View::Dynamics;
        let spec = FinderSpec::default();
        self.say(format!(
            "finding a rate: {} full-batch steps, lr {}…{}",
            spec.steps, spec.range.from, spec.range.to
        ));
        vec![Effect::Send(Command::FindLr(spec))]
    }

    /// `A`: the finder's valley becomes the learning rate of the next run (`r`).
    fn adopt_suggestion(&mut self) {
        let Some(valley) = self.finder.as_ref().and_then(FinderView::valley) else {
            self.say("no suggestion yet: F runs the finder");
            return;
        };
        match crate::settings::LearningRate::new(valley) {
            Ok(lr) => {
                self.settings.lr = lr;
                self.say(format!(
                    "the next run's lr is {} (the finder's valley): r restarts with it",
                    crate::trainer::messages::format_lr(valley)
                ));
            }
            Err(why) => self.complain(format!("the valley lr {valley}: {why}")),
        }
    }

    /// `←` `→` `Home` `End`: moves the chart cursor over the current run's epochs, a
    /// two-hundredth of them at a time (at least one).
    /// The current run's latest epoch, once it has one: where the chart cursor can go.
    pub(crate) fn last_epoch(&self) -> Option<usize> {
        self.current().map(RunView::epoch).filter(|&e| e > 0)
    }

    fn move_cursor(&mut self, code: KeyCode) {
        let Some(last) = self.last_epoch() else {
            return;
        };
        let step = (last / 200).max(1);
        let at = self.cursor.unwrap_or(last).min(last);
        self.cursor = match code {
            KeyCode::Left => Some(at.saturating_sub(step).max(1)),
            KeyCode::Right if at + step >= last => Some(last),
            KeyCode::Right => Some(at + step),
            KeyCode::Home => Some(1),
            _ => None,
        };
        if self.cursor.is_none() {
            self.zoom = false;
        }
    }

    fn on_started(&mut self, info: RunInfo) {
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
        self.cursor = None;
        self.zoom = false;
        // The network view shows the current run: its unit, and no earlier run's weights.
        self.unit = None;
        for run in &mut self.runs {
            run.network = None;
        }
        if self.runs.len() == MAX_RUNS {
            self.runs.pop_front();
        }
        self.summaries.push(RunSummary::new(&info));
        self.runs.push_back(RunView::new(info));
    }

    /// A file asked for by an [`Effect::Write`] was written to `path`, or could not be (`Err`
    /// says why, naming the file).
    pub fn on_written(&mut self, kind: FileKind, written: Result<PathBuf, String>) {
        let path = match written {
            Ok(path) => path.display().to_string(),
            Err(why) => return self.complain(why),
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
        };
        self.say(text);
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
                    let text = match sweep_view::stops_learning_text(sweep) {
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
        if self.help {
            return match key.code {
                KeyCode::Esc | KeyCode::Char('?') => {
                    self.help = false;
                    self.help_page = 0;
                    Vec::new()
                }
                KeyCode::Right | KeyCode::PageDown | KeyCode::Char(' ') => {
                    self.help_page = 1;
                    Vec::new()
                }
                KeyCode::Left | KeyCode::PageUp => {
                    self.help_page = 0;
                    Vec::new()
                }
                KeyCode::Char('q') => self.quit(),
                _ => Vec::new(),
            };
        }
        if let Some(form) = &mut self.form {
            return match form.on_key(key) {
                Edit::Editing => Vec::new(),
                Edit::Cancel => {
                    self.form = None;
                    Vec::new()
                }
                Edit::Invalid => {
                    let why = form.error(form.focus).unwrap_or_default();
                    let field = form.focus.label();
                    self.complain(format!("{field}: {why} (fix it, or Esc to cancel)"));
                    Vec::new()
                }
                Edit::Apply(settings, pace) => {
                    // `settings` follow the trainer: they change when the new run starts.
                    self.form = None;
                    self.say("restarting with the form's settings");
                    let mut effects = Vec::new();
                    if pace != self.pace {
                        self.pace = pace;
                        effects.push(Effect::Send(Command::SetPace(pace)));
                    }
                    effects.push(Effect::Send(Command::Restart(settings)));
                    effects
                }
            };
        }
        if ctrl || key.modifiers.contains(KeyModifiers::ALT) {
            return Vec::new();
        }
        if self.runs_view && self.on_runs_key(key.code) {
            return Vec::new();
        }
        if self.view == View::Network && self.on_network_key(key.code) {
            return Vec::new();
        }
        if matches!(
            key.code,
            KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End
        ) {
            self.move_cursor(key.code);
            return Vec::new();
        }
        match keys::action(key.code) {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    /// What a key of the main view does.
    fn act(&mut self, action: Action) -> Vec<Effect> {
        let send = |command| vec![Effect::Send(command)];
        match action {
            Action::Quit => return self.quit(),
            Action::Help => self.help = true,
            Action::Form => {
                // The form is not drawn in the run table's view.
                self.runs_view = false;
                self.form = Some(Form::new(&self.settings, self.pace, &self.start));
            }
            Action::Pause => return self.toggle_pause(),
            Action::Step => return send(Command::Step),
            Action::Stop => return send(Command::Stop),
            Action::Restart => return send(Command::Restart(self.settings.clone())),
            Action::LrUp => return self.change_lr(ladder::lr_up(self.settings.lr.get())),
            Action::LrDown => return self.change_lr(ladder::lr_down(self.settings.lr.get())),
            Action::HiddenUp => return self.change_hidden(ladder::hidden_up),
            Action::HiddenDown => return self.change_hidden(ladder::hidden_down),
            Action::LogY => self.log_y = !self.log_y,
            Action::Smoothing => self.smoothing = self.smoothing.next(),
            Action::Pace => {
                self.pace = ladder::next_pace(self.pace);
                return send(Command::SetPace(self.pace));
            }
            Action::Test => return self.evaluate_test(),
            Action::SaveWeights => return self.save_weights(),
            Action::ExportHistory => return self.export_history(),
            Action::ExportRuns => return self.export_runs(),
            Action::SaveSession => return self.save_session(),
            Action::Sweep => return self.start_sweep(),
            Action::SweepPanel => self.toggle_sweep(),
            Action::RunTable => self.runs_view = !self.runs_view,
            Action::Overview => self.view = View::Overview,
            Action::Dynamics => {
                self.view = View::Dynamics;
                self.runs_view = false;
            }
            Action::Network => {
                self.view = View::Network;
                self.runs_view = false;
            }
            Action::Mouse => {
                self.mouse = !self.mouse;
                let word = if self.mouse {
                    "on: click panels, fields, units; scroll zooms the loss chart"
                } else {
                    "off: the terminal selects text again (M turns it back on)"
                };
                self.say(format!("mouse {word}"));
                return vec![Effect::Mouse(self.mouse)];
            }
            Action::Zoom => {
                if self.cursor.is_none() {
                    self.say("no cursor: ← → put one on the chart, then z zooms around it");
                } else {
                    self.zoom = !self.zoom;
                }
            }
            Action::FindLr => return self.find_lr(),
            Action::Adopt => self.adopt_suggestion(),
            Action::PauseOnEvent => {
                self.pause_on_event = !self.pause_on_event;
                let word = if self.pause_on_event { "on" } else { "off" };
                self.say(format!("pause at a run's first event: {word}"));
            }
        }
        Vec::new()
    }

    /// Keys of the network view; false when the key is not one of them.
    fn on_network_key(&mut self, code: KeyCode) -> bool {
        let by = match code {
            KeyCode::Up => -1,
            KeyCode::Down => 1,
            KeyCode::PageUp => -10,
            KeyCode::PageDown => 10,
            _ => return false,
        };
        if let Some(network) = self.current().and_then(|r| r.network.as_ref()) {
            let from = self.unit.or(Some(network.step(None, 0)));
            self.unit = Some(network.step(from, by));
        }
        true
    }

    /// The unit the inspector shows: the selected one, or the first.
    pub(crate) fn inspected_unit(&self) -> Option<network::UnitRef> {
        let network = self.current()?.network.as_ref()?;
        Some(self.unit.unwrap_or_else(|| network.step(None, 0)))
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
    fn start_sweep(&mut self) -> Vec<Effect> {
        if self
            .sweep
            .as_ref()
            .is_some_and(|s| s.status == SweepStatus::Running)
        {
            self.show_sweep = true;
            self.say("cancelling the sweep…");
            return vec![Effect::Send(Command::CancelSweep)];
        }
        if self.current().is_none() {
            self.say("no run yet: a sweep starts from a run's coefficients");
            return Vec::new();
        }
        let spec = sweep_view::spec(self.settings.epochs.get());
        self.show_sweep = true;
        self.say(format!(
            "sweeping lr {}…{} in {} steps of {} epochs each…",
            spec.range.from, spec.range.to, spec.steps, spec.epochs
        ));
        vec![Effect::Send(Command::Sweep(spec))]
    }

    fn toggle_sweep(&mut self) {
        if self.sweep.is_none() {
            self.say("no sweep yet: L starts one");
            return;
        }
        self.show_sweep = !self.show_sweep;
    }

    /// A signal ends the session: as `q` does.
    pub fn on_signal(&mut self) -> Vec<Effect> {
        self.quit()
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        vec![Effect::Send(Command::Shutdown)]
    }

    fn toggle_pause(&mut self) -> Vec<Effect> {
        let Some(run) = self.runs.back_mut() else {
            return Vec::new();
        };
        // Set at once rather than waiting for the trainer's State event, so a quick second
        // space resumes instead of pausing twice.
        match run.state {
            RunState::Running => {
                run.state = RunState::Paused;
                vec![Effect::Send(Command::Pause)]
            }
            RunState::Paused => {
                run.state = RunState::Running;
                vec![Effect::Send(Command::Resume)]
            }
            _ => {
                let word = run.state_word();
                self.say(format!("the run is {word}: r restarts it"));
                Vec::new()
            }
        }
    }

    fn change_lr(&mut self, lr: Option<f64>) -> Vec<Effect> {
        let old = self.settings.lr;
        let Some(new) = lr.and_then(|lr| crate::settings::LearningRate::new(lr).ok()) else {
            self.say(format!("lr {old} is at the end of the ladder"));
            return Vec::new();
        };
        self.settings.lr = new;
        self.say(format!("lr {old} → {new}"));
        vec![Effect::Send(Command::SetLr(new.get()))]
    }

    fn change_hidden(&mut self, step: fn(usize) -> Option<usize>) -> Vec<Effect> {
        let hidden = self.settings.hidden_sizes();
        let old = hidden.sizes()[0];
        let resized = step(old).and_then(|size| {
            let mut sizes = hidden.sizes().to_vec();
            sizes[0] = size;
            crate::settings::HiddenSizes::new(sizes).ok()
        });
        let Some(resized) = resized else {
            self.say(format!("hidden size {old} is at the end of the ladder"));
            return Vec::new();
        };
        self.say(format!("hidden {old} → {}: restarting", resized.sizes()[0]));
        self.settings.hidden = Some(resized);
        vec![Effect::Send(Command::Restart(self.settings.clone()))]
    }

    fn evaluate_test(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.say("no run yet");
            return Vec::new();
        };
        if run.info.test_rows == 0 {
            self.complain("no test split: start with --test-frac F or --test PATH");
            return Vec::new();
        }
        self.say("evaluating the test set…");
        vec![Effect::Send(Command::EvaluateTest)]
    }

    fn save_weights(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.say("no run yet: nothing to save");
            return Vec::new();
        };
        self.say(format!("saving the weights of run #{}…", run.id()));
        // The trainer sends them, with the epoch they are of: the file is named after it.
        vec![Effect::Send(Command::ExportWeights)]
    }

    /// `c`: the current settings and data as a `--config` file.
    fn save_session(&mut self) -> Vec<Effect> {
        let id = self.current().map_or(0, RunView::id);
        let name = format!("nnfs-session-run{id}.toml");
        // The trainer says which runs start from the --init coefficients.
        let from_init = self.current().is_some_and(|run| run.info.from_init);
        let settings = RunSettings {
            init: self.init.clone().filter(|_| from_init),
            ..self.settings.clone()
        };
        match crate::config::session_text(&settings, self.pace, std::path::Path::new(&name)) {
            Ok(text) => vec![Effect::Write(FileWrite {
                kind: FileKind::Session,
                name,
                contents: text.into_bytes(),
            })],
            Err(error) => {
                self.complain(error);
                Vec::new()
            }
        }
    }

    /// `e`: the current run's kept history as CSV.
    fn export_history(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.say("no run yet: nothing to export");
            return Vec::new();
        };
        vec![Effect::Write(FileWrite {
            kind: FileKind::History {
                kept: run.history.kept(),
                seen: run.history.epochs_seen(),
            },
            name: export::file_name(run),
            contents: export::csv(run).into_bytes(),
        })]
    }

    /// `E`: every summarised run as CSV.
    fn export_runs(&mut self) -> Vec<Effect> {
        if self.summaries.is_empty() {
            self.say("no run yet: nothing to export");
            return Vec::new();
        }
        match runs::csv(&self.summaries) {
            Ok(text) => vec![Effect::Write(FileWrite {
                kind: FileKind::Runs {
                    count: self.summaries.len(),
                },
                name: runs::FILE_NAME.to_string(),
                contents: text.into_bytes(),
            })],
            Err(error) => {
                self.complain(format!("could not write the runs as CSV: {error}"));
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests;
