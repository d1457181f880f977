//! The network one unit at a time: how often each hidden unit is active, its gradient, what it
//! responds to over the input plane, which units matter most, and the spread of each tensor.
//! Plain data; the model measures it.

use super::weights::Weights;

/// One hidden layer's units on the training rows, in unit order.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerUnits {
    /// The unit's largest output over the training rows: 0 is a dead unit in a layer whose
    /// units can die (its ReLU zero on every row), NaN one whose output is not a number.
    pub peak: Vec<f32>,
    /// The fraction of training rows on which the unit's output is above zero (for a ReLU,
    /// where it is linear and passes a gradient).
    pub active: Vec<f32>,
    /// Whether the layer's units can die: ReLU units can (zero on every row, they get no
    /// gradient again); leaky ReLU, tanh, sigmoid and linear units pass a gradient on every
    /// row.
    pub can_die: bool,
    /// ‖∂L/∂w‖ of the unit's incoming weights (a column of the layer's matrix), at the
    /// snapshot's coefficients; `None` when this snapshot did not measure it (its cost is held
    /// to a share of the training time).
    pub grad_norm: Option<Vec<f32>>,
}

impl LayerUnits {
    /// From per-unit peaks and active row counts over `rows` rows and, when measured, per-unit
    /// sums of squared gradients.
    pub fn from_counts(
        peak: &[f32],
        counts: &[f32],
        rows: usize,
        grad_squares: Option<&[f32]>,
    ) -> Self {
        let rows = rows.max(1) as f32;
        LayerUnits {
            peak: peak.to_vec(),
            active: counts.iter().map(|c| c / rows).collect(),
            can_die: true,
            grad_norm: grad_squares.map(|g| g.iter().map(|s| s.sqrt()).collect()),
        }
    }

    /// The same units, in a layer whose units can die or cannot.
    #[must_use]
    pub fn dying(self, can_die: bool) -> Self {
        LayerUnits { can_die, ..self }
    }

    /// Whether unit `unit` is dead: it can die, and is zero on every row.
    pub fn is_dead(&self, unit: usize) -> bool {
        self.can_die && self.peak.get(unit) == Some(&0.0)
    }

    /// The dead units.
    pub fn dead(&self) -> usize {
        (0..self.peak.len()).filter(|&u| self.is_dead(u)).count()
    }
}

/// The input plane's grid that per-unit maps are sampled on: (columns, rows). Small, as the
/// maps are thumbnails, and bounded so a snapshot of a wide layer stays small.
pub const MAP_GRID: (usize, usize) = (16, 16);
/// Per-unit maps sent per layer at most: the units that matter most ([`ranked`]).
pub const MAX_MAPS: usize = 64;

/// What one hidden unit responds to: its output (after its activation) at each cell of [`MAP_GRID`] over the
/// plane of the two input features, row-major from the top row (as `BoundaryMap::probs`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMap {
    /// Hidden layer (0-based) and unit within it.
    pub layer: usize,
    pub unit: usize,
    pub cols: usize,
    pub rows: usize,
    pub values: Vec<f32>,
}

impl UnitMap {
    /// The maps of the units `chosen[layer]` from each layer's activations on the grid
    /// (`activations[layer]` is `cells × units`, row-major).
    pub fn pick(activations: &[Vec<f32>], chosen: &[Vec<usize>]) -> Vec<UnitMap> {
        let (cols, rows) = MAP_GRID;
        let cells = cols * rows;
        let mut maps = Vec::new();
        for (layer, (values, units)) in activations.iter().zip(chosen).enumerate() {
            let width = values.len() / cells.max(1);
            for &unit in units.iter().filter(|&&u| u < width) {
                maps.push(UnitMap {
                    layer,
                    unit,
                    cols,
                    rows,
                    values: (0..cells).map(|cell| values[cell * width + unit]).collect(),
                });
            }
        }
        maps
    }

