//! The last hidden layer and the output unit as one op on the CPU: `sigmoid(act(x @ W) @ v + b)`.
//!
//! Unfused, `calc_preds` writes the layer's `rows × units` sums, its activations, and in the
//! backward pass their gradient and the activation's mask, each a full pass over memory (at
//! 100,000 rows × 256 units, 102 MB a pass) with burn-flex's elementwise ops on one thread.
//! Here the rows go in blocks (of [`BLOCK_FLOATS`] sums) on rayon's threads: each block's sums
//! are made with burn-flex's own product (gemm), activated, multiplied by `v` and offset by `b`
//! while they are in cache, then squashed by burn-flex's sigmoid; the backward pass makes them
//! again block by block instead of keeping them. Only `x`, the weights and the `rows × 1`
//! predictions cross memory. A narrow layer (up to 64 units) makes its products with
//! [`narrow`]'s SIMD kernels instead of gemm, a wider one over few inputs with those kernels
//! side by side ([`Panel`]s), and every layer's passes over its sums are compiled for the
//! CPU's widest vectors. Where the data is laid out by feature ([`by_feature_pays`]), the
//! products are [`columns`]' kernels, with the rows along the lanes ([`by_feature`]).
//!
//! The output's bias and sigmoid are burn-flex's own (the same f32 addition, its `sigmoid`
//! and `sigmoid_backward`), so the predictions and the weights' gradients equal those of the op
//! followed by burn's `+ b` and `sigmoid` to the last bit, and the bias's gradient, a sum over
//! the rows, to f32's rounding. Inside the op they are no nodes of burn's autodiff graph: the
//! sigmoid's backward reads the kept predictions instead of computing every `exp` again.
//!
//! The op is a burn backend extension: its own forward on Flex and its own backward for
//! `Autodiff<Flex>`, so `loss.backward()` and `w.grad(&grads)` work as for burn's ops. On a GPU
//! the plain ops stay, where burn's fusion sees them.
//!
//! The weight gradients are summed over the rows in a fixed order, [`groups`] partial sums
//! that follow from the shapes alone, whatever the number of threads, so a seed trains to the
//! same figures on any machine.

#![expect(
    clippy::inline_always,
    reason = "pulp compiles for the CPU's vectors only what is inlined into its dispatch"
)]

use super::{columns, narrow};
use crate::settings::Activation;
use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::{ActivationOps, FloatTensorOps};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Dispatch, Flex, backend_extension};
use burn::tensor::{DType, Device, Tensor, TensorData};
use by_feature::ByFeature;
use pulp::{Simd, WithSimd};
use rayon::prelude::*;
use std::ops::Range;

mod by_feature;

/// Sums per block (256 KB of them): a block's rows × units stay in cache, and its products
/// are large enough for gemm (256 rows at 256 units, 3,276 at 20).
const BLOCK_FLOATS: usize = 1 << 16;

/// Partial sums of the weight gradients, each over a fixed run of blocks: at most this many...
const GROUPS: usize = 64;

/// ...and together at most this many bytes (a 4,096 × 4,096 layer's gradient is 64 MB).
pub const PARTIALS_BYTES: usize = 64 << 20;

/// How many partial sums of an `inputs × units` layer's gradient are made side by side.
pub fn groups(inputs: usize, units: usize) -> usize {
    (PARTIALS_BYTES / (4 * inputs * units).max(1)).clamp(1, GROUPS)
}

/// Fewest sums (rows × units) the fused op is used for. Below, the plain ops are as fast or
/// faster (their tensors stay in cache, and the op's blocks cost calls) and keep PyTorch's
/// sums in its order: at 10,000 × 20 → 20 they took 661–674 µs an epoch to the op's 801, at
/// 10,000 × 20 → 64 1,323–1,481 to 1,449–1,478; at 100,000 × 20 → 20 the op took 7.97–8.08 ms
/// to 8.94 and at 10,000 × 20 → 256 5.0–5.2 ms to 8.1–8.9 (`BENCHMARKS.md` §15).
pub const MIN_SUMS: usize = 1 << 20;

/// Fewest sums the op is used for in an evaluation (validation, test, the walk's forward pass):
/// with no backward pass to make, it pays sooner. 100,000 × 20 → 20's validation (20,000 rows,
/// 400,000 sums) took an epoch 5,197–5,799 µs fused against 5,628–6,769 plain, and 10,000 × 20
/// → 256's (512,000) 4,537–4,809 against 4,653–5,621; at 10,000 × 20 → 20's 40,000 sums and
/// Titanic's 3,560 there was no gain to measure, and the plain ops keep PyTorch's order
/// (`BENCHMARKS.md` §20).
pub const MIN_EVAL_SUMS: usize = 1 << 18;

