//! Bad input ends with one line `error: ...` naming the file (and line/column) and what to do,
//! exit code 2, never a panic.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{
    NO_ADAPTER, fixture, make_fifo, nnfs, nnfs_bounded, nnfs_with_env,
    nnfs_with_env_within_a_minute, stderr, stdout,
};
use std::path::{Path, PathBuf};

/// Runs headless with `args` and returns the single error line.
fn error_line(args: &[&str]) -> String {
    let output = nnfs(&[&["--headless"], args].concat());
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: expected one line, got {text:?}");
    assert!(lines[0].starts_with("error: "), "{text}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
    lines[0].to_string()
}

/// [`error_line`], run in [`common::BOUNDED_KB`] of address space and within a minute.
fn bounded_error_line(args: &[&str]) -> String {
    let output = nnfs_bounded(&[&["--headless"], args].concat());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: expected one line, got {text:?}");
    assert!(lines[0].starts_with("error: "), "{text}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
    lines[0].to_string()
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Files(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A small valid CSV: a numeric and a text feature, a binary target.
fn good_csv(rows: usize) -> String {
    let mut text = String::from("x,colour,label\n");
    for i in 0..rows {
        let colour = ["red", "blue"][i % 2];
        text.push_str(&format!("{},{colour},{}\n", i % 7, i % 2));
    }
    text
}

#[test]
fn missing_file() {
    let line = error_line(&["--data", "/no/such/file.csv", "--target", "y"]);
    assert!(
        line.starts_with("error: cannot read /no/such/file.csv: No such file"),
        "{line}"
    );
    let folder = tempfile::tempdir().unwrap();
    let line = error_line(&["--data", s(folder.path()), "--target", "y"]);
    assert!(line.contains("Is a directory"), "{line}");
}

#[test]
fn empty_and_header_only_files() {
    let files = Files::new();
    let empty = files.write("empty.csv", "");
    let line = error_line(&["--data", s(&empty), "--target", "y"]);
    assert_eq!(
        line,
        format!(
            "error: {}: the file is empty (expected a header row and at least one data row)",
            s(&empty)
        )
    );
    let header = files.write("header.csv", "x,y\n");
    let line = error_line(&["--data", s(&header), "--target", "y"]);
    assert!(
        line.ends_with("header.csv: the file has a header but no data rows"),
        "{line}"
    );
}

#[test]
fn ragged_row() {
    let files = Files::new();
    let path = files.write("ragged.csv", "x,y\n1,0\n2,1,7\n3,0\n");
    let line = error_line(&["--data", s(&path), "--target", "y"]);
    assert!(
        line.contains("ragged.csv: line 3: 3 fields, but the header has 2"),
        "{line}"
    );
}

#[test]
fn absent_target_lists_the_columns() {
    let files = Files::new();
    let path = files.write("t.csv", &good_csv(10));
    let line = error_line(&["--data", s(&path), "--target", "Survived"]);
    assert!(
        line.ends_with(
            "t.csv: no column named 'Survived' to predict (choose --target from: x, colour, label)"
        ),
        "{line}"
    );
}

#[test]
fn target_with_one_or_three_values_shows_them() {
    let files = Files::new();
    let one = files.write("one.csv", "x,y\n1,a\n2,a\n");
    let line = error_line(&["--data", s(&one), "--target", "y"]);
    assert!(
        line.contains("target column 'y' must take exactly two values, but takes 1: 'a'"),
        "{line}"
    );
    let three = files.write("three.csv", "x,y\n1,0\n2,1\n3,2\n");
    let line = error_line(&["--data", s(&three), "--target", "y"]);
    assert!(line.contains("but takes 3: '0', '1', '2'"), "{line}");
}

#[test]
fn no_usable_feature_column() {
    let files = Files::new();
    let mut text = String::from("name,y\n");
    for i in 0..20 {
        text.push_str(&format!("person {i},{}\n", i % 2));
    }
    let path = files.write("names.csv", &text);
    let line = error_line(&["--data", s(&path), "--target", "y"]);
    assert!(
        line.contains("names.csv: no usable feature column besides the target 'y'"),
        "{line}"
    );
    assert!(
        line.contains("column 'name' has 20 distinct text values"),
        "{line}"
    );
}

#[test]
fn text_in_a_numeric_column_names_line_and_column() {
    let files = Files::new();
    let mut text = good_csv(40);
    text.push_str("seven,red,1\n");
    let path = files.write("typo.csv", &text);
    let line = error_line(&["--data", s(&path), "--target", "label"]);
    assert!(
        line.contains("typo.csv: line 42, column 'x': 'seven' is not a number"),
        "{line}"
    );
}

#[test]
fn valid_file_with_other_columns() {
    let files = Files::new();
    let train = files.write("train.csv", &good_csv(20));
    let valid = files.write("valid.csv", "x,shade,label\n1,red,0\n");
    let line = error_line(&[
        "--data",
        s(&train),
        "--target",
        "label",
        "--valid",
        s(&valid),
    ]);
    assert!(
        line.contains("valid.csv: the columns differ from the training data's: missing colour; unexpected shade"),
        "{line}"
    );
}

#[test]
fn bad_numbers_in_flags() {
    for (args, flag) in [
        (&["--lr", "0"][..], "--lr"),
        (&["--lr", "-0.5"], "--lr"),
        (&["--lr", "NaN"], "--lr"),
        (&["--hidden", "0"], "--hidden"),
        (&["--epochs", "0"], "--epochs"),
        (&["--momentum", "1"], "--momentum"),
        (&["--l1", "-0.1"], "--l1"),
        (&["--l2", "inf"], "--l2"),
        (&["--activation", "relu,swish"], "--activation"),
        (&["--loss", "hinge"], "--loss"),
        (&["--optimizer", "rmsprop"], "--optimizer"),
    ] {
        let line = error_line(args);
        assert!(line.contains(&format!("for '{flag}")), "{line}");
        assert!(line.ends_with("(see --help)"), "{line}");
    }
    // Too many digits is said so, with the limit.
    let line = error_line(&["--epochs", "99999999999999999999"]);
    assert!(
        line.ends_with(
            "for '--epochs <EPOCHS>': too large: at most 18446744073709551615 (see --help)"
        ),
        "{line}"
    );
    let line = error_line(&["--points", "99999999999999999999"]);
    assert!(
        line.contains("expected a whole number from 10 to 1000000"),
        "{line}"
    );
}

#[test]
fn text_that_is_not_utf8_names_the_line_and_column() {
    let files = Files::new();
    let mut bytes = good_csv(20).into_bytes();
    // Line 12 is the 11th data row: "3,red,0"; its 'r' becomes a byte of Latin-1.
    let row = bytes
        .split(|&b| b == b'\n')
        .take(11)
        .map(|line| line.len() + 1)
        .sum::<usize>();
    bytes[row + 2] = 0xff;
    let path = files.0.path().join("latin1.csv");
    std::fs::write(&path, &bytes).unwrap();
    let line = error_line(&["--data", s(&path), "--target", "label"]);
    assert!(
        line.ends_with(
            "latin1.csv: line 12, column 'colour': the text is not UTF-8 (save the file as UTF-8, the encoding of CSV files)"
        ),
        "{line}"
    );
    std::fs::write(&path, b"x,\xe9t\xe9,label\n1,2,0\n").unwrap();
    let line = error_line(&["--data", s(&path), "--target", "label"]);
    assert!(
        line.contains("latin1.csv: line 1, column 2: the text is not UTF-8"),
        "{line}"
    );
}

#[test]
fn choices_that_do_not_go_together() {
    let line = error_line(&["--momentum", "0.5"]);
    assert_eq!(
        line,
        "error: --momentum is the momentum of --optimizer momentum: add that, or drop the momentum"
    );
    let line = error_line(&["--activation", "relu,tanh,relu", "--hidden", "10,10"]);
    assert_eq!(
        line,
        "error: --activation: 3 activations for 2 hidden layers: give one for every layer, or one per layer"
    );
    let init = fixture("seed-lr1.4/init.safetensors");
    let line = error_line(&["--init", s(&init), "--activation", "relu,tanh"]);
    assert!(line.ends_with("has 1)"), "{line}");
}

#[test]
fn unreadable_or_misshapen_init() {
    let files = Files::new();
    let missing = error_line(&["--init", "/no/such/weights.safetensors"]);
    assert!(
        missing.starts_with("error: cannot read /no/such/weights.safetensors"),
        "{missing}"
    );
    let garbage = files.write("garbage.safetensors", "not a tensor file");
    let line = error_line(&["--init", s(&garbage)]);
    assert!(
        line.contains("garbage.safetensors: not a safetensors file"),
        "{line}"
    );
    let init = fixture("seed-lr1.4/init.safetensors");
    let line = error_line(&["--init", s(&init), "--hidden", "10"]);
    assert!(
        line.ends_with("hidden layer sizes [20], but --hidden asks for [10]"),
        "{line}"
    );
    let data = files.write(
        "three_features.csv",
        "a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,0\n1,1,1,1\n3,3,3,0\n",
    );
    let line = error_line(&["--init", s(&init), "--data", s(&data), "--target", "y"]);
    assert!(
        line.ends_with(
            "tensor 'wt_hidden' has shape [12, 20], expected [3, 20] (the data has 3 features)"
        ),
        "{line}"
    );
}

/// Weights that are not numbers (a run that diverged) are refused, naming the tensor and
/// where in it: trained from, they print `nan; nan; ...`.
#[test]
fn non_finite_weights_are_refused_naming_the_tensor() {
    let files = Files::new();
    let mut weights = nnfs_tui::model::network::init_weights(12, &[20], 442);
    weights.hidden[0].values[2 * 20 + 5] = f32::NAN;
    let path = files.0.path().join("nan.safetensors");
    std::fs::write(&path, weights.to_bytes().unwrap()).unwrap();
    let line = error_line(&["--init", s(&path)]);
    assert!(
        line.starts_with(&format!(
            "error: --init {}: tensor 'wt_hidden' holds NaN at [2, 5] (every coefficient must be a finite number",
            s(&path)
        )),
        "{line}"
    );
    weights.hidden[0].values[2 * 20 + 5] = 0.5;
    weights.bias = f32::INFINITY;
    std::fs::write(&path, weights.to_bytes().unwrap()).unwrap();
    let line = error_line(&["--init", s(&path)]);
    assert!(
        line.contains(": tensor 'bias_output' holds inf ("),
        "{line}"
    );
}

/// Devices, FIFOs and files far too large are refused at once, in little memory, as session
/// files and weights files alike: `/dev/zero` once grew without bound, and a FIFO waited for a
/// writer.
#[test]
fn devices_fifos_and_huge_files_are_refused_in_little_memory() {
    let files = Files::new();
    let fifo = files.0.path().join("fifo");
    make_fifo(&fifo);
    let not_a_file = "is not a regular file (a device or a pipe, which may never end)";
    for path in ["/dev/zero", "/dev/urandom", s(&fifo)] {
        let line = bounded_error_line(&["--config", path]);
        assert_eq!(
            line,
            format!("error: {path}: {not_a_file}: give a session file (TOML)")
        );
        let line = bounded_error_line(&["--init", path]);
        assert_eq!(
            line,
            format!("error: --init {path}: {not_a_file}: give a weights file")
        );
        let line = bounded_error_line(&["--data", path]);
        assert!(
            line.starts_with(&format!("error: {path}: {not_a_file}")),
            "{line}"
        );
    }
    // A session file is a few hundred bytes: 2 MB is not one.
    let big = files.write("big.toml", &format!("# {}\nlr = 1\n", "x".repeat(2 << 20)));
    let line = bounded_error_line(&["--config", s(&big)]);
    assert_eq!(
        line,
        format!(
            "error: {}: is larger than 1 MB, far more than settings take: is it the right file?",
            s(&big)
        )
    );
    // 8 GB of zeros (sparse: no disk used) as weights: its first 8 bytes say no header, and
    // the rest is never read, where reading it would pass the address space given
    // (BOUNDED_KB).
    let zeros = files.0.path().join("zeros.safetensors");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    let line = bounded_error_line(&["--init", s(&zeros)]);
    assert!(
        line.contains("zeros.safetensors: not a safetensors file (its header is not a JSON object"),
        "{line}"
    );
    // A header that promises more than the file holds is found out before the body is read.
    let header =
        br#"{"wt_hidden":{"dtype":"F32","shape":[1000000000,1],"data_offsets":[0,4000000000]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&[0; 64]);
    let short = files.0.path().join("short.safetensors");
    std::fs::write(&short, &bytes).unwrap();
    let line = bounded_error_line(&["--init", s(&short)]);
    assert!(
        line.ends_with(&format!(
            "short.safetensors: not a safetensors file (its header describes {} bytes, the file has {})",
            8 + header.len() + 4_000_000_000,
            bytes.len()
        )),
        "{line}"
    );
}

/// A FIFO as an output is refused before training, in one line: opening it would wait for a
/// reader, and once waited through a signal.
#[test]
fn fifos_as_outputs_are_refused_before_training() {
    let files = Files::new();
    let fifo = files.0.path().join("out.fifo");
    make_fifo(&fifo);
    for flag in ["--save", "--history"] {
        let line = bounded_error_line(&[flag, s(&fifo)]);
        assert_eq!(
            line,
            format!(
                "error: cannot write {}: it is a FIFO, which would wait for a reader (give a file's name)",
                s(&fifo)
            )
        );
    }
}

#[test]
fn unwritable_outputs_fail_before_training() {
    let line = error_line(&["--save", "/no/such/dir/w.safetensors"]);
    assert!(
        line.starts_with("error: cannot write /no/such/dir/w.safetensors"),
        "{line}"
    );
    let line = error_line(&["--history", "/no/such/dir/h.csv"]);
    assert!(
        line.starts_with("error: cannot write /no/such/dir/h.csv"),
        "{line}"
    );
}

/// A history file that fills up mid-run (`/dev/full`) is an error, but the trained weights
/// are saved first: nothing already computed is lost.
#[test]
fn a_failed_history_write_keeps_the_weights() {
    if !Path::new("/dev/full").exists() {
        eprintln!("SKIPPED: no /dev/full here");
        return;
    }
    let files = Files::new();
    let weights = files.0.path().join("w.safetensors");
    let args = ["--headless", "--epochs", "5", "--history", "/dev/full"];
    let output = nnfs(&[&args[..], &["--save", s(&weights)]].concat());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("error: cannot write /dev/full: "),
        "{text}"
    );
    let saved = std::fs::metadata(&weights).unwrap();
    assert!(saved.len() > 0, "the weights were saved");
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
    assert!(stdout(&output).ends_with('\n'));
}

/// A save that fails (`/dev/full`: a full disk) keeps the history: each output is written on
/// its own, and each failure is named. The loss line and the summary are printed whole.
#[test]
fn a_failed_save_keeps_the_history() {
    if !Path::new("/dev/full").exists() {
        eprintln!("SKIPPED: no /dev/full here");
        return;
    }
    let files = Files::new();
    let history = files.0.path().join("ok.csv");
    let args = ["--headless", "--epochs", "5", "--save", "/dev/full"];
    let output = nnfs(&[&args[..], &["--history", s(&history)]].concat());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("error: cannot write /dev/full: No space left on device"),
        "{text}"
    );
    let rows = std::fs::read_to_string(&history).unwrap();
    assert_eq!(rows.lines().count(), 6, "a header and 5 epochs: {rows}");
    let out = stdout(&output);
    assert!(out.ends_with('\n'), "{out:?}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("0.539; "), "{out}");
    assert!(lines[1].starts_with("valid loss "), "{out}");
    // Both failing: one line naming both.
    let output = nnfs(&[&args[..], &["--history", "/dev/full"]].concat());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(
        text.matches("cannot write /dev/full: ").count(),
        2,
        "{text}"
    );
    assert_eq!(std::fs::read_dir(files.0.path()).unwrap().count(), 1);
}

#[test]
fn wgpu_without_an_adapter_says_so_in_one_line() {
    // burn's wgpu runtime looks for the adapter this variable names; there is no 6th GPU.
    let env = [("CUBECL_WGPU_DEFAULT_DEVICE", "DiscreteGpu(5)")];
    let output = nnfs_with_env(&["--headless", "--backend", "wgpu"], &env);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("error: {NO_ADAPTER}\n"));
}

/// Without a Vulkan driver wgpu would fall back to OpenGL (Mesa's llvmpipe, where there is
/// one), whose backend deadlocks under the GPU runtime and leaves the run waiting for ever. The
/// run must end at once with the one line that says what to install. (Linux only: macOS runs
/// on Metal, and Windows on DirectX 12 where Vulkan is missing.)
#[cfg(target_os = "linux")]
#[test]
fn wgpu_without_vulkan_says_so_instead_of_taking_opengl() {
    // The Vulkan loader reads its drivers' list from these; a file that is not there leaves it
    // none.
    let none = "/nonexistent/vulkan-driver.json";
    let env = [("VK_DRIVER_FILES", none), ("VK_ICD_FILENAMES", none)];
    let args = [
        "--headless",
        "--backend",
        "wgpu",
        "--epochs",
        "2",
        "--no-gpu-cache",
    ];
    let output = nnfs_with_env_within_a_minute(&args, &env);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("error: {NO_ADAPTER}\n"));
    assert_eq!(stdout(&output), "");
}

/// A sweep that would not fit in memory is refused before it allocates: one line with the
/// estimate, what is available and what to do, at once, in a small address space (under a
/// 1 GB limit the runs themselves could not even start).
#[test]
fn a_sweep_too_big_for_memory_is_refused_at_once() {
    // A single run this size takes its passes in chunks (`model::memory::fit`); a sweep's
    // runs side by side take theirs whole, and are refused before they allocate.
    let wide = [
        "--sweep",
        "0.1..1",
        "--steps",
        "2",
        "--dataset",
        "spiral",
        "--points",
        "1000000",
        "--hidden",
        "4096,4096",
    ];
    let started = std::time::Instant::now();
    let output = std::process::Command::new("sh")
        .args(["-c", "ulimit -v 1000000; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_nnfs-tui"))
        .arg("--headless")
        .args(wide)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("error: this run would not fit in memory: it needs about "),
        "{text}"
    );
    assert!(text.contains(" is available; use "), "{text}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    // With little validation data, a batch size is what to change.
    let line = error_line(&[&wide[..], &["--valid-frac", "0.01"]].concat());
    let batch = line
        .split("--batch-size ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(batch.parse::<usize>().is_ok_and(|b| b >= 1024), "{line}");
}

#[test]
fn input_edges_are_refused_in_one_line() {
    let line = error_line(&["--valid-frac", "0.5", "--test-frac", "0.5"]);
    assert!(
        line.starts_with("error: titanic.csv (embedded): --valid-frac 0.5 with --test-frac 0.5 leaves fewer than 2 rows for training"),
        "{line}"
    );
    let line = error_line(&["--data", "/dev/zero"]);
    assert_eq!(
        line,
        "error: /dev/zero: is not a regular file (a device or a pipe, which may never end): give a CSV file, or - to read standard input"
    );
    let line = error_line(&["--delimiter", "ab"]);
    assert!(
        line.contains("expected one character such as ; or |, or tab"),
        "{line}"
    );
    let line = error_line(&["--dataset", "circle", "--delimiter", ";"]);
    assert!(
        line.contains("--dataset cannot be used with --delimiter"),
        "{line}"
    );
}
