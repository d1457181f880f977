//! Encoding rows with a fitted recipe: every split with the training table's statistics.

use super::super::Dataset;
use super::super::table::{Row, Table};
use super::{Cell, Column, Recipe, cell, is_missing, quoted, shown};
use crate::error::{DataProblem, Error, Result};
use rayon::prelude::*;

impl Recipe {
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
    pub(super) fn encode_label(
        &self,
        table: &Table,
        row: Row<'_>,
        target_index: usize,
    ) -> Result<f32> {
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
    pub(super) fn encode_number(&self, value: Option<f64>) -> f32 {
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
