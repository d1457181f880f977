//! Every run of the session in one line each (the run table, key `T`), kept after the run's
//! history is dropped, and the `E` key: all of them as CSV.

use super::run::RunView;
use crate::report::epoch::elapsed_ms;
use crate::report::run::{RunId, RunInfo};
use crate::settings::RunSettings;
use std::collections::VecDeque;
use std::time::Duration;

/// Runs summarised; older ones are dropped.
pub const MAX_SUMMARIES: usize = 1000;
/// Where `E` writes.
pub const FILE_NAME: &str = "nnfs-runs.csv";

/// The latest figures of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
}

/// One run, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub id: RunId,
    /// What it started with.
    pub settings: RunSettings,
    pub data_name: String,
    /// The learning rate now (after live changes).
    pub lr: f64,
    /// Epochs trained.
    pub epochs: usize,
    /// The last epoch's figures.
    pub last: Option<Figures>,
    /// As the status bar says it: running, paused, finished, stopped, diverged, stalled,
    /// failed.
    pub state: &'static str,
    /// Training time to the last epoch.
    pub wall: Duration,
    /// Whether its curve is drawn on the loss chart (while the run is still kept there).
    pub shown: bool,
}

impl RunSummary {
    pub fn new(info: &RunInfo) -> Self {
        RunSummary {
            id: info.id,
            settings: info.settings.clone(),
            data_name: info.data_name.clone(),
            lr: info.settings.lr.get(),
            epochs: 0,
            last: None,
            state: "running",
            wall: Duration::ZERO,
            shown: true,
        }
    }

    /// Takes the run's latest state (O(1)).
    pub fn update(&mut self, run: &RunView) {
        self.lr = run.lr();
        self.epochs = run.epoch();
        self.state = run.state_word();
        if let Some(p) = run.last() {
            self.last = Some(Figures {
                train_loss: p.train_loss,
                valid_loss: p.valid_loss,
                valid_accuracy: p.valid_accuracy,
            });
            self.wall = p.elapsed;
        }
    }
}

/// Bounded summaries in run order (ids increasing), found by id in O(log n).
#[derive(Debug, Clone, Default)]
pub struct Summaries {
    list: VecDeque<RunSummary>,
}

impl Summaries {
    pub fn push(&mut self, summary: RunSummary) {
        // Ids only grow; a repeated one replaces its summary.
        if let Some(old) = self.get_mut(summary.id) {
            *old = summary;
            return;
        }
        if self.list.back().is_some_and(|last| last.id > summary.id) {
            return;
        }
        if self.list.len() == MAX_SUMMARIES {
            self.list.pop_front();
        }
        self.list.push_back(summary);
    }

    pub fn index_of(&self, id: RunId) -> Option<usize> {
        self.list.binary_search_by_key(&id, |s| s.id).ok()
    }

    pub fn get(&self, id: RunId) -> Option<&RunSummary> {
        self.index_of(id).and_then(|i| self.list.get(i))
    }

    pub fn get_mut(&mut self, id: RunId) -> Option<&mut RunSummary> {
        self.index_of(id).and_then(|i| self.list.get_mut(i))
    }

    pub fn at(&self, index: usize) -> Option<&RunSummary> {
        self.list.get(index)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &RunSummary> + ExactSizeIterator {
        self.list.iter()
    }

    /// Summaries `range` (clamped), for drawing only the rows on screen.
    pub fn range(&self, start: usize, len: usize) -> impl Iterator<Item = &RunSummary> {
        self.list.range(start.min(self.list.len())..).take(len)
    }
}

/// `1.2s`, `4m05s`, `1h02m`.
pub fn format_wall(wall: Duration) -> String {
    let seconds = wall.as_secs();
    if seconds < 60 {
        format!("{:.1}s", wall.as_secs_f64())
    } else if seconds < 3600 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{}h{:02}m", seconds / 3600, seconds % 3600 / 60)
    }
}

pub const HEADER: [&str; 15] = [
    "run",
    "lr_start",
    "lr",
    "hidden",
    "batch_size",
    "data",
    "seed",
    "backend",
    "epochs_done",
    "epochs",
    "train_loss",
    "valid_loss",
    "valid_accuracy",
    "state",
    "wall_ms",
];

/// Every summarised run as CSV: a header, then a line per run, oldest first. The batch size
/// is `full` for the tutorial's full batch; the figures are empty before the first epoch.
pub fn csv(summaries: &Summaries) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(128 * (summaries.len() + 1)));
    let bad = |e: csv::Error| e.to_string();
    writer.write_record(HEADER).map_err(bad)?;
    for s in summaries.iter() {
        let figure =
            |f: fn(&Figures) -> f32| s.last.as_ref().map_or(String::new(), |l| f(l).to_string());
        writer
            .write_record([
                s.id.to_string(),
                s.settings.lr.to_string(),
                s.lr.to_string(),
                s.settings.hidden_sizes().to_string(),
                super::form::format_batch(s.settings.batch_size),
                s.data_name.clone(),
                s.settings.seed.to_string(),
                s.settings.backend.to_string(),
                s.epochs.to_string(),
                s.settings.epochs.to_string(),
                figure(|l| l.train_loss),
                figure(|l| l.valid_loss),
                figure(|l| l.valid_accuracy),
                s.state.to_string(),
                elapsed_ms(s.wall).to_string(),
            ])
            .map_err(bad)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_reads_short() {
        assert_eq!(format_wall(Duration::from_millis(1234)), "1.2s");
        assert_eq!(format_wall(Duration::from_secs(245)), "4m05s");
        assert_eq!(format_wall(Duration::from_mins(62)), "1h02m");
    }
}
