//! The detector's rules on made-up curves; the real runs' events are held to PyTorch's
//! fixtures in `tests/events.rs`.

use super::*;
use crate::report::dynamics::StepStats;
use std::time::Duration;

fn kinds(events: &[TrainingEvent]) -> Vec<EventKind> {
    events.iter().map(|e| e.kind).collect()
}

fn at(epoch: usize, train: f32, valid: f32) -> EpochMetrics {
    EpochMetrics {
        epoch,
        train_loss: train,
        penalty: None,
        valid_loss: valid,
        valid_accuracy: 0.8,
        elapsed: Duration::ZERO,
        stats: None,
    }
}

/// Feeds training losses from epoch `from`, the validation loss following them.
fn feed(d: &mut Detector, from: usize, losses: &[f32]) -> Vec<TrainingEvent> {
    losses
        .iter()
        .enumerate()
        .flat_map(|(i, &l)| d.epoch(&at(from + i, l, l)))
        .collect()
}

#[test]
fn a_rise_is_reported_then_quiet_for_a_while() {
    let mut d = Detector::new();
    let events = feed(
        &mut d,
        1,
        &[0.54, 0.40, 0.245, 0.391, 0.201, 0.25, 0.2, 0.19],
    );
    assert_eq!(kinds(&events), vec![EventKind::LossRose]);
    assert_eq!(
        events[0].detail,
        "the training loss rose from 0.245 to 0.391 at epoch 4"
    );
    assert!(
        feed(&mut d, 9, &[0.185, 0.18, 0.178, 0.175, 0.17]).is_empty(),
        "falling"
    );
    // Twenty epochs on the epoch-4 rise is no longer the noise to beat.
    let mut quiet: Vec<f32> = (0..16).map(|i| 0.17 - 0.001 * i as f32).collect();
    quiet.push(0.3);
    let later = feed(&mut d, 14, &quiet);
    assert_eq!(kinds(&later), vec![EventKind::LossRose], "{later:?}");
    assert!(
        feed(&mut d, 31, &[0.3003]).is_empty(),
        "a rise within 1 % is noise"
    );
}

/// A healthy run that has come a long way wobbles by a thousandth: not an event, nor is a
/// rise no larger than one the run made a few epochs before.
#[test]
fn rises_within_the_runs_noise_are_not_events() {
    let mut d = Detector::new();
    let mut losses: Vec<f32> = (0..36).map(|i| 0.5 - 0.0095 * i as f32).collect();
    // 0.1675 → 0.1690: 0.9 % of the loss, 0.5 % of the progress.
    losses.extend([0.169, 0.165, 0.164]);
    assert!(feed(&mut d, 1, &losses).is_empty());
    let mut d = Detector::new();
    let events = feed(&mut d, 1, &[0.5, 0.4, 0.45, 0.3, 0.2, 0.15, 0.1, 0.09]);
    assert_eq!(kinds(&events), vec![EventKind::LossRose]);
    // As large a rise again, twelve epochs later, within 20 epochs of the first: noise.
    let mut more: Vec<f32> = (0..11).map(|i| 0.09 - 0.001 * i as f32).collect();
    more.push(0.125);
    assert!(feed(&mut d, 9, &more).is_empty());
}

/// An oscillation is one state, told once, not a rise every ten epochs.
#[test]
fn an_oscillation_is_one_event() {
    let mut d = Detector::new();
    let mut losses: Vec<f32> = (0..30).map(|i| 0.5 - 0.015 * i as f32).collect();
    losses.extend((0..60).map(|i| if i % 2 == 0 { 0.023 } else { 0.024 }));
    let events = feed(&mut d, 1, &losses);
    assert_eq!(kinds(&events), vec![EventKind::Oscillating], "{events:?}");
    assert_eq!(
        events[0].detail,
        "the training loss oscillates between 0.023 and 0.024 since epoch 31"
    );
    // Calm again, then a swing again: a new state.
    let calm: Vec<f32> = (0..20).map(|i| 0.023 - 0.0001 * i as f32).collect();
    assert!(feed(&mut d, 91, &calm).is_empty());
    let again: Vec<f32> = (0..16)
        .map(|i| if i % 2 == 0 { 0.02 } else { 0.022 })
        .collect();
    assert_eq!(
        kinds(&feed(&mut d, 111, &again)),
        vec![EventKind::Oscillating]
    );
}

