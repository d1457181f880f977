//! Random and mutated input for every reader a user's file reaches: the CSV reader and the
//! preprocessing, session files, safetensors weights, and the flags. Not one panic, and every
//! failure is one line. `PROPTEST_CASES` sets the cases per reader (CI: the default below).

use nnfs_tui::cli::Cli;
use nnfs_tui::data::prep::Recipe;
use nnfs_tui::data::table::Table;
use nnfs_tui::model::network::init_weights;
use nnfs_tui::report::weights::Weights;
use nnfs_tui::settings::{self, Scale};
use proptest::prelude::*;

/// Cases per reader: about 3 s of a debug build for the four (30,000 each were run once).
const CASES: u32 = 4000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(CASES),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One edit of a seed: overwrite, insert or delete a byte.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to the formats, and any byte.
    let byte = prop_oneof![
        prop::sample::select(b",;\t|\n\r\"'=[]{}.-0123456789eE ".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for edit in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match *edit {
            Edit::Set(i, b) if !bytes.is_empty() => {
                let i = at(i, bytes.len());
                bytes[i] = b;
            }
            Edit::Insert(i, b) => bytes.insert(at(i, bytes.len() + 1), b),
            Edit::Delete(i) if !bytes.is_empty() => {
                bytes.remove(at(i, bytes.len()));
            }
            _ => {}
        }
    }
    bytes
}

/// Mutated seeds, and bytes from nowhere.
fn input(seed: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(edit(), 1..24).prop_map(move |edits| mutate(seed, &edits)),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

fn one_line(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !message.contains('\n'),
        "a message of more than one line: {message:?}"
    );
    prop_assert!(!message.is_empty());
    Ok(())
}

const CSV: &[u8] = b"Survived,Pclass,Name,Sex,Age,Fare,Embarked\n\
0,3,\"Braund, Mr. Owen\",male,22,7.25,S\n1,1,\"Cumings, Mrs.\",female,38,71.28,C\n\
1,3,Heikkinen,female,,7.92,S\n0,2,x,male,35,NA,Q\n";

const SESSION: &[u8] = b"lr = 1.4\nhidden = [10, 10]\nepochs = 300\nseed = 442\n\
backend = \"cpu\"\npace = 30\nvalid_frac = 0.2\nsplit_seed = 42\ndataset = \"circle\"\n\
points = 400\nnoise = 0.1\nsweep = \"0.01..100\"\nsteps = 5\nheadless = true\n";

proptest! {
    #![proptest_config(config())]

    #[test]
    fn csv_files_never_panic(bytes in input(CSV), delimiter in prop::option::of(prop::sample::select(b",;\t|".to_vec()))) {
        match Table::parse_with("f.csv".into(), &bytes, delimiter, &mut |_| {}) {
            Err(error) => one_line(&error.to_string())?,
            Ok(table) => {
                let target = table.header.first().cloned().unwrap_or_default();
                for scale in [Scale::Max, Scale::Standard] {
                    match Recipe::infer_and_apply(&table, &target, scale) {
                        Err(error) => one_line(&error.to_string())?,
                        Ok((recipe, data)) => {
                            prop_assert_eq!(data.x.len(), data.rows() * data.n_features());
                            prop_assert_eq!(data.features, recipe.feature_names());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn session_files_never_panic(bytes in input(SESSION)) {
        let text = String::from_utf8_lossy(&bytes);
        match nnfs_tui::config::parse(&text, "s.toml") {
            Err(error) => one_line(&error.to_string())?,
            Ok(layer) => {
                if let Err(why) = settings::resolve(layer, None) {
                    one_line(&why)?;
                }
            }
        }
    }

    #[test]
    fn weights_files_never_panic(edits in prop::collection::vec(edit(), 1..16), noise in prop::collection::vec(any::<u8>(), 0..128), raw in any::<bool>()) {
        let seed = init_weights(3, &[4, 2], 1).to_bytes().unwrap();
        let bytes = if raw { noise } else { mutate(&seed, &edits) };
        if let Err(problem) = Weights::from_bytes(&bytes) {
            one_line(&problem)?;
        }
    }

    #[test]
    fn flags_never_panic(words in prop::collection::vec(prop_oneof![
        prop::sample::select(vec![
            "--lr", "--hidden", "--epochs", "--seed", "--dataset", "--points", "--noise",
            "--sweep", "--steps", "--batch-size", "--valid-frac", "--test-frac", "--pace",
            "--delimiter", "--backend", "--headless", "--format", "--data", "--scale", "circle",
            "0", "-1", "1e400", "NaN", "0.5", "10,10", "0..1", "max", "tab", ";", "",
        ]).prop_map(str::to_string),
        "[ -~]{0,12}",
    ], 0..8)) {
        let args = std::iter::once("nnfs-tui".to_string()).chain(words);
        match <Cli as clap::Parser>::try_parse_from(args) {
            Err(error) => prop_assert!(!error.to_string().trim().is_empty()),
            Ok(cli) => {
                if let Err(why) = settings::resolve(cli.layer(), None) {
                    one_line(&why)?;
                }
            }
        }
    }
}
