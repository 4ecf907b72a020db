//! The calls both holders make (`partcert_trust_store_holder`,
//! `partcert_blocklist_holder`), over the core's copy-on-write holder
//! `partcert::Shared<T>`: readers load the current value in O(1) and keep
//! it as long as they like; an update computes the next value from the
//! current one and swaps it in; updates run one at a time; an old value is
//! freed by whoever releases it last.

use partcert::Shared;

use crate::castable::{self, Castable, OwnershipArc, OwnershipBox};
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::ptr::Out;

/// A holder handle over `Shared<T>`, for the reference-counted handle `C`
/// of `T`.
pub(crate) trait HolderOf<C: Castable>:
    Castable<Ownership = OwnershipBox, RustType = Shared<C::RustType>>
{
}

impl<C: Castable, H> HolderOf<C> for H where
    H: Castable<Ownership = OwnershipBox, RustType = Shared<C::RustType>>
{
}

/// `_holder_new`: a holder whose current value is `value` (shared: the
/// caller keeps, and frees, its own reference).
///
/// # Safety
/// The header's contract: `value` is NULL or a live reference, `holder_out`
/// NULL or writable, `error_out` as for every call.
pub(crate) unsafe fn new<H, C>(
    value: *const C, what: &'static str, holder_out: *mut *mut H,
    error_out: *mut *mut partcert_error,
) -> partcert_result
where
    C: Castable<Ownership = OwnershipArc>,
    H: HolderOf<C>,
{
    boundary(error_out, || {
        // SAFETY: a live reference and a writable slot (this contract).
        let (value, out) = unsafe {
            (
                castable::clone_arc(value).ok_or_else(|| Failure::null(what))?,
                Out::new(holder_out, "holder_out")?,
            )
        };
        out.write(castable::to_box(Shared::from_arc(value)))
    })
}

/// `_holder_load`: a new reference to the current value (NULL for NULL).
///
/// # Safety
/// `holder` is NULL or a live holder.
pub(crate) unsafe fn load<H, C>(holder: *const H) -> *mut C
where
    C: Castable<Ownership = OwnershipArc>,
    H: HolderOf<C>,
{
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
pub(crate) unsafe fn publish<H, C>(
    holder: *const H, value: *const C, what: &'static str, error_out: *mut *mut partcert_error,
) -> partcert_result
where
    C: Castable<Ownership = OwnershipArc>,
    H: HolderOf<C>,
{
    boundary(error_out, || {
        // SAFETY: a live holder and a live reference (this contract).
        let (holder, value) = unsafe {
            (
                castable::borrow(holder, "holder")?,
                castable::clone_arc(value).ok_or_else(|| Failure::null(what))?,
            )
        };
        holder.publish(value);
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
