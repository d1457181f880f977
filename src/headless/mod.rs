//! Headless runs: the tutorial's own output (`0.539; 0.528; ...`), or JSON lines, for scripts
//! and CI.

mod lr_find;

pub use lr_find::{lr_find, suggestions_line};

use crate::error::{Error, Result};
use crate::files::{Staged, write_error};
use crate::model::dynamics::{Watch, tensor_names};
use crate::model::events::{Detector, TrainingEvent};
use crate::model::report::history_header;
use crate::model::report::{
    EpochMetrics, Evaluation, SweepPoint, elapsed_ms, format_lr, history_row, stops_learning_at,
};
use crate::model::{Batches, Budget, Split, train_model_checked};
use crate::progress::Bar;
use crate::settings::{Format, RunSettings, Session, Source, SweepSpec};
use crate::setup::{Prepared, load_data_and_weights, prepare};
use crate::signals::{self, Caught};
use crate::sweep;
use serde_json::json;
use std::cell::RefCell;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Python's `f'{x:.3f}'`: `nan` and `inf` as Python writes them.
pub fn three_decimals(x: f32) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else {
        format!("{x:.3}")
    }
}

pub(crate) fn stdout_error(source: std::io::Error) -> Error {
    if source.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::StdoutClosed;
    }
    Error::Write {
        path: PathBuf::from("stdout"),
        source,
    }
}

/// One epoch's line: its loss, as the tutorial prints it, or a JSON object (with each of
/// `tensors`' gradient norm and update ratio when the epoch has them).
fn print_epoch(
    format: Format,
    m: &EpochMetrics,
    tensors: &[String],
    out: &mut impl Write,
) -> Result<()> {
    match format {
        Format::Text => write!(out, "{}; ", three_decimals(m.train_loss)),
        Format::Jsonl => {
            let mut line = json!({
                "epoch": m.epoch,
                "train_loss": m.train_loss,
                "valid_loss": m.valid_loss,
                "valid_accuracy": m.valid_accuracy,
                "elapsed_ms": elapsed_ms(m.elapsed),
            });
            if let Some(stats) = &m.stats {
                let by_name = |values: &[f32]| -> serde_json::Map<String, serde_json::Value> {
                    tensors
                        .iter()
                        .cloned()
                        .zip(values.iter().map(|&v| json!(v)))
                        .collect()
                };
                line["grad_norm"] = by_name(&stats.grad_norm).into();
                line["update_ratio"] = by_name(&stats.update_ratio).into();
            }
            writeln!(out, "{line}")
        }
    }
    .and_then(|()| out.flush())
    .map_err(stdout_error)
}

/// An event's JSON line (events are printed with `--format jsonl` only: the text format is
/// the tutorial's loss line).
fn print_events(format: Format, events: &[TrainingEvent], out: &mut impl Write) -> Result<()> {
    if format != Format::Jsonl {
        return Ok(());
    }
    for event in events {
        let line =
            json!({"epoch": event.epoch, "event": event.kind.name(), "detail": event.detail});
        writeln!(out, "{line}").map_err(stdout_error)?;
    }
    Ok(())
}

