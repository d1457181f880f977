//! Learning-rate sweeps: the same starting coefficients trained at log-spaced learning rates,
//! on parallel worker threads, to find where the network stops learning.

use crate::data::Splits;
use crate::error::{Error, Result};
use crate::model::network::Coeffs;
use crate::model::weights::Weights;
use crate::model::{DeviceData, Run, Split};
use burn::tensor::Device;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::channel;

/// Which learning rates to try: `steps` values from `from` to `to`, evenly spaced on a log
/// scale, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepSpec {
    pub from: f64,
    pub to: f64,
    pub steps: usize,
    /// Epochs at each learning rate.
    pub epochs: usize,
}

impl SweepSpec {
    /// The default range: from far too small to far too large for the tutorial's network.
    pub const DEFAULT_RANGE: (f64, f64) = (0.01, 100.0);
    pub const DEFAULT_STEPS: usize = 12;
    pub const MAX_STEPS: usize = 256;

    /// The learning rates, increasing.
    pub fn learning_rates(&self) -> Vec<f64> {
        if self.steps <= 1 {
            return vec![self.from];
        }
        let (low, high) = (self.from.ln(), self.to.ln());
        let last = (self.steps - 1) as f64;
        (0..self.steps)
            .map(|i| (low + (high - low) * i as f64 / last).exp())
            .collect()
    }

    /// Parses `FROM..TO`: two positive numbers, the first smaller.
    pub fn parse_range(text: &str) -> std::result::Result<(f64, f64), String> {
        let (from, to) = text
            .split_once("..")
            .ok_or_else(|| format!("'{text}' is not a range like 0.01..100"))?;
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| format!("'{t}' is not a positive number"))
        };
        let (from, to) = (number(from)?, number(to)?);
        if from >= to {
            return Err(format!(
                "the range {text} must go from a smaller to a larger rate"
            ));
        }
        Ok((from, to))
    }
}

/// How training went at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The training loss went down.
    Learned,
    /// The training loss did not go down (by at least 0.1 %): too small a rate, or too few
    /// epochs.
    Flat,
    /// The loss became NaN or ended above where it started.
    Diverged,
    /// Every prediction is saturated at 0 or 1: no gradient flows back.
    Stalled,
    /// Every hidden unit outputs zero on every row.
    Dead,
}

impl Outcome {
    pub fn learned(self) -> bool {
        self == Outcome::Learned
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outcome::Learned => "learned",
            Outcome::Flat => "flat",
            Outcome::Diverged => "diverged",
            Outcome::Stalled => "stalled",
            Outcome::Dead => "dead",
        })
    }
}

/// The result at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub lr: f64,
    /// Index of `lr` in the sweep's increasing list.
    pub index: usize,
    /// The training loss of the starting coefficients, and of the trained model.
    pub first_loss: f32,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    pub dead_units: usize,
    pub hidden_units: usize,
    pub outcome: Outcome,
}

/// A learning rate with three significant digits, as a table column shows it: `0.0100`,
/// `1.40`, `100`.
pub fn format_lr(lr: f64) -> String {
    if !lr.is_finite() || lr <= 0.0 {
        return format!("{lr}");
    }
    // The tolerance keeps a computed 9.999999999 from printing as 10.00.
    let digits = (2 - (lr.log10() + 1e-9).floor() as i32).clamp(0, 12) as usize;
    format!("{lr:.digits$}")
}

/// A loss that went down by less than this fraction did not go down.
const FLAT: f32 = 1e-3;

/// The smallest learning rate from which no larger one in `points` learned: where the network
/// stops learning. `None` when the largest rate still learned.
pub fn stops_learning_at(points: &[SweepPoint]) -> Option<f64> {
    let mut sorted: Vec<&SweepPoint> = points.iter().collect();
    sorted.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    let last_learned = sorted.iter().rposition(|p| p.outcome.learned());
    let first_failed = last_learned.map_or(0, |i| i + 1);
    sorted.get(first_failed).map(|p| p.lr)
}

