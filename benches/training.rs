//! Training throughput: microseconds per full-batch epoch.
//!
//! `cargo bench --bench training` (add `-- wgpu` for the GPU figures only). Each bench times
//! `Run::step` — the tutorial's epoch (forward, backward, update) plus the validation loss and
//! accuracy and their read-back — and `execute_epoch` alone, to show what validation costs.
//! `Run::steps(64)` shows what reading back in batches saves. `hand_fused` is the anchor: the
//! same epoch as one plain f32 loop over the rows, with the gradients written out by hand.

#![expect(
    clippy::expect_used,
    reason = "a bench that cannot set itself up fails there"
)]

use burn::tensor::Transaction;
use criterion::{Criterion, criterion_group, criterion_main};
use nnfs_tui::data::{Dataset, Splits, load};
use nnfs_tui::model::data::DeviceData;
use nnfs_tui::model::device::{self, Backend};
use nnfs_tui::model::network::{
    Learner, calc_loss, execute_epoch, init_coeffs, loss_and_accuracy, model_accuracy,
};
use nnfs_tui::model::run::Run;
use nnfs_tui::random::Generator;
use nnfs_tui::settings::DataSpec;
use std::time::Duration;

fn titanic() -> Splits {
    load(&DataSpec::default()).expect("the embedded data loads")
}

/// `rows` random rows of `features` features in [0, 1) with a learnable label.
fn synthetic(rows: usize, features: usize) -> Splits {
    let mut rng = Generator::manual_seed(7);
    let mut dataset = |rows: usize| {
        let x: Vec<f32> = (0..rows * features).map(|_| rng.uniform()).collect();
        let y = x
            .chunks(features)
            .map(|r| f32::from(u8::from(r[0] + r[1] > 1.0)))
            .collect();
        Dataset {
            features: (0..features).map(|i| format!("x{i}")).collect(),
            x,
            y,
        }
    };
    let train = dataset(rows);
    let valid = dataset(rows / 4);
    let test = dataset(0);
    Splits {
        name: "synthetic".into(),
        train,
        valid,
        test,
        notices: Vec::new(),
        coordinates: None,
    }
}

fn bench_backend(c: &mut Criterion, backend: Backend) {
    let compute = match device::init(backend) {
        Ok(compute) => compute,
        Err(error) => {
            eprintln!("skipping {backend}: {error}");
            return;
        }
    };
    let mut group = c.benchmark_group(format!("epoch_{backend}"));
    group.measurement_time(Duration::from_secs(5));
    let cases = [
        ("titanic_713x12_h20", titanic(), 20),
        ("titanic_713x12_h256", titanic(), 256),
        ("rows100k_x12_h20", synthetic(100_000, 12), 20),
    ];
    for (name, splits, hidden) in cases {
        let features = splits.features().len();
        let coeffs = init_coeffs(features, &[hidden], 442, &compute.device);
        let data = DeviceData::new(&splits, &compute.device);
        let mut run = Run::new(coeffs, data.clone(), 0.1);
        group.bench_function(format!("{name}/step"), |b| {
            b.iter(|| run.step().expect("an epoch trains"));
        });
        if name.starts_with("titanic_713x12_h20") {
            let coeffs = init_coeffs(features, &[hidden], 442, &compute.device);
            let mut run = Run::new(coeffs, data.clone(), 0.1);
            // Per epoch: criterion counts one iteration per call, so divide by 64.
            group.bench_function(format!("{name}/steps64"), |b| {
                b.iter(|| run.steps(64).expect("epochs train"));
            });
            let mut coeffs = init_coeffs(features, &[hidden], 442, &compute.device);
            let (x, y) = (data.train.x.clone(), data.train.y.clone());
            // Validation as computed before (two forward passes) and now (one).
            let model = coeffs.detached();
            let (vx, vy) = (data.valid.x.clone(), data.valid.y.clone());
            group.bench_function(format!("{name}/validation_two_passes"), |b| {
                b.iter(|| {
                    Transaction::default()
                        .register(calc_loss(&model, &vx, &vy))
                        .register(model_accuracy(&model, &vx, &vy))
                        .execute()
                });
            });
            group.bench_function(format!("{name}/validation_one_pass"), |b| {
                b.iter(|| {
                    let (loss, accuracy) = loss_and_accuracy(&model, &vx, &vy);
                    Transaction::default()
                        .register(loss)
                        .register(accuracy)
                        .execute()
                });
            });
            let mut tutorial = Learner::tutorial();
            group.bench_function(format!("{name}/execute_epoch+loss"), |b| {
                b.iter(|| {
                    let stepped = execute_epoch(&mut coeffs, &x, &y, 0.1, &mut tutorial);
                    stepped.loss.into_scalar::<f32>()
                });
            });
        }
    }
    group.finish();
}

