//! What a learning-rate finder reports, as fastai's `lr_find` does: each step's rate, loss
//! and smoothed loss, and fastai's suggestions from the curve.

use super::format_lr;

/// One step of the finder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinderStep {
    /// 0-based.
    pub step: usize,
    pub lr: f64,
    /// The training loss before this step's update.
    pub loss: f32,
    /// fastai's `AvgSmoothLoss`: an exponential average (β = 0.98) of the losses, debiased.
    pub smoothed: f32,
}

/// fastai's suggested rates (its `SuggestionMethod`s); `None` when too few steps were left.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Suggestions {
    /// The middle of the longest valley of the curve (fastai's default).
    pub valley: Option<f64>,
    /// Where the loss falls fastest against log lr.
    pub steep: Option<f64>,
    /// A tenth of the rate with the lowest loss.
    pub minimum: Option<f64>,
}

impl Suggestions {
    /// `valley 2.51, steep 0.0955, minimum/10 1.51`, `-` for a suggestion that is missing.
    pub fn line(&self) -> String {
        let rate = |lr: Option<f64>| lr.map_or_else(|| "-".to_string(), format_lr);
        format!(
            "valley {}, steep {}, minimum/10 {}",
            rate(self.valley),
            rate(self.steep),
            rate(self.minimum)
        )
    }
}

/// What a finder found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub steps: Vec<FinderStep>,
    /// The smoothed loss passed 4× its best before the last rate.
    pub diverged: bool,
    pub suggestions: Suggestions,
}

/// fastai's `AvgSmoothLoss(beta=0.98)`, in f32 as torch computes it; the finder's curve and
/// the divergence event ([`super::events`]) both use it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Smoother {
    value: f32,
    count: i32,
}

impl Smoother {
    const BETA: f32 = 0.98;

    /// Takes `loss` in; the smoothed loss so far.
    pub fn add(&mut self, loss: f32) -> f32 {
        self.count += 1;
        // torch.lerp(loss, value, beta) for a weight of at least 0.5: end - (end - start)(1 - w).
        self.value -= (self.value - loss) * (1.0 - Self::BETA);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "torch divides a float32 tensor by the float64 scalar as float32"
        )]
        let debias = (1.0 - f64::from(Self::BETA).powi(self.count)) as f32;
        self.value / debias
    }
}

/// fastai's suggestions from the steps `lr_find` hands its suggestion functions: those from
/// the tenth of the planned steps on, without the last 5, cut at the first NaN.
#[expect(
    clippy::cast_possible_truncation,
    reason = "fastai's suggestion functions take the rates as a float32 tensor"
)]
pub fn suggest(steps: &[FinderStep], planned: usize) -> Suggestions {
    let kept = steps.len().saturating_sub(5);
    let from = (planned / 10).min(kept);
    let mut lrs: Vec<f32> = Vec::new();
    let mut losses: Vec<f32> = Vec::new();
    for step in &steps[from..kept] {
        if step.smoothed.is_nan() {
            break;
        }
        lrs.push(step.lr as f32);
        losses.push(step.smoothed);
    }
    if lrs.len() < 2 {
        return Suggestions::default();
    }
    Suggestions {
        valley: Some(f64::from(lrs[valley(&losses)])),
        steep: Some(f64::from(lrs[steep(&lrs, &losses)])),
        minimum: Some(f64::from(lrs[first_min(&losses)]) / 10.0),
    }
}

/// The index of the first smallest value.
fn first_min(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v < values[best] {
            best = i;
        }
    }
    best
}

/// fastai's `steep`: where (loss[i+1] − loss[i]) / (log lr[i+1] − log lr[i]) is least.
fn steep(lrs: &[f32], losses: &[f32]) -> usize {
    let slopes: Vec<f32> = (0..lrs.len() - 1)
        .map(|i| (losses[i + 1] - losses[i]) / (lrs[i + 1].ln() - lrs[i].ln()))
        .collect();
    first_min(&slopes)
}

/// fastai's `valley`: the longest decreasing run of losses (as a longest decreasing
/// subsequence), and the point two thirds of the way down it. As in fastai, the run's start
/// is one before its first point (-1 for a run from the first), and a negative index counts
/// from the end, as Python's does.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "fastai's int() of a third and a sixth of a length; lengths are far below isize::MAX"
)]
fn valley(losses: &[f32]) -> usize {
    let n = losses.len();
    let (mut start, mut end) = (0isize, 0usize);
    let mut lds = vec![1usize; n];
    for i in 1..n {
        for j in 0..i {
            if losses[i] < losses[j] && lds[i] < lds[j] + 1 {
                lds[i] = lds[j] + 1;
            }
            if lds[end] < lds[i] {
                end = i;
                start = end as isize - lds[end] as isize;
            }
        }
    }
    let sections = (end as isize - start) as f64 / 3.0;
    let index = start + sections as isize + (sections / 2.0) as isize;
    if index < 0 {
        (n as isize + index).max(0) as usize
    } else {
        (index as usize).min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{FinderSpec, LrRange, Steps};

    fn steps(losses: &[f32]) -> Vec<FinderStep> {
        let spec = FinderSpec {
            range: LrRange {
                from: 1e-3,
                to: 1e3,
            },
            steps: Steps::new(losses.len()).unwrap(),
        };
        spec.rates()
            .into_iter()
            .zip(losses)
            .enumerate()
            .map(|(step, (lr, &loss))| FinderStep {
                step,
                lr,
                loss,
                smoothed: loss,
            })
            .collect()
    }

    #[test]
    fn the_default_rates_run_from_a_thousandth_to_a_thousand() {
        let rates = FinderSpec::default().rates();
        assert_eq!(rates.len(), 100);
        assert!((rates[0] - 1e-3).abs() < 1e-15);
        assert!((rates[99] - 1e3).abs() < 1e-9);
        assert!((rates[33] / rates[0] - 1e6f64.powf(33.0 / 99.0)).abs() < 1e-9);
    }

    #[test]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "fastai's rates are float32"
    )]
    fn suggestions_follow_fastais_rules() {
        // 20 planned: fastai skips 2 at the start and 5 at the end. The indices are those
        // fastai 2.8.12's own valley, steep and minimum give on these losses.
        let losses = [
            0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.3, 0.5, 0.7, 0.9, 1.0, 2.0, 3.0,
            4.0, 5.0, 6.0,
        ];
        let found = suggest(&steps(&losses), 20);
        let rates = steps(&losses)
            .iter()
            .map(|s| s.lr as f32)
            .collect::<Vec<_>>();
        assert_eq!(found.minimum, Some(f64::from(rates[10]) / 10.0));
        // Falls of 0.1 tie but for float32 rounding: 0.8 - 0.7 is the largest.
        assert_eq!(found.steep, Some(f64::from(rates[4])));
        // The valley 0.9 ... 0.3 runs over 8 kept steps: 2 + 2 + 1 past its start.
        assert_eq!(found.valley, Some(f64::from(rates[5])));
        assert_eq!(suggest(&steps(&losses[..6]), 20), Suggestions::default());
    }

    #[test]
    fn the_smoother_is_fastais_debiased_average() {
        let mut s = Smoother::default();
        assert!((s.add(0.5) - 0.5).abs() < 1e-6);
        // (0.98 · 0.01 + 0.02 · 0.3) / (1 − 0.98²), with the first value 0.02 · 0.5.
        let expected = (0.98 * 0.01 + 0.02 * 0.3) / (1.0 - 0.98 * 0.98);
        assert!((s.add(0.3) - expected).abs() < 1e-6);
    }
}
