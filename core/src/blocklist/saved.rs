//! A device's state on disk: a small state file, and each compact list in
//! a file of its own beside it, used in place.
//!
//! ```text
//! device.pcbs                    the state: marks, sorted lists, changes
//!                                since each compact snapshot, and each
//!                                compact list's name and Merkle leaves
//! device.lists/<sha256>.pccs     a compact snapshot as received, named by
//!                                the SHA-256 of its signed header
//! ```
//!
//! Loading reads the state file and, of each list file, its signed header;
//! it checks the saved leaves against the root the header signs (a few
//! milliseconds for a national list) and maps the file. Nothing else of the
//! list is read until a lookup reads it, and each 64 KiB block is checked
//! against its leaf the first time it is read: a verify against a national
//! list reads a handful of blocks. A list file replaced by another (another
//! register's, another version's) is refused at load; one altered or cut
//! short is refused when a lookup touches the damage, never answers.
//!
//! Saving is crash-safe: new list files are written first (each to a
//! temporary file, flushed and renamed; an existing one, same name, same
//! bytes, is kept), then the state file replaces the old one atomically,
//! then list files that neither the new nor the previous state names are
//! removed (a reader that loaded the previous state a moment ago still
//! finds its files). A power cut at any point leaves the old state or the
//! new one, each with its files.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use super::compact_snapshot::CompactSnapshot;
use super::device::Blocklist;
use super::publish::SignedList;
use super::storage::{LoadedState, StoredCompact};
use crate::error::Error;
use crate::file::{self, WriteMode};
use crate::ids::Fingerprint;
use crate::trust::TrustStore;

/// The extension of a saved list file.
const LIST_EXTENSION: &str = "pccs";

/// The folder a state at `path` keeps its list files in: `device.pcbs`
/// keeps them in `device.lists/`.
pub fn lists_folder(path: &Path) -> PathBuf {
    path.with_extension("lists")
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |error| Error::Io {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}

/// The name a compact snapshot is saved under: the SHA-256 of its signed
/// header (which commits to the list's root), so two different lists
/// never share a name.
fn signed_name(snapshot: &CompactSnapshot) -> Fingerprint {
    Fingerprint::of_bytes(snapshot.signed_part())
}

fn file_name(signed: &Fingerprint) -> String {
    format!("{}.{LIST_EXTENSION}", signed.to_hex())
}

impl Blocklist {
    /// Saves the device's state to `path`, each compact list in a file of
    /// its own in [`lists_folder`]`(path)`, crash-safe (see the module
    /// documentation). A list file already there under its name is not
    /// written again.
    ///
    /// Errors: [`Error::Io`] naming the file that could not be written; the
    /// state at `path` is then the one saved before.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let folder = lists_folder(path);
        let mut names = BTreeSet::new();
        for list in self.lists.values() {
            if let super::held::Held::Compact { snapshot, .. } = &list.held {
                let name = file_name(&signed_name(snapshot));
                let file = folder.join(&name);
                if names.is_empty() {
                    std::fs::create_dir_all(&folder).map_err(io_error(&folder))?;
                }
                if !file.exists() {
                    let written =
                        file::write_atomic(&file, snapshot.as_bytes(), WriteMode::default());
                    match written {
                        Err(error) if error.kind() != io::ErrorKind::AlreadyExists => {
                            return Err(io_error(&file)(error));
                        }
                        _ => {}
                    }
                }
                names.insert(name);
            }
        }
        let previous = std::fs::read(path)
            .ok()
            .and_then(|bytes| Self::open_stored(&bytes).ok())
            .map(|state| saved_names(&state.lists))
            .unwrap_or_default();
        let state = self.stored_state(|snapshot| StoredCompact::File {
            signed: signed_name(snapshot),
            leaves: snapshot.leaves().to_vec(),
        });
        let replace = WriteMode {
            replace: true,
            ..WriteMode::default()
        };
        file::write_atomic(path, &state, replace).map_err(io_error(path))?;
        remove_unnamed(&folder, &names, &previous);
        Ok(())
    }

    /// Loads a state saved by [`Blocklist::save`] (or by
    /// [`Blocklist::encode_state`], its lists kept in it), under the rules
    /// of [`Blocklist::load_state`]. Each compact list's file is mapped,
    /// not read: see the module documentation for what is checked when.
    ///
    /// Errors: [`Error::Io`] for a state or list file that cannot be read;
    /// [`Error::FileMismatch`] for a list file that is not the one the
    /// state names (another register's, another version's, cut short);
    /// [`Error::CorruptState`] for saved leaves that do not lead to the
    /// list's signed root.
    pub fn load(path: &Path, trust: &TrustStore) -> Result<LoadedState, Error> {
        let bytes = std::fs::read(path).map_err(io_error(path))?;
        let state = Self::open_stored(&bytes)?;
        let folder = lists_folder(path);
        Self::from_stored(state, trust, |stored| match stored {
            StoredCompact::Inline(bytes) => CompactSnapshot::decode(&bytes.0),
            StoredCompact::File { signed, leaves } => open_list(&folder, &signed, leaves),
            StoredCompact::None => Err(Error::CorruptState("blocklist state")),
        })
    }
}

