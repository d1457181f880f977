//! The trainer thread's loop: obeys commands, trains the active run at its pace, and reports
//! epochs in batches, snapshots at a bounded rate.

use super::messages::{Command, Event};
use super::policy::First;
use super::side_job::SideJob;
use crate::data::Splits;
use crate::error::panic_text;
use crate::model::data::Split;
use crate::model::device::Compute;
use crate::model::explain::Explainer;
use crate::model::plane::Plane;
use crate::model::run::Run;
use crate::model::schedule::{Budget, ReadBackBatch};
use crate::report::epoch::EpochMetrics;
use crate::report::events::TrainingEvent;
use crate::report::run::{RunId, RunState};
use crate::report::walk::{InitWalk, WalkFocus};
use crate::report::weights::Weights;
use crate::settings::{DataSpec, Pace, RunSettings};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod jobs;
mod start;
mod walk;

/// Epoch metrics are sent in batches at most this often, so a fast trainer cannot flood the UI.
const FLUSH_EVERY: Duration = Duration::from_millis(16);
/// Weight snapshots (histograms, unit health) at most this often.
const SNAPSHOT_EVERY: Duration = Duration::from_millis(150);
/// At pace max, a batch of epochs (one read-back) takes about this long, so commands are
/// obeyed well within a frame or two.
const BATCH_TIME: Duration = Duration::from_millis(8);
/// The most a paced run may lag behind its pace before it is not made up.
const CATCH_UP: Duration = Duration::from_millis(250);
/// How long an idle trainer sleeps between looks at its command queue.
const IDLE_WAIT: Duration = Duration::from_millis(250);
/// A paced run's first epochs go at most this fast, so that a person can follow them (lr 20's
/// overshoot is over by epoch 5); pace max skips it.
const SLOW_START_RATE: f64 = 4.0;
const SLOW_START_EPOCHS: usize = 10;
/// The step slice takes at most this share of the training time.
pub(super) const SLICE_SHARE: f64 = 0.05;
/// The share of the training time that snapshots measuring the units' gradients may take.
pub(super) const UNIT_SHARE: f64 = 0.05;
/// The share that snapshots may take in all: at Titanic's size one takes about a millisecond,
/// so they come every [`SNAPSHOT_EVERY`]; at 100,000 rows × 256 units a forward pass over the
/// training rows takes a good part of an epoch, and they come less often.
pub(super) const SNAPSHOT_SHARE: f64 = 0.1;

/// The run being trained.
struct Active {
    id: RunId,
    run: Run,
    settings: RunSettings,
    state: RunState,
    /// The coefficients it started from (a sweep starts from them too).
    initial: Weights,
    /// When the next epoch is due (pace).
    due: Instant,
    /// Finds its events and explains each at its epoch.
    explainer: Explainer,
    /// Its start, as a walk tells it (`init_coeffs`).
    start: InitWalk,
}

/// Data loaded for runs, and what it was loaded from.
struct Loaded {
    spec: DataSpec,
    splits: Splits,
    /// The decision boundary's grid and points, when the data has two features.
    plane: Option<Plane>,
}

impl Loaded {
    fn new(spec: DataSpec, splits: Splits) -> Self {
        Loaded {
            plane: Plane::of(&splits),
            spec,
            splits,
        }
    }
}

pub(super) struct Worker {
    /// The data the dashboard started with.
    original: Loaded,
    /// The current run's data.
    current: Loaded,
    inbox: Receiver<Command>,
    outbox: Sender<Event>,
    cpu: Option<Compute>,
    gpu: Option<Compute>,
    pace: Pace,
    active: Option<Active>,
    /// The first run's seed and starting coefficients.
    first: Option<First>,
    next_id: RunId,
    pending: Vec<EpochMetrics>,
    flushed: Instant,
    snapshot_at: Instant,
    /// Epochs per read-back at pace max.
    read_back: ReadBackBatch,
    /// The latest learning-rate sweep (its threads are never waited for).
    sweeping: Option<SideJob>,
    /// The latest learning-rate finder (likewise).
    finding: Option<SideJob>,
    /// The latest race (likewise).
    racing: Option<SideJob>,
    slice_budget: Budget,
    /// The finder's valley, and the run it started from (its job says so when it is done).
    valley: Arc<Mutex<Option<(RunId, f64)>>>,
    /// Snapshots that measure the units' gradients.
    unit_budget: Budget,
    /// Timed snapshots (a run's last one, and a single step's, are always taken).
    snapshot_budget: Budget,
    /// While the walk view is open: the weight its walks work by hand. A walk comes with each
    /// snapshot then, and never otherwise.
    walking: Option<WalkFocus>,
    shutdown: bool,
}

