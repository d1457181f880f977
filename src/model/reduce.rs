//! Reductions over the rows that hold on every device. On wgpu, cubecl 0.11 reduces an axis of
//! more than 65,532 elements wrongly: `mean()` of 72,000 ones gives 0.910 and `sum_dim(0)`
//! stops at 65,532 (lavapipe; `BENCHMARKS.md`, issue 24), while a sum of every element is
//! right. So means are sums over the count, and column reductions go in chunks of rows.

use burn::tensor::Tensor;

/// Rows reduced along one axis at once: well below the 65,532 that wgpu gets right.
const CHUNK: usize = 32_768;

/// The mean of every element of `t`.
pub fn mean(t: Tensor<2>) -> Tensor<1> {
    let count = t.dims().iter().product::<usize>().max(1);
    t.sum().div_scalar(count as f64)
}

/// Each column's sum over the rows: `[rows, cols]` → `[1, cols]`.
pub fn column_sums(t: Tensor<2>) -> Tensor<2> {
    by_chunks(t, 0.0, |c| c.sum_dim(1), |c| c.sum_dim(0))
}

/// Each column's largest value over the rows (the padding, 0, counts: for values at least 0,
/// as a ReLU's are).
pub fn column_peaks(t: Tensor<2>) -> Tensor<2> {
    by_chunks(t, 0.0, |c| c.max_dim(1), |c| c.max_dim(0))
}

/// `t`'s rows reduced by `within` inside chunks of [`CHUNK`] rows (the last padded with
/// `pad`), then across the chunks by `across`.
fn by_chunks(
    t: Tensor<2>,
    pad: f32,
    within: impl Fn(Tensor<3>) -> Tensor<3>,
    across: impl Fn(Tensor<2>) -> Tensor<2>,
) -> Tensor<2> {
    let [rows, cols] = t.dims();
    if rows <= CHUNK {
        return across(t);
    }
    let chunks = rows.div_ceil(CHUNK);
    let missing = chunks * CHUNK - rows;
    let padded = if missing > 0 {
        let filler = Tensor::full([missing, cols], pad, &t.device());
        Tensor::cat(vec![t, filler], 0)
    } else {
        t
    };
    let per_chunk = within(padded.reshape([chunks, CHUNK, cols]));
    across(per_chunk.reshape([chunks, cols]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    fn values(t: Tensor<2>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn chunked_reductions_equal_plain_ones() {
        let device = Device::flex();
        for rows in [7, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let data: Vec<f32> = (0..rows * 2).map(|i| (i % 97) as f32).collect();
            let t = Tensor::<2>::from_data(burn::tensor::TensorData::new(data, [rows, 2]), &device);
            assert_eq!(values(column_sums(t.clone())), values(t.clone().sum_dim(0)));
            assert_eq!(
                values(column_peaks(t.clone())),
                values(t.clone().max_dim(0))
            );
            let mean: Vec<f32> = mean(t.clone()).into_data().try_to_vec::<f32>().unwrap();
            let plain: Vec<f32> = t.mean().into_data().try_to_vec::<f32>().unwrap();
            assert!((mean[0] - plain[0]).abs() < 1e-3, "{mean:?} {plain:?}");
        }
    }
}
