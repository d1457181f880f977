//! Synthetic trainer events for tests: a realistic run without burn.

use super::{App, DataInfo};
use crate::model::SATURATION;
use crate::trainer::messages::{
    Backend, EpochMetrics, Event, Health, NamedTensor, Pace, RunId, RunInfo, Settings, Snapshot,
};
use std::time::Duration;

pub fn settings() -> Settings {
    Settings {
        lr: 0.1,
        hidden: vec![20],
        epochs: 30,
        seed: 442,
        backend: Backend::Cpu,
        pace: Pace::PerSecond(30.0),
    }
}

pub fn data() -> DataInfo {
    DataInfo {
        name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: 12,
    }
}

pub fn app() -> App {
    App::new(settings(), data(), true)
}

pub fn info(id: RunId, settings: Settings) -> RunInfo {
    RunInfo {
        id,
        settings,
        device: "Flex (cpu)".into(),
        data_name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: crate::data::titanic::FEATURES.map(String::from).to_vec(),
    }
}

/// Epoch `epoch`'s figures at 40 ms per epoch.
pub fn metrics(epoch: usize, train_loss: f32, valid_loss: f32, accuracy: f32) -> EpochMetrics {
    EpochMetrics {
        epoch,
        train_loss,
        valid_loss,
        valid_accuracy: accuracy,
        elapsed: Duration::from_millis(40 * epoch as u64),
    }
}

/// A loss falling from 0.54 towards 0.2, as the tutorial's run at lr 0.1 does.
pub fn learning(epochs: std::ops::RangeInclusive<usize>) -> Vec<EpochMetrics> {
    epochs
        .map(|e| {
            let t = e as f32;
            let train = 0.2 + 0.34 * (-t / 8.0).exp();
            let valid = 0.21 + 0.33 * (-t / 9.0).exp();
            let accuracy = 0.6 + 0.22 * (1.0 - (-t / 6.0).exp());
            metrics(e, train, valid, accuracy)
        })
        .collect()
}

pub fn epochs(run: RunId, metrics: Vec<EpochMetrics>) -> Event {
    Event::Epochs { run, metrics }
}

pub fn health(dead: usize, min_pred: f32, max_pred: f32) -> Health {
    Health {
        dead_units: dead,
        hidden_units: 20,
        min_pred,
        max_pred,
        // The tests' saturated snapshots have every prediction on one side.
        live_rows: if max_pred < SATURATION || min_pred > 1.0 - SATURATION {
            0
        } else {
            713
        },
    }
}

/// Small tensors shaped like the tutorial's: 12×4 hidden weights, 4×1 output weights, a bias.
pub fn snapshot(run: RunId, epoch: usize, health: Health) -> Event {
    let hidden: Vec<f32> = (0..48)
        .map(|i| ((i * 37 % 48) as f32 / 48.0 - 0.5) / 4.0 + (i % 5) as f32 * 0.01)
        .collect();
    Event::Snapshot {
        run,
        snapshot: Snapshot {
            epoch,
            tensors: vec![
                NamedTensor {
                    name: "wt_hidden".into(),
                    shape: vec![12, 4],
                    values: hidden,
                },
                NamedTensor {
                    name: "wt_output".into(),
                    shape: vec![4, 1],
                    values: vec![-0.21, 0.33, 0.52, 0.08],
                },
                NamedTensor {
                    name: "bias_output".into(),
                    shape: vec![],
                    values: vec![0.41],
                },
            ],
            health,
        },
    }
}

/// Run 1 at lr 0.1, 12 epochs in, with a snapshot.
pub fn mid_run() -> App {
    let mut app = app();
    app.on_event(Event::Started(info(1, settings())));
    app.on_event(epochs(1, learning(1..=12)));
    app.on_event(snapshot(1, 12, health(2, 0.08, 0.93)));
    app
}
