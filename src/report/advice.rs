//! What to try after an event: which way the learning rate should go and how far, from what was
//! measured at the event (the step slice there) and the finder's valley when it has run. Never
//! the opposite way: when nothing measured gives a rate on the right side, the advice says so.

use super::dynamics::{Landing, StepSlice};
use super::events::{Advice, EventKind, TrainingEvent};
use super::format_lr;

/// Which way the learning rate should go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Lower,
    Higher,
}

/// What is known at an event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The rate the run trains at.
    pub lr: f64,
    /// The step slice at the event: the loss along the step taken there (for steps too small,
    /// along a thousand times the step).
    pub slice: Option<&'a StepSlice>,
    /// The finder's valley, once it has run from this run's start.
    pub valley: Option<f64>,
    /// The epoch of the best validation loss so far.
    pub best_valid: Option<usize>,
    /// A lower rate an earlier event of the run measured, and where: after a stall or dead
    /// units, the slice now is flat, and the steps that did the damage came before.
    pub earlier: Option<(f64, &'a str)>,
}

/// The loss falls along the step at least to this many times it before steps count as too
/// small (else a still loss is a converged one, not a slow one).
pub const TOO_SMALL_BY: f64 = 10.0;

/// ... and lower there by at least this share of the loss after one step.
pub const TOO_SMALL_GAIN: f32 = 0.01;

/// Whether `event` holds up against the evidence: steps too small only when the loss would
/// keep falling along the step to [`TOO_SMALL_BY`] times it, and by [`TOO_SMALL_GAIN`].
pub fn holds(event: &TrainingEvent, evidence: &Evidence) -> bool {
    match (event.kind, evidence.slice) {
        (EventKind::StepsTooSmall, Some(slice)) => {
            let (t, best) = slice.best();
            t >= TOO_SMALL_BY * evidence.lr && best < slice.at_lr * (1.0 - TOO_SMALL_GAIN)
        }
        (EventKind::StepsTooSmall, None) => false,
        _ => true,
    }
}

/// Why `event` happened and what to try, given `evidence`.
pub fn advise(event: &TrainingEvent, evidence: &Evidence) -> Advice {
    let lr = evidence.lr;
    let why = |text: &str| text.to_string();
    match event.kind {
        EventKind::LossRose => toward(Direction::Lower, why("the step went too far"), evidence),
        EventKind::NonFinite => toward(
            Direction::Lower,
            why("the steps blew the coefficients up"),
            evidence,
        ),
        EventKind::Diverged => toward(
            Direction::Lower,
            why("the steps keep going too far"),
            evidence,
        ),
        EventKind::Oscillating => Advice {
            why: why("each step jumps across the valley"),
            lr: None,
            basis: format!(
                "lr {} still learns while the loss falls through the swings; lower it if they stop the fall ({})",
                format_lr(lr),
                evidence
                    .slice
                    .map_or_else(|| "no step slice yet".to_string(), slice_says)
            ),
        },
        EventKind::Stalled => toward(
            Direction::Lower,
            why(
                "large steps pushed every prediction to 0 or 1, where the sigmoid passes no gradient",
            ),
            evidence,
        ),
        EventKind::StepsTooSmall => toward(
            Direction::Higher,
            why("the steps are too small to move the loss"),
            evidence,
        ),
        EventKind::UnitsDied => match evidence.slice {
            Some(slice) if slice.landing() == Landing::Overshoots || evidence.earlier.is_some() => {
                toward(
                    Direction::Lower,
                    why("large steps push units below zero for good"),
                    evidence,
                )
            }
            Some(slice) => Advice {
                why: why("a unit zero on every row gets no gradient, so it stays dead"),
                lr: None,
                basis: format!(
                    "lr {} is not too large here: {}",
                    format_lr(lr),
                    slice_says(slice)
                ),
            },
            None => Advice {
                why: why("a unit zero on every row gets no gradient, so it stays dead"),
                lr: None,
                basis: "no step slice yet to tell whether the steps are too large".into(),
            },
        },
        EventKind::Overfitting => Advice {
            why: why("the network fits the training rows at the expense of the others"),
            lr: None,
            basis: match evidence.best_valid {
                Some(epoch) => format!("keep the weights of epoch {epoch}, the best on validation"),
                None => "keep the weights of the best validation epoch".into(),
            },
        },
    }
}

