//! A device's state saved to a path and read back: the one place the
//! bindings touch files, so an app never writes its state by hand. Both
//! calls are the core's ([`partcert::blocklist::Blocklist::save`] and
//! [`partcert::blocklist::Blocklist::load`]), as for the CLI and C: the
//! state file at the path, and each compact list in a file of its own in
//! `<state>.lists/` beside it (`device.pcbs` keeps them in
//! `device.lists/`), mapped when loaded and checked block by block as
//! lookups read it. Saving is crash-safe: after a power cut at any point
//! the path holds the old state or the new one, each with its list files.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use partcert as pc;

use crate::device::{Blocklist, LoadedState, TrustStore};
use crate::error::{ErrorInfo, PartcertError};

/// Why a state file could not be saved or loaded.
///
/// Kotlin sees it as `StateFileException` (`.NoSuchState`, `.Io`,
/// `.Refused`), Swift as `StateFileError`; each reads as words (its
/// `Display`: Kotlin's `toString()`, Swift's `description` and
/// `localizedDescription`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum StateFileError {
    /// Nothing is saved at the path: a device's first run (start from an
    /// empty `Blocklist()`), or a state that was lost (then the device's
    /// anti-rollback protection starts again too).
    NoSuchState {
        /// The path given.
        path: String,
    },
    /// Reading or writing failed (a missing folder, no permission, a full
    /// disk, a list file beside the state gone): the core's 504 Io. A
    /// failed save leaves the state saved before.
    Io {
        /// The file or folder that could not be read or written: the
        /// state, or a list file or folder beside it.
        path: String,
        /// The operating system's message (not `message`: Kotlin's
        /// exceptions have one of their own).
        reason: String,
    },
    /// The files were read, but the core refused them as a state: 112
    /// CorruptState when the state file was damaged in storage, 206
    /// FileMismatch when a list file beside it is not the list the state
    /// names (or, later, when a lookup reads a damaged block of it),
    /// another code when it is not a saved state at all.
    Refused {
        /// The core's code, name, family and message.
        info: ErrorInfo,
    },
}

impl From<pc::Error> for StateFileError {
    fn from(error: pc::Error) -> Self {
        match error {
            pc::Error::Io { path, message } => StateFileError::Io {
                path,
                reason: message,
            },
            other => StateFileError::Refused {
                info: PartcertError::from(other).info(),
            },
        }
    }
}

impl fmt::Display for StateFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateFileError::NoSuchState { path } => write!(f, "{path}: no saved state"),
            StateFileError::Io { path, reason } => write!(f, "{path}: {reason}"),
            StateFileError::Refused { info } => info.fmt(f),
        }
    }
}

impl std::error::Error for StateFileError {}

#[uniffi::export]
impl Blocklist {
    /// Saves everything accepted (the lists and the anti-rollback marks,
    /// with the heads seen) to `path`, each compact list in a file of its
    /// own in `<path minus extension>.lists/` (a list file already there
    /// is not written again), crash-safe: list files first, then the
    /// state replaces the old one atomically (a temporary file in the same
    /// folder, flushed, renamed over `path`, the folder flushed), then the
    /// list files no state names any more are removed. Read it back with
    /// `loadBlocklistStateFrom`. Save a path from one thread at a time.
    pub fn save_state_to(&self, path: String) -> Result<(), StateFileError> {
        Ok(self.0.load().save(Path::new(&path))?)
    }
}

