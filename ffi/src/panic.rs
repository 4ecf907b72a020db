//! The panic boundary: no panic ever unwinds into C.
//!
//! Every exported function runs its body through [`boundary`] (fallible
//! functions: a result code, and the detail to `error_out`),
//! [`getter`] (reads that cannot fail: a value, or a default for NULL) or
//! [`boundary_void`] (the `_free` functions). A caught panic becomes
//! `PARTCERT_RESULT_PANIC` (900): a bug in this library, always reported,
//! never undefined behaviour in the caller.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error, report};

/// Runs `body`, turning its failure into a result code (and, if the caller
/// asked, a `partcert_error` with the detail) and a panic into
/// `PARTCERT_RESULT_PANIC`.
///
/// `AssertUnwindSafe` is sound here because every mutating operation of the
/// core is all-or-nothing: a panic half-way leaves no object in a state
/// that a later call could misread.
pub(crate) fn boundary(
    error_out: *mut *mut partcert_error, body: impl FnOnce() -> Result<(), Failure>,
) -> partcert_result {
    crate::race::find_detector();
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return partcert_result::OK,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::panic(payload.as_ref()),
    };
    let result = partcert_result::from(failure.code);
    // Reporting allocates: keep even that inside a boundary.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the exported function's contract: `error_out` is NULL or
        // valid for one pointer.
        unsafe { report(error_out, &failure) }
    }));
    result
}

/// Runs a read that cannot fail: its value, or `default` when it has none
/// (a NULL handle, an index past the end) or panics.
pub(crate) fn getter<T>(default: T, body: impl FnOnce() -> Option<T>) -> T {
    crate::race::find_detector();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Some(value)) => value,
        Ok(None) | Err(_) => default,
    }
}

/// Runs `body` for a function with nothing to return (a `_free`): a panic
/// is swallowed rather than unwound into C.
pub(crate) fn boundary_void(body: impl FnOnce()) {
    // Nothing can be reported from a function returning void; the only
    // alternative, unwinding into C, is undefined behaviour.
    crate::race::find_detector();
    let _ = catch_unwind(AssertUnwindSafe(body));
}

#[cfg(test)]
mod tests {
    use super::*;
    use partcert::ErrorCode;
    use std::ptr::null_mut;

    #[test]
    fn a_panic_becomes_code_900_with_its_message() {
        let mut error = null_mut();
        let result = boundary(&mut error, || panic!("deliberate test panic"));
        assert_eq!(result, partcert_result::PANIC);
        assert_eq!(result.0, 900);
        assert!(crate::error::message_of(error).contains("deliberate test panic"));
        // SAFETY: the error was made above and is freed once.
        unsafe { crate::error::partcert_error_free(error) };
    }

    #[test]
    fn errors_and_success_pass_through() {
        let mut error = null_mut();
        assert_eq!(boundary(&mut error, || Ok(())), partcert_result::OK);
        assert!(error.is_null(), "success writes no error");
        assert_eq!(
            boundary(null_mut(), || Err(Failure::new(ErrorCode::Rollback, "x"))),
            partcert_result::ROLLBACK
        );
    }

    #[test]
    fn an_error_already_there_is_replaced_by_the_new_failure() {
        let mut error = null_mut();
        let _ = boundary(&mut error, || Err(Failure::argument("first")));
        assert_eq!(crate::error::message_of(error), "first");
        let result = boundary(&mut error, || {
            Err(Failure::new(ErrorCode::Rollback, "second"))
        });
        assert_eq!(result, partcert_result::ROLLBACK);
        assert_eq!(crate::error::message_of(error), "second");
        // SAFETY: a live error.
        assert_eq!(unsafe { crate::error::partcert_error_code(error) }, result);
        assert_eq!(boundary(&mut error, || Ok(())), partcert_result::OK);
        assert_eq!(
            crate::error::message_of(error),
            "second",
            "success leaves it"
        );
        // SAFETY: made above, freed once.
        unsafe { crate::error::partcert_error_free(error) };
    }

    #[test]
    fn a_panic_in_a_getter_or_a_void_function_is_contained() {
        assert_eq!(getter(7, || panic!("deliberate test panic")), 7);
        boundary_void(|| panic!("deliberate test panic"));
    }
}
