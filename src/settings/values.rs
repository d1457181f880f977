//! Validated setting values. Each one parses from a flag's text ([`FromStr`]) and from a
//! session file's value (serde, through [`Raw`]), and says what it expects in one message,
//! whatever the source: flags, `--config` files and the dashboard's form give the same reasons.

use crate::error::cut;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A session file's value before it is checked: what TOML can hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Raw {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<Raw>),
    Table(BTreeMap<String, Raw>),
    /// A whole number too large for TOML (beyond `i64`), as written: it is checked by its
    /// flag's rule, to say what that rule allows.
    #[serde(skip)]
    Big(String),
}

impl Raw {
    /// What the value is, for messages.
    pub(super) fn kind(&self) -> String {
        match self {
            Raw::Text(text) => format!("the string \"{}\"", cut(text).escape_debug()),
            Raw::Int(_) | Raw::Float(_) | Raw::Big(_) => "a number".into(),
            Raw::Bool(_) => "true or false".into(),
            Raw::List(_) => "a list".into(),
            Raw::Table(_) => "a table".into(),
        }
    }

    /// A number written as its flag's text would be (a float keeps its point, so `10.0` is no
    /// whole number), or, where `strings` allows it, a string; parsed by the flag's rule.
    fn parse<T: FromStr<Err = String>>(&self, expected: &str, strings: bool) -> Result<T, String> {
        match self {
            Raw::Int(n) => n.to_string().parse(),
            Raw::Big(digits) => digits.parse(),
            Raw::Float(x) => format!("{x:?}").parse(),
            Raw::Text(text) if strings => text.parse(),
            other => Err(format!("{expected}, not {}", other.kind())),
        }
    }

    /// A string, parsed by the flag's rule; anything else is refused with `expected`.
    fn text<T: FromStr<Err = String>>(&self, expected: &str) -> Result<T, String> {
        match self {
            Raw::Text(text) if !text.is_empty() => text.parse(),
            other => Err(format!("{expected}, not {}", other.kind())),
        }
    }
}

