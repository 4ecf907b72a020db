//! # partcert-ffi: the C ABI of partcert
//!
//! The whole verification surface of the `partcert` core, for device
//! software and repair tools written in C and C++: trust stores,
//! blocklists with anti-rollback state, part and handset verification,
//! verdicts, challenges, and issuing. The header `include/partcert.h` is
//! generated from this crate by cbindgen (see `cbindgen.toml`).
//!
//! This crate only translates types and errors: every rule (trust,
//! validity, blocklisting) lives in the core.
//!
//! Conventions, stated once in the header too: one `partcert_` prefix;
//! opaque handles made by `_new` and freed by `_free` (`_free(NULL)` is a
//! no-op); results through out-parameters, written only on success; byte
//! buffers as pointer and `size_t` length; every body inside a panic
//! boundary; no global mutable state.

#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]
// Every exported function is `unsafe` to call from Rust, with one contract
// for all of them: the C header's conventions (pointers NULL or valid as
// documented, objects from this library, freed once). Repeating it in a
// `# Safety` section on each of them would bury the documentation that
// goes into the header.
#![allow(clippy::missing_safety_doc)]

mod blocklist;
mod evidence;
mod issue;
mod panic;
mod ptr;
mod result;
mod trust;
mod types;
mod util;
mod verify;

pub use blocklist::*;
pub use evidence::*;
pub use issue::*;
pub use result::*;
pub use trust::*;
pub use types::*;
pub use util::*;
pub use verify::*;

/// The header promises every object may be moved between threads, and that
/// the functions taking a `const` pointer may run concurrently: that holds
/// only while every type behind a handle is `Send + Sync`. This fails to
/// compile the day one is not.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<partcert::TrustStore>();
    send_and_sync::<partcert::Blocklist>();
    send_and_sync::<partcert::Verdict>();
    send_and_sync::<partcert::BlocklistStatus>();
    send_and_sync::<partcert::HandsetReport>();
    send_and_sync::<partcert::issue::Authority>();
    send_and_sync::<Vec<partcert::BlocklistEntry>>();
    send_and_sync::<Vec<u8>>();
    send_and_sync::<evidence::PartEvidenceData>();
    send_and_sync::<evidence::HandsetEvidenceData>();
};

#[cfg(test)]
mod tests;
