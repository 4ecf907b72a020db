//! Handles and their ownership, after rustls-ffi's `Castable`.
//!
//! Every opaque C type names the Rust value behind it and *how the C caller
//! holds it*:
//!
//! - [`OwnershipBox`]: the caller owns the only reference and frees it with
//!   the type's `_free` (`Box`).
//! - [`OwnershipArc`]: reference-counted; `_share` hands out another
//!   reference and `_free` releases one; the value is freed with the last
//!   (`Arc`). Mutation is allowed only through the one reference of an
//!   unshared value.
//! - [`OwnershipRef`]: borrowed from another object; it has no `_free`.
//!
//! The free functions below only accept the ownership they can undo, so a
//! `_free` for a borrowed type cannot be written: it does not compile.
//! In C, borrowed handles are handed out as `const T *`, and every `_free`
//! takes a non-const `T *`: freeing a borrowed handle is a constraint
//! violation (an error in C++, and in C with `-Werror` or
//! `-pedantic-errors`).

use std::ptr::NonNull;
use std::sync::Arc;

use crate::error::Failure;
use crate::panic::{boundary_void, getter};

/// Implements [`Castable`] for each handle of a table — `Box`, `Arc` or
/// `Ref`, the handle, the Rust value behind it — and checks at compile time
/// that every such value is `Send + Sync` (the header lets any object move
/// between threads, and `const` calls run concurrently).
macro_rules! castable {
    ($($ownership:ident $handle:ident => $value:ty;)*) => {
        $(
            impl $crate::castable::Castable for $handle {
                type Ownership = castable!(@ $ownership);
                type RustType = $value;
            }
        )*
        const _: () = {
            const fn send_and_sync<T: Send + Sync>() {}
            $( send_and_sync::<$value>(); )*
        };
    };
    (@ Box) => { $crate::castable::OwnershipBox };
    (@ Arc) => { $crate::castable::OwnershipArc };
    (@ Ref) => { $crate::castable::OwnershipRef };
}

/// Defines a read of the value behind a handle (`fn $name(handle, default,
/// read) -> T`): `read` of it, or `default` for NULL — the body of every
/// accessor that cannot fail, after rustls-ffi's `try_ref_from_ptr!`.
macro_rules! reader {
    ($name:ident: $handle:ty) => {
        /// `read` of the value behind `handle`, or `default` for NULL.
        fn $name<T>(
            handle: *const $handle, default: T,
            read: impl FnOnce(&<$handle as $crate::castable::Castable>::RustType) -> Option<T>,
        ) -> T {
            // SAFETY: NULL or a live handle: the header's contract for every
            // accessor.
            unsafe { $crate::castable::read(handle, default, read) }
        }
    };
}

/// The caller owns the one reference (a `Box`).
pub(crate) struct OwnershipBox;
/// Reference-counted (an `Arc`).
pub(crate) struct OwnershipArc;
/// Borrowed from another object; never freed by the caller.
pub(crate) struct OwnershipRef;

/// Links an opaque C handle type to the Rust value behind it and to how
/// the caller holds it.
pub(crate) trait Castable {
    /// How the C caller holds it.
    type Ownership;
    /// The Rust value a handle points to.
    type RustType;
}

/// Moves `value` to the heap and returns the handle C will own.
pub(crate) fn to_box<C: Castable<Ownership = OwnershipBox>>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// The body of a `_free` for a caller-owned handle made by [`to_box`]: NULL
/// is a no-op, and a panic while dropping never unwinds into C.
///
/// # Safety
/// `handle` is NULL or was returned by [`to_box`] for the same `C` and has
/// not been freed.
pub(crate) unsafe fn free_box<C: Castable<Ownership = OwnershipBox>>(handle: *mut C) {
    if !handle.is_null() {
        // SAFETY: guaranteed by this function's contract: the box was made by
        // `to_box::<C>` and is freed exactly once.
        boundary_void(|| {
            // SAFETY: as above.
            let value = unsafe { Box::from_raw(handle.cast::<C::RustType>()) };
            partcert::race::drop_shared(value)
        });
    }
}

