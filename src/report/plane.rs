//! What the network predicts over the plane of two input features: the decision boundary the
//! dashboard draws.

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

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: (f32, f32) = (-1.2, 1.2);

    #[test]
    fn grid_inputs_are_cell_centres_from_the_top_row() {
        let inputs = BoundaryMap::grid_inputs(2, 3, (0.0, 2.0), (-3.0, 3.0));
        assert_eq!(
            inputs,
            [0.5, 2.0, 1.5, 2.0, 0.5, 0.0, 1.5, 0.0, 0.5, -2.0, 1.5, -2.0]
        );
        assert!(BoundaryMap::grid_inputs(0, 5, RANGE, RANGE).is_empty());
    }
}
