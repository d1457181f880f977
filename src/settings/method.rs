//! How a run's network computes and learns, beyond its rate and shape: the hidden layers'
//! activations, the loss, the update rule and the penalties on the weights. The tutorial's
//! choices are the defaults: ReLU, mean absolute error, plain gradient descent, no penalty.

use super::{Activations, Layer, Loss, Momentum, Optimizer, Penalty};

#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub activation: Activations,
    pub loss: Loss,
    pub optimizer: Optimizer,
    /// Used by [`Optimizer::Momentum`] only.
    pub momentum: Momentum,
    /// `l1 · Σ|w|` over the weight matrices (not the bias), added to the loss that is
    /// differentiated.
    pub l1: Penalty,
    /// `(l2 / 2) · Σw²` over the same.
    pub l2: Penalty,
}

impl Default for Method {
    /// The tutorial's.
    fn default() -> Self {
        Method {
            activation: Activations::default(),
            loss: Loss::default(),
            optimizer: Optimizer::default(),
            momentum: Momentum::DEFAULT,
            l1: Penalty::NONE,
            l2: Penalty::NONE,
        }
    }
}

impl Method {
    /// The method a session's settings describe.
    pub(super) fn from_layer(layer: &Layer) -> Self {
        let tutorial = Method::default();
        Method {
            activation: layer.activation.clone().unwrap_or(tutorial.activation),
            loss: layer.loss.unwrap_or(tutorial.loss),
            optimizer: layer.optimizer.unwrap_or(tutorial.optimizer),
            momentum: layer.momentum.unwrap_or(tutorial.momentum),
            l1: layer.l1.unwrap_or(tutorial.l1),
            l2: layer.l2.unwrap_or(tutorial.l2),
        }
    }

    /// The method as a session file's keys, every one written out (the momentum with its
    /// update rule only, which alone takes it).
    pub(super) fn layer(&self) -> Layer {
        Layer {
            activation: Some(self.activation.clone()),
            loss: Some(self.loss),
            optimizer: Some(self.optimizer),
            momentum: (self.optimizer == Optimizer::Momentum).then_some(self.momentum),
            l1: Some(self.l1),
            l2: Some(self.l2),
            ..Layer::default()
        }
    }

    /// Whether a penalty is added to the loss that is differentiated.
    pub fn penalised(&self) -> bool {
        self.l1.get() > 0.0 || self.l2.get() > 0.0
    }

    /// Whether it is the tutorial's.
    pub fn is_tutorial(&self) -> bool {
        *self == Method::default()
    }

    /// What differs from the tutorial, as a legend says it: `tanh · bce · adam · l2 0.01`;
    /// empty for the tutorial's.
    pub fn describe(&self) -> String {
        let tutorial = Method::default();
        let mut parts = Vec::new();
        if self.activation != tutorial.activation {
            parts.push(self.activation.to_string());
        }
        if self.loss != tutorial.loss {
            parts.push(self.loss.to_string());
        }
        match self.optimizer {
            Optimizer::Sgd => {}
            Optimizer::Momentum => parts.push(format!("momentum {}", self.momentum)),
            Optimizer::Adam => parts.push("adam".into()),
        }
        for (name, penalty) in [("l1", self.l1), ("l2", self.l2)] {
            if penalty.get() > 0.0 {
                parts.push(format!("{name} {penalty}"));
            }
        }
        parts.join(" · ")
    }
}
