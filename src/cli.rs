//! The command line: clap's flags, every one optional, mapped into a settings [`Layer`]. The
//! values are checked by their [`crate::settings`] types; the defaults and what goes with what
//! are [`crate::settings::resolve`]'s.

use crate::settings::{
    Activations, Backend, Choice, ColumnName, Count, Delimiter, Features, FilePath, Format,
    HiddenSizes, Layer, LearningRate, Loss, LrRange, Momentum, Noise, Optimizer, Pace, Penalty,
    Playground, Points, Race, Scale, Seed, Steps, Switch, TestFraction, ValidFraction,
};
use clap::Parser;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use std::path::PathBuf;

/// Watch a neural network written from scratch learn, live in the terminal.
///
/// Trains the network of the "neural network from scratch" tutorial (inputs → ReLU hidden
/// layer → sigmoid output, mean absolute error, hand-written gradient descent) on the Titanic
/// passenger list, or on any CSV file with a two-valued target column.
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "nnfs-tui", version, allow_negative_numbers = true)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "command-line switches, each its own flag"
)]
pub struct Cli {
    /// Read settings from this TOML file (keys named as the flags: lr = 1.4, hidden = [10, 10],
    /// `valid_frac` = 0.2, ...); a flag given here overrides the file's value.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the loss of each epoch instead of opening the dashboard.
    #[arg(long)]
    pub headless: bool,

    /// Headless output: the tutorial's `0.539; 0.528; ...` line, or JSON lines [default: text].
    #[arg(long, value_parser = choice::<Format>())]
    pub format: Option<Format>,

    /// Dashboard pace: epochs per second, or `max` [default: 30].
    #[arg(long)]
    pub pace: Option<Pace>,

    /// Learning rate [default: 0.1 headless, 1.4 in the dashboard].
    #[arg(long)]
    pub lr: Option<LearningRate>,

    /// Hidden layer sizes, comma-separated (e.g. 20, or 10,10) [default: 20, or as in --init].
    #[arg(long)]
    pub hidden: Option<HiddenSizes>,

    /// Number of epochs [default: 30 headless, 1000 in the dashboard].
    #[arg(long)]
    pub epochs: Option<Count>,

    /// Seed of the starting coefficients: `torch.manual_seed(SEED)` [default: 442].
    #[arg(long)]
    pub seed: Option<Seed>,

    /// Where the network runs [default: cpu].
    #[arg(long, value_parser = choice::<Backend>())]
    pub backend: Option<Backend>,

    /// A CSV file to train on [default: the embedded Titanic passenger list].
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,

    /// The column to predict; it must take exactly two values [default: Survived].
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,

    /// What separates the columns of the CSV files: one character (; | ...) or tab [default:
    /// found in the first lines, as pandas' sep=None finds it].
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<Delimiter>,

    /// How numeric feature columns are scaled [default: max].
    #[arg(long, value_parser = choice::<Scale>())]
    pub scale: Option<Scale>,

    /// Fraction of the rows held out for validation [default: 0.2].
    #[arg(long)]
    pub valid_frac: Option<ValidFraction>,

    /// Fraction of the rows held out for the test set (evaluated at the end) [default: 0].
    #[arg(long)]
    pub test_frac: Option<TestFraction>,

    /// Seed of the random split: fastai's RandomSplitter(seed=N) [default: 42].
    #[arg(long)]
    pub split_seed: Option<Seed>,

    /// A validation CSV file with the same columns (instead of --valid-frac).
    #[arg(long, value_name = "PATH")]
    pub valid: Option<PathBuf>,

    /// A test CSV file with the same columns (instead of --test-frac).
    #[arg(long, value_name = "PATH")]
    pub test: Option<PathBuf>,

    /// A generated 2-D data set to train on instead of a file (TensorFlow Playground's; moons
    /// as scikit-learn's), seeded with --split-seed.
    #[arg(long, value_parser = choice::<Playground>())]
    pub dataset: Option<Playground>,

    /// Points in the generated data set (with --dataset) [default: 400].
    #[arg(long, value_name = "N")]
    pub points: Option<Points>,

    /// Noise of the generated data set, from 0 (clean) to 1 (with --dataset) [default: 0.1].
    #[arg(long, value_name = "F")]
    pub noise: Option<Noise>,

    /// The inputs made from a generated set's coordinates, as TensorFlow Playground offers
    /// them: x1, x2, x1sq (x1²), x2sq, x1x2, sinx1, sinx2, comma-separated (with --dataset)
    /// [default: x1,x2]
    #[arg(long, value_name = "F[,F..]")]
    pub features: Option<Features>,

    /// Rows per gradient step, in a new random order every epoch [default: all training rows,
    /// the tutorial's full batch]
    #[arg(long, value_name = "N")]
    pub batch_size: Option<Count>,

    /// The hidden layers' activation, or one per layer (relu,tanh): relu, `leaky_relu` (slope
    /// 0.01), tanh, sigmoid or linear [default: relu, the tutorial's]; the output stays a
    /// sigmoid
    #[arg(long, value_name = "NAME[,NAME..]")]
    pub activation: Option<Activations>,

    /// What the training minimises [default: mae, the tutorial's].
    #[arg(long, value_parser = choice::<Loss>())]
    pub loss: Option<Loss>,

    /// How the coefficients move after each gradient [default: sgd, the tutorial's].
    #[arg(long, value_parser = choice::<Optimizer>())]
    pub optimizer: Option<Optimizer>,

    /// The momentum of --optimizer momentum, from 0 up to 1 [default: 0.9].
    #[arg(long, value_name = "F")]
    pub momentum: Option<Momentum>,

