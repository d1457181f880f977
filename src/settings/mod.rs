//! The settings of a session, in one model: every source (flags in [`crate::cli`], a session
//! file in [`crate::config`], the dashboard's form) maps into it, with the value rules of
//! [`values`] and the combination rules below, each stated once. Nothing here knows of clap,
//! burn or the terminal.
//!
//! Sources are layered flag > file > default in [`resolve`], which says where the settings of
//! a refused combination came from.

mod data;
mod method;
pub mod race;
pub mod values;

pub use data::{DataSpec, Generated, Source, SplitSpec, TableSpec};
pub use method::Method;
pub use race::Race;
pub use values::{
    Activation, Activations, Backend, Choice, ColumnName, Count, Delimiter, Feature, Features,
    FilePath, Format, HiddenSizes, LearningRate, Loss, LrRange, Momentum, Noise, Optimizer, Pace,
    Penalty, Playground, Points, Scale, Seed, Steps, Switch, TestFraction, ValidFraction,
};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One source's settings, each `None` unless the source gives it. The keys are the long
/// flags' names with `_` for `-`; the struct and its two methods come from one list.
macro_rules! layer {
    ($($key:ident: $ty:ty,)*) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Layer {
            $(#[serde(default, skip_serializing_if = "Option::is_none")]
            pub $key: Option<$ty>,)*
        }

        impl Layer {
            /// The keys this source gives.
            pub fn keys(&self) -> Vec<&'static str> {
                let mut keys = Vec::new();
                $(if self.$key.is_some() {
                    keys.push(stringify!($key));
                })*
                keys
            }

            /// Checks `raw` as key `key`'s value, by that setting's rule; `None` when there is
            /// no such key.
            pub fn check(key: &str, raw: values::Raw) -> Option<Result<(), String>> {
                match key {
                    $(stringify!($key) => Some(<$ty>::try_from(raw).map(drop)),)*
                    _ => None,
                }
            }

            /// These settings, with `lower`'s where these say nothing.
            #[must_use]
            pub fn over(self, lower: Layer) -> Layer {
                Layer { $($key: self.$key.or(lower.$key),)* }
            }
        }
    };
}

layer! {
    headless: Switch,
    format: Format,
    pace: Pace,
    lr: LearningRate,
    hidden: HiddenSizes,
    epochs: Count,
    seed: Seed,
    backend: Backend,
    data: FilePath,
    target: ColumnName,
    delimiter: Delimiter,
    scale: Scale,
    valid_frac: ValidFraction,
    test_frac: TestFraction,
    split_seed: Seed,
    valid: FilePath,
    test: FilePath,
    dataset: Playground,
    points: Points,
    noise: Noise,
    features: Features,
    batch_size: Count,
    activation: Activations,
    loss: Loss,
    optimizer: Optimizer,
    momentum: Momentum,
    l1: Penalty,
    l2: Penalty,
    race: Race,
    sweep: LrRange,
    lr_find: LrRange,
    steps: Steps,
    walk: Count,
    dynamics: Switch,
    pause_on_event: Switch,
    mouse: Switch,
    gpu_cache: Switch,
    init: FilePath,
    save: FilePath,
    save_best: FilePath,
    history: FilePath,
}

/// Everything that decides a training run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    pub data: DataSpec,
    pub lr: LearningRate,
    /// `None` takes them from `init`, or the tutorial's one layer of 20.
    pub hidden: Option<HiddenSizes>,
    pub epochs: Count,
    pub seed: Seed,
    pub backend: Backend,
    /// Rows per gradient step; `None` is the tutorial's full batch.
    pub batch_size: Option<Count>,
    /// Start from these coefficients instead of drawing them.
    pub init: Option<PathBuf>,
    /// Activations, loss, update rule and penalties (boxed: a run's settings travel in
    /// messages whose other kinds are small).
    pub method: Box<Method>,
}

impl RunSettings {
    /// The tutorial's run: lr 0.1, 30 epochs, 20 hidden units, seed 442, on Titanic.
    pub fn tutorial() -> Self {
        RunSettings {
            data: DataSpec::default(),
            lr: LearningRate(0.1),
            hidden: None,
            epochs: Count(30),
            seed: Seed(442),
            backend: Backend::Cpu,
            batch_size: None,
            init: None,
            method: Box::default(),
        }
    }

    /// The dashboard's first run: the tutorial's first working example (lr 1.4) over 1000
    /// epochs, so that there is time to play with it.
    pub fn dashboard() -> Self {
        RunSettings {
            lr: LearningRate(1.4),
            epochs: Count(1000),
            ..RunSettings::tutorial()
        }
    }

