use super::fixtures::*;
use super::run::Problem;
use super::*;
use crate::report::epoch::Evaluation;
use crate::report::health::{Health, Outcome};
use crate::report::run::{RunId, RunInfo};
use crate::settings::{Backend, SweepSpec};
use crate::trainer::messages::{Event, SweepEvent};
use crossterm::event::{KeyEventState, KeyModifiers};
use screen::Message;
use std::path::Path;
use sweep_view::{SweepStatus, SweepView};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The commands among `effects`.
fn commands(effects: Vec<Effect>) -> Vec<Command> {
    effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::Send(command) => Some(command),
            Effect::Write(_) | Effect::Suspend | Effect::Mouse(_) => None,
        })
        .collect()
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    commands(app.on_key(key(code)))
}

fn char(app: &mut App, c: char) -> Vec<Command> {
    press(app, KeyCode::Char(c))
}

/// Presses `c` and carries out what it asks for as the event loop does, writing files into
/// `dir`; returns the commands.
fn char_in(app: &mut App, c: char, dir: &Path) -> Vec<Command> {
    let effects = app.on_key(key(KeyCode::Char(c)));
    let sent = std::cell::RefCell::new(Vec::new());
    crate::tui::event_loop::perform(
        app,
        effects,
        &|command| sent.borrow_mut().push(command),
        dir,
    );
    sent.into_inner()
}

fn started(lr_: f64) -> App {
    let mut app = app();
    app.on_event(Event::Started(info(
        1,
        RunSettings {
            lr: lr(lr_),
            ..settings()
        },
    )));
    app
}

#[test]
fn lr_keys_walk_the_ladder_live() {
    let mut app = started(1.4);
    assert_eq!(char(&mut app, '+'), [Command::SetLr(3.0)]);
    assert_eq!(app.next.settings.lr.get(), 3.0);
    assert_eq!(char(&mut app, '-'), [Command::SetLr(1.4)]);
    assert_eq!(char(&mut app, '-'), [Command::SetLr(1.0)]);

    let mut app = started(20.0);
    assert_eq!(char(&mut app, '='), [Command::SetLr(50.0)]);
    assert_eq!(app.next.settings.lr.get(), 50.0);

    let mut app = started(200.0);
    assert!(char(&mut app, '+').is_empty());
    assert_eq!(app.next.settings.lr.get(), 200.0);
    assert!(app.screen.message.is_some(), "tells why nothing happened");
}

#[test]
fn hidden_keys_restart_with_the_new_shape() {
    let mut app = started(0.1);
    let expected = RunSettings {
        hidden: hidden("32"),
        ..settings()
    };
    assert_eq!(char(&mut app, ']'), [Command::Restart(expected)]);
    assert_eq!(char(&mut app, '['), [Command::Restart(settings())]);

    // Only the first layer moves.
    let mut app = App::new(
        RunSettings {
            hidden: hidden("10,10"),
            ..settings()
        },
        PACE,
        data(),
        true,
    );
    assert_eq!(
        char(&mut app, '['),
        [Command::Restart(RunSettings {
            hidden: hidden("8,10"),
            ..settings()
        })]
    );
}

#[test]
fn run_keys_send_their_commands() {
    let mut app = started(0.1);
    assert_eq!(char(&mut app, ' '), [Command::Pause]);
    assert_eq!(
        app.current().map(super::run::RunView::state_word),
        Some("paused")
    );
    assert_eq!(char(&mut app, ' '), [Command::Resume]);
    assert_eq!(char(&mut app, 'n'), [Command::Step]);
    assert_eq!(char(&mut app, 's'), [Command::Stop]);
    assert_eq!(char(&mut app, 'r'), [Command::Restart(settings())]);
    assert_eq!(
        char(&mut app, 'p'),
        [Command::SetPace(Pace::PerSecond(100.0))]
    );
    assert_eq!(app.next.pace, Pace::PerSecond(100.0));
    app.on_event(epochs(1, learning(1..=7)));
    assert_eq!(char(&mut app, 'w'), [Command::ExportWeights]);
}

