//! The fused layer's two products when its input is the data laid out by feature (column-major,
//! [`SplitTensors::laid_out`](super::data::SplitTensors::laid_out)): `x @ W` and `xᵀ·g` with
//! the rows along the vectors' lanes, so every lane does work whatever the number of units.
//!
//! [`narrow`](super::narrow) lays the units along the lanes: 20 units fill 20 of two AVX-512
//! vectors' 32 lanes, and the other 12 multiply zeros. Here a vector holds 16 rows of one
//! feature, and each unit has its own running sums: 20 units take 20 multiply-adds per 16
//! rows and feature where the lanes of units took 32. Measured in `BENCHMARKS.md` §22.
//!
//! The sums of `x @ W` are made as [`narrow`](super::narrow)'s are, over the inputs in their
//! order from zero with fused multiply-adds, so they are the same to the last bit. They come
//! out turned over: `units × stride`, a unit's sums for the block's rows side by side.

#![expect(
    clippy::inline_always,
    reason = "pulp compiles for the CPU's vectors only what is inlined into its dispatch"
)]

use pulp::{Arch, Simd, WithSimd};

/// Units whose sums are made together: the layer's units are padded with zero columns of `W`
/// to a multiple of this.
pub const GROUP: usize = 4;

/// Most inputs the kernels take (the columns of a block are held in a fixed array).
pub const MAX_INPUTS: usize = 64;

/// Vectors of rows a tile holds: the tile's columns (20 KB at 20 features × 256 rows) stay in
/// the first-level cache while each group of units goes over them.
const TILE: usize = 16;

/// `units` padded to whole [`GROUP`]s.
pub fn padded_units(units: usize) -> usize {
    units.div_ceil(GROUP) * GROUP
}

/// The length of a unit's row of sums for `count` rows: whole vectors, and not a multiple of
/// 1 KB, whose rows would all fall in the same sets of the cache.
pub fn stride(count: usize) -> usize {
    let lanes = super::narrow::lanes();
    let stride = count.next_multiple_of(lanes);
    if stride.is_multiple_of(256) {
        stride + lanes
    } else {
        stride
    }
}

/// A block of the data by feature: feature `f`'s values for the block's rows are
/// `x[f * ld + start..][..count]`.
#[derive(Clone, Copy)]
pub struct Block<'a> {
    pub x: &'a [f32],
    pub ld: usize,
    pub start: usize,
    pub count: usize,
    pub inputs: usize,
}

impl<'a> Block<'a> {
    /// Feature `f`'s values for the block's rows (empty where the storage is too short, which
    /// [`super::fused`] rules out before it calls).
    #[inline(always)]
    fn column(&self, f: usize) -> &'a [f32] {
        self.x
            .get(f * self.ld + self.start..)
            .and_then(|c| c.get(..self.count))
            .unwrap_or(&[])
    }

    /// Whether the storage holds every feature's rows: the kernels do nothing where it does
    /// not.
    fn is_whole(&self) -> bool {
        self.inputs <= MAX_INPUTS && (0..self.inputs).all(|f| self.column(f).len() == self.count)
    }
}

/// Whether `units` is whole groups, as the kernels take them ([`padded_units`]).
fn grouped(units: usize) -> bool {
    units.is_multiple_of(GROUP)
}

/// The sums of the block's rows through `w` (`inputs × units`, its rows padded with zeros to
/// [`padded_units`]) into `out`: `units × stride` ([`stride`]), the lanes past the block's
/// rows zero.
pub fn sums(block: Block<'_>, w: &[f32], units: usize, stride: usize, out: &mut [f32]) {
    Arch::new().dispatch(Kernel {
        kind: Kind::Sums,
        block,
        operand: w,
        units,
        stride,
        out,
    });
}

/// `grad += xᵀ·g` over the block's rows: `g` is `units × stride` (its lanes past the block's
/// rows zero), `grad` is `inputs × units`.
pub fn weight_gradient(block: Block<'_>, g: &[f32], units: usize, stride: usize, grad: &mut [f32]) {
    Arch::new().dispatch(Kernel {
        kind: Kind::Gradient,
        block,
        operand: g,
        units,
        stride,
        out: grad,
    });
}

/// `a · b` over their common length, in the lanes of four vectors added at the end.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    Arch::new().dispatch(Dot { a, b })
}

struct Dot<'a> {
    a: &'a [f32],
    b: &'a [f32],
}

