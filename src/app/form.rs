//! The hyperparameter form: text being edited, checked as it is typed by the rules the flags
//! and session files follow, applied only when valid.

use crate::settings::{
    Backend, Choice, Count, DataSpec, Generated, HiddenSizes, LearningRate, Pace, Playground,
    RunSettings, Seed, Source,
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
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Lr,
        Field::Hidden,
        Field::Epochs,
        Field::Seed,
        Field::Backend,
        Field::Pace,
        Field::BatchSize,
        Field::Data,
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

impl Form {
    pub fn new(settings: &RunSettings, pace: Pace, start: &DataSpec) -> Self {
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
        }
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
        let data = self
            .parse_data(text(Field::Data))
            .map_err(|why| (Field::Data, why))?;
        let settings = RunSettings {
            lr,
            hidden: Some(hidden),
            epochs,
            seed,
            backend: self.backend,
            batch_size,
            data,
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
            KeyCode::Left | KeyCode::Right if self.focus == Field::Data => {
                let forward = key.code == KeyCode::Right;
                let text = &mut self.texts[Field::Data.index()];
                *text = cycle_data(text, forward).to_string();
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

/// The data choice after (or before) `text`: start, then the generated sets, round.
fn cycle_data(text: &str, forward: bool) -> &'static str {
    let choices: Vec<&'static str> = std::iter::once(START_DATA)
        .chain(Playground::ALL.iter().map(|p| p.name()))
        .collect();
    let n = choices.len();
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
mod tests {
    use super::*;
    use crate::app::fixtures::{count, hidden, lr, settings};
    use crossterm::event::KeyModifiers;

    fn form(settings: &RunSettings) -> Form {
        Form::new(settings, Pace::Max, &DataSpec::default())
    }

    fn press(form: &mut Form, code: KeyCode) -> Edit {
        form.on_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn type_text(form: &mut Form, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    fn clear(form: &mut Form) {
        for _ in 0..40 {
            press(form, KeyCode::Backspace);
        }
    }

    fn moons() -> DataSpec {
        DataSpec::default().with_source(Source::Generated(Generated::new(Playground::Moons)))
    }

    #[test]
    fn shows_the_settings() {
        let form = form(&settings());
        let texts: Vec<_> = Field::ALL.iter().map(|&f| form.text(f)).collect();
        assert_eq!(
            texts,
            ["0.1", "20", "30", "442", "cpu", "max", "full", "start"]
        );
        assert_eq!(form.settings(), Ok((settings(), Pace::Max)));
        let spiral =
            DataSpec::default().with_source(Source::Generated(Generated::new(Playground::Spiral)));
        let form = super::tests::form(&RunSettings {
            batch_size: Some(count(32)),
            data: spiral,
            ..settings()
        });
        assert_eq!(form.text(Field::BatchSize), "32");
        assert_eq!(form.text(Field::Data), "spiral");
    }

    #[test]
    fn each_field_rejects_bad_text_with_the_flags_reason() {
        let cases = [
            (Field::Lr, "0", LearningRate::EXPECTED),
            (Field::Lr, "abc", LearningRate::EXPECTED),
            (Field::Lr, "NaN", LearningRate::EXPECTED),
            (Field::Hidden, "10,,10", HiddenSizes::UNITS),
            (Field::Hidden, "0", HiddenSizes::UNITS),
            (Field::Hidden, "100000,100000", HiddenSizes::UNITS),
            (Field::Epochs, "0", Count::EXPECTED),
            (Field::Seed, "-1", Seed::EXPECTED),
            (Field::Pace, "fast", Pace::EXPECTED),
            (
                Field::BatchSize,
                "0",
                "expected full or a whole number of at least 1",
            ),
            (
                Field::BatchSize,
                "half",
                "expected full or a whole number of at least 1",
            ),
            (
                Field::BatchSize,
                "-3",
                "expected full or a whole number of at least 1",
            ),
            (
                Field::Data,
                "square",
                "expected start, circle, xor, gauss, spiral or moons",
            ),
            (
                Field::Data,
                "",
                "expected start, circle, xor, gauss, spiral or moons",
            ),
        ];
        for (field, text, why) in cases {
            let mut form = form(&settings());
            form.focus = field;
            clear(&mut form);
            type_text(&mut form, text);
            assert_eq!(
                form.error(field).as_deref(),
                Some(why),
                "{field:?} = {text:?}"
            );
            assert_eq!(press(&mut form, KeyCode::Enter), Edit::Invalid);
        }
    }

    #[test]
    fn enter_applies_a_valid_form() {
        let mut form = form(&settings());
        clear(&mut form);
        type_text(&mut form, "1.4");
        press(&mut form, KeyCode::Tab);
        clear(&mut form);
        type_text(&mut form, "10, 10");
        press(&mut form, KeyCode::Down);
        press(&mut form, KeyCode::Down);
        press(&mut form, KeyCode::Down);
        assert_eq!(form.focus, Field::Backend);
        press(&mut form, KeyCode::Char(' '));
        press(&mut form, KeyCode::Down);
        clear(&mut form);
        type_text(&mut form, "30");
        let expected = RunSettings {
            lr: lr(1.4),
            hidden: hidden("10,10"),
            backend: Backend::Wgpu,
            ..settings()
        };
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            Edit::Apply(expected, Pace::PerSecond(30.0))
        );
    }

    #[test]
    fn focus_wraps_both_ways() {
        let mut form = form(&settings());
        press(&mut form, KeyCode::Up);
        assert_eq!(form.focus, Field::Data);
        press(&mut form, KeyCode::Tab);
        assert_eq!(form.focus, Field::Lr);
        press(&mut form, KeyCode::BackTab);
        assert_eq!(form.focus, Field::Data);
    }

    #[test]
    fn batch_size_and_data_feed_the_settings() {
        let mut form = form(&settings());
        form.focus = Field::BatchSize;
        clear(&mut form);
        assert_eq!(
            form.error(Field::BatchSize),
            None,
            "empty is the full batch"
        );
        type_text(&mut form, "64");
        press(&mut form, KeyCode::Down);
        assert_eq!(form.focus, Field::Data);
        clear(&mut form);
        type_text(&mut form, "Moons");
        let expected = RunSettings {
            batch_size: Some(count(64)),
            data: moons(),
            ..settings()
        };
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            Edit::Apply(expected, Pace::Max)
        );

        // Back to the full batch and the start-up data.
        form.focus = Field::BatchSize;
        clear(&mut form);
        type_text(&mut form, "FULL");
        form.focus = Field::Data;
        clear(&mut form);
        type_text(&mut form, "start");
        assert_eq!(form.settings(), Ok((settings(), Pace::Max)));
    }

    #[test]
    fn arrows_cycle_the_data_choices() {
        let mut form = form(&settings());
        form.focus = Field::Data;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.text(Field::Data), "circle");
        press(&mut form, KeyCode::Left);
        press(&mut form, KeyCode::Left);
        assert_eq!(form.text(Field::Data), "moons");
        clear(&mut form);
        type_text(&mut form, "nonsense");
        press(&mut form, KeyCode::Right);
        assert_eq!(form.text(Field::Data), "start");
        // Elsewhere the arrows do not touch the text.
        form.focus = Field::Seed;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.text(Field::Seed), "442");
    }

    #[test]
    fn enter_on_an_invalid_form_focuses_the_bad_field() {
        let mut form = form(&settings());
        form.focus = Field::Seed;
        type_text(&mut form, "x");
        form.focus = Field::Lr;
        assert_eq!(press(&mut form, KeyCode::Enter), Edit::Invalid);
        assert_eq!(form.focus, Field::Seed);
    }
}
