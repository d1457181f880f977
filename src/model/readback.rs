//! Reading results back from the device, and saying in one line why it failed.

use crate::error::{Error, Result};
use burn::tensor::Transaction;

pub(super) fn read_error(error: impl std::fmt::Display) -> Error {
    Error::Backend(format!(
        "reading results from the device failed: {}",
        one_line(&error.to_string())
    ))
}

/// A device error's report in one line: its first line and the deepest cause of that first
/// failure (`... (can't allocate buffer of size: 163840000)`).
fn one_line(report: &str) -> String {
    let mut lines = report.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default().to_string();
    let mut cause = None;
    let mut caused = false;
    for line in lines {
        if line == "Caused by:" {
            caused = true;
        } else if std::mem::take(&mut caused) {
            cause = Some(line);
        } else if cause.is_some() {
            break;
        }
    }
    match cause {
        Some(cause) if cause != first => format!("{first} ({cause})"),
        _ => first,
    }
}

/// The first value of each read-back tensor.
pub(super) fn scalars(reads: Transaction) -> Result<Vec<f32>> {
    reads
        .try_execute()
        .map_err(read_error)?
        .iter()
        .map(|data| {
            data.iter::<f32>()
                .next()
                .ok_or_else(|| read_error("empty tensor"))
        })
        .collect()
}

/// Every value of each read-back tensor.
pub(super) fn vectors(reads: Transaction) -> Result<Vec<Vec<f32>>> {
    reads
        .try_execute()
        .map_err(read_error)?
        .iter()
        .map(|data| {
            data.try_to_vec::<f32>()
                .map_err(|e| read_error(format!("{e:?}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_error_is_one_line() {
        let report = "An error happened during execution\nCaused by:\n  Several failures at once\n\
                      Caused by:\n  The bytes were never written\nCaused by:\n  An IO error happened\n\
                      Caused by:\n  can't allocate buffer of size: 163840000\n\
                      The bytes were never written (failure #17409)\n  skipped `ReduceKernel`";
        assert_eq!(
            one_line(report),
            "An error happened during execution (can't allocate buffer of size: 163840000)"
        );
        assert_eq!(one_line("plain"), "plain");
    }
}
