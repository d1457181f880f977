//! Errors a user can cause or fix: each renders as one line that names the file (and the
//! row/column where it applies) and says what to do. The binary prints it as `error: ...` and
//! exits with [`EXIT_USAGE`].

use std::path::PathBuf;

/// Exit status for bad input, bad flags and an unavailable backend.
pub const EXIT_USAGE: u8 = 2;

/// Everything that can stop a run before or while it trains.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "cannot read {}: {source} (check the path and permissions)",
        shown(path)
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write {}: {source} (check that the folder exists and is writable)",
        shown(path)
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write {}: it is a FIFO, which would wait for a reader (give a file's name)",
        shown(path)
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
    #[error("{}: {}", single_line(&cut(file)), single_line(&problem.to_string()))]
    Data { file: String, problem: DataProblem },
    #[error("{0}")]
    Weights(String),
    /// The flags ask for something this invocation cannot do.
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Backend(String),
    /// A settings file (`--config`) with a problem at `position` (1-based line and column).
    #[error("{}: {}{problem}", cut(file), at(.position))]
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

/// The most characters of a value (a name, a path, a cell) an error quotes: a value read from
/// a file can be megabytes long.
pub const QUOTED: usize = 256;

/// `text`, cut to its first [`QUOTED`] characters when longer, and saying so.
pub fn cut(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()),
    }
}

fn shown(path: &std::path::Path) -> String {
    cut(&path.display().to_string())
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
        "line 1: column '{}' appears twice (columns {first} and {second}); give each column its own name",
        cut(name)
    )]
    DuplicateColumn {
        name: String,
        first: usize,
        second: usize,
    },
    #[error("line {line}: {} (is it a CSV file?)", cut(message))]
    Malformed { line: u64, message: String },
    #[error(
        "line {line}, column {column}: the text is not UTF-8 (save the file as UTF-8, the encoding of CSV files)"
    )]
    NotUtf8 { line: u64, column: String },
    #[error(
        "no column named '{}' to predict (choose --target from: {})",
        cut(target),
        cut(columns)
    )]
    TargetMissing { target: String, columns: String },
    #[error(
        "target column '{}' must take exactly two values, but takes {count}: {} (choose a binary column with --target)",
        cut(target),
        cut(shown)
    )]
    TargetValues {
        target: String,
        count: usize,
        shown: String,
    },
    #[error(
        "line {line}: target column '{}' is empty (fill it in or remove the row)",
        cut(target)
    )]
    TargetEmpty { line: u64, target: String },
    #[error(
        "line {line}: target column '{}' has '{}', which is not one of the training labels {}",
        cut(target),
        cut(value),
        cut(labels)
    )]
    TargetUnknown {
        line: u64,
        target: String,
        value: String,
        labels: String,
    },
    #[error(
        "no usable feature column besides the target '{}' ({})",
        cut(target),
        cut(why)
    )]
    NoFeatures { target: String, why: String },
    #[error(
        "line {line}, column '{}': '{}' is not a number, but the column is otherwise numeric (fix the value or leave it empty to fill it with the column's mode)",
        cut(column),
        cut(value)
    )]
    NotNumeric {
        line: u64,
        column: String,
        value: String,
    },
    #[error(
        "the columns differ from the training data's: {} (use files with the same header)",
        cut(detail)
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

/// The text of a panic's payload (burn panics rather than failing on some device errors).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the trainer panicked".into())
}
