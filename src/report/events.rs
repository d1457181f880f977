//! Moments worth a look in a run, detected as its epochs arrive: a loss that is not a number,
//! a training loss that rises, a smoothed loss far above its best (fastai's rule for
//! divergence), every prediction saturated, hidden units dying.

use super::finder::Smoother;
use super::health::Health;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The training loss is NaN or infinite.
    NonFinite,
    /// The training loss is higher than at the epoch before: the step went too far.
    LossRose,
    /// The smoothed training loss passed 4× its best, the rule fastai's `lr_find` stops at.
    Diverged,
    /// Every training row's prediction is within [`super::health::SATURATION`] of 0 or 1: no
    /// gradient flows back through the sigmoid.
    Stalled,
    /// More hidden units output zero on every training row than before.
    UnitsDied,
}

impl EventKind {
    /// The name headless JSON lines give it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::NonFinite => "non_finite",
            EventKind::LossRose => "loss_rose",
            EventKind::Diverged => "diverged",
            EventKind::Stalled => "stalled",
            EventKind::UnitsDied => "units_died",
        }
    }
}

/// An event at an epoch, explained in one line.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingEvent {
    pub epoch: usize,
    pub kind: EventKind,
    pub detail: String,
}

/// A rise smaller than this fraction of the loss is noise, not an event (a 0.2 % blip at a
/// moderate rate is no overshoot).
const RISE: f32 = 0.01;
/// After a [`EventKind::LossRose`], rises within this many epochs are not reported again: an
/// oscillating run reports its first rise, then one at most every so often.
const RISE_QUIET: usize = 10;

/// Watches a run's epochs and health for [`TrainingEvent`]s. Each kind but the rise is
/// reported once per run (a stall again after the run recovers).
#[derive(Debug, Clone, Default)]
pub struct Detector {
    previous: Option<f32>,
    smoothed: Smoother,
    best: f32,
    last_rise: Option<usize>,
    non_finite: bool,
    diverged: bool,
    stalled: bool,
    dead: Option<usize>,
}

impl Detector {
    pub fn new() -> Self {
        Detector {
            best: f32::INFINITY,
            ..Detector::default()
        }
    }

    /// The events of epoch `epoch`, whose training loss was `loss`.
    pub fn epoch(&mut self, epoch: usize, loss: f32) -> Vec<TrainingEvent> {
        let mut events = Vec::new();
        let event = |kind, detail| TrainingEvent {
            epoch,
            kind,
            detail,
        };
        if !loss.is_finite() {
            if !std::mem::replace(&mut self.non_finite, true) {
                events.push(event(
                    EventKind::NonFinite,
                    format!("the training loss is {loss} at epoch {epoch}"),
                ));
            }
            self.previous = Some(loss);
            return events;
        }
        if let Some(previous) = self.previous.filter(|p| p.is_finite())
            && loss > previous * (1.0 + RISE)
            && self.last_rise.is_none_or(|at| epoch >= at + RISE_QUIET)
        {
            self.last_rise = Some(epoch);
            events.push(event(
                EventKind::LossRose,
                format!("the training loss rose from {previous:.3} to {loss:.3} at epoch {epoch}"),
            ));
        }
        self.previous = Some(loss);
        // fastai's smoothed loss and its 4x rule.
        let smoothed = self.smoothed.add(loss);
        self.best = self.best.min(smoothed);
        if smoothed > 4.0 * self.best && !std::mem::replace(&mut self.diverged, true) {
            events.push(event(
                EventKind::Diverged,
                format!(
                    "the smoothed loss {smoothed:.3} passed 4x its best ({:.3}) at epoch {epoch}",
                    self.best
                ),
            ));
        }
        events
    }

    /// The events that the units' `health` after `epoch` epochs shows.
    pub fn health(&mut self, epoch: usize, health: &Health) -> Vec<TrainingEvent> {
        let mut events = Vec::new();
        let stalled = health.live_rows == 0;
        if stalled && !self.stalled {
            events.push(TrainingEvent {
                epoch,
                kind: EventKind::Stalled,
                detail: format!(
                    "every prediction is saturated (from {:.4} to {:.4}) at epoch {epoch}: no gradient flows back",
                    health.min_pred, health.max_pred
                ),
            });
        }
        self.stalled = stalled;
        if let Some(before) = self.dead
            && health.dead_units > before
        {
            let died = health.dead_units - before;
            events.push(TrainingEvent {
                epoch,
                kind: EventKind::UnitsDied,
                detail: format!(
                    "{died} hidden unit{} died by epoch {epoch} ({}/{} dead: zero on every training row)",
                    if died == 1 { "" } else { "s" },
                    health.dead_units,
                    health.hidden_units
                ),
            });
        }
        self.dead = Some(health.dead_units);
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(events: &[TrainingEvent]) -> Vec<EventKind> {
        events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn a_rise_is_reported_then_quiet_for_a_while() {
        let mut d = Detector::new();
        let losses = [0.54, 0.40, 0.245, 0.391, 0.201, 0.25, 0.2, 0.19];
        let events: Vec<TrainingEvent> = losses
            .iter()
            .enumerate()
            .flat_map(|(i, &l)| d.epoch(i + 1, l))
            .collect();
        assert_eq!(kinds(&events), vec![EventKind::LossRose]);
        assert_eq!(
            events[0].detail,
            "the training loss rose from 0.245 to 0.391 at epoch 4"
        );
        assert_eq!(
            d.epoch(14, 0.3).len(),
            1,
            "ten epochs on, a rise counts again"
        );
        assert!(
            d.epoch(15, 0.3003).is_empty(),
            "a rise within 0.1 % is noise"
        );
    }

    #[test]
    fn a_nan_and_a_blow_up_are_reported_once() {
        let mut d = Detector::new();
        for epoch in 1..=30 {
            d.epoch(epoch, 0.1);
        }
        let mut seen = Vec::new();
        for epoch in 31..=80 {
            seen.extend(kinds(&d.epoch(epoch, 0.9)));
        }
        assert!(seen.contains(&EventKind::Diverged), "{seen:?}");
        assert_eq!(
            seen.iter().filter(|k| **k == EventKind::Diverged).count(),
            1
        );
        assert_eq!(kinds(&d.epoch(81, f32::NAN)), vec![EventKind::NonFinite]);
        assert!(d.epoch(82, f32::NAN).is_empty());
    }

    #[test]
    fn saturation_and_dying_units_come_from_the_health() {
        let mut d = Detector::new();
        let health = |dead, live| Health {
            dead_units: dead,
            hidden_units: 20,
            min_pred: 0.0,
            max_pred: 1.0,
            live_rows: live,
        };
        assert!(
            d.health(10, &health(2, 700)).is_empty(),
            "the first count is the baseline"
        );
        let died = d.health(20, &health(5, 700));
        assert_eq!(kinds(&died), vec![EventKind::UnitsDied]);
        assert_eq!(
            died[0].detail,
            "3 hidden units died by epoch 20 (5/20 dead: zero on every training row)"
        );
        assert_eq!(
            kinds(&d.health(30, &health(5, 0))),
            vec![EventKind::Stalled]
        );
        assert!(d.health(40, &health(5, 0)).is_empty());
        assert!(d.health(50, &health(5, 10)).is_empty());
        assert_eq!(
            kinds(&d.health(60, &health(5, 0))),
            vec![EventKind::Stalled]
        );
    }
}
