//! `partcert_trust_store_holder`: the current trust store, swapped in O(1).

use std::sync::Arc;

use crate::castable::{self, Castable, OwnershipBox};
use crate::error::{Failure, partcert_error};
use crate::holder::Holder;
use crate::panic::{boundary, boundary_void, getter};
use crate::ptr::Out;
use crate::result::partcert_result;
use crate::trust_store::{TrustData, partcert_trust_store};

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

impl Castable for partcert_trust_store_holder {
    type Ownership = OwnershipBox;
    type RustType = Holder<TrustData>;
}

/// Creates a holder whose current store is `trust` (which it shares: the
/// caller keeps, and frees, its own reference).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_new(
    trust: *const partcert_trust_store,
    holder_out: *mut *mut partcert_trust_store_holder,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live trust store and a writable slot.
        let (shared, out): (Arc<TrustData>, _) = unsafe {
            (
                castable::clone_arc(trust).ok_or_else(|| Failure::null("trust"))?,
                Out::new(holder_out, "holder_out")?,
            )
        };
        out.write(castable::to_box(Holder::new(shared)))
    })
}

/// A new reference to the current trust store (NULL for a NULL holder):
/// the caller's snapshot, released with `partcert_trust_store_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_load(
    holder: *const partcert_trust_store_holder,
) -> *mut partcert_trust_store {
    getter(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live holder.
        unsafe { castable::try_ref(holder) }.map(|h| castable::from_arc(h.load()))
    })
}

/// Makes `trust` the current store (sharing it: the caller keeps its own
/// reference) in O(1). Readers holding the previous one keep it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_publish(
    holder: *const partcert_trust_store_holder,
    trust: *const partcert_trust_store,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live holder and a live trust store.
        let (holder, trust) = unsafe {
            (
                castable::borrow(holder, "holder")?,
                castable::clone_arc(trust).ok_or_else(|| Failure::null("trust"))?,
            )
        };
        holder.publish(trust);
        Ok(())
    })
}

/// Frees a holder (it releases its reference to the current store; readers
/// keep theirs). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_holder_free(
    holder: *mut partcert_trust_store_holder,
) {
    // SAFETY: NULL or a holder from this library, freed once.
    boundary_void(|| unsafe { castable::free_box(holder) })
}
