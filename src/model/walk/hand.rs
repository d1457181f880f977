//! A weight's gradient worked by hand: the chain rule, row by row, on the host in f64, from the
//! loss down to the weight — no autodiff. For the tutorial's network (MAE, ReLU, sigmoid)
//! a first-layer weight's is `mean over rows of sign(pred − y) · pred(1 − pred) · w_out ·
//! 1[h > 0] · x`; deeper layers pass the output's sensitivity down through the layers above,
//! and the lab's activations, losses and penalties each change their one factor.

use super::super::network::Design;
use crate::data::Dataset;
use crate::report::walk::text::unit;
use crate::report::walk::{HandGradient, HandRow, SHOWN_ROWS, WalkFocus};
use crate::report::weights::{Matrix, Weights};
use crate::settings::{Activation, Loss};

/// The most multiply-adds a hand-worked gradient may take (rows × weights): a forward pass of
/// the whole network per row, on one host thread.
pub const HAND_WORK: usize = 200_000_000;

/// The run's penalties on the weight matrices.
#[derive(Debug, Clone, Copy)]
pub struct Penalties {
    pub l1: f64,
    pub l2: f64,
}

/// `focus`'s gradient on `data`'s rows at `weights`, by the chain rule, for a network of
/// `design` with `penalties`; `autodiff` is the value it is set beside. `Err` says why it was
/// not worked (too much work, no such weight).
pub fn by_hand(
    weights: &Weights,
    design: &Design,
    penalties: Penalties,
    data: &Dataset,
    focus: WalkFocus,
    autodiff: f32,
) -> Result<HandGradient, String> {
    let layers = weights.hidden.len();
    let size: usize = weights
        .hidden
        .iter()
        .chain([&weights.output])
        .map(|m| m.values.len())
        .sum();
    let work = data.rows().saturating_mul(size);
    if work > HAND_WORK {
        return Err(format!(
            "not worked here: {} rows × {size} weights is more than {} million multiply-adds on one thread",
            data.rows(),
            HAND_WORK / 1_000_000
        ));
    }
    let focus = focus.within(weights);
    let (tensor, index) = focus.weight(layers);
    let into = weights.hidden.get(focus.layer).unwrap_or(&weights.output);
    let value = into.values[focus.input * into.cols + focus.unit];
    let chain = Chain {
        weights,
        activations: &design.activations,
        loss: design.loss,
        focus,
    };
    let n = data.rows();
    let features = data.n_features();
    let mut sum = 0.0;
    let mut rows = Vec::new();
    for (row, (x, &y)) in data.x.chunks(features.max(1)).zip(&data.y).enumerate() {
        let factors = chain.factors(x, f64::from(y));
        let product: f64 = factors.iter().product();
        sum += product;
        if row < SHOWN_ROWS {
            rows.push(HandRow {
                row,
                factors,
                product,
            });
        }
    }
    let mean = sum / n.max(1) as f64;
    let w = f64::from(value);
    let penalty = (penalties.l1 > 0.0 || penalties.l2 > 0.0)
        .then(|| penalties.l1 * sign(w) + penalties.l2 * w);
    let from = if focus.layer == 0 {
        data.features
            .get(focus.input)
            .cloned()
            .unwrap_or_else(|| format!("x{}", focus.input))
    } else {
        unit(focus.layer - 1, focus.input)
    };
    let to = if focus.layer == layers {
        "output".to_string()
    } else {
        unit(focus.layer, focus.unit)
    };
    Ok(HandGradient {
        focus,
        tensor,
        index,
        value,
        factors: chain.names(&from),
        from,
        to,
        rows,
        train_rows: n,
        mean,
        penalty,
        hand: mean + penalty.unwrap_or(0.0),
        autodiff,
    })
}

/// PyTorch's `sign`: 0 at 0.
fn sign(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v.signum() }
}

/// The path from the loss to one weight.
struct Chain<'a> {
    weights: &'a Weights,
    activations: &'a [Activation],
    loss: Loss,
    focus: WalkFocus,
}

