//! Render tests: synthetic trainer events in, whole screens out (gitui's TestBackend + insta).

use crate::app::App;
use crate::app::fixtures::*;
use crate::trainer::messages::{Backend, Event, RunState, Settings};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;

fn terminal(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
    terminal
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn screen(app: &App, width: u16, height: u16) -> String {
    text(terminal(app, width, height).backend().buffer())
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn main_screen_mid_run() {
    let app = mid_run();
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("RUNNING"), "{screen}");
    assert!(screen.contains("epoch 12/30"), "{screen}");
    assert!(screen.contains("25.0 ep/s"), "{screen}");
    assert!(screen.contains("2/20 hidden units dead"), "{screen}");
    assert!(screen.contains("wt_hidden 12×4"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn main_screen_large_has_detailed_histograms() {
    let mut app = mid_run();
    app.on_event(Event::TestEvaluated {
        run: 1,
        epoch: 12,
        evaluation: crate::trainer::messages::Evaluation {
            loss: 0.21,
            accuracy: 0.8,
        },
    });
    let terminal = terminal(&app, 120, 40);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("test 80.0% at epoch 12"), "{screen}");
    assert!(screen.contains("min "), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn main_screen_without_colour() {
    let mut app = mid_run();
    app.color = false;
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "NO_COLOR screen uses a colour: {cell:?}"
        );
    }
    // The valid curve is told from the train curve by its marker, not its colour.
    assert!(text(buffer).contains('•'));
    assert_snapshot!(terminal.backend());
}

#[test]
fn colour_screen_uses_colour() {
    let app = mid_run();
    let terminal = terminal(&app, 80, 24);
    assert!(
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg == Color::Cyan)
    );
}

#[test]
fn help_overlay_lists_every_key() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Char('?'));
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    for key in ["space", "+ =  -", "] [", "Tab f", "Ctrl-C", "Enter / Esc"] {
        assert!(screen.contains(key), "{key} missing:\n{screen}");
    }
    for (_, what) in super::help::KEYS {
        assert!(screen.contains(what), "{what} missing:\n{screen}");
    }
    assert_snapshot!(terminal.backend());
}

#[test]
fn form_with_an_invalid_value() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Char('x'));
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("✗ must be a whole number ≥ 1"), "{screen}");
    assert!(screen.contains("Settings — editing"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn diverged_run_with_an_earlier_run_and_lr_change() {
    let mut app = app();
    // Run 1 at lr 1.4 learns; run 2 at lr 20 climbs and then goes NaN after a live change.
    app.on_event(Event::Started(info(
        1,
        Settings {
            lr: 1.4,
            ..settings()
        },
    )));
    app.on_event(epochs(1, learning(1..=30)));
    app.on_event(Event::State {
        run: 1,
        state: RunState::Finished,
    });
    app.on_event(Event::Started(info(
        2,
        Settings {
            lr: 20.0,
            ..settings()
        },
    )));
    let m = (1..=20)
        .map(|e| {
            let loss = if e < 14 {
                0.54 - 0.01 * e as f32
            } else {
                f32::NAN
            };
            metrics(e, loss, loss, 0.6)
        })
        .collect();
    app.on_event(Event::LrChanged {
        run: 2,
        epoch: 8,
        lr: 50.0,
    });
    app.on_event(epochs(2, m));
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("DIVERGED at epoch 14"), "{screen}");
    assert!(screen.contains("× DIVERGED"), "{screen}");
    assert!(
        screen.contains("× NaN at 14") || screen.contains("NaN at 14 ×"),
        "{screen}"
    );
    assert!(screen.contains("#1 lr 1.4 h 20"), "{screen}");
    assert!(screen.contains("lr 50"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn stalled_run_is_told_apart_from_a_converged_one() {
    let mut app = app();
    app.on_event(Event::Started(info(
        1,
        Settings {
            lr: 60.0,
            hidden: vec![32],
            ..settings()
        },
    )));
    let m = (1..=10)
        .map(|e| metrics(e, if e < 3 { 0.5 } else { 0.393 }, 0.393, 0.616))
        .collect();
    app.on_event(epochs(1, m));
    app.on_event(snapshot(
        1,
        10,
        crate::trainer::messages::Health {
            dead_units: 4,
            hidden_units: 32,
            min_pred: 0.0,
            max_pred: 0.0,
            live_rows: 0,
        },
    ));
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("! STALLED"), "{screen}");
    assert!(screen.contains("stalled: output saturated"), "{screen}");
    assert!(screen.contains("4/32 hidden units dead"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn tiny_terminal_says_so() {
    let app = mid_run();
    let terminal = terminal(&app, 40, 10);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("terminal too small"), "{screen}");
    assert!(screen.contains("(need 80×24, have"), "{screen}");
    assert!(screen.contains("40×10)"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn initializing_gpu_is_shown() {
    let mut app = app();
    app.on_event(Event::Initializing(Backend::Wgpu));
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("initializing GPU…"), "{screen}");
}

#[test]
fn failed_run_shows_why() {
    let mut app = mid_run();
    app.on_event(Event::State {
        run: 1,
        state: RunState::Failed("the GPU was lost".into()),
    });
    let screen = screen(&app, 100, 24);
    assert!(screen.contains("× FAILED"), "{screen}");
    assert!(screen.contains("run failed: the GPU was lost"), "{screen}");
}

#[test]
fn log_axis_and_smoothing_are_named_on_the_chart() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('m'));
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("Loss (log y, smoothed 0.9)"), "{screen}");
}

#[test]
fn no_size_panics() {
    let mut states = vec![app(), mid_run()];
    let mut help = mid_run();
    press(&mut help, KeyCode::Char('?'));
    states.push(help);
    let mut form = mid_run();
    press(&mut form, KeyCode::Tab);
    states.push(form);
    let mut long = mid_run();
    long.on_event(epochs(1, learning(13..=5000)));
    states.push(long);
    for app in &states {
        for width in (0..=130).step_by(7).chain([0, 1, 79, 80]) {
            for height in (0..=45).step_by(4).chain([0, 1, 23, 24]) {
                let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
                app.render(buffer.area, &mut buffer);
            }
        }
    }
    // Offset areas too: a frame's area need not start at the origin.
    let mut buffer = Buffer::empty(Rect::new(3, 2, 90, 30));
    (&states[1]).render(Rect::new(5, 4, 85, 26), &mut buffer);
}

#[test]
fn long_run_draws_from_bounded_history() {
    let mut app = mid_run();
    let m = (13..=200_000)
        .map(|e| metrics(e, 0.2 + 1.0 / e as f32, 0.21 + 1.0 / e as f32, 0.8))
        .collect();
    app.on_event(epochs(1, m));
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("epoch 200000/30"), "{screen}");
    assert!(
        screen.contains("200000"),
        "x axis reaches the last epoch:\n{screen}"
    );
}
