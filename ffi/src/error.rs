//! `partcert_error`: the detail of a failed call — its code and the
//! core's detailed message ("the part certificate expired at … (checked at
//! …)", which IMEI mismatched, which argument was NULL).
//!
//! Every fallible function takes an optional `partcert_error **error_out`
//! as its last parameter: NULL when the caller wants only the code; else
//! a pointer to a `partcert_error *` that is NULL or holds an error an
//! earlier failing call made. A failing call sets it to a new error the
//! caller frees with `partcert_error_free`, freeing the one it held first:
//! the error always tells the latest failure's cause, and one variable can
//! serve a whole sequence of calls. A successful call leaves it untouched. There is no "last error" anywhere:
//! the detail travels with the call, so threads never see each other's.

use std::borrow::Cow;

use partcert::ErrorCode;

use crate::castable;
use crate::enums::partcert_result;
use crate::str::{NulString, partcert_str};

/// The detail of a failed call: its result code and a detailed, one-line
/// English message. Made by a failing call that was given an
/// `error_out`; immutable; free it with `partcert_error_free`. Errors a
/// handset report holds for its parts are borrowed from the report
/// (`const partcert_error *`) and never freed themselves.
pub struct partcert_error {
    _private: [u8; 0],
}

reader!(read: partcert_error);

/// The contents of a `partcert_error`.
#[derive(Debug, Clone)]
pub(crate) struct ErrorData {
    pub(crate) result: partcert_result,
    pub(crate) message: NulString,
}

impl ErrorData {
    pub(crate) fn new(failure: &Failure) -> Self {
        ErrorData {
            result: partcert_result::from(failure.code),
            message: NulString::new(&failure.message),
        }
    }
}

/// Why an FFI call failed: a core error code and the detailed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) message: Cow<'static, str>,
}

impl Failure {
    pub(crate) fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A required pointer argument was NULL (500), naming it.
    pub(crate) fn null(what: &'static str) -> Self {
        Failure::new(
            ErrorCode::NullArgument,
            format!("argument `{what}` is NULL"),
        )
    }

    /// A handle that cannot be one (misaligned): 503.
    pub(crate) fn misaligned(what: &'static str) -> Self {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!("argument `{what}` is not a valid pointer (misaligned)"),
        )
    }

    /// A string argument that is not UTF-8 (502).
    pub(crate) fn utf8(what: &'static str, error: std::str::Utf8Error) -> Self {
        Failure::new(
            ErrorCode::InvalidUtf8,
            format!(
                "argument `{what}` is not valid UTF-8 (invalid byte at offset {})",
                error.valid_up_to()
            ),
        )
    }

    /// An argument out of its range (503).
    pub(crate) fn argument(message: impl Into<Cow<'static, str>>) -> Self {
        Failure::new(ErrorCode::InvalidArgument, message)
    }

    /// A reference-counted object was shared and so is immutable (505,
    /// not 503: the argument is valid, the object's state forbids the
    /// change).
    pub(crate) fn shared(what: &'static str) -> Self {
        Failure::new(
            ErrorCode::SharedObject,
            format!(
                "`{what}` is shared (immutable once shared): change a copy made with its _clone function"
            ),
        )
    }

    /// A caught panic (900).
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Failure::new(
            ErrorCode::Panic,
            format!("internal error (a bug in partcert, please report it): {detail}"),
        )
    }
}

impl From<partcert::Error> for Failure {
    fn from(error: partcert::Error) -> Self {
        Failure::new(error.code(), error.to_string())
    }
}

/// Writes a new `partcert_error` for `failure` to `error_out`, if the
/// caller asked for one (`error_out` is not NULL). An error already there,
/// from an earlier failing call, is freed and replaced: the caller reads
/// this failure's cause, never an older one's, and nothing leaks.
///
/// # Safety
/// `error_out` is NULL or valid for reading and writing one pointer, which
/// is NULL or an error an earlier failing call made and nobody freed.
pub(crate) unsafe fn report(error_out: *mut *mut partcert_error, failure: &Failure) {
    if error_out.is_null() || !error_out.is_aligned() {
        return;
    }
    let error = castable::to_box(ErrorData::new(failure));
    // SAFETY: non-NULL, aligned, and valid for reads and writes of one
    // pointer holding NULL or an owned error (this function's contract);
    // the old error is freed once, here, and replaced at once.
    unsafe {
        let old = std::mem::replace(&mut *error_out, error);
        castable::free_box(old);
    }
}

/// The result code of an error (`PARTCERT_RESULT_OK` for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_error_code(error: *const partcert_error) -> partcert_result {
    read(error, partcert_result::OK, |e| Some(e.result))
}

/// The detailed message of an error, e.g. "the part certificate expired at
/// 1767225600 (checked at 1800000000)" or "argument `trust` is NULL":
/// borrowed, valid while the error lives, NUL-terminated. The empty string
/// for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_error_message(error: *const partcert_error) -> partcert_str {
    read(error, partcert_str::EMPTY, |e| Some(e.message.as_c()))
}

/// Frees an error made by a failing call. NULL is a no-op. (Errors
/// borrowed from a handset report are `const` and are not freed.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_error_free(error: *mut partcert_error) {
    // SAFETY: NULL or an error from a failing call, freed once.
    unsafe { castable::free_box(error) }
}

/// The detailed message as a C string pointer (tests).
#[cfg(test)]
pub(crate) fn message_of(error: *const partcert_error) -> String {
    // SAFETY: a live error in the test.
    let message = unsafe { partcert_error_message(error) };
    // SAFETY: `message` is a valid NUL-terminated string of `len` bytes.
    let bytes = unsafe { std::slice::from_raw_parts(message.data.cast::<u8>(), message.len) };
    String::from_utf8(bytes.to_vec()).unwrap()
}
