//! What a run measures beside training, at its current coefficients: the step slice, its
//! units' health and activity (with their gradients), predictions and activations over the
//! plane.

use super::network::{self, Coeffs};
use super::readback::{read_error, scalars, vectors};
use super::reduce::{column_peaks, column_sums};
use super::run::Run;
use super::step::row_chunks;
use crate::error::Result;
use crate::report::dynamics::StepSlice;
use crate::report::health::{Health, SATURATION};
use crate::report::units::LayerUnits;
use crate::settings::Activation;
use burn::tensor::{Int, Tensor, TensorData, Transaction};

/// Hidden outputs (rows × units, all layers together) that [`Run::inspect`] makes at a time:
/// 16 MB of them, however many rows the run has.
pub const INSPECT_SUMS: usize = 1 << 22;

/// What [`Run::inspect`] has seen over some rows, on the device: each layer's column peaks
/// and active counts, the hidden layers' gradients, the predictions' range and the rows
/// whose prediction is not saturated.
struct Seen {
    peaks: Vec<Tensor<2>>,
    active: Vec<Tensor<2>>,
    grads: Option<Vec<Tensor<2>>>,
    min_pred: Tensor<1>,
    max_pred: Tensor<1>,
    live: Tensor<1>,
}

impl Seen {
    /// Over these rows and `other`'s.
    fn and(self, other: Seen) -> Seen {
        let pairs =
            |a: Vec<Tensor<2>>, b: Vec<Tensor<2>>, f: fn(Tensor<2>, Tensor<2>) -> Tensor<2>| {
                a.into_iter().zip(b).map(|(a, b)| f(a, b)).collect()
            };
        Seen {
            peaks: pairs(self.peaks, other.peaks, Tensor::max_pair),
            active: pairs(self.active, other.active, |a, b| a + b),
            grads: self
                .grads
                .zip(other.grads)
                .map(|(a, b)| pairs(a, b, |a, b| a + b)),
            min_pred: self.min_pred.min_pair(other.min_pred),
            max_pred: self.max_pred.max_pair(other.max_pred),
            live: self.live + other.live,
        }
    }
}

impl Run {
    /// The training loss along the current step's direction, [`StepSlice`]: L(w − t·grad)
    /// for each t of [`StepSlice::ts`] at the run's rate, L being the run's loss and grad that
    /// of what it differentiates (with the penalty, when there is one). On more than
    /// [`StepSlice::MAX_ROWS`] training rows, the gradient and the losses are those of that
    /// many rows, evenly spaced. The run is not changed.
    pub fn step_slice(&self) -> Result<StepSlice> {
        self.slice_along(StepSlice::ts(self.lr))
    }

    /// The same along [`StepSlice::wide`]: up to a thousand times the step.
    pub fn wide_slice(&self) -> Result<StepSlice> {
        self.slice_along(StepSlice::wide(self.lr))
    }

    /// The same along [`StepSlice::below`]: from a thousandth up to the step.
    pub fn slice_below(&self) -> Result<StepSlice> {
        self.slice_along(StepSlice::below(self.lr))
    }

