//! How the trainer starts a run, decided without a thread: which data it trains on, where it
//! goes when its backend fails, and which coefficients it starts from.

use crate::model::network::init_weights;
use crate::report::weights::Weights;
use crate::settings::{Backend, DataSpec, RunSettings};

/// Which data a new run trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChoice {
    /// The current run's.
    Current,
    /// The data the dashboard started with.
    Original,
    /// Another data set, to load (or generate) first.
    Load,
}

pub fn data_for(requested: &DataSpec, current: &DataSpec, original: &DataSpec) -> DataChoice {
    if requested == current {
        DataChoice::Current
    } else if requested == original {
        DataChoice::Original
    } else {
        DataChoice::Load
    }
}

/// What to do when a run's backend cannot start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Train on the CPU instead: with no run yet there would be nothing to watch, and the
    /// CPU backend always works.
    Cpu,
    /// Keep the current run and say why the new one did not start.
    KeepCurrent,
}

pub fn after_backend_error(has_run: bool, backend: Backend) -> Fallback {
    if !has_run && backend != Backend::Cpu {
        Fallback::Cpu
    } else {
        Fallback::KeepCurrent
    }
}

/// The first run's start, which later runs with its seed and shape start from too.
#[derive(Debug, Clone)]
pub struct First {
    pub seed: u64,
    pub weights: Weights,
    /// The coefficients are the `--init` file's.
    pub from_init: bool,
}

/// A run's starting coefficients, and whether they are the `--init` file's.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub weights: Weights,
    pub from_init: bool,
}

/// Where a run with `settings` on data of `n_inputs` features starts: from `given` (the
/// `--init` file's, for the first run); else, with the first run's seed and shape, from the
/// first run's coefficients (its `--init` file's included); else from coefficients drawn with
/// the seed.
pub fn start(
    given: Option<Weights>,
    first: Option<&First>,
    settings: &RunSettings,
    n_inputs: usize,
) -> Start {
    let hidden = settings.hidden_sizes();
    if let Some(weights) = given {
        return Start {
            weights,
            from_init: true,
        };
    }
    match first {
        Some(first)
            if first.seed == settings.seed.get()
                && first.weights.hidden_sizes() == hidden.sizes()
                && first.weights.n_inputs() == n_inputs =>
        {
            Start {
                weights: first.weights.clone(),
                from_init: first.from_init,
            }
        }
        _ => Start {
            weights: init_weights(n_inputs, hidden.sizes(), settings.seed.get()),
            from_init: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Generated, HiddenSizes, Playground, Seed, Source};

    fn settings(seed: u64, hidden: &str) -> RunSettings {
        RunSettings {
            seed: Seed::new(seed).unwrap(),
            hidden: Some(hidden.parse::<HiddenSizes>().unwrap()),
            ..RunSettings::dashboard()
        }
    }

    #[test]
    fn a_restart_reuses_the_data_it_can() {
        let titanic = DataSpec::default();
        let circle = titanic.with_source(Source::Generated(Generated::new(Playground::Circle)));
        assert_eq!(data_for(&titanic, &titanic, &titanic), DataChoice::Current);
        assert_eq!(data_for(&titanic, &circle, &titanic), DataChoice::Original);
        assert_eq!(data_for(&circle, &titanic, &titanic), DataChoice::Load);
    }

    #[test]
    fn only_a_first_gpu_run_falls_back_to_the_cpu() {
        assert_eq!(after_backend_error(false, Backend::Wgpu), Fallback::Cpu);
        assert_eq!(
            after_backend_error(true, Backend::Wgpu),
            Fallback::KeepCurrent
        );
        assert_eq!(
            after_backend_error(false, Backend::Cpu),
            Fallback::KeepCurrent
        );
    }

    /// Runs with the first run's seed and shape start from its coefficients, `--init`'s too.
    #[test]
    fn the_first_runs_start_is_reused_for_its_seed_and_shape() {
        let init = init_weights(12, &[20], 7);
        let first = First {
            seed: 442,
            weights: init.clone(),
            from_init: true,
        };
        let start_of = |settings: &RunSettings, n| start(None, Some(&first), settings, n);
        assert!(start(Some(init.clone()), None, &settings(1, "3"), 12).from_init);
        assert_eq!(start_of(&settings(442, "20"), 12).weights, init);
        assert!(start_of(&settings(442, "20"), 12).from_init);
        for (other, n_inputs) in [
            (settings(442, "7"), 12),
            (settings(1, "20"), 12),
            (settings(442, "20"), 2),
        ] {
            let drawn = start_of(&other, n_inputs);
            assert!(!drawn.from_init);
            assert_eq!(drawn.weights.n_inputs(), n_inputs);
            assert_eq!(drawn.weights.hidden_sizes(), other.hidden_sizes().sizes());
        }
    }
}
