//! A training run in progress: the network's coefficients and the data on one device, the
//! tutorial's `train_model`, and evaluation.

use super::dynamics::{StepSlice, StepStats, Watch};
use super::network::{self, Coeffs, execute_epoch, execute_epoch_watched, loss_and_accuracy};
use super::report::{EpochMetrics, Evaluation, Health, SATURATION};
use super::units::LayerUnits;
use super::weights::{Matrix, Weights};
use crate::data::{Dataset, Splits};
use crate::error::{Error, Result};
use crate::random::Generator;
use crate::settings::{Count, RunSettings};
use burn::tensor::{Device, Int, Tensor, TensorData, Transaction};
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Features and labels of one split, on the device.
#[derive(Debug, Clone)]
pub struct SplitTensors {
    pub x: Tensor<2>,
    pub y: Tensor<2>,
    pub rows: usize,
}

impl SplitTensors {
    pub fn new(data: &Dataset, device: &Device) -> Self {
        let rows = data.rows();
        let x = TensorData::new(data.x.clone(), [rows, data.n_features()]);
        let y = TensorData::new(data.y.clone(), [rows, 1]);
        SplitTensors {
            x: Tensor::from_data(x, device),
            y: Tensor::from_data(y, device),
            rows,
        }
    }
}

/// Which split to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Valid,
    Test,
}

/// The data of a run on the device.
#[derive(Debug, Clone)]
pub struct DeviceData {
    pub train: SplitTensors,
    pub valid: SplitTensors,
    pub test: Option<SplitTensors>,
}

impl DeviceData {
    pub fn new(splits: &Splits, device: &Device) -> Self {
        DeviceData {
            train: SplitTensors::new(&splits.train, device),
            valid: SplitTensors::new(&splits.valid, device),
            test: (splits.test.rows() > 0).then(|| SplitTensors::new(&splits.test, device)),
        }
    }

    fn get(&self, split: Split) -> Option<&SplitTensors> {
        match split {
            Split::Train => Some(&self.train),
            Split::Valid => Some(&self.valid),
            Split::Test => self.test.as_ref(),
        }
    }
}

/// How an epoch steps: on every training row at once (`size` `None`, or at least the rows),
/// or on mini-batches of `size` rows in an order drawn anew each epoch from `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batches {
    pub size: Option<usize>,
    pub seed: u64,
}

impl Batches {
    /// The tutorial's full batch.
    pub const FULL: Batches = Batches {
        size: None,
        seed: 0,
    };

    /// The batches a run's settings ask for: their batch size, the order drawn from their seed.
    pub fn of(settings: &RunSettings) -> Self {
        Batches {
            size: settings.batch_size.map(Count::get),
            seed: settings.seed.get(),
        }
    }
}

/// A training run in progress: coefficients, data, learning rate and epoch count.
#[derive(Debug)]
pub struct Run {
    pub coeffs: Coeffs,
    pub data: DeviceData,
    /// Used by the next epoch; may change between epochs.
    pub lr: f64,
    /// Rows per gradient step, in a fresh random order every epoch; `None` (or a size of at
    /// least the training rows) is the tutorial's full batch.
    pub batch_size: Option<usize>,
    /// Draws each epoch's order of the rows for mini-batches: one `torch.randperm` of the
    /// training rows per epoch, from `torch.Generator().manual_seed(seed)`.
    order: Generator,
    epoch: usize,
    started: Instant,
    /// A pool of one thread that small runs train in (see [`threads_pay`]); `None` trains on
    /// rayon's global pool, every core.
    pool: Option<Arc<ThreadPool>>,
    /// Which epochs measure their gradient norms and update ratios.
    pub watch: Watch,
}

/// Below this many rows × hidden units a CPU epoch is faster on one thread than spread over
/// several: burn-flex's ops are then too small to pay for rayon's hand-offs (`bench/scale.sh`
/// with THREADS=1 and 2: Titanic 79 against 118 µs, 10,000 × 256 11.4 against 15.6 ms, 100,000
/// × 256 162 against 123 ms; `BENCHMARKS.md` §9).
pub const PARALLEL_FROM: usize = 10_000_000;

/// Whether an epoch on `rows` training rows through hidden layers of `hidden` units gains from
/// more than one thread.
pub fn threads_pay(rows: usize, hidden: &[usize]) -> bool {
    rows.saturating_mul(hidden.iter().sum()) >= PARALLEL_FROM
}

