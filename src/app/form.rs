//! The hyperparameter form: text being edited, checked as it is typed, applied only when valid.

use crate::model::network::check_hidden;
use crate::trainer::messages::{Backend, Pace, Playground, Settings};
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
pub enum Outcome {
    /// Still editing.
    Editing,
    /// Enter on a valid form: start a run with these settings.
    Apply(Settings),
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
}

pub fn format_pace(pace: Pace) -> String {
    match pace {
        Pace::Max => "max".into(),
        Pace::PerSecond(rate) => format!("{rate}"),
    }
}

/// `full` for the tutorial's full batch, else the number of rows.
pub fn format_batch(batch_size: Option<usize>) -> String {
    batch_size.map_or_else(|| "full".into(), |n| n.to_string())
}

/// `start` for the data the dashboard started with, else the generated set's name.
pub fn format_data(dataset: Option<Playground>) -> &'static str {
    dataset.map_or(START_DATA, Playground::name)
}

/// The data field's word for the data the dashboard was started with.
pub const START_DATA: &str = "start";

pub fn format_hidden(hidden: &[usize]) -> String {
    hidden
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Form {
    pub fn new(settings: &Settings) -> Self {
        Form {
            texts: [
                format!("{}", settings.lr),
                format_hidden(&settings.hidden),
                settings.epochs.to_string(),
                settings.seed.to_string(),
                settings.backend.to_string(),
                format_pace(settings.pace),
                format_batch(settings.batch_size),
                format_data(settings.dataset).to_string(),
            ],
            focus: Field::Lr,
            backend: settings.backend,
        }
    }

    pub fn text(&self, field: Field) -> &str {
        &self.texts[field.index()]
    }

    /// Why the field's text cannot be applied, if it cannot.
    pub fn error(&self, field: Field) -> Option<&'static str> {
        let text = self.text(field).trim();
        match field {
            Field::Lr => parse_lr(text).err(),
            Field::Hidden => parse_hidden(text).err(),
            Field::Epochs => match text.parse::<usize>() {
                Ok(n) if n >= 1 => None,
                _ => Some("must be a whole number ≥ 1"),
            },
            Field::Seed => text
                .parse::<u64>()
                .err()
                .map(|_| "must be a whole number ≥ 0"),
            Field::Backend => None,
            Field::Pace => parse_pace(text).err(),
            Field::BatchSize => parse_batch(text).err(),
            Field::Data => parse_data(text).err(),
        }
    }

    /// The settings the form describes, or the first invalid field and why.
    pub fn settings(&self) -> Result<Settings, (Field, &'static str)> {
        let check = |field| self.error(field).map_or(Ok(()), |e| Err((field, e)));
        for field in Field::ALL {
            check(field)?;
        }
        let text = |field| self.text(field).trim();
        let invalid = |field| (field, "invalid");
        Ok(Settings {
            lr: parse_lr(text(Field::Lr)).map_err(|_| invalid(Field::Lr))?,
            hidden: parse_hidden(text(Field::Hidden)).map_err(|_| invalid(Field::Hidden))?,
            epochs: text(Field::Epochs)
                .parse()
                .map_err(|_| invalid(Field::Epochs))?,
            seed: text(Field::Seed)
                .parse()
                .map_err(|_| invalid(Field::Seed))?,
            backend: self.backend,
            pace: parse_pace(text(Field::Pace)).map_err(|_| invalid(Field::Pace))?,
            batch_size: parse_batch(text(Field::BatchSize))
                .map_err(|_| invalid(Field::BatchSize))?,
            dataset: parse_data(text(Field::Data)).map_err(|_| invalid(Field::Data))?,
        })
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Enter => {
                return match self.settings() {
                    Ok(settings) => Outcome::Apply(settings),
                    Err((field, _)) => {
                        self.focus = field;
                        Outcome::Invalid
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
        Outcome::Editing
    }
}

fn parse_lr(text: &str) -> Result<f64, &'static str> {
    match text.parse::<f64>() {
        Ok(lr) if lr.is_finite() && lr > 0.0 => Ok(lr),
        _ => Err("must be a number > 0"),
    }
}

fn parse_hidden(text: &str) -> Result<Vec<usize>, &'static str> {
    const WHY: &str = "must be sizes 1–4096, e.g. 20 or 10,10";
    let sizes = text
        .split(',')
        .map(|s| s.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| WHY)?;
    check_hidden(&sizes).map_err(|_| WHY)?;
    Ok(sizes)
}

fn parse_batch(text: &str) -> Result<Option<usize>, &'static str> {
    const WHY: &str = "must be full or a whole number ≥ 1";
    if text.is_empty() || text.eq_ignore_ascii_case("full") {
        return Ok(None);
    }
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(WHY),
    }
}

