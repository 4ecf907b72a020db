//! The panic boundary: no panic ever unwinds into C.
//!
//! Every exported function runs its body through [`boundary`] (functions
//! returning a [`partcert_result`]) or [`boundary_void`] (the `_free`
//! functions). A caught panic becomes `PARTCERT_RESULT_PANIC` (900): a bug
//! in this library, always reported, never undefined behaviour in the caller.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::result::{Failure, partcert_result};

/// Runs `body`, turning its error into a result code and a panic into
/// `PARTCERT_RESULT_PANIC`.
///
/// `AssertUnwindSafe` is sound here because every mutating operation of the
/// core is all-or-nothing: a panic half-way leaves no object in a state
/// that a later call could misread.
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Failure>) -> partcert_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => partcert_result::Ok,
        Ok(Err(failure)) => failure.result(),
        Err(_) => partcert_result::Panic,
    }
}

/// Runs `body` for a function with nothing to return (a `_free`): a panic
/// is swallowed rather than unwound into C.
pub(crate) fn boundary_void(body: impl FnOnce()) {
    // Nothing can be reported from a function returning void; the only
    // alternative, unwinding into C, is undefined behaviour.
    let _ = catch_unwind(AssertUnwindSafe(body));
}

#[cfg(test)]
mod tests {
    use super::*;
    use partcert::ErrorCode;

    #[test]
    fn a_panic_becomes_code_900() {
        let result = boundary(|| panic!("deliberate test panic"));
        assert_eq!(result, partcert_result::Panic);
        assert_eq!(result as u32, 900);
    }

    #[test]
    fn errors_and_success_pass_through() {
        assert_eq!(boundary(|| Ok(())), partcert_result::Ok);
        assert_eq!(
            boundary(|| Err(Failure::from(ErrorCode::Rollback))),
            partcert_result::Rollback
        );
    }

    #[test]
    fn a_panic_in_a_void_function_is_swallowed() {
        boundary_void(|| panic!("deliberate test panic"));
    }
}
