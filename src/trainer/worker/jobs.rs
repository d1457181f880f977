//! The jobs the worker runs beside the active run, from its starting coefficients: a
//! learning-rate sweep, the finder and a race, each on threads of its own ([`side_job`]).

use super::super::messages::{Event, JobEvent, RacePlan, SweepPlan};
use super::super::side_job::{self, JobKind, SideJob};
use super::{Active, Worker};
use crate::model::data::Batches;
use crate::model::finder::lr_find;
use crate::model::race;
use crate::model::sweep::{Start, sweep};
use crate::settings::{FinderSpec, Race, SweepSpec};
use std::sync::Arc;

/// The most epochs a race from the dashboard trains each variant.
pub const MAX_RACE_EPOCHS: usize = 2000;

impl Worker {
    /// The active run, when a `kind` job may start beside it: there is one, and no job of
    /// that kind is running (else the user is told why not).
    fn beside(&self, kind: JobKind) -> Option<&Active> {
        let running = match kind {
            JobKind::Sweep => &self.sweeping,
            JobKind::Finder => &self.finding,
            JobKind::Race => &self.racing,
        };
        let noun = kind.noun();
        let refusal = match &self.active {
            None => format!("start a run first: {noun} starts from its coefficients"),
            Some(_) if running.as_ref().is_some_and(SideJob::is_running) => {
                format!("{noun} is already running")
            }
            Some(active) => return Some(active),
        };
        self.emit(Event::Notice(refusal));
        None
    }

    /// Starts a learning-rate sweep from the active run's starting coefficients on its own
    /// threads, leaving a core to the active run; one sweep at a time.
    pub(super) fn sweep(&mut self, spec: SweepSpec) {
        let Some(active) = self.beside(JobKind::Sweep) else {
            return;
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1));
        let plan = SweepPlan {
            lrs: spec.learning_rates(),
            epochs: spec.epochs.get(),
        };
        let total = plan.lrs.len();
        let (splits, weights) = (self.current.splits.clone(), active.initial.clone());
        let batches = Batches::of(&active.settings);
        let method = active.settings.method.clone();
        let outbox = self.outbox.clone();
        let spawned = side_job::spawn(
            JobKind::Sweep,
            active.id,
            plan,
            move |stop, progress| {
                let mut done = 0;
                let start = Start {
                    splits: &splits,
                    weights: &weights,
                    batches,
                    method: &method,
                };
                sweep(&start, &spec, threads, stop, |point| {
                    done += 1;
                    progress(point);
                })?;
                Ok(done)
            },
            move |done, _| (done == total).then_some(()),
            move |event| {
                let _ = outbox.send(Event::Sweep(event));
            },
        );
        match spawned {
            Ok(job) => self.sweeping = Some(job),
            Err(error) => self.emit(Event::Error(format!("cannot start the sweep: {error}"))),
        }
    }

    /// Starts the finder from the active run's starting coefficients on its own thread: a
    /// copy of them on the CPU, one full-batch step per rate.
    pub(super) fn find_lr(&mut self, spec: FinderSpec) {
        let Some(active) = self.beside(JobKind::Finder) else {
            return;
        };
        let (splits, weights) = (self.current.splits.clone(), active.initial.clone());
        let method = active.settings.method.clone();
        let (outbox, valley, id) = (self.outbox.clone(), Arc::clone(&self.valley), active.id);
        let spawned = side_job::spawn(
            JobKind::Finder,
            active.id,
            spec,
            move |stop, progress| {
                let start = Start {
                    splits: &splits,
                    weights: &weights,
                    batches: Batches::FULL,
                    method: &method,
                };
                let mut copy = start.run(0.0);
                let stopped = || stop.load(std::sync::atomic::Ordering::Relaxed);
                lr_find(&mut copy, &spec, &stopped, |step| progress(*step))
            },
            |finding, stopped| (!stopped).then_some(finding),
            move |event| {
                if let JobEvent::Done(finding) = &event
                    && let Ok(mut found) = valley.lock()
                {
                    *found = finding.suggestions.valley.map(|v| (id, v));
                }
                let _ = outbox.send(Event::Finder(event));
            },
        );
        match spawned {
            Ok(job) => self.finding = Some(job),
            Err(error) => self.emit(Event::Error(format!("cannot start the finder: {error}"))),
        }
    }

    pub(super) fn cancel_jobs(&mut self) {
        for job in [&self.sweeping, &self.finding, &self.racing]
            .into_iter()
            .flatten()
        {
            job.cancel();
        }
    }

    /// Starts a race of `race`'s variants of the active run from its starting coefficients,
    /// one thread each (on the CPU), for the run's epochs (at most [`MAX_RACE_EPOCHS`]); one
    /// race at a time.
    pub(super) fn race(&mut self, race: &Race) {
        let Some(active) = self.beside(JobKind::Race) else {
            return;
        };
        let variants = race.runs(&active.settings);
        let epochs = active.settings.epochs.get().min(MAX_RACE_EPOCHS);
        let plan = RacePlan {
            names: race.variants().iter().map(|v| v.name()).collect(),
            epochs,
        };
        let (splits, weights) = (self.current.splits.clone(), active.initial.clone());
        let outbox = self.outbox.clone();
        let spawned = side_job::spawn(
            JobKind::Race,
            active.id,
            plan,
            move |stop, progress| race::race(&splits, &weights, &variants, epochs, stop, progress),
            |finishes, stopped| (!stopped).then_some(finishes),
            move |event| {
                let _ = outbox.send(Event::Race(event));
            },
        );
        match spawned {
            Ok(job) => self.racing = Some(job),
            Err(error) => self.emit(Event::Error(format!("cannot start the race: {error}"))),
        }
    }
}
