//! The features a generated two-feature set is given, as TensorFlow Playground offers them:
//! its two coordinates and their crosses.

use super::{Choice, Raw};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

choice!(
    /// One input made from a generated point's coordinates (x1, x2), as the Playground makes
    /// them.
    Feature {
        X1 = "x1": "x1, the first coordinate",
        X2 = "x2": "x2, the second coordinate",
        X1Squared = "x1sq": "x1², also written x1^2",
        X2Squared = "x2sq": "x2², also written x2^2",
        X1X2 = "x1x2": "x1·x2, also written x1*x2",
        SinX1 = "sinx1": "sin(x1)",
        SinX2 = "sinx2": "sin(x2)",
    }
);

impl Feature {
    /// How the network view and the data name it: `x1²`, `x1·x2`, `sin(x1)`.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Squared => "x1²",
            Feature::X2Squared => "x2²",
            Feature::X1X2 => "x1·x2",
            Feature::SinX1 => "sin(x1)",
            Feature::SinX2 => "sin(x2)",
        }
    }

    /// The other ways a feature may be written: its label, and `x1^2`, `x1*x2`.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Feature::X1Squared => &["x1^2"],
            Feature::X2Squared => &["x2^2"],
            Feature::X1X2 => &["x1*x2", "x2x1"],
            _ => &[],
        }
    }

    /// The TensorFlow Playground's formula of the feature at the point (`x1`, `x2`).
    pub fn of(self, x1: f32, x2: f32) -> f32 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => x1.sin(),
            Feature::SinX2 => x2.sin(),
        }
    }

    fn bit(self) -> u8 {
        let index = Feature::ALL.iter().position(|&f| f == self).unwrap_or(0);
        1 << index
    }
}

/// A set of [`Feature`]s, always in the Playground's order (x1, x2, x1², x2², x1·x2, sin(x1),
/// sin(x2)) whatever order they were given in: row i of `wt_hidden` is the i-th of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Raw", into = "String")]
pub struct Features(u8);

impl Features {
    const EXPECTED: &str =
        "expected features from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, each at most once";

    /// The features in the Playground's order.
    pub fn list(self) -> Vec<Feature> {
        Feature::ALL
            .iter()
            .copied()
            .filter(|f| self.0 & f.bit() != 0)
            .collect()
    }

    /// The names the data gives its columns.
    pub fn labels(self) -> Vec<String> {
        self.list().iter().map(|f| f.label().to_string()).collect()
    }

    /// Whether they are the two coordinates alone, as the set is generated.
    pub fn is_plain(self) -> bool {
        self == Features::default()
    }

    fn from_list(list: impl IntoIterator<Item = Result<Feature, String>>) -> Result<Self, String> {
        let mut bits = 0u8;
        for feature in list {
            let bit = feature?.bit();
            if bits & bit != 0 {
                return Err(Self::EXPECTED.into());
            }
            bits |= bit;
        }
        if bits == 0 {
            return Err(Self::EXPECTED.into());
        }
        Ok(Features(bits))
    }
}

impl Default for Features {
    /// The coordinates x1 and x2 alone.
    fn default() -> Self {
        Features(Feature::X1.bit() | Feature::X2.bit())
    }
}

/// The feature named `text`: its name, its label or an alias, in any case.
fn feature(text: &str) -> Result<Feature, String> {
    let text = text.trim();
    let named = |f: &&Feature| {
        [f.name(), f.label()]
            .iter()
            .chain(f.aliases())
            .any(|name| name.eq_ignore_ascii_case(text))
    };
    Feature::ALL
        .iter()
        .find(named)
        .copied()
        .ok_or_else(|| format!("{}, not \"{}\"", Features::EXPECTED, text.escape_debug()))
}

impl FromStr for Features {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Features::from_list(text.split(',').map(feature))
    }
}

impl TryFrom<Raw> for Features {
    type Error = String;
    /// `"x1,x2,x1x2"` or `["x1", "x2", "x1x2"]`.
    fn try_from(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Text(text) => text.parse(),
            Raw::List(items) => Features::from_list(items.into_iter().map(|raw| match raw {
                Raw::Text(text) => feature(&text),
                other => Err(format!("{}, not {}", Features::EXPECTED, other.kind())),
            })),
            other => Err(format!("{}, not {}", Features::EXPECTED, other.kind())),
        }
    }
}

impl fmt::Display for Features {
    /// By name, comma-separated: `x1,x2,x1x2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.list().iter().map(|f| f.name()).collect();
        f.write_str(&names.join(","))
    }
}

impl From<Features> for String {
    fn from(value: Features) -> String {
        value.to_string()
    }
}