fn cpu(c: &mut Criterion) {
    bench_backend(c, Backend::Cpu);
    let splits = titanic();
    // The anchor must compute the same epochs as the tutorial's functions.
    let mut check = HandFused::new(&splits.train, 20);
    let device = burn::tensor::Device::flex();
    let mut coeffs = init_coeffs(splits.features().len(), &[20], 442, &device);
    let data = DeviceData::new(&splits, &device);
    for epoch in 1..=5 {
        let (x, y) = (&data.train.x, &data.train.y);
        let burn = execute_epoch(&mut coeffs, x, y, 0.1, &mut Learner::tutorial()).loss;
        let (burn, ours) = (burn.into_scalar::<f32>(), check.epoch(0.1));
        assert!(
            (burn - ours).abs() < 1e-5,
            "epoch {epoch}: {burn} vs {ours}"
        );
    }
    let mut net = HandFused::new(&splits.train, 20);
    c.bench_function("epoch_cpu/titanic_713x12_h20/hand_fused", |b| {
        b.iter(|| net.epoch(0.1));
    });
}

/// Features and hidden units of the Titanic network, fixed so the compiler can unroll and
/// vectorize the hand-fused loop.
const F: usize = 12;
const H: usize = 20;

/// The tutorial's one-hidden-layer epoch written as one pass over the rows: forward, mean
/// absolute error, gradients by hand, update. No framework, no allocation per epoch.
struct HandFused {
    x: Vec<[f32; F]>,
    y: Vec<f32>,
    w1: [[f32; H]; F],
    w2: [f32; H],
    b: f32,
}

impl HandFused {
    fn new(data: &Dataset, hidden: usize) -> Self {
        assert_eq!(
            (data.n_features(), hidden),
            (F, H),
            "the anchor is the Titanic network"
        );
        let init = nnfs_tui::model::network::init_weights(F, &[H], 442);
        let mut w1 = [[0.0; H]; F];
        for (k, row) in w1.iter_mut().enumerate() {
            row.copy_from_slice(&init.hidden[0].values[k * H..(k + 1) * H]);
        }
        let mut w2 = [0.0; H];
        w2.copy_from_slice(&init.output.values);
        HandFused {
            x: data
                .x
                .chunks_exact(F)
                .map(|r| r.try_into().expect("12 features"))
                .collect(),
            y: data.y.clone(),
            w1,
            w2,
            b: init.bias,
        }
    }

    /// One epoch; returns the loss before the update.
    // Index loops read as the formulas do; with fixed sizes the compiler vectorizes them.
    #[expect(
        clippy::needless_range_loop,
        reason = "indexed as the formulas are written"
    )]
    fn epoch(&mut self, lr: f32) -> f32 {
        let scale = 1.0 / self.y.len() as f32;
        let mut g1 = [[0.0f32; H]; F];
        let mut g2 = [0.0f32; H];
        let (mut gb, mut loss) = (0.0, 0.0);
        for (x, &y) in self.x.iter().zip(&self.y) {
            let mut h = [0.0f32; H];
            for k in 0..F {
                for j in 0..H {
                    h[j] += x[k] * self.w1[k][j];
                }
            }
            let mut z = self.b;
            for j in 0..H {
                h[j] = h[j].max(0.0);
                z += h[j] * self.w2[j];
            }
            let p = 1.0 / (1.0 + (-z).exp());
            loss += (p - y).abs();
            let dz = (p - y).signum() * scale * p * (1.0 - p);
            gb += dz;
            let mut dh = [0.0f32; H];
            for j in 0..H {
                g2[j] += h[j] * dz;
                dh[j] = if h[j] > 0.0 { dz * self.w2[j] } else { 0.0 };
            }
            for k in 0..F {
                for j in 0..H {
                    g1[k][j] += x[k] * dh[j];
                }
            }
        }
        for k in 0..F {
            for j in 0..H {
                self.w1[k][j] -= lr * g1[k][j];
            }
        }
        for j in 0..H {
            self.w2[j] -= lr * g2[j];
        }
        self.b -= lr * gb;
        loss * scale
    }
}

fn wgpu(c: &mut Criterion) {
    bench_backend(c, Backend::Wgpu);
}

criterion_group!(benches, cpu, wgpu);
criterion_main!(benches);
