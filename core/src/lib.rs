//! # partcert
//!
//! Signed certificates for phone parts, signed pairing records (which parts
//! sit in which handset) and signed blocklists of handsets reported stolen
//! or lost — and one verifier that turns that evidence into a verdict,
//! offline and in microseconds.
//!
//! A stolen phone, and every part in it, should be worthless; a genuine
//! used part from a clean handset must still verify as *genuine, used,
//! clean*, so repair stays open. The library reports; it never disables.
//!
//! The shape follows rustls-webpki: decoding (`Certificate::decode`,
//! `PairingRecord::decode`, …) is cheap and checks structure and bounds;
//! trust is decided by a [`Verifier`] holding a [`TrustStore`] of pinned
//! roots and a [`Blocklist`], at a time the caller passes (the core never
//! reads a clock).
//!
//! The root holds what most callers need; the rest lives in role modules:
//! [`issue`] (signing), [`blocklist`] (a register's lists in every format:
//! one call publishes, one applies), [`verify`] (verdicts and reports),
//! [`certificate`], [`pairing`], [`revocation`], [`challenge`], [`ids`]
//! and [`limits`].
//!
//! ```
//! use partcert::*;
//! use partcert::blocklist::{Base, BlocklistEntry, Format, ListVersion, ListingStatus,
//!     Publication, Reason};
//! use partcert::issue::{Authority, PartSpec};
//! use partcert::pairing::PairingEvent;
//! let t0 = 1_700_000_000;
//! let years = |n: u64| Validity::days_from(t0, 365 * n);
//!
//! // A manufacturer, its factory line and pairing service.
//! let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
//!     "Acme root", &["Acme"], years(30))?;
//! let line_key = SecretKey::from_seed(&[2; 32]);
//! let line = Authority::new(line_key.clone(), root.certify_part_issuer("Acme line 3",
//!     line_key.public_key(), &[PartKind::Board, PartKind::Screen], &["Acme"], 2, years(20))?)?;
//! let pairing_key = SecretKey::from_seed(&[3; 32]);
//! let pairing = Authority::new(pairing_key.clone(), root.certify_pairing_service(
//!     "Acme pairing", pairing_key.public_key(), 3, years(20))?)?;
//!
//! // A handset is built and paired at the factory.
//! let imei: Imei = "356938035643809".parse()?;
//! let spec = |kind, serial: &str, imeis: Vec<Imei>| PartSpec { kind, manufacturer: "Acme".into(),
//!     model: "A1".into(), serial: serial.into(), imeis, key: None };
//! let board = line.certify_part(&spec(PartKind::Board, "BRD-1", vec![imei]), 10, years(30))?;
//! let screen = line.certify_part(&spec(PartKind::Screen, "SCR-1", vec![]), 11, years(30))?;
//! let record = pairing.pair(&board, &[screen.clone()], 1, PairingEvent::FactoryBuild, t0)?;
//!
//! // It is stolen: a registry lists the handset and its parts.
//! let registry = Authority::new_blocklist_root(SecretKey::from_seed(&[4; 32]),
//!     "National register", years(30))?;
//! let entries = BlocklistEntry::for_reported_handset(&record, Reason::Stolen, t0 + 60,
//!     ListingStatus::Final);
//! let published = registry.publish(&Publication { format: Format::Sorted,
//!     version: ListVersion::new(0, 1), issued_at: t0 + 100, expires_at: t0 + 86_400,
//!     base: Base::None, delisted: &[] }, entries)?;
//! assert_eq!(published.changes.listed, 3); // its IMEI, its board and its screen
//!
//! // A repair shop is offered the harvested screen.
//! let mut trust = TrustStore::new();
//! trust.add_manufacturer_root(root.certificate().clone())?;
//! trust.add_blocklist_root(registry.certificate().clone())?;
//! let mut blocklist = Blocklist::new();
//! blocklist.apply_bytes(&trust, published.list.as_bytes(), t0 + 200)?;
//! let chain = [line.certificate().clone()];
//! let verdict = Verifier::new(&trust).with_blocklist(&blocklist)
//!     .verify_part(&PartEvidence::new(&screen, &chain), t0 + 300)?;
//! assert!(verdict.is_blocked());
//!
//! // Tampering breaks verification.
//! let mut forged = screen.as_bytes().to_vec();
//! let last = forged.len() - 1;
//! forged[last] ^= 1;
//! let forged = Certificate::decode(&forged)?;
//! let error = Verifier::new(&trust).verify_part(&PartEvidence::new(&forged, &chain), t0 + 300)
//!     .unwrap_err();
//! assert_eq!(error.code(), ErrorCode::BadSignature);
//! # Ok::<(), partcert::Error>(())
//! ```
// One `unsafe` block, in `file::map` (a read-only memory map of a saved
// list); everything else is safe code.
#![deny(unsafe_code)]
#![warn(unreachable_pub)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod blocklist;
mod bounded;
pub mod certificate;
pub mod challenge;
mod coded;
mod envelope;
mod error;
pub mod file;
pub mod ids;
pub mod issue;
mod keys;
pub mod limits;
mod object;
pub mod pairing;
pub mod race;
pub mod revocation;
mod shared;
mod text;
mod time;
mod trust;
pub mod verify;

