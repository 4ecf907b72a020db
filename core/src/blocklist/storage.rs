//! What a device keeps between runs: the anti-rollback marks and the
//! saved blocklist state. Local and unsigned, but strictly decoded, under
//! the same header as every signed object and a checksum over every byte,
//! so a corrupted file is refused instead of half-loaded.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::compact_snapshot::{BLOCK_LOG2, ByteString, CompactSnapshot};
use super::device::Blocklist;
use super::held::{AuthorityList, Held};
use super::merkle::Hash;
use super::objects::{BlockKey, BlocklistEntry, ListVersion, validate_entries};
use super::sorted::{Keyed, OverlayChange, Sorted, SortedEntries};
use crate::certificate::strictly_sorted;
use crate::envelope::{self, FORMAT_VERSION};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId, StateDigest};
use crate::limits::{self, check_len};
use crate::trust::TrustStore;

const ROLLBACK_MAGIC: [u8; 4] = *b"PCRB";
const STATE_MAGIC: [u8; 4] = *b"PCBS";
const CHECKSUM_LEN: usize = 32;
/// Magic and format version.
const LOCAL_HEADER_LEN: usize = 5;

/// What the anti-rollback state remembers of one authority the device
/// follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RollbackMark {
    /// The authority's root key id.
    pub authority: KeyId,
    /// The highest epoch accepted.
    pub epoch: u64,
    /// The highest sequence accepted within that epoch.
    pub sequence: u64,
    /// That list's issue time, as it signed it.
    pub issued_at: u64,
    /// When that list goes stale.
    pub expires_at: u64,
    /// That list's state digest.
    pub digest: StateDigest,
    /// The key id of the key that signed it: if that key is later revoked,
    /// the list reads as stale and its time no longer raises the clock.
    pub signer: KeyId,
    /// The floor that list sets for this authority's clock: its issue
    /// time, capped at the device's clock plus
    /// [`CLOCK_TOLERANCE`](crate::limits::CLOCK_TOLERANCE) when it was
    /// accepted, so a date from the future raises no floor (the crate's
    /// rule for times). At most `issued_at`.
    pub clock_floor: u64,
    /// When the newest repository head the device accepted for this
    /// authority was signed (0: it follows no repository).
    pub head_issued_at: u64,
    /// When that head expires: after it, with no fresher head, the list
    /// reads stale ("no fresh head"), never clean (0: no head).
    pub head_expires_at: u64,
}

impl RollbackMark {
    /// The version accepted.
    pub fn version(&self) -> ListVersion {
        ListVersion::new(self.epoch, self.sequence)
    }
}

/// The anti-rollback state a device persists between runs: for each
/// authority it follows, the newest list accepted. A device restarted
/// from its marks still knows which authorities it follows, so a list
/// withheld after the restart reads as missing (stale), never clean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollbackState {
    pub(crate) marks: std::collections::BTreeMap<KeyId, RollbackMark>,
}

impl RollbackState {
    /// The marks, one per authority followed.
    pub fn marks(&self) -> impl Iterator<Item = &RollbackMark> {
        self.marks.values()
    }

    /// Stops following `authority`: forgets its mark. Returns it, if there
    /// was one.
    pub fn unfollow(&mut self, authority: &KeyId) -> Option<RollbackMark> {
        self.marks.remove(authority)
    }

    /// Encodes the state for storage.
    pub fn encode(&self) -> Vec<u8> {
        let marks = StoredMarks {
            marks: self.marks.values().copied().collect(),
        };
        seal_local(ROLLBACK_MAGIC, &marks)
    }

    /// Decodes a stored state; a corrupted one is refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        check_len(
            "anti-rollback state",
            bytes.len(),
            limits::MAX_ROLLBACK_STATE_LEN,
        )?;
        let stored: StoredMarks = open_local(ROLLBACK_MAGIC, bytes, "anti-rollback state")?;
        marks_from(stored.marks)
    }
}

/// The marks as stored: a bounded list (a declared count over the bound is
/// refused before anything is allocated).
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct StoredMarks {
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_AUTHORITIES }>")]
    marks: Vec<RollbackMark>,
}

