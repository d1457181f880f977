//! The hyperparameter form: text being edited, checked as it is typed by the rules the flags
//! and session files follow, applied only when valid.

use crate::settings::{
    Activation, Activations, Backend, Choice, Count, DataSpec, Features, Generated, HiddenSizes,
    LearningRate, Loss, Method, Momentum, Optimizer, Pace, Penalty, Playground, Race, RunSettings,
    Seed, Source,
};
use crossterm::event::{KeyCode, KeyEvent};

/// The form's fields, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Lr,
    Hidden,
    Epochs,
    Seed,
    Backend,
    Pace,
    BatchSize,
    Data,
    Features,
    Activation,
    Loss,
    Optimizer,
    Penalty,
    Race,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Lr,
        Field::Hidden,
        Field::Epochs,
        Field::Seed,
        Field::Backend,
        Field::Pace,
        Field::BatchSize,
        Field::Data,
        Field::Features,
        Field::Activation,
        Field::Loss,
        Field::Optimizer,
        Field::Penalty,
        Field::Race,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Lr => "learning rate",
            Field::Hidden => "hidden sizes",
            Field::Epochs => "epochs",
            Field::Seed => "seed",
            Field::Backend => "backend",
            Field::Pace => "pace (epochs/s)",
            Field::BatchSize => "batch size",
            Field::Data => "data",
            Field::Features => "features",
            Field::Activation => "activation",
            Field::Loss => "loss",
            Field::Optimizer => "optimizer",
            Field::Penalty => "penalty",
            Field::Race => "race (R)",
        }
    }

    /// The names `←` `→` step through in the field, when it has a few to pick from.
    pub fn picks(self) -> Option<Vec<&'static str>> {
        fn names<C: Choice>() -> Vec<&'static str> {
            C::ALL.iter().map(|c| c.name()).collect()
        }
        match self {
            Field::Data => Some(
                std::iter::once(START_DATA)
                    .chain(names::<Playground>())
                    .collect(),
            ),
            Field::Activation => Some(names::<Activation>()),
            Field::Loss => Some(names::<Loss>()),
            Field::Optimizer => Some(names::<Optimizer>()),
            _ => None,
        }
    }

    fn index(self) -> usize {
        Field::ALL.iter().position(|&f| f == self).unwrap_or(0)
    }

    fn next(self) -> Field {
        Field::ALL[(self.index() + 1) % Field::ALL.len()]
    }

    fn previous(self) -> Field {
        Field::ALL[(self.index() + Field::ALL.len() - 1) % Field::ALL.len()]
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per key press, never stored"
)]
pub enum Edit {
    /// Still editing.
    Editing,
    /// Enter on a valid form: start a run with these settings, at this pace.
    Apply(RunSettings, Pace),
    /// Enter on an invalid form: nothing applied.
    Invalid,
    /// Esc: leave without applying.
    Cancel,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    texts: [String; Field::ALL.len()],
    pub focus: Field,
    /// What the text fields do not hold.
    backend: Backend,
    /// The settings the form started from, for what it does not edit.
    base: RunSettings,
    /// The data the dashboard was started with: the data field's `start`.
    start: DataSpec,
}

/// `full` for the tutorial's full batch, else the number of rows.
pub fn format_batch(batch_size: Option<Count>) -> String {
    batch_size.map_or_else(|| "full".into(), |n| n.to_string())
}

/// The generated set's name, or `start` for the data file (or table) the dashboard started
/// with.
pub fn format_data(data: &DataSpec) -> String {
    data.generated().map_or_else(
        || START_DATA.to_string(),
        |generated| generated.kind.to_string(),
    )
}

/// The data field's word for the data the dashboard was started with.
pub const START_DATA: &str = "start";

/// `sgd`, `momentum 0.9`, `adam`: the update rule, with the momentum it takes.
pub fn format_optimizer(method: &Method) -> String {
    match method.optimizer {
        Optimizer::Momentum => format!("momentum {}", method.momentum),
        other => other.to_string(),
    }
}

/// `none`, `l1 0.001`, `l2 0.01` or both.
pub fn format_penalty(method: &Method) -> String {
    let terms: Vec<String> = [("l1", method.l1), ("l2", method.l2)]
        .iter()
        .filter(|(_, p)| p.get() > 0.0)
        .map(|(name, p)| format!("{name} {p}"))
        .collect();
    if terms.is_empty() {
        "none".into()
    } else {
        terms.join(" ")
    }
}

