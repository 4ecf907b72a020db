//! The signed blocklist objects: entries, snapshots and deltas.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
pub use crate::coded::{ListingStatus, Reason};
use std::sync::OnceLock;

use crate::envelope::{ObjectType, take_canonical};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, StateDigest};
use crate::limits::{self, check_len};

use super::encoded::EncodedList;
use super::sorted::SortedEntries;
use crate::pairing::PairingRecord;

/// Where a list stands in its authority's history: lists are ordered by
/// epoch, then sequence. Delegated signing keys are certified for one
/// epoch; only the authority's root opens a new one, so whatever a stolen
/// delegated key publishes, the root's next epoch supersedes it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ListVersion {
    /// Raised only by the root, to supersede a delegated key.
    pub epoch: u64,
    /// Increases with every publication within an epoch.
    pub sequence: u64,
}

impl ListVersion {
    /// The version at `epoch`, `sequence`.
    pub const fn new(epoch: u64, sequence: u64) -> Self {
        ListVersion { epoch, sequence }
    }

    pub(crate) fn check_bounds(self) -> Result<(), Error> {
        limits::check_sequence(self.epoch)?;
        limits::check_sequence(self.sequence)
    }
}

impl fmt::Display for ListVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "epoch {} sequence {}", self.epoch, self.sequence)
    }
}

/// What a blocklist entry blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BlockKey {
    /// A handset, by IMEI.
    Imei(Imei),
    /// A part, by identity digest.
    Part(PartId),
}

/// "handset IMEI 356938035643809" or "part 3f2a…" (the identity digest in
/// hex), for messages.
impl fmt::Display for BlockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockKey::Imei(imei) => write!(f, "handset IMEI {imei}"),
            BlockKey::Part(id) => write!(f, "part {id:#}"),
        }
    }
}

/// One blocklist entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BlocklistEntry {
    /// What is blocked.
    pub key: BlockKey,
    /// Why.
    pub reason: Reason,
    /// When it was listed (seconds since the Unix epoch).
    pub listed_at: u64,
    /// Final or suspended.
    pub status: ListingStatus,
    /// For part entries: the handset the part was paired to when listed.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub handset: Option<Imei>,
}

impl BlocklistEntry {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let BlockKey::Imei(imei) = self.key {
            imei.check()?;
        }
        if let Some(imei) = self.handset {
            imei.check()?;
        }
        Ok(())
    }
}

impl BlocklistEntry {
    /// The entry listing a handset by IMEI.
    pub fn handset(imei: Imei, reason: Reason, listed_at: u64, status: ListingStatus) -> Self {
        BlocklistEntry {
            key: BlockKey::Imei(imei),
            reason,
            listed_at,
            status,
            handset: None,
        }
    }

    /// The entry listing a part by identity; `handset` is the handset it
    /// was paired to when listed, if known.
    pub fn part(
        part_id: PartId,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
        handset: Option<Imei>,
    ) -> Self {
        BlocklistEntry {
            key: BlockKey::Part(part_id),
            reason,
            listed_at,
            status,
            handset,
        }
    }

    /// The entry listing a keyed part by the key its certificate names
    /// ([`PartId::of_part_key`]): any certificate naming that key, under
    /// any root or serial, then reads blocked.
    pub fn part_key(
        key: KeyId,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
        handset: Option<Imei>,
    ) -> Self {
        BlocklistEntry::part(
            PartId::of_part_key(&key),
            reason,
            listed_at,
            status,
            handset,
        )
    }

    /// Every entry for a reported handset: its IMEIs, the identities of the
    /// parts paired to it *and* the keys of its keyed parts, so its parts
    /// stay blocked when harvested and shown with an older pairing record
    /// from another handset, or re-certified around their key.
    pub fn for_reported_handset(
        record: &PairingRecord,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
    ) -> Vec<BlocklistEntry> {
        let first_imei = record.imeis().first().copied();
        let handsets = record
            .imeis()
            .iter()
            .map(|imei| BlocklistEntry::handset(*imei, reason, listed_at, status));
        let parts = record
            .all_parts()
            .map(|part| BlocklistEntry::part(part.part_id, reason, listed_at, status, first_imei));
        let keys = record.all_parts().filter_map(|part| {
            part.key
                .map(|key| BlocklistEntry::part_key(key, reason, listed_at, status, first_imei))
        });
        handsets.chain(parts).chain(keys).collect()
    }
}

