//! Synthetic trainer events for tests: a realistic run without burn.

use super::{App, DataInfo};
use crate::report::epoch::EpochMetrics;
use crate::report::health::{Health, Outcome, SATURATION};
use crate::report::plane::BoundaryMap;
use crate::report::run::{RunId, RunInfo, RunState};
use crate::report::snapshot::Snapshot;
use crate::report::sweep::SweepPoint;
use crate::report::units::LayerUnits;
use crate::report::weights::{Matrix, Weights};
use crate::settings::{
    Count, DataSpec, Generated, HiddenSizes, LearningRate, Pace, Playground, RunSettings, Source,
};
use crate::trainer::messages::{Event, JobEvent, SweepEvent, SweepPlan};
use std::time::Duration;

pub fn lr(lr: f64) -> LearningRate {
    LearningRate::new(lr).expect("a learning rate")
}

pub fn count(n: usize) -> Count {
    Count::new(n).expect("a count")
}

/// Sizes as `RunSettings::hidden` holds them.
#[expect(clippy::unnecessary_wraps, reason = "fits the field it fills")]
pub fn hidden(sizes: &str) -> Option<HiddenSizes> {
    Some(sizes.parse().expect("hidden sizes"))
}

/// The tutorial's run, as the trainer reports it (hidden sizes given).
pub fn settings() -> RunSettings {
    RunSettings {
        hidden: hidden("20"),
        ..RunSettings::tutorial()
    }
}

/// The dashboard's first pace.
pub const PACE: Pace = Pace::PerSecond(30.0);

pub fn data() -> DataInfo {
    DataInfo {
        name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: 12,
        planar: false,
    }
}

pub fn app() -> App {
    App::new(settings(), PACE, data(), true)
}

pub fn info(id: RunId, settings: RunSettings) -> RunInfo {
    RunInfo {
        id,
        settings,
        device: "Flex (cpu)".into(),
        data_name: "titanic".into(),
        train_rows: 713,
        valid_rows: 178,
        test_rows: 0,
        features: crate::data::titanic::FEATURES.map(String::from).to_vec(),
        planar: false,
        from_init: false,
    }
}

/// Epoch `epoch`'s figures at 40 ms per epoch.
pub fn metrics(epoch: usize, train_loss: f32, valid_loss: f32, accuracy: f32) -> EpochMetrics {
    EpochMetrics {
        epoch,
        train_loss,
        valid_loss,
        penalty: None,
        valid_accuracy: accuracy,
        elapsed: Duration::from_millis(40 * epoch as u64),
        stats: None,
    }
}

/// A loss falling from 0.54 towards 0.2, as the tutorial's run at lr 0.1 does.
pub fn learning(epochs: std::ops::RangeInclusive<usize>) -> Vec<EpochMetrics> {
    epochs
        .map(|e| {
            let t = e as f32;
            let train = 0.2 + 0.34 * (-t / 8.0).exp();
            let valid = 0.21 + 0.33 * (-t / 9.0).exp();
            let accuracy = 0.6 + 0.22 * (1.0 - (-t / 6.0).exp());
            metrics(e, train, valid, accuracy)
        })
        .collect()
}

pub fn epochs(run: RunId, metrics: Vec<EpochMetrics>) -> Event {
    Event::Epochs { run, metrics }
}

/// The events the trainer's detector finds in `metrics` and then in `health` (after the last
/// epoch), as the trainer sends them; without advice, since a made-up run has no step slice.
pub fn found(run: RunId, metrics: &[EpochMetrics], health: Option<&Health>) -> Event {
    let mut detector = crate::report::events::Detector::new();
    let mut events: Vec<_> = metrics.iter().flat_map(|m| detector.epoch(m)).collect();
    if let Some(health) = health {
        let epoch = metrics.last().map_or(0, |m| m.epoch);
        events.extend(detector.health(epoch, health));
    }
    Event::Training { run, events }
}

pub fn health(dead: usize, min_pred: f32, max_pred: f32) -> Health {
    Health {
        dead_units: dead,
        hidden_units: 20,
        min_pred,
        max_pred,
        // The tests' saturated snapshots have every prediction on one side.
        live_rows: if max_pred < SATURATION || min_pred > 1.0 - SATURATION {
            0
        } else {
            713
        },
    }
}

/// Small tensors shaped like the tutorial's: 12×4 hidden weights, 4×1 output weights, a bias.
pub fn snapshot(run: RunId, epoch: usize, health: Health) -> Event {
    snapshot_with_inputs(run, epoch, health, 12)
}

