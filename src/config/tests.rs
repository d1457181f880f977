//! Session files: every key read and written, each problem one placed line.

use super::*;
use crate::settings::{
    Backend, ColumnName, Count, DataSpec, Delimiter, Format, Generated, HiddenSizes, LearningRate,
    Loss, LrRange, Momentum, Noise, Optimizer, Penalty, Playground, Points, Scale, Seed, Source,
    SplitSpec, Steps, Switch, TableSpec, TestFraction, ValidFraction,
};
use std::path::PathBuf;

fn read(text: &str) -> std::result::Result<Layer, String> {
    parse(text, "session.toml").map_err(|e| e.to_string())
}

fn path(text: &str) -> Option<FilePath> {
    path_of(PathBuf::from(text))
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "every key of a session file, one a line, and its value"
)]
fn every_key_is_read() {
    let layer = read(
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
delimiter = "tab"
scale = "standard"
valid_frac = 0.25
test_frac = 0.1
split_seed = 3
valid = "v.csv"
test = "t.csv"
dataset = "spiral"
points = 1000
noise = 0.3
features = ["x1", "x1x2", "sin(x2)"]
batch_size = 32
activation = ["relu", "tanh"]
loss = "bce"
optimizer = "momentum"
momentum = 0.5
l1 = 0.001
l2 = 0
race = "loss=mae,bce"
sweep = "0.01..100"
lr_find = "0.001..10"
steps = 5
walk = 3
dynamics = true
pause_on_event = true
mouse = false
gpu_cache = false
init = "i.safetensors"
save = "s.safetensors"
save_best = "b.safetensors"
history = "h.csv"
"#,
    )
    .unwrap();
    assert_eq!(
        layer,
        Layer {
            headless: Some(Switch(true)),
            format: Some(Format::Jsonl),
            pace: Some(Pace::Max),
            lr: Some(LearningRate::new(1.4).unwrap()),
            hidden: Some(HiddenSizes::new(vec![10, 5]).unwrap()),
            epochs: Some(Count::new(100).unwrap()),
            seed: Some(Seed::new(1).unwrap()),
            backend: Some(Backend::Wgpu),
            data: path("a.csv"),
            target: Some(ColumnName("y".into())),
            delimiter: Some(Delimiter(b'\t')),
            scale: Some(Scale::Standard),
            valid_frac: Some(ValidFraction::new(0.25).unwrap()),
            test_frac: Some(TestFraction::new(0.1).unwrap()),
            split_seed: Some(Seed::new(3).unwrap()),
            valid: path("v.csv"),
            test: path("t.csv"),
            dataset: Some(Playground::Spiral),
            points: Some(Points::new(1000).unwrap()),
            noise: Some(Noise::new(0.3).unwrap()),
            features: Some("x1,x1x2,sinx2".parse().unwrap()),
            batch_size: Some(Count::new(32).unwrap()),
            activation: Some("relu,tanh".parse().unwrap()),
            loss: Some(Loss::Bce),
            optimizer: Some(Optimizer::Momentum),
            momentum: Some(Momentum::new(0.5).unwrap()),
            l1: Some(Penalty::new(0.001).unwrap()),
            l2: Some(Penalty::new(0.0).unwrap()),
            race: Some("loss=mae,bce".parse().unwrap()),
            sweep: Some(LrRange {
                from: 0.01,
                to: 100.0
            }),
            lr_find: Some(LrRange {
                from: 0.001,
                to: 10.0
            }),
            steps: Some(Steps::new(5).unwrap()),
            walk: Some(Count::new(3).unwrap()),
            dynamics: Some(Switch(true)),
            pause_on_event: Some(Switch(true)),
            mouse: Some(Switch(false)),
            gpu_cache: Some(Switch(false)),
            init: path("i.safetensors"),
            save: path("s.safetensors"),
            save_best: path("b.safetensors"),
            history: path("h.csv"),
        }
    );
    // Written out and read back, every key survives.
    assert_eq!(read(&to_toml(&layer).unwrap()).unwrap(), layer);
    assert_eq!(read("").unwrap(), Layer::default());
    assert_eq!(
        read("pace = 30\nhidden = 20").unwrap().hidden,
        Some(HiddenSizes::new(vec![20]).unwrap())
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
        assert_eq!(read(text).unwrap_err(), expected, "{text}");
    }
}

#[test]
fn unknown_keys_and_bad_toml_are_placed() {
    let message = read("lr = 1\nlearning_rate = 2\n").unwrap_err();
    assert!(
        message.starts_with("session.toml: line 2, column 1: unknown key `learning_rate`"),
        "{message}"
    );
    let message = read("lr = 1\nepochs 5\n").unwrap_err();
    assert!(
        message.starts_with("session.toml: line 2, column "),
        "{message}"
    );
    let message = read("lr = 1\nlr = 2\n").unwrap_err();
    assert!(
        message.starts_with("session.toml: line 2, column 1: "),
        "{message}"
    );
    for text in ["lr = ", "[run]\nlr = 1", "lr = 1 2", "hidden = [1,"] {
        let message = read(text).unwrap_err();
        assert!(message.contains(": line "), "{text}: {message}");
        assert_eq!(message.lines().count(), 1, "{text}: {message}");
    }
}

