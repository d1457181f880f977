//! Command-line flags and what the binary does with them.

use crate::data::DataSpec;
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
        ] {
            let message = parse(args).unwrap_err();
            assert!(message.contains(reason), "{args:?}: {message}");
        }
    }
}
