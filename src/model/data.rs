//! A run's data on its device: each split's features and labels as tensors, and how an epoch
//! walks the training rows (the full batch, or mini-batches).

use super::fused;
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
    /// The split with its features laid out by row, as the tutorial's tensors are.
    pub fn new(data: &Dataset, device: &Device) -> Self {
        SplitTensors::laid_out(data, device, false)
    }

    /// The split with its features laid out by feature where `by_feature` says (each
    /// feature's values side by side in memory, `x` a transposed view of them): the fused op
    /// then makes its sums with the rows along the CPU's vectors ([`fused::by_feature_pays`]).
    /// burn's own ops take either layout.
    pub fn laid_out(data: &Dataset, device: &Device, by_feature: bool) -> Self {
        let (rows, features) = (data.rows(), data.n_features());
        let x = if by_feature {
            let mut columns = vec![0.0f32; data.x.len()];
            for (row, values) in data.x.chunks_exact(features.max(1)).enumerate() {
                for (feature, &value) in values.iter().enumerate() {
                    columns[feature * rows + row] = value;
                }
            }
            Tensor::from_data(TensorData::new(columns, [features, rows]), device).transpose()
        } else {
            Tensor::from_data(TensorData::new(data.x.clone(), [rows, features]), device)
        };
        let y = TensorData::new(data.y.clone(), [rows, 1]);
        SplitTensors {
            x,
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
    /// The splits with their features laid out by row.
    pub fn new(splits: &Splits, device: &Device) -> Self {
        DeviceData {
            train: SplitTensors::new(&splits.train, device),
            valid: SplitTensors::new(&splits.valid, device),
            test: (splits.test.rows() > 0).then(|| SplitTensors::new(&splits.test, device)),
        }
    }

    /// The splits for a network of `hidden` layers, each laid out as its passes are fastest
    /// ([`fused::by_feature_pays`]); the training split by row unless it is stepped on whole
    /// (`full_batch`), since a mini-batch's rows are gathered by row.
    pub fn for_network(
        splits: &Splits,
        device: &Device,
        hidden: &[usize],
        full_batch: bool,
    ) -> Self {
        let split = |data: &Dataset, training: bool| {
            let pays =
                fused::by_feature_pays(device, data.rows(), data.n_features(), hidden, training);
            SplitTensors::laid_out(data, device, pays && (full_batch || !training))
        };
        DeviceData {
            train: split(&splits.train, true),
            valid: split(&splits.valid, false),
            test: (splits.test.rows() > 0).then(|| split(&splits.test, false)),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Laid out by feature, a split's tensor holds the same rows.
    #[test]
    fn a_split_by_feature_holds_the_same_rows() {
        let device = Device::flex().autodiff();
        let x: Vec<f32> = (0..15u8).map(f32::from).collect();
        let data = Dataset {
            features: vec!["a".into(), "b".into(), "c".into()],
            x: x.clone(),
            y: vec![0.0, 1.0, 0.0, 1.0, 1.0],
        };
        for by_feature in [false, true] {
            let split = SplitTensors::laid_out(&data, &device, by_feature);
            assert_eq!(split.x.dims(), [5, 3]);
            assert_eq!(split.x.into_data().try_into_vec::<f32>().unwrap(), x);
        }
    }
}
