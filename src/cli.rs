//! Command-line flags and what the binary does with them.

use crate::data::DataSpec;
use crate::data::playground::{DEFAULT_NOISE, DEFAULT_POINTS, MAX_POINTS, Playground};
use crate::data::prep::Scale;
use crate::error::{Error, Result};
use crate::headless::{self, Format, Outputs};
use crate::model::device::Backend;
use crate::model::network::check_hidden;
use crate::setup::RunConfig;
use crate::trainer::messages::Pace;
use clap::Parser;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Watch a neural network written from scratch learn, live in the terminal.
///
/// Trains the network of the "neural network from scratch" tutorial (inputs → ReLU hidden
/// layer → sigmoid output, mean absolute error, hand-written gradient descent) on the Titanic
/// passenger list, or on any CSV file with a two-valued target column.
#[derive(Debug, Parser)]
#[command(name = "nnfs-tui", version, allow_negative_numbers = true)]
pub struct Cli {
    /// Print the loss of each epoch instead of opening the dashboard.
    #[arg(long)]
    pub headless: bool,

    /// Headless output: the tutorial's `0.539; 0.528; ...` line, or JSON lines.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Dashboard pace: epochs per second, or `max` [default: 30].
    #[arg(long, value_parser = pace)]
    pub pace: Option<Pace>,

    /// Learning rate [default: 0.1 headless, 1.4 in the dashboard].
    #[arg(long, value_parser = positive_f64)]
    pub lr: Option<f64>,

    /// Hidden layer sizes, comma-separated (e.g. 20, or 10,10) [default: 20, or as in --init].
    #[arg(long, value_delimiter = ',', value_parser = hidden_size)]
    pub hidden: Option<Vec<usize>>,

    /// Number of epochs [default: 30 headless, 1000 in the dashboard].
    #[arg(long, value_parser = positive_usize)]
    pub epochs: Option<usize>,

    /// Seed for the starting coefficients.
    #[arg(long, default_value_t = 442)]
    pub seed: u64,

    /// Where the network runs.
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    pub backend: Backend,

    /// A CSV file to train on [default: the embedded Titanic passenger list].
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,

    /// The column to predict; it must take exactly two values [default: Survived].
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,

    /// How numeric feature columns are scaled.
    #[arg(long, value_enum, default_value_t = Scale::Max)]
    pub scale: Scale,

    /// Fraction of the rows held out for validation.
    #[arg(long, default_value_t = 0.2, value_parser = fraction)]
    pub valid_frac: f64,

    /// Fraction of the rows held out for the test set (evaluated at the end).
    #[arg(long, default_value_t = 0.0, value_parser = fraction_or_zero)]
    pub test_frac: f64,

    /// Seed of the random split.
    #[arg(long, default_value_t = 42)]
    pub split_seed: u64,

    /// A validation CSV file with the same columns (instead of --valid-frac).
    #[arg(long, value_name = "PATH")]
    pub valid: Option<PathBuf>,

    /// A test CSV file with the same columns (instead of --test-frac).
    #[arg(long, value_name = "PATH")]
    pub test: Option<PathBuf>,

    /// A generated 2-D data set to train on instead of a file (TensorFlow Playground's; moons
    /// as scikit-learn's), seeded with --split-seed.
    #[arg(long, value_enum, conflicts_with_all = FILE_FLAGS)]
    pub dataset: Option<Playground>,

    /// Points in the generated data set (with --dataset).
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_POINTS,
        value_parser = point_count,
        requires = "dataset",
        conflicts_with_all = FILE_FLAGS
    )]
    pub points: usize,

    /// Noise of the generated data set, from 0 (clean) to 1 (with --dataset).
    #[arg(
        long,
        value_name = "F",
        default_value_t = DEFAULT_NOISE,
        value_parser = noise,
        requires = "dataset",
        conflicts_with_all = FILE_FLAGS
    )]
    pub noise: f32,

    /// Start from the coefficients in this safetensors file (wt_hidden, wt_output, bias_output).
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,

    /// Write the final coefficients to this safetensors file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Write the loss and accuracy of every epoch to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(value),
        _ => Err("expected a number greater than 0".into()),
    }
}

