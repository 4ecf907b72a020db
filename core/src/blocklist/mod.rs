//! Blocklists: the signed objects ([`objects`]), what a device stores
//! between runs ([`storage`]), and here the state machine that accepts
//! lists from several independent authorities and answers lookups.
//!
//! Rules held here:
//! - *Authorities are independent*: each authority's clock floor is its
//!   own newest list's issue time; one authority's list can at most mark
//!   another's as possibly out of date, never have it refused.
//! - *The root outranks its delegates*: lists are ordered by (epoch,
//!   sequence), with no limit on the step; delegated keys sign only in the
//!   epoch their certificate names.
//! - *A device remembers what it follows*: every authority with a mark is
//!   followed; its missing list reads as stale.

mod compact;
mod compact_snapshot;
mod encoded;
mod objects;
mod sorted;
mod storage;

use std::collections::BTreeMap;

use serde::Serialize;

pub use compact::{
    CompactHit, CompactKey, CompactList, CompactListView, CompactSizes, PartFingerprint,
};
pub use compact_snapshot::CompactSnapshot;
pub(crate) use compact_snapshot::{ByteString, CompactSnapshotBody, compact_state_digest};
pub use objects::{
    BlockKey, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, ListVersion, ListingStatus, Reason,
};
pub(crate) use objects::{DeltaBody, SnapshotBody};
pub use storage::{LoadedState, RollbackMark, RollbackState};

use crate::error::Error;
use crate::ids::{Imei, KeyId, PartId, StateDigest};
use crate::limits::{self, check_len};
use crate::trust::TrustStore;
pub(crate) use sorted::{Keyed, OverlayChange, Sorted, SortedEntries};

/// The list one authority has published, as accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityList {
    /// The authority's root key id.
    pub authority: KeyId,
    /// The authority's name (from its root certificate).
    pub authority_name: String,
    /// The accepted epoch and sequence.
    pub version: ListVersion,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// Its state digest.
    pub digest: StateDigest,
    /// The key id of the key that signed it.
    pub signer: KeyId,
    pub(crate) held: Held,
}

/// How an authority's list is held.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per authority: not worth a box
pub(crate) enum Held {
    /// Received as a sorted snapshot, and its deltas.
    Sorted(SortedEntries),
    /// Received as a compact snapshot (at `base_sequence` of the list's
    /// epoch, with state digest `base`), with the changes of the deltas
    /// applied since.
    Compact {
        list: CompactList,
        base_sequence: u64,
        base: StateDigest,
        changes: Sorted<OverlayChange>,
    },
}

impl Held {
    pub(crate) fn compact(list: CompactList, base_sequence: u64, base: StateDigest) -> Self {
        Held::Compact {
            list,
            base_sequence,
            base,
            changes: Sorted::default(),
        }
    }

    /// The list after a delta's removals and upserts, and its state digest
    /// as `authority`'s list at `version`. A sorted list changes; a compact
    /// list's bytes never do: the changes are recorded beside it, and the
    /// digest binds the snapshot's digest and every change.
    pub(crate) fn after(
        &self,
        authority: &KeyId,
        version: ListVersion,
        removals: &[BlockKey],
        upserts: &[BlocklistEntry],
    ) -> Result<(Held, StateDigest), Error> {
        match self {
            Held::Sorted(entries) => {
                let entries = entries.apply(removals, upserts);
                check_len(
                    "blocklist entries",
                    entries.len(),
                    limits::MAX_BLOCKLIST_ENTRIES,
                )?;
                let digest = entries.digest(authority, version);
                Ok((Held::Sorted(entries), digest))
            }
            Held::Compact {
                list,
                base_sequence,
                base,
                changes,
            } => {
                let changes = changes.record(removals, upserts);
                check_len(
                    "changes since the compact snapshot",
                    changes.len(),
                    limits::MAX_BLOCKLIST_ENTRIES,
                )?;
                let digest = changes.overlay_digest(authority, version, base);
                let held = Held::Compact {
                    list: list.clone(),
                    base_sequence: *base_sequence,
                    base: *base,
                    changes,
                };
                Ok((held, digest))
            }
        }
    }
}

