//! The values of how the network computes and learns: the hidden layers' activations, the
//! loss, the update rule and its momentum, and the penalties on the weights.

use super::{Choice, Raw};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

choice!(
    /// What a hidden unit does with its weighted sum.
    Activation {
        Relu = "relu": "max(0, x): the tutorial's",
        LeakyRelu = "leaky_relu": "x, or 0.01·x below zero (PyTorch's default slope)",
        Tanh = "tanh": "tanh(x), from -1 to 1",
        Sigmoid = "sigmoid": "1 / (1 + exp(-x)), from 0 to 1",
        Linear = "linear": "x itself: the layers collapse into one linear map",
    }
);

choice!(
    /// What the training minimises.
    Loss {
        Mae = "mae": "mean absolute error: the tutorial's",
        Mse = "mse": "mean squared error, as PyTorch's MSE loss",
        Bce = "bce": "binary cross-entropy on the sigmoid's output, its logs clamped at -100 as PyTorch clamps them",
    }
);

choice!(
    /// How the coefficients move after each gradient.
    Optimizer {
        Sgd = "sgd": "w -= lr * grad, the tutorial's update",
        Momentum = "momentum": "torch.optim.SGD with momentum (--momentum, 0.9 by default)",
        Adam = "adam": "torch.optim.Adam with its defaults (betas 0.9, 0.999; eps 1e-8)",
    }
);

checked!(
    /// The momentum of `torch.optim.SGD(momentum=...)`.
    Momentum(f64): "expected a momentum from 0 up to (not including) 1",
    |v| (0.0..1.0).contains(&v)
);
checked!(
    /// The factor of an L1 or L2 penalty on the weights; 0 is none.
    Penalty(f64): "expected a number of at least 0 (0 is no penalty)",
    |v| v >= 0.0 && v.is_finite()
);

impl Momentum {
    /// `torch.optim.SGD`'s momentum in the tutorial-style examples, and ours by default.
    pub const DEFAULT: Momentum = Momentum(0.9);
}

impl Penalty {
    pub const NONE: Penalty = Penalty(0.0);
}

/// The hidden layers' activations: one for every layer, or one per layer, first layer first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Raw", into = "String")]
pub struct Activations(Vec<Activation>);

impl Activations {
    const LAYERS: &str = "give 1 to 16 activations";

    pub fn new(list: Vec<Activation>) -> Result<Self, String> {
        if list.is_empty() || list.len() > 16 {
            return Err(Self::LAYERS.into());
        }
        Ok(Activations(list))
    }

    /// The same activation in every hidden layer.
    pub fn all(activation: Activation) -> Self {
        Activations(vec![activation])
    }

    /// Whether the list works for `layers` hidden layers: one for all, or one each.
    pub fn check_layers(&self, layers: usize) -> Result<(), String> {
        let given = self.0.len();
        if given == 1 || given == layers {
            return Ok(());
        }
        let plural = |n: usize, what: &str| {
            if n == 1 {
                format!("1 {what}")
            } else {
                format!("{n} {what}s")
            }
        };
        Err(format!(
            "{} for {}: give one for every layer, or one per layer",
            plural(given, "activation"),
            plural(layers, "hidden layer")
        ))
    }

    /// Each of `layers` hidden layers' activation. A list of another length (refused where
    /// settings are checked, [`Activations::check_layers`]) gives its last one to the layers
    /// beyond it.
    pub fn for_layers(&self, layers: usize) -> Vec<Activation> {
        let last = self.0.last().copied().unwrap_or_default();
        (0..layers)
            .map(|i| self.0.get(i).copied().unwrap_or(last))
            .collect()
    }

    /// Whether every hidden layer is linear: the network is then one linear map.
    pub fn all_linear(&self) -> bool {
        self.0.iter().all(|&a| a == Activation::Linear)
    }

    pub fn list(&self) -> &[Activation] {
        &self.0
    }
}

impl Default for Activations {
    /// The tutorial's ReLU.
    fn default() -> Self {
        Activations::all(Activation::Relu)
    }
}

impl FromStr for Activations {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let list = text.split(',').map(Activation::from_name);
        Self::new(list.collect::<Result<_, _>>()?)
    }
}

impl TryFrom<Raw> for Activations {
    type Error = String;
    /// `"relu"`, `"relu,tanh"` or `["relu", "tanh"]`.
    fn try_from(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Text(text) => text.parse(),
            Raw::List(items) => {
                let one = |raw: Raw| match raw {
                    Raw::Text(text) => Activation::from_name(&text),
                    other => Err(format!("{}, not {}", Activation::expected(), other.kind())),
                };
                Self::new(items.into_iter().map(one).collect::<Result<_, _>>()?)
            }
            other => Err(format!(
                "expected an activation like \"relu\" or a list like [\"relu\", \"tanh\"], not {}",
                other.kind()
            )),
        }
    }
}

impl fmt::Display for Activations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|a| a.name()).collect();
        f.write_str(&names.join(","))
    }
}

impl From<Activations> for String {
    fn from(value: Activations) -> String {
        value.to_string()
    }
}
