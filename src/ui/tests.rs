//! Render tests: synthetic trainer events in, whole screens out (gitui's `TestBackend` + insta).

use crate::app::App;
use crate::app::fixtures::*;
use crate::report::health::Outcome;
use crate::report::run::RunState;
use crate::settings::{Backend, RunSettings};
use crate::trainer::messages::{Command, Event, SweepEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;

pub(super) fn terminal(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
    terminal
}

pub(super) fn text(buffer: &Buffer) -> String {
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

pub(super) fn press(app: &mut App, code: KeyCode) {
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
        evaluation: crate::report::epoch::Evaluation {
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
    app.screen.color = false;
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
    // At 80 × 24 the keys take two pages (→ turns); on a large terminal, two columns.
    let first = terminal(&app, 80, 24);
    press(&mut app, KeyCode::Right);
    let second = terminal(&app, 80, 24);
    let large = terminal(&app, 200, 50);
    let pages = text(first.backend().buffer()) + &text(second.backend().buffer());
    let wide = text(large.backend().buffer());
    for screen in [&pages, &wide] {
        for key in [
            "space",
            "+ =  -",
            "]  [",
            "Tab f",
            "Ctrl-C",
            "Enter / Esc",
            "F  A  P",
        ] {
            assert!(screen.contains(key), "{key} missing:\n{screen}");
        }
        for (_, what) in crate::app::keys::help() {
            assert!(screen.contains(&what), "{what} missing:\n{screen}");
        }
    }
    assert_snapshot!(first.backend());
    assert_snapshot!("help_overlay_second_page", second.backend());
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
    assert!(screen.contains("✗ expected a whole number of"), "{screen}");
    assert!(screen.contains("Settings — editing"), "{screen}");
    assert_snapshot!(terminal.backend());
}

/// The form's fields for the method and the features, being edited; then the summary's one
/// line for them once a run has them.
#[test]
fn form_with_the_methods_fields() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Tab);
    let retype = |app: &mut App, downs: usize, text: &str| {
        for _ in 0..downs {
            press(app, KeyCode::Down);
        }
        for _ in 0..20 {
            press(app, KeyCode::Backspace);
        }
        for c in text.chars() {
            press(app, KeyCode::Char(c));
        }
    };
    retype(&mut app, 9, "tanh");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    retype(&mut app, 1, "momentum 0.5");
    retype(&mut app, 1, "l2 0.01");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    let terminal = terminal(&app, 80, 24);
    let shown = text(terminal.backend().buffer());
    assert!(shown.contains("▶ loss            mse▏ ←→ picks"), "{shown}");
    assert_snapshot!(terminal.backend());

    let effects = app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let Some(crate::app::Effect::Send(Command::Restart(settings))) = effects.last() else {
        panic!("{effects:?}")
    };
    app.on_event(Event::Started(info(2, settings.clone())));
    let shown = screen(&app, 160, 40);
    assert!(
        shown.contains("method          tanh · mse · momentum 0.5 · l2 0.01"),
        "{shown}"
    );
}

#[test]
fn diverged_run_with_an_earlier_run_and_lr_change() {
    let mut app = app();
    // Run 1 at lr 1.4 learns; run 2 at lr 20 climbs and then goes NaN after a live change.
    app.on_event(Event::Started(info(
        1,
        RunSettings {
            lr: lr(1.4),
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
        RunSettings {
            lr: lr(20.0),
            ..settings()
        },
    )));
    let m: Vec<_> = (1..=20)
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
    let events = found(2, &m, None);
    app.on_event(epochs(2, m));
    app.on_event(events);
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
        RunSettings {
            lr: lr(60.0),
            hidden: hidden("32"),
            ..settings()
        },
    )));
    let m: Vec<_> = (1..=10)
        .map(|e| metrics(e, if e < 3 { 0.5 } else { 0.393 }, 0.393, 0.616))
        .collect();
    let health = crate::report::health::Health {
        dead_units: 4,
        hidden_units: 32,
        min_pred: 0.0,
        max_pred: 0.0,
        live_rows: 0,
    };
    let events = found(1, &m, Some(&health));
    app.on_event(epochs(1, m));
    app.on_event(snapshot(1, 10, health));
    app.on_event(events);
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
    states.push(planar_mid_run());
    let mut planar_plain = planar_mid_run();
    planar_plain.screen.color = false;
    states.push(planar_plain);
    states.push(with_sweep(mid_run(), &[0, 4, 11], false));
    let all: Vec<usize> = (0..12).collect();
    states.push(with_sweep(planar_mid_run(), &all, true));
    states.push(run_table_app());
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