impl AuthorityList {
    /// A copy of the entries, sorted by key, of a list received as a
    /// sorted snapshot (and its deltas). Empty for a compact list: see
    /// [`AuthorityList::compact`] and [`AuthorityList::len`]. To read
    /// without copying, use [`AuthorityList::iter`] or
    /// [`AuthorityList::find`].
    pub fn entries(&self) -> Vec<BlocklistEntry> {
        self.iter().copied().collect()
    }

    fn sorted(&self) -> Option<&SortedEntries> {
        match &self.held {
            Held::Sorted(entries) => Some(entries),
            Held::Compact { .. } => None,
        }
    }

    /// The entries of a sorted list, in key order (none for a compact
    /// list).
    pub fn iter(&self) -> impl Iterator<Item = &BlocklistEntry> {
        self.sorted().into_iter().flat_map(|entries| entries.iter())
    }

    /// A sorted list's entry for `key` (`None` for a compact list: see
    /// [`Blocklist::lookup`]).
    pub fn find(&self, key: &BlockKey) -> Option<&BlocklistEntry> {
        self.sorted().and_then(|entries| entries.find(key))
    }

    /// The list, if it was received as a [`CompactSnapshot`] (as received:
    /// the deltas applied since are kept beside it).
    pub fn compact(&self) -> Option<&CompactList> {
        match &self.held {
            Held::Compact { list, .. } => Some(list),
            Held::Sorted(_) => None,
        }
    }

    /// For a compact list, how many keys the deltas applied since its
    /// snapshot have listed or delisted (0 for a sorted list).
    pub fn changes_since_snapshot(&self) -> u64 {
        match &self.held {
            Held::Compact { changes, .. } => changes.len() as u64,
            Held::Sorted(_) => 0,
        }
    }

    /// How many keys the list carries: a sorted list's entries, or a
    /// compact list's keys as its snapshot listed them (see
    /// [`AuthorityList::changes_since_snapshot`]).
    pub fn len(&self) -> u64 {
        match &self.held {
            Held::Compact { list, .. } => list.len(),
            Held::Sorted(entries) => entries.len() as u64,
        }
    }

    /// Whether the list carries no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The blocklists accepted from every trusted authority, with the
/// anti-rollback state that guards them.
///
/// Updates are all-or-nothing: a snapshot or delta that fails any check
/// leaves the state exactly as it was.
///
/// Cloning is cheap (a reference count per authority): versions share
/// their lists, and a delta re-builds only the parts of one list it
/// touches, so an updater can clone, apply and publish while readers keep
/// the version they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocklist {
    lists: BTreeMap<KeyId, AuthorityList>,
    rollback: RollbackState,
}

/// What a listing matched, as a verdict reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedKey {
    /// A listed IMEI: the board's, one its modem presented, or the IMEI of
    /// the handset a record pairs the part to.
    Imei(Imei),
    /// The part's identity, listed exactly.
    Part(PartId),
    /// The key the part's certificate names, listed exactly (a reported
    /// handset's keyed parts are listed by key too).
    PartKey(KeyId),
    /// A fingerprint in a compact list — the first bits of a listed part's
    /// identity (or key) digest — that the part's digest starts with. Not
    /// proof of this exact part: a part not listed matches one with
    /// probability at most 2^-41 per lookup.
    PartFingerprint(PartFingerprint),
}

impl MatchedKey {
    /// The key as the list holds it, for an exact match.
    fn exact(key: BlockKey) -> Self {
        match key {
            BlockKey::Imei(imei) => MatchedKey::Imei(imei),
            BlockKey::Part(part) => MatchedKey::Part(part),
        }
    }
}

