//! Command-line flags and what the binary does with them.

use crate::config::Config;
use crate::data::DataSpec;
use crate::data::playground::{DEFAULT_NOISE, DEFAULT_POINTS, MAX_POINTS, MIN_POINTS, Playground};
use crate::data::prep::Scale;
use crate::error::{Error, Result};
use crate::headless::{self, Format, Outputs};
use crate::model::device::Backend;
use crate::model::network::check_hidden;
use crate::setup::RunConfig;
use crate::sweep::SweepSpec;
use crate::trainer::messages::Pace;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Watch a neural network written from scratch learn, live in the terminal.
///
/// Trains the network of the "neural network from scratch" tutorial (inputs → ReLU hidden
/// layer → sigmoid output, mean absolute error, hand-written gradient descent) on the Titanic
/// passenger list, or on any CSV file with a two-valued target column.
#[derive(Debug, Clone, Parser)]
#[command(name = "nnfs-tui", version, allow_negative_numbers = true)]
pub struct Cli {
    /// Read settings from this TOML file (keys named as the flags: lr = 1.4, hidden = [10, 10],
    /// valid_frac = 0.2, ...); a flag given here overrides the file's value.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

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

    /// Rows per gradient step, in a new random order every epoch [default: all training rows,
    /// the tutorial's full batch]
    #[arg(long, value_name = "N", value_parser = positive_usize)]
    pub batch_size: Option<usize>,

    /// Learning-rate sweep: train the same starting coefficients at --steps learning rates
    /// evenly spaced on a log scale over FROM..TO (e.g. 0.01..100), on parallel CPU threads,
    /// and print a table of how each ended; needs --headless (in the dashboard, L sweeps)
    #[arg(long, value_name = "FROM..TO", value_parser = sweep_range)]
    pub sweep: Option<(f64, f64)>,

    /// Learning rates in a --sweep.
    #[arg(long, value_name = "N", default_value_t = SweepSpec::DEFAULT_STEPS, value_parser = sweep_steps, requires = "sweep")]
    pub steps: usize,

    /// Start from the coefficients in this safetensors file (wt_hidden, wt_output, bias_output).
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,

    /// Write the final coefficients to this safetensors file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Write the loss and accuracy of every epoch to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,

    /// The ids of the flags given on the command line (filled by [`Cli::parse_args`]).
    #[arg(skip)]
    given: BTreeSet<String>,
}

pub(crate) fn sweep_range(text: &str) -> Result<(f64, f64), String> {
    SweepSpec::parse_range(text)
}

pub(crate) fn sweep_steps(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(steps) if (2..=SweepSpec::MAX_STEPS).contains(&steps) => Ok(steps),
        _ => Err(format!(
            "expected 2 to {} learning rates",
            SweepSpec::MAX_STEPS
        )),
    }
}

pub(crate) fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(value),
        _ => Err("expected a number greater than 0".into()),
    }
}

pub(crate) fn positive_usize(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err("expected a whole number of at least 1".into()),
    }
}

pub(crate) fn pace(text: &str) -> Result<Pace, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pace::Max);
    }
    positive_f64(text)
        .map(Pace::PerSecond)
        .map_err(|_| "expected epochs per second (a number > 0) or max".into())
}

pub(crate) fn hidden_size(text: &str) -> Result<usize, String> {
    let size = positive_usize(text).unwrap_or(0);
    check_hidden(&[size]).map(|()| size)
}

pub(crate) fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value < 1.0 => Ok(value),
        _ => Err("expected a fraction between 0 and 1 (exclusive)".into()),
    }
}

pub(crate) fn fraction_or_zero(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..1.0).contains(&value) => Ok(value),
        _ => Err("expected a fraction from 0 up to (not including) 1".into()),
    }
}

/// The flags that describe a data file, which a generated data set has no use for. (Listed
/// for --points and --noise too: clap drops their `requires` when --dataset itself conflicts.)
const FILE_FLAGS: [&str; 5] = ["data", "target", "scale", "valid", "test"];

pub(crate) fn point_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (MIN_POINTS..=MAX_POINTS).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a whole number from {MIN_POINTS} to {MAX_POINTS}"
        )),
    }
}

pub(crate) fn noise(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err("expected a fraction from 0 (clean) to 1".into()),
    }
}

/// The flags that need another flag: clap checks that on the command line alone, but with
/// `--config` the other may come from the file, so [`Cli::apply_config`] checks it instead.
const NEEDS: [(&str, &str); 3] = [
    ("points", "dataset"),
    ("noise", "dataset"),
    ("steps", "sweep"),
];

