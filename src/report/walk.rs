//! One epoch of the tutorial, function by function, with the run's own numbers: what
//! `calc_preds` (its hidden layers, then its output), `calc_loss`, the backward pass,
//! `update_coeffs` and `model_accuracy` compute at that epoch, and `init_coeffs` for the
//! run's start; beside them one weight's gradient worked by hand with the chain rule. Plain
//! data; the model computes it ([`text`] puts it in words).

pub mod text;

use super::weights::{OUTPUT, Weights, hidden_name};
use crate::settings::{Activation, Loss, Optimizer};

/// Training rows a walk shows (the first of the training split).
pub const SHOWN_ROWS: usize = 3;
/// Units of a hidden layer whose values a walk keeps for those rows (the first).
pub const SHOWN_UNITS: usize = 8;
/// Entries of each gradient a walk keeps (the first, in row-major order).
pub const SHOWN_ENTRIES: usize = 3;

/// The weight a walk works by hand: the one from input `input` into unit `unit` of layer
/// `layer`. A hidden layer's inputs are the features (layer 0) or the units of the layer
/// below; the output unit's layer is the number of hidden layers, its inputs the last hidden
/// layer's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalkFocus {
    pub layer: usize,
    pub unit: usize,
    pub input: usize,
}

impl WalkFocus {
    /// The focus moved into `weights`' shapes: the last layer, unit or input where it names
    /// one past them.
    #[must_use]
    pub fn within(self, weights: &Weights) -> Self {
        let layer = self.layer.min(weights.hidden.len());
        let matrix = weights.hidden.get(layer).unwrap_or(&weights.output);
        WalkFocus {
            layer,
            unit: self.unit.min(matrix.cols.saturating_sub(1)),
            input: self.input.min(matrix.rows.saturating_sub(1)),
        }
    }

    /// The weight's tensor, by its file name, and its `[row, column]` there.
    pub fn weight(self, hidden_layers: usize) -> (String, [usize; 2]) {
        let name = if self.layer < hidden_layers {
            hidden_name(self.layer)
        } else {
            OUTPUT.to_string()
        };
        (name, [self.input, self.unit])
    }
}

/// The functions of an epoch, in the order it runs them; `init_coeffs` comes once, before the
/// first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WalkStep {
    Init,
    /// `calc_preds`' hidden layer (from 0).
    Hidden(usize),
    /// `calc_preds`' output unit.
    Output,
    Loss,
    Backward,
    Update,
    Accuracy,
}

impl WalkStep {
    /// The epoch's steps for `hidden_layers` hidden layers, in order (without `init_coeffs`).
    pub fn epoch(hidden_layers: usize) -> Vec<WalkStep> {
        let mut steps: Vec<WalkStep> = (0..hidden_layers).map(WalkStep::Hidden).collect();
        steps.extend([
            WalkStep::Output,
            WalkStep::Loss,
            WalkStep::Backward,
            WalkStep::Update,
            WalkStep::Accuracy,
        ]);
        steps
    }

    /// The tutorial's name of the function.
    pub fn function(self) -> &'static str {
        match self {
            WalkStep::Init => "init_coeffs",
            WalkStep::Hidden(_) | WalkStep::Output => "calc_preds",
            WalkStep::Loss => "calc_loss",
            WalkStep::Backward => "backward",
            WalkStep::Update => "update_coeffs",
            WalkStep::Accuracy => "model_accuracy",
        }
    }
}

/// One epoch walked: the coefficients after `epoch − 1` epochs, through each function.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    pub epoch: usize,
    pub lr: f64,
    /// The inputs' names.
    pub features: Vec<String>,
    pub train_rows: usize,
    /// The shown training rows' inputs ([`SHOWN_ROWS`] at most), every feature.
    pub inputs: Vec<Vec<f32>>,
    pub layers: Vec<LayerWalk>,
    pub output: OutputWalk,
    pub loss: LossWalk,
    /// Each coefficient tensor's gradient, in network order.
    pub grads: Vec<TensorGrad>,
    pub update: UpdateWalk,
    pub accuracy: AccuracyWalk,
    pub init: InitWalk,
    /// The focus weight's gradient by the chain rule, or why it was not worked.
    pub hand: Result<HandGradient, String>,
    /// Rows per step when the run takes mini-batches: the walk works the tutorial's one step
    /// on every training row instead.
    pub batch_size: Option<usize>,
}

