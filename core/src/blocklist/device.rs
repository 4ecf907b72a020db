//! The state machine that accepts lists from several independent
//! authorities: one preamble for every format (signer, signature,
//! anti-rollback), then what the list becomes on the device.

use std::collections::BTreeMap;

use super::compact_snapshot::CompactSnapshot;
use super::held::{AuthorityList, Held};
use super::objects::{BlocklistDelta, BlocklistSnapshot, ListVersion};
use super::publish::SignedList;
use super::storage::{RollbackMark, RollbackState};
use crate::certificate::Certificate;
use crate::error::Error;
use crate::ids::{KeyId, StateDigest};
use crate::limits;
use crate::trust::TrustStore;

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
    pub(super) lists: BTreeMap<KeyId, AuthorityList>,
    pub(super) rollback: RollbackState,
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
    pub(super) fn check_signer(
        &self,
        trust: &TrustStore,
        signer: &Certificate,
        authority: &KeyId,
        version: ListVersion,
        issued_at: u64,
        now: u64,
    ) -> Result<(String, KeyId), Error> {
        let clock = self.clock_to_judge(trust, authority, version, now);
        trust.check_blocklist_signer(signer, authority, version.epoch, issued_at, clock)
    }

    /// Applies a signed list of any format — a sorted snapshot, a compact
    /// snapshot, or a delta over the list held for its authority — after
    /// checking, in this order: its signer chains to a pinned blocklist
    /// root (a delegated signer only within its epoch), at the clock the
    /// update is judged at and at its issue time; its signature; what it
    /// becomes on the device (a compact list's structure, in one pass; a
    /// delta's base and the digest it promises); and that it is not older
    /// than what was accepted before. Returns the version now held.
    ///
    /// All-or-nothing: an update that fails any check leaves the state
    /// exactly as it was. The same list again is accepted (and changes
    /// nothing).
    ///
    /// Over a compact list a delta's changes are kept beside the list's
    /// bytes (which never change): a listing replaces what the compact list
    /// says of its key, a delisting silences it, and the state digest binds
    /// the compact snapshot's digest and every change
    /// (`compact-overlay/v1`). The cost is the delta's, whatever the list's
    /// size; the next compact snapshot starts afresh.
    pub fn apply<'a>(
        &mut self,
        trust: &TrustStore,
        list: impl Into<ListRef<'a>>,
        now: u64,
    ) -> Result<ListVersion, Error> {
        let list = list.into();
        let (authority, version, issued_at, expires_at) = list.fields();
        let (authority_name, signer) =
            self.check_signer(trust, list.signer(), &authority, version, issued_at, now)?;
        list.verify_signature()?;
        let (held, digest) = self.held_after(list, &authority)?;
        self.check_not_rollback(&authority, version, &digest)?;
        self.accept(
            AuthorityList {
                authority,
                authority_name,
                version,
                issued_at,
                expires_at,
                digest,
                signer,
                held,
            },
            now,
        )
    }

    /// Applies a list told by its content (see [`SignedList::decode`])
    /// under exactly the rules of [`Blocklist::apply`]. Bytes that do not
    /// decode give the decoder's error.
    pub fn apply_bytes(
        &mut self,
        trust: &TrustStore,
        bytes: &[u8],
        now: u64,
    ) -> Result<ListVersion, Error> {
        let list = SignedList::decode(bytes)?;
        self.apply(trust, &list, now)
    }

    /// What `list` becomes on this device, and its state digest: only now,
    /// vouched for, is a sorted list's content read from its bytes.
    fn held_after(
        &self,
        list: ListRef<'_>,
        authority: &KeyId,
    ) -> Result<(Held, StateDigest), Error> {
        match list {
            ListRef::Sorted(snapshot) => {
                let (sorted, digest) = snapshot.held();
                Ok((Held::Sorted(sorted.clone()), *digest))
            }
            ListRef::Compact(snapshot) => {
                snapshot.structure.clone()?;
                let held = Held::compact(snapshot.clone());
                Ok((held, snapshot.digest))
            }
            ListRef::Delta(delta) => {
                let to = delta.to_version();
                let held = self.lists.get(authority).ok_or(Error::DeltaBaseMismatch {
                    delta_from: delta.from_version().sequence,
                    held: 0,
                })?;
                if held.version != delta.from_version() || held.digest != delta.from_digest() {
                    if to <= held.version {
                        return Err(Error::Rollback {
                            offered: to,
                            accepted: held.version,
                        });
                    }
                    return Err(Error::DeltaBaseMismatch {
                        delta_from: delta.from_version().sequence,
                        held: held.version.sequence,
                    });
                }
                let (next, digest) =
                    held.held
                        .after(authority, to, delta.removals(), delta.upserts())?;
                if digest != delta.result_digest() {
                    return Err(Error::DeltaResultMismatch);
                }
                Ok((next, digest))
            }
        }
    }

    pub(super) fn check_not_rollback(
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

    /// Records that a repository head vouches for `authority`'s list from
    /// `issued_at` until `expires_at` (never moving back to an older head).
    pub(super) fn record_head(&mut self, authority: &KeyId, issued_at: u64, expires_at: u64) {
        if let Some(mark) = self.rollback.marks.get_mut(authority) {
            if issued_at >= mark.head_issued_at {
                mark.head_issued_at = issued_at;
                mark.head_expires_at = expires_at;
            }
        }
    }

    /// Records `list` as its authority's, received at the caller's `now`.
    pub(super) fn accept(
        &mut self,
        mut list: AuthorityList,
        now: u64,
    ) -> Result<ListVersion, Error> {
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
        // The head last accepted stays on record across list updates.
        let (head_issued_at, head_expires_at) = self
            .rollback
            .marks
            .get(&list.authority)
            .map_or((0, 0), |mark| (mark.head_issued_at, mark.head_expires_at));
        let mark = RollbackMark {
            authority: list.authority,
            epoch: version.epoch,
            sequence: version.sequence,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            digest: list.digest,
            signer: list.signer,
            clock_floor,
            head_issued_at,
            head_expires_at,
        };
        self.rollback.marks.insert(list.authority, mark);
        self.lists.insert(list.authority, list);
        Ok(version)
    }
}

