//! `partcert_authority_publish` and `partcert_list_changes`: a register
//! signs a blocklist of any format with one call, and learns what changed.
//!
//! The C call is the core's `Authority::publish` with its arguments spelt
//! in C: the format a value, the base an encoded snapshot or a held
//! blocklist, the delisted keys and the listed entries as
//! `partcert_blocklist_entries`. Every rule — what may be signed, what
//! counts as carried, listed, relisted, delisted, not listed, given twice
//! — is the core's; the counts are the core's `Changes`.

use partcert::blocklist::{
    AuthorityList, Base, BlockKey, BlocklistSnapshot, Changes, Format, ListVersion, Publication,
    Published, SignedList, check_delisting,
};

use crate::authority::{AuthorityData, partcert_authority};
use crate::blocklist::{BlocklistData, partcert_blocklist};
use crate::blocklist_entries::{EntriesData, partcert_blocklist_entries};
use crate::bytes::{partcert_bytes, to_bytes};
use crate::castable;
use crate::enums::{enum_in, partcert_list_format, partcert_result};
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::ptr::{self, Out};

/// What a publication changed against its base, as the core counts it
/// (since 1.4): the counts a register's tool reports. Made by
/// `partcert_authority_publish`; free it with `partcert_list_changes_free`.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version (as the
/// core counts more).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct partcert_list_changes {
    /// Entries of the base kept as they were — a key listed again with
    /// the same reason and status among them (it keeps its first listing).
    pub carried: u64,
    /// Keys the base did not list, listed.
    pub listed: u64,
    /// Keys the base listed, listed again with another reason or status.
    pub relisted: u64,
    /// Keys the base listed, delisted.
    pub delisted: u64,
    /// Keys to delist that the base did not list: nothing was delisted.
    pub not_listed: u64,
    /// Keys given more than once, the same each time: counted once.
    pub given_twice: u64,
    /// How many keys the published list carries (for a delta: the list it
    /// leads to).
    pub total: u64,
}

impl From<&Changes> for partcert_list_changes {
    fn from(changes: &Changes) -> Self {
        partcert_list_changes {
            carried: changes.carried,
            listed: changes.listed,
            relisted: changes.relisted,
            delisted: changes.delisted,
            not_listed: changes.not_listed.len() as u64,
            given_twice: changes.given_twice,
            total: changes.total,
        }
    }
}

/// Frees the counts `partcert_authority_publish` made. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_list_changes_free(changes: *mut partcert_list_changes) {
    // SAFETY: NULL or counts from this library, freed once.
    unsafe { castable::free_box(changes) }
}

/// The core's format for a `partcert_list_format` value.
pub(crate) fn format_in(value: u32) -> Result<Format, Failure> {
    enum_in(value, "format", |value| match partcert_list_format(value) {
        partcert_list_format::SORTED => Some(Format::Sorted),
        partcert_list_format::COMPACT => Some(Format::Compact),
        partcert_list_format::DELTA => Some(Format::Delta),
        _ => None,
    })
}

/// The signer's own list, as `held` holds it (the base of a delta over
/// what devices hold); 503, naming the argument, if it holds none.
pub(crate) fn held_list<'a>(
    authority: &AuthorityData, held: &'a BlocklistData, what: &'static str,
) -> Result<&'a AuthorityList, Failure> {
    let list_authority = authority.authority.blocklist_authority()?;
    held.blocklist.list(&list_authority).ok_or_else(|| {
        Failure::argument(format!(
            "`{what}` holds no list of authority {}: a first list is a snapshot",
            list_authority.to_hex()
        ))
    })
}

/// The keys of `entries` (NULL: none), to delist.
pub(crate) fn keys(entries: Option<&EntriesData>) -> Vec<BlockKey> {
    entries.map_or_else(Vec::new, |e| {
        e.entries().iter().map(|entry| entry.key).collect()
    })
}

/// Signs `publication` over `listed` (NULL: none).
pub(crate) fn sign(
    authority: &AuthorityData, publication: &Publication<'_>, listed: Option<&EntriesData>,
) -> Result<Published, Failure> {
    let listed = listed.map_or(&[][..], EntriesData::entries);
    Ok(authority
        .authority
        .publish(publication, listed.iter().copied())?)
}

