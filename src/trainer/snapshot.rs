//! What a snapshot of a run holds: its coefficients, its units' health, and on two-feature data
//! the decision boundary and what the hidden units that matter most respond to.

use crate::error::Result;
use crate::model::plane::Plane;
use crate::model::run::Run;
use crate::report::plane::BoundaryMap;
use crate::report::snapshot::Snapshot;
use crate::report::units::{MAX_MAPS, UnitMap};

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
    let snapshot = Snapshot::new(run.epoch(), weights, health, layers);
    let boundary = plane.and_then(|plane| maps(run, &snapshot, plane).ok());
    Ok(Observation { snapshot, boundary })
}

/// P(class 1) over `plane`, and what the units that matter most (by the snapshot's ranking)
/// respond to there.
fn maps(run: &Run, snapshot: &Snapshot, plane: &Plane) -> Result<(BoundaryMap, Vec<UnitMap>)> {
    let map = plane.map(run.predict(plane.inputs())?);
    let activations = run.activations(plane.unit_inputs())?;
    // The ranking's first entry is the inputs'; then one per hidden layer.
    let chosen: Vec<Vec<usize>> = snapshot
        .ranking
        .iter()
        .skip(1)
        .map(|order| order.iter().copied().take(MAX_MAPS).collect())
        .collect();
    Ok((map, UnitMap::pick(&activations, &chosen)))
}
