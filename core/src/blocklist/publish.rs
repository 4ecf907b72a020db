//! Publishing: one call over the list's format, an optional base and the
//! changes, for every format there is.
//!
//! A register says what it wants signed — a [`Format`], the list it
//! starts from ([`Base`]), the keys it delists and the entries it lists —
//! and [`Authority::publish`] signs it, refusing what no device would
//! accept, and says what changed against the base ([`Changes`]): the
//! counts a register's tool reports, computed once, here.

use std::collections::BTreeMap;

use super::compact::CompactList;
use super::compact_snapshot::CompactSnapshot;
use super::objects::{
    BlockKey, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, DeltaBody, DeltaHead, ListHead,
    ListVersion,
};
use super::sorted::SortedEntries;
use super::{AuthorityList, CompactKey, Held};
use crate::certificate::AuthorityRole;
use crate::error::Error;
use crate::ids::{KeyId, StateDigest};
use crate::issue::Authority;
use crate::limits;

/// The form a list is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Format {
    /// The whole list as sorted entries ([`BlocklistSnapshot`]).
    Sorted,
    /// The whole list in the compact, in-place format ([`CompactSnapshot`]):
    /// national scale, parts kept as fingerprints, listing times to the day.
    Compact,
    /// The change from the base to the new version ([`BlocklistDelta`]),
    /// over a sorted or a compact list alike.
    Delta,
}

/// What a publication starts from.
#[derive(Debug, Clone, Copy, Default)]
pub enum Base<'a> {
    /// Nothing: a first list (a full list only).
    #[default]
    None,
    /// An earlier sorted snapshot of this authority (a register's master
    /// list).
    Snapshot(&'a BlocklistSnapshot),
    /// This authority's list as devices hold it (what a
    /// [`Blocklist`](super::Blocklist) that applied its lists reports for
    /// it): sorted, or compact with the changes of later deltas. A delta
    /// over it leads devices to exactly the digest they compute.
    Held(&'a AuthorityList),
}

/// What to sign, but for the entries listed (given to
/// [`Authority::publish`] as an iterator, so a national list need never be
/// held whole).
#[derive(Debug, Clone, Copy)]
pub struct Publication<'a> {
    /// The form to sign it in.
    pub format: Format,
    /// Its epoch and sequence: later than the base's.
    pub version: ListVersion,
    /// When it is signed.
    pub issued_at: u64,
    /// When it goes stale: after `issued_at`.
    pub expires_at: u64,
    /// What it starts from.
    pub base: Base<'a>,
    /// Keys to delist (any order; given twice counts as given twice).
    pub delisted: &'a [BlockKey],
}

/// What a publication changed against its base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Changes {
    /// Entries of the base kept as they were, a key listed again with the
    /// same reason and status among them (it keeps its first listing).
    pub carried: u64,
    /// Keys the base did not list, listed.
    pub listed: u64,
    /// Keys the base listed, listed again with another reason or status.
    pub relisted: u64,
    /// Keys the base listed, delisted.
    pub delisted: u64,
    /// Keys to delist that the base did not list: nothing to delist.
    pub not_listed: Vec<BlockKey>,
    /// Of the carried keys, those listed again alike (same reason and
    /// status): kept with their first listing.
    pub already_listed: u64,
    /// Keys given more than once, the same each time: counted once.
    pub given_twice: u64,
    /// How many keys the published list carries (for a delta: the list it
    /// leads to).
    pub total: u64,
}

/// A signed list of any format.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per publication
pub enum SignedList {
    /// A sorted snapshot.
    Sorted(BlocklistSnapshot),
    /// A compact snapshot (boxed: it is the largest).
    Compact(Box<CompactSnapshot>),
    /// A delta.
    Delta(BlocklistDelta),
}

/// A signed list and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The list, signed.
    pub list: SignedList,
    /// What it changed against its base.
    pub changes: Changes,
}