    /// The hidden sizes, the tutorial's where none are set.
    pub fn hidden_sizes(&self) -> HiddenSizes {
        self.hidden.clone().unwrap_or_else(HiddenSizes::tutorial)
    }

    /// Every setting of the run as a session file's keys, written out even where it is the
    /// default, so that a file replays the run when the defaults change.
    pub fn layer(&self) -> Layer {
        Layer {
            lr: Some(self.lr),
            hidden: self.hidden.clone(),
            epochs: Some(self.epochs),
            seed: Some(self.seed),
            backend: Some(self.backend),
            batch_size: self.batch_size,
            init: self.init.clone().map(FilePath),
            ..self.method.layer().over(self.data.layer())
        }
    }
}

/// A learning-rate sweep: `steps` rates from `range.from` to `range.to`, evenly spaced on a
/// log scale, both ends included, each trained for `epochs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepSpec {
    pub range: LrRange,
    pub steps: Steps,
    pub epochs: Count,
}

impl SweepSpec {
    /// From far too small to far too large for the tutorial's network.
    pub const DEFAULT_RANGE: LrRange = LrRange {
        from: 0.01,
        to: 100.0,
    };
    pub const DEFAULT_STEPS: Steps = Steps(12);

    /// The learning rates, increasing.
    pub fn learning_rates(&self) -> Vec<f64> {
        let (low, high) = (self.range.from.ln(), self.range.to.ln());
        let last = (self.steps.get() - 1) as f64;
        (0..self.steps.get())
            .map(|i| (low + (high - low) * i as f64 / last).exp())
            .collect()
    }
}

/// The rates a finder tries: `steps` of them from `range.from` to `range.to`, evenly spaced on
/// a log scale, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinderSpec {
    pub range: LrRange,
    pub steps: Steps,
}

impl FinderSpec {
    /// `lr_i = 1e-3 · (1e6)^(i / 99)`, `i = 0..99`.
    pub const DEFAULT_RANGE: LrRange = LrRange {
        from: 1e-3,
        to: 1e3,
    };
    pub const DEFAULT_STEPS: Steps = Steps(100);

    pub fn rates(&self) -> Vec<f64> {
        let n = self.steps.get();
        let ratio = self.range.to / self.range.from;
        let last = (n.max(2) - 1) as f64;
        (0..n)
            .map(|i| self.range.from * ratio.powf(i as f64 / last))
            .collect()
    }
}

impl Default for FinderSpec {
    fn default() -> Self {
        FinderSpec {
            range: Self::DEFAULT_RANGE,
            steps: Self::DEFAULT_STEPS,
        }
    }
}

/// Everything a session file or the command line sets.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches, each its own flag"
)]
pub struct Session {
    pub run: RunSettings,
    pub headless: bool,
    pub format: Format,
    /// The dashboard's pace.
    pub pace: Pace,
    /// A learning-rate sweep instead of one run.
    pub sweep: Option<SweepSpec>,
    /// A learning-rate finder instead of one run.
    pub lr_find: Option<FinderSpec>,
    /// Headless: a race of variants instead of one run; in the dashboard, what `R` races.
    pub race: Option<Race>,
    /// Headless: the walk of this epoch through the tutorial's functions instead of a run.
    pub walk: Option<Count>,
    /// Headless: each epoch's gradient norms and update ratios, and the units' events.
    pub dynamics: bool,
    /// The dashboard pauses at the first event of a run.
    pub pause_on_event: bool,
    /// The dashboard captures the mouse (`--no-mouse` leaves it to the terminal).
    pub mouse: bool,
    /// A GPU's autotune results are kept in the user's cache folder between starts
    /// (`--no-gpu-cache` keeps nothing).
    pub gpu_cache: bool,
    /// Where a headless run writes its final coefficients, those of its best validation epoch,
    /// and its history.
    pub save: Option<PathBuf>,
    pub save_best: Option<PathBuf>,
    pub history: Option<PathBuf>,
}

impl Session {
    /// Whether it writes a run's outputs (`--save`, `--save-best`, `--history`).
    pub fn writes_a_run(&self) -> bool {
        self.save.is_some() || self.save_best.is_some() || self.history.is_some()
    }
}

/// Where a layer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin<'a> {
    Flag,
    File(&'a str),
}

/// The flags and the file, for saying where a setting came from.
struct Sources<'a> {
    flags: Vec<&'static str>,
    file: Option<(&'a str, Vec<&'static str>)>,
}

