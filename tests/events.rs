//! Events that mean something, and advice that holds: each kind of event raised by a run whose
//! every epoch equals the tutorial's code in real PyTorch (`tests/fixtures/events/`, made by
//! `tests/fixtures/reference.py seed`), found at the epoch where the same rules find it in
//! PyTorch's own figures; and the advice followed: the same start at the advised rate, for the
//! same epochs, ends lower.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

mod common;

use common::{fixture, nnfs, stderr, stdout};
use nnfs_tui::report::dynamics::StepStats;
use nnfs_tui::report::epoch::EpochMetrics;
use nnfs_tui::report::events::{Detector, EventKind};
use serde_json::Value;
use std::time::Duration;

/// lr 60 at 32 units: the loss rises, every prediction saturates, units die (the fixture
/// `h32-lr60` is PyTorch's run).
const SATURATING: &[&str] = &[
    "--lr",
    "60",
    "--hidden",
    "32",
    "--epochs",
    "30",
    "--dynamics",
];

/// A PyTorch run, the flags that make the same run here, the event it raises, and the epochs
/// over which its advice is followed (from the same start, both runs as long).
struct Case {
    fixture: &'static str,
    flags: &'static [&'static str],
    kind: EventKind,
    follow: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        fixture: "lr20",
        flags: &["--lr", "20", "--epochs", "30"],
        kind: EventKind::LossRose,
        // lr 20 gets over its overshoot: over 30 epochs no lower rate catches it up, over 300
        // the advised one ends lower.
        follow: "300",
    },
    Case {
        fixture: "lr1e30",
        flags: &["--lr", "1e30", "--epochs", "5"],
        kind: EventKind::NonFinite,
        follow: "5",
    },
    Case {
        fixture: "lr0.001",
        flags: &["--lr", "0.001", "--epochs", "300", "--dynamics"],
        kind: EventKind::StepsTooSmall,
        follow: "300",
    },
    Case {
        fixture: "h64-lr5-valid0.9",
        flags: &[
            "--hidden",
            "64",
            "--lr",
            "5",
            "--epochs",
            "400",
            "--valid-frac",
            "0.9",
        ],
        kind: EventKind::Oscillating,
        follow: "400",
    },
    Case {
        // Cross-entropy at lr 20: the loss passes 4× its best at epoch 3, where every
        // prediction is 0 or 1 and the loss holds at 61.01 (PyTorch's backward stays finite
        // there, and so does ours).
        fixture: "bce-lr20",
        flags: &[
            "--loss",
            "bce",
            "--lr",
            "20",
            "--epochs",
            "30",
            "--dynamics",
        ],
        kind: EventKind::Diverged,
        follow: "300",
    },
    Case {
        fixture: "h256-lr1.4-valid0.98",
        flags: &[
            "--hidden",
            "256",
            "--lr",
            "1.4",
            "--epochs",
            "300",
            "--valid-frac",
            "0.98",
        ],
        kind: EventKind::Overfitting,
        follow: "300",
    },
];

