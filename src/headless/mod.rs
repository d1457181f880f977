//! Headless runs: the tutorial's own output (`0.539; 0.528; ...`), or JSON lines, for scripts
//! and CI.

mod lr_find;
mod race;
mod walk;

pub use lr_find::lr_find;
pub use race::race;
pub use walk::walk;

use crate::error::{Error, Result};
use crate::files::{Staged, write_error};
use crate::model::data::{Batches, Split};
use crate::model::explain::Explainer;
use crate::model::run::{Run, Watch, train_model_checked};
use crate::model::schedule::Budget;
use crate::model::sweep;
use crate::progress::Bar;
use crate::report::epoch::{EpochMetrics, Evaluation, elapsed_ms, history_header, history_row};
use crate::report::events::{BestValid, TrainingEvent};
use crate::report::format_lr;
use crate::report::sweep::{SweepPoint, stops_learning_at};
use crate::report::weights::tensor_names;
use crate::settings::{Backend, Format, RunSettings, Session, SweepSpec};
use crate::setup::{Prepared, load_data_and_weights, prepare};
use crate::signals::{self, Caught};
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
            if let Some(penalty) = m.penalty {
                line["penalty"] = json!(penalty);
            }
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
fn print_events(format: Format, events: &[&TrainingEvent], out: &mut impl Write) -> Result<()> {
    if format != Format::Jsonl {
        return Ok(());
    }
    for event in events {
        let mut line =
            json!({"epoch": event.epoch, "event": event.kind.name(), "detail": event.detail});
        if let Some(advice) = &event.advice {
            line["advice"] = json!({"lr": advice.lr, "why": advice.why, "basis": advice.basis});
        }
        writeln!(out, "{line}").map_err(stdout_error)?;
    }
    Ok(())
}

/// The history file at `path`, its header (with `tensors`' columns) written.
fn open_history(path: &std::path::Path, tensors: &[String]) -> Result<Staged> {
    let mut file = Staged::create(path)?;
    writeln!(file, "{}", history_header(tensors)).map_err(|e| write_error(path, e))?;
    Ok(file)
}

/// A batch's epochs, each followed by its events, then the events of the run after them (the
/// units' health).
fn print_batch(
    format: Format,
    metrics: &[EpochMetrics],
    events: &[TrainingEvent],
    tensors: &[String],
    out: &mut impl Write,
) -> Result<()> {
    for m in metrics {
        print_epoch(format, m, tensors, out)?;
        let now: Vec<&TrainingEvent> = events.iter().filter(|e| e.epoch == m.epoch).collect();
        print_events(format, &now, out)?;
    }
    let later: Vec<&TrainingEvent> = events
        .iter()
        .filter(|e| !metrics.iter().any(|m| m.epoch == e.epoch))
        .collect();
    print_events(format, &later, out)
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
        let mut loading = Bar::loading(&config.data.name());
        prepare(config, &mut |p| loading.data(p))
    })?;
    // A note that cannot be shown is no reason not to train.
    for notice in &prepared.splits.notices {
        let _ = writeln!(notes, "note: {notice}");
    }
    if let Some(chunk) = prepared.run.chunk {
        let _ = writeln!(
            notes,
            "note: a pass over every row would not fit in memory whole: each goes in chunks of \
             {chunk} rows, the gradients summed before the step (the same step)"
        );
    }
    let tensors = if session.dynamics {
        prepared.run.watch = Watch::Every;
        tensor_names(prepared.hidden.len())
    } else {
        Vec::new()
    };
    // Output files are opened first, so a bad path fails before the training, not after it;
    // each appears, whole, only once it is complete.
    let mut outputs = Outputs::open(session, &tensors)?;
    // Events are found and explained between read-backs, where the run is at hand: its
    // epochs' lines are printed then, each followed by its events.
    let explainer = RefCell::new(Explainer::new());
    explainer.borrow_mut().mark(&prepared.run);
    if session.save_best.is_some() {
        prepared.run.keep_best();
    }
    // With --dynamics the units' health is checked between read-backs, in at most 5 % of
    // the time.
    let mut health_budget = Budget::new(0.05);
    let batch: RefCell<Vec<EpochMetrics>> = RefCell::new(Vec::new());

    // What stopped the training early: stdout, or the history file.
    let failure: RefCell<Option<Error>> = RefCell::new(None);
    let history_failed = std::cell::Cell::new(false);
    let mut last: Option<EpochMetrics> = None;
    let bar = RefCell::new(Bar::epochs(config.epochs.get(), bars));
    let compiling = RefCell::new((config.backend == Backend::Wgpu).then(Bar::compiling));
    let stop = || interrupted().is_some() || failure.borrow().is_some();
    let format = session.format;
    let on_epoch = |m: &EpochMetrics| {
        compiling.borrow_mut().take();
        bar.borrow_mut().set(m.epoch);
        let logged = match &mut outputs.history {
            Some(file) => {
                writeln!(file, "{}", history_row(m)).map_err(|e| write_error(file.path(), e))
            }
            None => Ok(()),
        };
        last = Some(m.clone());
        batch.borrow_mut().push(m.clone());
        if let Err(error) = logged {
            history_failed.set(true);
            failure.replace(Some(error));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    };
    let after_batch = |run: &Run| {
        let metrics = batch.take();
        let mut explainer = explainer.borrow_mut();
        let mut events = explainer.epochs(run, &metrics);
        if session.dynamics && health_budget.due() {
            let started = std::time::Instant::now();
            let health = run.health()?;
            health_budget.spent(started.elapsed());
            events.extend(explainer.health(run, &health));
        }
        explainer.mark(run);
        if let Err(error) = print_batch(format, &metrics, &events, &tensors, out) {
            failure.replace(Some(error));
        }
        Ok(())
    };
    let epochs = config.epochs.get();
    train_model_checked(&mut prepared.run, epochs, &stop, on_epoch, after_batch)?;
    drop(bar);
    let failure = failure.into_inner();
    // Whatever ended the training, what it computed is kept: the weights are saved and the
    // history written, each on its own, before any failure is reported.
    if history_failed.get() {
        outputs.history = None;
    }
    let failed = outputs.keep(&prepared.run);
    let signal = interrupted();
    let best = explainer.into_inner().best_valid();
    let told = match failure {
        Some(error) => {
            // The tutorial's line of losses stays a line.
            if format == Format::Text && last.is_some() {
                let _ = writeln!(out).and_then(|()| out.flush());
            }
            Err(error)
        }
        None => summary(
            session,
            &prepared,
            last.map(|m| m.elapsed),
            best,
            signal,
            out,
        ),
    };
    ending(told, failed, signal)
}

