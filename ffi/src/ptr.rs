//! Crossing the boundary: borrowed inputs and out-parameters.
//!
//! Every raw pointer the C caller hands over is turned into a Rust value
//! here, in small `unsafe` blocks, after a NULL check that names the
//! argument in the error. Out-parameters are checked first and written
//! last, so a failing call never writes half a result.

/// Reads one C argument with `read`, checked and named in its error by its
/// own parameter name, in one line — after rustls-ffi's `try_ref_from_ptr!`
/// family: `let trust = arg!(castable::borrow: trust);`,
/// `let bytes = arg!(ptr::bytes_in: data, len);`,
/// `let out = arg!(Out::new: version_out);`. Returns early from the
/// enclosing body with the failure (500 for a NULL that may not be, 503 for
/// a pointer that cannot be one or a length over PTRDIFF_MAX, 502 for text
/// that is not UTF-8).
macro_rules! arg {
    ($read:path: $arg:ident $(, $more:expr)*) => {
        // SAFETY: the header's contract for every argument of every call: a
        // handle is NULL or a live object of its type (a non-const one used
        // by no other thread during the call); a buffer is NULL with a count
        // of 0, or that many readable items unchanged during the call; a
        // fixed-size input is NULL or that many readable bytes; an
        // out-parameter is NULL or valid for one write of its type.
        unsafe { $read($arg $(, $more)*, stringify!($arg)) }?
    };
}

use std::ffi::c_char;
use std::ptr::NonNull;

use partcert::ids::KeyId;

use crate::bytes::{partcert_bytes, to_bytes};
use crate::error::Failure;
use crate::str::{partcert_slice, partcert_str};

/// Borrows `count` values at `data`. `data` may be NULL only when `count` is 0.
///
/// # Safety
/// If `data` is not NULL it points to `count` initialised values of `T`
/// that stay unchanged for the returned lifetime.
pub(crate) unsafe fn array_in<'a, T>(
    data: *const T, count: usize, what: &'static str,
) -> Result<&'a [T], Failure> {
    if data.is_null() {
        return if count == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    let too_long = count
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| bytes > isize::MAX as usize);
    if too_long {
        return Err(Failure::argument(format!(
            "the length of `{what}` ({count}) is over PTRDIFF_MAX bytes"
        )));
    }
    if !data.is_aligned() {
        return Err(Failure::misaligned(what));
    }
    // SAFETY: `data` is non-NULL and aligned, the caller guarantees `count`
    // readable values, and the total size fits in `isize`.
    Ok(unsafe { std::slice::from_raw_parts(data, count) })
}

/// Borrows `len` bytes at `data`. `data` may be NULL only when `len` is 0.
///
/// # Safety
/// As for [`array_in`].
pub(crate) unsafe fn bytes_in<'a>(
    data: *const u8, len: usize, what: &'static str,
) -> Result<&'a [u8], Failure> {
    // SAFETY: forwarded contract.
    unsafe { array_in(data, len, what) }
}

/// Borrows a UTF-8 string given as pointer and length (no NUL needed).
///
/// # Safety
/// As for [`array_in`].
pub(crate) unsafe fn str_in<'a>(
    data: *const c_char, len: usize, what: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_in(data.cast(), len, what) }?;
    std::str::from_utf8(bytes).map_err(|error| Failure::utf8(what, error))
}

/// Borrows a file path given as a NUL-terminated C string, as the
/// operating system takes it: any bytes but NUL on Unix, UTF-8 elsewhere
/// (502 otherwise). NULL is 500.
///
/// # Safety
/// If `path` is not NULL it points to a NUL-terminated string that stays
/// unchanged for the returned lifetime.
pub(crate) unsafe fn path_in<'a>(
    path: *const c_char, what: &'static str,
) -> Result<&'a std::path::Path, Failure> {
    if path.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and NUL-terminated (this contract).
    let bytes = unsafe { std::ffi::CStr::from_ptr(path) }.to_bytes();
    #[cfg(unix)]
    let path = {
        use std::os::unix::ffi::OsStrExt;
        std::path::Path::new(std::ffi::OsStr::from_bytes(bytes))
    };
    #[cfg(not(unix))]
    let path = std::path::Path::new(
        std::str::from_utf8(bytes).map_err(|error| Failure::utf8(what, error))?,
    );
    Ok(path)
}

/// Borrows `count` strings at `list` (NULL only when `count` is 0).
///
/// # Safety
/// `list` is NULL or points to `count` `partcert_str`, each following the
/// byte-buffer rules.
pub(crate) unsafe fn strs_in<'a>(
    list: *const partcert_str, count: usize, what: &'static str,
) -> Result<Vec<&'a str>, Failure> {
    // SAFETY: forwarded contract.
    let list = unsafe { array_in(list, count, what) }?;
    list.iter()
        // SAFETY: each string follows the byte-buffer rules.
        .map(|item| unsafe { str_in(item.data, item.len, what) })
        .collect()
}

/// Borrows `count` byte buffers at `list` (NULL only when `count` is 0).
///
/// # Safety
/// As for [`strs_in`].
pub(crate) unsafe fn slices_in<'a>(
    list: *const partcert_slice, count: usize, what: &'static str,
) -> Result<Vec<&'a [u8]>, Failure> {
    // SAFETY: forwarded contract.
    let list = unsafe { array_in(list, count, what) }?;
    list.iter()
        // SAFETY: each slice follows the byte-buffer rules.
        .map(|item| unsafe { bytes_in(item.data, item.len, what) })
        .collect()
}