impl WithSimd for Dot<'_> {
    type Output = f32;
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> f32 {
        let len = self.a.len().min(self.b.len());
        let (a, a_tail) = S::as_simd_f32s(&self.a[..len]);
        let (b, b_tail) = S::as_simd_f32s(&self.b[..len]);
        let mut sums = [simd.splat_f32s(0.0); 4];
        let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
        let (a_rest, b_rest) = (a4.remainder(), b4.remainder());
        for (a, b) in a4.zip(b4) {
            for ((sum, &a), &b) in sums.iter_mut().zip(a).zip(b) {
                *sum = simd.mul_add_e_f32s(a, b, *sum);
            }
        }
        for ((sum, &a), &b) in sums.iter_mut().zip(a_rest).zip(b_rest) {
            *sum = simd.mul_add_e_f32s(a, b, *sum);
        }
        let tail = simd.mul_f32s(
            simd.partial_load_f32s(a_tail),
            simd.partial_load_f32s(b_tail),
        );
        let [s0, s1, s2, s3] = sums;
        let total = simd.add_f32s(simd.add_f32s(s0, s1), simd.add_f32s(s2, s3));
        simd.reduce_sum_f32s(simd.add_f32s(total, tail))
    }
}

/// Which product a [`Kernel`] makes.
#[derive(Clone, Copy)]
enum Kind {
    /// [`sums`]: `operand` is `w`, `out` the sums.
    Sums,
    /// [`weight_gradient`]: `operand` is `g`, `out` the gradient.
    Gradient,
}

/// One of the products over a block, and its operands.
struct Kernel<'a> {
    kind: Kind,
    block: Block<'a>,
    operand: &'a [f32],
    units: usize,
    stride: usize,
    out: &'a mut [f32],
}

impl WithSimd for Kernel<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Running sums: 16 of AVX-512's 32 registers, 8 of AVX2's 16.
        match (self.kind, S::F32_LANES >= 16) {
            (Kind::Sums, true) => sums_in::<S, 4>(simd, self),
            (Kind::Sums, false) => sums_in::<S, 2>(simd, self),
            (Kind::Gradient, true) => gradient_in::<S, 4>(simd, self),
            (Kind::Gradient, false) => gradient_in::<S, 2>(simd, self),
        }
    }
}

/// The block's columns as whole vectors, and each column's last rows as one vector padded
/// with zeros.
#[inline(always)]
fn columns<'a, S: Simd>(
    simd: S,
    block: &Block<'a>,
) -> ([&'a [S::f32s]; MAX_INPUTS], [S::f32s; MAX_INPUTS]) {
    let mut whole: [&[S::f32s]; MAX_INPUTS] = [&[]; MAX_INPUTS];
    let mut tails = [simd.splat_f32s(0.0); MAX_INPUTS];
    for ((whole, tail), f) in whole.iter_mut().zip(&mut tails).zip(0..block.inputs) {
        let (head, rest) = S::as_simd_f32s(block.column(f));
        *whole = head;
        *tail = simd.partial_load_f32s(rest);
    }
    (whole, tails)
}

/// [`sums`] with `R` vectors of rows at a time, then one at a time for the rest.
#[inline(always)]
fn sums_in<S: Simd, const R: usize>(simd: S, op: Kernel<'_>) {
    let Kernel {
        block,
        operand: w,
        units,
        stride,
        out,
        ..
    } = op;
    let inputs = block.inputs.min(MAX_INPUTS);
    let (whole, tails) = columns(simd, &block);
    let (whole, tails) = (&whole[..inputs], &tails[..inputs]);
    let full = block.count / S::F32_LANES;
    let vectors = stride / S::F32_LANES;
    let (out, _) = S::as_mut_simd_f32s(out);
    let w = w.get(..inputs * units).unwrap_or(&[]);
    let fits = grouped(units) && w.len() >= inputs * units && out.len() >= units * vectors;
    if !block.is_whole() || !fits {
        return;
    }
    let mut tile = 0;
    while tile < vectors {
        let end = (tile + TILE).min(vectors);
        for first in (0..units).step_by(GROUP) {
            let mut v = tile;
            while v + R <= end.min(full) {
                let mut sums = [[simd.splat_f32s(0.0); R]; GROUP];
                for (f, column) in whole.iter().enumerate() {
                    let x: [S::f32s; R] = core::array::from_fn(|k| column[v + k]);
                    for (sums, &w) in sums.iter_mut().zip(&w[f * units + first..][..GROUP]) {
                        let w = simd.splat_f32s(w);
                        for (sum, &x) in sums.iter_mut().zip(&x) {
                            *sum = simd.mul_add_e_f32s(x, w, *sum);
                        }
                    }
                }
                for (unit, sums) in sums.iter().enumerate() {
                    out[(first + unit) * vectors + v..][..R].copy_from_slice(sums);
                }
                v += R;
            }
            while v < end {
                let mut sums = [simd.splat_f32s(0.0); GROUP];
                for (f, (column, &tail)) in whole.iter().zip(tails).enumerate() {
                    let x = match column.get(v) {
                        Some(&x) => x,
                        None if v == full => tail,
                        None => simd.splat_f32s(0.0),
                    };
                    for (sum, &w) in sums.iter_mut().zip(&w[f * units + first..][..GROUP]) {
                        *sum = simd.mul_add_e_f32s(x, simd.splat_f32s(w), *sum);
                    }
                }
                for (unit, &sum) in sums.iter().enumerate() {
                    out[(first + unit) * vectors + v] = sum;
                }
                v += 1;
            }
        }
        tile = end;
    }
}

/// [`weight_gradient`] with `T` of the gradient's rows (inputs) at a time, then fewer for the
/// inputs left over.
#[inline(always)]
fn gradient_in<S: Simd, const T: usize>(simd: S, op: Kernel<'_>) {
    let (block, g, units, grad) = (op.block, op.operand, op.units, op.out);
    let stride = op.stride;
    let inputs = block.inputs.min(MAX_INPUTS);
    let vectors = stride / S::F32_LANES;
    let (g, _) = S::as_simd_f32s(g);
    let fits = grouped(units)
        && block.count <= stride
        && g.len() >= units * vectors
        && grad.len() >= inputs * units;
    if !block.is_whole() || !fits {
        return;
    }
    let tile = Tile {
        block,
        g,
        units,
        vectors,
    };
    let mut first = 0;
    while first < inputs {
        first += match inputs - first {
            left if left >= T => tile.gradient::<T>(simd, first, grad),
            left if left >= 2 => tile.gradient::<2>(simd, first, grad),
            _ => tile.gradient::<1>(simd, first, grad),
        };
    }
}

struct Tile<'a, S: Simd> {
    block: Block<'a>,
    g: &'a [S::f32s],
    units: usize,
    vectors: usize,
}

