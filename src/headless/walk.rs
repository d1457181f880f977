//! `--walk N`: a run trained to epoch N − 1, then epoch N walked through the tutorial's
//! functions with its shapes and numbers, as text for a reader or one JSON object for a
//! notebook.

use super::{preparing, stdout_error};
use crate::error::Result;
use crate::model::run::train_model;
use crate::model::walk::WalkInputs;
use crate::progress::Bar;
use crate::report::walk::{HandGradient, InitSource, InitWalk, Walk, WalkFocus};
use crate::settings::{Choice, Format, Session};
use crate::setup::prepare;
use crate::signals::{self, Caught};
use serde_json::{Value, json};
use std::io::Write;
use std::ops::ControlFlow;

/// Trains the session's run for `epoch − 1` epochs and prints epoch `epoch` walked, with
/// `wt_hidden[0, 0]`'s gradient worked by hand. A signal ends it at once: there is nothing to
/// keep.
pub fn walk(
    session: &Session,
    epoch: usize,
    out: &mut impl Write,
    notes: &mut impl Write,
) -> Result<()> {
    let config = &session.run;
    let caught = Caught::once(&signals::ENDING).ok();
    let walk = preparing(caught.as_ref(), || {
        let mut loading = Bar::loading(&config.data.name());
        let mut prepared = prepare(config, &mut |p| loading.data(p))?;
        drop(loading);
        // A note that cannot be shown is no reason not to walk.
        for notice in &prepared.splits.notices {
            let _ = writeln!(notes, "note: {notice}");
        }
        let source = match &config.init {
            Some(path) => InitSource::File(path.display().to_string()),
            None => InitSource::Seed(config.seed.get()),
        };
        let init = InitWalk::of(&prepared.run.weights()?, source);
        train_model(&mut prepared.run, epoch - 1, &|| false, |_| {
            ControlFlow::Continue(())
        })?;
        prepared.run.walk(&WalkInputs {
            train: &prepared.splits.train,
            init: &init,
            method: &config.method,
            focus: WalkFocus::default(),
        })
    })?;
    let text = match session.format {
        Format::Text => walk.text(),
        Format::Jsonl => format!("{}\n", json_of(&walk)),
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// The walk as one JSON object, its figures as they were computed.
fn json_of(walk: &Walk) -> Value {
    let layers: Vec<Value> = walk
        .layers
        .iter()
        .map(|l| {
            json!({
                "activation": l.activation.name(),
                "shape": [walk.train_rows, l.inputs, l.units],
                "sums": l.sums,
                "outputs": l.outputs,
                "zeroed": l.zeroed,
                "below": l.below,
            })
        })
        .collect();
    let grads: serde_json::Map<String, Value> = walk
        .grads
        .iter()
        .map(|g| {
            let grad = json!({"shape": g.shape, "norm": g.norm, "entries": g.entries});
            (g.name.clone(), grad)
        })
        .collect();
    let u = &walk.update;
    let hand = match &walk.hand {
        Ok(hand) => hand_json(hand),
        Err(why) => json!({"error": why}),
    };
    json!({
        "walk": walk.epoch,
        "lr": walk.lr,
        "train_rows": walk.train_rows,
        "features": walk.features,
        "inputs": walk.inputs,
        "layers": layers,
        "output": {
            "inputs": walk.output.inputs,
            "bias": walk.output.bias,
            "preds": walk.output.preds,
            "targets": walk.output.targets,
        },
        "loss": {
            "kind": walk.loss.kind.name(),
            "terms": walk.loss.terms,
            "loss": walk.loss.loss,
            "penalty": walk.loss.penalty.map(|(_, _, value)| value),
        },
        "grads": grads,
        "update": {
            "rule": u.rule.name(),
            "tensor": u.tensor,
            "index": u.index,
            "old": u.old,
            "grad": u.grad,
            "step": u.step(),
            "new": u.new,
        },
        "accuracy": {
            "rows": walk.accuracy.rows,
            "right": walk.accuracy.right,
            "accuracy": walk.accuracy.accuracy,
        },
        "batch_size": walk.batch_size,
        "hand": hand,
    })
}

fn hand_json(hand: &HandGradient) -> Value {
    let rows: Vec<Value> = hand
        .rows
        .iter()
        .map(|r| json!({"row": r.row, "factors": r.factors, "product": r.product}))
        .collect();
    json!({
        "tensor": hand.tensor,
        "index": hand.index,
        "from": hand.from,
        "to": hand.to,
        "factors": hand.factors,
        "rows": rows,
        "mean": hand.mean,
        "penalty": hand.penalty,
        "hand": hand.hand,
        "autodiff": hand.autodiff,
    })
}
