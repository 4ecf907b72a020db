//! The calls of the C ABI 1.0–1.3 that 1.4 replaced, kept so that programs
//! built against them still link and behave as before: each is a thin
//! wrapper over the call that replaced it, documented as deprecated in the
//! header (no new program should call them).
//!
//! - A list's format is a value since 1.4: `partcert_authority_publish`
//!   signs every format; the four per-format publishing calls below set
//!   its arguments.
//! - `partcert_blocklist_apply` (and `partcert_blocklist_holder_apply`)
//!   apply every format; the per-format calls below read only their own
//!   format (any other object is still 105, as in 1.3).
//! - `partcert_trust_store_apply_revocation_list_at` takes the clock a
//!   revocation list is received at (since 1.3).

use partcert::blocklist::{
    Base, BlocklistDelta, BlocklistSnapshot, Format, ListVersion, Publication, SignedList,
};

use crate::authority::partcert_authority;
use crate::blocklist::{Decode, apply, partcert_blocklist};
use crate::blocklist_entries::partcert_blocklist_entries;
use crate::blocklist_holder::partcert_blocklist_holder;
use crate::bytes::{partcert_bytes, to_bytes};
use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::list_version::partcert_list_version;
use crate::panic::boundary;
use crate::ptr::{self, Out};
use crate::publish::{held_list, keys, sign};
use crate::trust_store::{partcert_trust_store, partcert_trust_store_apply_revocation_list_at};

/// The body of the two calls that publish a whole list of `entries`, which
/// differ only in its format. Each passes its arguments on in one line,
/// kept by `#[rustfmt::skip]` (rustfmt would set them one a line, and the
/// two calls would read as one block written twice); cbindgen reads the
/// syntax, not the layout.
fn whole_list(
    authority: *const partcert_authority, format: Format, version: ListVersion,
    (issued_at, expires_at): (u64, u64), entries: *const partcert_blocklist_entries,
    snapshot_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let entries = arg!(castable::borrow: entries);
        let out = arg!(Out::new: snapshot_out);
        let publication = Publication {
            format,
            version,
            issued_at,
            expires_at,
            base: Base::None,
            delisted: &[],
        };
        let published = sign(authority, &publication, Some(entries))?;
        out.write(to_bytes(published.list.as_bytes().to_vec()))
    })
}

/// Deprecated since 1.4: `partcert_authority_publish` with
/// `PARTCERT_LIST_FORMAT_SORTED`, no base and nothing delisted, which it
/// calls.
///
/// Publishes a full blocklist snapshot holding `entries` (not consumed:
/// free it yourself), with its version (`epoch`, then `sequence`), issue
/// and expiry times, under the rules of `partcert_authority_publish`: a
/// key given twice alike counts once, twice differently is 110, naming
/// it. Writes the encoded snapshot to a new `partcert_bytes`.
#[rustfmt::skip]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_snapshot(
    authority: *const partcert_authority, epoch: u64, sequence: u64, issued_at: u64,
    expires_at: u64, entries: *const partcert_blocklist_entries,
    snapshot_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let (version, times) = (ListVersion::new(epoch, sequence), (issued_at, expires_at));
    whole_list(authority, Format::Sorted, version, times, entries, snapshot_out, error_out)
}

/// Deprecated since 1.4: `partcert_authority_publish` with
/// `PARTCERT_LIST_FORMAT_COMPACT`, no base and nothing delisted, which it
/// calls.
///
/// Publishes a full blocklist in the compact format (object type
/// `PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`), for national-scale lists:
/// the rules of `partcert_authority_publish_snapshot`, with listing times
/// kept to the day (111 outside the days the format holds). `entries` is
/// not consumed. Writes the encoded compact snapshot to a new
/// `partcert_bytes`.
#[rustfmt::skip]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_compact_snapshot(
    authority: *const partcert_authority, epoch: u64, sequence: u64, issued_at: u64,
    expires_at: u64, entries: *const partcert_blocklist_entries,
    snapshot_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let (version, times) = (ListVersion::new(epoch, sequence), (issued_at, expires_at));
    whole_list(authority, Format::Compact, version, times, entries, snapshot_out, error_out)
}

/// Deprecated since 1.4: `partcert_authority_publish` with
/// `PARTCERT_LIST_FORMAT_DELTA` and `held` as its `base_held`, which it
/// calls.
///
/// Publishes the delta that takes this authority's list as `held` holds
/// it (503 if `held` holds no list of this authority) to version
/// (`epoch`, `sequence`): the keys of the entries in `delisted` removed
/// (only their keys are read), the entries in `listed` added or replacing
/// the held entry for their key. Either list may be NULL for none, as in
/// `partcert_authority_publish` (since 1.7; before, `listed` had to be
/// given, NULL giving 500): both NULL publish a delta that changes no
/// entry, only the version and times. Neither list is consumed. Rules and
/// errors as for `partcert_authority_publish`. Writes the encoded delta to
/// a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_delta_over(
    authority: *const partcert_authority, held: *const partcert_blocklist, epoch: u64,
    sequence: u64, issued_at: u64, expires_at: u64, delisted: *const partcert_blocklist_entries,
    listed: *const partcert_blocklist_entries, delta_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let held = arg!(castable::borrow: held);
        let delisted = arg!(castable::optional: delisted);
        let listed = arg!(castable::optional: listed);
        let out = arg!(Out::new: delta_out);
        let publication = Publication {
            format: Format::Delta,
            version: ListVersion::new(epoch, sequence),
            issued_at,
            expires_at,
            base: Base::Held(held_list(authority, held, "held")?),
            delisted: &keys(delisted),
        };
        let published = sign(authority, &publication, listed)?;
        out.write(to_bytes(published.list.as_bytes().to_vec()))
    })
}

