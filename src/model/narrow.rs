//! The fused layer's two products when the layer is narrow: `x @ W` and `xᵀ·g` for at most
//! [`MAX_UNITS`] units (and four of the CPU's vectors), with the CPU's widest vectors (pulp
//! picks AVX-512, AVX2 or plain code when the program starts); and [`vectorized`], which
//! compiles the fused op's own passes for those vectors too.
//!
//! burn-flex's general product (gemm) packs its operands into panels sized for wide layers; at
//! 20 inputs × 20 units that costs as much as the arithmetic. Here each row's sums are a few
//! vector registers: a row of `W` padded with zeros to whole vectors (20 units → two of 16
//! lanes, or three of 8), and every row's sums start from zero and take one fused multiply-add
//! per input, several rows side by side so the additions do not wait on each other. The
//! weight gradient is the same loop turned over: a few inputs' rows of the gradient held in
//! registers while the block's rows go by. Measured in `BENCHMARKS.md` §18.
//!
//! Each sum is made over the inputs (or, for the gradient, over the rows) in their order, one
//! lane per unit, with fused multiply-adds, so the figures are the same on AVX2 and AVX-512
//! and on any number of threads (plain code, on a CPU without either, rounds each product).

#![expect(
    clippy::inline_always,
    reason = "pulp compiles for the CPU's vectors only what is inlined into its dispatch"
)]

use pulp::{Arch, Simd, WithSimd};

/// Widest layer the kernels take (at 64 units they still took 1.6 to 1.9× less time than
/// gemm, §18); AVX2's 8 lanes stop at 32 ([`MAX_VECTORS`]).
pub const MAX_UNITS: usize = 64;

/// Most vectors in a row of sums (the kernels' running sums are in registers).
const MAX_VECTORS: usize = 4;

/// The row length of a narrow layer's padded sums, a whole number of vectors: `None` when the
/// layer is wider than [`MAX_UNITS`], or than [`MAX_VECTORS`] of this CPU's vectors, and gemm
/// makes its products.
pub fn width(units: usize) -> Option<usize> {
    let lanes = lanes();
    let vectors = units.div_ceil(lanes);
    (units <= MAX_UNITS && vectors <= MAX_VECTORS).then_some(vectors * lanes)
}

/// Most units one call of the kernels takes on this CPU: a wider layer's panel.
pub fn panel_units() -> usize {
    MAX_UNITS.min(MAX_VECTORS * lanes())
}

/// Lanes in the widest f32 vector this CPU has.
pub(super) fn lanes() -> usize {
    struct Lanes;
    impl WithSimd for Lanes {
        type Output = usize;
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) -> usize {
            S::F32_LANES
        }
    }
    Arch::new().dispatch(Lanes)
}

/// `op` compiled for this CPU's widest vectors, as the kernels are: what it calls must be
/// `#[inline(always)]` to be compiled with them.
pub fn vectorized(op: impl WithSimd<Output = ()>) {
    Arch::new().dispatch(op);
}

/// `W` (`inputs × units`, row-major) with each row padded with zeros to `width`.
pub fn pad(w: &[f32], units: usize, width: usize) -> Vec<f32> {
    let mut padded = vec![0.0f32; w.len() / units.max(1) * width];
    for (row, from) in padded.chunks_exact_mut(width).zip(w.chunks_exact(units)) {
        row[..units].copy_from_slice(from);
    }
    padded
}

/// The sums of `x`'s rows (`rows × inputs`) through the padded `w` (`inputs × width`) into
/// `out` (`rows × width`); the padding's sums are zero.
pub fn sums(x: &[f32], inputs: usize, w: &[f32], width: usize, out: &mut [f32]) {
    if inputs == 0 {
        return out.fill(0.0);
    }
    Arch::new().dispatch(Sums {
        x,
        inputs,
        w,
        width,
        out,
    });
}

/// `grad += xᵀ·g`: `x` is `rows × inputs`, `g` and `grad` are `rows × width` and
/// `inputs × width`.
pub fn weight_gradient(x: &[f32], inputs: usize, g: &[f32], width: usize, grad: &mut [f32]) {
    if inputs == 0 {
        return;
    }
    Arch::new().dispatch(Gradient {
        x,
        inputs,
        g,
        width,
        grad,
    });
}

struct Sums<'a> {
    x: &'a [f32],
    inputs: usize,
    w: &'a [f32],
    width: usize,
    out: &'a mut [f32],
}

