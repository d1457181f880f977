//! Data in: CSV files ([`table`]), the embedded Titanic list ([`titanic`]), preprocessing
//! ([`prep`]) and the training / validation / test split ([`split`]).

pub mod prep;
pub mod split;
pub mod table;
pub mod titanic;

use crate::error::{DataProblem, Error, Result};
use prep::{Recipe, Scale};
use std::path::PathBuf;
use table::Table;

/// Rows of numeric features and 0/1 labels, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub features: Vec<String>,
    /// `rows × features.len()` values, row after row.
    pub x: Vec<f32>,
    /// One 0/1 label per row.
    pub y: Vec<f32>,
}

impl Dataset {
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        let width = self.n_features();
        let mut x = Vec::with_capacity(indices.len() * width);
        for &i in indices {
            x.extend_from_slice(&self.x[i * width..(i + 1) * width]);
        }
        Dataset {
            features: self.features.clone(),
            x,
            y: indices.iter().map(|&i| self.y[i]).collect(),
        }
    }
}

/// Where the data comes from and how to split it.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpec {
    /// A CSV file; `None` is the embedded Titanic table.
    pub data: Option<PathBuf>,
    /// The column to predict; `None` is `Survived`.
    pub target: Option<String>,
    pub scale: Scale,
    pub valid_frac: f64,
    pub test_frac: f64,
    pub split_seed: u64,
    /// A separate validation file (then `valid_frac` is not used).
    pub valid: Option<PathBuf>,
    /// A separate test file (then `test_frac` is not used).
    pub test: Option<PathBuf>,
}

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            data: None,
            target: None,
            scale: Scale::Max,
            valid_frac: 0.2,
            test_frac: 0.0,
            split_seed: 42,
            valid: None,
            test: None,
        }
    }
}

/// The data of a run, preprocessed and split.
#[derive(Debug, Clone)]
pub struct Splits {
    /// The training file's name, for the screen and messages.
    pub name: String,
    pub train: Dataset,
    pub valid: Dataset,
    /// Empty when no test split was asked for.
    pub test: Dataset,
    /// What the preprocessing decided on its own, one line each.
    pub notices: Vec<String>,
}

impl Splits {
    pub fn features(&self) -> &[String] {
        &self.train.features
    }
}

/// Reads, preprocesses and splits the data described by `spec`.
pub fn load(spec: &DataSpec) -> Result<Splits> {
    let table = match &spec.data {
        Some(path) => Table::read(path)?,
        None => titanic::table()?,
    };
    let target = spec.target.as_deref().unwrap_or(titanic::TARGET);
    // Statistics come from the whole primary table, as in the tutorial.
    let recipe = if spec.data.is_none() && target == titanic::TARGET {
        titanic::recipe(&table, spec.scale)?
    } else {
        Recipe::infer(&table, target, spec.scale)?
    };
    let all = recipe.apply(&table)?;
    let rows = all.rows();
    let valid_frac = if spec.valid.is_some() {
        0.0
    } else {
        spec.valid_frac
    };
    let test_frac = if spec.test.is_some() {
        0.0
    } else {
        spec.test_frac
    };
    let parts = split::split(rows, valid_frac, test_frac, spec.split_seed);
    let empty = |what: String, split: &'static str| {
        Error::data(&table.name, DataProblem::SplitEmpty { what, split, rows })
    };
    if parts.train.is_empty() {
        return Err(empty(
            format!("--valid-frac {valid_frac} with --test-frac {test_frac}"),
            "training",
        ));
    }
    let companion = |path: &Option<PathBuf>, frac: f64, indices: &[usize], flag: &str| match path {
        Some(path) => {
            let other = Table::read(path)?;
            same_columns(&table, &other)?;
            recipe.apply(&other)
        }
        None if frac > 0.0 && indices.is_empty() => {
            Err(empty(format!("{flag} {frac}"), "that split"))
        }
        None => Ok(all.select(indices)),
    };
    let valid = companion(&spec.valid, valid_frac, &parts.valid, "--valid-frac")?;
    let test = companion(&spec.test, test_frac, &parts.test, "--test-frac")?;
    Ok(Splits {
        name: table.name.clone(),
        train: all.select(&parts.train),
        valid,
        test,
        notices: recipe.notices,
    })
}

/// A validation or test file must have the training file's columns (in any order).
fn same_columns(train: &Table, other: &Table) -> Result<()> {
    let missing: Vec<&str> = train
        .header
        .iter()
        .filter(|h| other.column(h).is_none())
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = other
        .header
        .iter()
        .filter(|h| train.column(h).is_none())
        .map(String::as_str)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let mut detail = Vec::new();
    if !missing.is_empty() {
        detail.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        detail.push(format!("unexpected {}", extra.join(", ")));
    }
    Err(Error::data(
        &other.name,
        DataProblem::ColumnsDiffer {
            detail: detail.join("; "),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_data_is_the_tutorials_split_of_titanic() {
        let splits = load(&DataSpec::default()).unwrap();
        assert_eq!(splits.train.rows(), 713);
        assert_eq!(splits.valid.rows(), 178);
        assert_eq!(splits.test.rows(), 0);
        assert_eq!(splits.features().len(), 12);
        assert!(splits.notices.is_empty());
    }

    #[test]
    fn a_test_fraction_takes_rows_from_training() {
        let spec = DataSpec {
            test_frac: 0.1,
            ..DataSpec::default()
        };
        let splits = load(&spec).unwrap();
        assert_eq!(
            (splits.train.rows(), splits.valid.rows(), splits.test.rows()),
            (624, 178, 89)
        );
    }
}
