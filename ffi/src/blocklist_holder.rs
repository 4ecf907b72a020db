//! `partcert_blocklist_holder`: the current blocklist, swapped in O(1).

use partcert::blocklist::SignedList;

use crate::blocklist::{self, Change, Handle, partcert_blocklist};
use crate::blocklist_update::{self, partcert_blocklist_update};
use crate::bytes::partcert_bytes;
use crate::castable;
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::list_version::partcert_list_version;
use crate::panic::boundary;
use crate::shard_check::{self, partcert_shard_check};
use crate::shared;
use crate::trust_store::partcert_trust_store;

/// Holds the current blocklist for a device whose readers verify while an
/// updater applies new lists.
///
/// `partcert_blocklist_holder_load` hands a reader a reference to the
/// current blocklist in O(1): a snapshot that never changes under it, kept
/// as long as the reader needs and released with `partcert_blocklist_free`.
/// `partcert_blocklist_holder_apply` (a list of any format, told by its
/// content) applies an update to a copy of the current blocklist and
/// publishes the result in O(1) (all-or-nothing: a refused update
/// publishes nothing); `partcert_blocklist_holder_unfollow` and
/// `_unfollow_unpinned` stop following authorities the same way;
/// `partcert_blocklist_holder_publish` publishes a blocklist made
/// elsewhere; `partcert_blocklist_holder_begin_update` and
/// `_finish_update` sync it from a register's repository (since 1.5),
/// fetching with the app's own HTTP stack while readers verify;
/// `partcert_blocklist_holder_begin_shard_check_part` / `_handset` and
/// `_finish_shard_check` check a verdict's keys against a register's
/// shards without holding its list (since 1.9). Updates
/// run one at a time, so none is lost. A blocklist is
/// freed when its last reference is released, by whichever thread releases
/// it: no integrator code reclaims anything.
///
/// Cost of an update: about the update's own size. The copy shares every
/// list, and every part of a list, with the current blocklist; a delta
/// re-builds and re-hashes only the chunks of its list it touches (~128
/// entries each) and hashes 32 bytes per chunk for the state digest. A
/// 20-change delta to a 1M-entry list applies in about 1.3 ms, against
/// 470 ms for the whole next snapshot (BENCHMARKS.md, "updates that cost
/// the delta"); a delta over a compact list costs the delta whatever the
/// list's size. Publishing is O(1).
///
/// Internally synchronized: every function may run concurrently with any
/// other on the same holder, from any thread. Free with
/// `partcert_blocklist_holder_free` (readers' references stay valid).
pub struct partcert_blocklist_holder {
    _private: [u8; 0],
}

impl shared::Held for partcert_blocklist {
    type Holder = partcert_blocklist_holder;
}

impl Handle for *const partcert_blocklist_holder {
    const NAME: &'static str = "holder";

    unsafe fn borrow<'a>(self) -> Result<Change<'a>, Failure> {
        // SAFETY: forwarded contract.
        unsafe { castable::borrow(self, Self::NAME) }.map(Change::Holder)
    }
}

/// Creates a holder whose current blocklist is `blocklist` (which it
/// shares: the caller keeps, and frees, its own reference).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_new(
    blocklist: *const partcert_blocklist, holder_out: *mut *mut partcert_blocklist_holder,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { shared::new(blocklist, "blocklist", holder_out, error_out) }
}

/// A new reference to the current blocklist (NULL for a NULL holder): the
/// caller's snapshot, released with `partcert_blocklist_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_load(
    holder: *const partcert_blocklist_holder,
) -> *mut partcert_blocklist {
    // SAFETY: NULL or a live holder.
    unsafe { shared::load(holder) }
}

/// Makes `blocklist` the current one (sharing it: the caller keeps its own
/// reference) in O(1). Readers holding the previous one keep it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_publish(
    holder: *const partcert_blocklist_holder, blocklist: *const partcert_blocklist,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { shared::publish(holder, blocklist, "blocklist", error_out) }
}

