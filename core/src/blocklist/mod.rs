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
pub use storage::{RollbackMark, RollbackState};

use crate::error::Error;
use crate::ids::{Imei, KeyId, StateDigest};
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
    /// Whether the match is on a part fingerprint in a compact list (a part
    /// not listed matches one with probability at most 2^-41 per lookup)
    /// rather than on the exact key.
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
    /// device's clock may be behind. It never makes this list refused.
    OutdatedBy {
        /// The other authority's root key id.
        authority: KeyId,
        /// Its name.
        authority_name: String,
        /// The issue time its list carries.
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

    /// The clock for `authority`'s lists at a caller's `now`: never earlier
    /// than that authority's newest accepted list (unless its signer has
    /// since been revoked). Other authorities' times never move it.
    pub fn clock_for(&self, trust: &TrustStore, authority: &KeyId, now: u64) -> u64 {
        self.rollback
            .marks
            .get(authority)
            .filter(|mark| !trust.is_revoked(&mark.authority, &mark.signer))
            .map_or(now, |mark| now.max(mark.issued_at))
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
        let body = snapshot.body();
        let version = snapshot.version();
        let now = self.clock_for(trust, &body.authority, now);
        let (authority_name, signer) = trust.check_blocklist_signer(
            &snapshot.signer,
            &body.authority,
            version.epoch,
            body.issued_at,
            now,
        )?;
        snapshot.verify_signature()?;
        self.check_not_rollback(&body.authority, version, &snapshot.digest)?;
        self.accept(AuthorityList {
            authority: body.authority,
            authority_name,
            version,
            issued_at: body.issued_at,
            expires_at: body.expires_at,
            digest: snapshot.digest,
            signer,
            held: Held::Sorted(snapshot.sorted.clone()),
        })
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
        let now = self.clock_for(trust, &authority, now);
        let (authority_name, signer) = trust.check_blocklist_signer(
            &snapshot.signer,
            &authority,
            version.epoch,
            snapshot.issued_at(),
            now,
        )?;
        snapshot.verify_signature()?;
        self.check_not_rollback(&authority, version, &snapshot.digest)?;
        self.accept(AuthorityList {
            authority,
            authority_name,
            version,
            issued_at: snapshot.issued_at(),
            expires_at: snapshot.expires_at(),
            digest: snapshot.digest,
            signer,
            held: Held::compact(snapshot.list.clone(), version.sequence, snapshot.digest),
        })
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
        let body = delta.body();
        let to = delta.to_version();
        let now = self.clock_for(trust, &body.authority, now);
        let (authority_name, signer) = trust.check_blocklist_signer(
            &delta.signer,
            &body.authority,
            to.epoch,
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
        let (next, digest) = held
            .held
            .after(&body.authority, to, &body.removals, &body.upserts)?;
        if digest != body.result_digest {
            return Err(Error::DeltaResultMismatch);
        }
        self.check_not_rollback(&body.authority, to, &digest)?;
        self.accept(AuthorityList {
            authority: body.authority,
            authority_name,
            version: to,
            issued_at: body.issued_at,
            expires_at: body.expires_at,
            digest,
            signer,
            held: next,
        })
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

    fn accept(&mut self, mut list: AuthorityList) -> Result<ListVersion, Error> {
        let version = list.version;
        // The same state re-signed: never let an older copy lower the
        // issue time (the clock floor) or the expiry already accepted.
        if let Some(mark) = self.rollback.marks.get(&list.authority) {
            if mark.version() == version {
                list.issued_at = list.issued_at.max(mark.issued_at);
                list.expires_at = list.expires_at.max(mark.expires_at);
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
        };
        self.rollback.marks.insert(list.authority, mark);
        self.lists.insert(list.authority, list);
        Ok(version)
    }

    /// Every listing, across all authorities, of any of `keys`.
    pub fn lookup(&self, keys: &[BlockKey]) -> Vec<Listing> {
        let mut found = Vec::new();
        for list in self.lists.values() {
            let exact = |entry: &BlocklistEntry| Listing {
                matched: entry.key,
                by_fingerprint: false,
                authority: list.authority,
                authority_name: list.authority_name.clone(),
                epoch: list.version.epoch,
                sequence: list.version.sequence,
                reason: entry.reason,
                listed_at: entry.listed_at,
                status: entry.status,
                handset: entry.handset,
            };
            for key in keys {
                match &list.held {
                    Held::Sorted(entries) => found.extend(entries.find(key).map(exact)),
                    // A change since the snapshot replaces whatever the
                    // compact list says of the key.
                    Held::Compact {
                        list: compact,
                        changes,
                        ..
                    } => match changes.find(key) {
                        Some(OverlayChange::Listed(entry)) => found.push(exact(entry)),
                        Some(OverlayChange::Delisted(_)) => {}
                        None => found.extend(compact.lookup_all(key).map(|hit| Listing {
                            matched: *key,
                            by_fingerprint: matches!(key, BlockKey::Part(_)),
                            authority: list.authority,
                            authority_name: list.authority_name.clone(),
                            epoch: list.version.epoch,
                            sequence: list.version.sequence,
                            reason: hit.reason,
                            listed_at: hit.listed_at,
                            status: hit.status,
                            handset: hit.handset,
                        })),
                    },
                }
            }
        }
        found
    }

    /// Every authority followed, with its list's standing at `now`.
    ///
    /// A list is stale when it has expired at its own authority's clock,
    /// when `trust` has revoked the key that signed it, when it is missing
    /// (followed but not held), or when another authority's list (signed
    /// by an unrevoked key) was issued after it expired — the last only
    /// flags it, naming that authority.
    pub fn lists_checked(&self, trust: &TrustStore, now: u64) -> Vec<ListChecked> {
        let trusted_time = |list: &AuthorityList| {
            (!trust.is_revoked(&list.authority, &list.signer)).then_some(list.issued_at)
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
