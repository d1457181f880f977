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

use common::{fixture, nnfs, stderr, stdout, wgpu_available};
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
    let lines: Vec<Value> = stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let epochs = usize::try_from(expected["epochs"].as_u64().unwrap()).unwrap();
    assert_eq!(lines.len(), epochs + 1, "{name}: every epoch and a summary");
    let mut worst = 0.0f64;
    for (i, line) in lines[..epochs].iter().enumerate() {
        for (key, reference) in [
            ("train_loss", "train_losses"),
            ("valid_loss", "valid_losses"),
        ] {
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
fn wgpu_runs_from_a_seed_match_pytorch_every_epoch() {
    // Two runs keep the debug-build shader compilation within a reasonable test time.
    for name in ["tutorial-lr1.4", "tutorial-lr20"] {
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
