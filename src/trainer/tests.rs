//! The trainer thread, driven through its handle as the dashboard drives it.

use super::messages::{SweepEvent, SweepPlan};
use super::*;
use crate::model::network::init_weights;
use crate::report::run::RunState;
use crate::settings::{
    Count, Generated, HiddenSizes, LearningRate, LrRange, Playground, Seed, Source, Steps,
    SweepSpec,
};
use std::time::Duration;

#[expect(clippy::unnecessary_wraps, reason = "fits the field it fills")]
fn hidden(sizes: &str) -> Option<HiddenSizes> {
    Some(sizes.parse().unwrap())
}

fn settings(epochs: usize) -> RunSettings {
    RunSettings {
        lr: LearningRate::new(1.4).unwrap(),
        hidden: hidden("8"),
        epochs: Count::new(epochs).unwrap(),
        ..RunSettings::dashboard()
    }
}

fn spawn(settings: RunSettings, pace: Pace) -> (Trainer, Receiver<Event>) {
    let splits = crate::data::load(&settings.data).unwrap();
    Trainer::spawn(settings, splits, pace, None)
}

fn sweep(from: f64, to: f64, steps: usize, epochs: usize) -> SweepSpec {
    SweepSpec {
        range: LrRange { from, to },
        steps: Steps::new(steps).unwrap(),
        epochs: Count::new(epochs).unwrap(),
    }
}

/// Events until one matches `done` (included); fails after 30 s.
fn until(events: &Receiver<Event>, done: impl Fn(&Event) -> bool) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        match events.recv_timeout(Duration::from_secs(30)) {
            Ok(event) => {
                let last = done(&event);
                seen.push(event);
                if last {
                    return seen;
                }
            }
            Err(error) => panic!("{error}; events so far: {seen:?}"),
        }
    }
}

fn epochs(events: &[Event]) -> Vec<usize> {
    events
        .iter()
        .flat_map(|e| match e {
            Event::Epochs { metrics, .. } => metrics.iter().map(|m| m.epoch).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn is_state(state: RunState) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::State { state: s, .. } if *s == state)
}

#[test]
fn a_run_reports_every_epoch_in_order_then_finishes() {
    let (_trainer, events) = spawn(settings(200), Pace::Max);
    let seen = until(&events, is_state(RunState::Finished));
    assert!(matches!(&seen[0], Event::Started(info) if info.id == 1 && info.train_rows == 713));
    assert_eq!(epochs(&seen), (1..=200).collect::<Vec<_>>());
    // Batched: far fewer messages than epochs.
    let batches = seen
        .iter()
        .filter(|e| matches!(e, Event::Epochs { .. }))
        .count();
    assert!(batches < 200, "{batches} batches");
    assert!(seen.iter().any(|e| matches!(e, Event::Snapshot { .. })));
}

#[test]
fn pause_step_and_live_lr() {
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(2.0));
    trainer.send(Command::Pause);
    let before = until(&events, is_state(RunState::Paused));
    let done = epochs(&before).len();
    trainer.send(Command::Step);
    trainer.send(Command::SetLr(20.0));
    let after = until(&events, |e| matches!(e, Event::LrChanged { .. }));
    assert_eq!(epochs(&after), vec![done + 1], "one step, then paused");
    assert!(after.iter().any(|e| matches!(
        e,
        Event::LrChanged { epoch, lr, .. } if *epoch == done + 1 && *lr == 20.0
    )));
    trainer.send(Command::EvaluateTest);
    let told = until(&events, |e| matches!(e, Event::Notice(_)));
    assert!(matches!(told.last(), Some(Event::Notice(n)) if n.starts_with("no test split")));
}

