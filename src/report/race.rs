//! A race's figures: each variant's epochs as they come, and how each ended. Plain data; the
//! model measures them.

/// One epoch of one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RacePoint {
    pub epoch: usize,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
}

/// Epochs a variant trained since its last lap, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceLap {
    /// The variant's place in the race's list.
    pub variant: usize,
    pub points: Vec<RacePoint>,
}

/// How a variant ended: its last epoch's figures (the training loss of the trained model on
/// the whole training split), and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaceFinish {
    pub variant: usize,
    pub epochs: usize,
    /// The whole training split's loss at the start and at the end (each variant's own loss).
    pub first_loss: f32,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    pub us_per_epoch: f64,
}
