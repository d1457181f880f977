//! The tutorial's network, function for function ("simple neural network from scratch",
//! fast.ai lesson 5): inputs → ReLU hidden layer(s) → one sigmoid output, mean absolute error,
//! full-batch gradient descent written by hand.

use crate::random::Generator;
use crate::report::weights::{Matrix, Weights};
use burn::tensor::Gradients;
use burn::tensor::{Device, Tensor, TensorData, activation};

/// The coefficients: the tutorial's `(l1, l2, const)`, with any number of hidden layers.
///
/// Hidden layers have no bias, as in the tutorial; only the output has one (`const`).
#[derive(Debug, Clone)]
pub struct Coeffs {
    /// `[n_inputs, h1]`, `[h1, h2]`, ...
    pub hidden: Vec<Tensor<2>>,
    /// `[h_last, 1]`
    pub output: Tensor<2>,
    /// `[1, 1]`, broadcast over the rows.
    pub bias: Tensor<2>,
}

impl Coeffs {
    /// Leaves on `device.autodiff()` that require gradients.
    pub fn from_weights(weights: &Weights, device: &Device) -> Self {
        let autodiff = device.clone().autodiff();
        let leaf = |m: &Matrix| {
            let data = TensorData::new(m.values.clone(), [m.rows, m.cols]);
            Tensor::<2>::from_data(data, &autodiff).require_grad()
        };
        Coeffs {
            hidden: weights.hidden.iter().map(leaf).collect(),
            output: leaf(&weights.output),
            bias: leaf(&Matrix::new(1, 1, vec![weights.bias])),
        }
    }

    /// Copies without autodiff, for evaluation: nothing is recorded for a backward pass.
    #[must_use]
    pub fn detached(&self) -> Self {
        let plain = |t: &Tensor<2>| t.clone().inner();
        Coeffs {
            hidden: self.hidden.iter().map(plain).collect(),
            output: plain(&self.output),
            bias: plain(&self.bias),
        }
    }

    /// Every coefficient tensor, in the order of [`Weights`]: hidden layers, output, bias.
    pub fn tensors(&self) -> impl Iterator<Item = &Tensor<2>> {
        self.hidden.iter().chain([&self.output, &self.bias])
    }

    fn tensors_mut(&mut self) -> impl Iterator<Item = &mut Tensor<2>> {
        self.hidden
            .iter_mut()
            .chain([&mut self.output, &mut self.bias])
    }
}

/// The tutorial's `init_coeffs`, for hidden layer sizes `hidden` (the tutorial's `n_hidden` is
/// `&[n_hidden]`), after `torch.manual_seed(seed)`: hidden weights
/// `(torch.rand(rows, size) - 0.5) / size` layer after layer, output weights
/// `torch.rand(h, 1) - 0.3`, output bias `torch.rand(1)[0]`, drawn in that order, so
/// `--seed 442` starts from the tutorial's coefficients bit for bit.
///
/// The draws are made on the host, so every backend starts a given seed from the same
/// coefficients and concurrent runs cannot disturb each other's random streams.
pub fn init_coeffs(n_inputs: usize, hidden: &[usize], seed: u64, device: &Device) -> Coeffs {
    Coeffs::from_weights(&init_weights(n_inputs, hidden, seed), device)
}

/// The values [`init_coeffs`] starts from.
pub fn init_weights(n_inputs: usize, hidden: &[usize], seed: u64) -> Weights {
    let mut rng = Generator::manual_seed(seed);
    let mut uniform = |n: usize, f: &dyn Fn(f32) -> f32| -> Vec<f32> {
        (0..n).map(|_| f(rng.uniform())).collect()
    };
    let mut layers = Vec::with_capacity(hidden.len());
    let mut rows = n_inputs;
    for &size in hidden {
        let values = uniform(rows * size, &|u| (u - 0.5) / size as f32);
        layers.push(Matrix::new(rows, size, values));
        rows = size;
    }
    let output = Matrix::new(rows, 1, uniform(rows, &|u| u - 0.3));
    let bias = uniform(1, &|u| u)[0];
    Weights {
        hidden: layers,
        output,
        bias,
    }
}

/// Rows per chunk when a GPU multiplies by the rows (see [`product`]).
const CHUNK_ROWS: usize = 2048;

/// `x @ w`. On a GPU, with two chunks' worth of rows or more, as one batched product over
/// chunks of about [`CHUNK_ROWS`] rows (and a plain one over the rows left over): the backward
/// pass then forms each weight gradient `xᵀ·g` as a sum of chunk products computed side by
/// side (a split inner dimension), instead of one product whose inner dimension is every row,
/// of which cubecl's kernels compute little in parallel. On an H200 the 1,000,000 × 20 → 256
/// epoch went from 153 ms to 6.5–7 ms with chunks of 1,250 to 3,125 rows (12,500: 10.2 ms;
/// `BENCHMARKS.md`, issue 24). The CPU keeps one product: PyTorch's sums, in its order.
fn product(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
    let [rows, cols] = x.dims();
    if rows < 2 * CHUNK_ROWS || x.device() == Device::flex() {
        return x.matmul(w);
    }
    // A chunk size near the target that divides the rows leaves none over.
    let size = (CHUNK_ROWS / 2..=CHUNK_ROWS * 2)
        .find(|size| rows.is_multiple_of(*size))
        .unwrap_or(CHUNK_ROWS);
    let (chunks, out) = (rows / size, w.dims()[1]);
    let main = chunks * size;
    let shared: Tensor<3> = w.clone().unsqueeze();
    let batched: Tensor<3> = x
        .clone()
        .slice([0..main, 0..cols])
        .reshape([chunks, size, cols]);
    let head = batched.matmul(shared).reshape([main, out]);
    if main == rows {
        return head;
    }
    let tail = x.slice([main..rows, 0..cols]).matmul(w);
    Tensor::cat(vec![head, tail], 0)
}

