//! Fitting a plan on the training table: the target's two labels, each column's fill value
//! (its mode), categories and scaling statistics.

use super::super::table::Table;
use super::{
    Cell, Column, Plan, Recipe, Scale, Target, cell, find_target, is_missing, label_key, mode,
    quoted, shown,
};
use crate::error::{DataProblem, Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

impl Recipe {
    /// Fits an explicit plan on `table`: fill values (the column's mode), categories and
    /// scaling statistics (over every row of `table`).
    pub fn fit(table: &Table, target: &str, plan: &[Plan], scale: Scale) -> Result<Self> {
        Self::fit_some(table, target, plan, scale, vec![None; plan.len()])
    }

    /// [`Recipe::fit`] for the steps of `plan` not already in `fitted` (same length).
    pub(super) fn fit_some(
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
pub(super) fn scaling(values: &[f64], scale: Scale) -> (f64, f64) {
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

/// Non-empty values of a column with their counts, by text.
pub(super) fn distinct_values(table: &Table, index: usize) -> BTreeMap<&str, usize> {
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
pub(super) fn numeric_column(
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
