//! What a run keeps of its past: where its best validation epoch was (Keras'
//! `restore_best_weights`), and marks to go back to an epoch of a read-back batch (to look at
//! the step an event came from, where it was taken). Both cost no work per epoch: the best
//! epoch's coefficients are trained again from the mark before its batch when they are asked
//! for (a batch is at most 256 epochs, about 10 ms).

use super::network::{Coeffs, Learner};
use super::run::{Run, Watch};
use crate::error::Result;
use crate::random::Generator;
use crate::report::epoch::EpochMetrics;
use crate::report::weights::Weights;
use std::time::Instant;

/// The lowest validation loss so far, its epoch, and the mark before its batch.
#[derive(Debug, Clone)]
pub struct Best {
    loss: f32,
    epoch: usize,
    mark: Option<Mark>,
}

/// A run as it stood before a read-back batch.
#[derive(Debug, Clone)]
pub struct Mark {
    coeffs: Coeffs,
    epoch: usize,
    lr: f64,
    learner: Learner,
    order: Generator,
}

impl Run {
    /// The same run, keeping where its best validation epoch was from now on.
    #[must_use]
    pub fn keeping_best(mut self) -> Self {
        self.keep_best();
        self
    }

    /// Keeps where the best validation epoch was from now on.
    pub fn keep_best(&mut self) {
        self.best = Some(Best {
            loss: f32::INFINITY,
            epoch: 0,
            mark: None,
        });
    }

    /// Notes a batch's epochs, trained from `start`: a lower validation loss (not NaN; the
    /// first of equal ones, as the detector's best epoch) becomes the best.
    pub(super) fn note_best(&mut self, metrics: &[EpochMetrics], start: &Mark) {
        let Some(best) = &mut self.best else { return };
        for m in metrics {
            if m.valid_loss < best.loss {
                best.loss = m.valid_loss;
                best.epoch = m.epoch;
                best.mark = Some(start.clone());
            }
        }
    }

    /// The coefficients of the best validation epoch so far, trained again from the mark
    /// before its batch; `None` unless the run keeps them and has had a finite validation loss.
    pub fn best_weights(&self) -> Result<Option<Weights>> {
        let Some(Best {
            epoch,
            mark: Some(mark),
            ..
        }) = &self.best
        else {
            return Ok(None);
        };
        if *epoch == self.epoch {
            return self.weights().map(Some);
        }
        self.replayed(mark, *epoch)?
            .map(|copy| copy.weights())
            .transpose()
    }

    /// Where the run stands, to come back to with [`Run::replayed`].
    pub fn mark(&self) -> Mark {
        Mark {
            coeffs: self.coeffs.clone(),
            epoch: self.epoch,
            lr: self.lr,
            learner: self.learner.clone(),
            order: self.order.clone(),
        }
    }

    /// A copy of the run as it stood after `epoch` epochs, trained again from `mark` (at its
    /// rate, its rows in the same order): `None` when `mark` is past `epoch` or the run is not
    /// there yet. The run itself is not changed.
    pub fn replayed(&self, mark: &Mark, epoch: usize) -> Result<Option<Run>> {
        if mark.epoch > epoch || epoch > self.epoch {
            return Ok(None);
        }
        let mut copy = Run {
            coeffs: mark.coeffs.clone(),
            data: self.data.clone(),
            lr: mark.lr,
            learner: mark.learner.clone(),
            batch_size: self.batch_size,
            order: mark.order.clone(),
            epoch: mark.epoch,
            started: Instant::now(),
            pool: self.pool.clone(),
            chunk: self.chunk,
            watch: Watch::Off,
            best: None,
        };
        if epoch > mark.epoch {
            copy.steps(epoch - mark.epoch)?;
        }
        Ok(Some(copy))
    }
}