fn run_on(data: DataSpec) -> RunSettings {
    RunSettings {
        lr: LearningRate::new(1.4).unwrap(),
        hidden: Some(HiddenSizes::new(vec![10, 10]).unwrap()),
        epochs: Count::new(300).unwrap(),
        seed: Seed::new(7).unwrap(),
        batch_size: Some(Count::new(64).unwrap()),
        data,
        ..RunSettings::dashboard()
    }
}

#[test]
fn a_saved_session_loads_as_the_same_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.toml");
    let file = DataSpec {
        source: Source::File {
            path: "/data/people.csv".into(),
            table: TableSpec {
                target: Some("outcome".into()),
                scale: Scale::Standard,
                ..TableSpec::default()
            },
        },
        split: SplitSpec {
            test_frac: TestFraction::new(0.1).unwrap(),
            seed: Seed::new(9).unwrap(),
            ..SplitSpec::default()
        },
    };
    for (run, pace) in [
        (run_on(DataSpec::default()), Pace::PerSecond(30.0)),
        (run_on(file.clone()), Pace::PerSecond(30.0)),
        (
            RunSettings {
                batch_size: None,
                hidden: Some(HiddenSizes::new(vec![3]).unwrap()),
                lr: LearningRate::new(0.001).unwrap(),
                ..run_on(file)
            },
            Pace::Max,
        ),
    ] {
        std::fs::write(&path, session_text(&run, pace, &path).unwrap()).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(
            loaded,
            Layer {
                pace: Some(pace),
                ..run.layer()
            }
        );
        assert_eq!(loaded.headless, None);
        let session = crate::settings::resolve(loaded, None).unwrap();
        assert_eq!((session.run, session.pace), (run, pace));
    }
}

#[test]
fn a_generated_data_set_is_saved_without_file_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let moons = Generated {
        points: Points::new(123).unwrap(),
        noise: Noise::new(0.3).unwrap(),
        ..Generated::new(Playground::Moons)
    };
    let run = run_on(DataSpec::default().with_source(Source::Generated(moons)));
    std::fs::write(&path, session_text(&run, Pace::Max, &path).unwrap()).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.dataset, Some(Playground::Moons));
    assert_eq!(
        (loaded.points, loaded.noise),
        (Some(moons.points), Some(moons.noise))
    );
    assert_eq!(
        (loaded.data, loaded.scale, loaded.target),
        (None, None, None)
    );
    // And a file's settings keep no points or noise.
    let layer = run_on(DataSpec::default()).layer();
    assert_eq!(
        (layer.points, layer.noise, layer.dataset),
        (None, None, None)
    );
}

#[test]
fn relative_paths_are_taken_from_the_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, "data = \"d.csv\"\nsave = \"/abs/w.safetensors\"\n").unwrap();
    let layer = load(&file).unwrap();
    assert_eq!(layer.data, path_of(dir.path().join("d.csv")));
    assert_eq!(layer.save, path("/abs/w.safetensors"));
    // Saved elsewhere than the working folder, relative paths become absolute.
    let run = run_on(DataSpec::default().with_source(Source::File {
        path: "d.csv".into(),
        table: TableSpec::default(),
    }));
    std::fs::write(&file, session_text(&run, Pace::Max, &file).unwrap()).unwrap();
    let layer = load(&file).unwrap();
    assert_eq!(layer.data, path_of(std::path::absolute("d.csv").unwrap()));
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "fits the fields it is compared with"
)]
fn path_of(path: PathBuf) -> Option<FilePath> {
    Some(FilePath(path))
}

#[test]
fn an_unreadable_file_is_one_line_naming_it() {
    let message = load(Path::new("/no/such/session.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("cannot read /no/such/session.toml: "),
        "{message}"
    );
}

#[test]
fn a_runs_settings_are_all_written() {
    let text = to_toml(&RunSettings::tutorial().layer()).unwrap();
    assert_eq!(
        text,
        "lr = 0.1\nepochs = 30\nseed = 442\nbackend = \"cpu\"\nscale = \"max\"\n\
         valid_frac = 0.2\ntest_frac = 0.0\nsplit_seed = 42\nactivation = \"relu\"\n\
         loss = \"mae\"\noptimizer = \"sgd\"\nl1 = 0.0\nl2 = 0.0\n"
    );
    assert_eq!(read(&text).unwrap(), RunSettings::tutorial().layer());
}