/// The update rule, and its momentum (from `momentum 0.5`, else `kept`).
fn parse_optimizer(text: &str, kept: Momentum) -> Result<(Optimizer, Momentum), String> {
    let mut words = text.split_whitespace();
    let optimizer = Optimizer::from_name(words.next().unwrap_or_default())?;
    let momentum = match (optimizer, words.next()) {
        (_, None) => kept,
        (Optimizer::Momentum, Some(number)) => number.parse()?,
        (_, Some(_)) => return Err(format!("{optimizer} takes no number: momentum 0.9 does")),
    };
    if words.next().is_some() {
        return Err("expected sgd, adam, or momentum and its number (momentum 0.9)".into());
    }
    Ok((optimizer, momentum))
}

/// `none` (or nothing), else `l1 F`, `l2 F` or both.
fn parse_penalty(text: &str) -> Result<(Penalty, Penalty), String> {
    const EXPECTED: &str = "expected none, or l1 and l2 with their numbers (l1 0.001 l2 0.01)";
    let (mut l1, mut l2) = (Penalty::NONE, Penalty::NONE);
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok((l1, l2));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if !words.len().is_multiple_of(2) {
        return Err(EXPECTED.into());
    }
    for pair in words.chunks_exact(2) {
        let value: Penalty = pair[1].parse()?;
        match pair[0].to_ascii_lowercase().as_str() {
            "l1" => l1 = value,
            "l2" => l2 = value,
            _ => return Err(EXPECTED.into()),
        }
    }
    Ok((l1, l2))
}

impl Form {
    /// The form of the next run's `settings` and `pace`, the data the dashboard started with
    /// (`start`) and what `R` races.
    pub fn new(settings: &RunSettings, pace: Pace, start: &DataSpec, race: &Race) -> Self {
        Form {
            texts: [
                settings.lr.to_string(),
                settings.hidden_sizes().to_string(),
                settings.epochs.to_string(),
                settings.seed.to_string(),
                settings.backend.to_string(),
                pace.to_string(),
                format_batch(settings.batch_size),
                format_data(&settings.data),
                settings
                    .data
                    .generated()
                    .map_or_else(Features::default, |g| g.features)
                    .to_string(),
                settings.method.activation.to_string(),
                settings.method.loss.to_string(),
                format_optimizer(&settings.method),
                format_penalty(&settings.method),
                race.to_string(),
            ],
            focus: Field::Lr,
            backend: settings.backend,
            base: settings.clone(),
            start: start.clone(),
        }
    }

    pub fn text(&self, field: Field) -> &str {
        &self.texts[field.index()]
    }

    /// Why the field's text cannot be applied, if it cannot.
    pub fn error(&self, field: Field) -> Option<String> {
        let text = self.text(field).trim();
        match field {
            Field::Lr => text.parse::<LearningRate>().err(),
            Field::Hidden => text.parse::<HiddenSizes>().err(),
            Field::Epochs => text.parse::<Count>().err(),
            Field::Seed => text.parse::<Seed>().err(),
            Field::Backend => None,
            Field::Pace => text.parse::<Pace>().err(),
            Field::BatchSize => parse_batch(text).err(),
            Field::Data => self.parse_data(text).err(),
            Field::Features => self.parse_features(text).err(),
            Field::Activation => self.parse_activation(text).err(),
            Field::Loss => text.parse::<Loss>().err(),
            Field::Optimizer => parse_optimizer(text, Momentum::DEFAULT).err(),
            Field::Penalty => parse_penalty(text).err(),
            Field::Race => text.parse::<Race>().err(),
        }
    }

    /// What `R` is to race.
    pub fn race(&self) -> Result<Race, String> {
        self.text(Field::Race).trim().parse()
    }

    /// The activations, checked against the hidden sizes field when it holds sizes.
    fn parse_activation(&self, text: &str) -> Result<Activations, String> {
        let activations: Activations = text.parse()?;
        if let Ok(hidden) = self.text(Field::Hidden).trim().parse::<HiddenSizes>() {
            activations.check_layers(hidden.sizes().len())?;
        }
        Ok(activations)
    }

    /// The features: a generated set's crosses; other data takes its columns as they are.
    fn parse_features(&self, text: &str) -> Result<Features, String> {
        let features: Features = text.parse()?;
        let generated = self
            .parse_data(self.text(Field::Data).trim())
            .is_ok_and(|data| data.generated().is_some());
        if !generated && !features.is_plain() {
            return Err(
                "crosses are made from a generated set's x1 and x2: pick one in data".into(),
            );
        }
        Ok(features)
    }

    /// The method the fields describe (the momentum the form started with unless given).
    fn method(&self) -> Result<Method, (Field, String)> {
        let text = |field| self.text(field).trim();
        let activation = self
            .parse_activation(text(Field::Activation))
            .map_err(|why| (Field::Activation, why))?;
        let loss = text(Field::Loss)
            .parse()
            .map_err(|why| (Field::Loss, why))?;
        let (optimizer, momentum) =
            parse_optimizer(text(Field::Optimizer), self.base.method.momentum)
                .map_err(|why| (Field::Optimizer, why))?;
        let (l1, l2) = parse_penalty(text(Field::Penalty)).map_err(|why| (Field::Penalty, why))?;
        Ok(Method {
            activation,
            loss,
            optimizer,
            momentum,
            l1,
            l2,
        })
    }

