//! The dashboard's keys: which key does what ([`KEYMAP`]), and the `?` overlay's rows
//! ([`help`]), made from the same table and from the ladders the keys step along.

use super::history::SMOOTHING_WEIGHTS;
use super::ladder::{HIDDEN_LADDER, LR_LADDER, PACES};
use crate::trainer::messages::SweepSpec;
use crossterm::event::KeyCode;

/// What a key of the main view asks for.
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
    Mouse,
    Zoom,
    FindLr,
    Adopt,
    PauseOnEvent,
}

/// The keys of the main view; `Ctrl-C` quits anywhere.
pub const KEYMAP: &[(Action, &[KeyCode])] = &[
    (Action::Pause, &[KeyCode::Char(' ')]),
    (Action::Step, &[KeyCode::Char('n')]),
    (Action::Stop, &[KeyCode::Char('s')]),
    (Action::Restart, &[KeyCode::Char('r')]),
    (Action::LrUp, &[KeyCode::Char('+'), KeyCode::Char('=')]),
    (Action::LrDown, &[KeyCode::Char('-')]),
    (Action::HiddenUp, &[KeyCode::Char(']')]),
    (Action::HiddenDown, &[KeyCode::Char('[')]),
    (Action::Pace, &[KeyCode::Char('p')]),
    (Action::Test, &[KeyCode::Char('t')]),
    (Action::Sweep, &[KeyCode::Char('L')]),
    (Action::SaveWeights, &[KeyCode::Char('w')]),
    (Action::SaveSession, &[KeyCode::Char('c')]),
    (Action::ExportHistory, &[KeyCode::Char('e')]),
    (Action::ExportRuns, &[KeyCode::Char('E')]),
    (Action::LogY, &[KeyCode::Char('l')]),
    (Action::Smoothing, &[KeyCode::Char('m')]),
    (Action::SweepPanel, &[KeyCode::Char('v')]),
    (Action::RunTable, &[KeyCode::Char('T')]),
    (Action::Help, &[KeyCode::Char('?')]),
    (Action::Form, &[KeyCode::Tab, KeyCode::Char('f')]),
    (Action::Quit, &[KeyCode::Char('q'), KeyCode::Esc]),
    (Action::Overview, &[KeyCode::Char('1')]),
    (Action::Dynamics, &[KeyCode::Char('2')]),
    (Action::Network, &[KeyCode::Char('3')]),
    (Action::Mouse, &[KeyCode::Char('M')]),
    (Action::Zoom, &[KeyCode::Char('z')]),
    (Action::FindLr, &[KeyCode::Char('F')]),
    (Action::Adopt, &[KeyCode::Char('A')]),
    (Action::PauseOnEvent, &[KeyCode::Char('P')]),
];

/// The action of `code` in the main view.
pub fn action(code: KeyCode) -> Option<Action> {
    KEYMAP
        .iter()
        .find(|(_, keys)| keys.contains(&code))
        .map(|&(action, _)| action)
}

/// How a key is written in the help.
fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Esc => "Esc".into(),
        other => format!("{other:?}"),
    }
}

/// The keys of `actions` as the help writes them: `+ =  -`.
fn keys(actions: &[Action]) -> String {
    let of = |action: &Action| {
        let codes = KEYMAP
            .iter()
            .find(|(a, _)| a == action)
            .map_or(&[][..], |(_, codes)| codes);
        let names: Vec<String> = codes.iter().copied().map(key_name).collect();
        names.join(" ")
    };
    let keys: Vec<String> = actions.iter().map(of).collect();
    keys.join("  ")
}

fn list<T: ToString>(values: &[T]) -> String {
    let values: Vec<String> = values.iter().map(ToString::to_string).collect();
    values.join(", ")
}

/// The `?` overlay's rows, `(keys, what they do)`; a row with empty keys is a heading. The
/// keys come from [`KEYMAP`], the ladders from the ladders themselves.
pub fn help() -> Vec<(String, String)> {
    use Action::{
        Adopt, Dynamics, ExportHistory, ExportRuns, FindLr, Form, Help, HiddenDown, HiddenUp, LogY,
        LrDown, LrUp, Mouse, Network, Overview, Pace, Pause, PauseOnEvent, Quit, Restart, RunTable,
        SaveSession, SaveWeights, Smoothing, Step, Stop, Sweep, SweepPanel, Test, Zoom,
    };
    let (lr_low, lr_high) = (LR_LADDER[0], LR_LADDER[LR_LADDER.len() - 1]);
    let (h_low, h_high) = (HIDDEN_LADDER[0], HIDDEN_LADDER[HIDDEN_LADDER.len() - 1]);
    let range = SweepSpec::DEFAULT_RANGE;
    let heading = |text: &str| (String::new(), text.to_string());
    let row = |actions: &[Action], text: &str| (keys(actions), text.to_string());
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
            &[SaveWeights, SaveSession],
            "save weights (.safetensors) / settings (--config .toml)",
        ),
        row(
            &[ExportHistory, ExportRuns],
            "export: nnfs-run<id>-history.csv / all runs: nnfs-runs.csv",
        ),
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
            "sweep panel / run table (↑ ↓ select, Enter curve) on, off",
        ),
        row(&[Help], "this help (? or Esc closes it)"),
        heading("Views"),
        row(
            &[Overview, Dynamics, Network],
            "overview / dynamics (ratios, gradients, slice) / network",
        ),
        (
            "↑ ↓ PgUp PgDn".into(),
            "network view: the unit to inspect (or click it)".into(),
        ),
        row(
            &[Mouse],
            "mouse on / off: click panels, fields, units; scroll zooms",
        ),
        (
            format!("←→ Home End {}", keys(&[Zoom])),
            "chart cursor: read any epoch (End drops it) / zoom around it".into(),
        ),
        row(
            &[FindLr, Adopt, PauseOnEvent],
            "lr finder (fastai's) / adopt its valley / pause at events",
        ),
        heading("Settings form"),
        row(
            &[Form],
            "edit the settings; ↑ ↓ Tab ⇧Tab move between fields",
        ),
        (
            "type ⌫".into(),
            "edit the field; space ← → switch backend, ← → pick data".into(),
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
        for (action, codes) in KEYMAP {
            let shown = keys(&[*action]);
            assert!(
                help.iter().any(|(k, _)| k.contains(&shown)),
                "{action:?} is not in the help"
            );
            assert!(!codes.is_empty(), "{action:?}");
        }
        let codes: Vec<KeyCode> = KEYMAP.iter().flat_map(|(_, c)| c.iter().copied()).collect();
        for (i, code) in codes.iter().enumerate() {
            assert!(!codes[..i].contains(code), "{code:?} has two actions");
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
        assert_eq!(action(KeyCode::Char('=')), Some(Action::LrUp));
    }
}
