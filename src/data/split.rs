//! The training / validation / test split: fastai's `RandomSplitter(valid_pct, seed)`, as the
//! tutorial's lesson uses it, with the test rows (nnfs-tui's own) taken next.

use crate::random::Generator;

/// Row indices of each split, in the permutation's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitIndices {
    pub train: Vec<usize>,
    pub valid: Vec<usize>,
    pub test: Vec<usize>,
}

/// `torch.manual_seed(seed)`, then `torch.randperm(rows)`: the first `int(valid_frac * rows)`
/// rows of the permutation are validation, the next `int(test_frac * rows)` test, the rest
/// training, each in the permutation's order (the tutorial's 80/20 split of 891 passengers
/// gives 713 / 178).
pub fn split(rows: usize, valid_frac: f64, test_frac: f64, seed: u64) -> SplitIndices {
    let order = Generator::manual_seed(seed).randperm(rows);
    let part = |frac: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "Python's int(): a fraction of the rows, from 0 to the rows"
        )]
        let n = (frac * rows as f64).floor().max(0.0) as usize;
        n
    };
    let n_valid = part(valid_frac).min(rows);
    let n_test = part(test_frac).min(rows - n_valid);
    SplitIndices {
        valid: order[..n_valid].to_vec(),
        test: order[n_valid..n_valid + n_test].to_vec(),
        train: order[n_valid + n_test..].to_vec(),
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

    /// fastai: `rand_idx[cut:], rand_idx[:cut]` of `torch.randperm` after the seed.
    #[test]
    fn it_is_random_splitters_permutation() {
        let order = Generator::manual_seed(42).randperm(891);
        let s = split(891, 0.2, 0.1, 42);
        assert_eq!(s.valid, order[..178]);
        assert_eq!(s.test, order[178..267]);
        assert_eq!(s.train, order[267..]);
    }
}