fn parse_data(text: &str) -> Result<Option<Playground>, &'static str> {
    if text.eq_ignore_ascii_case(START_DATA) {
        return Ok(None);
    }
    Playground::ALL
        .into_iter()
        .find(|p| text.eq_ignore_ascii_case(p.name()))
        .map(Some)
        .ok_or("must be start, circle, xor, gauss, spiral or moons")
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

fn parse_pace(text: &str) -> Result<Pace, &'static str> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pace::Max);
    }
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(Pace::PerSecond(rate)),
        _ => Err("must be a number > 0 or max"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn settings() -> Settings {
        Settings {
            pace: Pace::Max,
            ..crate::app::fixtures::settings()
        }
    }

    fn press(form: &mut Form, code: KeyCode) -> Outcome {
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

    #[test]
    fn shows_the_settings() {
        let form = Form::new(&settings());
        let texts: Vec<_> = Field::ALL.iter().map(|&f| form.text(f)).collect();
        assert_eq!(
            texts,
            ["0.1", "20", "30", "442", "cpu", "max", "full", "start"]
        );
        assert_eq!(form.settings(), Ok(settings()));
        let form = Form::new(&Settings {
            batch_size: Some(32),
            dataset: Some(Playground::Spiral),
            ..settings()
        });
        assert_eq!(form.text(Field::BatchSize), "32");
        assert_eq!(form.text(Field::Data), "spiral");
    }

    #[test]
    fn each_field_rejects_bad_text() {
        let cases = [
            (Field::Lr, "0", "must be a number > 0"),
            (Field::Lr, "abc", "must be a number > 0"),
            (Field::Lr, "NaN", "must be a number > 0"),
            (
                Field::Hidden,
                "10,,10",
                "must be sizes 1–4096, e.g. 20 or 10,10",
            ),
            (Field::Hidden, "0", "must be sizes 1–4096, e.g. 20 or 10,10"),
            (
                Field::Hidden,
                "100000,100000",
                "must be sizes 1–4096, e.g. 20 or 10,10",
            ),
            (Field::Epochs, "0", "must be a whole number ≥ 1"),
            (Field::Seed, "-1", "must be a whole number ≥ 0"),
            (Field::Pace, "fast", "must be a number > 0 or max"),
            (Field::BatchSize, "0", "must be full or a whole number ≥ 1"),
            (
                Field::BatchSize,
                "half",
                "must be full or a whole number ≥ 1",
            ),
            (Field::BatchSize, "-3", "must be full or a whole number ≥ 1"),
            (
                Field::Data,
                "square",
                "must be start, circle, xor, gauss, spiral or moons",
            ),
            (
                Field::Data,
                "",
                "must be start, circle, xor, gauss, spiral or moons",
            ),
        ];
        for (field, text, why) in cases {
            let mut form = Form::new(&settings());
            form.focus = field;
            clear(&mut form);
            type_text(&mut form, text);
            assert_eq!(form.error(field), Some(why), "{field:?} = {text:?}");
            assert_eq!(press(&mut form, KeyCode::Enter), Outcome::Invalid);
        }
    }

    #[test]
    fn enter_applies_a_valid_form() {
        let mut form = Form::new(&settings());
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
        let expected = Settings {
            lr: 1.4,
            hidden: vec![10, 10],
            backend: Backend::Wgpu,
            pace: Pace::PerSecond(30.0),
            ..settings()
        };
        assert_eq!(press(&mut form, KeyCode::Enter), Outcome::Apply(expected));
    }

    #[test]
    fn focus_wraps_both_ways() {
        let mut form = Form::new(&settings());
        press(&mut form, KeyCode::Up);
        assert_eq!(form.focus, Field::Data);
        press(&mut form, KeyCode::Tab);
        assert_eq!(form.focus, Field::Lr);
        press(&mut form, KeyCode::BackTab);
        assert_eq!(form.focus, Field::Data);
    }

    #[test]
    fn batch_size_and_data_feed_the_settings() {
        let mut form = Form::new(&settings());
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
        let expected = Settings {
            batch_size: Some(64),
            dataset: Some(Playground::Moons),
            ..settings()
        };
        assert_eq!(press(&mut form, KeyCode::Enter), Outcome::Apply(expected));

        // Back to the full batch and the start-up data.
        form.focus = Field::BatchSize;
        clear(&mut form);
        type_text(&mut form, "FULL");
        form.focus = Field::Data;
        clear(&mut form);
        type_text(&mut form, "start");
        assert_eq!(form.settings(), Ok(settings()));
    }

    #[test]
    fn arrows_cycle_the_data_choices() {
        let mut form = Form::new(&settings());
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
        let mut form = Form::new(&settings());
        form.focus = Field::Seed;
        type_text(&mut form, "x");
        form.focus = Field::Lr;
        assert_eq!(press(&mut form, KeyCode::Enter), Outcome::Invalid);
        assert_eq!(form.focus, Field::Seed);
    }
}
