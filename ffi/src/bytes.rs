//! `partcert_bytes`: bytes the library made.

use crate::castable;
use crate::str::partcert_slice;

/// Bytes the library made and the caller owns: an encoded certificate,
/// record, list, challenge response or saved state. Read them with
/// `partcert_bytes_data` and `partcert_bytes_len`; free them with
/// `partcert_bytes_free`. Immutable and safe to share between threads.
pub struct partcert_bytes {
    _private: [u8; 0],
}

reader!(read: partcert_bytes);

/// Hands `bytes` to C as a new `partcert_bytes`.
pub(crate) fn to_bytes(bytes: Vec<u8>) -> *mut partcert_bytes {
    castable::to_box(bytes)
}

/// The bytes, borrowed: valid until `bytes` is freed. NULL for NULL (and
/// for no bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_bytes_data(bytes: *const partcert_bytes) -> *const u8 {
    read(bytes, std::ptr::null(), |b| {
        Some(partcert_slice::of(b).data)
    })
}

/// How many bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_bytes_len(bytes: *const partcert_bytes) -> usize {
    read(bytes, 0, |b| Some(b.len()))
}

/// Frees bytes. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_bytes_free(bytes: *mut partcert_bytes) {
    // SAFETY: NULL or bytes from this library, freed once.
    unsafe { castable::free_box(bytes) }
}
