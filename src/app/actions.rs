//! What each key's action does to the state, and the effects it asks for.

use super::dynamics::{FinderView, View};
use super::form::Form;
use super::jobs::JobView;
use super::keys::Action;
use super::run::RunView;
use super::{App, Contents, Effect, FileKind, FileWrite, export, ladder, runs, sweep_view};
use crate::report::format_lr;
use crate::report::run::RunState;
use crate::settings::{FinderSpec, HiddenSizes, LearningRate, Pace, RunSettings};
use crate::trainer::messages::Command;

impl App {
    /// Carries out `action`.
    pub(super) fn act(&mut self, action: Action) -> Vec<Effect> {
        let send = |command| vec![Effect::Send(command)];
        let screen = &mut self.screen;
        match action {
            Action::Quit => return self.quit(),
            Action::Help => screen.help = Some(0),
            Action::CloseHelp => screen.help = None,
            Action::Events => screen.events = true,
            Action::CloseEvents => screen.events = false,
            Action::HelpPage(page) => screen.help = Some(page),
            Action::Form => {
                // The form is not drawn in the run table's view.
                screen.table.shown = false;
                screen.form = Some(Form::new(
                    &self.next.settings,
                    self.next.pace,
                    &self.next.start,
                    &self.next.race,
                ));
            }
            Action::Pause => return self.toggle_pause(),
            Action::Step => return send(Command::Step),
            Action::Stop => return send(Command::Stop),
            Action::Restart => return send(Command::Restart(self.next.settings.clone())),
            Action::LrUp => return self.change_lr(ladder::lr_up(self.next.settings.lr.get())),
            Action::LrDown => {
                return self.change_lr(ladder::lr_down(self.next.settings.lr.get()));
            }
            Action::HiddenUp => return self.change_hidden(ladder::hidden_up),
            Action::HiddenDown => return self.change_hidden(ladder::hidden_down),
            Action::LogY => screen.chart.log_y = !screen.chart.log_y,
            Action::Smoothing => screen.chart.smoothing = screen.chart.smoothing.next(),
            Action::Pace => {
                self.next.pace = ladder::next_pace(self.next.pace);
                return send(Command::SetPace(self.next.pace));
            }
            Action::Test => return self.evaluate_test(),
            Action::SaveWeights => return self.save_weights(),
            Action::ExportHistory => return self.export_history(),
            Action::ExportRuns => return self.export_runs(),
            Action::SaveSession => return self.save_session(),
            Action::Sweep => return self.start_sweep(),
            Action::Race => return self.start_race(),
            Action::SweepPanel => self.toggle_sweep(),
            Action::RunTable => screen.table.shown = !screen.table.shown,
            Action::CloseTable => screen.table.shown = false,
            Action::SelectRun(down) => self.move_selection(down),
            Action::ToggleCurve => self.toggle_curve(),
            Action::Overview => return self.show_view(View::Overview),
            Action::Dynamics => return self.show_view(View::Dynamics),
            Action::Network => return self.show_view(View::Network),
            Action::Walk => return self.show_view(View::Walk),
            Action::WalkStep => return self.step_walk(),
            Action::WalkInput(by) => return self.move_walk_input(by),
            Action::Unit(by) => {
                if let Some(network) = self.reported.current().and_then(|r| r.network.as_ref()) {
                    screen.step_unit(network, by);
                }
                return self.refocus_walk();
            }
            Action::Cursor(to) => {
                if let Some(last) = self.last_epoch() {
                    self.screen.chart.move_cursor(to, last);
                }
                return self.sync_replay();
            }
            Action::Play => return self.toggle_play(),
            Action::Mouse => {
                screen.mouse = !screen.mouse;
                let word = if screen.mouse {
                    "on: click panels, fields, units; scroll zooms the loss chart"
                } else {
                    "off: the terminal selects text again (M turns it back on)"
                };
                screen.say(format!("mouse {word}"));
                return vec![Effect::Mouse(screen.mouse)];
            }
            Action::Zoom => {
                if screen.chart.cursor.is_none() {
                    screen.say("no cursor: ← → put one on the chart, then z zooms around it");
                } else {
                    screen.chart.zoom = !screen.chart.zoom;
                }
            }
            Action::FindLr => return self.find_lr(),
            Action::Adopt => self.adopt_suggestion(),
            Action::PauseOnEvent => {
                self.next.pause_on_event = !self.next.pause_on_event;
                let word = if self.next.pause_on_event {
                    "on"
                } else {
                    "off"
                };
                self.screen
                    .say(format!("pause at a run's first event: {word}"));
            }
        }
        Vec::new()
    }