/// Trains the session's run and prints its progress to `out`; notices about the data go to
/// `notes`. With `bars`, long work shows a progress bar on a terminal's stderr. Stopped by
/// SIGINT, SIGTERM, SIGHUP or SIGQUIT, it finishes the current batch of epochs, keeps what it
/// computed, prints its last lines marked as interrupted, and ends with
/// [`Error::Interrupted`]. Each output file is written on its own: one that fails leaves the
/// others written, and the error names every one that failed.
pub fn run(
    session: &Session,
    out: &mut impl Write,
    notes: &mut impl Write,
    bars: bool,
) -> Result<()> {
    let config = &session.run;
    // Caught from the start, ending the process at once until there is something to keep.
    let caught = Caught::once(&signals::ENDING).ok();
    let interrupted = || caught.as_ref().and_then(Caught::pending);
    let mut prepared = preparing(caught.as_ref(), || {
        let mut loading = Bar::loading(&data_name(config));
        prepare(config, &mut |p| loading.data(p))
    })?;
    // A note that cannot be shown is no reason not to train.
    for notice in &prepared.splits.notices {
        let _ = writeln!(notes, "note: {notice}");
    }
    // Output files are opened first, so a bad path fails before the training, not after it;
    // each appears, whole, only once it is complete.
    let save = session.save.as_deref().map(Staged::create).transpose()?;
    let tensors = if session.dynamics {
        prepared.run.watch = Watch::Every;
        tensor_names(prepared.hidden.len())
    } else {
        Vec::new()
    };
    let mut history = match session.history.as_deref() {
        Some(path) => {
            let mut file = Staged::create(path)?;
            writeln!(file, "{}", history_header(&tensors)).map_err(|e| write_error(path, e))?;
            Some(file)
        }
        None => None,
    };
    // One detector for the epochs and the health checks between read-backs.
    let detector = RefCell::new(Detector::new());
    // With --dynamics the units' health is checked between read-backs, in at most 5 % of
    // the time; its events are printed before the next epoch's line (or at the end).
    let mut health_budget = Budget::new(0.05);
    let pending: RefCell<Vec<TrainingEvent>> = RefCell::new(Vec::new());

    // What stopped the training early: stdout, or the history file.
    let mut failure = None;
    let mut history_failed = false;
    let mut last: Option<EpochMetrics> = None;
    let mut bar = Bar::epochs(config.epochs.get(), bars);
    let stop = || interrupted().is_some();
    let format = session.format;
    let on_epoch = |m: &EpochMetrics| {
        bar.set(m.epoch);
        let earlier: Vec<TrainingEvent> = pending.borrow_mut().drain(..).collect();
        let now = detector.borrow_mut().epoch(m.epoch, m.train_loss);
        let printed = print_events(format, &earlier, out)
            .and_then(|()| print_epoch(format, m, &tensors, out))
            .and_then(|()| print_events(format, &now, out));
        let logged = match &mut history {
            Some(file) => {
                writeln!(file, "{}", history_row(m)).map_err(|e| write_error(file.path(), e))
            }
            None => Ok(()),
        };
        last = Some(m.clone());
        history_failed = logged.is_err();
        match printed.and(logged) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => {
                failure = Some(error);
                ControlFlow::Break(())
            }
        }
    };
    train_model_checked(
        &mut prepared.run,
        config.epochs.get(),
        &stop,
        on_epoch,
        |run| {
            if !session.dynamics || !health_budget.due() {
                return Ok(());
            }
            let started = std::time::Instant::now();
            let health = run.health()?;
            health_budget.spent(started.elapsed());
            pending
                .borrow_mut()
                .extend(detector.borrow_mut().health(run.epoch(), &health));
            Ok(())
        },
    )?;
    drop(bar);
    if failure.is_none() {
        failure = print_events(format, &pending.into_inner(), out).err();
    }
    // Whatever ended the training, what it computed is kept: the weights are saved and the
    // history written, each on its own, before any failure is reported.
    let history = history.filter(|_| !history_failed);
    let mut failed = keep(&prepared, save, history);
    let signal = interrupted();
    let told = match failure {
        Some(error) => {
            // The tutorial's line of losses stays a line.
            if format == Format::Text && last.is_some() {
                let _ = writeln!(out).and_then(|()| out.flush());
            }
            Err(error)
        }
        None => summary(session, &prepared, last.map(|m| m.elapsed), signal, out),
    };
    let closed = matches!(told, Err(Error::StdoutClosed));
    // Nobody reads stdout: the files are all that is left to tell.
    failed.splice(0..0, told.err().filter(|_| !closed));
    match (failed.len(), signal) {
        (0, _) if closed => Err(Error::StdoutClosed),
        (0, None) => Ok(()),
        (0, Some(signal)) => Err(Error::Interrupted { signal }),
        (1, _) => Err(failed.remove(0)),
        _ => Err(Error::Outputs(failed)),
    }
}

