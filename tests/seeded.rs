//! The tutorial's PyTorch code and ours from a plain seed, no `--init`: the embedded Titanic
//! table prepared as pandas prepares it, fastai's `RandomSplitter`, `torch.manual_seed` and
//! `init_coeffs`, every epoch's loss within 1e-4 on the CPU (1e-3 on wgpu) and the same final
//! accuracy. The fixtures in `tests/fixtures/seeded/` are made with real torch by
//! `tests/fixtures/reference.py seed`.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{fixture, nnfs, nnfs_with_env, stderr, stdout, wgpu_available};
use serde_json::Value;

const RUNS: [&str; 8] = [
    "tutorial-lr1.4",
    "tutorial-lr0.1",
    "tutorial-lr20",
    "seed7-h5-lr0.3-split1",
    "seed1-h10x10-lr2",
    "h32-lr60-split7",
    "seed3-h8-lr1-split5-test",
    "batch64-lr0.3",
];

/// The tutorial's code changed in one place each (`reference.py seed --activation`,
/// `--loss`, `--optimizer`, `--momentum`, `--l1`, `--l2`): every activation, loss, update rule
/// and penalty.
const CHOICES: [&str; 14] = [
    "act-leaky_relu-lr1.4",
    "act-tanh-lr1.4",
    "act-sigmoid-lr1.4",
    "act-linear-lr1.4",
    "act-relu-tanh-seed1-h10x10-lr2",
    "loss-mse-lr1.4",
    "loss-bce-lr1.4",
    "opt-momentum-lr0.1",
    "opt-momentum0.5-lr0.3",
    "opt-adam-lr0.01",
    "opt-adam-batch64-lr0.01",
    "l1-0.001-lr1.4",
    "l2-0.01-lr1.4",
    "l1-0.001-l2-0.01-momentum-lr0.3",
];

/// Layers wide enough (713 rows × 2,048 units) that the CPU trains them through the fused op
/// (`model::fused`): the tutorial's, and a deeper one with tanh and cross-entropy, whose
/// first layer takes the op's gradient for its input.
const FUSED: [&str; 2] = ["fused-h2048-lr1.4", "fused-h16x2048-tanh-bce-lr0.3"];

