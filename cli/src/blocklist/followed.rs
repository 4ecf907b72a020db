//! The lists a device follows, as loaded from its saved state or its
//! anti-rollback marks: shared by `blocklist apply`, `verify` and
//! `handset check`.

use std::path::Path;

use partcert::ids::KeyId;
use partcert::{Blocklist, TrustStore};
use serde_json::{Value, json};

use crate::error::CliError;
use crate::files::{self, Src};

/// The lists a device follows, as loaded from its saved state or
/// anti-rollback marks.
#[derive(Default)]
pub struct Followed {
    /// What is still followed.
    pub blocklist: Blocklist,
    /// The registers no longer followed because their roots are not
    /// pinned with --blocklist-trust: their lists and marks were dropped.
    pub dropped: Vec<KeyId>,
}

/// Loads what a device follows: a saved state (`Blocklist::load_state`),
/// or anti-rollback marks, or nothing. Registers whose roots `trust` no
/// longer pins are no longer followed (the core drops them); they are
/// named on standard error and returned in [`Followed::dropped`].
pub fn load_followed(
    state: Option<Src<'_>>,
    rollback: Option<Src<'_>>,
    trust: &TrustStore,
    how_to_start: &str,
) -> Result<Followed, CliError> {
    let (blocklist, dropped, src) = match (state, rollback) {
        (Some(src), _) => {
            let loaded = files::blocklist_state(src, trust, how_to_start)?;
            (loaded.blocklist, loaded.dropped, src)
        }
        (None, Some(src)) => {
            let mut blocklist =
                Blocklist::with_rollback_state(files::rollback_state(src, how_to_start)?);
            let dropped = blocklist.unfollow_unpinned(trust);
            (blocklist, dropped, src)
        }
        (None, None) => return Ok(Followed::default()),
    };
    note_dropped(src.path, src.flag, &dropped);
    Ok(Followed { blocklist, dropped })
}

/// Says on standard error which registers a loaded state no longer
/// follows.
pub fn note_dropped(path: &Path, flag: &str, dropped: &[KeyId]) {
    for authority in dropped {
        eprintln!(
            "partcert: note: {} ({flag}): no longer following register {}: its root is \
             not given with --blocklist-trust, so its list and anti-rollback mark were dropped \
             (give its root to keep following it)",
            path.display(),
            authority.to_hex()
        );
    }
}

/// The `dropped` field of `--json`: the key ids of the registers dropped.
pub fn dropped_json(dropped: &[KeyId]) -> Value {
    dropped.iter().map(|key| json!(key.to_hex())).collect()
}
