//! The trainer thread: runs epochs, obeys [`Command`]s, reports [`Event`]s. It knows nothing
//! of the terminal; the UI never waits on it.

pub mod messages;

use crate::data::{DataSpec, Splits};
use crate::error::Result;
use crate::model::device::{self, Backend, Compute};
use crate::model::network::{Coeffs, init_weights};
use crate::model::plane::{BoundaryMap, data_ranges};
use crate::model::weights::Weights;
use crate::model::{DeviceData, EpochMetrics, ReadBackBatch, Run, Split};
use crate::sweep::{self, SweepSpec};
use messages::{
    Command, Event, NamedTensor, Pace, Playground, RunId, RunInfo, RunState, Settings, Snapshot,
    SweepEvent,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Epoch metrics are sent in batches at most this often, so a fast trainer cannot flood the UI.
const FLUSH_EVERY: Duration = Duration::from_millis(16);
/// Weight snapshots (histograms, unit health) at most this often.
const SNAPSHOT_EVERY: Duration = Duration::from_millis(150);
/// At pace max, a batch of epochs (one read-back) takes about this long, so commands are
/// obeyed well within a frame or two.
const BATCH_TIME: Duration = Duration::from_millis(8);
/// How long an idle trainer sleeps between looks at its command queue.
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// The decision boundary's grid (columns, rows): enough for a panel of 96 × 32 cells.
const BOUNDARY_GRID: (usize, usize) = (96, 64);
/// The most training points drawn on the decision boundary.
const MAX_BOUNDARY_POINTS: usize = 1000;

/// The trainer thread's name (the panic hook tells its panics from the UI's by it).
pub const THREAD_NAME: &str = "trainer";

/// The UI's handle on the trainer thread. Dropping it stops the thread.
pub struct Trainer {
    commands: Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl Trainer {
    /// Starts the thread, which begins training `first` at once: from `weights` when given,
    /// else from coefficients drawn with the settings' seed. `splits` is the data `spec`
    /// loaded; a run whose settings name a generated 2-D set trains on that instead.
    pub fn spawn(
        spec: DataSpec,
        splits: Splits,
        first: Settings,
        weights: Option<Weights>,
    ) -> (Self, Receiver<Event>) {
        let (commands, inbox) = channel();
        let (outbox, events) = channel();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                let mut worker = Worker::new(spec, splits, inbox, outbox);
                let started = catch_unwind(AssertUnwindSafe(|| worker.start(first, weights)));
                if let Err(payload) = started {
                    worker.emit(Event::Error(panic_text(payload.as_ref())));
                }
                worker.serve();
            })
            .ok();
        if thread.is_none() {
            // Without a thread there is nothing to train with; say so on screen.
            let (outbox, failed) = channel();
            let _ = outbox.send(Event::Error("cannot start the trainer thread".into()));
            return (Trainer { commands, thread }, failed);
        }
        (Trainer { commands, thread }, events)
    }

    /// Sends a command; a stopped trainer ignores it.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }
}

