//! Data in: CSV files ([`table`]), the embedded Titanic list ([`titanic`]), generated 2-D sets
//! ([`playground`]), preprocessing ([`prep`]) and the training / validation / test split
//! ([`split`]).

pub mod playground;
pub mod prep;
pub mod split;
pub mod table;
pub mod titanic;

use crate::error::{DataProblem, Error, Result};
use crate::settings::{DataSpec, Features, Generated, Source, SplitSpec, TableSpec};
use prep::Recipe;
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
    #[must_use]
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
    /// For a generated set, the points its features were made from.
    pub coordinates: Option<Coordinates>,
}

/// A generated set's points before they became features: the training rows' two coordinates,
/// and the features made of them (the decision boundary is drawn over the coordinates' plane
/// whatever the features).
#[derive(Debug, Clone)]
pub struct Coordinates {
    pub train: Dataset,
    pub features: Features,
}

impl Splits {
    pub fn features(&self) -> &[String] {
        &self.train.features
    }

    /// Whether the data lies on a plane the decision boundary can be drawn over: a generated
    /// set (whatever its features), or two features.
    pub fn is_planar(&self) -> bool {
        self.coordinates.is_some() || self.train.n_features() == 2
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
    let (table, options) = match &spec.source {
        Source::Generated(generated) => return load_playground(*generated, &spec.split),
        Source::Titanic(options) => (titanic::table()?, options),
        Source::File { path, table } => (
            Table::read(path, table.delimiter, &mut |done| {
                progress(Progress::Reading(done));
            })?,
            table,
        ),
    };
    progress(Progress::Preparing);
    let target = options.target.as_deref().unwrap_or(titanic::TARGET);
    // Statistics come from the whole primary table, as in the tutorial.
    let (recipe, all) = if matches!(spec.source, Source::Titanic(_)) && target == titanic::TARGET {
        let recipe = titanic::recipe(&table, options.scale)?;
        let all = recipe.apply(&table)?;
        (recipe, all)
    } else {
        Recipe::infer_and_apply(&table, target, options.scale)?
    };
    let [train, valid, test] = split_rows(&table.name, &all, options, &spec.split, |path| {
        let other = Table::read(path, Some(table.delimiter), &mut |_| {})?;
        same_columns(&table, &other)?;
        recipe.apply(&other)
    })?;
    let mut notices = recipe.notices;
    if table.delimiter != b',' && options.delimiter.is_none() {
        let separated = table::delimiter_name(table.delimiter);
        notices.insert(
            0,
            format!(
                "columns separated by {separated} (found in the first lines; --delimiter sets one)"
            ),
        );
    }
    Ok(Splits {
        name: table.name.clone(),
        train,
        valid,
        test,
        notices,
        coordinates: None,
    })
}

/// A generated set, named after its kind and split like a file's rows, each split's features
/// made from its points' coordinates. It needs no scaling: its points already lie within
/// [-1, 1].
fn load_playground(generated: Generated, split: &SplitSpec) -> Result<Splits> {
    let name = generated.kind.to_string();
    let all = playground::generate(
        generated.kind,
        generated.points.get(),
        generated.noise.get(),
        split.seed.get(),
    );
    let no_files = TableSpec::default();
    let [train, valid, test] = split_rows(&name, &all, &no_files, split, |path| {
        Err(Error::Usage(format!(
            "a generated set reads no file ({})",
            path.display()
        )))
    })?;
    let features = generated.features;
    let cross = |points: &Dataset| playground::crossed(points, features);
    Ok(Splits {
        name,
        train: cross(&train),
        valid: cross(&valid),
        test: cross(&test),
        notices: Vec::new(),
        coordinates: Some(Coordinates { train, features }),
    })
}

/// Training, validation and test rows: taken from `all` by the seeded fractions of `split`,
/// or, for separate validation / test files, encoded by `read`.
fn split_rows(
    name: &str,
    all: &Dataset,
    files: &TableSpec,
    split: &SplitSpec,
    read: impl Fn(&Path) -> Result<Dataset>,
) -> Result<[Dataset; 3]> {
    let rows = all.rows();
    let valid_frac = if files.valid.is_some() {
        0.0
    } else {
        split.valid_frac.get()
    };
    let test_frac = if files.test.is_some() {
        0.0
    } else {
        split.test_frac.get()
    };
    let parts = split::split(rows, valid_frac, test_frac, split.seed.get());
    let empty = |what: String, split: &'static str| {
        Error::data(name, DataProblem::SplitEmpty { what, split, rows })
    };
    // One training row cannot be learned from (nor its loss tell anything).
    if parts.train.len() < 2 {
        return Err(empty(
            format!("--valid-frac {valid_frac} with --test-frac {test_frac}"),
            "training",
        ));
    }
    let companion = |path: &Option<PathBuf>, frac: f64, indices: &[usize], flag: &str| match path {
        Some(path) => read(path),
        None if frac > 0.0 && indices.is_empty() => {
            Err(empty(format!("{flag}-frac {frac}"), "that split"))
        }
        None => Ok(all.select(indices)),
    };
    let valid = companion(&files.valid, valid_frac, &parts.valid, "--valid")?;
    let test = companion(&files.test, test_frac, &parts.test, "--test")?;
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
    use crate::settings::{Noise, Playground, Points, TestFraction};