impl Cli {
    /// Parses the command line (`args` starts with the program's name), remembering which
    /// flags it gave, so that [`Cli::apply_config`] lets them override a settings file. The
    /// errors are clap's, as [`Parser::try_parse_from`] gives them.
    pub fn parse_args<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut relaxed = Cli::command();
        for (flag, _) in NEEDS {
            relaxed = relaxed.mut_arg(flag, |arg| arg.requires(clap::builder::Resettable::Reset));
        }
        let mut matches = relaxed.try_get_matches_from(&args)?;
        if matches.value_source("config") != Some(ValueSource::CommandLine) {
            // No file to complete the flags: clap's own checks and messages.
            matches = Cli::command().try_get_matches_from(&args)?;
        }
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.given = matches
            .ids()
            .filter(|id| matches.value_source(id.as_str()) == Some(ValueSource::CommandLine))
            .map(|id| id.as_str().to_string())
            .collect();
        Ok(cli)
    }

    /// Whether the flag with this id (`valid_frac` for `--valid-frac`) was on the command line.
    pub fn given(&self, id: &str) -> bool {
        self.given.contains(id)
    }

    /// Reads `--config`'s file, if any, into these flags (see [`Cli::apply_config`]).
    pub fn with_config_file(mut self) -> Result<Cli> {
        if let Some(path) = self.config.clone() {
            let file = Config::load(&path)?;
            self.apply_config(&file, &path.display().to_string())?;
        }
        Ok(self)
    }

    /// Takes each setting of `file` (read from `file_name`) that no flag on the command line
    /// gave; then refuses what the flags would refuse together (a generated data set with file
    /// settings, `points`/`noise` without a data set, `steps` without a sweep).
    pub fn apply_config(&mut self, file: &Config, file_name: &str) -> Result<()> {
        macro_rules! take {
            // `Option` flags: the file's value, if it has one.
            (optional: $($key:ident),*; plain: $($plain:ident),*) => {
                $(if !self.given(stringify!($key)) && file.$key.is_some() {
                    self.$key = file.$key.clone();
                })*
                $(if !self.given(stringify!($plain)) {
                    if let Some(value) = &file.$plain {
                        self.$plain = value.clone();
                    }
                })*
            };
        }
        take!(
            optional: pace, lr, hidden, epochs, data, target, valid, test, dataset, batch_size,
                sweep, init, save, history;
            plain: headless, format, seed, backend, scale, valid_frac, test_frac, split_seed,
                points, noise, steps
        );
        self.check_combination(file, file_name)
    }

    fn check_combination(&self, file: &Config, file_name: &str) -> Result<()> {
        let in_file = |key: &str| match key {
            "dataset" => file.dataset.is_some(),
            "data" => file.data.is_some(),
            "target" => file.target.is_some(),
            "scale" => file.scale.is_some(),
            "valid" => file.valid.is_some(),
            "test" => file.test.is_some(),
            "points" => file.points.is_some(),
            "noise" => file.noise.is_some(),
            "steps" => file.steps.is_some(),
            "sweep" => file.sweep.is_some(),
            _ => false,
        };
        let set = |key: &str| self.given(key) || in_file(key);
        if set("dataset") {
            // Both on the command line: clap has refused that already.
            if let Some(key) = FILE_FLAGS
                .into_iter()
                .find(|&key| set(key) && !(self.given(key) && self.given("dataset")))
            {
                let flag = format!("--{key}");
                let clash = match (self.given("dataset"), self.given(key)) {
                    (false, false) => format!("{file_name}: 'dataset' cannot be used with '{key}'"),
                    (false, _) => format!("'dataset' in {file_name} cannot be used with {flag}"),
                    (true, _) => format!("--dataset cannot be used with '{key}' in {file_name}"),
                };
                return Err(Error::Usage(format!(
                    "{clash} (a generated data set has no file settings; drop one of them)"
                )));
            }
        }
        for (key, needed) in NEEDS {
            if set(key) && !set(needed) {
                let message = if self.given(key) {
                    format!("--{key} needs --{needed} (or '{needed}' in {file_name})")
                } else {
                    format!("{file_name}: '{key}' needs '{needed}' (in the file, or --{needed})")
                };
                return Err(Error::Usage(message));
            }
        }
        Ok(())
    }

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
            batch_size: self.batch_size,
        }
    }

    /// The learning-rate sweep the flags ask for, if any.
    pub fn sweep_spec(&self) -> Option<SweepSpec> {
        self.sweep.map(|(from, to)| SweepSpec {
            from,
            to,
            steps: self.steps,
            epochs: self.epochs.unwrap_or(RunConfig::default().epochs),
        })
    }

    fn outputs(&self) -> Outputs {
        Outputs {
            format: self.format,
            history: self.history.clone(),
            save: self.save.clone(),
        }
    }
}

