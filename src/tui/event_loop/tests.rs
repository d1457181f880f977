//! The event loop on ratatui's `TestBackend`, with scripted keys and a stand-in trainer.

use super::*;
use crate::app::fixtures::{app, epochs, info, learning, settings};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::mpsc::channel;

/// Events, one per poll (`None`: nothing comes within the wait, as when no key is pressed);
/// then `q`, so that a test cannot hang.
/// Signals (the second queue) come once the events before them are used up; the count is of
/// suspensions.
/// The last field records what the loop asked of the mouse.
struct Script(VecDeque<Option<TermEvent>>, VecDeque<i32>, usize, Vec<bool>);

impl Script {
    fn keys(keys: &str) -> Self {
        let key = |c| {
            Some(TermEvent::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )))
        };
        Script(
            keys.chars().map(key).collect(),
            VecDeque::new(),
            0,
            Vec::new(),
        )
    }

    fn waits(n: usize) -> Self {
        Script(
            std::iter::repeat_n(None, n).collect(),
            VecDeque::new(),
            0,
            Vec::new(),
        )
    }
}

impl Input for Script {
    fn signal(&mut self) -> Option<i32> {
        if self.0.is_empty() {
            self.1.pop_front()
        } else {
            None
        }
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.2 += 1;
        Ok(())
    }

    fn mouse(&mut self, on: bool) -> std::io::Result<()> {
        self.3.push(on);
        Ok(())
    }

    fn next(&mut self, wait: Duration) -> std::io::Result<Option<TermEvent>> {
        let quit = TermEvent::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE));
        // `q` once both queues are used up.
        let last = if self.1.is_empty() { Some(quit) } else { None };
        let next = self.0.pop_front().unwrap_or(last);
        if next.is_none() {
            std::thread::sleep(wait);
        }
        Ok(next)
    }
}

/// The loop until `input` ends it, its commands to the trainer dropped.
fn run_ignoring_commands(
    terminal: &mut Terminal<TestBackend>,
    app: &mut App,
    events: &Receiver<Event>,
    input: &mut Script,
) {
    run(terminal, app, events, input, &|_| {}, Path::new("")).unwrap();
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    let cells: Vec<&str> = buffer
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    cells.chunks(width).map(|row| row.concat() + "\n").collect()
}

#[test]
fn keys_become_commands_and_the_trainers_events_reach_the_screen() {
    let (outbox, events) = channel();
    outbox.send(Event::Started(info(1, settings()))).unwrap();
    outbox.send(epochs(1, learning(1..=12))).unwrap();
    let sent = RefCell::new(Vec::new());
    let record = |command| sent.borrow_mut().push(command);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    let mut input = Script::keys(" +");
    input.0.extend([None, None]);
    run(
        &mut terminal,
        &mut app,
        &events,
        &mut input,
        &record,
        Path::new(""),
    )
    .unwrap();
    assert_eq!(
        sent.into_inner(),
        [Command::Pause, Command::SetLr(0.3), Command::Shutdown]
    );
    let text = screen(&terminal);
    assert!(text.contains("run #1 · epoch 12/30"), "{text}");
    assert!(text.contains("lr 0.1 → 0.3"), "{text}");
    drop(outbox);
}

#[test]
fn a_trainer_that_goes_away_is_told_on_screen() {
    let (outbox, events) = channel::<Event>();
    drop(outbox);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    // Two empty polls: the loop sees the disconnect and draws it before `q`.
    let mut input = Script::waits(2);
    run_ignoring_commands(&mut terminal, &mut app, &events, &mut input);
    let text = screen(&terminal);
    assert!(
        text.contains("error: the trainer stopped; q quits"),
        "{text}"
    );
}

#[test]
fn files_are_written_into_the_folder_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (outbox, events) = channel();
    outbox.send(Event::Started(info(1, settings()))).unwrap();
    outbox.send(epochs(1, learning(1..=3))).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    let mut input = Script::waits(2);
    input.0.extend(Script::keys("e").0);
    input.0.push_back(None);
    run(
        &mut terminal,
        &mut app,
        &events,
        &mut input,
        &|_| {},
        dir.path(),
    )
    .unwrap();
    let csv = std::fs::read_to_string(dir.path().join("nnfs-run1-history.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let text = screen(&terminal);
    assert!(text.contains("exported 3 epochs to "), "{text}");
    drop(outbox);
}

#[test]
fn a_signal_ends_the_session_as_q_does_and_ctrl_z_suspends() {
    let (outbox, events) = channel();
    outbox.send(Event::Started(info(1, settings()))).unwrap();
    let sent = RefCell::new(Vec::new());
    let record = |command| sent.borrow_mut().push(command);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    let ctrl_z = TermEvent::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    let mut input = Script::waits(1);
    input.0.push_back(Some(ctrl_z));
    input.0.push_back(None);
    input
        .1
        .extend([crate::signals::SIGTSTP, crate::signals::SIGTERM]);
    let ended = run(
        &mut terminal,
        &mut app,
        &events,
        &mut input,
        &record,
        Path::new(""),
    );
    assert_eq!(ended.unwrap(), Some(crate::signals::SIGTERM));
    assert_eq!(input.2, 2, "Ctrl-Z and SIGTSTP each suspend");
    assert!(app.should_quit());
    assert_eq!(sent.into_inner(), [Command::Shutdown]);
    drop(outbox);
}

/// A left click as crossterm reports it.
fn click(column: u16, row: u16) -> TermEvent {
    TermEvent::Mouse(crossterm::event::MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_click_lands_where_the_last_frame_drew_and_m_asks_for_the_mouse() {
    let (outbox, events) = channel();
    outbox.send(Event::Started(info(1, settings()))).unwrap();
    outbox.send(epochs(1, learning(1..=12))).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    // The tab bar is " 1 overview  2 dynamics  3 network ": column 26 is in "3 network".
    let mut input = Script::waits(2);
    input.0.extend([Some(click(26, 0)), None, None]);
    input.0.extend(Script::keys("M").0);
    input.0.extend([Some(click(13, 0)), None]);
    run_ignoring_commands(&mut terminal, &mut app, &events, &mut input);
    assert_eq!(app.screen.view, crate::app::dynamics::View::Network);
    assert_eq!(input.3, [false], "M gives the mouse back to the terminal");
    assert!(
        screen(&terminal).contains("Network"),
        "and the click after it did nothing"
    );
}
