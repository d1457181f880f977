//! A walk in words: each function a short formula with the epoch's shapes and numbers, the
//! same text for a headless `--walk N` and the dashboard's walk view.

use super::{Agreement, HandGradient, InitSource, Walk, WalkStep};
use crate::settings::{Activation, Loss, Optimizer};

/// One function's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub step: WalkStep,
    pub lines: Vec<String>,
}

/// `v` with `digits` significant digits, in exponent form when very small or large, a minus
/// sign as formulas write it.
pub fn sig(v: f64, digits: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let digits = digits.max(1);
    let a = v.abs();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the decimal exponent of a finite f64"
    )]
    let magnitude = a.log10().floor() as i32;
    let text = if (-3..5).contains(&magnitude) {
        let decimals = i32::try_from(digits).unwrap_or(4) - 1 - magnitude;
        let decimals = usize::try_from(decimals).unwrap_or(0);
        format!("{a:.decimals$}")
    } else {
        format!("{a:.*e}", digits - 1)
    };
    if v < 0.0 { format!("−{text}") } else { text }
}

/// An f32 with four significant digits, a whole number as it is (the features' 0 and 1): the
/// walk's figures.
fn num(v: f32) -> String {
    let v = f64::from(v);
    if v.fract() == 0.0 && v.abs() < 1e4 {
        let text = format!("{}", v.abs());
        return if v < 0.0 { format!("−{text}") } else { text };
    }
    sig(v, 4)
}

/// [`num`] in parentheses when negative: a term of arithmetic written out.
fn term(v: f32) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

/// A factor of the chain rule, with four significant digits.
fn factor(v: f64) -> String {
    #[expect(clippy::cast_possible_truncation, reason = "shown to four digits")]
    let shown = num(v as f32);
    shown
}

/// `713×12`.
fn shape(rows: usize, cols: usize) -> String {
    format!("{rows}×{cols}")
}

/// A hidden unit's name: `h1.7` is unit 7 (from 0) of hidden layer 1.
pub fn unit(layer: usize, unit: usize) -> String {
    format!("h{}.{unit}", layer + 1)
}

/// The activation's name as the tutorial's code calls it.
fn activation_call(activation: Activation) -> &'static str {
    match activation {
        Activation::Relu => "relu",
        Activation::LeakyRelu => "leaky_relu",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        Activation::Linear => "",
    }
}

impl Walk {
    /// Every function's lines, in the order an epoch runs them, `init_coeffs` first.
    pub fn sections(&self) -> Vec<Section> {
        let mut sections = vec![Section {
            step: WalkStep::Init,
            lines: self.init_lines(),
        }];
        for step in WalkStep::epoch(self.layers.len()) {
            let lines = match step {
                WalkStep::Init => continue,
                WalkStep::Hidden(layer) => self.hidden_lines(layer),
                WalkStep::Output => self.output_lines(),
                WalkStep::Loss => self.loss_lines(),
                WalkStep::Backward => self.backward_lines(),
                WalkStep::Update => self.update_lines(),
                WalkStep::Accuracy => self.accuracy_lines(),
            };
            sections.push(Section { step, lines });
        }
        sections
    }

    /// The first line: which epoch, from which coefficients.
    pub fn heading(&self) -> String {
        let mut text = format!(
            "epoch {}: the coefficients after {} epoch{}, lr {}",
            self.epoch,
            self.epoch - 1,
            if self.epoch == 2 { "" } else { "s" },
            self.lr
        );
        if let Some(size) = self.batch_size {
            text.push_str(&format!(
                " (the run steps on mini-batches of {size} rows; the walk works the tutorial's one step on all {} rows)",
                self.train_rows
            ));
        }
        text
    }

