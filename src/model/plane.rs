//! The plane of two input features (or of a generated set's two coordinates, whatever
//! features are made of them): a grid over it to run the network on, and the training points
//! to show there (what the network predicts there is a `BoundaryMap`).

use crate::data::{Dataset, Splits};
use crate::report::plane::BoundaryMap;
use crate::settings::Features;

/// The decision boundary's grid (columns, rows): enough for a panel of 96 × 32 cells.
const GRID: (usize, usize) = (96, 64);
/// The most training points drawn on the decision boundary.
const MAX_POINTS: usize = 1000;

/// What the decision boundary needs of two-feature data, worked out once per data set: the
/// grid to run the network on, and a map with everything but the predictions.
#[derive(Debug, Clone)]
pub struct Plane {
    inputs: Vec<f32>,
    /// The grid of the per-unit maps ([`crate::report::units::MAP_GRID`]) over the same ranges.
    unit_inputs: Vec<f32>,
    map: BoundaryMap,
}

impl Plane {
    /// The plane of the data's training rows: a generated set's coordinates, with the grid
    /// made into its features; or two features as they are. `None` for other data.
    pub fn of(splits: &Splits) -> Option<Plane> {
        match &splits.coordinates {
            Some(points) => Some(Plane::over(&points.train, points.features)),
            None if splits.train.n_features() == 2 => {
                Some(Plane::over(&splits.train, Features::default()))
            }
            None => None,
        }
    }

    /// The plane of `train`'s two columns, the network's inputs there made as `features` say.
    fn over(train: &Dataset, features: Features) -> Plane {
        let (x_range, y_range) = data_ranges(train);
        let (cols, rows) = GRID;
        let stride = train.rows().div_ceil(MAX_POINTS).max(1);
        let points = (0..train.rows())
            .step_by(stride)
            .map(|i| (train.x[2 * i], train.x[2 * i + 1], train.y[i] > 0.5))
            .collect();
        let (unit_cols, unit_rows) = crate::report::units::MAP_GRID;
        let grid = |cols, rows| {
            let centres = BoundaryMap::grid_inputs(cols, rows, x_range, y_range);
            let centres = Dataset {
                features: vec!["x1".into(), "x2".into()],
                y: vec![0.0; centres.len() / 2],
                x: centres,
            };
            crate::data::playground::crossed(&centres, features).x
        };
        Plane {
            inputs: grid(cols, rows),
            unit_inputs: grid(unit_cols, unit_rows),
            map: BoundaryMap {
                cols,
                rows,
                probs: Vec::new(),
                x_range,
                y_range,
                points,
            },
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated set's grid is over its coordinates' plane, each cell made into the set's
    /// features as its rows are.
    #[test]
    fn the_grid_of_crossed_features_is_over_the_coordinates() {
        let spec = crate::settings::DataSpec::default().with_source(
            crate::settings::Source::Generated(crate::settings::Generated {
                features: "x1sq,x1x2,sinx2".parse().unwrap(),
                ..crate::settings::Generated::new(crate::settings::Playground::Circle)
            }),
        );
        let splits = crate::data::load(&spec).unwrap();
        let plane = Plane::of(&splits).unwrap();
        let coordinates = splits.coordinates.as_ref().unwrap();
        let centres = BoundaryMap::grid_inputs(
            GRID.0,
            GRID.1,
            data_ranges(&coordinates.train).0,
            data_ranges(&coordinates.train).1,
        );
        assert_eq!(plane.inputs().len(), GRID.0 * GRID.1 * 3);
        for (cell, centre) in plane.inputs().chunks_exact(3).zip(centres.chunks_exact(2)) {
            let (x, y) = (centre[0], centre[1]);
            assert_eq!(cell, [x * x, x * y, y.sin()]);
        }
        assert_eq!(plane.map(Vec::new()).points.len(), coordinates.train.rows());
        let titanic = crate::data::load(&crate::settings::DataSpec::default()).unwrap();
        assert!(Plane::of(&titanic).is_none());
    }

    #[test]
    fn data_ranges_pad_each_feature() {
        let data = Dataset {
            features: vec!["x1".into(), "x2".into()],
            x: vec![0.0, -1.0, 2.0, 1.0, 1.0, f32::NAN],
            y: vec![0.0, 1.0, 0.0],
        };
        let (x, y) = data_ranges(&data);
        assert!(
            (x.0 + 0.2).abs() < 1e-6 && (x.1 - 2.2).abs() < 1e-6,
            "{x:?}"
        );
        assert!(
            (y.0 + 1.2).abs() < 1e-6 && (y.1 - 1.2).abs() < 1e-6,
            "{y:?}"
        );
        let flat = Dataset {
            features: vec!["only".into()],
            x: vec![3.0, 3.0],
            y: vec![0.0, 1.0],
        };
        assert_eq!(data_ranges(&flat), ((2.0, 4.0), (-1.0, 1.0)));
        let empty = Dataset {
            features: Vec::new(),
            x: Vec::new(),
            y: Vec::new(),
        };
        assert_eq!(data_ranges(&empty), ((-1.0, 1.0), (-1.0, 1.0)));
    }
}