fn expected(run: &str) -> Value {
    let path = fixture(&format!("seeded/{run}/expected.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The reference's settings as flags: seed, split, hidden sizes, lr, epochs, batch size.
fn flags(expected: &Value) -> Vec<String> {
    let hidden: Vec<String> = expected["hidden"]
        .as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut flags = vec![
        "--headless".to_string(),
        "--seed".into(),
        expected["torch_seed"].to_string(),
        "--split-seed".into(),
        expected["split_seed"].to_string(),
        "--valid-frac".into(),
        expected["valid_frac"].to_string(),
        "--hidden".into(),
        hidden.join(","),
        "--lr".into(),
        expected["lr"].to_string(),
        "--epochs".into(),
        expected["epochs"].to_string(),
    ];
    if expected["test_frac"].as_f64().unwrap() > 0.0 {
        flags.extend(["--test-frac".into(), expected["test_frac"].to_string()]);
    }
    if let Some(size) = expected["batch_size"].as_u64() {
        flags.extend(["--batch-size".into(), size.to_string()]);
    }
    // The choices the fixture made where it left the tutorial's.
    for key in ["activation", "loss", "optimizer", "momentum", "l1", "l2"] {
        match &expected[key] {
            Value::Null => {}
            Value::String(text) => flags.extend([format!("--{key}"), text.clone()]),
            other => flags.extend([format!("--{key}"), other.to_string()]),
        }
    }
    flags
}

fn run(name: &str, backend: &str) -> std::process::Output {
    let mut args = flags(&expected(name));
    args.extend([
        "--format".into(),
        "jsonl".into(),
        "--backend".into(),
        backend.into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    nnfs(&args)
}

/// Every epoch's training loss and validation loss, the split's sizes and the final figures;
/// returns the largest loss difference.
fn check(name: &str, output: &std::process::Output, tolerance: f64) -> f64 {
    assert!(output.status.success(), "{name}: {}", stderr(output));
    let expected = expected(name);
    // Events are lines of their own: tutorial-lr20 has one (see below).
    let lines: Vec<Value> = stdout(output)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line.get("event").is_none())
        .collect();
    let epochs = usize::try_from(expected["epochs"].as_u64().unwrap()).unwrap();
    assert_eq!(lines.len(), epochs + 1, "{name}: every epoch and a summary");
    let mut worst = 0.0f64;
    for (i, line) in lines[..epochs].iter().enumerate() {
        for (key, reference) in [
            ("train_loss", "train_losses"),
            ("valid_loss", "valid_losses"),
            ("penalty", "penalties"),
        ] {
            if expected[reference].is_null() {
                assert!(line[key].is_null(), "{name}: no {key} without a penalty");
                continue;
            }
            let got = line[key].as_f64().unwrap();
            let want = expected[reference][i].as_f64().unwrap();
            worst = worst.max((got - want).abs());
            assert!(
                (got - want).abs() <= tolerance,
                "{name} epoch {}: {key} {got}, PyTorch {want}",
                i + 1
            );
        }
    }
    let summary = &lines[epochs];
    for rows in ["train_rows", "valid_rows", "test_rows"] {
        assert_eq!(summary[rows], expected[rows], "{name}: {rows}");
    }
    let valid_rows = summary["valid_rows"].as_f64().unwrap();
    let right = |accuracy: &Value, rows: f64| (accuracy.as_f64().unwrap() * rows).round();
    assert_eq!(
        right(&summary["final_valid_accuracy"], valid_rows),
        right(&expected["final_valid_accuracy"], valid_rows),
        "{name}: the same validation rows right"
    );
    let valid_loss = summary["final_valid_loss"].as_f64().unwrap();
    let want = expected["final_valid_loss"].as_f64().unwrap();
    assert!(
        (valid_loss - want).abs() <= tolerance,
        "{name}: {valid_loss} vs {want}"
    );
    if let Some(test_loss) = expected["test_loss"].as_f64() {
        let test_rows = summary["test_rows"].as_f64().unwrap();
        assert!((summary["test_loss"].as_f64().unwrap() - test_loss).abs() <= tolerance);
        assert_eq!(
            right(&summary["test_accuracy"], test_rows),
            right(&expected["test_accuracy"], test_rows)
        );
    }
    worst
}

#[test]
fn cpu_runs_from_a_seed_match_pytorch_every_epoch() {
    for name in RUNS {
        let worst = check(name, &run(name, "cpu"), 1e-4);
        eprintln!("{name}: largest loss difference on cpu {worst:.2e}");
    }
}

#[test]
fn every_activation_loss_update_rule_and_penalty_matches_pytorch_every_epoch() {
    for name in CHOICES {
        let worst = check(name, &run(name, "cpu"), 1e-4);
        eprintln!("{name}: largest loss difference on cpu {worst:.2e}");
    }
}

#[test]
fn wide_layers_through_the_fused_op_match_pytorch_every_epoch() {
    for name in FUSED {
        let worst = check(name, &run(name, "cpu"), 1e-4);
        eprintln!("{name}: largest loss difference on cpu {worst:.2e}");
    }
}

/// The fused op sums its gradients in a fixed order, so one thread and three train a seed to
/// the same figures, bit for bit.
#[test]
fn the_fused_op_trains_alike_on_any_number_of_threads() {
    let name = FUSED[1];
    let mut args = flags(&expected(name));
    args.extend(["--format".into(), "jsonl".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let losses = |threads: &str| -> Vec<(f64, f64)> {
        let output = nnfs_with_env(&args, &[("RAYON_NUM_THREADS", threads)]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|line| line.get("train_loss").is_some())
            .map(|line| {
                let figure = |key: &str| line[key].as_f64().unwrap();
                (figure("train_loss"), figure("valid_loss"))
            })
            .collect()
    };
    let one = losses("1");
    assert_eq!(one.len(), 30);
    assert_eq!(one, losses("3"));
}

#[test]
fn wgpu_runs_from_a_seed_match_pytorch_every_epoch() {
    // Three runs keep the debug-build shader compilation within a reasonable test time (all
    // of CHOICES on lavapipe took 445 s, each within 7.2e-7): the tutorial, its divergence,
    // and one of the lab's (both penalties, momentum).
    for name in [
        "tutorial-lr1.4",
        "tutorial-lr20",
        "l1-0.001-l2-0.01-momentum-lr0.3",
    ] {
        let output = run(name, "wgpu");
        if !wgpu_available(&output) {
            return;
        }
        let worst = check(name, &output, 1e-3);
        eprintln!("{name}: largest loss difference on wgpu {worst:.2e}");
    }
}

/// The README's headless example prints what the binary prints.
#[test]
fn the_readmes_headless_line_is_the_binarys() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example = readme
        .lines()
        .find(|line| line.starts_with("nnfs-tui --headless --lr 1.4 "))
        .expect("the README's example");
    let (command, shown) = example.split_once('#').unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let output = nnfs(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = shown.trim().trim_end_matches("...").trim();
    assert!(
        stdout(&output).starts_with(shown),
        "README shows {shown:?}, the binary prints {}",
        stdout(&output)
    );
    // The whole tutorial line, too: the defaults are the tutorial's.
    let expected = expected("tutorial-lr1.4");
    let line: Vec<String> = expected["train_losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|loss| format!("{:.3}; ", loss.as_f64().unwrap()))
        .collect();
    assert_eq!(stdout(&output).lines().next(), Some(line.concat().as_str()));
}

/// Within `relative` of PyTorch's figure (or 1e-7 of it, near zero).
fn close(got: f64, want: f64, relative: f64) -> bool {
    (got - want).abs() <= relative * want.abs() + 1e-7
}

#[test]
fn gradient_norms_and_update_ratios_match_pytorch_every_epoch() {
    let mut worst = 0.0f64;
    for name in RUNS.iter().chain(&CHOICES) {
        let expected = expected(name);
        let Some(grad_norms) = expected["grad_norm"].as_array() else {
            continue; // mini-batches: PyTorch's figures are per step, not per epoch
        };
        let mut args = flags(&expected);
        args.extend(["--format".into(), "jsonl".into(), "--dynamics".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = nnfs(&args);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let epochs: Vec<Value> = stdout(&output)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|line| line.get("grad_norm").is_some())
            .collect();
        assert_eq!(
            epochs.len(),
            grad_norms.len(),
            "{name}: every epoch has them"
        );
        for (i, line) in epochs.iter().enumerate() {
            for figure in ["grad_norm", "update_ratio"] {
                let want = expected[figure][i].as_object().unwrap();
                let got = line[figure].as_object().unwrap();
                assert_eq!(got.len(), want.len(), "{name}: the same tensors");
                for (tensor, value) in want {
                    let (got, want) = (got[tensor].as_f64().unwrap(), value.as_f64().unwrap());
                    worst = worst.max((got - want).abs() / want.abs().max(1e-7));
                    assert!(
                        close(got, want, 1e-3),
                        "{name} epoch {}: {figure} of {tensor} {got}, PyTorch {want}",
                        i + 1
                    );
                }
            }
        }
    }
    eprintln!("largest relative difference from PyTorch: {worst:.1e}");
}

#[test]
fn lr_20s_overshoot_is_one_event_at_epoch_4() {
    let output = nnfs(&["--headless", "--lr", "20", "--format", "jsonl"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let events: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line.get("event").is_some())
        .collect();
    // PyTorch's losses: 0.539; 0.400; 0.245; 0.391; 0.201; ... (tutorial-lr20's fixture).
    let losses = expected("tutorial-lr20")["train_losses"].clone();
    assert!(losses[3].as_f64().unwrap() > losses[2].as_f64().unwrap());
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["epoch"], 4);
    assert_eq!(events[0]["event"], "loss_rose");
    assert_eq!(
        events[0]["detail"],
        "the training loss rose from 0.245 to 0.391 at epoch 4"
    );
    let calm = nnfs(&["--headless", "--lr", "0.1", "--format", "jsonl"]);
    assert!(!stdout(&calm).contains("\"event\""), "lr 0.1 has no events");
}

#[test]
fn the_lr_finder_matches_fastais_lr_find_on_pytorch() {
    let path = fixture("seeded/tutorial-finder/finder.json");
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let output = nnfs(&["--headless", "--lr-find", "--format", "jsonl"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let steps = expected["steps"].as_array().unwrap();
    assert_eq!(lines.len(), steps.len() + 1, "every step and a summary");
    for (got, want) in lines.iter().zip(steps) {
        assert_eq!(got["step"], want["step"]);
        assert!(close(
            got["lr"].as_f64().unwrap(),
            want["lr"].as_f64().unwrap(),
            1e-12
        ));
        // Up to lr 10 within float32 rounding; past it each step's size amplifies the
        // rounding (0.003 at most, near lr 70), as in a sweep's largest rates.
        let tolerance = if want["lr"].as_f64().unwrap() <= 10.0 {
            1e-6
        } else {
            5e-3
        };
        for key in ["loss", "smoothed"] {
            let (g, w) = (got[key].as_f64().unwrap(), want[key].as_f64().unwrap());
            assert!(
                (g - w).abs() <= tolerance,
                "step {}: {key} {g}, fastai {w}",
                want["step"]
            );
        }
    }
    let summary = &lines[steps.len()];
    for name in ["valley", "steep", "minimum"] {
        let got = summary["suggestions"][name].as_f64().unwrap();
        let want = expected["suggestions"][name].as_f64().unwrap();
        assert!(close(got, want, 1e-6), "{name}: {got}, fastai {want}");
    }
    let text = stdout(&nnfs(&["--headless", "--lr-find"]));
    assert!(
        text.ends_with(
            "suggested: valley 1.23, steep 2.85, minimum/10 49.8 (100 of 100 steps, every rate tried)\n"
        ),
        "{text}"
    );
}

#[test]
fn dynamics_add_columns_to_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.csv");
    let history = history.to_str().unwrap();
    let output = nnfs(&[
        "--headless",
        "--lr",
        "20",
        "--epochs",
        "3",
        "--dynamics",
        "--history",
        history,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(history).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,train_loss,valid_loss,valid_accuracy,elapsed_ms,grad_norm_wt_hidden,grad_norm_wt_output,grad_norm_bias_output,update_ratio_wt_hidden,update_ratio_wt_output,update_ratio_bias_output"
    );
    assert_eq!(lines.len(), 4);
    let first: Vec<f64> = lines[1].split(',').map(|v| v.parse().unwrap()).collect();
    // PyTorch: wt_hidden's update:data ratio is 9.6 at lr 20's first epoch.
    let want = expected("tutorial-lr20")["update_ratio"][0]["wt_hidden"]
        .as_f64()
        .unwrap();
    assert!(close(first[8], want, 1e-3), "{} vs {want}", first[8]);
}