fn marks_from(marks: Vec<RollbackMark>) -> Result<RollbackState, Error> {
    check_len("authorities", marks.len(), limits::MAX_AUTHORITIES)?;
    let ids: Vec<KeyId> = marks.iter().map(|m| m.authority).collect();
    if !strictly_sorted(&ids) {
        return Err(Error::NotCanonical("rollback marks"));
    }
    for mark in &marks {
        mark.version().check_bounds()?;
        if mark.expires_at < mark.issued_at {
            return Err(Error::InvalidField(
                "a rollback mark expires before it was issued",
            ));
        }
        if mark.head_expires_at < mark.head_issued_at {
            return Err(Error::InvalidField(
                "a rollback mark's head expires before it was issued",
            ));
        }
        if mark.clock_floor > mark.issued_at {
            return Err(Error::InvalidField(
                "a rollback mark's clock floor is after its list's issue time",
            ));
        }
    }
    Ok(RollbackState {
        marks: marks.into_iter().map(|m| (m.authority, m)).collect(),
    })
}

/// One authority's list as stored by [`Blocklist::encode_state`] or
/// [`Blocklist::save`].
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredList {
    authority: KeyId,
    signer: KeyId,
    epoch: u64,
    sequence: u64,
    issued_at: u64,
    expires_at: u64,
    /// A sorted list's entries (none for a compact list).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_BLOCKLIST_ENTRIES }>")]
    entries: Vec<BlocklistEntry>,
    /// A compact list's snapshot.
    pub(crate) compact: StoredCompact,
    /// A compact list's changes since its snapshot (sorted by key).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_BLOCKLIST_ENTRIES }>")]
    changes: Vec<OverlayChange>,
}

/// How a saved state keeps a compact list's snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum StoredCompact {
    /// None: the list is sorted.
    None,
    /// The whole signed snapshot, in the state ([`Blocklist::encode_state`]):
    /// loading checks its blocks against its signed root (one SHA-256 pass).
    Inline(ByteString),
    /// In a file of its own beside the state ([`Blocklist::save`]), named
    /// by the SHA-256 of its signed header, with the Merkle leaves of its
    /// blocks: loading reads the header and checks the leaves against the
    /// signed root, and each block is checked as it is first read.
    File {
        signed: Fingerprint,
        #[serde(deserialize_with = "crate::bounded::vec::<_, _, { MAX_LEAVES }>")]
        leaves: Vec<Hash>,
    },
}

/// The most leaves a compact list has: its largest size in 64 KiB blocks.
const MAX_LEAVES: usize = (limits::MAX_COMPACT_SNAPSHOT_LEN >> BLOCK_LOG2) as usize;

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredState {
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_AUTHORITIES }>")]
    marks: Vec<RollbackMark>,
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, { limits::MAX_AUTHORITIES }>")]
    pub(crate) lists: Vec<StoredList>,
}

/// Header, postcard body, then SHA-256 of everything before it.
fn seal_local<T: Serialize>(magic: [u8; 4], value: &T) -> Vec<u8> {
    let mut out = magic.to_vec();
    out.push(FORMAT_VERSION);
    let mut out = postcard::to_extend(value, out).unwrap_or_default();
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    out
}

fn open_local<T: serde::de::DeserializeOwned + Serialize>(
    magic: [u8; 4],
    bytes: &[u8],
    what: &'static str,
) -> Result<T, Error> {
    envelope::check_header(bytes, magic)?;
    let split = bytes
        .len()
        .checked_sub(CHECKSUM_LEN)
        .filter(|split| *split >= LOCAL_HEADER_LEN)
        .ok_or(Error::Truncated)?;
    let (covered, checksum) = bytes.split_at(split);
    if Sha256::digest(covered).as_slice() != checksum {
        return Err(Error::CorruptState(what));
    }
    let body = covered.get(LOCAL_HEADER_LEN..).unwrap_or_default();
    envelope::decode_exact(body, what)
}

impl Blocklist {
    /// Encodes everything accepted — each authority's list and the
    /// anti-rollback marks — in one buffer, so a device or shop can save
    /// the state a snapshot and its deltas led to. Compact lists are kept
    /// whole in it; [`Blocklist::save`] keeps each in a file of its own,
    /// used in place. The encoding is local and unsigned, with a checksum
    /// against accidents: it is as trustworthy as the storage it is kept
    /// in.
    pub fn encode_state(&self) -> Vec<u8> {
        self.stored_state(|snapshot| {
            StoredCompact::Inline(ByteString(snapshot.as_bytes().to_vec()))
        })
    }

