//! The mouse: what a click or a scroll lands on (the drawing says where things are, as
//! `crate::ui::Regions`), and what it does. Every click has a key that does the same.

use super::dynamics::View;
use super::form::{Field, Form};
use super::network::UnitRef;
use super::{App, Effect};

/// A panel of the dashboard, which a click gives the focus (a bold border).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Loss,
    Accuracy,
    Settings,
    Weights,
    Boundary,
    Sweep,
    Race,
    Runs,
    Ratios,
    Gradients,
    Slice,
    Finder,
    Network,
    Inspector,
    Distributions,
    Walk,
    Hand,
}

/// Something a click can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A view's tab on the top line.
    Tab(View),
    /// A field of the settings form.
    Field(Field),
    /// A unit of the network diagram.
    Unit(UnitRef),
    /// The loss chart, at this epoch.
    Epoch(usize),
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    Click,
    ScrollUp,
    ScrollDown,
}

/// Where the mouse was: the panel under it, and the thing within it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hit {
    pub panel: Option<Panel>,
    pub target: Option<Target>,
}

impl App {
    /// Mouse → state: a click focuses the panel under it and acts on what it hit (a tab, a
    /// form field, a unit, a run, the loss chart's cursor); scrolling over the loss chart
    /// zooms it around the epoch under the mouse, and back out.
    pub fn on_mouse(&mut self, press: Press, hit: Hit) -> Vec<Effect> {
        if !self.screen.mouse {
            return Vec::new();
        }
        if self.screen.help.is_some() {
            if press == Press::Click {
                self.screen.help = None;
            }
            return Vec::new();
        }
        match press {
            Press::Click => return self.click(hit),
            Press::ScrollUp | Press::ScrollDown => {
                if let Some(Target::Epoch(epoch)) = hit.target {
                    let last = self.last_epoch();
                    let chart = &mut self.screen.chart;
                    if press == Press::ScrollUp {
                        chart.cursor = last.map(|last| epoch.clamp(1, last));
                        chart.zoom = chart.cursor.is_some();
                    } else {
                        chart.zoom = false;
                    }
                    return self.sync_replay();
                }
            }
        }
        Vec::new()
    }

    /// The epoch of the current run nearest `epoch` (the chart spans at least 30 epochs, more
    /// than a young run has), as the cursor keys keep it; `None` before the first epoch.
    fn on_chart(&self, epoch: usize) -> Option<usize> {
        Some(epoch.clamp(1, self.last_epoch()?))
    }

    fn click(&mut self, hit: Hit) -> Vec<Effect> {
        if hit.panel.is_some() {
            self.screen.focus = hit.panel;
        }
        match hit.target {
            Some(Target::Tab(_)) if self.screen.form.is_some() => {
                self.screen
                    .say("the form is open: Enter applies it, Esc leaves it");
            }
            Some(Target::Tab(view)) => return self.show_view(view),
            Some(Target::Field(field)) => {
                let next = &self.next;
                let form = self.screen.form.get_or_insert_with(|| {
                    Form::new(&next.settings, next.pace, &next.start, &next.race)
                });
                form.focus = field;
            }
            Some(Target::Unit(unit)) => self.screen.unit = Some(unit),
            Some(Target::Epoch(epoch)) => {
                self.screen.chart.cursor = self.on_chart(epoch);
                return self.sync_replay();
            }
            None => {}
        }
        Vec::new()
    }
}
