//! Flags through clap, then through [`settings::resolve`], with and without a session file.

use super::*;
use crate::settings::{
    self, DataSpec, Generated, RunSettings, Session, Source, SplitSpec, TableSpec,
};

fn parse(args: &[&str]) -> std::result::Result<Cli, String> {
    Cli::try_parse_from(std::iter::once("nnfs-tui").chain(args.iter().copied()))
        .map_err(|e| e.to_string())
}

/// The session `args` describe, as the binary resolves it.
fn session(args: &[&str]) -> std::result::Result<Session, String> {
    settings::resolve(parse(args)?.layer(), None)
}

/// `args` with `toml` as the text of a session file named `s.toml`.
fn with_file(args: &[&str], toml: &str) -> std::result::Result<Session, String> {
    let file = crate::config::parse(toml, "s.toml").map_err(|e| e.to_string())?;
    settings::resolve(parse(args)?.layer(), Some((file, "s.toml")))
}

fn lr(lr: f64) -> LearningRate {
    LearningRate::new(lr).unwrap()
}

fn count(n: usize) -> Count {
    Count::new(n).unwrap()
}

#[test]
fn absent_flags_take_the_tutorials_defaults() {
    let session = session(&["--headless"]).unwrap();
    assert_eq!(session.run, RunSettings::tutorial());
    assert_eq!(session.run.data, DataSpec::default());
    let dashboard = super::tests::session(&[]).unwrap();
    assert_eq!(dashboard.run, RunSettings::dashboard());
    assert_eq!(dashboard.pace, Pace::PerSecond(30.0));
}