/// One key a verdict looks up, and how a match on it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Probe {
    pub key: BlockKey,
    /// For a keyed part's key digest: the key, reported as what matched.
    pub part_key: Option<KeyId>,
}

impl Probe {
    pub(crate) fn key(key: BlockKey) -> Self {
        Probe {
            key,
            part_key: None,
        }
    }

    pub(crate) fn part_key(key: KeyId) -> Self {
        Probe {
            key: BlockKey::Part(PartId::of_part_key(&key)),
            part_key: Some(key),
        }
    }

    fn reported(&self) -> MatchedKey {
        match self.part_key {
            Some(key) => MatchedKey::PartKey(key),
            None => MatchedKey::exact(self.key),
        }
    }
}

/// A blocklist entry that matched, with who listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// What matched: an IMEI, the part's identity or key, or — in a
    /// compact list — a part fingerprint.
    pub matched: MatchedKey,
    /// The listing authority's root key id.
    pub authority: KeyId,
    /// The listing authority's name.
    pub authority_name: String,
    /// Whether the match is on a part fingerprint in a compact list (a part
    /// not listed matches one with probability at most 2^-41 per lookup)
    /// rather than on the exact key: `matched` is then the fingerprint.
    pub by_fingerprint: bool,
    /// The epoch of the list that carries the entry.
    pub epoch: u64,
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

/// Every listing a lookup found, at most [`limits::MAX_LISTINGS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub listings: Vec<Listing>,
    /// More matched than the cap: the rest were not read.
    pub capped: bool,
}

/// Why a list consulted may be out of date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StaleReason {
    /// It expired before the verification time.
    Expired,
    /// Its authority's root has since revoked the key that signed it.
    SignerRevoked,
    /// The device follows this authority (it has a mark for it) but holds
    /// no list from it: withheld, or not yet loaded after a restart.
    Missing,
    /// Another authority's list was issued after this one expired: the
    /// device's clock may be behind. It never makes this list refused, and
    /// only a time the other list's clock floor vouches for counts (a date
    /// from the future flags nobody else).
    OutdatedBy {
        /// The other authority's root key id.
        authority: KeyId,
        /// Its name.
        authority_name: String,
        /// The time its list vouches for: its issue time, capped at the
        /// device's clock plus the tolerance when it was accepted.
        issued_at: u64,
    },
    /// The list is dated after this device's clock (plus
    /// [`CLOCK_TOLERANCE`](limits::CLOCK_TOLERANCE)): a careless or stolen
    /// key wrote a date from the future, or this device's clock is behind.
    /// Such a list flags only itself.
    FutureDated {
        /// The issue time it carries.
        issued_at: u64,
    },
}

/// One followed authority's list as consulted for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListChecked {
    /// The authority's root key id.
    pub authority: KeyId,
    /// Its name.
    pub authority_name: String,
    /// The epoch consulted (of the mark, if the list is missing).
    pub epoch: u64,
    /// The sequence consulted (of the mark, if the list is missing).
    pub sequence: u64,
    /// When that list goes stale.
    pub expires_at: u64,
    /// Whether it may be out of date.
    pub stale: bool,
    /// Why, when it is stale.
    pub stale_reason: Option<StaleReason>,
}

impl Blocklist {
    /// An empty blocklist with no anti-rollback history: follows nothing.
    pub fn new() -> Self {
        Blocklist::default()
    }

    /// An empty blocklist that remembers what a previous run accepted, so
    /// older lists are still refused after a restart, and every authority
    /// with a mark is followed: until its list is applied again, verdicts
    /// read stale, naming it.
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

    /// The lists held, one per authority.
    pub fn lists(&self) -> impl Iterator<Item = &AuthorityList> {
        self.lists.values()
    }

    /// The list held for an authority.
    pub fn list(&self, authority: &KeyId) -> Option<&AuthorityList> {
        self.lists.get(authority)
    }