fn read_error(error: impl std::fmt::Display) -> Error {
    Error::Backend(format!(
        "reading results from the device failed: {}",
        one_line(&error.to_string())
    ))
}

/// A device error's report in one line: its first line and the deepest cause of that first
/// failure (`... (can't allocate buffer of size: 163840000)`).
fn one_line(report: &str) -> String {
    let mut lines = report.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default().to_string();
    let mut cause = None;
    let mut caused = false;
    for line in lines {
        if line == "Caused by:" {
            caused = true;
        } else if std::mem::take(&mut caused) {
            cause = Some(line);
        } else if cause.is_some() {
            break;
        }
    }
    match cause {
        Some(cause) if cause != first => format!("{first} ({cause})"),
        _ => first,
    }
}

/// The first value of each read-back tensor.
fn scalars(reads: Transaction) -> Result<Vec<f32>> {
    reads
        .try_execute()
        .map_err(read_error)?
        .iter()
        .map(|data| {
            data.iter::<f32>()
                .next()
                .ok_or_else(|| read_error("empty tensor"))
        })
        .collect()
}

impl Run {
    /// A run from `weights` on `splits`, both copied to `device`, stepping `batch_size` rows
    /// at a time (`None`: the tutorial's full batch).
    pub fn from_weights(
        weights: &Weights,
        splits: &Splits,
        device: &Device,
        lr: f64,
        batches: Batches,
    ) -> Self {
        let coeffs = Coeffs::from_weights(weights, device);
        Run::new(coeffs, DeviceData::new(splits, device), lr).with_batches(batches)
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
            batch_size: None,
            order: Generator::manual_seed(0),
            epoch: 0,
            started: Instant::now(),
            pool,
            watch: Watch::Off,
        }
    }

    /// The same run, stepping as `batches` say.
    #[must_use]
    pub fn with_batches(mut self, batches: Batches) -> Self {
        self.batch_size = batches.size;
        self.order = Generator::manual_seed(batches.seed);
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
        let begun = self.started.elapsed();
        let mut reads = Transaction::default();
        let mut watched = Vec::with_capacity(epochs);
        for i in 0..epochs {
            let watch = match self.watch {
                Watch::Off => false,
                Watch::Every => true,
                Watch::Sampled => i + 1 == epochs,
            };
            let (loss, sums) = match self.batch_size.filter(|&size| size < self.data.train.rows) {
                None => {
                    let train = &self.data.train;
                    if watch {
                        execute_epoch_watched(&mut self.coeffs, &train.x, &train.y, self.lr)
                    } else {
                        let loss = execute_epoch(&mut self.coeffs, &train.x, &train.y, self.lr);
                        (loss, Vec::new())
                    }
                }
                Some(size) => self.mini_batch_epoch(size, watch),
            };
            let valid = &self.data.valid;
            let (valid_loss, valid_accuracy) =
                loss_and_accuracy(&self.coeffs.detached(), &valid.x, &valid.y);
            reads = reads.register(loss);
            watched.push(sums.len());
            for [grad, value] in sums {
                reads = reads.register(grad).register(value);
            }
            reads = reads.register(valid_loss).register(valid_accuracy);
        }
        let figures = scalars(reads)?;
        let took = self.started.elapsed().saturating_sub(begun);
        let first = self.epoch;
        self.epoch += epochs;
        let mut figures = figures.into_iter();
        let mut next = || figures.next().unwrap_or(f32::NAN);
        Ok(watched
            .into_iter()
            .enumerate()
            .map(|(i, tensors)| {
                let train_loss = next();
                let sums: Vec<f32> = (0..2 * tensors).map(|_| next()).collect();
                let stats = (tensors > 0).then(|| {
                    let (grads, values): (Vec<f32>, Vec<f32>) =
                        sums.chunks_exact(2).map(|pair| (pair[0], pair[1])).unzip();
                    StepStats::from_sums(&grads, &values, self.lr)
                });
                EpochMetrics {
                    epoch: first + i + 1,
                    train_loss,
                    valid_loss: next(),
                    valid_accuracy: next(),
                    elapsed: begun + took.mul_f64((i + 1) as f64 / epochs as f64),
                    stats,
                }
            })
            .collect())
    }

    /// One epoch of gradient steps on mini-batches of `size` rows in a fresh random order.
    /// Returns the epoch's training loss: the mean of the batches' losses (each computed
    /// before its step), weighted by their rows; with `watch`, the last step's sums for
    /// [`StepStats`].
    #[expect(
        clippy::cast_possible_wrap,
        reason = "row indices fit in memory, far below i64::MAX"
    )]
    fn mini_batch_epoch(&mut self, size: usize, watch: bool) -> (Tensor<1>, Vec<[Tensor<1>; 2]>) {
        let train = &self.data.train;
        let order = self.order.randperm(train.rows);
        let device = train.x.device();
        let mut total: Option<Tensor<1>> = None;
        let mut sums = Vec::new();
        let chunks = order.len().div_ceil(size);
        for (n, chunk) in order.chunks(size).enumerate() {
            let indices: Vec<i64> = chunk.iter().map(|&i| i as i64).collect();
            let indices =
                Tensor::<1, Int>::from_data(TensorData::new(indices, [chunk.len()]), &device);
            let x = train.x.clone().select(0, indices.clone());
            let y = train.y.clone().select(0, indices);
            let loss = if watch && n + 1 == chunks {
                let (loss, last) = execute_epoch_watched(&mut self.coeffs, &x, &y, self.lr);
                sums = last;
                loss
            } else {
                execute_epoch(&mut self.coeffs, &x, &y, self.lr)
            };
            let loss = loss.mul_scalar(chunk.len() as f64 / train.rows as f64);
            total = Some(match total {
                Some(sum) => sum + loss,
                None => loss,
            });
        }
        (total.unwrap_or_else(|| Tensor::zeros([1], &device)), sums)
    }

    /// The training loss along the current step's direction, [`StepSlice`]: L(w − t·grad)
    /// for each t of [`StepSlice::ts`] at the run's rate. On more than
    /// [`StepSlice::MAX_ROWS`] training rows, the gradient and the losses are those of that
    /// many rows, evenly spaced. The run is not changed.
    #[expect(
        clippy::cast_possible_wrap,
        reason = "row indices fit in memory, far below i64::MAX"
    )]
    pub fn step_slice(&self) -> Result<StepSlice> {
        let train = &self.data.train;
        let (x, y, sampled) = if train.rows > StepSlice::MAX_ROWS {
            let n = StepSlice::MAX_ROWS;
            let indices: Vec<i64> = (0..n).map(|i| (i * train.rows / n) as i64).collect();
            let indices =
                Tensor::<1, Int>::from_data(TensorData::new(indices, [n]), &train.x.device());
            (
                train.x.clone().select(0, indices.clone()),
                train.y.clone().select(0, indices),
                Some(n),
            )
        } else {
            (train.x.clone(), train.y.clone(), None)
        };
        let loss = network::calc_loss(&self.coeffs, &x, &y);
        let grads = loss.backward();
        let here = self.coeffs.detached();
        let directions: Vec<Tensor<2>> = self
            .coeffs
            .tensors()
            .zip(here.tensors())
            .map(|(coeff, value)| coeff.grad(&grads).unwrap_or_else(|| value.zeros_like()))
            .collect();
        let ts = StepSlice::ts(self.lr);
        let mut reads = Transaction::default();
        for &t in &ts {
            let mut moved = here
                .tensors()
                .zip(&directions)
                .map(|(w, g)| w.clone() - g.clone().mul_scalar(t));
            let mut hidden = Vec::with_capacity(here.hidden.len());
            for _ in 0..here.hidden.len() {
                hidden.extend(moved.next());
            }
            let (Some(output), Some(bias)) = (moved.next(), moved.next()) else {
                return Err(read_error("the coefficients lost a tensor"));
            };
            let at = Coeffs {
                hidden,
                output,
                bias,
            };
            reads = reads.register(network::calc_loss(&at, &x, &y));
        }
        let losses = scalars(reads)?;
        Ok(StepSlice {
            epoch: self.epoch,
            lr: self.lr,
            at_lr: losses[StepSlice::AT_LR],
            points: ts.into_iter().zip(losses).collect(),
            sampled,
        })
    }

    /// P(class 1) for each row of `inputs` (rows of as many values as the data has
    /// features), from the current model.
    pub fn predict(&self, inputs: &[f32]) -> Result<Vec<f32>> {
        let features = self.data.train.x.dims()[1];
        let rows = inputs.len() / features.max(1);
        if rows == 0 {
            return Ok(Vec::new());
        }
        let device = self.data.train.x.device();
        let x = Tensor::<2>::from_data(
            TensorData::new(inputs[..rows * features].to_vec(), [rows, features]),
            &device,
        );
        let preds = network::calc_preds(&self.coeffs.detached(), &x);
        preds
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| read_error(format!("{e:?}")))
    }

    /// Loss and accuracy of the current model on `split`; `None` when the run has no such split.
    pub fn evaluate(&self, split: Split) -> Result<Option<Evaluation>> {
        let Some(data) = self.data.get(split) else {
            return Ok(None);
        };
        let (loss, accuracy) = loss_and_accuracy(&self.coeffs.detached(), &data.x, &data.y);
        let reads = Transaction::default().register(loss).register(accuracy);
        let figures = scalars(reads)?;
        Ok(Some(Evaluation {
            loss: figures[0],
            accuracy: figures[1],
        }))
    }

    /// Dead hidden units and the range of the predictions, on the training rows.
    pub fn health(&self) -> Result<Health> {
        Ok(self.inspect(false)?.0)
    }

    /// [`Run::health`], and each hidden layer's units: the share of training rows each is
    /// active on and, with `grads`, the gradient norm of its incoming weights at the current
    /// coefficients (one backward pass more). One forward pass, one read-back.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "counts read back as f32 are whole numbers from 0 to the rows"
    )]
    pub fn inspect(&self, grads: bool) -> Result<(Health, Vec<LayerUnits>)> {
        let model = if grads {
            self.coeffs.clone()
        } else {
            self.coeffs.detached()
        };
        let mut reads = Transaction::default();
        let mut activations = self.data.train.x.clone();
        let mut hidden_units = 0;
        for layer in &model.hidden {
            activations = burn::tensor::activation::relu(activations.matmul(layer.clone()));
            hidden_units += layer.dims()[1];
            let plain = activations.clone().inner();
            // A unit is dead when its largest output over all rows is zero.
            let peak = plain.clone().max_dim(0);
            let active = plain.greater_elem(0.0).float().sum_dim(0);
            reads = reads.register(peak).register(active);
        }
        let preds = network::output(&model, activations);
        let measured = grads.then(|| {
            let loss = network::mean_absolute_error(preds.clone(), &self.data.train.y);
            let gradients = loss.backward();
            model
                .hidden
                .iter()
                .map(|layer| layer.grad(&gradients))
                .collect::<Option<Vec<Tensor<2>>>>()
        });
        let measured = measured.flatten();
        for grad in measured.iter().flatten() {
            reads = reads.register(grad.clone().mul(grad.clone()).sum_dim(0));
        }
        let preds = preds.inner();
        let live = (preds.clone() - 0.5)
            .abs()
            .lower_elem(0.5 - SATURATION)
            .float()
            .sum();
        reads = reads
            .register(preds.clone().min())
            .register(preds.max())
            .register(live);
        let data = reads.try_execute().map_err(read_error)?;
        let values = data
            .iter()
            .map(|d| {
                d.try_to_vec::<f32>()
                    .map_err(|e| read_error(format!("{e:?}")))
            })
            .collect::<Result<Vec<Vec<f32>>>>()?;
        let first = |v: &Vec<f32>| v.first().copied().unwrap_or(f32::NAN);
        let dead = |peaks: &[f32]| peaks.iter().filter(|&&p| p == 0.0).count();
        let layers = model.hidden.len();
        let (per_layer, rest) = values.split_at(2 * layers);
        let (grad_squares, range) = rest.split_at(rest.len().saturating_sub(3));
        let [min_pred, max_pred, live_rows] =
            [0, 1, 2].map(|i| range.get(i).map_or(f32::NAN, first));
        let rows = self.data.train.rows;
        let units = per_layer
            .chunks_exact(2)
            .enumerate()
            .map(|(layer, pair)| {
                let grad = grad_squares.get(layer).map(Vec::as_slice);
                LayerUnits::from_counts(&pair[0], &pair[1], rows, grad)
            })
            .collect();
        let health = Health {
            dead_units: per_layer.chunks_exact(2).map(|pair| dead(&pair[0])).sum(),
            hidden_units,
            min_pred,
            max_pred,
            live_rows: live_rows as usize,
        };
        Ok((health, units))
    }

    /// Each hidden layer's ReLU outputs at `inputs` (rows of as many values as the data has
    /// features): `rows × units` values per layer, row-major.
    pub fn activations(&self, inputs: &[f32]) -> Result<Vec<Vec<f32>>> {
        let features = self.data.train.x.dims()[1];
        let rows = inputs.len() / features.max(1);
        let model = self.coeffs.detached();
        if rows == 0 {
            return Ok(vec![Vec::new(); model.hidden.len()]);
        }
        let device = self.data.train.x.device();
        let mut res = Tensor::<2>::from_data(
            TensorData::new(inputs[..rows * features].to_vec(), [rows, features]),
            &device,
        );
        let mut reads = Transaction::default();
        for layer in &model.hidden {
            res = burn::tensor::activation::relu(res.matmul(layer.clone()));
            reads = reads.register(res.clone());
        }
        reads
            .try_execute()
            .map_err(read_error)?
            .iter()
            .map(|d| {
                d.try_to_vec::<f32>()
                    .map_err(|e| read_error(format!("{e:?}")))
            })
            .collect()
    }

    /// The current coefficients, read back from the device.
    pub fn weights(&self) -> Result<Weights> {
        let mut reads = Transaction::default();
        for tensor in self.coeffs.tensors() {
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

/// A share of the time for occasional extra work (health checks, step slices): the work is
/// due again once the time since it ran is at least `1 / share − 1` times what it took, so it
/// takes at most about `share` of the time.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    share: f64,
    next: Option<Instant>,
}

impl Budget {
    pub fn new(share: f64) -> Self {
        Budget { share, next: None }
    }

    /// Whether the work may run now (it always may the first time).
    pub fn due(&self) -> bool {
        self.next.is_none_or(|next| Instant::now() >= next)
    }

    /// The work just ran and took `took`.
    pub fn spent(&mut self, took: Duration) {
        self.next = Some(Instant::now() + took.mul_f64(1.0 / self.share - 1.0));
    }
}

/// How many epochs to train between read-backs: doubles while a batch takes less than half
/// the target time, halves when one takes longer than the target, within `1..=`[`Self::MAX`].
/// Few syncs when epochs are fast; a prompt reply to commands when they are slow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadBackBatch {
    size: usize,
    target: Duration,
}