    /// The step slice at the steps `ts`, which hold the run's rate.
    #[expect(
        clippy::cast_possible_wrap,
        reason = "row indices fit in memory, far below i64::MAX"
    )]
    fn slice_along(&self, ts: Vec<f64>) -> Result<StepSlice> {
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
        let grads = self.learner.objective(&self.coeffs, &loss).0.backward();
        let here = self.coeffs.detached();
        let directions: Vec<Tensor<2>> = self
            .coeffs
            .tensors()
            .zip(here.tensors())
            .map(|(coeff, value)| coeff.grad(&grads).unwrap_or_else(|| value.zeros_like()))
            .collect();
        let mut reads = Transaction::default();
        for &t in &ts {
            let moved = here
                .tensors()
                .zip(&directions)
                .map(|(w, g)| w.clone() - g.clone().mul_scalar(t));
            let at: Coeffs = here
                .with_tensors(moved)
                .ok_or_else(|| read_error("the coefficients lost a tensor"))?;
            reads = reads.register(network::calc_loss(&at, &x, &y));
        }
        let losses = scalars(reads)?;
        let at_lr = ts
            .iter()
            .zip(&losses)
            .find(|&(&t, _)| t == self.lr)
            .map_or(f32::NAN, |(_, &loss)| loss);
        Ok(StepSlice {
            epoch: self.epoch(),
            lr: self.lr,
            at_lr,
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

    /// Dead hidden units and the range of the predictions, on the training rows.
    pub fn health(&self) -> Result<Health> {
        Ok(self.inspect(false)?.0)
    }

    /// [`Run::health`], and each hidden layer's units: the share of training rows each is
    /// active on (above zero) and, with `grads`, the gradient norm of its incoming weights at
    /// the current coefficients (one backward pass more). One forward pass, one read-back.
    /// Only ReLU units die (zero on every row, so no gradient reaches them): a leaky ReLU,
    /// tanh, sigmoid or linear unit passes a gradient on every row, so its layer counts none.
    ///
    /// The rows go in chunks of at most [`INSPECT_SUMS`] hidden outputs, so a run that trains
    /// in little memory (the fused layer's) is looked at in little memory too.
    pub fn inspect(&self, grads: bool) -> Result<(Health, Vec<LayerUnits>)> {
        let hidden_units: usize = self.coeffs.hidden.iter().map(|l| l.dims()[1]).sum();
        self.inspect_in_chunks(grads, (INSPECT_SUMS / hidden_units.max(1)).max(1))
    }

    /// [`Run::inspect`] on chunks of `per_chunk` training rows.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "counts read back as f32 are whole numbers from 0 to the rows"
    )]
    pub(super) fn inspect_in_chunks(
        &self,
        grads: bool,
        per_chunk: usize,
    ) -> Result<(Health, Vec<LayerUnits>)> {
        let model = if grads {
            self.coeffs.clone()
        } else {
            self.coeffs.detached()
        };
        let train = &self.data.train;
        let rows = train.rows;
        let kinds = model.design.activations.clone();
        let hidden_units: usize = model.hidden.iter().map(|layer| layer.dims()[1]).sum();
        let seen = match row_chunks(&train.x, &train.y, Some(per_chunk)) {
            None => Some(self.look(
                &model,
                train.x.clone(),
                &train.y,
                grads.then_some((true, 1.0)),
            )),
            Some(parts) => parts
                .enumerate()
                .map(|(i, (x, y, share))| {
                    self.look(&model, x, &y, grads.then_some((i == 0, share)))
                })
                .reduce(Seen::and),
        };
        let Some(seen) = seen else {
            return Err(read_error("a run without training rows"));
        };
        let mut reads = Transaction::default();
        for (peak, active) in seen.peaks.into_iter().zip(seen.active) {
            reads = reads.register(peak).register(active);
        }
        for grad in seen.grads.iter().flatten() {
            reads = reads.register(grad.clone().mul(grad.clone()).sum_dim(0));
        }
        reads = reads
            .register(seen.min_pred)
            .register(seen.max_pred)
            .register(seen.live);
        let data = reads.try_execute().map_err(read_error)?;
        let values = data
            .iter()
            .map(|d| {
                d.try_to_vec::<f32>()
                    .map_err(|e| read_error(format!("{e:?}")))
            })
            .collect::<Result<Vec<Vec<f32>>>>()?;
        let first = |v: &Vec<f32>| v.first().copied().unwrap_or(f32::NAN);
        let can_die = |layer: usize| kinds.get(layer) == Some(&Activation::Relu);
        let layers = model.hidden.len();
        let (per_layer, rest) = values.split_at(2 * layers);
        let (grad_squares, range) = rest.split_at(rest.len().saturating_sub(3));
        let [min_pred, max_pred, live_rows] =
            [0, 1, 2].map(|i| range.get(i).map_or(f32::NAN, first));
        let units = per_layer
            .chunks_exact(2)
            .enumerate()
            .map(|(layer, pair)| {
                let grad = grad_squares.get(layer).map(Vec::as_slice);
                LayerUnits::from_counts(&pair[0], &pair[1], rows, grad).dying(can_die(layer))
            })
            .collect::<Vec<LayerUnits>>();
        let health = Health {
            dead_units: units.iter().map(LayerUnits::dead).sum(),
            hidden_units,
            min_pred,
            max_pred,
            live_rows: live_rows as usize,
        };
        Ok((health, units))
    }

    /// [`Run::inspect`]'s figures on the rows `x` (labels `y`), on the device. With `grads`,
    /// `(first, share)`: the hidden layers' gradients of this chunk's part of the loss (its
    /// mean weighted by its share of the rows), the penalty in the first chunk's.
    fn look(
        &self,
        model: &Coeffs,
        x: Tensor<2>,
        y: &Tensor<2>,
        grads: Option<(bool, f64)>,
    ) -> Seen {
        let mut activations = x;
        let (mut peaks, mut active) = (Vec::new(), Vec::new());
        for (layer, &activation) in model.hidden.iter().zip(model.design.activations.iter()) {
            activations = network::activate(activation, activations.matmul(layer.clone()));
            let plain = activations.clone().inner();
            // A unit is dead when its largest output over all rows is zero.
            peaks.push(column_peaks(plain.clone()));
            active.push(column_sums(plain.greater_elem(0.0).float()));
        }
        let preds = network::output(model, activations);
        let measured = grads.and_then(|(first, share)| {
            let mut loss = network::judge(model.design.loss, preds.clone(), y);
            if share < 1.0 {
                loss = loss.mul_scalar(share);
            }
            let objective = if first {
                self.learner.objective(model, &loss).0
            } else {
                loss
            };
            let gradients = objective.backward();
            model
                .hidden
                .iter()
                .map(|layer| layer.grad(&gradients))
                .collect::<Option<Vec<Tensor<2>>>>()
        });
        let preds = preds.inner();
        let live = (preds.clone() - 0.5)
            .abs()
            .lower_elem(0.5 - SATURATION)
            .float()
            .sum();
        Seen {
            peaks,
            active,
            grads: measured,
            min_pred: preds.clone().min(),
            max_pred: preds.max(),
            live,
        }
    }

    /// Each hidden layer's outputs (after its activation) at `inputs` (rows of as many values as the data has
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
        for (layer, &activation) in model.hidden.iter().zip(model.design.activations.iter()) {
            res = network::activate(activation, res.matmul(layer.clone()));
            reads = reads.register(res.clone());
        }
        vectors(reads)
    }
}
