//! What the dashboard knows about one training run, and what it concludes from it.

use super::dynamics::{MAX_EVENTS, StatsHistory};
use super::history::{History, Point};
use super::network::NetworkView;
use super::replay::Frames;
use super::weights::TensorStats;
use crate::report::dynamics::StepSlice;
use crate::report::epoch::{EpochMetrics, Evaluation};
use crate::report::events::TrainingEvent;
use crate::report::health::{Health, Outcome, diagnose};
use crate::report::run::{RunId, RunInfo, RunState};
use crate::report::snapshot::Snapshot;
use crate::report::walk::Walk;
use crate::report::weights::tensor_names;
use std::collections::VecDeque;

/// Live learning-rate changes remembered per run (older ones are dropped).
pub const MAX_LR_CHANGES: usize = 64;

/// The most important problem with a run, in priority order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Problem {
    /// The training loss became NaN or infinite at this epoch.
    Diverged { epoch: usize },
    /// Every prediction is ~0 or every one ~1: the gradient through the sigmoid vanished, so
    /// the loss freezes although the model has learnt nothing.
    Saturated,
    /// The latest loss is above the first epoch's.
    Diverging,
}

impl Problem {
    pub fn describe(self) -> String {
        match self {
            Problem::Diverged { epoch } => format!("DIVERGED at epoch {epoch}"),
            Problem::Saturated => "stalled: output saturated".into(),
            Problem::Diverging => "diverging".into(),
        }
    }
}

/// The latest coefficient snapshot, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightsView {
    pub epoch: usize,
    pub health: Health,
    pub tensors: Vec<TensorStats>,
}

impl From<&Snapshot> for WeightsView {
    fn from(snapshot: &Snapshot) -> Self {
        WeightsView {
            epoch: snapshot.epoch,
            health: snapshot.health,
            tensors: snapshot
                .weights
                .named()
                .into_iter()
                .map(|(name, values, shape)| TensorStats::new(name, shape, values))
                .collect(),
        }
    }
}

/// The dashboard's record of one run: what the trainer said about it, kept bounded.
#[derive(Debug, Clone)]
pub struct RunView {
    pub info: RunInfo,
    pub state: RunState,
    pub history: History,
    /// `(after this many epochs, new lr)`, oldest first.
    pub lr_changes: VecDeque<(usize, f64)>,
    pub weights: Option<WeightsView>,
    /// `(epoch, evaluation)` of the latest test-set evaluation.
    pub test: Option<(usize, Evaluation)>,
    first_train_loss: Option<f32>,
    first_non_finite: Option<usize>,
    last_finite_train_loss: Option<f32>,
    /// Gradient norms and update ratios by epoch (dynamics view).
    pub stats: StatsHistory,
    /// The latest step slice.
    pub slice: Option<StepSlice>,
    /// Its events, oldest first (bounded), each explained at its epoch by the trainer.
    pub events: VecDeque<TrainingEvent>,
    /// The epoch with the lowest validation loss so far, and that loss.
    pub best_valid: Option<(usize, f32)>,
    /// Whether the run was paused at its first event (`--pause-on-event`).
    pub paused_at_event: bool,
    /// Its units and weights at the latest snapshot, and the tensors' spread over time.
    pub network: Option<NetworkView>,
    /// Its latest walk through the tutorial's functions (while the walk view is open).
    pub walk: Option<Box<Walk>>,
    /// What its snapshots showed, for replay (the current run's only).
    pub frames: Frames,
    /// When the dashboard heard that it started: a GPU's first epoch waits for its kernels.
    pub started_at: std::time::Instant,
}

impl RunView {
    pub fn new(info: RunInfo) -> Self {
        RunView {
            info,
            state: RunState::Running,
            history: History::default(),
            lr_changes: VecDeque::new(),
            weights: None,
            test: None,
            first_train_loss: None,
            first_non_finite: None,
            last_finite_train_loss: None,
            stats: StatsHistory::default(),
            slice: None,
            events: VecDeque::new(),
            best_valid: None,
            paused_at_event: false,
            network: None,
            walk: None,
            frames: Frames::default(),
            started_at: std::time::Instant::now(),
        }
    }

    pub fn id(&self) -> RunId {
        self.info.id
    }

    /// Keeps an epoch's figures.
    pub fn push(&mut self, metrics: &EpochMetrics) {
        self.history.push(metrics);
        if let Some(stats) = &metrics.stats {
            self.stats.push(metrics.epoch, stats.clone());
        }
        // The first of equal losses stays the best, as the trainer's kept weights do.
        if metrics.valid_loss.is_finite()
            && self
                .best_valid
                .is_none_or(|(_, best)| metrics.valid_loss < best)
        {
            self.best_valid = Some((metrics.epoch, metrics.valid_loss));
        }
        let loss = metrics.train_loss;
        if self.first_train_loss.is_none() {
            self.first_train_loss = Some(loss);
        }
        if loss.is_finite() {
            self.last_finite_train_loss = Some(loss);
        } else if self.first_non_finite.is_none() {
            self.first_non_finite = Some(metrics.epoch);
        }
    }

