//! What the network view (key `3`) knows about a run: its latest coefficients and units (which
//! died, and since when), each tensor's spread over time, and what the inspector says about one
//! unit. Which units a crowded layer shows is decided here too, so that drawing and the mouse
//! agree.

use super::history::{FULL_POINTS, Thinned};
use super::replay::Frame;
use crate::report::health::Health;
use crate::report::snapshot::Snapshot;
use crate::report::units::{self, LayerUnits};
use crate::report::weights::{Matrix, Weights, hidden_name};

/// A tensor's distribution bands by epoch, kept as the loss history's downsampled record is.
pub type BandHistory = Thinned<[f32; 9], FULL_POINTS>;

/// A unit of the network: hidden layer `layer`'s unit `unit` (both from 0), or the output
/// unit, whose `layer` is the number of hidden layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitRef {
    pub layer: usize,
    pub unit: usize,
}

/// A hidden unit's state on the training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitState {
    /// Active on some rows and not others: it bends the function.
    Live,
    /// Active on every row: for these rows it is linear.
    AlwaysOn,
    /// Zero on every row, so it gets no gradient and stays so: found dead from the snapshot
    /// of epoch `since` on.
    Dead { since: usize },
    /// Its output is not a number (the run diverged).
    NotANumber,
}

/// A run's network as its latest snapshot showed it.
#[derive(Debug, Clone)]
pub struct NetworkView {
    pub epoch: usize,
    pub weights: Weights,
    pub layers: Vec<LayerUnits>,
    pub health: Health,
    /// The latest measured per-unit gradient norms, by layer, and the epoch they are of.
    pub grads: Option<(usize, Vec<Vec<f32>>)>,
    /// By hidden layer and unit: the epoch of the first snapshot that found it dead, while
    /// it stays dead.
    dead_since: Vec<Vec<Option<usize>>>,
    /// Each tensor's bands (`units::BAND_BASIS_POINTS`) by epoch, in network order.
    pub bands: Vec<(String, BandHistory)>,
    /// The inputs', then each hidden layer's units from the most important to the least
    /// ([`NetworkView::ranking`]), as the snapshot ranked them.
    ranking: Vec<Vec<usize>>,
}

impl NetworkView {
    /// The view after `snapshot`, from the view before it (if any).
    pub fn observe(before: Option<NetworkView>, snapshot: Snapshot) -> NetworkView {
        let Snapshot {
            epoch,
            weights,
            health,
            units: layers,
            ranking,
        } = snapshot;
        let (names, bands): (Vec<String>, Vec<Option<[f32; 9]>>) = weights
            .named()
            .into_iter()
            .map(|(name, values, _)| (name, units::bands(values)))
            .unzip();
        let mut view = match before {
            Some(view) if view.weights.hidden_sizes() == weights.hidden_sizes() => view,
            _ => NetworkView {
                epoch,
                weights: Weights {
                    hidden: Vec::new(),
                    output: Matrix::new(0, 0, Vec::new()),
                    bias: 0.0,
                },
                layers: Vec::new(),
                health,
                grads: None,
                dead_since: Vec::new(),
                ranking: Vec::new(),
                bands: names
                    .into_iter()
                    .map(|name| (name, BandHistory::default()))
                    .collect(),
            },
        };
        for ((_, history), bands) in view.bands.iter_mut().zip(bands) {
            if let Some(bands) = bands {
                history.push(epoch, bands);
            }
        }
        view.dead_since.resize(layers.len(), Vec::new());
        for (since, layer) in view.dead_since.iter_mut().zip(&layers) {
            since.resize(layer.peak.len(), None);
            for (unit, since) in since.iter_mut().enumerate() {
                *since = if layer.is_dead(unit) {
                    since.or(Some(epoch))
                } else {
                    None
                };
            }
        }
        let measured: Option<Vec<Vec<f32>>> =
            layers.iter().map(|layer| layer.grad_norm.clone()).collect();
        if let Some(grads) = measured.filter(|g| !g.is_empty()) {
            view.grads = Some((epoch, grads));
        }
        view.epoch = epoch;
        view.ranking = ranking;
        view.weights = weights;
        view.layers = layers;
        view.health = health;
        view
    }