    /// Whether the device follows any authority (holds any mark).
    pub fn follows_any(&self) -> bool {
        !self.rollback.marks.is_empty()
    }

    /// Stops following `authority` (after unpinning a rogue operator, or a
    /// root re-pinned under a new key): drops its list and its mark, so its
    /// missing list no longer makes verdicts stale, and every other
    /// authority's list and mark is kept. Returns the mark dropped, if the
    /// authority was followed.
    pub fn unfollow(&mut self, authority: &KeyId) -> Option<RollbackMark> {
        self.lists.remove(authority);
        self.rollback.unfollow(authority)
    }

    /// Stops following every authority whose blocklist root `trust` no
    /// longer pins (see [`Blocklist::unfollow`]). Returns their key ids.
    pub fn unfollow_unpinned(&mut self, trust: &TrustStore) -> Vec<KeyId> {
        let unpinned: Vec<KeyId> = self
            .rollback
            .marks
            .keys()
            .chain(self.lists.keys())
            .filter(|authority| trust.blocklist_root(authority).is_none())
            .copied()
            .collect::<std::collections::BTreeSet<KeyId>>()
            .into_iter()
            .collect();
        for authority in &unpinned {
            self.unfollow(authority);
        }
        unpinned
    }

    /// The clock for `authority`'s lists at a caller's `now`: never earlier
    /// than the floor its newest accepted list set (unless its signer has
    /// since been revoked) — that list's issue time, capped at the clock it
    /// was accepted at plus [`CLOCK_TOLERANCE`](limits::CLOCK_TOLERANCE).
    /// Other authorities' times never move it.
    pub fn clock_for(&self, trust: &TrustStore, authority: &KeyId, now: u64) -> u64 {
        self.rollback
            .marks
            .get(authority)
            .filter(|mark| !trust.is_revoked(&mark.authority, &mark.signer))
            .map_or(now, |mark| now.max(mark.clock_floor))
    }

    /// The clock an update to `version` is judged at: the authority's own
    /// clock, except that a later epoch is judged at the caller's `now`,
    /// never at a floor an older epoch raised (the crate's rule for times).
    fn clock_to_judge(
        &self,
        trust: &TrustStore,
        authority: &KeyId,
        version: ListVersion,
        now: u64,
    ) -> u64 {
        match self.rollback.marks.get(authority) {
            Some(mark) if version.epoch > mark.epoch => now,
            _ => self.clock_for(trust, authority, now),
        }
    }

    /// What every update checks first: the signer chains to the pinned
    /// root of `authority` (a delegated signer only within its epoch), at
    /// the clock the update is judged at and at its issue time. Returns the
    /// authority's name and the signer's key id.
    fn check_signer(
        &self,
        trust: &TrustStore,
        signer: &crate::Certificate,
        authority: &KeyId,
        version: ListVersion,
        issued_at: u64,
        now: u64,
    ) -> Result<(String, KeyId), Error> {
        let clock = self.clock_to_judge(trust, authority, version, now);
        trust.check_blocklist_signer(signer, authority, version.epoch, issued_at, clock)
    }

    /// Accepts a full snapshot after checking its signer chains to a pinned
    /// blocklist root (a delegated signer only within its epoch), its
    /// signature, and that it is not older than what was accepted before.
    /// Returns the version now held.
    ///
    /// The same snapshot again is accepted (and changes nothing).
    pub fn apply_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &BlocklistSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error> {
        let head = snapshot.head();
        let version = snapshot.version();
        let (authority_name, signer) = self.check_signer(
            trust,
            &snapshot.signer,
            &head.authority,
            version,
            head.issued_at,
            now,
        )?;
        snapshot.verify_signature()?;
        // Only now, vouched for, are the entries read from the bytes.
        let (sorted, digest) = snapshot.held();
        self.check_not_rollback(&head.authority, version, digest)?;
        self.accept(
            AuthorityList {
                authority: head.authority,
                authority_name,
                version,
                issued_at: head.issued_at,
                expires_at: head.expires_at,
                digest: *digest,
                signer,
                held: Held::Sorted(sorted.clone()),
            },
            now,
        )
    }

