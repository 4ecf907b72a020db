//! Signed blocklists of handsets reported stolen or lost, and the parts
//! paired to them; the anti-rollback state that accepts them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::certificate::{Certificate, strictly_sorted};
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, StateDigest};
use crate::limits::{self, check_len};
use crate::trust::TrustStore;

/// What a blocklist entry blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKey {
    /// A handset, by IMEI.
    Imei(Imei),
    /// A part, by identity digest.
    Part(PartId),
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
pub struct SnapshotBody {
    /// The exact bytes of the signer's certificate (a blocklist authority
    /// certified by the root, or the root itself).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub signer_certificate: Vec<u8>,
    /// The authority this list belongs to: the key id of its pinned root.
    pub authority: KeyId,
    /// Increases with every publication.
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
    signer: Certificate,
    digest: StateDigest,
}

/// The signed content of a blocklist delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaBody {
    /// The exact bytes of the signer's certificate.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub signer_certificate: Vec<u8>,
    /// The authority: the key id of its pinned root.
    pub authority: KeyId,
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
    signer: Certificate,
}

/// The digest of an authority's state: its root, its sequence and its
/// entries, in order. Deltas promise the digest they lead to.
pub fn state_digest(authority: &KeyId, sequence: u64, entries: &[BlocklistEntry]) -> StateDigest {
    let mut hasher = Sha256::new();
    hasher.update(b"partcert/blocklist-state/v1\0");
    hasher.update(authority.as_bytes());
    hasher.update(sequence.to_be_bytes());
    hasher.update((entries.len() as u64).to_be_bytes());
    let mut buffer = [0u8; 96];
    for entry in entries {
        // An entry encodes in well under 96 bytes; the fallback keeps this total.
        match postcard::to_slice(entry, &mut buffer) {
            Ok(encoded) => hasher.update(&*encoded),
            Err(_) => hasher.update(format!("{entry:?}").as_bytes()),
        }
    }
    StateDigest(hasher.finalize().into())
}

fn validate_entries(field: &'static str, entries: &[BlocklistEntry]) -> Result<(), Error> {
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
        validate_entries("blocklist entries", &body.entries)?;
        let digest = state_digest(&body.authority, body.sequence, &body.entries);
        Ok(BlocklistSnapshot {
            signed,
            signer,
            digest,
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The decoded body.
    pub fn body(&self) -> &SnapshotBody {
        &self.signed.body
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

    fn verify_signature(&self) -> Result<(), Error> {
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

    /// The decoded body.
    pub fn body(&self) -> &DeltaBody {
        &self.signed.body
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    fn verify_signature(&self) -> Result<(), Error> {
        let key = self
            .signer
            .subject_key()
            .ok_or(Error::BadSignature("blocklist delta"))?;
        self.signed.verify(&key, "blocklist delta")
    }

    /// Applies the delta's changes to a sorted entry list (no checks).
    pub(crate) fn apply_to(&self, entries: &[BlocklistEntry]) -> Vec<BlocklistEntry> {
        let body = &self.signed.body;
        let mut merged: BTreeMap<BlockKey, BlocklistEntry> =
            entries.iter().map(|entry| (entry.key, *entry)).collect();
        for key in &body.removals {
            merged.remove(key);
        }
        for entry in &body.upserts {
            merged.insert(entry.key, *entry);
        }
        merged.into_values().collect()
    }
}

fn find_entry<'a>(entries: &'a [BlocklistEntry], key: &BlockKey) -> Option<&'a BlocklistEntry> {
    entries
        .binary_search_by(|entry| entry.key.cmp(key))
        .ok()
        .and_then(|index| entries.get(index))
}

/// The list one authority has published, as accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityList {
    /// The authority's root key id.
    pub authority: KeyId,
    /// The authority's name (from its root certificate).
    pub authority_name: String,
    /// The accepted sequence.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// Its state digest.
    pub digest: StateDigest,
    /// The key id of the key that signed it.
    pub signer: KeyId,
    entries: Vec<BlocklistEntry>,
}

impl AuthorityList {
    /// The entries, sorted by key.
    pub fn entries(&self) -> &[BlocklistEntry] {
        &self.entries
    }
}

/// What the anti-rollback state remembers of one authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackMark {
    /// The authority's root key id.
    pub authority: KeyId,
    /// The highest sequence accepted.
    pub sequence: u64,
    /// That list's issue time: a floor for the verification clock.
    pub issued_at: u64,
    /// That list's state digest.
    pub digest: StateDigest,
    /// The key id of the key that signed it: if that key is later revoked,
    /// its issue time no longer raises the clock floor.
    pub signer: KeyId,
}

const ROLLBACK_MAGIC: [u8; 4] = *b"PCRB";
const STATE_MAGIC: [u8; 4] = *b"PCBS";

/// One authority's list as stored by [`Blocklist::encode_state`].
#[derive(Serialize, Deserialize)]
struct StoredList {
    authority: KeyId,
    signer: KeyId,
    sequence: u64,
    issued_at: u64,
    expires_at: u64,
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_BLOCKLIST_ENTRIES }>")]
    entries: Vec<BlocklistEntry>,
}