impl SignedList {
    /// Decodes a sorted snapshot, a compact snapshot or a delta, told by
    /// its content; any other object is [`Error::WrongObjectType`].
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        match crate::Object::decode(bytes)? {
            crate::Object::BlocklistSnapshot(list) => Ok(SignedList::Sorted(list)),
            crate::Object::CompactSnapshot(list) => Ok(SignedList::Compact(list)),
            crate::Object::BlocklistDelta(list) => Ok(SignedList::Delta(list)),
            other => Err(Error::WrongObjectType {
                expected: "blocklist snapshot, compact snapshot or delta",
                found: crate::ObjectType::of(other.as_bytes())?.name(),
            }),
        }
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SignedList::Sorted(list) => list.as_bytes(),
            SignedList::Compact(list) => list.as_bytes(),
            SignedList::Delta(list) => list.as_bytes(),
        }
    }

    /// The format it is signed in.
    pub fn format(&self) -> Format {
        match self {
            SignedList::Sorted(_) => Format::Sorted,
            SignedList::Compact(_) => Format::Compact,
            SignedList::Delta(_) => Format::Delta,
        }
    }

    /// The authority it belongs to: its blocklist root's key id.
    pub fn authority(&self) -> KeyId {
        match self {
            SignedList::Sorted(list) => list.authority(),
            SignedList::Compact(list) => list.authority(),
            SignedList::Delta(list) => list.authority(),
        }
    }

    /// The version it is (a delta: the version it leads to).
    pub fn version(&self) -> ListVersion {
        match self {
            SignedList::Sorted(list) => list.version(),
            SignedList::Compact(list) => list.version(),
            SignedList::Delta(list) => list.to_version(),
        }
    }

    /// The digest of the state it leads a device to.
    pub fn state_digest(&self) -> StateDigest {
        match self {
            SignedList::Sorted(list) => list.state_digest(),
            SignedList::Compact(list) => list.state_digest(),
            SignedList::Delta(list) => list.result_digest(),
        }
    }

    /// When it was signed.
    pub fn issued_at(&self) -> u64 {
        match self {
            SignedList::Sorted(list) => list.issued_at(),
            SignedList::Compact(list) => list.issued_at(),
            SignedList::Delta(list) => list.issued_at(),
        }
    }

    /// When it goes stale.
    pub fn expires_at(&self) -> u64 {
        match self {
            SignedList::Sorted(list) => list.expires_at(),
            SignedList::Compact(list) => list.expires_at(),
            SignedList::Delta(list) => list.expires_at(),
        }
    }
}

impl Authority {
    /// Signs a blocklist: the `publication`'s base (if any), less its
    /// delisted keys, plus `listed` (any order), in its format — a sorted
    /// or compact snapshot of the whole list, or the delta from the base —
    /// and says what changed.
    ///
    /// Refused, before anything is signed: a signer that is not a
    /// blocklist root or publisher, or signs outside its epoch
    /// ([`Error::EpochNotPermitted`]) or its validity; a list that would be
    /// stale at once; a base of another authority ([`Error::WrongAuthority`])
    /// or not older ([`Error::Rollback`]); a delta with no base or across
    /// epochs; a full list over a compact base (its parts are fingerprints,
    /// not identities: sign from the master list); a key listed twice
    /// differently ([`Error::Duplicate`]) or both listed and delisted
    /// ([`Error::Contradiction`]).
    ///
    /// A compact list with no base and nothing delisted is coded straight
    /// from the iterator: a national list of 200 million IMEIs is never
    /// held as entries.
    pub fn publish(
        &self,
        publication: &Publication<'_>,
        listed: impl IntoIterator<Item = BlocklistEntry>,
    ) -> Result<Published, Error> {
        let authority = self.check_list_signer(publication.version, publication.issued_at)?;
        if publication.expires_at <= publication.issued_at {
            return Err(Error::InvalidField(
                "a list must expire after it is issued (it would be stale at once)",
            ));
        }
        check_base(&authority, publication)?;
        if publication.format == Format::Compact
            && matches!(publication.base, Base::None)
            && publication.delisted.is_empty()
        {
            return self.publish_compact_stream(&authority, publication, listed);
        }
        let (delisted, delisted_twice) = sorted_keys(publication.delisted);
        let (listed, listed_twice) = sorted_entries(listed)?;
        if let Some(both) = first_common(&listed, &delisted) {
            return Err(Error::Contradiction(both.to_string()));
        }
        let mut changes = Changes {
            given_twice: delisted_twice + listed_twice,
            ..Changes::default()
        };
        let head = self.head(&authority, publication);
        let list = match (publication.format, publication.base) {
            (Format::Delta, Base::None) => {
                return Err(Error::InvalidField(
                    "a delta needs a base: the list devices hold",
                ));
            }
            (Format::Delta, Base::Held(held)) => {
                let (upserts, removals) = delta_over(held, listed, &delisted, &mut changes);
                let (_, result_digest) =
                    held.held
                        .after(&authority, publication.version, &removals, &upserts)?;
                changes.total = total_after(held, &changes);
                self.seal_delta(
                    head,
                    held.version,
                    held.digest,
                    upserts,
                    removals,
                    result_digest,
                )?
            }
            (format, base) => {
                let entries = merge(base_entries(base)?, listed, &delisted, &mut changes);
                changes.total = entries.len() as u64;
                match (format, base) {
                    (Format::Delta, Base::Snapshot(from)) => {
                        self.delta_between(head, from, &entries)?
                    }
                    (Format::Compact, _) => {
                        let list = CompactList::build(&entries)?;
                        self.seal_compact(head, list)?
                    }
                    _ => {
                        SignedList::Sorted(BlocklistSnapshot::seal(head.with(entries), self.key())?)
                    }
                }
            }
        };
        Ok(Published { list, changes })
    }