/// Applies a blocklist of any format, told by its content — a sorted
/// snapshot, a compact snapshot or a delta — to a copy of the current
/// blocklist and publishes the result (see `partcert_blocklist_apply` for
/// the checks and the errors: 105 for any other object, the decoder's code
/// for bytes that do not decode). Writes the version now held to
/// `version_out` (NULL if not wanted). All-or-nothing: on failure nothing
/// is published, and readers keep the current blocklist.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_apply(
    holder: *const partcert_blocklist_holder, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { blocklist::apply::<SignedList>(holder, trust, data, len, now, version_out, error_out) }
}

/// Stops following one blocklist authority (its 32-byte root key id) in a
/// copy of the current blocklist and publishes the result (see
/// `partcert_blocklist_unfollow`), in turn with the holder's other
/// updates, so none is lost. Writes to `was_followed` (NULL if not wanted)
/// whether the current blocklist followed it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_unfollow(
    holder: *const partcert_blocklist_holder, authority_key_id: *const u8, was_followed: *mut bool,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { blocklist::unfollow(holder, authority_key_id, was_followed, error_out) }
}

/// Stops following every authority whose blocklist root `trust` no longer
/// pins, in a copy of the current blocklist, and publishes the result (see
/// `partcert_blocklist_unfollow_unpinned`; `unfollowed_out`, NULL if not
/// wanted, receives their root key ids, 32 bytes each).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_unfollow_unpinned(
    holder: *const partcert_blocklist_holder, trust: *const partcert_trust_store,
    unfollowed_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { blocklist::unfollow_unpinned(holder, trust, unfollowed_out, error_out) }
}

/// Begins an update of the holder's current blocklist from a register's
/// head (see `partcert_blocklist_update_begin` for the checks and the
/// errors): the same as loading the current blocklist and beginning from
/// it. Finish it with `partcert_blocklist_holder_finish_update`; readers
/// keep verifying with the current blocklist meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_begin_update(
    holder: *const partcert_blocklist_holder, trust: *const partcert_trust_store, head: *const u8,
    head_len: usize, now: u64, update_out: *mut *mut partcert_blocklist_update,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let base = || {
        // SAFETY: NULL or a live holder (the header's contract).
        let holder = unsafe { castable::borrow(holder, "holder") }?;
        Ok(holder.load())
    };
    // SAFETY: the header's contract, forwarded.
    unsafe { blocklist_update::begin(base, trust, head, head_len, now, update_out, error_out) }
}

/// Finishes an update (see `partcert_blocklist_update_finish`) and
/// publishes the blocklist it leads to in O(1), in turn with the holder's
/// other updates: readers see the old blocklist or the new one, never a
/// mix. Published only if everything succeeded and the holder still holds
/// the blocklist the update began from (503 otherwise: another update was
/// published meanwhile; begin again from the current one). On any error
/// nothing is published. The update is spent either way: free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_finish_update(
    holder: *const partcert_blocklist_holder, update: *mut partcert_blocklist_update,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let holder = arg!(castable::borrow: holder);
        // SAFETY: the header's contract, forwarded.
        unsafe { blocklist_update::finish_into(holder, update) }
    })
}

/// Finishes a shard check begun from this holder (see
/// `partcert_shard_check_finish`) and publishes the blocklist it leads to
/// in O(1), in turn with the holder's other updates, exactly as
/// `partcert_blocklist_holder_finish_update` does an update: published
/// only if everything succeeded and the holder still holds the blocklist
/// the check began from (503 otherwise). The check is spent either way:
/// free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_finish_shard_check(
    holder: *const partcert_blocklist_holder, check: *mut partcert_shard_check,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let holder = arg!(castable::borrow: holder);
        // SAFETY: the header's contract, forwarded.
        unsafe { shard_check::finish_into(holder, check) }
    })
}

/// Frees a holder (it releases its reference to the current blocklist;
/// readers keep theirs). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_free(holder: *mut partcert_blocklist_holder) {
    // SAFETY: NULL or a holder from this library, freed once.
    unsafe { castable::free_box(holder) }
}