/// The accessors of a full list's head (sorted or compact snapshot).
macro_rules! list_head_accessors {
    () => {
        /// The authority it belongs to: its blocklist root's key id.
        pub fn authority(&self) -> KeyId {
            self.head.authority
        }

        /// Its epoch and sequence.
        pub fn version(&self) -> ListVersion {
            self.head.version()
        }

        /// When it was signed.
        pub fn issued_at(&self) -> u64 {
            self.head.issued_at
        }

        /// When it goes stale.
        pub fn expires_at(&self) -> u64 {
            self.head.expires_at
        }

        /// The embedded signer certificate.
        pub fn signer_certificate(&self) -> &Certificate {
            &self.signer
        }
    };
}
pub(crate) use list_head_accessors;

/// What every full list's body starts with, sorted or compact: its
/// signer, authority, version and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ListHead {
    /// The exact bytes of the signer's certificate (a blocklist authority
    /// certified by the root, or the root itself).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub signer_certificate: Vec<u8>,
    /// The authority this list belongs to: the key id of its pinned root.
    pub authority: KeyId,
    /// Raised only by the root.
    pub epoch: u64,
    /// Increases with every publication within the epoch.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// After this it is stale.
    pub expires_at: u64,
}

impl ListHead {
    pub(crate) fn version(&self) -> ListVersion {
        ListVersion::new(self.epoch, self.sequence)
    }

    /// The checks on the head's own fields; returns the decoded signer.
    pub(crate) fn check(&self) -> Result<Certificate, Error> {
        let signer = decode_signer(&self.signer_certificate)?;
        if self.expires_at < self.issued_at {
            return Err(Error::InvalidField(
                "the snapshot expires before it was issued",
            ));
        }
        self.version().check_bounds()?;
        Ok(signer)
    }

    /// The sorted snapshot body of this head and `entries`.
    pub(crate) fn with(self, entries: Vec<BlocklistEntry>) -> SnapshotBody {
        SnapshotBody {
            head: self,
            entries,
        }
    }
}

/// The signed content of a blocklist snapshot: the head, then every entry
/// (postcard encodes a nested struct's fields in line, so this is the
/// head's fields, then the entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapshotBody {
    pub head: ListHead,
    /// Every entry, sorted by key, unique.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub entries: Vec<BlocklistEntry>,
}

/// A blocklist authority's complete signed list at one sequence.
///
/// Decoding checks every entry but keeps none: the entries stay in the
/// object's bytes until the snapshot is applied (after its signer and
/// signature are checked) or read, so a list nobody has vouched for holds
/// only its own bytes.
#[derive(Debug, Clone)]
pub struct BlocklistSnapshot {
    bytes: Vec<u8>,
    head: ListHead,
    entries: EncodedList,
    pub(crate) signer: Certificate,
    /// The entries, once read.
    decoded: OnceLock<Vec<BlocklistEntry>>,
    /// The entries as a device holds them (shared with the lists that
    /// accept this snapshot) and their state digest, once built.
    held: OnceLock<(SortedEntries, StateDigest)>,
}

impl PartialEq for BlocklistSnapshot {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for BlocklistSnapshot {}

/// What a delta's body starts with: its signer, authority, epoch, the
/// state it applies to and the one it leads to, and its times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeltaHead {
    /// The exact bytes of the signer's certificate.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub signer_certificate: Vec<u8>,
    /// The authority: the key id of its pinned root.
    pub authority: KeyId,
    /// The epoch of both the base and the result.
    pub epoch: u64,
    /// The sequence this delta applies to.
    pub from_sequence: u64,
    /// The digest of the state it applies to.
    pub from_digest: StateDigest,
    /// The sequence it leads to.
    pub to_sequence: u64,
    /// When the resulting list was signed.
    pub issued_at: u64,
    /// When the resulting list goes stale.
    pub expires_at: u64,
}

impl DeltaHead {
    /// The head of the delta from `from` (whose state digest is
    /// `from_digest`) to the list `head` describes.
    pub(crate) fn over(head: ListHead, from: ListVersion, from_digest: StateDigest) -> Self {
        DeltaHead {
            signer_certificate: head.signer_certificate,
            authority: head.authority,
            epoch: head.epoch,
            from_sequence: from.sequence,
            from_digest,
            to_sequence: head.sequence,
            issued_at: head.issued_at,
            expires_at: head.expires_at,
        }
    }
}

/// The signed content of a blocklist delta (within one epoch: a new epoch
/// starts with a snapshot): the head, the changes, the digest they lead
/// to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeltaBody {
    pub head: DeltaHead,
    /// Entries added or changed (sorted by key, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub upserts: Vec<BlocklistEntry>,
    /// Keys delisted (sorted, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub removals: Vec<BlockKey>,
    /// The digest of the state it leads to.
    pub result_digest: StateDigest,
}