    /// By hidden layer and unit: the epoch since which it is dead, while it stays dead.
    pub fn dead_since(&self) -> &[Vec<Option<usize>>] {
        &self.dead_since
    }

    /// The same view (its tensors' spread over the whole run) at `frame`'s snapshot: replay.
    #[must_use]
    pub fn replayed(&self, frame: &Frame) -> NetworkView {
        let s = &frame.snapshot;
        NetworkView {
            epoch: s.epoch,
            weights: s.weights.clone(),
            layers: s.units.clone(),
            health: s.health,
            grads: frame.grads.clone(),
            dead_since: frame.dead_since.clone(),
            bands: self.bands.clone(),
            ranking: s.ranking.clone(),
        }
    }

    pub fn hidden_layers(&self) -> usize {
        self.weights.hidden.len()
    }

    /// Units in layer `layer` (the output layer has one).
    pub fn layer_size(&self, layer: usize) -> usize {
        self.weights.hidden.get(layer).map_or(1, |m| m.cols)
    }

    /// The state of hidden unit `unit` of layer `layer`.
    pub fn state(&self, layer: usize, unit: usize) -> UnitState {
        let figure = |of: fn(&LayerUnits) -> &Vec<f32>| {
            self.layers
                .get(layer)
                .and_then(|l| of(l).get(unit))
                .copied()
        };
        let (peak, active) = (figure(|l| &l.peak), figure(|l| &l.active));
        // Always on means linear there: a ReLU's notion, as dead is.
        let relu = self.layers.get(layer).is_some_and(|l| l.can_die);
        match self.dead_since.get(layer).and_then(|l| l.get(unit)) {
            Some(&Some(since)) => UnitState::Dead { since },
            _ if peak.is_some_and(|p| !p.is_finite()) => UnitState::NotANumber,
            _ if relu && active.is_some_and(|a| a >= 1.0) => UnitState::AlwaysOn,
            _ => UnitState::Live,
        }
    }

    /// The units of `layer` from the one that matters most (the largest sum of |w| over its
    /// outgoing weights) to the least; for the inputs (`layer` = `None`), by their weights
    /// into the first hidden layer. The output layer's one unit is `[0]`.
    pub fn ranking(&self, layer: Option<usize>) -> &[usize] {
        let index = layer.map_or(0, |l| l + 1);
        self.ranking.get(index).map_or(&[0], Vec::as_slice)
    }

    /// Inputs to the first hidden layer (or to the output, with none).
    pub fn inputs(&self) -> usize {
        self.weights
            .hidden
            .first()
            .unwrap_or(&self.weights.output)
            .rows
    }

    /// Dead units of hidden layer `layer`.
    pub fn dead_in(&self, layer: usize) -> usize {
        self.dead_since
            .get(layer)
            .map_or(0, |l| l.iter().filter(|since| since.is_some()).count())
    }

    /// `(dead, hidden units)` over every hidden layer.
    pub fn dead(&self) -> (usize, usize) {
        let total = self.weights.hidden_sizes().iter().sum();
        let dead = self
            .dead_since
            .iter()
            .flatten()
            .filter(|since| since.is_some())
            .count();
        (dead, total)
    }

