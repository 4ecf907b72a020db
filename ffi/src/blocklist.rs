//! `partcert_blocklist`: accepted blocklists and their anti-rollback state.

use std::ffi::c_char;

use partcert::{
    Blocklist, BlocklistDelta, BlocklistSnapshot, KeyId, ListVersion, RollbackState, TrustStore,
};

use crate::panic::{boundary, boundary_void};
use crate::ptr::{self, Opaque, Out, OutBytes, OutString};
use crate::result::partcert_result;
use crate::trust::partcert_trust_store;
use crate::types::{PARTCERT_DIGEST_LEN, partcert_list_version};

/// The blocklists accepted from every trusted blocklist authority, with
/// the anti-rollback state that guards them.
///
/// Updates are all-or-nothing: a snapshot or delta that fails any check
/// leaves the blocklist exactly as it was. Persist
/// `partcert_blocklist_rollback_state` after each update and restore it
/// with `partcert_blocklist_new_with_rollback_state` at the next start, so
/// an older list is still refused after a reboot, and a list withheld
/// after the reboot reads as missing (stale), never clean.
///
/// Thread safety: functions taking a `const partcert_blocklist *` (verifying,
/// reading) may run concurrently; applying a snapshot or delta needs
/// exclusive access (hold a write lock, or apply to a copy and swap).
pub struct partcert_blocklist {
    _private: [u8; 0],
}

impl Opaque for partcert_blocklist {
    type Inner = Blocklist;
}

/// One authority's list as held by a `partcert_blocklist`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_list_info {
    /// The authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The accepted epoch.
    pub epoch: u64,
    /// The accepted sequence within that epoch.
    pub sequence: u64,
    /// When that list was signed (seconds since the Unix epoch).
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// How many entries it holds.
    pub entry_count: usize,
    /// Its state digest (what the next delta must start from).
    pub state_digest: [u8; PARTCERT_DIGEST_LEN],
    /// The key id of the key that signed it (the root's own, or a delegated
    /// blocklist authority's).
    pub signer_key_id: [u8; PARTCERT_DIGEST_LEN],
}

/// Creates an empty blocklist with no anti-rollback history.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_new(
    blocklist_out: *mut *mut partcert_blocklist,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `blocklist_out` is NULL or valid to write to.
        let out = unsafe { Out::new(blocklist_out) }?;
        out.write(ptr::into_raw(Blocklist::new()))
    })
}

/// Creates an empty blocklist that remembers what a previous run accepted:
/// `data` holds the bytes `partcert_blocklist_rollback_state` wrote then.
/// Lists older than those are refused with 400. Every authority the state
/// has a mark for is followed: until its list is applied again, verdicts
/// are STALE with reason MISSING, naming it. Damaged bytes are refused
/// whole (1xx; 112 if the checksum does not match).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_new_with_rollback_state(
    data: *const u8,
    len: usize,
    blocklist_out: *mut *mut partcert_blocklist,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `len` readable bytes at `data`; `blocklist_out` writable.
        let (bytes, out) = unsafe { (ptr::bytes_in(data, len)?, Out::new(blocklist_out)?) };
        let state = RollbackState::decode(bytes)?;
        out.write(ptr::into_raw(Blocklist::with_rollback_state(state)))
    })
}

/// Reads back a whole accepted state written by `partcert_blocklist_save_state`
/// (every authority's list and the anti-rollback marks) into a new
/// blocklist. Every list must belong to a blocklist root pinned in `trust`
/// (201 otherwise) and agree with its anti-rollback mark; a damaged file is
/// refused whole (1xx; 112 if its checksum or a list's agreement with its
/// mark fails), never half-loaded. Marks without a list are authorities
/// followed whose list is not held: verdicts read stale until it arrives.
/// The file is unsigned (its checksum guards against accidents, not
/// attackers): keep it where the device keeps its other trusted state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_new_from_saved_state(
    trust: *const partcert_trust_store,
    data: *const u8,
    len: usize,
    blocklist_out: *mut *mut partcert_blocklist,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live trust store, `len` readable bytes, a writable slot.
        let (trust, bytes, out) = unsafe {
            (
                ptr::borrow(trust)?,
                ptr::bytes_in(data, len)?,
                Out::new(blocklist_out)?,
            )
        };
        out.write(ptr::into_raw(Blocklist::decode_state(bytes, trust)?))
    })
}