    /// The whole walk as text: the heading, each function under its name, then the hand-worked
    /// gradient.
    pub fn text(&self) -> String {
        let mut text = format!("{}\n", self.heading());
        for section in self.sections() {
            for (i, line) in section.lines.iter().enumerate() {
                let name = if i == 0 { section.step.function() } else { "" };
                text.push_str(&format!("{name:<15} {line}\n"));
            }
        }
        text.push('\n');
        match &self.hand {
            Ok(hand) => {
                for line in hand.lines() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
            Err(why) => text.push_str(&format!("a gradient by hand: {why}\n")),
        }
        text
    }

    fn init_lines(&self) -> Vec<String> {
        let layers = self.layers.len();
        let mut lines = vec![match &self.init.source {
            InitSource::Seed(seed) => format!("the run's start: torch.manual_seed({seed}), then"),
            InitSource::File(path) => format!("the run's start, read from {path}:"),
        }];
        let seeded = matches!(self.init.source, InitSource::Seed(_));
        for (i, (name, [rows, cols], first)) in self.init.tensors.iter().enumerate() {
            let values: Vec<String> = first.iter().map(|&v| num(v)).collect();
            let formula = match i {
                _ if !seeded => shape(*rows, *cols),
                i if i < layers => format!("(torch.rand({rows}, {cols}) − 0.5) / {cols}"),
                i if i == layers => format!("torch.rand({rows}, 1) − 0.3"),
                _ => "torch.rand(1)[0]".to_string(),
            };
            let values = if i > layers {
                values.join(", ")
            } else {
                format!("[{}, …]", values.join(", "))
            };
            lines.push(format!("{name} = {formula} → {values}"));
        }
        lines
    }

    fn hidden_lines(&self, index: usize) -> Vec<String> {
        let Some(layer) = self.layers.get(index) else {
            return Vec::new();
        };
        let name = crate::report::weights::hidden_name(index);
        let input = if index == 0 { "indeps" } else { "res" };
        let call = activation_call(layer.activation);
        let sums = format!("{input} @ {name}");
        let formula = if call.is_empty() {
            sums
        } else {
            format!("{call}({sums})")
        };
        let rows = self.train_rows;
        let share = |v: f32| format!("{:.1} %", 100.0 * v);
        let effect = match layer.activation {
            Activation::Relu => format!("relu zeroed {} of the entries", share(layer.zeroed)),
            Activation::LeakyRelu => format!(
                "{} of the sums below zero, scaled by 0.01",
                share(layer.below)
            ),
            Activation::Tanh | Activation::Sigmoid => {
                format!("{} of the sums at or below zero", share(layer.below))
            }
            Activation::Linear => "linear: res is the sums themselves".into(),
        };
        let mut lines = vec![format!(
            "res = {formula}: {} @ {} → {}; {effect}",
            shape(rows, layer.inputs),
            shape(layer.inputs, layer.units),
            shape(rows, layer.units)
        )];
        for (row, outputs) in layer.outputs.iter().enumerate() {
            if index == 0
                && let Some(inputs) = self.inputs.get(row)
            {
                // Zeros (one-hot columns off) are counted, not named: the row stays a line.
                let named: Vec<String> = inputs
                    .iter()
                    .enumerate()
                    .filter(|&(_, &v)| v != 0.0 || inputs.len() <= 4)
                    .map(|(i, &v)| {
                        let feature = self.features.get(i).map_or("x", String::as_str);
                        format!("{feature} {}", num(v))
                    })
                    .collect();
                let zeros = inputs.len() - named.len();
                let rest = match zeros {
                    0 => String::new(),
                    1 => " (1 more feature 0)".into(),
                    n => format!(" ({n} more features 0)"),
                };
                lines.push(format!("row {row}: {}{rest}", named.join(", ")));
            }
            let values: Vec<String> = outputs.iter().map(|&v| num(v)).collect();
            let more = if layer.units > outputs.len() {
                format!(" … ({} of {} units)", outputs.len(), layer.units)
            } else {
                String::new()
            };
            let last = unit(index, outputs.len().saturating_sub(1));
            lines.push(format!(
                "row {row} → {}…{last}: {}{more}",
                unit(index, 0),
                values.join(" ")
            ));
        }
        lines
    }

    fn output_lines(&self) -> Vec<String> {
        let out = &self.output;
        let rows = self.train_rows;
        let input = if self.layers.is_empty() {
            "indeps"
        } else {
            "res"
        };
        let mut lines = vec![format!(
            "preds = sigmoid({input} @ wt_output + bias_output): {} @ {} + {} → {}",
            shape(rows, out.inputs),
            shape(out.inputs, 1),
            term(out.bias),
            shape(rows, 1)
        )];
        for (row, (pred, y)) in out.preds.iter().zip(&out.targets).enumerate() {
            lines.push(format!("row {row}: pred {}, y {}", num(*pred), num(*y)));
        }
        lines
    }

    fn loss_lines(&self) -> Vec<String> {
        let loss = &self.loss;
        let mut lines = vec![
            match loss.kind {
                Loss::Mae => "mean absolute error, (preds − y).abs().mean(): the tutorial's",
                Loss::Mse => "mean squared error, ((preds − y)²).mean()",
                Loss::Bce => {
                    "binary cross-entropy, −(y·log pred + (1 − y)·log(1 − pred)), logs ≥ −100"
                }
            }
            .to_string(),
        ];
        let out = &self.output;
        let rows = out.preds.iter().zip(&out.targets).zip(&loss.terms);
        for (row, ((&pred, &target), &term)) in rows.enumerate() {
            let (p, y, t) = (num(pred), num(target), num(term));
            let worked = match loss.kind {
                Loss::Mae => format!("|{p} − {y}| = {t}"),
                Loss::Mse => format!("({p} − {y})² = {t}"),
                Loss::Bce if target > 0.5 => format!("−log {p} = {t}"),
                Loss::Bce => format!("−log(1 − {p}) = {t}"),
            };
            lines.push(format!("row {row}: {worked}"));
        }
        lines.push(format!(
            "mean over {} rows = {}",
            self.train_rows,
            sig(f64::from(loss.loss), 6)
        ));
        if let Some((l1, l2, value)) = loss.penalty {
            lines.push(format!(
                "+ penalty {l1}·Σ|w| + {l2}/2·Σw² = {} (over the weight matrices, before backward())",
                num(value)
            ));
        }
        lines
    }

    fn backward_lines(&self) -> Vec<String> {
        let mut lines = vec!["loss.backward(): ∂L/∂w for every coefficient".to_string()];
        for grad in &self.grads {
            let [rows, cols] = grad.shape;
            if rows * cols == 1 {
                let value = grad.entries.first().copied().unwrap_or(f32::NAN);
                lines.push(format!("{}: grad {}", grad.name, num(value)));
                continue;
            }
            let entries: Vec<String> = grad
                .entries
                .iter()
                .enumerate()
                .map(|(i, &g)| format!("[{}, {}] {}", i / cols, i % cols, num(g)))
                .collect();
            lines.push(format!(
                "{} {}: ‖grad‖ {}; {}, …",
                grad.name,
                shape(rows, cols),
                num(grad.norm),
                entries.join(", ")
            ));
        }
        lines
    }

    fn update_lines(&self) -> Vec<String> {
        let u = &self.update;
        let weight = format!("{}[{}, {}]", u.tensor, u.index[0], u.index[1]);
        let (old, new, grad) = (num(u.old), num(u.new), num(u.grad));
        let mut lines = match u.rule {
            Optimizer::Sgd => vec![
                "w −= lr · grad, for every coefficient (then grad.zero_())".to_string(),
                format!(
                    "{weight}: {old} − {} × {} = {old} − {} = {new}",
                    self.lr,
                    term(u.grad),
                    term(u.step())
                ),
            ],
            rule => {
                let how = match rule {
                    Optimizer::Momentum => "torch.optim.SGD(momentum): v = m·v + grad, w −= lr · v",
                    _ => {
                        "torch.optim.Adam: w −= lr · m̂ / (√v̂ + ε), from the gradient's moving averages"
                    }
                };
                vec![
                    how.to_string(),
                    format!(
                        "{weight}: {old} − {} = {new} (its gradient {grad})",
                        term(u.step())
                    ),
                ]
            }
        };
        if !u.remembered {
            lines.push(
                "(a replayed epoch: the rule's memory is not kept, so its step starts afresh)"
                    .into(),
            );
        }
        lines
    }

    fn accuracy_lines(&self) -> Vec<String> {
        let a = &self.accuracy;
        vec![format!(
            "((preds > 0.5) == y).float().mean() on the {} validation rows, after the update: {} right = {}",
            a.rows,
            a.right,
            sig(f64::from(a.accuracy), 4)
        )]
    }
}

impl HandGradient {
    /// The chain rule written out: the formula, the shown rows' factors, the mean over every
    /// row, autodiff's value and how far they agree.
    pub fn lines(&self) -> Vec<String> {
        let weight = format!("{}[{}, {}]", self.tensor, self.index[0], self.index[1]);
        let mut formula = format!("∂L/∂w = mean over rows of {}", self.factors.join(" · "));
        if self.penalty.is_some() {
            formula.push_str(" + the penalty's l1·sign(w) + l2·w");
        }
        let mut lines = vec![
            format!(
                "∂L/∂{weight} ({} → {}, w = {}), by the chain rule:",
                self.from,
                self.to,
                num(self.value)
            ),
            formula,
        ];
        for row in &self.rows {
            let factors: Vec<String> = row.factors.iter().map(|&f| factor(f)).collect();
            lines.push(format!(
                "row {}: {} = {}",
                row.row,
                factors.join(" · "),
                factor(row.product)
            ));
        }
        let mut total = format!(
            "mean over {} rows = {}",
            self.train_rows,
            sig(self.mean, 10)
        );
        if let Some(penalty) = self.penalty {
            total.push_str(&format!(
                " + penalty {} = {}",
                sig(penalty, 6),
                sig(self.hand, 10)
            ));
        }
        lines.push(format!("{total} (by hand, in f64)"));
        let verdict = match self.agreement() {
            Agreement::Zero => "both exactly 0: no gradient reaches this weight".to_string(),
            Agreement::Digits(1) => "they agree to 1 digit".to_string(),
            Agreement::Digits(n) => format!("they agree to {n} digits"),
        };
        lines.push(format!(
            "autodiff (burn, f32): {} · {verdict}",
            sig(f64::from(self.autodiff), 7)
        ));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_their_significant_digits() {
        assert_eq!(sig(0.539_236_7, 4), "0.5392");
        assert_eq!(sig(-0.001_362_675, 4), "−0.001363");
        assert_eq!(sig(20.0, 4), "20.00");
        assert_eq!(sig(1.5e-5, 3), "1.50e-5");
        assert_eq!(sig(0.0, 4), "0");
        assert_eq!(unit(0, 7), "h1.7");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.023_15), "−0.02315");
        assert_eq!(term(-0.5), "(−0.5000)");
    }
}