/// An op with its own forward and backward: `sigmoid(act(x @ w) @ v + b)`, `[rows, 1]`.
#[backend_extension(Autodiff, Flex)]
pub trait HiddenPredsOps: Backend {
    /// The predictions from the last hidden layer's input: that layer, the output weights and
    /// bias (`[1, 1]`), and the sigmoid.
    fn hidden_preds(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        v: FloatTensor<Self>,
        b: FloatTensor<Self>,
        activation: Activation,
    ) -> FloatTensor<Self>;
}

/// `sigmoid(activation(x @ w) @ v + b)`, fused where [`applies`].
pub fn hidden_preds(
    x: Tensor<2>,
    w: Tensor<2>,
    v: Tensor<2>,
    b: Tensor<2>,
    activation: Activation,
) -> Tensor<2> {
    Tensor::from_dispatch(<Dispatch as HiddenPredsOps>::hidden_preds(
        x.into_dispatch(),
        w.into_dispatch(),
        v.into_dispatch(),
        b.into_dispatch(),
        activation,
    ))
}

/// Whether [`hidden_preds`] runs for `x @ w`: on the CPU, in f32, with [`MIN_SUMS`] or more,
/// or [`MIN_EVAL_SUMS`] for an evaluation (weights without autodiff).
pub fn applies(x: &Tensor<2>, w: &Tensor<2>) -> bool {
    let least = if w.is_autodiff() {
        MIN_SUMS
    } else {
        MIN_EVAL_SUMS
    };
    x.device().inner() == Device::flex()
        && x.dtype() == DType::F32
        && x.dims()[0].saturating_mul(w.dims()[1]) >= least
}

/// Whether a split of `rows` × `features` goes faster laid out by feature, for a network of
/// `hidden` layers: on the CPU, where the fused op takes the data (one hidden layer) and is used
/// for the split (`training`: as the training split, else as an evaluation), and a narrow
/// layer's units would leave an eighth or more of the lanes of [`narrow`]'s kernels idle (20
/// units fill 20 of AVX-512's 32). Its sums are then made by [`columns`]' kernels, one lane a
/// row; where the units fill the lanes those were up to a tenth slower (`BENCHMARKS.md` §22).
pub fn by_feature_pays(
    device: &Device,
    rows: usize,
    features: usize,
    hidden: &[usize],
    training: bool,
) -> bool {
    let &[units] = hidden else {
        return false;
    };
    let least = if training { MIN_SUMS } else { MIN_EVAL_SUMS };
    let idle =
        narrow::width(units).is_some_and(|width| columns::padded_units(units) * 8 <= width * 7);
    *device == Device::flex()
        && (2..=columns::MAX_INPUTS).contains(&features)
        && rows.saturating_mul(units) >= least
        && idle
}

impl HiddenPredsOps for Flex {
    fn hidden_preds(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        v: FloatTensor<Self>,
        b: FloatTensor<Self>,
        activation: Activation,
    ) -> FloatTensor<Self> {
        let layer = Layer::new(&x, &w, &v, activation);
        let bias = floats(&b.to_contiguous()).first().copied().unwrap_or(0.0);
        let rows = layer.rows();
        let mut out = vec![0.0f32; rows];
        let block_rows = layer.block_rows();
        out.par_chunks_mut(block_rows).enumerate().for_each_init(
            Vec::new,
            |buffer, (block, out)| {
                let count = out.len();
                if let Some(by_feature) = &layer.by_feature {
                    by_feature.forward(
                        block * block_rows,
                        out,
                        &layer.v_values,
                        activation,
                        buffer,
                    );
                } else {
                    layer.each_sums(block * block_rows, count, buffer, |part| {
                        let pass = Forward {
                            sums: part.sums,
                            width: part.width,
                            v: &layer.v_values[part.units],
                            out: &mut *out,
                        };
                        with_activation(activation, pass);
                    });
                }
                for logit in out.iter_mut() {
                    *logit += bias;
                }
                // burn-flex's sigmoid on the block's logits, on this thread: over all the rows
                // at once it ran on one thread, 8 % of a 100,000 × 20 → 20 epoch.
                let logits = TensorData::new(out.to_vec(), [count, 1]);
                let preds = Flex::sigmoid(FloatTensor::<Flex>::from_data(logits));
                for (out, &pred) in out.iter_mut().zip(floats(&preds.to_contiguous())) {
                    *out = pred;
                }
            },
        );
        FloatTensor::<Flex>::from_data(TensorData::new(out, [rows, 1]))
    }
}

impl<C: CheckpointStrategy> HiddenPredsOps for Autodiff<Flex, C> {
    fn hidden_preds(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        v: FloatTensor<Self>,
        b: FloatTensor<Self>,
        activation: Activation,
    ) -> FloatTensor<Self> {
        match HiddenPredsBackward
            .prepare::<C>([x.node(), w.node(), v.node(), b.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let (x, w, v) = (x.into_primitive(), w.into_primitive(), v.into_primitive());
                let b = b.into_primitive();
                let preds = Flex::hidden_preds(x.clone(), w.clone(), v.clone(), b, activation);
                prep.finish((x, w, v, activation, preds.clone()), preds)
            }
            OpsKind::UnTracked(prep) => prep.finish(Flex::hidden_preds(
                x.into_primitive(),
                w.into_primitive(),
                v.into_primitive(),
                b.into_primitive(),
                activation,
            )),
        }
    }
}