fn assert_no_colour(buffer: &Buffer) {
    for cell in &buffer.content {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "NO_COLOR screen uses a colour: {cell:?}"
        );
    }
}

#[test]
fn two_features_show_the_decision_boundary() {
    let app = planar_mid_run();
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("Decision boundary (epoch 12)"), "{screen}");
    assert!(screen.contains("class 0"), "{screen}");
    assert!(screen.contains("data            circle"), "{screen}");
    // The heat map, sure of each class somewhere.
    let cells = &terminal.backend().buffer().content;
    for colour in [Color::Indexed(33), Color::Indexed(208)] {
        assert!(cells.iter().any(|c| c.fg == colour || c.bg == colour));
    }
    assert_snapshot!(terminal.backend());
}

#[test]
fn two_features_large_has_boundary_and_weights() {
    let app = planar_mid_run();
    let terminal = terminal(&app, 120, 40);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("Decision boundary (epoch 12)"), "{screen}");
    assert!(screen.contains("wt_hidden 2×4"), "{screen}");
    assert!(screen.contains("bias_output"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn two_features_without_colour() {
    let mut app = planar_mid_run();
    app.screen.color = false;
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    assert_no_colour(buffer);
    let screen = text(buffer);
    assert!(screen.contains("o class 0  x class 1"), "{screen}");
    assert!(screen.contains('█') && screen.contains('x'), "{screen}");
}

#[test]
fn two_features_before_the_first_map() {
    let mut app = App::new(planar_settings(), PACE, planar_data(), true);
    app.on_event(Event::Started(planar_info(1, planar_settings())));
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("Decision boundary"), "{screen}");
    assert!(screen.contains("no prediction yet"), "{screen}");
}

fn with_sweep(mut app: App, done: &[usize], finished: bool) -> App {
    for event in sweep_events(done) {
        app.on_event(event);
    }
    if finished {
        app.on_event(Event::Sweep(SweepEvent::Done(())));
    }
    app
}

#[test]
fn sweep_in_progress() {
    let app = with_sweep(mid_run(), &[0, 3, 5, 8, 11], false);
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("Learning-rate sweep"), "{screen}");
    assert!(screen.contains("5/12 done"), "{screen}");
    assert!(!screen.contains("stops learning"), "{screen}");
    for mark in ["●", "○", "×", "0.01", "100"] {
        assert!(screen.contains(mark), "{mark} missing:\n{screen}");
    }
    assert!(!screen.contains("Accuracy"), "the sweep takes its place");
    assert_snapshot!(terminal.backend());
}

#[test]
fn sweep_done_says_where_learning_stops() {
    let all: Vec<usize> = (0..12).collect();
    let app = with_sweep(mid_run(), &all, true);
    let terminal = terminal(&app, 100, 30);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("12/12 done"), "{screen}");
    assert!(screen.contains("stops learning at lr 8.11"), "{screen}");
    for label in ["0.01", "0.1", "1", "10", "100"] {
        assert!(screen.contains(label), "{label} missing:\n{screen}");
    }
    assert_snapshot!(terminal.backend());
}

#[test]
fn sweep_cancelled_keeps_its_points_without_a_verdict() {
    let mut app = with_sweep(mid_run(), &[0, 1, 2], false);
    app.on_event(Event::Sweep(SweepEvent::Cancelled));
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("3/12 done · cancelled"), "{screen}");
    assert!(screen.contains("●"), "{screen}");
    assert!(!screen.contains("stops learning"), "{screen}");
}

