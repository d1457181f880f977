//! Why a run converges or diverges, in numbers: each coefficient tensor's gradient norm and
//! update:data ratio at a step, and the training loss along the step's direction (where the
//! step lands). Plain data; the model measures them.

use super::format_lr;

/// Each coefficient tensor's figures at one gradient step, taken before the update, in the
/// order of the tensors (`wt_hidden`, `wt_hidden_2`, ..., `wt_output`, `bias_output`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepStats {
    /// ‖grad‖₂.
    pub grad_norm: Vec<f32>,
    /// ‖step‖₂ / ‖w‖₂: how far the step moves the tensor against its size, ‖lr · grad‖₂ for
    /// plain gradient descent, the step actually taken with momentum or Adam. Around 1e-3 is
    /// healthy; near 1 a step replaces the tensor.
    pub update_ratio: Vec<f32>,
}

impl StepStats {
    /// From each tensor's sum of squared gradients and of squared values, at learning rate `lr`.
    pub fn from_sums(grad_squares: &[f32], value_squares: &[f32], lr: f64) -> Self {
        let grad_norm: Vec<f32> = grad_squares.iter().map(|g| g.sqrt()).collect();
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a ratio of f32 norms, read as f32"
        )]
        let update_ratio = grad_norm
            .iter()
            .zip(value_squares)
            .map(|(&g, &w)| (lr * f64::from(g) / f64::from(w.sqrt())) as f32)
            .collect();
        StepStats {
            grad_norm,
            update_ratio,
        }
    }
}

impl StepStats {
    /// From each tensor's sum of squared gradients, of squared values, and of the squares of
    /// the step actually taken (an update rule that steps elsewhere than `lr · grad`).
    pub fn from_steps(grad_squares: &[f32], value_squares: &[f32], step_squares: &[f32]) -> Self {
        StepStats {
            grad_norm: grad_squares.iter().map(|g| g.sqrt()).collect(),
            update_ratio: step_squares
                .iter()
                .zip(value_squares)
                .map(|(s, w)| s.sqrt() / w.sqrt())
                .collect(),
        }
    }
}

/// The training loss along the current step's direction: L(w − t·grad) for t from 0 to
/// [`StepSlice::SPAN`] times the learning rate. At t = lr it is where the next step lands:
/// the training loss that the epoch after that step reports, when the slice is not sampled.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSlice {
    /// The epochs trained when it was taken.
    pub epoch: usize,
    pub lr: f64,
    /// (t, loss), t increasing from 0.
    pub points: Vec<(f64, f32)>,
    /// The loss at t = lr.
    pub at_lr: f32,
    /// `Some(rows)` when the losses are on a fixed sample of the training rows.
    pub sampled: Option<usize>,
}

/// Whether the step at the current rate lands short of the best point, past it, or near it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// The loss still falls beyond t = lr: a larger rate would go further.
    Undershoots,
    /// The best point is before t = lr: the step goes past the bottom.
    Overshoots,
    /// The step lands at (or close to) the lowest loss of the slice.
    OnTarget,
}

impl StepSlice {
    /// The slice reaches this many times the learning rate.
    pub const SPAN: f64 = 3.0;
    /// Points on the slice.
    pub const POINTS: usize = 49;
    /// Rows a slice evaluates at most; more are sampled, evenly spaced.
    pub const MAX_ROWS: usize = 2048;
    /// The index of t = lr among [`Self::ts`].
    pub const AT_LR: usize = (Self::POINTS - 1) / 3;

    /// The values of t: [`Self::POINTS`] evenly spaced from 0 to [`Self::SPAN`] · `lr`, one of
    /// them exactly `lr`.
    pub fn ts(lr: f64) -> Vec<f64> {
        let last = (Self::POINTS - 1) as f64;
        (0..Self::POINTS)
            .map(|i| match i {
                Self::AT_LR => lr,
                i => Self::SPAN * lr * i as f64 / last,
            })
            .collect()
    }

    /// The steps of a slice that looks far past the step (when steps seem too small): 0, then
    /// `lr` times 10^(k/8) for k = 0..=24, from the step itself to a thousand times it.
    pub fn wide(lr: f64) -> Vec<f64> {
        std::iter::once(0.0)
            .chain((0..=24).map(|k| lr * 10f64.powf(f64::from(k) / 8.0)))
            .collect()
    }

