//! What a run is: its number, what it is doing, and the facts sent when it starts.

use crate::settings::RunSettings;

/// Runs are numbered from 1 in the order they start.
pub type RunId = u64;

/// What a run is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    Running,
    Paused,
    Finished,
    Stopped,
    Failed(String),
}

/// Facts about a run, sent when it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub id: RunId,
    /// What it trains with; the hidden sizes are always given.
    pub settings: RunSettings,
    /// The adapter's or CPU backend's name.
    pub device: String,
    pub data_name: String,
    pub train_rows: usize,
    pub valid_rows: usize,
    pub test_rows: usize,
    pub features: Vec<String>,
    /// Whether the data lies on a plane the decision boundary is drawn over (a generated set,
    /// or two features).
    pub planar: bool,
    /// Whether the run starts from the `--init` file's coefficients (a session file that
    /// replays it must name that file).
    pub from_init: bool,
}
