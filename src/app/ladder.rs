//! The steps the `+`/`-`, `]`/`[` and `p` keys move along.

use crate::settings::Pace;

/// Learning rates, roughly log-spaced, including the tutorial's 1.4 and 20.
pub const LR_LADDER: [f64; 14] = [
    0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 1.4, 3.0, 10.0, 20.0, 50.0, 100.0, 200.0,
];

/// Sizes of the first hidden layer.
pub const HIDDEN_LADDER: [usize; 10] = [1, 2, 4, 8, 16, 20, 32, 64, 128, 256];

/// Epochs per second `p` cycles through, then [`Pace::Max`].
pub const PACES: [f64; 4] = [10.0, 30.0, 100.0, 1000.0];

/// Relative tolerance for "this lr is on the ladder": a rate typed as 1.4 is the rung 1.4.
const LR_TOLERANCE: f64 = 1e-9;

/// The next rung above `lr` (from a value between rungs, the next one up); `None` at the top.
pub fn lr_up(lr: f64) -> Option<f64> {
    LR_LADDER
        .iter()
        .copied()
        .find(|&rung| rung > lr * (1.0 + LR_TOLERANCE))
}

/// The next rung below `lr`; `None` at the bottom.
pub fn lr_down(lr: f64) -> Option<f64> {
    LR_LADDER
        .iter()
        .rev()
        .copied()
        .find(|&rung| rung < lr * (1.0 - LR_TOLERANCE))
}

pub fn hidden_up(size: usize) -> Option<usize> {
    HIDDEN_LADDER.iter().copied().find(|&rung| rung > size)
}

pub fn hidden_down(size: usize) -> Option<usize> {
    HIDDEN_LADDER
        .iter()
        .rev()
        .copied()
        .find(|&rung| rung < size)
}

/// 10 → 30 → 100 → 1000 → max → 10 per second; from another pace, the next faster one.
pub fn next_pace(pace: Pace) -> Pace {
    match pace {
        Pace::Max => Pace::PerSecond(PACES[0]),
        Pace::PerSecond(rate) => PACES
            .iter()
            .copied()
            .find(|&p| p > rate)
            .map_or(Pace::Max, Pace::PerSecond),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lr_ladder_steps_through_the_tutorials_rates() {
        assert_eq!(lr_up(1.4), Some(3.0));
        assert_eq!(lr_up(20.0), Some(50.0));
        assert_eq!(lr_down(1.4), Some(1.0));
        assert_eq!(lr_down(20.0), Some(10.0));
        assert_eq!(lr_up(0.1), Some(0.3));
        assert_eq!(lr_up(200.0), None);
        assert_eq!(lr_down(0.001), None);
    }

    #[test]
    fn lr_off_the_ladder_goes_to_the_next_rung() {
        assert_eq!(lr_up(0.5), Some(1.0));
        assert_eq!(lr_down(0.5), Some(0.3));
        assert_eq!(lr_up(60.0), Some(100.0));
        assert_eq!(lr_down(60.0), Some(50.0));
        assert_eq!(lr_up(0.0001), Some(0.001));
        assert_eq!(lr_down(1000.0), Some(200.0));
    }

    #[test]
    fn hidden_ladder() {
        assert_eq!(hidden_up(20), Some(32));
        assert_eq!(hidden_down(20), Some(16));
        assert_eq!(hidden_up(10), Some(16));
        assert_eq!(hidden_down(10), Some(8));
        assert_eq!(hidden_up(256), None);
        assert_eq!(hidden_down(1), None);
    }

    #[test]
    fn pace_cycles_to_max_and_back() {
        let mut pace = Pace::PerSecond(10.0);
        let mut seen = Vec::new();
        for _ in 0..5 {
            pace = next_pace(pace);
            seen.push(pace);
        }
        assert_eq!(
            seen,
            [
                Pace::PerSecond(30.0),
                Pace::PerSecond(100.0),
                Pace::PerSecond(1000.0),
                Pace::Max,
                Pace::PerSecond(10.0)
            ]
        );
        assert_eq!(next_pace(Pace::PerSecond(50.0)), Pace::PerSecond(100.0));
    }
}
