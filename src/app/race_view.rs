//! The race the dashboard shows (key `R`): its variants' curves as their laps come, and how
//! each ended. One race at a time; a new one replaces it.

use super::history::{FULL_POINTS, Thinned};
use super::jobs::{JobStatus, JobView};
use crate::report::race::{RaceFinish, RaceLap, RacePoint};
use crate::report::run::RunId;
use crate::trainer::messages::RacePlan;

/// Where the race stands; done is how each variant ended, in the race's order.
pub type RaceStatus = JobStatus<Vec<RaceFinish>>;

/// The most variants a race has.
const MAX_VARIANTS: usize = 4;

/// One variant's (train loss, valid loss) by epoch, kept as a run's whole history is.
pub type RaceCurve = Thinned<[f32; 2], FULL_POINTS>;

#[derive(Debug, Clone)]
pub struct RaceView {
    /// The variants as the legend names them: `loss=bce`.
    pub names: Vec<String>,
    /// Epochs each variant trains.
    pub epochs: usize,
    pub curves: Vec<RaceCurve>,
    /// Each variant's latest epoch.
    pub last: Vec<Option<RacePoint>>,
    pub status: RaceStatus,
    /// The run whose starting coefficients the variants start from.
    pub from_run: Option<RunId>,
}

impl RaceView {
    pub fn new(mut names: Vec<String>, epochs: usize) -> Self {
        names.truncate(MAX_VARIANTS);
        RaceView {
            curves: vec![RaceCurve::default(); names.len()],
            last: vec![None; names.len()],
            names,
            epochs,
            status: RaceStatus::Running,
            from_run: None,
        }
    }

    /// Records a lap; one of a variant the race lacks is dropped.
    pub fn push(&mut self, lap: &RaceLap) {
        let (Some(curve), Some(last)) = (
            self.curves.get_mut(lap.variant),
            self.last.get_mut(lap.variant),
        ) else {
            return;
        };
        for p in &lap.points {
            curve.push(p.epoch, [p.train_loss, p.valid_loss]);
            *last = Some(*p);
        }
    }

    /// How the variants ended, once the race is done.
    pub fn finishes(&self) -> Option<&[RaceFinish]> {
        match &self.status {
            JobStatus::Done(finishes) => Some(finishes),
            _ => None,
        }
    }

    /// The variant with the best validation accuracy once done: the figure every variant
    /// shares, whatever loss each minimises. Of equals, the lower validation loss, unless the
    /// race is of losses (which do not compare); then the first.
    pub fn leader(&self) -> Option<&RaceFinish> {
        let by_loss = self.key() != Some("loss");
        let better = |f: &RaceFinish, than: &RaceFinish| {
            f.valid_accuracy > than.valid_accuracy
                || (by_loss
                    && f.valid_accuracy == than.valid_accuracy
                    && f.valid_loss < than.valid_loss)
        };
        self.finishes()?
            .iter()
            .filter(|f| f.valid_accuracy.is_finite())
            .fold(None, |best: Option<&RaceFinish>, f| match best {
                Some(b) if !better(f, b) => Some(b),
                _ => Some(f),
            })
    }

    /// The setting the variants differ in: `loss` of `loss=mae`.
    pub fn key(&self) -> Option<&str> {
        let first = self.names.first()?;
        first.split_once('=').map(|(key, _)| key)
    }

    /// Variant `i`'s value: `mae` of `loss=mae`.
    pub fn value(&self, i: usize) -> &str {
        let name = self.names.get(i).map_or("", String::as_str);
        name.split_once('=').map_or(name, |(_, value)| value)
    }

    /// The latest epoch any variant has reached.
    pub fn epochs_done(&self) -> usize {
        self.last
            .iter()
            .flatten()
            .map(|p| p.epoch)
            .max()
            .unwrap_or(0)
    }
}

impl JobView for RaceView {
    type Plan = RacePlan;
    type Piece = RaceLap;
    type Found = Vec<RaceFinish>;
    const NAME: &'static str = "race";

    fn started(run: RunId, plan: RacePlan) -> Self {
        let mut view = RaceView::new(plan.names, plan.epochs);
        view.from_run = Some(run);
        view
    }

    fn progress(&mut self, lap: RaceLap) {
        self.push(&lap);
    }

    fn status(&self) -> &RaceStatus {
        &self.status
    }

    fn status_mut(&mut self) -> &mut RaceStatus {
        &mut self.status
    }

    fn ended(&self) -> String {
        if self.status == RaceStatus::Cancelled {
            return format!("race cancelled at epoch {}", self.epochs_done());
        }
        match self.leader() {
            Some(leader) => format!(
                "race done: {} ends with the best validation accuracy, {:.1} %",
                self.names.get(leader.variant).map_or("?", String::as_str),
                leader.valid_accuracy * 100.0
            ),
            None => "race done".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(epoch: usize, loss: f32) -> RacePoint {
        RacePoint {
            epoch,
            train_loss: loss,
            valid_loss: loss,
            valid_accuracy: 0.5,
        }
    }

    fn finish(variant: usize, accuracy: f32) -> RaceFinish {
        RaceFinish {
            variant,
            epochs: 2,
            first_loss: 0.5,
            train_loss: 0.2,
            valid_loss: 0.3,
            valid_accuracy: accuracy,
            us_per_epoch: 100.0,
        }
    }

    /// Of equal accuracies the lower validation loss leads, unless the losses differ in kind.
    #[test]
    fn a_tie_in_accuracy_goes_to_the_lower_loss_but_in_a_race_of_losses() {
        let tied = |names: [&str; 2]| {
            let mut race = RaceView::new(names.map(String::from).to_vec(), 2);
            let mut second = finish(1, 0.75);
            second.valid_loss = 0.1;
            race.status = RaceStatus::Done(vec![finish(0, 0.75), second]);
            race.leader().map(|f| f.variant)
        };
        assert_eq!(tied(["lr=0.1", "lr=1"]), Some(1));
        assert_eq!(tied(["loss=mae", "loss=bce"]), Some(0));
    }

    #[test]
    fn laps_make_each_variants_curve_and_the_leader_is_by_accuracy() {
        let mut race = RaceView::new(vec!["loss=mae".into(), "loss=bce".into()], 2);
        race.push(&RaceLap {
            variant: 1,
            points: vec![point(1, 0.8), point(2, 0.6)],
        });
        race.push(&RaceLap {
            variant: 0,
            points: vec![point(1, 0.5)],
        });
        race.push(&RaceLap {
            variant: 7,
            points: vec![point(1, 0.1)],
        });
        assert_eq!(race.curves[1].points(), [(1, [0.8, 0.8]), (2, [0.6, 0.6])]);
        assert_eq!(race.epochs_done(), 2);
        assert_eq!(race.leader(), None, "not done yet");
        race.status = RaceStatus::Done(vec![finish(0, 0.6), finish(1, 0.75)]);
        assert_eq!(race.leader().map(|f| f.variant), Some(1));
        assert_eq!((race.key(), race.value(1)), (Some("loss"), "bce"));
        assert_eq!(
            race.ended(),
            "race done: loss=bce ends with the best validation accuracy, 75.0 %"
        );
        race.status = RaceStatus::Cancelled;
        assert_eq!(race.ended(), "race cancelled at epoch 2");
    }
}
