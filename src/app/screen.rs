//! The screen's own state, apart from what the trainer reported: which view is on, the
//! overlays and the form, the chart's cursor and scales, the inspected unit, the mouse, the
//! status line's message. Each part keeps the keys that move it.

use super::dynamics::View;
use super::form::Form;
use super::history::Smoothing;
use super::keys::CursorMove;
use super::mouse::Panel;
use super::network::{NetworkView, UnitRef};
use super::replay::Replayed;
use super::walk::WalkScreen;
use crate::report::run::RunId;

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

/// The loss chart: its scale, its smoothing, and the cursor that reads any epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chart {
    pub log_y: bool,
    pub smoothing: Smoothing,
    /// The chart cursor's epoch (`←` `→` `Home`); `None` follows nothing.
    pub cursor: Option<usize>,
    /// The loss chart zoomed around the cursor (`z`).
    pub zoom: bool,
    /// Whether `b` is playing the run back: the cursor moves on by itself.
    pub playing: bool,
}

impl Chart {
    /// Moves the cursor over epochs `1..=last`, a two-hundredth of them at a time (at least
    /// one); dropping it ends the zoom.
    pub fn move_cursor(&mut self, to: CursorMove, last: usize) {
        let step = (last / 200).max(1);
        let at = self.cursor.unwrap_or(last).min(last);
        self.cursor = match to {
            CursorMove::Back => Some(at.saturating_sub(step).max(1)),
            CursorMove::Forward if at + step >= last => Some(last),
            CursorMove::Forward => Some(at + step),
            CursorMove::First => Some(1),
            CursorMove::Off => None,
        };
        if self.cursor.is_none() {
            self.zoom = false;
            self.playing = false;
        }
    }

    /// A new run: the cursor, the zoom and the play-back go (the scale and smoothing stay).
    pub fn reset(&mut self) {
        self.cursor = None;
        self.zoom = false;
        self.playing = false;
    }
}

/// The run table's view (`T`): whether it is shown, and the run selected in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunTable {
    /// Shown in place of the settings, weights and accuracy panels.
    pub shown: bool,
    /// `None` follows the newest run.
    pub selected: Option<RunId>,
}

/// What the screen shows and how.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches, each its own key or flag"
)]
pub struct Screen {
    /// Which view is on (`1` … `4`).
    pub view: View,
    pub color: bool,
    /// The help overlay's page while it is open (two when the terminal is small).
    pub help: Option<usize>,
    /// The current run's events, each explained, in an overlay (`i`).
    pub events: bool,
    /// `Some` while the form has the focus.
    pub form: Option<Form>,
    pub table: RunTable,
    pub chart: Chart,
    /// Whether the latest sweep's panel is shown.
    pub show_sweep: bool,
    /// Whether the latest race is shown: its curves on the loss chart, its panel in the
    /// sweep's place.
    pub show_race: bool,
    /// The unit the network view's inspector shows (`↑` `↓`, a click); `None` is the first.
    /// The walk works a weight into it by hand.
    pub unit: Option<UnitRef>,
    /// The walk view's step and chosen input.
    pub walk: WalkScreen,
    /// The panels at the chart cursor's frame (replay); `None` shows the latest.
    pub replay: Option<Replayed>,
    /// Whether the mouse is captured (`--no-mouse`, `M`).
    pub mouse: bool,
    /// The panel last clicked, drawn with a bold border.
    pub focus: Option<Panel>,
    pub message: Option<Message>,
    /// The message's short form, when it has one (an event's: what happened and the rate to
    /// try), for a status line too narrow for the whole of it.
    pub brief: Option<String>,
    pub quit: bool,
}

impl Screen {
    pub fn new(color: bool) -> Self {
        Screen {
            view: View::Overview,
            color,
            help: None,
            events: false,
            form: None,
            table: RunTable::default(),
            chart: Chart::default(),
            show_sweep: true,
            show_race: true,
            unit: None,
            walk: WalkScreen::default(),
            replay: None,
            mouse: true,
            focus: None,
            message: None,
            brief: None,
            quit: false,
        }
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.brief = None;
        self.message = Some(Message {
            error: false,
            text: text.into(),
        });
    }

    pub fn complain(&mut self, text: impl Into<String>) {
        self.brief = None;
        self.message = Some(Message {
            error: true,
            text: text.into(),
        });
    }

    /// Switches to `view`; the run table belongs to the overview.
    pub fn show(&mut self, view: View) {
        self.view = view;
        if view != View::Overview {
            self.table.shown = false;
        }
    }

    /// The inspector's unit `by` places on in `network`'s units (from the first when none is
    /// chosen).
    pub fn step_unit(&mut self, network: &NetworkView, by: isize) {
        let from = self.unit.or(Some(network.step(None, 0)));
        self.unit = Some(network.step(from, by));
    }
}
