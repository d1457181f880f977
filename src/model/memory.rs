//! Whether a run fits before it allocates: an estimate of its peak memory from the data's
//! rows and the layers' widths, held against what the machine has (and, on a GPU, against the
//! largest buffer the device takes). A run that would not fit is refused with one line that
//! says what would.

use super::device::Compute;
use super::fused;
use crate::data::Splits;
use crate::settings::{Backend, Count, RunSettings};

/// Bytes an epoch keeps alive per row and hidden unit at its peak (the activations, their
/// ReLU masks and gradients, and burn's intermediate results), measured with
/// `bench/memory_factor.sh`: 9.2 to 11.6 bytes over sizes from 10k × 16 to 400k × 256, and
/// 16 with mini-batches; 14 covers them.
pub const BYTES_PER_UNIT_ROW: u64 = 14;
/// Bytes per row of a pass whose last layer goes through the CPU's fused op (`model::fused`):
/// its sums are never kept whole, whatever the layer's width. Measured with
/// `bench/memory_factor.sh`: about 32 over 100k to 1M rows, 32 to 1,024 units.
pub const FUSED_BYTES_PER_ROW: u64 = 32;
/// What the program holds before any data: code, the runtime, burn's pools.
pub const BASE: u64 = 26 << 20;

/// The sizes that decide a run's memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub train_rows: usize,
    pub valid_rows: usize,
    pub test_rows: usize,
    pub features: usize,
    pub hidden: Vec<usize>,
    /// Rows per gradient step; `None` is every training row.
    pub batch_size: Option<usize>,
    /// On the CPU, where the last layer goes through the fused op from
    /// [`fused::MIN_SUMS`] up.
    pub fused: bool,
    /// Rows per pass when passes go in chunks (`model::run::Run::chunk`).
    pub chunk: Option<usize>,
    /// Whether the run ends with a forward pass over every training row (a headless run's
    /// summary: `final_train_loss`), which a mini-batch's step does not bound.
    pub train_pass: bool,
}

impl Shape {
    /// Rows in the largest single pass: a step, or the validation (or test) forward pass, at
    /// most a chunk.
    fn pass_rows(&self) -> usize {
        let step = self
            .batch_size
            .map_or(self.train_rows, |b| b.min(self.train_rows));
        let whole_train = if self.train_pass { self.train_rows } else { 0 };
        let pass = step
            .max(self.valid_rows)
            .max(self.test_rows)
            .max(whole_train);
        self.chunk.map_or(pass, |chunk| pass.min(chunk))
    }

    /// Estimated peak bytes of a run of this shape.
    pub fn peak(&self) -> u64 {
        let rows = self.train_rows + self.valid_rows + self.test_rows;
        // The data twice (on the host, and on the device), features and labels, as f32.
        let data = 8 * rows as u64 * (self.features as u64 + 1);
        let pass = self.pass_rows() as u64;
        let activations = match self.hidden.split_last() {
            Some((&last, before)) if self.fused && pass * last as u64 >= fused::MIN_SUMS as u64 => {
                // The layers before as unfused; the last one's input and its gradient whole, and
                // the partial sums of its weights' gradient.
                let input = before.last().copied().unwrap_or(self.features);
                let units: usize = before.iter().sum();
                let partials = fused::groups(input, last) * input * last * 4;
                BYTES_PER_UNIT_ROW * pass * units as u64
                    + (FUSED_BYTES_PER_ROW + 8 * input as u64) * pass
                    + partials as u64
            }
            _ => unfused(pass, &self.hidden),
        };
        BASE + data + activations
    }

    /// The largest single tensor: a pass's widest layer, in bytes.
    pub fn largest_buffer(&self) -> u64 {
        let widest = self
            .hidden
            .iter()
            .copied()
            .max()
            .unwrap_or(1)
            .max(self.features);
        4 * self.pass_rows() as u64 * widest as u64
    }

    /// The same shape taking its passes `chunk` rows at a time.
    fn with_chunk(&self, chunk: usize) -> Shape {
        Shape {
            chunk: Some(chunk),
            ..self.clone()
        }
    }

