//! What training reports, in plain numbers: each epoch's figures, an evaluation, the units'
//! health, the history file's rows, a sweep's points, and the one [`diagnose`] that tells how
//! a run went. The trainer sends these to the dashboard; headless mode prints them.

use super::dynamics::StepStats;
use std::time::Duration;

/// What one epoch did. The training loss is the tutorial's: computed before the epoch's update.
/// The validation figures are computed after it, so the last epoch's equal the final model's.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochMetrics {
    /// 1-based.
    pub epoch: usize,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    /// Since the run started.
    pub elapsed: Duration,
    /// The epoch's gradient norms and update ratios, when the run watches them
    /// ([`super::dynamics::Watch`]); of its last step, with mini-batches.
    pub stats: Option<StepStats>,
}

/// Loss and accuracy of a model on one split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f32,
    pub accuracy: f32,
}

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

/// Milliseconds to the microsecond, as history files and JSON lines give them.
pub fn elapsed_ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// A history CSV file (headless `--history`, the dashboard's `e`): this header, then one
/// [`history_row`] per epoch.
pub const HISTORY_HEADER: &str = "epoch,train_loss,valid_loss,valid_accuracy,elapsed_ms";

/// [`HISTORY_HEADER`] with a `grad_norm_NAME` and then an `update_ratio_NAME` column for each
/// of `tensors` (headless `--dynamics`).
pub fn history_header(tensors: &[String]) -> String {
    let mut header = HISTORY_HEADER.to_string();
    for figure in ["grad_norm", "update_ratio"] {
        for name in tensors {
            header.push_str(&format!(",{figure}_{name}"));
        }
    }
    header
}

/// One epoch as a line of a history file, without its newline; its [`StepStats`] after the
/// base columns when it has them.
pub fn history_row(m: &EpochMetrics) -> String {
    let mut row = format!(
        "{},{},{},{},{}",
        m.epoch,
        m.train_loss,
        m.valid_loss,
        m.valid_accuracy,
        elapsed_ms(m.elapsed)
    );
    if let Some(stats) = &m.stats {
        for value in stats.grad_norm.iter().chain(&stats.update_ratio) {
            row.push_str(&format!(",{value}"));
        }
    }
    row
}

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

/// The result of a sweep at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub lr: f64,
    /// Index of `lr` in the sweep's increasing list.
    pub index: usize,
    /// The training loss of the starting coefficients, and of the trained model.
    pub first_loss: f32,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    pub dead_units: usize,
    pub hidden_units: usize,
    pub outcome: Outcome,
}

/// The smallest learning rate from which no larger one in `points` learned: where the network
/// stops learning. `None` when the largest rate still learned.
pub fn stops_learning_at(points: &[SweepPoint]) -> Option<f64> {
    let mut sorted: Vec<&SweepPoint> = points.iter().collect();
    sorted.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    let last_learned = sorted.iter().rposition(|p| p.outcome.learned());
    let first_failed = last_learned.map_or(0, |i| i + 1);
    sorted.get(first_failed).map(|p| p.lr)
}

/// A learning rate with three significant digits, as a table column shows it: `0.0100`,
/// `1.40`, `100`.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the digits are clamped to 0..=12"
)]
pub fn format_lr(lr: f64) -> String {
    if !lr.is_finite() || lr <= 0.0 {
        return format!("{lr}");
    }
    // The tolerance keeps a computed 9.999999999 from printing as 10.00.
    let digits = (2 - (lr.log10() + 1e-9).floor() as i32).clamp(0, 12) as usize;
    format!("{lr:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lr: f64, outcome: Outcome) -> SweepPoint {
        SweepPoint {
            lr,
            index: 0,
            first_loss: 0.5,
            train_loss: 0.2,
            valid_loss: 0.2,
            valid_accuracy: 0.8,
            dead_units: 0,
            hidden_units: 20,
            outcome,
        }
    }

    #[test]
    fn learning_stops_where_no_larger_rate_learns() {
        use Outcome::*;
        let points = [
            point(10.0, Diverged),
            point(0.1, Learned),
            point(1.0, Learned),
            point(3.0, Stalled),
            point(0.01, Dead),
        ];
        assert_eq!(stops_learning_at(&points), Some(3.0));
        assert_eq!(stops_learning_at(&points[1..3]), None);
        assert_eq!(stops_learning_at(&[point(1.0, Diverged)]), Some(1.0));
    }

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

    #[test]
    fn history_rows_match_the_header() {
        let m = EpochMetrics {
            epoch: 3,
            train_loss: 0.5,
            valid_loss: 0.25,
            valid_accuracy: 0.75,
            elapsed: Duration::from_micros(1500),
            stats: None,
        };
        assert_eq!(history_row(&m), "3,0.5,0.25,0.75,1.5");
        assert_eq!(
            HISTORY_HEADER.split(',').count(),
            history_row(&m).split(',').count()
        );
    }
}
