//! How a device holds one authority's list: sorted, or compact with the
//! changes of later deltas beside it.

use super::compact::CompactList;
use super::compact_snapshot::CompactSnapshot;
use super::objects::{BlockKey, BlocklistEntry, ListVersion};
use super::shard::HeldShards;
use super::sorted::{OverlayChange, Sorted, SortedEntries};
use crate::error::Error;
use crate::ids::{KeyId, StateDigest};
use crate::limits::{self, check_len};

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
    /// Received as a compact snapshot (its version and state digest are
    /// the base the changes apply to), with the changes of the deltas
    /// applied since.
    Compact {
        snapshot: CompactSnapshot,
        changes: Sorted<OverlayChange>,
    },
    /// Not held whole: the shards fetched for the keys the device checks,
    /// proven against a repository head (see [`ShardSet`](super::ShardSet)).
    Shards(HeldShards),
}

impl Held {
    pub(crate) fn compact(snapshot: CompactSnapshot) -> Self {
        Held::Compact {
            snapshot,
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
            Held::Shards(_) => Err(Error::DeltaBaseMismatch {
                delta_from: version.sequence,
                held: 0,
            }),
            Held::Compact { snapshot, changes } => {
                let changes = changes.record(removals, upserts);
                check_len(
                    "changes since the compact snapshot",
                    changes.len(),
                    limits::MAX_BLOCKLIST_ENTRIES,
                )?;
                let digest = changes.overlay_digest(authority, version, &snapshot.digest);
                let held = Held::Compact {
                    snapshot: snapshot.clone(),
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
            Held::Compact { .. } | Held::Shards(_) => None,
        }
    }

    /// The entries of a sorted list, in key order (none for a compact
    /// list).
    pub fn iter(&self) -> impl Iterator<Item = &BlocklistEntry> {
        self.sorted().into_iter().flat_map(|entries| entries.iter())
    }

    /// A sorted list's entry for `key` (`None` for a compact list: see
    /// [`Blocklist::lookup`](super::Blocklist::lookup)).
    pub fn find(&self, key: &BlockKey) -> Option<&BlocklistEntry> {
        self.sorted().and_then(|entries| entries.find(key))
    }

    /// The list, if it was received as a [`CompactSnapshot`](super::CompactSnapshot) (as received:
    /// the deltas applied since are kept beside it).
    pub fn compact(&self) -> Option<&CompactList> {
        match &self.held {
            Held::Compact { snapshot, .. } => Some(&snapshot.list),
            Held::Sorted(_) | Held::Shards(_) => None,
        }
    }

    /// For a compact list, how many keys the deltas applied since its
    /// snapshot have listed or delisted (0 for a sorted list).
    pub fn changes_since_snapshot(&self) -> u64 {
        match &self.held {
            Held::Compact { changes, .. } => changes.len() as u64,
            Held::Sorted(_) | Held::Shards(_) => 0,
        }
    }

    /// How many keys the list carries now: a sorted list's entries, or a
    /// compact list's keys as its snapshot listed them, with the changes of
    /// the deltas since (a listing of a key the snapshot did not list adds
    /// one, a delisting of one it listed takes one away). For a list held
    /// as shards, what the shards held carry.
    pub fn len(&self) -> u64 {
        match &self.held {
            Held::Sorted(entries) => entries.len() as u64,
            Held::Shards(shards) => shards.len(),
            Held::Compact { snapshot, changes } => {
                let list = &snapshot.list;
                changes
                    .iter()
                    .fold(list.len(), |count, change| match change {
                        OverlayChange::Listed(entry) if list.lookup(&entry.key).is_none() => {
                            count + 1
                        }
                        OverlayChange::Delisted(key) if list.lookup(key).is_some() => {
                            count.saturating_sub(1)
                        }
                        _ => count,
                    })
            }
        }
    }

    /// The shards held, for a list held as shards (not whole): the head's
    /// reference and the slices fetched.
    pub fn shards(&self) -> Option<(&super::ShardsRef, Vec<u32>)> {
        match &self.held {
            Held::Shards(shards) => {
                Some((&shards.reference, shards.shards.keys().copied().collect()))
            }
            _ => None,
        }
    }

    /// Whether the list carries no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
