//! Preprocessing: from a [`Table`] of text cells to a numeric [`Dataset`].
//!
//! A [`Recipe`] is fitted once on the training table (fill values, one-hot categories, scaling
//! statistics) and then applied unchanged to the training, validation and test tables, so that
//! every split is encoded with the training data's statistics and feature `i` always means the
//! same column.

use super::Dataset;
use super::table::{Row, Table};
use crate::error::{DataProblem, Error, Result};
pub use crate::settings::Scale;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

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

impl Recipe {
    /// Infers the plan for an arbitrary CSV file and fits it: numeric columns stay numeric (in the
    /// file's order), low-cardinality text columns are one-hot encoded, others are dropped.
    pub fn infer(table: &Table, target: &str, scale: Scale) -> Result<Self> {
        Ok(Self::infer_encoded(table, target, scale)?.0)
    }

    /// [`Recipe::infer`] then [`Recipe::apply`] on the same table, parsing each numeric cell
    /// once instead of three times (a million-row file loads in about half the time).
    pub fn infer_and_apply(table: &Table, target: &str, scale: Scale) -> Result<(Self, Dataset)> {
        let (recipe, encoded) = Self::infer_encoded(table, target, scale)?;
        let Some(columns) = encoded.into_iter().collect::<Option<Vec<Vec<f32>>>>() else {
            // One-hot columns are encoded row by row.
            let data = recipe.apply(table)?;
            return Ok((recipe, data));
        };
        let target_index = find_target(table, target)?;
        let y = table
            .rows()
            .map(|row| recipe.encode_label(table, row, target_index))
            .collect::<Result<Vec<f32>>>()?;
        let mut x = Vec::with_capacity(table.len() * columns.len());
        for row in 0..table.len() {
            x.extend(columns.iter().map(|column| column[row]));
        }
        let features = recipe.feature_names();
        Ok((recipe, Dataset { features, x, y }))
    }

    /// The recipe, and each planned column's encoded values where classifying the column
    /// produced them (numeric columns).
    fn infer_encoded(
        table: &Table,
        target: &str,
        scale: Scale,
    ) -> Result<(Self, Vec<Option<Vec<f32>>>)> {
        let target_index = find_target(table, target)?;
        let mut notices = Vec::new();
        let mut plan = Vec::new();
        let columns: Vec<usize> = (0..table.header.len())
            .filter(|&index| index != target_index)
            .collect();
        let kinds: Vec<_> = columns
            .par_iter()
            .map(|&index| classify(table, index, scale))
            .collect();
        let mut fitted = Vec::new();
        let mut encoded = Vec::new();
        for (&index, kind) in columns.iter().zip(kinds) {
            let name = &table.header[index];
            match kind? {
                Kind::Numeric(column, values) => {
                    plan.push(Plan::Numeric {
                        source: name.clone(),
                        output: name.clone(),
                        log1p: false,
                    });
                    fitted.push(Some(column));
                    encoded.push(Some(values));
                }
                Kind::Categorical => {
                    plan.push(Plan::OneHot {
                        source: name.clone(),
                        categories: None,
                    });
                    fitted.push(None);
                    encoded.push(None);
                }
                Kind::Empty => notices.push(format!("column '{name}' is empty: dropped")),
                Kind::HighCardinality(count) => notices.push(format!(
                    "column '{name}' has {count} distinct text values (a name or an id?): dropped"
                )),
            }
        }
        if plan.is_empty() {
            let why = if notices.is_empty() {
                "the file has no other column".to_string()
            } else {
                notices.join("; ")
            };
            return Err(Error::data(
                &table.name,
                DataProblem::NoFeatures {
                    target: target.to_string(),
                    why,
                },
            ));
        }
        let mut recipe = Self::fit_some(table, target, &plan, scale, fitted)?;
        notices.append(&mut recipe.notices);
        recipe.notices = notices;
        Ok((recipe, encoded))
    }