impl Worker {
    pub(super) fn new(
        spec: DataSpec,
        splits: Splits,
        pace: Pace,
        inbox: Receiver<Command>,
        outbox: Sender<Event>,
    ) -> Self {
        let now = Instant::now();
        Worker {
            original: Loaded::new(spec.clone(), splits.clone()),
            current: Loaded::new(spec, splits),
            inbox,
            outbox,
            cpu: None,
            gpu: None,
            pace,
            active: None,
            first: None,
            next_id: 1,
            pending: Vec::new(),
            flushed: now,
            snapshot_at: now,
            read_back: ReadBackBatch::new(BATCH_TIME),
            sweeping: None,
            finding: None,
            racing: None,
            slice_budget: Budget::new(SLICE_SHARE),
            valley: Arc::default(),
            unit_budget: Budget::new(UNIT_SHARE),
            snapshot_budget: Budget::new(SNAPSHOT_SHARE),
            walking: None,
            shutdown: false,
        }
    }

    pub(super) fn emit(&self, event: Event) {
        // The UI has gone away only when it is shutting down.
        let _ = self.outbox.send(event);
    }

    /// Whether there is an active run in one of `states`.
    fn is(&self, states: &[RunState]) -> bool {
        self.active
            .as_ref()
            .is_some_and(|a| states.contains(&a.state))
    }

    fn set_state(&mut self, state: RunState) {
        if let Some(active) = &mut self.active {
            active.state = state.clone();
            let run = active.id;
            self.flush();
            self.emit(Event::State { run, state });
        }
    }

    fn flush(&mut self) {
        if let Some(active) = &self.active
            && !self.pending.is_empty()
        {
            let metrics = std::mem::take(&mut self.pending);
            self.emit(Event::Epochs {
                run: active.id,
                metrics,
            });
        }
        self.flushed = Instant::now();
    }

    /// Sends the coefficients and the units' health (their gradients within a share of the
    /// training time), the step slice when its budget allows, and on two-feature data the
    /// decision boundary and the per-unit maps.
    fn snapshot(&mut self) {
        self.snapshot_at = Instant::now();
        let Some(active) = &self.active else { return };
        let grads = self.unit_budget.due();
        let started = Instant::now();
        let plane = self.current.plane.as_ref();
        let taken = catch_unwind(AssertUnwindSafe(|| {
            super::snapshot::take(&active.run, plane, grads)
        }));
        let taken = match taken {
            Ok(Ok(observation)) => Some(observation),
            _ => None,
        };
        // The look's own cost: the step slice below keeps its own budget.
        self.snapshot_budget.spent(started.elapsed());
        if grads {
            self.unit_budget.spent(started.elapsed());
        }
        let id = active.id;
        if let Some(observation) = taken {
            let health = observation.snapshot.health;
            self.emit(Event::Snapshot {
                run: id,
                snapshot: observation.snapshot,
            });
            if let Some((map, maps)) = observation.boundary {
                self.emit(Event::Boundary { run: id, map });
                self.emit(Event::UnitMaps { run: id, maps });
            }
            self.explain(|explainer, run| explainer.health(run, &health));
        }
        let Some(active) = &self.active else { return };
        if self.slice_budget.due() {
            let started = Instant::now();
            let sliced = catch_unwind(AssertUnwindSafe(|| active.run.step_slice()));
            self.slice_budget.spent(started.elapsed());
            if let Ok(Ok(slice)) = sliced {
                self.emit(Event::Slice { run: id, slice });
            }
        }
        if self.walking.is_some() {
            let started = Instant::now();
            self.walk();
            self.snapshot_budget.spent(started.elapsed());
        }
    }