/// Deprecated since 1.4: `partcert_authority_publish` with
/// `PARTCERT_LIST_FORMAT_DELTA`, `from` as its `base_snapshot`, the keys
/// `from` lists and `to` does not as `delisted`, and the entries of `to`
/// as `listed`.
///
/// Publishes the delta that turns snapshot `from` into the later snapshot
/// `to` (both this authority's, encoded, in the same epoch: a new epoch
/// starts with a snapshot, 111 otherwise), with `to`'s version and times.
/// An entry of `to` listing a key again with the reason and status `from`
/// gives it keeps `from`'s listing (the core's rule since 1.4). Writes the
/// encoded delta to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_delta(
    authority: *const partcert_authority, from: *const u8, from_len: usize, to: *const u8,
    to_len: usize, delta_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let from = arg!(ptr::bytes_in: from, from_len);
        let to = arg!(ptr::bytes_in: to, to_len);
        let out = arg!(Out::new: delta_out);
        let (from, to) = (
            BlocklistSnapshot::decode(from)?,
            BlocklistSnapshot::decode(to)?,
        );
        if to.authority() != from.authority() {
            return Err(partcert::Error::WrongAuthority.into());
        }
        let delisted: Vec<_> = from
            .entries()
            .iter()
            .map(|entry| entry.key)
            .filter(|key| to.find(key).is_none())
            .collect();
        let publication = Publication {
            format: Format::Delta,
            version: to.version(),
            issued_at: to.issued_at(),
            expires_at: to.expires_at(),
            base: Base::Snapshot(&from),
            delisted: &delisted,
        };
        let listed = to.entries().iter().copied();
        let published = authority.authority.publish(&publication, listed)?;
        out.write(to_bytes(published.list.as_bytes().to_vec()))
    })
}

/// A sorted snapshot only (1.0–1.3's `_apply_snapshot`).
impl Decode for BlocklistSnapshot {
    fn list(bytes: &[u8]) -> Result<SignedList, partcert::Error> {
        BlocklistSnapshot::decode(bytes).map(SignedList::Sorted)
    }
}

/// A delta only (1.0–1.3's `_apply_delta`).
impl Decode for BlocklistDelta {
    fn list(bytes: &[u8]) -> Result<SignedList, partcert::Error> {
        BlocklistDelta::decode(bytes).map(SignedList::Delta)
    }
}

/// Deprecated since 1.4: `partcert_blocklist_apply`, which applies every
/// format, told by its content.
///
/// Applies a sorted blocklist snapshot as `partcert_blocklist_apply` does;
/// any other object (a compact snapshot, a delta, ...) is 105, as in 1.3.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_apply_snapshot(
    blocklist: *mut partcert_blocklist, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { apply::<BlocklistSnapshot>(blocklist, trust, data, len, now, version_out, error_out) }
}

/// Deprecated since 1.4: `partcert_blocklist_apply`, which applies every
/// format, told by its content.
///
/// Applies a blocklist delta as `partcert_blocklist_apply` does; any other
/// object is 105, as in 1.3.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_apply_delta(
    blocklist: *mut partcert_blocklist, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { apply::<BlocklistDelta>(blocklist, trust, data, len, now, version_out, error_out) }
}

/// Deprecated since 1.4: `partcert_blocklist_holder_apply`, which applies
/// every format, told by its content.
///
/// Applies a sorted snapshot to a copy of the current blocklist and
/// publishes the result, as `partcert_blocklist_holder_apply` does; any
/// other object is 105, as in 1.3. On failure nothing is published.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_apply_snapshot(
    holder: *const partcert_blocklist_holder, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { apply::<BlocklistSnapshot>(holder, trust, data, len, now, version_out, error_out) }
}

/// Deprecated since 1.4: `partcert_blocklist_holder_apply`, which applies
/// every format, told by its content.
///
/// Applies a delta to a copy of the current blocklist and publishes the
/// result, as `partcert_blocklist_holder_apply` does; any other object is
/// 105, as in 1.3. On failure nothing is published.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_apply_delta(
    holder: *const partcert_blocklist_holder, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { apply::<BlocklistDelta>(holder, trust, data, len, now, version_out, error_out) }
}

/// Deprecated since 1.3: `partcert_trust_store_apply_revocation_list_at`,
/// which takes the clock the list is received at, and which it calls with
/// `now` = 0.
///
/// Without a receiving clock the list raises no clock floor for its root
/// (at most `PARTCERT_CLOCK_TOLERANCE` seconds after 1970), so a date from
/// the future can never lock anything out — and a clock set back is not
/// caught by this list either. The revocations themselves take effect as
/// before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_apply_revocation_list(
    trust: *mut partcert_trust_store, data: *const u8, len: usize, sequence_out: *mut u64,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: forwarded contract.
    unsafe {
        partcert_trust_store_apply_revocation_list_at(trust, data, len, 0, sequence_out, error_out)
    }
}