    fn spec(source: Source, test_frac: f64) -> DataSpec {
        DataSpec {
            source,
            split: SplitSpec {
                test_frac: TestFraction::new(test_frac).unwrap(),
                ..SplitSpec::default()
            },
        }
    }

    fn circle() -> Source {
        Source::Generated(Generated::new(Playground::Circle))
    }

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
        let splits = load(&spec(Source::Titanic(TableSpec::default()), 0.1)).unwrap();
        assert_eq!(
            (splits.train.rows(), splits.valid.rows(), splits.test.rows()),
            (624, 178, 89)
        );
    }

    #[test]
    fn a_generated_set_is_named_after_its_kind_and_split_like_a_file() {
        let spec = spec(circle(), 0.1);
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
        let mut other = spec.clone();
        other.split.seed = crate::settings::Seed::new(43).unwrap();
        assert_ne!(load(&other).unwrap().train.x, splits.train.x);
        assert_eq!(load(&spec).unwrap().train, splits.train);
    }

    /// TensorFlow Playground's features (its `INPUTS`): x, y, x * x, y * y, x * y,
    /// Math.sin(x), Math.sin(y), made from each point's coordinates, in its order whatever
    /// order they were asked in.
    #[test]
    fn crosses_are_the_playgrounds_formulas_of_the_points() {
        let all_of_them = "sinx2,x1,x1x2,x2,x1sq,x2^2,sin(x1)".parse().unwrap();
        let crossed = Source::Generated(Generated {
            features: all_of_them,
            ..Generated::new(Playground::Xor)
        });
        let splits = load(&spec(crossed, 0.1)).unwrap();
        let plain = load(&spec(
            Source::Generated(Generated::new(Playground::Xor)),
            0.1,
        ))
        .unwrap();
        assert_eq!(
            splits.features(),
            ["x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)"]
        );
        assert!(splits.is_planar());
        for (split, points) in [
            (&splits.train, &plain.train),
            (&splits.valid, &plain.valid),
            (&splits.test, &plain.test),
        ] {
            assert_eq!(split.y, points.y);
            assert_eq!(split.rows(), points.rows());
            for (row, point) in split.x.chunks_exact(7).zip(points.x.chunks_exact(2)) {
                let (x, y) = (point[0], point[1]);
                assert_eq!(row, [x, y, x * x, y * y, x * y, x.sin(), y.sin()]);
            }
        }
        let coordinates = splits.coordinates.as_ref().unwrap();
        assert_eq!(coordinates.train, plain.train, "the plane keeps the points");
        assert_eq!(plain.train.features, ["x1", "x2"], "plain by default");
    }

    #[test]
    fn a_generated_set_takes_its_size_and_noise_from_the_spec() {
        let moons = Source::Generated(Generated {
            points: Points::new(50).unwrap(),
            noise: Noise::new(0.0).unwrap(),
            ..Generated::new(Playground::Moons)
        });
        let splits = load(&spec(moons, 0.0)).unwrap();
        assert_eq!((splits.train.rows(), splits.valid.rows()), (40, 10));
        assert_eq!(splits.name, "moons");
    }

    #[test]
    fn a_generated_set_too_small_to_split_says_so() {
        let all = playground::generate(Playground::Circle, 400, 0.1, 42);
        let four = all.select(&[0, 1, 2, 3]);
        let message = split_rows(
            "circle",
            &four,
            &TableSpec::default(),
            &SplitSpec::default(),
            |_| unreachable!(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            message.starts_with("circle: --valid-frac 0.2 leaves no rows for that split"),
            "{message}"
        );
    }
}