    /// Fits an explicit plan on `table`: fill values (the column's mode), categories and
    /// scaling statistics (over every row of `table`).
    pub fn fit(table: &Table, target: &str, plan: &[Plan], scale: Scale) -> Result<Self> {
        Self::fit_some(table, target, plan, scale, vec![None; plan.len()])
    }

    /// [`Recipe::fit`] for the steps of `plan` not already in `fitted` (same length).
    fn fit_some(
        table: &Table,
        target: &str,
        plan: &[Plan],
        scale: Scale,
        fitted: Vec<Option<Column>>,
    ) -> Result<Self> {
        let target_index = find_target(table, target)?;
        let target = fit_target(table, target_index)?;
        let mut notices = Vec::new();
        if !(label_key(&target.negative) == "0" && label_key(&target.positive) == "1") {
            notices.push(format!(
                "target '{}': '{}' → 1, '{}' → 0",
                target.column, target.positive, target.negative
            ));
        }
        let steps: Vec<(&Plan, Option<Column>)> = plan.iter().zip(fitted).collect();
        // In parallel; the first error in the plan's order wins.
        let fitted: Vec<Result<Column>> = steps
            .par_iter()
            .map(|(step, done)| match done {
                Some(column) => Ok(column.clone()),
                None => fit_column(table, step, scale),
            })
            .collect();
        let columns = fitted.into_iter().collect::<Result<Vec<_>>>()?;
        Ok(Recipe {
            target,
            columns,
            notices,
        })
    }

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

    /// Encodes every row of `table` with this recipe's statistics.
    pub fn apply(&self, table: &Table) -> Result<Dataset> {
        let fail = |problem| Error::data(&table.name, problem);
        let missing: Vec<&str> = self
            .sources()
            .filter(|source| table.column(source).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(fail(DataProblem::ColumnsDiffer {
                detail: format!("missing {}", quoted(&missing)),
            }));
        }
        let column = |name: &str| table.column(name).unwrap_or_default();
        let target_index = column(&self.target.column);
        let features = self.feature_names();
        let indices: Vec<usize> = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Numeric { source, .. } | Column::OneHot { source, .. } => column(source),
            })
            .collect();
        let width = features.len();
        // Row chunks in parallel; the first error in file order wins.
        let starts: Vec<usize> = (0..table.len()).step_by(APPLY_CHUNK).collect();
        let encoded: Vec<_> = starts
            .par_iter()
            .map(|&start| {
                let rows = (start..table.len().min(start + APPLY_CHUNK)).map(|r| table.row(r));
                self.encode_rows(table, rows, target_index, &indices, width)
            })
            .collect();
        let mut x = Vec::with_capacity(table.len() * width);
        let mut y = Vec::with_capacity(table.len());
        for chunk in encoded {
            let (chunk_x, chunk_y) = chunk?;
            x.extend_from_slice(&chunk_x);
            y.extend_from_slice(&chunk_y);
        }
        Ok(Dataset { features, x, y })
    }

    /// The 0/1 label of `row`.
    fn encode_label(&self, table: &Table, row: Row<'_>, target_index: usize) -> Result<f32> {
        let fail = |problem| Error::data(&table.name, problem);
        let label = row.get(target_index);
        if is_missing(label.trim()) {
            return Err(fail(DataProblem::TargetEmpty {
                line: row.line(),
                target: self.target.column.clone(),
            }));
        }
        self.target.encode(label).ok_or_else(|| {
            fail(DataProblem::TargetUnknown {
                line: row.line(),
                target: self.target.column.clone(),
                value: shown(label),
                labels: quoted(&[&self.target.negative, &self.target.positive]),
            })
        })
    }

    /// Features and labels of `rows`.
    fn encode_rows<'a>(
        &self,
        table: &'a Table,
        rows: impl ExactSizeIterator<Item = Row<'a>>,
        target_index: usize,
        indices: &[usize],
        width: usize,
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        let fail = |problem| Error::data(&table.name, problem);
        let mut x = Vec::with_capacity(rows.len() * width);
        let mut y = Vec::with_capacity(rows.len());
        for row in rows {
            let line = row.line();
            y.push(self.encode_label(table, row, target_index)?);
            for (spec, &index) in self.columns.iter().zip(indices) {
                encode_cell(spec, row.get(index), &mut x).map_err(|value| {
                    fail(DataProblem::NotNumeric {
                        line,
                        column: table.header[index].clone(),
                        value,
                    })
                })?;
            }
        }
        Ok((x, y))
    }
}

