//! The calls both holders make (`partcert_trust_store_holder`,
//! `partcert_blocklist_holder`), over the core's copy-on-write holder
//! `partcert::Shared<T>`: readers load the current value in O(1) and keep
//! it as long as they like; an update computes the next value from the
//! current one and swaps it in; updates run one at a time; an old value is
//! freed by whoever releases it last.

use std::sync::Arc;

use partcert::Shared;

use crate::castable::{self, Castable, OwnershipArc, OwnershipBox};
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::ptr::Out;

/// A reference-counted handle a holder can hold, and that holder's handle
/// (over `Shared` of the same value).
pub(crate) trait Held: Castable<Ownership = OwnershipArc> {
    /// The holder's handle.
    type Holder: Castable<Ownership = OwnershipBox, RustType = Shared<Self::RustType>>;
}

/// Another reference to the value an argument named `what` points to (500
/// for NULL).
///
/// # Safety
/// `value` is NULL or a live reference.
unsafe fn reference<C: Held>(
    value: *const C, what: &'static str,
) -> Result<Arc<C::RustType>, Failure> {
    // SAFETY: this function's contract.
    unsafe { castable::clone_arc(value) }.ok_or_else(|| Failure::null(what))
}

/// `_holder_new`: a holder whose current value is `value` (shared: the
/// caller keeps, and frees, its own reference).
///
/// # Safety
/// The header's contract: `value` is NULL or a live reference, `holder_out`
/// NULL or writable, `error_out` as for every call.
pub(crate) unsafe fn new<C: Held>(
    value: *const C, what: &'static str, holder_out: *mut *mut C::Holder,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: this function's contract.
        let value = unsafe { reference(value, what) }?;
        let out = arg!(Out::new: holder_out);
        out.write(castable::to_box(Shared::from_arc(value)))
    })
}

/// `_holder_load`: a new reference to the current value (NULL for NULL).
///
/// # Safety
/// `holder` is NULL or a live holder.
pub(crate) unsafe fn load<C: Held>(holder: *const C::Holder) -> *mut C {
    // SAFETY: NULL or a live holder (this contract).
    unsafe {
        castable::read(holder, std::ptr::null_mut(), |h| {
            Some(castable::from_arc(h.load()))
        })
    }
}

/// `_holder_publish`: makes `value` current (sharing it) in O(1).
///
/// # Safety
/// `holder` and `value` are NULL or live; `error_out` as for every call.
pub(crate) unsafe fn publish<C: Held>(
    holder: *const C::Holder, value: *const C, what: &'static str,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let holder = arg!(castable::borrow: holder);
        // SAFETY: this function's contract.
        holder.publish(unsafe { reference(value, what) }?);
        Ok(())
    })
}

/// Computes the next value from a copy of the current one and publishes it,
/// returning what `change` says; on failure nothing is published.
pub(crate) fn update<T: Clone, R>(
    holder: &Shared<T>, change: impl FnOnce(&mut T) -> Result<R, Failure>,
) -> Result<R, Failure> {
    holder.update(|current| {
        let mut next = current.clone();
        let result = change(&mut next)?;
        Ok((next, result))
    })
}
