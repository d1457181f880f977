//! The walk against PyTorch: `tests/fixtures/reference.py walk` ran the tutorial's code (and
//! the lab's changes to it) and kept, at epochs 1 and 10, the coefficients each epoch starts
//! from, what its functions computed, and autograd's gradients of chosen weights.

use super::hand::{Penalties, by_hand};
use super::*;
use crate::data::Splits;
use crate::model::data::Batches;
use crate::model::network::Design;
use crate::report::walk::{InitSource, InitWalk, WalkFocus};
use crate::report::weights::Matrix;
use crate::settings::{Choice, DataSpec, Loss, Penalty};
use burn::tensor::Device;
use serde_json::Value;

const FIXTURES: [&str; 5] = [
    "tutorial-lr0.1",
    "tutorial-lr20",
    "seed1-h10x10-lr2",
    "act-tanh-loss-mse-l1-0.001-lr1.4",
    "act-leaky_relu-sigmoid-loss-bce-l2-0.01-seed1-h10x10-lr2",
];

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/walk/{name}/walk.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f32s(value: &Value) -> Vec<f32> {
    #[expect(clippy::cast_possible_truncation, reason = "PyTorch's f32 values")]
    let values = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    values
}

fn matrix(value: &Value) -> Matrix {
    let rows = value.as_array().unwrap();
    let values: Vec<f32> = rows.iter().flat_map(f32s).collect();
    Matrix::new(rows.len(), values.len() / rows.len(), values)
}

/// The coefficients a walk starts from, as PyTorch wrote them.
fn weights(coeffs: &Value, layers: usize) -> Weights {
    let name = crate::report::weights::hidden_name;
    #[expect(clippy::cast_possible_truncation, reason = "PyTorch's f32 bias")]
    let bias = coeffs["bias_output"].as_f64().unwrap() as f32;
    Weights {
        hidden: (0..layers).map(|i| matrix(&coeffs[name(i)])).collect(),
        output: matrix(&coeffs["wt_output"]),
        bias,
    }
}

fn method(expected: &Value) -> Method {
    Method {
        activation: expected["activation"].as_str().unwrap().parse().unwrap(),
        loss: Loss::from_name(expected["loss"].as_str().unwrap()).unwrap(),
        l1: Penalty::new(expected["l1"].as_f64().unwrap()).unwrap(),
        l2: Penalty::new(expected["l2"].as_f64().unwrap()).unwrap(),
        ..Method::default()
    }
}

/// The weight `tensor[row, col]` as a walk's focus.
fn focus(item: &Value, layers: usize) -> WalkFocus {
    let tensor = item["tensor"].as_str().unwrap();
    let layer = match tensor {
        "wt_output" => layers,
        "wt_hidden" => 0,
        other => other["wt_hidden_".len()..].parse::<usize>().unwrap() - 1,
    };
    let index = f32s(&item["index"]);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "indices"
    )]
    let (input, unit) = (index[0] as usize, index[1] as usize);
    WalkFocus { layer, unit, input }
}

fn titanic() -> Splits {
    crate::data::load(&DataSpec::default()).unwrap()
}

