//! Reading and writing the files a user names. Reads refuse devices and FIFOs (they may never
//! end) and take at most what the file can hold. Writes are never half-written: a file is
//! written to a temporary file beside its target and renamed over it once complete, so an
//! interrupted or failed write (a signal, a full disk) leaves the old file or none, never a
//! torn one, and no empty file is created in advance. A target that exists and is a device
//! (`/dev/null`, `/dev/full`, a terminal) is written as it is; a FIFO is refused, as its
//! opening would wait for a reader.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use tempfile::NamedTempFile;

/// Why a file named to be read cannot be.
#[derive(Debug, thiserror::Error)]
pub enum Unfit {
    /// A device, FIFO or socket: reading it may never end.
    #[error("is not a regular file (a device or a pipe, which may never end)")]
    NotAFile,
    #[error("is larger than {}", size_text(*.limit))]
    TooLarge { limit: u64 },
    /// Its first bytes say it cannot be what it should be.
    #[error("{0}")]
    Malformed(String),
    #[error(transparent)]
    Io(std::io::Error),
}

impl Unfit {
    /// An [`Error`] for `path`: the system's errors as [`Error::Read`], the rest by `problem`.
    pub fn error(self, path: &Path, problem: impl FnOnce(Unfit) -> Error) -> Error {
        match self {
            Unfit::Io(source) => Error::Read {
                path: path.to_path_buf(),
                source,
            },
            unfit => problem(unfit),
        }
    }
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Whether reading a file of this kind may never end (a device, FIFO or socket). A folder
/// fails when it is read, saying so.
pub fn may_never_end(meta: &std::fs::Metadata) -> bool {
    !meta.is_file() && !meta.is_dir()
}

/// Opens `path` to read, refusing what [`may_never_end`], and says how long it is.
pub fn open_regular(path: &Path) -> Result<(File, u64), Unfit> {
    // Checked before opening: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path).map_err(Unfit::Io)?;
    if may_never_end(&meta) {
        return Err(Unfit::NotAFile);
    }
    let file = File::open(path).map_err(Unfit::Io)?;
    let meta = file.metadata().map_err(Unfit::Io)?;
    if may_never_end(&meta) {
        return Err(Unfit::NotAFile);
    }
    Ok((file, meta.len()))
}

/// Reads `path` whole, refusing a file longer than `limit` bytes, and what [`may_never_end`].
pub fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, Unfit> {
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(Unfit::TooLarge { limit });
    }
    read_up_to(file, len, limit)
}

/// Up to `limit` bytes of `file` (`len` long when it was opened); more is [`Unfit::TooLarge`]
/// (a file that grows while it is read).
fn read_up_to(file: File, len: u64, limit: u64) -> Result<Vec<u8>, Unfit> {
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(limit)).unwrap_or_default());
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Unfit::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Unfit::TooLarge { limit });
    }
    Ok(bytes)
}

/// The largest safetensors header read: ours are a few hundred bytes (safetensors itself allows
/// 100 MB, which as JSON would take far more memory than any set of weights here).
pub const MAX_SAFETENSORS_HEADER: u64 = 1 << 20;

/// Reads a safetensors file, refusing what [`may_never_end`]. Its length follows from its
/// first 8 bytes (the header's length) and its header (where the last tensor ends): both are
/// checked against the file before its tensors are read, so a file that is something else
/// costs no more than its first bytes.
pub fn read_safetensors(path: &Path) -> Result<Vec<u8>, Unfit> {
    let not_safetensors = |why: String| Unfit::Malformed(format!("not a safetensors file ({why})"));
    let (mut file, len) = open_regular(path)?;
    let mut prefix = [0u8; 8];
    if len < 8 {
        return Err(not_safetensors(format!(
            "it has {len} bytes, fewer than a header's 8"
        )));
    }
    file.read_exact(&mut prefix).map_err(Unfit::Io)?;
    let header_len = u64::from_le_bytes(prefix);
    if header_len > MAX_SAFETENSORS_HEADER || header_len > len - 8 {
        return Err(not_safetensors(format!(
            "its first 8 bytes give a header of {header_len} bytes, in a file of {len} bytes"
        )));
    }
    let mut header = Vec::new();
    (&mut file)
        .take(header_len)
        .read_to_end(&mut header)
        .map_err(Unfit::Io)?;
    let tensors = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&header)
        .map_err(|e| not_safetensors(format!("its header is not a JSON object: {e}")))?;
    // Tensors lie back to back after the header: the data ends where the last one ends.
    let data_len = tensors
        .values()
        .filter_map(|tensor| tensor.get("data_offsets")?.get(1)?.as_u64())
        .max()
        .unwrap_or(0);
    let expected = (8 + header_len).saturating_add(data_len);
    if expected != len {
        return Err(not_safetensors(format!(
            "its header describes {expected} bytes, the file has {len}"
        )));
    }
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(&header);
    let rest = read_up_to(file, data_len, data_len).map_err(|unfit| match unfit {
        Unfit::TooLarge { .. } => not_safetensors("it grew while it was read".into()),
        other => other,
    })?;
    bytes.extend_from_slice(&rest);
    Ok(bytes)
}