/// The signed change from one blocklist sequence to a later one. Like a
/// snapshot, its entries stay in its bytes until it is used.
#[derive(Debug, Clone)]
pub struct BlocklistDelta {
    bytes: Vec<u8>,
    head: DeltaHead,
    upserts: EncodedList,
    removals: EncodedList,
    result_digest: StateDigest,
    pub(crate) signer: Certificate,
    decoded_upserts: OnceLock<Vec<BlocklistEntry>>,
    decoded_removals: OnceLock<Vec<BlockKey>>,
}

impl PartialEq for BlocklistDelta {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for BlocklistDelta {}

/// Checks a list's entries as they come: valid IMEIs, sorted by key and
/// unique.
fn entry_checker(field: &'static str) -> impl FnMut(&BlocklistEntry) -> Result<(), Error> {
    let mut previous: Option<BlockKey> = None;
    move |entry| {
        entry.validate()?;
        if previous.is_some_and(|before| before >= entry.key) {
            return Err(Error::NotCanonical(field));
        }
        previous = Some(entry.key);
        Ok(())
    }
}

/// The entries encoded at the start of `rest` (within `body`), checked in
/// one pass and left in place.
fn check_entries<'a>(
    body: &[u8],
    rest: &'a [u8],
    field: &'static str,
) -> Result<(EncodedList, &'a [u8]), Error> {
    EncodedList::check(
        body,
        rest,
        field,
        limits::MAX_BLOCKLIST_ENTRIES,
        entry_checker(field),
    )
}

pub(crate) fn validate_entries(
    field: &'static str,
    entries: &[BlocklistEntry],
) -> Result<(), Error> {
    check_len(field, entries.len(), limits::MAX_BLOCKLIST_ENTRIES)?;
    entries.iter().try_for_each(entry_checker(field))
}

fn decode_signer(bytes: &[u8]) -> Result<Certificate, Error> {
    check_len(
        "signer certificate",
        bytes.len(),
        limits::MAX_CERTIFICATE_LEN,
    )?;
    Certificate::decode(bytes)
}