#[derive(Debug)]
struct HiddenPredsBackward;

impl Backward<Flex, 4> for HiddenPredsBackward {
    /// `x`, `w`, `v`, the activation, and the predictions the sigmoid's slope is read from.
    type State = (
        FloatTensor<Flex>,
        FloatTensor<Flex>,
        FloatTensor<Flex>,
        Activation,
        FloatTensor<Flex>,
    );

    fn backward(self, ops: Ops<Self::State, 4>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node_x, node_w, node_v, node_b] = ops.parents;
        let grad = grads.consume::<Flex>(&ops.node);
        let (x, w, v, activation, preds) = ops.state;
        // The sigmoid's backward as burn's autodiff takes it on Flex: the slope `p·(1 − p)`
        // from the predictions. The bias's gradient is the rows' sum, in f64 ([`total`]).
        let logits_grad = Flex::sigmoid_backward(preds, grad).to_contiguous();
        if let Some(node) = node_b {
            let sum = TensorData::new(vec![total(floats(&logits_grad))], [1, 1]);
            grads.register::<Flex>(node.id, FloatTensor::<Flex>::from_data(sum));
        }
        let layer = Layer::new(&x, &w, &v, activation);
        let found = layer.gradients(floats(&logits_grad), node_x.is_some());
        if let Some(node) = node_x {
            grads.register::<Flex>(node.id, found.x);
        }
        if let Some(node) = node_w {
            grads.register::<Flex>(node.id, found.w);
        }
        if let Some(node) = node_v {
            grads.register::<Flex>(node.id, found.v);
        }
    }
}

/// The gradients of `Σ g ⊙ act(x @ w) @ v`.
struct Found {
    x: FloatTensor<Flex>,
    w: FloatTensor<Flex>,
    v: FloatTensor<Flex>,
}

/// One call's operands, contiguous.
struct Layer {
    x: FloatTensor<Flex>,
    /// `w` as given: gemm's operand where the layer has no [`Panel`]s.
    w: FloatTensor<Flex>,
    /// The layer's units in panels that [`narrow`]'s kernels take, side by side: one for a
    /// narrow layer, several of [`narrow::panel_units`] for a wide one over few inputs, none
    /// where gemm makes the products.
    panels: Vec<Panel>,
    /// The layer's input laid out by feature, whose products [`ByFeature`] makes: then there
    /// are no panels, and `x` is that layout's view.
    by_feature: Option<ByFeature>,
    /// `v`'s values (`[units, 1]`).
    v_values: Vec<f32>,
    inputs: usize,
    units: usize,
    activation: Activation,
}

/// Units `start..start + units` of a layer, made by [`narrow`]'s kernels.
struct Panel {
    start: usize,
    units: usize,
    /// The length of a row of its sums: whole vectors ([`narrow::width`]).
    width: usize,
    /// `w`'s columns of the panel, each row padded to `width` ([`narrow::pad`]), as the
    /// kernels and the x gradient's product take them.
    w: FloatTensor<Flex>,
}

/// Most inputs of a wide layer made in [`Panel`]s: a panel's weights stay in the first-level
/// cache (16 KB at 64 inputs × 64 units). Measured at 20 inputs: 256 units' sums over 79,872
/// rows took 7.4 ms in four panels against gemm's 11.1 (`BENCHMARKS.md` §21).
const PANEL_INPUTS: usize = 64;

