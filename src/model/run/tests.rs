//! The training loop against PyTorch's numbers, and what a run measures.

use super::*;
use crate::model::network::init_coeffs;
use crate::settings::{DataSpec, Method};

fn titanic_run(lr: f64, hidden: &[usize], seed: u64) -> Run {
    let splits = crate::data::load(&DataSpec::default()).unwrap();
    let device = Device::flex();
    let coeffs = init_coeffs(splits.features().len(), hidden, seed, &device);
    Run::new(coeffs, DeviceData::new(&splits, &device), lr)
}

/// Each unit's gradient is a column of the layer's: together they make the tensor's norm,
/// which the seeded tests hold to PyTorch's; a unit active on no row is a dead one.
#[test]
fn unit_gradients_make_up_the_layers_and_dead_units_are_inactive() {
    let mut run = titanic_run(20.0, &[20], 442).watching(Watch::Every);
    let at_start = run.health().unwrap().dead_units;
    run.steps(1).unwrap();
    let (health, units) = run.inspect(true).unwrap();
    let stats = run.step().unwrap().stats.unwrap();
    let columns = units[0].grad_norm.as_ref().unwrap();
    let total = columns.iter().map(|g| g * g).sum::<f32>().sqrt();
    assert!(
        (total - stats.grad_norm[0]).abs() <= 1e-5 * stats.grad_norm[0],
        "{total} against {}",
        stats.grad_norm[0]
    );
    let inactive = units[0].active.iter().filter(|&&a| a == 0.0).count();
    assert_eq!(inactive, health.dead_units);
    assert_eq!(
        (at_start, health.dead_units),
        (1, 8),
        "lr 20's first step kills 7 of the 20 units"
    );
    assert!(units[0].active.iter().all(|a| (0.0..=1.0).contains(a)));
    assert_eq!(run.inspect(false).unwrap().1[0].grad_norm, None);
}

/// A Titanic run (seed 442) through `hidden` at `lr`, learning as `method` says.
fn titanic_run_with(method: &Method, hidden: &[usize], lr: f64) -> Run {
    let splits = crate::data::load(&DataSpec::default()).unwrap();
    let device = Device::flex();
    let weights = crate::model::network::init_weights(splits.features().len(), hidden, 442);
    let coeffs = Coeffs::from_weights(&weights, &device, method);
    Run::new(coeffs, DeviceData::new(&splits, &device), lr).learning(Learner::of(method))
}

/// The health check in chunks of rows sees what it sees in one: the same dead units, active
/// shares, peaks and prediction range, and gradients that add up to the same (the penalty
/// counted once), for a deeper net with a penalty too.
#[test]
fn the_health_check_in_chunks_sees_what_it_sees_whole() {
    let method = Method {
        l2: "0.01".parse().unwrap(),
        ..Method::default()
    };
    for (hidden, lr) in [(&[20][..], 20.0), (&[10, 10], 2.0)] {
        let mut run = titanic_run_with(&method, hidden, lr);
        run.steps(3).unwrap();
        let (whole, whole_units) = run.inspect_in_chunks(true, usize::MAX).unwrap();
        for per_chunk in [100, 256, 712] {
            let (chunked, units) = run.inspect_in_chunks(true, per_chunk).unwrap();
            assert_eq!(chunked, whole, "{hidden:?} in chunks of {per_chunk}");
            for (a, b) in units.iter().zip(&whole_units) {
                assert_eq!((&a.peak, a.can_die), (&b.peak, b.can_die));
                for (x, y) in a.active.iter().zip(&b.active) {
                    assert!((x - y).abs() < 1e-6, "{x} against {y}");
                }
                let (a, b) = (a.grad_norm.as_ref().unwrap(), b.grad_norm.as_ref().unwrap());
                for (x, y) in a.iter().zip(b) {
                    assert!((x - y).abs() <= 1e-5 * y.abs().max(1e-6), "{x} against {y}");
                }
            }
        }
        assert!(whole.dead_units > 0 || hidden.len() == 2, "{whole:?}");
    }
}

