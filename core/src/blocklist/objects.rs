//! The signed blocklist objects: entries, snapshots and deltas.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::certificate::{Certificate, strictly_sorted};
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, StateDigest};
use crate::limits::{self, check_len};

use super::SortedEntries;

/// Where a list stands in its authority's history: lists are ordered by
/// epoch, then sequence. Delegated signing keys are certified for one
/// epoch; only the authority's root opens a new one, so whatever a stolen
/// delegated key publishes, the root's next epoch supersedes it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
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
        for number in [self.epoch, self.sequence] {
            if number > limits::MAX_SEQUENCE {
                return Err(Error::SequenceLeap {
                    offered: number,
                    max: limits::MAX_SEQUENCE,
                });
            }
        }
        Ok(())
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

/// Why a handset was listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Reported stolen.
    Stolen,
    /// Reported lost.
    Lost,
    /// Obtained by fraud (e.g. an unpaid contract).
    Fraud,
}

impl Reason {
    /// A lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Stolen => "stolen",
            Reason::Lost => "lost",
            Reason::Fraud => "fraud",
        }
    }
}

/// Whether a listing is in force for good or only for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListingStatus {
    /// The listing stands.
    Final,
    /// The listing is suspended pending inquiry (a lost phone that may be
    /// found): reported, but not confirmed.
    Suspended,
}

/// One blocklist entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    pub handset: Option<Imei>,
}

impl BlocklistEntry {
    fn validate(&self) -> Result<(), Error> {
        if let BlockKey::Imei(imei) = self.key {
            imei.check()?;
        }
        if let Some(imei) = self.handset {
            imei.check()?;
        }
        Ok(())
    }
}

/// The signed content of a blocklist snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapshotBody {
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
    /// Every entry, sorted by key, unique.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub entries: Vec<BlocklistEntry>,
}

/// A blocklist authority's complete signed list at one sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlocklistSnapshot {
    signed: Signed<SnapshotBody>,
    pub(crate) signer: Certificate,
    pub(crate) digest: StateDigest,
    /// The entries as a device holds them (shared with the lists that
    /// accept this snapshot).
    pub(crate) sorted: SortedEntries,
}

/// The signed content of a blocklist delta (within one epoch: a new epoch
/// starts with a snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeltaBody {
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
    /// Entries added or changed (sorted by key, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub upserts: Vec<BlocklistEntry>,
    /// Keys delisted (sorted, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_BLOCKLIST_ENTRIES}>")]
    pub removals: Vec<BlockKey>,
    /// The digest of the state it leads to.
    pub result_digest: StateDigest,
}

/// The signed change from one blocklist sequence to a later one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlocklistDelta {
    signed: Signed<DeltaBody>,
    pub(crate) signer: Certificate,
}