#[test]
fn restart_starts_a_new_run_with_the_new_shape() {
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(5.0));
    until(&events, |e| matches!(e, Event::Started(_)));
    trainer.send(Command::SetPace(Pace::Max));
    trainer.send(Command::Restart(RunSettings {
        hidden: hidden("4,3"),
        ..settings(5)
    }));
    let seen = until(&events, is_state(RunState::Finished));
    let started = seen.iter().find_map(|e| match e {
        Event::Started(info) => Some(info.clone()),
        _ => None,
    });
    let started = started.unwrap();
    assert_eq!((started.id, started.settings.hidden), (2, hidden("4,3")));
    let run_two: Vec<usize> = seen
        .iter()
        .flat_map(|e| match e {
            Event::Epochs { run: 2, metrics } => metrics.iter().map(|m| m.epoch).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(run_two, [1, 2, 3, 4, 5]);
}

/// Runs with the first run's seed and shape start from its --init coefficients, and say so.
#[test]
fn runs_that_start_from_init_say_so() {
    let first = RunSettings {
        hidden: hidden("20"),
        ..settings(1000)
    };
    let splits = crate::data::load(&first.data).unwrap();
    let init = init_weights(splits.features().len(), &[20], 7);
    let (trainer, events) = Trainer::spawn(first.clone(), splits, Pace::PerSecond(5.0), Some(init));
    let mut from_init = Vec::new();
    for next in [
        None,
        Some(RunSettings {
            lr: LearningRate::new(3.0).unwrap(),
            ..first.clone()
        }),
        Some(RunSettings {
            hidden: hidden("7"),
            ..first.clone()
        }),
        Some(first.clone()),
        Some(RunSettings {
            seed: Seed::new(1).unwrap(),
            ..first.clone()
        }),
    ] {
        if let Some(settings) = next {
            trainer.send(Command::Restart(settings));
        }
        let seen = until(&events, |e| matches!(e, Event::Started(_)));
        if let Some(Event::Started(info)) = seen.last() {
            from_init.push(info.from_init);
        }
    }
    assert_eq!(from_init, [true, true, false, true, false]);
}

#[test]
fn a_run_on_a_generated_set_sends_its_decision_boundary() {
    let generated = |kind| Source::Generated(Generated::new(kind));
    let base = settings(50);
    let first = RunSettings {
        data: base.data.with_source(generated(Playground::Circle)),
        ..base.clone()
    };
    let (trainer, events) = spawn(first.clone(), Pace::Max);
    // The boundary, then the unit maps, after each snapshot.
    let seen = until(&events, |e| matches!(e, Event::UnitMaps { .. }));
    let Some(Event::Boundary { run, map }) = seen.iter().rev().nth(1) else {
        unreachable!()
    };
    assert_eq!(*run, 1);
    assert_eq!(map.probs.len(), map.cols * map.rows);
    assert!(map.probs.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!(
        map.points.len(),
        320,
        "every training point of 400 less 20%"
    );
    // A map per hidden unit (8, fewer than MAX_MAPS), each a ReLU's output: never negative.
    let Some(Event::UnitMaps { run: 1, maps }) = seen.last() else {
        unreachable!()
    };
    let mut units: Vec<usize> = maps.iter().map(|m| m.unit).collect();
    units.sort_unstable();
    assert_eq!(units, (0..8).collect::<Vec<_>>());
    assert!(maps.iter().flat_map(|m| &m.values).all(|&v| v >= 0.0));
    assert!(maps.iter().all(|m| m.values.len() == m.cols * m.rows));
    // The snapshot before them says how often each unit is active.
    let snapshot = seen.iter().rev().find_map(|e| match e {
        Event::Snapshot { snapshot, .. } => Some(snapshot),
        _ => None,
    });
    let units = &snapshot.unwrap().units;
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].active.len(), 8);
    assert!(units[0].active.iter().all(|a| (0.0..=1.0).contains(a)));
    // Switching the data set in the form regenerates the data.
    trainer.send(Command::Restart(RunSettings {
        data: base.data.with_source(generated(Playground::Xor)),
        ..first.clone()
    }));
    let seen = until(
        &events,
        |e| matches!(e, Event::Started(info) if info.id == 2),
    );
    let Some(Event::Started(info)) = seen.last() else {
        unreachable!()
    };
    assert_eq!((info.data_name.as_str(), info.features.len()), ("xor", 2));
    // And back to the data the dashboard started with.
    trainer.send(Command::Restart(RunSettings {
        epochs: Count::new(5).unwrap(),
        ..first
    }));
    let seen = until(
        &events,
        |e| matches!(e, Event::Started(info) if info.id == 3),
    );
    assert!(matches!(seen.last(), Some(Event::Started(info)) if info.data_name == "circle"));
}

#[test]
fn a_sweep_reports_every_rate_then_done() {
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(5.0));
    until(&events, |e| matches!(e, Event::Started(_)));
    let spec = sweep(0.1, 100.0, 4, 20);
    trainer.send(Command::Sweep(spec));
    let seen = until(&events, |e| matches!(e, Event::Sweep(SweepEvent::Done(()))));
    let sweep: Vec<&SweepEvent> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Sweep(s) => Some(s),
            _ => None,
        })
        .collect();
    assert!(
        matches!(sweep[0], SweepEvent::Started { plan: SweepPlan { lrs, epochs: 20 }, .. } if lrs.len() == 4)
    );
    let mut lrs: Vec<f64> = sweep
        .iter()
        .filter_map(|s| match s {
            SweepEvent::Progress(p) => Some(p.lr),
            _ => None,
        })
        .collect();
    lrs.sort_by(f64::total_cmp);
    assert_eq!(lrs, spec.learning_rates());
}

