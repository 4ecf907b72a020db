//! Kotlin and Swift bindings for partcert, generated with uniffi.
//!
//! This crate only translates: core types to records, enums and objects
//! the foreign languages know, and the core's [`partcert::Error`] to one
//! error type carrying its stable code ([`PartcertError`]). Every rule
//! lives in the core. Digests, key ids and public keys cross as lower-case
//! hex, IMEIs as their 15 digits, times as seconds since the Unix epoch,
//! signed objects as their exact bytes.
//!
//! Generate the bindings with the crate's own generator:
//!
//! ```sh
//! cargo build -p partcert-uniffi --features cli
//! target/debug/uniffi-bindgen generate --library target/debug/libpartcert_uniffi.so \
//!     --language kotlin --out-dir out/
//! ```

uniffi::setup_scaffolding!();

mod error;
mod issue;
mod objects;
mod store;
mod types;
mod verdict;

pub use error::{ErrorCodeInfo, ErrorInfo, PartcertError, error_code_info, error_codes};
pub use issue::{Authority, PartSpec, SecretKey, entries_for_reported_handset};
pub use objects::{
    AuthoritySubject, BlocklistDelta, BlocklistDeltaInfo, BlocklistSnapshot, BlocklistSnapshotInfo,
    Certificate, CertificateInfo, Challenge, ChallengeResponse, ChallengeResponseInfo,
    CompactSnapshot, CompactSnapshotInfo, ObjectType, PairingRecord, PairingRecordInfo,
    PartSubject, PartcertObject, RevocationList, RevocationListInfo, Subject, decode_object,
    object_type_of,
};
pub use store::{
    AuthorityList, Blocklist, ChallengeAnswer, FittedPart, HandsetEvidence, LoadedState,
    PartEvidence, TrustStore, Verifier, load_blocklist_state,
};
pub use types::{
    AuthorityRole, BlockKey, BlocklistEntry, ListVersion, ListingStatus, MatchedKey, PairedPart,
    PairingEvent, PartKind, Reason, RevokedKey, RollbackMark, Validity, clock_tolerance,
    decode_rollback_state, format_version, imei_with_check_digit, max_listings, parse_imei,
    parse_part_kind, part_id_of_part_key, part_kind_name, validity_days_from,
};
pub use verdict::{
    AuthorityInfo, Binding, BlocklistStatus, FittedPartReport, HandsetReport, ListChecked, Listing,
    PartInfo, PartOutcome, Provenance, Relation, StaleReason, Verdict,
};