impl Sources<'_> {
    fn origin(&self, key: &str) -> Option<Origin<'_>> {
        if self.flags.contains(&key) {
            return Some(Origin::Flag);
        }
        let (name, keys) = self.file.as_ref()?;
        keys.contains(&key).then_some(Origin::File(name))
    }

    fn file_name(&self) -> Option<&str> {
        self.file.as_ref().map(|(name, _)| *name)
    }
}

/// `--valid-frac`, or `'valid_frac' in FILE`.
fn named(key: &str, origin: Origin) -> String {
    match origin {
        Origin::Flag => format!("--{}", key.replace('_', "-")),
        Origin::File(file) => format!("'{key}' in {file}"),
    }
}

/// The settings of a data file, which a generated data set has no use for.
const FILE_KEYS: [&str; 6] = ["data", "target", "delimiter", "scale", "valid", "test"];
/// Settings that mean nothing without another.
const NEEDS: [(&str, &str); 4] = [
    ("points", "dataset"),
    ("noise", "dataset"),
    ("features", "dataset"),
    ("steps", "sweep"),
];

/// Refuses settings that do not go together, naming where each came from.
fn check_combinations(sources: &Sources) -> Result<(), String> {
    if let Some(dataset) = sources.origin("dataset")
        && let Some((key, origin)) = FILE_KEYS
            .iter()
            .find_map(|&key| sources.origin(key).map(|origin| (key, origin)))
    {
        let clash = match (dataset, origin) {
            (Origin::File(file), Origin::File(_)) => {
                format!("{file}: 'dataset' cannot be used with '{key}'")
            }
            _ => format!(
                "{} cannot be used with {}",
                named("dataset", dataset),
                named(key, origin)
            ),
        };
        return Err(format!(
            "{clash} (a generated data set has no file settings; drop one of them)"
        ));
    }
    for (key, needed) in NEEDS {
        let (Some(origin), None) = (sources.origin(key), sources.origin(needed)) else {
            continue;
        };
        // --steps counts the finder's rates too.
        if key == "steps" && sources.origin("lr_find").is_some() {
            continue;
        }
        let flag = |key: &str| named(key, Origin::Flag);
        return Err(match (origin, sources.file_name()) {
            (Origin::File(file), _) => {
                format!(
                    "{file}: '{key}' needs '{needed}' (in the file, or {})",
                    flag(needed)
                )
            }
            (Origin::Flag, Some(file)) => format!(
                "{} needs {} (or '{needed}' in {file})",
                flag(key),
                flag(needed)
            ),
            (Origin::Flag, None) => format!("{} needs {}", flag(key), flag(needed)),
        });
    }
    Ok(())
}

/// The session that the flags and the file (with its name) describe: flag > file > default.
/// A combination the settings refuse is one message, naming the source of each setting.
pub fn resolve(flags: Layer, file: Option<(Layer, &str)>) -> Result<Session, String> {
    let sources = Sources {
        flags: flags.keys(),
        file: file.as_ref().map(|(layer, name)| (*name, layer.keys())),
    };
    check_combinations(&sources)?;
    let layer = match file {
        Some((file, _)) => flags.over(file),
        None => flags,
    };
    check_method(&sources, &layer)?;
    let headless = layer.headless.is_some_and(|on| on.0);
    let defaults = if headless {
        RunSettings::tutorial()
    } else {
        RunSettings::dashboard()
    };
    let run = RunSettings {
        data: DataSpec::from_layer(&layer),
        method: Box::new(Method::from_layer(&layer)),
        lr: layer.lr.unwrap_or(defaults.lr),
        hidden: layer.hidden,
        epochs: layer.epochs.unwrap_or(defaults.epochs),
        seed: layer.seed.unwrap_or(defaults.seed),
        backend: layer.backend.unwrap_or_default(),
        batch_size: layer.batch_size,
        init: layer.init.map(|path| path.0),
    };
    let sweep = layer.sweep.map(|range| SweepSpec {
        range,
        steps: layer.steps.unwrap_or(SweepSpec::DEFAULT_STEPS),
        // The tutorial's epochs unless set: a sweep trains many runs.
        epochs: layer.epochs.unwrap_or(RunSettings::tutorial().epochs),
    });
    let lr_find = layer.lr_find.map(|range| FinderSpec {
        range,
        steps: layer.steps.unwrap_or(FinderSpec::DEFAULT_STEPS),
    });
    let on = |switch: Option<Switch>| switch.is_some_and(|on| on.0);
    let session = Session {
        run,
        headless,
        format: layer.format.unwrap_or_default(),
        pace: layer.pace.unwrap_or(Pace::PerSecond(30.0)),
        sweep,
        lr_find,
        race: layer.race,
        walk: layer.walk,
        dynamics: on(layer.dynamics),
        pause_on_event: on(layer.pause_on_event),
        mouse: layer.mouse.is_none_or(|on| on.0),
        gpu_cache: layer.gpu_cache.is_none_or(|on| on.0),
        save: layer.save.map(|path| path.0),
        save_best: layer.save_best.map(|path| path.0),
        history: layer.history.map(|path| path.0),
    };
    check_sweep(&session)?;
    check_dynamics(&session)?;
    check_race(&session)?;
    check_walk(&session)?;
    Ok(session)
}

