//! The tutorial's network, function for function ("simple neural network from scratch",
//! fast.ai lesson 5): inputs → ReLU hidden layer(s) → one sigmoid output, mean absolute error,
//! full-batch gradient descent written by hand. The tutorial ends by inviting the reader to
//! change the activations; here each of its choices can change in its one place: the hidden
//! layers' activation in [`calc_preds`], the loss in [`calc_loss`], the update rule beside
//! [`update_coeffs`] (momentum and Adam as `torch.optim` takes their steps) and the penalties
//! on the weights in [`execute_epoch`].

use super::fused;
use crate::random::Generator;
use crate::report::weights::{Matrix, Weights};
use crate::settings::{Activation, Loss, Method, Optimizer};
use burn::tensor::Gradients;
use burn::tensor::{Device, Tensor, TensorData, activation};
use std::sync::Arc;

/// What the network does with its coefficients besides multiplying by them: each hidden
/// layer's activation, and the loss its predictions are judged by.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// One per hidden layer.
    pub activations: Arc<[Activation]>,
    pub loss: Loss,
}

impl Design {
    /// The tutorial's: ReLU in each of `layers` hidden layers, mean absolute error.
    pub fn tutorial(layers: usize) -> Self {
        Design::of(&Method::default(), layers)
    }

    /// `method`'s, for `layers` hidden layers.
    pub fn of(method: &Method, layers: usize) -> Self {
        Design {
            activations: method.activation.for_layers(layers).into(),
            loss: method.loss,
        }
    }
}

/// The coefficients: the tutorial's `(l1, l2, const)`, with any number of hidden layers, and
/// the [`Design`] they are used in.
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
    pub design: Design,
}

impl Coeffs {
    /// Leaves on `device.autodiff()` that require gradients, used as `method` says.
    pub fn from_weights(weights: &Weights, device: &Device, method: &Method) -> Self {
        let autodiff = device.clone().autodiff();
        let leaf = |m: &Matrix| {
            let data = TensorData::new(m.values.clone(), [m.rows, m.cols]);
            Tensor::<2>::from_data(data, &autodiff).require_grad()
        };
        Coeffs {
            hidden: weights.hidden.iter().map(leaf).collect(),
            output: leaf(&weights.output),
            bias: leaf(&Matrix::new(1, 1, vec![weights.bias])),
            design: Design::of(method, weights.hidden.len()),
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
            design: self.design.clone(),
        }
    }

