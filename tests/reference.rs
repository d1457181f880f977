//! The tutorial's PyTorch code and ours, run for run: every epoch's training loss of the
//! reference in `tests/fixtures/` must come out of the real binary.

mod common;

use common::{fixture, nnfs, stderr, stdout, wgpu_available};
use serde_json::Value;

fn expected() -> Value {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn reference_args(backend: &str, format: &str) -> Vec<String> {
    let path = |name: &str| fixture(name).display().to_string();
    [
        "--headless",
        "--data",
        &path("train.csv"),
        "--valid",
        &path("valid.csv"),
        "--target",
        "Survived",
        "--scale",
        "none",
        "--init",
        &path("init.safetensors"),
        "--lr",
        "1.4",
        "--epochs",
        "30",
        "--format",
        format,
        "--backend",
        backend,
    ]
    .map(String::from)
    .to_vec()
}

fn run(backend: &str, format: &str) -> std::process::Output {
    let args = reference_args(backend, format);
    nnfs(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn check_jsonl(output: &std::process::Output, tolerance: f64) {
    assert!(output.status.success(), "{}", stderr(output));
    let expected = expected();
    let losses = expected["train_losses"].as_array().unwrap();
    let lines: Vec<Value> = stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), losses.len() + 1, "30 epochs and a summary");
    for (i, (line, want)) in lines.iter().zip(losses).enumerate() {
        assert_eq!(line["epoch"], i + 1);
        let got = line["train_loss"].as_f64().unwrap();
        let want = want.as_f64().unwrap();
        assert!(
            (got - want).abs() <= tolerance,
            "epoch {}: loss {got}, PyTorch {want}",
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
fn cpu_run_matches_pytorch_every_epoch() {
    check_jsonl(&run("cpu", "jsonl"), 1e-4);
}

#[test]
fn wgpu_run_matches_pytorch_every_epoch() {
    let output = run("wgpu", "jsonl");
    if wgpu_available(&output) {
        check_jsonl(&output, 1e-3);
    }
}

#[test]
fn text_output_is_the_tutorials_line() {
    let output = run("cpu", "text");
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = expected();
    let line: String = expected["train_losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|loss| format!("{:.3}; ", loss.as_f64().unwrap()))
        .collect();
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(line.as_str()));
    assert_eq!(lines.next(), Some("valid loss 0.239; valid accuracy 0.775"));
    assert_eq!(lines.next(), None);
}