    /// The same shape stepping `batch_size` rows at a time.
    fn with_batch(&self, batch_size: usize) -> Shape {
        Shape {
            batch_size: Some(batch_size),
            ..self.clone()
        }
    }
}

/// Where a run is to train, and how much room it has there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// Memory the machine can give the process, in bytes (`None`: unknown, nothing refused).
    pub available: Option<u64>,
    /// The largest buffer the device takes (a GPU's limit; `None` on the CPU).
    pub max_buffer: Option<u64>,
    pub backend: Backend,
    /// Runs trained side by side (a sweep's threads).
    pub copies: u64,
}

/// Bytes in words: `310 MB`, `24.1 GB`.
pub fn bytes(n: u64) -> String {
    let mb = n as f64 / 1e6;
    if mb < 1000.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.1} GB", mb / 1e3)
    }
}

impl Room {
    /// `Err` with one line when `shape` would not fit: the estimate, what there is, and what
    /// to do (the largest batch size that fits, when one does).
    pub fn check(&self, shape: &Shape) -> Result<(), String> {
        let fits = |shape: &Shape| {
            let memory = self
                .available
                .is_none_or(|room| shape.peak().saturating_mul(self.copies) <= room);
            let buffer = self
                .max_buffer
                .is_none_or(|max| shape.largest_buffer() <= max);
            memory && buffer
        };
        if fits(shape) {
            return Ok(());
        }
        let why = match (self.max_buffer, self.available) {
            (Some(max), _) if shape.largest_buffer() > max => format!(
                "one of its tensors needs {} and the {} device takes at most {} in a buffer",
                bytes(shape.largest_buffer()),
                self.backend,
                bytes(max)
            ),
            (_, available) => format!(
                "it needs about {}{} and {} is available",
                bytes(shape.peak().saturating_mul(self.copies)),
                if self.copies > 1 {
                    format!(" ({} runs side by side)", self.copies)
                } else {
                    String::new()
                },
                bytes(available.unwrap_or_default())
            ),
        };
        // Powers of two below the training rows, the largest first.
        let smaller = (0..usize::BITS)
            .rev()
            .map(|bit| 1usize << bit)
            .filter(|&b| b < shape.train_rows && b >= 16);
        let advice = match smaller.map(|b| shape.with_batch(b)).find(|s| fits(s)) {
            Some(fitting) => format!(
                "use --batch-size {} (est. {})",
                fitting.batch_size.unwrap_or_default(),
                bytes(fitting.peak())
            ),
            None => "use fewer rows (--points, --valid-frac) or smaller hidden layers".into(),
        };
        Err(format!("this run would not fit in memory: {why}; {advice}"))
    }

    /// `Ok(None)` when `shape` fits with its passes whole; `Ok(Some(rows))` when it fits with
    /// them in chunks of that many rows (the largest power of two from 1,024 that does), the
    /// same steps; else [`Room::check`]'s line.
    pub fn fit(&self, shape: &Shape) -> Result<Option<usize>, String> {
        let whole = self.check(shape);
        if whole.is_ok() {
            return Ok(None);
        }
        let pass = shape.pass_rows();
        (10..usize::BITS)
            .rev()
            .map(|bit| 1usize << bit)
            .filter(|&rows| rows < pass)
            .find(|&rows| self.check(&shape.with_chunk(rows)).is_ok())
            .map(Some)
            .ok_or_else(|| whole.err().unwrap_or_default())
    }
}

/// Whether a headless run of `settings` fits as [`check`] says, its summary's pass over
/// every training row included, taking its passes in chunks where they would not fit whole
/// ([`Room::fit`]): the rows per chunk, if it needs them.
pub fn fit(
    settings: &RunSettings,
    splits: &Splits,
    hidden: &[usize],
    compute: &Compute,
) -> Result<Option<usize>, String> {
    let (shape, room) = shape_and_room(settings, splits, hidden, compute, 1);
    room.fit(&Shape {
        train_pass: true,
        ..shape
    })
}

