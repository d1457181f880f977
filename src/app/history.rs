//! A run's per-epoch figures, kept in bounded memory however long the run.
//!
//! Two stores, as burn-train's dashboard does: a full-resolution window of the latest epochs
//! ([`RecentHistory`]) and a downsampled record of the whole run ([`FullHistory`]) that keeps
//! every other point and doubles its step when full. Together they cost at most
//! `RECENT_EPOCHS + FULL_POINTS` points, whether the run has 30 epochs or 10^7.

use crate::report::epoch::EpochMetrics;
use std::collections::VecDeque;
use std::time::Duration;

/// Epochs kept at full resolution.
pub const RECENT_EPOCHS: usize = 1024;
/// Points kept for the whole run.
pub const FULL_POINTS: usize = 1024;

/// The smoothing weights `m` cycles through after "off".
pub const SMOOTHING_WEIGHTS: [f64; 3] = [0.6, 0.9, 0.99];

/// How the loss curves are smoothed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Smoothing {
    #[default]
    Off,
    /// Index into [`SMOOTHING_WEIGHTS`].
    Ema(usize),
}

impl Smoothing {
    /// off → 0.6 → 0.9 → 0.99 → off.
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            Smoothing::Off => Smoothing::Ema(0),
            Smoothing::Ema(i) if i + 1 < SMOOTHING_WEIGHTS.len() => Smoothing::Ema(i + 1),
            Smoothing::Ema(_) => Smoothing::Off,
        }
    }

    pub fn weight(self) -> Option<f64> {
        match self {
            Smoothing::Off => None,
            Smoothing::Ema(i) => SMOOTHING_WEIGHTS.get(i).copied(),
        }
    }
}

/// An exponential moving average with TensorBoard's bias correction:
/// `s_t = w*s_{t-1} + (1-w)*x_t`, shown as `s_t / (1 - w^t)`. Non-finite values are skipped
/// (they neither count nor move the average) so one NaN does not blank the rest of the curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ema {
    weight: f64,
    sum: f64,
    /// `w^t`, kept instead of `t` so the correction costs no `powi`.
    weight_pow: f64,
}

impl Ema {
    pub fn new(weight: f64) -> Self {
        Ema {
            weight,
            sum: 0.0,
            weight_pow: 1.0,
        }
    }

    /// Feeds `x`; returns the value to show for it (`x` itself when `x` is not finite).
    pub fn push(&mut self, x: f32) -> f32 {
        if !x.is_finite() {
            return x;
        }
        self.sum = self.weight * self.sum + (1.0 - self.weight) * f64::from(x);
        self.weight_pow *= self.weight;
        let debiased = self.sum / (1.0 - self.weight_pow);
        // f64 → f32 of a value between finite f32 inputs cannot overflow.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a mean of finite f32 inputs is within f32 range"
        )]
        let shown = debiased as f32;
        shown
    }
}

/// Points by epoch, bounded: when full, every other point is dropped (the first and the newest
/// stay), so the whole run stays on a chart at a coarser grain, as [`FullHistory`] keeps it.
#[derive(Debug, Clone)]
pub struct Thinned<T, const CAPACITY: usize> {
    points: Vec<(usize, T)>,
}

impl<T, const CAPACITY: usize> Default for Thinned<T, CAPACITY> {
    fn default() -> Self {
        Thinned { points: Vec::new() }
    }
}

impl<T, const CAPACITY: usize> Thinned<T, CAPACITY> {
    pub const CAPACITY: usize = CAPACITY;

    pub fn push(&mut self, epoch: usize, value: T) {
        self.push_within(epoch, value, CAPACITY);
    }

    /// [`Thinned::push`], holding at most `capacity` points (and never more than `CAPACITY`):
    /// for points whose size is known only once they come.
    pub fn push_within(&mut self, epoch: usize, value: T, capacity: usize) {
        if self.points.len() >= capacity.clamp(2, CAPACITY) {
            let mut index = 0;
            self.points.retain(|_| {
                index += 1;
                index % 2 == 1
            });
        }
        self.points.push((epoch, value));
    }

    pub fn points(&self) -> &[(usize, T)] {
        &self.points
    }

    pub fn last_mut(&mut self) -> Option<&mut (usize, T)> {
        self.points.last_mut()
    }

    /// The point of the epoch at or just before `epoch`.
    pub fn at(&self, epoch: usize) -> Option<&(usize, T)> {
        let index = self.points.partition_point(|(e, _)| *e <= epoch);
        index.checked_sub(1).map(|i| &self.points[i])
    }
}