impl ReadBackBatch {
    pub const MAX: usize = 256;

    /// Starts at one epoch.
    pub fn new(target: Duration) -> Self {
        ReadBackBatch { size: 1, target }
    }

    pub fn get(&self) -> usize {
        self.size
    }

    /// Adjusts the size after a batch of [`Self::get`] epochs took `took`.
    pub fn record(&mut self, took: Duration) {
        if took > self.target {
            self.size = (self.size / 2).max(1);
        } else if took < self.target / 2 {
            self.size = (self.size * 2).min(Self::MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::init_coeffs;
    use crate::settings::DataSpec;

    fn titanic_run(lr: f64, hidden: &[usize], seed: u64) -> Run {
        let splits = crate::data::load(&DataSpec::default()).unwrap();
        let device = Device::flex();
        let coeffs = init_coeffs(splits.features().len(), hidden, seed, &device);
        Run::new(coeffs, DeviceData::new(&splits, &device), lr)
    }

    /// Each unit's gradient is a column of the layer's: together they make the tensor's norm,
    /// which the seeded tests hold to PyTorch's; a unit active on no row is a dead one.
    #[test]
    fn unit_gradients_make_up_the_layers_and_dead_units_are_inactive() {
        let mut run = titanic_run(20.0, &[20], 442).watching(Watch::Every);
        let at_start = run.health().unwrap().dead_units;
        run.steps(1).unwrap();
        let (health, units) = run.inspect(true).unwrap();
        let stats = run.step().unwrap().stats.unwrap();
        let columns = units[0].grad_norm.as_ref().unwrap();
        let total = columns.iter().map(|g| g * g).sum::<f32>().sqrt();
        assert!(
            (total - stats.grad_norm[0]).abs() <= 1e-5 * stats.grad_norm[0],
            "{total} against {}",
            stats.grad_norm[0]
        );
        let inactive = units[0].active.iter().filter(|&&a| a == 0.0).count();
        assert_eq!(inactive, health.dead_units);
        assert_eq!(
            (at_start, health.dead_units),
            (1, 8),
            "lr 20's first step kills 7 of the 20 units"
        );
        assert!(units[0].active.iter().all(|a| (0.0..=1.0).contains(a)));
        assert_eq!(run.inspect(false).unwrap().1[0].grad_norm, None);
    }

    /// tests/fixtures/reference.py slice: the tutorial's run after a few epochs, and the loss
    /// along its next step in PyTorch.
    #[test]
    fn the_step_slice_matches_pytorch() {
        for (name, verdict) in [
            (
                "tutorial-lr20",
                "lr 20.0 overshoots: lands at 0.391, best 0.204 at t = 2.50",
            ),
            (
                "tutorial-lr1.4",
                "lr 1.40 undershoots: lands at 0.484, best 0.446 at t = 4.20, the end of the slice (the loss still falls)",
            ),
            (
                "tutorial-lr0.1",
                "lr 0.100 undershoots: lands at 0.535, best 0.534 at t = 0.300, the end of the slice (the loss still falls)",
            ),
        ] {
            let path = format!(
                "{}/tests/fixtures/seeded/{name}/slice.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let expected: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let lr = expected["lr"].as_f64().unwrap();
            let mut run = titanic_run(lr, &[20], 442);
            let epochs = expected["epochs"].as_u64().unwrap();
            for _ in 0..epochs {
                run.step().unwrap();
            }
            let slice = run.step_slice().unwrap();
            assert_eq!(slice.sampled, None);
            let points = expected["points"].as_array().unwrap();
            assert_eq!(slice.points.len(), points.len());
            for (&(t, loss), want) in slice.points.iter().zip(points) {
                assert!(
                    (t - want[0].as_f64().unwrap()).abs() < 1e-12,
                    "{name}: t {t}"
                );
                let want = want[1].as_f64().unwrap();
                assert!(
                    (f64::from(loss) - want).abs() < 1e-5,
                    "{name} t {t}: {loss} vs PyTorch {want}"
                );
            }
            assert_eq!(slice.verdict(), verdict);
            // At t = lr the slice is where the next epoch's step lands: the loss that the
            // epoch after it reports (the tutorial's loss is taken before the update).
            run.step().unwrap();
            let next = run.step().unwrap().train_loss;
            assert!(
                (next - slice.at_lr).abs() < 1e-6,
                "{name}: {next} vs {}",
                slice.at_lr
            );
        }
    }

    #[test]
    fn a_healthy_run_has_live_rows_and_a_prediction_range() {
        let run = titanic_run(0.1, &[20], 442);
        let health = run.health().unwrap();
        assert_eq!(health.hidden_units, 20);
        assert_eq!(health.live_rows, 713);
        assert!(
            0.0 < health.min_pred && health.min_pred < health.max_pred && health.max_pred < 1.0
        );
    }

    #[test]
    fn a_huge_learning_rate_saturates_every_row() {
        let mut run = titanic_run(1000.0, &[8], 1);
        for _ in 0..20 {
            run.step().unwrap();
        }
        let health = run.health().unwrap();
        assert_eq!(health.live_rows, 0, "{health:?}");
    }

    #[test]
    fn a_batch_reports_the_same_epochs_as_single_steps() {
        let mut single = titanic_run(1.4, &[20], 442);
        let mut batched = titanic_run(1.4, &[20], 442);
        let one_by_one: Vec<EpochMetrics> = (0..5).map(|_| single.step().unwrap()).collect();
        let together = batched.steps(5).unwrap();
        assert_eq!(batched.epoch(), 5);
        assert_eq!(together.len(), 5);
        for (a, b) in one_by_one.iter().zip(&together) {
            assert_eq!(a.epoch, b.epoch);
            assert_eq!(
                (a.train_loss, a.valid_loss, a.valid_accuracy),
                (b.train_loss, b.valid_loss, b.valid_accuracy)
            );
        }
        assert!(together.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    }

    #[test]
    fn a_batch_as_large_as_the_data_is_the_full_batch() {
        let mut full = titanic_run(1.4, &[20], 442);
        let mut whole = titanic_run(1.4, &[20], 442);
        whole.batch_size = Some(713);
        assert_eq!(
            full.steps(3).unwrap()[2].train_loss,
            whole.steps(3).unwrap()[2].train_loss
        );
    }

    #[test]
    fn mini_batches_take_several_steps_per_epoch_and_repeat_exactly() {
        let mut full = titanic_run(0.1, &[20], 442);
        let mut mini = titanic_run(0.1, &[20], 442);
        let mut again = titanic_run(0.1, &[20], 442);
        mini.batch_size = Some(64);
        again.batch_size = Some(64);
        let full = full.steps(5).unwrap();
        let mini = mini.steps(5).unwrap();
        // The first epoch's loss averages losses taken along the way, so it differs already;
        // 12 steps per epoch learn faster than one at this small learning rate.
        assert_ne!(mini[0].train_loss, full[0].train_loss);
        assert!(
            mini[4].train_loss < full[4].train_loss,
            "{mini:?} vs {full:?}"
        );
        let figures = |m: &[EpochMetrics]| -> Vec<(f32, f32, f32)> {
            m.iter()
                .map(|m| (m.train_loss, m.valid_loss, m.valid_accuracy))
                .collect()
        };
        assert_eq!(figures(&mini), figures(&again.steps(5).unwrap()));
    }

    #[test]
    fn the_batch_size_follows_the_time_a_batch_takes() {
        let target = Duration::from_millis(10);
        let mut batch = ReadBackBatch::new(target);
        assert_eq!(batch.get(), 1);
        batch.record(Duration::from_millis(1));
        batch.record(Duration::from_millis(4));
        assert_eq!(batch.get(), 4);
        batch.record(Duration::from_millis(7));
        assert_eq!(
            batch.get(),
            4,
            "between half the target and the target it stays"
        );
        batch.record(Duration::from_millis(30));
        assert_eq!(batch.get(), 2);
        for _ in 0..20 {
            batch.record(Duration::ZERO);
        }
        assert_eq!(batch.get(), ReadBackBatch::MAX);
        for _ in 0..20 {
            batch.record(Duration::from_secs(1));
        }
        assert_eq!(batch.get(), 1);
    }

    #[test]
    fn a_device_error_is_one_line() {
        let report = "An error happened during execution\nCaused by:\n  Several failures at once\n\
                      Caused by:\n  The bytes were never written\nCaused by:\n  An IO error happened\n\
                      Caused by:\n  can't allocate buffer of size: 163840000\n\
                      The bytes were never written (failure #17409)\n  skipped `ReduceKernel`";
        assert_eq!(
            one_line(report),
            "An error happened during execution (can't allocate buffer of size: 163840000)"
        );
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn weights_read_back_as_they_went_in() {
        let weights = network::init_weights(12, &[5, 3], 9);
        let splits = crate::data::load(&DataSpec::default()).unwrap();
        let device = Device::flex();
        let coeffs = Coeffs::from_weights(&weights, &device);
        let run = Run::new(coeffs, DeviceData::new(&splits, &device), 0.1);
        assert_eq!(run.weights().unwrap(), weights);
    }
}

#[cfg(test)]
mod saturation_tests {
    use super::*;
    use crate::settings::{DataSpec, Scale, Source, TableSpec};
    use std::path::PathBuf;

    /// The PyTorch reference run at hidden 32, lr 60: after 30 epochs every prediction is
    /// exactly 0 or 1 and 12 of 32 units are dead (measured in PyTorch).
    #[test]
    fn the_saturated_reference_run_has_no_live_rows() {
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let spec = DataSpec {
            source: Source::File {
                path: fixtures.join("seed-lr1.4/train.csv"),
                table: TableSpec {
                    valid: Some(fixtures.join("seed-lr1.4/valid.csv")),
                    scale: Scale::None,
                    ..TableSpec::default()
                },
            },
            ..DataSpec::default()
        };
        let splits = crate::data::load(&spec).unwrap();
        let weights = Weights::load(&fixtures.join("seed442-h32-lr60/init.safetensors")).unwrap();
        let device = Device::flex();
        let coeffs = Coeffs::from_weights(&weights, &device);
        let mut run = Run::new(coeffs, DeviceData::new(&splits, &device), 60.0);
        for _ in 0..30 {
            run.step().unwrap();
        }
        let health = run.health().unwrap();
        assert_eq!((health.dead_units, health.hidden_units), (12, 32));
        assert_eq!(health.live_rows, 0, "{health:?}");
        assert_eq!((health.min_pred, health.max_pred), (0.0, 1.0));
    }
}
