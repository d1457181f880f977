//! Preprocessing: from a [`Table`] of text cells to a numeric [`Dataset`].
//!
//! A [`Recipe`] is fitted once on the training table (fill values, one-hot categories, scaling
//! statistics) and then applied unchanged to the training, validation and test tables, so that
//! every split is encoded with the training data's statistics and feature `i` always means the
//! same column.

use super::table::Table;
use crate::error::{DataProblem, Error, Result};
pub use crate::settings::Scale;

/// A text column with more distinct values than this is taken for a name or an id and dropped.
pub const MAX_CATEGORIES: usize = 10;

/// One feature column to build, before its statistics are known.
#[derive(Debug, Clone)]
pub enum Plan {
    /// A numeric source column; `log1p` applies `ln(x + 1)` first and names the feature `output`.
    Numeric {
        source: String,
        output: String,
        log1p: bool,
    },
    /// A text (or categorical) source column, one 0/1 feature per category. `None` takes the
    /// categories found in the training table, sorted.
    OneHot {
        source: String,
        categories: Option<Vec<String>>,
    },
}

/// A fitted feature column.
#[derive(Debug, Clone)]
enum Column {
    Numeric {
        source: String,
        output: String,
        log1p: bool,
        fill: f64,
        offset: f64,
        divisor: f64,
    },
    OneHot {
        source: String,
        fill: String,
        categories: Vec<String>,
    },
}

/// The binary target: which label means 1.
#[derive(Debug, Clone)]
pub struct Target {
    pub column: String,
    /// The label that maps to 0, as written in the file.
    pub negative: String,
    /// The label that maps to 1, as written in the file.
    pub positive: String,
}

impl Target {
    fn encode(&self, value: &str) -> Option<f32> {
        // Most cells are spelled as the labels were first seen: no need to normalize them.
        let trimmed = value.trim();
        if trimmed == self.positive {
            return Some(1.0);
        }
        if trimmed == self.negative {
            return Some(0.0);
        }
        let key = label_key(value);
        if key == label_key(&self.positive) {
            Some(1.0)
        } else if key == label_key(&self.negative) {
            Some(0.0)
        } else {
            None
        }
    }
}

/// A fitted preprocessing recipe.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub target: Target,
    columns: Vec<Column>,
    /// What was decided automatically (dropped columns, label mapping), for the user to read.
    pub notices: Vec<String>,
}

/// A cell as the preprocessing sees it.
enum Cell<'a> {
    Missing,
    Number(f64),
    Text(&'a str),
}

fn cell(raw: &str) -> Cell<'_> {
    // ASCII trimming is much faster; text with non-ASCII edges gets the full Unicode trim.
    let value = raw.trim_ascii();
    let non_ascii = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii());
    let bytes = value.as_bytes();
    let value = if non_ascii(bytes.first()) || non_ascii(bytes.last()) {
        value.trim()
    } else {
        value
    };
    if is_missing(value) {
        return Cell::Missing;
    }
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Cell::Number(number),
        _ => Cell::Text(value),
    }
}

/// The spellings of a missing value (after trimming).
pub const MISSING: [&str; 9] = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"];

fn is_missing(trimmed: &str) -> bool {
    MISSING.contains(&trimmed)
}

/// A cell's text for an error message: one line, and not too long.
pub fn shown(value: &str) -> String {
    let escaped: String = value.trim().escape_debug().collect();
    match escaped.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &escaped[..end]),
        None => escaped,
    }
}

/// Labels compare by value: `1` and `1.0` are one label, `Yes` and `yes` too.
fn label_key(value: &str) -> String {
    match cell(value) {
        Cell::Number(number) => format!("{number}"),
        _ => value.trim().to_lowercase(),
    }
}

mod encode;
mod fit;
mod infer;

impl Recipe {
    /// The names of the features this recipe produces, in order.
    pub fn feature_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for column in &self.columns {
            match column {
                Column::Numeric { output, .. } => names.push(output.clone()),
                Column::OneHot {
                    source, categories, ..
                } => names.extend(categories.iter().map(|c| format!("{source}_{c}"))),
            }
        }
        names
    }

    /// The source columns this recipe reads (the target included).
    fn sources(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.target.column.as_str()).chain(self.columns.iter().map(|c| match c {
            Column::Numeric { source, .. } | Column::OneHot { source, .. } => source.as_str(),
        }))
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn find_target(table: &Table, target: &str) -> Result<usize> {
    table.column(target).ok_or_else(|| {
        let columns: Vec<&str> = table.header.iter().map(String::as_str).collect();
        Error::data(
            &table.name,
            DataProblem::TargetMissing {
                target: target.to_string(),
                columns: columns.join(", "),
            },
        )
    })
}

/// The most frequent value; ties go to the first in `BTreeMap` order (the smallest).
fn mode<K: Clone>(counts: impl IntoIterator<Item = (K, usize)>) -> Option<K> {
    let mut best: Option<(K, usize)> = None;
    for (key, count) in counts {
        if best.as_ref().is_none_or(|(_, c)| count > *c) {
            best = Some((key, count));
        }
    }
    best.map(|(key, _)| key)
}

#[cfg(test)]
mod tests;