impl WithSimd for Sums<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Rows side by side: enough running sums to keep the multiply-adds busy, few enough
        // to stay in registers (16 of AVX-512's 32, 12 of AVX2's 16).
        match self.width / S::F32_LANES {
            1 => sums_in::<S, 1, 8>(simd, self),
            2 => sums_in::<S, 2, 8>(simd, self),
            3 => sums_in::<S, 3, 4>(simd, self),
            // `width` allows no more than four.
            _ => sums_in::<S, MAX_VECTORS, 2>(simd, self),
        }
    }
}

/// [`Sums`] with `C` vectors a row, `R` rows at a time, then one at a time for the rest.
#[inline(always)]
fn sums_in<S: Simd, const C: usize, const R: usize>(simd: S, op: Sums<'_>) {
    let Sums {
        x, inputs, w, out, ..
    } = op;
    let (w, _) = S::as_simd_f32s(w);
    let w = w.get(..inputs * C).unwrap_or(&[]);
    let (out, _) = S::as_mut_simd_f32s(out);
    let whole = x.len() / inputs / R * R;
    let (x, x_rest) = x.split_at(whole * inputs);
    let (out, out_rest) = out.split_at_mut(whole * C);
    for (x, out) in x.chunks_exact(inputs * R).zip(out.chunks_exact_mut(C * R)) {
        sums_rows::<S, C, R>(simd, x, inputs, w, out);
    }
    for (x, out) in x_rest
        .chunks_exact(inputs)
        .zip(out_rest.chunks_exact_mut(C))
    {
        sums_rows::<S, C, 1>(simd, x, inputs, w, out);
    }
}

/// The sums of `R` rows of `x` into `out` (`R × C` vectors).
#[inline(always)]
fn sums_rows<S: Simd, const C: usize, const R: usize>(
    simd: S,
    x: &[f32],
    inputs: usize,
    w: &[S::f32s],
    out: &mut [S::f32s],
) {
    // Each row's own slice, `inputs` long, so indexing by the input needs no checks.
    let x: [&[f32]; R] = core::array::from_fn(|row| &x[row * inputs..][..inputs]);
    let mut sums = [[simd.splat_f32s(0.0); C]; R];
    for (input, w) in w.chunks_exact(C).enumerate().take(inputs) {
        for (sums, x) in sums.iter_mut().zip(x) {
            let value = simd.splat_f32s(x[input]);
            for (sum, &w) in sums.iter_mut().zip(w) {
                *sum = simd.mul_add_e_f32s(value, w, *sum);
            }
        }
    }
    for (out, sums) in out.chunks_exact_mut(C).zip(&sums) {
        out.copy_from_slice(sums);
    }
}

struct Gradient<'a> {
    x: &'a [f32],
    inputs: usize,
    g: &'a [f32],
    width: usize,
    grad: &'a mut [f32],
}

impl WithSimd for Gradient<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        match self.width / S::F32_LANES {
            1 => gradient_in::<S, 1, 8>(simd, self),
            2 => gradient_in::<S, 2, 8>(simd, self),
            3 => gradient_in::<S, 3, 4>(simd, self),
            _ => gradient_in::<S, MAX_VECTORS, 2>(simd, self),
        }
    }
}

/// Rows of `x` and `g` taken together by the gradient's loops: a few tens of KB, so the
/// passes over them for each group of inputs read from the first-level cache.
const GRADIENT_ROWS: usize = 128;

/// [`Gradient`] with `C` vectors a row of `g`: for each [`GRADIENT_ROWS`] rows, `T` of the
/// gradient's rows (inputs) at a time, then fewer for the inputs left over.
#[inline(always)]
fn gradient_in<S: Simd, const C: usize, const T: usize>(simd: S, op: Gradient<'_>) {
    let Gradient {
        x, inputs, g, grad, ..
    } = op;
    let (g, _) = S::as_simd_f32s(g);
    let (grad, _) = S::as_mut_simd_f32s(grad);
    let rows = x
        .chunks(GRADIENT_ROWS * inputs)
        .zip(g.chunks(GRADIENT_ROWS * C));
    for (x, g) in rows {
        let mut first = 0;
        while first < inputs {
            let grad = &mut grad[first * C..];
            first += match inputs - first {
                left if left >= T => gradient_rows::<S, C, T>(simd, x, inputs, first, g, grad),
                left if left >= 4 => gradient_rows::<S, C, 4>(simd, x, inputs, first, g, grad),
                left if left >= 2 => gradient_rows::<S, C, 2>(simd, x, inputs, first, g, grad),
                _ => gradient_rows::<S, C, 1>(simd, x, inputs, first, g, grad),
            };
        }
    }
}