impl BlocklistSnapshot {
    /// Decodes a snapshot, enforcing every structural rule on every entry
    /// (which it then leaves in the bytes: see the type's documentation).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let snapshot = Self::check(bytes.to_vec())?;
        Ok(snapshot)
    }

    pub(crate) fn seal(body: SnapshotBody, key: &crate::SecretKey) -> Result<Self, Error> {
        let bytes = crate::envelope::seal(ObjectType::BlocklistSnapshot, &body, key)?;
        let snapshot = Self::check(bytes)?;
        // The issuer has the entries in hand: no need to read them again.
        let _ = snapshot.decoded.set(body.entries);
        Ok(snapshot)
    }

    fn check(bytes: Vec<u8>) -> Result<Self, Error> {
        let body = crate::envelope::body_of(&bytes, ObjectType::BlocklistSnapshot)?;
        let (head, rest) = take_canonical::<ListHead>(body, "body encoding")?;
        let signer = head.check()?;
        let (entries, rest) = check_entries(body, rest, "blocklist entries")?;
        crate::envelope::expect_end(rest)?;
        let entries = entries.shifted(crate::envelope::HEADER_LEN);
        Ok(BlocklistSnapshot {
            bytes,
            head,
            entries,
            signer,
            decoded: OnceLock::new(),
            held: OnceLock::new(),
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as signed (for re-encoding checks).
    pub(crate) fn body(&self) -> SnapshotBody {
        self.head.clone().with(self.entries().to_vec())
    }

    list_head_accessors!();

    /// How many entries it carries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it carries no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    /// Every entry, sorted by key (read from the bytes on first use).
    pub fn entries(&self) -> &[BlocklistEntry] {
        self.decoded
            .get_or_init(|| self.entries.iter(&self.bytes).collect())
    }

    /// The entries as a device holds them, and their state digest (built
    /// on first use).
    pub(crate) fn held(&self) -> &(SortedEntries, StateDigest) {
        self.held.get_or_init(|| {
            let sorted = match self.decoded.get() {
                Some(entries) => SortedEntries::from_sorted(entries),
                None => SortedEntries::from_sorted_iter(self.entries.iter(&self.bytes)),
            };
            let digest = sorted.digest(&self.head.authority, self.version());
            (sorted, digest)
        })
    }

    /// The digest of the state this snapshot describes.
    pub fn state_digest(&self) -> StateDigest {
        self.held().1
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bytes(&self.bytes)
    }

    /// Whether the list lists this key, and how.
    pub fn find(&self, key: &BlockKey) -> Option<&BlocklistEntry> {
        find_entry(self.entries(), key)
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        crate::envelope::verify_signed_by(&self.bytes, &self.signer, "blocklist snapshot")
    }
}

impl BlocklistDelta {
    /// Decodes a delta, enforcing every structural rule on every change
    /// (which it then leaves in the bytes, as a snapshot does).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Self::check(bytes.to_vec())
    }

    pub(crate) fn seal(body: DeltaBody, key: &crate::SecretKey) -> Result<Self, Error> {
        let bytes = crate::envelope::seal(ObjectType::BlocklistDelta, &body, key)?;
        let delta = Self::check(bytes)?;
        let _ = delta.decoded_upserts.set(body.upserts);
        let _ = delta.decoded_removals.set(body.removals);
        Ok(delta)
    }

    fn check(bytes: Vec<u8>) -> Result<Self, Error> {
        let body = crate::envelope::body_of(&bytes, ObjectType::BlocklistDelta)?;
        let (head, rest) = take_canonical::<DeltaHead>(body, "body encoding")?;
        let signer = decode_signer(&head.signer_certificate)?;
        if head.to_sequence <= head.from_sequence {
            return Err(Error::InvalidField("a delta must lead to a later sequence"));
        }
        ListVersion::new(head.epoch, head.to_sequence).check_bounds()?;
        if head.expires_at < head.issued_at {
            return Err(Error::InvalidField(
                "the delta expires before it was issued",
            ));
        }
        let (upserts, rest) = check_entries(body, rest, "delta upserts")?;
        let mut previous: Option<BlockKey> = None;
        let (removals, rest) = EncodedList::check(
            body,
            rest,
            "delta removals",
            limits::MAX_BLOCKLIST_ENTRIES,
            |key: &BlockKey| {
                if let BlockKey::Imei(imei) = key {
                    imei.check()?;
                }
                if previous.is_some_and(|before| before >= *key) {
                    return Err(Error::NotCanonical("delta removals"));
                }
                previous = Some(*key);
                Ok(())
            },
        )?;
        let (result_digest, rest) = take_canonical::<StateDigest>(rest, "body encoding")?;
        crate::envelope::expect_end(rest)?;
        Ok(BlocklistDelta {
            head,
            upserts: upserts.shifted(crate::envelope::HEADER_LEN),
            removals: removals.shifted(crate::envelope::HEADER_LEN),
            result_digest,
            signer,
            bytes,
            decoded_upserts: OnceLock::new(),
            decoded_removals: OnceLock::new(),
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as signed (for re-encoding checks).
    pub(crate) fn body(&self) -> DeltaBody {
        DeltaBody {
            head: self.head.clone(),
            upserts: self.upserts().to_vec(),
            removals: self.removals().to_vec(),
            result_digest: self.result_digest,
        }
    }

    /// The authority it belongs to: its blocklist root's key id.
    pub fn authority(&self) -> KeyId {
        self.head.authority
    }

    /// The version it applies to.
    pub fn from_version(&self) -> ListVersion {
        ListVersion::new(self.head.epoch, self.head.from_sequence)
    }

    /// The version it leads to.
    pub fn to_version(&self) -> ListVersion {
        ListVersion::new(self.head.epoch, self.head.to_sequence)
    }

    /// The digest of the state it applies to.
    pub fn from_digest(&self) -> StateDigest {
        self.head.from_digest
    }

    /// The digest of the state it promises.
    pub fn result_digest(&self) -> StateDigest {
        self.result_digest
    }

    /// When the resulting list was signed.
    pub fn issued_at(&self) -> u64 {
        self.head.issued_at
    }

    /// When the resulting list goes stale.
    pub fn expires_at(&self) -> u64 {
        self.head.expires_at
    }

    /// Entries added or changed (read from the bytes on first use).
    pub fn upserts(&self) -> &[BlocklistEntry] {
        self.decoded_upserts
            .get_or_init(|| self.upserts.iter(&self.bytes).collect())
    }

    /// Keys delisted (read from the bytes on first use).
    pub fn removals(&self) -> &[BlockKey] {
        self.decoded_removals
            .get_or_init(|| self.removals.iter(&self.bytes).collect())
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        crate::envelope::verify_signed_by(&self.bytes, &self.signer, "blocklist delta")
    }
}

pub(crate) fn find_entry<'a>(
    entries: &'a [BlocklistEntry],
    key: &BlockKey,
) -> Option<&'a BlocklistEntry> {
    entries
        .binary_search_by(|entry| entry.key.cmp(key))
        .ok()
        .and_then(|index| entries.get(index))
}
