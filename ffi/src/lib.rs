//! # partcert-ffi: the C ABI of partcert
//!
//! The whole verification surface of the `partcert` core, for device
//! software and repair tools written in C and C++: trust stores,
//! blocklists with anti-rollback state, part and handset verification,
//! verdicts, challenges, and issuing. The header `include/partcert.h` is
//! generated from this crate by cbindgen (see `cbindgen.toml` and
//! `build.rs`, which writes the codes, part kinds, limits and version from
//! the core).
//!
//! This crate only translates types and errors: every rule (trust,
//! validity, blocklisting) lives in the core.
//!
//! Conventions, stated once in the header too: one `partcert_` prefix;
//! opaque handles whose ownership is part of their type (see
//! `src/castable.rs`); fallible calls return a code and, on request, a
//! `partcert_error` with the detail; reads that cannot fail return their
//! value; out-parameters written only on success; every body inside a
//! panic boundary; no global mutable state.
//!
//! One C type per source file: each opaque type, with the structs it hands
//! out, lives in the file named after it.

#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]
// Every exported function is `unsafe` to call from Rust, with one contract
// for all of them: the C header's conventions (pointers NULL or valid as
// documented, objects from this library, freed once). Repeating it in a
// `# Safety` section on each of them would bury the documentation that
// goes into the header.
#![allow(clippy::missing_safety_doc)]
// The C signatures are the ABI: they take as many arguments as they need.
#![allow(clippy::too_many_arguments)]

mod authority;
mod blocklist;
mod blocklist_entries;
mod blocklist_holder;
mod blocklist_status;
mod bytes;
mod castable;
mod challenge;
mod consts;
mod error;
mod handset_evidence;
mod handset_report;
mod holder;
mod keys;
mod panic;
mod part_evidence;
mod part_spec;
mod ptr;
mod result;
mod str;
mod trust_store;
mod trust_store_holder;
mod types;
mod util;
mod verdict;
mod verify;

pub use authority::*;
pub use blocklist::*;
pub use blocklist_entries::*;
pub use blocklist_holder::*;
pub use blocklist_status::*;
pub use bytes::*;
pub use challenge::*;
pub use consts::*;
pub use error::*;
pub use handset_evidence::*;
pub use handset_report::*;
pub use keys::*;
pub use part_evidence::*;
pub use part_spec::*;
pub use result::*;
pub use str::*;
pub use trust_store::*;
pub use trust_store_holder::*;
pub use types::*;
pub use util::*;
pub use verdict::*;
pub use verify::*;

/// The header promises every object may be moved between threads, and that
/// the functions taking a `const` pointer may run concurrently: that holds
/// only while every type behind a handle is `Send + Sync`. This fails to
/// compile the day one is not.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<trust_store::TrustData>();
    send_and_sync::<blocklist::BlocklistData>();
    send_and_sync::<holder::Holder<trust_store::TrustData>>();
    send_and_sync::<holder::Holder<blocklist::BlocklistData>>();
    send_and_sync::<verdict::VerdictData>();
    send_and_sync::<blocklist_status::StatusData>();
    send_and_sync::<handset_report::ReportData>();
    send_and_sync::<authority::AuthorityData>();
    send_and_sync::<blocklist_entries::EntriesData>();
    send_and_sync::<partcert::issue::PartSpec>();
    send_and_sync::<error::ErrorData>();
    send_and_sync::<Vec<u8>>();
    send_and_sync::<part_evidence::PartEvidenceData>();
    send_and_sync::<handset_evidence::HandsetEvidenceData>();
};

#[cfg(test)]
mod tests;