/// Trains `weights` on `splits` at every learning rate of `spec`, on up to `threads` worker
/// threads (burn's CPU backend, one run per thread), calling `on_point` as each finishes.
/// Once `stop` is set, no rate starts and the rates in training end within 64 epochs,
/// unreported.
pub fn sweep(
    splits: &Splits,
    weights: &Weights,
    batch_size: Option<usize>,
    spec: &SweepSpec,
    threads: usize,
    stop: &AtomicBool,
    mut on_point: impl FnMut(SweepPoint),
) -> Result<()> {
    let lrs = spec.learning_rates();
    let next = AtomicUsize::new(0);
    let (results, points) = channel();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, lrs.len()) {
            let results = results.clone();
            let (next, lrs) = (&next, &lrs);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&lr) = lrs.get(index) else { break };
                    let rate = Rate { lr, index };
                    let point = train_at(splits, weights, batch_size, spec.epochs, rate, stop);
                    let Some(point) = point.transpose() else {
                        break;
                    };
                    if results.send(point).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);
        for point in points {
            on_point(point?);
        }
        Ok(())
    })
}

/// One rate of a sweep, and its index in the sweep's list.
#[derive(Clone, Copy)]
struct Rate {
    lr: f64,
    index: usize,
}

/// `None` when `stop` was set before the training ended.
fn train_at(
    splits: &Splits,
    weights: &Weights,
    batch_size: Option<usize>,
    epochs: usize,
    Rate { lr, index }: Rate,
    stop: &AtomicBool,
) -> Result<Option<SweepPoint>> {
    let trained = std::panic::catch_unwind(|| {
        let device = Device::flex();
        let coeffs = Coeffs::from_weights(weights, &device);
        let mut run = Run::new(coeffs, DeviceData::new(splits, &device), lr);
        run.batch_size = batch_size;
        // Both losses of the same kind: the whole training split, before and after training.
        let train_loss = |run: &Run| -> Result<f32> {
            Ok(run.evaluate(Split::Train)?.map_or(f32::NAN, |e| e.loss))
        };
        let first = train_loss(&run)?;
        let mut finite = true;
        while run.epoch() < epochs && finite {
            if stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let metrics = run.steps(64.min(epochs - run.epoch()))?;
            finite = metrics.iter().all(|m| m.train_loss.is_finite());
        }
        let last = train_loss(&run)?;
        let valid = run.evaluate(Split::Valid)?;
        let health = run.health()?;
        let outcome = if !last.is_finite() || last > first {
            Outcome::Diverged
        } else if health.dead_units == health.hidden_units {
            Outcome::Dead
        } else if health.live_rows == 0 {
            Outcome::Stalled
        } else if last > first * (1.0 - FLAT) {
            Outcome::Flat
        } else {
            Outcome::Learned
        };
        Ok(Some(SweepPoint {
            lr,
            index,
            first_loss: first,
            train_loss: last,
            valid_loss: valid.map_or(f32::NAN, |e| e.loss),
            valid_accuracy: valid.map_or(f32::NAN, |e| e.accuracy),
            dead_units: health.dead_units,
            hidden_units: health.hidden_units,
            outcome,
        }))
    });
    trained.unwrap_or_else(|_| Err(Error::Backend(format!("training at lr {lr} panicked"))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSpec, load};
    use crate::model::network::init_weights;

    fn point(lr: f64, outcome: Outcome) -> SweepPoint {
        SweepPoint {
            lr,
            index: 0,
            first_loss: 0.5,
            train_loss: 0.2,
            valid_loss: 0.2,
            valid_accuracy: 0.8,
            dead_units: 0,
            hidden_units: 20,
            outcome,
        }
    }

    #[test]
    fn learning_rates_are_log_spaced_and_include_both_ends() {
        let spec = SweepSpec {
            from: 0.01,
            to: 100.0,
            steps: 5,
            epochs: 1,
        };
        let lrs = spec.learning_rates();
        let expected = [0.01, 0.1, 1.0, 10.0, 100.0];
        assert_eq!(lrs.len(), 5);
        for (got, want) in lrs.iter().zip(expected) {
            assert!((got / want - 1.0).abs() < 1e-9, "{lrs:?}");
        }
    }

    #[test]
    fn ranges_parse_or_say_why_not() {
        assert_eq!(SweepSpec::parse_range("0.01..100"), Ok((0.01, 100.0)));
        assert!(
            SweepSpec::parse_range("1..0.1")
                .unwrap_err()
                .contains("smaller")
        );
        assert!(
            SweepSpec::parse_range("0..1")
                .unwrap_err()
                .contains("positive")
        );
        assert!(SweepSpec::parse_range("5").unwrap_err().contains("range"));
    }

    #[test]
    fn learning_stops_where_no_larger_rate_learns() {
        use Outcome::*;
        let points = [
            point(10.0, Diverged),
            point(0.1, Learned),
            point(1.0, Learned),
            point(3.0, Stalled),
            point(0.01, Dead),
        ];
        assert_eq!(stops_learning_at(&points), Some(3.0));
        assert_eq!(stops_learning_at(&points[1..3]), None);
        assert_eq!(stops_learning_at(&[point(1.0, Diverged)]), Some(1.0));
    }

    /// The tutorial's network (seed 442) swept on two threads; the points as they finished.
    fn titanic_sweep(from: f64, to: f64, steps: usize, epochs: usize) -> Vec<SweepPoint> {
        let splits = load(&DataSpec::default()).unwrap();
        let weights = init_weights(splits.features().len(), &[20], 442);
        let spec = SweepSpec {
            from,
            to,
            steps,
            epochs,
        };
        let mut points = Vec::new();
        let stop = AtomicBool::new(false);
        sweep(&splits, &weights, None, &spec, 2, &stop, |p| points.push(p)).unwrap();
        points
    }

    /// One epoch at a tiny rate changes nothing: not "learned".
    #[test]
    fn a_rate_too_small_to_move_the_loss_is_flat() {
        let points = titanic_sweep(1e-6, 1e-5, 2, 1);
        assert!(
            points.iter().all(|p| p.outcome == Outcome::Flat),
            "{points:?}"
        );
        assert!(
            points.iter().all(|p| p.train_loss <= p.first_loss),
            "{points:?}"
        );
    }

    /// The tutorial's network learns at small rates and is broken by huge ones; every rate is
    /// reported once, with the same starting coefficients.
    #[test]
    fn a_sweep_on_titanic_finds_where_learning_stops() {
        let mut points = titanic_sweep(0.1, 1000.0, 5, 30);
        points.sort_by(|a, b| a.lr.total_cmp(&b.lr));
        assert_eq!(points.len(), 5);
        assert!(points.iter().all(|p| p.first_loss == points[0].first_loss));
        assert_eq!(points[0].outcome, Outcome::Learned, "{points:?}");
        assert!(points[0].train_loss < points[0].first_loss);
        assert!(!points[4].outcome.learned(), "{points:?}");
        let stop = stops_learning_at(&points).unwrap();
        assert!((1.0..=1000.0).contains(&stop), "{points:?}");
    }

    /// A stop ends the sweep early: no rate starts after it, and the rates in training end
    /// unreported.
    #[test]
    fn a_stopped_sweep_ends_without_the_remaining_rates() {
        let splits = load(&DataSpec::default()).unwrap();
        let weights = init_weights(splits.features().len(), &[20], 442);
        let spec = SweepSpec {
            from: 0.01,
            to: 0.1,
            steps: 8,
            epochs: 2000,
        };
        let stop = AtomicBool::new(true);
        let mut points = Vec::new();
        sweep(&splits, &weights, None, &spec, 2, &stop, |p| points.push(p)).unwrap();
        assert!(points.is_empty(), "{points:?}");

        stop.store(false, Ordering::Relaxed);
        sweep(&splits, &weights, None, &spec, 2, &stop, |p| {
            stop.store(true, Ordering::Relaxed);
            points.push(p);
        })
        .unwrap();
        // At most the rates that finished together on the two threads.
        assert!((1..=2).contains(&points.len()), "{points:?}");
    }
}
