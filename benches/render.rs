//! The cost of drawing the whole dashboard: it must depend on the chart's width, not on the
//! number of epochs. `cargo bench --bench render`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use nnfs_tui::app::{App, DataInfo};
use nnfs_tui::trainer::messages::{
    Backend, EpochMetrics, Event, Health, NamedTensor, Pace, RunInfo, Settings, Snapshot,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

fn settings() -> Settings {
    Settings {
        lr: 1.4,
        hidden: vec![20],
        epochs: 10_000_000,
        seed: 442,
        backend: Backend::Cpu,
        pace: Pace::Max,
    }
}

/// An app whose run has trained `epochs` epochs (and an earlier run of as many).
fn app_after(epochs: usize) -> App {
    let data = DataInfo {
        name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: 12,
    };
    let mut app = App::new(settings(), data, true);
    for run in 1..=2 {
        app.on_event(Event::Started(RunInfo {
            id: run,
            settings: settings(),
            device: "Flex (CPU)".into(),
            data_name: "titanic".into(),
            train_rows: 713,
            valid_rows: 178,
            test_rows: 0,
            features: (0..12).map(|i| format!("f{i}")).collect(),
        }));
        let mut epoch = 0;
        while epoch < epochs {
            let metrics = (epoch + 1..=(epoch + 10_000).min(epochs))
                .map(|e| {
                    let t = e as f32;
                    EpochMetrics {
                        epoch: e,
                        train_loss: 0.2 + 0.34 / (1.0 + t / 50.0),
                        valid_loss: 0.21 + 0.33 / (1.0 + t / 60.0),
                        valid_accuracy: 0.8 - 0.2 / (1.0 + t / 40.0),
                        elapsed: Duration::from_micros(100 * e as u64),
                    }
                })
                .collect::<Vec<_>>();
            epoch += metrics.len();
            app.on_event(Event::Epochs { run, metrics });
        }
        let tensor = |name: &str, rows: usize, cols: usize| NamedTensor {
            name: name.into(),
            shape: vec![rows, cols],
            values: (0..rows * cols).map(|i| (i as f32 * 0.37).sin()).collect(),
        };
        app.on_event(Event::Snapshot {
            run,
            snapshot: Snapshot {
                epoch,
                tensors: vec![tensor("wt_hidden", 12, 20), tensor("wt_output", 20, 1)],
                health: Health {
                    dead_units: 2,
                    hidden_units: 20,
                    min_pred: 0.01,
                    max_pred: 0.98,
                    live_rows: 713,
                },
            },
        });
    }
    app
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_200x50");
    for epochs in [1_000, 100_000, 1_000_000] {
        let app = app_after(epochs);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
        group.bench_with_input(BenchmarkId::from_parameter(epochs), &app, |b, app| {
            b.iter(|| {
                terminal
                    .draw(|frame| frame.render_widget(app, frame.area()))
                    .map(|_| ())
                    .expect("drawing on a test backend");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
