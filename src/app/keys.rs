//! The dashboard's keys, every one of them in one table ([`KEYMAP`]): which key does what in
//! which [`Mode`] (the overlay or view that reads keys first), and the `?` overlay's rows
//! ([`help`]), made from the same table and from the ladders the keys step along. The settings
//! form reads its own keys while it is open (typing goes into its fields).

use super::history::SMOOTHING_WEIGHTS;
use super::ladder::{HIDDEN_LADDER, LR_LADDER, PACES};
use crate::settings::SweepSpec;
use crossterm::event::KeyCode;

/// Who reads a key first: the help overlay, or the events', has every key while it is open;
/// otherwise the run
/// table (while shown), the network view (while on), the chart cursor, then the main keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Help,
    Events,
    RunTable,
    Network,
    Walk,
    Chart,
    Main,
}

/// Where a chart cursor key moves the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    Back,
    Forward,
    First,
    /// Drops the cursor.
    Off,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pause,
    Step,
    Stop,
    Restart,
    LrUp,
    LrDown,
    HiddenUp,
    HiddenDown,
    Pace,
    Test,
    Sweep,
    Race,
    SaveWeights,
    SaveSession,
    ExportHistory,
    ExportRuns,
    LogY,
    Smoothing,
    SweepPanel,
    RunTable,
    Help,
    Form,
    Quit,
    Overview,
    Dynamics,
    Network,
    Walk,
    Play,
    Mouse,
    Zoom,
    FindLr,
    Adopt,
    PauseOnEvent,
    /// The run's events, each explained, in an overlay (and closing it).
    Events,
    CloseEvents,
    /// The help overlay: close it, or turn to page 0 or 1.
    CloseHelp,
    HelpPage(usize),
    /// The run table: close it, select the run above (`false`) or below, show or hide the
    /// selected run's curve.
    CloseTable,
    SelectRun(bool),
    ToggleCurve,
    /// The network view: the unit `n` places on from the inspected one.
    Unit(isize),
    /// The walk view: the next function of the epoch (the run pauses).
    WalkStep,
    /// The walk view: the input `n` places on, whose weight is worked by hand.
    WalkInput(isize),
    /// The chart cursor.
    Cursor(CursorMove),
}

