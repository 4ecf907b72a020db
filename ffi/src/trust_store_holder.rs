//! `partcert_trust_store_holder`: the current trust store, swapped in O(1).

use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::shared;
use crate::trust_store::partcert_trust_store;

/// Holds the current trust store for threads that read it while an
/// updater replaces it (a new revocation list, a new root).
///
/// `partcert_trust_store_holder_load` hands a reader a reference to the
/// current store in O(1); the reader verifies with it for as long as it
/// needs and releases it with `partcert_trust_store_free`.
/// `partcert_trust_store_holder_publish` makes another store current in
/// O(1); an old store is freed when its last reader releases it. No reader
/// ever sees a store change under it, and no integrator code reclaims
/// anything.
///
/// Internally synchronized: every function may run concurrently with any
/// other on the same holder, from any thread. Free with
/// `partcert_trust_store_holder_free` (readers' references stay valid).
pub struct partcert_trust_store_holder {
    _private: [u8; 0],
}

impl shared::Held for partcert_trust_store {
    type Holder = partcert_trust_store_holder;
}

/// Creates a holder whose current store is `trust` (which it shares: the
/// caller keeps, and frees, its own reference).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_new(
    trust: *const partcert_trust_store, holder_out: *mut *mut partcert_trust_store_holder,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { shared::new(trust, "trust", holder_out, error_out) }
}

/// A new reference to the current trust store (NULL for a NULL holder):
/// the caller's snapshot, released with `partcert_trust_store_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_load(
    holder: *const partcert_trust_store_holder,
) -> *mut partcert_trust_store {
    // SAFETY: NULL or a live holder.
    unsafe { shared::load(holder) }
}

/// Makes `trust` the current store (sharing it: the caller keeps its own
/// reference) in O(1). Readers holding the previous one keep it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_publish(
    holder: *const partcert_trust_store_holder, trust: *const partcert_trust_store,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { shared::publish(holder, trust, "trust", error_out) }
}

/// Frees a holder (it releases its reference to the current store; readers
/// keep theirs). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_free(
    holder: *mut partcert_trust_store_holder,
) {
    // SAFETY: NULL or a holder from this library, freed once.
    unsafe { castable::free_box(holder) }
}