/// As [`snapshot`], with `inputs`×4 hidden weights.
pub fn snapshot_with_inputs(run: RunId, epoch: usize, health: Health, inputs: usize) -> Event {
    let hidden: Vec<f32> = (0..inputs * 4)
        .map(|i| ((i * 37 % 48) as f32 / 48.0 - 0.5) / 4.0 + (i % 5) as f32 * 0.01)
        .collect();
    Event::Snapshot {
        run,
        snapshot: Snapshot::new(
            epoch,
            Weights {
                hidden: vec![Matrix::new(inputs, 4, hidden)],
                output: Matrix::new(4, 1, vec![-0.21, 0.33, 0.52, 0.08]),
                bias: 0.41,
            },
            health,
            vec![LayerUnits {
                peak: (0..4)
                    .map(|i| if i < health.dead_units { 0.0 } else { 1.5 })
                    .collect(),
                active: [0.62, 1.0, 0.35, 0.8]
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| if i < health.dead_units { 0.0 } else { a })
                    .collect(),
                can_die: true,
                grad_norm: Some(vec![0.0, 0.021, 0.0043, 0.012]),
            }],
        ),
    }
}

/// Run 1 at lr 0.1, 12 epochs in, with a snapshot.
pub fn mid_run() -> App {
    let mut app = app();
    app.on_event(Event::Started(info(1, settings())));
    app.on_event(epochs(1, learning(1..=12)));
    app.on_event(snapshot(1, 12, health(2, 0.08, 0.93)));
    app
}

/// The generated circle set: two features.
pub fn planar_data() -> DataInfo {
    DataInfo {
        name: "circle".into(),
        train_rows: 320,
        valid_rows: 80,
        test_rows: 0,
        features: 2,
        planar: true,
    }
}

pub fn planar_settings() -> RunSettings {
    RunSettings {
        lr: lr(3.0),
        hidden: hidden("8"),
        epochs: count(300),
        data: DataSpec::default()
            .with_source(Source::Generated(Generated::new(Playground::Circle))),
        ..settings()
    }
}

pub fn planar_info(id: RunId, settings: RunSettings) -> RunInfo {
    RunInfo {
        data_name: "circle".into(),
        train_rows: 320,
        valid_rows: 80,
        features: vec!["x1".into(), "x2".into()],
        planar: true,
        ..info(id, settings)
    }
}

/// A network that has learnt the circle on a `cols × rows` grid over [-1.2, 1.2]²: P(class 1)
/// falls from 1 to 0 around radius 0.5; with 40 training points on a disc and a ring.
pub fn circle_map(cols: usize, rows: usize) -> BoundaryMap {
    let range = (-1.2, 1.2);
    let inputs = BoundaryMap::grid_inputs(cols, rows, range, range);
    let probs = inputs
        .chunks_exact(2)
        .map(|p| 1.0 / (1.0 + (12.0 * (p[0].hypot(p[1]) - 0.5)).exp()))
        .collect();
    let points = (0..40)
        .map(|i| {
            let angle = i as f32 * 2.399_963;
            let inside = i % 2 == 0;
            let radius = if inside {
                0.1 + 0.3 * ((i * 7 % 10) as f32 / 10.0)
            } else {
                0.75 + 0.3 * ((i * 3 % 10) as f32 / 10.0)
            };
            (radius * angle.cos(), radius * angle.sin(), inside)
        })
        .collect();
    BoundaryMap {
        cols,
        rows,
        probs,
        x_range: range,
        y_range: range,
        points,
    }
}

/// Run 1 on the circle, 12 epochs in, with a snapshot and the trainer's 96×64 boundary.
pub fn planar_mid_run() -> App {
    let mut app = App::new(planar_settings(), PACE, planar_data(), true);
    app.on_event(Event::Started(planar_info(1, planar_settings())));
    app.on_event(epochs(1, learning(1..=12)));
    app.on_event(snapshot_with_inputs(1, 12, health(0, 0.04, 0.97), 2));
    app.on_event(Event::Boundary {
        run: 1,
        map: circle_map(96, 64),
    });
    app
}

pub fn sweep_point(index: usize, lr: f64, train_loss: f32, outcome: Outcome) -> SweepPoint {
    SweepPoint {
        lr,
        index,
        first_loss: 0.54,
        train_loss,
        valid_loss: train_loss + 0.01,
        valid_accuracy: 0.8,
        dead_units: 0,
        hidden_units: 20,
        outcome,
    }
}