    /// Add F * sum(|w|) over the weight matrices (not the bias) to the loss that is
    /// differentiated [default: 0].
    #[arg(long, value_name = "F")]
    pub l1: Option<Penalty>,

    /// Add F / 2 * sum(w^2) over the weight matrices (not the bias) to the loss that is
    /// differentiated [default: 0].
    #[arg(long, value_name = "F")]
    pub l2: Option<Penalty>,

    /// A race: 2 to 4 variants of the run, each with another value of one setting (lr,
    /// activation, loss, optimizer, momentum, l1, l2, `batch_size`), trained from the same
    /// starting coefficients side by side, e.g. loss=mae,bce or optimizer=sgd,momentum,adam;
    /// headless, a table of how each ended (in the dashboard, what R races)
    #[arg(long, value_name = "KEY=V1,V2[,..]")]
    pub race: Option<Race>,

    /// Learning-rate sweep: train the same starting coefficients at --steps learning rates
    /// evenly spaced on a log scale over FROM..TO (e.g. 0.01..100), on parallel CPU threads,
    /// and print a table of how each ended; needs --headless (in the dashboard, L sweeps)
    #[arg(long, value_name = "FROM..TO")]
    pub sweep: Option<LrRange>,

    /// Learning-rate finder, as fastai's finder: from the run's starting coefficients, one
    /// full-batch step per rate, the rates growing exponentially over FROM..TO [default:
    /// 0.001..1000], each step from the last one's weights; prints each step's loss and
    /// fastai's suggestions (valley, steep, minimum/10); needs --headless (in the dashboard, F)
    #[arg(long, value_name = "FROM..TO", num_args = 0..=1, default_missing_value = "0.001..1000")]
    pub lr_find: Option<LrRange>,

    /// Print epoch N walked through the tutorial's functions (`calc_preds`, `calc_loss`, the
    /// backward pass, `update_coeffs`, `model_accuracy`; `init_coeffs` for the start) with its
    /// shapes and numbers, and `wt_hidden[0, 0]`'s gradient worked by hand, after training N-1
    /// epochs; needs --headless (in the dashboard, 4 shows the walk)
    #[arg(long, value_name = "N")]
    pub walk: Option<Count>,

    /// Learning rates in a --sweep [default: 12] or --lr-find [default: 100].
    #[arg(long, value_name = "N")]
    pub steps: Option<Steps>,

    /// Headless: add each epoch's gradient norm and update:data ratio ||lr*grad|| / ||w|| per
    /// tensor to --format jsonl's epochs and to --history's columns, with the units' events
    #[arg(long)]
    pub dynamics: bool,

    /// In the dashboard, pause at a run's first event (the loss rose, diverged, units died, ...)
    #[arg(long)]
    pub pause_on_event: bool,

    /// In the dashboard, leave the mouse to the terminal (to select text); M toggles it
    #[arg(long)]
    pub no_mouse: bool,

    /// On a GPU, keep nothing of what autotune measured between starts (by default it is kept
    /// in $XDG_CACHE_HOME/nnfs-tui, so a second start skips it)
    #[arg(long)]
    pub no_gpu_cache: bool,

    /// Start from the coefficients in this safetensors file (`wt_hidden`, `wt_output`, `bias_output`).
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,

    /// Write the final coefficients to this safetensors file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Write the coefficients of the epoch with the lowest validation loss to this safetensors
    /// file (Keras' `restore_best_weights`).
    #[arg(long, value_name = "FILE")]
    pub save_best: Option<PathBuf>,

    /// Write the loss and accuracy of every epoch to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

/// One of `T`'s names, listed in `--help` with what each means.
fn choice<T: Choice + Send + Sync + Clone>() -> impl TypedValueParser<Value = T> {
    let names = T::ALL
        .iter()
        .map(|value| PossibleValue::new(value.name()).help(value.help()));
    PossibleValuesParser::new(names).try_map(|name| T::from_name(&name))
}

impl Cli {
    /// The settings the flags give.
    pub fn layer(self) -> Layer {
        let path = |path: Option<PathBuf>| path.map(FilePath);
        Layer {
            headless: self.headless.then_some(Switch(true)),
            format: self.format,
            pace: self.pace,
            lr: self.lr,
            hidden: self.hidden,
            epochs: self.epochs,
            seed: self.seed,
            backend: self.backend,
            data: path(self.data),
            target: self.target.map(ColumnName),
            delimiter: self.delimiter,
            scale: self.scale,
            valid_frac: self.valid_frac,
            test_frac: self.test_frac,
            split_seed: self.split_seed,
            valid: path(self.valid),
            test: path(self.test),
            dataset: self.dataset,
            points: self.points,
            noise: self.noise,
            features: self.features,
            batch_size: self.batch_size,
            activation: self.activation,
            loss: self.loss,
            optimizer: self.optimizer,
            momentum: self.momentum,
            l1: self.l1,
            l2: self.l2,
            race: self.race,
            sweep: self.sweep,
            lr_find: self.lr_find,
            steps: self.steps,
            walk: self.walk,
            dynamics: self.dynamics.then_some(Switch(true)),
            pause_on_event: self.pause_on_event.then_some(Switch(true)),
            mouse: self.no_mouse.then_some(Switch(false)),
            gpu_cache: self.no_gpu_cache.then_some(Switch(false)),
            init: path(self.init),
            save: path(self.save),
            save_best: path(self.save_best),
            history: path(self.history),
        }
    }
}

#[cfg(test)]
mod tests;
