//! What the trainer thread and the UI say to each other: plain data, no burn, no terminal.

pub use crate::model::dynamics::{StepSlice, StepStats};
pub use crate::model::events::{Detector, EventKind, TrainingEvent};
pub use crate::model::finder::{FinderSpec, FinderStep, Finding, Suggestions};
pub use crate::model::plane::BoundaryMap;
pub use crate::model::report::{
    EpochMetrics, Evaluation, HISTORY_HEADER, Health, Outcome, SATURATION, SweepPoint, diagnose,
    elapsed_ms, format_lr, history_row, stops_learning_at,
};
pub use crate::model::units::{LayerUnits, UnitMap};
pub use crate::settings::{Backend, Pace, Playground, RunSettings, SweepSpec};

/// Runs are numbered from 1 in the order they start.
pub type RunId = u64;

/// UI → trainer.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Pause,
    Resume,
    /// Train one epoch, then pause.
    Step,
    /// Stop the current run (it stays on screen).
    Stop,
    /// Change the learning rate of the running run from its next epoch on.
    SetLr(f64),
    SetPace(Pace),
    /// Start a new run with these settings (its data loaded or generated if it is not the
    /// current run's).
    Restart(RunSettings),
    /// Evaluate the current model on the test split.
    EvaluateTest,
    /// Train the current run's starting coefficients at each learning rate of the sweep, in
    /// parallel, beside the current run; answered by [`Event::Sweep`] events.
    Sweep(SweepSpec),
    /// Cancel the running sweep; answered by [`SweepEvent::Cancelled`].
    CancelSweep,
    /// Send the current coefficients as a safetensors file: [`Event::Weights`].
    ExportWeights,
    /// Run the learning-rate finder from the current run's starting coefficients, beside the
    /// run (or cancel the one running); answered by [`Event::Finder`] events.
    FindLr(FinderSpec),
    CancelFinder,
    /// End the thread.
    Shutdown,
}

/// What a run is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    Running,
    Paused,
    Finished,
    Stopped,
    Failed(String),
}

/// Facts about a run, sent when it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub id: RunId,
    /// What it trains with; the hidden sizes are always given.
    pub settings: RunSettings,
    /// The adapter's or CPU backend's name.
    pub device: String,
    pub data_name: String,
    pub train_rows: usize,
    pub valid_rows: usize,
    pub test_rows: usize,
    pub features: Vec<String>,
    /// Whether the run starts from the `--init` file's coefficients (a session file that
    /// replays it must name that file).
    pub from_init: bool,
}

/// One coefficient tensor's values.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    /// `wt_hidden`, `wt_output`, `bias_output`, ...
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// The coefficients at some epoch, sent at a limited rate for the histograms.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub epoch: usize,
    pub tensors: Vec<NamedTensor>,
    pub health: Health,
    /// Each hidden layer's units (the network view).
    pub units: Vec<LayerUnits>,
}

/// Trainer → UI.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "a run starts a few times a session; the frequent events are small"
)]
pub enum Event {
    /// Setting up a backend (a GPU can take seconds).
    Initializing(Backend),
    Started(RunInfo),
    /// Epochs trained since the last message, in order.
    Epochs {
        run: RunId,
        metrics: Vec<EpochMetrics>,
    },
    Snapshot {
        run: RunId,
        snapshot: Snapshot,
    },
    /// The learning rate changed after `epoch` epochs.
    LrChanged {
        run: RunId,
        epoch: usize,
        lr: f64,
    },
    TestEvaluated {
        run: RunId,
        epoch: usize,
        evaluation: Evaluation,
    },
    State {
        run: RunId,
        state: RunState,
    },
    /// P(class 1) over the plane of the two input features, sent with each snapshot when the
    /// data has exactly two features.
    Boundary {
        run: RunId,
        map: BoundaryMap,
    },
    /// What the hidden units that matter most respond to over the same plane, sent with the
    /// boundary.
    UnitMaps {
        run: RunId,
        maps: Vec<UnitMap>,
    },
    /// Run `run`'s coefficients after `epoch` epochs, as a safetensors file.
    Weights {
        run: RunId,
        epoch: usize,
        safetensors: Vec<u8>,
    },
    Sweep(SweepEvent),
    /// The training loss along the current step's direction, sent with snapshots within a
    /// bounded share of the training time.
    Slice {
        run: RunId,
        slice: StepSlice,
    },
    Finder(FinderEvent),
    /// Something to tell the user (the backend fell back, ...).
    Notice(String),
    /// Something went wrong outside a run (a GPU could not start, ...).
    Error(String),
}

/// How the learning-rate finder is going.
#[derive(Debug, Clone, PartialEq)]
pub enum FinderEvent {
    /// From the starting coefficients of run `run`.
    Started {
        run: RunId,
        spec: FinderSpec,
    },
    Step(FinderStep),
    /// Every rate tried, or the smoothed loss passed 4x its best.
    Done(Finding),
    Cancelled,
    Failed(String),
}

/// How a learning-rate sweep is going.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepEvent {
    /// The learning rates about to be tried, in increasing order, and the epochs of each,
    /// from the starting coefficients of run `run`.
    Started {
        run: RunId,
        lrs: Vec<f64>,
        epochs: usize,
    },
    /// One learning rate is done (points arrive in the order they finish).
    Point(SweepPoint),
    /// Every learning rate is done.
    Done,
    /// Cancelled: the rates that had not finished are left out.
    Cancelled,
    Failed(String),
}
