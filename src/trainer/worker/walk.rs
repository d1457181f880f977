//! The walk view's walks: the active run's next epoch through the tutorial's functions, with
//! each snapshot while the view is open, or an earlier epoch from a snapshot's coefficients
//! (replay), once.

use super::super::messages::Event;
use super::Worker;
use crate::error::panic_text;
use crate::model::walk::WalkInputs;
use crate::report::walk::WalkFocus;
use crate::report::weights::Weights;
use std::panic::{AssertUnwindSafe, catch_unwind};

impl Worker {
    /// Sends the walk of the active run's next epoch, when the walk view wants one.
    pub(super) fn walk(&mut self) {
        if let Some(focus) = self.walking {
            self.walk_at(focus, None);
        }
    }

    /// Sends the walk of the active run's next epoch or, with `at`, of epoch `epoch` from
    /// `weights` at rate `lr`; `focus` worked by hand.
    pub(super) fn walk_at(&mut self, focus: WalkFocus, at: Option<(&Weights, usize, f64)>) {
        let Some(active) = &self.active else {
            return;
        };
        let inputs = WalkInputs {
            train: &self.current.splits.train,
            init: &active.start,
            method: &active.settings.method,
            focus,
        };
        let walked = catch_unwind(AssertUnwindSafe(|| match at {
            Some((weights, epoch, lr)) => active.run.walk_from(weights, epoch, lr, &inputs),
            None => active.run.walk(&inputs),
        }));
        let run = active.id;
        let failure = match walked {
            Ok(Ok(walk)) => {
                let walk = Box::new(walk);
                return self.emit(Event::Walk { run, walk });
            }
            Ok(Err(error)) => error.to_string(),
            Err(payload) => panic_text(payload.as_ref()),
        };
        self.emit(Event::Error(format!("the walk: {failure}")));
    }
}
