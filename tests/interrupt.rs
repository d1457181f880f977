//! Headless runs stopped by Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT, through the real
//! binary: the current batch of epochs finishes, the weights are saved in PyTorch's layout,
//! the history has whole rows only, the last lines say the run was interrupted, and the exit
//! status is 128 + the signal. A sweep keeps its finished rates. A signal repeated within a
//! second is the same request; one after that ends the run at once, as does a signal before
//! training starts.

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
    assert!(send(child, signal), "kill -{signal}");
}

/// Sends `signal`; `false` when the process is gone.
fn send(child: &Child, signal: &str) -> bool {
    Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// The four signals that stop a headless run, their exit statuses and names.
const ENDING: [(&str, i32, &str); 4] = [
    ("INT", 130, "SIGINT"),
    ("TERM", 143, "SIGTERM"),
    ("HUP", 129, "SIGHUP"),
    ("QUIT", 131, "SIGQUIT"),
];

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
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
fn every_ending_signal_keeps_the_weights_and_whole_history_rows() {
    for (signal, status, name) in ENDING {
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
    for (signal, status, name) in ENDING {
        let child = start(&args, dir.path());
        std::thread::sleep(Duration::from_secs(2));
        kill(&child, signal);
        let (code, text, errors) = finish(child, String::new());
        assert_eq!(code, Some(status), "{name}: {errors}");
        let summary: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(summary["interrupted"], name);
        assert_eq!(summary["stops_learning_at"], Value::Null);
        assert_eq!(
            summary["rates_done"].as_u64(),
            Some(text.lines().count() as u64 - 1)
        );
    }
}

/// The finder stops as a sweep does: every ending signal keeps the steps it took, and its
/// summary says how many and why it stopped. Its steps at 100,000 points × 256 units take
/// a third of a second or more each in the debug build, so the signal comes during the run.
#[test]
fn an_interrupted_finder_keeps_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--headless",
        "--lr-find",
        "0.001..0.002",
        "--steps",
        "256",
        "--dataset",
        "spiral",
        "--points",
        "100000",
        "--hidden",
        "256",
        "--format",
        "jsonl",
    ];
    for (signal, status, name) in ENDING {
        let mut child = start(&args, dir.path());
        let first = read_lines(&mut child, 1);
        kill(&child, signal);
        let (code, text, errors) = finish(child, first);
        assert_eq!(code, Some(status), "{name}: {errors}");
        let lines: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let (summary, steps) = lines.split_last().unwrap();
        assert_eq!(summary["interrupted"], name, "{text}");
        assert_eq!(summary["steps"].as_u64(), Some(steps.len() as u64));
        assert!((1..256).contains(&steps.len()), "{text}");
        for (k, step) in steps.iter().enumerate() {
            assert_eq!(step["step"].as_u64(), Some(k as u64));
        }
    }
}

/// A headless JSONL run of slow epochs (`hidden` layers, debug build) that writes its
/// coefficients to `w.safetensors` and its history to `h.csv`.
fn slow_run_keeping_outputs(hidden: &str) -> [&str; 11] {
    [
        "--headless",
        "--hidden",
        hidden,
        "--epochs",
        "1000",
        "--format",
        "jsonl",
        "--save",
        "w.safetensors",
        "--history",
        "h.csv",
    ]
}

/// Checks what a run interrupted by SIGTERM after `epochs` epochs left in `dir`: the weights,
/// a history of whole rows, and nothing else.
fn kept_everything(dir: &Path, epochs: u64) {
    assert_eq!(names(dir), ["h.csv", "w.safetensors"]);
    let weights = Weights::load(&dir.join("w.safetensors")).unwrap();
    assert_eq!(weights.hidden_sizes(), [512, 512]);
    let history = std::fs::read_to_string(dir.join("h.csv")).unwrap();
    assert_eq!(history.lines().count() as u64, epochs + 1, "{history}");
    assert!(history.ends_with('\n'));
}

/// `timeout` signals the process, then its group: one SIGTERM can arrive twice at once. The
/// repeat is the same request, so the batch finishes and everything is kept. Epochs of about
/// 3 s (two layers of 512 units, debug build) put the repeat in the middle of one.
#[test]
fn a_signal_repeated_at_once_is_one_request() {
    let dir = tempfile::tempdir().unwrap();
    let args = slow_run_keeping_outputs("512,512");
    let mut child = start(&args, dir.path());
    let text = read_lines(&mut child, 1);
    kill(&child, "TERM");
    std::thread::sleep(Duration::from_millis(200));
    // Gone already, on a machine fast enough to end the batch in 0.2 s.
    send(&child, "TERM");
    let (code, text, errors) = finish(child, text);
    assert_eq!(code, Some(143), "{errors}");
    let summary: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(summary["interrupted"], "SIGTERM", "{text}");
    kept_everything(dir.path(), summary["epochs"].as_u64().unwrap());

    // The same through `timeout` itself (the loss line and its summary printed whole).
    let dir = tempfile::tempdir().unwrap();
    let timed = Command::new("timeout")
        .arg("4")
        .arg(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args(&args[..5])
        .args(&args[7..])
        .current_dir(dir.path())
        .output();
    let Ok(timed) = timed else {
        eprintln!("SKIPPED: no `timeout` here");
        return;
    };
    let text = String::from_utf8_lossy(&timed.stdout);
    assert_eq!(timed.status.code(), Some(124), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(text.ends_with('\n'));
    assert!(
        lines[1].contains("; interrupted by SIGTERM at epoch "),
        "{text}"
    );
    let epochs = lines[0].matches("; ").count() as u64;
    kept_everything(dir.path(), epochs);
}

/// A second signal a while after the first ends the run at once: the batch is not waited for,
/// nothing is written, and no partial file is left. Epochs of about 10 s (two layers of 1024
/// units, debug build) leave the run in one long after the second signal.
#[test]
fn a_second_signal_after_a_second_ends_the_run_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let args = slow_run_keeping_outputs("1024,1024");
    let mut child = start(&args, dir.path());
    let text = read_lines(&mut child, 1);
    kill(&child, "TERM");
    std::thread::sleep(Duration::from_millis(1500));
    let second = Instant::now();
    kill(&child, "INT");
    let (code, text, _) = finish(child, text);
    assert!(
        second.elapsed() < Duration::from_secs(3),
        "{:?}",
        second.elapsed()
    );
    assert_eq!(code, Some(130));
    assert_eq!(
        text.lines().count(),
        1,
        "no more epochs and no summary: {text}"
    );
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

/// Before training there is nothing to keep, and a read may never end (standard input that
/// nobody writes): a signal ends the run at once.
#[test]
fn a_signal_before_training_ends_the_run_at_once() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args(["--headless", "--data", "-", "--target", "y"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let sent = Instant::now();
    kill(&child, "TERM");
    // A run that waits on is ended here, so that the test fails instead of waiting with it.
    while child.try_wait().unwrap().is_none() && sent.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let waited = sent.elapsed();
    let _ = child.kill();
    let (code, text, errors) = finish(child, String::new());
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(code, Some(143), "{errors}");
    assert!(text.is_empty() && errors.is_empty(), "{text}{errors}");
}