impl Drop for Trainer {
    fn drop(&mut self) {
        self.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the decision boundary needs of two-feature data, worked out once per data set: the
/// grid to run the network on, and a map with everything but the predictions.
struct Plane {
    inputs: Vec<f32>,
    map: BoundaryMap,
}

impl Plane {
    /// `None` unless the data has exactly two features.
    fn of(splits: &Splits) -> Option<Plane> {
        let train = &splits.train;
        if train.n_features() != 2 {
            return None;
        }
        let (x_range, y_range) = data_ranges(train);
        let (cols, rows) = BOUNDARY_GRID;
        let stride = train.rows().div_ceil(MAX_BOUNDARY_POINTS).max(1);
        let points = (0..train.rows())
            .step_by(stride)
            .map(|i| (train.x[2 * i], train.x[2 * i + 1], train.y[i] > 0.5))
            .collect();
        Some(Plane {
            inputs: BoundaryMap::grid_inputs(cols, rows, x_range, y_range),
            map: BoundaryMap {
                cols,
                rows,
                probs: Vec::new(),
                x_range,
                y_range,
                points,
            },
        })
    }
}

/// The run being trained.
struct Active {
    id: RunId,
    run: Run,
    settings: Settings,
    state: RunState,
    /// The coefficients it started from (a sweep starts from them too).
    initial: Weights,
    /// When the next epoch is due (pace).
    due: Instant,
}

struct Worker {
    /// What the data the dashboard started with was loaded from.
    spec: DataSpec,
    /// That data.
    original: Splits,
    /// The data of the current run, and the generated set it is (`None`: the original).
    splits: Splits,
    dataset: Option<Playground>,
    /// The decision boundary's grid and points for `splits`, when it has two features.
    plane: Option<Plane>,
    inbox: Receiver<Command>,
    outbox: Sender<Event>,
    cpu: Option<Compute>,
    gpu: Option<Compute>,
    active: Option<Active>,
    /// The first run's seed and starting coefficients.
    first: Option<First>,
    next_id: RunId,
    pending: Vec<EpochMetrics>,
    flushed: Instant,
    snapshot_at: Instant,
    /// Epochs per read-back at pace max.
    read_back: ReadBackBatch,
    /// The latest learning-rate sweep (its thread is never waited for).
    sweeping: Option<Arc<SweepFlags>>,
    shutdown: bool,
}

/// The first run's start, which later runs with its seed and shape start from too.
struct First {
    seed: u64,
    weights: Weights,
    /// The coefficients are the `--init` file's.
    from_init: bool,
}

/// Shared by the trainer and a sweep's thread.
#[derive(Default)]
struct SweepFlags {
    /// Set by the trainer: stop training and report what finished.
    stop: AtomicBool,
    /// Set by the sweep's thread just before it sends its last event.
    ended: AtomicBool,
}

/// Text of a panic payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the trainer panicked".into())
}

impl Worker {
    fn new(
        spec: DataSpec,
        splits: Splits,
        inbox: Receiver<Command>,
        outbox: Sender<Event>,
    ) -> Self {
        let now = Instant::now();
        Worker {
            dataset: spec.dataset,
            spec,
            original: splits.clone(),
            plane: Plane::of(&splits),
            splits,
            inbox,
            outbox,
            cpu: None,
            gpu: None,
            active: None,
            first: None,
            next_id: 1,
            pending: Vec::new(),
            flushed: now,
            snapshot_at: now,
            read_back: ReadBackBatch::new(BATCH_TIME),
            sweeping: None,
            shutdown: false,
        }
    }

    fn emit(&self, event: Event) {
        // The UI has gone away only when it is shutting down.
        let _ = self.outbox.send(event);
    }

    fn compute(&mut self, backend: Backend) -> Result<Compute> {
        let slot = match backend {
            Backend::Cpu => &mut self.cpu,
            Backend::Wgpu => &mut self.gpu,
        };
        if let Some(compute) = slot {
            return Ok(compute.clone());
        }
        if backend == Backend::Wgpu {
            let _ = self.outbox.send(Event::Initializing(backend));
        }
        let compute = device::init(backend)?;
        *slot = Some(compute.clone());
        Ok(compute)
    }

    /// The data for a run on `dataset`: generated as the start-up data's spec says (points,
    /// noise, split), or the start-up data itself.
    fn data_for(&self, dataset: Option<Playground>) -> Result<Splits> {
        if dataset == self.spec.dataset {
            return Ok(self.original.clone());
        }
        match dataset {
            None => Ok(self.original.clone()),
            Some(kind) => crate::data::load(&DataSpec {
                dataset: Some(kind),
                data: None,
                target: None,
                valid: None,
                test: None,
                ..self.spec.clone()
            }),
        }
    }