    /// The state as stored, each compact snapshot kept as `keep` says.
    pub(crate) fn stored_state(&self, keep: impl Fn(&CompactSnapshot) -> StoredCompact) -> Vec<u8> {
        let state = StoredState {
            marks: self.rollback.marks.values().copied().collect(),
            // A list held as shards is fetched for each check, never
            // saved: its mark stays, so until shards are fetched again the
            // list reads as missing (stale), never clean.
            lists: self
                .lists
                .values()
                .filter_map(|list| {
                    let (compact, changes) = match &list.held {
                        Held::Sorted(_) => (StoredCompact::None, Vec::new()),
                        Held::Compact { snapshot, changes } => {
                            (keep(snapshot), changes.iter().copied().collect())
                        }
                        Held::Shards(_) => return None,
                    };
                    Some(StoredList {
                        authority: list.authority,
                        signer: list.signer,
                        epoch: list.version.epoch,
                        sequence: list.version.sequence,
                        issued_at: list.issued_at,
                        expires_at: list.expires_at,
                        entries: list.entries(),
                        compact,
                        changes,
                    })
                })
                .collect(),
        };
        seal_local(STATE_MAGIC, &state)
    }

    /// Reads back a state saved by [`Blocklist::encode_state`], keeping
    /// what `trust` still pins: see [`Blocklist::load_state`], which also
    /// reports what was dropped.
    pub fn decode_state(bytes: &[u8], trust: &TrustStore) -> Result<Blocklist, Error> {
        Ok(Self::load_state(bytes, trust)?.blocklist)
    }

    /// Reads back a state saved by [`Blocklist::encode_state`]. The
    /// checksum must match, every list must be sorted and agree with its
    /// anti-rollback mark in every field (version, digest, signer, issue
    /// and expiry times, clock floor). Marks without a list are
    /// authorities followed whose list is not held: verdicts read stale
    /// until it arrives. A state saved by [`Blocklist::save`] keeps its
    /// compact lists in files: load it with [`Blocklist::load`].
    ///
    /// An authority whose blocklist root `trust` no longer pins (a rogue
    /// operator unpinned, a root re-pinned under a new key after its key
    /// was stolen) is no longer followed: its list and mark are dropped and
    /// reported in [`LoadedState::dropped`], and every other authority's
    /// are kept.
    pub fn load_state(bytes: &[u8], trust: &TrustStore) -> Result<LoadedState, Error> {
        check_len(
            "stored blocklist state",
            bytes.len(),
            // Each authority's list may be a compact snapshot's (64 GiB).
            usize::try_from(limits::MAX_COMPACT_SNAPSHOT_LEN)
                .unwrap_or(usize::MAX)
                .saturating_mul(limits::MAX_AUTHORITIES),
        )?;
        let state = Self::open_stored(bytes)?;
        Self::from_stored(state, trust, |stored| match stored {
            StoredCompact::Inline(bytes) => CompactSnapshot::decode(&bytes.0),
            _ => Err(Error::InvalidField(
                "this state keeps its compact lists in files beside it: load it from its path",
            )),
        })
    }

    pub(crate) fn open_stored(bytes: &[u8]) -> Result<StoredState, Error> {
        open_local(STATE_MAGIC, bytes, "blocklist state")
    }

    /// The device a stored state describes, each compact snapshot opened
    /// by `open` (from the state, or from its file).
    pub(crate) fn from_stored(
        state: StoredState,
        trust: &TrustStore,
        open: impl Fn(StoredCompact) -> Result<CompactSnapshot, Error>,
    ) -> Result<LoadedState, Error> {
        let rollback = marks_from(state.marks)?;
        let authorities: Vec<KeyId> = state.lists.iter().map(|l| l.authority).collect();
        if !strictly_sorted(&authorities) {
            return Err(Error::NotCanonical("stored lists"));
        }
        let mut lists = std::collections::BTreeMap::new();
        for stored in state.lists {
            let Some(root) = trust.blocklist_root(&stored.authority) else {
                // Checked as the rest of the file is (the checksum), but no
                // longer followed: dropped below with its mark.
                continue;
            };
            let mark = rollback
                .marks
                .get(&stored.authority)
                .ok_or(Error::InvalidField("a stored list has no rollback mark"))?;
            let list = stored_list(stored, &open)?;
            let agrees = mark.version() == list.version
                && mark.digest == list.digest
                && mark.signer == list.signer
                && mark.issued_at == list.issued_at
                && mark.expires_at == list.expires_at;
            if !agrees {
                return Err(Error::CorruptState("blocklist state"));
            }
            let authority_name = root.authority().map(|a| a.name.clone()).unwrap_or_default();
            lists.insert(
                list.authority,
                AuthorityList {
                    authority_name,
                    ..list
                },
            );
        }
        let mut blocklist = Blocklist { lists, rollback };
        let dropped = blocklist.unfollow_unpinned(trust);
        Ok(LoadedState { blocklist, dropped })
    }
}

