//! What a snapshot of a run holds: its coefficients, its units' health, and on two-feature data
//! the decision boundary and what the hidden units that matter most respond to.

use super::messages::{BoundaryMap, NamedTensor, Snapshot, UnitMap};
use crate::error::Result;
use crate::model::Run;
use crate::model::plane::Plane;
use crate::model::units::{self, MAX_MAPS};
use crate::model::weights::Weights;

/// One look at a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub snapshot: Snapshot,
    /// On two-feature data: P(class 1) over the plane, and the per-unit maps.
    pub boundary: Option<(BoundaryMap, Vec<UnitMap>)>,
}

/// Looks at `run`: its coefficients and units, and with `plane` the maps over it (left out
/// if they cannot be made: the snapshot stands without them). `grads` measures each unit's
/// gradient too (a backward pass more).
pub fn take(run: &Run, plane: Option<&Plane>, grads: bool) -> Result<Observation> {
    let weights = run.weights()?;
    let (health, layers) = run.inspect(grads)?;
    let tensors = weights
        .named()
        .into_iter()
        .map(|(name, values, shape)| NamedTensor {
            name,
            shape,
            values: values.to_vec(),
        })
        .collect();
    let snapshot = Snapshot {
        epoch: run.epoch(),
        tensors,
        health,
        units: layers,
    };
    let boundary = plane.and_then(|plane| maps(run, &weights, plane).ok());
    Ok(Observation { snapshot, boundary })
}

/// P(class 1) over `plane`, and what the units that matter most respond to there.
fn maps(run: &Run, weights: &Weights, plane: &Plane) -> Result<(BoundaryMap, Vec<UnitMap>)> {
    let map = plane.map(run.predict(plane.inputs())?);
    let activations = run.activations(plane.unit_inputs())?;
    let chosen: Vec<Vec<usize>> = (0..weights.hidden.len())
        .map(|layer| {
            let mut order = units::ranked(&units::importance(weights, layer));
            order.truncate(MAX_MAPS);
            order
        })
        .collect();
    Ok((map, UnitMap::pick(&activations, &chosen)))
}
