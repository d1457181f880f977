//! A dashboard fed with made-up training events, as the trainer would send them.

use nnfs_tui::app::{App, DataInfo};
use nnfs_tui::report::epoch::EpochMetrics;
use nnfs_tui::report::health::Health;
use nnfs_tui::report::run::{RunId, RunInfo};
use nnfs_tui::report::snapshot::Snapshot;
use nnfs_tui::report::units::LayerUnits;
use nnfs_tui::report::weights::{Matrix, Weights};
use nnfs_tui::settings::{Count, HiddenSizes, Pace, RunSettings};
use nnfs_tui::trainer::messages::Event;
use std::time::Duration;

pub fn settings() -> RunSettings {
    RunSettings {
        hidden: HiddenSizes::new(vec![20]).ok(),
        epochs: Count::new(100_000_000).expect("a count"),
        ..RunSettings::dashboard()
    }
}

pub fn app() -> App {
    let data = DataInfo {
        name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: 12,
        planar: false,
    };
    App::new(settings(), Pace::Max, data, true)
}

pub fn start(app: &mut App, run: RunId) {
    app.on_event(Event::Started(RunInfo {
        id: run,
        settings: settings(),
        device: "Flex (CPU)".into(),
        data_name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: (0..12).map(|i| format!("f{i}")).collect(),
        planar: false,
        from_init: false,
    }));
}

/// Sends epochs `first..=last` of `run` in one batch, with a learning curve's shape.
pub fn epochs(app: &mut App, run: RunId, first: usize, last: usize) {
    let metrics = (first..=last)
        .map(|e| {
            let t = e as f32;
            EpochMetrics {
                epoch: e,
                train_loss: 0.2 + 0.34 / (1.0 + t / 50.0),
                penalty: None,
                valid_loss: 0.21 + 0.33 / (1.0 + t / 60.0),
                valid_accuracy: 0.8 - 0.2 / (1.0 + t / 40.0),
                elapsed: Duration::from_micros(100 * e as u64),
                stats: None,
            }
        })
        .collect();
    app.on_event(Event::Epochs { run, metrics });
}

/// Sends a weight snapshot of the Titanic network at `epoch`.
pub fn snapshot(app: &mut App, run: RunId, epoch: usize) {
    let matrix = |rows: usize, cols: usize| {
        let values = (0..rows * cols)
            .map(|i| ((i + epoch) as f32 * 0.37).sin())
            .collect();
        Matrix::new(rows, cols, values)
    };
    let weights = Weights {
        hidden: vec![matrix(12, 20)],
        output: matrix(20, 1),
        bias: 0.0,
    };
    app.on_event(Event::Snapshot {
        run,
        snapshot: Snapshot::new(
            epoch,
            weights,
            Health {
                dead_units: 2,
                hidden_units: 20,
                min_pred: 0.01,
                max_pred: 0.98,
                live_rows: 713,
            },
            Vec::new(),
        ),
    });
}

/// Sends a snapshot of a network of `hidden` units on the 12 Titanic features at `epoch`: its
/// coefficients (a bias too) and its units, every seventh one dead.
#[allow(
    dead_code,
    reason = "the render bench draws the network view; the memory bench does not"
)]
pub fn network_snapshot(app: &mut App, run: RunId, epoch: usize, hidden: usize) {
    let values = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|i| ((i * 7 + epoch) as f32 * 0.37).sin() / (1.0 + epoch as f32 / 1e4))
            .collect()
    };
    let active: Vec<f32> = (0..hidden)
        .map(|u| {
            if u % 7 == 0 {
                0.0
            } else {
                (u % 10) as f32 / 10.0
            }
        })
        .collect();
    app.on_event(Event::Snapshot {
        run,
        snapshot: Snapshot::new(
            epoch,
            Weights {
                hidden: vec![Matrix::new(12, hidden, values(12 * hidden))],
                output: Matrix::new(hidden, 1, values(hidden)),
                bias: values(1)[0],
            },
            Health {
                dead_units: hidden.div_ceil(7),
                hidden_units: hidden,
                min_pred: 0.01,
                max_pred: 0.98,
                live_rows: 713,
            },
            vec![LayerUnits {
                peak: active
                    .iter()
                    .map(|&a| if a > 0.0 { 1.0 } else { 0.0 })
                    .collect(),
                active,
                can_die: true,
                grad_norm: Some(vec![1e-3; hidden]),
            }],
        ),
    });
}
