//! A training run in progress: the network's coefficients and the data on one device, the
//! tutorial's `train_model`, and evaluation. What a run measures beside training (its units,
//! the step slice, the plane) is in [`super::inspect`].

use super::data::{Batches, DeviceData, Split};
use super::fused;
use super::keep::Best;
use super::network::{Coeffs, Learner, Stepped};
use super::readback::{read_error, scalars};
use super::schedule::ReadBackBatch;
use super::step::{TensorSums, execute_epoch_in, execute_epoch_watched, loss_and_accuracy_in};
use crate::data::Splits;
use crate::error::Result;
use crate::random::Generator;
use crate::report::dynamics::StepStats;
use crate::report::epoch::{EpochMetrics, Evaluation};
use crate::report::weights::{Matrix, Weights};
use crate::settings::{Method, RunSettings};
use burn::tensor::{Device, Int, Tensor, TensorData, Transaction};
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a run measures [`StepStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Watch {
    /// Not at all: the tutorial's epoch, nothing added.
    #[default]
    Off,
    /// At every epoch.
    Every,
    /// At the last epoch of each read-back batch: the dashboard's, every epoch of a paced run
    /// (one epoch per batch) and a sample at pace max.
    Sampled,
}

/// A training run in progress: coefficients, data, learning rate and epoch count.
#[derive(Debug)]
pub struct Run {
    pub coeffs: Coeffs,
    pub data: DeviceData,
    /// Used by the next epoch; may change between epochs.
    pub lr: f64,
    /// The update rule (with what it remembers between steps) and the penalties.
    pub learner: Learner,
    /// Rows per gradient step, in a fresh random order every epoch; `None` (or a size of at
    /// least the training rows) is the tutorial's full batch.
    pub batch_size: Option<usize>,
    /// Draws each epoch's order of the rows for mini-batches: one `torch.randperm` of the
    /// training rows per epoch, from `torch.Generator().manual_seed(seed)`.
    pub(super) order: Generator,
    pub(super) epoch: usize,
    pub(super) started: Instant,
    /// A pool of one thread that small runs train in (see [`threads_pay`]); `None` trains on
    /// rayon's global pool, every core.
    pub(super) pool: Option<Arc<ThreadPool>>,
    /// Rows per pass when a pass over every row (a full batch, a large mini-batch, the
    /// validation) would not fit whole: the same step, its gradients summed over chunks of
    /// this many rows (`model::memory::fit`). `None`: every pass whole.
    pub chunk: Option<usize>,
    /// Which epochs measure their gradient norms and update ratios.
    pub watch: Watch,
    /// The coefficients of the epoch with the lowest validation loss, kept on the device when
    /// asked for ([`Run::keeping_best`]).
    pub(super) best: Option<Best>,
}

/// Below this many rows × hidden units a CPU epoch is faster on one thread than spread over
/// several: burn-flex's ops are then too small to pay for rayon's hand-offs (`bench/scale.sh`
/// with THREADS=1 and 2: Titanic 79 against 118 µs, 10,000 × 256 11.4 against 15.6 ms, 100,000
/// × 256 162 against 123 ms; `BENCHMARKS.md` §9).
pub const PARALLEL_FROM: usize = 10_000_000;

/// Whether an epoch on `rows` training rows through hidden layers of `hidden` units gains from
/// more than one thread: from [`PARALLEL_FROM`], or where the last layer goes through the
/// fused op (`fused::MIN_SUMS`), whose blocks share out well: on 2 threads 10,000 × 20 → 256
/// took 3.3–3.8 ms an epoch against 5.1–5.3 on one, 100,000 × 20 → 20 5.5–6.6 against 8.0–8.2
/// (`BENCHMARKS.md` §15).
pub fn threads_pay(rows: usize, hidden: &[usize]) -> bool {
    let last = hidden.last().copied().unwrap_or_default();
    rows.saturating_mul(hidden.iter().sum()) >= PARALLEL_FROM
        || rows.saturating_mul(last) >= fused::MIN_SUMS
}

impl Run {
    /// A run from `weights` on `splits`, both copied to `device`, stepping `batch_size` rows
    /// at a time (`None`: the tutorial's full batch), computing and learning as `method` says.
    pub fn from_weights(
        weights: &Weights,
        splits: &Splits,
        device: &Device,
        lr: f64,
        batches: Batches,
        method: &Method,
    ) -> Self {
        let coeffs = Coeffs::from_weights(weights, device, method);
        let full_batch = batches.size.is_none_or(|size| size >= splits.train.rows());
        let data = DeviceData::for_network(splits, device, &weights.hidden_sizes(), full_batch);
        Run::new(coeffs, data, lr)
            .with_batches(batches)
            .learning(Learner::of(method))
    }

    /// A run from `weights` on `splits`, both copied to `device`, as `settings` say: their
    /// rate, batches and method.
    pub fn for_settings(
        weights: &Weights,
        splits: &Splits,
        device: &Device,
        settings: &RunSettings,
    ) -> Self {
        let (lr, batches) = (settings.lr.get(), Batches::of(settings));
        Run::from_weights(weights, splits, device, lr, batches, &settings.method)
    }

    /// A full-batch run (the tutorial's).
    pub fn new(coeffs: Coeffs, data: DeviceData, lr: f64) -> Self {
        let hidden: Vec<usize> = coeffs.hidden.iter().map(|t| t.dims()[1]).collect();
        // A pool that cannot start leaves the run on the global pool: slower, still right.
        let pool = (!threads_pay(data.train.rows, &hidden))
            .then(|| ThreadPoolBuilder::new().num_threads(1).build().ok())
            .flatten()
            .map(Arc::new);
        Run {
            coeffs,
            data,
            lr,
            learner: Learner::tutorial(),
            batch_size: None,
            order: Generator::manual_seed(0),
            epoch: 0,
            started: Instant::now(),
            pool,
            chunk: None,
            watch: Watch::Off,
            best: None,
        }
    }

    /// The same run, stepping as `batches` say.
    #[must_use]
    pub fn with_batches(mut self, batches: Batches) -> Self {
        self.batch_size = batches.size;
        self.order = Generator::manual_seed(batches.seed);
        self
    }

    /// The same run, taking each pass in chunks of `chunk` rows (see [`Run::chunk`]).
    #[must_use]
    pub fn in_chunks(mut self, chunk: Option<usize>) -> Self {
        self.chunk = chunk;
        self
    }

    /// The same run, learning with `learner`.
    #[must_use]
    pub fn learning(mut self, learner: Learner) -> Self {
        self.learner = learner;
        self
    }

    /// The same run, measuring its gradient statistics as `watch` says.
    #[must_use]
    pub fn watching(mut self, watch: Watch) -> Self {
        self.watch = watch;
        self
    }

    /// Epochs done so far.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Trains one epoch and evaluates the updated model on the validation split.
    pub fn step(&mut self) -> Result<EpochMetrics> {
        let mut metrics = self.steps(1)?;
        metrics
            .pop()
            .ok_or_else(|| read_error("no epoch was read back"))
    }

    /// Trains `epochs` epochs, evaluating the model on the validation split after each, and
    /// reads all their figures back at once: one device sync for the batch, so a GPU can run
    /// ahead of the host. The elapsed time of an epoch inside a batch is interpolated between
    /// the batch's start and the read-back.
    pub fn steps(&mut self, epochs: usize) -> Result<Vec<EpochMetrics>> {
        match self.pool.clone() {
            Some(pool) => pool.install(|| self.steps_here(epochs)),
            None => self.steps_here(epochs),
        }
    }

    fn steps_here(&mut self, epochs: usize) -> Result<Vec<EpochMetrics>> {
        let start = self.best.is_some().then(|| self.mark());
        let begun = self.started.elapsed();
        let mut reads = Transaction::default();
        let mut watched = Vec::with_capacity(epochs);
        for i in 0..epochs {
            let watch = match self.watch {
                Watch::Off => false,
                Watch::Every => true,
                Watch::Sampled => i + 1 == epochs,
            };
            let (stepped, sums) = match self.batch_size.filter(|&size| size < self.data.train.rows)
            {
                None => {
                    let (train, learner) = (&self.data.train, &mut self.learner);
                    let (x, y, lr) = (&train.x, &train.y, self.lr);
                    let chunk = self.chunk;
                    if watch {
                        execute_epoch_watched(&mut self.coeffs, x, y, lr, learner, chunk)
                    } else {
                        (
                            execute_epoch_in(&mut self.coeffs, x, y, lr, learner, chunk),
                            Vec::new(),
                        )
                    }
                }
                Some(size) => self.mini_batch_epoch(size, watch),
            };
            let valid = &self.data.valid;
            let (valid_loss, valid_accuracy) =
                loss_and_accuracy_in(&self.coeffs.detached(), &valid.x, &valid.y, self.chunk);
            reads = reads.register(stepped.loss);
            let penalised = stepped.penalty.is_some();
            if let Some(penalty) = stepped.penalty {
                reads = reads.register(penalty);
            }
            let stepped_elsewhere = sums.first().is_some_and(|s| s.step.is_some());
            watched.push((sums.len(), stepped_elsewhere, penalised));
            for TensorSums { grad, value, step } in sums {
                reads = reads.register(grad).register(value);
                if let Some(step) = step {
                    reads = reads.register(step);
                }
            }
            reads = reads.register(valid_loss).register(valid_accuracy);
        }
        let figures = scalars(reads)?;
        let took = self.started.elapsed().saturating_sub(begun);
        let first = self.epoch;
        self.epoch += epochs;
        let mut figures = figures.into_iter();
        let mut next = || figures.next().unwrap_or(f32::NAN);
        let metrics: Vec<EpochMetrics> = watched
            .into_iter()
            .enumerate()
            .map(|(i, (tensors, stepped_elsewhere, penalised))| {
                let train_loss = next();
                let penalty = penalised.then(&mut next);
                let width = if stepped_elsewhere { 3 } else { 2 };
                let sums: Vec<f32> = (0..width * tensors).map(|_| next()).collect();
                let column = |k: usize| -> Vec<f32> {
                    sums.chunks_exact(width).map(|tensor| tensor[k]).collect()
                };
                let stats = (tensors > 0).then(|| {
                    let (grads, values) = (column(0), column(1));
                    if stepped_elsewhere {
                        StepStats::from_steps(&grads, &values, &column(2))
                    } else {
                        StepStats::from_sums(&grads, &values, self.lr)
                    }
                });
                EpochMetrics {
                    epoch: first + i + 1,
                    train_loss,
                    penalty,
                    valid_loss: next(),
                    valid_accuracy: next(),
                    elapsed: begun + took.mul_f64((i + 1) as f64 / epochs as f64),
                    stats,
                }
            })
            .collect();
        if let Some(start) = start {
            self.note_best(&metrics, &start);
        }
        Ok(metrics)
    }

    /// One epoch of gradient steps on mini-batches of `size` rows in a fresh random order.
    /// Returns the epoch's training loss (and penalty): the mean of the batches' (each
    /// computed before its step), weighted by their rows; with `watch`, the last step's sums
    /// for [`StepStats`].
    #[expect(
        clippy::cast_possible_wrap,
        reason = "row indices fit in memory, far below i64::MAX"
    )]
    fn mini_batch_epoch(&mut self, size: usize, watch: bool) -> (Stepped, Vec<TensorSums>) {
        let train = &self.data.train;
        let order = self.order.randperm(train.rows);
        let device = train.x.device();
        let mut total: Option<Tensor<1>> = None;
        let mut penalty: Option<Tensor<1>> = None;
        let mut sums = Vec::new();
        let chunks = order.len().div_ceil(size);
        for (n, chunk) in order.chunks(size).enumerate() {
            let indices: Vec<i64> = chunk.iter().map(|&i| i as i64).collect();
            let indices =
                Tensor::<1, Int>::from_data(TensorData::new(indices, [chunk.len()]), &device);
            let x = train.x.clone().select(0, indices.clone());
            let y = train.y.clone().select(0, indices);
            let (coeffs, learner, lr) = (&mut self.coeffs, &mut self.learner, self.lr);
            let stepped = if watch && n + 1 == chunks {
                let (stepped, last) =
                    execute_epoch_watched(coeffs, &x, &y, lr, learner, self.chunk);
                sums = last;
                stepped
            } else {
                execute_epoch_in(coeffs, &x, &y, lr, learner, self.chunk)
            };
            let share = chunk.len() as f64 / train.rows as f64;
            add_share(&mut total, stepped.loss, share);
            if let Some(cost) = stepped.penalty {
                add_share(&mut penalty, cost, share);
            }
        }
        let loss = total.unwrap_or_else(|| Tensor::zeros([1], &device));
        (Stepped { loss, penalty }, sums)
    }

    /// Loss and accuracy of the current model on `split`; `None` when the run has no such split.
    pub fn evaluate(&self, split: Split) -> Result<Option<Evaluation>> {
        let Some(data) = self.data.get(split) else {
            return Ok(None);
        };
        let coeffs = self.coeffs.detached();
        let (loss, accuracy) = loss_and_accuracy_in(&coeffs, &data.x, &data.y, self.chunk);
        let reads = Transaction::default().register(loss).register(accuracy);
        let figures = scalars(reads)?;
        Ok(Some(Evaluation {
            loss: figures[0],
            accuracy: figures[1],
        }))
    }

    /// The current coefficients, read back from the device.
    pub fn weights(&self) -> Result<Weights> {
        read_weights(&self.coeffs)
    }
}

/// `sum += value · share`, from nothing at the first.
fn add_share(sum: &mut Option<Tensor<1>>, value: Tensor<1>, share: f64) {
    let value = value.mul_scalar(share);
    *sum = Some(match sum.take() {
        Some(sum) => sum + value,
        None => value,
    });
}

/// `coeffs` read back from the device.
pub(super) fn read_weights(coeffs: &Coeffs) -> Result<Weights> {
    let mut reads = Transaction::default();
    for tensor in coeffs.tensors() {
        reads = reads.register(tensor.clone().inner());
    }
    let data = reads.try_execute().map_err(read_error)?;
    let mut matrices = data
        .iter()
        .map(|d| {
            let shape = d.shape();
            let values = d
                .try_to_vec::<f32>()
                .map_err(|e| read_error(format!("{e:?}")))?;
            Ok(Matrix::new(shape[0], shape[1], values))
        })
        .collect::<Result<Vec<Matrix>>>()?;
    let bias = matrices.pop().map_or(0.0, |m| m.values[0]);
    let output = matrices
        .pop()
        .ok_or_else(|| read_error("missing output layer"))?;
    Ok(Weights {
        hidden: matrices,
        output,
        bias,
    })
}

/// The tutorial's `train_model`: `epochs` epochs of [`execute_epoch`] at the run's learning
/// rate, reporting each to `on_epoch`, which may end the run at once. Epochs are read back in
/// batches sized by [`ReadBackBatch`]; once `stop` says so, training ends after the current
/// batch, every epoch of it reported.
pub fn train_model(
    run: &mut Run,
    epochs: usize,
    stop: &dyn Fn() -> bool,
    on_epoch: impl FnMut(&EpochMetrics) -> ControlFlow<()>,
) -> Result<()> {
    train_model_checked(run, epochs, stop, on_epoch, |_| Ok(()))
}

/// [`train_model`], showing the run to `after_batch` after each read-back batch's epochs
/// have been reported (to measure its health, say).
pub fn train_model_checked(
    run: &mut Run,
    epochs: usize,
    stop: &dyn Fn() -> bool,
    mut on_epoch: impl FnMut(&EpochMetrics) -> ControlFlow<()>,
    mut after_batch: impl FnMut(&Run) -> Result<()>,
) -> Result<()> {
    let mut batch = ReadBackBatch::new(Duration::from_millis(10));
    let mut done = 0;
    while done < epochs && !stop() {
        let size = batch.get().min(epochs - done);
        let started = Instant::now();
        let metrics = run.steps(size)?;
        batch.record(started.elapsed());
        done += size;
        for m in &metrics {
            if on_epoch(m).is_break() {
                return Ok(());
            }
        }
        after_batch(run)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