#[derive(Serialize, Deserialize)]
struct StoredState {
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_AUTHORITIES }>")]
    marks: Vec<RollbackMark>,
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_AUTHORITIES }>")]
    lists: Vec<StoredList>,
}

fn decode_local<'a, T: Deserialize<'a> + Serialize>(
    magic: [u8; 4],
    bytes: &'a [u8],
) -> Result<T, Error> {
    let found = bytes.get(..4).ok_or(Error::Truncated)?;
    if found != magic {
        return Err(Error::BadMagic);
    }
    let version = *bytes.get(4).ok_or(Error::Truncated)?;
    if version != crate::FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let body = bytes.get(5..).ok_or(Error::Truncated)?;
    let (value, rest) = postcard::take_from_bytes::<T>(body).map_err(|e| match e {
        postcard::Error::DeserializeUnexpectedEnd => Error::Truncated,
        postcard::Error::SerdeDeCustom => Error::DeclaredLengthOverBound,
        _ => Error::MalformedBody("undecodable stored state"),
    })?;
    if !rest.is_empty() {
        return Err(Error::TrailingBytes(rest.len()));
    }
    if !crate::envelope::is_canonical(&value, body) {
        return Err(Error::NotCanonical("stored state encoding"));
    }
    Ok(value)
}

/// The anti-rollback state a device persists between runs: the highest
/// sequence accepted from each authority. Unsigned (it is the device's own
/// record), but strictly decoded like everything else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollbackState {
    marks: BTreeMap<KeyId, RollbackMark>,
}

impl RollbackState {
    /// The marks, one per authority.
    pub fn marks(&self) -> impl Iterator<Item = &RollbackMark> {
        self.marks.values()
    }

    /// Encodes the state for storage.
    pub fn encode(&self) -> Vec<u8> {
        let marks: Vec<RollbackMark> = self.marks.values().copied().collect();
        let mut out = ROLLBACK_MAGIC.to_vec();
        out.push(crate::FORMAT_VERSION);
        postcard::to_extend(&marks, out).unwrap_or_default()
    }

    /// Decodes a stored state.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let magic = bytes.get(..4).ok_or(Error::Truncated)?;
        if magic != ROLLBACK_MAGIC {
            return Err(Error::BadMagic);
        }
        let version = *bytes.get(4).ok_or(Error::Truncated)?;
        if version != crate::FORMAT_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        check_len(
            "rollback state",
            bytes.len(),
            limits::MAX_ROLLBACK_STATE_LEN,
        )?;
        let marks: Vec<RollbackMark> = decode_local(ROLLBACK_MAGIC, bytes)?;
        check_len("authorities", marks.len(), limits::MAX_AUTHORITIES)?;
        let ids: Vec<KeyId> = marks.iter().map(|m| m.authority).collect();
        if !strictly_sorted(&ids) {
            return Err(Error::NotCanonical("rollback marks"));
        }
        Ok(RollbackState {
            marks: marks.into_iter().map(|m| (m.authority, m)).collect(),
        })
    }
}

