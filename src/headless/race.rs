//! Headless `--race`: the run's variants from its starting coefficients, side by side on the
//! CPU; each variant's epochs as JSON lines, or a table of how each ended.

use super::{stdout_error, three_decimals};
use crate::error::{Error, Result};
use crate::model::race;
use crate::progress::Bar;
use crate::report::race::{RaceFinish, RaceLap};
use crate::settings::{Format, Race, RunSettings};
use crate::setup::load_data_and_weights;
use crate::signals::{self, Caught, SIGINT, SIGTERM};
use serde_json::json;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Trains `race`'s variants of `config` from its starting coefficients for its epochs and
/// prints how each ended (with `--format jsonl`, each variant's epochs first, as they come).
/// SIGINT or SIGTERM stops every variant after its lap, with the epochs so far.
pub fn race(
    config: &RunSettings,
    race: &Race,
    format: Format,
    out: &mut impl Write,
    bars: bool,
) -> Result<()> {
    let (splits, weights) = {
        let mut loading = Bar::loading(&config.data.name());
        load_data_and_weights(config, &mut |p| loading.data(p))?
    };
    let variants = race.runs(config);
    let cpu = crate::model::device::init(crate::settings::Backend::Cpu)?;
    let hidden = weights.hidden_sizes();
    for variant in &variants {
        crate::model::memory::check(variant, &splits, &hidden, &cpu, variants.len())
            .map_err(Error::Usage)?;
    }
    let epochs = config.epochs.get();
    let names: Vec<String> = race.variants().iter().map(|v| v.name()).collect();
    let caught = Caught::once(&[SIGINT, SIGTERM]).ok();
    let own = AtomicBool::new(false);
    let stop = caught.as_ref().map_or(&own, Caught::flag);
    let mut bar = Bar::epochs(epochs * variants.len(), bars);
    let mut done = 0;
    let mut failure: Option<std::io::Error> = None;
    let on_lap = |lap: RaceLap| {
        done += lap.points.len();
        bar.set(done);
        if format != Format::Jsonl || failure.is_some() {
            return;
        }
        let name = names.get(lap.variant).map_or("", String::as_str);
        for p in &lap.points {
            let line = json!({
                "variant": name,
                "epoch": p.epoch,
                "train_loss": p.train_loss,
                "valid_loss": p.valid_loss,
                "valid_accuracy": p.valid_accuracy,
            });
            if let Err(error) = writeln!(out, "{line}") {
                failure = Some(error);
                // Nobody reads the rest (a closed pipe): stop training for it.
                stop.store(true, Ordering::Relaxed);
                return;
            }
        }
        failure = out.flush().err();
    };
    let finishes = race::race(&splits, &weights, &variants, epochs, stop, on_lap)?;
    drop(bar);
    if let Some(error) = failure {
        return Err(stdout_error(error));
    }
    let interrupted = caught.as_ref().and_then(Caught::pending);
    let printed = match format {
        Format::Jsonl => {
            let each: Vec<serde_json::Value> = finishes
                .iter()
                .map(|f| {
                    json!({
                        "variant": names.get(f.variant),
                        "epochs": f.epochs,
                        "first_loss": f.first_loss,
                        "final_train_loss": f.train_loss,
                        "final_valid_loss": f.valid_loss,
                        "final_valid_accuracy": f.valid_accuracy,
                        "us_per_epoch": f.us_per_epoch,
                    })
                })
                .collect();
            let mut summary =
                json!({"summary": true, "race": race.key(), "epochs": epochs, "variants": each});
            if let Some(signal) = interrupted {
                summary["interrupted"] = json!(signals::name(signal));
            }
            writeln!(out, "{summary}")
        }
        Format::Text => writeln!(out, "{}", table(&finishes, &names, config, interrupted)),
    };
    printed.and_then(|()| out.flush()).map_err(stdout_error)?;
    match interrupted {
        Some(signal) => Err(Error::Interrupted { signal }),
        None => Ok(()),
    }
}

/// A race's table: one row per variant, in the race's order, and what they started from.
fn table(
    finishes: &[RaceFinish],
    names: &[String],
    config: &RunSettings,
    interrupted: Option<i32>,
) -> String {
    let width = names.iter().map(String::len).max().unwrap_or(0).max(7);
    let mut table = format!(
        "{:<width$}  {:>10}  {:>10}  {:>10}  {:>8}  {:>6}\n",
        "variant", "first loss", "train loss", "valid loss", "accuracy", "epochs"
    );
    for f in finishes {
        let name = names.get(f.variant).map_or("", String::as_str);
        table.push_str(&format!(
            "{name:<width$}  {:>10}  {:>10}  {:>10}  {:>8}  {:>6}\n",
            three_decimals(f.first_loss),
            three_decimals(f.train_loss),
            three_decimals(f.valid_loss),
            three_decimals(f.valid_accuracy),
            f.epochs
        ));
    }
    let start = match &config.init {
        Some(path) => format!("the coefficients of {}", path.display()),
        None => format!("seed {}", config.seed),
    };
    table.push_str(&match interrupted {
        Some(signal) => format!(
            "interrupted by {}; every variant from the same start ({start})",
            signals::name(signal)
        ),
        None => format!(
            "{} epochs each, every variant from the same start ({start})",
            config.epochs
        ),
    });
    table
}
