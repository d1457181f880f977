//! How the worker starts a run: its data (loaded when new), its device (the CPU when a GPU
//! fails for the first run), its starting coefficients ([`super::super::policy`]).

use super::super::messages::{Event, RunInfo, RunSettings, RunState};
use super::super::policy::{self, DataChoice, Fallback, First};
use super::{Active, BATCH_TIME, Loaded, Worker, panic_text};
use crate::error::Result;
use crate::model::device::{self, Compute};
use crate::model::weights::Weights;
use crate::model::{Batches, ReadBackBatch, Run};
use crate::settings::{Backend, DataSpec, HiddenSizes};
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

    /// Makes `spec`'s data the current data, loading it if needed.
    fn switch_data(&mut self, spec: &DataSpec) -> Result<()> {
        match policy::data_for(spec, &self.current.spec, &self.original.spec) {
            DataChoice::Current => {}
            DataChoice::Original => {
                self.current =
                    Loaded::new(self.original.spec.clone(), self.original.splits.clone());
            }
            DataChoice::Load => {
                self.current = Loaded::new(spec.clone(), crate::data::load(spec)?);
            }
        }
        Ok(())
    }

    /// Starts a new run with `settings`, replacing the current one; `given` are the `--init`
    /// file's coefficients, for the first run.
    pub(in crate::trainer) fn start(&mut self, settings: RunSettings, given: Option<Weights>) {
        self.flush();
        if let Err(error) = self.switch_data(&settings.data) {
            self.emit(Event::Error(format!("{error}; the current run goes on")));
            return;
        }
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
        let id = self.next_id;
        self.next_id += 1;
        let splits = &self.current.splits;
        let start = policy::start(
            given,
            self.first.as_ref(),
            &settings,
            splits.features().len(),
        );
        let built = catch_unwind(AssertUnwindSafe(|| {
            Run::from_weights(
                &start.weights,
                splits,
                &compute.device,
                settings.lr.get(),
                Batches::of(&settings),
            )
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
                self.active = Some(Active {
                    id,
                    run,
                    settings,
                    state: RunState::Running,
                    initial: start.weights,
                    due: Instant::now(),
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