#[test]
fn space_on_a_finished_run_sends_nothing() {
    let mut app = started(0.1);
    app.on_event(Event::State {
        run: 1,
        state: RunState::Finished,
    });
    assert!(char(&mut app, ' ').is_empty());
    assert_eq!(
        app.current().map(super::run::RunView::state_word),
        Some("finished")
    );
}

#[test]
fn test_key_needs_a_test_split() {
    let mut app = started(0.1);
    assert!(char(&mut app, 't').is_empty());
    assert!(app.screen.message.as_ref().is_some_and(|m| m.error));

    let mut app = super::fixtures::app();
    app.on_event(Event::Started(RunInfo {
        test_rows: 90,
        ..info(1, settings())
    }));
    assert_eq!(char(&mut app, 't'), [Command::EvaluateTest]);
    app.on_event(Event::TestEvaluated {
        run: 1,
        epoch: 30,
        evaluation: Evaluation {
            loss: 0.2,
            accuracy: 0.8,
        },
    });
    assert_eq!(app.current().and_then(|r| r.test).map(|t| t.0), Some(30));
}

#[test]
fn view_keys_toggle_view_state_only() {
    let mut app = started(0.1);
    assert!(char(&mut app, 'l').is_empty());
    assert!(app.screen.chart.log_y);
    assert!(char(&mut app, 'm').is_empty());
    assert_eq!(app.screen.chart.smoothing.weight(), Some(0.6));
    assert!(char(&mut app, '?').is_empty());
    assert!(app.screen.help.is_some());
}

#[test]
fn esc_closes_help_then_form_then_quits() {
    let mut app = started(0.1);
    char(&mut app, '?');
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(app.screen.help.is_none());
    press(&mut app, KeyCode::Tab);
    assert!(app.screen.form.is_some());
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(app.screen.form.is_none());
    assert!(!app.should_quit());
    assert_eq!(press(&mut app, KeyCode::Esc), [Command::Shutdown]);
    assert!(app.should_quit());
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = started(0.1);
    assert_eq!(char(&mut app, 'q'), [Command::Shutdown]);
    assert!(app.should_quit());

    let mut app = started(0.1);
    char(&mut app, 'f');
    // In the form, q is text, but Ctrl-C still quits.
    assert!(char(&mut app, 'q').is_empty());
    assert!(!app.should_quit());
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(commands(app.on_key(ctrl_c)), [Command::Shutdown]);
    assert!(app.should_quit());
}

#[test]
fn key_releases_are_ignored() {
    let mut app = started(0.1);
    let release = KeyEvent {
        code: KeyCode::Char('q'),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Release,
        state: KeyEventState::NONE,
    };
    assert!(app.on_key(release).is_empty());
    assert!(!app.should_quit());
}

#[test]
fn form_never_applies_an_invalid_value() {
    let mut app = started(0.1);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    char(&mut app, '0');
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(app.screen.form.is_some(), "stays open to be fixed");
    assert_eq!(app.next.settings, settings());
    assert!(app.screen.message.as_ref().is_some_and(|m| m.error));
    // Leaving it applies nothing either.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.next.settings, settings());
    // The next time it opens from the settings again.
    press(&mut app, KeyCode::Tab);
    assert_eq!(
        app.screen.form.as_ref().map(|f| f.text(form::Field::Lr)),
        Some("0.1")
    );
}

#[test]
fn form_enter_applies_and_restarts() {
    let mut app = started(0.1);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    for c in "10,10".chars() {
        char(&mut app, c);
    }
    let expected = RunSettings {
        hidden: hidden("10,10"),
        ..settings()
    };
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Command::Restart(expected.clone())]
    );
    assert!(app.screen.form.is_none());
    // The settings shown are the trainer's: they change when the new run starts.
    assert_eq!(app.next.settings, settings());
    app.on_event(Event::Started(info(2, expected.clone())));
    assert_eq!(app.next.settings, expected);
}