    /// The same design with other tensors, in the order of [`Coeffs::tensors`]; `None` when
    /// they are too few.
    pub fn with_tensors(&self, tensors: impl IntoIterator<Item = Tensor<2>>) -> Option<Self> {
        let mut tensors = tensors.into_iter();
        let hidden: Vec<Tensor<2>> = tensors.by_ref().take(self.hidden.len()).collect();
        let (output, bias) = (tensors.next()?, tensors.next()?);
        (hidden.len() == self.hidden.len()).then(|| Coeffs {
            hidden,
            output,
            bias,
            design: self.design.clone(),
        })
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

    /// The weight matrices, which the penalties weigh: every tensor but the bias.
    fn weight_matrices(&self) -> impl Iterator<Item = &Tensor<2>> {
        self.hidden.iter().chain([&self.output])
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
    let weights = init_weights(n_inputs, hidden, seed);
    Coeffs::from_weights(&weights, device, &Method::default())
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
pub(crate) fn product(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
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

/// The tutorial's `calc_preds`: `sigmoid(relu(x @ W_h) @ W_o + b)`, each hidden layer through
/// its activation (the tutorial's ReLU by default).
///
/// On the CPU, from a million sums up, the last hidden layer and the output unit (its product,
/// bias and sigmoid) are one op, [`fused::hidden_preds`], with its own backward pass.
pub fn calc_preds(coeffs: &Coeffs, x: &Tensor<2>) -> Tensor<2> {
    let mut res = x.clone();
    let layers = coeffs.hidden.iter().zip(coeffs.design.activations.iter());
    let last = coeffs.hidden.len().saturating_sub(1);
    for (index, (layer, &activation)) in layers.enumerate() {
        if index == last && fused::applies(&res, layer) {
            let (output, bias) = (coeffs.output.clone(), coeffs.bias.clone());
            return fused::hidden_preds(res, layer.clone(), output, bias, activation);
        }
        res = activate(activation, product(res, layer.clone()));
    }
    output(coeffs, res)
}

/// A hidden layer's activation of its weighted sums.
pub(crate) fn activate(activation: Activation, sums: Tensor<2>) -> Tensor<2> {
    match activation {
        Activation::Relu => activation::relu(sums),
        // PyTorch's F.leaky_relu slope.
        Activation::LeakyRelu => activation::leaky_relu(sums, 0.01),
        Activation::Tanh => activation::tanh(sums),
        Activation::Sigmoid => activation::sigmoid(sums),
        Activation::Linear => sums,
    }
}

/// The output unit on the last hidden layer's activations: `sigmoid(h @ W_o + b)`.
pub(crate) fn output(coeffs: &Coeffs, hidden: Tensor<2>) -> Tensor<2> {
    activation::sigmoid(product(hidden, coeffs.output.clone()) + coeffs.bias.clone())
}

/// The tutorial's `calc_loss`: mean absolute error of the predictions, or the design's loss.
pub fn calc_loss(coeffs: &Coeffs, x: &Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    judge(coeffs.design.loss, calc_preds(coeffs, x), y)
}

/// The loss of predictions `preds` against the 0/1 labels `y`: the mean of [`row_losses`].
pub(crate) fn judge(loss: Loss, preds: Tensor<2>, y: &Tensor<2>) -> Tensor<1> {
    super::reduce::mean(row_losses(loss, preds, y))
}

/// Each row's part of the loss, before the mean: `|p − y|`, `(p − y)²`, or PyTorch's
/// `F.binary_cross_entropy` term `−(y·log p + (1 − y)·log(1 − p))`, each log clamped at −100
/// as PyTorch clamps it, so a saturated prediction costs 100, not infinity.
pub(crate) fn row_losses(loss: Loss, preds: Tensor<2>, y: &Tensor<2>) -> Tensor<2> {
    match loss {
        Loss::Mae => (preds - y.clone()).abs(),
        Loss::Mse => (preds - y.clone()).square(),
        Loss::Bce => {
            // The value from the predictions' values, untracked; the gradient PyTorch's
            // backward takes, attached by hand.
            let p = preds.clone().detach();
            let log_p = p.clone().log().clamp_min(-100.0);
            let log_not_p = p.clone().neg().log1p().clamp_min(-100.0);
            let not_y = y.clone().neg().add_scalar(1.0);
            let terms = (y.clone() * log_p + not_y * log_not_p).neg();
            with_gradient(terms, preds, bce_slope(p, y))
        }
    }
}

/// PyTorch's `binary_cross_entropy_backward` at predictions `p`: `(p − y) / max(p·(1 − p),
/// 1e-12)` (its `EPSILON`). It stays finite where a prediction is exactly 0 or 1, where the
/// clamped logs' own gradient would be `0 · ∞`, NaN: at lr 20 PyTorch's loss holds at 61.01
/// from epoch 3 on (the fixture `bce-lr20`), and without this ours turned NaN at epoch 4.
fn bce_slope(p: Tensor<2>, y: &Tensor<2>) -> Tensor<2> {
    let spread = (p.clone() * p.clone().neg().add_scalar(1.0)).clamp_min(1e-12);
    (p - y.clone()) / spread
}

/// `value` (untracked), with `slope` as its gradient with respect to `x`, element by element:
/// `value + (x·s − [x·s])`, where `[…]` is detached, adds zero to the value and `s` to the
/// gradient.
fn with_gradient(value: Tensor<2>, x: Tensor<2>, slope: Tensor<2>) -> Tensor<2> {
    let tracked = x * slope;
    // The difference first: `x·s` can be 1e12 where the value is 100.
    value + (tracked.clone() - tracked.detach())
}

/// `l1 · Σ|w| + (l2 / 2) · Σw²` over the weight matrices (not the bias); `None` without a
/// penalty.
pub fn penalty(coeffs: &Coeffs, l1: f64, l2: f64) -> Option<Tensor<1>> {
    let mut total: Option<Tensor<1>> = None;
    let mut add = |term: Tensor<1>| {
        total = Some(match total.take() {
            Some(sum) => sum + term,
            None => term,
        });
    };
    for w in coeffs.weight_matrices() {
        if l1 > 0.0 {
            add(w.clone().abs().sum().mul_scalar(l1));
        }
        if l2 > 0.0 {
            add(w.clone().square().sum().mul_scalar(l2 / 2.0));
        }
    }
    total
}

/// How the coefficients learn from a gradient: the update rule with what it remembers between
/// steps, and the penalties added to the loss that is differentiated.
#[derive(Debug, Clone)]
pub struct Learner {
    pub rule: Rule,
    pub l1: f64,
    pub l2: f64,
}

/// An update rule and its state.
#[derive(Debug, Clone)]
pub enum Rule {
    /// The tutorial's [`update_coeffs`].
    Sgd,
    /// [`update_coeffs_momentum`]: one velocity per tensor, once the first step has set it.
    Momentum {
        momentum: f64,
        velocity: Vec<Tensor<2>>,
    },
    /// [`update_coeffs_adam`]: the steps taken, and each tensor's two moving averages.
    Adam {
        steps: i32,
        moments: Vec<[Tensor<2>; 2]>,
    },
}

impl Learner {
    /// The tutorial's: `w -= lr * grad`, no penalty.
    pub fn tutorial() -> Self {
        Learner {
            rule: Rule::Sgd,
            l1: 0.0,
            l2: 0.0,
        }
    }

    /// `method`'s, before its first step.
    pub fn of(method: &Method) -> Self {
        let rule = match method.optimizer {
            Optimizer::Sgd => Rule::Sgd,
            Optimizer::Momentum => Rule::Momentum {
                momentum: method.momentum.get(),
                velocity: Vec::new(),
            },
            Optimizer::Adam => Rule::Adam {
                steps: 0,
                moments: Vec::new(),
            },
        };
        Learner {
            rule,
            l1: method.l1.get(),
            l2: method.l2.get(),
        }
    }

    /// Whether a step moves the coefficients by anything but `lr · grad`.
    pub fn steps_elsewhere(&self) -> bool {
        !matches!(self.rule, Rule::Sgd)
    }

    /// The loss that is differentiated: `loss` and the penalty, when there is one.
    pub fn objective(&self, coeffs: &Coeffs, loss: &Tensor<1>) -> (Tensor<1>, Option<Tensor<1>>) {
        match penalty(coeffs, self.l1, self.l2) {
            Some(penalty) => (loss.clone() + penalty.clone(), Some(penalty)),
            None => (loss.clone(), None),
        }
    }

    /// One step of the rule at rate `lr`.
    pub fn update(&mut self, coeffs: &mut Coeffs, grads: &Gradients, lr: f64) {
        match &mut self.rule {
            Rule::Sgd => update_coeffs(coeffs, grads, lr),
            Rule::Momentum { momentum, velocity } => {
                update_coeffs_momentum(coeffs, grads, lr, *momentum, velocity);
            }
            Rule::Adam { steps, moments } => {
                *steps += 1;
                update_coeffs_adam(coeffs, grads, lr, *steps, moments);
            }
        }
    }
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

/// `torch.optim.SGD(momentum=m)`: `v = m·v + grad` (the first step's `v` is the gradient),
/// then `w -= lr · v`.
pub fn update_coeffs_momentum(
    coeffs: &mut Coeffs,
    grads: &Gradients,
    lr: f64,
    momentum: f64,
    velocity: &mut Vec<Tensor<2>>,
) {
    for (i, coeff) in coeffs.tensors_mut().enumerate() {
        let Some(grad) = coeff.grad(grads) else {
            continue;
        };
        let v = match velocity.get(i) {
            Some(v) => v.clone().mul_scalar(momentum) + grad,
            None => grad,
        };
        let stepped = coeff.clone().inner() - v.clone().mul_scalar(lr);
        *coeff = stepped.autodiff().require_grad();
        match velocity.get_mut(i) {
            Some(kept) => *kept = v,
            None => velocity.push(v),
        }
    }
}

/// `torch.optim.Adam` with its defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), in its order of
/// operations: `m += (1 − β₁)(g − m)`, `v = β₂·v + (1 − β₂)·g·g`, then at step `t`
/// `w += −(lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)`.
pub fn update_coeffs_adam(
    coeffs: &mut Coeffs,
    grads: &Gradients,
    lr: f64,
    step: i32,
    moments: &mut Vec<[Tensor<2>; 2]>,
) {
    const BETA1: f64 = 0.9;
    const BETA2: f64 = 0.999;
    const EPS: f64 = 1e-8;
    let step_size = lr / (1.0 - BETA1.powi(step));
    let correction = (1.0 - BETA2.powi(step)).sqrt();
    for (i, coeff) in coeffs.tensors_mut().enumerate() {
        let Some(grad) = coeff.grad(grads) else {
            continue;
        };
        let [m, v] = moments
            .get(i)
            .cloned()
            .unwrap_or_else(|| [grad.zeros_like(), grad.zeros_like()]);
        let m = m.clone() + (grad.clone() - m).mul_scalar(1.0 - BETA1);
        let v = v.mul_scalar(BETA2) + grad.clone().mul_scalar(1.0 - BETA2) * grad;
        let denom = v.clone().sqrt().div_scalar(correction).add_scalar(EPS);
        let stepped = coeff.clone().inner() - m.clone().mul_scalar(step_size) / denom;
        *coeff = stepped.autodiff().require_grad();
        match moments.get_mut(i) {
            Some(kept) => *kept = [m, v],
            None => moments.push([m, v]),
        }
    }
}

/// What an epoch's step computed before it updated the coefficients: the training loss (the
/// tutorial's, which it prints) and the penalty, when there is one.
#[derive(Debug, Clone)]
pub struct Stepped {
    pub loss: Tensor<1>,
    pub penalty: Option<Tensor<1>>,
}

/// The tutorial's `one_epoch`: the loss on the whole training set (with the penalty, when
/// there is one), `backward()`, then the learner's update ([`update_coeffs`] for the
/// tutorial's). The loss is computed before the update, as the tutorial prints it.
pub fn execute_epoch(
    coeffs: &mut Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    lr: f64,
    learner: &mut Learner,
) -> Stepped {
    let loss = calc_loss(coeffs, x, y);
    let (objective, penalty) = learner.objective(coeffs, &loss);
    let grads = objective.backward();
    learner.update(coeffs, &grads, lr);
    Stepped {
        loss: loss.inner(),
        penalty: penalty.map(Tensor::inner),
    }
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
    (
        judge(coeffs.design.loss, preds.clone(), y),
        accuracy(preds, y),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tutorial's claim: without a non-linearity the layers collapse into one linear
    /// layer. Two linear hidden layers predict `sigmoid(x · W + b)` with `W` the product of
    /// the weight matrices; ReLU ones do not.
    #[test]
    fn linear_hidden_layers_are_one_linear_map() {
        let weights = init_weights(3, &[5, 4], 7);
        let map = weights.linear_map().unwrap();
        assert_eq!(map.shape(), [3, 1]);
        let rows: Vec<[f32; 3]> = vec![[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 1.0]];
        let device = Device::flex();
        let x = Tensor::<2>::from_data(TensorData::new(rows.concat(), [rows.len(), 3]), &device);
        let preds = |activation: &str| -> Vec<f32> {
            let method = Method {
                activation: activation.parse().unwrap(),
                ..Method::default()
            };
            let coeffs = Coeffs::from_weights(&weights, &device, &method).detached();
            calc_preds(&coeffs, &x)
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        let linear = preds("linear");
        for (row, got) in rows.iter().zip(&linear) {
            let z: f32 =
                row.iter().zip(&map.values).map(|(a, w)| a * w).sum::<f32>() + weights.bias;
            let want = 1.0 / (1.0 + (-z).exp());
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        assert_ne!(preds("relu"), linear);
    }

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
