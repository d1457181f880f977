//! One epoch's figures, an evaluation, and the history file's rows (headless `--history`, the
//! dashboard's `e`).

use super::dynamics::StepStats;
use std::time::Duration;

/// What one epoch did. The training loss is the tutorial's: computed before the epoch's update.
/// The validation figures are computed after it, so the last epoch's equal the final model's.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochMetrics {
    /// 1-based.
    pub epoch: usize,
    pub train_loss: f32,
    /// The penalty on the weights added to the loss that is differentiated, at the same
    /// coefficients as `train_loss` (which it is not part of), when the run has one.
    pub penalty: Option<f32>,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    /// Since the run started.
    pub elapsed: Duration,
    /// The epoch's gradient norms and update ratios, when the run watches them
    /// (the model's `Watch`); of its last step, with mini-batches.
    pub stats: Option<StepStats>,
}

/// Loss and accuracy of a model on one split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f32,
    pub accuracy: f32,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rows_match_the_header() {
        let m = EpochMetrics {
            epoch: 3,
            train_loss: 0.5,
            penalty: None,
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