    /// The compact list coded straight from the entries.
    fn publish_compact_stream(
        &self,
        authority: &KeyId,
        publication: &Publication<'_>,
        listed: impl IntoIterator<Item = BlocklistEntry>,
    ) -> Result<Published, Error> {
        let (list, given_twice) = CompactList::build_counting(listed)?;
        let changes = Changes {
            listed: list.len(),
            total: list.len(),
            given_twice,
            ..Changes::default()
        };
        let list = self.seal_compact(self.head(authority, publication), list)?;
        Ok(Published { list, changes })
    }

    fn head(&self, authority: &KeyId, publication: &Publication<'_>) -> ListHead {
        ListHead {
            signer_certificate: self.certificate().as_bytes().to_vec(),
            authority: *authority,
            epoch: publication.version.epoch,
            sequence: publication.version.sequence,
            issued_at: publication.issued_at,
            expires_at: publication.expires_at,
        }
    }

    /// The head of a signed object this authority may sign for its
    /// register at `version`, issued and expiring as given (a repository
    /// head's, for one): the list signer's every rule is checked first.
    pub(crate) fn list_head(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
    ) -> Result<ListHead, Error> {
        let authority = self.check_list_signer(version, issued_at)?;
        if expires_at <= issued_at {
            return Err(Error::InvalidField(
                "a head must expire after it is issued (it would be stale at once)",
            ));
        }
        Ok(ListHead {
            signer_certificate: self.certificate().as_bytes().to_vec(),
            authority,
            epoch: version.epoch,
            sequence: version.sequence,
            issued_at,
            expires_at,
        })
    }

    fn seal_compact(&self, head: ListHead, list: CompactList) -> Result<SignedList, Error> {
        Ok(SignedList::Compact(Box::new(CompactSnapshot::seal(
            head,
            &list,
            self.key(),
        )?)))
    }

    fn seal_delta(
        &self,
        head: ListHead,
        from: ListVersion,
        from_digest: StateDigest,
        upserts: Vec<BlocklistEntry>,
        removals: Vec<BlockKey>,
        result_digest: StateDigest,
    ) -> Result<SignedList, Error> {
        let body = DeltaBody {
            head: DeltaHead::over(head, from, from_digest),
            upserts,
            removals,
            result_digest,
        };
        Ok(SignedList::Delta(BlocklistDelta::seal(body, self.key())?))
    }

    /// The delta that turns snapshot `from` into the list of `entries`
    /// (sorted and unique) that `head` describes.
    fn delta_between(
        &self,
        head: ListHead,
        from: &BlocklistSnapshot,
        entries: &[BlocklistEntry],
    ) -> Result<SignedList, Error> {
        let old: BTreeMap<BlockKey, &BlocklistEntry> =
            from.entries().iter().map(|e| (e.key, e)).collect();
        let new: BTreeMap<BlockKey, &BlocklistEntry> = entries.iter().map(|e| (e.key, e)).collect();
        let upserts = entries
            .iter()
            .filter(|entry| old.get(&entry.key) != Some(entry))
            .copied()
            .collect();
        let removals = old
            .keys()
            .filter(|key| !new.contains_key(*key))
            .copied()
            .collect();
        let result_digest =
            SortedEntries::from_sorted(entries).digest(&head.authority, head.version());
        self.seal_delta(
            head,
            from.version(),
            from.state_digest(),
            upserts,
            removals,
            result_digest,
        )
    }

