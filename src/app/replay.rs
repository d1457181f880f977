//! Replay: the chart cursor, and `b`, which plays the run back, move every panel to the epoch
//! chosen — the histograms, the network view with its unit maps and inspector, the decision
//! boundary, the dynamics view's step slice, the walk — from frames kept as snapshots come.
//! Frames are thinned as the loss history is (every other one dropped when full), within
//! [`REPLAY_BYTES`] for the current run: at most [`MAX_FRAMES`], fewer when a frame is large.

use super::dynamics::View;
use super::history::Thinned;
use super::keys::CursorMove;
use super::network::NetworkView;
use super::reported::Boundary;
use super::run::{RunView, WeightsView};
use super::{App, Effect};
use crate::report::dynamics::StepSlice;
use crate::report::plane::BoundaryMap;
use crate::report::snapshot::Snapshot;
use crate::report::units::UnitMap;
use crate::trainer::messages::Command;
use std::mem::{size_of, size_of_val};

/// Frames kept per run at most.
pub const MAX_FRAMES: usize = 1024;
/// The most the current run's frames may take together.
pub const REPLAY_BYTES: usize = 64 << 20;

/// What the panels showed at one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub snapshot: Snapshot,
    /// By hidden layer and unit: since which snapshot's epoch it was dead.
    pub dead_since: Vec<Vec<Option<usize>>>,
    /// The units' gradient norms measured last by then, and their epoch.
    pub grads: Option<(usize, Vec<Vec<f32>>)>,
    /// On two-feature data: P(class 1) over the plane (without its points: the live map's
    /// serve, they do not change) and the unit maps.
    pub boundary: Option<(BoundaryMap, Vec<UnitMap>)>,
    /// The step slice taken with the snapshot.
    pub slice: Option<StepSlice>,
}

impl Frame {
    /// The frame of `snapshot`, as `network` (the view after it) saw it.
    pub fn of(network: &NetworkView, snapshot: Snapshot) -> Self {
        Frame {
            dead_since: network.dead_since().to_vec(),
            grads: network.grads.clone(),
            snapshot,
            boundary: None,
            slice: None,
        }
    }

    /// The heap it takes, about (the vectors' contents).
    pub fn bytes(&self) -> usize {
        let floats = |v: &[f32]| size_of_val(v);
        let s = &self.snapshot;
        let weights: usize = s.weights.named().iter().map(|(_, v, _)| floats(v)).sum();
        let units: usize = s
            .units
            .iter()
            .map(|l| floats(&l.peak) + floats(&l.active) + l.grad_norm.as_deref().map_or(0, floats))
            .sum();
        let ranking: usize = s.ranking.iter().map(|r| size_of_val(r.as_slice())).sum();
        let dead: usize = self
            .dead_since
            .iter()
            .map(|l| size_of_val(l.as_slice()))
            .sum();
        let grads: usize = self
            .grads
            .iter()
            .flat_map(|(_, g)| g)
            .map(|l| floats(l))
            .sum();
        let boundary = self.boundary.as_ref().map_or(0, |(map, maps)| {
            floats(&map.probs) + maps.iter().map(|m| floats(&m.values)).sum::<usize>()
        });
        let slice = self
            .slice
            .as_ref()
            .map_or(0, |s| size_of_val(s.points.as_slice()));
        size_of::<Self>() + weights + units + ranking + dead + grads + boundary + slice
    }
}

/// A run's frames, thinned, within [`REPLAY_BYTES`].
#[derive(Debug, Clone, Default)]
pub struct Frames {
    kept: Thinned<Frame, MAX_FRAMES>,
    /// The largest frame seen (frames of a run are alike: the same shapes).
    largest: usize,
}

impl Frames {
    pub fn push(&mut self, frame: Frame) {
        // The last frame is whole by now (its boundary and slice come after its snapshot).
        let last = self.kept.points().last().map_or(0, |(_, f)| f.bytes());
        self.largest = self.largest.max(last).max(frame.bytes());
        let capacity = REPLAY_BYTES / self.largest.max(1);
        self.kept.push_within(frame.snapshot.epoch, frame, capacity);
    }

    /// The newest frame, for what comes after its snapshot.
    pub fn last_mut(&mut self) -> Option<&mut Frame> {
        self.kept.last_mut().map(|(_, frame)| frame)
    }

    /// The frame of `epoch`, or of the nearest epoch before it.
    pub fn at(&self, epoch: usize) -> Option<&Frame> {
        self.kept.at(epoch).map(|(_, frame)| frame)
    }

    pub fn len(&self) -> usize {
        self.kept.points().len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.points().is_empty()
    }

    /// The heap the frames take, about.
    pub fn bytes(&self) -> usize {
        self.kept.points().iter().map(|(_, f)| f.bytes()).sum()
    }

    pub fn clear(&mut self) {
        *self = Frames::default();
    }
}