impl Column {
    /// The feature value of a numeric cell (`None`: missing); 0 for a one-hot column.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "features are f32, as the tutorial's tensors are"
    )]
    fn encode_number(&self, value: Option<f64>) -> f32 {
        match self {
            Column::Numeric {
                log1p,
                fill,
                offset,
                divisor,
                ..
            } => {
                let value = value.unwrap_or(*fill);
                let value = if *log1p { (value + 1.0).ln() } else { value };
                // As the tutorial divides: the values and their divisors in float32
                // (`t_indep / vals`), so the features are pandas' and PyTorch's to the bit.
                ((value - offset) as f32) / (*divisor as f32)
            }
            Column::OneHot { .. } => 0.0,
        }
    }
}

/// Rows per parallel chunk when encoding a table.
const APPLY_CHUNK: usize = 16_384;

/// Appends the features of one cell; a non-number in a numeric column is returned as `Err`.
fn encode_cell(column: &Column, raw: &str, x: &mut Vec<f32>) -> Result<(), String> {
    match column {
        Column::Numeric { .. } => {
            let value = match cell(raw) {
                Cell::Missing => None,
                Cell::Number(number) => Some(number),
                Cell::Text(text) => return Err(shown(text)),
            };
            x.push(column.encode_number(value));
        }
        Column::OneHot {
            fill, categories, ..
        } => {
            let value = match raw.trim() {
                value if is_missing(value) => fill.as_str(),
                value => value,
            };
            x.extend(
                categories
                    .iter()
                    .map(|category| f32::from(u8::from(category == value))),
            );
        }
    }
    Ok(())
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

fn fit_target(table: &Table, index: usize) -> Result<Target> {
    let column = table.header[index].clone();
    // Distinct labels by value, keeping the first spelling seen.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    // Spellings already counted: a million rows of two labels normalize two strings.
    let mut spellings: BTreeSet<&str> = BTreeSet::new();
    for row in table.rows() {
        let value = row.get(index).trim();
        if is_missing(value) {
            return Err(Error::data(
                &table.name,
                DataProblem::TargetEmpty {
                    line: row.line(),
                    target: column,
                },
            ));
        }
        if spellings.insert(value) {
            labels
                .entry(label_key(value))
                .or_insert_with(|| value.to_string());
        }
    }
    let mut values: Vec<String> = labels.into_values().collect();
    if values.len() != 2 {
        sort_values(&mut values);
        let listed: Vec<String> = values.iter().take(10).map(|v| shown(v)).collect();
        let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
        let more = if values.len() > 10 { ", ..." } else { "" };
        return Err(Error::data(
            &table.name,
            DataProblem::TargetValues {
                target: column,
                count: values.len(),
                shown: format!("{}{more}", quoted(&listed)),
            },
        ));
    }
    sort_values(&mut values);
    let truthy = |v: &str| matches!(v.to_lowercase().as_str(), "true" | "yes" | "y");
    let (negative, positive) = if truthy(&values[0]) && !truthy(&values[1]) {
        (values[1].clone(), values[0].clone())
    } else {
        (values[0].clone(), values[1].clone())
    };
    Ok(Target {
        column,
        negative,
        positive,
    })
}

/// Sorts numerically when every value is a number, else as text.
fn sort_values(values: &mut [String]) {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| match cell(v) {
            Cell::Number(n) => Some(n),
            _ => None,
        })
        .collect();
    if numbers.is_some() {
        values.sort_by(|a, b| {
            let (a, b) = (a.trim().parse::<f64>(), b.trim().parse::<f64>());
            a.unwrap_or_default().total_cmp(&b.unwrap_or_default())
        });
    } else {
        values.sort();
    }
}