/// A sweep prints a table of many CPU runs: flags about one run's outputs, or the dashboard,
/// do not go with it.
fn check_sweep(cli: &Cli) -> Result<()> {
    let refuse = |why: &str| Err(Error::Usage(format!("--sweep {why}")));
    if !cli.headless {
        return refuse("prints a table: add --headless (in the dashboard, L starts a sweep)");
    }
    if cli.save.is_some() || cli.history.is_some() {
        return refuse("trains many runs: --save and --history are for one run");
    }
    if cli.backend == Backend::Wgpu {
        return refuse("trains on the CPU, one run per core: drop --backend wgpu");
    }
    Ok(())
}

/// Runs the binary with parsed flags.
pub fn run(cli: &Cli) -> Result<()> {
    let with_file;
    let cli = if cli.config.is_some() {
        with_file = cli.clone().with_config_file()?;
        &with_file
    } else {
        cli
    };
    if let Some(hidden) = &cli.hidden {
        check_hidden(hidden).map_err(|why| Error::Usage(format!("invalid --hidden: {why}")))?;
    }
    if cli.sweep.is_some() {
        check_sweep(cli)?;
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
    if let Some(spec) = cli.sweep_spec() {
        return headless::sweep(&cli.run_config(), &spec, cli.format, &mut stdout.lock());
    }
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
                "expected a whole number from 10 to 1000000",
            ),
            (
                &["--dataset", "circle", "--points", "1000001"],
                "expected a whole number from 10 to 1000000",
            ),
            (
                &["--dataset", "circle", "--points", "-5"],
                "expected a whole number from 10 to 1000000",
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

    /// `args` after `--config s.toml`, with `toml` as that file's text.
    fn with_file(args: &[&str], toml: &str) -> std::result::Result<Cli, String> {
        let command_line = ["nnfs-tui", "--config", "s.toml"]
            .into_iter()
            .chain(args.iter().copied());
        let mut cli = Cli::parse_args(command_line).map_err(|e| e.to_string())?;
        let file = Config::from_toml(toml, "s.toml").map_err(|e| e.to_string())?;
        cli.apply_config(&file, "s.toml")
            .map_err(|e| e.to_string())?;
        Ok(cli)
    }

    #[test]
    fn parse_args_remembers_the_flags_given() {
        let cli =
            Cli::parse_args(["nnfs-tui", "--lr", "1", "--seed", "442", "--hidden", "3,4"]).unwrap();
        for id in ["lr", "seed", "hidden"] {
            assert!(cli.given(id), "{id}");
        }
        for id in ["epochs", "backend", "valid_frac", "headless", "config"] {
            assert!(!cli.given(id), "{id}");
        }
        assert_eq!(cli.hidden, Some(vec![3, 4]));
        // Without --config, clap's checks and messages are as before.
        let message = Cli::parse_args(["nnfs-tui", "--points", "50"])
            .unwrap_err()
            .to_string();
        assert!(message.contains("--dataset"), "{message}");
        let message = Cli::parse_args(["nnfs-tui", "--steps", "5"])
            .unwrap_err()
            .to_string();
        assert!(message.contains("--sweep"), "{message}");
    }

    #[test]
    fn file_values_replace_the_defaults() {
        let cli = with_file(
            &[],
            "headless = true\nformat = \"jsonl\"\nlr = 2\nepochs = 7\nhidden = [3, 4]\nseed = 1\n\
             valid_frac = 0.3\ntest_frac = 0.1\nsplit_seed = 5\nscale = \"none\"\nbatch_size = 16\n\
             history = \"h.csv\"\nsave = \"w.safetensors\"",
        )
        .unwrap();
        assert!(cli.headless);
        assert_eq!(cli.format, Format::Jsonl);
        assert_eq!(cli.outputs().history, Some(PathBuf::from("h.csv")));
        assert_eq!(cli.outputs().save, Some(PathBuf::from("w.safetensors")));
        let config = cli.run_config();
        assert_eq!(
            config,
            RunConfig {
                lr: 2.0,
                epochs: 7,
                hidden: Some(vec![3, 4]),
                seed: 1,
                batch_size: Some(16),
                data: DataSpec {
                    valid_frac: 0.3,
                    test_frac: 0.1,
                    split_seed: 5,
                    scale: Scale::None,
                    ..DataSpec::default()
                },
                ..RunConfig::default()
            }
        );
    }

    #[test]
    fn flags_on_the_command_line_override_the_file() {
        let toml = "lr = 2\nseed = 1\nvalid_frac = 0.3\nepochs = 7\nhidden = [3]\npace = \"max\"";
        // --seed 442 and --valid-frac 0.2 are the defaults, but given: they still win.
        let cli = with_file(
            &[
                "--lr",
                "3",
                "--seed",
                "442",
                "--valid-frac",
                "0.2",
                "--hidden",
                "5,5",
                "--pace",
                "10",
            ],
            toml,
        )
        .unwrap();
        let config = cli.run_config();
        assert_eq!((config.lr, config.seed, config.epochs), (3.0, 442, 7));
        assert_eq!(config.data.valid_frac, 0.2);
        assert_eq!(config.hidden, Some(vec![5, 5]));
        assert_eq!(cli.dashboard_config().1, Pace::PerSecond(10.0));
        // Neither flag nor file: the built-in default, the dashboard's own included.
        let (config, pace) = with_file(&[], "seed = 1").unwrap().dashboard_config();
        assert_eq!(
            (config.lr, config.epochs, config.seed, pace),
            (1.4, 1000, 1, Pace::PerSecond(30.0))
        );
        let (config, pace) = with_file(&[], toml).unwrap().dashboard_config();
        assert_eq!((config.lr, config.epochs, pace), (2.0, 7, Pace::Max));
        assert_eq!(
            with_file(&[], "").unwrap().run_config(),
            RunConfig::default()
        );
    }

    #[test]
    fn flags_may_need_what_the_file_gives() {
        let cli = with_file(&["--points", "50", "--noise", "0"], "dataset = \"xor\"").unwrap();
        let config = cli.run_config();
        assert_eq!(config.data.dataset, Some(Playground::Xor));
        assert_eq!((config.data.points, config.data.noise), (50, 0.0));
        let cli = with_file(&["--dataset", "circle"], "points = 10").unwrap();
        assert_eq!(cli.run_config().data.points, 10);
        let cli = with_file(&["--sweep", "0.1..10"], "steps = 3").unwrap();
        assert_eq!(cli.sweep_spec().map(|spec| spec.steps), Some(3));
        let cli = with_file(&["--steps", "4"], "sweep = \"0.1..10\"").unwrap();
        assert_eq!(
            cli.sweep_spec()
                .map(|spec| (spec.from, spec.to, spec.steps)),
            Some((0.1, 10.0, 4))
        );
    }

    #[test]
    fn what_the_flags_refuse_together_the_file_cannot_give() {
        for (args, toml, expected) in [
            (
                &[][..],
                "dataset = \"circle\"\ndata = \"a.csv\"",
                "s.toml: 'dataset' cannot be used with 'data' (",
            ),
            (
                &["--data", "a.csv"],
                "dataset = \"circle\"",
                "'dataset' in s.toml cannot be used with --data (",
            ),
            (
                &["--dataset", "circle"],
                "scale = \"max\"",
                "--dataset cannot be used with 'scale' in s.toml (",
            ),
            (
                &[],
                "points = 10",
                "s.toml: 'points' needs 'dataset' (in the file, or --dataset)",
            ),
            (
                &[],
                "noise = 0.2\ntarget = \"y\"",
                "s.toml: 'noise' needs 'dataset'",
            ),
            (
                &["--points", "10"],
                "",
                "--points needs --dataset (or 'dataset' in s.toml)",
            ),
            (&[], "steps = 3", "s.toml: 'steps' needs 'sweep'"),
        ] {
            let message = with_file(args, toml).unwrap_err();
            assert!(
                message.starts_with(expected),
                "{args:?} {toml:?}: {message}"
            );
        }
        // Both on the command line: clap's refusal, as without a file.
        let message = with_file(&["--dataset", "circle", "--data", "a.csv"], "").unwrap_err();
        assert!(message.contains("cannot be used with"), "{message}");
    }

    #[test]
    fn a_saved_session_replays_the_dashboards_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.toml");
        let settings = crate::trainer::messages::Settings {
            lr: 20.0,
            hidden: vec![8, 4],
            epochs: 250,
            seed: 9,
            backend: Backend::Cpu,
            pace: Pace::Max,
            batch_size: Some(32),
            dataset: Some(Playground::Gauss),
        };
        let start = DataSpec {
            split_seed: 3,
            noise: 0.25,
            ..DataSpec::default()
        };
        crate::config::save_session(&path, &settings, &start, None).unwrap();
        let cli = Cli::parse_args(["nnfs-tui".as_ref(), "--config".as_ref(), path.as_os_str()])
            .unwrap()
            .with_config_file()
            .unwrap();
        let (config, pace) = cli.dashboard_config();
        assert_eq!(pace, settings.pace);
        assert_eq!(
            config,
            RunConfig {
                data: DataSpec {
                    dataset: Some(Playground::Gauss),
                    ..start
                },
                lr: 20.0,
                hidden: Some(vec![8, 4]),
                epochs: 250,
                seed: 9,
                backend: Backend::Cpu,
                init: None,
                batch_size: Some(32),
            }
        );
    }
}