/// How a run ends, given how its last lines were told, the outputs that failed, and the
/// signal that stopped it: the first failure, every one of several, or the signal.
fn ending(told: Result<()>, mut failed: Vec<Error>, signal: Option<i32>) -> Result<()> {
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

/// A run's output files, each appearing whole only once complete.
struct Outputs {
    save: Option<Staged>,
    best: Option<Staged>,
    history: Option<Staged>,
}

impl Outputs {
    /// The session's outputs, opened (a bad path fails here, before the training); the
    /// history's header written, with `tensors`' columns.
    fn open(session: &Session, tensors: &[String]) -> Result<Self> {
        let staged = |path: Option<&std::path::Path>| path.map(Staged::create).transpose();
        Ok(Outputs {
            save: staged(session.save.as_deref())?,
            best: staged(session.save_best.as_deref())?,
            history: session
                .history
                .as_deref()
                .map(|path| open_history(path, tensors))
                .transpose()?,
        })
    }

    /// Writes `run`'s weights, its best validation epoch's (the final ones when no validation
    /// loss was finite: no validation rows), and commits the history, each whatever becomes of
    /// the others; what failed.
    fn keep(self, run: &Run) -> Vec<Error> {
        let saved = self
            .save
            .map(|file| run.weights().and_then(|weights| weights.write_to(file)));
        let best = self.best.map(|file| {
            let weights = match run.best_weights() {
                Ok(Some(weights)) => Ok(weights),
                Ok(None) => run.weights(),
                Err(error) => Err(error),
            };
            weights.and_then(|weights| weights.write_to(file))
        });
        let written = self.history.map(Staged::commit);
        [saved, best, written]
            .into_iter()
            .flatten()
            .filter_map(Result::err)
            .collect()
    }
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
    best: Option<BestValid>,
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
                "best_valid_epoch": best.map(|b| b.epoch),
                "best_valid_loss": best.map(|b| b.loss),
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
        let mut loading = Bar::loading(&config.data.name());
        load_data_and_weights(config, &mut |p| loading.data(p))
    })?;
    let mut bar = Bar::rates(spec.steps.get(), bars);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cpu = crate::model::device::init(crate::settings::Backend::Cpu)?;
    let copies = threads.min(spec.steps.get());
    crate::model::memory::check(config, &splits, &weights.hidden_sizes(), &cpu, copies)
        .map_err(Error::Usage)?;
    let mut points: Vec<SweepPoint> = Vec::new();
    let mut failure = None;
    // A signal stops the sweep as a closed stdout does: the finished rates stay.
    let own = AtomicBool::new(false);
    let stop = caught.as_ref().map_or(&own, Caught::flag);
    let start = sweep::Start {
        splits: &splits,
        weights: &weights,
        batches: Batches::of(config),
        method: &config.method,
    };
    sweep::sweep(&start, spec, threads, stop, |p| {
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
    })?;
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
