//! The signed compact snapshot: one authority's whole list in the compact,
//! in-place format ([`CompactList`]), for national-scale registers.
//!
//! ```text
//! "PCRT" | version | type 6 | postcard(head, commitment) | Ed25519 signature
//!        | zero padding to a 64-byte boundary | the list (commitment.len bytes)
//! ```
//!
//! The signature covers a small header: the list head every full list
//! starts with, and a **commitment** to the list — its layout version,
//! length and the root of a Merkle tree over its 64 KiB blocks
//! ([`merkle`](super::merkle), RFC 6962's shape). So loading a list costs
//! one signature check over a few hundred bytes and one SHA-256 pass over
//! the list (the leaves; the CPU's SHA-256 instructions make it the fastest
//! pass there is), and that pass also gives the state digest. A device that
//! keeps the list on disk keeps its leaves and checks each block the first
//! time it reads it; a device that holds no list can check one slice of it
//! against the same signature with a proof of a few hundred bytes.
//!
//! The list starts on a 64-byte boundary of the object, so that in a
//! buffer or a memory map that starts on one, each of its lines is one
//! cache line.

use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

use std::sync::Arc;

use super::backing::{BlockCheck, ObjectBytes};
use super::compact::CompactList;
use super::merkle::{self, Hash};
use super::objects::{ListHead, ListVersion};
use crate::certificate::Certificate;
use crate::envelope::{self, ObjectType};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId, StateDigest};
use crate::limits;

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

/// What the signature commits to of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ListCommitment {
    /// The compact list's layout version.
    pub layout: u8,
    /// The Merkle tree's blocks are `2^block_log2` bytes.
    pub block_log2: u8,
    /// The list's length in bytes.
    pub len: u64,
    /// The root of the Merkle tree over the list's blocks.
    pub root: Hash,
}

/// The blocks of a compact list's Merkle tree: 64 KiB, so a national
/// list of a gigabyte has 16,384 leaves (512 KiB of leaf hashes, checked
/// against the root in milliseconds) and a block checked on first read
/// costs tens of microseconds.
pub(crate) const BLOCK_LOG2: u8 = 16;

/// The signed content of a compact snapshot: the head every full list
/// starts with, and the commitment to the list that follows the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CompactSnapshotBody {
    pub head: ListHead,
    pub list: ListCommitment,
}

/// A blocklist authority's complete signed list at one version, in the
/// compact format ([`CompactList`]): IMEIs exactly, parts as fingerprints
/// (at least 41 bits more than the list's size needs, so a part not listed
/// matches a listed fingerprint with probability at most 2^-41 per
/// lookup), with reason, status, listing day and handset.
///
/// It is ordered with the authority's sorted snapshots by the same
/// (epoch, sequence) and the same anti-rollback rules; a delta over it is
/// kept beside it on the device (the list's bytes never change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactSnapshot {
    /// The object's bytes, once: the list is a range of them.
    bytes: ObjectBytes,
    /// Where the signature ends.
    signed_len: usize,
    head: ListHead,
    commitment: ListCommitment,
    /// The Merkle leaves of the list's blocks (proven against the root).
    leaves: Arc<[Hash]>,
    pub(crate) signer: Certificate,
    pub(crate) digest: StateDigest,
    pub(crate) list: CompactList,
    /// Whether the list's structure is canonical, as checked when it was
    /// received (beside the hash pass) and reported when it is applied;
    /// `Ok` for a list this library built, or one kept on disk (checked
    /// when it was applied, its blocks since checked against the root).
    pub(crate) structure: Result<(), Error>,
}

/// Lists from this size on are hashed and structure-checked at once, on
/// two threads where there are two cores: a load then costs about one pass
/// of the slower of the two, not both.
const PARALLEL_FROM: usize = 4 << 20;

/// The Merkle leaves of `list_bytes` and the structure check of `list`
/// (the same bytes).
fn hash_and_check(list_bytes: &[u8], list: &CompactList) -> (Vec<Hash>, Result<(), Error>) {
    let hash = || merkle::leaves(list_bytes, 1 << BLOCK_LOG2);
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if list_bytes.len() < PARALLEL_FROM || !two_cores {
        return (hash(), list.check_structure());
    }
    std::thread::scope(|scope| {
        let checker = std::thread::Builder::new()
            .name("partcert-check".into())
            .spawn_scoped(scope, || list.check_structure());
        match checker {
            Ok(checker) => {
                let leaves = hash();
                // The check never panics; were it to, the list is refused.
                let structure = checker
                    .join()
                    .unwrap_or(Err(Error::NotCanonical("compact list")));
                (leaves, structure)
            }
            // No thread to be had: one after the other.
            Err(_) => (hash(), list.check_structure()),
        }
    })
}

