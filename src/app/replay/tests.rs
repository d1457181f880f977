use super::*;
use crate::app::fixtures::{count, lr, press_sending as press, settings, trained};
use crate::report::walk::WalkFocus;
use crate::settings::RunSettings;
use crossterm::event::KeyCode;

/// The tutorial's network at lr 20 for 30 epochs, snapshots at epochs 0 (its start), 1, 2,
/// 5, 10 and 30.
fn lr20() -> App {
    let settings = RunSettings {
        lr: lr(20.0),
        epochs: count(30),
        ..settings()
    };
    trained(settings, &[1, 2, 5, 10, 30])
}

#[test]
fn the_cursor_moves_every_panel_to_its_frame_and_end_brings_them_back() {
    let mut app = lr20();
    let latest = |app: &App| app.shown_network().map(|n| n.epoch);
    assert_eq!(latest(&app), Some(30));
    press(&mut app, KeyCode::Home);
    assert_eq!(app.screen.chart.cursor, Some(1));
    assert_eq!(latest(&app), Some(1));
    assert_eq!(app.shown_weights().map(|w| w.epoch), Some(1));
    let early = app.shown_network().map(|n| n.weights.clone());
    let live = app.current().and_then(|r| r.network.as_ref());
    assert_ne!(early.as_ref(), live.map(|n| &n.weights));
    let frame = app.current().and_then(|r| r.frames.at(1)).unwrap();
    assert_eq!(early.as_ref(), Some(&frame.snapshot.weights));
    // Between frames, the one before the cursor.
    for _ in 0..5 {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.screen.chart.cursor, Some(6));
    assert_eq!(latest(&app), Some(5));
    press(&mut app, KeyCode::End);
    assert!(app.screen.replay.is_none());
    assert_eq!(latest(&app), Some(30));
}

#[test]
fn the_walk_view_walks_the_epoch_after_the_cursors_frame() {
    let mut app = lr20();
    press(&mut app, KeyCode::Char('4'));
    let sent = press(&mut app, KeyCode::Home);
    let Some(Command::WalkAt {
        focus,
        epoch,
        lr,
        weights,
    }) = sent.first()
    else {
        panic!("a replayed walk: {sent:?}")
    };
    assert_eq!((*focus, *epoch, *lr), (WalkFocus::default(), 2, 20.0));
    let frame = app.current().and_then(|r| r.frames.at(1)).unwrap();
    assert_eq!(**weights, frame.snapshot.weights);
    assert!(press(&mut app, KeyCode::Left).is_empty(), "the same frame");
    assert_eq!(
        press(&mut app, KeyCode::End),
        [Command::Walk(WalkFocus::default())]
    );
}

#[test]
fn b_plays_the_run_back_from_the_start_to_the_end() {
    let mut app = lr20();
    press(&mut app, KeyCode::Char('b'));
    assert!(app.playing());
    assert_eq!(app.screen.chart.cursor, Some(1));
    let mut epochs = vec![1];
    while app.playing() {
        app.play_tick();
        epochs.extend(app.screen.chart.cursor);
    }
    assert_eq!(epochs, (1..=30).collect::<Vec<_>>());
    assert_eq!(app.shown_network().map(|n| n.epoch), Some(30));
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(
        app.screen.chart.cursor,
        Some(1),
        "played again from the start"
    );
    press(&mut app, KeyCode::Char('b'));
    assert!(!app.playing(), "b stops it");
}
