//! Crossing the boundary: opaque handles, borrowed inputs and out-parameters.
//!
//! Every raw pointer the C caller hands over is turned into a Rust value
//! here, in small `unsafe` blocks, after a NULL check. Out-parameters are
//! checked first and written last, so a failing call never writes half a
//! result.

use std::ffi::c_char;
use std::ptr::NonNull;

use crate::result::Failure;

/// Links an opaque C handle type to the Rust value behind it.
pub(crate) trait Opaque {
    /// The Rust value a handle points to.
    type Inner;
}

/// Moves `inner` to the heap and returns the handle C will own.
pub(crate) fn into_raw<T: Opaque>(inner: T::Inner) -> *mut T {
    Box::into_raw(Box::new(inner)).cast()
}

/// A shared borrow of the value behind a handle.
///
/// # Safety
/// `handle` is NULL or was returned by [`into_raw`] for the same `T` (or
/// points to a live `T::Inner`, for borrowed handles), has not been freed,
/// and is not being mutated by another thread for the returned lifetime.
pub(crate) unsafe fn borrow<'a, T: Opaque>(handle: *const T) -> Result<&'a T::Inner, Failure> {
    // SAFETY: guaranteed by this function's contract.
    unsafe { handle.cast::<T::Inner>().as_ref() }.ok_or(Failure::NULL)
}

/// An exclusive borrow of the value behind a handle.
///
/// # Safety
/// As for [`borrow`], and no other reference to the value exists for the
/// returned lifetime (the header documents which functions need exclusive
/// access).
pub(crate) unsafe fn borrow_mut<'a, T: Opaque>(
    handle: *mut T,
) -> Result<&'a mut T::Inner, Failure> {
    // SAFETY: guaranteed by this function's contract.
    unsafe { handle.cast::<T::Inner>().as_mut() }.ok_or(Failure::NULL)
}

/// The body of every C accessor that reads one value from a live handle:
/// inside the panic boundary, borrow the handle, check the out-parameter,
/// compute the value, and write it only on success.
pub(crate) fn read_field<H: Opaque, T>(
    handle: *const H,
    value_out: *mut T,
    field: impl FnOnce(&H::Inner) -> Result<T, Failure>,
) -> crate::result::partcert_result {
    crate::panic::boundary(|| {
        // SAFETY: the exported function's contract: `handle` is NULL or a
        // live handle of this type, `value_out` NULL or writable.
        let (inner, out) = unsafe { (borrow(handle)?, Out::new(value_out)?) };
        out.write(field(inner)?)
    })
}

/// Frees a handle made by [`into_raw`]; NULL is a no-op.
///
/// # Safety
/// `handle` is NULL or was returned by [`into_raw`] for the same `T` and
/// has not been freed.
pub(crate) unsafe fn free<T: Opaque>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: guaranteed by this function's contract: the box was made by
        // `into_raw::<T>` and is freed exactly once.
        drop(unsafe { Box::from_raw(handle.cast::<T::Inner>()) });
    }
}

/// Borrows `len` bytes at `data`. `data` may be NULL only when `len` is 0.
///
/// # Safety
/// If `data` is not NULL it points to `len` readable bytes that stay
/// unchanged for the returned lifetime.
pub(crate) unsafe fn bytes_in<'a>(data: *const u8, len: usize) -> Result<&'a [u8], Failure> {
    // SAFETY: forwarded contract.
    unsafe { array_in(data, len) }
}

/// Borrows `count` values at `data`. `data` may be NULL only when `count` is 0.
///
/// # Safety
/// If `data` is not NULL it points to `count` initialised values of `T`
/// that stay unchanged for the returned lifetime.
pub(crate) unsafe fn array_in<'a, T>(data: *const T, count: usize) -> Result<&'a [T], Failure> {
    if data.is_null() {
        return if count == 0 {
            Ok(&[])
        } else {
            Err(Failure::NULL)
        };
    }
    let too_long = count
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| bytes > isize::MAX as usize);
    if too_long || !data.is_aligned() {
        return Err(Failure::ARGUMENT);
    }
    // SAFETY: `data` is non-NULL and aligned, the caller guarantees `count`
    // readable values, and the total size fits in `isize`.
    Ok(unsafe { std::slice::from_raw_parts(data, count) })
}

/// Borrows a UTF-8 string given as pointer and length (no NUL needed).
///
/// # Safety
/// As for [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(data: *const c_char, len: usize) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_in(data.cast(), len) }?;
    std::str::from_utf8(bytes).map_err(|_| Failure::UTF8)
}

/// Reads exactly `N` bytes (a seed, a key, a nonce, an id).
///
/// # Safety
/// If `data` is not NULL it points to `N` readable bytes.
pub(crate) unsafe fn fixed_in<const N: usize>(data: *const u8) -> Result<[u8; N], Failure> {
    if data.is_null() {
        return Err(Failure::NULL);
    }
    let mut out = [0u8; N];
    // SAFETY: `data` is non-NULL and the caller guarantees `N` readable
    // bytes; `out` is a distinct local array of `N` bytes.
    unsafe { std::ptr::copy_nonoverlapping(data, out.as_mut_ptr(), N) };
    Ok(out)
}

