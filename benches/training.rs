//! Training throughput: microseconds per full-batch epoch.
//!
//! `cargo bench --bench training` (add `-- wgpu` for the GPU figures only). Each bench times
//! `Run::step` — the tutorial's epoch (forward, backward, update) plus the validation loss and
//! accuracy and their read-back — and `execute_epoch` alone, to show what validation costs.

use criterion::{Criterion, criterion_group, criterion_main};
use nnfs_tui::data::split::SplitMix64;
use nnfs_tui::data::{DataSpec, Dataset, Splits, load};
use nnfs_tui::model::device::{self, Backend};
use nnfs_tui::model::network::{execute_epoch, init_coeffs};
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
            let mut coeffs = init_coeffs(features, &[hidden], 442, &compute.device);
            let (x, y) = (data.train.x.clone(), data.train.y.clone());
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
}

fn wgpu(c: &mut Criterion) {
    bench_backend(c, Backend::Wgpu);
}

criterion_group!(benches, cpu, wgpu);
criterion_main!(benches);
