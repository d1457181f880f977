//! The cost of drawing the whole dashboard: it must depend on the chart's width, not on the
//! number of epochs. `cargo bench --bench render`.

#![expect(
    clippy::expect_used,
    reason = "a bench that cannot set itself up fails there"
)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
mod common;

use nnfs_tui::app::App;

/// An app whose run has trained `epochs` epochs (and an earlier run of as many).
fn app_after(epochs: usize) -> App {
    let mut app = common::app();
    for run in 1..=2 {
        common::start(&mut app, run);
        for first in (1..=epochs).step_by(10_000) {
            common::epochs(&mut app, run, first, (first + 9_999).min(epochs));
        }
        common::snapshot(&mut app, run, epochs);
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

/// The network view (key `3`) of 256 hidden units, folded, with 1,024 snapshots of band history.
fn render_network(c: &mut Criterion) {
    let mut app = common::app();
    common::start(&mut app, 1);
    common::epochs(&mut app, 1, 1, 100_000);
    for snapshot in 1..=1024 {
        common::network_snapshot(&mut app, 1, snapshot * 100, 256);
    }
    app.on_key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
    c.bench_function("render_network_200x50_256_units", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| frame.render_widget(&app, frame.area()))
                .map(|_| ())
                .expect("drawing on a test backend");
        });
    });
}

criterion_group!(benches, render, render_network);
criterion_main!(benches);
