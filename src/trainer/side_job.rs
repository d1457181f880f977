//! Jobs beside the run: a learning-rate sweep, the finder, a race (and the next such jobs), each on
//! threads of its own, from the run's starting coefficients. One shape for all of them: it
//! says it started, reports its progress, can be cancelled, and says once how it ended.

use super::messages::JobEvent;
use crate::error::{Result, panic_text};
use crate::report::run::RunId;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which job: what the user is told about it, and its thread's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Sweep,
    Finder,
    Race,
}

impl JobKind {
    /// `a sweep`, `the finder`.
    pub fn noun(self) -> &'static str {
        match self {
            JobKind::Sweep => "a sweep",
            JobKind::Finder => "the finder",
            JobKind::Race => "a race",
        }
    }

    fn thread(self) -> String {
        let job = match self {
            JobKind::Sweep => "sweep",
            JobKind::Finder => "finder",
            JobKind::Race => "race",
        };
        format!("{}-{job}", super::THREAD_NAME)
    }
}

/// A job on its own threads; dropping the handle leaves it running.
#[derive(Debug)]
pub struct SideJob {
    stop: Arc<AtomicBool>,
    ended: Arc<AtomicBool>,
}

impl SideJob {
    /// Whether the job has yet to send its last event.
    pub fn is_running(&self) -> bool {
        !self.ended.load(Ordering::Acquire)
    }

    /// Asks the job to stop soon; it then reports [`JobEvent::Cancelled`] (or, had it just
    /// finished, [`JobEvent::Done`]).
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts a `kind` job from run `run`'s start on a thread of its own, sending through `send`:
/// [`JobEvent::Started`] with `plan`, then each piece `work` hands its `progress`, then how it
/// ended. `work` watches the stop flag; `found` turns what it returned into what it found, or
/// `None` when it did not finish (it was stopped first). A panic in `work` fails the job.
pub fn spawn<Plan, Piece, Found, T>(
    kind: JobKind,
    run: RunId,
    plan: Plan,
    work: impl FnOnce(&AtomicBool, &dyn Fn(Piece)) -> Result<T> + Send + 'static,
    found: impl FnOnce(T, bool) -> Option<Found> + Send + 'static,
    send: impl Fn(JobEvent<Plan, Piece, Found>) + Send + 'static,
) -> std::io::Result<SideJob>
where
    Plan: Send + 'static,
    Piece: Send + 'static,
    Found: Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let ended = Arc::new(AtomicBool::new(false));
    let (stopping, ending) = (Arc::clone(&stop), Arc::clone(&ended));
    std::thread::Builder::new()
        .name(kind.thread())
        .spawn(move || {
            send(JobEvent::Started { run, plan });
            let progress = |piece| send(JobEvent::Progress(piece));
            let outcome = catch_unwind(AssertUnwindSafe(|| work(&stopping, &progress)));
            // Ended before it says so: a new job asked for after this event starts.
            ending.store(true, Ordering::Release);
            send(match outcome {
                Ok(Ok(value)) => match found(value, stopping.load(Ordering::Relaxed)) {
                    Some(found) => JobEvent::Done(found),
                    None => JobEvent::Cancelled,
                },
                Ok(Err(error)) => JobEvent::Failed(error.to_string()),
                Err(payload) => JobEvent::Failed(panic_text(payload.as_ref())),
            });
        })?;
    Ok(SideJob { stop, ended })
}
