//! Settings files (`--config session.toml`): every flag that describes a run, as TOML keys
//! named after the flags (`valid_frac` for `--valid-frac`), checked as the flags are.
//!
//! A flag given on the command line overrides the file; the file overrides the built-in
//! default (see [`crate::cli::Cli::apply_config`]). Relative paths in a file are taken from
//! the file's folder. The dashboard writes its current settings with [`save_session`].

use crate::cli;
use crate::data::DataSpec;
use crate::data::playground::Playground;
use crate::data::prep::Scale;
use crate::error::{Error, Result};
use crate::headless::Format;
use crate::model::device::Backend;
use crate::model::network::check_hidden;
use crate::setup::RunConfig;
use crate::trainer::messages::{Pace, Settings};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The settings a file gives; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::headless"
    )]
    pub headless: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::choice",
        deserialize_with = "de::format"
    )]
    pub format: Option<Format>,
    /// Epochs per second, or `"max"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::pace",
        deserialize_with = "de::pace"
    )]
    pub pace: Option<Pace>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::lr"
    )]
    pub lr: Option<f64>,
    /// `[10, 10]`, or a single size.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::hidden"
    )]
    pub hidden: Option<Vec<usize>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::epochs"
    )]
    pub epochs: Option<usize>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::seed"
    )]
    pub seed: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::choice",
        deserialize_with = "de::backend"
    )]
    pub backend: Option<Backend>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::data"
    )]
    pub data: Option<PathBuf>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::target"
    )]
    pub target: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::choice",
        deserialize_with = "de::scale"
    )]
    pub scale: Option<Scale>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::valid_frac"
    )]
    pub valid_frac: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::test_frac"
    )]
    pub test_frac: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::split_seed"
    )]
    pub split_seed: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::valid"
    )]
    pub valid: Option<PathBuf>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::test"
    )]
    pub test: Option<PathBuf>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::choice",
        deserialize_with = "de::dataset"
    )]
    pub dataset: Option<Playground>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::points"
    )]
    pub points: Option<usize>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::noise",
        deserialize_with = "de::noise"
    )]
    pub noise: Option<f32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::batch_size"
    )]
    pub batch_size: Option<usize>,
    /// `"FROM..TO"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::sweep",
        deserialize_with = "de::sweep"
    )]
    pub sweep: Option<(f64, f64)>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::steps"
    )]
    pub steps: Option<usize>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::init"
    )]
    pub init: Option<PathBuf>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::save"
    )]
    pub save: Option<PathBuf>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser::path",
        deserialize_with = "de::history"
    )]
    pub history: Option<PathBuf>,
}