    /// The form's settings applied: a new run, at the form's pace.
    pub(super) fn apply_form(&mut self, settings: RunSettings, pace: Pace) -> Vec<Effect> {
        // `settings` follow the trainer: they change when the new run starts.
        self.screen.form = None;
        self.screen.say("restarting with the form's settings");
        let mut effects = Vec::new();
        if pace != self.next.pace {
            self.next.pace = pace;
            effects.push(Effect::Send(Command::SetPace(pace)));
        }
        effects.push(Effect::Send(Command::Restart(settings)));
        effects
    }

    fn toggle_pause(&mut self) -> Vec<Effect> {
        let Some(run) = self.reported.current_mut() else {
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
                // The walk steps only while the run is paused.
                self.screen.walk.step = None;
                vec![Effect::Send(Command::Resume)]
            }
            _ => {
                let word = run.state_word();
                self.screen.say(format!("the run is {word}: r restarts it"));
                Vec::new()
            }
        }
    }

    fn change_lr(&mut self, lr: Option<f64>) -> Vec<Effect> {
        let old = self.next.settings.lr;
        let Some(new) = lr.and_then(|lr| LearningRate::new(lr).ok()) else {
            self.screen
                .say(format!("lr {old} is at the end of the ladder"));
            return Vec::new();
        };
        self.next.settings.lr = new;
        self.screen.say(format!("lr {old} → {new}"));
        vec![Effect::Send(Command::SetLr(new.get()))]
    }

    fn change_hidden(&mut self, step: fn(usize) -> Option<usize>) -> Vec<Effect> {
        let hidden = self.next.settings.hidden_sizes();
        let old = hidden.sizes()[0];
        let resized = step(old).and_then(|size| {
            let mut sizes = hidden.sizes().to_vec();
            sizes[0] = size;
            HiddenSizes::new(sizes).ok()
        });
        let Some(resized) = resized else {
            self.screen
                .say(format!("hidden size {old} is at the end of the ladder"));
            return Vec::new();
        };
        self.screen
            .say(format!("hidden {old} → {}: restarting", resized.sizes()[0]));
        self.next.settings.hidden = Some(resized);
        vec![Effect::Send(Command::Restart(self.next.settings.clone()))]
    }

    fn evaluate_test(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.screen.say("no run yet");
            return Vec::new();
        };
        if run.info.test_rows == 0 {
            self.screen
                .complain("no test split: start with --test-frac F or --test PATH");
            return Vec::new();
        }
        self.screen.say("evaluating the test set…");
        vec![Effect::Send(Command::EvaluateTest)]
    }

    fn save_weights(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.screen.say("no run yet: nothing to save");
            return Vec::new();
        };
        let id = run.id();
        self.screen.say(format!("saving the weights of run #{id}…"));
        // The trainer sends them, with the epoch they are of: the file is named after it.
        vec![Effect::Send(Command::ExportWeights)]
    }

    /// `c`: the current settings and data as a `--config` file.
    fn save_session(&mut self) -> Vec<Effect> {
        let id = self.current().map_or(0, RunView::id);
        // The trainer says which runs start from the --init coefficients.
        let from_init = self.current().is_some_and(|run| run.info.from_init);
        let settings = RunSettings {
            init: self.next.init.clone().filter(|_| from_init),
            ..self.next.settings.clone()
        };
        vec![Effect::Write(FileWrite {
            kind: FileKind::Session,
            name: format!("nnfs-session-run{id}.toml"),
            contents: Contents::Session {
                settings: Box::new(settings),
                pace: self.next.pace,
            },
        })]
    }

    /// `e`: the current run's kept history as CSV.
    fn export_history(&mut self) -> Vec<Effect> {
        let Some(run) = self.current() else {
            self.screen.say("no run yet: nothing to export");
            return Vec::new();
        };
        vec![Effect::Write(FileWrite {
            kind: FileKind::History {
                kept: run.history.kept(),
                seen: run.history.epochs_seen(),
            },
            name: export::file_name(run),
            contents: Contents::Bytes(export::csv(run).into_bytes()),
        })]
    }

    /// `E`: every summarised run as CSV.
    fn export_runs(&mut self) -> Vec<Effect> {
        let summaries = &self.reported.summaries;
        if summaries.is_empty() {
            self.screen.say("no run yet: nothing to export");
            return Vec::new();
        }
        match runs::csv(summaries) {
            Ok(text) => vec![Effect::Write(FileWrite {
                kind: FileKind::Runs {
                    count: summaries.len(),
                },
                name: runs::FILE_NAME.to_string(),
                contents: Contents::Bytes(text.into_bytes()),
            })],
            Err(error) => {
                self.screen
                    .complain(format!("could not write the runs as CSV: {error}"));
                Vec::new()
            }
        }
    }

    fn move_selection(&mut self, down: bool) {
        let Some(index) = self.selected_index() else {
            return;
        };
        let summaries = &self.reported.summaries;
        let index = if down {
            (index + 1).min(summaries.len() - 1)
        } else {
            index.saturating_sub(1)
        };
        self.screen.table.selected = summaries.at(index).map(|s| s.id);
    }

    fn toggle_curve(&mut self) {
        let Some(id) = self
            .selected_index()
            .and_then(|i| self.reported.summaries.at(i))
            .map(|s| s.id)
        else {
            self.screen.say("no run yet");
            return;
        };
        if !self.reported.runs.iter().any(|r| r.id() == id) {
            self.screen.say(format!(
                "run #{id} has no curve: only the last {} runs keep theirs",
                super::MAX_RUNS
            ));
            return;
        }
        if let Some(summary) = self.reported.summaries.get_mut(id) {
            summary.shown = !summary.shown;
            let word = if summary.shown { "shown" } else { "hidden" };
            self.screen.say(format!("run #{id}'s curve {word}"));
        }
    }

    /// `L`: starts a sweep, or cancels the one that is running.
    fn start_sweep(&mut self) -> Vec<Effect> {
        let running = self
            .reported
            .sweep
            .as_ref()
            .is_some_and(JobView::is_running);
        self.screen.show_sweep = true;
        if let Some(effects) = self.before_job(running, ("sweep", "a sweep"), Command::CancelSweep)
        {
            return effects;
        }
        let spec = sweep_view::spec(self.next.settings.epochs.get());
        self.screen.say(format!(
            "sweeping lr {}…{} in {} steps of {} epochs each…",
            spec.range.from, spec.range.to, spec.steps, spec.epochs
        ));
        vec![Effect::Send(Command::Sweep(spec))]
    }

    /// A job's key while it runs cancels it, and without a run there is nothing to start it
    /// from (`names`: `sweep`, `a sweep`); `None` when the job may start.
    fn before_job(
        &mut self,
        running: bool,
        (name, noun): (&str, &str),
        cancel: Command,
    ) -> Option<Vec<Effect>> {
        if running {
            self.screen.say(format!("cancelling the {name}…"));
            return Some(vec![Effect::Send(cancel)]);
        }
        if self.current().is_none() {
            self.screen.say(format!(
                "no run yet: {noun} starts from a run's coefficients"
            ));
            return Some(Vec::new());
        }
        None
    }

    /// `v`: hides the sweep's or the race's panel, or shows the latest again (the race
    /// first).
    fn toggle_sweep(&mut self) {
        let screen = &mut self.screen;
        if self.reported.sweep.is_none() && self.reported.race.is_none() {
            screen.say("no sweep or race yet: L or R starts one");
        } else if screen.show_race && self.reported.race.is_some() {
            screen.show_race = false;
            screen.show_sweep = false;
        } else if screen.show_sweep && self.reported.sweep.is_some() {
            screen.show_sweep = false;
        } else if self.reported.race.is_some() {
            screen.show_race = true;
        } else {
            screen.show_sweep = true;
        }
    }

    /// `R`: races the variants of the next run's settings the form names (the update rules
    /// unless told) from the current run's start, or cancels the race that is running.
    fn start_race(&mut self) -> Vec<Effect> {
        let running = self.reported.race.as_ref().is_some_and(JobView::is_running);
        self.screen.show_race = true;
        if let Some(effects) = self.before_job(running, ("race", "a race"), Command::CancelRace) {
            return effects;
        }
        let race = self.next.race.clone();
        self.screen.say(format!(
            "racing {race} from run #{}'s start, side by side…",
            self.current().map_or(0, RunView::id)
        ));
        vec![Effect::Send(Command::Race(race))]
    }

    /// `F`: starts the finder from the current run's start, or cancels the running one.
    fn find_lr(&mut self) -> Vec<Effect> {
        let running = self
            .reported
            .finder
            .as_ref()
            .is_some_and(JobView::is_running);
        let names = ("finder", "the finder");
        if let Some(effects) = self.before_job(running, names, Command::CancelFinder) {
            return effects;
        }
        self.screen.view = View::Dynamics;
        let spec = FinderSpec::default();
        self.screen.say(format!(
            "finding a rate: {} full-batch steps, lr {}…{}",
            spec.steps, spec.range.from, spec.range.to
        ));
        vec![Effect::Send(Command::FindLr(spec))]
    }

    /// `A`: the finder's valley becomes the learning rate of the next run (`r`).
    fn adopt_suggestion(&mut self) {
        let Some(valley) = self.reported.finder.as_ref().and_then(FinderView::valley) else {
            self.screen.say("no suggestion yet: F runs the finder");
            return;
        };
        match LearningRate::new(valley) {
            Ok(lr) => {
                self.next.settings.lr = lr;
                self.screen.say(format!(
                    "the next run's lr is {} (the finder's valley): r restarts with it",
                    format_lr(valley)
                ));
            }
            Err(why) => self
                .screen
                .complain(format!("the valley lr {valley}: {why}")),
        }
    }
}