/// Every key: its mode, what it does, and the keys that do it. `Ctrl-C` quits anywhere and
/// `Ctrl-Z` suspends.
pub const KEYMAP: &[(Mode, Action, &[KeyCode])] = &[
    (Mode::Main, Action::Pause, &[KeyCode::Char(' ')]),
    (Mode::Main, Action::Step, &[KeyCode::Char('n')]),
    (Mode::Main, Action::Stop, &[KeyCode::Char('s')]),
    (Mode::Main, Action::Restart, &[KeyCode::Char('r')]),
    (
        Mode::Main,
        Action::LrUp,
        &[KeyCode::Char('+'), KeyCode::Char('=')],
    ),
    (Mode::Main, Action::LrDown, &[KeyCode::Char('-')]),
    (Mode::Main, Action::HiddenUp, &[KeyCode::Char(']')]),
    (Mode::Main, Action::HiddenDown, &[KeyCode::Char('[')]),
    (Mode::Main, Action::Pace, &[KeyCode::Char('p')]),
    (Mode::Main, Action::Test, &[KeyCode::Char('t')]),
    (Mode::Main, Action::Sweep, &[KeyCode::Char('L')]),
    (Mode::Main, Action::Race, &[KeyCode::Char('R')]),
    (Mode::Main, Action::SaveWeights, &[KeyCode::Char('w')]),
    (Mode::Main, Action::SaveSession, &[KeyCode::Char('c')]),
    (Mode::Main, Action::ExportHistory, &[KeyCode::Char('e')]),
    (Mode::Main, Action::ExportRuns, &[KeyCode::Char('E')]),
    (Mode::Main, Action::LogY, &[KeyCode::Char('l')]),
    (Mode::Main, Action::Smoothing, &[KeyCode::Char('m')]),
    (Mode::Main, Action::SweepPanel, &[KeyCode::Char('v')]),
    (Mode::Main, Action::RunTable, &[KeyCode::Char('T')]),
    (Mode::Main, Action::Help, &[KeyCode::Char('?')]),
    (
        Mode::Main,
        Action::Form,
        &[KeyCode::Tab, KeyCode::Char('f')],
    ),
    (
        Mode::Main,
        Action::Quit,
        &[KeyCode::Char('q'), KeyCode::Esc],
    ),
    (Mode::Main, Action::Overview, &[KeyCode::Char('1')]),
    (Mode::Main, Action::Dynamics, &[KeyCode::Char('2')]),
    (Mode::Main, Action::Network, &[KeyCode::Char('3')]),
    (Mode::Main, Action::Walk, &[KeyCode::Char('4')]),
    (Mode::Main, Action::Mouse, &[KeyCode::Char('M')]),
    (Mode::Main, Action::Zoom, &[KeyCode::Char('z')]),
    (Mode::Main, Action::Play, &[KeyCode::Char('b')]),
    (Mode::Main, Action::FindLr, &[KeyCode::Char('F')]),
    (Mode::Main, Action::Adopt, &[KeyCode::Char('A')]),
    (Mode::Main, Action::PauseOnEvent, &[KeyCode::Char('P')]),
    (Mode::Main, Action::Events, &[KeyCode::Char('i')]),
    (
        Mode::Events,
        Action::CloseEvents,
        &[KeyCode::Esc, KeyCode::Char('i')],
    ),
    (Mode::Events, Action::Quit, &[KeyCode::Char('q')]),
    (
        Mode::Help,
        Action::CloseHelp,
        &[KeyCode::Esc, KeyCode::Char('?')],
    ),
    (
        Mode::Help,
        Action::HelpPage(1),
        &[KeyCode::Right, KeyCode::PageDown, KeyCode::Char(' ')],
    ),
    (
        Mode::Help,
        Action::HelpPage(0),
        &[KeyCode::Left, KeyCode::PageUp],
    ),
    (Mode::Help, Action::Quit, &[KeyCode::Char('q')]),
    (Mode::RunTable, Action::CloseTable, &[KeyCode::Esc]),
    (Mode::RunTable, Action::SelectRun(false), &[KeyCode::Up]),
    (Mode::RunTable, Action::SelectRun(true), &[KeyCode::Down]),
    (Mode::RunTable, Action::ToggleCurve, &[KeyCode::Enter]),
    (Mode::Network, Action::Unit(-1), &[KeyCode::Up]),
    (Mode::Network, Action::Unit(1), &[KeyCode::Down]),
    (Mode::Network, Action::Unit(-10), &[KeyCode::PageUp]),
    (Mode::Network, Action::Unit(10), &[KeyCode::PageDown]),
    (Mode::Walk, Action::WalkStep, &[KeyCode::Char('n')]),
    (Mode::Walk, Action::Unit(-1), &[KeyCode::Up]),
    (Mode::Walk, Action::Unit(1), &[KeyCode::Down]),
    (Mode::Walk, Action::WalkInput(-1), &[KeyCode::Char(',')]),
    (Mode::Walk, Action::WalkInput(1), &[KeyCode::Char('.')]),
    (
        Mode::Chart,
        Action::Cursor(CursorMove::Back),
        &[KeyCode::Left],
    ),
    (
        Mode::Chart,
        Action::Cursor(CursorMove::Forward),
        &[KeyCode::Right],
    ),
    (
        Mode::Chart,
        Action::Cursor(CursorMove::First),
        &[KeyCode::Home],
    ),
    (
        Mode::Chart,
        Action::Cursor(CursorMove::Off),
        &[KeyCode::End],
    ),
];

/// The action of `code` in `mode`.
pub fn action(mode: Mode, code: KeyCode) -> Option<Action> {
    KEYMAP
        .iter()
        .find(|(m, _, keys)| *m == mode && keys.contains(&code))
        .map(|&(_, action, _)| action)
}

