//! One epoch walked through the tutorial's functions with the run's own numbers
//! ([`crate::report::walk`]): `calc_preds` layer by layer, `calc_loss`, `backward()`,
//! `update_coeffs` and `model_accuracy`, computed as the run computes them on its device, on a
//! copy of its coefficients (the run is not changed), and one weight's gradient worked by hand
//! ([`hand`]). Only computed when asked for: nothing here runs in the training loop.

pub mod hand;

use super::data::{DeviceData, SplitTensors};
use super::network::{
    self, Coeffs, Design, Learner, activate, calc_loss, calc_preds, product, row_losses,
};
use super::readback::vectors;
use super::run::{Run, read_weights};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::walk::{
    AccuracyWalk, InitWalk, LayerWalk, LossWalk, OutputWalk, SHOWN_ENTRIES, SHOWN_ROWS,
    SHOWN_UNITS, TensorGrad, UpdateWalk, Walk, WalkFocus,
};
use crate::report::weights::{Weights, tensor_names};
use crate::settings::{Activation, Method};
use burn::tensor::{Tensor, Transaction};
use hand::Penalties;

/// What a walk needs beside the run: the training rows on the host (the hand-worked gradient
/// is worked there), the run's start and update rule, and the weight to work by hand.
#[derive(Debug, Clone, Copy)]
pub struct WalkInputs<'a> {
    pub train: &'a Dataset,
    pub init: &'a InitWalk,
    pub method: &'a Method,
    pub focus: WalkFocus,
}

impl Run {
    /// The walk of the run's next epoch, from its current coefficients and its update rule's
    /// memory.
    pub fn walk(&self, inputs: &WalkInputs) -> Result<Walk> {
        let weights = read_weights(&self.coeffs)?;
        let start = Start {
            coeffs: &self.coeffs,
            weights: &weights,
            learner: self.learner.clone(),
            remembered: true,
        };
        self.walk_with(start, self.epoch + 1, self.lr, inputs)
    }

    /// The walk of epoch `epoch` from `weights`, the coefficients after `epoch − 1` epochs (a
    /// snapshot's), at rate `lr`, on this run's data: replay. The update rule starts without
    /// memory (it is not kept with snapshots).
    pub fn walk_from(
        &self,
        weights: &Weights,
        epoch: usize,
        lr: f64,
        inputs: &WalkInputs,
    ) -> Result<Walk> {
        let device = self.data.train.x.device();
        let coeffs = Coeffs::from_weights(weights, &device, inputs.method);
        let learner = Learner::of(inputs.method);
        let start = Start {
            coeffs: &coeffs,
            weights,
            remembered: !learner.steps_elsewhere(),
            learner,
        };
        self.walk_with(start, epoch, lr, inputs)
    }

    fn walk_with(&self, start: Start, epoch: usize, lr: f64, inputs: &WalkInputs) -> Result<Walk> {
        let train = &self.data.train;
        super::memory::whole_pass_fits(train.rows, &start.weights.hidden_sizes()).map_err(
            |why| {
                Error::Usage(format!(
                    "walking every training row through each layer whole {why}; walk a \
                     run with fewer rows or units"
                ))
            },
        )?;
        let mut reads = Reads::default();
        let forward = Forward::register(start.coeffs, train, &mut reads);
        let focus = inputs.focus.within(start.weights);
        let backward = Backward::register(start, focus, lr, &self.data, &mut reads);
        let values = reads.read()?;
        let features = inputs.train.n_features().max(1);
        let shown_inputs = inputs
            .train
            .x
            .chunks(features)
            .take(SHOWN_ROWS.min(train.rows));
        let (grads, update, accuracy) =
            backward.reports(&values, inputs.method, self.data.valid.rows);
        let hand = hand::by_hand(
            backward.weights,
            &backward.design,
            backward.penalties,
            inputs.train,
            focus,
            update.grad,
        );
        Ok(Walk {
            epoch,
            lr,
            features: inputs.train.features.clone(),
            train_rows: train.rows,
            inputs: shown_inputs.map(<[f32]>::to_vec).collect(),
            layers: forward.layers(&values),
            output: OutputWalk {
                inputs: backward.weights.output.rows,
                bias: backward.weights.bias,
                preds: value(&values, forward.preds).to_vec(),
                targets: value(&values, forward.targets).to_vec(),
            },
            loss: LossWalk {
                kind: backward.design.loss,
                terms: value(&values, forward.terms).to_vec(),
                loss: first(&values, backward.loss),
                penalty: backward.penalty.map(|i| {
                    let Penalties { l1, l2 } = backward.penalties;
                    (l1, l2, first(&values, i))
                }),
            },
            grads,
            update,
            accuracy,
            init: inputs.init.clone(),
            hand,
            batch_size: self.batch_size.filter(|&size| size < train.rows),
        })
    }
}