/// Whether a run of `settings` (its batch size) through hidden layers of `hidden` units on
/// `splits` fits on `compute`, `copies` of it side by side, every pass whole.
pub fn check(
    settings: &RunSettings,
    splits: &Splits,
    hidden: &[usize],
    compute: &Compute,
    copies: usize,
) -> Result<(), String> {
    let (shape, room) = shape_and_room(settings, splits, hidden, compute, copies);
    room.check(&shape)
}

/// The shape of a run of `settings` and the room it has, `copies` of it side by side.
fn shape_and_room(
    settings: &RunSettings,
    splits: &Splits,
    hidden: &[usize],
    compute: &Compute,
    copies: usize,
) -> (Shape, Room) {
    let shape = Shape {
        train_rows: splits.train.rows(),
        valid_rows: splits.valid.rows(),
        test_rows: splits.test.rows(),
        features: splits.features().len(),
        hidden: hidden.to_vec(),
        batch_size: settings.batch_size.map(Count::get),
        fused: compute.backend == Backend::Cpu,
        chunk: None,
        train_pass: false,
    };
    let room = Room {
        available: available(),
        max_buffer: compute.max_buffer,
        backend: compute.backend,
        copies: copies as u64,
    };
    (shape, room)
}

/// Whether one pass of burn's plain ops over `rows` rows through hidden layers of `hidden`
/// units fits in the memory left: every layer's outputs whole, as the walk computes them
/// (the fused layer's runs train in less). `Err` says what it needs and what there is.
pub fn whole_pass_fits(rows: usize, hidden: &[usize]) -> Result<(), String> {
    let needs = unfused(rows as u64, hidden);
    match available() {
        Some(room) if needs > room => Err(format!(
            "needs about {} and {} is available",
            bytes(needs),
            bytes(room)
        )),
        _ => Ok(()),
    }
}

/// Bytes of one pass of burn's plain ops over `rows` rows through hidden layers of `hidden`
/// units and the output: [`BYTES_PER_UNIT_ROW`] a row and unit.
fn unfused(rows: u64, hidden: &[usize]) -> u64 {
    BYTES_PER_UNIT_ROW * rows * (hidden.iter().sum::<usize>() as u64 + 1)
}

