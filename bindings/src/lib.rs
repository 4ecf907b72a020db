//! Kotlin and Swift bindings for partcert, generated with uniffi.
//!
//! This crate only translates. The core's own values — ids, IMEIs, part
//! kinds, entries, listings, verdict parts, the blocklist wing's formats
//! and change counts — carry uniffi derives behind the core's `uniffi`
//! feature and cross as they are (ids and public keys as 64 lower-case hex
//! digits, IMEIs as their 15 digits, checked as they cross); this crate
//! adds the objects that hold the core's (certificates, keys, the trust
//! store and blocklist in the core's copy-on-write holder, the verifier,
//! a repository head and the sans-I/O updater that keeps lists current
//! from it, and the shard check that consults a register's list without
//! holding it), the verdict and report with their summaries, the calls that
//! save a device's state to a path and load it back (the core's layout,
//! as the CLI and C keep it: compact lists in files beside the state),
//! and one error type carrying the core's stable codes
//! ([`PartcertError`]). Every rule lives in the core. Times are seconds
//! since the Unix epoch, signed objects their exact bytes.
//!
//! Generate the bindings with the crate's own generator (the core's part
//! of them is named by `bindings/uniffi-bindgen.toml`):
//!
//! ```sh
//! cargo build -p partcert-uniffi --features cli
//! target/debug/uniffi-bindgen generate --library target/debug/libpartcert_uniffi.so \
//!     --config bindings/uniffi-bindgen.toml --language kotlin --out-dir out/
//! ```

uniffi::setup_scaffolding!();

mod device;
mod error;
mod issue;
mod objects;
mod shards;
mod state_file;
#[cfg(test)]
mod testing;
mod update;
mod values;
mod verify;

pub use device::{AuthorityList, Blocklist, LoadedState, TrustStore, load_blocklist_state};
pub use error::{ErrorCodeInfo, ErrorInfo, PartcertError, error_code_info, error_codes};
pub use issue::{
    Authority, EarlierRecords, ListBase, Publication, Published, SecretKey,
    entries_for_reported_handset,
};
pub use objects::{
    Certificate, CertificateInfo, Challenge, ChallengeResponse, ChallengeResponseInfo, DeltaBase,
    PairingRecord, PairingRecordInfo, PartcertObject, RepositoryHead, RepositoryHeadInfo,
    RevocationList, RevocationListInfo, SignedList, SignedListInfo, decode_object, object_type_of,
};
pub use shards::{
    ShardCheck, ShardCheckOutcome, ShardSet, ShardStructure, check_shard_structure, max_shard_len,
};
pub use state_file::{StateFileError, load_blocklist_state_from};
pub use update::{BlocklistUpdate, UpdateOutcome, max_head_len, repository_head_path};
pub use values::{
    clock_tolerance, decode_rollback_state, format_version, imei_with_check_digit, max_listings,
    parse_imei, parse_part_kind, part_id_of_part_key, part_kind_name, validity_days_from,
};
pub use verify::{
    ChallengeAnswer, FittedPart, FittedPartReport, HandsetEvidence, HandsetReport, PartEvidence,
    PartOutcome, Verdict, Verifier,
};