/// The coefficients a walk starts from, on the device and on the host, and the update rule
/// with whatever it remembers.
struct Start<'a> {
    coeffs: &'a Coeffs,
    weights: &'a Weights,
    learner: Learner,
    /// Whether the rule's memory is the run's.
    remembered: bool,
}

/// `calc_preds` layer by layer, as the run computes it: what is read back of it.
struct Forward {
    /// Per hidden layer: its activation, `[inputs, units]`, and the indices of its shown sums,
    /// shown activations, zeroed share and share below zero.
    layers: Vec<(Activation, [usize; 2], [usize; 4])>,
    preds: usize,
    targets: usize,
    terms: usize,
}

impl Forward {
    fn register(coeffs: &Coeffs, train: &SplitTensors, reads: &mut Reads) -> Self {
        let shown = SHOWN_ROWS.min(train.rows);
        let plain = coeffs.detached();
        let mut res = train.x.clone();
        let mut layers = Vec::new();
        for (layer, &activation) in plain.hidden.iter().zip(plain.design.activations.iter()) {
            let sums = product(res, layer.clone());
            let out = activate(activation, sums.clone());
            let cols = SHOWN_UNITS.min(sums.dims()[1]);
            let zeroed = super::reduce::mean(out.clone().equal_elem(0.0).float());
            let below = super::reduce::mean(sums.clone().lower_equal_elem(0.0).float());
            let indices = [
                reads.add(sums.slice([0..shown, 0..cols])),
                reads.add(out.clone().slice([0..shown, 0..cols])),
                reads.add(zeroed),
                reads.add(below),
            ];
            layers.push((activation, layer.dims(), indices));
            res = out;
        }
        let preds = network::output(&plain, res).slice([0..shown, 0..1]);
        let y = train.y.clone().slice([0..shown, 0..1]);
        let terms = row_losses(plain.design.loss, preds.clone(), &y);
        Forward {
            layers,
            preds: reads.add(preds),
            targets: reads.add(y),
            terms: reads.add(terms),
        }
    }

    fn layers(&self, values: &[Vec<f32>]) -> Vec<LayerWalk> {
        let rows_of = |i: usize, cols: usize| -> Vec<Vec<f32>> {
            value(values, i)
                .chunks(cols.max(1))
                .map(<[f32]>::to_vec)
                .collect()
        };
        self.layers
            .iter()
            .map(
                |&(activation, [inputs, units], [sums, outs, zeroed, below])| {
                    let cols = SHOWN_UNITS.min(units);
                    LayerWalk {
                        activation,
                        inputs,
                        units,
                        sums: rows_of(sums, cols),
                        outputs: rows_of(outs, cols),
                        zeroed: first(values, zeroed),
                        below: first(values, below),
                    }
                },
            )
            .collect()
    }
}

/// `calc_loss`, `backward()`, `update_coeffs` on a copy and `model_accuracy` after it: what
/// is read back of them.
struct Backward<'a> {
    weights: &'a Weights,
    design: Design,
    penalties: Penalties,
    remembered: bool,
    loss: usize,
    penalty: Option<usize>,
    /// Per tensor: its name, shape, and the indices of its gradient's norm and first entries.
    grads: Vec<(String, [usize; 2], usize, usize)>,
    focus: WalkFocus,
    /// The indices of the focus weight's gradient and new value.
    focus_grad: Option<usize>,
    focus_new: Option<usize>,
    right: usize,
}