/// Writes the whole accepted state — every authority's list and the
/// anti-rollback marks — for `partcert_blocklist_new_from_saved_state` after a
/// restart: a device that applied a snapshot and deltas keeps what they led
/// to. It can be large (about 40 bytes per entry): call with `buf = NULL`,
/// `len = 0` to learn the size. See "Bytes out" in the header's introduction.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_save_state(
    blocklist: *const partcert_blocklist,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live blocklist and the documented buffer contract.
        let (blocklist, out) =
            unsafe { (ptr::borrow(blocklist)?, OutBytes::new(buf, len, out_len)?) };
        out.write(&blocklist.encode_state())
    })
}

/// Writes a new, independent copy of a blocklist (lists and anti-rollback
/// state) to `copy_out`. For updates without stopping readers: apply the
/// update to a copy, then swap the copy in and free the old one once no
/// thread reads it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_clone(
    blocklist: *const partcert_blocklist,
    copy_out: *mut *mut partcert_blocklist,
) -> partcert_result {
    ptr::read_field(blocklist, copy_out, |b| Ok(ptr::into_raw(b.clone())))
}

/// Frees a blocklist. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_free(blocklist: *mut partcert_blocklist) {
    // SAFETY: NULL or a blocklist from this library, freed once.
    boundary_void(|| unsafe { ptr::free(blocklist) })
}

/// The body shared by the two update functions: decode and apply `data`,
/// then write the version now held.
fn apply_update(
    blocklist: *mut partcert_blocklist,
    trust: *const partcert_trust_store,
    data: *const u8,
    len: usize,
    version_out: *mut partcert_list_version,
    apply: impl FnOnce(&mut Blocklist, &TrustStore, &[u8]) -> Result<ListVersion, partcert::Error>,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live objects, `len` readable bytes, a writable version.
        let (blocklist, trust, bytes, out) = unsafe {
            (
                ptr::borrow_mut(blocklist)?,
                ptr::borrow(trust)?,
                ptr::bytes_in(data, len)?,
                Out::new(version_out)?,
            )
        };
        out.write(apply(blocklist, trust, bytes)?.into())
    })
}

/// Accepts a full blocklist snapshot after checking that its signer chains
/// to a blocklist root pinned in `trust` (a delegated signer only within
/// the epoch its certificate names: 406), its signature, and that it is not
/// older than what was accepted before (400 rollback; 404 for a different
/// list with the same version). Lists are ordered by epoch, then sequence,
/// with no limit on the step (405 only past `PARTCERT_MAX_SEQUENCE`), so a
/// root's list in a later epoch supersedes whatever a stolen delegated key
/// signed. Writes the version (epoch and sequence) now held.
///
/// `now` is the caller's clock (seconds since the Unix epoch); for this
/// authority's lists it is raised to its newest list already accepted (see
/// `partcert_blocklist_clock_for`), so a clock set back cannot help.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_apply_snapshot(
    blocklist: *mut partcert_blocklist,
    trust: *const partcert_trust_store,
    data: *const u8,
    len: usize,
    now: u64,
    version_out: *mut partcert_list_version,
) -> partcert_result {
    apply_update(
        blocklist,
        trust,
        data,
        len,
        version_out,
        |list, trust, bytes| list.apply_snapshot(trust, &BlocklistSnapshot::decode(bytes)?, now),
    )
}