/// The default sweep's events: started, then the results of the rates `done` (indices), as
/// a sweep on the tutorial's network goes: learning up to lr ~3, then stalled, dead or NaN.
pub fn sweep_events(done: &[usize]) -> Vec<Event> {
    let spec = super::sweep_view::spec(300);
    let lrs = spec.learning_rates();
    let mut events = vec![Event::Sweep(SweepEvent::Started {
        run: 1,
        plan: SweepPlan {
            lrs: lrs.clone(),
            epochs: spec.epochs.get(),
        },
    })];
    for &i in done {
        let lr = lrs[i];
        let (loss, outcome) = match i {
            0..=2 => (0.45 - 0.05 * i as f32, Outcome::Learned),
            3..=7 => (0.3 - 0.02 * i as f32, Outcome::Learned),
            8 => (0.393, Outcome::Stalled),
            9 => (0.393, Outcome::Dead),
            10 => (0.61, Outcome::Diverged),
            _ => (f32::NAN, Outcome::Diverged),
        };
        events.push(Event::Sweep(JobEvent::Progress(sweep_point(
            i, lr, loss, outcome,
        ))));
    }
    events
}

/// The dashboard after a real run of the tutorial's network from seed 442: `hidden` units at
/// `lr` on `settings`' data (with their activations, loss and update rule), with the snapshots (boundary and unit maps on two-feature data)
/// the trainer would send after each of the epochs `at`, the last being the run's end. Times
/// are 40 ms per epoch, so screens do not depend on the machine.
pub fn trained(settings: RunSettings, at: &[usize]) -> App {
    let (splits, _, mut run) = start(&settings);
    let plane = crate::model::plane::Plane::of(&splits);
    let mut app = App::new(settings.clone(), Pace::Max, DataInfo::from(&splits), true);
    app.on_event(Event::Started(RunInfo {
        data_name: splits.name.clone(),
        train_rows: splits.train.rows(),
        valid_rows: splits.valid.rows(),
        test_rows: splits.test.rows(),
        features: splits.features().to_vec(),
        planar: splits.is_planar(),
        ..info(1, settings)
    }));
    let mut done = 0;
    let mut explainer = crate::model::explain::Explainer::new();
    for &epoch in at {
        explainer.mark(&run);
        let mut metrics = run.steps(epoch - done).expect("training");
        done = epoch;
        for m in &mut metrics {
            m.elapsed = Duration::from_millis(40 * m.epoch as u64);
        }
        let events = explainer.epochs(&run, &metrics);
        app.on_event(Event::Epochs { run: 1, metrics });
        app.on_event(Event::Training { run: 1, events });
        let seen = crate::trainer::snapshot::take(&run, plane.as_ref(), true).expect("a snapshot");
        let events = explainer.health(&run, &seen.snapshot.health);
        app.on_event(Event::Snapshot {
            run: 1,
            snapshot: seen.snapshot,
        });
        app.on_event(Event::Training { run: 1, events });
        if let Some((map, maps)) = seen.boundary {
            app.on_event(Event::Boundary { run: 1, map });
            app.on_event(Event::UnitMaps { run: 1, maps });
        }
    }
    app.on_event(Event::State {
        run: 1,
        state: RunState::Finished,
    });
    app
}

/// `settings`' data and a run of them from seed 442's coefficients, before its first epoch.
fn start(settings: &RunSettings) -> (crate::data::Splits, Weights, crate::model::run::Run) {
    use crate::model::data::Batches;
    use crate::model::network::init_weights;
    let splits = crate::data::load(&settings.data).expect("the test data");
    let device = burn::tensor::Device::flex();
    let hidden = settings.hidden_sizes();
    let weights = init_weights(splits.features().len(), hidden.sizes(), 442);
    let (lr, method) = (settings.lr.get(), &settings.method);
    let run =
        crate::model::run::Run::from_weights(&weights, &splits, &device, lr, Batches::FULL, method);
    (splits, weights, run)
}

/// What the trainer sends while the walk view is open on the run [`trained`] trains with
/// `settings`, paused after `epochs` epochs: the walk of the next epoch, `app`'s focus worked
/// by hand.
pub fn walk_event(app: &App, settings: &RunSettings, epochs: usize) -> Event {
    use crate::report::walk::{InitSource, InitWalk};
    let (splits, weights, mut run) = start(settings);
    run.steps(epochs).expect("training");
    let init = InitWalk::of(&weights, InitSource::Seed(442));
    let inputs = crate::model::walk::WalkInputs {
        train: &splits.train,
        init: &init,
        method: &settings.method,
        focus: app.walk_focus(),
    };
    let walk = run.walk(&inputs).expect("a walk");
    Event::Walk {
        run: 1,
        walk: Box::new(walk),
    }
}

/// Presses `code` and returns the commands it sends to the trainer.
pub fn press_sending(
    app: &mut App,
    code: crossterm::event::KeyCode,
) -> Vec<crate::trainer::messages::Command> {
    let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
    app.on_key(key)
        .into_iter()
        .filter_map(|effect| match effect {
            super::Effect::Send(command) => Some(command),
            _ => None,
        })
        .collect()
}