    /// Starts a new run with `settings`, replacing the current one.
    fn start(&mut self, settings: Settings, weights: Option<Weights>) {
        self.flush();
        if settings.dataset != self.dataset {
            match self.data_for(settings.dataset) {
                Ok(splits) => {
                    self.plane = Plane::of(&splits);
                    self.splits = splits;
                    self.dataset = settings.dataset;
                }
                Err(error) => {
                    self.emit(Event::Error(format!("{error}; the current run goes on")));
                    return;
                }
            }
        }
        let compute = match self.compute(settings.backend) {
            Ok(compute) => compute,
            Err(error) if self.active.is_none() && settings.backend != Backend::Cpu => {
                // Nothing to watch otherwise: the CPU backend always works.
                self.emit(Event::Error(format!(
                    "{error}; training on the CPU instead"
                )));
                let cpu = Settings {
                    backend: Backend::Cpu,
                    ..settings
                };
                return self.start(cpu, weights);
            }
            Err(error) => {
                self.emit(Event::Error(format!("{error}; the current run goes on")));
                return;
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        // A restart with the first run's seed and shape starts from the same coefficients,
        // those of --init included. Only the first run is given weights: --init's.
        let given = weights.is_some();
        let reused = self.first.as_ref().filter(|first| {
            first.seed == settings.seed
                && first.weights.hidden_sizes() == settings.hidden
                && first.weights.n_inputs() == self.splits.features().len()
        });
        let from_init = given || reused.is_some_and(|first| first.from_init);
        let weights = weights.or_else(|| reused.map(|first| first.weights.clone()));
        let n_inputs = self.splits.features().len();
        let built = catch_unwind(AssertUnwindSafe(|| {
            let weights =
                weights.unwrap_or_else(|| init_weights(n_inputs, &settings.hidden, settings.seed));
            let coeffs = Coeffs::from_weights(&weights, &compute.device);
            let data = DeviceData::new(&self.splits, &compute.device);
            let mut run = Run::new(coeffs, data, settings.lr);
            run.batch_size = settings.batch_size;
            (run, weights)
        }));
        let hidden = match &built {
            Ok((_, weights)) => weights.hidden_sizes(),
            Err(_) => settings.hidden.clone(),
        };
        let settings = Settings { hidden, ..settings };
        self.emit(Event::Started(RunInfo {
            id,
            settings: settings.clone(),
            device: compute.name.clone(),
            data_name: self.splits.name.clone(),
            train_rows: self.splits.train.rows(),
            valid_rows: self.splits.valid.rows(),
            test_rows: self.splits.test.rows(),
            features: self.splits.features().to_vec(),
            from_init,
        }));
        match built {
            Ok((run, weights)) => {
                self.first.get_or_insert_with(|| First {
                    seed: settings.seed,
                    weights: weights.clone(),
                    from_init: given,
                });
                self.read_back = ReadBackBatch::new(BATCH_TIME);
                self.active = Some(Active {
                    id,
                    run,
                    settings,
                    state: RunState::Running,
                    initial: weights,
                    due: Instant::now(),
                });
                self.set_state(RunState::Running);
                self.snapshot();
            }
            Err(payload) => {
                self.active = None;
                let state = RunState::Failed(panic_text(payload.as_ref()));
                self.emit(Event::State { run: id, state });
            }
        }
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
            let _ = self.outbox.send(Event::Epochs {
                run: active.id,
                metrics,
            });
        }
        self.flushed = Instant::now();
    }

    fn snapshot(&mut self) {
        let Some(active) = &self.active else { return };
        let taken = catch_unwind(AssertUnwindSafe(|| {
            Ok::<_, crate::error::Error>((active.run.weights()?, active.run.health()?))
        }));
        self.snapshot_at = Instant::now();
        if let Ok(Ok((weights, health))) = taken {
            let tensors = weights
                .named()
                .into_iter()
                .map(|(name, values, shape)| NamedTensor {
                    name,
                    shape,
                    values: values.to_vec(),
                })
                .collect();
            let snapshot = Snapshot {
                epoch: active.run.epoch(),
                tensors,
                health,
            };
            let run = active.id;
            self.emit(Event::Snapshot { run, snapshot });
        }
        self.boundary();
    }

    /// Sends the network's P(class 1) over the plane of the two input features, if the data
    /// has exactly two.
    fn boundary(&self) {
        let (Some(active), Some(plane)) = (&self.active, &self.plane) else {
            return;
        };
        let predicted = catch_unwind(AssertUnwindSafe(|| active.run.predict(&plane.inputs)));
        if let Ok(Ok(probs)) = predicted {
            let map = BoundaryMap {
                probs,
                ..plane.map.clone()
            };
            self.emit(Event::Boundary {
                run: active.id,
                map,
            });
        }
    }

    /// Trains `epochs` epochs of the active run (fewer if the run ends first), read back
    /// together.
    fn train(&mut self, epochs: usize) {
        let Some(active) = &mut self.active else {
            return;
        };
        // Only a full batch at pace max says how long such batches take.
        let timed = active.settings.pace == Pace::Max && epochs == self.read_back.get();
        let epochs = epochs.min(active.settings.epochs.saturating_sub(active.run.epoch()));
        let started = Instant::now();
        let stepped = catch_unwind(AssertUnwindSafe(|| active.run.steps(epochs.max(1))));
        let failure = match stepped {
            Ok(Ok(metrics)) => {
                if timed {
                    self.read_back.record(started.elapsed());
                }
                let finished = active.run.epoch() >= active.settings.epochs;
                let diverged = metrics.iter().any(|m| !m.train_loss.is_finite());
                self.pending.extend(metrics);
                if finished || diverged {
                    // A non-finite loss stays non-finite: nothing more to watch.
                    self.snapshot();
                    self.set_state(RunState::Finished);
                } else if self.snapshot_at.elapsed() >= SNAPSHOT_EVERY {
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
                    self.snapshot();
                }
            }
            Command::Stop => {
                if self.is(&[RunState::Running, RunState::Paused]) {
                    self.set_state(RunState::Stopped);
                }
            }
            Command::SetLr(lr) => {
                if let Some(active) = &mut self.active {
                    active.run.lr = lr;
                    active.settings.lr = lr;
                    let (run, epoch) = (active.id, active.run.epoch());
                    self.flush();
                    self.emit(Event::LrChanged { run, epoch, lr });
                }
            }
            Command::SetPace(pace) => {
                if let Some(active) = &mut self.active {
                    active.settings.pace = pace;
                    active.due = Instant::now();
                }
            }
            Command::Restart(settings) => self.start(settings, None),
            Command::EvaluateTest => self.evaluate_test(),
            Command::Sweep(spec) => self.sweep(spec),
            Command::CancelSweep => self.cancel_sweep(),
            Command::SaveWeights { dir } => self.save(&dir),
            Command::Shutdown => {
                self.cancel_sweep();
                self.shutdown = true;
            }
        }
    }

    /// Starts a learning-rate sweep from the active run's starting coefficients on its own
    /// threads, leaving a core to the active run; one sweep at a time.
    fn sweep(&mut self, spec: SweepSpec) {
        let Some(active) = &self.active else {
            self.emit(Event::Notice(
                "start a run first: a sweep starts from its coefficients".into(),
            ));
            return;
        };
        if self
            .sweeping
            .as_ref()
            .is_some_and(|flags| !flags.ended.load(Ordering::Acquire))
        {
            self.emit(Event::Notice("a sweep is already running".into()));
            return;
        }
        let (splits, weights) = (self.splits.clone(), active.initial.clone());
        let batch_size = active.settings.batch_size;
        let run = active.id;
        let outbox = self.outbox.clone();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1));
        let flags = Arc::new(SweepFlags::default());
        let shared = Arc::clone(&flags);
        let spawned = std::thread::Builder::new()
            .name(format!("{THREAD_NAME}-sweep"))
            .spawn(move || {
                let send = |event| {
                    let _ = outbox.send(Event::Sweep(event));
                };
                let lrs = spec.learning_rates();
                let total = lrs.len();
                send(SweepEvent::Started {
                    run,
                    lrs,
                    epochs: spec.epochs,
                });
                let mut done = 0;
                let swept = sweep::sweep(
                    &splits,
                    &weights,
                    batch_size,
                    &spec,
                    threads,
                    &shared.stop,
                    |point| {
                        done += 1;
                        send(SweepEvent::Point(point));
                    },
                );
                // Ended before it says so: a new sweep asked for after this event starts.
                shared.ended.store(true, Ordering::Release);
                send(match swept {
                    Ok(()) if done < total => SweepEvent::Cancelled,
                    Ok(()) => SweepEvent::Done,
                    Err(error) => SweepEvent::Failed(error.to_string()),
                });
            });
        match spawned {
            Ok(_) => self.sweeping = Some(flags),
            Err(error) => self.emit(Event::Error(format!("cannot start the sweep: {error}"))),
        }
    }

