//! The plane of two input features: a grid over it to run the network on, and what the
//! network predicts there (the decision boundary the dashboard draws).

use crate::data::Dataset;

/// P(class 1) sampled on a grid over the plane of two features, and the points to show on it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoundaryMap {
    pub cols: usize,
    pub rows: usize,
    /// `rows × cols` probabilities P(class 1), row-major, row 0 at the top (largest x2).
    pub probs: Vec<f32>,
    /// The x1 values from the left edge of the grid to its right edge.
    pub x_range: (f32, f32),
    /// The x2 values from the bottom edge of the grid to its top edge.
    pub y_range: (f32, f32),
    /// Training points (x1, x2, label).
    pub points: Vec<(f32, f32, bool)>,
}

impl BoundaryMap {
    /// The (x1, x2) centre of each cell of a `cols × rows` grid over the ranges, row-major from
    /// the top row: `rows × cols × 2` values, in the order of [`BoundaryMap::probs`]. Running
    /// the network on these gives the map.
    pub fn grid_inputs(
        cols: usize,
        rows: usize,
        x_range: (f32, f32),
        y_range: (f32, f32),
    ) -> Vec<f32> {
        let dx = (x_range.1 - x_range.0) / cols as f32;
        let dy = (y_range.1 - y_range.0) / rows as f32;
        let mut inputs = Vec::with_capacity(rows.saturating_mul(cols).saturating_mul(2));
        for row in 0..rows {
            let x2 = y_range.1 - (row as f32 + 0.5) * dy;
            for col in 0..cols {
                inputs.push(x_range.0 + (col as f32 + 0.5) * dx);
                inputs.push(x2);
            }
        }
        inputs
    }

    /// P(class 1) at grid cell (`col`, `row`), if the map has that cell.
    pub fn prob(&self, col: usize, row: usize) -> Option<f32> {
        if col >= self.cols {
            return None;
        }
        self.probs
            .get(row.checked_mul(self.cols)?.checked_add(col)?)
            .copied()
    }

    /// A grid of the size it claims, so there is something to draw.
    pub fn has_grid(&self) -> bool {
        self.cols > 0 && self.rows > 0 && self.cols.checked_mul(self.rows) == Some(self.probs.len())
    }
}

/// The decision boundary's grid (columns, rows): enough for a panel of 96 × 32 cells.
const GRID: (usize, usize) = (96, 64);
/// The most training points drawn on the decision boundary.
const MAX_POINTS: usize = 1000;

/// What the decision boundary needs of two-feature data, worked out once per data set: the
/// grid to run the network on, and a map with everything but the predictions.
#[derive(Debug, Clone)]
pub struct Plane {
    inputs: Vec<f32>,
    /// The grid of the per-unit maps ([`crate::model::units::MAP_GRID`]) over the same ranges.
    unit_inputs: Vec<f32>,
    map: BoundaryMap,
}

impl Plane {
    /// The plane of `train`'s two features; `None` unless it has exactly two.
    pub fn of(train: &Dataset) -> Option<Plane> {
        if train.n_features() != 2 {
            return None;
        }
        let (x_range, y_range) = data_ranges(train);
        let (cols, rows) = GRID;
        let stride = train.rows().div_ceil(MAX_POINTS).max(1);
        let points = (0..train.rows())
            .step_by(stride)
            .map(|i| (train.x[2 * i], train.x[2 * i + 1], train.y[i] > 0.5))
            .collect();
        let (unit_cols, unit_rows) = crate::model::units::MAP_GRID;
        Some(Plane {
            inputs: BoundaryMap::grid_inputs(cols, rows, x_range, y_range),
            unit_inputs: BoundaryMap::grid_inputs(unit_cols, unit_rows, x_range, y_range),
            map: BoundaryMap {
                cols,
                rows,
                probs: Vec::new(),
                x_range,
                y_range,
                points,
            },
        })
    }

    /// The network's inputs: the centre of each grid cell, in the order of the map's cells.
    pub fn inputs(&self) -> &[f32] {
        &self.inputs
    }

    /// The centres of the per-unit maps' cells, in the order of their values.
    pub fn unit_inputs(&self) -> &[f32] {
        &self.unit_inputs
    }

    /// The map with the network's P(class 1) at [`Plane::inputs`].
    pub fn map(&self, probs: Vec<f32>) -> BoundaryMap {
        BoundaryMap {
            probs,
            ..self.map.clone()
        }
    }
}

/// The ranges of the first two features, padded by a tenth of their span on each side, so the
/// outermost points are not on the edge; (-1, 1) for a feature with no finite value.
pub fn data_ranges(dataset: &Dataset) -> ((f32, f32), (f32, f32)) {
    let width = dataset.n_features();
    let feature = |i: usize| {
        let values = dataset.x.iter().skip(i).step_by(width.max(1));
        padded(values.take(if i < width { usize::MAX } else { 0 }))
    };
    (feature(0), feature(1))
}

fn padded<'a>(values: impl Iterator<Item = &'a f32>) -> (f32, f32) {
    let (low, high) = values
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(low, high), &v| {
            (low.min(v), high.max(v))
        });
    if low > high {
        return (-1.0, 1.0);
    }
    let span = high - low;
    let pad = if span > 0.0 { span * 0.1 } else { 1.0 };
    (low - pad, high + pad)
}
