//! The signed compact snapshot: one authority's whole list in the compact,
//! in-place format ([`CompactList`]), for national-scale registers.
//!
//! The envelope is the same as every object's; the body carries the
//! signer, authority, version and times like a sorted snapshot, and the
//! compact list as one byte string, last. Decoding checks the envelope and
//! the list's header and section bounds — nothing per entry — and keeps
//! the object's bytes once, the list a range of them: loading costs one
//! copy, the state digest (one SHA-256 pass over the list) and the
//! signature check (one SHA-512 pass).

use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::backing::ObjectBytes;
use super::compact::{CompactList, CompactListView};
use super::objects::{ListHead, ListVersion};
use crate::certificate::Certificate;
use crate::envelope::{self, ObjectType};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId, StateDigest};

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

/// The signed content of a compact snapshot, as the publisher writes it:
/// the head every full list starts with, then the compact list's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CompactSnapshotBody {
    pub head: ListHead,
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
    /// The exact bytes, once: the list is a range of them.
    bytes: ObjectBytes,
    head: ListHead,
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
    /// Decodes a compact snapshot: the envelope, the body's small fields,
    /// the list's header and its section bounds (no per-entry work). The
    /// bytes are copied once, and the list is used in place within them.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let body = envelope::body_of(bytes, ObjectType::CompactSnapshot)?;
        let (head, rest) = envelope::take_canonical::<ListHead>(body, "body encoding")?;
        // The list's length, then the list: the last field, so it ends
        // where the body ends.
        let (list_len, list) = envelope::take_canonical::<u64>(rest, "body encoding")?;
        if usize::try_from(list_len).ok() != Some(list.len()) {
            return Err(match usize::try_from(list_len) {
                Ok(len) if len > list.len() => Error::Truncated,
                Ok(len) => Error::TrailingBytes(list.len() - len),
                Err(_) => Error::Truncated,
            });
        }
        let signer = head.check()?;
        // Refuse a bad list header before copying anything.
        CompactListView::new(list)?;
        let list_start = envelope::HEADER_LEN + (body.len() - list.len());
        let list_end = list_start + list.len();
        let object = ObjectBytes::copied(bytes, list_start);
        let list = CompactList::in_object(object.clone(), list_start..list_end)?;
        let bytes = object;
        let digest = compact_state_digest(&head.authority, head.version(), &list);
        Ok(CompactSnapshot {
            bytes,
            head,
            signer,
            digest,
            list,
        })
    }

    pub(crate) fn seal(body: CompactSnapshotBody, key: &crate::SecretKey) -> Result<Self, Error> {
        Self::decode(&envelope::seal(ObjectType::CompactSnapshot, &body, key)?)
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    super::objects::list_head_accessors!();

    /// The compact list.
    pub fn list(&self) -> &CompactList {
        &self.list
    }

    /// The digest of the state it describes.
    pub fn state_digest(&self) -> StateDigest {
        self.digest
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bytes(self.as_bytes())
    }

    /// The body as signed, for re-encoding.
    pub(crate) fn body_as_signed(&self) -> CompactSnapshotBody {
        CompactSnapshotBody {
            head: self.head.clone(),
            list: ByteString(self.list.as_bytes().to_vec()),
        }
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        envelope::verify_signed_by(
            self.bytes.bytes(),
            &self.signer,
            "compact blocklist snapshot",
        )
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