    /// The settings and pace the form describes, or the first invalid field and why.
    pub fn settings(&self) -> Result<(RunSettings, Pace), (Field, String)> {
        let text = |field| self.text(field).trim();
        let lr = text(Field::Lr).parse().map_err(|why| (Field::Lr, why))?;
        let hidden = text(Field::Hidden)
            .parse()
            .map_err(|why| (Field::Hidden, why))?;
        let epochs = text(Field::Epochs)
            .parse()
            .map_err(|why| (Field::Epochs, why))?;
        let seed = text(Field::Seed)
            .parse()
            .map_err(|why| (Field::Seed, why))?;
        let pace = text(Field::Pace)
            .parse()
            .map_err(|why| (Field::Pace, why))?;
        let batch_size =
            parse_batch(text(Field::BatchSize)).map_err(|why| (Field::BatchSize, why))?;
        self.race().map_err(|why| (Field::Race, why))?;
        let mut data = self
            .parse_data(text(Field::Data))
            .map_err(|why| (Field::Data, why))?;
        let features = self
            .parse_features(text(Field::Features))
            .map_err(|why| (Field::Features, why))?;
        if let Source::Generated(generated) = &mut data.source {
            generated.features = features;
        }
        let settings = RunSettings {
            lr,
            hidden: Some(hidden),
            epochs,
            seed,
            backend: self.backend,
            batch_size,
            data,
            method: Box::new(self.method()?),
            ..self.base.clone()
        };
        Ok((settings, pace))
    }

    /// The data named `text`: `start`, or a generated set with the start-up data's split (and
    /// its size and noise, when it is a generated set too).
    fn parse_data(&self, text: &str) -> Result<DataSpec, String> {
        if text.eq_ignore_ascii_case(START_DATA) {
            return Ok(self.start.clone());
        }
        let kind = Playground::from_name(text)
            .map_err(|_| "expected start, circle, xor, gauss, spiral or moons".to_string())?;
        let generated = match self.start.generated() {
            Some(start) => Generated { kind, ..start },
            None => Generated::new(kind),
        };
        Ok(self.start.with_source(Source::Generated(generated)))
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Edit {
        match key.code {
            KeyCode::Esc => return Edit::Cancel,
            KeyCode::Enter => {
                return match self.settings() {
                    Ok((settings, pace)) => Edit::Apply(settings, pace),
                    Err((field, _)) => {
                        self.focus = field;
                        Edit::Invalid
                    }
                };
            }
            KeyCode::Down | KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::Up | KeyCode::BackTab => self.focus = self.focus.previous(),
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if self.focus == Field::Backend => {
                self.backend = match self.backend {
                    Backend::Cpu => Backend::Wgpu,
                    Backend::Wgpu => Backend::Cpu,
                };
                self.texts[Field::Backend.index()] = self.backend.to_string();
            }
            KeyCode::Left | KeyCode::Right if self.focus.picks().is_some() => {
                let forward = key.code == KeyCode::Right;
                let picks = self.focus.picks().unwrap_or_default();
                let text = &mut self.texts[self.focus.index()];
                *text = cycle(&picks, text, forward).to_string();
            }
            KeyCode::Backspace if self.focus != Field::Backend => {
                self.texts[self.focus.index()].pop();
            }
            KeyCode::Char(c) if self.focus != Field::Backend && !c.is_control() => {
                let text = &mut self.texts[self.focus.index()];
                // A field longer than any sensible value is a stuck key, not input.
                if text.chars().count() < 32 {
                    text.push(c);
                }
            }
            _ => {}
        }
        Edit::Editing
    }
}

/// `full` (or nothing) for the tutorial's full batch, else rows per step.
fn parse_batch(text: &str) -> Result<Option<Count>, String> {
    if text.is_empty() || text.eq_ignore_ascii_case("full") {
        return Ok(None);
    }
    text.parse::<Count>()
        .map(Some)
        .map_err(|_| "expected full or a whole number of at least 1".into())
}

/// The choice after (or before) `text` among `choices`, round; the first (or last) when
/// `text` is none of them. The optimizer's momentum is no part of its name.
fn cycle(choices: &[&'static str], text: &str, forward: bool) -> &'static str {
    let text = text.split_whitespace().next().unwrap_or_default();
    let n = choices.len();
    if n == 0 {
        return "";
    }
    let at = choices
        .iter()
        .position(|c| text.trim().eq_ignore_ascii_case(c));
    let next = match (at, forward) {
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
        (None, true) => 0,
        (None, false) => n - 1,
    };
    choices[next]
}

#[cfg(test)]
mod tests;