/// The state digest of a compact list: its authority, version and the
/// Merkle root of its bytes (one encoding per list, so equal lists have
/// equal digests).
pub(crate) fn compact_state_digest(
    authority: &KeyId,
    version: ListVersion,
    root: &Hash,
) -> StateDigest {
    let mut hasher = Sha256::new();
    hasher.update(b"partcert/blocklist-state/compact/v2\0");
    hasher.update(authority.as_bytes());
    hasher.update(version.epoch.to_be_bytes());
    hasher.update(version.sequence.to_be_bytes());
    hasher.update(root);
    StateDigest(hasher.finalize().into())
}

/// The signed header of a compact snapshot, read from the start of its
/// bytes: nothing of the list is read.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub head: ListHead,
    pub commitment: ListCommitment,
    pub signer: Certificate,
    /// Where the signature ends.
    pub signed_len: usize,
    /// Where the list starts (the signature's end, padded to 64 bytes).
    pub list_start: usize,
}

impl Header {
    /// Reads and checks the header of an object of `total` bytes whose
    /// first bytes are `bytes` (the whole object, or at least its header):
    /// the envelope, the head's fields, the commitment (layout, block size,
    /// a length that makes the object exactly `total` bytes long), and the
    /// zero padding.
    pub(crate) fn read(bytes: &[u8], total: u64) -> Result<Self, Error> {
        let max = limits::MAX_COMPACT_SNAPSHOT_LEN;
        if total > max {
            return Err(Error::LengthOverBound {
                field: "object",
                length: usize::try_from(total).unwrap_or(usize::MAX),
                max: usize::try_from(max).unwrap_or(usize::MAX),
            });
        }
        let found = envelope::peek_type(bytes)?;
        if found != ObjectType::CompactSnapshot {
            return Err(Error::WrongObjectType {
                expected: ObjectType::CompactSnapshot.name(),
                found: found.name(),
            });
        }
        let body = bytes.get(envelope::HEADER_LEN..).unwrap_or_default();
        let (head, rest) = envelope::take_canonical::<ListHead>(body, "body encoding")?;
        let (commitment, rest) = envelope::take_canonical::<ListCommitment>(rest, "body encoding")?;
        let signed_len = (bytes.len() - rest.len()) + envelope::SIGNATURE_LEN;
        if commitment.layout != super::compact::LAYOUT_VERSION {
            return Err(Error::UnsupportedVersion(commitment.layout));
        }
        if commitment.block_log2 != BLOCK_LOG2 {
            return Err(Error::InvalidField(
                "a compact snapshot's Merkle blocks are 64 KiB",
            ));
        }
        let list_start = signed_len.next_multiple_of(LIST_ALIGN);
        let expected = (list_start as u64).saturating_add(commitment.len);
        if expected != total {
            return Err(if expected > total {
                Error::Truncated
            } else {
                Error::TrailingBytes(usize::try_from(total - expected).unwrap_or(usize::MAX))
            });
        }
        if let Some(padding) = bytes.get(signed_len..list_start)
            && padding.iter().any(|byte| *byte != 0)
        {
            return Err(Error::NotCanonical("compact snapshot padding"));
        }
        let signer = head.check()?;
        Ok(Header {
            head,
            commitment,
            signer,
            signed_len,
            list_start,
        })
    }
}

/// The list starts on a 64-byte boundary of the object.
const LIST_ALIGN: usize = 64;

/// How many of a compact snapshot's first bytes its signature covers
/// (with the signature), if `bytes` is one.
pub(crate) fn signed_len(bytes: &[u8]) -> Option<usize> {
    Header::read(bytes, bytes.len() as u64)
        .ok()
        .map(|header| header.signed_len)
}

/// The Merkle root a compact snapshot commits to for `list`.
pub(crate) fn list_root(list: &[u8]) -> Hash {
    merkle::root(&merkle::leaves(list, 1 << BLOCK_LOG2))
}