impl Chain<'_> {
    /// The factors' names, in the order [`Chain::factors`] gives their values; `input` names
    /// what the weight multiplies.
    fn names(&self, input: &str) -> Vec<String> {
        let loss = match self.loss {
            Loss::Mae => "sign(pred − y)",
            Loss::Mse => "2(pred − y)",
            Loss::Bce => "(pred − y)/max(pred(1 − pred), 1e-12)",
        };
        let mut names = vec![loss.to_string(), "pred(1 − pred)".to_string()];
        let layers = self.weights.hidden.len();
        if self.focus.layer < layers {
            let h = unit(self.focus.layer, self.focus.unit);
            names.push(if self.focus.layer + 1 == layers {
                "w_out".to_string()
            } else {
                format!("∂z_out/∂{h}")
            });
            names.push(derivative_name(self.activations[self.focus.layer]).to_string());
        }
        names.push(input.to_string());
        names
    }

    /// One row's factors: the loss's slope at the prediction, the sigmoid's, the output's
    /// sensitivity to the unit and the unit's slope (for a hidden unit's weight), and the
    /// input the weight multiplies.
    fn factors(&self, x: &[f32], y: f64) -> Vec<f64> {
        let layers = self.weights.hidden.len();
        // The forward pass: each layer's sums and activations.
        let mut outputs: Vec<Vec<f64>> = vec![x.iter().map(|&v| f64::from(v)).collect()];
        let mut sums: Vec<Vec<f64>> = Vec::with_capacity(layers);
        for (layer, &activation) in self.weights.hidden.iter().zip(self.activations) {
            let z = times(&outputs[outputs.len() - 1], layer);
            outputs.push(z.iter().map(|&v| activate(activation, v)).collect());
            sums.push(z);
        }
        let last = &outputs[layers];
        let z_out = times(last, &self.weights.output)[0] + f64::from(self.weights.bias);
        let pred = 1.0 / (1.0 + (-z_out).exp());
        let mut factors = vec![loss_slope(self.loss, pred, y), pred * (1.0 - pred)];
        let focus = self.focus;
        if focus.layer < layers {
            // ∂z_out/∂a for the last hidden layer's units, passed down to the focus's layer.
            let mut back: Vec<f64> = column(&self.weights.output, 0);
            for layer in (focus.layer + 1..layers).rev() {
                let through: Vec<f64> = back
                    .iter()
                    .zip(&sums[layer])
                    .zip(&outputs[layer + 1])
                    .map(|((&b, &z), &a)| b * slope(self.activations[layer], z, a))
                    .collect();
                let w = &self.weights.hidden[layer];
                back = (0..w.rows)
                    .map(|i| {
                        let row = &w.values[i * w.cols..(i + 1) * w.cols];
                        row.iter()
                            .zip(&through)
                            .map(|(&w, &t)| f64::from(w) * t)
                            .sum()
                    })
                    .collect();
            }
            let (z, a) = (
                sums[focus.layer][focus.unit],
                outputs[focus.layer + 1][focus.unit],
            );
            factors.push(back[focus.unit]);
            factors.push(slope(self.activations[focus.layer], z, a));
        }
        factors.push(outputs[focus.layer][focus.input]);
        factors
    }
}

/// `input @ matrix` for one row.
fn times(input: &[f64], matrix: &Matrix) -> Vec<f64> {
    let mut out = vec![0.0; matrix.cols];
    for (i, &a) in input.iter().enumerate() {
        let row = &matrix.values[i * matrix.cols..(i + 1) * matrix.cols];
        for (o, &w) in out.iter_mut().zip(row) {
            *o += a * f64::from(w);
        }
    }
    out
}

fn column(matrix: &Matrix, col: usize) -> Vec<f64> {
    (0..matrix.rows)
        .map(|r| f64::from(matrix.values[r * matrix.cols + col]))
        .collect()
}

fn activate(activation: Activation, z: f64) -> f64 {
    match activation {
        Activation::Relu => z.max(0.0),
        Activation::LeakyRelu if z > 0.0 => z,
        Activation::LeakyRelu => 0.01 * z,
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Linear => z,
    }
}

/// The activation's slope at sum `z` (output `a`), as autodiff takes it: a ReLU passes
/// nothing at or below zero.
fn slope(activation: Activation, z: f64, a: f64) -> f64 {
    match activation {
        Activation::Relu | Activation::LeakyRelu if z > 0.0 => 1.0,
        Activation::Relu => 0.0,
        Activation::LeakyRelu => 0.01,
        Activation::Tanh => 1.0 - a * a,
        Activation::Sigmoid => a * (1.0 - a),
        Activation::Linear => 1.0,
    }
}

fn derivative_name(activation: Activation) -> &'static str {
    match activation {
        Activation::Relu => "1[h > 0]",
        Activation::LeakyRelu => "(1 or 0.01)",
        Activation::Tanh => "(1 − h²)",
        Activation::Sigmoid => "h(1 − h)",
        Activation::Linear => "1",
    }
}

/// The loss's slope at `pred` for label `y` (a row's; the mean's 1/n comes after): for
/// cross-entropy PyTorch's backward, `(pred − y) / max(pred(1 − pred), 1e-12)`, finite where a
/// prediction is exactly 0 or 1.
fn loss_slope(loss: Loss, pred: f64, y: f64) -> f64 {
    match loss {
        Loss::Mae => sign(pred - y),
        Loss::Mse => 2.0 * (pred - y),
        Loss::Bce => (pred - y) / (pred * (1.0 - pred)).max(1e-12),
    }
}