/// `w`'s (`inputs × units`) units in [`Panel`]s, or none where gemm is to make the products.
fn panels(w: &[f32], inputs: usize, units: usize) -> Vec<Panel> {
    // A wide layer's panels are whole vectors of AVX2 or AVX-512 (32 or 64 units); plain
    // code's would be 4 units wide, and gemm stays.
    let size = match narrow::width(units) {
        Some(_) => units,
        None if inputs <= PANEL_INPUTS && narrow::panel_units() >= 32 => narrow::panel_units(),
        None => return Vec::new(),
    };
    let panel = |start: usize| {
        let count = size.min(units - start);
        let width = narrow::width(count)?;
        let columns: Vec<f32> = w
            .chunks_exact(units)
            .flat_map(|row| &row[start..start + count])
            .copied()
            .collect();
        let padded = TensorData::new(narrow::pad(&columns, count, width), [inputs, width]);
        Some(Panel {
            start,
            units: count,
            width,
            w: FloatTensor::<Flex>::from_data(padded),
        })
    };
    (0..units)
        .step_by(size.max(1))
        .map(panel)
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

impl Layer {
    fn new(
        x: &FloatTensor<Flex>,
        w: &FloatTensor<Flex>,
        v: &FloatTensor<Flex>,
        activation: Activation,
    ) -> Self {
        let [inputs, units] = dims(w);
        let w = w.to_contiguous();
        let by_feature = ByFeature::of(x, floats(&w), units);
        let (x, panels) = match by_feature {
            Some(_) => (x.clone(), Vec::new()),
            None => (x.to_contiguous(), panels(floats(&w), inputs, units)),
        };
        Layer {
            x,
            panels,
            by_feature,
            w,
            v_values: floats(&v.to_contiguous()).to_vec(),
            inputs,
            units,
            activation,
        }
    }

    fn rows(&self) -> usize {
        dims(&self.x)[0]
    }

    /// Rows per block: [`BLOCK_FLOATS`] sums, from 256 to 4,096 rows.
    fn block_rows(&self) -> usize {
        (BLOCK_FLOATS / self.units.max(1)).clamp(256, 4096)
    }

    /// `count` rows of `x` from `start`.
    fn x_rows(&self, start: usize, count: usize) -> &[f32] {
        floats(&self.x)
            .get(start * self.inputs..(start + count) * self.inputs)
            .unwrap_or(&[])
    }

    /// The length of a weight gradient's partial sums: each panel's `inputs × width` side by
    /// side, or gemm's `inputs × units`.
    fn gradient_len(&self) -> usize {
        if let Some(by_feature) = &self.by_feature {
            return self.inputs * by_feature.padded_units();
        }
        if self.panels.is_empty() {
            return self.inputs * self.units;
        }
        self.panels.iter().map(|p| self.inputs * p.width).sum()
    }

    /// The sums `x @ w` of `count` rows from `start`, given to `then` part by part: gemm's
    /// `[count, units]` whole, or each panel's `[count, width]` in `buffer`, which is reused
    /// from block to block (zeroing a new one cost as much as the kernel).
    fn each_sums(
        &self,
        start: usize,
        count: usize,
        buffer: &mut Vec<f32>,
        mut then: impl FnMut(Part<'_>),
    ) {
        if self.panels.is_empty() {
            let x = self.x.narrow(0, start, count);
            let sums = Flex::float_matmul(x, self.w.clone()).to_contiguous();
            return then(Part {
                sums: floats(&sums),
                width: self.units,
                units: 0..self.units,
                w: &self.w,
            });
        }
        let x_rows = self.x_rows(start, count);
        for panel in &self.panels {
            let size = count * panel.width;
            if buffer.len() < size {
                buffer.resize(size, 0.0);
            }
            let sums = &mut buffer[..size];
            narrow::sums(x_rows, self.inputs, floats(&panel.w), panel.width, sums);
            then(Part {
                sums,
                width: panel.width,
                units: panel.start..panel.start + panel.units,
                w: &panel.w,
            });
        }
    }

    /// The gradients for the rows' gradient `grad` (`[rows]`); `x`'s only when `with_x`.
    fn gradients(&self, grad: &[f32], with_x: bool) -> Found {
        let rows = self.rows();
        let block_rows = self.block_rows();
        let blocks = rows.div_ceil(block_rows);
        let per_group = blocks.div_ceil(groups(self.inputs, self.units)).max(1);
        let groups: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)> = (0..blocks.div_ceil(per_group))
            .into_par_iter()
            .map_init(Scratch::default, |scratch, group| {
                let mut w = vec![0.0f32; self.gradient_len()];
                let mut v = vec![0.0f32; self.units];
                let mut x = Vec::new();
                let first = group * per_group * block_rows;
                let end = ((group + 1) * per_group * block_rows).min(rows);
                for start in (first..end).step_by(block_rows) {
                    let count = block_rows.min(end - start);
                    self.block_gradients(
                        start,
                        &grad[start..start + count],
                        &mut w,
                        &mut v,
                        with_x.then_some(&mut x),
                        scratch,
                    );
                }
                (w, v, x)
            })
            .collect();
        let mut found_w = vec![0.0f32; self.gradient_len()];
        let mut found_v = vec![0.0f32; self.units];
        let mut found_x = Vec::with_capacity(if with_x { rows * self.inputs } else { 0 });
        for (w, v, x) in groups {
            add(&mut found_w, &w);
            add(&mut found_v, &v);
            found_x.extend(x);
        }
        let tensor = |values: Vec<f32>, shape: [usize; 2]| {
            FloatTensor::<Flex>::from_data(TensorData::new(values, shape))
        };
        Found {
            x: tensor(
                found_x,
                if with_x {
                    [rows, self.inputs]
                } else {
                    [0, self.inputs]
                },
            ),
            w: tensor(self.unpanel(found_w), [self.inputs, self.units]),
            v: tensor(found_v, [self.units, 1]),
        }
    }

    /// A weight gradient laid out as [`Self::gradient_len`] says, as `inputs × units`.
    fn unpanel(&self, sums: Vec<f32>) -> Vec<f32> {
        if let Some(by_feature) = &self.by_feature {
            let rows = sums.chunks_exact(by_feature.padded_units().max(1));
            return rows.flat_map(|row| &row[..self.units]).copied().collect();
        }
        if self.panels.is_empty() {
            return sums;
        }
        let mut w = vec![0.0f32; self.inputs * self.units];
        let mut parts = sums.as_slice();
        for panel in &self.panels {
            let (part, rest) = parts.split_at(self.inputs * panel.width);
            let rows = w.chunks_exact_mut(self.units.max(1));
            for (row, from) in rows.zip(part.chunks_exact(panel.width)) {
                row[panel.start..panel.start + panel.units].copy_from_slice(&from[..panel.units]);
            }
            parts = rest;
        }
        w
    }

    /// One block's part, for each part of its sums `s` ([`Self::each_sums`]): `v += act(s)ᵀ·g`
    /// and the sums' gradient `gh = g·vᵀ ⊙ act'(s)` in one pass, then `w += xᵀ·gh` (`w` laid
    /// out as [`Self::gradient_len`] says), and `x`'s rows `gh·wᵀ`, summed over the parts,
    /// appended.
    fn block_gradients(
        &self,
        start: usize,
        grad: &[f32],
        w: &mut [f32],
        v: &mut [f32],
        x: Option<&mut Vec<f32>>,
        scratch: &mut Scratch,
    ) {
        if let Some(by_feature) = &self.by_feature {
            let (v_out, activation) = (&self.v_values, self.activation);
            return by_feature.gradients(start, grad, v_out, activation, w, v, x, scratch);
        }
        let count = grad.len();
        let x_rows = self.x_rows(start, count);
        let Scratch { sums, sums_grad } = scratch;
        let mut w_rest = w;
        let mut x_sum: Option<Vec<f32>> = None;
        self.each_sums(start, count, sums, |part| {
            let size = count * part.width;
            if sums_grad.len() < size {
                sums_grad.resize(size, 0.0);
            }
            let gh = &mut sums_grad[..size];
            // The pass writes each row's first units; the padding must be zero, and a buffer
            // shared by panels of other widths may hold another panel's values there.
            if self.panels.len() > 1 && part.width != part.units.len() {
                gh.fill(0.0);
            }
            let pass = BackwardPass {
                sums: part.sums,
                width: part.width,
                v_out: &self.v_values[part.units.clone()],
                grad,
                v: &mut v[part.units],
                sums_grad: &mut *gh,
            };
            with_activation(self.activation, pass);
            let (w_part, rest) = std::mem::take(&mut w_rest).split_at_mut(self.inputs * part.width);
            w_rest = rest;
            // `gh` as gemm's operand: for a layer gemm makes, and for `x`'s gradient.
            let gh_tensor = (self.panels.is_empty() || x.is_some()).then(|| {
                let data = TensorData::new(gh.to_vec(), [count, part.width]);
                FloatTensor::<Flex>::from_data(data)
            });
            match &gh_tensor {
                Some(gh_tensor) if self.panels.is_empty() => {
                    let x_block = self.x.narrow(0, start, count);
                    let product = Flex::float_matmul(x_block.transpose(0, 1), gh_tensor.clone());
                    add(w_part, floats(&product.to_contiguous()));
                }
                _ => narrow::weight_gradient(x_rows, self.inputs, gh, part.width, w_part),
            }
            if let (Some(gh_tensor), true) = (gh_tensor, x.is_some()) {
                let product = Flex::float_matmul(gh_tensor, part.w.transpose(0, 1));
                let product = product.to_contiguous();
                match &mut x_sum {
                    Some(sum) => add(sum, floats(&product)),
                    None => x_sum = Some(floats(&product).to_vec()),
                }
            }
        });
        if let (Some(x), Some(sum)) = (x, x_sum) {
            x.extend_from_slice(&sum);
        }
    }
}

/// A part of a block's sums ([`Layer::each_sums`]): `[rows, width]`, the first `units.len()`
/// of each row the sums of `units`, made with `w`.
struct Part<'a> {
    sums: &'a [f32],
    width: usize,
    units: Range<usize>,
    w: &'a FloatTensor<Flex>,
}

