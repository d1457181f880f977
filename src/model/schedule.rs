//! How often to do what: epochs per read-back ([`ReadBackBatch`]), and occasional extra work
//! held to a share of the training time ([`Budget`]). The training loop, the trainer thread and
//! headless runs share them.

use std::time::{Duration, Instant};

/// A share of the time for occasional extra work (health checks, step slices): the work is
/// due again once the time since it ran is at least `1 / share − 1` times what it took, so it
/// takes at most about `share` of the time.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    share: f64,
    next: Option<Instant>,
}

impl Budget {
    pub fn new(share: f64) -> Self {
        Budget { share, next: None }
    }

    /// Whether the work may run now (it always may the first time).
    pub fn due(&self) -> bool {
        self.next.is_none_or(|next| Instant::now() >= next)
    }

    /// The work just ran and took `took`.
    pub fn spent(&mut self, took: Duration) {
        self.next = Some(Instant::now() + took.mul_f64(1.0 / self.share - 1.0));
    }
}

/// How many epochs to train between read-backs: doubles while a batch takes less than half
/// the target time, halves when one takes longer than the target, within `1..=`[`Self::MAX`].
/// Few syncs when epochs are fast; a prompt reply to commands when they are slow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadBackBatch {
    size: usize,
    target: Duration,
}

impl ReadBackBatch {
    pub const MAX: usize = 256;

    /// Starts at one epoch.
    pub fn new(target: Duration) -> Self {
        ReadBackBatch { size: 1, target }
    }

    pub fn get(&self) -> usize {
        self.size
    }

    /// Adjusts the size after a batch of [`Self::get`] epochs took `took`.
    pub fn record(&mut self, took: Duration) {
        if took > self.target {
            self.size = (self.size / 2).max(1);
        } else if took < self.target / 2 {
            self.size = (self.size * 2).min(Self::MAX);
        }
    }
}