fn positive_usize(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err("expected a whole number of at least 1".into()),
    }
}

fn pace(text: &str) -> Result<Pace, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pace::Max);
    }
    positive_f64(text)
        .map(Pace::PerSecond)
        .map_err(|_| "expected epochs per second (a number > 0) or max".into())
}

fn hidden_size(text: &str) -> Result<usize, String> {
    let size = positive_usize(text).unwrap_or(0);
    check_hidden(&[size]).map(|()| size)
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value < 1.0 => Ok(value),
        _ => Err("expected a fraction between 0 and 1 (exclusive)".into()),
    }
}

fn fraction_or_zero(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..1.0).contains(&value) => Ok(value),
        _ => Err("expected a fraction from 0 up to (not including) 1".into()),
    }
}

/// The flags that describe a data file, which a generated data set has no use for. (Listed
/// for --points and --noise too: clap drops their `requires` when --dataset itself conflicts.)
const FILE_FLAGS: [&str; 5] = ["data", "target", "scale", "valid", "test"];

fn point_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=MAX_POINTS).contains(&value) => Ok(value),
        _ => Err(format!("expected a whole number from 1 to {MAX_POINTS}")),
    }
}

fn noise(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err("expected a fraction from 0 (clean) to 1".into()),
    }
}

impl Cli {
    /// The run these flags describe, with the tutorial's defaults where a flag is absent.
    pub fn run_config(&self) -> RunConfig {
        self.config_with_defaults(&RunConfig::default())
    }

    /// The dashboard's first run: where no flag says otherwise, the tutorial's first working
    /// example (lr 1.4) over 1000 epochs at 30 epochs/s, so the curve forms within seconds
    /// and there is time to play with it.
    pub fn dashboard_config(&self) -> (RunConfig, Pace) {
        let defaults = RunConfig {
            lr: 1.4,
            epochs: 1000,
            ..RunConfig::default()
        };
        let pace = self.pace.unwrap_or(Pace::PerSecond(30.0));
        (self.config_with_defaults(&defaults), pace)
    }

    fn config_with_defaults(&self, tutorial: &RunConfig) -> RunConfig {
        RunConfig {
            data: DataSpec {
                data: self.data.clone(),
                target: self.target.clone(),
                scale: self.scale,
                valid_frac: self.valid_frac,
                test_frac: self.test_frac,
                split_seed: self.split_seed,
                valid: self.valid.clone(),
                test: self.test.clone(),
                dataset: self.dataset,
                points: self.points,
                noise: self.noise,
            },
            lr: self.lr.unwrap_or(tutorial.lr),
            hidden: self.hidden.clone(),
            epochs: self.epochs.unwrap_or(tutorial.epochs),
            seed: self.seed,
            backend: self.backend,
            init: self.init.clone(),
        }
    }

    fn outputs(&self) -> Outputs {
        Outputs {
            format: self.format,
            history: self.history.clone(),
            save: self.save.clone(),
        }
    }
}

