//! Headless runs through the real binary: files written, resumed, and notes about the data.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{nnfs, nnfs_with_env, readme_block_is_the_binarys, stderr, stdout, wgpu_available};
use serde_json::Value;

fn jsonl(output: &std::process::Output) -> Vec<Value> {
    assert!(output.status.success(), "{}", stderr(output));
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn saved_weights_resume_where_the_run_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("w.safetensors");
    let w = weights.to_str().unwrap();
    let first = jsonl(&nnfs(&[
        "--headless",
        "--lr",
        "1.4",
        "--epochs",
        "5",
        "--hidden",
        "7",
        "--format",
        "jsonl",
        "--save",
        w,
    ]));
    let summary = first.last().unwrap();
    let resumed = jsonl(&nnfs(&[
        "--headless",
        "--lr",
        "1.4",
        "--epochs",
        "1",
        "--init",
        w,
        "--format",
        "jsonl",
    ]));
    // The architecture comes from the file; the first loss is the saved model's loss.
    assert_eq!(resumed.last().unwrap()["hidden"], serde_json::json!([7]));
    let before = summary["final_train_loss"].as_f64().unwrap();
    let after = resumed[0]["train_loss"].as_f64().unwrap();
    assert!((before - after).abs() < 1e-6, "{before} vs {after}");
}

#[test]
fn history_file_has_every_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.csv");
    let lines = jsonl(&nnfs(&[
        "--headless",
        "--epochs",
        "4",
        "--format",
        "jsonl",
        "--history",
        history.to_str().unwrap(),
    ]));
    let csv = std::fs::read_to_string(&history).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "epoch,train_loss,valid_loss,valid_accuracy,elapsed_ms"
    );
    assert_eq!(rows.len(), 5);
    for (row, line) in rows[1..].iter().zip(&lines) {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[0], line["epoch"].to_string());
        let loss: f64 = fields[1].parse().unwrap();
        assert!((loss - line["train_loss"].as_f64().unwrap()).abs() < 1e-6);
    }
}

#[test]
fn a_test_split_is_evaluated_once_at_the_end() {
    let text = nnfs(&["--headless", "--epochs", "3", "--test-frac", "0.1"]);
    let out = stdout(&text);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("valid loss ")
            && last.contains("; test loss ")
            && last.contains("test accuracy"),
        "{last}"
    );
    let lines = jsonl(&nnfs(&[
        "--headless",
        "--epochs",
        "3",
        "--test-frac",
        "0.1",
        "--format",
        "jsonl",
    ]));
    let summary = lines.last().unwrap();
    assert_eq!(summary["test_rows"], 89);
    assert!(summary["test_accuracy"].is_number());
}

#[test]
fn preprocessing_decisions_are_reported_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    let mut text = String::from("name,age,smoker,outcome\n");
    for i in 0..40 {
        let smoker = ["yes", "no", ""][i % 3];
        let outcome = ["benign", "malignant"][i % 2];
        text.push_str(&format!("person {i},{},{smoker},{outcome}\n", 20 + i));
    }
    std::fs::write(&path, text).unwrap();
    let output = nnfs(&[
        "--headless",
        "--epochs",
        "2",
        "--data",
        path.to_str().unwrap(),
        "--target",
        "outcome",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).lines().collect::<Vec<_>>(),
        [
            "note: column 'name' has 40 distinct text values (a name or an id?): dropped",
            "note: target 'outcome': 'malignant' → 1, 'benign' → 0",
        ]
    );
    assert_eq!(stdout(&output).lines().count(), 2);
}

/// The tutorial's network at five learning rates from one start: a table in increasing lr,
/// the smallest learning, and the answer to "from which lr does it stop learning?".
#[test]
fn a_sweep_prints_a_table_and_where_learning_stops() {
    let sweep = [
        "--headless",
        "--sweep",
        "0.1..1000",
        "--steps",
        "5",
        "--epochs",
        "30",
    ];
    let output = nnfs(&sweep);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].trim_start().starts_with("lr"), "{text}");
    let lrs: Vec<&str> = lines[1..6]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(lrs, ["0.100", "1.00", "10.0", "100", "1000"]);
    assert!(lines[1].ends_with("learned"), "{text}");
    assert!(!lines[5].ends_with("learned"), "{text}");
    assert!(lines[6].starts_with("stops learning at lr "), "{text}");

    let json = jsonl(&nnfs(&[&sweep[..], &["--format", "jsonl"]].concat()));
    assert_eq!(json.len(), 6);
    assert!(json.last().unwrap()["stops_learning_at"].is_number());
}

