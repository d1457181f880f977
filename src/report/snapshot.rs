//! One look at a run: its coefficients, its units' health, and which units matter most.

use super::health::Health;
use super::units::{LayerUnits, rankings};
use super::weights::Weights;

/// The coefficients at some epoch and what they do on the training rows, sent at a limited
/// rate (histograms, the network view).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub epoch: usize,
    pub weights: Weights,
    pub health: Health,
    /// Each hidden layer's units.
    pub units: Vec<LayerUnits>,
    /// The inputs', then each hidden layer's units from the most important to the least
    /// ([`rankings`]), worked out once, where the snapshot is taken: a wide second layer has
    /// millions of weights, too many to sum again on the other side.
    pub ranking: Vec<Vec<usize>>,
}

impl Snapshot {
    pub fn new(epoch: usize, weights: Weights, health: Health, units: Vec<LayerUnits>) -> Self {
        Snapshot {
            epoch,
            ranking: rankings(&weights),
            weights,
            health,
            units,
        }
    }
}
