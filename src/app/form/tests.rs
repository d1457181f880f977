//! The form: what it shows, what it refuses and why, what it applies.
use super::*;
use crate::app::fixtures::{count, hidden, lr, settings};
use crate::settings::Race;
use crossterm::event::KeyModifiers;

fn form(settings: &RunSettings) -> Form {
    Form::new(
        settings,
        Pace::Max,
        &DataSpec::default(),
        &Race::update_rules(),
    )
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
        [
            "0.1",
            "20",
            "30",
            "442",
            "cpu",
            "max",
            "full",
            "start",
            "x1,x2",
            "relu",
            "mae",
            "sgd",
            "none",
            "optimizer=sgd,momentum,adam"
        ]
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
    assert_eq!(form.focus, Field::Race);
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.focus, Field::Lr);
    press(&mut form, KeyCode::BackTab);
    assert_eq!(form.focus, Field::Race);
}

fn set(form: &mut Form, field: Field, text: &str) {
    form.focus = field;
    clear(form);
    type_text(form, text);
}

#[test]
fn the_method_and_the_features_feed_the_settings() {
    let mut form = form(&settings());
    set(&mut form, Field::Hidden, "10,10");
    set(&mut form, Field::Activation, "relu,tanh");
    set(&mut form, Field::Loss, "bce");
    set(&mut form, Field::Optimizer, "momentum 0.5");
    set(&mut form, Field::Penalty, "l2 0.01");
    set(&mut form, Field::Data, "circle");
    set(&mut form, Field::Features, "x1sq,x2^2");
    let Ok((applied, _)) = form.settings() else {
        panic!("{:?}", form.settings())
    };
    let method = Method {
        activation: "relu,tanh".parse().unwrap(),
        loss: Loss::Bce,
        optimizer: Optimizer::Momentum,
        momentum: "0.5".parse().unwrap(),
        l1: Penalty::NONE,
        l2: "0.01".parse().unwrap(),
    };
    assert_eq!(*applied.method, method);
    let generated = applied.data.generated().unwrap();
    assert_eq!(generated.features.to_string(), "x1sq,x2sq");
    // Shown again as typed (in the canonical spelling).
    let shown = Form::new(
        &applied,
        Pace::Max,
        &DataSpec::default(),
        &Race::update_rules(),
    );
    let texts: Vec<&str> = Field::ALL[8..13].iter().map(|&f| shown.text(f)).collect();
    assert_eq!(
        texts,
        ["x1sq,x2sq", "relu,tanh", "bce", "momentum 0.5", "l2 0.01"]
    );
    // ← → pick the choices; the momentum stays.
    form.focus = Field::Optimizer;
    press(&mut form, KeyCode::Right);
    assert_eq!(form.text(Field::Optimizer), "adam");
    press(&mut form, KeyCode::Left);
    press(&mut form, KeyCode::Left);
    assert_eq!(form.text(Field::Optimizer), "sgd");
}

#[test]
fn the_methods_fields_refuse_with_their_reasons() {
    let cases = [
        (
            Field::Activation,
            "relu,tanh",
            "2 activations for 1 hidden layer: give one for every layer, or one per layer",
        ),
        (
            Field::Activation,
            "swish",
            "expected one of \"relu\", \"leaky_relu\", \"tanh\", \"sigmoid\", \"linear\", not \"swish\"",
        ),
        (
            Field::Optimizer,
            "adam 0.9",
            "adam takes no number: momentum 0.9 does",
        ),
        (Field::Optimizer, "momentum 1", Momentum::EXPECTED),
        (
            Field::Penalty,
            "l1",
            "expected none, or l1 and l2 with their numbers (l1 0.001 l2 0.01)",
        ),
        (
            Field::Penalty,
            "l3 0.1",
            "expected none, or l1 and l2 with their numbers (l1 0.001 l2 0.01)",
        ),
        (Field::Penalty, "l1 -1", Penalty::EXPECTED),
        (
            Field::Features,
            "x1x2",
            "crosses are made from a generated set's x1 and x2: pick one in data",
        ),
        (
            Field::Features,
            "x1,x1",
            "expected features from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, each at most once",
        ),
    ];
    for (field, text, why) in cases {
        let mut form = form(&settings());
        set(&mut form, field, text);
        assert_eq!(
            form.error(field).as_deref(),
            Some(why),
            "{field:?} = {text:?}"
        );
        assert_eq!(press(&mut form, KeyCode::Enter), Edit::Invalid);
        assert_eq!(form.focus, field);
    }
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
