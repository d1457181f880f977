//! A one-run learning-rate finder, as fastai's `lr_find`: one full-batch step per rate, the
//! rates growing exponentially, each step from the previous step's weights; the smoothed loss
//! against the rate, and fastai's suggestions from it.

use super::run::Run;
use crate::error::Result;
use crate::report::finder::{FinderStep, Finding, Smoother, suggest};
use crate::settings::FinderSpec;

/// Trains `run` one full-batch step at each rate of `spec`, from its current coefficients,
/// reporting each step to `on_step`; ends early once the smoothed loss passes 4× its best, or
/// when `stop` says so. The run is used up: pass a copy.
pub fn lr_find(
    run: &mut Run,
    spec: &FinderSpec,
    stop: &dyn Fn() -> bool,
    mut on_step: impl FnMut(&FinderStep),
) -> Result<Finding> {
    run.batch_size = None;
    let mut average = Smoother::default();
    let mut best = f32::INFINITY;
    let mut steps = Vec::new();
    let mut diverged = false;
    for (step, lr) in spec.rates().into_iter().enumerate() {
        if stop() {
            break;
        }
        run.lr = lr;
        let loss = run.step()?.train_loss;
        let smoothed = average.add(loss);
        let found = FinderStep {
            step,
            lr,
            loss,
            smoothed,
        };
        on_step(&found);
        steps.push(found);
        best = best.min(smoothed);
        if smoothed > 4.0 * best || smoothed.is_nan() {
            diverged = step + 1 < spec.steps.get();
            break;
        }
    }
    let suggestions = suggest(&steps, spec.steps.get());
    Ok(Finding {
        steps,
        diverged,
        suggestions,
    })
}
