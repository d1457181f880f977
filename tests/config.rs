//! `--config FILE.toml` through the real binary: a file replays the flags, a flag overrides
//! the file, and a bad file ends with one line naming it (and the line and column), exit 2.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{nnfs, stderr, stdout};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs with `args`, expects exit 2, nothing on stdout and one `error: ` line; returns it.
fn error_line(args: &[&str]) -> String {
    let output = nnfs(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: expected one line, got {text:?}");
    assert!(lines[0].starts_with("error: "), "{text}");
    lines[0].to_string()
}

fn succeeds(args: &[&str]) -> std::process::Output {
    let output = nnfs(args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    output
}

#[test]
fn a_file_gives_the_same_run_as_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "session.toml",
        "headless = true\nlr = 1.4\nepochs = 6\nhidden = [10, 10]\nseed = 7\n",
    );
    let from_flags = succeeds(&[
        "--headless",
        "--lr",
        "1.4",
        "--epochs",
        "6",
        "--hidden",
        "10,10",
        "--seed",
        "7",
    ]);
    let from_file = succeeds(&["--config", s(&file)]);
    assert_eq!(stdout(&from_file), stdout(&from_flags));
    assert_eq!(stderr(&from_file), stderr(&from_flags));
    assert_eq!(stdout(&from_file).lines().count(), 2);
    // The default seed gives another start, so the seed did reach the run.
    let default_seed = succeeds(&[
        "--headless",
        "--lr",
        "1.4",
        "--epochs",
        "6",
        "--hidden",
        "10,10",
    ]);
    assert_ne!(stdout(&from_file), stdout(&default_seed));
}

#[test]
fn a_flag_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "session.toml",
        "lr = 1.4\nepochs = 6\nformat = \"jsonl\"\n",
    );
    let output = succeeds(&["--headless", "--config", s(&file), "--epochs", "2"]);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // Two epochs (the flag), as JSON lines (the file), then the summary.
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["epoch"], 2);
    assert_eq!(lines[2]["summary"], true);
    let flags = succeeds(&["--headless", "--lr", "1.4", "--epochs", "2"]);
    let first_loss = stdout(&flags)
        .split(';')
        .next()
        .unwrap()
        .parse::<f64>()
        .unwrap();
    let loss = lines[0]["train_loss"].as_f64().unwrap();
    assert!((loss - first_loss).abs() < 5e-4, "{loss} vs {first_loss}");
}

#[test]
fn relative_paths_are_taken_from_the_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "session.toml",
        "headless = true\nepochs = 3\nhistory = \"history.csv\"\n",
    );
    succeeds(&["--config", s(&file)]);
    let csv = std::fs::read_to_string(dir.path().join("history.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn a_bad_value_names_the_file_key_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "session.toml", "epochs = 5\n\nlr = 0\n");
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: line 3, column 6: lr: expected a number greater than 0",
            s(&file)
        )
    );
    // Checked even where a flag would override it: the file itself is wrong.
    assert!(error_line(&["--headless", "--config", s(&file), "--lr", "1"]).contains("lr: "));
    let file = write(dir.path(), "hidden.toml", "hidden = [20, 0]\n");
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: line 1, column 10: hidden: each hidden layer needs 1 to 4096 units",
            s(&file)
        )
    );
}

#[test]
fn an_unknown_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "session.toml", "lr = 1.4\nlearning_rate = 2\n");
    let line = error_line(&["--headless", "--config", s(&file)]);
    assert!(
        line.starts_with(&format!(
            "error: {}: line 2, column 1: unknown key `learning_rate`, expected one of ",
            s(&file)
        )),
        "{line}"
    );
}

#[test]
fn malformed_toml_is_placed() {
    let dir = tempfile::tempdir().unwrap();
    for (text, position) in [
        ("lr = 1.4\nepochs 5\n", "line 2, column "),
        ("lr = 1.4\nlr = 2\n", "line 2, column 1: "),
        ("hidden = [10,\n", "line 1, column 14: unclosed array"),
    ] {
        let file = write(dir.path(), "bad.toml", text);
        let line = error_line(&["--headless", "--config", s(&file)]);
        assert!(
            line.starts_with(&format!("error: {}: {position}", s(&file))),
            "{text:?}: {line}"
        );
    }
}

