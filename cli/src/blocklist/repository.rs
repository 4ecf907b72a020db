//! A register's repository on its own disk: the folder `blocklist publish`
//! writes and any static web server serves — `head.pchd` and
//! `lists/<sha256>.<ext>` — read back as a device reads it over HTTP.
//!
//! What the repository means is the core's (`Head`, `Blocklist::update`);
//! this module only finds its files in a folder.

use std::io::Read;
use std::path::{Path, PathBuf};

use partcert::blocklist::{FileRef, Head};
use partcert::ids::KeyId;
use partcert::{Blocklist, Error, ObjectType, TrustStore};

use serde_json::{Value, json};

use crate::error::{CliError, exit};
use crate::files::{self, Src};
use crate::text;

/// The head's name in a repository (its URL is `URL/head.pchd`).
pub const HEAD: &str = "head.pchd";

/// A repository's head as its folder holds it, and the lists it serves,
/// replayed as a new device would apply them.
pub struct Served {
    /// The head.
    pub head: Head,
    /// A device that fetched and applied every file the head names.
    pub device: Blocklist,
}

/// The head file of the repository `repo`.
pub fn head_path(repo: &Path) -> PathBuf {
    repo.join(HEAD)
}

/// The head `repo` serves for `register`, with its bytes: `None` when it
/// has none yet (a first publish). It must be this register's, signed by
/// a key `trust` accepts.
pub fn head(
    repo: &Path,
    flag: &str,
    register: &KeyId,
    trust: &TrustStore,
    now: u64,
) -> Result<Option<(Vec<u8>, Head)>, CliError> {
    let path = head_path(repo);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = files::read_bytes(&path)?;
    let head = files::object_from(
        Src::new(&path, flag),
        &bytes,
        ObjectType::RepositoryHead,
        Head::decode,
    )?;
    if head.authority() != *register {
        return Err(CliError::core(Error::WrongAuthority)
            .file(&path)
            .flag(flag.to_owned())
            .exit(exit::USAGE)
            .message(format!(
                "this repository serves register {}'s lists, not register {}'s",
                head.authority(),
                register
            ))
            .hint("give the repository of the register whose key signs here"));
    }
    // Its signer and signature, as a device checks them.
    Blocklist::new()
        .update(trust, &bytes, now)
        .map_err(|error| damaged(error, &path))?;
    Ok(Some((bytes, head)))
}

/// What `repo` serves for `register` (see [`head`]), replayed: every file
/// its head names read from the folder and applied as a new device
/// applies them, each checked against the size and hash the head gives.
pub fn served(
    repo: &Path,
    flag: &str,
    register: &KeyId,
    trust: &TrustStore,
    now: u64,
) -> Result<Option<Served>, CliError> {
    let Some((bytes, head)) = self::head(repo, flag, register, trust, now)? else {
        return Ok(None);
    };
    let path = head_path(repo);
    let mut update = Blocklist::new()
        .update(trust, &bytes, now)
        .map_err(|error| damaged(error, &path))?;
    while let Some(file) = update.next_fetch().cloned() {
        let bytes = read_served(repo, &file)?;
        update
            .offer(trust, &bytes)
            .map_err(|error| damaged(error, &repo.join(&file.path)))?;
    }
    let device = update.finish().map_err(|error| damaged(error, &path))?;
    Ok(Some(Served { head, device }))
}

/// A repository file the core refused.
fn damaged(error: Error, path: &Path) -> CliError {
    CliError::core(error).file(path).hint(
        "the repository's files are not the ones its head names, or its head is not this \
         register's: restore them from a backup (the head names each file's size and SHA-256)",
    )
}

/// The bytes of a file the head names, read no further than one byte past
/// its size (the core then refuses a file of another size).
fn read_served(repo: &Path, file: &FileRef) -> Result<Vec<u8>, CliError> {
    let path = repo.join(&file.path);
    let io = |source: std::io::Error| {
        CliError::io(&path, &source).hint(format!(
            "the repository's head names this file ({} bytes): restore it from a backup",
            file.size
        ))
    };
    let opened = std::fs::File::open(&path).map_err(io)?;
    let mut bytes = Vec::new();
    opened
        .take(file.size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// `#4 (head signed DATE, expires DATE)`.
pub fn head_text(head: &Head) -> String {
    format!(
        "{} (head signed {}, expires {})",
        text::version(head.version()),
        text::utc(head.issued_at()),
        text::utc(head.expires_at())
    )
}

/// A head in `--json`.
pub fn head_json(head: &Head) -> Value {
    let deltas: Vec<Value> = head
        .deltas()
        .iter()
        .map(|delta| {
            let mut value = file_json(&delta.file);
            value["from_sequence"] = json!(delta.from);
            value
        })
        .collect();
    json!({
        "epoch": head.version().epoch,
        "sequence": head.version().sequence,
        "digest": head.digest().to_hex(),
        "issued_at": head.issued_at(),
        "expires_at": head.expires_at(),
        "bytes": head.as_bytes().len(),
        "snapshot": file_json(head.snapshot()),
        "deltas": deltas,
        "shards": head.shards().map(|shards| json!({
            "bits": shards.bits,
            "count": shards.count(),
            "root": shards.root.to_hex(),
            "max_size": shards.max_size,
        })),
    })
}

/// A file a head names, in `--json`.
pub fn file_json(file: &FileRef) -> Value {
    json!({
        "path": file.path,
        "size": file.size,
        "sha256": file.sha256.to_hex(),
        "epoch": file.version.epoch,
        "sequence": file.version.sequence,
    })
}