/// A thread's buffers for a layer's blocks, one block after another: the sums and their
/// gradient, by row or ([`ByFeature`]) by unit.
#[derive(Default)]
struct Scratch {
    sums: Vec<f32>,
    sums_grad: Vec<f32>,
}

fn dims(t: &FloatTensor<Flex>) -> [usize; 2] {
    let shape = t.layout().shape();
    [shape[0], shape[1]]
}

/// A contiguous f32 tensor's values ([`applies`] checks the dtype).
fn floats(t: &FloatTensor<Flex>) -> &[f32] {
    t.as_slice::<f32>().unwrap_or(&[])
}

/// The sum of `values`, in f64 and in [`LANES`] running sums: vectorised, in a fixed order,
/// and as exact as f32 can hold it. burn-flex's `sum_dim` over a `[rows, 1]` column (what the
/// unfused `+ b`'s backward takes) took 4 % of a 100,000 × 20 → 20 epoch.
#[expect(
    clippy::cast_possible_truncation,
    reason = "the f64 sum is rounded once, to the gradient's f32"
)]
fn total(values: &[f32]) -> f32 {
    let mut lanes = [0.0f64; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail: f64 = chunks.remainder().iter().map(|&v| f64::from(v)).sum();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += f64::from(v);
        }
    }
    (lanes.iter().sum::<f64>() + tail) as f32
}