/// The lab's choices reach the sweep and the finder: with another loss, update rule,
/// activation or penalty, each rate of a sweep ends where one run at that rate ends, and the
/// finder's second step is the loss after one step of that rule (a run's second epoch).
#[test]
fn the_sweep_and_the_finder_train_with_the_runs_method() {
    let methods: [&[&str]; 3] = [
        &["--loss", "bce"],
        &["--optimizer", "adam"],
        &[
            "--activation",
            "tanh",
            "--l2",
            "0.01",
            "--optimizer",
            "momentum",
        ],
    ];
    let base = ["--headless", "--epochs", "20", "--format", "jsonl"];
    for method in methods {
        let swept = jsonl(&nnfs(
            &[&base[..], &["--sweep", "0.1..10", "--steps", "3"], method].concat(),
        ));
        let points: Vec<&Value> = swept.iter().filter(|l| l.get("lr").is_some()).collect();
        assert_eq!(points.len(), 3, "{method:?}");
        for point in points {
            let lr = point["lr"].as_f64().unwrap().to_string();
            let alone = jsonl(&nnfs(&[&base[..], &["--lr", &lr], method].concat()));
            let summary = alone.last().unwrap();
            assert_eq!(
                point["train_loss"], summary["final_train_loss"],
                "{method:?} at lr {lr}"
            );
            assert_eq!(
                point["valid_loss"], summary["final_valid_loss"],
                "{method:?} at lr {lr}"
            );
        }
        let found = jsonl(&nnfs(
            &[&base[..], &["--lr-find", "--steps", "5"], method].concat(),
        ));
        let step = |k: u64| found.iter().find(|l| l["step"] == k).unwrap();
        let lr = step(0)["lr"].as_f64().unwrap().to_string();
        let run = jsonl(&nnfs(
            &[&base[..2], &["2", "--format", "jsonl", "--lr", &lr], method].concat(),
        ));
        let epochs: Vec<&Value> = run
            .iter()
            .filter(|l| l.get("train_loss").is_some())
            .collect();
        assert_eq!(step(0)["loss"], epochs[0]["train_loss"], "{method:?}");
        assert_eq!(step(1)["loss"], epochs[1]["train_loss"], "{method:?}");
    }
}

/// XOR needs the hidden layer; 10 steps an epoch get there in 40 epochs, one step does not.
#[test]
fn a_generated_set_trains_with_mini_batches() {
    let run = |batch: &[&str]| {
        let mut args = vec![
            "--headless",
            "--dataset",
            "xor",
            "--noise",
            "0",
            "--hidden",
            "8",
            "--lr",
            "1",
            "--epochs",
            "40",
            "--format",
            "jsonl",
        ];
        args.extend_from_slice(batch);
        jsonl(&nnfs(&args)).pop().unwrap()
    };
    let mini = run(&["--batch-size", "32"]);
    let full = run(&[]);
    assert_eq!(mini["features"], serde_json::json!(["x1", "x2"]));
    let accuracy = |s: &Value| s["final_valid_accuracy"].as_f64().unwrap();
    assert!(accuracy(&mini) > 0.9, "{mini}");
    assert!(accuracy(&full) < accuracy(&mini), "{full} vs {mini}");
}

/// The circle is no straight line in x1 and x2, and one in x1² and x2²: with linear hidden
/// units (one linear map) only the crosses learn it.
#[test]
fn crossed_features_let_a_linear_network_learn_the_circle() {
    let run = |features: &str| {
        let args = [
            "--headless",
            "--dataset",
            "circle",
            "--features",
            features,
            "--activation",
            "linear",
            "--hidden",
            "4",
            "--lr",
            "3",
            "--epochs",
            "300",
            "--format",
            "jsonl",
        ];
        jsonl(&nnfs(&args)).pop().unwrap()
    };
    let crossed = run("x2sq,x1^2");
    let plain = run("x1,x2");
    assert_eq!(crossed["features"], serde_json::json!(["x1²", "x2²"]));
    let accuracy = |s: &Value| s["final_valid_accuracy"].as_f64().unwrap();
    assert!(accuracy(&crossed) > 0.95, "{crossed}");
    assert!(accuracy(&plain) < 0.7, "{plain}");
}

