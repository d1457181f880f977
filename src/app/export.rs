//! The `e` key: a run's kept history as CSV, in the format of headless `--history`.

use super::run::RunView;
use crate::report::epoch::{EpochMetrics, HISTORY_HEADER, history_row};

pub fn file_name(run: &RunView) -> String {
    format!("nnfs-run{}-history.csv", run.id())
}

/// The CSV text of every kept epoch (all of them unless the run outgrew its bounded history).
pub fn csv(run: &RunView) -> String {
    let mut out = String::with_capacity(64 * (run.history.kept() + 1));
    out.push_str(HISTORY_HEADER);
    out.push('\n');
    for p in run.history.points() {
        let row = history_row(&EpochMetrics {
            epoch: p.epoch,
            train_loss: p.train_loss,
            penalty: None,
            valid_loss: p.valid_loss,
            valid_accuracy: p.valid_accuracy,
            elapsed: p.elapsed,
            stats: None,
        });
        out.push_str(&row);
        out.push('\n');
    }
    out
}
