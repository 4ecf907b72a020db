//! What a device trusts, from the command line: the roots it pins
//! (`--trust`, `--blocklist-trust`) and the revocation lists they signed
//! (`--revocations`).

use std::path::{Path, PathBuf};

use partcert::ids::KeyId;
use partcert::{Certificate, Error, TrustStore};

use crate::error::{CliError, exit};
use crate::files::{self, Src};

/// Pins the manufacturer roots given to `--trust`.
pub fn pin_manufacturer_roots(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    pin(
        paths,
        "--trust",
        "--trust takes a manufacturer's root certificate (`partcert root new`)",
        |root| trust.add_manufacturer_root(root),
    )
}

/// Pins the blocklist roots given to `--blocklist-trust`.
pub fn pin_blocklist_roots(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    pin(
        paths,
        "--blocklist-trust",
        "--blocklist-trust takes a register's root certificate (`partcert root new --role blocklist`)",
        |root| trust.add_blocklist_root(root),
    )
}

/// Pins each root certificate given to `flag`; one the core refuses to
/// pin is an argument mistake (exit 2), with `hint`.
fn pin(
    paths: &[PathBuf],
    flag: &str,
    hint: &str,
    mut add: impl FnMut(Certificate) -> Result<KeyId, Error>,
) -> Result<(), CliError> {
    for path in paths {
        add(files::certificate(Src::new(path, flag))?).map_err(|error| {
            CliError::core(error)
                .file(path)
                .flag(flag)
                .exit(exit::USAGE)
                .hint(hint)
        })?;
    }
    Ok(())
}

/// Applies revocation lists signed by pinned roots, received at the
/// tool's clock `now` (`--at` or the system clock): a list dated past it
/// raises its root's clock no further than the core allows.
pub fn apply_revocations(
    trust: &mut TrustStore,
    paths: &[PathBuf],
    now: u64,
) -> Result<(), CliError> {
    for path in paths {
        let list = files::revocation_list(Src::new(path, "--revocations"))?;
        trust
            .apply_revocation_list(&list, now)
            .map_err(|error| revocation_refusal(error, path))?;
    }
    Ok(())
}

/// A revocation list refused: an older one than given before it, or one
/// whose root is not pinned, each with its own message.
fn revocation_refusal(error: Error, path: &Path) -> CliError {
    let (message, hint) = match &error {
        Error::Rollback { offered, accepted } => (
            format!(
                "revocation list #{} is older than #{} of the same root, given before it: a \
                 root's newest revocation list replaces its older ones",
                offered.sequence, accepted.sequence
            ),
            "give only the newest revocation list of each root",
        ),
        Error::UnknownIssuer(root) => (
            format!("this revocation list is signed by root {root}, which is not pinned here"),
            "pin its root with --trust or --blocklist-trust, or drop it",
        ),
        _ => return CliError::core(error).file(path).flag("--revocations"),
    };
    CliError::core(error)
        .file(path)
        .flag("--revocations")
        .message(message)
        .hint(hint)
}
