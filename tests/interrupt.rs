//! Headless runs stopped by Ctrl-C (SIGINT) or SIGTERM, through the real binary: the current
//! batch of epochs finishes, the weights are saved in PyTorch's layout, the history has whole
//! rows only, the last lines say the run was interrupted, and the exit status is 128 + the
//! signal. A sweep keeps its finished rates.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

use nnfs_tui::report::weights::Weights;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(args: &[&str], dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn kill(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Stdout read until it holds `lines` lines (the child keeps running).
fn read_lines(child: &mut Child, lines: usize) -> String {
    let out = child.stdout.as_mut().unwrap();
    let mut text = String::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_mins(1);
    while text.lines().count() < lines {
        assert!(Instant::now() < deadline, "no output: {text}");
        let n = out.read(&mut buffer).unwrap();
        assert!(n > 0, "stdout closed early: {text}");
        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    text
}

fn finish(mut child: Child, mut text: String) -> (Option<i32>, String, String) {
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let mut errors = String::new();
    child
        .stderr
        .as_mut()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    (child.wait().unwrap().code(), text, errors)
}

#[test]
fn ctrl_c_and_sigterm_keep_the_weights_and_whole_history_rows() {
    for (signal, status, name) in [("INT", 130, "SIGINT"), ("TERM", 143, "SIGTERM")] {
        let dir = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--epochs",
            "10000000",
            "--format",
            "jsonl",
            "--save",
            "w.safetensors",
            "--history",
            "h.csv",
        ];
        let mut child = start(&args, dir.path());
        let text = read_lines(&mut child, 50);
        // Nothing is created in advance but hidden partial files.
        assert!(!dir.path().join("w.safetensors").exists());
        assert!(!dir.path().join("h.csv").exists());
        kill(&child, signal);
        let (code, text, errors) = finish(child, text);
        assert_eq!(code, Some(status), "{name}: {errors}");
        assert!(errors.is_empty(), "{name}: nothing on stderr, got {errors}");
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let summary = lines.last().unwrap();
        assert_eq!(summary["interrupted"], name);
        let epochs = summary["epochs"].as_u64().unwrap();
        assert_eq!(
            lines.len() as u64,
            epochs + 1,
            "every epoch printed, then the summary"
        );
        // PyTorch's names and shapes: safetensors.torch.load_file reads it as it is.
        let weights = Weights::load(&dir.path().join("w.safetensors")).unwrap();
        let named: Vec<(String, Vec<usize>)> = weights
            .named()
            .into_iter()
            .map(|(name, _, shape)| (name, shape))
            .collect();
        assert_eq!(
            named,
            [
                ("wt_hidden".to_string(), vec![12, 20]),
                ("wt_output".to_string(), vec![20, 1]),
                ("bias_output".to_string(), vec![])
            ]
        );
        let history = std::fs::read_to_string(dir.path().join("h.csv")).unwrap();
        let rows: Vec<&str> = history.lines().collect();
        assert_eq!(rows.len() as u64, epochs + 1, "a header and every epoch");
        assert!(history.ends_with('\n'));
        for row in &rows[1..] {
            assert_eq!(row.split(',').count(), 5, "{row}");
        }
        let last = rows.last().unwrap().split(',').next().unwrap();
        assert_eq!(last, epochs.to_string());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no partial file is left");
    }
}

#[test]
fn the_tutorial_line_is_ended_and_marked_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(&["--headless", "--epochs", "10000000"], dir.path());
    // The line of losses grows without a newline: wait for some of it.
    let out = child.stdout.as_mut().unwrap();
    let mut buffer = [0u8; 64];
    let n = out.read(&mut buffer).unwrap();
    let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
    kill(&child, "INT");
    let (code, text, _) = finish(child, text);
    assert_eq!(code, Some(130));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("0.539; "), "{text}");
    assert!(
        lines[1].starts_with("valid loss ")
            && lines[1].contains("; interrupted by SIGINT at epoch "),
        "{}",
        lines[1]
    );
}

#[test]
fn an_interrupted_sweep_keeps_its_finished_rates() {
    let dir = tempfile::tempdir().unwrap();
    // Rates of ten million epochs each: the signal comes while they train.
    let args = [
        "--headless",
        "--sweep",
        "0.01..1",
        "--steps",
        "4",
        "--epochs",
        "10000000",
        "--format",
        "jsonl",
    ];
    let child = start(&args, dir.path());
    std::thread::sleep(Duration::from_secs(2));
    kill(&child, "INT");
    let (code, text, errors) = finish(child, String::new());
    assert_eq!(code, Some(130), "{errors}");
    let summary: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(summary["interrupted"], "SIGINT");
    assert_eq!(summary["stops_learning_at"], Value::Null);
    assert_eq!(
        summary["rates_done"].as_u64(),
        Some(text.lines().count() as u64 - 1)
    );
}
