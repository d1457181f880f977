//! Summaries of a snapshot's coefficient tensors, computed once when the snapshot arrives so that
//! drawing a histogram costs only its number of bins.

/// Bins computed per tensor; the view merges neighbours to show fewer.
pub const FINE_BINS: usize = 64;

/// One histogram bin: values in `[low, high)` (the last bin includes `high`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub low: f32,
    pub high: f32,
    pub count: usize,
}

/// Count, moments, range and a histogram of one tensor's finite values.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorStats {
    pub name: String,
    pub shape: Vec<usize>,
    /// Finite values.
    pub count: usize,
    /// NaN and infinite values (left out of everything else).
    pub non_finite: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f32,
    pub max: f32,
    fine: [usize; FINE_BINS],
}

impl TensorStats {
    /// The figures of tensor `name` of `shape`, holding `values`.
    pub fn new(name: String, shape: Vec<usize>, values: &[f32]) -> Self {
        let finite = || values.iter().copied().filter(|v| v.is_finite());
        let count = finite().count();
        let non_finite = values.len() - count;
        let (mut min, mut max) = (f32::INFINITY, f32::NEG_INFINITY);
        let mut sum = 0.0f64;
        for v in finite() {
            min = min.min(v);
            max = max.max(v);
            sum += f64::from(v);
        }
        if count == 0 {
            (min, max) = (0.0, 0.0);
        }
        let n = count.max(1) as f64;
        let mean = sum / n;
        let variance = finite().map(|v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
        let mut fine = [0; FINE_BINS];
        let width = f64::from(max) - f64::from(min);
        for v in finite() {
            let index = if width > 0.0 {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a value within the range falls in one of the bins"
                )]
                let i = ((f64::from(v) - f64::from(min)) / width * FINE_BINS as f64) as usize;
                i.min(FINE_BINS - 1)
            } else {
                0
            };
            fine[index] += 1;
        }
        TensorStats {
            name,
            shape,
            count,
            non_finite,
            mean,
            std: variance.sqrt(),
            min,
            max,
            fine,
        }
    }

    /// The histogram in at most `wanted` bins (a power of two, at least 1, at most
    /// [`FINE_BINS`]), each with its value range.
    pub fn bins(&self, wanted: usize) -> Vec<Bin> {
        let mut n = 1;
        while n * 2 <= wanted.min(FINE_BINS) {
            n *= 2;
        }
        let per_bin = FINE_BINS / n;
        let width = (self.max - self.min) / n as f32;
        self.fine
            .chunks(per_bin)
            .enumerate()
            .map(|(i, chunk)| Bin {
                low: self.min + width * i as f32,
                high: if i + 1 == n {
                    self.max
                } else {
                    self.min + width * (i + 1) as f32
                },
                count: chunk.iter().sum(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(values: &[f32]) -> TensorStats {
        TensorStats::new("wt_hidden".into(), vec![values.len()], values)
    }

    #[test]
    fn stats_of_a_small_tensor() {
        let stats = tensor(&[-1.0, 0.0, 1.0, 2.0, f32::NAN]);
        assert_eq!(stats.count, 4);
        assert_eq!(stats.non_finite, 1);
        assert!((stats.mean - 0.5).abs() < 1e-12);
        assert!((stats.std - 1.25f64.sqrt()).abs() < 1e-12);
        assert_eq!((stats.min, stats.max), (-1.0, 2.0));
    }

    #[test]
    fn bins_cover_the_range_and_count_every_value() {
        let stats = tensor(&[-1.0, 0.0, 1.0, 2.0]);
        let bins = stats.bins(3);
        assert_eq!(bins.len(), 2, "rounded down to a power of two");
        assert_eq!(bins[0].low, -1.0);
        assert_eq!(bins[1].high, 2.0);
        assert_eq!(bins[0].high, bins[1].low);
        assert_eq!(bins.iter().map(|b| b.count).collect::<Vec<_>>(), [2, 2]);
        assert_eq!(stats.bins(1000).len(), FINE_BINS);
        assert_eq!(stats.bins(0).len(), 1);
        assert_eq!(stats.bins(0)[0].count, 4);
    }

    #[test]
    fn constant_and_empty_tensors_do_not_divide_by_zero() {
        let constant = tensor(&[0.5; 3]);
        assert_eq!(constant.bins(4)[0].count, 3);
        let empty = tensor(&[f32::NAN]);
        assert_eq!(empty.count, 0);
        assert_eq!(empty.mean, 0.0);
        assert!(empty.bins(4).iter().all(|b| b.count == 0));
    }
}
