//! Inferring the plan of an arbitrary table: which columns are numeric, which text columns
//! are one-hot encoded, which are dropped.

use super::super::Dataset;
use super::super::table::Table;
use super::fit::{distinct_values, numeric_column};
use super::{Cell, Column, MAX_CATEGORIES, Plan, Recipe, Scale, cell, find_target, shown};
use crate::error::{DataProblem, Error, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;

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
