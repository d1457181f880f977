//! The jobs beside the run as the dashboard follows them (a learning-rate sweep, the finder,
//! and the next such jobs): one shape for all of them, as the trainer runs them.

use crate::report::run::RunId;
use crate::trainer::messages::JobEvent;

/// Where a job stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobStatus<Found> {
    Running,
    Done(Found),
    /// Cancelled by its key: the pieces that had finished stay.
    Cancelled,
    Failed(String),
}

/// What the dashboard keeps of one kind of job.
pub trait JobView: Sized {
    type Plan;
    type Piece;
    type Found;
    /// `sweep`, `finder`: how the status line names it.
    const NAME: &'static str;

    /// The view of a job that started from run `run`'s start with `plan`.
    fn started(run: RunId, plan: Self::Plan) -> Self;
    fn progress(&mut self, piece: Self::Piece);
    fn status(&self) -> &JobStatus<Self::Found>;
    fn status_mut(&mut self) -> &mut JobStatus<Self::Found>;
    /// What the status line says once the job is done or cancelled.
    fn ended(&self) -> String;

    fn is_running(&self) -> bool {
        matches!(self.status(), JobStatus::Running)
    }
}

/// What an event did to a job's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Started,
    Progress,
    /// Done or cancelled: what to tell the user.
    Ended(String),
    /// Why it failed.
    Failed(String),
}

/// Follows `event` into `slot`: a start replaces the view before it; other events change
/// the view there is (none: the event is dropped).
pub fn follow<V: JobView>(
    slot: &mut Option<V>,
    event: JobEvent<V::Plan, V::Piece, V::Found>,
) -> Option<Change> {
    if let JobEvent::Started { run, plan } = event {
        *slot = Some(V::started(run, plan));
        return Some(Change::Started);
    }
    let view = slot.as_mut()?;
    Some(match event {
        JobEvent::Started { .. } => Change::Started,
        JobEvent::Progress(piece) => {
            view.progress(piece);
            Change::Progress
        }
        JobEvent::Done(found) => {
            *view.status_mut() = JobStatus::Done(found);
            Change::Ended(view.ended())
        }
        JobEvent::Cancelled => {
            *view.status_mut() = JobStatus::Cancelled;
            Change::Ended(view.ended())
        }
        JobEvent::Failed(why) => {
            *view.status_mut() = JobStatus::Failed(why.clone());
            Change::Failed(format!("the {} failed: {why}", V::NAME))
        }
    })
}