    /// `unit` moved `by` places through every unit in order (hidden layers, then the output);
    /// from the first unit when there is none.
    pub fn step(&self, unit: Option<UnitRef>, by: isize) -> UnitRef {
        let sizes: Vec<usize> = (0..=self.hidden_layers())
            .map(|l| self.layer_size(l))
            .collect();
        let total: usize = sizes.iter().sum();
        let index = unit.map_or(0, |u| {
            let before: usize = sizes.iter().take(u.layer).sum();
            let here = before + u.unit.min(sizes.get(u.layer).map_or(0, |s| s - 1));
            here.saturating_add_signed(by).min(total.saturating_sub(1))
        });
        let mut rest = index;
        for (layer, &size) in sizes.iter().enumerate() {
            if rest < size {
                return UnitRef { layer, unit: rest };
            }
            rest -= size;
        }
        UnitRef {
            layer: self.hidden_layers(),
            unit: 0,
        }
    }

    /// What the inspector says about `unit`; `features` names the inputs and `rows` is the
    /// number of training rows.
    pub fn inspect(&self, unit: UnitRef, features: &[String]) -> Option<Inspection> {
        let layers = self.hidden_layers();
        if unit.layer > layers || unit.unit >= self.layer_size(unit.layer) {
            return None;
        }
        let source_name = |index: usize| -> String {
            match unit.layer {
                0 => features
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("x{}", index + 1)),
                layer => unit_name(layer - 1, index),
            }
        };
        let into = self
            .weights
            .hidden
            .get(unit.layer)
            .unwrap_or(&self.weights.output);
        // The largest incoming weights, named: a panel shows a few dozen at most.
        let column = (0..into.rows).filter_map(|row| {
            let w = *into.values.get(row * into.cols + unit.unit)?;
            Some((row, w))
        });
        let incoming = largest(column.collect())
            .into_iter()
            .map(|(row, w)| (source_name(row), w))
            .collect();
        if unit.layer == layers {
            let live = self.health.live_rows;
            return Some(Inspection {
                unit,
                title: format!("output unit · sigmoid of {} weights + bias", into.rows),
                state: InspectedState::Output {
                    saturated: live == 0,
                    live_rows: live,
                },
                grad: None,
                incoming,
                incoming_total: into.rows,
                outgoing: Vec::new(),
                outgoing_total: 0,
                bias: Some(self.weights.bias),
            });
        }
        let next = self
            .weights
            .hidden
            .get(unit.layer + 1)
            .unwrap_or(&self.weights.output);
        let row = next
            .values
            .chunks(next.cols.max(1))
            .nth(unit.unit)
            .unwrap_or_default();
        let outgoing = largest(row.iter().copied().enumerate().collect())
            .into_iter()
            .map(|(j, w)| {
                let name = if unit.layer + 1 == layers {
                    "output".to_string()
                } else {
                    unit_name(unit.layer + 1, j)
                };
                (name, w)
            })
            .collect();
        let active = self
            .layers
            .get(unit.layer)
            .and_then(|l| l.active.get(unit.unit))
            .copied();
        let grad = self.grads.as_ref().and_then(|(epoch, grads)| {
            let g = grads.get(unit.layer)?.get(unit.unit)?;
            Some((*g, *epoch))
        });
        Some(Inspection {
            unit,
            title: format!(
                "{} · column {} of {}",
                unit_name(unit.layer, unit.unit),
                unit.unit,
                hidden_name(unit.layer)
            ),
            state: InspectedState::Hidden {
                state: self.state(unit.layer, unit.unit),
                active,
                can_die: self.layers.get(unit.layer).is_none_or(|l| l.can_die),
            },
            grad,
            incoming,
            incoming_total: into.rows,
            outgoing,
            outgoing_total: row.len(),
            bias: None,
        })
    }
}

/// The inspector names this many weights into and out of a unit at most (the largest).
pub const MAX_NAMED: usize = 64;

/// The [`MAX_NAMED`] weights of largest |w| among `(index, w)`, largest first.
fn largest(mut weights: Vec<(usize, f32)>) -> Vec<(usize, f32)> {
    let by_size = |a: &(usize, f32), b: &(usize, f32)| b.1.abs().total_cmp(&a.1.abs());
    if weights.len() > MAX_NAMED {
        weights.select_nth_unstable_by(MAX_NAMED - 1, by_size);
        weights.truncate(MAX_NAMED);
    }
    weights.sort_by(by_size);
    weights
}