/// A hidden layer of `calc_preds`: `res @ weights`, then the activation.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerWalk {
    pub activation: Activation,
    /// Columns of its input (features, or the units below).
    pub inputs: usize,
    pub units: usize,
    /// The shown rows' weighted sums and activations, for the first [`SHOWN_UNITS`] units.
    pub sums: Vec<Vec<f32>>,
    pub outputs: Vec<Vec<f32>>,
    /// The share of the layer's entries (rows × units) whose activation is exactly zero.
    pub zeroed: f32,
    /// The share whose weighted sum is at or below zero.
    pub below: f32,
}

/// `calc_preds`' output: `sigmoid(res @ wt_output + bias_output)`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputWalk {
    /// Columns of its input: the last hidden layer's units.
    pub inputs: usize,
    pub bias: f32,
    /// The shown rows' predictions and their 0/1 targets.
    pub preds: Vec<f32>,
    pub targets: Vec<f32>,
}

/// `calc_loss`: each shown row's part, and the mean over every row.
#[derive(Debug, Clone, PartialEq)]
pub struct LossWalk {
    pub kind: Loss,
    /// The shown rows' terms before the mean: `|pred − y|`, `(pred − y)²` or the cross-entropy.
    pub terms: Vec<f32>,
    pub loss: f32,
    /// `(l1, l2, value)` of the penalty added before `backward()`, when there is one.
    pub penalty: Option<(f64, f64, f32)>,
}

/// One coefficient tensor's gradient after `backward()`.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorGrad {
    pub name: String,
    /// `[rows, columns]`; the bias is `[1, 1]`.
    pub shape: [usize; 2],
    pub norm: f32,
    /// The first [`SHOWN_ENTRIES`] entries, row-major.
    pub entries: Vec<f32>,
}

/// `update_coeffs` on the focus weight: its old value, its gradient and its new value.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateWalk {
    pub rule: Optimizer,
    pub tensor: String,
    pub index: [usize; 2],
    pub old: f32,
    pub grad: f32,
    pub new: f32,
    /// Whether the rule's memory (momentum's velocity, Adam's moments) is the run's own: not
    /// for an epoch replayed from a snapshot, whose step is then taken from none.
    pub remembered: bool,
}

impl UpdateWalk {
    /// What the update took away from the weight: `lr · grad` for the tutorial's rule.
    pub fn step(&self) -> f32 {
        self.old - self.new
    }
}

/// `model_accuracy` on the validation rows, after the update.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyWalk {
    pub rows: usize,
    pub right: usize,
    pub accuracy: f32,
}

/// Where the run's coefficients came from.
#[derive(Debug, Clone, PartialEq)]
pub enum InitSource {
    /// `init_coeffs` after `torch.manual_seed(seed)`.
    Seed(u64),
    /// Read from a weights file (`--init`).
    File(String),
}

/// `init_coeffs`: the run's start, each tensor's shape and first values.
#[derive(Debug, Clone, PartialEq)]
pub struct InitWalk {
    pub source: InitSource,
    /// `(name, [rows, columns], first entries)`, in network order.
    pub tensors: Vec<(String, [usize; 2], Vec<f32>)>,
}

impl InitWalk {
    /// The start `weights`, from `source`.
    pub fn of(weights: &Weights, source: InitSource) -> Self {
        let tensors = weights
            .named()
            .into_iter()
            .map(|(name, values, shape)| {
                let shape = match shape.as_slice() {
                    &[rows, cols] => [rows, cols],
                    _ => [1, 1],
                };
                let first = values.iter().copied().take(SHOWN_ENTRIES).collect();
                (name, shape, first)
            })
            .collect();
        InitWalk { source, tensors }
    }
}

