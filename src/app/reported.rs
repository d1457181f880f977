//! What the trainer reported, kept for the screen: the runs (the last few, bounded), a
//! summary of every run, the newest run's decision boundary, the jobs beside the run, a
//! backend being set up. Changed only by [`Reported::on_event`], which says what the screen
//! should make of each event.

use super::dynamics::FinderView;
use super::jobs::{self, Change};
use super::network::NetworkView;
use super::race_view::RaceView;
use super::replay::Frame;
use super::run::{RunView, WeightsView};
use super::runs::{RunSummary, Summaries};
use super::sweep_view::SweepView;
use crate::report::events::TrainingEvent;
use crate::report::plane::BoundaryMap;
use crate::report::run::{RunId, RunInfo, RunState};
use crate::report::snapshot::Snapshot;
use crate::report::units::UnitMap;
use crate::settings::{Backend, RunSettings};
use crate::trainer::messages::Event;
use std::collections::VecDeque;

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
    /// Whether the decision boundary can be drawn: a plane of two coordinates.
    pub planar: bool,
}

impl From<&crate::data::Splits> for DataInfo {
    fn from(splits: &crate::data::Splits) -> Self {
        DataInfo {
            name: splits.name.clone(),
            train_rows: splits.train.rows(),
            valid_rows: splits.valid.rows(),
            test_rows: splits.test.rows(),
            features: splits.features().len(),
            planar: splits.is_planar(),
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
            planar: info.planar,
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

/// What an event means beyond what it changed in the store.
#[derive(Debug, Clone, PartialEq)]
pub enum News {
    Nothing,
    Say(String),
    Complain(String),
    /// A run started with these settings (the hidden sizes given).
    Started(RunSettings),
    /// What happened in run `run`'s training, oldest first.
    Training(RunId, Vec<TrainingEvent>),
    /// Run `run`'s coefficients after `epoch` epochs (with `best`, its best validation
    /// epoch), as a safetensors file.
    Weights {
        run: RunId,
        epoch: usize,
        safetensors: Vec<u8>,
        best: bool,
    },
    /// A sweep started: its panel is wanted.
    SweepStarted,
    /// A race started: its curves and panel are wanted.
    RaceStarted,
}

impl From<Option<Change>> for News {
    fn from(change: Option<Change>) -> Self {
        match change {
            Some(Change::Ended(text)) => News::Say(text),
            Some(Change::Failed(text)) => News::Complain(text),
            Some(Change::Started | Change::Progress) | None => News::Nothing,
        }
    }
}

/// Everything the trainer has reported that the screen shows.
#[derive(Debug, Clone)]
pub struct Reported {
    pub data: DataInfo,
    /// Oldest first; the last one is the current run.
    pub runs: VecDeque<RunView>,
    /// A backend being set up before the next run starts.
    pub initializing: Option<Backend>,
    /// The newest run's latest decision boundary (two-feature data only).
    pub boundary: Option<Boundary>,
    /// The latest learning-rate sweep.
    pub sweep: Option<SweepView>,
    /// The latest learning-rate finder (`F`).
    pub finder: Option<FinderView>,
    /// The latest race (`R`).
    pub race: Option<RaceView>,
    /// One line per run of the session (bounded), for the run table and `E`.
    pub summaries: Summaries,
}

impl Reported {
    pub fn new(data: DataInfo) -> Self {
        Reported {
            data,
            runs: VecDeque::with_capacity(MAX_RUNS),
            initializing: None,
            boundary: None,
            sweep: None,
            finder: None,
            race: None,
            summaries: Summaries::default(),
        }
    }

    /// The run being trained (or last trained).
    pub fn current(&self) -> Option<&RunView> {
        self.runs.back()
    }

    pub(super) fn current_mut(&mut self) -> Option<&mut RunView> {
        self.runs.back_mut()
    }

    pub(super) fn run_mut(&mut self, id: RunId) -> Option<&mut RunView> {
        self.runs.iter_mut().find(|r| r.id() == id)
    }

    /// Copies run `id`'s latest state into its summary.
    pub(super) fn sync_summary(&mut self, id: RunId) {
        if let Some(run) = self.runs.iter().find(|r| r.id() == id)
            && let Some(summary) = self.summaries.get_mut(id)
        {
            summary.update(run);
        }
    }

    /// Trainer → store. Events about runs no longer kept are ignored.
    pub fn on_event(&mut self, event: Event) -> News {
        match event {
            Event::Boundary { run, map } => self.on_boundary(run, map),
            Event::UnitMaps { run, maps } => self.on_unit_maps(run, maps),
            Event::Weights {
                run,
                epoch,
                safetensors,
                best,
            } => {
                return News::Weights {
                    run,
                    epoch,
                    safetensors,
                    best,
                };
            }
            Event::Training { run: id, events } => {
                if let Some(run) = self.run_mut(id) {
                    run.keep_events(&events);
                }
                return News::Training(id, events);
            }
            Event::Sweep(event) => {
                let change = jobs::follow(&mut self.sweep, event);
                if change == Some(Change::Started) {
                    return News::SweepStarted;
                }
                return change.into();
            }
            Event::Finder(event) => return jobs::follow(&mut self.finder, event).into(),
            Event::Race(event) => {
                let change = jobs::follow(&mut self.race, event);
                if change == Some(Change::Started) {
                    return News::RaceStarted;
                }
                return change.into();
            }
            Event::Initializing(backend) => self.initializing = Some(backend),
            Event::Started(info) => return self.on_started(info),
            Event::Epochs { run: id, metrics } => {
                if let Some(run) = self.run_mut(id) {
                    for m in &metrics {
                        run.push(m);
                    }
                    self.sync_summary(id);
                }
            }
            Event::Snapshot { run, snapshot } => self.on_snapshot(run, snapshot),
            Event::Slice { run: id, slice } => {
                if let Some(run) = self.run_mut(id) {
                    if let Some(frame) = run.frames.last_mut()
                        && frame.snapshot.epoch == slice.epoch
                    {
                        frame.slice = Some(slice.clone());
                    }
                    run.slice = Some(slice);
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
            Event::Walk { run: id, walk } => {
                if let Some(run) = self.run_mut(id) {
                    run.walk = Some(walk);
                }
            }
            Event::Notice(text) => return News::Say(text),
            Event::Error(text) => {
                self.initializing = None;
                return News::Complain(text);
            }
        }
        News::Nothing
    }

    /// A snapshot: the run's weights and network view after it, and its frame for replay.
    fn on_snapshot(&mut self, id: RunId, snapshot: Snapshot) {
        if let Some(run) = self.run_mut(id) {
            run.weights = Some(WeightsView::from(&snapshot));
            let network = NetworkView::observe(run.network.take(), snapshot.clone());
            run.frames.push(Frame::of(&network, snapshot));
            run.network = Some(network);
            self.sync_summary(id);
        }
    }

    /// The unit maps of the latest boundary, kept with its frame too.
    fn on_unit_maps(&mut self, run: RunId, maps: Vec<UnitMap>) {
        if let Some(frame) = self.run_mut(run).and_then(|r| r.frames.last_mut())
            && let Some((_, units)) = &mut frame.boundary
        {
            units.clone_from(&maps);
        }
        if let Some(boundary) = self.boundary.as_mut().filter(|b| b.run == run) {
            boundary.units = maps;
        }
    }

    fn on_boundary(&mut self, run: RunId, map: BoundaryMap) {
        let Some(current) = self.current().filter(|r| r.id() == run) else {
            return;
        };
        let epoch = current
            .weights
            .as_ref()
            .map_or_else(|| current.epoch(), |w| w.epoch);
        // The frame of the same snapshot keeps the map, without the points (they never change).
        if let Some(frame) = self.run_mut(run).and_then(|r| r.frames.last_mut())
            && frame.snapshot.epoch == epoch
        {
            let kept = BoundaryMap {
                points: Vec::new(),
                ..map.clone()
            };
            frame.boundary = Some((kept, Vec::new()));
        }
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

    fn on_started(&mut self, info: RunInfo) -> News {
        self.initializing = None;
        self.data = DataInfo::from(&info);
        // A new run replaces the trainer's current one.
        if let Some(previous) = self.runs.back_mut()
            && matches!(previous.state, RunState::Running | RunState::Paused)
        {
            previous.state = RunState::Stopped;
            let id = previous.id();
            self.sync_summary(id);
        }
        self.boundary = None;
        // The network view shows the current run: no earlier run's weights, nor frames.
        for run in &mut self.runs {
            run.network = None;
            run.frames.clear();
        }
        if self.runs.len() == MAX_RUNS {
            self.runs.pop_front();
        }
        let settings = info.settings.clone();
        self.summaries.push(RunSummary::new(&info));
        self.runs.push_back(RunView::new(info));
        News::Started(settings)
    }
}