impl CompactSnapshot {
    /// Decodes a compact snapshot: the signed header (nothing per entry),
    /// the list's own header and section bounds, and one SHA-256 pass over
    /// the list's blocks, whose Merkle root must be the one signed
    /// ([`Error::BadSignature`] otherwise). The bytes are copied once, so
    /// that the list's lines are cache lines, and used in place. The
    /// signature itself is checked when the list is applied (its signer is
    /// judged there).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let header = Header::read(bytes, bytes.len() as u64)?;
        let object = ObjectBytes::copied(bytes, header.list_start);
        Self::with_header(object, header)
    }

    /// As [`CompactSnapshot::decode`], over bytes already held (a memory
    /// map of a file): nothing is copied.
    pub(crate) fn decode_object(object: ObjectBytes) -> Result<Self, Error> {
        let header = Header::read(object.bytes(), object.bytes().len() as u64)?;
        Self::with_header(object, header)
    }

    fn with_header(object: ObjectBytes, header: Header) -> Result<Self, Error> {
        let range = header.list_start..object.bytes().len();
        let list_bytes = object.bytes().get(range.clone()).unwrap_or_default();
        // A bad list header is refused (O(1)) before the list is read.
        let list = CompactList::in_object(object.clone(), range)?;
        let (leaves, structure) = hash_and_check(list_bytes, &list);
        let leaves: Arc<[Hash]> = leaves.into();
        if merkle::root(&leaves) != header.commitment.root {
            return Err(Error::BadSignature("compact blocklist snapshot (list)"));
        }
        Ok(Self {
            structure,
            ..Self::assemble(object, header, leaves, list)
        })
    }

    /// The snapshot of a list kept on disk, from leaves the device saved:
    /// they must lead to the signed root; the list's blocks are checked as
    /// they are first read.
    pub(crate) fn with_saved_leaves(
        object: ObjectBytes,
        leaves: Vec<Hash>,
        file: String,
    ) -> Result<Self, Error> {
        let header = Header::read(object.bytes(), object.bytes().len() as u64)?;
        let blocks = header.commitment.len.div_ceil(1 << BLOCK_LOG2).max(1);
        if leaves.len() as u64 != blocks || merkle::root(&leaves) != header.commitment.root {
            return Err(Error::CorruptState("blocklist state (list leaves)"));
        }
        let range = header.list_start..object.bytes().len();
        let leaves: Arc<[Hash]> = leaves.into();
        let check = Arc::new(BlockCheck::new(
            leaves.to_vec().into(),
            u32::from(BLOCK_LOG2),
            file,
        ));
        let list = CompactList::in_object_checked(object.clone(), range, check)?;
        Ok(Self::assemble(object, header, leaves, list))
    }

    fn assemble(
        bytes: ObjectBytes,
        header: Header,
        leaves: Arc<[Hash]>,
        list: CompactList,
    ) -> Self {
        let digest = compact_state_digest(
            &header.head.authority,
            header.head.version(),
            &header.commitment.root,
        );
        CompactSnapshot {
            structure: Ok(()),
            bytes,
            signed_len: header.signed_len,
            head: header.head,
            commitment: header.commitment,
            leaves,
            signer: header.signer,
            digest,
            list,
        }
    }

    /// Signs `list` under `head` with `key`.
    pub(crate) fn seal(
        head: ListHead,
        list: &CompactList,
        key: &crate::SecretKey,
    ) -> Result<Self, Error> {
        let list_bytes = list.as_bytes();
        let leaves: Arc<[Hash]> = merkle::leaves(list_bytes, 1 << BLOCK_LOG2).into();
        let body = CompactSnapshotBody {
            head,
            list: ListCommitment {
                layout: super::compact::LAYOUT_VERSION,
                block_log2: BLOCK_LOG2,
                len: list_bytes.len() as u64,
                root: merkle::root(&leaves),
            },
        };
        let mut bytes = envelope::seal(ObjectType::CompactSnapshot, &body, key)?;
        let list_start = bytes.len().next_multiple_of(LIST_ALIGN);
        let total = (list_start as u64).saturating_add(list_bytes.len() as u64);
        if total > limits::MAX_COMPACT_SNAPSHOT_LEN {
            return Err(Error::LengthOverBound {
                field: "object",
                length: usize::try_from(total).unwrap_or(usize::MAX),
                max: usize::try_from(limits::MAX_COMPACT_SNAPSHOT_LEN).unwrap_or(usize::MAX),
            });
        }
        bytes.resize(list_start, 0);
        bytes.extend_from_slice(list_bytes);
        let header = Header::read(&bytes, bytes.len() as u64)?;
        let object = ObjectBytes::copied(&bytes, list_start);
        drop(bytes);
        let range = header.list_start..object.bytes().len();
        let list = CompactList::in_object(object.clone(), range)?;
        Ok(Self::assemble(object, header, leaves, list))
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// The bytes the signature covers and the signature: the object's
    /// first bytes, up to the padding before the list.
    pub(crate) fn signed_part(&self) -> &[u8] {
        self.as_bytes().get(..self.signed_len).unwrap_or_default()
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

    /// The Merkle root over the list's blocks, as signed.
    pub fn list_root(&self) -> [u8; 32] {
        self.commitment.root
    }

    /// The Merkle leaves of the list's blocks.
    pub(crate) fn leaves(&self) -> &[Hash] {
        &self.leaves
    }

    /// The body as signed, for re-encoding.
    pub(crate) fn body_as_signed(&self) -> CompactSnapshotBody {
        CompactSnapshotBody {
            head: self.head.clone(),
            list: self.commitment,
        }
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        envelope::verify_signed_by(
            self.signed_part(),
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