    /// The steps of a slice that looks below the step (when the first step of [`Self::ts`]
    /// already raises the loss): 0, then 24 steps log-spaced from a thousandth to `lr`.
    pub fn below(lr: f64) -> Vec<f64> {
        let (low, high) = (1e-3f64.min(lr).ln(), lr.ln());
        std::iter::once(0.0)
            .chain((0..24).map(|k| (low + (high - low) * f64::from(k) / 23.0).exp()))
            .map(|t| if (t - lr).abs() <= 1e-12 * lr { lr } else { t })
            .collect()
    }

    /// The point with the lowest loss (the first, on a tie); NaN losses never win.
    pub fn best(&self) -> (f64, f32) {
        self.points
            .iter()
            .copied()
            .filter(|(_, loss)| loss.is_finite())
            .fold(None, |best: Option<(f64, f32)>, p| match best {
                Some(b) if b.1 <= p.1 => Some(b),
                _ => Some(p),
            })
            .unwrap_or((0.0, f32::NAN))
    }

    /// Where the step lands against the slice's best point: on target when its loss is within
    /// 2 % of the best's drop from t = 0.
    pub fn landing(&self) -> Landing {
        let (t_best, best) = self.best();
        let start = self.points.first().map_or(f32::NAN, |p| p.1);
        let drop = (start - best).max(0.0);
        if self.at_lr.is_finite() && self.at_lr - best <= 0.02 * drop {
            Landing::OnTarget
        } else if t_best > self.lr {
            Landing::Undershoots
        } else {
            Landing::Overshoots
        }
    }

    /// One line: "lr 20 overshoots: lands at 0.391, best 0.210 at t = 3.1".
    pub fn verdict(&self) -> String {
        let (t_best, best) = self.best();
        let lr = format_lr(self.lr);
        let to = format!(
            "lands at {}, best {} at t = {}",
            figure(self.at_lr),
            figure(best),
            format_lr(t_best)
        );
        match self.landing() {
            Landing::Overshoots => format!("lr {lr} overshoots: {to}"),
            Landing::Undershoots if t_best >= self.points.last().map_or(0.0, |p| p.0) => {
                format!("lr {lr} undershoots: {to}, the end of the slice (the loss still falls)")
            }
            Landing::Undershoots => format!("lr {lr} undershoots: {to}"),
            Landing::OnTarget => format!("lr {lr} lands near the lowest loss: {to}"),
        }
    }
}

fn figure(x: f32) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slice at t = 0, lr/2, lr, 3 lr/2, ...
    fn slice(lr: f64, losses: &[f32]) -> StepSlice {
        let points: Vec<(f64, f32)> = losses
            .iter()
            .enumerate()
            .map(|(i, &l)| (lr * i as f64 / 2.0, l))
            .collect();
        let at_lr = points
            .iter()
            .find(|p| (p.0 - lr).abs() < 1e-9)
            .map_or(f32::NAN, |p| p.1);
        StepSlice {
            epoch: 3,
            lr,
            points,
            at_lr,
            sampled: None,
        }
    }

    #[test]
    fn the_grid_holds_the_rate_itself() {
        let ts = StepSlice::ts(20.0);
        assert_eq!(ts.len(), StepSlice::POINTS);
        assert_eq!((ts[0], ts[16], ts[48]), (0.0, 20.0, 60.0));
    }

    #[test]
    fn landings_are_named() {
        // t = 0, 5, 10, 15 at lr 10: the best at t = 5.
        let over = slice(10.0, &[0.5, 0.2, 0.4, 0.6]);
        assert_eq!(over.landing(), Landing::Overshoots);
        assert_eq!(
            over.verdict(),
            "lr 10.0 overshoots: lands at 0.400, best 0.200 at t = 5.00"
        );
        let under = slice(10.0, &[0.5, 0.45, 0.4, 0.3]);
        assert_eq!(under.landing(), Landing::Undershoots);
        assert!(
            under.verdict().contains("the loss still falls"),
            "{}",
            under.verdict()
        );
        let on = slice(10.0, &[0.5, 0.3, 0.2, 0.25]);
        assert_eq!(on.landing(), Landing::OnTarget);
        // From the rate on the loss is NaN: the best is the last finite point.
        let nan = slice(10.0, &[0.5, 0.2, f32::NAN, f32::NAN]);
        assert_eq!(nan.best(), (5.0, 0.2));
        assert_eq!(nan.landing(), Landing::Overshoots);
    }

    #[test]
    fn ratios_come_from_the_norms() {
        let stats = StepStats::from_sums(&[4.0, 0.25], &[16.0, 1.0], 2.0);
        assert_eq!(stats.grad_norm, vec![2.0, 0.5]);
        assert_eq!(stats.update_ratio, vec![1.0, 1.0]);
    }
}
