//! `--walk N`: the real binary trains to epoch N − 1 and walks epoch N through the tutorial's
//! functions; its figures equal those of the tutorial's PyTorch code at that epoch
//! (`tests/fixtures/walk/`, made by `tests/fixtures/reference.py walk`).

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{fixture, nnfs, readme_block_is_the_binarys, stderr, stdout};
use serde_json::Value;

/// Each fixture, with the flags that make its run.
const RUNS: [(&str, &[&str]); 5] = [
    ("tutorial-lr0.1", &["--lr", "0.1"]),
    ("tutorial-lr20", &["--lr", "20"]),
    (
        "seed1-h10x10-lr2",
        &["--seed", "1", "--hidden", "10,10", "--lr", "2"],
    ),
    (
        "act-tanh-loss-mse-l1-0.001-lr1.4",
        &[
            "--activation",
            "tanh",
            "--loss",
            "mse",
            "--l1",
            "0.001",
            "--lr",
            "1.4",
        ],
    ),
    (
        "act-leaky_relu-sigmoid-loss-bce-l2-0.01-seed1-h10x10-lr2",
        &[
            "--seed",
            "1",
            "--hidden",
            "10,10",
            "--activation",
            "leaky_relu,sigmoid",
            "--loss",
            "bce",
            "--l2",
            "0.01",
            "--lr",
            "2",
        ],
    ),
];

fn walk(flags: &[&str], epoch: usize, format: &str) -> String {
    let epoch = epoch.to_string();
    let args = [&["--headless", "--walk", &epoch, "--format", format], flags].concat();
    let output = nnfs(&args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Within 1e-5 of PyTorch's, relatively (1e-7 near zero): ten epochs of f32 sums in another
/// order drift that far at most.
fn close(got: &Value, want: &Value, at: &str) {
    if let (Value::Array(got), Value::Array(want)) = (got, want) {
        assert_eq!(got.len(), want.len(), "{at}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            close(g, w, &format!("{at}[{i}]"));
        }
        return;
    }
    let (got, want) = (got.as_f64().unwrap(), want.as_f64().unwrap());
    assert!(
        (got - want).abs() <= 1e-7 + 1e-5 * want.abs(),
        "{at}: {got}, PyTorch {want}"
    );
}

/// The walk of epochs 1 and 10 of each fixture's run: the shapes, the rows shown, the loss and
/// its terms, each gradient's norm and first entries, `wt_hidden[0, 0]` updated and the
/// validation rows right after the update are PyTorch's.
#[test]
fn the_walk_of_epochs_1_and_10_is_pytorchs() {
    for (name, flags) in RUNS {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("walk/{name}/walk.json"))).unwrap(),
        )
        .unwrap();
        for want in expected["walks"].as_array().unwrap() {
            let epoch = usize::try_from(want["epoch"].as_u64().unwrap()).unwrap();
            let got: Value = serde_json::from_str(&walk(flags, epoch, "jsonl")).unwrap();
            let at = format!("{name} epoch {epoch}");
            assert_eq!(got["walk"], epoch, "{at}");
            assert_eq!(got["train_rows"], want["train_rows"], "{at}");
            close(&got["inputs"], &want["inputs"], &format!("{at} inputs"));
            let layers = got["layers"].as_array().unwrap();
            for (i, (layer, w)) in layers
                .iter()
                .zip(want["layers"].as_array().unwrap())
                .enumerate()
            {
                let at = format!("{at} layer {i}");
                assert_eq!(layer["shape"][1], w["weight"][0], "{at}");
                assert_eq!(layer["shape"][2], w["weight"][1], "{at}");
                close(&layer["sums"], &w["sums"], &format!("{at} sums"));
                close(&layer["outputs"], &w["outputs"], &format!("{at} outputs"));
                close(&layer["zeroed"], &w["zeroed"], &format!("{at} zeroed"));
            }
            close(
                &got["output"]["preds"],
                &want["preds"],
                &format!("{at} preds"),
            );
            close(
                &got["output"]["targets"],
                &want["targets"],
                &format!("{at} y"),
            );
            close(
                &got["loss"]["terms"],
                &want["loss_terms"],
                &format!("{at} terms"),
            );
            close(&got["loss"]["loss"], &want["loss"], &format!("{at} loss"));
            for (tensor, grad) in want["grads"].as_object().unwrap() {
                let at = format!("{at} ∂L/∂{tensor}");
                let ours = &got["grads"][tensor];
                close(&ours["norm"], &grad["norm"], &at);
                close(&ours["entries"], &grad["entries"], &at);
            }
            let (update, ours) = (&want["update"], &got["update"]);
            assert_eq!(ours["tensor"], "wt_hidden");
            for key in ["old", "step", "new"] {
                close(&ours[key], &update[key], &format!("{at} update {key}"));
            }
            assert_eq!(got["accuracy"]["right"], want["valid_right"], "{at}");
            let hand = &got["hand"];
            close(&hand["hand"], &hand["autodiff"], &format!("{at} by hand"));
        }
    }
}