/// How a key is written in the help.
fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    }
}

/// `codes` as the help writes them, one space apart; `←` and `→` side by side as `←→`.
fn names(codes: &[KeyCode]) -> String {
    let mut text = String::new();
    for (i, &code) in codes.iter().enumerate() {
        let pair = i > 0 && codes[i - 1] == KeyCode::Left && code == KeyCode::Right;
        if i > 0 && !pair {
            text.push(' ');
        }
        text.push_str(&key_name(code));
    }
    text
}

/// The main keys of `actions` as the help writes them: `+ =  -`.
fn keys(actions: &[Action]) -> String {
    let of = |action: &Action| {
        let codes = KEYMAP
            .iter()
            .find(|(mode, a, _)| *mode == Mode::Main && a == action)
            .map_or(&[][..], |(_, _, codes)| codes);
        names(codes)
    };
    let keys: Vec<String> = actions.iter().map(of).collect();
    keys.join("  ")
}

/// Every key of `mode`, in the keymap's order: `↑ ↓ PgUp PgDn`.
fn mode_keys(mode: Mode) -> String {
    let codes: Vec<KeyCode> = KEYMAP
        .iter()
        .filter(|(m, _, _)| *m == mode)
        .flat_map(|(_, _, codes)| codes.iter().copied())
        .collect();
    names(&codes)
}

fn list<T: ToString>(values: &[T]) -> String {
    let values: Vec<String> = values.iter().map(ToString::to_string).collect();
    values.join(", ")
}

/// The `?` overlay's rows, `(keys, what they do)`; a row with empty keys is a heading. The
/// keys come from [`KEYMAP`], the ladders from the ladders themselves.
pub fn help() -> Vec<(String, String)> {
    let mut rows = training_help();
    rows.extend(view_help());
    rows
}

/// A heading row of the help.
fn heading(text: &str) -> (String, String) {
    (String::new(), text.to_string())
}

/// The main keys of `actions`, and what they do.
fn row(actions: &[Action], text: &str) -> (String, String) {
    (keys(actions), text.to_string())
}

/// The help's rows about training: the run, its rate and size, the jobs beside it, files.
fn training_help() -> Vec<(String, String)> {
    use Action::{
        ExportHistory, ExportRuns, HiddenDown, HiddenUp, LrDown, LrUp, Pace, Pause, Race, Restart,
        SaveSession, SaveWeights, Step, Stop, Sweep, Test,
    };
    let (lr_low, lr_high) = (LR_LADDER[0], LR_LADDER[LR_LADDER.len() - 1]);
    let (h_low, h_high) = (HIDDEN_LADDER[0], HIDDEN_LADDER[HIDDEN_LADDER.len() - 1]);
    let range = SweepSpec::DEFAULT_RANGE;
    vec![
        heading("Training"),
        row(&[Pause], "pause / resume"),
        row(&[Step], "train one epoch, then pause"),
        row(&[Stop], "stop the run (it stays on the chart)"),
        row(&[Restart], "restart with the current settings"),
        row(
            &[LrUp, LrDown],
            &format!("learning rate up / down, {lr_low} … {lr_high} (live)"),
        ),
        row(
            &[HiddenUp, HiddenDown],
            &format!("first hidden layer bigger / smaller, {h_low} … {h_high} (restarts)"),
        ),
        row(&[Pace], &format!("pace: {} epochs/s, max", list(&PACES))),
        row(&[Test], "evaluate the test set"),
        row(
            &[Sweep],
            &format!(
                "sweep lr {}…{} from the run's start / cancel it",
                range.from, range.to
            ),
        ),
        row(
            &[Race],
            "race the form's variants from the run's start / cancel it",
        ),
        row(
            &[SaveWeights, SaveSession],
            "save weights (.safetensors) / settings (--config .toml)",
        ),
        row(
            &[ExportHistory, ExportRuns],
            "export: nnfs-run<id>-history.csv / all runs: nnfs-runs.csv",
        ),
    ]
}