enum Kind {
    /// Fitted and encoded while it was classified: one pass over the column instead of three.
    Numeric(Column, Vec<f32>),
    Categorical,
    Empty,
    HighCardinality(usize),
}

/// Decides what a column is. A column that is numeric but for a few text cells (at most 5%) is
/// taken for a numeric column with typos, and its first text cell is reported.
fn classify(table: &Table, index: usize, scale: Scale) -> Result<Kind> {
    let mut numbers = 0usize;
    let mut parsed: Vec<Option<f64>> = Vec::with_capacity(table.len());
    let mut texts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut first_text = None;
    for row in table.rows() {
        match cell(row.get(index)) {
            Cell::Missing => parsed.push(None),
            Cell::Number(n) => {
                numbers += 1;
                parsed.push(Some(n));
            }
            Cell::Text(text) => {
                *texts.entry(text).or_default() += 1;
                first_text.get_or_insert((row.line(), text));
            }
        }
    }
    let text_count: usize = texts.values().sum();
    Ok(match (numbers, text_count) {
        (0, 0) => Kind::Empty,
        (_, 0) => {
            let name = &table.header[index];
            let column = numeric_column(name, name, false, &parsed, scale);
            let values = parsed.iter().map(|&v| column.encode_number(v)).collect();
            Kind::Numeric(column, values)
        }
        (n, t) if n > 0 && t * 20 <= n + t => {
            let (line, value) = first_text.unwrap_or_default();
            return Err(Error::data(
                &table.name,
                DataProblem::NotNumeric {
                    line,
                    column: table.header[index].clone(),
                    value: shown(value),
                },
            ));
        }
        _ => {
            let distinct = distinct_values(table, index).len();
            if distinct <= MAX_CATEGORIES {
                Kind::Categorical
            } else {
                Kind::HighCardinality(distinct)
            }
        }
    })
}

/// Non-empty values of a column with their counts, by text.
fn distinct_values(table: &Table, index: usize) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for row in table.rows() {
        let value = row.get(index).trim();
        if !is_missing(value) {
            *counts.entry(value).or_default() += 1;
        }
    }
    counts
}