/// One stored list, as the device holds it (its authority's name is the
/// trust store's, filled in by the caller).
fn stored_list(
    stored: StoredList,
    open: &impl Fn(StoredCompact) -> Result<CompactSnapshot, Error>,
) -> Result<AuthorityList, Error> {
    validate_entries("blocklist entries", &stored.entries)?;
    let version = ListVersion::new(stored.epoch, stored.sequence);
    let (held, digest) = match stored.compact {
        StoredCompact::None => {
            if !stored.changes.is_empty() {
                return Err(Error::CorruptState("blocklist state"));
            }
            let entries = SortedEntries::from_sorted(&stored.entries);
            let digest = entries.digest(&stored.authority, version);
            (Held::Sorted(entries), digest)
        }
        compact => {
            if !stored.entries.is_empty() {
                return Err(Error::CorruptState("blocklist state"));
            }
            check_changes(&stored.changes)?;
            let snapshot = open(compact)?;
            let base_version = snapshot.version();
            if snapshot.authority() != stored.authority
                || base_version.epoch != version.epoch
                || base_version > version
            {
                return Err(Error::CorruptState("blocklist state"));
            }
            let changes = Sorted::from_sorted(&stored.changes);
            let digest = if base_version == version {
                if !stored.changes.is_empty() {
                    return Err(Error::CorruptState("blocklist state"));
                }
                snapshot.digest
            } else {
                changes.overlay_digest(&stored.authority, version, &snapshot.digest)
            };
            (Held::Compact { snapshot, changes }, digest)
        }
    };
    Ok(AuthorityList {
        authority: stored.authority,
        authority_name: String::new(),
        version,
        issued_at: stored.issued_at,
        expires_at: stored.expires_at,
        digest,
        signer: stored.signer,
        held,
    })
}

/// A saved state as loaded: what is still followed, and what was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedState {
    /// The lists and marks of every authority `trust` still pins.
    pub blocklist: Blocklist,
    /// The authorities the state followed whose roots are no longer
    /// pinned: no longer followed, their lists and marks dropped.
    pub dropped: Vec<KeyId>,
}

