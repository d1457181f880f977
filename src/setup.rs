//! From settings to a ready training run: data loaded and split, device initialized,
//! coefficients drawn or read from a file.

use crate::data::{self, DataSpec, Splits};
use crate::error::{Error, Result};
use crate::model::device::{self, Backend, Compute};
use crate::model::network::{Coeffs, init_weights};
use crate::model::weights::Weights;
use crate::model::{DeviceData, Run};
use std::path::PathBuf;

/// Everything that decides a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    pub data: DataSpec,
    pub lr: f64,
    /// Hidden layer sizes; `None` takes them from `init`, or the tutorial's `[20]`.
    pub hidden: Option<Vec<usize>>,
    pub epochs: usize,
    pub seed: u64,
    pub backend: Backend,
    /// Start from these coefficients instead of drawing them.
    pub init: Option<PathBuf>,
    /// Rows per gradient step; `None` is the tutorial's full batch.
    pub batch_size: Option<usize>,
}

/// The tutorial's hidden layer.
pub const DEFAULT_HIDDEN: usize = 20;

impl Default for RunConfig {
    /// The tutorial's settings: lr 0.1, 30 epochs, 20 hidden units, seed 442.
    fn default() -> Self {
        RunConfig {
            data: DataSpec::default(),
            lr: 0.1,
            hidden: None,
            epochs: 30,
            seed: 442,
            backend: Backend::Cpu,
            init: None,
            batch_size: None,
        }
    }
}

/// A run ready to train, with what the screen or the summary needs to know about it.
#[derive(Debug)]
pub struct Prepared {
    pub run: Run,
    pub splits: Splits,
    pub compute: Compute,
    pub hidden: Vec<usize>,
}

/// Loads the data; reads or draws the starting coefficients.
pub fn load_data_and_weights(config: &RunConfig) -> Result<(Splits, Weights)> {
    load_data_and_weights_with_progress(config, &mut |_| {})
}

/// [`load_data_and_weights`], telling `progress` how loading the data goes.
pub fn load_data_and_weights_with_progress(
    config: &RunConfig,
    progress: &mut dyn FnMut(data::Progress),
) -> Result<(Splits, Weights)> {
    let splits = data::load_with_progress(&config.data, progress)?;
    let n_inputs = splits.features().len();
    let weights = match &config.init {
        Some(path) => {
            let weights = Weights::load(path)?;
            weights
                .check_shape(n_inputs, config.hidden.as_deref())
                .map_err(|problem| {
                    Error::Weights(format!("--init {}: {problem}", path.display()))
                })?;
            weights
        }
        None => {
            let hidden = config.hidden.clone().unwrap_or(vec![DEFAULT_HIDDEN]);
            init_weights(n_inputs, &hidden, config.seed)
        }
    };
    Ok((splits, weights))
}

/// Prepares a run: data, device and starting coefficients.
pub fn prepare(config: &RunConfig) -> Result<Prepared> {
    let (splits, weights) = load_data_and_weights(config)?;
    let compute = device::init(config.backend)?;
    let coeffs = Coeffs::from_weights(&weights, &compute.device);
    let data = DeviceData::new(&splits, &compute.device);
    let mut run = Run::new(coeffs, data, config.lr);
    run.batch_size = config.batch_size;
    Ok(Prepared {
        run,
        splits,
        compute,
        hidden: weights.hidden_sizes(),
    })
}