fn add(sum: &mut [f32], part: &[f32]) {
    for (s, p) in sum.iter_mut().zip(part) {
        *s += p;
    }
}

/// A pass over a block's sums, for any activation: `f(s)` is the activation's value at `s`
/// and its slope there.
trait Pass {
    fn run(self, f: impl Fn(f32) -> (f32, f32) + Copy);
}

/// `pass` with `activation` as burn-flex computes it (a NaN stays NaN) and its slope as burn's
/// backward takes it (ReLU's is 0 at 0). One loop per activation, so each is vectorised, with
/// this CPU's widest vectors ([`narrow::vectorized`]: everything here is inlined into it).
fn with_activation(activation: Activation, pass: impl Pass) {
    narrow::vectorized(Activated { activation, pass });
}

struct Activated<P> {
    activation: Activation,
    pass: P,
}

impl<P: Pass> WithSimd for Activated<P> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        activate(self.activation, self.pass);
    }
}

#[inline(always)]
fn activate(activation: Activation, pass: impl Pass) {
    match activation {
        Activation::Relu => pass.run(|s| {
            if s.is_nan() || s > 0.0 {
                (s, 1.0)
            } else {
                (0.0, 0.0)
            }
        }),
        Activation::LeakyRelu => pass.run(|s| if s >= 0.0 { (s, 1.0) } else { (0.01 * s, 0.01) }),
        Activation::Tanh => pass.run(|s| {
            let t = s.tanh();
            (t, 1.0 - t * t)
        }),
        Activation::Sigmoid => pass.run(|s| {
            let p = 1.0 / (1.0 + (-s).exp());
            (p, p * (1.0 - p))
        }),
        Activation::Linear => pass.run(|s| (s, 1.0)),
    }
}

/// Lanes of the dot products: eight running sums, added at the end, so the loop is vectorised
/// (one running sum would make every addition wait for the one before).
const LANES: usize = 8;

/// Each row's `act(s) · v` added to its `out` (the rows `width` long, their first `units` the
/// sums of `v`'s units).
struct Forward<'a> {
    sums: &'a [f32],
    width: usize,
    v: &'a [f32],
    out: &'a mut [f32],
}

impl Pass for Forward<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f32) -> (f32, f32) + Copy) {
        let units = self.v.len();
        for (out, row) in self.out.iter_mut().zip(self.sums.chunks_exact(self.width)) {
            let row = &row[..units];
            let mut lanes = [0.0f32; LANES];
            let (row_lanes, v_lanes) = (row.chunks_exact(LANES), self.v.chunks_exact(LANES));
            let tail: f32 = row_lanes
                .remainder()
                .iter()
                .zip(v_lanes.remainder())
                .map(|(&s, &v)| f(s).0 * v)
                .sum();
            for (s, v) in row_lanes.zip(v_lanes) {
                for ((lane, &s), &v) in lanes.iter_mut().zip(s).zip(v) {
                    *lane += f(s).0 * v;
                }
            }
            *out += lanes.iter().sum::<f32>() + tail;
        }
    }
}

/// `v += act(s)ᵀ·g` and the sums' gradient `g·vᵀ ⊙ act'(s)`, row by row (rows `width`
/// long, as [`Forward`]'s; the padding's gradient stays zero).
struct BackwardPass<'a> {
    sums: &'a [f32],
    width: usize,
    v_out: &'a [f32],
    grad: &'a [f32],
    v: &'a mut [f32],
    sums_grad: &'a mut [f32],
}

