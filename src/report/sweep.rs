//! A learning-rate sweep's points, and where the network stops learning.

use super::health::Outcome;

/// The result of a sweep at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub lr: f64,
    /// Index of `lr` in the sweep's increasing list.
    pub index: usize,
    /// The training loss of the starting coefficients, and of the trained model.
    pub first_loss: f32,
    pub train_loss: f32,
    pub valid_loss: f32,
    pub valid_accuracy: f32,
    pub dead_units: usize,
    pub hidden_units: usize,
    pub outcome: Outcome,
}

/// The smallest learning rate from which no larger one in `points` learned: where the network
/// stops learning. `None` when the largest rate still learned.
pub fn stops_learning_at(points: &[SweepPoint]) -> Option<f64> {
    let mut sorted: Vec<&SweepPoint> = points.iter().collect();
    sorted.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    let last_learned = sorted.iter().rposition(|p| p.outcome.learned());
    let first_failed = last_learned.map_or(0, |i| i + 1);
    sorted.get(first_failed).map(|p| p.lr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lr: f64, outcome: Outcome) -> SweepPoint {
        SweepPoint {
            lr,
            index: 0,
            first_loss: 0.5,
            train_loss: 0.2,
            valid_loss: 0.2,
            valid_accuracy: 0.8,
            dead_units: 0,
            hidden_units: 20,
            outcome,
        }
    }

    #[test]
    fn learning_stops_where_no_larger_rate_learns() {
        use Outcome::*;
        let points = [
            point(10.0, Diverged),
            point(0.1, Learned),
            point(1.0, Learned),
            point(3.0, Stalled),
            point(0.01, Dead),
        ];
        assert_eq!(stops_learning_at(&points), Some(3.0));
        assert_eq!(stops_learning_at(&points[1..3]), None);
        assert_eq!(stops_learning_at(&[point(1.0, Diverged)]), Some(1.0));
    }
}
