//! A race: variants of a run, each with its own settings, trained from the same starting
//! coefficients side by side on the CPU, one thread each. Headless mode waits for one; the
//! dashboard's trainer runs one beside its run.

use super::data::{Batches, Split};
use super::run::Run;
use super::schedule::ReadBackBatch;
use super::sweep::Start;
use crate::data::Splits;
use crate::error::{Error, Result, panic_text};
use crate::report::race::{RaceFinish, RaceLap, RacePoint};
use crate::report::weights::Weights;
use crate::settings::RunSettings;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// A lap (the epochs read back together and reported at once) takes about this long, so a
/// chart of the race moves several times a second.
const LAP: Duration = Duration::from_millis(40);

/// Trains each of `variants` (a run's settings each: its rate, batches and method) from
/// `weights` on `splits` for `epochs`, each on a thread of its own (burn's CPU backend),
/// handing each variant's epochs to `on_lap` (on the calling thread) as they come. Once
/// `stop` is set, each variant ends after its lap. Returns how each ended, in the variants'
/// order.
pub fn race(
    splits: &Splits,
    weights: &Weights,
    variants: &[RunSettings],
    epochs: usize,
    stop: &AtomicBool,
    mut on_lap: impl FnMut(RaceLap),
) -> Result<Vec<RaceFinish>> {
    let (laps, arrived) = channel();
    std::thread::scope(|scope| {
        let threads: Vec<_> = variants
            .iter()
            .enumerate()
            .map(|(variant, settings)| {
                let laps = laps.clone();
                scope.spawn(move || {
                    let on_lap = |lap| {
                        // The caller has stopped listening only when it is ending the race.
                        let _ = laps.send(lap);
                    };
                    let start = Start {
                        splits,
                        weights,
                        batches: Batches::of(settings),
                        method: &settings.method,
                    };
                    let trained = catch_unwind(AssertUnwindSafe(|| {
                        let run = start.run(settings.lr.get());
                        train(run, variant, epochs, stop, &on_lap)
                    }));
                    trained.unwrap_or_else(|payload| {
                        let why = panic_text(payload.as_ref());
                        Err(Error::Backend(format!(
                            "variant {} panicked: {why}",
                            variant + 1
                        )))
                    })
                })
            })
            .collect();
        drop(laps);
        for lap in arrived {
            on_lap(lap);
        }
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(Error::Backend("a variant's thread ended".into())))
            })
            .collect()
    })
}

/// One variant's training, lap after lap, until its epochs are done, its loss is not a
/// number, or `stop` is set.
fn train(
    mut run: Run,
    variant: usize,
    epochs: usize,
    stop: &AtomicBool,
    on_lap: &dyn Fn(RaceLap),
) -> Result<RaceFinish> {
    let train_loss =
        |run: &Run| -> Result<f32> { Ok(run.evaluate(Split::Train)?.map_or(f32::NAN, |e| e.loss)) };
    let first_loss = train_loss(&run)?;
    let mut lap = ReadBackBatch::new(LAP);
    let started = Instant::now();
    let mut finite = true;
    while run.epoch() < epochs && finite && !stop.load(Ordering::Relaxed) {
        let size = lap.get().min(epochs - run.epoch());
        let began = Instant::now();
        let metrics = run.steps(size)?;
        lap.record(began.elapsed());
        finite = metrics.iter().all(|m| m.train_loss.is_finite());
        let points = metrics
            .iter()
            .map(|m| RacePoint {
                epoch: m.epoch,
                train_loss: m.train_loss,
                valid_loss: m.valid_loss,
                valid_accuracy: m.valid_accuracy,
            })
            .collect();
        on_lap(RaceLap { variant, points });
    }
    let took = started.elapsed();
    let valid = run.evaluate(Split::Valid)?;
    Ok(RaceFinish {
        variant,
        epochs: run.epoch(),
        first_loss,
        train_loss: train_loss(&run)?,
        valid_loss: valid.map_or(f32::NAN, |e| e.loss),
        valid_accuracy: valid.map_or(f32::NAN, |e| e.accuracy),
        us_per_epoch: took.as_secs_f64() * 1e6 / run.epoch().max(1) as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::load;
    use crate::model::network::init_weights;
    use crate::settings::{DataSpec, Race};

    /// Every variant starts from the same coefficients: with one loss, the first epoch's loss
    /// (taken before the first update) is the same for all, and a variant's run is the run of
    /// its settings alone.
    #[test]
    fn variants_start_from_the_same_coefficients() {
        let splits = load(&DataSpec::default()).unwrap();
        let weights = init_weights(splits.features().len(), &[20], 442);
        let race: Race = "optimizer=sgd,momentum,adam".parse().unwrap();
        let variants = race.runs(&RunSettings::tutorial());
        let mut laps = Vec::new();
        let stop = AtomicBool::new(false);
        let finishes =
            super::race(&splits, &weights, &variants, 5, &stop, |lap| laps.push(lap)).unwrap();
        let first = |variant: usize| {
            let lap = laps.iter().find(|l| l.variant == variant).unwrap();
            lap.points[0]
        };
        assert_eq!(first(0).epoch, 1);
        assert_eq!(first(0).train_loss, first(1).train_loss);
        assert_eq!(first(0).train_loss, first(2).train_loss);
        assert_eq!(finishes.len(), 3);
        assert!(
            finishes
                .iter()
                .all(|f| f.first_loss == finishes[0].first_loss)
        );
        assert!(finishes.iter().all(|f| f.epochs == 5));
        // Adam's variant is the Adam run from the same seed.
        let mut alone = Run::for_settings(
            &weights,
            &splits,
            &burn::tensor::Device::flex(),
            &variants[2],
        );
        let losses: Vec<f32> = alone
            .steps(5)
            .unwrap()
            .iter()
            .map(|m| m.train_loss)
            .collect();
        let raced: Vec<f32> = laps
            .iter()
            .filter(|l| l.variant == 2)
            .flat_map(|l| l.points.iter().map(|p| p.train_loss))
            .collect();
        assert_eq!(raced, losses);
        assert_ne!(finishes[2].train_loss, finishes[0].train_loss);
    }
}