/// The blocklists accepted from every trusted authority, with the
/// anti-rollback state that guards them.
///
/// Updates are all-or-nothing: a snapshot or delta that fails any check
/// leaves the state exactly as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocklist {
    lists: BTreeMap<KeyId, AuthorityList>,
    rollback: RollbackState,
}

/// A blocklist entry that matched, with who listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// The key that matched (the part's identity, its board's IMEI, or the
    /// IMEI of the handset it is paired to).
    pub matched: BlockKey,
    /// The listing authority's root key id.
    pub authority: KeyId,
    /// The listing authority's name.
    pub authority_name: String,
    /// The sequence of the list that carries the entry.
    pub sequence: u64,
    /// Why it was listed.
    pub reason: Reason,
    /// When.
    pub listed_at: u64,
    /// Final or suspended.
    pub status: ListingStatus,
    /// For part entries: the handset the part was paired to when listed.
    pub handset: Option<Imei>,
}

/// One authority's list as consulted for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListChecked {
    /// The authority's root key id.
    pub authority: KeyId,
    /// Its name.
    pub authority_name: String,
    /// The sequence consulted.
    pub sequence: u64,
    /// When that list goes stale.
    pub expires_at: u64,
    /// Whether it had expired at the verification time.
    pub stale: bool,
}

impl Blocklist {
    /// An empty blocklist with no anti-rollback history.
    pub fn new() -> Self {
        Blocklist::default()
    }

    /// An empty blocklist that remembers what a previous run accepted, so
    /// older lists are still refused after a restart.
    pub fn with_rollback_state(rollback: RollbackState) -> Self {
        Blocklist {
            lists: BTreeMap::new(),
            rollback,
        }
    }

    /// The anti-rollback state to persist.
    pub fn rollback_state(&self) -> &RollbackState {
        &self.rollback
    }

    /// Encodes everything accepted — each authority's list and the
    /// anti-rollback marks — so a device or shop can save the state a
    /// snapshot and its deltas led to. The encoding is local and unsigned:
    /// it is as trustworthy as the storage it is kept in.
    pub fn encode_state(&self) -> Vec<u8> {
        let state = StoredState {
            marks: self.rollback.marks.values().copied().collect(),
            lists: self
                .lists
                .values()
                .map(|list| StoredList {
                    authority: list.authority,
                    signer: list.signer,
                    sequence: list.sequence,
                    issued_at: list.issued_at,
                    expires_at: list.expires_at,
                    entries: list.entries.clone(),
                })
                .collect(),
        };
        let mut out = STATE_MAGIC.to_vec();
        out.push(crate::FORMAT_VERSION);
        postcard::to_extend(&state, out).unwrap_or_default()
    }

    /// Reads back a state saved by [`Blocklist::encode_state`]. Every list
    /// must belong to a blocklist root still pinned in `trust`, be sorted,
    /// and agree with its anti-rollback mark (sequence, entries digest,
    /// signer and issue time), so an accidentally corrupted file is refused
    /// rather than half-loaded. The file is unsigned: it protects against
    /// accidents, not against someone who can rewrite the device's storage.
    pub fn decode_state(bytes: &[u8], trust: &TrustStore) -> Result<Blocklist, Error> {
        check_len(
            "stored blocklist state",
            bytes.len(),
            limits::MAX_AUTHORITIES.saturating_mul(limits::MAX_BLOCKLIST_LEN),
        )?;
        let state: StoredState = decode_local(STATE_MAGIC, bytes)?;
        let ids: Vec<KeyId> = state.marks.iter().map(|m| m.authority).collect();
        if !strictly_sorted(&ids) {
            return Err(Error::NotCanonical("rollback marks"));
        }
        let rollback = RollbackState {
            marks: state.marks.into_iter().map(|m| (m.authority, m)).collect(),
        };
        let authorities: Vec<KeyId> = state.lists.iter().map(|l| l.authority).collect();
        if !strictly_sorted(&authorities) {
            return Err(Error::NotCanonical("stored lists"));
        }
        let mut lists = BTreeMap::new();
        for stored in state.lists {
            let root = trust
                .blocklist_root(&stored.authority)
                .ok_or(Error::UnknownIssuer(stored.authority))?;
            validate_entries("blocklist entries", &stored.entries)?;
            let digest = state_digest(&stored.authority, stored.sequence, &stored.entries);
            let mark = rollback
                .marks
                .get(&stored.authority)
                .ok_or(Error::InvalidField("a stored list has no rollback mark"))?;
            if mark.sequence != stored.sequence
                || mark.digest != digest
                || mark.signer != stored.signer
                || mark.issued_at != stored.issued_at
            {
                return Err(Error::ConflictingSequence(stored.sequence));
            }
            if stored.expires_at < stored.issued_at {
                return Err(Error::InvalidField(
                    "a stored list expires before it was issued",
                ));
            }
            lists.insert(
                stored.authority,
                AuthorityList {
                    authority: stored.authority,
                    authority_name: root.authority().map(|a| a.name.clone()).unwrap_or_default(),
                    sequence: stored.sequence,
                    issued_at: stored.issued_at,
                    expires_at: stored.expires_at,
                    digest,
                    signer: stored.signer,
                    entries: stored.entries,
                },
            );
        }
        Ok(Blocklist { lists, rollback })
    }

