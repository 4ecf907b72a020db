//! # partcert-ffi: the C ABI of partcert
//!
//! The whole verification surface of the `partcert` core, for device
//! software and repair tools written in C and C++: trust stores,
//! blocklists with anti-rollback state, part and handset verification,
//! verdicts, challenges, and issuing. The header `include/partcert.h` is
//! generated from this crate by cbindgen (see `cbindgen.toml` and
//! `build.rs`, which writes every C enum, the limits and the version from
//! the core's tables).
//!
//! This crate only translates types and errors: every rule (trust,
//! validity, blocklisting, what a publication changed) lives in the core.
//! A register's lists take two calls: `partcert_authority_publish` signs
//! any format, `partcert_blocklist_apply` applies any; the per-format calls
//! of 1.0–1.3 are kept as thin wrappers (`deprecated.rs`).
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

#[macro_use]
mod castable;
#[macro_use]
mod ptr;
mod authority;
mod blocklist;
mod blocklist_entries;
mod blocklist_holder;
mod blocklist_status;
mod blocklist_update;
mod bytes;
mod challenge;
mod deprecated;
mod enums;
mod error;
mod handset_evidence;
mod handset_report;
mod head;
mod keys;
mod list_version;
mod lists_checked;
mod panic;
mod part_evidence;
mod part_spec;
mod publish;
mod race;
mod shard_check;
mod shard_set;
mod shared;
mod str;
mod trust_store;
mod trust_store_holder;
mod util;
mod verdict;
mod verify;

pub use authority::*;
pub use blocklist::*;
pub use blocklist_entries::*;
pub use blocklist_holder::*;
pub use blocklist_status::*;
pub use blocklist_update::*;
pub use bytes::*;
pub use challenge::*;
pub use deprecated::*;
pub use enums::*;
pub use error::*;
pub use handset_evidence::*;
pub use handset_report::*;
pub use head::*;
pub use keys::*;
pub use list_version::*;
pub use lists_checked::*;
pub use part_evidence::*;
pub use part_spec::*;
pub use publish::*;
pub use shard_check::*;
pub use shard_set::*;
pub use str::*;
pub use trust_store::*;
pub use trust_store_holder::*;
pub use util::*;
pub use verdict::*;
pub use verify::*;

// Every handle, the Rust value behind it, and how the C caller holds it.
// The header promises every object may be moved between threads, and that
// the functions taking a `const` pointer may run concurrently: the table
// fails to compile the day a value behind a handle is not `Send + Sync`.
castable! {
    Box partcert_authority => authority::AuthorityData;
    Arc partcert_blocklist => blocklist::BlocklistData;
    Box partcert_blocklist_entries => blocklist_entries::EntriesData;
    Box partcert_blocklist_holder => partcert::Shared<blocklist::BlocklistData>;
    Ref partcert_blocklist_status => blocklist_status::StatusData;
    Box partcert_blocklist_update => blocklist_update::UpdateData;
    Box partcert_bytes => Vec<u8>;
    Box partcert_error => error::ErrorData;
    Box partcert_handset_evidence => handset_evidence::HandsetEvidenceData;
    Box partcert_handset_report => handset_report::ReportData;
    Box partcert_head => head::HeadData;
    Box partcert_list_changes => partcert_list_changes;
    Box partcert_lists_checked => Vec<blocklist_status::ListCheckedView>;
    Box partcert_part_evidence => part_evidence::PartEvidenceData;
    Box partcert_part_spec => partcert::issue::PartSpec;
    Box partcert_shard_check => shard_check::CheckData;
    Box partcert_shard_set => shard_set::ShardSetData;
    Arc partcert_trust_store => trust_store::TrustData;
    Box partcert_trust_store_holder => partcert::Shared<trust_store::TrustData>;
    Box partcert_verdict => verdict::VerdictData;
}