/// The tutorial's `calc_preds`: `sigmoid(relu(x @ W_h) @ W_o + b)`, one ReLU per hidden layer.
pub fn calc_preds(coeffs: &Coeffs, x: &Tensor<2>) -> Tensor<2> {
    let mut res = x.clone();
    for layer in &coeffs.hidden {
        res = activation::relu(product(res, layer.clone()));
    }
    output(coeffs, res)
}

/// The output unit on the last hidden layer's activations: `sigmoid(h @ W_o + b)`.
pub(crate) fn output(coeffs: &Coeffs, hidden: Tensor<2>) -> Tensor<2> {
    activation::sigmoid(product(hidden, coeffs.output.clone()) + coeffs.bias.clone())
}

/// The tutorial's `calc_loss`: mean absolute error of the predictions.
pub fn calc_loss(coeffs: &Coeffs, x: &Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    mean_absolute_error(calc_preds(coeffs, x), y)
}

pub(crate) fn mean_absolute_error(preds: Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    super::reduce::mean((preds - y.clone()).abs())
}

/// The tutorial's `update_coeffs`: `w -= lr * grad` for every coefficient.
///
/// Each updated coefficient is a fresh leaf, so no gradient is carried into the next epoch
/// (the tutorial's `grad.zero_()`).
pub fn update_coeffs(coeffs: &mut Coeffs, grads: &Gradients, lr: f64) {
    for coeff in coeffs.tensors_mut() {
        if let Some(grad) = coeff.grad(grads) {
            let stepped = coeff.clone().inner() - grad.mul_scalar(lr);
            *coeff = stepped.autodiff().require_grad();
        }
    }
}

/// The tutorial's `one_epoch`: the loss on the whole training set, `backward()`, then
/// [`update_coeffs`]. Returns the loss computed before the update, as the tutorial prints it.
pub fn execute_epoch(coeffs: &mut Coeffs, x: &Tensor<2>, y: &Tensor<2>, lr: f64) -> Tensor<1> {
    let loss = calc_loss(coeffs, x, y);
    let grads = loss.backward();
    update_coeffs(coeffs, &grads, lr);
    loss.inner()
}

/// [`execute_epoch`], also returning each coefficient tensor's sum of squared gradients and
/// sum of squared values, both taken before the update (for [`super::dynamics::StepStats`]):
/// `[g², w²]` per tensor, in the order of [`Coeffs::tensors`].
pub fn execute_epoch_watched(
    coeffs: &mut Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    lr: f64,
) -> (Tensor<1>, Vec<[Tensor<1>; 2]>) {
    let loss = calc_loss(coeffs, x, y);
    let grads = loss.backward();
    let sums = coeffs
        .tensors()
        .filter_map(|coeff| {
            let grad = coeff.grad(&grads)?;
            let value = coeff.clone().inner();
            Some([grad.clone().mul(grad).sum(), value.clone().mul(value).sum()])
        })
        .collect();
    update_coeffs(coeffs, &grads, lr);
    (loss.inner(), sums)
}

/// The tutorial's `acc`: the fraction of rows where `pred > 0.5` matches the 0/1 label.
pub fn model_accuracy(coeffs: &Coeffs, x: &Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    accuracy(calc_preds(coeffs, x), y)
}

fn accuracy(preds: Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    let predicted = preds.greater_elem(0.5);
    let actual = y.clone().greater_elem(0.5);
    super::reduce::mean(predicted.equal(actual).float())
}

/// [`calc_loss`] and [`model_accuracy`] from one forward pass: `(loss, accuracy)`.
pub fn loss_and_accuracy(coeffs: &Coeffs, x: &Tensor<2>, y: &Tensor<2>) -> (Tensor<1>, Tensor<1>) {
    let preds = calc_preds(coeffs, x);
    (mean_absolute_error(preds.clone(), y), accuracy(preds, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch wrote these starting coefficients (`tests/fixtures/reference.py init`, after
    /// `torch.manual_seed`): the same seed gives the same values, bit for bit.
    #[test]
    fn init_coeffs_draws_the_tutorials_coefficients_from_a_seed() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        for (run, seed, hidden) in [
            ("seed-lr1.4", 442, &[20][..]),
            ("seed442-lr20", 442, &[20]),
            ("seed7-h5-lr0.3", 7, &[5]),
            ("seed442-h32-lr60", 442, &[32]),
            ("seed1-h10x10-lr2", 1, &[10, 10]),
        ] {
            let path = std::path::Path::new(fixtures)
                .join(run)
                .join("init.safetensors");
            let torch = Weights::load(&path).unwrap();
            assert_eq!(init_weights(12, hidden, seed), torch, "{run}");
        }
    }
}