    /// Accepts a compact snapshot under exactly the rules of
    /// [`Blocklist::apply_snapshot`] (signer, epoch, signature,
    /// anti-rollback), holding its list in place: nothing per entry is
    /// parsed or allocated. Returns the version now held.
    pub fn apply_compact_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &CompactSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error> {
        let authority = snapshot.authority();
        let version = snapshot.version();
        let (authority_name, signer) = self.check_signer(
            trust,
            &snapshot.signer,
            &authority,
            version,
            snapshot.issued_at(),
            now,
        )?;
        snapshot.verify_signature()?;
        self.check_not_rollback(&authority, version, &snapshot.digest)?;
        snapshot.list.check_structure()?;
        self.accept(
            AuthorityList {
                authority,
                authority_name,
                version,
                issued_at: snapshot.issued_at(),
                expires_at: snapshot.expires_at(),
                digest: snapshot.digest,
                signer,
                held: Held::compact(snapshot.list.clone(), version.sequence, snapshot.digest),
            },
            now,
        )
    }

    /// Applies a blocklist object told by its content — a sorted snapshot,
    /// a compact snapshot or a delta — under exactly the rules of
    /// [`Blocklist::apply_snapshot`], [`Blocklist::apply_compact_snapshot`]
    /// and [`Blocklist::apply_delta`]. Any other object is
    /// [`Error::WrongObjectType`]; bytes that do not decode give the
    /// decoder's error. All-or-nothing, like every update.
    pub fn apply_bytes(
        &mut self,
        trust: &TrustStore,
        bytes: &[u8],
        now: u64,
    ) -> Result<ListVersion, Error> {
        let object = crate::Object::decode(bytes)?;
        match object {
            crate::Object::BlocklistSnapshot(snapshot) => {
                self.apply_snapshot(trust, &snapshot, now)
            }
            crate::Object::CompactSnapshot(snapshot) => {
                self.apply_compact_snapshot(trust, &snapshot, now)
            }
            crate::Object::BlocklistDelta(delta) => self.apply_delta(trust, &delta, now),
            other => Err(Error::WrongObjectType {
                expected: "blocklist snapshot, compact snapshot or delta",
                found: crate::ObjectType::of(other.as_bytes())?.name(),
            }),
        }
    }

    /// Applies a delta to the list held for its authority. The delta must
    /// start from exactly the state held and lead to exactly the digest it
    /// promises. Returns the version now held.
    ///
    /// Over a compact list the delta's changes are kept beside the list's
    /// bytes (which never change): a listing replaces what the compact list
    /// says of its key, a delisting silences it, and the state digest
    /// binds the compact snapshot's digest and every change
    /// (`compact-overlay/v1`, see [`Authority::publish_delta_over`]). The
    /// cost is the delta's, whatever the list's size; the next compact
    /// snapshot starts afresh.
    ///
    /// [`Authority::publish_delta_over`]: crate::issue::Authority::publish_delta_over
    pub fn apply_delta(
        &mut self,
        trust: &TrustStore,
        delta: &BlocklistDelta,
        now: u64,
    ) -> Result<ListVersion, Error> {
        let body = delta.head();
        let to = delta.to_version();
        let (authority_name, signer) = self.check_signer(
            trust,
            &delta.signer,
            &body.authority,
            to,
            body.issued_at,
            now,
        )?;
        delta.verify_signature()?;
        let held = self
            .lists
            .get(&body.authority)
            .ok_or(Error::DeltaBaseMismatch {
                delta_from: body.from_sequence,
                held: 0,
            })?;
        if held.version != delta.from_version() || held.digest != body.from_digest {
            if to <= held.version {
                return Err(Error::Rollback {
                    offered: to,
                    accepted: held.version,
                });
            }
            return Err(Error::DeltaBaseMismatch {
                delta_from: body.from_sequence,
                held: held.version.sequence,
            });
        }
        let (next, digest) =
            held.held
                .after(&body.authority, to, delta.removals(), delta.upserts())?;
        if digest != delta.result_digest() {
            return Err(Error::DeltaResultMismatch);
        }
        self.check_not_rollback(&body.authority, to, &digest)?;
        self.accept(
            AuthorityList {
                authority: body.authority,
                authority_name,
                version: to,
                issued_at: body.issued_at,
                expires_at: body.expires_at,
                digest,
                signer,
                held: next,
            },
            now,
        )
    }