    /// Asks the running sweep to stop; its thread reports [`SweepEvent::Cancelled`].
    fn cancel_sweep(&mut self) {
        if let Some(flags) = &self.sweeping {
            flags.stop.store(true, Ordering::Relaxed);
        }
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

    fn save(&mut self, dir: &std::path::Path) {
        let Some(active) = &self.active else { return };
        let name = format!(
            "nnfs-run{}-epoch{}.safetensors",
            active.id,
            active.run.epoch()
        );
        let path = &dir.join(name);
        let written = active.run.weights().and_then(|weights| {
            let bytes = weights.to_bytes().map_err(crate::error::Error::Weights)?;
            std::fs::write(path, bytes).map_err(|source| crate::error::Error::Write {
                path: path.to_path_buf(),
                source,
            })
        });
        match written {
            Ok(()) => self.emit(Event::Notice(format!(
                "saved weights to {}",
                path.display()
            ))),
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

    fn serve(&mut self) {
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
                        active.due = match active.settings.pace {
                            Pace::Max => {
                                epochs = self.read_back.get();
                                Instant::now()
                            }
                            Pace::PerSecond(rate) => {
                                active.due + Duration::from_secs_f64(1.0 / rate.max(1e-3))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataSpec;

    fn settings(epochs: usize, pace: Pace) -> Settings {
        Settings {
            lr: 1.4,
            hidden: vec![8],
            epochs,
            seed: 442,
            backend: Backend::Cpu,
            pace,
            batch_size: None,
            dataset: None,
        }
    }

    fn spawn(settings: Settings) -> (Trainer, Receiver<Event>) {
        let splits = crate::data::load(&DataSpec::default()).unwrap();
        Trainer::spawn(DataSpec::default(), splits, settings, None)
    }

    /// Events until one matches `done` (included); fails after 30 s.
    fn until(events: &Receiver<Event>, done: impl Fn(&Event) -> bool) -> Vec<Event> {
        let mut seen = Vec::new();
        loop {
            match events.recv_timeout(Duration::from_secs(30)) {
                Ok(event) => {
                    let last = done(&event);
                    seen.push(event);
                    if last {
                        return seen;
                    }
                }
                Err(error) => panic!("{error}; events so far: {seen:?}"),
            }
        }
    }

    fn epochs(events: &[Event]) -> Vec<usize> {
        events
            .iter()
            .flat_map(|e| match e {
                Event::Epochs { metrics, .. } => metrics.iter().map(|m| m.epoch).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    fn is_state(state: RunState) -> impl Fn(&Event) -> bool {
        move |e| matches!(e, Event::State { state: s, .. } if *s == state)
    }

    #[test]
    fn a_run_reports_every_epoch_in_order_then_finishes() {
        let (_trainer, events) = spawn(settings(200, Pace::Max));
        let seen = until(&events, is_state(RunState::Finished));
        assert!(matches!(&seen[0], Event::Started(info) if info.id == 1 && info.train_rows == 713));
        assert_eq!(epochs(&seen), (1..=200).collect::<Vec<_>>());
        // Batched: far fewer messages than epochs.
        let batches = seen
            .iter()
            .filter(|e| matches!(e, Event::Epochs { .. }))
            .count();
        assert!(batches < 200, "{batches} batches");
        assert!(seen.iter().any(|e| matches!(e, Event::Snapshot { .. })));
    }

    #[test]
    fn pause_step_and_live_lr() {
        let (trainer, events) = spawn(settings(1000, Pace::PerSecond(2.0)));
        trainer.send(Command::Pause);
        let before = until(&events, is_state(RunState::Paused));
        let done = epochs(&before).len();
        trainer.send(Command::Step);
        trainer.send(Command::SetLr(20.0));
        let after = until(&events, |e| matches!(e, Event::LrChanged { .. }));
        assert_eq!(epochs(&after), vec![done + 1], "one step, then paused");
        assert!(after.iter().any(|e| matches!(
            e,
            Event::LrChanged { epoch, lr, .. } if *epoch == done + 1 && *lr == 20.0
        )));
        trainer.send(Command::EvaluateTest);
        let told = until(&events, |e| matches!(e, Event::Notice(_)));
        assert!(matches!(told.last(), Some(Event::Notice(n)) if n.starts_with("no test split")));
    }

    #[test]
    fn restart_starts_a_new_run_with_the_new_shape() {
        let (trainer, events) = spawn(settings(1000, Pace::PerSecond(5.0)));
        until(&events, |e| matches!(e, Event::Started(_)));
        trainer.send(Command::Restart(Settings {
            hidden: vec![4, 3],
            ..settings(5, Pace::Max)
        }));
        let seen = until(&events, is_state(RunState::Finished));
        let started = seen.iter().find_map(|e| match e {
            Event::Started(info) => Some(info.clone()),
            _ => None,
        });
        let started = started.unwrap();
        assert_eq!((started.id, started.settings.hidden), (2, vec![4, 3]));
        let run_two: Vec<usize> = seen
            .iter()
            .flat_map(|e| match e {
                Event::Epochs { run: 2, metrics } => metrics.iter().map(|m| m.epoch).collect(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(run_two, [1, 2, 3, 4, 5]);
    }

    /// Runs with the first run's seed and shape start from its --init coefficients, and say so.
    #[test]
    fn runs_that_start_from_init_say_so() {
        let splits = crate::data::load(&DataSpec::default()).unwrap();
        let init = init_weights(splits.features().len(), &[20], 7);
        let first = Settings {
            hidden: vec![20],
            ..settings(1000, Pace::PerSecond(5.0))
        };
        let (trainer, events) =
            Trainer::spawn(DataSpec::default(), splits, first.clone(), Some(init));
        let mut from_init = Vec::new();
        for next in [
            None,
            Some(Settings {
                lr: 3.0,
                ..first.clone()
            }),
            Some(Settings {
                hidden: vec![7],
                ..first.clone()
            }),
            Some(first.clone()),
            Some(Settings {
                seed: 1,
                ..first.clone()
            }),
        ] {
            if let Some(settings) = next {
                trainer.send(Command::Restart(settings));
            }
            let seen = until(&events, |e| matches!(e, Event::Started(_)));
            if let Some(Event::Started(info)) = seen.last() {
                from_init.push(info.from_init);
            }
        }
        assert_eq!(from_init, [true, true, false, true, false]);
    }

    #[test]
    fn a_run_on_a_generated_set_sends_its_decision_boundary() {
        let spec = DataSpec {
            dataset: Some(Playground::Circle),
            ..DataSpec::default()
        };
        let splits = crate::data::load(&spec).unwrap();
        let first = Settings {
            dataset: Some(Playground::Circle),
            ..settings(50, Pace::Max)
        };
        let (trainer, events) = Trainer::spawn(spec, splits, first.clone(), None);
        let seen = until(&events, |e| matches!(e, Event::Boundary { .. }));
        let Some(Event::Boundary { run, map }) = seen.last() else {
            unreachable!()
        };
        assert_eq!(*run, 1);
        assert_eq!(map.probs.len(), map.cols * map.rows);
        assert!(map.probs.iter().all(|p| (0.0..=1.0).contains(p)));
        assert_eq!(
            map.points.len(),
            320,
            "every training point of 400 less 20%"
        );
        // Switching the data set in the form regenerates the data.
        trainer.send(Command::Restart(Settings {
            dataset: Some(Playground::Xor),
            ..first
        }));
        let seen = until(
            &events,
            |e| matches!(e, Event::Started(info) if info.id == 2),
        );
        let Some(Event::Started(info)) = seen.last() else {
            unreachable!()
        };
        assert_eq!((info.data_name.as_str(), info.features.len()), ("xor", 2));
        // And back to the data the dashboard started with.
        trainer.send(Command::Restart(Settings {
            dataset: None,
            ..settings(5, Pace::Max)
        }));
        let seen = until(
            &events,
            |e| matches!(e, Event::Started(info) if info.id == 3),
        );
        assert!(matches!(seen.last(), Some(Event::Started(info)) if info.data_name == "circle"));
    }

    #[test]
    fn a_sweep_reports_every_rate_then_done() {
        let (trainer, events) = spawn(settings(1000, Pace::PerSecond(5.0)));
        until(&events, |e| matches!(e, Event::Started(_)));
        let spec = SweepSpec {
            from: 0.1,
            to: 100.0,
            steps: 4,
            epochs: 20,
        };
        trainer.send(Command::Sweep(spec));
        let seen = until(&events, |e| matches!(e, Event::Sweep(SweepEvent::Done)));
        let sweep: Vec<&SweepEvent> = seen
            .iter()
            .filter_map(|e| match e {
                Event::Sweep(s) => Some(s),
                _ => None,
            })
            .collect();
        assert!(matches!(sweep[0], SweepEvent::Started { lrs, epochs: 20, .. } if lrs.len() == 4));
        let mut lrs: Vec<f64> = sweep
            .iter()
            .filter_map(|s| match s {
                SweepEvent::Point(p) => Some(p.lr),
                _ => None,
            })
            .collect();
        lrs.sort_by(f64::total_cmp);
        assert_eq!(lrs, spec.learning_rates());
    }

    #[test]
    fn a_cancelled_sweep_ends_early_and_says_so() {
        let (trainer, events) = spawn(settings(1000, Pace::PerSecond(5.0)));
        until(&events, |e| matches!(e, Event::Started(_)));
        let spec = SweepSpec {
            from: 0.01,
            to: 0.1,
            steps: 6,
            epochs: 100_000,
        };
        trainer.send(Command::Sweep(spec));
        until(&events, |e| {
            matches!(e, Event::Sweep(SweepEvent::Started { .. }))
        });
        trainer.send(Command::CancelSweep);
        let seen = until(&events, |e| {
            matches!(e, Event::Sweep(SweepEvent::Cancelled | SweepEvent::Done))
        });
        assert!(matches!(
            seen.last(),
            Some(Event::Sweep(SweepEvent::Cancelled))
        ));
        let points = seen
            .iter()
            .filter(|e| matches!(e, Event::Sweep(SweepEvent::Point(_))))
            .count();
        assert_eq!(points, 0, "no rate of 100000 epochs finished");
        // A new sweep can start at once.
        trainer.send(Command::Sweep(SweepSpec { epochs: 5, ..spec }));
        let seen = until(&events, |e| matches!(e, Event::Sweep(SweepEvent::Done)));
        assert!(
            !seen
                .iter()
                .any(|e| matches!(e, Event::Notice(text) if text.contains("already")))
        );
    }

    #[test]
    fn mini_batches_train_the_set_batch_size() {
        let (_trainer, events) = spawn(Settings {
            batch_size: Some(100),
            ..settings(30, Pace::Max)
        });
        let seen = until(&events, is_state(RunState::Finished));
        let losses: Vec<f32> = seen
            .iter()
            .flat_map(|e| match e {
                Event::Epochs { metrics, .. } => metrics.iter().map(|m| m.train_loss).collect(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(losses.len(), 30);
        assert!(losses[29] < losses[0] * 0.8, "{losses:?}");
    }

    #[test]
    fn saving_weights_writes_a_loadable_file() {
        let (trainer, events) = spawn(settings(3, Pace::Max));
        until(&events, is_state(RunState::Finished));
        let dir = tempfile::tempdir().unwrap();
        trainer.send(Command::SaveWeights {
            dir: dir.path().to_path_buf(),
        });
        let told = until(&events, |e| matches!(e, Event::Notice(_) | Event::Error(_)));
        assert!(matches!(told.last(), Some(Event::Notice(n)) if n.starts_with("saved weights")));
        let weights = Weights::load(&dir.path().join("nnfs-run1-epoch3.safetensors")).unwrap();
        assert_eq!(weights.hidden_sizes(), [8]);
        trainer.send(Command::SaveWeights {
            dir: dir.path().join("no/such/dir"),
        });
        let told = until(&events, |e| matches!(e, Event::Notice(_) | Event::Error(_)));
        assert!(matches!(told.last(), Some(Event::Error(e)) if e.starts_with("cannot write")));
    }
}