/// Adds to the gradient's rows `first..first + T` their sums over the rows of `x` and `g`;
/// returns `T`.
#[inline(always)]
fn gradient_rows<S: Simd, const C: usize, const T: usize>(
    simd: S,
    x: &[f32],
    inputs: usize,
    first: usize,
    g: &[S::f32s],
    grad: &mut [S::f32s],
) -> usize {
    let mut sums = [[simd.splat_f32s(0.0); C]; T];
    for (x, g) in x.chunks_exact(inputs).zip(g.chunks_exact(C)) {
        for (sums, &value) in sums.iter_mut().zip(&x[first..first + T]) {
            let value = simd.splat_f32s(value);
            for (sum, &g) in sums.iter_mut().zip(g) {
                *sum = simd.mul_add_e_f32s(value, g, *sum);
            }
        }
    }
    for (grad, sums) in grad.chunks_exact_mut(C).zip(&sums) {
        for (grad, &sum) in grad.iter_mut().zip(sums) {
            *grad = simd.add_f32s(*grad, sum);
        }
    }
    T
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Values in [-1, 1) from a seed, deterministic (the fused op's tests use them too).
    pub(in crate::model) fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// Both kernels on `simd`'s vectors (`lanes` of them) against plain loops in f64, for
    /// every width up to [`MAX_UNITS`] (or [`MAX_VECTORS`] vectors), row counts that fill the
    /// row groups and leave some over, and input counts that leave inputs over the
    /// gradient's groups.
    fn equal_plain_sums(lanes: usize, run: impl Fn(Sums<'_>, Gradient<'_>)) {
        let widths: [usize; 15] = [1, 2, 4, 7, 8, 15, 16, 17, 20, 24, 31, 32, 33, 48, 64];
        for units in widths
            .into_iter()
            .filter(|&u| u.div_ceil(lanes) <= MAX_VECTORS)
        {
            for (rows, inputs) in [(1, 1), (9, 3), (37, 20), (100, 13)] {
                let width = units.div_ceil(lanes) * lanes;
                let x = values(rows * inputs, 1);
                let w = values(inputs * units, 2);
                let g = values(rows * units, 3);
                let (w_padded, g_padded) = (pad(&w, units, width), pad(&g, units, width));
                let mut out = vec![f32::NAN; rows * width];
                let mut grad = vec![1.0f32; inputs * width];
                run(
                    Sums {
                        x: &x,
                        inputs,
                        w: &w_padded,
                        width,
                        out: &mut out,
                    },
                    Gradient {
                        x: &x,
                        inputs,
                        g: &g_padded,
                        width,
                        grad: &mut grad,
                    },
                );
                let what = format!("{lanes} lanes, {units} units, {rows}×{inputs}");
                for unit in 0..width {
                    let real = unit < units;
                    for row in 0..rows {
                        let want: f64 = (0..inputs)
                            .filter(|_| real)
                            .map(|i| f64::from(x[row * inputs + i] * w[i * units + unit]))
                            .sum();
                        let got = f64::from(out[row * width + unit]);
                        assert!((got - want).abs() < 1e-5, "{what}: sums {got} {want}");
                    }
                    for input in 0..inputs {
                        let want = 1.0
                            + (0..rows)
                                .filter(|_| real)
                                .map(|r| f64::from(x[r * inputs + input] * g[r * units + unit]))
                                .sum::<f64>();
                        let got = f64::from(grad[input * width + unit]);
                        assert!((got - want).abs() < 1e-4, "{what}: gradient {got} {want}");
                    }
                }
            }
        }
    }

    /// This CPU's widest vectors, AVX2's where it has them, and plain code.
    #[test]
    fn the_kernels_equal_plain_sums() {
        equal_plain_sums(lanes(), |sums, gradient| {
            Arch::new().dispatch(sums);
            Arch::new().dispatch(gradient);
        });
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = pulp::x86::V3::try_new() {
            equal_plain_sums(8, |sums, gradient| {
                Simd::vectorize(simd, sums);
                Simd::vectorize(simd, gradient);
            });
        }
        equal_plain_sums(1, |sums, gradient| {
            sums.with_simd(pulp::Scalar::new());
            gradient.with_simd(pulp::Scalar::new());
        });
    }

    #[test]
    fn wider_layers_are_left_to_gemm() {
        assert_eq!(width(MAX_UNITS + 1), None);
        let lanes = lanes();
        assert_eq!(width(1), Some(lanes));
        assert_eq!(width(20), Some(20usize.div_ceil(lanes) * lanes));
    }
}