impl<'a> Backward<'a> {
    fn register(
        start: Start<'a>,
        focus: WalkFocus,
        lr: f64,
        data: &DeviceData,
        reads: &mut Reads,
    ) -> Self {
        let Start {
            coeffs,
            weights,
            mut learner,
            remembered,
        } = start;
        let (x, y) = (&data.train.x, &data.train.y);
        let loss = calc_loss(coeffs, x, y);
        let (objective, penalty) = learner.objective(coeffs, &loss);
        let grads = objective.backward();
        let names = tensor_names(coeffs.hidden.len());
        let mut grad_reads = Vec::new();
        for (name, coeff) in names.into_iter().zip(coeffs.tensors()) {
            let grad = coeff
                .grad(&grads)
                .unwrap_or_else(|| coeff.clone().inner().zeros_like());
            let [rows, cols] = grad.dims();
            let count = SHOWN_ENTRIES.min(rows * cols);
            let norm = grad.clone().square().sum().sqrt();
            let first = grad.reshape([1, rows * cols]).slice([0..1, 0..count]);
            grad_reads.push((name, [rows, cols], reads.add(norm), reads.add(first)));
        }
        // The focus weight, before and after update_coeffs on a copy of the coefficients.
        let [row, col] = focus.weight(coeffs.hidden.len()).1;
        let at = |t: Tensor<2>| t.slice([row..row + 1, col..col + 1]);
        let focus_grad = coeffs
            .tensors()
            .nth(focus.layer)
            .and_then(|c| c.grad(&grads))
            .map(|g| reads.add(at(g)));
        let mut stepped = coeffs.clone();
        learner.update(&mut stepped, &grads, lr);
        let focus_new = stepped
            .tensors()
            .nth(focus.layer)
            .map(|t| reads.add(at(t.clone().inner())));
        // model_accuracy: the validation rows whose prediction is on the side of their label.
        let valid = &data.valid;
        let predicted = calc_preds(&stepped.detached(), &valid.x).greater_elem(0.5);
        let right = predicted
            .equal(valid.y.clone().greater_elem(0.5))
            .float()
            .sum();
        Backward {
            weights,
            design: coeffs.design.clone(),
            penalties: Penalties {
                l1: learner.l1,
                l2: learner.l2,
            },
            remembered,
            loss: reads.add(loss.inner()),
            penalty: penalty.map(|p| reads.add(p.inner())),
            grads: grad_reads,
            focus,
            focus_grad,
            focus_new,
            right: reads.add(right),
        }
    }

    /// The gradients, the update and the accuracy, from what was read back.
    fn reports(
        &self,
        values: &[Vec<f32>],
        method: &Method,
        valid_rows: usize,
    ) -> (Vec<TensorGrad>, UpdateWalk, AccuracyWalk) {
        let grads = self
            .grads
            .iter()
            .map(|(name, shape, norm, entries)| TensorGrad {
                name: name.clone(),
                shape: *shape,
                norm: first(values, *norm),
                entries: value(values, *entries).to_vec(),
            })
            .collect();
        let (tensor, [row, col]) = self.focus.weight(self.weights.hidden.len());
        let matrix = (self.weights.hidden.get(self.focus.layer)).unwrap_or(&self.weights.output);
        let update = UpdateWalk {
            rule: method.optimizer,
            tensor,
            index: [row, col],
            old: matrix.values[row * matrix.cols + col],
            grad: self.focus_grad.map_or(f32::NAN, |i| first(values, i)),
            new: self.focus_new.map_or(f32::NAN, |i| first(values, i)),
            remembered: self.remembered,
        };
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a count of rows, summed exactly in f32 below 2^24"
        )]
        let right = first(values, self.right).max(0.0) as usize;
        let accuracy = AccuracyWalk {
            rows: valid_rows,
            right,
            accuracy: right as f32 / valid_rows.max(1) as f32,
        };
        (grads, update, accuracy)
    }
}

/// Read-back `i`'s values.
fn value(values: &[Vec<f32>], i: usize) -> &[f32] {
    values.get(i).map_or(&[][..], Vec::as_slice)
}

/// Read-back `i`'s first value.
fn first(values: &[Vec<f32>], i: usize) -> f32 {
    value(values, i).first().copied().unwrap_or(f32::NAN)
}

/// Tensors read back together, each by the index [`Reads::add`] gave it.
#[derive(Default)]
struct Reads {
    tensors: Vec<Tensor<2>>,
}

impl Reads {
    fn add<const D: usize>(&mut self, tensor: Tensor<D>) -> usize {
        let count: usize = tensor.dims().iter().product();
        self.tensors.push(tensor.reshape([1, count]));
        self.tensors.len() - 1
    }

    fn read(self) -> Result<Vec<Vec<f32>>> {
        let mut reads = Transaction::default();
        for tensor in self.tensors {
            reads = reads.register(tensor);
        }
        vectors(reads)
    }
}

#[cfg(test)]
mod tests;
