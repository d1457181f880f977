//! Writing the files a user asks for (weights, histories, session files): one place, one
//! kind of error.

use crate::error::{Error, Result};
use std::path::Path;

/// Writes `bytes` to `path`, replacing what was there.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