/// One epoch's figures, with its smoothed losses for every smoothing weight precomputed so that
/// switching the smoothing needs no pass over the (possibly downsampled) history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub epoch: usize,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    pub elapsed: Duration,
    pub smoothed_train: [f32; SMOOTHING_WEIGHTS.len()],
    pub smoothed_valid: [f32; SMOOTHING_WEIGHTS.len()],
}

impl Point {
    pub fn train(&self, smoothing: Smoothing) -> f32 {
        match smoothing {
            Smoothing::Off => self.train_loss,
            Smoothing::Ema(i) => self
                .smoothed_train
                .get(i)
                .copied()
                .unwrap_or(self.train_loss),
        }
    }

    pub fn valid(&self, smoothing: Smoothing) -> f32 {
        match smoothing {
            Smoothing::Off => self.valid_loss,
            Smoothing::Ema(i) => self
                .smoothed_valid
                .get(i)
                .copied()
                .unwrap_or(self.valid_loss),
        }
    }
}

/// The latest `capacity` epochs, at full resolution (a sliding window).
#[derive(Debug, Clone)]
pub struct RecentHistory {
    points: VecDeque<Point>,
    capacity: usize,
}

impl RecentHistory {
    pub fn new(capacity: usize) -> Self {
        RecentHistory {
            points: VecDeque::with_capacity(capacity.min(RECENT_EPOCHS)),
            capacity: capacity.max(1),
        }
    }

