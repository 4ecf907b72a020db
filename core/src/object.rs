//! Any decoded object, told by its type tag.

use crate::blocklist::{BlocklistDelta, BlocklistSnapshot, CompactSnapshot, Head};
use crate::certificate::Certificate;
use crate::challenge::ChallengeResponse;
use crate::envelope::{self, ObjectType};
use crate::error::Error;
use crate::pairing::PairingRecord;
use crate::revocation::RevocationList;

/// Any decoded partcert object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Object {
    /// A certificate.
    Certificate(Certificate),
    /// A pairing record.
    PairingRecord(PairingRecord),
    /// A blocklist snapshot.
    BlocklistSnapshot(BlocklistSnapshot),
    /// A blocklist delta.
    BlocklistDelta(BlocklistDelta),
    /// A revocation list.
    RevocationList(RevocationList),
    /// A challenge response.
    ChallengeResponse(ChallengeResponse),
    /// A compact blocklist snapshot (boxed: it is the largest).
    CompactSnapshot(Box<CompactSnapshot>),
    /// A register's repository head.
    RepositoryHead(Head),
}

impl Object {
    /// Decodes any object, dispatching on its type tag.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Ok(match envelope::peek_type(bytes)? {
            ObjectType::Certificate => Object::Certificate(Certificate::decode(bytes)?),
            ObjectType::PairingRecord => Object::PairingRecord(PairingRecord::decode(bytes)?),
            ObjectType::BlocklistSnapshot => {
                Object::BlocklistSnapshot(BlocklistSnapshot::decode(bytes)?)
            }
            ObjectType::BlocklistDelta => Object::BlocklistDelta(BlocklistDelta::decode(bytes)?),
            ObjectType::RevocationList => Object::RevocationList(RevocationList::decode(bytes)?),
            ObjectType::ChallengeResponse => {
                Object::ChallengeResponse(ChallengeResponse::decode(bytes)?)
            }
            ObjectType::CompactSnapshot => {
                Object::CompactSnapshot(Box::new(CompactSnapshot::decode(bytes)?))
            }
            ObjectType::RepositoryHead => Object::RepositoryHead(Head::decode(bytes)?),
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Object::Certificate(o) => o.as_bytes(),
            Object::PairingRecord(o) => o.as_bytes(),
            Object::BlocklistSnapshot(o) => o.as_bytes(),
            Object::BlocklistDelta(o) => o.as_bytes(),
            Object::RevocationList(o) => o.as_bytes(),
            Object::ChallengeResponse(o) => o.as_bytes(),
            Object::CompactSnapshot(o) => o.as_bytes(),
            Object::RepositoryHead(o) => o.as_bytes(),
        }
    }
}

impl ObjectType {
    /// The type of an encoded object, read from its header without decoding
    /// the body.
    pub fn of(bytes: &[u8]) -> Result<Self, Error> {
        envelope::peek_type(bytes)
    }
}