#[test]
fn epochs_are_appended_to_their_run() {
    let mut app = started(0.1);
    app.on_event(epochs(1, learning(1..=5)));
    app.on_event(epochs(1, learning(6..=9)));
    // A message for a run not on screen changes nothing.
    app.on_event(epochs(7, learning(1..=3)));
    let run = app.current();
    assert_eq!(run.map(RunView::epoch), Some(9));
    assert_eq!(run.map(|r| r.history.kept()), Some(9));
    assert_eq!(run.and_then(RunView::problem), None);
}

#[test]
fn diagnosis_diverged_names_the_first_non_finite_epoch() {
    let mut app = started(20.0);
    let mut m = learning(1..=8);
    m[4].train_loss = f32::NAN;
    m[5].train_loss = f32::INFINITY;
    m[6].train_loss = f32::NAN;
    app.on_event(epochs(1, m));
    // A saturated output too, but divergence comes first.
    app.on_event(snapshot(1, 8, health(0, 0.0, 0.0)));
    let run = app.current();
    assert_eq!(
        run.and_then(RunView::problem),
        Some(Problem::Diverged { epoch: 5 })
    );
    assert_eq!(
        run.and_then(RunView::problem)
            .map(Problem::describe)
            .as_deref(),
        Some("DIVERGED at epoch 5")
    );
    assert_eq!(run.map(RunView::state_word), Some("diverged"));
}

#[test]
fn diagnosis_stalled_when_every_prediction_is_zero() {
    // The PyTorch run at lr 60, hidden 32: loss frozen at 0.393, 4/32 units dead.
    let mut app = started(60.0);
    let m = (1..=10).map(|e| metrics(e, 0.393, 0.393, 0.616)).collect();
    app.on_event(epochs(1, m));
    app.on_event(snapshot(
        1,
        10,
        Health {
            dead_units: 4,
            hidden_units: 32,
            min_pred: 0.0,
            max_pred: 0.0,
            live_rows: 0,
        },
    ));
    let run = app.current();
    assert_eq!(run.and_then(RunView::problem), Some(Problem::Saturated));
    assert_eq!(run.map(RunView::state_word), Some("stalled"));
    assert_eq!(run.and_then(RunView::dead_units), Some((4, 32)));

    // All ones is saturated too; predictions spread out are not.
    app.on_event(snapshot(1, 11, health(0, 0.9995, 1.0)));
    assert_eq!(
        app.current().and_then(RunView::problem),
        Some(Problem::Saturated)
    );
    // Every row saturated, some at 0 and some at 1 (the PyTorch run on our split freezes at
    // 0.331 this way): the gradient has vanished all the same.
    let both_ends = Health {
        live_rows: 0,
        ..health(0, 0.0, 1.0)
    };
    app.on_event(snapshot(1, 12, both_ends));
    assert_eq!(
        app.current().and_then(RunView::problem),
        Some(Problem::Saturated)
    );
    app.on_event(snapshot(1, 12, health(0, 0.01, 0.99)));
    assert_eq!(app.current().and_then(RunView::problem), None);
    assert_eq!(app.current().and_then(RunView::dead_units), None);
}

#[test]
fn diagnosis_diverging_when_loss_climbs_above_the_first() {
    let mut app = started(3.0);
    let m = [0.54, 0.50, 0.58, 0.61]
        .iter()
        .enumerate()
        .map(|(i, &l)| metrics(i + 1, l, l, 0.6))
        .collect();
    app.on_event(epochs(1, m));
    assert_eq!(
        app.current().and_then(RunView::problem),
        Some(Problem::Diverging)
    );
    assert_eq!(app.current().map(RunView::state_word), Some("running"));
}