    /// Sends the events `find` finds in the active run, each explained, after the epochs
    /// they are of; the finder's valley is part of the evidence once it is known.
    fn explain(&mut self, find: impl FnOnce(&mut Explainer, &Run) -> Vec<TrainingEvent>) {
        let valley = self.valley.lock().ok().and_then(|found| *found);
        let Some(active) = &mut self.active else {
            return;
        };
        if let Some((_, valley)) = valley.filter(|&(run, _)| run == active.id) {
            active.explainer.set_valley(Some(valley));
        }
        let events = catch_unwind(AssertUnwindSafe(|| {
            find(&mut active.explainer, &active.run)
        }))
        .unwrap_or_default();
        if !events.is_empty() {
            let run = active.id;
            self.flush();
            self.emit(Event::Training { run, events });
        }
    }

    /// A snapshot that measures the units' gradients whatever the budget: one that stays on
    /// screen (the run's end, a single step).
    fn snapshot_measured(&mut self) {
        self.unit_budget = Budget::new(UNIT_SHARE);
        self.snapshot();
    }

    /// Trains `epochs` epochs of the active run (fewer if the run ends first), read back
    /// together.
    fn train(&mut self, epochs: usize) {
        let Some(active) = &mut self.active else {
            return;
        };
        // Only a full batch at pace max says how long such batches take.
        let timed = self.pace == Pace::Max && epochs == self.read_back.get();
        let total = active.settings.epochs.get();
        let epochs = epochs.min(total.saturating_sub(active.run.epoch()));
        active.explainer.mark(&active.run);
        let started = Instant::now();
        let stepped = catch_unwind(AssertUnwindSafe(|| active.run.steps(epochs.max(1))));
        let failure = match stepped {
            Ok(Ok(metrics)) => {
                if timed {
                    self.read_back.record(started.elapsed());
                }
                let finished = active.run.epoch() >= total;
                let diverged = metrics.iter().any(|m| !m.train_loss.is_finite());
                self.pending.extend(metrics.iter().cloned());
                self.explain(|explainer, run| explainer.epochs(run, &metrics));
                if finished || diverged {
                    // A non-finite loss stays non-finite: nothing more to watch.
                    self.snapshot_measured();
                    self.set_state(RunState::Finished);
                } else if self.snapshot_at.elapsed() >= SNAPSHOT_EVERY && self.snapshot_budget.due()
                {
                    self.snapshot();
                }
                None
            }
            Ok(Err(error)) => Some(error.to_string()),
            Err(payload) => Some(panic_text(payload.as_ref())),
        };
        if let Some(message) = failure {
            self.set_state(RunState::Failed(message));
            self.active = None;
        } else if self.flushed.elapsed() >= FLUSH_EVERY {
            self.flush();
        }
    }