/// Reads an optional value given by pointer: NULL is `None`.
///
/// # Safety
/// If `data` is not NULL it points to one readable, initialised `T`.
pub(crate) unsafe fn optional_in<T: Copy>(
    data: *const T, what: &'static str,
) -> Result<Option<T>, Failure> {
    if data.is_null() {
        return Ok(None);
    }
    if !data.is_aligned() {
        return Err(Failure::misaligned(what));
    }
    // SAFETY: non-NULL, aligned, and one readable `T` (this contract).
    Ok(Some(unsafe { data.read() }))
}

/// Reads exactly `N` bytes (a key, a nonce, an id).
///
/// # Safety
/// If `data` is not NULL it points to `N` readable bytes.
pub(crate) unsafe fn fixed_in<const N: usize>(
    data: *const u8, what: &'static str,
) -> Result<[u8; N], Failure> {
    if data.is_null() {
        return Err(Failure::null(what));
    }
    let mut out = [0u8; N];
    // SAFETY: `data` is non-NULL and the caller guarantees `N` readable
    // bytes; `out` is a distinct local array of `N` bytes.
    unsafe { std::ptr::copy_nonoverlapping(data, out.as_mut_ptr(), N) };
    Ok(out)
}

/// Reads the 32 bytes of a key, a nonce or a digest.
///
/// # Safety
/// As for [`fixed_in`].
pub(crate) unsafe fn bytes32_in(data: *const u8, what: &'static str) -> Result<[u8; 32], Failure> {
    // SAFETY: forwarded contract.
    unsafe { fixed_in(data, what) }
}

/// Reads a 32-byte key id (of a key, a root, an authority).
///
/// # Safety
/// As for [`fixed_in`].
pub(crate) unsafe fn key_id_in(data: *const u8, what: &'static str) -> Result<KeyId, Failure> {
    // SAFETY: forwarded contract.
    unsafe { fixed_in(data, what) }.map(KeyId)
}

/// Reads a 32-byte secret seed into a copy that is wiped when dropped.
///
/// # Safety
/// As for [`fixed_in`].
pub(crate) unsafe fn secret_in(
    data: *const u8, what: &'static str,
) -> Result<zeroize::Zeroizing<[u8; 32]>, Failure> {
    if data.is_null() {
        return Err(Failure::null(what));
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
    /// A required out-parameter.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for a write of one `T` until [`Out::write`].
    pub(crate) unsafe fn new(ptr: *mut T, what: &'static str) -> Result<Self, Failure> {
        let ptr = NonNull::new(ptr).ok_or_else(|| Failure::null(what))?;
        if !ptr.as_ptr().is_aligned() {
            return Err(Failure::misaligned(what));
        }
        Ok(Out(ptr))
    }

    /// An optional out-parameter: NULL means "not wanted".
    ///
    /// # Safety
    /// As for [`Out::new`].
    pub(crate) unsafe fn optional(
        ptr: *mut T, what: &'static str,
    ) -> Result<Option<Self>, Failure> {
        if ptr.is_null() {
            return Ok(None);
        }
        // SAFETY: forwarded contract.
        unsafe { Out::new(ptr, what) }.map(Some)
    }

    pub(crate) fn write(self, value: T) -> Result<(), Failure> {
        // SAFETY: non-NULL, aligned and valid for writes, as promised to
        // `new`. The old value is plain data (or an uninitialised slot) and
        // is not dropped.
        unsafe { self.0.as_ptr().write(value) };
        Ok(())
    }
}

/// Writes to an optional out-parameter, if given.
pub(crate) fn write_optional<T>(out: Option<Out<T>>, value: T) -> Result<(), Failure> {
    match out {
        Some(out) => out.write(value),
        None => Ok(()),
    }
}

/// Writes a new `partcert_bytes` to an optional out-parameter, made only
/// when it is wanted (an unwanted handle would leak).
pub(crate) fn write_bytes_optional(
    out: Option<Out<*mut partcert_bytes>>, make: impl FnOnce() -> Vec<u8>,
) -> Result<(), Failure> {
    match out {
        Some(out) => out.write(to_bytes(make())),
        None => Ok(()),
    }
}

/// A fixed-size byte out-parameter (an id, a key, a nonce).
pub(crate) struct OutFixed<const N: usize>(NonNull<u8>);

impl<const N: usize> OutFixed<N> {
    /// # Safety
    /// `ptr` is NULL or valid for writes of `N` bytes until [`OutFixed::write`].
    pub(crate) unsafe fn new(ptr: *mut u8, what: &'static str) -> Result<Self, Failure> {
        NonNull::new(ptr)
            .map(OutFixed)
            .ok_or_else(|| Failure::null(what))
    }

    /// # Safety
    /// As for [`OutFixed::new`]; NULL means "not wanted".
    pub(crate) unsafe fn optional(ptr: *mut u8) -> Option<Self> {
        NonNull::new(ptr).map(OutFixed)
    }

    pub(crate) fn write(self, value: &[u8; N]) -> Result<(), Failure> {
        // SAFETY: non-NULL and valid for `N` bytes, as promised to `new`;
        // `value` is Rust-owned memory, so the regions cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), self.0.as_ptr(), N) };
        Ok(())
    }
}