#[test]
fn failed_run_and_trainer_messages() {
    let mut app = started(0.1);
    app.on_event(Event::State {
        run: 1,
        state: RunState::Failed("out of memory".into()),
    });
    assert_eq!(app.current().map(RunView::state_word), Some("failed"));
    app.on_event(Event::Error("could not save".into()));
    assert_eq!(
        app.screen.message,
        Some(Message {
            error: true,
            text: "could not save".into()
        })
    );
    app.on_event(Event::Notice("saved".into()));
    assert_eq!(app.screen.message.as_ref().map(|m| m.error), Some(false));
}

#[test]
fn initializing_lasts_until_the_run_starts() {
    let mut app = app();
    app.on_event(Event::Initializing(Backend::Wgpu));
    assert_eq!(app.reported.initializing, Some(Backend::Wgpu));
    app.on_event(Event::Started(info(1, settings())));
    assert_eq!(app.reported.initializing, None);
}

#[test]
fn run_list_keeps_the_latest_five() {
    let mut app = app();
    for id in 1..=8 {
        app.on_event(Event::Started(info(id, settings())));
        app.on_event(epochs(id, learning(1..=3)));
    }
    let ids: Vec<_> = app.reported.runs.iter().map(RunView::id).collect();
    assert_eq!(ids, [4, 5, 6, 7, 8]);
}

#[test]
fn lr_changes_are_recorded_and_bounded() {
    let mut app = started(0.1);
    app.on_event(Event::LrChanged {
        run: 1,
        epoch: 10,
        lr: 0.3,
    });
    assert_eq!(app.current().map(RunView::lr), Some(0.3));
    for epoch in 0..1000 {
        app.on_event(Event::LrChanged {
            run: 1,
            epoch,
            lr: 1.0,
        });
    }
    assert_eq!(
        app.current().map(|r| r.lr_changes.len()),
        Some(run::MAX_LR_CHANGES)
    );
}

#[test]
fn history_is_bounded_after_a_million_epochs() {
    let mut app = started(0.1);
    for chunk in 0..1000 {
        let first = chunk * 1000 + 1;
        let m = (first..first + 1000)
            .map(|e| metrics(e, 0.3, 0.3, 0.8))
            .collect();
        app.on_event(epochs(1, m));
    }
    let run = app.current();
    assert_eq!(run.map(RunView::epoch), Some(1_000_000));
    assert_eq!(run.map(|r| r.history.epochs_seen()), Some(1_000_000));
    assert!(run.is_some_and(|r| r.history.kept() <= history::RECENT_EPOCHS + history::FULL_POINTS));
}

#[test]
fn epochs_per_second_from_elapsed() {
    let mut app = started(0.1);
    app.on_event(epochs(1, learning(1..=10)));
    // 40 ms per epoch.
    let rate = app.current().and_then(RunView::epochs_per_second);
    assert!(rate.is_some_and(|r| (r - 25.0).abs() < 1e-9), "{rate:?}");
    // A pause of 5 s after epoch 10, then 40 ms per epoch again: still 25 epochs/s.
    let mut resumed = learning(11..=20);
    for m in &mut resumed {
        m.elapsed += std::time::Duration::from_secs(5);
    }
    app.on_event(epochs(1, resumed));
    let rate = app.current().and_then(RunView::epochs_per_second);
    assert!(rate.is_some_and(|r| (r - 25.0).abs() < 1e-9), "{rate:?}");
}

#[test]
fn export_writes_the_history_as_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = started(0.1);
    app.on_event(epochs(
        1,
        vec![metrics(1, 0.5, 0.25, 0.75), metrics(2, f32::NAN, 0.5, 0.5)],
    ));
    assert!(char_in(&mut app, 'e', dir.path()).is_empty());
    let text = std::fs::read_to_string(dir.path().join("nnfs-run1-history.csv")).expect("csv");
    assert_eq!(
        text,
        "epoch,train_loss,valid_loss,valid_accuracy,elapsed_ms\n1,0.5,0.25,0.75,40\n2,NaN,0.5,0.5,80\n"
    );
    let message = app.screen.message.clone().expect("a status line");
    assert!(!message.error);
    assert!(
        message.text.starts_with("exported 2 epochs to "),
        "{}",
        message.text
    );
}