    /// The lists held, one per authority.
    pub fn lists(&self) -> impl Iterator<Item = &AuthorityList> {
        self.lists.values()
    }

    /// The list held for an authority.
    pub fn list(&self, authority: &KeyId) -> Option<&AuthorityList> {
        self.lists.get(authority)
    }

    /// The newest issue time of any accepted list, whoever signed it.
    pub fn time_floor(&self) -> u64 {
        self.rollback
            .marks
            .values()
            .map(|mark| mark.issued_at)
            .max()
            .unwrap_or(0)
    }

    /// The clock floor: the newest issue time of any accepted list whose
    /// signer `trust` has not revoked, and of any revocation list. No
    /// verification happens earlier than this, whatever the device clock
    /// says; a revoked signer cannot hold the floor up.
    pub fn trusted_time_floor(&self, trust: &TrustStore) -> u64 {
        self.rollback
            .marks
            .values()
            .filter(|mark| !trust.is_revoked(&mark.authority, &mark.signer))
            .map(|mark| mark.issued_at)
            .max()
            .unwrap_or(0)
            .max(trust.time_floor())
    }

    /// Accepts a full snapshot after checking its signer chains to a pinned
    /// blocklist root, its signature, and that it is not older than what
    /// was accepted before. Returns the sequence now held.
    ///
    /// The same snapshot again is accepted (and changes nothing).
    pub fn apply_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &BlocklistSnapshot,
        now: u64,
    ) -> Result<u64, Error> {
        let body = snapshot.body();
        let now = now.max(self.trusted_time_floor(trust));
        let (authority_name, signer) =
            trust.check_blocklist_signer(&snapshot.signer, &body.authority, body.issued_at, now)?;
        snapshot.verify_signature()?;
        self.check_not_rollback(&body.authority, body.sequence, &snapshot.digest)?;
        self.accept(AuthorityList {
            authority: body.authority,
            authority_name,
            sequence: body.sequence,
            issued_at: body.issued_at,
            expires_at: body.expires_at,
            digest: snapshot.digest,
            signer,
            entries: body.entries.clone(),
        })
    }

    /// Applies a delta to the list held for its authority. The delta must
    /// start from exactly the state held and lead to exactly the digest it
    /// promises. Returns the sequence now held.
    pub fn apply_delta(
        &mut self,
        trust: &TrustStore,
        delta: &BlocklistDelta,
        now: u64,
    ) -> Result<u64, Error> {
        let body = delta.body();
        let now = now.max(self.trusted_time_floor(trust));
        let (authority_name, signer) =
            trust.check_blocklist_signer(&delta.signer, &body.authority, body.issued_at, now)?;
        delta.verify_signature()?;
        let held = self
            .lists
            .get(&body.authority)
            .ok_or(Error::DeltaBaseMismatch {
                delta_from: body.from_sequence,
                held: 0,
            })?;
        if held.sequence != body.from_sequence || held.digest != body.from_digest {
            if body.to_sequence <= held.sequence {
                return Err(Error::Rollback {
                    offered: body.to_sequence,
                    accepted: held.sequence,
                });
            }
            return Err(Error::DeltaBaseMismatch {
                delta_from: body.from_sequence,
                held: held.sequence,
            });
        }
        let entries = delta.apply_to(&held.entries);
        check_len(
            "blocklist entries",
            entries.len(),
            limits::MAX_BLOCKLIST_ENTRIES,
        )?;
        let digest = state_digest(&body.authority, body.to_sequence, &entries);
        if digest != body.result_digest {
            return Err(Error::DeltaResultMismatch);
        }
        self.check_not_rollback(&body.authority, body.to_sequence, &digest)?;
        self.accept(AuthorityList {
            authority: body.authority,
            authority_name,
            sequence: body.to_sequence,
            issued_at: body.issued_at,
            expires_at: body.expires_at,
            digest,
            signer,
            entries,
        })
    }

    fn check_not_rollback(
        &self,
        authority: &KeyId,
        sequence: u64,
        digest: &StateDigest,
    ) -> Result<(), Error> {
        let held = self
            .rollback
            .marks
            .get(authority)
            .map_or(0, |mark| mark.sequence);
        if sequence > limits::MAX_SEQUENCE
            || sequence > held.saturating_add(limits::MAX_SEQUENCE_STEP)
        {
            return Err(Error::SequenceLeap {
                offered: sequence,
                accepted: held,
            });
        }
        if let Some(mark) = self.rollback.marks.get(authority) {
            if sequence < mark.sequence {
                return Err(Error::Rollback {
                    offered: sequence,
                    accepted: mark.sequence,
                });
            }
            if sequence == mark.sequence && *digest != mark.digest {
                return Err(Error::ConflictingSequence(sequence));
            }
        } else if self.rollback.marks.len() >= limits::MAX_AUTHORITIES {
            return Err(Error::LengthOverBound {
                field: "blocklist authorities",
                length: self.rollback.marks.len() + 1,
                max: limits::MAX_AUTHORITIES,
            });
        }
        Ok(())
    }

    fn accept(&mut self, mut list: AuthorityList) -> Result<u64, Error> {
        let sequence = list.sequence;
        // The same state re-signed: never let an older copy lower the
        // issue time (the clock floor) or the expiry already accepted.
        if let Some(mark) = self.rollback.marks.get(&list.authority) {
            if mark.sequence == sequence {
                list.issued_at = list.issued_at.max(mark.issued_at);
                if let Some(held) = self.lists.get(&list.authority) {
                    list.expires_at = list.expires_at.max(held.expires_at);
                }
            }
        }
        let mark = RollbackMark {
            authority: list.authority,
            sequence,
            issued_at: list.issued_at,
            digest: list.digest,
            signer: list.signer,
        };
        self.rollback.marks.insert(list.authority, mark);
        self.lists.insert(list.authority, list);
        Ok(sequence)
    }

    /// Every listing, across all authorities, of any of `keys`.
    pub fn lookup(&self, keys: &[BlockKey]) -> Vec<Listing> {
        let mut found = Vec::new();
        for list in self.lists.values() {
            for key in keys {
                if let Some(entry) = find_entry(&list.entries, key) {
                    found.push(Listing {
                        matched: entry.key,
                        authority: list.authority,
                        authority_name: list.authority_name.clone(),
                        sequence: list.sequence,
                        reason: entry.reason,
                        listed_at: entry.listed_at,
                        status: entry.status,
                        handset: entry.handset,
                    });
                }
            }
        }
        found
    }

    /// The lists consulted, and whether each was stale at `now`.
    ///
    /// A list is stale when it has expired, or when `trust` has since
    /// revoked the key that signed it: it can no longer be taken as current.
    pub fn lists_checked(&self, trust: &TrustStore, now: u64) -> Vec<ListChecked> {
        self.lists
            .values()
            .map(|list| ListChecked {
                authority: list.authority,
                authority_name: list.authority_name.clone(),
                sequence: list.sequence,
                expires_at: list.expires_at,
                stale: now > list.expires_at || trust.is_revoked(&list.authority, &list.signer),
            })
            .collect()
    }
}
