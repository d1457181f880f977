//! Headless `--lr-find`: fastai's learning-rate finder from the run's starting coefficients,
//! one line per step and the suggestions.

use super::{stdout_error, three_decimals};
use crate::error::{Error, Result};
use crate::model::finder;
use crate::progress::Bar;
use crate::report::finder::{FinderStep, Finding};
use crate::report::format_lr;
use crate::settings::{FinderSpec, Format, RunSettings};
use crate::setup::prepare;
use crate::signals::{self, Caught};
use serde_json::json;
use std::io::Write;

/// Runs the finder on `config`'s data and starting coefficients and prints each step (a
/// table, or JSON lines) and fastai's suggestions. SIGINT, SIGTERM, SIGHUP or SIGQUIT stop
/// it after the current step, with the steps so far.
pub fn lr_find(
    config: &RunSettings,
    spec: &FinderSpec,
    format: Format,
    out: &mut impl Write,
    bars: bool,
) -> Result<()> {
    let caught = Caught::once(&signals::ENDING).ok();
    let interrupted = || caught.as_ref().and_then(Caught::pending);
    let mut prepared = {
        let mut loading = Bar::loading(&config.data.name());
        prepare(config, &mut |p| loading.data(p))?
    };
    if format == Format::Text {
        writeln!(
            out,
            "{:>5}  {:>10}  {:>10}  {:>10}",
            "step", "lr", "loss", "smoothed"
        )
        .map_err(stdout_error)?;
    }
    let mut bar = Bar::rates(spec.steps.get(), bars);
    let mut failure = None;
    let stop = || interrupted().is_some();
    let finding = finder::lr_find(&mut prepared.run, spec, &stop, |step| {
        bar.set(step.step + 1);
        if failure.is_none() {
            failure = print_step(format, step, out).err();
        }
    })?;
    drop(bar);
    if let Some(error) = failure {
        return Err(error);
    }
    let signal = interrupted();
    print_summary(format, &finding, spec, signal, out)?;
    match signal {
        Some(signal) => Err(Error::Interrupted { signal }),
        None => Ok(()),
    }
}

fn print_step(format: Format, step: &FinderStep, out: &mut impl Write) -> Result<()> {
    match format {
        Format::Text => writeln!(
            out,
            "{:>5}  {:>10}  {:>10}  {:>10}",
            step.step,
            format_lr(step.lr),
            three_decimals(step.loss),
            three_decimals(step.smoothed)
        ),
        Format::Jsonl => writeln!(
            out,
            "{}",
            json!({"step": step.step, "lr": step.lr, "loss": step.loss, "smoothed": step.smoothed})
        ),
    }
    .and_then(|()| out.flush())
    .map_err(stdout_error)
}

fn print_summary(
    format: Format,
    finding: &Finding,
    spec: &FinderSpec,
    interrupted: Option<i32>,
    out: &mut impl Write,
) -> Result<()> {
    let s = &finding.suggestions;
    let printed = match format {
        Format::Jsonl => {
            let mut summary = json!({
                "summary": true,
                "steps": finding.steps.len(),
                "diverged": finding.diverged,
                "suggestions": {"valley": s.valley, "steep": s.steep, "minimum": s.minimum},
            });
            if let Some(signal) = interrupted {
                summary["interrupted"] = json!(signals::name(signal));
            }
            writeln!(out, "{summary}")
        }
        Format::Text => {
            let ended = match (interrupted, finding.diverged) {
                (Some(signal), _) => format!("interrupted by {}", signals::name(signal)),
                (None, true) => "the smoothed loss passed 4x its best".to_string(),
                (None, false) => "every rate tried".to_string(),
            };
            writeln!(
                out,
                "suggested: {} ({} of {} steps, {ended})",
                s.line(),
                finding.steps.len(),
                spec.steps
            )
        }
    };
    printed.and_then(|()| out.flush()).map_err(stdout_error)
}
