//! PyTorch's CPU random generator, draw for draw, so that a seed gives the tutorial's numbers:
//! `torch.manual_seed`, `torch.rand` (float32) and `torch.randperm`. Every random number of the
//! program comes from one of these: starting coefficients, the split, mini-batch order, and the
//! generated data sets.

use rand_mt::Mt;

/// An MT19937, as `torch.manual_seed` leaves PyTorch's default CPU generator.
#[derive(Clone)]
pub struct Generator {
    mt: Mt,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generator")
    }
}

impl Generator {
    /// `torch.manual_seed(seed)`: MT19937's `init_genrand` with the seed's low 32 bits.
    pub fn manual_seed(seed: u64) -> Self {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "PyTorch keeps the low 32 bits"
        )]
        let low = seed as u32;
        Generator { mt: Mt::new(low) }
    }

    /// One 32-bit draw (PyTorch's `random()`).
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// Two draws as one 64-bit number, the first high (PyTorch's `random64()`).
    fn next_u64(&mut self) -> u64 {
        let high = u64::from(self.next_u32());
        (high << 32) | u64::from(self.next_u32())
    }

    /// One element of `torch.rand` in float32: 24 random bits, in [0, 1).
    pub fn uniform(&mut self) -> f32 {
        const SCALE: f32 = 1.0 / (1 << 24) as f32;
        #[expect(clippy::cast_precision_loss, reason = "24 bits are exact in an f32")]
        let bits = (self.next_u32() & 0x00FF_FFFF) as f32;
        bits * SCALE
    }

    /// `torch.rand(n)` (any shape of `n` elements, in row-major order).
    pub fn rand(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.uniform()).collect()
    }

    /// `torch.randperm(n)`: Fisher–Yates from the front, `r[i]` swapped with `r[i + z]` for
    /// `z = draw % (n - i)`; PyTorch draws 64 bits at a time from 2^32 / 20 elements up.
    pub fn randperm(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        let small = (n as u64) < u64::from(u32::MAX) / 20;
        for i in 0..n.saturating_sub(1) {
            let left = (n - i) as u64;
            let draw = if small {
                u64::from(self.next_u32())
            } else {
                self.next_u64()
            };
            #[expect(clippy::cast_possible_truncation, reason = "less than n, a usize")]
            let z = (draw % left) as usize;
            order.swap(i, i + z);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// First draws recorded from torch 2.15 (`tests/fixtures/reference.py draws`).
    fn recorded() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rng.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn floats(value: &Value) -> Vec<f32> {
        let values = value.as_array().unwrap();
        #[expect(clippy::cast_possible_truncation, reason = "torch recorded f32 values")]
        let floats = values.iter().map(|v| v.as_f64().unwrap() as f32).collect();
        floats
    }

    fn indices(value: &Value) -> Vec<usize> {
        let values = value.as_array().unwrap();
        values
            .iter()
            .map(|v| usize::try_from(v.as_u64().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn rand_draws_what_torch_draws() {
        let torch = recorded();
        // The tutorial's init_coeffs after manual_seed(442): rand(12, 20), rand(20, 1), rand(1).
        let mut rng = Generator::manual_seed(442);
        for (i, n) in [240, 20, 1].into_iter().enumerate() {
            assert_eq!(
                rng.rand(n),
                floats(&torch["rand_442_tutorial"][i]),
                "tensor {i}"
            );
        }
        let all = Generator::manual_seed(0).rand(100 * 300);
        assert_eq!(all[..16], floats(&torch["rand_0_100x300_first"]));
        assert_eq!(all[all.len() - 16..], floats(&torch["rand_0_100x300_last"]));
        let big = &torch["rand_big_seed"];
        let seed = big["seed"].as_u64().unwrap();
        assert_eq!(Generator::manual_seed(seed).rand(8), floats(&big["values"]));
    }

    #[test]
    fn randperm_draws_what_torch_draws() {
        let torch = recorded();
        assert_eq!(
            Generator::manual_seed(42).randperm(891),
            indices(&torch["randperm_42_891"])
        );
        let long = Generator::manual_seed(42).randperm(100_000);
        assert_eq!(long[..32], indices(&torch["randperm_42_100000_first"]));
        assert_eq!(
            long[long.len() - 32..],
            indices(&torch["randperm_42_100000_last"])
        );
        assert_eq!(Generator::manual_seed(1).randperm(0), Vec::<usize>::new());
        assert_eq!(Generator::manual_seed(1).randperm(1), [0]);
    }
}
