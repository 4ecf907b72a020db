//! Saving a file so a power cut leaves the old one or the new one, never
//! neither: the one write every front end (the `partcert` tool, the Kotlin
//! and Swift bindings) uses for a device's saved state, lists and keys.
//!
//! The rest of the library touches no file but through this module:
//! a half-written state is a device that has lost its lists, and a
//! national list is read in place from its file, never copied.

use std::io::{self, Write};
use std::path::Path;

use crate::blocklist::backing::{Backing, ObjectBytes};

/// A file mapped read-only.
struct Mapped(memmap2::Mmap);

impl Backing for Mapped {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The bytes of the file at `path`, used in place: a read-only memory map
/// (the pages the caller reads are read from the disk as it reads them,
/// and shared with every process that maps the same file). An empty file
/// reads as no bytes.
///
/// partcert writes the files it maps once, under a name of their content,
/// and replaces them only by renaming another file over the name: a mapped
/// file's bytes never change under a reader. A file cut short by someone
/// else while it is mapped would end the process that reads past its new
/// end (SIGBUS); one altered in place is caught when its blocks are
/// checked ([`Error::FileMismatch`](crate::Error::FileMismatch)).
pub(crate) fn map(path: &Path) -> io::Result<ObjectBytes> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(ObjectBytes::new(Vec::new()));
    }
    // SAFETY: the map is read-only and lives as long as its `Mapped`
    // owner; Rust's aliasing rules hold as long as no one changes the file
    // while it is mapped, which partcert never does (see above).
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok(ObjectBytes::new(Mapped(map)))
}

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteMode {
    /// Replace a file already at the path (otherwise an existing file is
    /// left as it is and the write fails with `AlreadyExists`).
    pub replace: bool,
    /// Readable by its owner only (a secret key); otherwise by anyone.
    pub secret: bool,
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same
/// folder, flushed to the disk, renamed over `path`, and the folder
/// flushed, so that after a crash at any point `path` holds either what
/// it held before or all of `bytes`. The temporary file is owner-only
/// until complete, and removed if the write fails.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: WriteMode) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".partcert-")
        .tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let bits = if mode.secret { 0o600 } else { 0o644 };
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(bits))?;
    }
    if mode.replace {
        file.persist(path).map_err(|error| error.error)?;
    } else {
        // Linked into place only if nothing appeared there meanwhile.
        file.persist_noclobber(path).map_err(|error| error.error)?;
    }
    sync_folder(folder)
}

/// Flushes a folder's entries (the rename) to the disk. Where folders
/// cannot be opened as files (Windows), the rename is as durable as the
/// file system makes it.
fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_replaced_whole_and_a_new_file_never_overwrites() {
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("device.pcbs");
        write_atomic(&path, b"old state", WriteMode::default()).expect("first write");
        let refused = write_atomic(&path, b"other", WriteMode::default());
        assert_eq!(
            refused.map_err(|e| e.kind()),
            Err(io::ErrorKind::AlreadyExists)
        );
        assert_eq!(std::fs::read(&path).expect("read"), b"old state");
        let replace = WriteMode {
            replace: true,
            ..WriteMode::default()
        };
        write_atomic(&path, b"new state", replace).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"new state");
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(folder.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("device.pcbs")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_key_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("root.key");
        let secret = WriteMode {
            secret: true,
            ..WriteMode::default()
        };
        write_atomic(&path, b"key", secret).expect("write");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("no-such-folder").join("state");
        let failed = write_atomic(&path, b"x", WriteMode::default());
        assert_eq!(failed.map_err(|e| e.kind()), Err(io::ErrorKind::NotFound));
    }
}
