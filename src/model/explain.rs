//! Events found as a run trains, each explained at its epoch: the [`Detector`] finds them in
//! the figures, and where an event asks which way the rate should go, the step slice is taken
//! then and there: for a loss that rose, at the coefficients the rising step started from
//! (trained again from the mark before its batch); otherwise at the run's coefficients now.
//! The trainer thread and headless runs share it, so both say the same.

use super::keep::Mark;
use super::run::Run;
use crate::report::advice::{Evidence, advise, holds};
use crate::report::dynamics::StepSlice;
use crate::report::epoch::EpochMetrics;
use crate::report::events::{BestValid, Detector, EventKind, TrainingEvent};
use crate::report::health::Health;
use std::collections::VecDeque;

/// Marks kept: the starts of the last two read-back batches, so that an event early in a batch
/// can still go back to the epoch before it.
const MARKS: usize = 2;

/// Finds a run's events and explains each at its epoch.
#[derive(Debug, Clone, Default)]
pub struct Explainer {
    detector: Detector,
    marks: VecDeque<Mark>,
    valley: Option<f64>,
    /// The lowest rate an event's slice has advised so far, and its basis.
    measured: Option<(f64, String)>,
    /// The epoch of the last look at the units' health: dead units died after it.
    last_look: Option<usize>,
}

impl Explainer {
    pub fn new() -> Self {
        Explainer::default()
    }

    /// Remembers where `run` stands before a batch of epochs.
    pub fn mark(&mut self, run: &Run) {
        if self.marks.len() == MARKS {
            self.marks.pop_front();
        }
        self.marks.push_back(run.mark());
    }

    /// The finder's valley, once it has run from this run's start.
    pub fn set_valley(&mut self, valley: Option<f64>) {
        self.valley = valley;
    }

    /// The best validation epoch so far.
    pub fn best_valid(&self) -> Option<BestValid> {
        self.detector.best_valid()
    }

    /// The events of `metrics`, the epochs `run` has just trained, each explained.
    pub fn epochs(&mut self, run: &Run, metrics: &[EpochMetrics]) -> Vec<TrainingEvent> {
        let found: Vec<TrainingEvent> = metrics
            .iter()
            .flat_map(|m| self.detector.epoch(m))
            .collect();
        self.explain(run, found)
    }

    /// The events of `run`'s units' `health` at its current epoch, each explained.
    pub fn health(&mut self, run: &Run, health: &Health) -> Vec<TrainingEvent> {
        let found = self.detector.health(run.epoch(), health);
        let explained = self.explain(run, found);
        self.last_look = Some(run.epoch());
        explained
    }

    fn explain(&mut self, run: &Run, found: Vec<TrainingEvent>) -> Vec<TrainingEvent> {
        let mut now: Option<Option<StepSlice>> = None;
        let mut explained = Vec::with_capacity(found.len());
        for mut event in found {
            let slice = match event.kind {
                EventKind::Overfitting => None,
                EventKind::StepsTooSmall => run.wide_slice().ok(),
                kind if kind.caused_by_a_step() => {
                    self.slice_at(run, event.epoch.saturating_sub(2))
                }
                // Where the units were last seen alive: the steps since then killed them.
                EventKind::UnitsDied => self.slice_at(run, self.last_look.unwrap_or(event.epoch)),
                _ => now.get_or_insert_with(|| run.step_slice().ok()).clone(),
            };
            let earlier = self
                .measured
                .as_ref()
                .map(|(rate, basis)| (*rate, basis.as_str()));
            let evidence = Evidence {
                lr: run.lr,
                slice: slice.as_ref(),
                valley: self.valley,
                best_valid: self.best_valid().map(|b| b.epoch),
                earlier,
            };
            if !holds(&event, &evidence) {
                continue;
            }
            let advice = advise(&event, &evidence);
            if let Some(rate) = advice.lr.filter(|&rate| rate < run.lr)
                && advice.basis.starts_with("the step slice")
                && self
                    .measured
                    .as_ref()
                    .is_none_or(|(known, _)| rate < *known)
            {
                let basis = format!(
                    "{}, where the {} at epoch {}",
                    advice.basis,
                    event.kind.what(),
                    event.epoch
                );
                self.measured = Some((rate, basis));
            }
            event.advice = Some(advice);
            explained.push(event);
        }
        explained
    }

    /// The step slice at the coefficients after `at` epochs (for a loss that rose at epoch
    /// E, `at` is E − 2: the loss of an epoch is that of the coefficients before its update,
    /// so the rising step started there). From the run now when no mark reaches back that far.
    fn slice_at(&self, run: &Run, at: usize) -> Option<StepSlice> {
        let replayed = self
            .marks
            .iter()
            .rev()
            .find_map(|mark| run.replayed(mark, at).ok().flatten());
        let at = replayed.as_ref().unwrap_or(run);
        let slice = at.step_slice().ok()?;
        // Every step of the slice raising the loss, look below its first one.
        if slice.best().0 > 0.0 {
            return Some(slice);
        }
        at.slice_below().ok().or(Some(slice))
    }
}