impl Config {
    /// Reads and checks a settings file. Relative paths in it are taken from the file's folder.
    /// Every problem (unreadable file, bad TOML, unknown key, bad value) is one
    /// [`Error`] naming the file and, where it applies, the line and column.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::from_toml(&text, &path.display().to_string())?;
        if let Some(folder) = path.parent() {
            config.resolve_paths(folder);
        }
        Ok(config)
    }

    /// Parses and checks settings written in TOML; `file` names them in errors. Paths are
    /// kept as written.
    pub fn from_toml(text: &str, file: &str) -> Result<Config> {
        toml::from_str(text).map_err(|error| {
            let position = error.span().map(|span| line_column(text, span.start));
            // One line: toml's messages are short, but keep any second line on this one.
            let problem = error
                .message()
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
                .replacen("unknown field", "unknown key", 1);
            Error::Config {
                file: file.to_string(),
                position,
                problem,
            }
        })
    }

    /// The settings as a TOML document, keys in the order of `--help`; absent settings are
    /// left out.
    pub fn to_toml(&self) -> Result<String, String> {
        // Every field is a string, number, boolean or list of numbers, which TOML can hold;
        // a path that is not valid UTF-8 is the one thing that can fail.
        toml::to_string(self).map_err(|error| format!("cannot write the settings as TOML: {error}"))
    }

    /// Every setting of `run`, written out even where it is the default, so a file replays
    /// the run when the defaults change. The data-file settings are left out for a generated
    /// data set and `points`/`noise` for a file, as the flags would refuse them together.
    pub fn from_run(run: &RunConfig) -> Config {
        let data = &run.data;
        let generated = data.dataset.is_some();
        let file = |value: &Option<PathBuf>| if generated { None } else { value.clone() };
        Config {
            lr: Some(run.lr),
            hidden: run.hidden.clone(),
            epochs: Some(run.epochs),
            seed: Some(run.seed),
            backend: Some(run.backend),
            data: file(&data.data),
            target: if generated { None } else { data.target.clone() },
            scale: (!generated).then_some(data.scale),
            valid_frac: Some(data.valid_frac),
            test_frac: Some(data.test_frac),
            split_seed: Some(data.split_seed),
            valid: file(&data.valid),
            test: file(&data.test),
            dataset: data.dataset,
            points: generated.then_some(data.points),
            noise: generated.then_some(data.noise),
            batch_size: run.batch_size,
            init: run.init.clone(),
            ..Config::default()
        }
    }

    /// The dashboard's current settings on the data it started with (or the generated set
    /// `settings.dataset` names instead), pace included, and the `--init` file its runs start
    /// from, if they do.
    pub fn from_settings(settings: &Settings, data: &DataSpec, init: Option<&Path>) -> Config {
        let data = match settings.dataset {
            // As the trainer does: the start-up spec's points, noise and split.
            Some(kind) => DataSpec {
                dataset: Some(kind),
                data: None,
                target: None,
                valid: None,
                test: None,
                ..data.clone()
            },
            None => data.clone(),
        };
        let run = RunConfig {
            data,
            lr: settings.lr,
            hidden: Some(settings.hidden.clone()),
            epochs: settings.epochs,
            seed: settings.seed,
            backend: settings.backend,
            init: init.map(Path::to_path_buf),
            batch_size: settings.batch_size,
        };
        Config {
            pace: Some(settings.pace),
            ..Config::from_run(&run)
        }
    }

    /// Joins relative paths onto `folder`.
    fn resolve_paths(&mut self, folder: &Path) {
        self.map_paths(|path| {
            if path.is_relative() && !folder.as_os_str().is_empty() {
                folder.join(path)
            } else {
                path.to_path_buf()
            }
        });
    }

    fn map_paths(&mut self, f: impl Fn(&Path) -> PathBuf) {
        for path in [
            &mut self.data,
            &mut self.valid,
            &mut self.test,
            &mut self.init,
            &mut self.save,
            &mut self.history,
        ]
        .into_iter()
        .flatten()
        {
            *path = f(path);
        }
    }
}

/// Writes the dashboard's current settings to `path` as a settings file that
/// `nnfs-tui --config path` replays. Relative data paths stay relative when `path` is in the
/// working folder, and are made absolute otherwise (a file's paths are taken from its folder).
pub fn save_session(
    path: &Path,
    settings: &Settings,
    data: &DataSpec,
    init: Option<&Path>,
) -> Result<(), String> {
    let mut config = Config::from_settings(settings, data, init);
    let folder = path.parent().unwrap_or(Path::new(""));
    if !(folder.as_os_str().is_empty() || folder == Path::new(".")) {
        config.map_paths(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    }
    let text = format!(
        "# nnfs-tui session: replay with `nnfs-tui --config {}`\n{}",
        path.display(),
        config.to_toml()?
    );
    std::fs::write(path, text).map_err(|error| {
        format!(
            "cannot write {}: {error} (check that the folder exists and is writable)",
            path.display()
        )
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Serializers for the values TOML or serde cannot write as they are.
mod ser {
    use super::Pace;
    use clap::ValueEnum;
    use serde::Serializer;
    use std::path::PathBuf;

    /// A flag's value name (`jsonl`, `wgpu`, `standard`, `spiral`).
    pub fn choice<T: ValueEnum, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match value.as_ref().and_then(ValueEnum::to_possible_value) {
            Some(name) => s.serialize_str(name.get_name()),
            None => s.serialize_none(),
        }
    }

    pub fn pace<S: Serializer>(value: &Option<Pace>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(Pace::Max) => s.serialize_str("max"),
            Some(Pace::PerSecond(rate)) => s.serialize_f64(*rate),
            None => s.serialize_none(),
        }
    }

    /// As its shortest decimal (`0.1`, not the f32's `0.10000000149011612`).
    pub fn noise<S: Serializer>(value: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
        match value.and_then(|noise| noise.to_string().parse::<f64>().ok()) {
            Some(noise) => s.serialize_f64(noise),
            None => s.serialize_none(),
        }
    }

    pub fn sweep<S: Serializer>(value: &Option<(f64, f64)>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some((from, to)) => s.serialize_str(&format!("{from}..{to}")),
            None => s.serialize_none(),
        }
    }

    /// A path as text (a name that is not UTF-8 is written lossily).
    pub fn path<S: Serializer>(value: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(path) => s.serialize_str(&path.to_string_lossy()),
            None => s.serialize_none(),
        }
    }
}