/// The panels at the cursor's frame.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// The frame's epoch: the panels show the coefficients after it.
    pub epoch: usize,
    pub weights: WeightsView,
    pub network: Option<NetworkView>,
    pub boundary: Option<Boundary>,
    pub slice: Option<StepSlice>,
}

impl Replayed {
    fn of(run: &RunView, frame: &Frame, live: Option<&Boundary>) -> Self {
        let boundary = frame.boundary.as_ref().map(|(map, units)| Boundary {
            run: run.id(),
            epoch: frame.snapshot.epoch,
            map: BoundaryMap {
                points: live.map(|b| b.map.points.clone()).unwrap_or_default(),
                ..map.clone()
            },
            units: units.clone(),
        });
        Replayed {
            epoch: frame.snapshot.epoch,
            weights: WeightsView::from(&frame.snapshot),
            network: run.network.as_ref().map(|n| n.replayed(frame)),
            boundary,
            slice: frame.slice.clone(),
        }
    }
}

/// How often `b` moves the cursor on while it plays the run back.
pub const PLAY_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

impl App {
    /// The histograms' figures: the cursor's frame's, or the latest.
    pub(crate) fn shown_weights(&self) -> Option<&WeightsView> {
        match &self.screen.replay {
            Some(replay) => Some(&replay.weights),
            None => self.current()?.weights.as_ref(),
        }
    }

    /// The network view's: the cursor's frame's, or the latest.
    pub(crate) fn shown_network(&self) -> Option<&NetworkView> {
        match &self.screen.replay {
            Some(replay) => replay.network.as_ref(),
            None => self.current()?.network.as_ref(),
        }
    }

    /// The decision boundary and unit maps: the cursor's frame's, or the latest.
    pub(crate) fn shown_boundary(&self) -> Option<&Boundary> {
        match &self.screen.replay {
            Some(replay) => replay.boundary.as_ref(),
            None => self.reported.boundary.as_ref(),
        }
    }

    /// The step slice: the cursor's frame's, or the latest.
    pub(crate) fn shown_slice(&self) -> Option<&StepSlice> {
        match &self.screen.replay {
            Some(replay) => replay.slice.as_ref(),
            None => self.current()?.slice.as_ref(),
        }
    }

    /// What the trainer is asked to walk: the epoch after the cursor's frame (replay), or the
    /// live run's next.
    pub(crate) fn walk_command(&self) -> Command {
        let focus = self.walk_focus();
        let replayed = self.screen.replay.as_ref().zip(self.current());
        let frame = replayed.and_then(|(replay, run)| Some((run, run.frames.at(replay.epoch)?)));
        match frame {
            Some((run, frame)) => {
                let epoch = frame.snapshot.epoch + 1;
                Command::WalkAt {
                    focus,
                    epoch,
                    lr: run.lr_at(epoch),
                    weights: Box::new(frame.snapshot.weights.clone()),
                }
            }
            None => Command::Walk(focus),
        }
    }

    /// After the cursor moved: the panels go to its frame (or back to the latest), and the
    /// walk view asks for that frame's walk.
    pub(super) fn sync_replay(&mut self) -> Vec<Effect> {
        let was = self.screen.replay.as_ref().map(|r| r.epoch);
        let frame = self
            .screen
            .chart
            .cursor
            .zip(self.current())
            .and_then(|(cursor, run)| Some((run, run.frames.at(cursor)?)));
        self.screen.replay = frame.map(|(run, frame)| {
            let live = self.reported.boundary.as_ref();
            Replayed::of(run, frame, live)
        });
        let now = self.screen.replay.as_ref().map(|r| r.epoch);
        if now == was || self.screen.view != View::Walk {
            return Vec::new();
        }
        vec![Effect::Send(self.walk_command())]
    }

    /// Whether `b` is playing the run back.
    pub fn playing(&self) -> bool {
        self.screen.chart.playing
    }

    /// `b`: plays the run back from the cursor (from the start when it is at the end or off),
    /// or stops.
    pub(super) fn toggle_play(&mut self) -> Vec<Effect> {
        if self.screen.chart.playing {
            self.screen.chart.playing = false;
            return Vec::new();
        }
        let Some(last) = self.last_epoch() else {
            self.screen.say("no run yet: nothing to play back");
            return Vec::new();
        };
        let chart = &mut self.screen.chart;
        if chart.cursor.is_none_or(|at| at >= last) {
            chart.cursor = Some(1);
        }
        chart.playing = true;
        self.screen
            .say("playing the run back: every panel follows the cursor (b stops, End drops it)");
        self.sync_replay()
    }

    /// One step of the play-back: the cursor on, every panel after it; it stops at the end.
    pub fn play_tick(&mut self) -> Vec<Effect> {
        let Some(last) = self.last_epoch().filter(|_| self.playing()) else {
            return Vec::new();
        };
        let chart = &mut self.screen.chart;
        chart.move_cursor(CursorMove::Forward, last);
        if chart.cursor.is_none_or(|at| at >= last) {
            chart.playing = false;
        }
        self.sync_replay()
    }
}

#[cfg(test)]
mod tests;
