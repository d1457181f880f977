//! How the worker starts a run: its data (loaded when new), its device (the CPU when a GPU
//! fails for the first run), its starting coefficients ([`super::super::policy`]).

use super::super::messages::Event;
use super::super::policy::{self, DataChoice, Fallback, First};
use super::{Active, BATCH_TIME, Loaded, Worker};
use crate::error::{Result, panic_text};
use crate::model::device::{self, Compute};
use crate::model::explain::Explainer;
use crate::model::memory;
use crate::model::run::{Run, Watch};
use crate::model::schedule::ReadBackBatch;
use crate::report::run::{RunInfo, RunState};
use crate::report::walk::{InitSource, InitWalk};
use crate::report::weights::Weights;
use crate::settings::{Backend, DataSpec, HiddenSizes, RunSettings};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

impl Worker {
    fn compute(&mut self, backend: Backend) -> Result<Compute> {
        let slot = match backend {
            Backend::Cpu => &mut self.cpu,
            Backend::Wgpu => &mut self.gpu,
        };
        if let Some(compute) = slot {
            return Ok(compute.clone());
        }
        if backend == Backend::Wgpu {
            let _ = self.outbox.send(Event::Initializing(backend));
        }
        let compute = device::init(backend)?;
        *slot = Some(compute.clone());
        Ok(compute)
    }

    /// `spec`'s data, loaded when it is not the current data (`None`: the current one).
    fn data_for(&self, spec: &DataSpec) -> Result<Option<Loaded>> {
        Ok(
            match policy::data_for(spec, &self.current.spec, &self.original.spec) {
                DataChoice::Current => None,
                DataChoice::Original => Some(Loaded::new(
                    self.original.spec.clone(),
                    self.original.splits.clone(),
                )),
                DataChoice::Load => Some(Loaded::new(spec.clone(), crate::data::load(spec)?)),
            },
        )
    }

    /// Starts a new run with `settings`, replacing the current one; `given` are the `--init`
    /// file's coefficients, for the first run.
    pub(in crate::trainer) fn start(&mut self, settings: RunSettings, given: Option<Weights>) {
        self.flush();
        // The new data becomes the current data only once the run starts on it.
        let loaded = match self.data_for(&settings.data) {
            Ok(loaded) => loaded,
            Err(error) => {
                self.emit(Event::Error(format!("{error}; the current run goes on")));
                return;
            }
        };
        let compute = match self.compute(settings.backend) {
            Ok(compute) => compute,
            Err(error) => {
                match policy::after_backend_error(self.active.is_some(), settings.backend) {
                    Fallback::Cpu => {
                        self.emit(Event::Error(format!(
                            "{error}; training on the CPU instead"
                        )));
                        let cpu = RunSettings {
                            backend: Backend::Cpu,
                            ..settings
                        };
                        self.start(cpu, given);
                    }
                    Fallback::KeepCurrent => {
                        self.emit(Event::Error(format!("{error}; the current run goes on")));
                    }
                }
                return;
            }
        };
        // The dashboard never dies of a run too big: it says so, and the current run goes on.
        let hidden = given.as_ref().map_or_else(
            || settings.hidden_sizes().sizes().to_vec(),
            Weights::hidden_sizes,
        );
        let on = loaded.as_ref().map_or(&self.current.splits, |l| &l.splits);
        if let Err(why) = memory::check(&settings, on, &hidden, &compute, 1) {
            self.emit(Event::Error(format!("{why}; the current run goes on")));
            return;
        }
        if let Some(loaded) = loaded {
            self.current = loaded;
        }
        let splits = &self.current.splits;
        let start = policy::start(
            given,
            self.first.as_ref(),
            &settings,
            splits.features().len(),
        );
        let id = self.next_id;
        self.next_id += 1;
        let built = catch_unwind(AssertUnwindSafe(|| {
            Run::for_settings(&start.weights, splits, &compute.device, &settings)
        }));
        let settings = RunSettings {
            hidden: HiddenSizes::new(start.weights.hidden_sizes()).ok(),
            ..settings
        };
        self.emit(Event::Started(RunInfo {
            id,
            settings: settings.clone(),
            device: compute.name.clone(),
            data_name: splits.name.clone(),
            train_rows: splits.train.rows(),
            valid_rows: splits.valid.rows(),
            test_rows: splits.test.rows(),
            features: splits.features().to_vec(),
            planar: splits.is_planar(),
            from_init: start.from_init,
        }));
        match built {
            Ok(run) => {
                self.first.get_or_insert_with(|| First {
                    seed: settings.seed.get(),
                    weights: start.weights.clone(),
                    from_init: start.from_init,
                });
                self.read_back = ReadBackBatch::new(BATCH_TIME);
                let told = InitWalk::of(&start.weights, init_source(&settings, start.from_init));
                self.active = Some(Active {
                    id,
                    run: run.watching(Watch::Sampled).keeping_best(),
                    settings,
                    state: RunState::Running,
                    start: told,
                    initial: start.weights,
                    due: Instant::now(),
                    explainer: Explainer::new(),
                });
                self.set_state(RunState::Running);
                self.snapshot();
            }
            Err(payload) => {
                self.active = None;
                let state = RunState::Failed(panic_text(payload.as_ref()));
                self.emit(Event::State { run: id, state });
            }
        }
    }
}

/// Where a run's start came from, as its walk tells it.
fn init_source(settings: &RunSettings, from_init: bool) -> InitSource {
    match settings.init.as_ref().filter(|_| from_init) {
        Some(path) => InitSource::File(path.display().to_string()),
        None => InitSource::Seed(settings.seed.get()),
    }
}