/// A weight's gradient by the chain rule: for each training row the product of the factors
/// the rule multiplies along the path from the loss to the weight, then their mean over the
/// rows (the loss is a mean), plus the penalty's part.
#[derive(Debug, Clone, PartialEq)]
pub struct HandGradient {
    pub focus: WalkFocus,
    pub tensor: String,
    pub index: [usize; 2],
    /// The weight's value.
    pub value: f32,
    /// What the weight connects: `Sex_male` → `h1.7`.
    pub from: String,
    pub to: String,
    /// The factors' names, in the chain's order (loss first, input last).
    pub factors: Vec<String>,
    /// The shown rows' factors and products.
    pub rows: Vec<HandRow>,
    pub train_rows: usize,
    /// The mean of the products over every training row.
    pub mean: f64,
    /// `l1 · sign(w) + l2 · w`, when the run has a penalty.
    pub penalty: Option<f64>,
    /// The gradient worked by hand, in f64: the mean and the penalty's part.
    pub hand: f64,
    /// The same weight's gradient from burn's autodiff (f32), as training takes it.
    pub autodiff: f32,
}

/// One row of a hand-worked gradient.
#[derive(Debug, Clone, PartialEq)]
pub struct HandRow {
    pub row: usize,
    pub factors: Vec<f64>,
    pub product: f64,
}

/// How closely two values of one gradient agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Both exactly zero (a dead unit's weight): no gradient reaches it.
    Zero,
    /// To this many significant digits.
    Digits(u32),
}

impl HandGradient {
    /// To how many significant digits the hand-worked value and autodiff's agree.
    pub fn agreement(&self) -> Agreement {
        agreement(self.hand, f64::from(self.autodiff))
    }
}

/// To how many significant digits `a` and `b` agree: the relative difference's order (at most
/// 15, f64's).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a count of digits from 0 to 15"
)]
pub fn agreement(a: f64, b: f64) -> Agreement {
    if a == 0.0 && b == 0.0 {
        return Agreement::Zero;
    }
    let relative = (a - b).abs() / a.abs().max(b.abs());
    if relative == 0.0 {
        return Agreement::Digits(15);
    }
    Agreement::Digits((-relative.log10()).floor().clamp(0.0, 15.0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::weights::Matrix;

    #[test]
    fn agreement_counts_the_digits_two_values_share() {
        assert_eq!(agreement(0.0, 0.0), Agreement::Zero);
        assert_eq!(agreement(1.234_567_8, 1.234_567_9), Agreement::Digits(7));
        assert_eq!(agreement(1.0, 1.1), Agreement::Digits(1));
        assert_eq!(agreement(1.0, -1.0), Agreement::Digits(0));
        assert_eq!(agreement(0.5, 0.5), Agreement::Digits(15));
    }

    #[test]
    fn a_focus_stays_within_the_network() {
        let weights = Weights {
            hidden: vec![Matrix::new(12, 20, vec![0.0; 240])],
            output: Matrix::new(20, 1, vec![0.0; 20]),
            bias: 0.0,
        };
        let far = WalkFocus {
            layer: 5,
            unit: 9,
            input: 40,
        };
        let output = far.within(&weights);
        assert_eq!(
            output,
            WalkFocus {
                layer: 1,
                unit: 0,
                input: 19
            }
        );
        assert_eq!(output.weight(1), ("wt_output".to_string(), [19, 0]));
        let hidden = WalkFocus {
            layer: 0,
            unit: 7,
            input: 4,
        };
        assert_eq!(hidden.within(&weights), hidden);
        assert_eq!(hidden.weight(1), ("wt_hidden".to_string(), [4, 7]));
        assert_eq!(WalkStep::epoch(2).len(), 7);
        assert!(WalkStep::Hidden(1) < WalkStep::Output);
    }
}
