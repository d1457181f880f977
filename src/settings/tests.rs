//! Layers and their resolution, without flags or files.

use super::*;

fn layer(lr: f64, epochs: Option<usize>) -> Layer {
    Layer {
        lr: Some(LearningRate(lr)),
        epochs: epochs.map(Count),
        ..Layer::default()
    }
}

#[test]
fn a_higher_layer_wins_where_it_says_something() {
    let merged = layer(3.0, None).over(layer(2.0, Some(7)));
    assert_eq!(merged, layer(3.0, Some(7)));
    assert_eq!(merged.keys(), ["lr", "epochs"]);
    assert_eq!(Layer::default().keys(), Vec::<&str>::new());
}

#[test]
fn a_runs_data_survives_its_session_keys() {
    let generated = Generated {
        points: Points(50),
        ..Generated::new(Playground::Spiral)
    };
    let specs = [
        DataSpec::default(),
        DataSpec::default().with_source(Source::Generated(generated)),
        DataSpec::default().with_source(Source::File {
            path: "a.csv".into(),
            table: TableSpec {
                target: Some("y".into()),
                delimiter: Some(b';'),
                scale: Scale::Standard,
                valid: Some("v.csv".into()),
                test: None,
            },
        }),
    ];
    for spec in specs {
        let run = RunSettings {
            data: spec.clone(),
            ..RunSettings::tutorial()
        };
        let layer = Layer {
            headless: Some(Switch(true)),
            ..run.layer()
        };
        assert_eq!(resolve(layer, None).map(|s| s.run), Ok(run), "{spec:?}");
    }
}

#[test]
fn sweep_rates_are_log_spaced_and_include_both_ends() {
    let spec = SweepSpec {
        range: SweepSpec::DEFAULT_RANGE,
        steps: Steps(5),
        epochs: Count(1),
    };
    let lrs = spec.learning_rates();
    for (got, want) in lrs.iter().zip([0.01, 0.1, 1.0, 10.0, 100.0]) {
        assert!((got / want - 1.0).abs() < 1e-9, "{lrs:?}");
    }
}