    /// Handles `command`; a panic in it (burn panics rather than failing on some device
    /// errors) fails the run instead of the thread.
    fn obey(&mut self, command: Command) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.handle(command))) {
            let message = panic_text(payload.as_ref());
            if self.active.is_some() {
                self.set_state(RunState::Failed(message));
                self.active = None;
            } else {
                self.emit(Event::Error(message));
            }
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Pause => {
                if self.is(&[RunState::Running]) {
                    self.set_state(RunState::Paused);
                }
            }
            Command::Resume => {
                if let Some(active) = &mut self.active {
                    active.due = Instant::now();
                    if active.state == RunState::Paused {
                        self.set_state(RunState::Running);
                    }
                }
            }
            Command::Step => {
                if self.is(&[RunState::Running, RunState::Paused]) {
                    self.set_state(RunState::Paused);
                    self.train(1);
                    self.flush();
                    self.snapshot_measured();
                }
            }
            Command::Stop => {
                if self.is(&[RunState::Running, RunState::Paused]) {
                    self.set_state(RunState::Stopped);
                }
            }
            Command::SetLr(lr) => self.set_lr(lr),
            Command::SetPace(pace) => {
                self.pace = pace;
                if let Some(active) = &mut self.active {
                    active.due = Instant::now();
                }
            }
            Command::Restart(settings) => self.start(settings, None),
            Command::EvaluateTest => self.evaluate_test(),
            Command::Sweep(spec) => self.sweep(spec),
            Command::CancelSweep => {
                if let Some(job) = &self.sweeping {
                    job.cancel();
                }
            }
            Command::ExportWeights => self.export_weights(),
            Command::FindLr(spec) => self.find_lr(spec),
            Command::CancelFinder => {
                if let Some(job) = &self.finding {
                    job.cancel();
                }
            }
            Command::Race(race) => self.race(&race),
            Command::CancelRace => {
                if let Some(job) = &self.racing {
                    job.cancel();
                }
            }
            Command::Walk(focus) => {
                self.walking = Some(focus);
                self.walk();
            }
            Command::WalkAt {
                focus,
                epoch,
                lr,
                weights,
            } => {
                self.walking = None;
                self.walk_at(focus, Some((&weights, epoch, lr)));
            }
            Command::EndWalk => self.walking = None,
            Command::Shutdown => {
                self.cancel_jobs();
                self.shutdown = true;
            }
        }
    }

    fn set_lr(&mut self, lr: f64) {
        let Some(active) = &mut self.active else {
            return;
        };
        let Ok(checked) = crate::settings::LearningRate::new(lr) else {
            return;
        };
        active.run.lr = lr;
        active.settings.lr = checked;
        let (run, epoch) = (active.id, active.run.epoch());
        self.flush();
        self.emit(Event::LrChanged { run, epoch, lr });
    }

    fn evaluate_test(&mut self) {
        let Some(active) = &self.active else { return };
        match active.run.evaluate(Split::Test) {
            Ok(Some(evaluation)) => self.emit(Event::TestEvaluated {
                run: active.id,
                epoch: active.run.epoch(),
                evaluation,
            }),
            Ok(None) => self.emit(Event::Notice(
                "no test split: start with --test-frac 0.2 or --test FILE".into(),
            )),
            Err(error) => self.emit(Event::Error(error.to_string())),
        }
    }

    /// Sends the current coefficients and, when an earlier epoch was the best on the
    /// validation rows, that epoch's too.
    fn export_weights(&mut self) {
        let Some(active) = &self.active else { return };
        let (run, epoch) = (active.id, active.run.epoch());
        let file = |weights: &Weights| weights.to_bytes().map_err(crate::error::Error::Weights);
        let current = active.run.weights().and_then(|w| file(&w));
        let best = active
            .explainer
            .best_valid()
            .filter(|best| best.epoch < epoch)
            .map(|best| {
                let weights = active.run.best_weights()?;
                weights
                    .map(|w| file(&w))
                    .transpose()
                    .map(|f| (best.epoch, f))
            })
            .transpose();
        match current {
            Ok(safetensors) => self.emit(Event::Weights {
                run,
                epoch,
                safetensors,
                best: false,
            }),
            Err(error) => self.emit(Event::Error(error.to_string())),
        }
        match best {
            Ok(Some((epoch, Some(safetensors)))) => self.emit(Event::Weights {
                run,
                epoch,
                safetensors,
                best: true,
            }),
            Ok(_) => {}
            Err(error) => self.emit(Event::Error(error.to_string())),
        }
    }

    /// Whether the active run should train an epoch now, or how long to wait.
    fn wait(&self) -> Option<Duration> {
        match &self.active {
            Some(active) if active.state == RunState::Running => {
                let now = Instant::now();
                (active.due > now).then(|| active.due - now)
            }
            _ => Some(IDLE_WAIT),
        }
    }

    pub(super) fn serve(&mut self) {
        while !self.shutdown {
            while let Ok(command) = self.inbox.try_recv() {
                self.obey(command);
            }
            if self.shutdown {
                break;
            }
            match self.wait() {
                None => {
                    let mut epochs = 1;
                    if let Some(active) = &mut self.active {
                        active.due = match self.pace {
                            Pace::Max => {
                                epochs = self.read_back.get();
                                Instant::now()
                            }
                            Pace::PerSecond(rate) => {
                                let rate = if active.run.epoch() < SLOW_START_EPOCHS {
                                    rate.min(SLOW_START_RATE)
                                } else {
                                    rate
                                };
                                // After a stall (the process suspended, a slow epoch), the
                                // pace goes on from now rather than catching up at full speed.
                                let next =
                                    active.due + Duration::from_secs_f64(1.0 / rate.max(1e-3));
                                let now = Instant::now();
                                next.max(now.checked_sub(CATCH_UP).unwrap_or(now))
                            }
                        };
                    }
                    self.train(epochs);
                }
                Some(wait) => {
                    self.flush();
                    match self.inbox.recv_timeout(wait.min(IDLE_WAIT)) {
                        Ok(command) => self.obey(command),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => self.shutdown = true,
                    }
                }
            }
        }
    }
}