/// Runs the binary with parsed flags.
pub fn run(cli: &Cli) -> Result<()> {
    if let Some(hidden) = &cli.hidden {
        check_hidden(hidden).map_err(|why| Error::Usage(format!("invalid --hidden: {why}")))?;
    }
    if !cli.headless {
        if !std::io::stdout().is_terminal() {
            return Err(Error::Usage(
                "the dashboard needs a terminal: run it in one, or use --headless to print the losses".into(),
            ));
        }
        let (config, pace) = cli.dashboard_config();
        return crate::tui::run(&config, pace);
    }
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    headless::run(
        &cli.run_config(),
        &cli.outputs(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<Cli, String> {
        Cli::try_parse_from(std::iter::once("nnfs-tui").chain(args.iter().copied()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn absent_flags_take_the_tutorials_defaults() {
        let config = parse(&["--headless"]).unwrap().run_config();
        assert_eq!(config, RunConfig::default());
    }

    #[test]
    fn hidden_sizes_are_a_comma_separated_list() {
        let cli = parse(&["--hidden", "10,5"]).unwrap();
        assert_eq!(cli.hidden, Some(vec![10, 5]));
    }

    #[test]
    fn bad_numbers_are_refused_with_a_reason() {
        for (args, reason) in [
            (&["--lr", "0"][..], "expected a number greater than 0"),
            (&["--lr", "NaN"], "expected a number greater than 0"),
            (&["--lr", "-1"], "expected a number greater than 0"),
            (
                &["--hidden", "0"],
                "each hidden layer needs 1 to 4096 units",
            ),
            (
                &["--hidden", "20,0"],
                "each hidden layer needs 1 to 4096 units",
            ),
            (
                &["--hidden", "100000"],
                "each hidden layer needs 1 to 4096 units",
            ),
            (&["--epochs", "0"], "expected a whole number of at least 1"),
            (
                &["--valid-frac", "1"],
                "expected a fraction between 0 and 1",
            ),
            (
                &["--dataset", "circle", "--points", "0"],
                "expected a whole number from 1 to 1000000",
            ),
            (
                &["--dataset", "circle", "--points", "1000001"],
                "expected a whole number from 1 to 1000000",
            ),
            (
                &["--dataset", "circle", "--points", "-5"],
                "expected a whole number from 1 to 1000000",
            ),
            (
                &["--dataset", "circle", "--noise", "1.5"],
                "expected a fraction from 0 (clean) to 1",
            ),
            (
                &["--dataset", "circle", "--noise", "-0.1"],
                "expected a fraction from 0 (clean) to 1",
            ),
            (
                &["--dataset", "circle", "--noise", "NaN"],
                "expected a fraction from 0 (clean) to 1",
            ),
            (&["--dataset", "square"], "invalid value 'square'"),
        ] {
            let message = parse(args).unwrap_err();
            assert!(message.contains(reason), "{args:?}: {message}");
        }
    }

    #[test]
    fn a_generated_data_set_reaches_the_run() {
        let config = parse(&[
            "--headless",
            "--dataset",
            "spiral",
            "--points",
            "1000",
            "--noise",
            "0",
        ])
        .unwrap()
        .run_config();
        assert_eq!(config.data.dataset, Some(Playground::Spiral));
        assert_eq!((config.data.points, config.data.noise), (1000, 0.0));
        let config = parse(&["--dataset", "moons"]).unwrap().dashboard_config().0;
        assert_eq!(config.data.dataset, Some(Playground::Moons));
        assert_eq!((config.data.points, config.data.noise), (400, 0.1));
        for name in ["circle", "xor", "gauss", "spiral", "moons"] {
            assert!(parse(&["--dataset", name]).is_ok(), "{name}");
        }
        assert!(parse(&["--dataset", "xor", "--noise", "1"]).is_ok());
        assert!(parse(&["--dataset", "xor", "--points", "1000000"]).is_ok());
    }

    #[test]
    fn a_generated_data_set_excludes_file_flags() {
        for flag in [
            &["--data", "a.csv"][..],
            &["--target", "y"],
            &["--scale", "none"],
            &["--valid", "v.csv"],
            &["--test", "t.csv"],
        ] {
            let args = [&["--dataset", "circle"][..], flag].concat();
            let message = parse(&args).unwrap_err();
            assert!(
                message.contains("cannot be used with"),
                "{args:?}: {message}"
            );
        }
        for args in [
            &["--noise", "0.3", "--data", "a.csv"][..],
            &["--points", "10", "--target", "y"],
        ] {
            let message = parse(args).unwrap_err();
            assert!(
                message.contains("cannot be used with"),
                "{args:?}: {message}"
            );
        }
        // Split flags apply to generated data as to files.
        assert!(
            parse(&[
                "--dataset",
                "circle",
                "--valid-frac",
                "0.3",
                "--test-frac",
                "0.1"
            ])
            .is_ok()
        );
    }

    #[test]
    fn points_and_noise_need_a_generated_data_set() {
        for args in [&["--points", "100"][..], &["--noise", "0.2"]] {
            let message = parse(args).unwrap_err();
            assert!(message.contains("--dataset"), "{args:?}: {message}");
        }
        let cli = parse(&["--data", "a.csv"]).unwrap();
        assert_eq!((cli.points, cli.noise), (400, 0.1));
    }
}