/// The help's rows about what is shown, the views, the form and quitting.
fn view_help() -> Vec<(String, String)> {
    use Action::{
        Adopt, Dynamics, Events, FindLr, Form, Help, LogY, Mouse, Network, Overview, PauseOnEvent,
        Play, Quit, RunTable, Smoothing, SweepPanel, Walk, Zoom,
    };
    vec![
        heading("View"),
        row(
            &[LogY, Smoothing],
            &format!(
                "log-scale loss axis / smoothing: off, {}",
                list(&SMOOTHING_WEIGHTS)
            ),
        ),
        row(
            &[SweepPanel, RunTable],
            "sweep or race panel / run table (↑ ↓, Enter curve) on, off",
        ),
        row(&[Help], "this help (? or Esc closes it)"),
        heading("Views"),
        row(
            &[Overview, Dynamics, Network, Walk],
            "overview / dynamics / network / walk through an epoch",
        ),
        (
            mode_keys(Mode::Network),
            "network view: the unit to inspect (or click it)".into(),
        ),
        (
            mode_keys(Mode::Walk),
            "walk: step a function (pauses) / unit / input by hand".into(),
        ),
        row(
            &[Mouse],
            "mouse on / off: click panels, fields, units; scroll zooms",
        ),
        (
            format!("{} {}", mode_keys(Mode::Chart), keys(&[Zoom])),
            "chart cursor: every panel at that epoch (End drops it) / zoom".into(),
        ),
        row(&[Play], "play the run back: every panel follows the cursor"),
        row(
            &[FindLr, Adopt, PauseOnEvent],
            "lr finder (fastai's) / adopt its valley / pause at events",
        ),
        row(
            &[Events],
            "the run's events, each explained, with what to try",
        ),
        heading("Settings form"),
        row(
            &[Form],
            "edit the settings; ↑ ↓ Tab ⇧Tab move between fields",
        ),
        (
            "type ⌫".into(),
            "edit the field; space ← → switch backend, ← → pick a choice".into(),
        ),
        (
            "Enter / Esc".into(),
            "apply and restart / leave unchanged".into(),
        ),
        heading("Quit"),
        (
            format!("{} Ctrl-C", keys(&[Quit])),
            "quit (Esc closes help, form, table first); Ctrl-Z suspends".into(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_in_the_help_and_has_one_action() {
        let help = help();
        // The help's own keys are in its title; every other key has a row.
        let overlays = [Mode::Help, Mode::Events];
        for (mode, action, codes) in KEYMAP.iter().filter(|(m, _, _)| !overlays.contains(m)) {
            let shown = names(codes);
            assert!(
                help.iter().any(|(k, _)| k.contains(&shown)),
                "{action:?} is not in the help"
            );
            assert!(!codes.is_empty(), "{mode:?} {action:?}");
        }
        for mode in [
            Mode::Help,
            Mode::RunTable,
            Mode::Network,
            Mode::Walk,
            Mode::Chart,
            Mode::Main,
        ] {
            let codes: Vec<KeyCode> = KEYMAP
                .iter()
                .filter(|(m, _, _)| *m == mode)
                .flat_map(|(_, _, c)| c.iter().copied())
                .collect();
            for (i, code) in codes.iter().enumerate() {
                assert!(!codes[..i].contains(code), "{code:?} has two actions");
            }
        }
    }

    #[test]
    fn the_help_follows_the_ladders() {
        let help = help();
        let text = |keys: &str| {
            help.iter()
                .find(|(k, _)| k == keys)
                .map(|(_, t)| t.as_str())
        };
        assert_eq!(text("p"), Some("pace: 10, 30, 100, 1000 epochs/s, max"));
        assert_eq!(
            text("l  m"),
            Some("log-scale loss axis / smoothing: off, 0.6, 0.9, 0.99")
        );
        assert_eq!(
            text("+ =  -"),
            Some("learning rate up / down, 0.001 … 200 (live)")
        );
        assert_eq!(action(Mode::Main, KeyCode::Char('=')), Some(Action::LrUp));
    }
}