/// Advice to move the rate `direction`: the step slice's lowest point when it lies that way,
/// or the finder's valley; of two, the one nearer the current rate going higher and the
/// lower one going lower (the finder's valley "when lower").
fn toward(direction: Direction, why: String, evidence: &Evidence) -> Advice {
    let lr = evidence.lr;
    let right_side = |rate: f64| match direction {
        Direction::Lower => rate > 0.0 && rate < lr,
        Direction::Higher => rate > lr,
    };
    let from_slice = evidence
        .slice
        .map(|slice| slice.best().0)
        .filter(|&t| right_side(t))
        .map(|t| (t, slice_basis(evidence.slice)));
    let from_finder = evidence
        .valley
        .filter(|&v| right_side(v))
        .map(|v| (v, "the finder's valley".to_string()));
    let from_earlier = evidence
        .earlier
        .filter(|&(rate, _)| direction == Direction::Lower && right_side(rate))
        .map(|(rate, basis)| (rate, basis.to_string()));
    // The slice now first; else what an earlier event measured; the finder's valley when
    // lower (going lower), or nearer (going higher).
    let pick = match (from_slice.or(from_earlier), from_finder) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    if let Some((rate, basis)) = pick {
        return Advice {
            why,
            lr: Some(rate),
            basis,
        };
    }
    let way = match direction {
        Direction::Lower => "below",
        Direction::Higher => "above",
    };
    let seen = evidence
        .slice
        .map_or_else(|| "no step slice yet".to_string(), slice_says);
    Advice {
        why,
        lr: None,
        basis: format!(
            "nothing measured gives a rate {way} lr {}: {seen}",
            format_lr(lr)
        ),
    }
}

fn slice_basis(slice: Option<&StepSlice>) -> String {
    slice.map_or_else(String::new, |s| {
        format!("the step slice at epoch {}", s.epoch)
    })
}

