//! What happens in a run, as events: each at its epoch, with what happened in numbers
//! ([`TrainingEvent::detail`]) and, decided at that epoch, why and what to try ([`Advice`],
//! from [`super::advice`]). The [`Detector`] finds them in the epochs' figures and the units'
//! health; only what stands out from the run's own noise is an event.

use super::epoch::EpochMetrics;
use super::finder::Smoother;
use super::format_lr;
use super::health::Health;
use std::collections::VecDeque;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The training loss became NaN or infinite.
    NonFinite,
    /// The training loss rose from one epoch to the next, clearly more than the run's noise.
    LossRose,
    /// The training loss goes up and down from epoch to epoch: one state, not an event a rise.
    Oscillating,
    /// The smoothed training loss passed 4× its best (fastai's finder stops there too).
    Diverged,
    /// Every training row's prediction is within [`super::health::SATURATION`] of 0 or 1: no
    /// gradient flows back through the sigmoid.
    Stalled,
    /// More hidden units are zero on every training row than at the last look.
    UnitsDied,
    /// The updates are far smaller than the weights (update ratios far below 1e-3) and the
    /// loss barely moves, though it would fall further along the step.
    StepsTooSmall,
    /// The validation loss has risen clearly above its best while the training loss kept
    /// falling: the network fits the training rows at the expense of the others.
    Overfitting,
}

impl EventKind {
    /// The name headless JSON lines give it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::NonFinite => "non_finite",
            EventKind::LossRose => "loss_rose",
            EventKind::Oscillating => "oscillating",
            EventKind::Diverged => "diverged",
            EventKind::Stalled => "stalled",
            EventKind::UnitsDied => "units_died",
            EventKind::StepsTooSmall => "steps_too_small",
            EventKind::Overfitting => "overfitting",
        }
    }

    /// What happened, in a few words: `loss rose`.
    pub fn what(self) -> &'static str {
        match self {
            EventKind::NonFinite => "loss stopped being a number",
            EventKind::LossRose => "loss rose",
            EventKind::Oscillating => "loss began to oscillate",
            EventKind::Diverged => "loss diverged",
            EventKind::Stalled => "output saturated",
            EventKind::UnitsDied => "units died",
            EventKind::StepsTooSmall => "loss stood still",
            EventKind::Overfitting => "validation loss turned",
        }
    }

    /// Whether the step that led to it is worth looking at where it was taken (the epoch
    /// before the event's): the loss's own events are caused by that one step.
    pub fn caused_by_a_step(self) -> bool {
        matches!(
            self,
            EventKind::NonFinite | EventKind::LossRose | EventKind::Diverged
        )
    }
}

/// Why an event happened and what to try, decided with what was known at its epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// Why, in a few words: "the step went too far".
    pub why: String,
    /// The learning rate to try, when something measured gives one on the right side.
    pub lr: Option<f64>,
    /// What the advice rests on, or why there is no rate: "the step slice at epoch 2".
    pub basis: String,
}

impl Advice {
    /// The rate to try, or else why: `try lr ≈ 2.50`.
    pub fn brief(&self) -> String {
        match self.lr {
            Some(lr) => format!("try lr ≈ {}", format_lr(lr)),
            None => self.why.clone(),
        }
    }

    /// `the step went too far; try lr ≈ 2.50 (the step slice at epoch 2)`, or the reason and
    /// its basis when there is no rate to try.
    pub fn text(&self) -> String {
        match self.lr {
            Some(lr) => format!("{}; try lr ≈ {} ({})", self.why, format_lr(lr), self.basis),
            None => format!("{}; {}", self.why, self.basis),
        }
    }
}

/// Something that happened in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingEvent {
    pub epoch: usize,
    pub kind: EventKind,
    /// What happened, in numbers: "the training loss rose from 0.245 to 0.391 at epoch 4".
    pub detail: String,
    /// Why, and what to try; given where the event is found, with the run at hand.
    pub advice: Option<Advice>,
}