/// Reads a 32-byte secret seed into a copy that is wiped when dropped.
///
/// # Safety
/// As for [`fixed_in`].
pub(crate) unsafe fn secret_in(data: *const u8) -> Result<zeroize::Zeroizing<[u8; 32]>, Failure> {
    if data.is_null() {
        return Err(Failure::NULL);
    }
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    // SAFETY: `data` is non-NULL and the caller guarantees 32 readable
    // bytes; `out` is a distinct array of 32 bytes, written in place.
    unsafe { std::ptr::copy_nonoverlapping(data, out.as_mut_ptr(), 32) };
    Ok(out)
}

/// An out-parameter, checked for NULL up front and written once at the end.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// # Safety
    /// `ptr` is NULL or valid for a write of one `T` until [`Out::write`].
    pub(crate) unsafe fn new(ptr: *mut T) -> Result<Self, Failure> {
        NonNull::new(ptr).map(Out).ok_or(Failure::NULL)
    }

    pub(crate) fn write(self, value: T) -> Result<(), Failure> {
        // SAFETY: non-NULL and valid for writes, as promised to `new`. The
        // old value is plain data (or an uninitialised slot) and is not
        // dropped.
        unsafe { self.0.as_ptr().write(value) };
        Ok(())
    }
}

/// A fixed-size byte out-parameter (an id, a key, a nonce).
pub(crate) struct OutFixed<const N: usize>(NonNull<u8>);

impl<const N: usize> OutFixed<N> {
    /// # Safety
    /// `ptr` is NULL or valid for writes of `N` bytes until [`OutFixed::write`].
    pub(crate) unsafe fn new(ptr: *mut u8) -> Result<Self, Failure> {
        NonNull::new(ptr).map(OutFixed).ok_or(Failure::NULL)
    }

    pub(crate) fn write(self, value: &[u8; N]) -> Result<(), Failure> {
        // SAFETY: non-NULL and valid for `N` bytes, as promised to `new`;
        // `value` is Rust-owned memory, so the regions cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), self.0.as_ptr(), N) };
        Ok(())
    }
}

/// A caller's buffer for a variable-length result.
struct OutBuffer {
    buf: *mut u8,
    len: usize,
    out_len: NonNull<usize>,
}

impl OutBuffer {
    /// # Safety
    /// `out_len` is NULL or valid for a write; `buf` is NULL (then `len` must
    /// be 0) or valid for writes of `len` bytes.
    unsafe fn new(buf: *mut u8, len: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let out_len = NonNull::new(out_len).ok_or(Failure::NULL)?;
        if buf.is_null() && len != 0 {
            return Err(Failure::NULL);
        }
        Ok(OutBuffer { buf, len, out_len })
    }

    /// Writes `bytes` (plus a NUL if `nul`) or, when the buffer is too
    /// small, nothing. `*out_len` receives `bytes.len()` either way.
    fn write(self, bytes: &[u8], nul: bool) -> Result<(), Failure> {
        // SAFETY: `out_len` is non-NULL and valid for a write (see `new`).
        unsafe { self.out_len.as_ptr().write(bytes.len()) };
        let needed = bytes
            .len()
            .checked_add(usize::from(nul))
            .ok_or(Failure::TOO_SMALL)?;
        if needed > self.len {
            return Err(Failure::TOO_SMALL);
        }
        // SAFETY: `buf` is valid for `len >= needed` bytes (see `new`, and
        // `len > 0` here so `buf` is not NULL); `bytes` is Rust-owned memory,
        // distinct from the caller's buffer.
        unsafe {
            if !bytes.is_empty() {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf, bytes.len());
            }
            if nul {
                self.buf.add(bytes.len()).write(0);
            }
        }
        Ok(())
    }
}

/// A caller's buffer for a string: written NUL-terminated.
pub(crate) struct OutString(OutBuffer);

impl OutString {
    /// # Safety
    /// As for the buffer rules in the header: `out_len` valid for a write,
    /// `buf` NULL with `len == 0` or valid for writes of `len` bytes.
    pub(crate) unsafe fn new(
        buf: *mut c_char,
        len: usize,
        out_len: *mut usize,
    ) -> Result<Self, Failure> {
        // SAFETY: forwarded contract.
        unsafe { OutBuffer::new(buf.cast(), len, out_len) }.map(OutString)
    }

    pub(crate) fn write(self, text: &str) -> Result<(), Failure> {
        self.0.write(text.as_bytes(), true)
    }
}

/// A caller's buffer for bytes: written without terminator.
pub(crate) struct OutBytes(OutBuffer);

impl OutBytes {
    /// # Safety
    /// As for [`OutString::new`].
    pub(crate) unsafe fn new(
        buf: *mut u8,
        len: usize,
        out_len: *mut usize,
    ) -> Result<Self, Failure> {
        // SAFETY: forwarded contract.
        unsafe { OutBuffer::new(buf, len, out_len) }.map(OutBytes)
    }

    pub(crate) fn write(self, bytes: &[u8]) -> Result<(), Failure> {
        self.0.write(bytes, false)
    }
}

/// Picks element `index` of a list, or `PARTCERT_RESULT_INVALID_ARGUMENT`.
pub(crate) fn nth<T>(items: &[T], index: usize) -> Result<&T, Failure> {
    items.get(index).ok_or(Failure::ARGUMENT)
}
