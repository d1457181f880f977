//! What a run keeps of its past: the coefficients of its best validation epoch (Keras'
//! `restore_best_weights`), and marks to go back to an epoch of a read-back batch (to look at
//! the step an event came from, where it was taken).

use super::network::{Coeffs, Learner};
use super::readback::read_error;
use super::run::{Run, Watch};
use crate::error::Result;
use crate::random::Generator;
use crate::report::weights::Weights;
use burn::tensor::{Bool, Tensor};
use std::time::Instant;

/// The lowest validation loss so far and the coefficients that gave it, on the device: each
/// epoch selects between the kept ones and the new ones there, with no read-back.
#[derive(Debug, Clone)]
pub struct Best {
    loss: Tensor<1>,
    coeffs: Coeffs,
}

impl Best {
    /// Keeps `coeffs` when `loss` is lower than the best so far (a NaN loss never is; the
    /// first of equal losses stays, as the detector's best epoch does).
    pub(super) fn offer(&mut self, loss: &Tensor<1>, coeffs: &Coeffs) {
        let better: Tensor<1, Bool> = loss.clone().lower(self.loss.clone());
        self.loss = self.loss.clone().mask_where(better.clone(), loss.clone());
        let better: Tensor<2, Bool> = better.reshape([1, 1]);
        let kept = self.coeffs.detached();
        let new = coeffs.detached();
        let select = kept.tensors().zip(new.tensors()).map(|(old, now)| {
            let mask = better.clone().expand(old.shape());
            old.clone().mask_where(mask, now.clone())
        });
        if let Some(selected) = kept.with_tensors(select) {
            self.coeffs = selected;
        }
    }
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
    /// The same run, keeping the coefficients of its best validation epoch from now on.
    #[must_use]
    pub fn keeping_best(mut self) -> Self {
        self.keep_best();
        self
    }

    /// Keeps the coefficients of the best validation epoch from now on.
    pub fn keep_best(&mut self) {
        let device = self.data.valid.x.device();
        self.best = Some(Best {
            loss: Tensor::full([1], f32::INFINITY, &device),
            coeffs: self.coeffs.detached(),
        });
    }

    /// The coefficients of the best validation epoch so far, read back; `None` unless the run
    /// keeps them or before its first epoch.
    pub fn best_weights(&self) -> Result<Option<Weights>> {
        let Some(best) = self.best.as_ref().filter(|_| self.epoch > 0) else {
            return Ok(None);
        };
        let loss = best.loss.clone().into_data();
        let finite = loss
            .iter::<f32>()
            .next()
            .ok_or_else(|| read_error("no best loss was read back"))?;
        if !finite.is_finite() {
            return Ok(None);
        }
        Ok(Some(super::run::read_weights(&best.coeffs)?))
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
            watch: Watch::Off,
            best: None,
        };
        if epoch > mark.epoch {
            copy.steps(epoch - mark.epoch)?;
        }
        Ok(Some(copy))
    }
}