    pub fn push(&mut self, point: Point) {
        if self.points.len() == self.capacity {
            self.points.pop_front();
        }
        self.points.push_back(point);
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Point> + ExactSizeIterator {
        self.points.iter()
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn first(&self) -> Option<&Point> {
        self.points.front()
    }

    pub fn last(&self) -> Option<&Point> {
        self.points.back()
    }
}

/// The whole run in at most `max_points` points: epochs that are multiples of `step`; when full,
/// every other point is dropped and `step` doubles (burn-train's `FullHistoryPoints`).
#[derive(Debug, Clone)]
pub struct FullHistory {
    points: Vec<Point>,
    max_points: usize,
    step: usize,
}

impl FullHistory {
    pub fn new(max_points: usize) -> Self {
        FullHistory {
            points: Vec::new(),
            max_points: max_points.max(2),
            step: 1,
        }
    }

    pub fn push(&mut self, point: Point) {
        if !point.epoch.is_multiple_of(self.step) {
            return;
        }
        self.points.push(point);
        while self.points.len() > self.max_points {
            self.step *= 2;
            let step = self.step;
            self.points.retain(|p| p.epoch.is_multiple_of(step));
        }
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Epochs between kept points.
    pub fn step(&self) -> usize {
        self.step
    }
}

/// A run's history: the recent window plus the downsampled whole.
#[derive(Debug, Clone)]
pub struct History {
    recent: RecentHistory,
    full: FullHistory,
    emas: [(Ema, Ema); SMOOTHING_WEIGHTS.len()],
    /// Epochs received, kept or not.
    epochs_seen: usize,
}

impl Default for History {
    fn default() -> Self {
        History::new(RECENT_EPOCHS, FULL_POINTS)
    }
}

impl History {
    pub fn new(recent: usize, full: usize) -> Self {
        History {
            recent: RecentHistory::new(recent),
            full: FullHistory::new(full),
            emas: SMOOTHING_WEIGHTS.map(|w| (Ema::new(w), Ema::new(w))),
            epochs_seen: 0,
        }
    }

    /// Records one epoch and returns the point stored for it.
    pub fn push(&mut self, m: &EpochMetrics) -> Point {
        let mut smoothed_train = [0.0; SMOOTHING_WEIGHTS.len()];
        let mut smoothed_valid = [0.0; SMOOTHING_WEIGHTS.len()];
        for (i, (train, valid)) in self.emas.iter_mut().enumerate() {
            smoothed_train[i] = train.push(m.train_loss);
            smoothed_valid[i] = valid.push(m.valid_loss);
        }
        let point = Point {
            epoch: m.epoch,
            train_loss: m.train_loss,
            valid_loss: m.valid_loss,
            valid_accuracy: m.valid_accuracy,
            elapsed: m.elapsed,
            smoothed_train,
            smoothed_valid,
        };
        self.recent.push(point);
        self.full.push(point);
        self.epochs_seen += 1;
        point
    }

    pub fn recent(&self) -> &RecentHistory {
        &self.recent
    }

    pub fn full(&self) -> &FullHistory {
        &self.full
    }

    pub fn epochs_seen(&self) -> usize {
        self.epochs_seen
    }

    /// Every kept point in epoch order: the downsampled part older than the recent window, then
    /// the window. At most `RECENT_EPOCHS + FULL_POINTS` points.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        let window_start = self.recent.first().map_or(usize::MAX, |p| p.epoch);
        self.full
            .points()
            .iter()
            .take_while(move |p| p.epoch < window_start)
            .chain(self.recent.iter())
    }

    /// How many points [`History::points`] yields.
    pub fn kept(&self) -> usize {
        self.points().count()
    }

    pub fn last(&self) -> Option<&Point> {
        self.recent.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(epoch: usize, loss: f32) -> EpochMetrics {
        EpochMetrics {
            epoch,
            train_loss: loss,
            penalty: None,
            valid_loss: loss,
            valid_accuracy: 0.5,
            elapsed: Duration::from_millis(epoch as u64),
            stats: None,
        }
    }

    fn point(epoch: usize) -> Point {
        let mut h = History::new(1, 2);
        h.push(&metrics(epoch, 1.0))
    }

    #[test]
    fn recent_history_is_a_sliding_window() {
        let mut recent = RecentHistory::new(3);
        for epoch in 1..=5 {
            recent.push(point(epoch));
        }
        let epochs: Vec<_> = recent.iter().map(|p| p.epoch).collect();
        assert_eq!(epochs, [3, 4, 5]);
    }

    #[test]
    fn full_history_halves_and_doubles_its_step_when_full() {
        let mut full = FullHistory::new(4);
        for epoch in 1..=4 {
            full.push(point(epoch));
        }
        assert_eq!(full.step(), 1);
        full.push(point(5));
        assert_eq!(full.step(), 2);
        let epochs: Vec<_> = full.points().iter().map(|p| p.epoch).collect();
        assert_eq!(epochs, [2, 4]);
        for epoch in 6..=9 {
            full.push(point(epoch));
        }
        // 2, 4, 6, 8 fill it; 10 would overflow it.
        full.push(point(10));
        assert_eq!(full.step(), 4);
        let epochs: Vec<_> = full.points().iter().map(|p| p.epoch).collect();
        assert_eq!(epochs, [4, 8]);
    }

    #[test]
    fn history_stays_bounded_over_a_million_epochs() {
        let mut history = History::default();
        for epoch in 1..=1_000_000 {
            history.push(&metrics(epoch, 1.0 / epoch as f32));
        }
        assert_eq!(history.epochs_seen(), 1_000_000);
        assert_eq!(history.recent().len(), RECENT_EPOCHS);
        assert!(history.full().points().len() <= FULL_POINTS);
        assert!(history.kept() <= RECENT_EPOCHS + FULL_POINTS);
        let epochs: Vec<_> = history.points().map(|p| p.epoch).collect();
        assert_eq!(epochs.len(), history.kept());
        assert!(
            epochs.windows(2).all(|w| w[0] < w[1]),
            "points are in epoch order"
        );
        assert_eq!(epochs.last(), Some(&1_000_000));
        // The downsampled part still reaches back to the start of the run.
        assert!(epochs[0] <= history.full().step());
    }

    #[test]
    fn short_runs_keep_every_epoch() {
        let mut history = History::default();
        for epoch in 1..=30 {
            history.push(&metrics(epoch, 1.0));
        }
        let epochs: Vec<_> = history.points().map(|p| p.epoch).collect();
        assert_eq!(epochs, (1..=30).collect::<Vec<_>>());
    }

    #[test]
    fn ema_has_tensorboard_bias_correction_and_skips_non_finite() {
        let mut ema = Ema::new(0.9);
        // The first point is shown as itself, not as 0.1 * x.
        assert!((ema.push(2.0) - 2.0).abs() < 1e-6);
        // s2 = 0.9*0.2 + 0.1*1 = 0.28; shown = 0.28 / (1 - 0.81) = 1.4736...
        assert!((ema.push(1.0) - 0.28 / 0.19).abs() < 1e-5);
        assert!(ema.push(f32::NAN).is_nan());
        // The NaN changed nothing: s3 = 0.9*0.28 + 0.1*1 = 0.352; shown = 0.352 / (1 - 0.729).
        assert!((ema.push(1.0) - 0.352 / 0.271).abs() < 1e-5);
    }

    #[test]
    fn smoothing_cycles_off_then_three_weights() {
        let mut s = Smoothing::Off;
        let mut weights = Vec::new();
        for _ in 0..4 {
            s = s.next();
            weights.push(s.weight());
        }
        assert_eq!(weights, [Some(0.6), Some(0.9), Some(0.99), None]);
    }
}