#[test]
fn a_nan_and_a_blow_up_are_reported_once() {
    let mut d = Detector::new();
    feed(&mut d, 1, &[0.1; 30]);
    let seen = kinds(&feed(&mut d, 31, &[0.9; 50]));
    assert!(seen.contains(&EventKind::Diverged), "{seen:?}");
    assert_eq!(
        seen.iter().filter(|k| **k == EventKind::Diverged).count(),
        1
    );
    assert_eq!(
        kinds(&feed(&mut d, 81, &[f32::NAN])),
        vec![EventKind::NonFinite]
    );
    assert!(feed(&mut d, 82, &[f32::NAN]).is_empty());
}

/// The validation loss bottoms out at epoch 20, then climbs while the training loss keeps
/// falling: ten epochs 5 % above the best make it overfitting, told once, naming epoch 20.
#[test]
fn overfitting_is_a_sustained_rise_of_the_validation_loss() {
    let mut d = Detector::new();
    let mut events = Vec::new();
    for epoch in 1..=60 {
        let train = 0.5 - 0.005 * epoch as f32;
        let valid = if epoch <= 20 {
            0.5 - 0.01 * epoch as f32
        } else {
            0.3 + 0.004 * (epoch - 20) as f32
        };
        events.extend(d.epoch(&at(epoch, train, valid)));
    }
    assert_eq!(kinds(&events), vec![EventKind::Overfitting], "{events:?}");
    // 5 % above 0.300 is 0.315, first reached at epoch 24; the tenth such epoch is 33.
    assert_eq!(events[0].epoch, 33);
    assert!(
        events[0].detail.contains("its best (0.300 at epoch 20)"),
        "{}",
        events[0].detail
    );
    assert_eq!(d.best_valid().map(|b| b.epoch), Some(20));
    // A validation loss that wobbles around its best is not overfitting.
    let mut d = Detector::new();
    for epoch in 1..=60 {
        let valid = 0.3 + if epoch % 3 == 0 { 0.02 } else { 0.0 };
        assert!(
            d.epoch(&at(epoch, 0.5 - 0.001 * epoch as f32, valid))
                .is_empty()
        );
    }
}

#[test]
fn tiny_steps_and_a_still_loss_are_steps_too_small() {
    let mut d = Detector::new();
    let stats = |ratio: f32| StepStats {
        grad_norm: vec![0.01; 3],
        update_ratio: vec![ratio; 3],
    };
    let mut events = Vec::new();
    for epoch in 1..=40 {
        let m = EpochMetrics {
            stats: Some(stats(2e-5)),
            ..at(epoch, 0.54 - 0.0001 * epoch as f32, 0.54)
        };
        events.extend(d.epoch(&m));
    }
    assert_eq!(kinds(&events), vec![EventKind::StepsTooSmall], "{events:?}");
    assert_eq!(events[0].epoch, 21);
    // Ratios near the guide are not too small, whatever the loss does.
    let mut d = Detector::new();
    for epoch in 1..=40 {
        let m = EpochMetrics {
            stats: Some(stats(1e-3)),
            ..at(epoch, 0.3, 0.3)
        };
        assert!(d.epoch(&m).is_empty());
    }
}

#[test]
fn saturation_and_dying_units_come_from_the_health() {
    let mut d = Detector::new();
    let health = |dead, live| Health {
        dead_units: dead,
        hidden_units: 20,
        min_pred: 0.0,
        max_pred: 1.0,
        live_rows: live,
    };
    assert!(
        d.health(10, &health(2, 700)).is_empty(),
        "the first count is the baseline"
    );
    let died = d.health(20, &health(5, 700));
    assert_eq!(kinds(&died), vec![EventKind::UnitsDied]);
    assert_eq!(
        died[0].detail,
        "3 hidden units died by epoch 20 (5/20 dead: zero on every training row)"
    );
    assert_eq!(
        kinds(&d.health(30, &health(5, 0))),
        vec![EventKind::Stalled]
    );
    assert!(d.health(40, &health(5, 0)).is_empty());
    assert!(d.health(50, &health(5, 10)).is_empty());
    assert_eq!(
        kinds(&d.health(60, &health(5, 0))),
        vec![EventKind::Stalled]
    );
}
