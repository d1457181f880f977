//! A race: 2 to 4 variants of a run, each differing from it in one setting, trained from the
//! same starting coefficients side by side (`--race loss=mae,bce`, the dashboard's `R`).
//! Settings that change the network's shape (hidden sizes, features) or its start (seed) are
//! no race: the variants would not start from the same coefficients.

use super::values::Raw;
use super::{
    Activation, Activations, Choice, Count, LearningRate, Loss, Momentum, Optimizer, Penalty,
    RunSettings,
};
use std::fmt;
use std::str::FromStr;

/// One variant: the setting it changes, and its value there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Variant {
    Lr(LearningRate),
    Activation(Activation),
    Loss(Loss),
    Optimizer(Optimizer),
    /// `torch.optim.SGD`'s momentum: the variant steps with momentum.
    Momentum(Momentum),
    L1(Penalty),
    L2(Penalty),
    /// `None`: the full batch.
    BatchSize(Option<Count>),
}

/// The settings a race may vary, as `--race` names them.
pub const KEYS: [&str; 8] = [
    "lr",
    "activation",
    "loss",
    "optimizer",
    "momentum",
    "l1",
    "l2",
    "batch_size",
];

impl Variant {
    /// The variant of setting `key` at `value`, each read by its setting's rule.
    fn parse(key: &str, value: &str) -> Result<Variant, String> {
        let value = value.trim();
        Ok(match key {
            "lr" => Variant::Lr(value.parse()?),
            "activation" => Variant::Activation(Activation::from_name(value)?),
            "loss" => Variant::Loss(Loss::from_name(value)?),
            "optimizer" => Variant::Optimizer(Optimizer::from_name(value)?),
            "momentum" => Variant::Momentum(value.parse()?),
            "l1" => Variant::L1(value.parse()?),
            "l2" => Variant::L2(value.parse()?),
            "batch_size" if value.eq_ignore_ascii_case("full") => Variant::BatchSize(None),
            "batch_size" => Variant::BatchSize(Some(value.parse()?)),
            other => {
                return Err(format!(
                    "'{other}' is no setting a race varies: race one of {}",
                    KEYS.join(", ")
                ));
            }
        })
    }

    /// The setting it varies.
    pub fn key(self) -> &'static str {
        match self {
            Variant::Lr(_) => "lr",
            Variant::Activation(_) => "activation",
            Variant::Loss(_) => "loss",
            Variant::Optimizer(_) => "optimizer",
            Variant::Momentum(_) => "momentum",
            Variant::L1(_) => "l1",
            Variant::L2(_) => "l2",
            Variant::BatchSize(_) => "batch_size",
        }
    }

    /// Its value as `--race` writes it.
    pub fn value(self) -> String {
        match self {
            Variant::Lr(lr) => lr.to_string(),
            Variant::Activation(activation) => activation.to_string(),
            Variant::Loss(loss) => loss.to_string(),
            Variant::Optimizer(optimizer) => optimizer.to_string(),
            Variant::Momentum(momentum) => momentum.to_string(),
            Variant::L1(penalty) | Variant::L2(penalty) => penalty.to_string(),
            Variant::BatchSize(size) => size.map_or_else(|| "full".into(), |n| n.to_string()),
        }
    }

    /// `loss=bce`: how the legend and the table name it.
    pub fn name(self) -> String {
        format!("{}={}", self.key(), self.value())
    }

    /// `settings` with this variant's value.
    pub fn apply(self, settings: &RunSettings) -> RunSettings {
        let mut run = settings.clone();
        let method = &mut run.method;
        match self {
            Variant::Lr(lr) => run.lr = lr,
            Variant::Activation(activation) => method.activation = Activations::all(activation),
            Variant::Loss(loss) => method.loss = loss,
            Variant::Optimizer(optimizer) => method.optimizer = optimizer,
            Variant::Momentum(momentum) => {
                method.optimizer = Optimizer::Momentum;
                method.momentum = momentum;
            }
            Variant::L1(penalty) => method.l1 = penalty,
            Variant::L2(penalty) => method.l2 = penalty,
            Variant::BatchSize(size) => run.batch_size = size,
        }
        run
    }
}

/// A race's variants, all of one setting, each value once.
#[derive(Debug, Clone, PartialEq)]
pub struct Race(Vec<Variant>);

impl Race {
    const EXPECTED: &str = "expected a setting and 2 to 4 values, like loss=mae,bce";

    /// What `R` races unless told otherwise: the update rules.
    pub fn update_rules() -> Race {
        Race(
            Optimizer::ALL
                .iter()
                .map(|&o| Variant::Optimizer(o))
                .collect(),
        )
    }

    pub fn variants(&self) -> &[Variant] {
        &self.0
    }

    /// The setting the variants differ in.
    pub fn key(&self) -> &'static str {
        self.0.first().map_or("lr", |v| v.key())
    }

    /// Each variant's settings: `settings` with its value.
    pub fn runs(&self, settings: &RunSettings) -> Vec<RunSettings> {
        self.0.iter().map(|v| v.apply(settings)).collect()
    }
}

impl FromStr for Race {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| format!("{}, not \"{}\"", Self::EXPECTED, text.escape_debug()))?;
        let key = key.trim().replace('-', "_").to_ascii_lowercase();
        let variants = values
            .split(',')
            .map(|value| Variant::parse(&key, value))
            .collect::<Result<Vec<Variant>, String>>()?;
        if !(2..=4).contains(&variants.len()) {
            return Err(format!(
                "a race has 2 to 4 variants, not {}: {}",
                variants.len(),
                Self::EXPECTED
            ));
        }
        for (i, variant) in variants.iter().enumerate() {
            if variants[..i].contains(variant) {
                return Err(format!("{} is in the race twice", variant.name()));
            }
        }
        Ok(Race(variants))
    }
}

impl TryFrom<Raw> for Race {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Text(text) => text.parse(),
            other => Err(format!(
                "{} in quotes, not {}",
                Self::EXPECTED,
                other.kind()
            )),
        }
    }
}

impl fmt::Display for Race {
    /// `loss=mae,bce`, as `--race` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values: Vec<String> = self.0.iter().map(|v| v.value()).collect();
        write!(f, "{}={}", self.key(), values.join(","))
    }
}

impl serde::Serialize for Race {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Race {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Race::try_from(Raw::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
