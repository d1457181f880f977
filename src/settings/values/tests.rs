//! Each value's rules: what it takes, and what it says of what it refuses.

use super::*;

fn from_toml<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, String> {
    #[derive(Deserialize)]
    struct One<T> {
        v: T,
    }
    toml::from_str::<One<T>>(&format!("v = {value}"))
        .map(|one| one.v)
        .map_err(|e| e.message().to_string())
}

#[test]
fn every_value_says_what_it_expects() {
    let lr = |text: &str| text.parse::<LearningRate>().map(LearningRate::get);
    assert_eq!(lr("1.4"), Ok(1.4));
    for bad in ["0", "NaN", "-1", "inf"] {
        assert_eq!(lr(bad), Err(LearningRate::EXPECTED.into()), "{bad}");
    }
    assert_eq!(
        "10,0".parse::<HiddenSizes>(),
        Err(HiddenSizes::UNITS.into())
    );
    assert_eq!(
        "10,,10".parse::<HiddenSizes>(),
        Err(HiddenSizes::UNITS.into())
    );
    let seventeen = vec!["1"; 17].join(",");
    assert_eq!(
        seventeen.parse::<HiddenSizes>(),
        Err(HiddenSizes::LAYERS.into())
    );
    assert_eq!("MAX".parse::<Pace>(), Ok(Pace::Max));
    assert_eq!("fast".parse::<Pace>(), Err(Pace::EXPECTED.into()));
    assert_eq!(
        "gpu".parse::<Backend>(),
        Err("expected one of \"cpu\", \"wgpu\", not \"gpu\"".into())
    );
    assert_eq!(
        "1..0.1".parse::<LrRange>(),
        Err("the range 1..0.1 must go from a smaller to a larger rate".into())
    );
}

#[test]
fn a_files_values_follow_the_flags_rules() {
    assert_eq!(from_toml::<Count>("10.0"), Err(Count::EXPECTED.into()));
    assert_eq!(from_toml::<Count>("7").map(Count::get), Ok(7));
    assert_eq!(
        from_toml::<LearningRate>("\"0.1\""),
        Err(format!(
            "{}, not the string \"0.1\"",
            LearningRate::EXPECTED
        ))
    );
    assert_eq!(from_toml::<Pace>("\"max\""), Ok(Pace::Max));
    assert_eq!(from_toml::<Pace>("30"), Ok(Pace::PerSecond(30.0)));
    assert_eq!(
        from_toml::<HiddenSizes>("20").map(|h| h.to_string()),
        Ok("20".into())
    );
    assert_eq!(
        from_toml::<HiddenSizes>("[]"),
        Err(HiddenSizes::LAYERS.into())
    );
    assert_eq!(
        from_toml::<Backend>("\"gpu\""),
        Err("expected one of \"cpu\", \"wgpu\", not the string \"gpu\"".into())
    );
    assert_eq!(
        from_toml::<Switch>("1"),
        Err("expected true or false, not a number".into())
    );
    assert_eq!(
        from_toml::<FilePath>("\"\""),
        Err("expected a file path in quotes, not the string \"\"".into())
    );
}

#[test]
fn values_print_as_they_parse() {
    for text in ["20", "10,10", "4096,1"] {
        assert_eq!(text.parse::<HiddenSizes>().unwrap().to_string(), text);
    }
    for text in ["max", "30", "0.5"] {
        assert_eq!(text.parse::<Pace>().unwrap().to_string(), text);
    }
}

#[test]
fn the_methods_values_say_what_they_expect() {
    let activations = |text: &str| text.parse::<Activations>().map(|a| a.to_string());
    assert_eq!(activations("relu"), Ok("relu".into()));
    assert_eq!(activations("Relu, TANH"), Ok("relu,tanh".into()));
    assert!(
        activations("relu,,tanh")
            .unwrap_err()
            .contains("expected one of")
    );
    let two: Activations = "relu,linear".parse().unwrap();
    assert_eq!(
        two.for_layers(3),
        [Activation::Relu, Activation::Linear, Activation::Linear]
    );
    assert_eq!(two.check_layers(2), Ok(()));
    assert_eq!(
        two.check_layers(1),
        Err("2 activations for 1 hidden layer: give one for every layer, or one per layer".into())
    );
    assert!(Activations::all(Activation::Linear).all_linear());
    assert!(!two.all_linear());
    assert_eq!(
        from_toml::<Activations>(r#"["tanh", "sigmoid"]"#),
        Ok("tanh,sigmoid".parse().unwrap())
    );
    assert!(
        from_toml::<Activations>("[1]")
            .unwrap_err()
            .contains("not a number")
    );
    assert_eq!("0.99".parse::<Momentum>().map(Momentum::get), Ok(0.99));
    assert_eq!("1".parse::<Momentum>(), Err(Momentum::EXPECTED.into()));
    assert_eq!("0".parse::<Penalty>().map(Penalty::get), Ok(0.0));
    assert_eq!("-1e-3".parse::<Penalty>(), Err(Penalty::EXPECTED.into()));
    assert_eq!(from_toml::<Loss>(r#""bce""#), Ok(Loss::Bce));
    assert_eq!(
        "nesterov".parse::<Optimizer>(),
        Err("expected one of \"sgd\", \"momentum\", \"adam\", not \"nesterov\"".into())
    );
}
