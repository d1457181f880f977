//! From settings to a ready training run: data loaded and split, device initialized,
//! coefficients drawn or read from a file.

use crate::data::{self, Splits};
use crate::error::{Error, Result};
use crate::model::device::{self, Compute};
use crate::model::memory;
use crate::model::network::init_weights;
use crate::model::run::Run;
use crate::report::weights::Weights;
use crate::settings;

/// A run ready to train, with what the screen or the summary needs to know about it.
#[derive(Debug)]
pub struct Prepared {
    pub run: Run,
    pub splits: Splits,
    pub compute: Compute,
    pub hidden: Vec<usize>,
}

/// Loads the data, telling `progress` how loading goes; reads or draws the starting
/// coefficients.
pub fn load_data_and_weights(
    config: &settings::RunSettings,
    progress: &mut dyn FnMut(data::Progress),
) -> Result<(Splits, Weights)> {
    let splits = data::load_with_progress(&config.data, progress)?;
    let n_inputs = splits.features().len();
    let hidden = config.hidden.as_ref().map(settings::HiddenSizes::sizes);
    let weights = match &config.init {
        Some(path) => {
            let weights = Weights::load(path)?;
            weights.check_shape(n_inputs, hidden).map_err(|problem| {
                Error::Weights(format!("--init {}: {problem}", path.display()))
            })?;
            weights
        }
        None => init_weights(n_inputs, config.hidden_sizes().sizes(), config.seed.get()),
    };
    if let Some(path) = &config.init {
        let layers = weights.hidden.len();
        config
            .method
            .activation
            .check_layers(layers)
            .map_err(|why| {
                Error::Usage(format!(
                    "--activation: {why} (--init {} has {layers})",
                    path.display()
                ))
            })?;
    }
    Ok((splits, weights))
}

/// Prepares a run: data (telling `progress` how loading goes), device and starting
/// coefficients.
pub fn prepare(
    config: &settings::RunSettings,
    progress: &mut dyn FnMut(data::Progress),
) -> Result<Prepared> {
    let (splits, weights) = load_data_and_weights(config, progress)?;
    let compute = device::init(config.backend)?;
    let chunk =
        memory::fit(config, &splits, &weights.hidden_sizes(), &compute).map_err(Error::Usage)?;
    let run = Run::for_settings(&weights, &splits, &compute.device, config).in_chunks(chunk);
    Ok(Prepared {
        run,
        splits,
        compute,
        hidden: weights.hidden_sizes(),
    })
}
