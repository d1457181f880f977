//! What the dynamics view (key `2`) knows: each run's gradient statistics over time, its latest
//! step slice and events, and the learning-rate finder.

use super::jobs::{JobStatus, JobView};
use crate::report::dynamics::StepStats;
use crate::report::finder::{FinderStep, Finding};
use crate::report::run::RunId;
use crate::settings::FinderSpec;

/// Which of the dashboard's views is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Loss, accuracy, settings and weights (key `1`).
    #[default]
    Overview,
    /// Update ratios, gradient norms, the step slice and the finder (key `2`).
    Dynamics,
    /// Units and weights, the unit inspector, the tensors' spread over time (key `3`).
    Network,
    /// An epoch through the tutorial's functions, a gradient worked by hand (key `4`).
    Walk,
}

impl View {
    pub const ALL: [View; 4] = [View::Overview, View::Dynamics, View::Network, View::Walk];

    pub fn key(self) -> char {
        match self {
            View::Overview => '1',
            View::Dynamics => '2',
            View::Network => '3',
            View::Walk => '4',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Dynamics => "dynamics",
            View::Network => "network",
            View::Walk => "walk",
        }
    }
}

/// A run's [`StepStats`] by epoch, bounded (the whole run at a coarser grain when long).
pub type StatsHistory = super::history::Thinned<StepStats, 2048>;

/// Events kept per run (older ones are dropped).
pub const MAX_EVENTS: usize = 64;

/// How the finder is doing.
pub type FinderStatus = JobStatus<Finding>;

/// The learning-rate finder's steps so far, from run `run`'s start.
#[derive(Debug, Clone, PartialEq)]
pub struct FinderView {
    pub run: RunId,
    pub spec: FinderSpec,
    pub steps: Vec<FinderStep>,
    pub status: FinderStatus,
}

impl FinderView {
    /// fastai's default suggestion, the valley, once the finder is done.
    pub fn valley(&self) -> Option<f64> {
        match &self.status {
            FinderStatus::Done(finding) => finding.suggestions.valley,
            _ => None,
        }
    }
}

impl JobView for FinderView {
    type Plan = FinderSpec;
    type Piece = FinderStep;
    type Found = Finding;
    const NAME: &'static str = "finder";

    fn started(run: RunId, spec: FinderSpec) -> Self {
        FinderView {
            run,
            spec,
            steps: Vec::new(),
            status: FinderStatus::Running,
        }
    }

    fn progress(&mut self, step: FinderStep) {
        self.steps.push(step);
    }

    fn status(&self) -> &FinderStatus {
        &self.status
    }

    fn status_mut(&mut self) -> &mut FinderStatus {
        &mut self.status
    }

    fn ended(&self) -> String {
        match &self.status {
            FinderStatus::Done(finding) => format!(
                "finder done: {} (A adopts the valley for the next run)",
                finding.suggestions.line()
            ),
            _ => "finder cancelled".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(x: f32) -> StepStats {
        StepStats {
            grad_norm: vec![x],
            update_ratio: vec![x],
        }
    }

    #[test]
    fn the_history_halves_when_full_and_keeps_both_ends() {
        let mut h = StatsHistory::default();
        for epoch in 1..=StatsHistory::CAPACITY + 1 {
            #[expect(clippy::cast_precision_loss, reason = "small test numbers")]
            h.push(epoch, stats(epoch as f32));
        }
        assert_eq!(h.points().len(), StatsHistory::CAPACITY / 2 + 1);
        assert_eq!(h.points()[0].0, 1);
        assert_eq!(
            h.points().last().map(|p| p.0),
            Some(StatsHistory::CAPACITY + 1)
        );
        assert_eq!(h.at(4).map(|p| p.0), Some(3));
        assert_eq!(h.at(0), None);
    }
}