impl SignedList {
    /// Reads a signed list from the file at `path`, told by its content
    /// as [`SignedList::decode`] does. A compact snapshot is mapped, not
    /// copied: its blocks are read once, by the SHA-256 pass that checks
    /// them against the signed root, and stay the file's pages (a national
    /// list applied from a file costs the list's size in memory, once).
    ///
    /// Errors: [`Error::Io`] for a file that cannot be read, and the
    /// decoder's errors.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let object = file::map(path).map_err(io_error(path))?;
        if crate::envelope::peek_type(object.bytes()) == Ok(crate::ObjectType::CompactSnapshot) {
            return Ok(SignedList::Compact(Box::new(
                CompactSnapshot::decode_object(object)?,
            )));
        }
        Self::decode(object.bytes())
    }
}

/// A saved list file, mapped and checked against the state's record of it.
fn open_list(
    folder: &Path,
    signed: &Fingerprint,
    leaves: Vec<super::merkle::Hash>,
) -> Result<CompactSnapshot, Error> {
    let path = folder.join(file_name(signed));
    let mismatch = |what| Error::FileMismatch {
        path: path.display().to_string(),
        what,
    };
    let object = file::map(&path).map_err(io_error(&path))?;
    let label = path.display().to_string();
    let snapshot = CompactSnapshot::with_saved_leaves(object, leaves, label).map_err(|error| {
        match error {
            // Saved leaves that do not lead to this file's root: another
            // list under the name the state gave.
            Error::CorruptState(_) => mismatch("list (its root is not the saved one)"),
            Error::Truncated | Error::TrailingBytes(_) => mismatch("size"),
            // A block the header lies in, already named.
            Error::FileMismatch { .. } => error,
            // Whatever else its bytes say, it is not the list saved under
            // this name (it was one when saved).
            _ => mismatch("file (not the signed list saved under this name)"),
        }
    })?;
    if signed_name(&snapshot) != *signed {
        return Err(mismatch("signed header"));
    }
    Ok(snapshot)
}

/// The list files a stored state names.
fn saved_names(lists: &[super::storage::StoredList]) -> BTreeSet<String> {
    lists
        .iter()
        .filter_map(|list| match &list.compact {
            StoredCompact::File { signed, .. } => Some(file_name(signed)),
            _ => None,
        })
        .collect()
}

/// Removes the list files in `folder` that neither `names` nor `previous`
/// names. Best effort: a file that cannot be removed now is removed by a
/// later save.
fn remove_unnamed(folder: &Path, names: &BTreeSet<String>, previous: &BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_list = name.ends_with(&format!(".{LIST_EXTENSION}"));
        if is_list && !names.contains(&name) && !previous.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