#[test]
fn export_failure_is_a_message_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = started(0.1);
    app.on_event(epochs(1, learning(1..=2)));
    assert!(char_in(&mut app, 'e', &dir.path().join("no such directory")).is_empty());
    let message = app.screen.message.clone().expect("a status line");
    assert!(message.error);
    assert!(
        message.text.starts_with("cannot write "),
        "{}",
        message.text
    );
}

#[test]
fn keys_before_any_run_do_not_panic() {
    let mut app = app();
    for c in " nrtwe+-[]lmpLvTE".chars() {
        char(&mut app, c);
    }
    assert!(!app.should_quit());
}

#[test]
fn the_boundary_is_the_newest_runs_latest_map() {
    let mut app = planar_mid_run();
    let boundary = app.reported.boundary.as_ref().expect("a map");
    assert_eq!((boundary.run, boundary.epoch), (1, 12));
    assert_eq!((boundary.map.cols, boundary.map.rows), (96, 64));
    // A later map replaces it: one map is kept.
    app.on_event(snapshot_with_inputs(1, 20, health(0, 0.1, 0.9), 2));
    app.on_event(Event::Boundary {
        run: 1,
        map: circle_map(4, 3),
    });
    let boundary = app.reported.boundary.as_ref().expect("a map");
    assert_eq!((boundary.epoch, boundary.map.cols), (20, 4));
    // A new run starts without one; a late map of the old run is not taken.
    app.on_event(Event::Started(planar_info(2, planar_settings())));
    assert!(app.reported.boundary.is_none());
    app.on_event(Event::Boundary {
        run: 1,
        map: circle_map(4, 3),
    });
    assert!(app.reported.boundary.is_none());
    app.on_event(Event::Boundary {
        run: 2,
        map: circle_map(5, 3),
    });
    assert_eq!(
        app.reported.boundary.as_ref().map(|b| (b.run, b.epoch)),
        Some((2, 0))
    );
}

#[test]
fn sweep_key_asks_for_the_default_sweep() {
    let mut app = app();
    assert!(char(&mut app, 'L').is_empty(), "no run to sweep from yet");
    let mut app = started(0.1);
    let spec = sweep_view::spec(30);
    assert_eq!(
        (
            spec.range.from,
            spec.range.to,
            spec.steps.get(),
            spec.epochs.get()
        ),
        (0.01, 100.0, 12, 30)
    );
    assert_eq!(char(&mut app, 'L'), [Command::Sweep(spec)]);
    let long = RunSettings {
        epochs: count(100_000),
        ..settings()
    };
    let mut app = App::new(long.clone(), PACE, data(), true);
    app.on_event(Event::Started(info(1, long)));
    assert_eq!(
        char(&mut app, 'L'),
        [Command::Sweep(SweepSpec {
            epochs: count(500),
            ..spec
        })]
    );
}

