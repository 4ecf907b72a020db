//! `partcert_object_type`: the type of an encoded object.

use partcert::ObjectType;

use crate::error::Failure;

/// The type of an encoded partcert object.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_object_type {
    /// A certificate (root, authority or part).
    Certificate = 1,
    /// A pairing record.
    PairingRecord = 2,
    /// A blocklist snapshot.
    BlocklistSnapshot = 3,
    /// A blocklist delta.
    BlocklistDelta = 4,
    /// A revocation list.
    RevocationList = 5,
    /// A challenge response.
    ChallengeResponse = 6,
    /// A compact blocklist snapshot (national-scale lists).
    CompactSnapshot = 7,
}

impl partcert_object_type {
    pub(crate) fn from_core(object_type: ObjectType) -> Result<Self, Failure> {
        Ok(match object_type {
            ObjectType::Certificate => partcert_object_type::Certificate,
            ObjectType::PairingRecord => partcert_object_type::PairingRecord,
            ObjectType::BlocklistSnapshot => partcert_object_type::BlocklistSnapshot,
            ObjectType::BlocklistDelta => partcert_object_type::BlocklistDelta,
            ObjectType::RevocationList => partcert_object_type::RevocationList,
            ObjectType::ChallengeResponse => partcert_object_type::ChallengeResponse,
            ObjectType::CompactSnapshot => partcert_object_type::CompactSnapshot,
            // A type the core learnt after this crate: surface it as a bug
            // (the exhaustive test below fails first).
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Failure::new(
                    partcert::ErrorCode::Panic,
                    "an object type this library does not know",
                ));
            }
        })
    }
}