#[test]
fn a_cancelled_sweep_ends_early_and_says_so() {
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(5.0));
    until(&events, |e| matches!(e, Event::Started(_)));
    let spec = sweep(0.01, 0.1, 6, 100_000);
    trainer.send(Command::Sweep(spec));
    until(&events, |e| {
        matches!(e, Event::Sweep(SweepEvent::Started { .. }))
    });
    trainer.send(Command::CancelSweep);
    let seen = until(&events, |e| {
        matches!(
            e,
            Event::Sweep(SweepEvent::Cancelled | SweepEvent::Done(()))
        )
    });
    assert!(matches!(
        seen.last(),
        Some(Event::Sweep(SweepEvent::Cancelled))
    ));
    let points = seen
        .iter()
        .filter(|e| matches!(e, Event::Sweep(SweepEvent::Progress(_))))
        .count();
    assert_eq!(points, 0, "no rate of 100000 epochs finished");
    // A new sweep can start at once.
    trainer.send(Command::Sweep(SweepSpec {
        epochs: Count::new(5).unwrap(),
        ..spec
    }));
    let seen = until(&events, |e| matches!(e, Event::Sweep(SweepEvent::Done(()))));
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, Event::Notice(text) if text.contains("already")))
    );
}

#[test]
fn mini_batches_train_the_set_batch_size() {
    let (_trainer, events) = spawn(
        RunSettings {
            batch_size: Some(Count::new(100).unwrap()),
            ..settings(30)
        },
        Pace::Max,
    );
    let seen = until(&events, is_state(RunState::Finished));
    let losses: Vec<f32> = seen
        .iter()
        .flat_map(|e| match e {
            Event::Epochs { metrics, .. } => metrics.iter().map(|m| m.train_loss).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(losses.len(), 30);
    assert!(losses[29] < losses[0] * 0.8, "{losses:?}");
}

#[test]
fn exported_weights_are_a_loadable_file() {
    let (trainer, events) = spawn(settings(3), Pace::Max);
    until(&events, is_state(RunState::Finished));
    trainer.send(Command::ExportWeights);
    let told = until(&events, |e| {
        matches!(e, Event::Weights { .. } | Event::Error(_))
    });
    let Some(Event::Weights {
        run,
        epoch,
        safetensors,
        best: false,
    }) = told.last()
    else {
        panic!("{told:?}");
    };
    assert_eq!((*run, *epoch), (1, 3));
    let weights = Weights::from_bytes(safetensors).unwrap();
    assert_eq!(weights.hidden_sizes(), [8]);
}

/// A restart too big for memory is refused on screen; the run and its data go on.
#[test]
fn a_restart_too_big_is_refused_and_the_run_goes_on() {
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(20.0));
    until(&events, |e| matches!(e, Event::Started(_)));
    let huge = RunSettings {
        hidden: hidden("4096,4096"),
        data: settings(1).data.with_source(Source::Generated(Generated {
            points: crate::settings::Points::new(1_000_000).unwrap(),
            ..Generated::new(Playground::Spiral)
        })),
        ..settings(1000)
    };
    trainer.send(Command::Restart(huge));
    let seen = until(&events, |e| {
        matches!(e, Event::Error(_) | Event::Started(_))
    });
    let Some(Event::Error(message)) = seen.last() else {
        panic!("{seen:?}");
    };
    assert!(
        message.starts_with("this run would not fit in memory"),
        "{message}"
    );
    assert!(message.ends_with("; the current run goes on"), "{message}");
    // Still Titanic: a sweep starts from it.
    trainer.send(Command::Sweep(sweep(0.1, 1.0, 2, 2)));
    let seen = until(&events, |e| matches!(e, Event::Sweep(SweepEvent::Done(()))));
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Sweep(SweepEvent::Progress(_))))
    );
}

#[test]
fn a_paced_run_starts_slowly_with_gradient_statistics_and_a_step_slice() {
    use super::messages::FinderEvent;
    let (trainer, events) = spawn(settings(1000), Pace::PerSecond(1000.0));
    let started = std::time::Instant::now();
    let seen = until(&events, |e| epochs(std::slice::from_ref(e)).contains(&10));
    // The first ten epochs at 4 a second, however fast the pace: about 2.25 s.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let stats = seen.iter().flat_map(|e| match e {
        Event::Epochs { metrics, .. } => metrics.iter().map(|m| m.stats.is_some()).collect(),
        _ => Vec::new(),
    });
    assert!(
        stats.into_iter().all(|s| s),
        "every paced epoch has its statistics"
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Slice { slice, .. } if slice.points.len() == 49))
    );
    trainer.send(Command::FindLr(crate::settings::FinderSpec::default()));
    let found = until(&events, |e| {
        matches!(e, Event::Finder(FinderEvent::Done(_)))
    });
    let steps = found
        .iter()
        .filter(|e| matches!(e, Event::Finder(FinderEvent::Progress(_))))
        .count();
    assert_eq!(steps, 100);
}