/// Temporary files being written: a process ended at once by a second signal removes them
/// ([`remove_partial_files`]), as their owners would have when dropped.
static PARTIAL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes the temporary files of every [`Staged`] file not yet committed or dropped.
pub fn remove_partial_files() {
    remove_partial_files_where(|_| true);
}

fn remove_partial_files_where(chosen: impl Fn(&Path) -> bool) {
    let partial = PARTIAL.lock().unwrap_or_else(PoisonError::into_inner);
    for path in partial.iter().filter(|path| chosen(path)) {
        let _ = std::fs::remove_file(path);
    }
}

fn forget_partial(path: &Path) {
    let mut partial = PARTIAL.lock().unwrap_or_else(PoisonError::into_inner);
    partial.retain(|p| p != path);
}

/// Writes `bytes` to `path`, replacing what was there only once they are all written.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut staged = Staged::create(path)?;
    staged
        .write_all(bytes)
        .map_err(|source| write_error(path, source))?;
    staged.commit()
}

pub fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a [`Staged`] file's bytes go.
enum Sink {
    /// A temporary file beside the target, renamed over it by [`Staged::commit`].
    Temporary(BufWriter<NamedTempFile>),
    /// The target itself, which is no regular file.
    Direct(BufWriter<File>),
}

/// A file being written; the target appears, whole, at [`Staged::commit`]. Dropped without a
/// commit, the temporary file is removed.
pub struct Staged {
    target: PathBuf,
    /// `None` only once committed.
    sink: Option<Sink>,
}