/// A hidden unit's name: `h1.7` is unit 7 (from 0, its column) of hidden layer 1.
pub fn unit_name(layer: usize, unit: usize) -> String {
    format!("h{}.{unit}", layer + 1)
}

/// What the inspector knows of a unit's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InspectedState {
    Hidden {
        state: UnitState,
        /// The share of training rows it is active on (above zero).
        active: Option<f32>,
        /// Whether its layer's units can die (ReLU).
        can_die: bool,
    },
    Output {
        /// Every prediction within `SATURATION` of 0 or 1.
        saturated: bool,
        /// Training rows whose prediction is not saturated.
        live_rows: usize,
    },
}

/// The inspector's account of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub unit: UnitRef,
    pub title: String,
    pub state: InspectedState,
    /// ‖∂L/∂w‖ of its incoming weights, and the epoch it was measured at.
    pub grad: Option<(f32, usize)>,
    /// Its incoming weights by source, largest |w| first ([`MAX_NAMED`] at most).
    pub incoming: Vec<(String, f32)>,
    /// How many incoming weights it has.
    pub incoming_total: usize,
    /// Its outgoing weights by target, largest |w| first ([`MAX_NAMED`] at most).
    pub outgoing: Vec<(String, f32)>,
    pub outgoing_total: usize,
    pub bias: Option<f32>,
}

impl Inspection {
    /// What the unit looks at: its `n` largest incoming weights, `Sex_male −1.20, Pclass_3
    /// −0.80`.
    pub fn looks_at(&self, n: usize) -> String {
        let parts: Vec<String> = self
            .incoming
            .iter()
            .take(n)
            .map(|(name, w)| format!("{name} {}", signed(*w)))
            .collect();
        parts.join(", ")
    }
}

