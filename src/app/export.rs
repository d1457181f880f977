//! The `e` key: a run's kept history as CSV.

use super::run::Run;
use crate::model::{HISTORY_HEADER, elapsed_ms};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn file_name(run: &Run) -> String {
    format!("nnfs-run{}-history.csv", run.id())
}

/// The CSV text of every kept epoch (all of them unless the run outgrew its bounded history).
pub fn csv(run: &Run) -> String {
    let mut out = String::with_capacity(64 * (run.history.kept() + 1));
    out.push_str(HISTORY_HEADER);
    out.push('\n');
    for p in run.history.points() {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            p.epoch,
            p.train_loss,
            p.valid_loss,
            p.valid_accuracy,
            elapsed_ms(p.elapsed)
        );
    }
    out
}

/// Writes the CSV into `dir`; returns the one-line result for the status bar.
pub fn export(run: &Run, dir: &Path) -> Result<String, String> {
    let path: PathBuf = dir.join(file_name(run));
    let kept = run.history.kept();
    let seen = run.history.epochs_seen();
    match std::fs::write(&path, csv(run)) {
        Ok(()) if kept == seen => Ok(format!("exported {kept} epochs to {}", path.display())),
        Ok(()) => Ok(format!(
            "exported {kept} of {seen} epochs (older ones downsampled) to {}",
            path.display()
        )),
        Err(e) => Err(format!(
            "could not write {}: {e} (is the directory writable?)",
            path.display()
        )),
    }
}