fn expected(name: &str) -> Value {
    let path = fixture(&format!("events/{name}/expected.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(value: &Value) -> Vec<f32> {
    #[expect(clippy::cast_possible_truncation, reason = "losses are float32")]
    let as_f32 = |v: &Value| v.as_f64().map_or(f32::NAN, |x| x as f32);
    value.as_array().unwrap().iter().map(as_f32).collect()
}

/// A headless JSON-lines run: its epoch lines, its events and its summary.
struct Seen {
    epochs: Vec<Value>,
    events: Vec<Value>,
    summary: Value,
}

impl Seen {
    /// The kinds of its events, in order.
    fn kinds(&self) -> Vec<&str> {
        self.events
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect()
    }
}

/// `flags` with `more`'s flags added, or put in place of the same flags' values.
fn run(flags: &[&str], more: &[&str]) -> Seen {
    let mut args: Vec<&str> = vec!["--headless", "--format", "jsonl"];
    args.extend(flags);
    for pair in more.chunks(2) {
        match args.iter().position(|a| *a == pair[0]) {
            Some(at) => args[at + 1] = pair[1],
            None => args.extend(pair),
        }
    }
    let output = nnfs(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let pick = |key: &str| -> Vec<Value> {
        lines
            .iter()
            .filter(|l| l.get(key).is_some())
            .cloned()
            .collect()
    };
    Seen {
        epochs: pick("train_loss"),
        events: pick("event"),
        summary: pick("summary").pop().unwrap(),
    }
}

/// The detector's events on PyTorch's own figures: its epochs' losses (and update ratios).
fn pytorchs_events(expected: &Value) -> Vec<(usize, EventKind)> {
    let train = floats(&expected["train_losses"]);
    let valid = floats(&expected["valid_losses"]);
    let ratios: Option<Vec<Vec<f32>>> = expected["update_ratio"].as_array().map(|epochs| {
        epochs
            .iter()
            .map(|e| {
                floats(&Value::Array(
                    e.as_object().unwrap().values().cloned().collect(),
                ))
            })
            .collect()
    });
    let mut detector = Detector::new();
    let mut found = Vec::new();
    for (i, (&train_loss, &valid_loss)) in train.iter().zip(&valid).enumerate() {
        let stats = ratios.as_ref().map(|r| StepStats {
            grad_norm: vec![0.0; r[i].len()],
            update_ratio: r[i].clone(),
        });
        let m = EpochMetrics {
            epoch: i + 1,
            train_loss,
            penalty: None,
            valid_loss,
            valid_accuracy: 0.0,
            elapsed: Duration::ZERO,
            stats,
        };
        found.extend(detector.epoch(&m).into_iter().map(|e| (e.epoch, e.kind)));
    }
    found
}

fn final_loss(seen: &Seen, key: &str) -> f64 {
    seen.summary[key].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn pytorchs_runs_raise_each_event_and_following_the_advice_ends_lower() {
    for case in &CASES {
        let expected = expected(case.fixture);
        let seen = run(case.flags, &[]);
        // Every epoch is PyTorch's.
        let train = floats(&expected["train_losses"]);
        assert_eq!(seen.epochs.len(), train.len(), "{}", case.fixture);
        for (line, &want) in seen.epochs.iter().zip(&train) {
            let got = floats(&Value::Array(vec![line["train_loss"].clone()]))[0];
            assert!(
                (got - want).abs() <= 1e-4 || (got.is_nan() && want.is_nan()),
                "{} epoch {}: {got} against PyTorch's {want}",
                case.fixture,
                line["epoch"]
            );
        }
        // The event, where the rules find it in PyTorch's figures.
        let name = case.kind.name();
        let event = seen
            .events
            .iter()
            .find(|e| e["event"] == name)
            .unwrap_or_else(|| panic!("{}: no {name} in {:?}", case.fixture, seen.events));
        let epoch = usize::try_from(event["epoch"].as_u64().unwrap()).unwrap();
        let in_pytorch = pytorchs_events(&expected);
        assert!(
            in_pytorch.contains(&(epoch, case.kind)),
            "{}: {name} at epoch {epoch}, PyTorch's figures give {in_pytorch:?}",
            case.fixture
        );
        follow_the_advice(case, event);
    }
}

/// The same start at the advised rate, for `case.follow` epochs, ends with a lower validation
/// loss (a finite one, after a NaN); advice without a rate says what the run does (an
/// oscillating run still learns; an overfitting one is tested below).
fn follow_the_advice(case: &Case, event: &Value) {
    let advice = &event["advice"];
    let lr: f64 = case.flags[case.flags.iter().position(|f| *f == "--lr").unwrap() + 1]
        .parse()
        .unwrap();
    let Some(advised) = advice["lr"].as_f64() else {
        match case.kind {
            EventKind::Oscillating => {
                let seen = run(case.flags, &["--epochs", case.follow]);
                let at = usize::try_from(event["epoch"].as_u64().unwrap()).unwrap();
                let then = seen.epochs[at - 1]["train_loss"].as_f64().unwrap();
                assert!(final_loss(&seen, "final_train_loss") < then, "{advice}");
            }
            kind => assert_eq!(kind, EventKind::Overfitting, "{}: {advice}", case.fixture),
        }
        return;
    };
    let higher = case.kind == EventKind::StepsTooSmall;
    assert_eq!(advised > lr, higher, "{}: {advice}", case.fixture);
    let before = run(case.flags, &["--epochs", case.follow]);
    let rate = advised.to_string();
    let after = run(case.flags, &["--epochs", case.follow, "--lr", &rate]);
    let (before, after) = (
        final_loss(&before, "final_valid_loss"),
        final_loss(&after, "final_valid_loss"),
    );
    assert!(
        after < before || (before.is_nan() && after.is_finite()),
        "{}: validation loss {before} at lr {lr}, {after} at the advised {advised}",
        case.fixture
    );
}

/// The broken runs of the tutorial's network (lr 20 kills units, lr 200 and lr 60 at 32 units
/// saturate) each advise a rate below their own, measured where the loss rose, that trains to
/// a lower validation loss; after the stall, the dead units and the saturated output point to
/// the same measurement. PyTorch's run at lr 60 saturates and kills units as this one does.
#[test]
fn broken_runs_advise_a_lower_rate_that_trains_to_a_lower_validation_loss() {
    let pytorch = expected("h32-lr60");
    let live = floats(&pytorch["live_rows"]);
    let dead = floats(&pytorch["dead_units"]);
    assert!(
        live.contains(&0.0) && dead.last() > dead.first(),
        "{pytorch}"
    );
    for flags in [
        &["--lr", "20", "--epochs", "30", "--dynamics"][..],
        &["--lr", "200", "--epochs", "30", "--dynamics"],
        SATURATING,
    ] {
        let seen = run(flags, &[]);
        let lr: f64 = flags[1].parse().unwrap();
        let rose = seen
            .events
            .iter()
            .find(|e| e["event"] == "loss_rose")
            .unwrap_or_else(|| panic!("{flags:?}: {:?}", seen.events));
        let advised = rose["advice"]["lr"].as_f64().unwrap();
        assert!(advised < lr, "{flags:?}: {rose}");
        for event in &seen.events {
            if let Some(rate) = event["advice"]["lr"].as_f64() {
                assert!(rate < lr, "{flags:?}: {event}");
            }
        }
        let case = Case {
            fixture: "",
            flags,
            kind: EventKind::LossRose,
            follow: "300",
        };
        follow_the_advice(&case, rose);
    }
    let saturated = run(SATURATING, &[]);
    let kinds = saturated.kinds();
    assert!(
        kinds.contains(&"stalled") && kinds.contains(&"units_died"),
        "{kinds:?}"
    );
}

/// Every kind of event, to read a JSON line's back.
const KINDS: [EventKind; 8] = [
    EventKind::NonFinite,
    EventKind::LossRose,
    EventKind::Oscillating,
    EventKind::Diverged,
    EventKind::Stalled,
    EventKind::UnitsDied,
    EventKind::StepsTooSmall,
    EventKind::Overfitting,
];

/// Every event of the broken runs whose advice has a rate, its own advice followed: the dead
/// units, the stall and the divergence as well as the rise that the test above follows, each
/// from the same start at the rate it advises, for 300 epochs, ends lower (each rate once).
#[test]
fn every_events_own_advice_is_followed_in_the_broken_runs() {
    let mut followed = Vec::new();
    for flags in [SATURATING, CASES[4].flags] {
        let seen = run(flags, &[]);
        let mut rates: Vec<f64> = Vec::new();
        for event in &seen.events {
            let (Some(rate), Some(kind)) = (
                event["advice"]["lr"].as_f64(),
                KINDS.into_iter().find(|k| event["event"] == k.name()),
            ) else {
                continue;
            };
            followed.push(kind);
            if rates.contains(&rate) {
                continue;
            }
            rates.push(rate);
            let case = Case {
                fixture: "",
                flags,
                kind,
                follow: "300",
            };
            follow_the_advice(&case, event);
        }
    }
    for kind in [
        EventKind::UnitsDied,
        EventKind::Stalled,
        EventKind::Diverged,
    ] {
        assert!(followed.contains(&kind), "{kind:?} not in {followed:?}");
    }
}

/// Overfitting names PyTorch's best validation epoch, and the weights of that epoch, kept by
/// `--save-best`, are the better ones on the validation rows.
#[test]
fn overfitting_keeps_pytorchs_best_validation_epoch() {
    let case = &CASES[5];
    let expected = expected(case.fixture);
    let valid = floats(&expected["valid_losses"]);
    let best = (0..valid.len())
        .min_by(|&a, &b| valid[a].total_cmp(&valid[b]))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("best.safetensors");
    let seen = run(case.flags, &["--save-best", kept.to_str().unwrap()]);
    assert_eq!(seen.summary["best_valid_epoch"], best + 1);
    let event = seen
        .events
        .iter()
        .find(|e| e["event"] == "overfitting")
        .unwrap();
    let basis = event["advice"]["basis"].as_str().unwrap();
    assert_eq!(
        basis,
        format!(
            "keep the weights of epoch {}, the best on validation",
            best + 1
        )
    );
    // Those weights, trained on for one epoch at a vanishing rate, give the best loss back.
    let again = run(
        case.flags,
        &[
            "--init",
            kept.to_str().unwrap(),
            "--epochs",
            "1",
            "--lr",
            "1e-12",
        ],
    );
    let loss = again.epochs[0]["valid_loss"].as_f64().unwrap();
    assert!(
        (loss - f64::from(valid[best])).abs() < 1e-5,
        "{loss} against PyTorch's best {}",
        valid[best]
    );
    assert!(loss < final_loss(&seen, "final_valid_loss"));
}

/// A healthy run on a real table (scikit-learn's breast-cancer set at lr 1.4): its wobbles are
/// not events, and its oscillation is one, said once.
#[test]
fn a_real_tables_healthy_run_is_not_an_event_every_ten_epochs() {
    let table = fixture("breast_cancer.csv");
    let seen = run(
        &[
            "--data",
            table.to_str().unwrap(),
            "--target",
            "target",
            "--lr",
            "1.4",
            "--epochs",
            "700",
        ],
        &[],
    );
    let kinds = seen.kinds();
    assert_eq!(kinds, ["oscillating"], "{:?}", seen.events);
    let accuracy = seen.summary["final_valid_accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.95, "{accuracy}");
}