/// Whether `text` is a whole number as written in a flag (digits, perhaps a `+`).
pub(crate) fn is_whole_number(text: &str) -> bool {
    let digits = text.trim();
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// What a whole number beyond `limit` is told.
pub(crate) fn too_large(limit: impl fmt::Display) -> String {
    format!("too large: at most {limit}")
}

/// A newtype over a number with a rule and the one message that states it.
macro_rules! checked {
    ($(#[$doc:meta])* $name:ident($inner:ty): $expected:literal, |$v:ident| $ok:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(try_from = "Raw")]
        pub struct $name(pub(super) $inner);

        impl $name {
            /// What a valid value is, as every source's message says it.
            pub const EXPECTED: &'static str = $expected;

            pub fn new($v: $inner) -> Result<Self, String> {
                if $ok { Ok(Self($v)) } else { Err(Self::EXPECTED.into()) }
            }

            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                let value = text.trim().parse::<$inner>().map_err(|_| {
                    // Digits alone that do not parse are too many for the type: say what the
                    // rule allows, or, where it has no upper end, the type's.
                    match Self::new(<$inner>::MAX) {
                        Ok(_) if $crate::settings::values::is_whole_number(text) => {
                            $crate::settings::values::too_large(<$inner>::MAX)
                        }
                        _ => Self::EXPECTED.to_string(),
                    }
                })?;
                Self::new(value)
            }
        }

        impl TryFrom<Raw> for $name {
            type Error = String;
            fn try_from(raw: Raw) -> Result<Self, String> {
                raw.parse(Self::EXPECTED, false)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

checked!(
    /// A learning rate: a finite number above 0.
    LearningRate(f64): "expected a number greater than 0",
    |v| v > 0.0 && v.is_finite()
);
checked!(
    /// A number of epochs or rows: a whole number of at least 1.
    Count(usize): "expected a whole number of at least 1",
    |v| v >= 1
);
checked!(
    /// A seed of PyTorch's random generator.
    Seed(u64): "expected a whole number of at least 0",
    |_v| true
);
checked!(
    /// The fraction of the rows held out for validation.
    ValidFraction(f64): "expected a fraction between 0 and 1 (exclusive)",
    |v| v > 0.0 && v < 1.0
);
checked!(
    /// The fraction of the rows held out for the test set; 0 is none.
    TestFraction(f64): "expected a fraction from 0 up to (not including) 1",
    |v| (0.0..1.0).contains(&v)
);
checked!(
    /// Points in a generated data set.
    Points(usize): "expected a whole number from 10 to 1000000",
    |v| (10..=1_000_000).contains(&v)
);
checked!(
    /// The noise of a generated data set, from 0 (clean) to 1.
    Noise(f32): "expected a fraction from 0 (clean) to 1",
    |v| (0.0..=1.0).contains(&v)
);
checked!(
    /// Learning rates in a sweep.
    Steps(usize): "expected 2 to 256 learning rates",
    |v| (2..=256).contains(&v)
);

impl Count {
    pub const ONE: Count = Count(1);
}

/// Hidden layer sizes, first layer first: 1 to 16 layers of 1 to [`Self::MAX_UNITS`] units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub struct HiddenSizes(pub(super) Vec<usize>);

impl HiddenSizes {
    /// Far beyond what the tutorial's data needs, small enough that a typo cannot ask for
    /// gigabytes.
    pub const MAX_UNITS: usize = 4096;
    pub const UNITS: &str = "each hidden layer needs 1 to 4096 units";
    pub const LAYERS: &str = "give 1 to 16 hidden layer sizes";

    pub fn new(sizes: Vec<usize>) -> Result<Self, String> {
        if sizes.is_empty() || sizes.len() > 16 {
            return Err(Self::LAYERS.into());
        }
        if sizes.iter().any(|&h| h == 0 || h > Self::MAX_UNITS) {
            return Err(Self::UNITS.into());
        }
        Ok(HiddenSizes(sizes))
    }

    /// The tutorial's one layer of 20 units.
    pub fn tutorial() -> Self {
        HiddenSizes(vec![20])
    }

    pub fn sizes(&self) -> &[usize] {
        &self.0
    }
}

impl FromStr for HiddenSizes {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let sizes = text.split(',').map(|s| s.trim().parse::<usize>());
        Self::new(
            sizes
                .collect::<Result<_, _>>()
                .map_err(|_| Self::UNITS.to_string())?,
        )
    }
}

impl TryFrom<Raw> for HiddenSizes {
    type Error = String;
    /// `[10, 10]`, or a single size.
    fn try_from(raw: Raw) -> Result<Self, String> {
        let size = |raw: &Raw| match raw {
            Raw::Int(n) => usize::try_from(*n).map_err(|_| Self::UNITS.to_string()),
            _ => Err(Self::UNITS.to_string()),
        };
        match &raw {
            Raw::List(items) => Self::new(items.iter().map(size).collect::<Result<_, _>>()?),
            Raw::Int(_) | Raw::Big(_) => Self::new(vec![size(&raw)?]),
            other => Err(format!(
                "expected a list of layer sizes like [10, 10], not {}",
                other.kind()
            )),
        }
    }
}

impl fmt::Display for HiddenSizes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sizes: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&sizes.join(","))
    }
}

/// How fast the dashboard trains.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "Raw")]
pub enum Pace {
    /// As fast as the backend allows.
    Max,
    /// At most this many epochs per second.
    PerSecond(f64),
}

impl Pace {
    pub const EXPECTED: &str = "expected epochs per second (a number > 0) or max";
}

impl FromStr for Pace {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().parse::<f64>() {
            _ if text.trim().eq_ignore_ascii_case("max") => Ok(Pace::Max),
            Ok(rate) if rate > 0.0 && rate.is_finite() => Ok(Pace::PerSecond(rate)),
            _ => Err(Self::EXPECTED.into()),
        }
    }
}

impl TryFrom<Raw> for Pace {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        raw.parse(Self::EXPECTED, true)
    }
}

impl Serialize for Pace {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Pace::Max => s.serialize_str("max"),
            Pace::PerSecond(rate) => s.serialize_f64(*rate),
        }
    }
}

impl fmt::Display for Pace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pace::Max => f.write_str("max"),
            Pace::PerSecond(rate) => rate.fmt(f),
        }
    }
}

/// A learning-rate range `FROM..TO`: two positive numbers, the first smaller.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "Raw")]
pub struct LrRange {
    pub from: f64,
    pub to: f64,
}

impl FromStr for LrRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (from, to) = text
            .split_once("..")
            .ok_or_else(|| format!("'{}' is not a range like 0.01..100", cut(text)))?;
        let number = |t: &str| {
            let value = t.trim().parse::<f64>().ok();
            value
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| format!("'{}' is not a positive number", cut(t)))
        };
        let (from, to) = (number(from)?, number(to)?);
        if from >= to {
            return Err(format!(
                "the range {} must go from a smaller to a larger rate",
                cut(text)
            ));
        }
        Ok(LrRange { from, to })
    }
}

impl TryFrom<Raw> for LrRange {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        raw.text("expected a range in quotes like \"0.01..100\"")
    }
}

impl Serialize for LrRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}..{}", self.from, self.to))
    }
}

/// A file path; in a session file, a non-empty string.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Raw")]
pub struct FilePath(pub PathBuf);

impl FromStr for FilePath {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Ok(FilePath(PathBuf::from(text)))
    }
}

impl FilePath {
    /// The longest path Linux opens (`PATH_MAX`); a longer one is a mistake to name early.
    pub const MAX_BYTES: usize = 4096;
}