/// Writes the run's weights to `save` and commits `history`, each whatever becomes of the
/// other; what failed.
fn keep(prepared: &Prepared, save: Option<Staged>, history: Option<Staged>) -> Vec<Error> {
    let saved = save.map(|file| {
        prepared
            .run
            .weights()
            .and_then(|weights| weights.write_to(file))
    });
    let written = history.map(Staged::commit);
    [saved, written]
        .into_iter()
        .flatten()
        .filter_map(Result::err)
        .collect()
}

/// Runs `prepare` with `caught` ending the process at once on a signal: nothing is computed
/// yet, and a read may wait for ever (standard input, a slow disk).
fn preparing<T>(caught: Option<&Caught>, prepare: impl FnOnce() -> Result<T>) -> Result<T> {
    if let Some(caught) = caught {
        caught.at_once(true);
    }
    let prepared = prepare();
    if let Some(caught) = caught {
        caught.at_once(false);
    }
    prepared
}

/// The run's last lines: the final validation (and test) figures, or the JSON summary.
fn summary(
    session: &Session,
    prepared: &Prepared,
    elapsed: Option<std::time::Duration>,
    interrupted: Option<i32>,
    out: &mut impl Write,
) -> Result<()> {
    let run = &prepared.run;
    let train = run.evaluate(Split::Train)?;
    let valid = run.evaluate(Split::Valid)?;
    let test = run.evaluate(Split::Test)?;
    let elapsed = elapsed.unwrap_or_default();
    match session.format {
        Format::Text => {
            writeln!(out).map_err(stdout_error)?;
            let line = |name: &str, e: Option<Evaluation>| {
                e.map(|e| {
                    format!(
                        "{name} loss {}; {name} accuracy {}",
                        three_decimals(e.loss),
                        three_decimals(e.accuracy)
                    )
                })
            };
            let stopped = interrupted.map(|signal| {
                format!(
                    "interrupted by {} at epoch {} of {}",
                    signals::name(signal),
                    run.epoch(),
                    session.run.epochs
                )
            });
            let lines: Vec<String> = [line("valid", valid), line("test", test), stopped]
                .into_iter()
                .flatten()
                .collect();
            writeln!(out, "{}", lines.join("; ")).map_err(stdout_error)?;
        }
        Format::Jsonl => {
            let figure = |e: Option<Evaluation>, f: fn(&Evaluation) -> f32| e.as_ref().map(f);
            let mut summary = json!({
                "summary": true,
                "epochs": run.epoch(),
                "lr": run.lr,
                "hidden": prepared.hidden,
                "backend": prepared.compute.backend,
                "device": prepared.compute.name,
                "train_rows": prepared.splits.train.rows(),
                "valid_rows": prepared.splits.valid.rows(),
                "test_rows": prepared.splits.test.rows(),
                "features": prepared.splits.features(),
                "final_train_loss": figure(train, |e| e.loss),
                "final_valid_loss": figure(valid, |e| e.loss),
                "final_valid_accuracy": figure(valid, |e| e.accuracy),
                "test_loss": figure(test, |e| e.loss),
                "test_accuracy": figure(test, |e| e.accuracy),
                "elapsed_ms": elapsed_ms(elapsed),
                "us_per_epoch": elapsed.as_secs_f64() * 1e6 / run.epoch().max(1) as f64,
            });
            if let Some(signal) = interrupted {
                summary["interrupted"] = json!(signals::name(signal));
            }
            writeln!(out, "{summary}").map_err(stdout_error)?;
        }
    }
    out.flush().map_err(stdout_error)
}