impl TrainingEvent {
    fn new(epoch: usize, kind: EventKind, detail: String) -> Self {
        TrainingEvent {
            epoch,
            kind,
            detail,
            advice: None,
        }
    }

    /// The detail and the rate to try (or why), for a line too short for all of it.
    pub fn brief(&self) -> String {
        match &self.advice {
            Some(advice) => format!("{}: {}", self.detail, advice.brief()),
            None => self.detail.clone(),
        }
    }

    /// The detail and the advice, as the status line and the event list say them.
    pub fn explained(&self) -> String {
        match &self.advice {
            Some(advice) => format!("{}: {}", self.detail, advice.text()),
            None => self.detail.clone(),
        }
    }
}

/// A rise under this share of the previous loss is noise.
const RISE: f32 = 0.01;
/// ... and so is a rise under this share of the progress made so far (first loss − best):
/// late in a run, when the loss has come a long way, a wobble of a thousandth is not news.
const RISE_OF_PROGRESS: f32 = 0.02;
/// A rise must also be larger than every rise in this many epochs before it: a run that
/// wobbles by this much already is not surprised by one more.
const NOISE_EPOCHS: usize = 20;
/// After a rise is reported, rises in the next epochs are not.
const RISE_QUIET: usize = 10;
/// The loss oscillates when at least this many of the last [`SWING_WINDOW`] epochs turned
/// direction, by more than [`SWING`] of the loss from low to high; it has stopped once no more
/// than [`CALM_TURNS`] did.
const SWING_WINDOW: usize = 16;
const SWING_TURNS: usize = 10;
const CALM_TURNS: usize = 3;
const SWING: f32 = 0.005;
/// Overfitting: the validation loss this share above its best for [`PATIENCE`] epochs in a
/// row (Keras' `EarlyStopping`, with a threshold so that noise does not count), while the
/// training loss keeps falling: at its lowest yet (within [`LOWEST`]) and clearly below where
/// it was at the best epoch (by [`FELL`]). A run whose training loss jumps about is not
/// overfitting, whatever its validation loss does.
const OVERFIT_MARGIN: f32 = 0.05;
const PATIENCE: usize = 10;
const LOWEST: f32 = 0.01;
const FELL: f32 = 0.02;
/// Steps too small: every update ratio below the 1e-3 guide ...
const TINY_RATIO: f32 = 1e-3;
/// ... and the training loss down by less than [`STILL`] over this many epochs.
const STILL_EPOCHS: usize = 20;
const STILL: f32 = 0.01;

/// The best validation loss so far and what went with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestValid {
    pub epoch: usize,
    pub loss: f32,
    /// The training loss at that epoch.
    pub train_loss: f32,
}

