//! Replay's memory stays bounded however long the run: the frames of a snapshot at every one
//! of 10^6 epochs of the Titanic default (12 inputs, 20 hidden units) take at most
//! `REPLAY_BYTES` (64 MB), by the frames' own count and by the process's resident memory; and
//! so do 10^5 of a 256-unit layer's. `cargo test --test replay_memory -- --nocapture` prints
//! the figures.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

use nnfs_tui::app::network::NetworkView;
use nnfs_tui::app::replay::{Frame, Frames, MAX_FRAMES, REPLAY_BYTES};
use nnfs_tui::model::network::init_weights;
use nnfs_tui::report::health::Health;
use nnfs_tui::report::snapshot::Snapshot;
use nnfs_tui::report::units::LayerUnits;

/// Resident memory, in bytes.
fn resident() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    kb * 1024
}

/// A snapshot of the Titanic network with `hidden` units at `epoch`, its units' figures
/// measured (as the run's last snapshot has them).
fn snapshot(hidden: usize, epoch: usize) -> Snapshot {
    let weights = init_weights(12, &[hidden], 442);
    let units = LayerUnits::from_counts(
        &vec![0.5; hidden],
        &vec![300.0; hidden],
        713,
        Some(&vec![0.01; hidden]),
    );
    let health = Health {
        dead_units: 0,
        hidden_units: hidden,
        min_pred: 0.1,
        max_pred: 0.9,
        live_rows: 713,
    };
    Snapshot::new(epoch, weights, health, vec![units])
}

/// Frames of a snapshot every `every` epochs up to `epochs`; the frames' count, their own
/// estimate of their bytes and the growth of resident memory.
fn replay(hidden: usize, epochs: usize, every: usize) -> (usize, usize, usize) {
    let template = snapshot(hidden, 0);
    let view = NetworkView::observe(None, template.clone());
    let frame = Frame::of(&view, template);
    let before = resident();
    let mut frames = Frames::default();
    for epoch in (every..=epochs).step_by(every) {
        let mut next = frame.clone();
        next.snapshot.epoch = epoch;
        frames.push(next);
    }
    let grown = resident().saturating_sub(before);
    assert_eq!(frames.at(epochs).unwrap().snapshot.epoch, epochs);
    assert!(frames.at(every).is_some(), "the run's start is kept");
    (frames.len(), frames.bytes(), grown)
}

#[test]
fn replay_stays_within_64_mb_over_a_million_epochs() {
    const MB: f64 = 1024.0 * 1024.0;
    // (hidden units, epochs): the Titanic default, a wide layer, one whose frames would pass
    // the budget (it keeps fewer of them).
    for (hidden, epochs) in [(20, 1_000_000), (256, 100_000), (4096, 4000)] {
        let (kept, bytes, grown) = replay(hidden, epochs, 1);
        println!(
            "{hidden} hidden units, {epochs} epochs: {kept} frames, {:.2} MB counted, resident +{:.2} MB",
            bytes as f64 / MB,
            grown as f64 / MB
        );
        assert!(kept <= MAX_FRAMES, "{hidden}");
        assert!(bytes <= REPLAY_BYTES, "{hidden}");
        assert!(
            grown <= REPLAY_BYTES,
            "{hidden}: resident memory grew {grown} bytes"
        );
        assert_eq!(
            kept < MAX_FRAMES / 2,
            hidden == 4096,
            "{hidden}: {kept} frames"
        );
    }
}
