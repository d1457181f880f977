//! Seeded training / validation / test splits.

/// Row indices of each split, each in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitIndices {
    pub train: Vec<usize>,
    pub valid: Vec<usize>,
    pub test: Vec<usize>,
}

/// Shuffles `0..rows` with `seed` and takes `floor(valid_frac * rows)` rows for validation,
/// `floor(test_frac * rows)` for test, and the rest for training (the tutorial's 80/20 split of
/// 891 passengers gives 713 / 178).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a fraction of the rows, from 0 to the rows"
)]
pub fn split(rows: usize, valid_frac: f64, test_frac: f64, seed: u64) -> SplitIndices {
    let mut order: Vec<usize> = (0..rows).collect();
    SplitMix64(seed).shuffle(&mut order);
    let n_valid = ((valid_frac * rows as f64).floor() as usize).min(rows);
    let n_test = ((test_frac * rows as f64).floor() as usize).min(rows - n_valid);
    let sorted = |mut v: Vec<usize>| {
        v.sort_unstable();
        v
    };
    SplitIndices {
        valid: sorted(order[..n_valid].to_vec()),
        test: sorted(order[n_valid..n_valid + n_test].to_vec()),
        train: sorted(order[n_valid + n_test..].to_vec()),
    }
}

/// A small, stable PRNG: the same seed gives the same split on every platform and version.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform sample in `[0, 1)` with 24 bits, like `torch.rand` for f32.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Puts `items` in a random order (Fisher–Yates).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the draw is taken modulo a usize"
    )]
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_partition_the_rows_with_the_tutorial_sizes() {
        let s = split(891, 0.2, 0.0, 42);
        assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (713, 178, 0));
        let mut all: Vec<usize> = [s.train, s.valid, s.test].concat();
        all.sort_unstable();
        assert_eq!(all, (0..891).collect::<Vec<_>>());
    }

    #[test]
    fn the_seed_decides_the_split() {
        assert_eq!(split(100, 0.2, 0.1, 7), split(100, 0.2, 0.1, 7));
        assert_ne!(split(100, 0.2, 0.1, 7).valid, split(100, 0.2, 0.1, 8).valid);
        let s = split(100, 0.2, 0.1, 7);
        assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (70, 20, 10));
    }

    #[test]
    fn uniform_samples_lie_in_the_unit_interval() {
        let mut rng = SplitMix64(442);
        let samples: Vec<f32> = (0..1000).map(|_| rng.next_f32()).collect();
        assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
        let mean = samples.iter().sum::<f32>() / 1000.0;
        assert!((mean - 0.5).abs() < 0.05, "{mean}");
    }
}
