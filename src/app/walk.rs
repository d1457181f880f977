//! The walk view (key `4`): one epoch of the current run through the tutorial's functions,
//! with one weight's gradient worked by hand. The trainer walks only while the view is open;
//! `n` steps through the functions one at a time (the run pauses), then trains the epoch they
//! walked; the inspector's unit (`↑` `↓`) and an input (`,` `.`) choose the weight.

use super::dynamics::View;
use super::{App, Effect};
use crate::report::run::RunState;
use crate::report::walk::{WalkFocus, WalkStep};
use crate::trainer::messages::Command;

/// The walk view's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalkScreen {
    /// While stepping: the index, among the epoch's steps ([`WalkStep::epoch`]), of the
    /// function shown last; `None` shows the whole walk.
    pub step: Option<usize>,
    /// The input of the weight worked by hand: a feature (first hidden layer) or a unit of the
    /// layer below.
    pub input: usize,
}

impl App {
    /// The weight the walk works by hand: from the chosen input into the inspector's unit.
    pub(crate) fn walk_focus(&self) -> WalkFocus {
        let unit = self.inspected_unit();
        WalkFocus {
            layer: unit.map_or(0, |u| u.layer),
            unit: unit.map_or(0, |u| u.unit),
            input: self.screen.walk.input,
        }
    }

    /// The step the walk is at while stepping, among the current walk's steps.
    pub(crate) fn walk_step(&self) -> Option<WalkStep> {
        let walk = self.current()?.walk.as_ref()?;
        let index = self.screen.walk.step?;
        WalkStep::epoch(walk.layers.len()).get(index).copied()
    }

    /// Switches to `view`; the trainer walks while the walk view is on, and only then.
    pub(super) fn show_view(&mut self, view: View) -> Vec<Effect> {
        let was = self.screen.view;
        self.screen.show(view);
        match (was == View::Walk, view == View::Walk) {
            (false, true) => vec![Effect::Send(self.walk_command())],
            (true, false) => {
                self.screen.walk.step = None;
                vec![Effect::Send(Command::EndWalk)]
            }
            _ => Vec::new(),
        }
    }

    /// A new focus for the walk (another unit or input): walked again at once.
    pub(super) fn refocus_walk(&self) -> Vec<Effect> {
        if self.screen.view == View::Walk {
            vec![Effect::Send(self.walk_command())]
        } else {
            Vec::new()
        }
    }

    /// `,` `.`: the input `by` places on, within the inspected unit's inputs.
    pub(super) fn move_walk_input(&mut self, by: isize) -> Vec<Effect> {
        let inputs = self
            .current()
            .and_then(|r| r.network.as_ref())
            .map(|network| {
                let layer = self.walk_focus().layer;
                let into = network.weights.hidden.get(layer);
                into.unwrap_or(&network.weights.output).rows
            });
        let last = inputs.unwrap_or(usize::MAX).saturating_sub(1);
        let input = &mut self.screen.walk.input;
        *input = input.saturating_add_signed(by).min(last);
        self.refocus_walk()
    }

    /// `n` in the walk view: the next function of the epoch. The first step pauses the run and
    /// walks its next epoch afresh; the step after `model_accuracy` trains that epoch, and the
    /// walk of the one after it follows.
    pub(super) fn step_walk(&mut self) -> Vec<Effect> {
        if self.current().is_none() {
            self.screen.say("no run yet: nothing to walk");
            return Vec::new();
        }
        // The walk steps the live run: a replayed epoch is left.
        self.screen
            .chart
            .move_cursor(super::keys::CursorMove::Off, 0);
        self.screen.replay = None;
        let mut effects = Vec::new();
        let Some(run) = self.current() else {
            return effects;
        };
        let layers = run.info.settings.hidden_sizes().sizes().len();
        let steps = WalkStep::epoch(layers).len();
        let (state, word) = (run.state.clone(), run.state_word());
        let trainable = matches!(state, RunState::Running | RunState::Paused);
        match self.screen.walk.step {
            None => {
                if let Some(run) = self.reported.current_mut()
                    && state == RunState::Running
                {
                    // At once, as space does: a quick second key is not a resume.
                    run.state = RunState::Paused;
                    effects.push(Effect::Send(Command::Pause));
                }
                self.screen.walk.step = Some(0);
                effects.push(Effect::Send(Command::Walk(self.walk_focus())));
                self.screen
                    .say("stepping through an epoch: n goes on, space resumes the run");
            }
            Some(at) if at + 1 < steps => self.screen.walk.step = Some(at + 1),
            Some(_) if trainable => {
                self.screen.walk.step = Some(0);
                effects.push(Effect::Send(Command::Step));
                self.screen
                    .say("the epoch walked is trained: the walk of the next one follows");
            }
            Some(_) => {
                self.screen.walk.step = Some(0);
                self.screen.say(format!(
                    "the run is {word}: the walk starts again (r restarts the run)"
                ));
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{app, info, press_sending as press, settings};
    use crate::trainer::messages::Event;
    use crossterm::event::KeyCode;

    fn running() -> App {
        let mut app = app();
        app.on_event(Event::Started(info(1, settings())));
        app
    }

    #[test]
    fn the_trainer_walks_only_while_the_walk_view_is_open() {
        let mut app = running();
        let focus = WalkFocus::default();
        assert_eq!(press(&mut app, KeyCode::Char('4')), [Command::Walk(focus)]);
        assert_eq!(app.screen.view, View::Walk);
        assert!(press(&mut app, KeyCode::Char('4')).is_empty(), "already on");
        let moved = WalkFocus { input: 1, ..focus };
        assert_eq!(press(&mut app, KeyCode::Char('.')), [Command::Walk(moved)]);
        assert_eq!(press(&mut app, KeyCode::Char(',')), [Command::Walk(focus)]);
        assert_eq!(press(&mut app, KeyCode::Char(',')), [Command::Walk(focus)]);
        assert_eq!(press(&mut app, KeyCode::Char('2')), [Command::EndWalk]);
        assert!(
            press(&mut app, KeyCode::Char('.')).is_empty(),
            "not in the walk view"
        );
    }

    /// `n` pauses the run and steps through the epoch's six functions; the step after the
    /// last trains the epoch; space resumes the run and ends the stepping.
    #[test]
    fn n_steps_one_function_at_a_time_then_trains_the_epoch() {
        let mut app = running();
        press(&mut app, KeyCode::Char('4'));
        let focus = WalkFocus::default();
        assert_eq!(
            press(&mut app, KeyCode::Char('n')),
            [Command::Pause, Command::Walk(focus)]
        );
        assert_eq!(
            app.current().map(|r| r.state.clone()),
            Some(RunState::Paused)
        );
        assert_eq!(app.screen.walk.step, Some(0));
        for step in 1..6 {
            assert!(press(&mut app, KeyCode::Char('n')).is_empty());
            assert_eq!(app.screen.walk.step, Some(step));
        }
        assert_eq!(press(&mut app, KeyCode::Char('n')), [Command::Step]);
        assert_eq!(app.screen.walk.step, Some(0), "the next epoch's walk");
        assert_eq!(press(&mut app, KeyCode::Char(' ')), [Command::Resume]);
        assert_eq!(app.screen.walk.step, None);
        press(&mut app, KeyCode::Char('n'));
        assert_eq!(press(&mut app, KeyCode::Char('1')), [Command::EndWalk]);
        assert_eq!(
            app.screen.walk.step, None,
            "leaving the view ends the stepping"
        );
    }
}