#[test]
fn sweep_without_colour_tells_outcomes_by_marker() {
    let all: Vec<usize> = (0..12).collect();
    let mut app = with_sweep(mid_run(), &all, true);
    app.screen.color = false;
    let terminal = terminal(&app, 100, 30);
    let buffer = terminal.backend().buffer();
    assert_no_colour(buffer);
    let screen = text(buffer);
    for legend in ["● learned", "× diverged", "○ stuck"] {
        assert!(screen.contains(legend), "{legend} missing:\n{screen}");
    }
}

#[test]
fn sweep_with_only_non_finite_losses_draws() {
    let mut app = mid_run();
    for event in sweep_events(&[]) {
        app.on_event(event);
    }
    for (i, loss) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30]
        .into_iter()
        .enumerate()
    {
        let mut point = sweep_point(
            i,
            10f64.powi(i32::try_from(i).unwrap()),
            loss,
            Outcome::Diverged,
        );
        point.first_loss = f32::NAN;
        app.on_event(Event::Sweep(SweepEvent::Progress(point)));
    }
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("4/12 done"), "{screen}");
    assert!(screen.contains('×'), "{screen}");
}

#[test]
fn v_hides_the_sweep_panel() {
    let mut app = with_sweep(mid_run(), &[0], false);
    press(&mut app, KeyCode::Char('v'));
    let screen = screen(&app, 80, 24);
    assert!(!screen.contains("Learning-rate sweep"), "{screen}");
    assert!(screen.contains("Accuracy"), "{screen}");
}