/// A run in chunks takes the same steps as the run whole: the same losses, validation figures
/// and gradient statistics, epoch by epoch, with a penalty, momentum and mini-batches larger
/// than a chunk; the sums in another order differ in the last digits only.
#[test]
fn a_run_in_chunks_takes_the_same_steps() {
    let method = Method {
        l1: "0.001".parse().unwrap(),
        optimizer: crate::settings::Optimizer::Momentum,
        ..Method::default()
    };
    for (hidden, batch) in [(&[20][..], None), (&[10, 10], None), (&[20], Some(300))] {
        let runs = [None, Some(128), Some(100)].map(|chunk| {
            let batches = crate::model::data::Batches {
                size: batch,
                seed: 442,
            };
            let mut run = titanic_run_with(&method, hidden, 1.4)
                .with_batches(batches)
                .watching(Watch::Every)
                .in_chunks(chunk);
            let metrics = run.steps(20).unwrap();
            let test = run.evaluate(Split::Valid).unwrap().unwrap();
            (metrics, test)
        });
        let (whole, whole_valid) = &runs[0];
        for (chunked, valid) in &runs[1..] {
            for (a, b) in chunked.iter().zip(whole) {
                let close = |x: f32, y: f32| (x - y).abs() <= 2e-6 * y.abs().max(1.0);
                let pairs = [
                    (a.train_loss, b.train_loss),
                    (a.valid_loss, b.valid_loss),
                    (a.valid_accuracy, b.valid_accuracy),
                    (a.penalty.unwrap(), b.penalty.unwrap()),
                ];
                for (x, y) in pairs {
                    assert!(close(x, y), "{hidden:?} epoch {}: {x} against {y}", a.epoch);
                }
                let (sa, sb) = (a.stats.as_ref().unwrap(), b.stats.as_ref().unwrap());
                for (x, y) in sa.grad_norm.iter().zip(&sb.grad_norm) {
                    assert!((x - y).abs() <= 1e-4 * y.abs().max(1e-3), "{x} against {y}");
                }
            }
            assert!((valid.loss - whole_valid.loss).abs() < 2e-6, "{valid:?}");
        }
    }
}