/// A signed list to apply, borrowed: any format.
#[derive(Debug, Clone, Copy)]
pub enum ListRef<'a> {
    /// A sorted snapshot.
    Sorted(&'a BlocklistSnapshot),
    /// A compact snapshot.
    Compact(&'a CompactSnapshot),
    /// A delta.
    Delta(&'a BlocklistDelta),
}

impl ListRef<'_> {
    /// Its authority, version (a delta's: the one it leads to), issue and
    /// expiry times.
    fn fields(&self) -> (KeyId, ListVersion, u64, u64) {
        match self {
            ListRef::Sorted(list) => (
                list.authority(),
                list.version(),
                list.issued_at(),
                list.expires_at(),
            ),
            ListRef::Compact(list) => (
                list.authority(),
                list.version(),
                list.issued_at(),
                list.expires_at(),
            ),
            ListRef::Delta(list) => (
                list.authority(),
                list.to_version(),
                list.issued_at(),
                list.expires_at(),
            ),
        }
    }

    fn signer(&self) -> &Certificate {
        match self {
            ListRef::Sorted(list) => &list.signer,
            ListRef::Compact(list) => &list.signer,
            ListRef::Delta(list) => &list.signer,
        }
    }

    fn verify_signature(&self) -> Result<(), Error> {
        match self {
            ListRef::Sorted(list) => list.verify_signature(),
            ListRef::Compact(list) => list.verify_signature(),
            ListRef::Delta(list) => list.verify_signature(),
        }
    }
}

impl<'a> From<&'a BlocklistSnapshot> for ListRef<'a> {
    fn from(list: &'a BlocklistSnapshot) -> Self {
        ListRef::Sorted(list)
    }
}

impl<'a> From<&'a CompactSnapshot> for ListRef<'a> {
    fn from(list: &'a CompactSnapshot) -> Self {
        ListRef::Compact(list)
    }
}

impl<'a> From<&'a BlocklistDelta> for ListRef<'a> {
    fn from(list: &'a BlocklistDelta) -> Self {
        ListRef::Delta(list)
    }
}

impl<'a> From<&'a SignedList> for ListRef<'a> {
    fn from(list: &'a SignedList) -> Self {
        match list {
            SignedList::Sorted(list) => ListRef::Sorted(list),
            SignedList::Compact(list) => ListRef::Compact(list),
            SignedList::Delta(list) => ListRef::Delta(list),
        }
    }
}