fn relative(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

/// The chain rule by hand equals autograd's gradient of the same coefficients (in float64,
/// to 1e-6 relative: what is left is rounding) for the tutorial's network, a dead unit's
/// weight (exactly zero), a deeper net's layers, and the lab's activations, losses and
/// penalties. Against autograd in float32, as training takes it, they agree to 1e-4.
#[test]
fn the_hand_worked_gradient_is_autograds() {
    let splits = titanic();
    let (mut dead, mut deep, mut checked) = (0, 0, 0);
    for name in FIXTURES {
        let expected = fixture(name);
        let layers = expected["hidden"].as_array().unwrap().len();
        let method = method(&expected);
        let design = Design::of(&method, layers);
        let penalties = Penalties {
            l1: method.l1.get(),
            l2: method.l2.get(),
        };
        for walk in expected["walks"].as_array().unwrap() {
            let weights = weights(&walk["coeffs"], layers);
            for item in walk["focus"].as_array().unwrap() {
                let focus = focus(item, layers);
                let hand = by_hand(&weights, &design, penalties, &splits.train, focus, 0.0)
                    .unwrap()
                    .hand;
                let (f64_grad, f32_grad) = (
                    item["grad64"].as_f64().unwrap(),
                    item["grad32"].as_f64().unwrap(),
                );
                let at = format!("{name} epoch {} {item}", walk["epoch"]);
                if f64_grad == 0.0 {
                    assert_eq!(hand, 0.0, "{at}: a dead unit's weight gets nothing");
                    assert_eq!(f32_grad, 0.0, "{at}");
                    dead += 1;
                } else {
                    assert!(relative(hand, f64_grad) < 1e-6, "{at}: by hand {hand}");
                    assert!(relative(hand, f32_grad) < 1e-4, "{at}: by hand {hand}");
                }
                if layers > 1 && focus.layer + 1 < layers {
                    deep += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(dead >= 2, "dead units' weights checked: {dead}");
    assert!(deep >= 4, "weights below a deeper layer checked: {deep}");
    assert_eq!(checked, 34);
}

fn close(got: f32, want: &Value, at: &str) {
    let want = want.as_f64().unwrap();
    let got = f64::from(got);
    assert!(
        (got - want).abs() <= 1e-6 + 1e-5 * want.abs(),
        "{at}: {got}, PyTorch {want}"
    );
}

fn all_close(got: &[f32], want: &Value, at: &str) {
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{at}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(*g, w, &format!("{at}[{i}]"));
    }
}

/// From PyTorch's coefficients at epochs 1 and 10, the walk computes what the tutorial's code
/// computed: the shapes, the rows shown, the loss and its terms, every gradient's norm and
/// first entries, `wt_hidden[0, 0]` updated, and the validation rows right after the update.
#[test]
fn a_walk_computes_what_pytorch_computed() {
    let splits = titanic();
    let device = Device::flex();
    for name in FIXTURES {
        let expected = fixture(name);
        let layers = expected["hidden"].as_array().unwrap().len();
        let method = method(&expected);
        let lr = expected["lr"].as_f64().unwrap();
        for walked in expected["walks"].as_array().unwrap() {
            let epoch = usize::try_from(walked["epoch"].as_u64().unwrap()).unwrap();
            let weights = weights(&walked["coeffs"], layers);
            let run = Run::from_weights(&weights, &splits, &device, lr, Batches::FULL, &method);
            let init = InitWalk::of(&weights, InitSource::Seed(442));
            let inputs = WalkInputs {
                train: &splits.train,
                init: &init,
                method: &method,
                focus: WalkFocus::default(),
            };
            let walk = run.walk_from(&weights, epoch, lr, &inputs).unwrap();
            let at = format!("{name} epoch {epoch}");
            assert_eq!(walk.epoch, epoch);
            assert_eq!(walk.train_rows, 713, "{at}");
            for (row, want) in walk.inputs.iter().zip(walked["inputs"].as_array().unwrap()) {
                all_close(row, want, &format!("{at} inputs"));
            }
            for (i, (layer, want)) in walk
                .layers
                .iter()
                .zip(walked["layers"].as_array().unwrap())
                .enumerate()
            {
                let at = format!("{at} layer {i}");
                assert_eq!(
                    [layer.inputs, layer.units],
                    [
                        want["weight"][0].as_u64().unwrap(),
                        want["weight"][1].as_u64().unwrap()
                    ]
                    .map(|v| usize::try_from(v).unwrap()),
                    "{at}"
                );
                for (rows, key) in [(&layer.sums, "sums"), (&layer.outputs, "outputs")] {
                    for (row, want) in rows.iter().zip(want[key].as_array().unwrap()) {
                        all_close(row, want, &format!("{at} {key}"));
                    }
                }
                close(layer.zeroed, &want["zeroed"], &format!("{at} zeroed"));
            }
            all_close(&walk.output.preds, &walked["preds"], &format!("{at} preds"));
            all_close(&walk.output.targets, &walked["targets"], &format!("{at} y"));
            all_close(
                &walk.loss.terms,
                &walked["loss_terms"],
                &format!("{at} terms"),
            );
            close(walk.loss.loss, &walked["loss"], &format!("{at} loss"));
            if let Some((_, _, penalty)) = walk.loss.penalty {
                close(penalty, &walked["penalty"], &format!("{at} penalty"));
            }
            assert_eq!(walk.grads.len(), layers + 2);
            for grad in &walk.grads {
                let want = &walked["grads"][&grad.name];
                let at = format!("{at} ∂L/∂{}", grad.name);
                close(grad.norm, &want["norm"], &at);
                all_close(&grad.entries, &want["entries"], &at);
            }
            let update = &walked["update"];
            assert_eq!(walk.update.tensor, "wt_hidden");
            assert_eq!(walk.update.index, [0, 0]);
            close(walk.update.old, &update["old"], &format!("{at} old"));
            close(
                walk.update.step(),
                &update["step"],
                &format!("{at} lr·grad"),
            );
            close(walk.update.new, &update["new"], &format!("{at} new"));
            assert_eq!(
                walk.accuracy.right as u64,
                walked["valid_right"].as_u64().unwrap(),
                "{at}"
            );
            assert_eq!(walk.accuracy.rows, 178);
            let hand = walk.hand.as_ref().unwrap();
            assert!(
                relative(hand.hand, f64::from(hand.autodiff)) < 1e-4,
                "{at}: by hand {} against burn's {}",
                hand.hand,
                hand.autodiff
            );
        }
    }
}