    /// Keeps `events`, found by the trainer.
    pub fn keep_events(&mut self, events: &[TrainingEvent]) {
        for event in events {
            if self.events.len() == MAX_EVENTS {
                self.events.pop_front();
            }
            self.events.push_back(event.clone());
        }
    }

    /// Its coefficient tensors' names, in the order of its gradient statistics.
    pub fn tensor_names(&self) -> Vec<String> {
        let layers = self
            .info
            .settings
            .hidden
            .as_ref()
            .map_or(1, |h| h.sizes().len());
        tensor_names(layers)
    }

    /// The learning rate in force at `epoch`.
    pub fn lr_at(&self, epoch: usize) -> f64 {
        self.lr_changes
            .iter()
            .rev()
            .find(|&&(after, _)| after < epoch)
            .map_or(self.info.settings.lr.get(), |&(_, lr)| lr)
    }

    pub fn record_lr_change(&mut self, epoch: usize, lr: f64) {
        if self.lr_changes.len() == MAX_LR_CHANGES {
            self.lr_changes.pop_front();
        }
        self.lr_changes.push_back((epoch, lr));
    }

    pub fn last(&self) -> Option<&Point> {
        self.history.last()
    }

    /// The latest epoch trained (0 before the first).
    pub fn epoch(&self) -> usize {
        self.last().map_or(0, |p| p.epoch)
    }

    /// The learning rate now: the last live change, or the one the run started with.
    pub fn lr(&self) -> f64 {
        self.lr_changes
            .back()
            .map_or(self.info.settings.lr.get(), |&(_, lr)| lr)
    }

    /// Whether it is a GPU run waiting for its first epoch, whose kernels are compiled then.
    pub fn compiling(&self) -> bool {
        self.epoch() == 0
            && self.state == RunState::Running
            && self.info.settings.backend == crate::settings::Backend::Wgpu
    }

    /// The first epoch whose training loss was not finite.
    pub fn diverged_at(&self) -> Option<usize> {
        self.first_non_finite
    }

    /// What is wrong with the run so far, by the diagnosis the sweep makes too. A run that
    /// is still learning or has yet to move has no problem.
    pub fn problem(&self) -> Option<Problem> {
        if let Some(epoch) = self.first_non_finite {
            return Some(Problem::Diverged { epoch });
        }
        let first = self.first_train_loss.filter(|loss| loss.is_finite())?;
        let last = self.last_finite_train_loss?;
        let health = self.weights.as_ref().map(|w| &w.health);
        match diagnose(first, last, health) {
            Outcome::Diverged => Some(Problem::Diverging),
            Outcome::Stalled => Some(Problem::Saturated),
            Outcome::Dead | Outcome::Flat | Outcome::Learned => None,
        }
    }

    /// `(dead, total)` hidden units, when the latest snapshot found any dead.
    pub fn dead_units(&self) -> Option<(usize, usize)> {
        let h = self.weights.as_ref()?.health;
        (h.dead_units > 0).then_some((h.dead_units, h.hidden_units))
    }

    /// The word for the run's state; a problem outranks running/paused/finished.
    pub fn state_word(&self) -> &'static str {
        if let RunState::Failed(_) = self.state {
            return "failed";
        }
        match self.problem() {
            Some(Problem::Diverged { .. }) => "diverged",
            Some(Problem::Saturated) => "stalled",
            _ => match self.state {
                RunState::Running => "running",
                RunState::Paused => "paused",
                RunState::Finished => "finished",
                RunState::Stopped => "stopped",
                RunState::Failed(_) => "failed",
            },
        }
    }

    /// Epochs per second over the latest (up to 64) epochs, from their `elapsed` times. A gap
    /// of over ten times the median time per epoch (a pause, a step at a time) is left out,
    /// so the rate after a pause is the rate of training, not of the pause.
    pub fn epochs_per_second(&self) -> Option<f64> {
        let recent = self.history.recent();
        let last = recent.last()?;
        // (epochs, seconds) between neighbours, newest first.
        let newest: Vec<&Point> = recent.iter().rev().take(65).collect();
        let mut gaps: Vec<(f64, f64)> = newest
            .windows(2)
            .filter(|w| w[0].epoch > w[1].epoch)
            .map(|w| {
                let seconds = w[0].elapsed.saturating_sub(w[1].elapsed).as_secs_f64();
                ((w[0].epoch - w[1].epoch) as f64, seconds)
            })
            .collect();
        if gaps.is_empty() {
            gaps.push((last.epoch as f64, last.elapsed.as_secs_f64()));
        }
        let mut per_epoch: Vec<f64> = gaps.iter().map(|(e, s)| s / e).collect();
        per_epoch.sort_by(f64::total_cmp);
        let limit = 10.0 * per_epoch[per_epoch.len() / 2];
        let (epochs, seconds) = gaps
            .iter()
            .filter(|(e, s)| limit == 0.0 || s / e <= limit)
            .fold((0.0, 0.0), |(e, s), (de, ds)| (e + de, s + ds));
        (seconds > 0.0).then(|| epochs / seconds)
    }
}
