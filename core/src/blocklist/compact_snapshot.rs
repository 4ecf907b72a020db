//! The signed compact snapshot: one authority's whole list in the compact,
//! in-place format ([`CompactList`]), for national-scale registers.
//!
//! The envelope is the same as every object's; the body carries the
//! signer, authority, version and times like a sorted snapshot, and the
//! compact list as one byte string. Decoding checks the envelope and the
//! list's header and section bounds — nothing per entry — so loading costs
//! the signature check (one hash pass over the bytes) and one copy.

use std::sync::Arc;

use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::compact::CompactList;
use super::objects::ListVersion;
use crate::certificate::Certificate;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId, StateDigest};
use crate::limits::{self, check_len};

/// A byte string encoded as postcard bytes (length, then the bytes), read
/// and compared as one block rather than element by element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ByteString(pub Vec<u8>);

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = ByteString;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<ByteString, E> {
                Ok(ByteString(bytes.to_vec()))
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(
                self,
                bytes: &'de [u8],
            ) -> Result<ByteString, E> {
                self.visit_bytes(bytes)
            }
        }
        deserializer.deserialize_bytes(BytesVisitor)
    }
}

/// The signed content of a compact snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CompactSnapshotBody {
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub signer_certificate: Vec<u8>,
    pub authority: KeyId,
    pub epoch: u64,
    pub sequence: u64,
    pub issued_at: u64,
    pub expires_at: u64,
    /// The [`CompactList`] bytes.
    pub list: ByteString,
}

/// A blocklist authority's complete signed list at one version, in the
/// compact format: Elias-Fano coded IMEIs (exact) and part fingerprints
/// (at least 41 bits more than the list's size needs, so a part not listed
/// matches a listed fingerprint with probability at most 2^-41 per
/// lookup), with reason, status, listing day and handset in columns.
///
/// It is ordered with the authority's sorted snapshots by the same
/// (epoch, sequence) and the same anti-rollback rules; deltas apply to
/// sorted snapshots only (a compact list is replaced by the next one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactSnapshot {
    /// The exact bytes (the body's list is moved out into `list`).
    signed: Signed<CompactSnapshotBody>,
    pub(crate) signer: Certificate,
    pub(crate) digest: StateDigest,
    pub(crate) list: CompactList,
}

/// The state digest of a compact list: its authority, version and the
/// SHA-256 of the list's bytes (one encoding per list, so equal lists
/// have equal digests).
pub(crate) fn compact_state_digest(
    authority: &KeyId,
    version: ListVersion,
    list: &CompactList,
) -> StateDigest {
    let mut hasher = Sha256::new();
    hasher.update(b"partcert/blocklist-state/compact/v1\0");
    hasher.update(authority.as_bytes());
    hasher.update(version.epoch.to_be_bytes());
    hasher.update(version.sequence.to_be_bytes());
    hasher.update(Sha256::digest(list.as_bytes()));
    StateDigest(hasher.finalize().into())
}

impl CompactSnapshot {
    /// Decodes a compact snapshot: the envelope, the list's header and its
    /// section bounds (no per-entry work).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = Signed::<CompactSnapshotBody>::decode(bytes, ObjectType::CompactSnapshot)?;
        Self::from_signed(signed)
    }

    pub(crate) fn seal(body: CompactSnapshotBody, key: &crate::SecretKey) -> Result<Self, Error> {
        Self::from_signed(Signed::seal(ObjectType::CompactSnapshot, body, key)?)
    }

    fn from_signed(mut signed: Signed<CompactSnapshotBody>) -> Result<Self, Error> {
        let body = &mut signed.body;
        check_len(
            "signer certificate",
            body.signer_certificate.len(),
            limits::MAX_CERTIFICATE_LEN,
        )?;
        let signer = Certificate::decode(&body.signer_certificate)?;
        if body.expires_at < body.issued_at {
            return Err(Error::InvalidField(
                "the snapshot expires before it was issued",
            ));
        }
        let version = ListVersion::new(body.epoch, body.sequence);
        version.check_bounds()?;
        // The list's bytes live once, in the list: the body keeps none.
        let bytes: Arc<[u8]> = Arc::from(std::mem::take(&mut body.list.0));
        let list = CompactList::from_bytes(bytes)?;
        let digest = compact_state_digest(&body.authority, version, &list);
        Ok(CompactSnapshot {
            signed,
            signer,
            digest,
            list,
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The authority it belongs to: its blocklist root's key id.
    pub fn authority(&self) -> KeyId {
        self.signed.body.authority
    }

    /// Its epoch and sequence.
    pub fn version(&self) -> ListVersion {
        ListVersion::new(self.signed.body.epoch, self.signed.body.sequence)
    }

    /// When it was signed.
    pub fn issued_at(&self) -> u64 {
        self.signed.body.issued_at
    }

    /// When it goes stale.
    pub fn expires_at(&self) -> u64 {
        self.signed.body.expires_at
    }

    /// The compact list.
    pub fn list(&self) -> &CompactList {
        &self.list
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    /// The digest of the state it describes.
    pub fn state_digest(&self) -> StateDigest {
        self.digest
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bytes(self.as_bytes())
    }

    /// The body as signed (the list's bytes put back), for re-encoding.
    pub(crate) fn body_as_signed(&self) -> CompactSnapshotBody {
        let mut body = self.signed.body.clone();
        body.list = ByteString(self.list.as_bytes().to_vec());
        body
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        let key = self
            .signer
            .subject_key()
            .ok_or(Error::BadSignature("compact blocklist snapshot"))?;
        self.signed.verify(&key, "compact blocklist snapshot")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_string_is_postcard_bytes_and_reads_back() {
        let value = ByteString(vec![1, 2, 3]);
        let encoded = postcard::to_allocvec(&value).unwrap();
        assert_eq!(encoded, [3, 1, 2, 3]);
        assert_eq!(postcard::from_bytes::<ByteString>(&encoded).unwrap(), value);
        assert!(postcard::from_bytes::<ByteString>(&[200, 1]).is_err());
    }
}