/// Moves `value` into a new reference-counted handle (one reference).
pub(crate) fn to_arc<C: Castable<Ownership = OwnershipArc>>(value: C::RustType) -> *mut C {
    from_arc(Arc::new(value))
}

/// Hands one reference of `value` to C.
pub(crate) fn from_arc<C: Castable<Ownership = OwnershipArc>>(value: Arc<C::RustType>) -> *mut C {
    Arc::into_raw(value).cast_mut().cast()
}

/// Takes another reference to a reference-counted handle (NULL gives NULL).
///
/// # Safety
/// `handle` is NULL or a live reference made by [`to_arc`] or [`from_arc`].
pub(crate) unsafe fn clone_arc<C: Castable<Ownership = OwnershipArc>>(
    handle: *const C,
) -> Option<Arc<C::RustType>> {
    let raw = pointer(handle.cast_mut(), "handle").ok()?;
    // SAFETY: `raw` came from `Arc::into_raw` for this type and its
    // reference is live (this function's contract), so the count is at
    // least 1; incrementing it and then taking ownership of one reference
    // leaves the caller's reference untouched.
    unsafe {
        Arc::increment_strong_count(raw.as_ptr());
        Some(Arc::from_raw(raw.as_ptr()))
    }
}

/// The body of a `_share`: another reference to a reference-counted
/// handle (NULL gives NULL).
///
/// # Safety
/// `handle` is NULL or a live reference made by [`to_arc`] or [`from_arc`].
pub(crate) unsafe fn share<C: Castable<Ownership = OwnershipArc>>(handle: *const C) -> *mut C {
    getter(std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { clone_arc(handle) }.map(from_arc)
    })
}

/// The body of a `_clone`: a new, unshared copy of the value behind a
/// reference-counted handle (NULL gives NULL).
///
/// # Safety
/// As for [`share`].
pub(crate) unsafe fn clone_unshared<C>(handle: *const C) -> *mut C
where
    C: Castable<Ownership = OwnershipArc, RustType: Clone>,
{
    getter(std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { try_ref(handle) }.map(|v| to_arc(v.clone()))
    })
}

/// The body of a `_free` for a reference-counted handle: releases one
/// reference (the value is freed with the last); NULL is a no-op, and a
/// panic while dropping never unwinds into C.
///
/// # Safety
/// `handle` is NULL or a live reference made by [`to_arc`] or
/// [`from_arc`], released once.
pub(crate) unsafe fn free_arc<C: Castable<Ownership = OwnershipArc>>(handle: *const C) {
    if !handle.is_null() {
        // SAFETY: guaranteed by this function's contract.
        boundary_void(|| {
            // SAFETY: as above.
            let value = unsafe { Arc::from_raw(handle.cast::<C::RustType>()) };
            partcert::race::drop_shared(value)
        });
    }
}

/// The value behind a handle argument, checked: NULL is named (500), a
/// misaligned pointer cannot be a handle (503).
fn pointer<C: Castable>(
    handle: *mut C, what: &'static str,
) -> Result<NonNull<C::RustType>, Failure> {
    let raw = NonNull::new(handle.cast::<C::RustType>()).ok_or_else(|| Failure::null(what))?;
    if !raw.as_ptr().is_aligned() {
        return Err(Failure::misaligned(what));
    }
    Ok(raw)
}

/// An exclusive borrow of an *unshared* reference-counted value: refused
/// with `PARTCERT_RESULT_SHARED_OBJECT` (505) once it is shared (immutable
/// once shared).
///
/// # Safety
/// `handle` is NULL or a live reference made by [`to_arc`] or
/// [`from_arc`]; the caller does not use it from another thread during
/// the returned lifetime (the header's rule for non-const pointers).
pub(crate) unsafe fn arc_get_mut<'a, C: Castable<Ownership = OwnershipArc>>(
    handle: *mut C, what: &'static str,
) -> Result<&'a mut C::RustType, Failure> {
    let raw = pointer(handle, what)?;
    // SAFETY: `raw` came from `Arc::into_raw` and its reference is live; the
    // `ManuallyDrop` keeps the caller's reference (no count change).
    let mut arc = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(raw.as_ptr()) });
    match Arc::get_mut(&mut arc) {
        // SAFETY: the count is 1 (the caller's reference, which it does not
        // use elsewhere for the returned lifetime), so no other reference to
        // the value exists; the allocation outlives the borrow because the
        // caller's reference is not released during it.
        Some(value) => Ok(unsafe { &mut *std::ptr::from_mut(value) }),
        None => Err(Failure::shared(what)),
    }
}

