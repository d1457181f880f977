//! Which data a run trains on, and how it is split. A generated set cannot carry the
//! settings of a file: the type has nowhere to put them.

use super::{
    ColumnName, Delimiter, Features, FilePath, Layer, Noise, Playground, Points, Scale, Seed,
    TestFraction, ValidFraction,
};
use std::path::PathBuf;

/// Where the data comes from and how it is split.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpec {
    pub source: Source,
    pub split: SplitSpec,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The embedded Titanic passenger list.
    Titanic(TableSpec),
    /// A CSV file.
    File { path: PathBuf, table: TableSpec },
    /// A generated two-feature set, seeded with the split seed.
    Generated(Generated),
}

/// How a table of rows (a file, or the embedded Titanic list) becomes features.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableSpec {
    /// The column to predict; `None` is `Survived`.
    pub target: Option<String>,
    /// What separates the columns; `None`: found in the file's first lines.
    pub delimiter: Option<u8>,
    pub scale: Scale,
    /// A separate validation file (then the validation fraction is not used).
    pub valid: Option<PathBuf>,
    /// A separate test file (then the test fraction is not used).
    pub test: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generated {
    pub kind: Playground,
    pub points: Points,
    pub noise: Noise,
    /// The network's inputs, made from each point's two coordinates.
    pub features: Features,
}

impl Generated {
    /// `kind` at the default size and noise, its coordinates as its features.
    pub fn new(kind: Playground) -> Self {
        Generated {
            kind,
            points: Points(400),
            noise: Noise(0.1),
            features: Features::default(),
        }
    }
}

/// The seeded random split into training, validation and test rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitSpec {
    pub valid_frac: ValidFraction,
    pub test_frac: TestFraction,
    pub seed: Seed,
}

impl Default for SplitSpec {
    /// The tutorial's: fastai's `RandomSplitter(valid_pct=0.2, seed=42)`.
    fn default() -> Self {
        SplitSpec {
            valid_frac: ValidFraction(0.2),
            test_frac: TestFraction(0.0),
            seed: Seed(42),
        }
    }
}

impl Default for DataSpec {
    /// The tutorial's data: Titanic, split 80/20 with seed 42.
    fn default() -> Self {
        DataSpec {
            source: Source::Titanic(TableSpec::default()),
            split: SplitSpec::default(),
        }
    }
}

impl DataSpec {
    /// The data a session's settings describe (whose combinations are already checked).
    pub(super) fn from_layer(layer: &Layer) -> Self {
        let split = SplitSpec::default();
        let split = SplitSpec {
            valid_frac: layer.valid_frac.unwrap_or(split.valid_frac),
            test_frac: layer.test_frac.unwrap_or(split.test_frac),
            seed: layer.split_seed.unwrap_or(split.seed),
        };
        let path = |path: &Option<FilePath>| path.clone().map(|path| path.0);
        let source = if let Some(kind) = layer.dataset {
            Source::Generated(Generated {
                points: layer.points.unwrap_or(Points(400)),
                noise: layer.noise.unwrap_or(Noise(0.1)),
                features: layer.features.unwrap_or_default(),
                ..Generated::new(kind)
            })
        } else {
            let table = TableSpec {
                target: layer.target.clone().map(|column| column.0),
                delimiter: layer.delimiter.map(|d| d.0),
                scale: layer.scale.unwrap_or_default(),
                valid: path(&layer.valid),
                test: path(&layer.test),
            };
            match path(&layer.data) {
                Some(path) => Source::File { path, table },
                None => Source::Titanic(table),
            }
        };
        DataSpec { source, split }
    }

    /// The data settings as a session file's keys: those of a file for a file, those of a
    /// generated set for a generated set.
    pub(super) fn layer(&self) -> Layer {
        let split = Layer {
            valid_frac: Some(self.split.valid_frac),
            test_frac: Some(self.split.test_frac),
            split_seed: Some(self.split.seed),
            ..Layer::default()
        };
        let table = |table: &TableSpec, data: Option<&PathBuf>| Layer {
            data: data.cloned().map(FilePath),
            target: table.target.clone().map(ColumnName),
            delimiter: table.delimiter.map(Delimiter),
            scale: Some(table.scale),
            valid: table.valid.clone().map(FilePath),
            test: table.test.clone().map(FilePath),
            ..split.clone()
        };
        match &self.source {
            Source::Titanic(spec) => table(spec, None),
            Source::File { path, table: spec } => table(spec, Some(path)),
            Source::Generated(generated) => Layer {
                dataset: Some(generated.kind),
                points: Some(generated.points),
                noise: Some(generated.noise),
                features: Some(generated.features),
                ..split
            },
        }
    }

    /// How the data is named while it loads, on the dashboard and headless alike: the file,
    /// `titanic.csv`, or the generated set's kind.
    pub fn name(&self) -> String {
        match &self.source {
            Source::File { path, .. } => path.display().to_string(),
            Source::Titanic(_) => "titanic.csv".into(),
            Source::Generated(generated) => generated.kind.to_string(),
        }
    }

    /// The generated set, if the data is one.
    pub fn generated(&self) -> Option<Generated> {
        match self.source {
            Source::Generated(generated) => Some(generated),
            _ => None,
        }
    }

    /// The same split of another source.
    #[must_use]
    pub fn with_source(&self, source: Source) -> Self {
        DataSpec {
            source,
            split: self.split,
        }
    }
}