impl TryFrom<Raw> for FilePath {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        match &raw {
            Raw::Text(text) if text.len() > Self::MAX_BYTES => Err(format!(
                "expected a file path of at most {} bytes, not one of {}",
                Self::MAX_BYTES,
                text.len()
            )),
            _ => raw.text("expected a file path in quotes"),
        }
    }
}

impl Serialize for FilePath {
    /// As text (a name that is not UTF-8 is written lossily).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string_lossy())
    }
}

/// What separates a CSV file's columns: one ASCII character, `tab` for a tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Raw")]
pub struct Delimiter(pub u8);

impl Delimiter {
    const EXPECTED: &str = "expected one character such as ; or |, or tab";
}

impl FromStr for Delimiter {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "tab" | "\\t" | "\t" => Ok(Delimiter(b'\t')),
            _ => match text.as_bytes() {
                &[b] if b.is_ascii_punctuation() && b != b'"' || b == b' ' => Ok(Delimiter(b)),
                _ => Err(Self::EXPECTED.into()),
            },
        }
    }
}

impl TryFrom<Raw> for Delimiter {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        raw.text(Self::EXPECTED)
    }
}

impl Serialize for Delimiter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            b'\t' => s.serialize_str("tab"),
            other => s.serialize_str(&char::from(other).to_string()),
        }
    }
}

/// A column of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub struct ColumnName(pub String);

impl TryFrom<Raw> for ColumnName {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Text(text) => Ok(ColumnName(text)),
            other => Err(format!(
                "expected a column name in quotes, not {}",
                other.kind()
            )),
        }
    }
}

/// A yes/no setting; in a session file, `true` or `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub struct Switch(pub bool);

impl TryFrom<Raw> for Switch {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        match raw {
            Raw::Bool(on) => Ok(Switch(on)),
            other => Err(format!("expected true or false, not {}", other.kind())),
        }
    }
}

/// A setting with a few named values (`--backend cpu|wgpu`): their names, and what each means
/// for `--help`.
pub trait Choice: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    fn help(self) -> &'static str;

    /// `expected one of "cpu", "wgpu"`.
    fn expected() -> String {
        let names: Vec<String> = Self::ALL
            .iter()
            .map(|c| format!("\"{}\"", c.name()))
            .collect();
        format!("expected one of {}", names.join(", "))
    }

    /// The value named `text`, in any case.
    fn from_name(text: &str) -> Result<Self, String> {
        let found = Self::ALL
            .iter()
            .find(|c| c.name().eq_ignore_ascii_case(text.trim()));
        found
            .copied()
            .ok_or_else(|| format!("{}, not \"{}\"", Self::expected(), cut(text).escape_debug()))
    }
}

/// A [`Choice`] enum: its names and help, `FromStr`, `Display` and serde by name.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal: $help:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "Raw", into = "&'static str")]
        pub enum $name { $(#[doc = $help] $variant,)* }

        impl Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
            fn help(self) -> &'static str {
                match self { $($name::$variant => $help,)* }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                Self::from_name(text)
            }
        }

        impl TryFrom<Raw> for $name {
            type Error = String;
            fn try_from(raw: Raw) -> Result<Self, String> {
                let found = match &raw {
                    Raw::Text(text) => Self::ALL.iter().copied().find(|c| c.name() == text),
                    _ => None,
                };
                found.ok_or_else(|| format!("{}, not {}", Self::expected(), raw.kind()))
            }
        }

        impl Default for $name {
            /// The first value listed.
            fn default() -> Self {
                Self::ALL[0]
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.name()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

choice!(
    /// Where the network runs.
    Backend {
        Cpu = "cpu": "burn's Flex backend on the CPU",
        Wgpu = "wgpu": "wgpu: Vulkan, Metal or DX12 on a GPU (or a software adapter such as lavapipe)",
    }
);

choice!(
    /// How numeric feature columns are scaled.
    Scale {
        Max = "max": "divide by the column's largest absolute value (the tutorial's recipe)",
        Standard = "standard": "subtract the mean, divide by the standard deviation",
        None = "none": "leave the values as they are",
    }
);

choice!(
    /// A generated two-feature data set (TensorFlow Playground's; moons as scikit-learn's).
    Playground {
        Circle = "circle": "a disc (class 1) inside a ring (class 0)",
        Xor = "xor": "class 1 where x1 and x2 have the same sign",
        Gauss = "gauss": "two Gaussian blobs",
        Spiral = "spiral": "two interleaved spirals",
        Moons = "moons": "two interleaving half-moons, as in scikit-learn",
    }
);

choice!(
    /// How a headless run prints its progress.
    Format {
        Text = "text": "the tutorial's line: each epoch's loss with 3 decimals, separated by '; '",
        Jsonl = "jsonl": "one JSON object per epoch, then a summary object",
    }
);

mod features;
mod method;
pub use features::{Feature, Features};
pub use method::{Activation, Activations, Loss, Momentum, Optimizer, Penalty};

#[cfg(test)]
mod tests;
