//! The network view (key `3`) on real runs: the tutorial's network trained here from seed 442,
//! snapshots taken as the trainer takes them, whole screens out.

use super::tests::{press, terminal};
use crate::app::App;
use crate::app::fixtures::{count, hidden, lr, planar_settings, settings, trained};
use crate::app::network::UnitState;
use crate::settings::RunSettings;
use crossterm::event::KeyCode;
use insta::assert_snapshot;

/// The tutorial's 20 units at lr 20, which kills 7 of them in the first epochs.
fn titanic_lr20() -> App {
    let settings = RunSettings {
        lr: lr(20.0),
        epochs: count(30),
        ..settings()
    };
    let mut app = trained(settings, &[1, 2, 5, 10, 30]);
    press(&mut app, KeyCode::Char('3'));
    app
}

#[test]
fn titanic_at_20_units_marks_the_dead_ones() {
    let mut app = titanic_lr20();
    let network = app.current().and_then(|r| r.network.as_ref()).unwrap();
    let health = app
        .current()
        .and_then(|r| r.weights.as_ref())
        .unwrap()
        .health;
    assert_eq!(network.dead(), (health.dead_units, 20));
    assert_eq!(
        health.dead_units, 8,
        "7 in the first epoch, one more by epoch 30"
    );
    let first_dead = (0..20)
        .find(|&u| matches!(network.state(0, u), UnitState::Dead { .. }))
        .unwrap();
    assert_eq!(
        network.state(0, first_dead),
        UnitState::Dead { since: 1 },
        "dead from the first snapshot on"
    );
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_titanic_lr20", screen.backend());
    // Down to a dead unit: the inspector says since when, and what it looked at.
    for _ in 0..first_dead {
        press(&mut app, KeyCode::Down);
    }
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_titanic_lr20_dead_unit_inspected", screen.backend());
}

#[test]
fn the_same_view_without_colour_uses_glyphs() {
    let mut app = titanic_lr20();
    app.screen.color = false;
    let screen = terminal(&app, 120, 40);
    let buffer = screen.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset),
        "no hue without colour"
    );
    assert_snapshot!("network_titanic_lr20_no_color", screen.backend());
}

#[test]
fn a_two_layer_network() {
    let settings = RunSettings {
        lr: lr(2.0),
        hidden: hidden("10,10"),
        epochs: count(40),
        ..settings()
    };
    let mut app = trained(settings, &[20, 40]);
    press(&mut app, KeyCode::Char('3'));
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_two_layers", screen.backend());
}

#[test]
fn a_layer_of_256_units_is_folded() {
    let settings = RunSettings {
        lr: lr(1.4),
        hidden: hidden("256"),
        epochs: count(10),
        ..settings()
    };
    let mut app = trained(settings, &[1, 5, 10]);
    press(&mut app, KeyCode::Char('3'));
    let screen = terminal(&app, 200, 50);
    let text: String = screen
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(text.contains("h1 · 256"), "{text}");
    assert!(
        text.contains("more, "),
        "the folded units are counted, the dead among them"
    );
    assert_snapshot!("network_256_units_folded", screen.backend());
}

#[test]
fn circle_data_shows_what_each_unit_responds_to() {
    let settings = RunSettings {
        epochs: count(200),
        ..planar_settings()
    };
    let mut app = trained(settings, &[50, 200]);
    press(&mut app, KeyCode::Char('3'));
    let maps = &app.reported.boundary.as_ref().unwrap().units;
    assert_eq!(maps.len(), 8, "a map per hidden unit");
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_circle_unit_maps", screen.backend());
    app.screen.color = false;
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_circle_unit_maps_no_color", screen.backend());
}

#[test]
fn the_output_unit_can_be_inspected() {
    let mut app = titanic_lr20();
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let screen = terminal(&app, 120, 40);
    assert_snapshot!("network_output_inspected", screen.backend());
}

#[test]
fn the_smallest_terminal_still_shows_the_units() {
    let app = titanic_lr20();
    let screen = terminal(&app, 80, 24);
    assert_snapshot!("network_titanic_lr20_80x24", screen.backend());
}

/// The tutorial's claim, shown: with linear hidden units the network view says the network is
/// one linear map and gives it (the product of the weight matrices), and on the circle the
/// boundary is a straight line: every row and every column of the map crosses P = 0.5 once
/// at most.
#[test]
fn linear_hidden_units_are_one_linear_map() {
    let settings = RunSettings {
        method: Box::new(crate::settings::Method {
            activation: "linear".parse().unwrap(),
            ..crate::settings::Method::default()
        }),
        ..planar_settings()
    };
    let mut app = trained(settings, &[10, 100, 300]);
    press(&mut app, KeyCode::Char('3'));
    let map = &app.reported.boundary.as_ref().unwrap().map;
    let side = |p: f32| p > 0.5;
    let crossings = |cells: Vec<f32>| {
        cells
            .windows(2)
            .filter(|w| side(w[0]) != side(w[1]))
            .count()
    };
    for row in 0..map.rows {
        let cells = (0..map.cols)
            .map(|col| map.prob(col, row).unwrap())
            .collect();
        assert!(crossings(cells) <= 1, "row {row}");
    }
    for col in 0..map.cols {
        let cells = (0..map.rows)
            .map(|row| map.prob(col, row).unwrap())
            .collect();
        assert!(crossings(cells) <= 1, "column {col}");
    }
    let screen = terminal(&app, 120, 40);
    let shown = super::tests::text(screen.backend().buffer());
    assert!(shown.contains("One linear map"), "{shown}");
    assert!(shown.contains("P(class 1) = sigmoid(x · W + b)"), "{shown}");
    assert_snapshot!("network_linear_one_map", screen.backend());
}

/// The chart cursor replays the network view: at epoch 2 the diagram, the inspector and the
/// histograms are those of the snapshot after epoch 2 (lr 20's first steps), not the end's.
#[test]
fn the_cursor_replays_the_network_at_an_early_epoch() {
    let mut app = titanic_lr20();
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Right);
    let terminal = terminal(&app, 120, 40);
    let screen = super::tests::text(terminal.backend().buffer());
    assert!(screen.contains("Network · epoch 2 "), "{screen}");
    assert!(!screen.contains("Network · epoch 30"), "{screen}");
    assert_snapshot!(terminal.backend());
}