/// A borrowed handle's pointer: `const`, so C cannot free it without a
/// cast.
pub(crate) fn to_const_ptr<C: Castable>(value: &C::RustType) -> *const C {
    std::ptr::from_ref(value).cast()
}

/// A shared borrow of the value behind a handle of any ownership, or `None`
/// for NULL (and for a pointer that cannot be one, misaligned).
///
/// # Safety
/// `handle` is NULL or points to a live value of this type, not being
/// mutated by another thread for the returned lifetime.
pub(crate) unsafe fn try_ref<'a, C: Castable>(handle: *const C) -> Option<&'a C::RustType> {
    // SAFETY: guaranteed by this function's contract.
    unsafe { borrow(handle, "handle") }.ok()
}

/// The body of a read that cannot fail: `read` of the value behind a
/// handle, or `default` for NULL (and for a read with no value, or one
/// that panics).
///
/// # Safety
/// As for [`try_ref`].
pub(crate) unsafe fn read<C: Castable, T>(
    handle: *const C, default: T, read: impl FnOnce(&C::RustType) -> Option<T>,
) -> T {
    // SAFETY: forwarded contract.
    getter(default, || read(unsafe { try_ref(handle) }?))
}

/// A shared borrow, or a typed failure naming the argument.
///
/// # Safety
/// As for [`try_ref`].
pub(crate) unsafe fn borrow<'a, C: Castable>(
    handle: *const C, what: &'static str,
) -> Result<&'a C::RustType, Failure> {
    let raw = pointer(handle.cast_mut(), what)?;
    // SAFETY: non-NULL and aligned; live and unmutated (this contract).
    Ok(unsafe { raw.as_ref() })
}

/// A shared borrow of an optional handle argument: `None` for NULL, a
/// typed failure naming it for a pointer that cannot be one.
///
/// # Safety
/// As for [`try_ref`].
pub(crate) unsafe fn optional<'a, C: Castable>(
    handle: *const C, what: &'static str,
) -> Result<Option<&'a C::RustType>, Failure> {
    if handle.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { borrow(handle, what) }.map(Some)
}

/// An exclusive borrow of a caller-owned (boxed) value.
///
/// # Safety
/// As for [`try_ref`], and no other reference to the value exists for the
/// returned lifetime.
pub(crate) unsafe fn borrow_mut<'a, C: Castable<Ownership = OwnershipBox>>(
    handle: *mut C, what: &'static str,
) -> Result<&'a mut C::RustType, Failure> {
    let mut raw = pointer(handle, what)?;
    // SAFETY: non-NULL and aligned; live and not otherwise referenced
    // (this function's contract).
    Ok(unsafe { raw.as_mut() })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counted;
    impl Castable for Counted {
        type Ownership = OwnershipArc;
        type RustType = Vec<u8>;
    }

    #[test]
    fn an_arc_is_mutable_only_while_unshared() {
        let handle = to_arc::<Counted>(vec![1]);
        // SAFETY: a live handle, used on this thread only, released once.
        unsafe {
            arc_get_mut(handle, "h").unwrap().push(2);
            let other = clone_arc(handle).unwrap();
            assert_eq!(*other, vec![1, 2]);
            let error = arc_get_mut(handle, "h").unwrap_err();
            assert_eq!(error.code, partcert::ErrorCode::SharedObject);
            drop(other);
            arc_get_mut(handle, "h").unwrap().push(3);
            assert_eq!(try_ref(handle).unwrap(), &vec![1, 2, 3]);
            free_arc(handle);
            assert!(arc_get_mut::<Counted>(std::ptr::null_mut(), "h").is_err());
            free_arc::<Counted>(std::ptr::null());
        }
    }
}
