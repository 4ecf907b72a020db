//! `partcert_str` and `partcert_slice`: borrowed text and bytes, passed
//! in and handed out as pointer and length (like rustls-ffi's `rustls_str`
//! and `rustls_slice_bytes`).
//!
//! These two are *frozen*: two fields, in this order, for the whole life
//! of the ABI's major version (they are passed by value and in arrays).

use std::ffi::c_char;

/// Borrowed UTF-8 text: `len` bytes at `data`.
///
/// Passed in (names, lists of names): no NUL needed; `data` may be NULL
/// only when `len` is 0.
///
/// Handed out by the library (names, summaries, messages, JSON): `data` is
/// never NULL, the text is followed by a NUL (`data[len] == '\0'`, so
/// `data` is also a C string) and contains no NUL before it, and it is
/// valid as long as the object it came from (until that object is freed,
/// or changed, for the objects that can change). Never free it.
///
/// Frozen: two fields, in this order, for the whole major version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_str {
    /// The first byte.
    pub data: *const c_char,
    /// How many bytes, without the NUL.
    pub len: usize,
}

impl partcert_str {
    /// The empty string, handed out for a NULL object.
    pub(crate) const EMPTY: partcert_str = partcert_str {
        data: c"".as_ptr(),
        len: 0,
    };

    /// A static C string.
    pub(crate) fn from_static(text: &'static std::ffi::CStr) -> Self {
        partcert_str {
            data: text.as_ptr(),
            len: text.to_bytes().len(),
        }
    }
}

// SAFETY: a `partcert_str` the library hands out points into immutable
// text owned by the object it came from (or static text); sharing or
// sending the pointer between threads is as safe as sharing that object,
// which is `Send + Sync` (checked in lib.rs).
unsafe impl Send for partcert_str {}
// SAFETY: as above.
unsafe impl Sync for partcert_str {}

/// Borrowed bytes: `len` bytes at `data` (`data` may be NULL only when
/// `len` is 0). Passed in for lists of encoded objects; handed out for the
/// bytes of an object (valid as long as it lives; never free it).
///
/// Frozen: two fields, in this order, for the whole major version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_slice {
    /// The first byte.
    pub data: *const u8,
    /// How many bytes.
    pub len: usize,
}

/// A borrowed list of IMEIs (15-digit numbers): `len` values at `data`
/// (`data` is NULL when `len` is 0), valid as long as the object it came
/// from. Never free it.
///
/// Frozen: two fields, in this order, for the whole major version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_imeis {
    /// The first IMEI.
    pub data: *const u64,
    /// How many.
    pub len: usize,
}

/// The lists the library lends: `EMPTY` (NULL data, length 0) and `of`
/// (borrowed from a slice, NULL data when it is empty), and `Send + Sync`
/// (they point into immutable data owned by a `Send + Sync` object, as a
/// `partcert_str` does).
macro_rules! lent_list {
    ($($list:ident: $item:ty;)*) => {$(
        impl $list {
            pub(crate) const EMPTY: $list = $list {
                data: std::ptr::null(),
                len: 0,
            };

            pub(crate) fn of(items: &[$item]) -> Self {
                match items {
                    [] => Self::EMPTY,
                    items => $list {
                        data: items.as_ptr(),
                        len: items.len(),
                    },
                }
            }
        }

        // SAFETY: see the macro's documentation.
        unsafe impl Send for $list {}
        // SAFETY: as above.
        unsafe impl Sync for $list {}
    )*};
}

lent_list! {
    partcert_slice: u8;
    partcert_imeis: u64;
}

/// Text the library hands out: owned, NUL-terminated, without an inner
/// NUL. Its bytes live on the heap, so moving a `NulString` does not move
/// them: a `partcert_str` taken from it stays valid while it lives.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NulString(Box<str>);

impl NulString {
    pub(crate) fn new(text: &str) -> Self {
        let mut owned = String::with_capacity(text.len() + 1);
        // The core refuses control characters in what it signs, so a NUL
        // cannot come from evidence; should one ever appear, it is
        // replaced, never allowed to cut the C string short.
        for c in text.chars() {
            owned.push(if c == '\0' { '\u{FFFD}' } else { c });
        }
        owned.push('\0');
        NulString(owned.into_boxed_str())
    }

    /// The text without the NUL.
    pub(crate) fn as_str(&self) -> &str {
        &self.0[..self.0.len() - 1]
    }

    pub(crate) fn as_c(&self) -> partcert_str {
        partcert_str {
            data: self.0.as_ptr().cast(),
            len: self.0.len() - 1,
        }
    }
}

impl std::fmt::Debug for NulString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_handed_out_is_nul_terminated_without_inner_nul() {
        let text = NulString::new("a\0b");
        assert_eq!(text.as_str(), "a\u{FFFD}b");
        let c = text.as_c();
        // SAFETY: `c` points to `len + 1` bytes owned by `text`.
        let bytes = unsafe { std::slice::from_raw_parts(c.data.cast::<u8>(), c.len + 1) };
        assert_eq!(bytes.last(), Some(&0));
        assert!(!bytes[..c.len].contains(&0));
        assert_eq!(NulString::new("").as_c().len, 0);
        assert_eq!(partcert_str::EMPTY.len, 0);
        assert!(!partcert_str::EMPTY.data.is_null());
    }
}