#[test]
fn sweep_events_fill_one_sweep() {
    let mut app = started(0.1);
    // Before a sweep starts, points have nowhere to go.
    app.on_event(Event::Sweep(SweepEvent::Progress(sweep_point(
        0,
        0.01,
        0.4,
        Outcome::Learned,
    ))));
    assert!(app.reported.sweep.is_none());
    for event in sweep_events(&[0, 11, 4]) {
        app.on_event(event);
    }
    let sweep = app.shown_sweep().expect("shown");
    assert_eq!((sweep.done(), sweep.total(), sweep.epochs), (3, 12, 300));
    let indices: Vec<usize> = sweep.points.iter().map(|p| p.index).collect();
    assert_eq!(indices, [0, 4, 11], "ordered by lr");
    app.on_event(Event::Sweep(SweepEvent::Done(())));
    assert_eq!(
        app.reported.sweep.as_ref().map(|s| s.status.clone()),
        Some(SweepStatus::Done(()))
    );
    let message = app.screen.message.clone().expect("said");
    assert_eq!(message.text, "sweep done: stops learning at lr 100");

    // `v` hides and shows it; a new sweep replaces it and is shown.
    assert!(char(&mut app, 'v').is_empty());
    assert!(app.shown_sweep().is_none() && app.reported.sweep.is_some());
    for event in sweep_events(&[1]) {
        app.on_event(event);
    }
    assert_eq!(app.shown_sweep().map(SweepView::done), Some(1));
    app.on_event(Event::Sweep(SweepEvent::Failed("out of threads".into())));
    assert_eq!(
        app.reported.sweep.as_ref().map(|s| s.status.clone()),
        Some(SweepStatus::Failed("out of threads".into()))
    );
    assert!(app.screen.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn l_during_a_sweep_cancels_it() {
    let mut app = started(0.1);
    for event in sweep_events(&[0, 1]) {
        app.on_event(event);
    }
    app.screen.show_sweep = false;
    assert_eq!(char(&mut app, 'L'), [Command::CancelSweep]);
    assert!(app.screen.show_sweep, "the sweep being cancelled is shown");
    app.on_event(Event::Sweep(SweepEvent::Cancelled));
    let sweep = app.reported.sweep.as_ref().expect("kept");
    assert_eq!((&sweep.status, sweep.done()), (&SweepStatus::Cancelled, 2));
    assert_eq!(sweep.result(), None, "no verdict from a part of the rates");
    assert_eq!(
        app.screen.message.as_ref().map(|m| m.text.as_str()),
        Some("sweep cancelled after 2 of 12 rates")
    );
    // Once it has ended, L starts a new one.
    assert!(matches!(
        char(&mut app, 'L').as_slice(),
        [Command::Sweep(_)]
    ));
}

#[test]
fn v_without_a_sweep_says_how_to_start_one() {
    let mut app = started(0.1);
    assert!(char(&mut app, 'v').is_empty());
    assert_eq!(
        app.screen.message.map(|m| m.text).as_deref(),
        Some("no sweep or race yet: L or R starts one")
    );
}

/// Runs 1..=n started one after the other, each with a few epochs.
fn session(n: u64) -> App {
    let mut app = app();
    for id in 1..=n {
        let settings = RunSettings {
            lr: lr(0.1 * id as f64),
            batch_size: (id % 2 == 0).then_some(count(64)),
            ..settings()
        };
        app.on_event(Event::Started(info(id, settings)));
        app.on_event(epochs(id, learning(1..=usize::try_from(id).unwrap())));
    }
    app
}

#[test]
fn summaries_outlive_the_runs_histories() {
    let mut app = session(8);
    assert_eq!(app.reported.runs.len(), MAX_RUNS);
    assert_eq!(app.reported.summaries.len(), 8);
    let first = app.reported.summaries.get(1).expect("run 1 summarised");
    assert_eq!((first.epochs, first.state), (1, "stopped"));
    assert!((first.lr - 0.1).abs() < 1e-12);
    let last = app.reported.summaries.get(8).expect("run 8");
    assert_eq!((last.epochs, last.state), (8, "running"));
    assert_eq!(last.settings.batch_size, Some(count(64)));
    assert_eq!(last.wall, std::time::Duration::from_millis(320));
    // Later events about the current run reach its summary.
    app.on_event(Event::LrChanged {
        run: 8,
        epoch: 8,
        lr: 3.0,
    });
    app.on_event(Event::State {
        run: 8,
        state: RunState::Finished,
    });
    let last = app.reported.summaries.get(8).expect("run 8");
    assert_eq!((last.lr, last.state), (3.0, "finished"));
}

#[test]
fn summaries_are_bounded() {
    let mut app = app();
    for id in 1..=(runs::MAX_SUMMARIES as u64 + 5) {
        app.on_event(Event::Started(info(id, settings())));
    }
    assert_eq!(app.reported.summaries.len(), runs::MAX_SUMMARIES);
    assert_eq!(app.reported.summaries.at(0).map(|s| s.id), Some(6));
}

#[test]
fn run_table_selects_and_hides_curves() {
    let mut app = session(7);
    assert!(char(&mut app, 'T').is_empty());
    assert!(app.screen.table.shown);
    assert_eq!(app.selected_index(), Some(6), "the newest first");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.screen.table.selected, Some(5));
    press(&mut app, KeyCode::Enter);
    assert!(!app.curve_shown(5));
    assert!(app.curve_shown(4) && app.curve_shown(7));
    assert_eq!(
        app.screen.message.as_ref().map(|m| m.text.as_str()),
        Some("run #5's curve hidden")
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.curve_shown(5));
    press(&mut app, KeyCode::Enter);

    // Run 1 no longer has a curve: nothing to toggle.
    for _ in 0..10 {
        press(&mut app, KeyCode::Up);
    }
    assert_eq!(app.screen.table.selected, Some(1));
    press(&mut app, KeyCode::Enter);
    assert!(app.curve_shown(1));
    assert!(
        app.screen
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("has no curve"))
    );
    for _ in 0..10 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.screen.table.selected, Some(7));

    // Esc leaves the table first; the hidden curve stays hidden.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(!app.screen.table.shown && !app.should_quit());
    assert!(!app.curve_shown(5));
    // Outside the table the arrows and Enter do nothing.
    press(&mut app, KeyCode::Up);
    assert_eq!(app.screen.table.selected, Some(7));
}