/// A race beside the run: its plan, every variant's laps up to the run's epochs, then how
/// each ended, all from the run's starting coefficients.
#[test]
fn a_race_reports_each_variants_laps_then_done() {
    use super::messages::RaceEvent;
    let (trainer, events) = spawn(settings(25), Pace::PerSecond(5.0));
    until(&events, |e| matches!(e, Event::Started(_)));
    trainer.send(Command::Race("lr=0.1,1.4".parse().unwrap()));
    let seen = until(&events, |e| matches!(e, Event::Race(RaceEvent::Done(_))));
    let race: Vec<&RaceEvent> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Race(r) => Some(r),
            _ => None,
        })
        .collect();
    let RaceEvent::Started { run: 1, plan } = race[0] else {
        panic!("{race:?}")
    };
    assert_eq!(
        (plan.names.clone(), plan.epochs),
        (vec!["lr=0.1".into(), "lr=1.4".into()], 25)
    );
    for variant in 0..2 {
        let points: Vec<(usize, f32)> = race
            .iter()
            .filter_map(|r| match r {
                RaceEvent::Progress(lap) if lap.variant == variant => Some(lap),
                _ => None,
            })
            .flat_map(|lap| lap.points.iter().map(|p| (p.epoch, p.train_loss)))
            .collect();
        assert_eq!(points.len(), 25, "variant {variant}");
        assert!(points.iter().enumerate().all(|(i, p)| p.0 == i + 1));
    }
    let RaceEvent::Done(finishes) = race[race.len() - 1] else {
        panic!("{race:?}")
    };
    assert_eq!(finishes.len(), 2);
    assert_eq!(finishes[0].first_loss, finishes[1].first_loss);
    assert!(finishes[1].train_loss < finishes[0].train_loss);
}

/// The trainer walks only when asked: a run sends no walk until the walk view asks, then one at
/// once and one with each snapshot (a step's too), each of the epoch after the run's last;
/// after `EndWalk`, none.
#[test]
fn walks_come_only_while_asked_for() {
    use crate::report::walk::WalkFocus;
    let is_walk = |e: &Event| matches!(e, Event::Walk { .. });
    let (trainer, events) = spawn(settings(100_000), Pace::PerSecond(1000.0));
    let seen = until(&events, |e| matches!(e, Event::Snapshot { .. }));
    assert!(!seen.iter().any(is_walk), "no walk unasked");
    trainer.send(Command::Pause);
    until(&events, is_state(RunState::Paused));
    let focus = WalkFocus {
        layer: 0,
        unit: 3,
        input: 4,
    };
    trainer.send(Command::Walk(focus));
    let seen = until(&events, is_walk);
    let Some(Event::Walk { walk, .. }) = seen.last() else {
        unreachable!("a walk")
    };
    let paused_at = walk.epoch - 1;
    let hand = walk.hand.as_ref().unwrap();
    assert_eq!(hand.focus, focus);
    assert_eq!((hand.from.as_str(), hand.to.as_str()), ("Sex_male", "h1.3"));
    trainer.send(Command::Step);
    let seen = until(&events, is_walk);
    let Some(Event::Walk { walk, .. }) = seen.last() else {
        unreachable!("a walk")
    };
    assert_eq!(
        walk.epoch,
        paused_at + 2,
        "the step's snapshot walks the next epoch"
    );
    trainer.send(Command::EndWalk);
    trainer.send(Command::Step);
    let seen = until(&events, |e| matches!(e, Event::Snapshot { .. }));
    assert!(!seen.iter().any(is_walk), "no walk once the view is closed");
    // Replay: epoch 1 from the run's start, whose loss is the run's first.
    let start = init_weights(12, &[8], 442);
    trainer.send(Command::WalkAt {
        focus,
        epoch: 1,
        lr: 1.4,
        weights: Box::new(start),
    });
    let seen = until(&events, is_walk);
    let Some(Event::Walk { walk, .. }) = seen.last() else {
        unreachable!("a walk")
    };
    assert_eq!(walk.epoch, 1);
    assert!((walk.loss.loss - 0.539).abs() < 0.01, "{}", walk.loss.loss);
    trainer.send(Command::Step);
    let seen = until(&events, |e| matches!(e, Event::Snapshot { .. }));
    assert!(!seen.iter().any(is_walk), "a replayed walk is walked once");
}
