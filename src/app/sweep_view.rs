//! The learning-rate sweep the dashboard shows (key `L`): the rates tried, the results so far,
//! and how it ended. One sweep at a time; a new one replaces it.

use super::jobs::{JobStatus, JobView};
use crate::report::run::RunId;
use crate::report::sweep::{SweepPoint, stops_learning_at};
use crate::settings::{Count, SweepSpec};
use crate::trainer::messages::SweepPlan;

/// The most epochs a sweep from the dashboard trains at each rate.
pub const MAX_SWEEP_EPOCHS: usize = 500;
/// The most rates a sweep's panel keeps (as many as `--steps` allows).
const MAX_RATES: usize = 256;

/// The sweep `L` asks for: the default range and steps, the current settings' epochs (capped).
pub fn spec(epochs: usize) -> SweepSpec {
    SweepSpec {
        range: SweepSpec::DEFAULT_RANGE,
        steps: SweepSpec::DEFAULT_STEPS,
        epochs: Count::new(epochs.clamp(1, MAX_SWEEP_EPOCHS)).unwrap_or(Count::ONE),
    }
}

/// Where the sweep stands; done is every rate done.
pub type SweepStatus = JobStatus<()>;

#[derive(Debug, Clone, PartialEq)]
pub struct SweepView {
    /// The rates to try, increasing (at most [`SweepSpec::MAX_STEPS`]).
    pub lrs: Vec<f64>,
    /// Epochs at each rate.
    pub epochs: usize,
    /// The results so far, by increasing lr; at most one per rate.
    pub points: Vec<SweepPoint>,
    pub status: SweepStatus,
    /// The run whose starting coefficients are swept.
    pub from_run: Option<RunId>,
}

impl SweepView {
    pub fn new(mut lrs: Vec<f64>, epochs: usize) -> Self {
        lrs.truncate(MAX_RATES);
        SweepView {
            from_run: None,
            points: Vec::with_capacity(lrs.len()),
            lrs,
            epochs,
            status: SweepStatus::Running,
        }
    }

    /// Records one rate's result; a second result for the same rate replaces the first, and
    /// no more points are kept than there are rates.
    pub fn push(&mut self, point: SweepPoint) {
        if let Some(old) = self.points.iter_mut().find(|p| p.index == point.index) {
            *old = point;
            return;
        }
        let limit = if self.lrs.is_empty() {
            MAX_RATES
        } else {
            self.lrs.len()
        };
        if self.points.len() >= limit {
            return;
        }
        let at = self
            .points
            .partition_point(|p| p.lr.total_cmp(&point.lr).is_lt());
        self.points.insert(at, point);
    }

    /// Rates done.
    pub fn done(&self) -> usize {
        self.points.len()
    }

    /// Rates in the sweep.
    pub fn total(&self) -> usize {
        self.lrs.len().max(self.points.len())
    }

    /// Where the network stops learning, once the sweep is done: `Some(Some(lr))`, or
    /// `Some(None)` when the largest rate still learned.
    pub fn result(&self) -> Option<Option<f64>> {
        (self.status == SweepStatus::Done(())).then(|| stops_learning_at(&self.points))
    }

    /// The whole decades (powers of ten) that the rates span, for a log10 axis: (-2, 2) is
    /// 0.01 to 100. Rates that are not positive numbers are left out.
    pub fn decades(&self) -> (i32, i32) {
        let logs = self
            .lrs
            .iter()
            .chain(self.points.iter().map(|p| &p.lr))
            .filter(|lr| lr.is_finite() && **lr > 0.0)
            .map(|lr| lr.log10());
        let (low, high) = logs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if low > high {
            return (-2, 2);
        }
        // A rate a rounding error past a power of ten does not earn another decade.
        #[expect(clippy::cast_possible_truncation, reason = "clamped to ±300")]
        let (low, high) = (
            (low + 1e-9).floor().clamp(-300.0, 300.0) as i32,
            (high - 1e-9).ceil().clamp(-300.0, 300.0) as i32,
        );
        if low >= high {
            (low, low + 1)
        } else {
            (low, high)
        }
    }
}

impl JobView for SweepView {
    type Plan = SweepPlan;
    type Piece = SweepPoint;
    type Found = ();
    const NAME: &'static str = "sweep";

    fn started(run: RunId, plan: SweepPlan) -> Self {
        let mut view = SweepView::new(plan.lrs, plan.epochs);
        view.from_run = Some(run);
        view
    }

    fn progress(&mut self, point: SweepPoint) {
        self.push(point);
    }

    fn status(&self) -> &SweepStatus {
        &self.status
    }

    fn status_mut(&mut self) -> &mut SweepStatus {
        &mut self.status
    }