#[test]
fn a_missing_file_is_one_line() {
    let line = error_line(&["--headless", "--config", "/no/such/session.toml"]);
    assert!(
        line.starts_with("error: cannot read /no/such/session.toml: No such file"),
        "{line}"
    );
}

/// A number too large for its setting says so, with the limit, as the flag does (TOML's own
/// message named a Rust type); one too large for TOML but not for the flag says to give the
/// flag.
#[test]
fn numbers_too_large_say_the_limit_as_the_flags_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "big.toml", "epochs = 99999999999999999999\n");
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: line 1, column 10: epochs: too large: at most 18446744073709551615",
            s(&file)
        )
    );
    let flag = error_line(&["--headless", "--epochs", "99999999999999999999"]);
    assert!(
        flag.contains(": too large: at most 18446744073709551615"),
        "{flag}"
    );
    let file = write(
        dir.path(),
        "seed.toml",
        "lr = 1\nseed = 10000000000000000000\n",
    );
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: line 2, column 8: seed: 10000000000000000000 is more than a session file can hold (at most 9223372036854775807): give it as --seed",
            s(&file)
        )
    );
    let file = write(
        dir.path(),
        "hidden.toml",
        "hidden = [\n  10,\n  99999999999999999999,\n]\n",
    );
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: line 3, column 3: hidden: each hidden layer needs 1 to 4096 units",
            s(&file)
        )
    );
}

/// A long value (a file's worth of text in one string) is quoted cut, in a line that names
/// the session file.
#[test]
fn long_values_are_cut_in_a_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(900_000);
    for (key, problem) in [
        (
            "lr",
            "lr: expected a number greater than 0, not the string \"xxx",
        ),
        (
            "data",
            "data: expected a file path of at most 4096 bytes, not one of 900000",
        ),
        ("sweep", "sweep: 'xxx"),
    ] {
        let file = write(dir.path(), "long.toml", &format!("{key} = \"{long}\"\n"));
        let line = error_line(&["--headless", "--config", s(&file)]);
        assert!(line.len() < 1000, "{key}: {} bytes", line.len());
        let place = format!("error: {}: line 1, column ", s(&file));
        assert!(line.starts_with(&place), "{key}: {line}");
        assert!(line.contains(problem), "{key}: {line}");
    }
    let file = write(dir.path(), "long.toml", &format!("lr = \"{long}\"\n"));
    let line = error_line(&["--headless", "--config", s(&file)]);
    assert!(line.ends_with("… (900000 characters)\""), "{line}");
}

#[test]
fn what_the_flags_refuse_the_file_cannot_say() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "session.toml",
        "dataset = \"circle\"\ndata = \"a.csv\"\n",
    );
    assert_eq!(
        error_line(&["--headless", "--config", s(&file)]),
        format!(
            "error: {}: 'dataset' cannot be used with 'data' (a generated data set has no file settings; drop one of them)",
            s(&file)
        )
    );
    let file = write(dir.path(), "points.toml", "points = 100\n");
    let line = error_line(&["--headless", "--config", s(&file)]);
    assert!(line.contains("'points' needs 'dataset'"), "{line}");
    // A flag may need what the file gives.
    let file = write(dir.path(), "circle.toml", "dataset = \"circle\"\n");
    succeeds(&[
        "--headless",
        "--config",
        s(&file),
        "--points",
        "40",
        "--epochs",
        "1",
    ]);
}

#[test]
fn the_readmes_example_parses_and_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/session.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```toml\n{text}```")),
        "README.md shows examples/session.toml as it is"
    );
    let config = nnfs_tui::config::load(&example).unwrap();
    assert_eq!(
        config.hidden.map(|h| h.sizes().to_vec()),
        Some(vec![10, 10])
    );
    assert_eq!(config.headless, None);
    let output = succeeds(&["--headless", "--config", s(&example), "--epochs", "2"]);
    assert_eq!(stdout(&output).lines().count(), 2);
}