/// A numeric column fitted on its parsed cells (`None`: missing): the fill value is the mode by
/// exact value, ties going to the smallest, as pandas' `mode().iloc[0]`.
fn numeric_column(
    source: &str,
    output: &str,
    log1p: bool,
    values: &[Option<f64>],
    scale: Scale,
) -> Column {
    // Sorting and counting runs is several times faster than a map on a million rows.
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let runs = sorted
        .chunk_by(|a, b| a.total_cmp(b).is_eq())
        .map(|run| (run[0], run.len()));
    let fill = mode(runs).unwrap_or(0.0);
    let transformed: Vec<f64> = values
        .iter()
        .map(|v| {
            let v = v.unwrap_or(fill);
            if log1p { (v + 1.0).ln() } else { v }
        })
        .collect();
    let (offset, divisor) = scaling(&transformed, scale);
    Column::Numeric {
        source: source.to_string(),
        output: output.to_string(),
        log1p,
        fill,
        offset,
        divisor,
    }
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

fn fit_column(table: &Table, plan: &Plan, scale: Scale) -> Result<Column> {
    let missing_column = |source: &str| {
        Error::data(
            &table.name,
            DataProblem::ColumnsDiffer {
                detail: format!("missing '{source}'"),
            },
        )
    };
    match plan {
        Plan::Numeric {
            source,
            output,
            log1p,
        } => {
            let index = table.column(source).ok_or_else(|| missing_column(source))?;
            let mut values = Vec::with_capacity(table.len());
            for row in table.rows() {
                match cell(row.get(index)) {
                    Cell::Missing => values.push(None),
                    Cell::Number(n) => values.push(Some(n)),
                    Cell::Text(text) => {
                        return Err(Error::data(
                            &table.name,
                            DataProblem::NotNumeric {
                                line: row.line(),
                                column: source.clone(),
                                value: shown(text),
                            },
                        ));
                    }
                }
            }
            Ok(numeric_column(source, output, *log1p, &values, scale))
        }
        Plan::OneHot { source, categories } => {
            let index = table.column(source).ok_or_else(|| missing_column(source))?;
            let counts = distinct_values(table, index);
            let fill = mode(counts.iter().map(|(k, c)| (k.to_string(), *c))).unwrap_or_default();
            let categories = categories.clone().unwrap_or_else(|| {
                let mut found: Vec<String> = counts
                    .keys()
                    .map(std::string::ToString::to_string)
                    .collect();
                sort_values(&mut found);
                found
            });
            Ok(Column::OneHot {
                source: source.clone(),
                fill,
                categories,
            })
        }
    }
}

/// `(offset, divisor)` such that `(x - offset) / divisor` is the scaled value.
fn scaling(values: &[f64], scale: Scale) -> (f64, f64) {
    let nonzero = |d: f64| if d > 0.0 && d.is_finite() { d } else { 1.0 };
    match scale {
        Scale::None => (0.0, 1.0),
        Scale::Max => (
            0.0,
            nonzero(values.iter().fold(0.0f64, |m, v| m.max(v.abs()))),
        ),
        Scale::Standard => {
            let n = values.len().max(1) as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            (mean, nonzero(variance.sqrt()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse("t.csv".into(), text.as_bytes()).unwrap()
    }

    fn error(text: &str, target: &str) -> String {
        Recipe::infer(&table(text), target, Scale::Max)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn inferring_and_applying_at_once_gives_what_applying_gives() {
        let numeric = "a,b,y\n1,10,yes\n,20,no\n3,,yes\n1,40,no\n";
        let with_text = "a,c,y\n1,red,1\n2,blue,0\n,red,1\n";
        for text in [numeric, with_text] {
            let t = table(text);
            let (recipe, data) = Recipe::infer_and_apply(&t, "y", Scale::Standard).unwrap();
            let again = Recipe::infer(&t, "y", Scale::Standard).unwrap();
            assert_eq!(recipe.feature_names(), again.feature_names());
            assert_eq!(data, again.apply(&t).unwrap(), "{text}");
        }
        let bad = table("a,y\n1,yes\n2,maybe\n3,no\n");
        assert!(Recipe::infer_and_apply(&bad, "y", Scale::Max).is_err());
    }

    #[test]
    fn numeric_columns_are_mode_filled_and_max_scaled_in_file_order() {
        let t = table("b,y,a\n2,0,4\n,1,4\n2,0,\n-8,1,1\n");
        let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
        let data = recipe.apply(&t).unwrap();
        assert_eq!(data.features, ["b", "a"]);
        assert_eq!(data.y, [0.0, 1.0, 0.0, 1.0]);
        // b: mode 2, max |b| 8; a: mode 4, max 4.
        assert_eq!(data.x, [0.25, 1.0, 0.25, 1.0, 0.25, 1.0, -1.0, 0.25]);
    }

    #[test]
    fn standard_scaling_centres_and_divides_by_std() {
        let t = table("x,y\n1,0\n3,1\n");
        let data = Recipe::infer(&t, "y", Scale::Standard)
            .unwrap()
            .apply(&t)
            .unwrap();
        assert_eq!(data.x, [-1.0, 1.0]);
    }

    #[test]
    fn text_columns_are_one_hot_or_dropped_and_binary_numbers_stay() {
        let mut csv = String::from("id,port,flag,y\n");
        for i in 0..12 {
            let port = ["S", "C", "", "Q"][i % 4];
            csv.push_str(&format!("p{i},{port},{},{}\n", i % 2, i % 2));
        }
        let t = table(&csv);
        let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
        assert_eq!(
            recipe.feature_names(),
            ["port_C", "port_Q", "port_S", "flag"]
        );
        assert_eq!(
            recipe.notices,
            ["column 'id' has 12 distinct text values (a name or an id?): dropped"]
        );
        let data = recipe.apply(&t).unwrap();
        // Row 2 has an empty port: filled with the mode (ties go to the smallest, "C").
        assert_eq!(&data.x[8..12], [1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn target_labels_map_to_zero_and_one() {
        let recipe = Recipe::infer(&table("x,y\n1,no\n2,Yes\n3,yes\n"), "y", Scale::Max).unwrap();
        assert_eq!(recipe.target.positive, "Yes");
        let t = table("x,y\n1,benign\n2,malignant\n");
        let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
        assert_eq!(
            recipe.notices,
            ["target 'y': 'malignant' → 1, 'benign' → 0"]
        );
        assert_eq!(recipe.apply(&t).unwrap().y, [0.0, 1.0]);
        let recipe = Recipe::infer(&table("x,y\n1,1.0\n2,0\n3,1\n"), "y", Scale::Max).unwrap();
        assert!(recipe.notices.is_empty());
    }

    #[test]
    fn missing_markers_mean_missing_everywhere() {
        // NA in a text column is filled with the mode, not a category of its own.
        let t = table("c,y\na,0\nNA,1\na,0\nb,1\n");
        let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
        assert_eq!(recipe.feature_names(), ["c_a", "c_b"]);
        assert_eq!(&recipe.apply(&t).unwrap().x[2..4], [1.0, 0.0]);
        // NA in the target is an empty target, with its line.
        assert!(
            error("x,y\n1,0\n2,NA\n3,1\n", "y")
                .starts_with("t.csv: line 3: target column 'y' is empty")
        );
    }

    #[test]
    fn values_in_messages_stay_on_one_line() {
        let mut csv = String::from("x,y\n");
        for i in 0..30 {
            csv.push_str(&format!("{i},{}\n", i % 2));
        }
        csv.push_str("\"4\n2\",1\n");
        let message = error(&csv, "y");
        assert!(message.contains("'4\\n2' is not a number"), "{message}");
        assert!(!message.contains('\n'));
    }

    #[test]
    fn bad_targets_and_columns_are_reported() {
        assert_eq!(
            error("a,b\n1,2\n", "Survived"),
            "t.csv: no column named 'Survived' to predict (choose --target from: a, b)"
        );
        assert_eq!(
            error("x,y\n1,a\n2,b\n3,c\n", "y"),
            "t.csv: target column 'y' must take exactly two values, but takes 3: 'a', 'b', 'c' (choose a binary column with --target)"
        );
        assert!(error("x,y\n1,a\n2,a\n", "y").contains("takes 1: 'a'"));
        assert!(
            error("x,y\n1,0\n2,\n", "y").starts_with("t.csv: line 3: target column 'y' is empty")
        );
        assert!(error("y\n1\n0\n", "y").contains("no usable feature column"));
        let mut csv = String::from("x,y\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "{},{}\n",
                if i == 7 { "abc".into() } else { i.to_string() },
                i % 2
            ));
        }
        assert!(error(&csv, "y").starts_with("t.csv: line 9, column 'x': 'abc' is not a number"));
    }

    #[test]
    fn other_tables_use_the_training_statistics() {
        let train = table("x,c,y\n4,a,0\n2,b,1\n");
        let recipe = Recipe::infer(&train, "y", Scale::Max).unwrap();
        let valid = table("c,y,x\nb,1,8\nz,0,\n");
        let data = recipe.apply(&valid).unwrap();
        // x / 4 (the training max); unseen category 'z' encodes as all zeros; empty x is the mode.
        assert_eq!(data.x, [2.0, 0.0, 1.0, 0.5, 0.0, 0.0]);
        let other = table("x,y\n1,0\n");
        assert!(
            recipe
                .apply(&other)
                .unwrap_err()
                .to_string()
                .contains("missing 'c'")
        );
        let bad = table("x,c,y\n1,a,maybe\n");
        assert!(
            recipe
                .apply(&bad)
                .unwrap_err()
                .to_string()
                .contains("'maybe', which is not one of")
        );
    }
}