/// A weight with its sign always written, `+0.84`, `−1.20` (a real minus sign).
pub fn signed(w: f32) -> String {
    let a = w.abs();
    let text = if a >= 0.01 || a == 0.0 {
        format!("{a:.2}")
    } else if a >= 0.001 {
        format!("{a:.3}")
    } else {
        format!("{a:.1e}")
    };
    if w < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// The units of a layer of `ranking.len()` units (most important first) to draw in `slots`
/// places: all when they fit; otherwise the `slots` that matter most, `keep` (the selected
/// unit) among them; in unit order, so a unit keeps its place as the ranking changes.
pub fn shown_units(ranking: &[usize], slots: usize, keep: Option<usize>) -> Vec<usize> {
    let n = ranking.len();
    if n <= slots {
        return (0..n).collect();
    }
    let mut chosen: Vec<usize> = ranking.iter().copied().take(slots).collect();
    if let Some(keep) = keep.filter(|&k| k < n && slots > 0 && !chosen.contains(&k)) {
        chosen.pop();
        chosen.push(keep);
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures;

    fn snapshot(epoch: usize, active: Vec<f32>, grads: Option<Vec<f32>>) -> Snapshot {
        let units = vec![LayerUnits {
            peak: active
                .iter()
                .map(|&a| if a > 0.0 { 1.5 } else { 0.0 })
                .collect(),
            active,
            can_die: true,
            grad_norm: grads,
        }];
        let event = fixtures::snapshot(1, epoch, fixtures::health(0, 0.1, 0.9));
        let crate::trainer::messages::Event::Snapshot { mut snapshot, .. } = event else {
            unreachable!("a snapshot")
        };
        snapshot.units = units;
        snapshot
    }

    #[test]
    fn a_unit_is_dead_since_the_first_snapshot_that_found_it_so() {
        let view = NetworkView::observe(None, snapshot(5, vec![0.5, 1.0, 0.2, 0.1], None));
        assert_eq!(view.state(0, 0), UnitState::Live);
        assert_eq!(view.state(0, 1), UnitState::AlwaysOn);
        let view = NetworkView::observe(Some(view), snapshot(9, vec![0.0, 1.0, 0.2, 0.0], None));
        let view = NetworkView::observe(
            Some(view),
            snapshot(14, vec![0.0, 1.0, 0.0, 0.3], Some(vec![0.0; 4])),
        );
        assert_eq!(view.state(0, 0), UnitState::Dead { since: 9 });
        assert_eq!(view.state(0, 2), UnitState::Dead { since: 14 });
        assert_eq!(view.state(0, 3), UnitState::Live, "it came back");
        assert_eq!(view.dead(), (2, 4));
        assert_eq!(view.grads.as_ref().map(|g| g.0), Some(14));
        // Three snapshots, three band points per tensor.
        assert_eq!(view.bands.len(), 3);
        assert_eq!(view.bands[0].1.points().len(), 3);
    }

    #[test]
    fn crowded_layers_show_the_units_that_matter_most_in_unit_order() {
        let ranking = units::ranked(&[0.1, 0.9, 0.5, 0.7, 0.0, 0.3]);
        assert_eq!(shown_units(&ranking, 10, None), [0, 1, 2, 3, 4, 5]);
        assert_eq!(shown_units(&ranking, 3, None), [1, 2, 3]);
        assert_eq!(
            shown_units(&ranking, 3, Some(4)),
            [1, 3, 4],
            "the selected unit takes the last place"
        );
        assert_eq!(shown_units(&ranking, 3, Some(2)), [1, 2, 3]);
        assert_eq!(shown_units(&ranking, 0, Some(2)), Vec::<usize>::new());
    }

    #[test]
    fn the_selection_walks_every_unit_then_the_output() {
        let view = NetworkView::observe(None, snapshot(1, vec![0.5; 4], None));
        let at = |layer, unit| UnitRef { layer, unit };
        assert_eq!(view.step(None, 1), at(0, 0));
        assert_eq!(view.step(Some(at(0, 3)), 1), at(1, 0));
        assert_eq!(view.step(Some(at(1, 0)), 5), at(1, 0));
        assert_eq!(view.step(Some(at(0, 2)), -10), at(0, 0));
    }

    #[test]
    fn the_inspector_names_what_a_unit_looks_at() {
        let view = NetworkView::observe(None, snapshot(3, vec![0.0, 0.6, 1.0, 0.2], None));
        let features: Vec<String> = (0..12).map(|i| format!("f{i}")).collect();
        let unit = view
            .inspect(UnitRef { layer: 0, unit: 1 }, &features)
            .unwrap();
        assert_eq!(unit.title, "h1.1 · column 1 of wt_hidden");
        assert_eq!(unit.incoming.len(), 12);
        assert!(unit.incoming[0].1.abs() >= unit.incoming[11].1.abs());
        assert_eq!(unit.outgoing, [("output".to_string(), 0.33)]);
        let column: Vec<f32> = (0..12)
            .map(|r| view.weights.hidden[0].values[r * 4 + 1])
            .collect();
        let (name, w) = &unit.incoming[0];
        let row: usize = name[1..].parse().unwrap();
        assert_eq!(*w, column[row]);
        assert_eq!(unit.looks_at(1), format!("{name} {}", signed(*w)));
        let output = view
            .inspect(UnitRef { layer: 1, unit: 0 }, &features)
            .unwrap();
        assert_eq!(output.incoming[0], ("h1.2".to_string(), 0.52));
        assert_eq!(output.bias, Some(0.41));
        assert!(
            view.inspect(UnitRef { layer: 0, unit: 4 }, &features)
                .is_none()
        );
        assert_eq!(signed(-1.2), "−1.20");
        assert_eq!(signed(0.004), "+0.004");
        assert_eq!(signed(-0.0002), "−2.0e-4");
    }
}
