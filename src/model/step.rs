//! The step as the training loop takes it: the tutorial's [`execute_epoch`], watched for its
//! gradient statistics, and over the rows in chunks where a pass would not fit whole (the same
//! step: each chunk's loss weighted by its share of the rows, the gradients summed before the
//! update).

use super::network::{Coeffs, Learner, Stepped, calc_loss, execute_epoch, loss_and_accuracy};
use burn::tensor::{Gradients, Tensor};

/// Sums over one coefficient tensor at a step, taken before the update: of its gradient's
/// squares and of its values' squares, and of the step's squares when the rule steps
/// elsewhere than `lr · grad`.
#[derive(Debug, Clone)]
pub struct TensorSums {
    pub grad: Tensor<1>,
    pub value: Tensor<1>,
    pub step: Option<Tensor<1>>,
}

/// [`execute_epoch`], also returning each coefficient tensor's [`TensorSums`], in the order
/// of [`Coeffs::tensors`] (for `StepStats`).
pub fn execute_epoch_watched(
    coeffs: &mut Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    lr: f64,
    learner: &mut Learner,
    chunk: Option<usize>,
) -> (Stepped, Vec<TensorSums>) {
    let (loss, penalty, grads) = differentiate(coeffs, x, y, learner, chunk);
    let before: Vec<Tensor<2>> = coeffs.tensors().map(|c| c.clone().inner()).collect();
    let mut sums: Vec<TensorSums> = coeffs
        .tensors()
        .zip(&before)
        .filter_map(|(coeff, value)| {
            let grad = coeff.grad(&grads)?;
            Some(TensorSums {
                grad: grad.square().sum(),
                value: value.clone().square().sum(),
                step: None,
            })
        })
        .collect();
    learner.update(coeffs, &grads, lr);
    if learner.steps_elsewhere() {
        let after = coeffs.tensors().map(|c| c.clone().inner());
        for (sum, (now, was)) in sums.iter_mut().zip(after.zip(before)) {
            sum.step = Some((now - was).square().sum());
        }
    }
    (Stepped { loss, penalty }, sums)
}

/// [`execute_epoch`] over the rows in chunks of `chunk` (all at once with `None`, the
/// tutorial's own): the same step, in the memory of a chunk (see [`differentiate`]).
pub fn execute_epoch_in(
    coeffs: &mut Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    lr: f64,
    learner: &mut Learner,
    chunk: Option<usize>,
) -> Stepped {
    if chunk.is_none_or(|chunk| chunk >= x.dims()[0]) {
        return execute_epoch(coeffs, x, y, lr, learner);
    }
    let (loss, penalty, grads) = differentiate(coeffs, x, y, learner, chunk);
    learner.update(coeffs, &grads, lr);
    Stepped { loss, penalty }
}

/// The loss (and penalty) over `x`'s rows and the gradients of what is differentiated. With
/// `chunk`, fewer than all the rows at a time: each chunk's mean loss weighted by its share of
/// the rows, differentiated on its own, the gradients summed, the penalty once. The sum of the
/// parts is the whole, so the step is the same (up to the order of the sums).
fn differentiate(
    coeffs: &Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    learner: &Learner,
    chunk: Option<usize>,
) -> (Tensor<1>, Option<Tensor<1>>, Gradients) {
    let Some(mut parts) = row_chunks(x, y, chunk) else {
        let loss = calc_loss(coeffs, x, y);
        let (objective, penalty) = learner.objective(coeffs, &loss);
        return (
            loss.inner(),
            penalty.map(Tensor::inner),
            objective.backward(),
        );
    };
    let part =
        |(x, y, share): (Tensor<2>, Tensor<2>, f64)| calc_loss(coeffs, &x, &y).mul_scalar(share);
    // `row_chunks` gives at least two chunks.
    let first = parts.next().map_or_else(|| calc_loss(coeffs, x, y), part);
    let (objective, penalty) = learner.objective(coeffs, &first);
    let mut grads = objective.backward();
    let mut loss = first.inner();
    for part in parts.map(part) {
        let more = part.backward();
        for coeff in coeffs.tensors() {
            if let Some(add) = coeff.grad(&more) {
                let sum = match coeff.grad(&grads) {
                    Some(so_far) => so_far + add,
                    None => add,
                };
                coeff.grad_replace(&mut grads, sum);
            }
        }
        loss = loss + part.inner();
    }
    (loss, penalty.map(Tensor::inner), grads)
}

/// [`loss_and_accuracy`] over the rows in chunks of `chunk` (all at once with `None`): each
/// chunk's figures weighted by its share of the rows.
pub fn loss_and_accuracy_in(
    coeffs: &Coeffs,
    x: &Tensor<2>,
    y: &Tensor<2>,
    chunk: Option<usize>,
) -> (Tensor<1>, Tensor<1>) {
    row_chunks(x, y, chunk)
        .and_then(|parts| {
            parts
                .map(|(x, y, share)| {
                    let (loss, accuracy) = loss_and_accuracy(coeffs, &x, &y);
                    (loss.mul_scalar(share), accuracy.mul_scalar(share))
                })
                .reduce(|(l, a), (lc, ac)| (l + lc, a + ac))
        })
        .unwrap_or_else(|| loss_and_accuracy(coeffs, x, y))
}

/// `x` and `y`'s rows in chunks of `chunk`, each with its share of the rows; `None` when
/// there is no chunk or one would hold every row (the pass is then taken whole).
pub(super) fn row_chunks<'a>(
    x: &'a Tensor<2>,
    y: &'a Tensor<2>,
    chunk: Option<usize>,
) -> Option<impl Iterator<Item = (Tensor<2>, Tensor<2>, f64)> + 'a> {
    let rows = x.dims()[0];
    let chunk = chunk.filter(|&chunk| chunk > 0 && chunk < rows)?;
    Some((0..rows).step_by(chunk).map(move |start| {
        let count = chunk.min(rows - start);
        (
            x.clone().narrow(0, start, count),
            y.clone().narrow(0, start, count),
            count as f64 / rows as f64,
        )
    }))
}