    /// What every verifier checks of a list's signer, checked before
    /// signing: the role, the epoch a delegated key is certified for, and
    /// the signer's validity at the issue time. Returns the authority the
    /// list belongs to.
    fn check_list_signer(&self, version: ListVersion, issued_at: u64) -> Result<KeyId, Error> {
        let authority = self.blocklist_authority()?;
        version.check_bounds()?;
        let permitted = self.certificate().authority().map_or(0, |a| a.epoch);
        if self.role() == AuthorityRole::BlocklistAuthority && permitted != version.epoch {
            return Err(Error::EpochNotPermitted {
                offered: version.epoch,
                permitted,
            });
        }
        self.certificate().validity().check(
            "blocklist signer certificate, at the list's issue time",
            issued_at,
        )?;
        Ok(authority)
    }
}

/// The base must be this authority's, older, and — for a delta — of the
/// same epoch; a full list cannot be built over a compact one.
fn check_base(authority: &KeyId, publication: &Publication<'_>) -> Result<(), Error> {
    let (base_authority, base_version) = match publication.base {
        Base::None => return Ok(()),
        Base::Snapshot(base) => (base.authority(), base.version()),
        Base::Held(held) => (held.authority, held.version),
    };
    if base_authority != *authority {
        return Err(Error::WrongAuthority);
    }
    if publication.version <= base_version {
        return Err(Error::Rollback {
            offered: publication.version,
            accepted: base_version,
        });
    }
    if publication.format == Format::Delta && publication.version.epoch != base_version.epoch {
        return Err(Error::InvalidField(
            "a delta stays within one epoch: a new epoch starts with a snapshot",
        ));
    }
    Ok(())
}

/// Keys sorted and unique, and how many were given twice.
fn sorted_keys(keys: &[BlockKey]) -> (Vec<BlockKey>, u64) {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    let given = keys.len();
    keys.dedup();
    let twice = (given - keys.len()) as u64;
    (keys, twice)
}

/// Entries sorted by key: one given twice alike is counted once, one given
/// twice differently is refused, named.
fn sorted_entries(
    entries: impl IntoIterator<Item = BlocklistEntry>,
) -> Result<(Vec<BlocklistEntry>, u64), Error> {
    let mut entries: Vec<BlocklistEntry> = entries.into_iter().collect();
    limits::check_len(
        "blocklist entries",
        entries.len(),
        limits::MAX_BLOCKLIST_ENTRIES.saturating_mul(64),
    )?;
    entries.sort_unstable_by_key(|entry| entry.key);
    let mut twice = 0;
    let mut unique: Vec<BlocklistEntry> = Vec::with_capacity(entries.len());
    for entry in entries {
        match unique.last() {
            Some(last) if last.key == entry.key && *last == entry => twice += 1,
            Some(last) if last.key == entry.key => {
                return Err(Error::Duplicate(entry.key.to_string()));
            }
            _ => unique.push(entry),
        }
    }
    Ok((unique, twice))
}

/// The first key both listed and delisted (both sorted).
fn first_common(listed: &[BlocklistEntry], delisted: &[BlockKey]) -> Option<BlockKey> {
    listed
        .iter()
        .map(|entry| entry.key)
        .find(|key| delisted.binary_search(key).is_ok())
}

/// The entries of a base a full list is built on.
fn base_entries(base: Base<'_>) -> Result<Vec<BlocklistEntry>, Error> {
    match base {
        Base::None => Ok(Vec::new()),
        Base::Snapshot(snapshot) => Ok(snapshot.entries().to_vec()),
        Base::Held(held) => match &held.held {
            Held::Sorted(entries) => Ok(entries.iter().copied().collect()),
            Held::Compact { .. } => Err(Error::InvalidField(
                "a compact list keeps parts as fingerprints: build the next full list from the \
                 master list, or publish a delta over the compact one",
            )),
            Held::Shards(_) => Err(Error::InvalidField(
                "a list held as shards is not the whole list: publish over the whole list",
            )),
        },
    }
}

