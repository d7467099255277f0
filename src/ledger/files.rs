//! Durable file writes: temp file, fsync, rename, fsync of the folder. The
//! only place the ledger writes a file's bytes; nothing here knows git.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::LedgerError;

/// The temp name a file is written under before it is renamed into place.
pub(crate) fn temp_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.cv-tmp"))
}

/// Writes `bytes` to `file` atomically and durably: temp file, fsync,
/// rename, fsync of the folder.
pub fn write_durably(file: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(LedgerError::io("create", dir))?;
    let temp = temp_path(file);
    // Created afresh, never opened: whatever stands at the temp name (a
    // symlink a clone carried, pointing anywhere) is removed, not written
    // through, and `create_new` (O_EXCL) refuses to follow one.
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(LedgerError::io("remove", &temp)(e));
        }
        _ => {}
    }
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(LedgerError::io("create", &temp))?;
    out.write_all(bytes)
        .map_err(LedgerError::io("write", &temp))?;
    out.sync_all().map_err(LedgerError::io("sync", &temp))?;
    drop(out);
    std::fs::rename(&temp, file).map_err(LedgerError::io("rename into place", file))?;
    sync_dir(dir)
}

pub(crate) fn remove_durably(file: &Path) -> Result<(), LedgerError> {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(LedgerError::io("remove", file)(e)),
    }
    sync_dir(file.parent().unwrap_or(Path::new(".")))
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    // A rename is only durable once its folder is; Windows cannot open a
    // folder for syncing, and NTFS journals renames itself.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(LedgerError::io("sync", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A file's bytes, or `None` when there is no file.
pub(crate) fn read_if_present(file: &Path) -> Result<Option<Vec<u8>>, LedgerError> {
    match std::fs::read(file) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(LedgerError::io("read", file)(e)),
    }
}