/// Memory this process can still take: Linux's `MemAvailable`, less where a cgroup limits
/// the process to less. `None` where neither can be read.
pub fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let machine = meminfo.as_deref().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    });
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/fs/cgroup/{name}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let cgroup =
        read("memory.max").map(|max| max.saturating_sub(read("memory.current").unwrap_or(0)));
    match (machine, cgroup) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spiral(points: usize, hidden: &[usize]) -> Shape {
        Shape {
            train_rows: points * 8 / 10,
            valid_rows: points / 5,
            test_rows: 0,
            features: 2,
            hidden: hidden.to_vec(),
            batch_size: None,
            fused: false,
            chunk: None,
            train_pass: false,
        }
    }

    fn cpu(available: u64) -> Room {
        Room {
            available: Some(available),
            max_buffer: None,
            backend: Backend::Cpu,
            copies: 1,
        }
    }

    /// The estimate against peaks measured with the release binary (`bench/memory_factor.sh`):
    /// at most half above them, never below.
    #[test]
    fn the_estimate_covers_the_measured_peaks() {
        for (points, hidden, measured_mb) in [
            (100_000, &[256][..], 253.4),
            (400_000, &[256], 966.5),
            (100_000, &[1024], 955.9),
            (100_000, &[256, 256], 410.0),
            (200_000, &[64], 139.8),
            (1_000_000, &[32], 341.0),
        ] {
            let estimate = spiral(points, hidden).peak() as f64 / (1u64 << 20) as f64;
            assert!(
                (measured_mb..measured_mb * 1.5).contains(&estimate),
                "{points} × {hidden:?}: {estimate:.0} MB, measured {measured_mb} MB"
            );
        }
    }

    /// On the CPU, whose last layer goes through the fused op: the peaks measured with the
    /// release binary after it (`bench/memory_factor.sh`), at most half above them, never below.
    #[test]
    fn the_estimate_covers_the_fused_ops_measured_peaks() {
        for (points, hidden, measured_mb) in [
            (100_000, &[256][..], 24.6),
            (400_000, &[256], 38.7),
            (100_000, &[1024], 27.9),
            (100_000, &[256, 256], 404.6),
            (200_000, &[64], 29.0),
            (1_000_000, &[32], 64.0),
        ] {
            let shape = Shape {
                fused: true,
                ..spiral(points, hidden)
            };
            let estimate = shape.peak() as f64 / (1u64 << 20) as f64;
            assert!(
                (measured_mb..measured_mb * 1.5).contains(&estimate),
                "{points} × {hidden:?}: {estimate:.0} MB, measured {measured_mb} MB"
            );
        }
    }

    /// A run whose passes would not fit whole takes them in the largest chunk that fits; one
    /// that fits is left whole, and one that no chunk helps keeps its line.
    #[test]
    fn a_run_too_big_whole_fits_in_chunks() {
        let deep = spiral(1_000_000, &[4096, 4096]);
        let room = cpu(16 << 30);
        assert!(room.check(&deep).is_err());
        let chunk = room.fit(&deep).unwrap().unwrap();
        assert!(chunk.is_power_of_two() && chunk >= 1024, "{chunk}");
        assert!(room.check(&deep.with_chunk(chunk)).is_ok());
        assert!(
            room.check(&deep.with_chunk(2 * chunk)).is_err(),
            "{chunk}: the largest"
        );
        assert_eq!(room.fit(&spiral(400, &[20])), Ok(None));
        let message = cpu(1 << 20).fit(&deep).unwrap_err();
        assert!(message.contains("use fewer rows"), "{message}");
    }

    #[test]
    fn a_run_too_big_is_refused_with_a_batch_size_that_fits() {
        let big = spiral(1_000_000, &[4096, 4096]);
        let message = cpu(16 << 30).check(&big).unwrap_err();
        assert!(
            message.starts_with("this run would not fit in memory: it needs about "),
            "{message}"
        );
        assert!(
            message.contains("use fewer rows"),
            "the validation pass alone is too big: {message}"
        );
        let wide = Shape {
            valid_rows: 1000,
            ..spiral(1_000_000, &[4096])
        };
        let message = cpu(8 << 30).check(&wide).unwrap_err();
        assert!(message.contains("use --batch-size "), "{message}");
        assert!(cpu(16 << 30).check(&spiral(400, &[20])).is_ok());
        let batched = Shape {
            batch_size: Some(1000),
            ..spiral(100_000, &[256])
        };
        assert!(
            batched.peak() as f64 / (1u64 << 20) as f64 >= 96.2,
            "measured 96.2 MB"
        );
        assert!(
            Room {
                available: None,
                ..cpu(0)
            }
            .check(&big)
            .is_ok(),
            "unknown: nothing refused"
        );
    }

    #[test]
    fn a_gpu_buffer_limit_is_a_limit_too() {
        let room = Room {
            available: None,
            max_buffer: Some(128 << 20),
            backend: Backend::Wgpu,
            copies: 1,
        };
        let message = room.check(&spiral(200_000, &[256])).unwrap_err();
        assert!(
            message.contains("the wgpu device takes at most 134 MB in a buffer"),
            "{message}"
        );
        assert!(message.contains("--batch-size"), "{message}");
        assert!(room.check(&spiral(100_000, &[256])).is_ok());
    }

    /// A mini-batch's step fits a buffer, but the headless summary's pass over every training
    /// row does not: it goes in chunks (on a GPU this pass had failed after the last epoch,
    /// "the bytes were never written").
    #[test]
    fn the_summarys_pass_over_the_training_rows_fits_too() {
        let room = Room {
            available: None,
            max_buffer: Some(128 << 20),
            backend: Backend::Wgpu,
            copies: 1,
        };
        let batched = Shape {
            batch_size: Some(32_000),
            ..spiral(80_000, &[1024])
        };
        assert_eq!(room.fit(&batched), Ok(None), "the dashboard's passes");
        let headless = Shape {
            train_pass: true,
            ..batched
        };
        assert!(room.check(&headless).is_err());
        assert_eq!(room.fit(&headless), Ok(Some(32_768)));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(bytes(310_000_000), "310 MB");
        assert_eq!(bytes(24_100_000_000), "24.1 GB");
    }
}
