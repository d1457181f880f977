//! The recipe on small tables: inferred, fitted and applied.

use super::*;

fn table(text: &str) -> Table {
    Table::parse("t.csv".into(), text.as_bytes()).unwrap()
}

fn error(text: &str, target: &str) -> String {
    Recipe::infer(&table(text), target, Scale::Max)
        .unwrap_err()
        .to_string()
}

#[test]
fn inferring_and_applying_at_once_gives_what_applying_gives() {
    let numeric = "a,b,y\n1,10,yes\n,20,no\n3,,yes\n1,40,no\n";
    let with_text = "a,c,y\n1,red,1\n2,blue,0\n,red,1\n";
    for text in [numeric, with_text] {
        let t = table(text);
        let (recipe, data) = Recipe::infer_and_apply(&t, "y", Scale::Standard).unwrap();
        let again = Recipe::infer(&t, "y", Scale::Standard).unwrap();
        assert_eq!(recipe.feature_names(), again.feature_names());
        assert_eq!(data, again.apply(&t).unwrap(), "{text}");
    }
    let bad = table("a,y\n1,yes\n2,maybe\n3,no\n");
    assert!(Recipe::infer_and_apply(&bad, "y", Scale::Max).is_err());
}

#[test]
fn numeric_columns_are_mode_filled_and_max_scaled_in_file_order() {
    let t = table("b,y,a\n2,0,4\n,1,4\n2,0,\n-8,1,1\n");
    let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
    let data = recipe.apply(&t).unwrap();
    assert_eq!(data.features, ["b", "a"]);
    assert_eq!(data.y, [0.0, 1.0, 0.0, 1.0]);
    // b: mode 2, max |b| 8; a: mode 4, max 4.
    assert_eq!(data.x, [0.25, 1.0, 0.25, 1.0, 0.25, 1.0, -1.0, 0.25]);
}

#[test]
fn standard_scaling_centres_and_divides_by_std() {
    let t = table("x,y\n1,0\n3,1\n");
    let data = Recipe::infer(&t, "y", Scale::Standard)
        .unwrap()
        .apply(&t)
        .unwrap();
    assert_eq!(data.x, [-1.0, 1.0]);
}

#[test]
fn text_columns_are_one_hot_or_dropped_and_binary_numbers_stay() {
    let mut csv = String::from("id,port,flag,y\n");
    for i in 0..12 {
        let port = ["S", "C", "", "Q"][i % 4];
        csv.push_str(&format!("p{i},{port},{},{}\n", i % 2, i % 2));
    }
    let t = table(&csv);
    let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
    assert_eq!(
        recipe.feature_names(),
        ["port_C", "port_Q", "port_S", "flag"]
    );
    assert_eq!(
        recipe.notices,
        ["column 'id' has 12 distinct text values (a name or an id?): dropped"]
    );
    let data = recipe.apply(&t).unwrap();
    // Row 2 has an empty port: filled with the mode (ties go to the smallest, "C").
    assert_eq!(&data.x[8..12], [1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn target_labels_map_to_zero_and_one() {
    let recipe = Recipe::infer(&table("x,y\n1,no\n2,Yes\n3,yes\n"), "y", Scale::Max).unwrap();
    assert_eq!(recipe.target.positive, "Yes");
    let t = table("x,y\n1,benign\n2,malignant\n");
    let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
    assert_eq!(
        recipe.notices,
        ["target 'y': 'malignant' → 1, 'benign' → 0"]
    );
    assert_eq!(recipe.apply(&t).unwrap().y, [0.0, 1.0]);
    let recipe = Recipe::infer(&table("x,y\n1,1.0\n2,0\n3,1\n"), "y", Scale::Max).unwrap();
    assert!(recipe.notices.is_empty());
}

#[test]
fn missing_markers_mean_missing_everywhere() {
    // NA in a text column is filled with the mode, not a category of its own.
    let t = table("c,y\na,0\nNA,1\na,0\nb,1\n");
    let recipe = Recipe::infer(&t, "y", Scale::Max).unwrap();
    assert_eq!(recipe.feature_names(), ["c_a", "c_b"]);
    assert_eq!(&recipe.apply(&t).unwrap().x[2..4], [1.0, 0.0]);
    // NA in the target is an empty target, with its line.
    assert!(
        error("x,y\n1,0\n2,NA\n3,1\n", "y")
            .starts_with("t.csv: line 3: target column 'y' is empty")
    );
}

#[test]
fn values_in_messages_stay_on_one_line() {
    let mut csv = String::from("x,y\n");
    for i in 0..30 {
        csv.push_str(&format!("{i},{}\n", i % 2));
    }
    csv.push_str("\"4\n2\",1\n");
    let message = error(&csv, "y");
    assert!(message.contains("'4\\n2' is not a number"), "{message}");
    assert!(!message.contains('\n'));
}

#[test]
fn bad_targets_and_columns_are_reported() {
    assert_eq!(
        error("a,b\n1,2\n", "Survived"),
        "t.csv: no column named 'Survived' to predict (choose --target from: a, b)"
    );
    assert_eq!(
        error("x,y\n1,a\n2,b\n3,c\n", "y"),
        "t.csv: target column 'y' must take exactly two values, but takes 3: 'a', 'b', 'c' (choose a binary column with --target)"
    );
    assert!(error("x,y\n1,a\n2,a\n", "y").contains("takes 1: 'a'"));
    assert!(error("x,y\n1,0\n2,\n", "y").starts_with("t.csv: line 3: target column 'y' is empty"));
    assert!(error("y\n1\n0\n", "y").contains("no usable feature column"));
    let mut csv = String::from("x,y\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "{},{}\n",
            if i == 7 { "abc".into() } else { i.to_string() },
            i % 2
        ));
    }
    assert!(error(&csv, "y").starts_with("t.csv: line 9, column 'x': 'abc' is not a number"));
}

#[test]
fn other_tables_use_the_training_statistics() {
    let train = table("x,c,y\n4,a,0\n2,b,1\n");
    let recipe = Recipe::infer(&train, "y", Scale::Max).unwrap();
    let valid = table("c,y,x\nb,1,8\nz,0,\n");
    let data = recipe.apply(&valid).unwrap();
    // x / 4 (the training max); unseen category 'z' encodes as all zeros; empty x is the mode.
    assert_eq!(data.x, [2.0, 0.0, 1.0, 0.5, 0.0, 0.0]);
    let other = table("x,y\n1,0\n");
    assert!(
        recipe
            .apply(&other)
            .unwrap_err()
            .to_string()
            .contains("missing 'c'")
    );
    let bad = table("x,c,y\n1,a,maybe\n");
    assert!(
        recipe
            .apply(&bad)
            .unwrap_err()
            .to_string()
            .contains("'maybe', which is not one of")
    );
}
