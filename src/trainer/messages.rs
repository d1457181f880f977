//! What the trainer thread and the UI say to each other: commands one way, events the other.
//! The events carry plain reports ([`crate::report`]); nothing here knows burn or the terminal.

use crate::report::dynamics::StepSlice;
use crate::report::epoch::{EpochMetrics, Evaluation};
use crate::report::events::TrainingEvent;
use crate::report::finder::{FinderStep, Finding};
use crate::report::plane::BoundaryMap;
use crate::report::race::{RaceFinish, RaceLap};
use crate::report::run::{RunId, RunInfo, RunState};
use crate::report::snapshot::Snapshot;
use crate::report::sweep::SweepPoint;
use crate::report::units::UnitMap;
use crate::report::walk::{Walk, WalkFocus};
use crate::report::weights::Weights;
use crate::settings::{Backend, FinderSpec, Pace, Race, RunSettings, SweepSpec};

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
    /// Train the race's variants of the current run from its starting coefficients, side by
    /// side beside the run; answered by [`Event::Race`] events.
    Race(Race),
    /// Cancel the running race; answered by [`JobEvent::Cancelled`].
    CancelRace,
    /// Walk the current run's next epoch through the tutorial's functions, `focus` worked by
    /// hand, now and with every snapshot after, until [`Command::EndWalk`]; answered by
    /// [`Event::Walk`].
    Walk(WalkFocus),
    /// Walk epoch `epoch` once, from `weights`, the coefficients a snapshot kept after
    /// `epoch − 1` epochs, at rate `lr` (replay); live walks stop until the next
    /// [`Command::Walk`].
    WalkAt {
        focus: WalkFocus,
        epoch: usize,
        lr: f64,
        weights: Box<Weights>,
    },
    /// No more walks: the walk view is closed.
    EndWalk,
    /// End the thread.
    Shutdown,
}

/// Trainer → UI.
#[derive(Debug, Clone, PartialEq)]
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
    /// With `best`, those of its best validation epoch.
    Weights {
        run: RunId,
        epoch: usize,
        safetensors: Vec<u8>,
        best: bool,
    },
    /// What happened in run `run`'s training, each event explained at its epoch.
    Training {
        run: RunId,
        events: Vec<TrainingEvent>,
    },
    Sweep(SweepEvent),
    /// The training loss along the current step's direction, sent with snapshots within a
    /// bounded share of the training time.
    Slice {
        run: RunId,
        slice: StepSlice,
    },
    Finder(FinderEvent),
    Race(RaceEvent),
    /// An epoch of run `run` walked through the tutorial's functions (boxed: the other events
    /// are small).
    Walk {
        run: RunId,
        walk: Box<Walk>,
    },
    /// Something to tell the user (the backend fell back, ...).
    Notice(String),
    /// Something went wrong outside a run (a GPU could not start, ...).
    Error(String),
}

/// How a job beside the run is going: a learning-rate sweep, the finder (and the next such
/// jobs). It starts from run `run`'s starting coefficients with its `plan`, reports its
/// progress a piece at a time, and ends once: done with what it found, cancelled (the pieces
/// that had finished stay), or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent<Plan, Piece, Found> {
    Started { run: RunId, plan: Plan },
    Progress(Piece),
    Done(Found),
    Cancelled,
    Failed(String),
}

/// A sweep's pieces are its rates' points, in the order they finish; done is every rate done.
pub type SweepEvent = JobEvent<SweepPlan, SweepPoint, ()>;

/// The finder's pieces are its steps; done is every rate tried, or the smoothed loss past 4×
/// its best.
pub type FinderEvent = JobEvent<FinderSpec, FinderStep, Finding>;

/// A race's pieces are its variants' laps, as they come; done is how each variant ended, in
/// the race's order.
pub type RaceEvent = JobEvent<RacePlan, RaceLap, Vec<RaceFinish>>;

/// The variants a race is about to train, as the legend names them, and the epochs of each.
#[derive(Debug, Clone, PartialEq)]
pub struct RacePlan {
    pub names: Vec<String>,
    pub epochs: usize,
}

/// The learning rates a sweep is about to try, in increasing order, and the epochs of each.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPlan {
    pub lrs: Vec<f64>,
    pub epochs: usize,
}
