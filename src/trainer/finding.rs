//! The dashboard's learning-rate finder on a thread of its own, beside the run: a copy of the
//! run's starting coefficients on the CPU, one full-batch step per rate.

use super::messages::{FinderEvent, RunId};
use crate::data::Splits;
use crate::model::finder::{FinderSpec, lr_find};
use crate::model::weights::Weights;
use crate::model::{Batches, Run};
use burn::tensor::Device;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A finder on its own thread; dropping the handle leaves it running.
pub struct Finding {
    stop: Arc<AtomicBool>,
    ended: Arc<AtomicBool>,
}

impl Finding {
    pub fn is_running(&self) -> bool {
        !self.ended.load(Ordering::Acquire)
    }

    /// Asks the finder to stop after its current step; it then reports
    /// [`FinderEvent::Cancelled`].
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts the finder on `weights` (run `run`'s start) and `splits`, reporting through `send`.
pub fn spawn(
    run: RunId,
    splits: Splits,
    weights: Weights,
    spec: FinderSpec,
    send: impl Fn(FinderEvent) + Send + 'static,
) -> std::io::Result<Finding> {
    let stop = Arc::new(AtomicBool::new(false));
    let ended = Arc::new(AtomicBool::new(false));
    let (stopping, ending) = (Arc::clone(&stop), Arc::clone(&ended));
    std::thread::Builder::new()
        .name(format!("{}-finder", super::THREAD_NAME))
        .spawn(move || {
            send(FinderEvent::Started { run, spec });
            let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut copy =
                    Run::from_weights(&weights, &splits, &Device::flex(), 0.0, Batches::FULL);
                lr_find(
                    &mut copy,
                    &spec,
                    &|| stopping.load(Ordering::Relaxed),
                    |step| send(FinderEvent::Step(*step)),
                )
            }));
            ending.store(true, Ordering::Release);
            send(match found {
                Ok(Ok(_)) if stopping.load(Ordering::Relaxed) => FinderEvent::Cancelled,
                Ok(Ok(finding)) => FinderEvent::Done(finding),
                Ok(Err(error)) => FinderEvent::Failed(error.to_string()),
                Err(payload) => FinderEvent::Failed(super::worker::panic_text(payload.as_ref())),
            });
        })?;
    Ok(Finding { stop, ended })
}