#[test]
fn the_form_leaves_the_run_table() {
    let mut app = session(2);
    char(&mut app, 'T');
    press(&mut app, KeyCode::Tab);
    assert!(app.screen.form.is_some() && !app.screen.table.shown);
}

#[test]
fn export_all_runs_as_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = session(6);
    app.on_event(Event::Started(info(
        7,
        RunSettings {
            hidden: hidden("10,10"),
            ..settings()
        },
    )));
    app.on_event(epochs(7, vec![metrics(1, f32::NAN, 0.5, 0.25)]));
    assert!(char_in(&mut app, 'E', dir.path()).is_empty());
    let text = std::fs::read_to_string(dir.path().join("nnfs-runs.csv")).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(
        lines[0],
        "run,lr_start,lr,hidden,batch_size,data,seed,backend,epochs_done,epochs,train_loss,valid_loss,valid_accuracy,state,wall_ms"
    );
    let first = learning(1..=1)[0].clone();
    assert_eq!(
        lines[1],
        format!(
            "1,0.1,0.1,20,full,titanic,442,cpu,1,30,{},{},{},stopped,40",
            first.train_loss, first.valid_loss, first.valid_accuracy
        )
    );
    assert!(lines[2].starts_with("2,0.2,0.2,20,64,titanic,"), "{text}");
    assert_eq!(
        lines[7],
        "7,0.1,0.1,\"10,10\",full,titanic,442,cpu,1,30,NaN,0.5,0.25,diverged,40"
    );
    let message = app.screen.message.clone().expect("a status line");
    assert!(!message.error);
    assert!(
        message.text.starts_with("exported 7 runs to "),
        "{message:?}"
    );

    // Before the first epoch the figures are empty.
    app.on_event(Event::Started(info(8, settings())));
    let text = runs::csv(&app.reported.summaries).expect("csv");
    assert!(
        text.ends_with("8,0.1,0.1,20,full,titanic,442,cpu,0,30,,,,running,0\n"),
        "{text}"
    );
}

#[test]
fn export_runs_failure_is_a_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = session(1);
    char_in(&mut app, 'E', &dir.path().join("missing"));
    let message = app.screen.message.clone().expect("a status line");
    assert!(message.error && message.text.starts_with("cannot write "));
    let mut empty = super::fixtures::app();
    char(&mut empty, 'E');
    assert!(empty.screen.message.is_some_and(|m| !m.error));
}

