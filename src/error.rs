//! Errors a user can cause or fix: each renders as one line that names the file (and the
//! row/column where it applies) and says what to do. The binary prints it as `error: ...` and
//! exits with [`EXIT_USAGE`].

use std::path::PathBuf;

/// Exit status for bad input, bad flags and an unavailable backend.
pub const EXIT_USAGE: u8 = 2;

/// Everything that can stop a run before or while it trains.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source} (check the path and permissions)")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source} (check that the folder exists and is writable)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write {}: it is a FIFO, which would wait for a reader (give a file's name)",
        path.display()
    )]
    WaitsForReader { path: PathBuf },
    /// Outputs that each failed on their own (the others were written).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Outputs(Vec<Error>),
    /// Whoever read the output has gone (`| head`): not a failure, and nothing to print.
    #[error("stdout was closed")]
    StdoutClosed,
    /// A signal ended the work, after what it had computed was kept and told: nothing more to
    /// print; the process exits with 128 + the signal, as shells expect.
    #[error("interrupted by signal {signal}")]
    Interrupted { signal: i32 },
    #[error("{}: {}", single_line(file), single_line(&problem.to_string()))]
    Data { file: String, problem: DataProblem },
    #[error("{0}")]
    Weights(String),
    /// The flags ask for something this invocation cannot do.
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Backend(String),
    /// A settings file (`--config`) with a problem at `position` (1-based line and column).
    #[error("{file}: {}{problem}", at(.position))]
    Config {
        file: String,
        position: Option<(usize, usize)>,
        problem: String,
    },
}

/// `text` on one line: control characters (a newline inside a quoted column name, say) as
/// their escapes.
pub fn single_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `line L, column C: `, or nothing.
#[expect(
    clippy::ref_option,
    reason = "thiserror hands the field over by reference"
)]
fn at(position: &Option<(usize, usize)>) -> String {
    position.map_or(String::new(), |(line, column)| {
        format!("line {line}, column {column}: ")
    })
}

/// What is wrong with a data file; [`Error::Data`] adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum DataProblem {
    #[error("the file is empty (expected a header row and at least one data row)")]
    Empty,
    #[error("the file has a header but no data rows")]
    HeaderOnly,
    #[error(
        "line {line}: {found} fields, but the header has {expected} (every row needs one value per column)"
    )]
    Ragged {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error(
        "line 1: column '{name}' appears twice (columns {first} and {second}); give each column its own name"
    )]
    DuplicateColumn {
        name: String,
        first: usize,
        second: usize,
    },
    #[error("line {line}: {message} (is it a CSV file?)")]
    Malformed { line: u64, message: String },
    #[error("no column named '{target}' to predict (choose --target from: {columns})")]
    TargetMissing { target: String, columns: String },
    #[error(
        "target column '{target}' must take exactly two values, but takes {count}: {shown} (choose a binary column with --target)"
    )]
    TargetValues {
        target: String,
        count: usize,
        shown: String,
    },
    #[error("line {line}: target column '{target}' is empty (fill it in or remove the row)")]
    TargetEmpty { line: u64, target: String },
    #[error(
        "line {line}: target column '{target}' has '{value}', which is not one of the training labels {labels}"
    )]
    TargetUnknown {
        line: u64,
        target: String,
        value: String,
        labels: String,
    },
    #[error("no usable feature column besides the target '{target}' ({why})")]
    NoFeatures { target: String, why: String },
    #[error(
        "line {line}, column '{column}': '{value}' is not a number, but the column is otherwise numeric (fix the value or leave it empty to fill it with the column's mode)"
    )]
    NotNumeric {
        line: u64,
        column: String,
        value: String,
    },
    #[error(
        "the columns differ from the training data's: {detail} (use files with the same header)"
    )]
    ColumnsDiffer { detail: String },
    #[error(
        "is not a regular file (a device or a pipe, which may never end): give a CSV file, or - to read standard input"
    )]
    NotAFile,
    #[error("is longer than {} MB: save it to a file and give its path", limit >> 20)]
    TooLong { limit: u64 },
    #[error(
        "{what} leaves {} for {split} ({rows} rows in all; lower the fraction or use more data)",
        if *split == "training" { "fewer than 2 rows" } else { "no rows" }
    )]
    SplitEmpty {
        what: String,
        split: &'static str,
        rows: usize,
    },
}

impl Error {
    pub fn data(file: impl Into<String>, problem: DataProblem) -> Self {
        Error::Data {
            file: file.into(),
            problem,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