impl Pass for BackwardPass<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f32) -> (f32, f32) + Copy) {
        let units = self.v_out.len();
        // The block's own sum first, then into the group's: fewer terms in each running sum.
        let mut v_block = vec![0.0f32; units];
        let rows = self
            .sums
            .chunks_exact(self.width)
            .zip(self.sums_grad.chunks_exact_mut(self.width));
        for ((row, row_grad), &g) in rows.zip(self.grad) {
            let units = row[..units]
                .iter()
                .zip(row_grad)
                .zip(self.v_out)
                .zip(&mut v_block);
            for (((&s, out), &v_out), v_sum) in units {
                let (value, slope) = f(s);
                *v_sum += value * g;
                *out = g * v_out * slope;
            }
        }
        add(self.v, &v_block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::narrow::tests::values;
    use crate::model::network;

    /// `rows × cols` laid out by feature, as a slice from row 7 of a larger table's
    /// ([`crate::model::data::SplitTensors::laid_out`]).
    fn by_feature(rows: usize, cols: usize, seed: u64) -> Tensor<2> {
        let device = Device::flex().autodiff();
        let all = rows + 10;
        let x = leaf(all, cols, seed)
            .detach()
            .into_data()
            .try_into_vec::<f32>()
            .unwrap();
        let mut laid = vec![0.0f32; all * cols];
        for (row, values) in x.chunks_exact(cols).enumerate() {
            for (col, &value) in values.iter().enumerate() {
                laid[col * all + row] = value;
            }
        }
        let table = Tensor::<2>::from_data(TensorData::new(laid, [cols, all]), &device);
        table.transpose().narrow(0, 7, rows).require_grad()
    }

    fn leaf(rows: usize, cols: usize, seed: u64) -> Tensor<2> {
        let device = Device::flex().autodiff();
        Tensor::<2>::from_data(
            TensorData::new(values(rows * cols, seed), [rows, cols]),
            &device,
        )
        .require_grad()
    }

    fn close(got: &Tensor<2>, want: &Tensor<2>, rows: usize, what: &str) {
        let got = got.clone().into_data().try_into_vec::<f32>().unwrap();
        let want = want.clone().into_data().try_into_vec::<f32>().unwrap();
        assert_eq!(got.len(), want.len(), "{what}");
        // Sums over thousands of rows in another order: within 1e-5 of the tensor's scale,
        // 5e-5 over a hundred thousand rows (f32's rounding grows with the terms).
        let tolerance = if rows < 100_000 { 1e-5 } else { 5e-5 };
        let scale = want.iter().fold(1.0f32, |m, w| m.max(w.abs()));
        for (index, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= tolerance * scale,
                "{what}[{index}]: {g} vs {w}"
            );
        }
    }

    /// The op and its gradients equal the plain ops' (forward, `x`, `w`, `v`, `b`), for every
    /// activation, narrow layers (the SIMD kernels), wide ones in panels (the kernels side by
    /// side, the last padded) and over many inputs (gemm), with rows that fill some
    /// blocks and part of another and more blocks than groups, and `x` tracked as a deeper
    /// layer's is.
    #[test]
    fn equals_the_plain_ops_forward_and_backward() {
        for activation in [
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Linear,
        ] {
            let shapes = [
                (1, 3, 2, false),
                (713, 12, 20, false),
                (2048 * (GROUPS + 3) + 17, 5, 32, false),
                (256 * (GROUPS + 3) + 17, 5, 300, false),
                (1100, PANEL_INPUTS + 6, 80, false),
                (713, 12, 20, true),
                (3276 * (GROUPS + 3) + 17, 5, 19, true),
                (300, 3, 64, true),
            ];
            for (rows, features, units, laid_by_feature) in shapes {
                let x = if laid_by_feature {
                    by_feature(rows, features, 1)
                } else {
                    leaf(rows, features, 1)
                };
                let hidden = leaf(features, units, 2);
                let output = leaf(units, 1, 3);
                let bias = leaf(1, 1, 5);
                let weights = leaf(rows, 1, 4).detach();
                let fused = hidden_preds(
                    x.clone(),
                    hidden.clone(),
                    output.clone(),
                    bias.clone(),
                    activation,
                );
                let fused_grads = (fused.clone() * weights.clone()).sum().backward();
                let plain_leaves =
                    [&x, &hidden, &output, &bias].map(|t| t.clone().detach().require_grad());
                let [plain_x, plain_w, plain_v, plain_b] = plain_leaves.clone();
                let sums = network::activate(activation, plain_x.matmul(plain_w)).matmul(plain_v);
                let plain = burn::tensor::activation::sigmoid(sums + plain_b);
                let plain_grads = (plain.clone() * weights.clone()).sum().backward();
                let layout = if laid_by_feature { " by feature" } else { "" };
                let what = format!("{activation} {rows}×{features}→{units}{layout}");
                close(&fused, &plain, rows, &format!("{what} forward"));
                let leaves = [("x", &x), ("w", &hidden), ("v", &output)];
                for ((name, leaf), plain_leaf) in leaves.into_iter().zip(&plain_leaves) {
                    let got = Tensor::from_inner(leaf.grad(&fused_grads).unwrap());
                    let want = Tensor::from_inner(plain_leaf.grad(&plain_grads).unwrap());
                    close(&got, &want, rows, &format!("{what} ∂{name}"));
                }
                // The bias's gradient: the rows' terms `g·p·(1 − p)` (f32, as burn's sigmoid
                // backward makes them) summed as exactly as f32 holds it. burn's own sum, in
                // f32 over the rows, is further from that than the op's.
                let host = |t: Tensor<2>| t.into_data().try_into_vec::<f32>().unwrap();
                let exact: f64 = host(weights)
                    .iter()
                    .zip(host(fused))
                    .map(|(&g, p)| f64::from(g * p * (1.0 - p)))
                    .sum();
                let got = host(Tensor::from_inner(bias.grad(&fused_grads).unwrap()))[0];
                let error = (f64::from(got) - exact).abs();
                assert!(
                    error <= 1e-6 * exact.abs().max(1.0),
                    "{what} ∂b: {got} vs {exact}"
                );
            }
        }
    }