/// Deserializers: each key's TOML value is checked by the parser of its flag, and a problem is
/// reported as `key: why` (toml adds the value's position).
mod de {
    use super::*;
    use clap::ValueEnum;
    use serde::Deserializer;
    use serde::de::Error as _;
    use toml::Value;

    /// `fn $key(deserializer) -> Option<$ty>`, checking the value with `$check`.
    macro_rules! keys {
        ($($key:ident: $ty:ty = $check:expr;)*) => {$(
            pub fn $key<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                let value = Value::deserialize(d)?;
                let check: fn(&Value) -> Result<$ty, String> = $check;
                check(&value)
                    .map(Some)
                    .map_err(|why| D::Error::custom(format!("{}: {why}", stringify!($key))))
            }
        )*};
    }

    keys! {
        headless: bool = |v| v.as_bool().ok_or_else(|| format!("expected true or false, not {}", kind(v)));
        format: Format = choice;
        pace: Pace = |v| match v {
            Value::String(text) => cli::pace(text),
            _ => number(v, cli::pace),
        };
        lr: f64 = |v| number(v, cli::positive_f64);
        hidden: Vec<usize> = hidden_sizes;
        epochs: usize = |v| number(v, cli::positive_usize);
        seed: u64 = seed_value;
        backend: Backend = choice;
        data: PathBuf = path;
        target: String = |v| v.as_str().map(str::to_string).ok_or_else(|| format!("expected a column name in quotes, not {}", kind(v)));
        scale: Scale = choice;
        valid_frac: f64 = |v| number(v, cli::fraction);
        test_frac: f64 = |v| number(v, cli::fraction_or_zero);
        split_seed: u64 = seed_value;
        valid: PathBuf = path;
        test: PathBuf = path;
        dataset: Playground = choice;
        points: usize = |v| number(v, cli::point_count);
        noise: f32 = |v| number(v, cli::noise);
        batch_size: usize = |v| number(v, cli::positive_usize);
        sweep: (f64, f64) = |v| match v {
            Value::String(text) => cli::sweep_range(text),
            _ => Err(format!("expected a range in quotes like \"0.01..100\", not {}", kind(v))),
        };
        steps: usize = |v| number(v, cli::sweep_steps);
        init: PathBuf = path;
        save: PathBuf = path;
        history: PathBuf = path;
    }

    /// What a TOML value is, for messages.
    fn kind(value: &Value) -> String {
        match value {
            Value::String(text) => format!("the string \"{}\"", text.escape_debug()),
            Value::Integer(_) | Value::Float(_) => "a number".into(),
            Value::Boolean(_) => "true or false".into(),
            Value::Datetime(_) => "a date".into(),
            Value::Array(_) => "a list".into(),
            Value::Table(_) => "a table".into(),
        }
    }

    /// A number, checked as its flag checks the text (a float keeps its point, so `10.0` is
    /// no whole number).
    fn number<T>(value: &Value, parse: fn(&str) -> Result<T, String>) -> Result<T, String> {
        match value {
            Value::Integer(n) => parse(&n.to_string()),
            Value::Float(x) => parse(&format!("{x:?}")),
            // The flag's reason (no text parses as empty), then what was found instead.
            _ => Err(format!(
                "{}, not {}",
                parse("").err().unwrap_or_default(),
                kind(value)
            )),
        }
    }

    fn seed_value(value: &Value) -> Result<u64, String> {
        match value {
            Value::Integer(n) => u64::try_from(*n).ok(),
            _ => None,
        }
        .ok_or_else(|| "expected a whole number of at least 0".into())
    }

    fn hidden_sizes(value: &Value) -> Result<Vec<usize>, String> {
        let sizes = match value {
            Value::Array(items) => items
                .iter()
                .map(|item| number(item, cli::hidden_size))
                .collect::<Result<Vec<_>, _>>()?,
            Value::Integer(_) => vec![number(value, cli::hidden_size)?],
            _ => {
                return Err(format!(
                    "expected a list of layer sizes like [10, 10], not {}",
                    kind(value)
                ));
            }
        };
        check_hidden(&sizes)?;
        Ok(sizes)
    }

    fn path(value: &Value) -> Result<PathBuf, String> {
        match value {
            Value::String(text) if !text.is_empty() => Ok(PathBuf::from(text)),
            _ => Err(format!(
                "expected a file path in quotes, not {}",
                kind(value)
            )),
        }
    }

    /// One of the flag's value names.
    fn choice<T: ValueEnum>(value: &Value) -> Result<T, String> {
        let names = T::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .map(|name| format!("\"{}\"", name.get_name()))
            .collect::<Vec<_>>()
            .join(", ");
        value
            .as_str()
            .and_then(|text| T::from_str(text, false).ok())
            .ok_or_else(|| format!("expected one of {names}, not {}", kind(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Config, String> {
        Config::from_toml(text, "session.toml").map_err(|e| e.to_string())
    }

    fn settings() -> Settings {
        Settings {
            lr: 1.4,
            hidden: vec![10, 10],
            epochs: 300,
            seed: 7,
            backend: Backend::Cpu,
            pace: Pace::PerSecond(30.0),
            batch_size: Some(64),
            dataset: None,
        }
    }

    #[test]
    fn every_key_is_read() {
        let config = parse(
            r#"
headless = true
format = "jsonl"
pace = "max"
lr = 1.4
hidden = [10, 5]
epochs = 100
seed = 1
backend = "wgpu"
data = "a.csv"
target = "y"
scale = "standard"
valid_frac = 0.25
test_frac = 0.1
split_seed = 3
valid = "v.csv"
test = "t.csv"
dataset = "spiral"
points = 1000
noise = 0.3
batch_size = 32
sweep = "0.01..100"
steps = 5
init = "i.safetensors"
save = "s.safetensors"
history = "h.csv"
"#,
        )
        .unwrap();
        assert_eq!(
            config,
            Config {
                headless: Some(true),
                format: Some(Format::Jsonl),
                pace: Some(Pace::Max),
                lr: Some(1.4),
                hidden: Some(vec![10, 5]),
                epochs: Some(100),
                seed: Some(1),
                backend: Some(Backend::Wgpu),
                data: Some("a.csv".into()),
                target: Some("y".into()),
                scale: Some(Scale::Standard),
                valid_frac: Some(0.25),
                test_frac: Some(0.1),
                split_seed: Some(3),
                valid: Some("v.csv".into()),
                test: Some("t.csv".into()),
                dataset: Some(Playground::Spiral),
                points: Some(1000),
                noise: Some(0.3),
                batch_size: Some(32),
                sweep: Some((0.01, 100.0)),
                steps: Some(5),
                init: Some("i.safetensors".into()),
                save: Some("s.safetensors".into()),
                history: Some("h.csv".into()),
            }
        );
        // Written out and read back, every key survives.
        assert_eq!(parse(&config.to_toml().unwrap()).unwrap(), config);
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(
            parse("pace = 30\nhidden = 20").unwrap().hidden,
            Some(vec![20])
        );
    }

    #[test]
    fn bad_values_name_the_key_and_position() {
        for (text, expected) in [
            (
                "epochs = 5\n\nlr = 0\n",
                "session.toml: line 3, column 6: lr: expected a number greater than 0",
            ),
            (
                "lr = \"0.1\"",
                "session.toml: line 1, column 6: lr: expected a number greater than 0, not the string \"0.1\"",
            ),
            (
                "epochs = 10.0",
                "session.toml: line 1, column 10: epochs: expected a whole number of at least 1",
            ),
            (
                "hidden = [10, 0]",
                "session.toml: line 1, column 10: hidden: each hidden layer needs 1 to 4096 units",
            ),
            (
                "hidden = []",
                "session.toml: line 1, column 10: hidden: give 1 to 16 hidden layer sizes",
            ),
            (
                "seed = -1",
                "session.toml: line 1, column 8: seed: expected a whole number of at least 0",
            ),
            (
                "backend = \"gpu\"",
                "session.toml: line 1, column 11: backend: expected one of \"cpu\", \"wgpu\", not the string \"gpu\"",
            ),
            (
                "pace = 0",
                "session.toml: line 1, column 8: pace: expected epochs per second (a number > 0) or max",
            ),
            (
                "valid_frac = 1",
                "session.toml: line 1, column 14: valid_frac: expected a fraction between 0 and 1 (exclusive)",
            ),
            (
                "noise = 2",
                "session.toml: line 1, column 9: noise: expected a fraction from 0 (clean) to 1",
            ),
            (
                "sweep = \"100..1\"",
                "session.toml: line 1, column 9: sweep: the range 100..1 must go from a smaller to a larger rate",
            ),
            (
                "steps = 1",
                "session.toml: line 1, column 9: steps: expected 2 to 256 learning rates",
            ),
            (
                "headless = 1",
                "session.toml: line 1, column 12: headless: expected true or false, not a number",
            ),
            (
                "data = \"\"",
                "session.toml: line 1, column 8: data: expected a file path in quotes, not the string \"\"",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err(), expected, "{text}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_toml_are_placed() {
        let message = parse("lr = 1\nlearning_rate = 2\n").unwrap_err();
        assert!(
            message.starts_with("session.toml: line 2, column 1: unknown key `learning_rate`"),
            "{message}"
        );
        let message = parse("lr = 1\nepochs 5\n").unwrap_err();
        assert!(
            message.starts_with("session.toml: line 2, column "),
            "{message}"
        );
        let message = parse("lr = 1\nlr = 2\n").unwrap_err();
        assert!(
            message.starts_with("session.toml: line 2, column 1: "),
            "{message}"
        );
        for text in ["lr = ", "[run]\nlr = 1", "lr = 1 2", "hidden = [1,"] {
            let message = parse(text).unwrap_err();
            assert!(message.contains(": line "), "{text}: {message}");
            assert_eq!(message.lines().count(), 1, "{text}: {message}");
        }
    }

    #[test]
    fn a_saved_session_loads_as_the_same_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.toml");
        let data = DataSpec {
            data: Some("/data/people.csv".into()),
            target: Some("outcome".into()),
            scale: Scale::Standard,
            test_frac: 0.1,
            split_seed: 9,
            ..DataSpec::default()
        };
        for (settings, data) in [
            (settings(), DataSpec::default()),
            (settings(), data.clone()),
            (
                Settings {
                    pace: Pace::Max,
                    batch_size: None,
                    hidden: vec![3],
                    lr: 0.001,
                    ..settings()
                },
                data,
            ),
        ] {
            save_session(&path, &settings, &data, None).unwrap();
            let loaded = Config::load(&path).unwrap();
            assert_eq!(loaded, Config::from_settings(&settings, &data, None));
            assert_eq!(loaded.pace, Some(settings.pace));
            assert_eq!(loaded.lr, Some(settings.lr));
            assert_eq!(loaded.hidden.as_ref(), Some(&settings.hidden));
            assert_eq!(
                (
                    loaded.epochs,
                    loaded.seed,
                    loaded.backend,
                    loaded.batch_size
                ),
                (
                    Some(settings.epochs),
                    Some(settings.seed),
                    Some(settings.backend),
                    settings.batch_size
                )
            );
            assert_eq!(loaded.data, data.data);
            assert_eq!(loaded.target, data.target);
            assert_eq!(loaded.scale, Some(data.scale));
            assert_eq!(loaded.test_frac, Some(data.test_frac));
            assert_eq!(loaded.split_seed, Some(data.split_seed));
            assert_eq!(loaded.headless, None);
        }
    }

    #[test]
    fn a_generated_data_set_is_saved_without_file_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        let data = DataSpec {
            data: Some("a.csv".into()),
            noise: 0.3,
            points: 123,
            ..DataSpec::default()
        };
        let moons = Settings {
            dataset: Some(Playground::Moons),
            ..settings()
        };
        save_session(&path, &moons, &data, None).unwrap();
        let loaded = Config::load(&path).unwrap();
        assert_eq!(loaded.dataset, Some(Playground::Moons));
        assert_eq!((loaded.points, loaded.noise), (Some(123), Some(0.3)));
        assert_eq!(
            (loaded.data, loaded.scale, loaded.target),
            (None, None, None)
        );
        // And the start-up file's spec without a generated set keeps no points or noise.
        let config = Config::from_settings(&settings(), &data, None);
        assert_eq!(
            (config.points, config.noise, config.dataset),
            (None, None, None)
        );
    }

    #[test]
    fn relative_paths_are_taken_from_the_files_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "data = \"d.csv\"\nsave = \"/abs/w.safetensors\"\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.data, Some(dir.path().join("d.csv")));
        assert_eq!(config.save, Some(PathBuf::from("/abs/w.safetensors")));
        // Saved elsewhere than the working folder, relative paths become absolute.
        let data = DataSpec {
            data: Some("d.csv".into()),
            ..DataSpec::default()
        };
        save_session(&path, &settings(), &data, None).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.data, Some(std::path::absolute("d.csv").unwrap()));
    }

    #[test]
    fn an_unreadable_file_is_one_line_naming_it() {
        let message = Config::load(Path::new("/no/such/session.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("cannot read /no/such/session.toml: "),
            "{message}"
        );
    }

    #[test]
    fn from_run_writes_every_setting() {
        let config = Config::from_run(&RunConfig::default());
        let text = config.to_toml().unwrap();
        assert_eq!(
            text,
            "lr = 0.1\nepochs = 30\nseed = 442\nbackend = \"cpu\"\nscale = \"max\"\n\
             valid_frac = 0.2\ntest_frac = 0.0\nsplit_seed = 42\n"
        );
        assert_eq!(parse(&text).unwrap(), config);
    }
}