/// tests/fixtures/reference.py slice: the tutorial's run after a few epochs, and the loss
/// along its next step in PyTorch.
#[test]
fn the_step_slice_matches_pytorch() {
    for (name, verdict) in [
        (
            "tutorial-lr20",
            "lr 20.0 overshoots: lands at 0.391, best 0.204 at t = 2.50",
        ),
        (
            "tutorial-lr1.4",
            "lr 1.40 undershoots: lands at 0.484, best 0.446 at t = 4.20, the end of the slice (the loss still falls)",
        ),
        (
            "tutorial-lr0.1",
            "lr 0.100 undershoots: lands at 0.535, best 0.534 at t = 0.300, the end of the slice (the loss still falls)",
        ),
    ] {
        let path = format!(
            "{}/tests/fixtures/seeded/{name}/slice.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let lr = expected["lr"].as_f64().unwrap();
        let mut run = titanic_run(lr, &[20], 442);
        let epochs = expected["epochs"].as_u64().unwrap();
        for _ in 0..epochs {
            run.step().unwrap();
        }
        let slice = run.step_slice().unwrap();
        assert_eq!(slice.sampled, None);
        let points = expected["points"].as_array().unwrap();
        assert_eq!(slice.points.len(), points.len());
        for (&(t, loss), want) in slice.points.iter().zip(points) {
            assert!(
                (t - want[0].as_f64().unwrap()).abs() < 1e-12,
                "{name}: t {t}"
            );
            let want = want[1].as_f64().unwrap();
            assert!(
                (f64::from(loss) - want).abs() < 1e-5,
                "{name} t {t}: {loss} vs PyTorch {want}"
            );
        }
        assert_eq!(slice.verdict(), verdict);
        // At t = lr the slice is where the next epoch's step lands: the loss that the
        // epoch after it reports (the tutorial's loss is taken before the update).
        run.step().unwrap();
        let next = run.step().unwrap().train_loss;
        assert!(
            (next - slice.at_lr).abs() < 1e-6,
            "{name}: {next} vs {}",
            slice.at_lr
        );
    }
}

#[test]
fn a_healthy_run_has_live_rows_and_a_prediction_range() {
    let run = titanic_run(0.1, &[20], 442);
    let health = run.health().unwrap();
    assert_eq!(health.hidden_units, 20);
    assert_eq!(health.live_rows, 713);
    assert!(0.0 < health.min_pred && health.min_pred < health.max_pred && health.max_pred < 1.0);
}

#[test]
fn a_huge_learning_rate_saturates_every_row() {
    let mut run = titanic_run(1000.0, &[8], 1);
    for _ in 0..20 {
        run.step().unwrap();
    }
    let health = run.health().unwrap();
    assert_eq!(health.live_rows, 0, "{health:?}");
}

#[test]
fn a_batch_reports_the_same_epochs_as_single_steps() {
    let mut single = titanic_run(1.4, &[20], 442);
    let mut batched = titanic_run(1.4, &[20], 442);
    let one_by_one: Vec<EpochMetrics> = (0..5).map(|_| single.step().unwrap()).collect();
    let together = batched.steps(5).unwrap();
    assert_eq!(batched.epoch(), 5);
    assert_eq!(together.len(), 5);
    for (a, b) in one_by_one.iter().zip(&together) {
        assert_eq!(a.epoch, b.epoch);
        assert_eq!(
            (a.train_loss, a.valid_loss, a.valid_accuracy),
            (b.train_loss, b.valid_loss, b.valid_accuracy)
        );
    }
    assert!(together.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
}

#[test]
fn a_batch_as_large_as_the_data_is_the_full_batch() {
    let mut full = titanic_run(1.4, &[20], 442);
    let mut whole = titanic_run(1.4, &[20], 442);
    whole.batch_size = Some(713);
    assert_eq!(
        full.steps(3).unwrap()[2].train_loss,
        whole.steps(3).unwrap()[2].train_loss
    );
}

#[test]
fn mini_batches_take_several_steps_per_epoch_and_repeat_exactly() {
    let mut full = titanic_run(0.1, &[20], 442);
    let mut mini = titanic_run(0.1, &[20], 442);
    let mut again = titanic_run(0.1, &[20], 442);
    mini.batch_size = Some(64);
    again.batch_size = Some(64);
    let full = full.steps(5).unwrap();
    let mini = mini.steps(5).unwrap();
    // The first epoch's loss averages losses taken along the way, so it differs already;
    // 12 steps per epoch learn faster than one at this small learning rate.
    assert_ne!(mini[0].train_loss, full[0].train_loss);
    assert!(
        mini[4].train_loss < full[4].train_loss,
        "{mini:?} vs {full:?}"
    );
    let figures = |m: &[EpochMetrics]| -> Vec<(f32, f32, f32)> {
        m.iter()
            .map(|m| (m.train_loss, m.valid_loss, m.valid_accuracy))
            .collect()
    };
    assert_eq!(figures(&mini), figures(&again.steps(5).unwrap()));
}

#[test]
fn the_batch_size_follows_the_time_a_batch_takes() {
    let target = Duration::from_millis(10);
    let mut batch = ReadBackBatch::new(target);
    assert_eq!(batch.get(), 1);
    batch.record(Duration::from_millis(1));
    batch.record(Duration::from_millis(4));
    assert_eq!(batch.get(), 4);
    batch.record(Duration::from_millis(7));
    assert_eq!(
        batch.get(),
        4,
        "between half the target and the target it stays"
    );
    batch.record(Duration::from_millis(30));
    assert_eq!(batch.get(), 2);
    for _ in 0..20 {
        batch.record(Duration::ZERO);
    }
    assert_eq!(batch.get(), ReadBackBatch::MAX);
    for _ in 0..20 {
        batch.record(Duration::from_secs(1));
    }
    assert_eq!(batch.get(), 1);
}

#[test]
fn weights_read_back_as_they_went_in() {
    let weights = crate::model::network::init_weights(12, &[5, 3], 9);
    let splits = crate::data::load(&DataSpec::default()).unwrap();
    let device = Device::flex();
    let coeffs = Coeffs::from_weights(&weights, &device, &Method::default());
    let run = Run::new(coeffs, DeviceData::new(&splits, &device), 0.1);
    assert_eq!(run.weights().unwrap(), weights);
}

mod saturation_tests {
    use super::*;
    use crate::settings::{DataSpec, Scale, Source, TableSpec};
    use std::path::PathBuf;

    /// The PyTorch reference run at hidden 32, lr 60: after 30 epochs every prediction is
    /// exactly 0 or 1 and 12 of 32 units are dead (measured in PyTorch).
    #[test]
    fn the_saturated_reference_run_has_no_live_rows() {
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let spec = DataSpec {
            source: Source::File {
                path: fixtures.join("seed-lr1.4/train.csv"),
                table: TableSpec {
                    valid: Some(fixtures.join("seed-lr1.4/valid.csv")),
                    scale: Scale::None,
                    ..TableSpec::default()
                },
            },
            ..DataSpec::default()
        };
        let splits = crate::data::load(&spec).unwrap();
        let weights = Weights::load(&fixtures.join("seed442-h32-lr60/init.safetensors")).unwrap();
        let device = Device::flex();
        let coeffs = Coeffs::from_weights(&weights, &device, &Method::default());
        let mut run = Run::new(coeffs, DeviceData::new(&splits, &device), 60.0);
        for _ in 0..30 {
            run.step().unwrap();
        }
        let health = run.health().unwrap();
        assert_eq!((health.dead_units, health.hidden_units), (12, 32));
        assert_eq!(health.live_rows, 0, "{health:?}");
        assert_eq!((health.min_pred, health.max_pred), (0.0, 1.0));
    }
}

/// A run whose data is laid out by feature (one narrow layer over splits the fused op takes:
/// 64,000 training rows of the spiral set into 20 units) takes the same steps as the same run
/// with its data by row, to the rounding of sums made in another order.
#[test]
fn a_run_laid_out_by_feature_steps_as_one_by_row() {
    use crate::settings::{Generated, Playground, Points, Source};
    let spec = DataSpec {
        source: Source::Generated(Generated {
            points: Points::new(80_000).unwrap(),
            ..Generated::new(Playground::Spiral)
        }),
        ..DataSpec::default()
    };
    let splits = crate::data::load(&spec).unwrap();
    let (device, method) = (Device::flex(), Method::default());
    let (features, rows) = (splits.features().len(), splits.train.rows());
    if crate::model::narrow::lanes() >= 8 {
        assert!(fused::by_feature_pays(&device, rows, features, &[20], true));
    }
    let weights = crate::model::network::init_weights(features, &[20], 442);
    let mut by_feature = Run::from_weights(&weights, &splits, &device, 0.5, Batches::FULL, &method);
    let coeffs = Coeffs::from_weights(&weights, &device, &method);
    let mut by_row = Run::new(coeffs, DeviceData::new(&splits, &device), 0.5);
    for epoch in 1..=3 {
        let (got, want) = (by_feature.step().unwrap(), by_row.step().unwrap());
        for (got, want) in [
            (got.train_loss, want.train_loss),
            (got.valid_loss, want.valid_loss),
        ] {
            assert!(
                (got - want).abs() <= 1e-6,
                "epoch {epoch}: {got} against {want}"
            );
        }
    }
}