/// Seven runs (two without curves any more), run 5's curve hidden, run 6 selected.
fn run_table_app() -> App {
    let mut app = app();
    for id in 1..=7u64 {
        let settings = RunSettings {
            lr: lr([0.1, 0.3, 1.0, 1.4, 3.0, 10.0, 20.0][usize::try_from(id).unwrap() - 1]),
            hidden: if id == 3 {
                hidden("10,10")
            } else {
                hidden("20")
            },
            batch_size: (id == 4).then_some(count(64)),
            ..settings()
        };
        app.on_event(Event::Started(info(id, settings)));
        let scale = 1.0 + id as f32 * 0.05;
        let m = learning(1..=(10 + usize::try_from(id).unwrap() * 3))
            .into_iter()
            .map(|mut m| {
                m.train_loss *= scale;
                m.valid_loss *= scale;
                m
            })
            .collect();
        app.on_event(epochs(id, m));
        if id == 2 {
            app.on_event(Event::State {
                run: 2,
                state: RunState::Finished,
            });
        }
    }
    press(&mut app, KeyCode::Char('T'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    app
}

#[test]
fn run_table_lists_every_run() {
    let app = run_table_app();
    let terminal = terminal(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("Runs (7)"), "{screen}");
    assert!(screen.contains("#7"), "{screen}");
    assert!(screen.contains("▶● #6"), "{screen}");
    assert!(screen.contains(" ○ #5"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn run_table_large_shows_all_runs() {
    let app = run_table_app();
    let terminal = terminal(&app, 120, 40);
    let screen = text(terminal.backend().buffer());
    for id in 1..=7 {
        assert!(
            screen.contains(&format!("#{id} ")),
            "#{id} missing:\n{screen}"
        );
    }
    assert!(screen.contains("10,10"), "{screen}");
    assert!(screen.contains("   64"), "{screen}");
    assert!(screen.contains("finished"), "{screen}");
    assert_snapshot!(terminal.backend());
}

#[test]
fn hidden_curves_are_not_drawn() {
    let app = run_table_app();
    let shown = screen(&app, 120, 40);
    assert!(shown.contains("dim: #6 lr 10 h 20 · #4"), "{shown}");
    assert!(!shown.contains("#5 lr 3"), "run 5 is hidden:\n{shown}");

    // Hiding the current run too leaves its curve out, and says so.
    let mut app = run_table_app();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let hidden = screen(&app, 120, 40);
    assert!(
        hidden.contains("#7 lr 20 hidden 20: curve hidden"),
        "{hidden}"
    );
    assert!(!hidden.contains("⠒⠒ train"), "{hidden}");
    // Everything hidden: an empty chart, no panic.
    for ups in [1, 2, 1] {
        for _ in 0..ups {
            press(&mut app, KeyCode::Up);
        }
        press(&mut app, KeyCode::Enter);
    }
    assert!((3..=7).all(|id| !app.curve_shown(id)));
    let none = screen(&app, 120, 40);
    assert!(!none.contains("dim:"), "{none}");
}

#[test]
fn form_shows_batch_size_and_data() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Tab);
    for _ in 0..7 {
        press(&mut app, KeyCode::Down);
    }
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "ring".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("batch size      full"), "{screen}");
    assert!(screen.contains("▶ data            ring"), "{screen}");
    assert!(screen.contains("✗ expected start, circle, xor"), "{screen}");
}

/// The tutorial's run trained for real (Titanic, seed 442) at `lr` for `epochs` epochs, every
/// epoch's gradient statistics and the step slice fed to the dashboard as the trainer sends
/// them; with `finder`, the learning-rate finder's steps and result too.
fn trained(lr: f64, epochs: usize, finder: bool) -> App {
    use crate::model::data::DeviceData;
    use crate::model::finder::lr_find;
    use crate::model::network::init_coeffs;
    use crate::model::run::Run;
    use crate::model::run::Watch;
    use crate::settings::FinderSpec;
    use crate::trainer::messages::FinderEvent;
    let splits = crate::data::load(&crate::settings::DataSpec::default()).expect("titanic");
    let device = burn::tensor::Device::flex();
    let make = || {
        let coeffs = init_coeffs(splits.features().len(), &[20], 442, &device);
        Run::new(coeffs, DeviceData::new(&splits, &device), lr)
    };
    let mut run = make();
    run.watch = Watch::Every;
    let settings = RunSettings {
        lr: crate::app::fixtures::lr(lr),
        epochs: count(1000),
        ..settings()
    };
    let mut app = App::new(settings.clone(), PACE, data(), true);
    app.on_event(Event::Started(info(1, settings)));
    // The trainer sends a snapshot, and with it a slice, as a run starts.
    let slice = run.step_slice().expect("slice");
    app.on_event(Event::Slice { run: 1, slice });
    // Events found and explained as the trainer does, one epoch per read-back (a paced run).
    let mut explainer = crate::model::explain::Explainer::new();
    for _ in 0..epochs {
        explainer.mark(&run);
        // At 40 ms per epoch, so that the screen does not depend on this machine's speed.
        let metrics: Vec<_> = run
            .steps(1)
            .expect("epochs")
            .into_iter()
            .map(|m| crate::report::epoch::EpochMetrics {
                elapsed: std::time::Duration::from_millis(40 * m.epoch as u64),
                ..m
            })
            .collect();
        let events = explainer.epochs(&run, &metrics);
        app.on_event(Event::Epochs { run: 1, metrics });
        if !events.is_empty() {
            app.on_event(Event::Training { run: 1, events });
        }
    }
    let slice = run.step_slice().expect("slice");
    app.on_event(Event::Slice { run: 1, slice });
    if finder {
        let spec = FinderSpec::default();
        app.on_event(Event::Finder(FinderEvent::Started { run: 1, plan: spec }));
        let mut steps = Vec::new();
        let found = lr_find(&mut make(), &spec, &|| false, |s| steps.push(*s)).expect("finder");
        for step in steps {
            app.on_event(Event::Finder(FinderEvent::Progress(step)));
        }
        app.on_event(Event::Finder(FinderEvent::Done(found)));
    }
    press(&mut app, KeyCode::Char('2'));
    app
}

#[test]
fn dynamics_view_at_lr_1_4() {
    let app = trained(1.4, 40, false);
    let screen = screen(&app, 120, 36);
    assert!(screen.contains("Update:data ratio"), "{screen}");
    assert!(screen.contains("wt_hidden"), "{screen}");
    assert!(screen.contains("lr 1.40 undershoots"), "{screen}");
    assert_snapshot!(terminal(&app, 120, 36).backend());
}

#[test]
fn dynamics_view_at_lr_20_explains_the_overshoot() {
    let mut app = trained(20.0, 2, false);
    // After epoch 2 the next step at lr 20 lands at 0.391: PyTorch's epoch-4 loss.
    let screen = screen(&app, 120, 36);
    assert!(
        screen.contains("lr 20.0 overshoots: lands at 0.391, best 0.204")
            && screen.contains("at t = 2.50"),
        "{screen}"
    );
    // The loss that rose at epoch 4 is an event, marked and explained.
    let mut run = trained(20.0, 6, false);
    let text = run
        .screen
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        text.starts_with(
            "the training loss rose from 0.245 to 0.391 at epoch 4: the step went too far; try lr ≈"
        ),
        "{text}"
    );
    press(&mut run, KeyCode::Left);
    press(&mut run, KeyCode::Left);
    let reading = run.cursor_reading().unwrap_or_default();
    assert!(reading.starts_with("epoch 4 · train 0.391"), "{reading}");
    assert!(reading.contains("ratio wt_hidden 1.07"), "{reading}");
    press(&mut app, KeyCode::Char('1'));
    assert_snapshot!(
        "dynamics_view_at_lr_20",
        terminal(&trained(20.0, 2, false), 120, 36).backend()
    );
    press(&mut run, KeyCode::Char('1'));
    assert_snapshot!(
        "overview_at_lr_20_with_cursor_and_event",
        terminal(&run, 120, 36).backend()
    );
}

#[test]
fn the_finders_plot_names_fastais_suggestions() {
    let app = trained(1.4, 5, true);
    let screen = screen(&app, 120, 36);
    assert!(
        screen.contains("valley 1.23 · steep 2.85 · min/10 49.8"),
        "{screen}"
    );
    assert_snapshot!(terminal(&app, 120, 36).backend());
}

/// A race at its end, trained for real: the update rules from the tutorial's start at lr 0.1
/// for 30 epochs each, lettered on the loss chart and in the panel, Adam ahead.
#[test]
fn a_race_at_its_end() {
    use crate::settings::{DataSpec, Race};
    use crate::trainer::messages::{JobEvent, RacePlan};
    let mut app = mid_run();
    let splits = crate::data::load(&DataSpec::default()).unwrap();
    let weights = crate::model::network::init_weights(12, &[20], 442);
    let race: Race = "optimizer=sgd,momentum,adam".parse().unwrap();
    let names = race.variants().iter().map(|v| v.name()).collect();
    let plan = RacePlan { names, epochs: 30 };
    app.on_event(Event::Race(JobEvent::Started { run: 1, plan }));
    let variants = race.runs(&RunSettings::tutorial());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut laps = Vec::new();
    let finishes = crate::model::race::race(&splits, &weights, &variants, 30, &stop, |lap| {
        laps.push(lap);
    })
    .unwrap();
    for lap in laps {
        app.on_event(Event::Race(JobEvent::Progress(lap)));
    }
    app.on_event(Event::Race(JobEvent::Done(finishes)));
    let message = app.screen.message.as_ref().map(|m| m.text.clone());
    assert_eq!(
        message.as_deref(),
        Some("race done: optimizer=adam ends with the best validation accuracy, 77.5 %")
    );
    let terminal = terminal(&app, 100, 30);
    let shown = text(terminal.backend().buffer());
    assert!(
        shown.contains("race optimizer: a sgd  b momentum  c adam"),
        "{shown}"
    );
    assert!(
        shown.contains("Race from run #1's start · epoch 30/30"),
        "{shown}"
    );
    assert_snapshot!(terminal.backend());
}