/// A learning-rate sweep: `config`'s starting coefficients trained at each rate of `spec` on
/// parallel threads (CPU), then a table, one row per rate in increasing order, and where the
/// network stops learning. JSON lines print one object per rate as it finishes instead.
pub fn sweep(
    config: &RunSettings,
    spec: &SweepSpec,
    format: Format,
    out: &mut impl Write,
    bars: bool,
) -> Result<()> {
    // Caught from the start, ending the process at once until there is something to keep.
    let caught = Caught::once(&signals::ENDING).ok();
    let (splits, weights) = preparing(caught.as_ref(), || {
        let mut loading = Bar::loading(&data_name(config));
        load_data_and_weights(config, &mut |p| loading.data(p))
    })?;
    let mut bar = Bar::rates(spec.steps.get(), bars);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cpu = crate::model::device::init(crate::settings::Backend::Cpu)?;
    let copies = threads.min(spec.steps.get());
    let batch_size = config.batch_size.map(crate::settings::Count::get);
    crate::model::memory::check(&splits, &weights.hidden_sizes(), batch_size, &cpu, copies)
        .map_err(Error::Usage)?;
    let mut points: Vec<SweepPoint> = Vec::new();
    let mut failure = None;
    // A signal stops the sweep as a closed stdout does: the finished rates stay.
    let own = AtomicBool::new(false);
    let stop = caught.as_ref().map_or(&own, Caught::flag);
    sweep::sweep(
        &splits,
        &weights,
        Batches::of(config),
        spec,
        threads,
        stop,
        |p| {
            bar.set(points.len() + 1);
            if format == Format::Jsonl && failure.is_none() {
                let line = json!({
                    "lr": p.lr,
                    "first_loss": p.first_loss,
                    "train_loss": p.train_loss,
                    "valid_loss": p.valid_loss,
                    "valid_accuracy": p.valid_accuracy,
                    "dead_units": p.dead_units,
                    "hidden_units": p.hidden_units,
                    "outcome": p.outcome,
                });
                failure = writeln!(out, "{line}").and_then(|()| out.flush()).err();
                // Nobody reads the rest (a closed pipe): stop training for it.
                if failure.is_some() {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            points.push(p);
        },
    )?;
    if let Some(error) = failure {
        return Err(stdout_error(error));
    }
    points.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    let interrupted = caught.as_ref().and_then(Caught::pending);
    // Where learning stops is not known from a part of the rates.
    let stop = if interrupted.is_some() {
        None
    } else {
        stops_learning_at(&points)
    };
    let printed = match format {
        Format::Jsonl => {
            let mut summary =
                json!({"summary": true, "epochs": spec.epochs.get(), "stops_learning_at": stop});
            if let Some(signal) = interrupted {
                summary["interrupted"] = json!(signals::name(signal));
                summary["rates_done"] = json!(points.len());
            }
            writeln!(out, "{summary}")
        }
        Format::Text => writeln!(out, "{}", table(&points, spec, interrupted, stop)),
    };
    printed.and_then(|()| out.flush()).map_err(stdout_error)?;
    match interrupted {
        Some(signal) => Err(Error::Interrupted { signal }),
        None => Ok(()),
    }
}

/// A sweep's table, one row per rate in increasing order, and its verdict.
fn table(
    points: &[SweepPoint],
    spec: &SweepSpec,
    interrupted: Option<i32>,
    stop: Option<f64>,
) -> String {
    let each = match spec.epochs.get() {
        1 => "1 epoch each".to_string(),
        n => format!("{n} epochs each"),
    };
    let mut table = format!(
        "{:>10}  {:>10}  {:>10}  {:>10}  {:>8}  {:>6}  outcome\n",
        "lr", "first loss", "train loss", "valid loss", "accuracy", "dead"
    );
    for p in points {
        table.push_str(&format!(
            "{:>10}  {:>10}  {:>10}  {:>10}  {:>8}  {:>6}  {}\n",
            format_lr(p.lr),
            three_decimals(p.first_loss),
            three_decimals(p.train_loss),
            three_decimals(p.valid_loss),
            three_decimals(p.valid_accuracy),
            format!("{}/{}", p.dead_units, p.hidden_units),
            p.outcome
        ));
    }
    let done = format!("{} of {} rates done", points.len(), spec.steps);
    table.push_str(&match (interrupted, stop) {
        (Some(signal), _) => format!("interrupted by {}: {done} ({each})", signals::name(signal)),
        (None, Some(lr)) => format!("stops learning at lr {} ({each})", format_lr(lr)),
        (None, None) => format!("learned at every lr ({each})"),
    });
    table
}

/// How the data is named while it loads: the file, or what it is.
pub(crate) fn data_name(config: &RunSettings) -> String {
    match &config.data.source {
        Source::File { path, .. } => path.display().to_string(),
        Source::Titanic(_) => "titanic.csv".into(),
        Source::Generated(generated) => generated.kind.to_string(),
    }
}