#[test]
fn the_form_restarts_with_batch_size_and_data() {
    let mut app = started(0.1);
    press(&mut app, KeyCode::Tab);
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
    }
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "32".chars() {
        char(&mut app, c);
    }
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    let xor = crate::settings::Generated::new(crate::settings::Playground::Xor);
    let expected = RunSettings {
        batch_size: Some(count(32)),
        data: settings()
            .data
            .with_source(crate::settings::Source::Generated(xor)),
        ..settings()
    };
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Command::Restart(expected)]
    );
}

/// A dashboard started with `--init` saves it while the settings still start from it.
#[test]
fn c_names_the_init_file_while_runs_start_from_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let init = PathBuf::from("/weights/start.safetensors");
    let mut app = App::new(
        RunSettings {
            init: Some(init.clone()),
            ..settings()
        },
        PACE,
        data(),
        true,
    );
    // The trainer says which runs start from it.
    let mut saved_init = |id: RunId, from_init: bool| {
        app.on_event(Event::Started(RunInfo {
            from_init,
            ..info(id, settings())
        }));
        assert!(char_in(&mut app, 'c', dir.path()).is_empty());
        let path = dir.path().join(format!("nnfs-session-run{id}.toml"));
        crate::config::load(&path)
            .expect("loads")
            .init
            .map(|path| path.0)
    };
    assert_eq!(saved_init(1, true), Some(init.clone()));
    // A new learning rate still starts from it; another hidden size does not.
    assert_eq!(saved_init(2, true), Some(init));
    assert_eq!(saved_init(3, false), None);
}

#[test]
fn c_saves_the_session_for_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = started(0.3);
    assert!(char_in(&mut app, 'c', dir.path()).is_empty());
    let path = dir.path().join("nnfs-session-run1.toml");
    let saved = crate::config::load(&path).expect("a session file that loads");
    assert_eq!(saved.lr, Some(lr(0.3)));
    assert_eq!(saved.hidden, app.next.settings.hidden.clone());
    let message = app.screen.message.clone().expect("a status line");
    assert!(!message.error, "{}", message.text);
    assert!(
        message.text.starts_with("saved the settings to "),
        "{}",
        message.text
    );
}

/// `R` races what the form names (the update rules unless told), from the current run's
/// start; `R` again cancels it; `v` hides and shows its panel, and a sweep takes its place.
#[test]
fn r_races_the_forms_variants_and_cancels_them() {
    use crate::report::race::RaceLap;
    use crate::settings::Race;
    use crate::trainer::messages::{JobEvent, RacePlan};
    let mut app = started(0.1).racing(Some("loss=mae,bce".parse().unwrap()));
    let race: Race = "loss=mae,bce".parse().unwrap();
    assert_eq!(char(&mut app, 'R'), [Command::Race(race)]);
    let plan = RacePlan {
        names: vec!["loss=mae".into(), "loss=bce".into()],
        epochs: 30,
    };
    app.on_event(Event::Race(JobEvent::Started { run: 1, plan }));
    app.on_event(Event::Race(JobEvent::Progress(RaceLap {
        variant: 1,
        points: Vec::new(),
    })));
    assert!(app.shown_race().is_some());
    assert_eq!(char(&mut app, 'R'), [Command::CancelRace]);
    app.on_event(Event::Race(JobEvent::Cancelled));
    assert_eq!(
        app.screen.message.as_ref().map(|m| m.text.as_str()),
        Some("race cancelled at epoch 0")
    );
    assert!(char(&mut app, 'v').is_empty());
    assert!(app.shown_race().is_none());
    assert!(char(&mut app, 'v').is_empty());
    assert!(app.shown_race().is_some());
    for event in sweep_events(&[0]) {
        app.on_event(event);
    }
    assert!(app.shown_race().is_none() && app.shown_sweep().is_some());
    // Without a race named, R races the update rules.
    let mut untold = started(0.1);
    assert_eq!(
        char(&mut untold, 'R'),
        [Command::Race(Race::update_rules())]
    );
}