pub use blocklist::Blocklist;
pub use certificate::{Certificate, Validity};
pub use envelope::{FORMAT_VERSION, ObjectType};
pub use error::{Error, ErrorCode, ErrorFamily};
pub use ids::{Imei, PartKind};
pub use keys::SecretKey;
pub use object::Object;
pub use pairing::PairingRecord;
pub use shared::Shared;
pub use trust::TrustStore;
pub use verify::{PartEvidence, Verdict, Verifier};

// Kotlin and Swift: with the `uniffi` feature (off by default) the core's
// values carry uniffi derives, and partcert-uniffi generates them from here.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

/// Helpers for this crate's own tests, fuzz targets and the Wycheproof
/// suite. Not part of the API: may change in any release.
#[doc(hidden)]
pub mod internal {
    pub use crate::envelope::{HEADER_LEN, MAGIC, SIGNATURE_LEN, verify_signature};

    /// The bytes an object's signature covers, with the signature: the
    /// whole object, but for a compact snapshot, whose list follows its
    /// signed header (and padding).
    pub fn signed_part(bytes: &[u8]) -> &[u8] {
        crate::blocklist::compact_snapshot::signed_len(bytes)
            .and_then(|len| bytes.get(..len))
            .unwrap_or(bytes)
    }

    /// The Merkle root a compact snapshot commits to for these list bytes.
    pub fn compact_list_root(list: &[u8]) -> [u8; 32] {
        crate::blocklist::compact_snapshot::list_root(list)
    }

    /// The decoded body of `object`, encoded again: equal to the bytes
    /// between header and signature when the encoding is canonical (what
    /// the fuzz targets assert).
    pub fn reencoded_body(object: &crate::Object) -> Vec<u8> {
        use crate::Object;
        let encoded = match object {
            Object::Certificate(o) => postcard::to_allocvec(o.body()),
            Object::PairingRecord(o) => postcard::to_allocvec(o.body()),
            Object::BlocklistSnapshot(o) => postcard::to_allocvec(&o.body()),
            Object::BlocklistDelta(o) => postcard::to_allocvec(&o.body()),
            Object::RevocationList(o) => postcard::to_allocvec(o.body()),
            Object::ChallengeResponse(o) => postcard::to_allocvec(o.body()),
            Object::CompactSnapshot(o) => postcard::to_allocvec(&o.body_as_signed()),
            Object::RepositoryHead(o) => postcard::to_allocvec(o.body()),
        };
        encoded.unwrap_or_default()
    }
}