/// What the slice found, in words: `the step slice at epoch 7 finds its lowest loss beyond
/// lr 1.40`.
fn slice_says(slice: &StepSlice) -> String {
    let (t_best, _) = slice.best();
    let at = format!("the step slice at epoch {}", slice.epoch);
    let lr = format_lr(slice.lr);
    if t_best <= 0.0 {
        return format!("{at} rises from the first step along it");
    }
    match slice.landing() {
        Landing::Undershoots => format!("{at} finds its lowest loss beyond lr {lr}"),
        Landing::OnTarget => format!("{at} lands near its lowest loss at lr {lr}"),
        Landing::Overshoots => format!("{at} finds its lowest loss at lr {}", format_lr(t_best)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind) -> TrainingEvent {
        TrainingEvent {
            epoch: 4,
            kind,
            detail: "something happened".into(),
            advice: None,
        }
    }

    /// A slice at lr 20 from 0 to 60, its lowest loss at `best`.
    fn slice(best: f64) -> StepSlice {
        let ts = StepSlice::ts(20.0);
        #[expect(clippy::cast_possible_truncation, reason = "small test numbers")]
        let points: Vec<(f64, f32)> = ts
            .iter()
            .map(|&t| (t, (0.2 + 0.001 * (t - best).powi(2)) as f32))
            .collect();
        let at_lr = points[StepSlice::AT_LR].1;
        StepSlice {
            epoch: 2,
            lr: 20.0,
            points,
            at_lr,
            sampled: None,
        }
    }

    #[test]
    fn an_overshoot_advises_a_lower_rate_never_a_higher_one() {
        let overshot = slice(2.5);
        let evidence = Evidence {
            lr: 20.0,
            slice: Some(&overshot),
            ..Evidence::default()
        };
        let advice = advise(&event(EventKind::LossRose), &evidence);
        assert_eq!(advice.lr, Some(2.5));
        assert_eq!(
            advice.text(),
            "the step went too far; try lr ≈ 2.50 (the step slice at epoch 2)"
        );
        // A slice whose lowest point lies beyond lr gives no lower rate: said plainly.
        let beyond = slice(50.0);
        let evidence = Evidence {
            slice: Some(&beyond),
            ..evidence
        };
        let advice = advise(&event(EventKind::LossRose), &evidence);
        assert_eq!(advice.lr, None);
        assert_eq!(
            advice.text(),
            "the step went too far; nothing measured gives a rate below lr 20.0: the step slice at epoch 2 finds its lowest loss beyond lr 20.0"
        );
        // The finder's valley when it is lower.
        let evidence = Evidence {
            valley: Some(0.8),
            slice: Some(&overshot),
            ..evidence
        };
        let advice = advise(&event(EventKind::Diverged), &evidence);
        assert_eq!(
            (advice.lr, advice.basis.as_str()),
            (Some(0.8), "the finder's valley")
        );
        let evidence = Evidence {
            valley: Some(40.0),
            ..evidence
        };
        assert_eq!(advise(&event(EventKind::Diverged), &evidence).lr, Some(2.5));
    }

    #[test]
    fn dying_units_blame_large_steps_only_when_the_step_overshoots() {
        let short = slice(50.0);
        let evidence = Evidence {
            lr: 20.0,
            slice: Some(&short),
            ..Evidence::default()
        };
        let advice = advise(&event(EventKind::UnitsDied), &evidence);
        assert_eq!(advice.lr, None);
        assert_eq!(
            advice.text(),
            "a unit zero on every row gets no gradient, so it stays dead; lr 20.0 is not too large here: the step slice at epoch 2 finds its lowest loss beyond lr 20.0"
        );
        let far = slice(1.25);
        let evidence = Evidence {
            slice: Some(&far),
            ..evidence
        };
        let advice = advise(&event(EventKind::UnitsDied), &evidence);
        assert!(advice.why.contains("large steps"), "{advice:?}");
        assert_eq!(advice.lr, Some(1.25));
    }

    #[test]
    fn steps_too_small_hold_only_when_the_loss_falls_further_along_the_step() {
        let lr = 0.001;
        let wide = |best: f64| {
            let ts = StepSlice::wide(lr);
            #[expect(clippy::cast_possible_truncation, reason = "small test numbers")]
            let points: Vec<(f64, f32)> = ts
                .iter()
                .map(|&t| (t, (0.5 - 0.1 * (t.min(best) / best)) as f32))
                .collect();
            StepSlice {
                epoch: 30,
                lr,
                at_lr: points[1].1,
                points,
                sampled: None,
            }
        };
        let slow = wide(0.5);
        let evidence = Evidence {
            lr,
            slice: Some(&slow),
            ..Evidence::default()
        };
        let event = event(EventKind::StepsTooSmall);
        assert!(holds(&event, &evidence));
        let advice = advise(&event, &evidence);
        assert!(advice.lr.is_some_and(|rate| rate > lr), "{advice:?}");
        let converged = wide(0.002);
        let evidence = Evidence {
            slice: Some(&converged),
            ..evidence
        };
        assert!(!holds(&event, &evidence));
    }

    #[test]
    fn overfitting_names_the_epoch_to_keep() {
        let evidence = Evidence {
            lr: 1.4,
            best_valid: Some(20),
            ..Evidence::default()
        };
        let advice = advise(&event(EventKind::Overfitting), &evidence);
        assert_eq!(advice.lr, None);
        assert_eq!(
            advice.basis,
            "keep the weights of epoch 20, the best on validation"
        );
    }
}