/// A stored compact list's changes: strictly sorted by key, every IMEI
/// valid.
fn check_changes(changes: &[OverlayChange]) -> Result<(), Error> {
    let listed: Vec<BlocklistEntry> = changes
        .iter()
        .filter_map(|change| match change {
            OverlayChange::Listed(entry) => Some(*entry),
            OverlayChange::Delisted(_) => None,
        })
        .collect();
    validate_entries("changes since the compact snapshot", &listed)?;
    let keys: Vec<BlockKey> = changes.iter().map(|change| change.key()).collect();
    if !strictly_sorted(&keys) {
        return Err(Error::NotCanonical("changes since the compact snapshot"));
    }
    for key in keys {
        if let BlockKey::Imei(imei) = key {
            imei.check()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocklist::{Base, Format, ListingStatus, Publication, Reason};
    use crate::ids::Imei;

    fn listed(body: u64) -> OverlayChange {
        OverlayChange::Listed(BlocklistEntry {
            key: BlockKey::Imei(Imei::with_check_digit(body).unwrap()),
            reason: Reason::Stolen,
            listed_at: 1_700_000_000,
            status: ListingStatus::Final,
            handset: None,
        })
    }

    fn delisted(body: u64) -> OverlayChange {
        OverlayChange::Delisted(BlockKey::Imei(Imei::with_check_digit(body).unwrap()))
    }

    /// A device's saved state holding a compact list and one delta's
    /// changes over it, decoded back to its stored form.
    fn saved_compact_state() -> (TrustStore, StoredState) {
        use crate::issue::Authority;
        use crate::{SecretKey, Validity};
        let t0 = 1_767_225_600;
        let register = Authority::new_blocklist_root(
            SecretKey::from_seed(&[4; 32]),
            "Register",
            Validity::days_from(t0 - 86_400, 3_650),
        )
        .unwrap();
        let mut trust = TrustStore::new();
        trust
            .add_blocklist_root(register.certificate().clone())
            .unwrap();
        let entry = |body| match listed(body) {
            OverlayChange::Listed(entry) => entry,
            OverlayChange::Delisted(_) => unreachable!(),
        };
        let compact = register
            .publish(
                &Publication {
                    format: Format::Compact,
                    version: ListVersion::new(0, 1),
                    issued_at: t0,
                    expires_at: t0 + 86_400,
                    base: Base::None,
                    delisted: &[],
                },
                [entry(35_000_000_000_001)],
            )
            .unwrap()
            .list;
        let mut device = Blocklist::new();
        device.apply(&trust, &compact, t0).unwrap();
        let held = device
            .list(&register.blocklist_authority().unwrap())
            .unwrap();
        let delta = register
            .publish(
                &Publication {
                    format: Format::Delta,
                    version: ListVersion::new(0, 2),
                    issued_at: t0 + 60,
                    expires_at: t0 + 86_400,
                    base: Base::Held(held),
                    delisted: &[],
                },
                [entry(35_000_000_000_002)],
            )
            .unwrap()
            .list;
        device.apply(&trust, &delta, t0 + 60).unwrap();
        let bytes = device.encode_state();
        let stored = open_local(STATE_MAGIC, &bytes, "blocklist state").unwrap();
        (trust, stored)
    }

    #[test]
    fn a_saved_compact_list_must_agree_with_its_snapshot_sequence_and_kind() {
        let (trust, stored) = saved_compact_state();
        // As saved, it loads.
        assert!(Blocklist::decode_state(&seal_local(STATE_MAGIC, &stored), &trust).is_ok());
        let tampered = |change: &dyn Fn(&mut StoredList)| {
            let (_, mut state) = saved_compact_state();
            change(&mut state.lists[0]);
            Blocklist::decode_state(&seal_local(STATE_MAGIC, &state), &trust)
        };
        let corrupt = Err(Error::CorruptState("blocklist state"));
        // The snapshot's bytes altered: its blocks no longer lead to the
        // signed root.
        assert_eq!(
            tampered(&|list| {
                if let StoredCompact::Inline(bytes) = &mut list.compact {
                    let last = bytes.0.len() - 1;
                    bytes.0[last] ^= 1;
                }
            })
            .map_err(|e| e.code()),
            Err(crate::ErrorCode::BadSignature)
        );
        // A list kept in a file, in a state given as bytes: nowhere to
        // read it from.
        assert!(matches!(
            tampered(&|list| {
                list.compact = StoredCompact::File {
                    signed: Fingerprint([7; 32]),
                    leaves: Vec::new(),
                }
            }),
            Err(Error::InvalidField(_))
        ));
        // A change dropped: the digest no longer agrees.
        assert_eq!(tampered(&|list| list.changes.clear()), corrupt);
        // Changes or a snapshot sequence beside a sorted list.
        assert_eq!(
            tampered(&|list| {
                list.entries = list
                    .changes
                    .iter()
                    .filter_map(|c| match c {
                        OverlayChange::Listed(entry) => Some(*entry),
                        OverlayChange::Delisted(_) => None,
                    })
                    .collect();
                list.compact = StoredCompact::None;
            }),
            corrupt
        );
        // Entries beside a compact list.
        assert_eq!(
            tampered(
                &|list| list.entries = vec![match listed(35_000_000_000_003) {
                    OverlayChange::Listed(entry) => entry,
                    OverlayChange::Delisted(_) => unreachable!(),
                }]
            ),
            corrupt
        );
        // Unsorted changes.
        assert_eq!(
            tampered(&|list| {
                list.changes.insert(0, delisted(35_000_000_000_009));
            }),
            Err(Error::NotCanonical("changes since the compact snapshot"))
        );
    }

    #[test]
    fn saved_changes_over_a_compact_list_must_be_sorted_unique_and_valid() {
        let a = 35_000_000_000_001;
        let b = 35_000_000_000_002;
        assert_eq!(check_changes(&[listed(a), delisted(b)]), Ok(()));
        assert_eq!(
            check_changes(&[delisted(b), listed(a)]),
            Err(Error::NotCanonical("changes since the compact snapshot"))
        );
        assert_eq!(
            check_changes(&[listed(a), delisted(a)]),
            Err(Error::NotCanonical("changes since the compact snapshot"))
        );
        // An IMEI whose check digit is wrong, in a delisting or a listing.
        // As a hostile file would carry it: decoding does not check digits.
        let wire = postcard::to_allocvec(&350_000_000_000_019u64).unwrap();
        let wrong = BlockKey::Imei(postcard::from_bytes::<Imei>(&wire).unwrap());
        assert!(matches!(
            check_changes(&[OverlayChange::Delisted(wrong)]),
            Err(Error::InvalidImei(_))
        ));
        let OverlayChange::Listed(mut entry) = listed(a) else {
            unreachable!()
        };
        entry.key = wrong;
        assert!(matches!(
            check_changes(&[OverlayChange::Listed(entry)]),
            Err(Error::InvalidImei(_))
        ));
    }
}