    fn ended(&self) -> String {
        if self.status == SweepStatus::Cancelled {
            return format!(
                "sweep cancelled after {} of {} rates",
                self.done(),
                self.total()
            );
        }
        match stops_learning_text(self) {
            Some(text) => format!("sweep done: {text}"),
            None => "sweep done".into(),
        }
    }
}

/// `lr` in at most three significant digits, without trailing zeros: 0.01, 0.0231, 3.51, 100.
pub fn format_lr(lr: f64) -> String {
    let text = crate::report::format_lr(lr);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// What a finished sweep found, in words.
pub fn stops_learning_text(sweep: &SweepView) -> Option<String> {
    let result = sweep.result()?;
    let largest = sweep.points.last()?.lr;
    Some(match result {
        Some(lr) => format!("stops learning at lr {}", format_lr(lr)),
        None => format!("learns at every rate, up to lr {}", format_lr(largest)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::health::Outcome;

    fn point(index: usize, lr: f64, outcome: Outcome) -> SweepPoint {
        SweepPoint {
            lr,
            index,
            first_loss: 0.54,
            train_loss: 0.2,
            valid_loss: 0.21,
            valid_accuracy: 0.8,
            dead_units: 0,
            hidden_units: 20,
            outcome,
        }
    }

    #[test]
    fn the_spec_caps_epochs() {
        let spec_of = |epochs| {
            let spec = spec(epochs);
            (
                spec.range.from,
                spec.range.to,
                spec.steps.get(),
                spec.epochs.get(),
            )
        };
        assert_eq!(spec_of(1000), (0.01, 100.0, 12, 500));
        assert_eq!(spec_of(30).3, 30);
    }

    #[test]
    fn points_are_kept_by_lr_one_per_rate_and_bounded() {
        let lrs = SweepSpec {
            steps: crate::settings::Steps::new(3).unwrap(),
            ..spec(10)
        }
        .learning_rates();
        let mut sweep = SweepView::new(lrs, 10);
        sweep.push(point(2, 100.0, Outcome::Diverged));
        sweep.push(point(0, 0.01, Outcome::Learned));
        sweep.push(point(0, 0.01, Outcome::Dead));
        assert_eq!(sweep.done(), 2);
        assert_eq!(sweep.points[0].outcome, Outcome::Dead);
        sweep.push(point(1, 1.0, Outcome::Learned));
        sweep.push(point(7, 5.0, Outcome::Learned));
        let lrs: Vec<f64> = sweep.points.iter().map(|p| p.lr).collect();
        assert_eq!(lrs, [0.01, 1.0, 100.0]);
        assert_eq!((sweep.done(), sweep.total()), (3, 3));
        assert_eq!(sweep.result(), None, "not done yet");
        sweep.status = SweepStatus::Done(());
        assert_eq!(sweep.result(), Some(Some(100.0)));
    }

    #[test]
    fn rates_read_short() {
        let lrs = spec(10).learning_rates();
        let texts: Vec<String> = lrs.iter().map(|&lr| format_lr(lr)).collect();
        assert_eq!(texts[0], "0.01");
        assert_eq!(texts[1], "0.0231");
        assert_eq!(texts[11], "100");
        assert_eq!(format_lr(1.4), "1.4");
        assert_eq!(format_lr(35.12), "35.1");
        assert_eq!(format_lr(f64::NAN), "NaN");
    }

    #[test]
    fn a_done_sweep_says_where_learning_stops() {
        let mut sweep = SweepView::new(vec![0.1, 1.0, 10.0], 5);
        sweep.push(point(0, 0.1, Outcome::Learned));
        sweep.push(point(1, 1.0, Outcome::Learned));
        assert_eq!(stops_learning_text(&sweep), None);
        sweep.status = SweepStatus::Done(());
        assert_eq!(
            stops_learning_text(&sweep).as_deref(),
            Some("learns at every rate, up to lr 1")
        );
        sweep.push(point(2, 10.0, Outcome::Stalled));
        assert_eq!(
            stops_learning_text(&sweep).as_deref(),
            Some("stops learning at lr 10")
        );
        assert_eq!(
            stops_learning_text(&SweepView {
                status: SweepStatus::Done(()),
                ..SweepView::new(vec![1.0], 1)
            }),
            None
        );
    }

    #[test]
    fn decades_cover_the_rates() {
        let lrs = spec(10).learning_rates();
        assert_eq!(SweepView::new(lrs, 10).decades(), (-2, 2));
        assert_eq!(SweepView::new(vec![0.3, 0.5], 1).decades(), (-1, 0));
        assert_eq!(SweepView::new(vec![1.0], 1).decades(), (0, 1));
        assert_eq!(SweepView::new(Vec::new(), 1).decades(), (-2, 2));
        assert_eq!(
            SweepView::new(vec![f64::NAN, -1.0, 0.0, 5.0], 1).decades(),
            (0, 1)
        );
    }
}
