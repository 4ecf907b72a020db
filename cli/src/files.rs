//! Reading and writing the tool's files.
//!
//! Secret keys are text: comment lines, then the 32-byte seed in hex (mode
//! 0600). Public keys (`.pub`) and challenge nonces are one line of hex.
//! Every other object is its exact binary encoding. Writes go to a
//! temporary file in the same folder, renamed into place, so a file is
//! either the old one or the complete new one, never half written.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use partcert::{
    Blocklist, BlocklistSnapshot, Certificate, Challenge, ChallengeResponse, KeyId, PairingRecord,
    PublicKey, RevocationList, RollbackState, SecretKey, TrustStore, limits,
};

use crate::error::CliError;

/// No object is larger than a blocklist; reading stops a little past that.
const MAX_READ: u64 = limits::MAX_BLOCKLIST_LEN as u64 + 1;

/// The current time in seconds since the Unix epoch, unless `at` overrides it.
pub fn now(at: Option<u64>) -> u64 {
    at.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0)
    })
}

/// Reads a whole file (bounded); `-` is standard input.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    let io = |source| CliError::Io {
        path: path.to_owned(),
        source,
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_READ)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let file = File::open(path).map_err(io)?;
        file.take(MAX_READ).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() as u64 >= MAX_READ {
        return Err(CliError::Partcert {
            path: Some(path.to_owned()),
            error: partcert::Error::LengthOverBound {
                field: "file",
                length: bytes.len(),
                max: limits::MAX_BLOCKLIST_LEN,
            },
        });
    }
    Ok(bytes)
}

fn read_object<T>(
    path: &Path,
    decode: impl FnOnce(&[u8]) -> Result<T, partcert::Error>,
) -> Result<T, CliError> {
    let bytes = read_bytes(path)?;
    decode(&bytes).map_err(CliError::about(path))
}

/// Reads a certificate.
pub fn certificate(path: &Path) -> Result<Certificate, CliError> {
    read_object(path, Certificate::decode)
}

/// Reads several certificates.
pub fn certificates(paths: &[PathBuf]) -> Result<Vec<Certificate>, CliError> {
    paths.iter().map(|path| certificate(path)).collect()
}

/// Reads a pairing record.
pub fn pairing(path: &Path) -> Result<PairingRecord, CliError> {
    read_object(path, PairingRecord::decode)
}

/// Reads a blocklist snapshot.
pub fn snapshot(path: &Path) -> Result<BlocklistSnapshot, CliError> {
    read_object(path, BlocklistSnapshot::decode)
}

/// Reads a revocation list.
pub fn revocation_list(path: &Path) -> Result<RevocationList, CliError> {
    read_object(path, RevocationList::decode)
}

/// Reads a challenge response.
pub fn response(path: &Path) -> Result<ChallengeResponse, CliError> {
    read_object(path, ChallengeResponse::decode)
}

/// Reads an anti-rollback state; a missing file is an empty state (a
/// device's first run).
pub fn rollback_state(path: &Path) -> Result<RollbackState, CliError> {
    if !path.exists() {
        return Ok(RollbackState::default());
    }
    read_object(path, RollbackState::decode)
}

/// Reads a saved blocklist state; its lists must belong to roots pinned in `trust`.
pub fn blocklist_state(path: &Path, trust: &TrustStore) -> Result<Blocklist, CliError> {
    read_object(path, |bytes| Blocklist::decode_state(bytes, trust))
}

/// The one hex line of a text file, ignoring `#` comments and blank lines.
fn hex_line(path: &Path) -> Result<String, CliError> {
    let bytes = read_bytes(path)?;
    let invalid = |what: &'static str| CliError::Partcert {
        path: Some(path.to_owned()),
        error: partcert::Error::InvalidField(what),
    };
    let text = String::from_utf8(bytes).map_err(|_| invalid("expected a text file of hex"))?;
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'));
    let line = lines.next().ok_or(invalid("the file holds no hex line"))?;
    if lines.next().is_some() {
        return Err(invalid("expected exactly one line of hex"));
    }
    Ok(line.to_owned())
}

fn hex32(path: &Path) -> Result<[u8; 32], CliError> {
    let line = hex_line(path)?;
    KeyId::from_hex(&line)
        .map(|id| id.0)
        .map_err(CliError::about(path))
}

/// Reads a secret key file.
pub fn secret_key(path: &Path) -> Result<SecretKey, CliError> {
    let mut seed = hex32(path)?;
    let key = SecretKey::from_seed(&seed);
    seed.fill(0);
    Ok(key)
}

/// Reads a public key file (`.pub`).
pub fn public_key(path: &Path) -> Result<PublicKey, CliError> {
    let line = hex_line(path)?;
    PublicKey::from_hex(&line).map_err(CliError::about(path))
}

/// Reads a challenge nonce file.
pub fn challenge(path: &Path) -> Result<Challenge, CliError> {
    hex32(path).map(Challenge::new)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// How a written file may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Readable by anyone (certificates, lists, public keys).
    Public,
    /// Readable by the owner only, and never silently replaced (secret keys).
    Secret,
}

/// `PREFIX.ext`.
pub fn with_extension(prefix: &Path, extension: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// Refuses to replace a secret key unless asked to: a lost root key
/// cannot be recovered.
pub fn check_can_create(path: &Path, force: bool) -> Result<(), CliError> {
    if !force && path.exists() {
        return Err(CliError::Refused(format!(
            "{}: already exists; refusing to replace a key file (use --force to replace it)",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8], access: Access) -> Result<(), CliError> {
    write_file(path, bytes, access, true)
}

fn write_file(path: &Path, bytes: &[u8], access: Access, replace: bool) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: path.to_owned(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // The temporary file is created owner-only; public files are opened up
    // only once complete.
    let mut file = tempfile::Builder::new()
        .prefix(".partcert-")
        .tempfile_in(folder)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match access {
            Access::Public => 0o644,
            Access::Secret => 0o600,
        };
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = access;
    if replace {
        file.persist(path).map_err(|error| io(error.error))?;
    } else {
        // Linked into place only if nothing appeared there meanwhile.
        file.persist_noclobber(path)
            .map_err(|error| io(error.error))?;
    }
    Ok(())
}

/// The text of a secret key file.
pub fn secret_key_text(key: &SecretKey, label: &str) -> String {
    let public = key.public_key();
    format!(
        "# partcert secret key ({label}). Keep it secret: anyone holding it can sign as you.\n\
         # public key: {}\n\
         # key id:     {}\n\
         {}\n",
        public.to_hex(),
        public.key_id().to_hex(),
        hex(&key.to_seed()),
    )
}

/// Writes a new secret key file (mode 0600), refusing to replace one unless `force`.
pub fn write_secret_key(
    path: &Path,
    key: &SecretKey,
    label: &str,
    force: bool,
) -> Result<(), CliError> {
    check_can_create(path, force)?;
    write_file(
        path,
        secret_key_text(key, label).as_bytes(),
        Access::Secret,
        force,
    )
}
