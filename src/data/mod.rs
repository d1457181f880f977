//! Data in: CSV files ([`table`]), the embedded Titanic list ([`titanic`]), generated 2-D sets
//! ([`playground`]), preprocessing ([`prep`]) and the training / validation / test split
//! ([`split`]).

pub mod playground;
pub mod prep;
pub mod split;
pub mod table;
pub mod titanic;

use crate::error::{DataProblem, Error, Result};
use playground::Playground;
use prep::{Recipe, Scale};
use std::path::{Path, PathBuf};
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
    /// A generated 2-D set instead of a file (seeded with `split_seed`); then `data`, `target`,
    /// `valid` and `test` must be `None`, and `scale` is not used.
    pub dataset: Option<Playground>,
    /// Points in the generated set.
    pub points: usize,
    /// Noise of the generated set, from 0 (clean) to 1.
    pub noise: f32,
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
            dataset: None,
            points: playground::DEFAULT_POINTS,
            noise: playground::DEFAULT_NOISE,
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

/// How far loading has got: what it is doing, and the fraction of the file read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    Reading(f32),
    /// Deciding and fitting the preprocessing, then encoding every row.
    Preparing,
}

/// Reads (or generates), preprocesses and splits the data described by `spec`.
pub fn load(spec: &DataSpec) -> Result<Splits> {
    load_with_progress(spec, &mut |_| {})
}

/// [`load`], telling `progress` how far it has got (large files take seconds).
pub fn load_with_progress(spec: &DataSpec, progress: &mut dyn FnMut(Progress)) -> Result<Splits> {
    if let Some(kind) = spec.dataset {
        return load_playground(kind, spec);
    }
    let table = match &spec.data {
        Some(path) => {
            Table::read_with_progress(path, &mut |done| progress(Progress::Reading(done)))?
        }
        None => titanic::table()?,
    };
    progress(Progress::Preparing);
    let target = spec.target.as_deref().unwrap_or(titanic::TARGET);
    // Statistics come from the whole primary table, as in the tutorial.
    let (recipe, all) = if spec.data.is_none() && target == titanic::TARGET {
        let recipe = titanic::recipe(&table, spec.scale)?;
        let all = recipe.apply(&table)?;
        (recipe, all)
    } else {
        Recipe::infer_and_apply(&table, target, spec.scale)?
    };
    let [train, valid, test] = split_rows(&table.name, &all, spec, |path, _| {
        let other = Table::read(path)?;
        same_columns(&table, &other)?;
        recipe.apply(&other)
    })?;
    Ok(Splits {
        name: table.name.clone(),
        train,
        valid,
        test,
        notices: recipe.notices,
    })
}

/// A generated set, named after its kind and split like a file's rows. It needs no scaling:
/// its points already lie within [-1, 1].
fn load_playground(kind: Playground, spec: &DataSpec) -> Result<Splits> {
    let refuse = |flag: &str| {
        Error::Usage(format!(
            "--dataset {kind} generates its own data: drop {flag}"
        ))
    };
    if spec.data.is_some() {
        return Err(refuse("--data"));
    }
    if spec.target.is_some() {
        return Err(refuse("--target"));
    }
    let name = kind.to_string();
    let all = playground::generate(kind, spec.points, spec.noise, spec.split_seed);
    let [train, valid, test] = split_rows(&name, &all, spec, |_, flag| Err(refuse(flag)))?;
    Ok(Splits {
        name,
        train,
        valid,
        test,
        notices: Vec::new(),
    })
}

/// Training, validation and test rows: taken from `all` by the seeded fractions of `spec`, or,
/// for `--valid` / `--test` files, encoded by `read` (given the path and the flag).
fn split_rows(
    name: &str,
    all: &Dataset,
    spec: &DataSpec,
    read: impl Fn(&Path, &str) -> Result<Dataset>,
) -> Result<[Dataset; 3]> {
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
        Error::data(name, DataProblem::SplitEmpty { what, split, rows })
    };
    if parts.train.is_empty() {
        return Err(empty(
            format!("--valid-frac {valid_frac} with --test-frac {test_frac}"),
            "training",
        ));
    }
    let companion = |path: &Option<PathBuf>, frac: f64, indices: &[usize], flag: &str| match path {
        Some(path) => read(path, flag),
        None if frac > 0.0 && indices.is_empty() => {
            Err(empty(format!("{flag}-frac {frac}"), "that split"))
        }
        None => Ok(all.select(indices)),
    };
    let valid = companion(&spec.valid, valid_frac, &parts.valid, "--valid")?;
    let test = companion(&spec.test, test_frac, &parts.test, "--test")?;
    Ok([all.select(&parts.train), valid, test])
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

    fn circle() -> DataSpec {
        DataSpec {
            dataset: Some(Playground::Circle),
            ..DataSpec::default()
        }
    }

    #[test]
    fn a_generated_set_is_named_after_its_kind_and_split_like_a_file() {
        let spec = DataSpec {
            test_frac: 0.1,
            ..circle()
        };
        let splits = load(&spec).unwrap();
        assert_eq!(splits.name, "circle");
        assert_eq!(splits.features(), ["x1", "x2"]);
        assert_eq!(
            (splits.train.rows(), splits.valid.rows(), splits.test.rows()),
            (280, 80, 40)
        );
        assert!(splits.notices.is_empty());
        // The same split as a file of as many rows would get.
        let all = playground::generate(Playground::Circle, 400, 0.1, 42);
        let parts = split::split(400, 0.2, 0.1, 42);
        assert_eq!(splits.valid, all.select(&parts.valid));
        assert_eq!(splits.train, all.select(&parts.train));
        // The split seed also seeds the points.
        let other = load(&DataSpec {
            split_seed: 43,
            ..spec.clone()
        })
        .unwrap();
        assert_ne!(other.train.x, splits.train.x);
        assert_eq!(load(&spec).unwrap().train, splits.train);
    }

    #[test]
    fn a_generated_set_takes_its_size_and_noise_from_the_spec() {
        let spec = DataSpec {
            dataset: Some(Playground::Moons),
            points: 50,
            noise: 0.0,
            ..DataSpec::default()
        };
        let splits = load(&spec).unwrap();
        assert_eq!((splits.train.rows(), splits.valid.rows()), (40, 10));
        assert_eq!(splits.name, "moons");
    }

    #[test]
    fn a_generated_set_too_small_to_split_says_so() {
        let spec = DataSpec {
            points: 4,
            ..circle()
        };
        let message = load(&spec).unwrap_err().to_string();
        assert!(
            message.starts_with("circle: --valid-frac 0.2 leaves no rows for that split"),
            "{message}"
        );
    }

    #[test]
    fn a_generated_set_takes_no_files() {
        for (spec, flag) in [
            (
                DataSpec {
                    data: Some("a.csv".into()),
                    ..circle()
                },
                "--data",
            ),
            (
                DataSpec {
                    target: Some("y".into()),
                    ..circle()
                },
                "--target",
            ),
            (
                DataSpec {
                    valid: Some("v.csv".into()),
                    ..circle()
                },
                "--valid",
            ),
            (
                DataSpec {
                    test: Some("t.csv".into()),
                    ..circle()
                },
                "--test",
            ),
        ] {
            let error = load(&spec).unwrap_err();
            assert!(matches!(error, Error::Usage(_)), "{error:?}");
            assert_eq!(
                error.to_string(),
                format!("--dataset circle generates its own data: drop {flag}")
            );
        }
    }
}