impl Staged {
    /// Starts writing `path`: fails at once (naming the file) when its folder cannot take it,
    /// or when it is a FIFO (or a socket), which would wait for a reader.
    pub fn create(path: &Path) -> Result<Self> {
        let fail = |source| write_error(path, source);
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(waits_for_a_reader) {
            return Err(Error::WaitsForReader {
                path: path.to_path_buf(),
            });
        }
        let sink = if existing.is_some_and(|meta| !meta.is_file()) {
            Sink::Direct(BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(fail)?,
            ))
        } else {
            let folder = match path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => Path::new("."),
            };
            let name = path.file_name().map_or_else(
                || "nnfs-tui".into(),
                |name| name.to_string_lossy().into_owned(),
            );
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(".partial");
            // As File::create would make it (the umask applies), not a temporary file's 0600.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            let file = builder.tempfile_in(folder).map_err(fail)?;
            PARTIAL
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(file.path().to_path_buf());
            Sink::Temporary(BufWriter::new(file))
        };
        Ok(Staged {
            target: path.to_path_buf(),
            sink: Some(sink),
        })
    }

    /// Flushes what was written and puts the file in place.
    pub fn commit(mut self) -> Result<()> {
        let fail = |source| write_error(&self.target, source);
        match self.sink.take() {
            None => Ok(()),
            Some(Sink::Direct(mut file)) => file.flush().map_err(fail),
            Some(Sink::Temporary(file)) => {
                let temporary = file.get_ref().path().to_path_buf();
                let kept = file
                    .into_inner()
                    .map_err(|e| fail(e.into_error()))
                    .and_then(|file| {
                        file.as_file().sync_all().map_err(fail)?;
                        file.persist(&self.target)
                            .map(|_| ())
                            .map_err(|e| fail(e.error))
                    });
                // Renamed into place, or removed as it was dropped.
                forget_partial(&temporary);
                kept
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.target
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(Sink::Temporary(file)) = &self.sink {
            forget_partial(file.get_ref().path());
        }
    }
}

/// Whether opening this file to write would wait for a reader (a FIFO), or cannot work at all
/// (a socket).
fn waits_for_a_reader(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_fifo() || meta.file_type().is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

impl Write for Staged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut self.sink {
            Some(Sink::Temporary(file)) => file.write(bytes),
            Some(Sink::Direct(file)) => file.write(bytes),
            None => Ok(0),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Some(Sink::Temporary(file)) => file.flush(),
            Some(Sink::Direct(file)) => file.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_when_it_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        std::fs::write(&path, "old\n").unwrap();
        let mut staged = Staged::create(&path).unwrap();
        staged.write_all(b"new, half").unwrap();
        staged.flush().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        // Dropped unfinished: the old file stays, and no temporary file is left.
        drop(staged);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write(&path, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_folder_fails_at_once_naming_the_file() {
        let message = Staged::create(Path::new("/no/such/folder/w.safetensors"))
            .err()
            .map(|e| e.to_string())
            .unwrap();
        assert!(
            message.starts_with("cannot write /no/such/folder/w.safetensors: "),
            "{message}"
        );
    }

    #[test]
    fn a_fifo_is_refused_before_it_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        // Opened, either would wait for a reader or a writer that never comes.
        let message = Staged::create(&fifo).err().unwrap().to_string();
        assert!(
            message.contains("it is a FIFO, which would wait for a reader"),
            "{message}"
        );
        assert!(matches!(open_regular(&fifo), Err(Unfit::NotAFile)));
        assert!(matches!(
            read_at_most(Path::new("/dev/zero"), 10),
            Err(Unfit::NotAFile)
        ));
    }

    #[test]
    fn partial_files_are_removed_on_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut kept = Staged::create(&dir.path().join("kept.csv")).unwrap();
        let mut lost = Staged::create(&dir.path().join("lost.csv")).unwrap();
        kept.write_all(b"whole\n").unwrap();
        lost.write_all(b"half").unwrap();
        kept.commit().unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        // As a second signal does, before the process ends at once (here only this test's
        // files: others write theirs beside it).
        remove_partial_files_where(|path| path.starts_with(dir.path()));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["kept.csv"]);
        drop(lost);
    }

    #[test]
    fn reads_take_no_more_than_the_file_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "lr = 1\n").unwrap();
        assert_eq!(read_at_most(&path, 7).unwrap(), b"lr = 1\n");
        let message = read_at_most(&path, 6).unwrap_err().to_string();
        assert_eq!(message, "is larger than 6 bytes");
        assert_eq!(
            Unfit::TooLarge { limit: 1 << 20 }.to_string(),
            "is larger than 1 MB"
        );

        let weights = crate::model::network::init_weights(3, &[4], 1);
        let bytes = weights.to_bytes().unwrap();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_safetensors(&path).unwrap(), bytes);
        // A byte more or less than the header says: not what was saved.
        for wrong in [&bytes[..bytes.len() - 1], &[&bytes[..], b"!"].concat()] {
            std::fs::write(&path, wrong).unwrap();
            let message = read_safetensors(&path).unwrap_err().to_string();
            assert!(
                message.starts_with("not a safetensors file (its header describes "),
                "{message}"
            );
        }
        std::fs::write(&path, b"tiny").unwrap();
        let message = read_safetensors(&path).unwrap_err().to_string();
        assert_eq!(
            message,
            "not a safetensors file (it has 4 bytes, fewer than a header's 8)"
        );
    }

    #[test]
    fn a_device_is_written_as_it_is() {
        let message = write(Path::new("/dev/full"), &vec![0; 100_000]).unwrap_err();
        assert!(message.to_string().starts_with("cannot write /dev/full: "));
        write(Path::new("/dev/null"), b"gone").unwrap();
        assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()));
    }
}