pub(crate) fn validate_entries(
    field: &'static str,
    entries: &[BlocklistEntry],
) -> Result<(), Error> {
    check_len(field, entries.len(), limits::MAX_BLOCKLIST_ENTRIES)?;
    for entry in entries {
        entry.validate()?;
    }
    if !entries
        .windows(2)
        .all(|pair| matches!(pair, [a, b] if a.key < b.key))
    {
        return Err(Error::NotCanonical(field));
    }
    Ok(())
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
    /// Decodes a snapshot, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = Signed::<SnapshotBody>::decode(bytes, ObjectType::BlocklistSnapshot)?;
        Self::from_signed(signed)
    }

    pub(crate) fn seal(body: SnapshotBody, key: &crate::SecretKey) -> Result<Self, Error> {
        Self::from_signed(Signed::seal(ObjectType::BlocklistSnapshot, body, key)?)
    }

    fn from_signed(signed: Signed<SnapshotBody>) -> Result<Self, Error> {
        let body = &signed.body;
        let signer = decode_signer(&body.signer_certificate)?;
        if body.expires_at < body.issued_at {
            return Err(Error::InvalidField(
                "the snapshot expires before it was issued",
            ));
        }
        ListVersion::new(body.epoch, body.sequence).check_bounds()?;
        validate_entries("blocklist entries", &body.entries)?;
        let sorted = SortedEntries::from_sorted(&body.entries);
        let digest = sorted.digest(&body.authority, ListVersion::new(body.epoch, body.sequence));
        Ok(BlocklistSnapshot {
            signed,
            signer,
            digest,
            sorted,
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    pub(crate) fn body(&self) -> &SnapshotBody {
        &self.signed.body
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

    /// Every entry, sorted by key.
    pub fn entries(&self) -> &[BlocklistEntry] {
        &self.signed.body.entries
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    /// The digest of the state this snapshot describes.
    pub fn state_digest(&self) -> StateDigest {
        self.digest
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bytes(&self.signed.bytes)
    }

    /// Whether the list lists this key, and how.
    pub fn find(&self, key: &BlockKey) -> Option<&BlocklistEntry> {
        find_entry(&self.signed.body.entries, key)
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        let key = self
            .signer
            .subject_key()
            .ok_or(Error::BadSignature("blocklist snapshot"))?;
        self.signed.verify(&key, "blocklist snapshot")
    }
}

impl BlocklistDelta {
    /// Decodes a delta, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = Signed::<DeltaBody>::decode(bytes, ObjectType::BlocklistDelta)?;
        Self::from_signed(signed)
    }

    pub(crate) fn seal(body: DeltaBody, key: &crate::SecretKey) -> Result<Self, Error> {
        Self::from_signed(Signed::seal(ObjectType::BlocklistDelta, body, key)?)
    }

    fn from_signed(signed: Signed<DeltaBody>) -> Result<Self, Error> {
        let body = &signed.body;
        let signer = decode_signer(&body.signer_certificate)?;
        if body.to_sequence <= body.from_sequence {
            return Err(Error::InvalidField("a delta must lead to a later sequence"));
        }
        ListVersion::new(body.epoch, body.to_sequence).check_bounds()?;
        if body.expires_at < body.issued_at {
            return Err(Error::InvalidField(
                "the delta expires before it was issued",
            ));
        }
        validate_entries("delta upserts", &body.upserts)?;
        check_len(
            "delta removals",
            body.removals.len(),
            limits::MAX_BLOCKLIST_ENTRIES,
        )?;
        for key in &body.removals {
            if let BlockKey::Imei(imei) = key {
                imei.check()?;
            }
        }
        if !strictly_sorted(&body.removals) {
            return Err(Error::NotCanonical("delta removals"));
        }
        Ok(BlocklistDelta { signed, signer })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    pub(crate) fn body(&self) -> &DeltaBody {
        &self.signed.body
    }

    /// The authority it belongs to: its blocklist root's key id.
    pub fn authority(&self) -> KeyId {
        self.signed.body.authority
    }

    /// The version it applies to.
    pub fn from_version(&self) -> ListVersion {
        ListVersion::new(self.signed.body.epoch, self.signed.body.from_sequence)
    }

    /// The version it leads to.
    pub fn to_version(&self) -> ListVersion {
        ListVersion::new(self.signed.body.epoch, self.signed.body.to_sequence)
    }

    /// The digest of the state it applies to.
    pub fn from_digest(&self) -> StateDigest {
        self.signed.body.from_digest
    }

    /// The digest of the state it promises.
    pub fn result_digest(&self) -> StateDigest {
        self.signed.body.result_digest
    }

    /// When the resulting list was signed.
    pub fn issued_at(&self) -> u64 {
        self.signed.body.issued_at
    }

    /// When the resulting list goes stale.
    pub fn expires_at(&self) -> u64 {
        self.signed.body.expires_at
    }

    /// Entries added or changed.
    pub fn upserts(&self) -> &[BlocklistEntry] {
        &self.signed.body.upserts
    }

    /// Keys delisted.
    pub fn removals(&self) -> &[BlockKey] {
        &self.signed.body.removals
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        let key = self
            .signer
            .subject_key()
            .ok_or(Error::BadSignature("blocklist delta"))?;
        self.signed.verify(&key, "blocklist delta")
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