    /// The largest value on the map (0 for a map that is flat at zero: a dead unit here).
    pub fn peak(&self) -> f32 {
        self.values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f32::max)
    }
}

/// How much each unit of hidden layer `layer` matters downstream: the sum of |w| over its
/// outgoing weights (its row of the next layer's matrix, or its output weight).
pub fn importance(weights: &Weights, layer: usize) -> Vec<f32> {
    let next = weights.hidden.get(layer + 1).unwrap_or(&weights.output);
    next.values
        .chunks(next.cols.max(1))
        .map(|row| row.iter().map(|w| w.abs()).sum())
        .collect()
}

/// Unit indices from the most important to the least; ties (and NaN, which sorts last) keep
/// unit order.
pub fn ranked(importance: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..importance.len()).collect();
    let key = |i: usize| {
        let v = importance[i];
        if v.is_nan() { f32::NEG_INFINITY } else { v }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    order
}

/// Each layer's units from the most important to the least ([`ranked`]): first the inputs
/// (by the sum of |w| over their weights into the first hidden layer, or into the output with
/// none), then each hidden layer's units (by [`importance`]).
pub fn rankings(weights: &Weights) -> Vec<Vec<usize>> {
    let first = weights.hidden.first().unwrap_or(&weights.output);
    let inputs: Vec<f32> = first
        .values
        .chunks(first.cols.max(1))
        .map(|row| row.iter().map(|w| w.abs()).sum())
        .collect();
    std::iter::once(ranked(&inputs))
        .chain((0..weights.hidden.len()).map(|layer| ranked(&importance(weights, layer))))
        .collect()
}

/// TensorBoard's distribution bands, in basis points: the minimum, −1.5σ, −1σ, −0.5σ, the
/// median, +0.5σ, +1σ, +1.5σ and the maximum of a normal distribution (its percentiles 0, 7,
/// 16, 31, 50, 69, 84, 93 and 100).
pub const BAND_BASIS_POINTS: [u32; 9] = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/// Values a band is worked out from at most: a larger tensor is sampled, so a snapshot of a
/// 4096 × 4096 layer costs a sort of 65,536 values, not of 16 million.
pub const BAND_SAMPLE: usize = 1 << 16;

