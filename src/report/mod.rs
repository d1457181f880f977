//! What training reports, in plain numbers and burn-free: the ground floor the model, the
//! trainer, headless runs and the dashboard all stand on. The model produces these, the
//! trainer carries them, headless prints them and the dashboard reads them as they are.
//!
//! [`run`] what a run is, [`epoch`] each epoch's figures and the history rows, [`weights`]
//! the coefficients on the host (and their safetensors files), [`snapshot`] one look at a
//! run, [`health`] how it is doing, [`units`] its units one at a time, [`plane`] the decision
//! boundary, [`dynamics`] gradient statistics and the step slice, [`events`] what happened, [`advice`] what to try after it,
//! [`finder`] the learning-rate finder's curve, [`sweep`] a sweep's points, [`race`] a race's
//! variants, [`walk`] one epoch function by function.

pub mod advice;
pub mod dynamics;
pub mod epoch;
pub mod events;
pub mod finder;
pub mod health;
pub mod plane;
pub mod race;
pub mod run;
pub mod snapshot;
pub mod sweep;
pub mod units;
pub mod walk;
pub mod weights;

/// A learning rate with three significant digits, as a table column shows it: `0.0100`,
/// `1.40`, `100`.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the digits are clamped to 0..=12"
)]
pub fn format_lr(lr: f64) -> String {
    if !lr.is_finite() || lr <= 0.0 {
        return format!("{lr}");
    }
    // Far from 1, as 1.00e30 rather than thirty-one digits.
    if !(1e-4..1e5).contains(&lr) {
        return format!("{lr:.2e}");
    }
    // The tolerance keeps a computed 9.999999999 from printing as 10.00.
    let digits = (2 - (lr.log10() + 1e-9).floor() as i32).clamp(0, 12) as usize;
    format!("{lr:.digits$}")
}