/// Finds events in a run's epochs and health, each reported once when it starts.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one switch per kind of event, each told once while it lasts"
)]
pub struct Detector {
    first: Option<f32>,
    previous: Option<f32>,
    /// The lowest training loss before the current epoch.
    best_train: f32,
    smoothed: Smoother,
    best_smoothed: f32,
    /// The latest training losses (the swing window and the stillness's, whichever is longer).
    recent: VecDeque<f32>,
    /// Rises in the last [`NOISE_EPOCHS`] epochs, by epoch.
    rises: VecDeque<(usize, f32)>,
    last_rise: Option<usize>,
    oscillating: bool,
    non_finite: bool,
    diverged: bool,
    stalled: bool,
    dead: Option<usize>,
    best_valid: Option<BestValid>,
    above_best: usize,
    overfitting: bool,
    still: bool,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl Detector {
    pub fn new() -> Self {
        Detector {
            first: None,
            previous: None,
            best_train: f32::INFINITY,
            smoothed: Smoother::default(),
            best_smoothed: f32::INFINITY,
            recent: VecDeque::with_capacity(STILL_EPOCHS + 1),
            rises: VecDeque::new(),
            last_rise: None,
            oscillating: false,
            non_finite: false,
            diverged: false,
            stalled: false,
            dead: None,
            best_valid: None,
            above_best: 0,
            overfitting: false,
            still: false,
        }
    }

    /// The best validation loss so far.
    pub fn best_valid(&self) -> Option<BestValid> {
        self.best_valid
    }

    /// Takes in one epoch's figures; returns the events they bring.
    pub fn epoch(&mut self, m: &EpochMetrics) -> Vec<TrainingEvent> {
        let (epoch, loss) = (m.epoch, m.train_loss);
        let mut events = Vec::new();
        if !loss.is_finite() {
            if !std::mem::replace(&mut self.non_finite, true) {
                events.push(TrainingEvent::new(
                    epoch,
                    EventKind::NonFinite,
                    format!("the training loss is {loss} at epoch {epoch}"),
                ));
            }
            self.previous = Some(loss);
            return events;
        }
        self.first.get_or_insert(loss);
        self.remember(loss);
        events.extend(self.swing(epoch));
        events.extend(self.rise(epoch, loss));
        self.previous = Some(loss);
        self.best_train = self.best_train.min(loss);
        let smoothed = self.smoothed.add(loss);
        self.best_smoothed = self.best_smoothed.min(smoothed);
        if smoothed > 4.0 * self.best_smoothed && !std::mem::replace(&mut self.diverged, true) {
            events.push(TrainingEvent::new(
                epoch,
                EventKind::Diverged,
                format!(
                    "the smoothed loss {smoothed:.3} passed 4x its best ({:.3}) at epoch {epoch}",
                    self.best_smoothed
                ),
            ));
        }
        events.extend(self.validation(m));
        events.extend(self.stillness(m));
        events
    }

    fn remember(&mut self, loss: f32) {
        if self.recent.len() > STILL_EPOCHS.max(SWING_WINDOW) {
            self.recent.pop_front();
        }
        self.recent.push_back(loss);
    }

    /// A rise that stands out: over 1 % of the loss, over 2 % of the progress so far, larger
    /// than every rise of the last 20 epochs, and not within 10 epochs of the last one told.
    fn rise(&mut self, epoch: usize, loss: f32) -> Option<TrainingEvent> {
        while self
            .rises
            .front()
            .is_some_and(|&(at, _)| at + NOISE_EPOCHS < epoch)
        {
            self.rises.pop_front();
        }
        let previous = self.previous.filter(|p| p.is_finite())?;
        let rise = loss - previous;
        if rise <= 0.0 {
            return None;
        }
        let noise = self.rises.iter().map(|&(_, r)| r).fold(0.0, f32::max);
        self.rises.push_back((epoch, rise));
        let progress = self.first.map_or(0.0, |first| first - self.best_train);
        let stands_out =
            rise > previous * RISE && rise > progress * RISE_OF_PROGRESS && rise > noise;
        if !stands_out
            || self.oscillating
            || self.last_rise.is_some_and(|at| epoch < at + RISE_QUIET)
        {
            return None;
        }
        self.last_rise = Some(epoch);
        Some(TrainingEvent::new(
            epoch,
            EventKind::LossRose,
            format!("the training loss rose from {previous:.3} to {loss:.3} at epoch {epoch}"),
        ))
    }

    /// The loss turning up and down, epoch after epoch: told once, when it starts, with the
    /// range it swings over since the turning began.
    fn swing(&mut self, epoch: usize) -> Option<TrainingEvent> {
        // Newest first.
        let window: Vec<f32> = self
            .recent
            .iter()
            .rev()
            .take(SWING_WINDOW)
            .copied()
            .collect();
        if window.len() < SWING_WINDOW {
            return None;
        }
        let turned = |w: &[f32]| (w[0] - w[1]) * (w[1] - w[2]) < 0.0;
        let turns = window.windows(3).filter(|w| turned(w)).count();
        if self.oscillating {
            self.oscillating = turns > CALM_TURNS;
            return None;
        }
        // The epochs since the turning began: those inside the run of turns up to now.
        let turning = window.windows(3).take_while(|w| turned(w)).count();
        let swing = &window[..=turning];
        let (low, high) = swing
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        if turning < SWING_TURNS || high - low <= SWING * high {
            return None;
        }
        self.oscillating = true;
        let since = epoch - turning;
        Some(TrainingEvent::new(
            epoch,
            EventKind::Oscillating,
            format!(
                "the training loss oscillates between {low:.3} and {high:.3} since epoch {since}"
            ),
        ))
    }

    /// Overfitting: told once, naming the best epoch.
    fn validation(&mut self, m: &EpochMetrics) -> Option<TrainingEvent> {
        let valid = m.valid_loss;
        if !valid.is_finite() {
            return None;
        }
        let best = match self.best_valid {
            Some(best) if best.loss <= valid => best,
            _ => {
                self.best_valid = Some(BestValid {
                    epoch: m.epoch,
                    loss: valid,
                    train_loss: m.train_loss,
                });
                self.above_best = 0;
                return None;
            }
        };
        if valid >= best.loss * (1.0 + OVERFIT_MARGIN) {
            self.above_best += 1;
        } else {
            self.above_best = 0;
        }
        let falling = m.train_loss <= self.best_train * (1.0 + LOWEST)
            && m.train_loss < best.train_loss * (1.0 - FELL);
        if self.overfitting || self.above_best < PATIENCE || !falling {
            return None;
        }
        self.overfitting = true;
        let percent = (valid / best.loss - 1.0) * 100.0;
        Some(TrainingEvent::new(
            m.epoch,
            EventKind::Overfitting,
            format!(
                "the validation loss has stayed {:.0} % or more above its best ({:.3} at epoch {}) for {PATIENCE} epochs, now {percent:.0} % above, while the training loss fell from {:.3} to {:.3}",
                OVERFIT_MARGIN * 100.0,
                best.loss,
                best.epoch,
                best.train_loss,
                m.train_loss
            ),
        ))
    }

    /// Steps too small: told once, when the measured update ratios are all far below 1e-3 and
    /// the loss barely moved over the last epochs. Whether the loss would fall further along
    /// the step is for the advice to find out.
    fn stillness(&mut self, m: &EpochMetrics) -> Option<TrainingEvent> {
        let stats = m.stats.as_ref()?;
        let largest = stats.update_ratio.iter().copied().fold(0.0, f32::max);
        if largest >= TINY_RATIO * 3.0 {
            self.still = false;
        }
        let then = *self.recent.iter().rev().nth(STILL_EPOCHS)?;
        let moved = (then - m.train_loss) / then;
        if self.still || largest >= TINY_RATIO || moved >= STILL {
            return None;
        }
        self.still = true;
        Some(TrainingEvent::new(
            m.epoch,
            EventKind::StepsTooSmall,
            format!(
                "the training loss moved {:.2} % in {STILL_EPOCHS} epochs (to {:.3} at epoch {}), with update ratios of at most {}",
                moved * 100.0,
                m.train_loss,
                m.epoch,
                format_lr(f64::from(largest))
            ),
        ))
    }

    /// Takes in the units' health at `epoch`; returns the events it brings.
    pub fn health(&mut self, epoch: usize, health: &Health) -> Vec<TrainingEvent> {
        let mut events = Vec::new();
        let stalled = health.live_rows == 0;
        if stalled && !self.stalled {
            events.push(TrainingEvent::new(
                epoch,
                EventKind::Stalled,
                format!(
                    "every prediction is saturated (from {:.4} to {:.4}) at epoch {epoch}: no gradient flows back",
                    health.min_pred, health.max_pred
                ),
            ));
        }
        self.stalled = stalled;
        if let Some(before) = self.dead
            && health.dead_units > before
        {
            let died = health.dead_units - before;
            events.push(TrainingEvent::new(
                epoch,
                EventKind::UnitsDied,
                format!(
                    "{died} hidden unit{} died by epoch {epoch} ({}/{} dead: zero on every training row)",
                    if died == 1 { "" } else { "s" },
                    health.dead_units,
                    health.hidden_units
                ),
            ));
        }
        self.dead = Some(health.dead_units);
        events
    }
}

#[cfg(test)]
mod tests;