/// The values of [`BAND_BASIS_POINTS`] among `values`' finite values, interpolated linearly
/// between neighbours (numpy's default): exact up to [`BAND_SAMPLE`] values; beyond, from
/// [`BAND_SAMPLE`] of them picked by the golden ratio's multiples (an even spread that no
/// row length lines up with, as a fixed stride would with a matrix's columns). `None` when
/// there is no finite value.
pub fn bands(values: &[f32]) -> Option<[f32; 9]> {
    let mut sorted: Vec<f32> = if values.len() <= BAND_SAMPLE {
        values.to_vec()
    } else {
        const GOLDEN: f64 = 0.618_033_988_749_894_9;
        let n = values.len() as f64;
        (0..BAND_SAMPLE)
            .map(|i| {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a fraction of the length, below it"
                )]
                let at = ((i as f64 * GOLDEN).fract() * n) as usize;
                values[at.min(values.len() - 1)]
            })
            .collect()
    };
    sorted.retain(|v| v.is_finite());
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f32::total_cmp);
    let last = (sorted.len() - 1) as f64;
    Some(BAND_BASIS_POINTS.map(|bp| {
        let at = last * f64::from(bp) / 10_000.0;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a position within the sorted values"
        )]
        let low = at.floor() as usize;
        let high = (low + 1).min(sorted.len() - 1);
        let frac = at - at.floor();
        let (a, b) = (f64::from(sorted[low]), f64::from(sorted[high]));
        #[expect(clippy::cast_possible_truncation, reason = "between two f32 values")]
        let value = (a + (b - a) * frac) as f32;
        value
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::weights::Matrix;

    #[test]
    fn bands_are_numpys_percentiles() {
        // numpy.percentile(range(101), [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100])
        let values: Vec<f32> = (0..=100).map(|i| i as f32).collect();
        let expected = [0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0];
        let got = bands(&values).unwrap();
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-4, "{got:?}");
        }
        // Order does not matter, non-finite values are left out, one value is every band.
        let shuffled = [3.0, f32::NAN, 1.0, 2.0, f32::INFINITY];
        assert_eq!(bands(&shuffled).unwrap()[0], 1.0);
        assert_eq!(bands(&shuffled).unwrap()[4], 2.0);
        assert_eq!(bands(&shuffled).unwrap()[8], 3.0);
        assert_eq!(bands(&[0.5]), Some([0.5; 9]));
        assert_eq!(bands(&[f32::NAN]), None);
        // numpy.percentile([0, 10], 15.87) = 1.587
        assert!((bands(&[10.0, 0.0]).unwrap()[2] - 1.587).abs() < 1e-6);
        // A large tensor is sampled, across its columns: a 4096 × 4096 matrix whose column j
        // holds j has its bands within 1 % of the exact ones (a stride of 256 would have seen
        // column 0 only).
        let side = 4096;
        let large: Vec<f32> = (0..side * side).map(|i| (i % side) as f32).collect();
        let sampled = bands(&large).unwrap();
        for (band, bp) in sampled.iter().zip(BAND_BASIS_POINTS) {
            let exact = (side - 1) as f32 * bp as f32 / 10_000.0;
            assert!((band - exact).abs() <= 41.0, "{band} against {exact}");
        }
    }

    #[test]
    fn units_are_ranked_by_their_outgoing_weights() {
        let weights = Weights {
            hidden: vec![
                Matrix::new(2, 3, vec![1.0; 6]),
                Matrix::new(3, 2, vec![0.1, -0.1, -2.0, 0.5, 0.3, 0.3]),
            ],
            output: Matrix::new(2, 1, vec![-0.4, 0.9]),
            bias: 0.0,
        };
        assert_eq!(importance(&weights, 0), [0.2, 2.5, 0.6]);
        assert_eq!(ranked(&importance(&weights, 0)), [1, 2, 0]);
        assert_eq!(importance(&weights, 1), [0.4, 0.9]);
        assert_eq!(ranked(&importance(&weights, 1)), [1, 0]);
        assert_eq!(ranked(&[1.0, f32::NAN, 1.0, 3.0]), [3, 0, 2, 1]);
    }

    #[test]
    fn maps_are_cut_from_the_layer_activations() {
        let cells = MAP_GRID.0 * MAP_GRID.1;
        // Two units: unit 0 is the cell index, unit 1 is zero (dead on the plane).
        let layer: Vec<f32> = (0..cells).flat_map(|c| [c as f32, 0.0]).collect();
        let maps = UnitMap::pick(&[layer], &[vec![1, 0, 7]]);
        assert_eq!(maps.len(), 2, "a unit the layer lacks is left out");
        assert_eq!((maps[0].layer, maps[0].unit), (0, 1));
        assert_eq!(maps[0].peak(), 0.0);
        assert_eq!(maps[1].values[5], 5.0);
        assert_eq!(maps[1].peak(), (cells - 1) as f32);
    }

    #[test]
    fn active_fractions_and_gradient_norms_from_sums() {
        let units = LayerUnits::from_counts(
            &[0.0, 2.0, 3.0],
            &[0.0, 5.0, 10.0],
            10,
            Some(&[4.0, 0.0, 1.0]),
        );
        assert_eq!(units.active, [0.0, 0.5, 1.0]);
        assert_eq!(units.peak, [0.0, 2.0, 3.0]);
        assert_eq!(units.grad_norm, Some(vec![2.0, 0.0, 1.0]));
        assert_eq!(
            LayerUnits::from_counts(&[1.0], &[1.0], 0, None).grad_norm,
            None
        );
    }
}