#[test]
fn a_sweep_refuses_flags_for_one_run() {
    for args in [
        &["--sweep", "0.1..1"][..],
        &["--headless", "--sweep", "0.1..1", "--save", "w.safetensors"],
        &["--headless", "--sweep", "0.1..1", "--history", "h.csv"],
        &["--headless", "--sweep", "0.1..1", "--backend", "wgpu"],
    ] {
        let output = nnfs(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.starts_with("error: --sweep "), "{message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(stdout(&output).is_empty());
    }
}

/// `| head -1`: once the reader has gone, a run stops, keeps what it computed (the weights) and
/// exits 0 without an error line; a sweep stops too.
#[test]
fn a_closed_stdout_ends_the_run_quietly_and_keeps_the_weights() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("w.safetensors");
    let weights_arg = weights.display().to_string();
    let run: &[&str] = &["--epochs", "100000", "--save", &weights_arg];
    let sweep: &[&str] = &["--sweep", "0.01..100", "--epochs", "300"];
    for args in [run, sweep] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nnfs-tui"))
            .args(["--headless", "--format", "jsonl"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut first).unwrap();
        assert!(first.starts_with('{'), "{first}");
        drop(reader);
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
    }
    let saved = std::fs::metadata(&weights).unwrap();
    assert!(saved.len() > 0, "the weights were saved");
}

/// The README's sweep example is what the binary prints, table and verdict.
#[test]
fn the_readmes_sweep_table_is_the_binarys() {
    readme_block_is_the_binarys("$ nnfs-tui --headless --sweep ");
}

/// Files from elsewhere read as pandas reads them (`sep=None`): statistics packages write
/// tab-separated files with quoted names ('vote'), European spreadsheets `;`. The note says
/// which delimiter was found; `--delimiter` forces one. `--data -` reads standard input.
#[test]
fn files_from_elsewhere_are_read_as_pandas_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let rows = |sep: &str| -> String {
        let rows: Vec<String> = (0..60)
            .map(|i| format!("{}{sep}{}{sep}{}\n", i % 7, (i * 3) % 11, i % 2))
            .collect();
        rows.concat()
    };
    let anes = dir.path().join("anes.csv");
    std::fs::write(&anes, format!("'popul'\t'TVnews'\t'vote'\n{}", rows("\t"))).unwrap();
    let european = dir.path().join("modes.csv");
    std::fs::write(&european, format!("ttme;invc;choice\n{}", rows(";"))).unwrap();
    for (file, target, separated) in [(&anes, "vote", "tabs"), (&european, "choice", "';'")] {
        let output = nnfs(&[
            "--headless",
            "--data",
            file.to_str().unwrap(),
            "--target",
            target,
            "--epochs",
            "2",
            "--format",
            "jsonl",
        ]);
        let lines = jsonl(&output);
        assert_eq!(
            lines.last().unwrap()["features"].as_array().unwrap().len(),
            2
        );
        let notes = stderr(&output);
        assert!(
            notes.contains(&format!(
                "note: columns separated by {separated} (found in the first lines"
            )),
            "{notes}"
        );
    }
    // Forced, a wrong delimiter makes one column, and the error lists it.
    let output = nnfs(&[
        "--headless",
        "--data",
        european.to_str().unwrap(),
        "--target",
        "choice",
        "--delimiter",
        ",",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("choose --target from: ttme;invc;choice"),
        "{}",
        stderr(&output)
    );
    // Standard input.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args([
            "--headless",
            "--data",
            "-",
            "--target",
            "choice",
            "--epochs",
            "2",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        std::fs::read(&european).unwrap().as_slice(),
    )
    .unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 2);
}

/// The README's finder example is the binary's last line.
#[test]
fn the_readmes_finder_line_is_the_binarys() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("$ nnfs-tui --headless --lr-find | tail -1\n")
        .unwrap();
    let line = readme[start..].lines().nth(1).unwrap();
    let output = nnfs(&["--headless", "--lr-find"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().last(), Some(line));
}

/// Combinations the finder, --dynamics and --pause-on-event do not go with, each one line.
#[test]
fn dynamics_flags_refuse_what_they_do_not_go_with() {
    for (args, message) in [
        (
            &["--lr-find"][..],
            "error: --lr-find prints its steps: add --headless (in the dashboard, F finds a rate)",
        ),
        (
            &["--headless", "--lr-find", "--sweep", "0.1..1"][..],
            "error: --lr-find and --sweep each try many rates: choose one",
        ),
        (
            &["--headless", "--dynamics"][..],
            "error: --dynamics adds figures to --format jsonl and to --history: add one of them",
        ),
        (
            &["--headless", "--pause-on-event"][..],
            "error: --pause-on-event pauses the dashboard: drop --headless",
        ),
        (
            &["--headless", "--steps", "5"][..],
            "error: --steps needs --sweep",
        ),
    ] {
        let output = nnfs(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&output).trim_end(), message, "{args:?}");
    }
}