/// Applies a blocklist delta to the list held for its authority. The delta
/// must start from exactly the state held (402 otherwise; 400 if it leads
/// to a version not newer than the one held) and lead to exactly the
/// digest it promises (403). Writes the version now held.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_apply_delta(
    blocklist: *mut partcert_blocklist,
    trust: *const partcert_trust_store,
    data: *const u8,
    len: usize,
    now: u64,
    version_out: *mut partcert_list_version,
) -> partcert_result {
    apply_update(
        blocklist,
        trust,
        data,
        len,
        version_out,
        |list, trust, bytes| list.apply_delta(trust, &BlocklistDelta::decode(bytes)?, now),
    )
}

/// Writes the anti-rollback state to persist (at most
/// `PARTCERT_MAX_ROLLBACK_STATE_LEN` bytes). See "Bytes out" in the header's
/// introduction for `buf`, `len` and `out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_rollback_state(
    blocklist: *const partcert_blocklist,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live blocklist and the documented buffer contract.
        let (blocklist, out) =
            unsafe { (ptr::borrow(blocklist)?, OutBytes::new(buf, len, out_len)?) };
        out.write(&blocklist.rollback_state().encode())
    })
}

/// Writes the clock for one blocklist authority's lists (given by its
/// 32-byte root key id) at the caller's `now`: never earlier than the issue
/// time of that authority's newest accepted list, unless `trust` has since
/// revoked the key that signed it. Other authorities' lists never move it.
/// An authority this blocklist does not follow gets `now` unchanged.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_clock_for(
    blocklist: *const partcert_blocklist,
    trust: *const partcert_trust_store,
    authority_key_id: *const u8,
    now: u64,
    clock_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live blocklist and trust store, 32 readable bytes, and a
        // writable u64.
        let (blocklist, trust, authority, out) = unsafe {
            (
                ptr::borrow(blocklist)?,
                ptr::borrow(trust)?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(authority_key_id)?,
                Out::new(clock_out)?,
            )
        };
        out.write(blocklist.clock_for(trust, &KeyId(authority), now))
    })
}

/// Writes whether the blocklist follows any authority: true once a list
/// was accepted, or when restored from an anti-rollback state with a mark.
/// A blocklist that follows nothing gives verdicts NOT_CHECKED.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_follows_any(
    blocklist: *const partcert_blocklist,
    follows_out: *mut bool,
) -> partcert_result {
    ptr::read_field(blocklist, follows_out, |b| Ok(b.follows_any()))
}

/// Writes how many authorities' lists are held.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_list_count(
    blocklist: *const partcert_blocklist,
    count_out: *mut usize,
) -> partcert_result {
    ptr::read_field(blocklist, count_out, |b| Ok(b.lists().count()))
}

fn nth_list(
    blocklist: &partcert::Blocklist,
    index: usize,
) -> Result<&partcert::AuthorityList, crate::result::Failure> {
    blocklist
        .lists()
        .nth(index)
        .ok_or(crate::result::Failure::ARGUMENT)
}

/// Describes list `index` (0 ≤ index < count; 503 otherwise), in the
/// order of the authorities' key ids.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_list(
    blocklist: *const partcert_blocklist,
    index: usize,
    info_out: *mut partcert_list_info,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live blocklist and a writable struct.
        let (blocklist, out) = unsafe { (ptr::borrow(blocklist)?, Out::new(info_out)?) };
        let list = nth_list(blocklist, index)?;
        out.write(partcert_list_info {
            authority_key_id: *list.authority.as_bytes(),
            epoch: list.version.epoch,
            sequence: list.version.sequence,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            entry_count: list.entries().len(),
            state_digest: *list.digest.as_bytes(),
            signer_key_id: *list.signer.as_bytes(),
        })
    })
}

/// Writes the name of list `index`'s authority (from its root certificate).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_list_authority_name(
    blocklist: *const partcert_blocklist,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live blocklist and the documented buffer contract.
        let (blocklist, out) =
            unsafe { (ptr::borrow(blocklist)?, OutString::new(buf, len, out_len)?) };
        out.write(&nth_list(blocklist, index)?.authority_name)
    })
}