/// The text a reader sees names every function, in the order an epoch runs them, and works
/// the gradient out by hand.
#[test]
fn the_text_walks_the_six_functions_in_order() {
    let text = walk(&["--lr", "1.4"], 1, "text");
    let functions = [
        "init_coeffs",
        "calc_preds",
        "calc_loss",
        "backward",
        "update_coeffs",
        "model_accuracy",
    ];
    let at: Vec<usize> = functions
        .iter()
        .map(|f| text.find(&format!("\n{f} ")).unwrap_or(usize::MAX))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(
        text.contains("713×12 @ 12×20 → 713×20; relu zeroed 53.3 % of the entries"),
        "{text}"
    );
    assert!(text.contains("mean over 713 rows = 0.539237"), "{text}");
    assert!(
        text.contains(
            "∂L/∂w = mean over rows of sign(pred − y) · pred(1 − pred) · w_out · 1[h > 0] · Age"
        ),
        "{text}"
    );
    assert!(text.contains("they agree to 6 digits"), "{text}");
}

#[test]
fn a_walk_goes_with_one_headless_run() {
    let refused = |args: &[&str]| {
        let output = nnfs(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        stderr(&output)
    };
    assert!(refused(&["--walk", "3"]).contains("--walk prints one epoch walked"));
    assert!(refused(&["--headless", "--walk", "0"]).contains("at least 1"));
    let line = refused(&["--headless", "--walk", "3", "--sweep", "0.1..1"]);
    assert!(line.contains("drop --sweep"), "{line}");
    let line = refused(&["--headless", "--walk", "3", "--save", "w.safetensors"]);
    assert!(line.contains("are for a run"), "{line}");
}

/// A walk too big for memory is refused in one line before it allocates. The walk takes every
/// training row through each layer whole, which the fused layer's training does not, so a run
/// can train (here in well under 1 GB of address space) and still be too big to walk.
#[test]
fn a_walk_too_big_for_memory_is_refused_at_once() {
    // 800,000 training rows × (4,096 + 1) units × 14 bytes.
    let needs = 45.9e9;
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let available_kb: f64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    if available_kb * 1024.0 > needs {
        eprintln!("skipped: {available_kb} kB available, the walk would fit");
        return;
    }
    let args = [
        "--headless",
        "--walk",
        "1",
        "--dataset",
        "spiral",
        "--points",
        "1000000",
        "--hidden",
        "4096",
    ];
    let output = common::nnfs_bounded(&args);
    let line = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.starts_with(
            "error: walking every training row through each layer whole needs about 45.9 GB"
        ),
        "{line}"
    );
}

/// The README's walk is what the binary prints.
#[test]
fn the_readmes_walk_is_the_binarys() {
    readme_block_is_the_binarys("$ nnfs-tui --headless --walk ");
}
