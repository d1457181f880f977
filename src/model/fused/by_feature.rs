//! The fused op's blocks when its input is the data laid out by feature (a transposed view,
//! [`crate::model::data::SplitTensors`]): the sums are made by [`columns`]' kernels with the
//! rows along the vectors' lanes, and come out turned over, a unit's sums for the block's rows
//! side by side, so the passes over them go along the rows too.

use super::{Pass, Scratch, with_activation};
use crate::model::columns::{self, Block};
use crate::settings::Activation;
use burn::backend::Flex;
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::tensor::{DType, TensorData};

/// A layer's input laid out by feature, and its weights as [`columns`]' kernels take them.
pub(super) struct ByFeature {
    /// Holds the storage the block's columns are read from.
    x: FloatTensor<Flex>,
    /// Where the first row of the first feature is in the storage.
    offset: usize,
    /// The distance between two features' values for a row.
    ld: usize,
    inputs: usize,
    /// The layer's units.
    units: usize,
    /// `w` with each row padded with zeros to [`columns::padded_units`]: the kernels read its
    /// values, and the product that makes `x`'s gradient takes it whole.
    w: FloatTensor<Flex>,
}

impl ByFeature {
    /// `x` (`rows × inputs`) where its layout is by feature (each feature's rows side by side)
    /// and the kernels take its inputs; `None` otherwise.
    pub(super) fn of(x: &FloatTensor<Flex>, w: &[f32], units: usize) -> Option<Self> {
        if x.dtype() != DType::F32 {
            return None;
        }
        let layout = x.layout();
        let (shape, strides) = (layout.shape(), layout.strides());
        let (rows, inputs) = (shape[0], shape[1]);
        let ld = usize::try_from(strides[1]).ok()?;
        let by_feature = !layout.is_contiguous() && strides[0] == 1 && ld >= rows;
        let offset = layout.start_offset();
        let fits = x.storage::<f32>().len() >= offset + (inputs.max(1) - 1) * ld + rows;
        if !by_feature || !fits || inputs > columns::MAX_INPUTS || w.len() != inputs * units {
            return None;
        }
        let padded = columns::padded_units(units);
        let w = TensorData::new(
            crate::model::narrow::pad(w, units, padded),
            [inputs, padded],
        );
        Some(ByFeature {
            x: x.clone(),
            offset,
            ld,
            inputs,
            units,
            w: FloatTensor::<Flex>::from_data(w),
        })
    }

    /// The padded units' count: the weight gradient's row length.
    pub(super) fn padded_units(&self) -> usize {
        columns::padded_units(self.units)
    }

    fn block(&self, start: usize, count: usize) -> Block<'_> {
        Block {
            x: self.x.storage::<f32>().get(self.offset..).unwrap_or(&[]),
            ld: self.ld,
            start,
            count,
            inputs: self.inputs,
        }
    }

    /// The sums of `count` rows from `start` in `buffer`, `padded units × stride`.
    fn sums<'a>(
        &self,
        start: usize,
        count: usize,
        buffer: &'a mut Vec<f32>,
    ) -> (&'a mut [f32], usize) {
        let stride = columns::stride(count);
        let size = self.padded_units() * stride;
        if buffer.len() < size {
            buffer.resize(size, 0.0);
        }
        let sums = &mut buffer[..size];
        columns::sums(
            self.block(start, count),
            super::floats(&self.w),
            self.padded_units(),
            stride,
            sums,
        );
        (sums, stride)
    }

    /// Adds `act(x @ w) · v` of the rows from `start` to their `out`.
    pub(super) fn forward(
        &self,
        start: usize,
        out: &mut [f32],
        v: &[f32],
        activation: Activation,
        buffer: &mut Vec<f32>,
    ) {
        let (sums, stride) = self.sums(start, out.len(), buffer);
        with_activation(
            activation,
            Forward {
                sums,
                stride,
                v,
                out,
            },
        );
    }

    /// One block's part of the gradients for the rows' gradient `grad`: `v += act(s)ᵀ·g`,
    /// `w += xᵀ·gh` (`w` `inputs × padded units`) with `gh = g·vᵀ ⊙ act'(s)`, and `x`'s rows
    /// `gh·wᵀ` appended. `scratch` holds the sums and their gradient, `padded units × stride`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one block's operands and its three sums"
    )]
    pub(super) fn gradients(
        &self,
        start: usize,
        grad: &[f32],
        v_out: &[f32],
        activation: Activation,
        w: &mut [f32],
        v: &mut [f32],
        x: Option<&mut Vec<f32>>,
        scratch: &mut Scratch,
    ) {
        let count = grad.len();
        let Scratch { sums, sums_grad } = scratch;
        let (sums, stride) = self.sums(start, count, sums);
        let size = sums.len();
        if sums_grad.len() < size {
            sums_grad.resize(size, 0.0);
        }
        let gh = &mut sums_grad[..size];
        // The padded units' rows: their gradient is zero.
        gh[self.units * stride..].fill(0.0);
        let pass = Backward {
            sums: &mut *sums,
            stride,
            v_out,
            grad,
            sums_grad: &mut *gh,
        };
        with_activation(activation, pass);
        for (v, values) in v.iter_mut().zip(sums.chunks_exact(stride)) {
            *v += columns::dot(&values[..count], grad);
        }
        let padded = self.padded_units();
        columns::weight_gradient(self.block(start, count), gh, padded, stride, w);
        if let Some(x) = x {
            let gh = FloatTensor::<Flex>::from_data(TensorData::new(gh.to_vec(), [padded, stride]));
            let gh = gh.narrow(1, 0, count).transpose(0, 1);
            let product = Flex::float_matmul(gh, self.w.transpose(0, 1)).to_contiguous();
            x.extend_from_slice(product.as_slice::<f32>().unwrap_or(&[]));
        }
    }
}

/// Each row's `act(s) · v` added to its `out`: `s` a unit's sums side by side (`stride`
/// apart), one unit after another.
struct Forward<'a> {
    sums: &'a [f32],
    stride: usize,
    v: &'a [f32],
    out: &'a mut [f32],
}

impl Pass for Forward<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f32) -> (f32, f32) + Copy) {
        let count = self.out.len();
        for (sums, &v) in self.sums.chunks_exact(self.stride).zip(self.v) {
            for (out, &s) in self.out.iter_mut().zip(&sums[..count]) {
                *out += f(s).0 * v;
            }
        }
    }
}

/// The sums' gradient `g·vᵀ ⊙ act'(s)`, a unit at a time (its lanes past the block's rows
/// zero), and each sum replaced by its activation, for `v`'s gradient `act(s)ᵀ·g` after: one
/// map over each unit's sums, which the compiler makes in whole vectors.
struct Backward<'a> {
    sums: &'a mut [f32],
    stride: usize,
    v_out: &'a [f32],
    grad: &'a [f32],
    sums_grad: &'a mut [f32],
}

impl Pass for Backward<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f32) -> (f32, f32) + Copy) {
        let count = self.grad.len();
        let units = self
            .sums
            .chunks_exact_mut(self.stride)
            .zip(self.sums_grad.chunks_exact_mut(self.stride))
            .zip(self.v_out);
        for ((sums, sums_grad), &v_out) in units {
            let (sums_grad, padding) = sums_grad.split_at_mut(count);
            padding.fill(0.0);
            let rows = sums.iter_mut().zip(sums_grad).zip(self.grad);
            for ((s, out), &g) in rows {
                let (value, slope) = f(*s);
                *s = value;
                *out = g * v_out * slope;
            }
        }
    }
}
