//! Training throughput: microseconds per full-batch epoch.
//!
//! `cargo bench --bench training` (add `-- wgpu` for the GPU figures only). Each bench times
//! `Run::step` — the tutorial's epoch (forward, backward, update) plus the validation loss and
//! accuracy and their read-back — and `execute_epoch` alone, to show what validation costs.
//! `Run::steps(64)` shows what reading back in batches saves. `hand_fused` is the anchor: the
//! same epoch as one plain f32 loop over the rows, with the gradients written out by hand.

use burn::tensor::Transaction;
use criterion::{Criterion, criterion_group, criterion_main};
use nnfs_tui::data::split::SplitMix64;
use nnfs_tui::data::{DataSpec, Dataset, Splits, load};
use nnfs_tui::model::device::{self, Backend};
use nnfs_tui::model::network::{
    calc_loss, execute_epoch, init_coeffs, loss_and_accuracy, model_accuracy,
};
use nnfs_tui::model::{DeviceData, Run};
use std::time::Duration;

fn titanic() -> Splits {
    load(&DataSpec::default()).expect("the embedded data loads")
}

/// `rows` random rows of `features` features in [0, 1) with a learnable label.
fn synthetic(rows: usize, features: usize) -> Splits {
    let mut rng = SplitMix64(7);
    let mut dataset = |rows: usize| {
        let x: Vec<f32> = (0..rows * features).map(|_| rng.next_f32()).collect();
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
            group.bench_function(format!("{name}/execute_epoch+loss"), |b| {
                b.iter(|| {
                    let loss = execute_epoch(&mut coeffs, &x, &y, 0.1);
                    loss.into_scalar::<f32>()
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
        let burn = execute_epoch(&mut coeffs, &data.train.x, &data.train.y, 0.1);
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

/// The tutorial's one-hidden-layer epoch written as one pass over the rows: forward, mean
/// absolute error, gradients by hand, update. No framework, no allocation per epoch.
struct HandFused {
    x: Vec<f32>,
    y: Vec<f32>,
    features: usize,
    hidden: usize,
    w1: Vec<f32>,
    w2: Vec<f32>,
    b: f32,
    g1: Vec<f32>,
    g2: Vec<f32>,
    h: Vec<f32>,
}

impl HandFused {
    fn new(data: &Dataset, hidden: usize) -> Self {
        let features = data.n_features();
        let init = nnfs_tui::model::network::init_weights(features, &[hidden], 442);
        HandFused {
            x: data.x.clone(),
            y: data.y.clone(),
            features,
            hidden,
            w1: init.hidden[0].values.clone(),
            w2: init.output.values.clone(),
            b: init.bias,
            g1: vec![0.0; features * hidden],
            g2: vec![0.0; hidden],
            h: vec![0.0; hidden],
        }
    }

    /// One epoch; returns the loss before the update.
    fn epoch(&mut self, lr: f32) -> f32 {
        let (f, n_h) = (self.features, self.hidden);
        let rows = self.y.len();
        let scale = 1.0 / rows as f32;
        self.g1.fill(0.0);
        self.g2.fill(0.0);
        let (mut gb, mut loss) = (0.0, 0.0);
        for (x, &y) in self.x.chunks_exact(f).zip(&self.y) {
            self.h.fill(0.0);
            for (k, &xk) in x.iter().enumerate() {
                for (h, &w) in self.h.iter_mut().zip(&self.w1[k * n_h..(k + 1) * n_h]) {
                    *h += xk * w;
                }
            }
            let mut z = self.b;
            for (h, &w) in self.h.iter_mut().zip(&self.w2) {
                *h = h.max(0.0);
                z += *h * w;
            }
            let p = 1.0 / (1.0 + (-z).exp());
            loss += (p - y).abs();
            let dz = (p - y).signum() * scale * p * (1.0 - p);
            gb += dz;
            for j in 0..n_h {
                self.g2[j] += self.h[j] * dz;
                // Reuse `h` for the hidden gradient: zero where the ReLU was off.
                self.h[j] = if self.h[j] > 0.0 {
                    dz * self.w2[j]
                } else {
                    0.0
                };
            }
            for (k, &xk) in x.iter().enumerate() {
                for (g, &dh) in self.g1[k * n_h..(k + 1) * n_h].iter_mut().zip(&self.h) {
                    *g += xk * dh;
                }
            }
        }
        for (w, g) in self.w1.iter_mut().zip(&self.g1) {
            *w -= lr * g;
        }
        for (w, g) in self.w2.iter_mut().zip(&self.g2) {
            *w -= lr * g;
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
