//! How a run is doing: its units' health, and the one [`diagnose`] that tells how it went
//! (the dashboard's status, a sweep's outcome).

/// How the network's units are doing, measured on the training data.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Health {
    /// Hidden units whose ReLU output is zero on every training row.
    pub dead_units: usize,
    pub hidden_units: usize,
    /// Smallest and largest prediction on the training rows.
    pub min_pred: f32,
    pub max_pred: f32,
    /// Training rows whose prediction is not saturated (within [`SATURATION`] of 0 or 1).
    /// At zero, the sigmoid's gradient has vanished on every row: training has stalled.
    pub live_rows: usize,
}

/// A prediction this close to 0 or 1 passes (almost) no gradient back through the sigmoid.
pub const SATURATION: f32 = 1e-3;

/// How a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The training loss went down.
    Learned,
    /// The training loss did not go down (by at least 0.1 %): too small a rate, or too few
    /// epochs.
    Flat,
    /// The loss became NaN or ended above where it started.
    Diverged,
    /// Every prediction is saturated at 0 or 1: no gradient flows back.
    Stalled,
    /// Every hidden unit outputs zero on every row.
    Dead,
}

impl Outcome {
    pub fn learned(self) -> bool {
        self == Outcome::Learned
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outcome::Learned => "learned",
            Outcome::Flat => "flat",
            Outcome::Diverged => "diverged",
            Outcome::Stalled => "stalled",
            Outcome::Dead => "dead",
        })
    }
}

/// A loss that went down by less than this fraction did not go down.
const FLAT: f32 = 1e-3;

/// How a run that started at training loss `first` and is now at `last` went, given the
/// units' health when it is known. The first of these that holds: diverged (a loss that is
/// not finite, or above where it started), dead, stalled, flat, learned.
pub fn diagnose(first: f32, last: f32, health: Option<&Health>) -> Outcome {
    if !last.is_finite() || last > first {
        Outcome::Diverged
    } else if health.is_some_and(|h| h.hidden_units > 0 && h.dead_units == h.hidden_units) {
        Outcome::Dead
    } else if health.is_some_and(|h| h.live_rows == 0) {
        Outcome::Stalled
    } else if last > first * (1.0 - FLAT) {
        Outcome::Flat
    } else {
        Outcome::Learned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagnosis_takes_the_first_problem_that_holds() {
        let healthy = Health {
            dead_units: 2,
            hidden_units: 20,
            min_pred: 0.1,
            max_pred: 0.9,
            live_rows: 700,
        };
        let saturated = Health {
            live_rows: 0,
            ..healthy
        };
        let dead = Health {
            dead_units: 20,
            ..saturated
        };
        assert_eq!(diagnose(0.5, f32::NAN, Some(&healthy)), Outcome::Diverged);
        assert_eq!(diagnose(0.5, 0.6, Some(&dead)), Outcome::Diverged);
        assert_eq!(diagnose(0.5, 0.4, Some(&dead)), Outcome::Dead);
        assert_eq!(diagnose(0.5, 0.4, Some(&saturated)), Outcome::Stalled);
        assert_eq!(diagnose(0.5, 0.4999, Some(&healthy)), Outcome::Flat);
        assert_eq!(diagnose(0.5, 0.4, Some(&healthy)), Outcome::Learned);
        assert_eq!(diagnose(0.5, 0.4, None), Outcome::Learned);
    }
}
