//! Loading and preprocessing a large CSV file: 1,000,000 rows × 20 columns.
//! `cargo bench --bench data`.

#![expect(
    clippy::expect_used,
    reason = "a bench that cannot set itself up fails there"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use nnfs_tui::data::load;
use nnfs_tui::random::Generator;
use nnfs_tui::settings::{DataSpec, Source, TableSpec};
use std::io::Write;
use std::time::Duration;

/// 19 numeric features (some missing) and a 0/1 target, like a wide tabular data set.
fn write_csv(path: &std::path::Path, rows: usize) {
    let mut rng = Generator::manual_seed(1);
    let file = std::fs::File::create(path).expect("a temporary file");
    let mut out = std::io::BufWriter::new(file);
    let header: Vec<String> = (0..19).map(|i| format!("x{i}")).collect();
    writeln!(out, "{},target", header.join(",")).expect("writing");
    for _ in 0..rows {
        for i in 0..19 {
            let v = rng.uniform();
            if i == 3 && v < 0.05 {
                write!(out, ",").expect("writing");
            } else {
                write!(out, "{:.4},", v * 100.0).expect("writing");
            }
        }
        writeln!(out, "{}", u8::from(rng.uniform() < 0.4)).expect("writing");
    }
    out.flush().expect("writing");
}

fn data(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("big.csv");
    write_csv(&path, 1_000_000);
    let spec = DataSpec::default().with_source(Source::File {
        path,
        table: TableSpec {
            target: Some("target".into()),
            ..TableSpec::default()
        },
    });
    let mut group = c.benchmark_group("load_csv");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("rows1M_x20", |b| {
        b.iter(|| load(&spec).expect("the file loads"));
    });
    group.finish();
}

criterion_group!(benches, data);
criterion_main!(benches);