impl<S: Simd> Tile<'_, S> {
    /// Adds to the gradient's rows `first..first + T` their sums over the block's rows;
    /// returns `T`. Each sum runs in the lanes (16 or 8 rows apart) and is added across them
    /// at the end.
    #[inline(always)]
    fn gradient<const T: usize>(&self, simd: S, first: usize, grad: &mut [f32]) -> usize {
        let x: [(&[S::f32s], S::f32s); T] = core::array::from_fn(|k| {
            let (head, rest) = S::as_simd_f32s(self.block.column(first + k));
            (head, simd.partial_load_f32s(rest))
        });
        let full = x[0].0.len();
        for unit in (0..self.units).step_by(GROUP) {
            let g: [&[S::f32s]; GROUP] =
                core::array::from_fn(|u| &self.g[(unit + u) * self.vectors..][..self.vectors]);
            let mut sums = [[simd.splat_f32s(0.0); GROUP]; T];
            for v in 0..full {
                for (sums, (x, _)) in sums.iter_mut().zip(&x) {
                    let x = x[v];
                    for (sum, g) in sums.iter_mut().zip(&g) {
                        *sum = simd.mul_add_e_f32s(x, g[v], *sum);
                    }
                }
            }
            if full < self.vectors {
                for (sums, &(_, x)) in sums.iter_mut().zip(&x) {
                    for (sum, g) in sums.iter_mut().zip(&g) {
                        *sum = simd.mul_add_e_f32s(x, g[full], *sum);
                    }
                }
            }
            for (k, sums) in sums.iter().enumerate() {
                let row = &mut grad[(first + k) * self.units + unit..][..GROUP];
                for (grad, &sum) in row.iter_mut().zip(sums) {
                    *grad += simd.reduce_sum_f32s(sum);
                }
            }
        }
        T
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::narrow::{self, tests::values};

    /// The data of `rows × inputs` laid out by feature, each feature `ld` apart after `offset`
    /// values, as a slice of a larger table's is.
    fn by_feature(x: &[f32], inputs: usize, ld: usize, offset: usize) -> Vec<f32> {
        let mut laid = vec![f32::NAN; offset + inputs * ld];
        for (row, values) in x.chunks_exact(inputs).enumerate() {
            for (feature, &value) in values.iter().enumerate() {
                laid[offset + feature * ld + row] = value;
            }
        }
        laid
    }

    /// Both kernels on `simd`'s vectors (`lanes` of them) against plain loops in f64, for
    /// units that fill their groups and leave some over, rows that fill tiles and leave part
    /// of a vector, a stride with a vector of padding (1,024 rows), and inputs that leave
    /// some over the gradient's groups; the sums equal [`narrow`]'s to the last bit where
    /// `bits` says so.
    fn equal_plain_sums(lanes: usize, bits: bool, run: impl Fn(Kernel<'_>, Kernel<'_>)) {
        for units in [1, 2, 4, 7, 17, 20, 33, 64] {
            for (rows, inputs) in [(1usize, 1), (9, 3), (37, 20), (300, 13), (1024, 5)] {
                let padded = padded_units(units);
                let stride = rows.next_multiple_of(lanes) + if rows == 1024 { lanes } else { 0 };
                let (ld, offset) = (rows + 3, 5);
                let x = values(rows * inputs, 1);
                let laid = by_feature(&x, inputs, ld, offset);
                let w = values(inputs * units, 2);
                let mut g = vec![0.0f32; padded * stride];
                for (unit, row) in g.chunks_exact_mut(stride).take(units).enumerate() {
                    row[..rows].copy_from_slice(&values(rows, 3 + unit as u64));
                }
                let block = Block {
                    x: &laid[offset..],
                    ld,
                    start: 0,
                    count: rows,
                    inputs,
                };
                let mut out = vec![f32::NAN; padded * stride];
                let mut grad = vec![1.0f32; inputs * padded];
                run(
                    Kernel {
                        kind: Kind::Sums,
                        block,
                        operand: &narrow::pad(&w, units, padded),
                        units: padded,
                        stride,
                        out: &mut out,
                    },
                    Kernel {
                        kind: Kind::Gradient,
                        block,
                        operand: &g,
                        units: padded,
                        stride,
                        out: &mut grad,
                    },
                );
                let what = format!("{lanes} lanes, {units} units, {rows}×{inputs}");
                let width = narrow::width(units).unwrap_or(units);
                let mut rows_sums = vec![0.0f32; rows * width];
                narrow::sums(
                    &x,
                    inputs,
                    &narrow::pad(&w, units, width),
                    width,
                    &mut rows_sums,
                );
                for unit in 0..padded {
                    for row in 0..stride {
                        let want: f64 = (0..inputs)
                            .filter(|_| unit < units && row < rows)
                            .map(|i| f64::from(x[row * inputs + i] * w[i * units + unit]))
                            .sum();
                        let got = out[unit * stride + row];
                        assert!(
                            (f64::from(got) - want).abs() < 1e-5,
                            "{what}: sums {got} {want}"
                        );
                        if bits && unit < units && row < rows {
                            let rows_sum = rows_sums[row * width + unit];
                            assert_eq!(got.to_bits(), rows_sum.to_bits(), "{what}: by row");
                        }
                    }
                    for input in 0..inputs {
                        let want = 1.0
                            + (0..rows)
                                .map(|r| f64::from(x[r * inputs + input] * g[unit * stride + r]))
                                .sum::<f64>();
                        let got = f64::from(grad[input * padded + unit]);
                        assert!((got - want).abs() < 1e-4, "{what}: gradient {got} {want}");
                    }
                }
            }
        }
    }

    /// This CPU's widest vectors, AVX2's where it has them, and plain code.
    #[test]
    fn the_kernels_equal_plain_sums() {
        equal_plain_sums(narrow::lanes(), true, |sums, gradient| {
            Arch::new().dispatch(sums);
            Arch::new().dispatch(gradient);
        });
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = pulp::x86::V3::try_new() {
            equal_plain_sums(8, true, |sums, gradient| {
                Simd::vectorize(simd, sums);
                Simd::vectorize(simd, gradient);
            });
        }
        equal_plain_sums(1, false, |sums, gradient| {
            sums.with_simd(pulp::Scalar::new());
            gradient.with_simd(pulp::Scalar::new());
        });
    }

    #[test]
    fn strides_are_whole_vectors_off_the_cache_sets() {
        let lanes = narrow::lanes();
        assert_eq!(stride(1), lanes);
        assert_eq!(stride(3276) % lanes, 0);
        assert!(stride(3276) >= 3276);
        assert_eq!(stride(1024), 1024 + lanes);
        assert_eq!(padded_units(20), 20);
        assert_eq!(padded_units(21), 24);
    }
}
