//! Learning-rate sweeps: the same starting coefficients trained at log-spaced learning rates,
//! on parallel worker threads, to find where the network stops learning. Headless mode waits
//! for one; the dashboard's trainer runs one beside its run.

use super::data::{Batches, Split};
use super::run::Run;
use crate::data::Splits;
use crate::error::{Error, Result};
use crate::report::health::diagnose;
use crate::report::sweep::SweepPoint;
use crate::report::weights::Weights;
use crate::settings::{Method, SweepSpec};
use burn::tensor::Device;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::channel;

/// Trains `start` at every learning rate of `spec`, on up to `threads` worker threads (burn's CPU backend, one run per thread), calling `on_point` as
/// each finishes.
/// Once `stop` is set, no rate starts and the rates in training end within 64 epochs,
/// unreported.
pub fn sweep(
    start: &Start,
    spec: &SweepSpec,
    threads: usize,
    stop: &AtomicBool,
    mut on_point: impl FnMut(SweepPoint),
) -> Result<()> {
    let lrs = spec.learning_rates();
    let epochs = spec.epochs.get();
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
                    let point = train_at(start, epochs, rate, stop);
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

/// What a run beside the active one (a sweep's rate, a race's variant) starts from: the data,
/// the starting coefficients, how it steps through the rows and how it computes and learns.
#[derive(Debug, Clone, Copy)]
pub struct Start<'a> {
    pub splits: &'a Splits,
    pub weights: &'a Weights,
    pub batches: Batches,
    pub method: &'a Method,
}

impl Start<'_> {
    /// A run from here on the CPU at rate `lr`.
    pub fn run(&self, lr: f64) -> Run {
        let device = Device::flex();
        Run::from_weights(
            self.weights,
            self.splits,
            &device,
            lr,
            self.batches,
            self.method,
        )
    }
}

/// `None` when `stop` was set before the training ended.
fn train_at(
    start: &Start,
    epochs: usize,
    Rate { lr, index }: Rate,
    stop: &AtomicBool,
) -> Result<Option<SweepPoint>> {
    let trained = std::panic::catch_unwind(|| {
        let mut run = start.run(lr);
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
        let outcome = diagnose(first, last, Some(&health));
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
    use crate::data::load;
    use crate::model::network::init_weights;
    use crate::report::health::Outcome;
    use crate::report::sweep::stops_learning_at;
    use crate::settings::{Count, DataSpec, LrRange, Steps};

    fn spec(from: f64, to: f64, steps: usize, epochs: usize) -> SweepSpec {
        SweepSpec {
            range: LrRange { from, to },
            steps: Steps::new(steps).unwrap(),
            epochs: Count::new(epochs).unwrap(),
        }
    }

    #[test]
    fn learning_rates_are_log_spaced_and_include_both_ends() {
        let lrs = spec(0.01, 100.0, 5, 1).learning_rates();
        let expected = [0.01, 0.1, 1.0, 10.0, 100.0];
        assert_eq!(lrs.len(), 5);
        for (got, want) in lrs.iter().zip(expected) {
            assert!((got / want - 1.0).abs() < 1e-9, "{lrs:?}");
        }
    }

    #[test]
    fn ranges_parse_or_say_why_not() {
        let range = |text: &str| text.parse::<LrRange>().map(|r| (r.from, r.to));
        assert_eq!(range("0.01..100"), Ok((0.01, 100.0)));
        assert!(range("1..0.1").unwrap_err().contains("smaller"));
        assert!(range("0..1").unwrap_err().contains("positive"));
        assert!(range("5").unwrap_err().contains("range"));
    }

    fn start<'a>(splits: &'a Splits, weights: &'a Weights, method: &'a Method) -> Start<'a> {
        Start {
            splits,
            weights,
            batches: Batches::FULL,
            method,
        }
    }

    /// The tutorial's network (seed 442) swept on two threads; the points as they finished.
    fn titanic_sweep(from: f64, to: f64, steps: usize, epochs: usize) -> Vec<SweepPoint> {
        let splits = load(&DataSpec::default()).unwrap();
        let weights = init_weights(splits.features().len(), &[20], 442);
        let method = Method::default();
        let spec = spec(from, to, steps, epochs);
        let mut points = Vec::new();
        let stop = AtomicBool::new(false);
        sweep(&start(&splits, &weights, &method), &spec, 2, &stop, |p| {
            points.push(p);
        })
        .unwrap();
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
        let method = Method::default();
        let spec = spec(0.01, 0.1, 8, 2000);
        let stop = AtomicBool::new(true);
        let mut points = Vec::new();
        sweep(&start(&splits, &weights, &method), &spec, 2, &stop, |p| {
            points.push(p);
        })
        .unwrap();
        assert!(points.is_empty(), "{points:?}");

        stop.store(false, Ordering::Relaxed);
        sweep(&start(&splits, &weights, &method), &spec, 2, &stop, |p| {
            stop.store(true, Ordering::Relaxed);
            points.push(p);
        })
        .unwrap();
        // At most the rates that finished together on the two threads.
        assert!((1..=2).contains(&points.len()), "{points:?}");
    }
}