#[test]
fn hidden_sizes_are_a_comma_separated_list() {
    let cli = parse(&["--hidden", "10,5"]).unwrap();
    assert_eq!(cli.hidden.map(|h| h.sizes().to_vec()), Some(vec![10, 5]));
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
    let run = session(&[
        "--headless",
        "--dataset",
        "spiral",
        "--points",
        "1000",
        "--noise",
        "0",
    ])
    .unwrap()
    .run;
    let Source::Generated(generated) = run.data.source else {
        panic!("{:?}", run.data);
    };
    assert_eq!(generated.kind, Playground::Spiral);
    assert_eq!((generated.points.get(), generated.noise.get()), (1000, 0.0));
    let run = session(&["--dataset", "moons"]).unwrap().run;
    assert_eq!(
        run.data.generated(),
        Some(Generated::new(Playground::Moons))
    );
    for name in ["circle", "xor", "gauss", "spiral", "moons"] {
        assert!(session(&["--dataset", name]).is_ok(), "{name}");
    }
    assert!(session(&["--dataset", "xor", "--noise", "1"]).is_ok());
    assert!(session(&["--dataset", "xor", "--points", "1000000"]).is_ok());
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
        let message = session(&args).unwrap_err();
        assert!(
            message.contains("cannot be used with"),
            "{args:?}: {message}"
        );
    }
    for args in [
        &["--noise", "0.3", "--data", "a.csv"][..],
        &["--points", "10", "--target", "y"],
    ] {
        let message = session(args).unwrap_err();
        assert!(message.contains("--dataset"), "{args:?}: {message}");
    }
    // Split flags apply to generated data as to files.
    assert!(
        session(&[
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
        let message = session(args).unwrap_err();
        assert!(message.contains("--dataset"), "{args:?}: {message}");
    }
    let message = session(&["--steps", "5"]).unwrap_err();
    assert!(message.contains("--sweep"), "{message}");
}

#[test]
fn the_layer_holds_only_the_flags_given() {
    let layer = parse(&["--lr", "1", "--seed", "442", "--hidden", "3,4"])
        .unwrap()
        .layer();
    assert_eq!(layer.keys(), ["lr", "hidden", "seed"]);
    assert_eq!(parse(&[]).unwrap().layer(), Layer::default());
    assert_eq!(parse(&["--headless"]).unwrap().layer().keys(), ["headless"]);
}

#[test]
fn file_values_replace_the_defaults() {
    let session = with_file(
        &[],
        "headless = true\nformat = \"jsonl\"\nlr = 2\nepochs = 7\nhidden = [3, 4]\nseed = 1\n\
         valid_frac = 0.3\ntest_frac = 0.1\nsplit_seed = 5\nscale = \"none\"\nbatch_size = 16\n\
         history = \"h.csv\"\nsave = \"w.safetensors\"",
    )
    .unwrap();
    assert!(session.headless);
    assert_eq!(session.format, Format::Jsonl);
    assert_eq!(session.history, Some(PathBuf::from("h.csv")));
    assert_eq!(session.save, Some(PathBuf::from("w.safetensors")));
    assert_eq!(
        session.run,
        RunSettings {
            lr: lr(2.0),
            epochs: count(7),
            hidden: Some("3,4".parse().unwrap()),
            seed: Seed::new(1).unwrap(),
            batch_size: Some(count(16)),
            data: DataSpec {
                source: Source::Titanic(TableSpec {
                    scale: Scale::None,
                    ..TableSpec::default()
                }),
                split: SplitSpec {
                    valid_frac: ValidFraction::new(0.3).unwrap(),
                    test_frac: TestFraction::new(0.1).unwrap(),
                    seed: Seed::new(5).unwrap(),
                },
            },
            ..RunSettings::tutorial()
        }
    );
}

#[test]
fn flags_on_the_command_line_override_the_file() {
    let toml = "lr = 2\nseed = 1\nvalid_frac = 0.3\nepochs = 7\nhidden = [3]\npace = \"max\"";
    // --seed 442 and --valid-frac 0.2 are the defaults, but given: they still win.
    let session = with_file(
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
    let run = &session.run;
    assert_eq!(
        (run.lr.get(), run.seed.get(), run.epochs.get()),
        (3.0, 442, 7)
    );
    assert_eq!(run.data.split.valid_frac.get(), 0.2);
    assert_eq!(run.hidden, Some("5,5".parse().unwrap()));
    assert_eq!(session.pace, Pace::PerSecond(10.0));
    // Neither flag nor file: the built-in default, the dashboard's own included.
    let session = with_file(&[], "seed = 1").unwrap();
    let run = &session.run;
    assert_eq!(
        (run.lr.get(), run.epochs.get(), run.seed.get(), session.pace),
        (1.4, 1000, 1, Pace::PerSecond(30.0))
    );
    let session = with_file(&[], toml).unwrap();
    assert_eq!(
        (session.run.lr.get(), session.run.epochs.get(), session.pace),
        (2.0, 7, Pace::Max)
    );
    assert_eq!(
        with_file(&["--headless"], "").unwrap().run,
        RunSettings::tutorial()
    );
}

#[test]
fn flags_may_need_what_the_file_gives() {
    let run = with_file(&["--points", "50", "--noise", "0"], "dataset = \"xor\"")
        .unwrap()
        .run;
    let generated = run.data.generated().unwrap();
    assert_eq!(generated.kind, Playground::Xor);
    assert_eq!((generated.points.get(), generated.noise.get()), (50, 0.0));
    let run = with_file(&["--dataset", "circle"], "points = 10")
        .unwrap()
        .run;
    assert_eq!(run.data.generated().map(|g| g.points.get()), Some(10));
    let sweep = |session: Session| {
        session
            .sweep
            .map(|spec| (spec.range.from, spec.range.to, spec.steps.get()))
    };
    let session = with_file(&["--headless", "--sweep", "0.1..10"], "steps = 3").unwrap();
    assert_eq!(sweep(session), Some((0.1, 10.0, 3)));
    let session = with_file(&["--headless", "--steps", "4"], "sweep = \"0.1..10\"").unwrap();
    assert_eq!(sweep(session), Some((0.1, 10.0, 4)));
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
    // Both on the command line.
    let message = with_file(&["--dataset", "circle", "--data", "a.csv"], "").unwrap_err();
    assert!(message.contains("cannot be used with"), "{message}");
}

#[test]
fn a_sweep_goes_with_headless_cpu_runs_only() {
    for (args, why) in [
        (
            &["--sweep", "0.1..10"][..],
            "--sweep prints a table: add --headless",
        ),
        (
            &[
                "--headless",
                "--sweep",
                "0.1..10",
                "--save",
                "w.safetensors",
            ],
            "--sweep trains many runs",
        ),
        (
            &["--headless", "--sweep", "0.1..10", "--backend", "wgpu"],
            "--sweep trains on the CPU",
        ),
    ] {
        let message = session(args).unwrap_err();
        assert!(message.starts_with(why), "{args:?}: {message}");
    }
}

#[test]
fn a_saved_session_replays_the_dashboards_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.toml");
    let gauss = Generated {
        noise: Noise::new(0.25).unwrap(),
        ..Generated::new(Playground::Gauss)
    };
    let run = RunSettings {
        lr: lr(20.0),
        hidden: Some("8,4".parse().unwrap()),
        epochs: count(250),
        seed: Seed::new(9).unwrap(),
        batch_size: Some(count(32)),
        data: DataSpec {
            source: Source::Generated(gauss),
            split: SplitSpec {
                seed: Seed::new(3).unwrap(),
                ..SplitSpec::default()
            },
        },
        ..RunSettings::dashboard()
    };
    let text = crate::config::session_text(&run, Pace::Max, &path).unwrap();
    std::fs::write(&path, text).unwrap();
    let file = crate::config::load(&path).unwrap();
    let session = settings::resolve(Layer::default(), Some((file, "session.toml"))).unwrap();
    assert_eq!(session.pace, Pace::Max);
    assert_eq!(session.run, run);
}