/// Reads back a state saved by `Blocklist.saveStateTo(path)`, keeping what
/// `trust` still pins and naming, apart, the authorities it no longer pins
/// (as `loadBlocklistState`). Each compact list's file is mapped, not
/// read: its blocks are checked against the root its signature covers as
/// lookups first read them (a lookup that reads a damaged block throws
/// 206, never answers). `NoSuchState` when nothing is saved there.
#[uniffi::export]
pub fn load_blocklist_state_from(
    path: String,
    trust: Arc<TrustStore>,
) -> Result<LoadedState, StateFileError> {
    let file = Path::new(&path);
    // The core says 504 for a file that is not there: a first run is told
    // apart here (a missing folder stays an Io error).
    let folder = file
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty());
    if !file.exists() && folder.is_none_or(Path::is_dir) {
        return Err(StateFileError::NoSuchState { path });
    }
    let loaded = pc::Blocklist::load(file, &trust.0.load())?;
    Ok(LoadedState {
        blocklist: Blocklist::holding(loaded.blocklist),
        dropped: loaded.dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DAY, T0, register};
    use pc::blocklist::{
        BlockKey, BlocklistEntry, Format, ListVersion, ListingStatus, Publication, Reason,
        lists_folder,
    };

    /// A folder of its own for one test, emptied first.
    fn folder(name: &str) -> std::path::PathBuf {
        let folder =
            std::env::temp_dir().join(format!("partcert-uniffi-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("folder");
        folder
    }

    /// How many handsets the compact list holds: enough for several
    /// 64 KiB blocks.
    const LISTED: u64 = 30_000;

    /// The `n`th handset the register lists as stolen.
    fn stolen(n: u64) -> pc::Imei {
        pc::Imei::with_check_digit(35_000_000_000_000 + n).expect("imei")
    }

    /// A register's compact snapshot listing `LISTED` stolen handsets, and
    /// the trust store that pins the register.
    fn compact_snapshot() -> (Arc<TrustStore>, Vec<u8>) {
        let (register, trust) = register(7);
        let listed = (0..LISTED)
            .map(|n| BlocklistEntry::handset(stolen(n), Reason::Stolen, T0, ListingStatus::Final));
        let publication = Publication {
            format: Format::Compact,
            version: ListVersion::new(0, 1),
            issued_at: T0,
            expires_at: T0 + 2 * DAY,
            base: pc::blocklist::Base::None,
            delisted: &[],
        };
        let list = register
            .publish(&publication, listed.collect::<Vec<_>>())
            .expect("published")
            .list;
        (trust, list.as_bytes().to_vec())
    }

    /// A device holding a compact snapshot saves it to a path: the state
    /// file, and the list in a file of its own beside it; read back, it
    /// holds the same list and finds the same handsets. A byte of the list
    /// altered on disk is refused (206) by the lookup that reads its
    /// block, not at load; a list file gone is an Io error naming it.
    #[test]
    fn a_compact_list_is_saved_beside_the_state_and_read_back() {
        let (trust, snapshot) = compact_snapshot();
        let (first, last) = (
            BlockKey::Imei(stolen(0)),
            BlockKey::Imei(stolen(LISTED - 1)),
        );
        let device = Blocklist::new();
        device
            .apply(Arc::clone(&trust), snapshot, T0 + 60)
            .expect("applied");
        let folder = folder("compact");
        let path = folder.join("device.pcbs");
        device
            .save_state_to(path.display().to_string())
            .expect("saved");
        let list_files: Vec<_> = std::fs::read_dir(lists_folder(&path))
            .expect("device.lists/")
            .map(|entry| entry.expect("entry").path())
            .collect();
        assert_eq!(list_files.len(), 1);
        assert_eq!(
            list_files[0].extension().and_then(|e| e.to_str()),
            Some("pccs")
        );
        let loaded = load_blocklist_state_from(path.display().to_string(), Arc::clone(&trust))
            .expect("loads");
        assert_eq!(loaded.dropped, vec![]);
        assert_eq!(loaded.blocklist.lists(), device.lists());
        let found = loaded.blocklist.lookup(vec![first, last]);
        assert_eq!(found.map(|listings| listings.len()), Ok(2));
        // The list's last byte altered on disk: the load does not read
        // that block; the lookup that does refuses.
        let mut altered = std::fs::read(&list_files[0]).expect("list file");
        assert!(altered.len() > 2 * 65_536, "{} bytes", altered.len());
        *altered.last_mut().expect("a byte") ^= 1;
        std::fs::write(&list_files[0], &altered).expect("altered");
        let damaged = load_blocklist_state_from(path.display().to_string(), Arc::clone(&trust))
            .expect("loads: the damage is not read yet");
        let refused = damaged.blocklist.lookup(vec![last]);
        assert_eq!(
            refused.map_err(|e| e.info().name),
            Err("FileMismatch".into())
        );
        std::fs::remove_file(&list_files[0]).expect("list file removed");
        let lost = load_blocklist_state_from(path.display().to_string(), trust).map(|l| l.dropped);
        std::fs::remove_dir_all(&folder).expect("cleaned up");
        let list_path = list_files[0].display().to_string();
        assert!(
            matches!(&lost, Err(StateFileError::Io { path, .. }) if *path == list_path),
            "{lost:?}"
        );
    }

    /// Nothing saved is `NoSuchState` (a bare file name too); a missing
    /// folder is `Io`; a damaged state file is `Refused` (malformed).
    #[test]
    fn a_state_that_is_not_there_or_damaged_is_told_apart() {
        let folder = folder("missing");
        let path = folder.join("device.pcbs").display().to_string();
        let trust = TrustStore::new();
        let missing = load_blocklist_state_from(path.clone(), trust.clone());
        assert_eq!(
            missing.map(|l| l.dropped),
            Err(StateFileError::NoSuchState { path: path.clone() })
        );
        let bare = "partcert-uniffi-never-saved.pcbs".to_owned();
        let bare_missing = load_blocklist_state_from(bare.clone(), trust.clone());
        assert_eq!(
            bare_missing.map(|l| l.dropped),
            Err(StateFileError::NoSuchState { path: bare })
        );
        Blocklist::new().save_state_to(path.clone()).expect("saved");
        let nowhere = folder.join("no-folder").join("device.pcbs");
        let nowhere = nowhere.display().to_string();
        assert!(matches!(
            Blocklist::new().save_state_to(nowhere.clone()),
            Err(StateFileError::Io { .. })
        ));
        assert!(matches!(
            load_blocklist_state_from(nowhere, trust.clone()),
            Err(StateFileError::Io { .. })
        ));
        std::fs::write(&path, b"PCBS damaged").expect("damaged");
        let refused = load_blocklist_state_from(path, trust).map(|l| l.dropped);
        std::fs::remove_dir_all(&folder).expect("cleaned up");
        assert!(
            matches!(&refused, Err(StateFileError::Refused { info }) if info.family == "malformed"),
            "{refused:?}"
        );
    }
}
