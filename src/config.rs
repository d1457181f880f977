//! Session files (`--config session.toml`): the settings as TOML keys named after the flags
//! (`valid_frac` for `--valid-frac`), read into a settings [`Layer`] and checked as the flags
//! are. Relative paths in a file are taken from the file's folder. The dashboard's `c` writes
//! one with [`session_text`].

use crate::error::{Error, Result};
use crate::files::Unfit;
use crate::settings::values::Raw;
use crate::settings::{FilePath, Layer, Pace, RunSettings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The largest session file read: one is a few hundred bytes, and a device or a wrong file
/// must not fill the memory.
pub const MAX_BYTES: u64 = 1 << 20;

/// Reads and checks a session file. Every problem (unreadable file, a device or FIFO, a file
/// over [`MAX_BYTES`], bad TOML, unknown key, bad value) is one [`Error`] naming the file and,
/// where it applies, the line and column.
pub fn load(path: &Path) -> Result<Layer> {
    let file = path.display().to_string();
    let fail = |position, problem| Error::Config {
        file: file.clone(),
        position,
        problem,
    };
    let bytes = crate::files::read_at_most(path, MAX_BYTES).map_err(|unfit| {
        unfit.error(path, |unfit| {
            let what = match unfit {
                Unfit::TooLarge { .. } => ", far more than settings take: is it the right file?",
                _ => ": give a session file (TOML)",
            };
            fail(None, format!("{unfit}{what}"))
        })
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let before = String::from_utf8_lossy(bytes.get(..valid).unwrap_or_default());
        fail(
            Some(line_column(&before, before.len())),
            "the text is not UTF-8 (save the file as UTF-8, as TOML requires)".into(),
        )
    })?;
    let mut layer = parse(&text, &file)?;
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        map_paths(&mut layer, |p| {
            if p.is_relative() {
                folder.join(p)
            } else {
                p.to_path_buf()
            }
        });
    }
    Ok(layer)
}

/// Parses and checks settings written in TOML; `file` names them in errors. Paths are kept as
/// written.
pub fn parse(text: &str, file: &str) -> Result<Layer> {
    let fail = |span: Option<std::ops::Range<usize>>, problem: String| Error::Config {
        file: file.to_string(),
        position: span.map(|span| line_column(text, span.start)),
        problem,
    };
    let keys: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(text).map_err(|error| {
            let problem = error
                .span()
                .and_then(|span| too_large(text, span))
                .unwrap_or_else(|| one_line(error.message()));
            fail(error.span(), problem)
        })?;
    let mut table = toml::Table::new();
    for (key, value) in keys {
        let (key_span, key) = (key.span(), key.into_inner());
        let (value_span, value) = (value.span(), value.into_inner());
        // Each key alone first, so that a problem names the key and its place.
        let alone = toml::Table::from_iter([(key.clone(), value.clone())]);
        if let Err(error) = Layer::deserialize(alone) {
            let message = one_line(error.message());
            return Err(match message.strip_prefix("unknown field") {
                Some(rest) => fail(Some(key_span), format!("unknown key{rest}")),
                None => fail(Some(value_span), format!("{key}: {message}")),
            });
        }
        table.insert(key, value);
    }
    Layer::deserialize(table).map_err(|error| fail(None, one_line(error.message())))
}

/// The largest whole number a TOML file holds.
const TOML_LARGEST: i64 = i64::MAX;

/// What to say of a whole number too large for TOML at `span` (TOML's own message names a
/// Rust type): what its key's flag says of it, or, where the flag takes it, that a session
/// file cannot hold it. `None` when `span` is no such number.
fn too_large(text: &str, span: std::ops::Range<usize>) -> Option<String> {
    let literal = text.get(span.clone())?.trim();
    let digits = literal
        .strip_prefix('+')
        .unwrap_or(literal)
        .replace('_', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.parse::<i64>().is_ok() {
        return None;
    }
    let key = key_before(text, span.start)?;
    let problem = match Layer::check(&key, Raw::Big(digits.clone()))? {
        Err(problem) => problem,
        Ok(()) => format!(
            "{digits} is more than a session file can hold (at most {TOML_LARGEST}): give it as --{}",
            key.replace('_', "-")
        ),
    };
    Some(format!("{key}: {problem}"))
}

/// The key whose value is at byte `offset` of `text`: the name before the nearest `=` before
/// it.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let equals = before.rfind('=')?;
    let line_start = before[..equals].rfind('\n').map_or(0, |i| i + 1);
    let key = before[line_start..equals]
        .trim()
        .trim_matches('"')
        .trim_matches('\'');
    Some(key.to_string())
}

/// Toml's messages are short; a second line goes onto the first.
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("; ")
}

/// The settings as a TOML document, keys in the order of `--help`; absent settings are left
/// out.
pub fn to_toml(layer: &Layer) -> Result<String, String> {
    toml::to_string(layer).map_err(|error| format!("cannot write the settings as TOML: {error}"))
}

/// The dashboard's current run and pace as the text of a session file at `path`, which
/// `nnfs-tui --config path` replays. Relative data paths stay relative when `path` is in the
/// working folder, and are made absolute otherwise (a file's paths are taken from its folder).
pub fn session_text(run: &RunSettings, pace: Pace, path: &Path) -> Result<String, String> {
    let mut layer = Layer {
        pace: Some(pace),
        ..run.layer()
    };
    let folder = path.parent().unwrap_or(Path::new(""));
    if !(folder.as_os_str().is_empty() || folder == Path::new(".")) {
        map_paths(&mut layer, |p| {
            std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
        });
    }
    Ok(format!(
        "# nnfs-tui session: replay with `nnfs-tui --config {}`\n{}",
        path.display(),
        to_toml(&layer)?
    ))
}

fn map_paths(layer: &mut Layer, f: impl Fn(&Path) -> std::path::PathBuf) {
    let paths = [
        &mut layer.data,
        &mut layer.valid,
        &mut layer.test,
        &mut layer.init,
        &mut layer.save,
        &mut layer.save_best,
        &mut layer.history,
    ];
    for FilePath(path) in paths.into_iter().flatten() {
        *path = f(path);
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests;