/// The base's entries less the delisted keys, plus the listed entries (a
/// key listed again alike keeps its first listing), counting each change.
fn merge(
    base: Vec<BlocklistEntry>,
    listed: Vec<BlocklistEntry>,
    delisted: &[BlockKey],
    changes: &mut Changes,
) -> Vec<BlocklistEntry> {
    let mut entries: BTreeMap<BlockKey, BlocklistEntry> =
        base.into_iter().map(|entry| (entry.key, entry)).collect();
    for key in delisted {
        match entries.remove(key) {
            Some(_) => changes.delisted += 1,
            None => changes.not_listed.push(*key),
        }
    }
    let mut kept = entries.len() as u64;
    for entry in listed {
        match entries.get(&entry.key) {
            Some(old) if same_listing(old, &entry) => changes.already_listed += 1,
            Some(_) => {
                changes.relisted += 1;
                kept -= 1;
                entries.insert(entry.key, entry);
            }
            None => {
                changes.listed += 1;
                entries.insert(entry.key, entry);
            }
        }
    }
    changes.carried = kept;
    entries.into_values().collect()
}

/// A key listed again with the same reason and status keeps its first
/// listing (and its date).
fn same_listing(old: &BlocklistEntry, new: &BlocklistEntry) -> bool {
    old.reason == new.reason && old.status == new.status
}

/// A delta's upserts and removals over a held list, counting each change:
/// listings the held list already says alike are carried, keys it does not
/// list are not delisted.
fn delta_over(
    held: &AuthorityList,
    listed: Vec<BlocklistEntry>,
    delisted: &[BlockKey],
    changes: &mut Changes,
) -> (Vec<BlocklistEntry>, Vec<BlockKey>) {
    let says = |key: &BlockKey| held.listing_of(key);
    let held_count = held.len();
    let mut removals = Vec::new();
    for key in delisted {
        match says(key) {
            Some(_) => {
                changes.delisted += 1;
                removals.push(*key);
            }
            None => changes.not_listed.push(*key),
        }
    }
    let mut upserts = Vec::new();
    for entry in listed {
        match says(&entry.key) {
            Some(old) if same_listing(&old, &entry) => changes.already_listed += 1,
            Some(_) => {
                changes.relisted += 1;
                upserts.push(entry);
            }
            None => {
                changes.listed += 1;
                upserts.push(entry);
            }
        }
    }
    changes.carried = held_count.saturating_sub(changes.delisted + changes.relisted);
    (upserts, removals)
}

/// How many keys a held list carries after a delta's changes.
fn total_after(held: &AuthorityList, changes: &Changes) -> u64 {
    (held.len() + changes.listed).saturating_sub(changes.delisted)
}

impl AuthorityList {
    /// What the list says of `key`, as an entry: its own listing, or a
    /// compact list's (exact for an IMEI, by fingerprint for a part), the
    /// changes since its snapshot first.
    pub(crate) fn listing_of(&self, key: &BlockKey) -> Option<BlocklistEntry> {
        match &self.held {
            Held::Sorted(entries) => entries.find(key).copied(),
            Held::Compact { snapshot, changes } => match changes.find(key) {
                Some(super::OverlayChange::Listed(entry)) => Some(*entry),
                Some(super::OverlayChange::Delisted(_)) => None,
                None => snapshot.list.lookup(key).map(|hit| BlocklistEntry {
                    key: match hit.key {
                        CompactKey::Imei(imei) => BlockKey::Imei(imei),
                        CompactKey::Part(_) => *key,
                    },
                    reason: hit.reason,
                    listed_at: hit.listed_at,
                    status: hit.status,
                    handset: hit.handset,
                }),
            },
            Held::Shards(shards) => match shards.answer(key).ok()? {
                super::shard::ShardAnswer::Sorted(entry)
                | super::shard::ShardAnswer::Changed(entry) => entry.copied(),
                super::shard::ShardAnswer::Hits(hits) => hits.first().map(|hit| BlocklistEntry {
                    key: *key,
                    reason: hit.reason,
                    listed_at: hit.listed_at,
                    status: hit.status,
                    handset: hit.handset,
                }),
            },
        }
    }
}
