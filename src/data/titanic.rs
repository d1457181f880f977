//! The embedded Titanic passenger list and the tutorial's recipe for it.

use super::prep::{Plan, Recipe, Scale};
use super::table::Table;
use crate::error::Result;

/// The Kaggle Titanic training table (891 passengers), compiled into the binary.
pub const CSV: &[u8] = include_bytes!("../../assets/titanic.csv");

/// How the embedded table is named in messages.
pub const NAME: &str = "titanic.csv (embedded)";

pub const TARGET: &str = "Survived";

/// The features the tutorial's recipe makes, in order.
pub const FEATURES: [&str; 12] = [
    "Age",
    "SibSp",
    "Parch",
    "LogFare",
    "Sex_male",
    "Sex_female",
    "Pclass_1",
    "Pclass_2",
    "Pclass_3",
    "Embarked_C",
    "Embarked_Q",
    "Embarked_S",
];

pub fn table() -> Result<Table> {
    Table::parse(NAME.to_string(), CSV)
}

/// The tutorial's preprocessing: mode-fill, `LogFare = ln(Fare + 1)`, one-hot `Sex`, `Pclass`,
/// `Embarked`, drop `Name` and `Deck`, divide every feature by its maximum over the whole table.
pub fn recipe(table: &Table, scale: Scale) -> Result<Recipe> {
    let numeric = |name: &str| Plan::Numeric {
        source: name.into(),
        output: name.into(),
        log1p: false,
    };
    let one_hot = |name: &str, categories: &[&str]| Plan::OneHot {
        source: name.into(),
        categories: Some(
            categories
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        ),
    };
    let plan = [
        numeric("Age"),
        numeric("SibSp"),
        numeric("Parch"),
        Plan::Numeric {
            source: "Fare".into(),
            output: "LogFare".into(),
            log1p: true,
        },
        one_hot("Sex", &["male", "female"]),
        one_hot("Pclass", &["1", "2", "3"]),
        one_hot("Embarked", &["C", "Q", "S"]),
    ];
    Recipe::fit(table, TARGET, &plan, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_recipe_gives_its_twelve_features() {
        let table = table().unwrap();
        let data = recipe(&table, Scale::Max).unwrap().apply(&table).unwrap();
        assert_eq!(data.features, FEATURES);
        assert_eq!(data.rows(), 891);
        assert_eq!(data.y.iter().filter(|&&y| y == 1.0).count(), 342);
        // Passenger 1: 22-year-old man, 1 sibling, fare 7.25, third class, Southampton.
        let first = &data.x[..12];
        let log_fare = (7.25f64 + 1.0).ln() / (512.3292f64 + 1.0).ln();
        let expected = [
            22.0 / 80.0,
            1.0 / 8.0,
            0.0,
            log_fare,
            1.,
            0.,
            0.,
            0.,
            1.,
            0.,
            0.,
            1.,
        ];
        for (got, want) in first.iter().zip(expected) {
            assert!((f64::from(*got) - want).abs() < 1e-6, "{first:?}");
        }
        // Passengers without an age get the mode, 24.
        let age = table.column("Age").unwrap();
        let unknown = table.rows().position(|r| r.get(age).is_empty()).unwrap();
        assert!((data.x[unknown * 12] - 24.0 / 80.0).abs() < 1e-7);
    }
}
