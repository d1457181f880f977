//! A run's data on its device: each split's features and labels as tensors, and how an epoch
//! walks the training rows (the full batch, or mini-batches).

use crate::data::{Dataset, Splits};
use crate::settings::{Count, RunSettings};
use burn::tensor::{Device, Tensor, TensorData};

/// Features and labels of one split, on the device.
#[derive(Debug, Clone)]
pub struct SplitTensors {
    pub x: Tensor<2>,
    pub y: Tensor<2>,
    pub rows: usize,
}

impl SplitTensors {
    pub fn new(data: &Dataset, device: &Device) -> Self {
        let rows = data.rows();
        let x = TensorData::new(data.x.clone(), [rows, data.n_features()]);
        let y = TensorData::new(data.y.clone(), [rows, 1]);
        SplitTensors {
            x: Tensor::from_data(x, device),
            y: Tensor::from_data(y, device),
            rows,
        }
    }
}

/// Which split to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Valid,
    Test,
}

/// The data of a run on the device.
#[derive(Debug, Clone)]
pub struct DeviceData {
    pub train: SplitTensors,
    pub valid: SplitTensors,
    pub test: Option<SplitTensors>,
}

impl DeviceData {
    pub fn new(splits: &Splits, device: &Device) -> Self {
        DeviceData {
            train: SplitTensors::new(&splits.train, device),
            valid: SplitTensors::new(&splits.valid, device),
            test: (splits.test.rows() > 0).then(|| SplitTensors::new(&splits.test, device)),
        }
    }

    pub(super) fn get(&self, split: Split) -> Option<&SplitTensors> {
        match split {
            Split::Train => Some(&self.train),
            Split::Valid => Some(&self.valid),
            Split::Test => self.test.as_ref(),
        }
    }
}

/// How an epoch steps: on every training row at once (`size` `None`, or at least the rows),
/// or on mini-batches of `size` rows in an order drawn anew each epoch from `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batches {
    pub size: Option<usize>,
    pub seed: u64,
}

impl Batches {
    /// The tutorial's full batch.
    pub const FULL: Batches = Batches {
        size: None,
        seed: 0,
    };

    /// The batches a run's settings ask for: their batch size, the order drawn from their seed.
    pub fn of(settings: &RunSettings) -> Self {
        Batches {
            size: settings.batch_size.map(Count::get),
            seed: settings.seed.get(),
        }
    }
}
