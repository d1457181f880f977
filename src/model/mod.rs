//! The network ([`network`]), where it runs ([`device`]), its coefficients on disk
//! ([`weights`]), a training run that reports each epoch ([`run`]), what it reports
//! ([`report`]) and the plane of two features the decision boundary is drawn on ([`plane`]).

pub mod device;
pub mod dynamics;
pub mod events;
pub mod finder;
pub mod memory;
pub mod network;
pub mod plane;
pub mod report;
pub mod run;
pub mod units;
pub mod weights;

pub use report::{EpochMetrics, Evaluation, HISTORY_HEADER, Health, SATURATION, elapsed_ms};
pub use run::{
    Batches, Budget, DeviceData, ReadBackBatch, Run, Split, SplitTensors, train_model,
    train_model_checked,
};