/// A race's variants start from the seed's coefficients, each trained as its own settings
/// say: the Adam variant is PyTorch's Adam run (`reference.py seed --optimizer adam`), every
/// epoch within 1e-4, and the SGD variant is the tutorial's run.
#[test]
fn a_race_trains_each_variant_from_the_same_start() {
    let fixture = common::fixture("seeded/opt-adam-lr0.01/expected.json");
    let adam: Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let lines = jsonl(&nnfs(&[
        "--headless",
        "--race",
        "optimizer=sgd,adam",
        "--lr",
        "0.01",
        "--format",
        "jsonl",
    ]));
    let losses = |variant: &str| -> Vec<f64> {
        lines
            .iter()
            .filter(|l| l["variant"] == variant && l.get("epoch").is_some())
            .map(|l| l["train_loss"].as_f64().unwrap())
            .collect()
    };
    let raced = losses("optimizer=adam");
    let torch = adam["train_losses"].as_array().unwrap();
    assert_eq!(raced.len(), torch.len());
    for (got, want) in raced.iter().zip(torch) {
        assert!(
            (got - want.as_f64().unwrap()).abs() < 1e-4,
            "{got} vs {want}"
        );
    }
    let tutorial = jsonl(&nnfs(&["--headless", "--lr", "0.01", "--format", "jsonl"]));
    let alone: Vec<f64> = tutorial[..30]
        .iter()
        .map(|l| l["train_loss"].as_f64().unwrap())
        .collect();
    assert_eq!(losses("optimizer=sgd"), alone);
    let summary = lines.last().unwrap();
    assert_eq!(summary["race"], "optimizer");
    assert_eq!(summary["variants"][1]["variant"], "optimizer=adam");
    assert_eq!(summary["variants"][1]["epochs"], 30);
    assert_eq!(
        summary["variants"][0]["first_loss"],
        summary["variants"][1]["first_loss"]
    );

    let table = nnfs(&["--headless", "--race", "lr=0.1,1.4", "--epochs", "5"]);
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[1].starts_with("lr=0.1 "), "{text}");
    assert!(rows[2].starts_with("lr=1.4 "), "{text}");
    assert_eq!(
        rows[3],
        "5 epochs each, every variant from the same start (seed 442)"
    );
}

#[test]
fn a_race_refuses_what_it_does_not_go_with() {
    for (args, message) in [
        (
            &["--race", "loss=mae,bce", "--save", "w.safetensors"][..],
            "error: --race trains many runs: --save, --save-best and --history are for one run",
        ),
        (
            &["--race", "loss=mae,bce", "--sweep", "0.1..1"][..],
            "error: --race trains its variants at the run's rate: drop --sweep or --lr-find",
        ),
        (
            &["--race", "loss=mae,bce", "--backend", "wgpu"][..],
            "error: --race trains its variants on the CPU, side by side: drop --backend wgpu",
        ),
        (
            &["--race", "loss=mae,mae"][..],
            "error: invalid value 'loss=mae,mae' for '--race <KEY=V1,V2[,..]>': loss=mae is in the race twice (see --help)",
        ),
    ] {
        let output = nnfs(&[&["--headless"], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&output).trim_end(), message, "{args:?}");
    }
}

#[test]
fn the_readmes_race_table_is_the_binarys() {
    readme_block_is_the_binarys("$ nnfs-tui --headless --race ");
}

/// A GPU run keeps what autotune measured in `$XDG_CACHE_HOME/nnfs-tui` and trains the same
/// from it on the next start; `--no-gpu-cache` writes nothing there.
#[test]
fn a_gpu_run_keeps_its_autotune_results_in_the_users_cache_folder() {
    let args = ["--headless", "--backend", "wgpu", "--epochs", "3"];
    let run = |cache: &std::path::Path, extra: &[&str]| {
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        nnfs_with_env(&args, &[("XDG_CACHE_HOME", cache.to_str().unwrap())])
    };
    let kept = tempfile::tempdir().unwrap();
    let first = run(kept.path(), &[]);
    if !wgpu_available(&first) {
        return;
    }
    assert!(first.status.success(), "{}", stderr(&first));
    let folder = kept.path().join("nnfs-tui");
    let files = std::fs::read_dir(&folder).map_or(0, Iterator::count);
    assert!(files > 0, "nothing kept in {}", folder.display());
    let second = run(kept.path(), &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(stdout(&second), stdout(&first));

    // Started in an empty folder that is also its home and its cache, with nothing kept: it
    // leaves nothing there but Mesa's own shader cache.
    let none = tempfile::tempdir().unwrap();
    let plain = std::process::Command::new(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args(args)
        .arg("--no-gpu-cache")
        .current_dir(none.path())
        .env("HOME", none.path())
        .env("XDG_CACHE_HOME", none.path())
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", stderr(&plain));
    let left: Vec<_> = std::fs::read_dir(none.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name != "mesa_shader_cache")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(stdout(&plain), stdout(&first));
}