    fn check_not_rollback(
        &self,
        authority: &KeyId,
        version: ListVersion,
        digest: &StateDigest,
    ) -> Result<(), Error> {
        version.check_bounds()?;
        if let Some(mark) = self.rollback.marks.get(authority) {
            if version < mark.version() {
                return Err(Error::Rollback {
                    offered: version,
                    accepted: mark.version(),
                });
            }
            if version == mark.version() && *digest != mark.digest {
                return Err(Error::ConflictingSequence(version.sequence));
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

    /// Records `list` as its authority's, received at the caller's `now`.
    fn accept(&mut self, mut list: AuthorityList, now: u64) -> Result<ListVersion, Error> {
        let version = list.version;
        let mut clock_floor = crate::time::floor_of(list.issued_at, now);
        // The same state re-signed: never let an older copy lower the
        // issue time, the clock floor or the expiry already accepted.
        if let Some(mark) = self.rollback.marks.get(&list.authority) {
            if mark.version() == version {
                list.issued_at = list.issued_at.max(mark.issued_at);
                list.expires_at = list.expires_at.max(mark.expires_at);
                clock_floor = clock_floor.max(mark.clock_floor);
            }
        }
        let mark = RollbackMark {
            authority: list.authority,
            epoch: version.epoch,
            sequence: version.sequence,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            digest: list.digest,
            signer: list.signer,
            clock_floor,
        };
        self.rollback.marks.insert(list.authority, mark);
        self.lists.insert(list.authority, list);
        Ok(version)
    }

    /// Every listing, across all authorities, of any of `keys` — at most
    /// [`limits::MAX_LISTINGS`] (parts sharing a fingerprint in a compact
    /// list could otherwise make one lookup read millions of records).
    pub fn lookup(&self, keys: &[BlockKey]) -> Vec<Listing> {
        let probes: Vec<Probe> = keys.iter().copied().map(Probe::key).collect();
        self.find(&probes).listings
    }

    /// Every listing of any of `probes`, capped at [`limits::MAX_LISTINGS`].
    pub(crate) fn find(&self, probes: &[Probe]) -> Found {
        let mut found = Found::default();
        let room = |found: &Found| limits::MAX_LISTINGS.saturating_sub(found.listings.len());
        for list in self.lists.values() {
            let listing = |matched: MatchedKey, entry: &BlocklistEntry| Listing {
                matched,
                by_fingerprint: matches!(matched, MatchedKey::PartFingerprint(_)),
                authority: list.authority,
                authority_name: list.authority_name.clone(),
                epoch: list.version.epoch,
                sequence: list.version.sequence,
                reason: entry.reason,
                listed_at: entry.listed_at,
                status: entry.status,
                handset: entry.handset,
            };
            for probe in probes {
                let key = &probe.key;
                let entry = match &list.held {
                    Held::Sorted(entries) => entries.find(key),
                    // A change since the snapshot replaces whatever the
                    // compact list says of the key.
                    Held::Compact {
                        list: compact,
                        changes,
                        ..
                    } => match changes.find(key) {
                        Some(OverlayChange::Listed(entry)) => Some(entry),
                        Some(OverlayChange::Delisted(_)) => None,
                        None => {
                            // One more than there is room for tells it was capped.
                            let hits: Vec<CompactHit> =
                                compact.lookup_all(key).take(room(&found) + 1).collect();
                            for hit in hits {
                                if room(&found) == 0 {
                                    found.capped = true;
                                    break;
                                }
                                let (matched, key) = match hit.key {
                                    CompactKey::Imei(imei) => {
                                        (MatchedKey::Imei(imei), BlockKey::Imei(imei))
                                    }
                                    CompactKey::Part(print) => {
                                        (MatchedKey::PartFingerprint(print), *key)
                                    }
                                };
                                let entry = BlocklistEntry {
                                    key,
                                    reason: hit.reason,
                                    listed_at: hit.listed_at,
                                    status: hit.status,
                                    handset: hit.handset,
                                };
                                found.listings.push(listing(matched, &entry));
                            }
                            None
                        }
                    },
                };
                if let Some(entry) = entry {
                    if room(&found) == 0 {
                        found.capped = true;
                    } else {
                        found.listings.push(listing(probe.reported(), entry));
                    }
                }
            }
        }
        found
    }

    /// Every authority followed, with its list's standing at `now`.
    ///
    /// A list is stale when it has expired at its own authority's clock,
    /// when `trust` has revoked the key that signed it, when it is missing
    /// (followed but not held), when it is dated after `now` plus the
    /// tolerance (it flags only itself), or when another authority's list
    /// (signed by an unrevoked key) vouches for a time after it expired —
    /// the last only flags it, naming that authority.
    pub fn lists_checked(&self, trust: &TrustStore, now: u64) -> Vec<ListChecked> {
        // The time another list may flag this one with: what its floor
        // vouches for, if its signer is not revoked.
        let trusted_time = |list: &AuthorityList| {
            let mark = self.rollback.marks.get(&list.authority)?;
            (!trust.is_revoked(&list.authority, &list.signer)).then_some(mark.clock_floor)
        };
        self.rollback
            .marks
            .values()
            .map(|mark| {
                let Some(list) = self.lists.get(&mark.authority) else {
                    return ListChecked {
                        authority: mark.authority,
                        authority_name: trust
                            .blocklist_root(&mark.authority)
                            .and_then(|root| root.authority())
                            .map(|a| a.name.clone())
                            .unwrap_or_default(),
                        epoch: mark.epoch,
                        sequence: mark.sequence,
                        expires_at: mark.expires_at,
                        stale: true,
                        stale_reason: Some(StaleReason::Missing),
                    };
                };
                let clock = self.clock_for(trust, &list.authority, now);
                let overtaken_by = self
                    .lists
                    .values()
                    .filter(|other| other.authority != list.authority)
                    .filter_map(|other| trusted_time(other).map(|time| (other, time)))
                    .filter(|(_, time)| *time > list.expires_at)
                    .max_by_key(|(_, time)| *time);
                let stale_reason = if trust.is_revoked(&list.authority, &list.signer) {
                    Some(StaleReason::SignerRevoked)
                } else if clock > list.expires_at {
                    Some(StaleReason::Expired)
                } else if crate::time::is_from_the_future(list.issued_at, now) {
                    Some(StaleReason::FutureDated {
                        issued_at: list.issued_at,
                    })
                } else {
                    overtaken_by.map(|(other, time)| StaleReason::OutdatedBy {
                        authority: other.authority,
                        authority_name: other.authority_name.clone(),
                        issued_at: time,
                    })
                };
                ListChecked {
                    authority: list.authority,
                    authority_name: list.authority_name.clone(),
                    epoch: list.version.epoch,
                    sequence: list.version.sequence,
                    expires_at: list.expires_at,
                    stale: stale_reason.is_some(),
                    stale_reason,
                }
            })
            .collect()
    }
}
