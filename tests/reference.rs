//! The tutorial's PyTorch code and ours from the same starting coefficients: each reference
//! run's `init.safetensors`, written by PyTorch, is read with `--init`, and every epoch's
//! training loss must come out of the real binary (the seed-based runs are in `seeded.rs`).
//! `seed-lr1.4` is the tutorial's first example; the others (made by
//! `tests/fixtures/reference.py init`) cover another seed and size, lr 20, a run whose output
//! saturates (hidden 32, lr 60) and two hidden layers.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{fixture, nnfs, stderr, stdout, wgpu_available};
use serde_json::Value;

const RUNS: [&str; 5] = [
    "seed-lr1.4",
    "seed7-h5-lr0.3",
    "seed442-lr20",
    "seed442-h32-lr60",
    "seed1-h10x10-lr2",
];

fn expected(run: &str) -> Value {
    let text = std::fs::read_to_string(fixture(&format!("{run}/expected.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The command of the issue, with the reference's data, weights, lr and epoch count.
fn run(name: &str, backend: &str, format: &str) -> std::process::Output {
    let expected = expected(name);
    let path = |file: &str| fixture(file).display().to_string();
    let (lr, epochs) = (expected["lr"].to_string(), expected["epochs"].to_string());
    let init = path(&format!("{name}/init.safetensors"));
    let (train, valid) = (path("seed-lr1.4/train.csv"), path("seed-lr1.4/valid.csv"));
    nnfs(&[
        "--headless",
        "--data",
        &train,
        "--valid",
        &valid,
        "--target",
        "Survived",
        "--scale",
        "none",
        "--init",
        &init,
        "--lr",
        &lr,
        "--epochs",
        &epochs,
        "--format",
        format,
        "--backend",
        backend,
    ])
}

fn check_jsonl(name: &str, output: &std::process::Output, tolerance: f64) {
    assert!(output.status.success(), "{name}: {}", stderr(output));
    let expected = expected(name);
    let losses = expected["train_losses"].as_array().unwrap();
    // Events (a loss that rose, ...) are lines of their own.
    let lines: Vec<Value> = stdout(output)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line.get("event").is_none())
        .collect();
    assert_eq!(lines.len(), losses.len() + 1, "30 epochs and a summary");
    for (i, (line, want)) in lines.iter().zip(losses).enumerate() {
        assert_eq!(line["epoch"], i + 1);
        let got = line["train_loss"].as_f64().unwrap();
        let want = want.as_f64().unwrap();
        assert!(
            (got - want).abs() <= tolerance,
            "{name} epoch {}: loss {got}, PyTorch {want}",
            i + 1
        );
        for key in ["valid_loss", "valid_accuracy", "elapsed_ms"] {
            assert!(line[key].is_number(), "epoch {}: {key} missing", i + 1);
        }
    }
    let summary = &lines[losses.len()];
    assert_eq!(summary["summary"], true);
    let valid_rows = summary["valid_rows"].as_f64().unwrap();
    let accuracy = summary["final_valid_accuracy"].as_f64().unwrap();
    let want_accuracy = expected["final_valid_accuracy"].as_f64().unwrap();
    // The same number of validation rows right, not merely a close fraction.
    assert_eq!(
        (accuracy * valid_rows).round(),
        (want_accuracy * valid_rows).round()
    );
    let valid_loss = summary["final_valid_loss"].as_f64().unwrap();
    let want_valid_loss = expected["final_valid_loss"].as_f64().unwrap();
    assert!((valid_loss - want_valid_loss).abs() <= tolerance);
    // The last epoch's validation figures are the final model's.
    assert_eq!(
        lines[losses.len() - 1]["valid_accuracy"],
        summary["final_valid_accuracy"]
    );
}

#[test]
fn cpu_runs_match_pytorch_every_epoch() {
    for name in RUNS {
        check_jsonl(name, &run(name, "cpu", "jsonl"), 1e-4);
    }
}

#[test]
fn wgpu_runs_match_pytorch_every_epoch() {
    // Two runs keep the debug-build shader compilation within a reasonable test time.
    for name in ["seed-lr1.4", "seed442-lr20"] {
        let output = run(name, "wgpu", "jsonl");
        if !wgpu_available(&output) {
            return;
        }
        check_jsonl(name, &output, 1e-3);
    }
}

#[test]
fn text_output_is_the_tutorials_line() {
    let output = run("seed-lr1.4", "cpu", "text");
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = expected("seed-lr1.4");
    let losses: Vec<String> = expected["train_losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|loss| format!("{:.3}; ", loss.as_f64().unwrap()))
        .collect();
    let line = losses.concat();
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(line.as_str()));
    assert_eq!(lines.next(), Some("valid loss 0.239; valid accuracy 0.775"));
    assert_eq!(lines.next(), None);
}

/// A headless run of the circle set on wgpu and on the CPU, `epochs` epochs of `points`
/// points through `hidden` units (and `extra`): each key of every epoch's line is the same on
/// both within 1e-4. Nothing is checked where no wgpu adapter is found.
fn wgpu_equals_the_cpu(points: &str, hidden: &str, epochs: usize, extra: &str, keys: &[&str]) {
    let epochs_arg = epochs.to_string();
    let run = |backend: &str| {
        let mut args = vec!["--headless", "--format", "jsonl", "--dataset", "circle"];
        args.extend([
            "--points",
            points,
            "--hidden",
            hidden,
            "--epochs",
            &epochs_arg,
        ]);
        args.extend([extra, "--backend", backend]);
        nnfs(&args)
    };
    let wgpu = run("wgpu");
    if !wgpu_available(&wgpu) {
        return;
    }
    assert!(wgpu.status.success(), "{}", stderr(&wgpu));
    let cpu = run("cpu");
    let lines = |output: &std::process::Output| -> Vec<Value> {
        stdout(output)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|l: &Value| l.get("train_loss").is_some())
            .collect()
    };
    let (gpu_lines, cpu_lines) = (lines(&wgpu), lines(&cpu));
    assert_eq!(gpu_lines.len(), epochs, "{}", stderr(&wgpu));
    assert_eq!(cpu_lines.len(), epochs, "{}", stderr(&cpu));
    for (g, c) in gpu_lines.iter().zip(&cpu_lines) {
        for key in keys {
            let (g, c) = (g[key].as_f64().unwrap(), c[key].as_f64().unwrap());
            assert!((g - c).abs() < 1e-4, "{key}: wgpu {g}, cpu {c}");
        }
    }
}

/// A full batch wider than one wgpu buffer: 40,000 training rows × 1,024 units is 164 MB in
/// one tensor, and lavapipe takes 134 MB in a buffer, so the passes go in chunks of rows with
/// the gradients summed (the same step); the losses are the CPU's, which takes them whole.
#[test]
fn wgpu_takes_a_full_batch_past_its_buffer_limit_in_chunks() {
    let keys = ["train_loss", "valid_loss"];
    wgpu_equals_the_cpu("50000", "1024", 2, "--no-gpu-cache", &keys);
}

/// More training rows than one wgpu reduction along an axis gets right (65,532), and more
/// than fit whole chunks of a split product (72,000 rows: a remainder): the training loss and
/// accuracy are the CPU's (the loss was a fraction of it).
#[test]
fn wgpu_reduces_more_rows_than_one_axis_holds() {
    let keys = ["train_loss", "valid_loss", "valid_accuracy"];
    wgpu_equals_the_cpu("90000", "4", 1, "--dynamics", &keys);
}