/// A walk prints one epoch of one run: not in the dashboard (whose walk view is `4`), not
/// with another job, nor with a whole run's outputs.
fn check_walk(session: &Session) -> Result<(), String> {
    if session.walk.is_none() {
        return Ok(());
    }
    let why = if !session.headless {
        "prints one epoch walked through the tutorial's functions: add --headless (in the dashboard, 4 shows the walk)"
    } else if session.sweep.is_some() || session.lr_find.is_some() || session.race.is_some() {
        "walks one run's epoch: drop --sweep, --lr-find or --race"
    } else if session.writes_a_run() || session.dynamics {
        "prints one epoch: --save, --save-best, --history and --dynamics are for a run"
    } else {
        return Ok(());
    };
    Err(format!("--walk {why}"))
}

/// The momentum goes with its update rule; a list of activations, with as many hidden layers
/// (the `--init` file's are checked when it is read).
fn check_method(sources: &Sources, layer: &Layer) -> Result<(), String> {
    if let Some(origin) = sources.origin("momentum")
        && layer.optimizer != Some(Optimizer::Momentum)
    {
        return Err(format!(
            "{} is the momentum of --optimizer momentum: add that, or drop the momentum",
            named("momentum", origin)
        ));
    }
    if let (Some(activation), Some(origin), None) =
        (&layer.activation, sources.origin("activation"), &layer.init)
    {
        let layers = layer.hidden.as_ref().map_or(1, |h| h.sizes().len());
        activation
            .check_layers(layers)
            .map_err(|why| format!("{}: {why}", named("activation", origin)))?;
    }
    Ok(())
}

/// The finder, the figures of --dynamics and the pause at an event each go with one kind of
/// session.
fn check_dynamics(session: &Session) -> Result<(), String> {
    let refusal = if session.lr_find.is_some() && session.sweep.is_some() {
        "--lr-find and --sweep each try many rates: choose one"
    } else if session.lr_find.is_some() && !session.headless {
        "--lr-find prints its steps: add --headless (in the dashboard, F finds a rate)"
    } else if session.lr_find.is_some() && session.writes_a_run() {
        "--lr-find never changes the run: --save, --save-best and --history are for a run"
    } else if session.dynamics
        && session.headless
        && session.format == Format::Text
        && session.history.is_none()
    {
        "--dynamics adds figures to --format jsonl and to --history: add one of them"
    } else if session.pause_on_event && session.headless {
        "--pause-on-event pauses the dashboard: drop --headless"
    } else {
        return Ok(());
    };
    Err(refusal.to_string())
}

/// A headless race is many CPU runs side by side: not with another job's many runs, nor with
/// one run's outputs, nor on the GPU.
fn check_race(session: &Session) -> Result<(), String> {
    if session.race.is_none() || !session.headless {
        return Ok(());
    }
    let why = if session.sweep.is_some() || session.lr_find.is_some() {
        "trains its variants at the run's rate: drop --sweep or --lr-find"
    } else if session.writes_a_run() {
        "trains many runs: --save, --save-best and --history are for one run"
    } else if session.run.backend == Backend::Wgpu {
        "trains its variants on the CPU, side by side: drop --backend wgpu"
    } else {
        return Ok(());
    };
    Err(format!("--race {why}"))
}

/// A sweep prints a table of many CPU runs: the dashboard, or settings about one run's
/// outputs, do not go with it.
fn check_sweep(session: &Session) -> Result<(), String> {
    if session.sweep.is_none() {
        return Ok(());
    }
    let why = if !session.headless {
        "prints a table: add --headless (in the dashboard, L starts a sweep)"
    } else if session.writes_a_run() {
        "trains many runs: --save, --save-best and --history are for one run"
    } else if session.run.backend == Backend::Wgpu {
        "trains on the CPU, one run per core: drop --backend wgpu"
    } else {
        return Ok(());
    };
    Err(format!("--sweep {why}"))
}

#[cfg(test)]
mod tests;