    /// The tutorial's table at 20 units keeps the plain ops; at 2,048 units (the fixtures of
    /// `tests/seeded.rs` that train through the op) it is fused; a GPU never is. An evaluation
    /// is fused from a quarter of a million sums: 100,000 × 20 → 20's validation split.
    #[test]
    fn applies_from_a_million_sums_on_the_cpu() {
        let x = leaf(713, 12, 1);
        assert!(!applies(&x, &leaf(12, 20, 2)));
        assert!(applies(&x, &leaf(12, 2048, 2)));
        assert!(applies(&x.clone().inner(), &leaf(12, 2048, 2).inner()));
        assert!(!applies(&leaf(713, 12, 1), &leaf(12, 1470, 2)));
        let (valid, narrow) = (leaf(20_000, 20, 1), leaf(20, 20, 2));
        assert!(!applies(&valid, &narrow));
        assert!(applies(&valid.clone().inner(), &narrow.clone().inner()));
        assert!(!applies(
            &valid.narrow(0, 0, 13_000).inner(),
            &narrow.inner()
        ));
        assert!(!applies(&x.inner(), &leaf(12, 20, 2).inner()));
    }

    /// Data laid out by feature (a transposed view, and a slice of one) is made by
    /// [`ByFeature`]'s kernels; by row, or over more inputs than they take, it is not.
    #[test]
    fn data_laid_out_by_feature_is_made_by_its_kernels() {
        let table = |rows: usize, cols: usize| {
            FloatTensor::<Flex>::from_data(TensorData::new(values(rows * cols, 1), [rows, cols]))
        };
        let w = values(5 * 20, 2);
        assert!(ByFeature::of(&table(5, 300).transpose(0, 1), &w, 20).is_some());
        let slice = table(5, 300).transpose(0, 1).narrow(0, 7, 200);
        assert!(ByFeature::of(&slice, &w, 20).is_some());
        assert!(ByFeature::of(&table(300, 5), &w, 20).is_none());
        let inputs = columns::MAX_INPUTS + 1;
        let wide = table(inputs, 300).transpose(0, 1);
        assert!(ByFeature::of(&wide, &values(inputs * 20, 2), 20).is_none());
    }

    /// The data is laid out by feature for one narrow hidden layer whose units leave lanes
    /// idle, on splits the op is used for: 100,000 × 20 → 20's training and validation rows;
    /// not for Titanic's, two layers, or units that fill the lanes.
    #[test]
    fn by_feature_pays_where_lanes_would_idle() {
        let cpu = Device::flex().autodiff();
        if narrow::lanes() >= 8 {
            assert!(by_feature_pays(&cpu, 80_000, 20, &[20], true));
            assert!(by_feature_pays(&cpu, 20_000, 20, &[20], false));
        }
        assert!(!by_feature_pays(&cpu, 20_000, 20, &[20], true));
        assert!(!by_feature_pays(&cpu, 713, 12, &[20], false));
        assert!(!by_feature_pays(&cpu, 80_000, 20, &[20, 20], true));
        assert!(!by_feature_pays(&cpu, 80_000, 20, &[32], true));
        assert!(!by_feature_pays(&cpu, 80_000, 20, &[256], true));
        assert!(!by_feature_pays(
            &cpu,
            80_000,
            columns::MAX_INPUTS + 1,
            &[20],
            true
        ));
    }

    /// The partial sums of a weight gradient side by side stay within [`PARTIALS_BYTES`], and
    /// follow from the shape alone.
    #[test]
    fn the_partial_sums_are_bounded() {
        assert_eq!(groups(20, 256), GROUPS);
        assert_eq!(groups(256, 256), GROUPS);
        assert_eq!(groups(1024, 1024), 16);
        assert_eq!(groups(4096, 4096), 1);
        assert_eq!(groups(8192, 8192), 1);
        for (inputs, units) in [(256, 512), (1024, 1024), (2048, 512)] {
            assert!(groups(inputs, units) * inputs * units * 4 <= PARTIALS_BYTES);
        }
    }
}