/// Publishes a blocklist in any `format` (a `partcert_list_format`) — the
/// one call a register needs for every list (since 1.4; it replaces
/// `partcert_authority_publish_snapshot`, `_publish_compact_snapshot`,
/// `_publish_delta` and `_publish_delta_over`) — and says what changed.
///
/// - `format`: SORTED or COMPACT, the whole list (the base's entries less
///   the delisted keys, plus the listed entries); DELTA, the change from
///   the base to the new version (a delta needs a base: 111 otherwise).
/// - `epoch`, `sequence`: the new version, each at most
///   `PARTCERT_MAX_SEQUENCE` (405), later than the base's (400); a delta
///   stays within the base's epoch (111: a new epoch starts with a
///   snapshot). Blocklist roots publish in any epoch; delegated blocklist
///   authorities only in the epoch their certificate names (406).
/// - `issued_at`, `expires_at`: when it is signed, and when it goes stale
///   (after `issued_at`: 111 otherwise). The signer's certificate must be
///   valid at `issued_at` (301/300 at signing otherwise).
/// - The base, at most one of (503 if both are given): `base_snapshot`,
///   `base_snapshot_len`, an encoded sorted snapshot of this authority (the
///   register's master list; NULL and 0 for none; another authority's is
///   407); or `base_held`, a blocklist holding this authority's list as
///   devices hold it, sorted or compact with the changes of later deltas
///   (NULL for none; 503 if it holds no list of this authority): a delta
///   over it leads devices to exactly the digest they compute. A whole
///   list cannot be built over a compact list (its parts are fingerprints:
///   111; publish from the master list, or a delta over it). No base: a
///   first list.
/// - `delisted`: the keys to delist (only the entries' keys are read; NULL
///   for none); `listed`: the entries to list (NULL for none). Neither is
///   consumed. A key given twice alike counts once (`given_twice`); twice
///   differently is 110, naming it; both listed and delisted is 113,
///   naming it.
///
/// Writes the encoded list to a new `partcert_bytes` at `list_out`, and,
/// if `changes_out` is not NULL, a new `partcert_list_changes` saying what
/// changed against the base (the core's counts; free it with
/// `partcert_list_changes_free`). Both are written only on success. A compact list with
/// no base and nothing delisted is coded straight from the entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish(
    authority: *const partcert_authority, format: u32, epoch: u64, sequence: u64, issued_at: u64,
    expires_at: u64, base_snapshot: *const u8, base_snapshot_len: usize,
    base_held: *const partcert_blocklist, delisted: *const partcert_blocklist_entries,
    listed: *const partcert_blocklist_entries, list_out: *mut *mut partcert_bytes,
    changes_out: *mut *mut partcert_list_changes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let snapshot = arg!(ptr::bytes_in: base_snapshot, base_snapshot_len);
        let held = arg!(castable::optional: base_held);
        let delisted = arg!(castable::optional: delisted);
        let listed = arg!(castable::optional: listed);
        let out = arg!(Out::new: list_out);
        let changes_out = arg!(Out::optional: changes_out);
        let format = format_in(format)?;
        let snapshot = match snapshot {
            [] => None,
            bytes => Some(BlocklistSnapshot::decode(bytes)?),
        };
        let base = match (&snapshot, held) {
            (Some(_), Some(_)) => {
                return Err(Failure::argument(
                    "give one base: `base_snapshot` or `base_held`, not both",
                ));
            }
            (Some(snapshot), None) => Base::Snapshot(snapshot),
            (None, Some(held)) => Base::Held(held_list(authority, held, "base_held")?),
            (None, None) => Base::None,
        };
        let publication = Publication {
            format,
            version: ListVersion::new(epoch, sequence),
            issued_at,
            expires_at,
            base,
            delisted: &keys(delisted),
        };
        let published = sign(authority, &publication, listed)?;
        if let Some(changes_out) = changes_out {
            changes_out.write(castable::to_box((&published.changes).into()))?;
        }
        out.write(to_bytes(published.list.as_bytes().to_vec()))
    })
}

/// A register's guard against its own accidents, before it signs or
/// serves `list` (an encoded list of any format): how many keys it would
/// delist from the list devices hold, as `held` holds it (a
/// `partcert_blocklist` with the register's list, e.g. replayed from its
/// own repository). The core's `check_delisting`: a list that drops more
/// than 1 % of the held list (an export cut short or empty) is refused with
/// 407 (MASS_DELISTING, naming both counts) unless `confirmed` (NULL: not
/// confirmed) points to exactly the count it drops. Writes that count to
/// `dropped_out` (NULL if not wanted). A `held` that holds no list of the
/// list's authority has nothing to lose: 0. 1xx for bytes that do not
/// decode.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_check_delisting(
    held: *const partcert_blocklist, list: *const u8, list_len: usize, confirmed: *const u64,
    dropped_out: *mut u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let held = arg!(castable::borrow: held);
        let bytes = arg!(ptr::bytes_in: list, list_len);
        let confirmed = arg!(ptr::optional_in: confirmed);
        let out = arg!(Out::optional: dropped_out);
        let list = SignedList::decode(bytes)?;
        let dropped = match held.blocklist.list(&list.authority()) {
            Some(held) => check_delisting(held, &list, confirmed)?,
            None => 0,
        };
        ptr::write_optional(out, dropped)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // The core's `Changes` may count more than the C struct carries yet.
    #[allow(clippy::needless_update)]
    fn the_counts_are_the_cores() {
        let changes = Changes {
            carried: 1,
            listed: 2,
            relisted: 3,
            delisted: 4,
            not_listed: vec![BlockKey::Imei("356938035643809".parse().unwrap()); 5],
            given_twice: 6,
            total: 7,
            ..Changes::default()
        };
        let c = partcert_list_changes::from(&changes);
        assert_eq!(
            [
                c.carried,
                c.listed,
                c.relisted,
                c.delisted,
                c.not_listed,
                c.given_twice,
                c.total
            ],
            [1, 2, 3, 4, 5, 6, 7]
        );
    }

    #[test]
    fn every_format_has_a_c_value_and_no_other_value_is_one() {
        for (value, format) in [
            (1, Format::Sorted),
            (2, Format::Compact),
            (3, Format::Delta),
        ] {
            assert_eq!(format_in(value), Ok(format));
        }
        assert_eq!(partcert_list_format::ALL.len(), 3);
        assert!(format_in(0).is_err());
        assert!(format_in(4).is_err());
    }
}
