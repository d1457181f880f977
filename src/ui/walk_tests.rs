//! The walk view (key `4`) on real runs: the tutorial's network trained here from seed 442,
//! paused, the walk of its next epoch computed as the trainer computes it, whole screens out
//! at each step.

use super::tests::{press, terminal, text};
use crate::app::App;
use crate::app::fixtures::{count, lr, settings, trained, walk_event};
use crate::report::run::RunState;
use crate::settings::RunSettings;
use crate::trainer::messages::Event;
use crossterm::event::KeyCode;
use insta::assert_snapshot;

/// The tutorial's network at `rate`, paused after 12 epochs, the walk view open, `keys`
/// pressed there (the inspector's unit, the input), and the walk of epoch 13.
fn walked(rate: f64, keys: &[KeyCode]) -> App {
    let settings = RunSettings {
        lr: lr(rate),
        epochs: count(30),
        ..settings()
    };
    let mut app = trained(settings.clone(), &[1, 2, 5, 12]);
    app.on_event(Event::State {
        run: 1,
        state: RunState::Paused,
    });
    press(&mut app, KeyCode::Char('4'));
    for &key in keys {
        press(&mut app, key);
    }
    let walk = walk_event(&app, &settings, 12);
    app.on_event(walk);
    app
}

#[test]
fn the_walk_of_an_epoch_at_each_step() {
    let mut app = walked(1.4, &[]);
    let whole = terminal(&app, 120, 40);
    let screen = text(whole.backend().buffer());
    assert!(screen.contains("Walk · epoch 13 of run #1"), "{screen}");
    assert!(screen.contains("713×12 @ 12×20 → 713×20"), "{screen}");
    assert!(screen.contains("they agree to"), "{screen}");
    assert_snapshot!("walk_whole_epoch_at_lr_1_4", whole.backend());
    let steps = [
        "calc_preds",
        "calc_preds",
        "calc_loss",
        "backward",
        "update_coeffs",
        "model_accuracy",
    ];
    for (i, function) in steps.iter().enumerate() {
        press(&mut app, KeyCode::Char('n'));
        let terminal = terminal(&app, 120, 40);
        let screen = text(terminal.backend().buffer());
        let step = format!("step {}/6 {function}", i + 1);
        assert!(screen.contains(&step), "{step}: {screen}");
        assert!(screen.contains(&format!("▶ {function}")), "{screen}");
        assert_snapshot!(
            format!("walk_step_{}_{function}", i + 1),
            terminal.backend()
        );
    }
}

/// lr 20 kills unit 1 in the first epochs: its weights' gradient, worked by hand, is exactly
/// zero, as autodiff's is.
#[test]
fn a_dead_units_weight_gets_nothing_by_hand_or_by_autodiff() {
    let app = walked(
        20.0,
        &[KeyCode::Down, KeyCode::Char('.'), KeyCode::Char('.')],
    );
    let terminal = terminal(&app, 120, 40);
    let screen = text(terminal.backend().buffer());
    assert!(
        screen.contains("∂L/∂wt_hidden[2, 1] (Parch → h1.1"),
        "{screen}"
    );
    assert!(
        screen.contains("both exactly 0: no gradient reaches this weight"),
        "{screen}"
    );
    assert_snapshot!(terminal.backend());
}

/// On the smallest terminal each function keeps its first line, the current one the rest.
#[test]
fn the_smallest_terminal_keeps_the_current_step_whole() {
    let mut app = walked(1.4, &[]);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('n'));
    }
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("▶ calc_loss"), "{screen}");
    assert!(screen.contains("mean over 713 rows"), "{screen}");
    assert_snapshot!(terminal.backend());
}
