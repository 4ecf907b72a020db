//! One authority's sorted list, held so that a delta costs about its own
//! size: the entries are cut into chunks at points the entries themselves
//! decide, each chunk is hashed once, and versions share every chunk a
//! delta did not touch.
//!
//! # The chunking and the state digest (part of the wire format)
//!
//! The entries, sorted by key, are cut after an entry when its key's
//! [`boundary`] mix has its low [`TARGET_BITS`] bits zero, or when the
//! chunk has reached [`MAX_CHUNK`] entries. Scanning from the first entry
//! this is a function of the set alone, so a device that applied deltas
//! and an authority that built the list whole cut it identically.
//!
//! - a chunk's digest is SHA-256 of `partcert/blocklist-chunk/v1\0`, its
//!   entry count (u64, big-endian) and each entry's postcard encoding;
//! - the state digest is SHA-256 of `partcert/blocklist-state/v3\0`, the
//!   authority's key id, the epoch and sequence (u64, big-endian), the
//!   entry count and the chunk count (u64, big-endian), then every chunk's
//!   digest in order.
//!
//! Every encoding is unambiguous (counts before items, postcard entries
//! self-delimiting), so two different lists with the same digest would
//! give a SHA-256 collision: the digest is exactly as binding as one hash
//! over all the entries, which it replaced in format 2's third digest
//! revision (`blocklist-state/v3`).
//!
//! A delta re-cuts only the chunks its keys fall in (and, rarely, the next
//! ones until a cut lines up again), then hashes the chunk digests: the
//! work is the delta's size times a chunk (~[`2^TARGET_BITS`] entries) plus
//! 32 bytes per chunk, not a copy and re-hash of every entry.

use core::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::objects::{BlockKey, BlocklistEntry, ListVersion};
use crate::ids::{KeyId, StateDigest};

/// A chunk ends after a key whose mix has this many low bits zero: 128
/// entries a chunk on average.
pub(crate) const TARGET_BITS: u32 = 7;
/// A chunk also ends when it holds this many entries, whatever the keys.
pub(crate) const MAX_CHUNK: usize = 1024;

const STATE_DOMAIN: &[u8] = b"partcert/blocklist-state/v3\0";
const OVERLAY_DOMAIN: &[u8] = b"partcert/blocklist-state/compact-overlay/v1\0";

/// SplitMix64's finaliser: spreads every bit of `x` over the result.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The 64-bit value a key's chunk boundary is decided by: the IMEI's
/// number, or the first eight bytes (big-endian) of the part's identity
/// digest, mixed.
pub(crate) fn boundary(key: &BlockKey) -> u64 {
    match key {
        BlockKey::Imei(imei) => mix(imei.as_u64()),
        BlockKey::Part(part) => {
            let head = part
                .as_bytes()
                .first_chunk::<8>()
                .copied()
                .unwrap_or([0; 8]);
            mix(u64::from_be_bytes(head) ^ 0x9e37_79b9_7f4a_7c15)
        }
    }
}

fn ends_chunk(key: &BlockKey, held: usize) -> bool {
    boundary(key) & ((1 << TARGET_BITS) - 1) == 0 || held >= MAX_CHUNK
}

/// What a chunked list holds: items with a key, sorted and unique by it.
pub(crate) trait Keyed: Copy + Serialize + fmt::Debug + PartialEq {
    /// Names the kind of item in every chunk digest.
    const CHUNK_DOMAIN: &'static [u8];
    /// The key the item is sorted by.
    fn key(&self) -> BlockKey;
}

impl Keyed for BlocklistEntry {
    const CHUNK_DOMAIN: &'static [u8] = b"partcert/blocklist-chunk/v1\0";
    fn key(&self) -> BlockKey {
        self.key
    }
}

/// What the deltas applied since a compact snapshot changed: a key listed
/// (or listed again, differently) or delisted. A compact list keeps part
/// fingerprints, not identities, so a delisting is recorded beside the
/// list's bytes, never applied to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum OverlayChange {
    /// Listed, with this entry (replacing the compact list's, if any).
    Listed(BlocklistEntry),
    /// Delisted: the compact list's listings of this key no longer count.
    Delisted(BlockKey),
}

impl Keyed for OverlayChange {
    const CHUNK_DOMAIN: &'static [u8] = b"partcert/blocklist-overlay-chunk/v1\0";
    fn key(&self) -> BlockKey {
        match self {
            OverlayChange::Listed(entry) => entry.key,
            OverlayChange::Delisted(key) => *key,
        }
    }
}

struct Chunk<T> {
    entries: Box<[T]>,
    digest: [u8; 32],
}

impl<T: Keyed> Chunk<T> {
    fn new(entries: Vec<T>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(T::CHUNK_DOMAIN);
        hasher.update((entries.len() as u64).to_be_bytes());
        let mut buffer = [0u8; 96];
        for entry in &entries {
            // An item encodes in well under 96 bytes; the fallback keeps this total.
            match postcard::to_slice(entry, &mut buffer) {
                Ok(encoded) => hasher.update(&*encoded),
                Err(_) => hasher.update(format!("{entry:?}").as_bytes()),
            }
        }
        Chunk {
            entries: entries.into_boxed_slice(),
            digest: hasher.finalize().into(),
        }
    }
}

struct Index<T> {
    chunks: Vec<Arc<Chunk<T>>>,
    /// Each chunk's last key, for the binary search.
    lasts: Vec<BlockKey>,
    len: usize,
}

impl<T> Default for Index<T> {
    fn default() -> Self {
        Index {
            chunks: Vec::new(),
            lasts: Vec::new(),
            len: 0,
        }
    }
}

/// Items sorted by key and unique, shared between the versions that hold
/// them: cloning costs one reference count.
pub(crate) struct Sorted<T> {
    index: Arc<Index<T>>,
}

/// An authority's sorted list.
pub(crate) type SortedEntries = Sorted<BlocklistEntry>;

impl<T> Clone for Sorted<T> {
    fn clone(&self) -> Self {
        Sorted {
            index: Arc::clone(&self.index),
        }
    }
}

impl<T> Default for Sorted<T> {
    fn default() -> Self {
        Sorted {
            index: Arc::new(Index::default()),
        }
    }
}

/// Cuts a stream of sorted items into chunks, reusing whole chunks of the
/// previous version where a cut lines up.
struct Builder<T> {
    index: Index<T>,
    pending: Vec<T>,
}

impl<T: Keyed> Builder<T> {
    fn new() -> Self {
        Builder {
            index: Index::default(),
            pending: Vec::new(),
        }
    }

    fn push(&mut self, item: T) {
        self.pending.push(item);
        if ends_chunk(&item.key(), self.pending.len()) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        let items = core::mem::take(&mut self.pending);
        if let Some(last) = items.last() {
            self.index.lasts.push(last.key());
            self.index.len += items.len();
            self.index.chunks.push(Arc::new(Chunk::new(items)));
        }
    }

    /// Whether the next item starts a chunk.
    fn at_cut(&self) -> bool {
        self.pending.is_empty()
    }

    fn reuse(&mut self, chunk: &Arc<Chunk<T>>, last: BlockKey) {
        self.index.lasts.push(last);
        self.index.len += chunk.entries.len();
        self.index.chunks.push(Arc::clone(chunk));
    }

    fn finish(mut self) -> Sorted<T> {
        self.cut();
        Sorted {
            index: Arc::new(self.index),
        }
    }
}

impl<T> Sorted<T> {
    pub(crate) fn len(&self) -> usize {
        self.index.len
    }

    /// Every item, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.index
            .chunks
            .iter()
            .flat_map(|chunk| chunk.entries.iter())
    }

    /// How many chunks hold the items.
    #[cfg(test)]
    fn chunks(&self) -> usize {
        self.index.chunks.len()
    }
}

impl<T: Keyed> Sorted<T> {
    /// The items of a list already checked sorted and unique.
    pub(crate) fn from_sorted(items: &[T]) -> Self {
        Self::from_sorted_iter(items.iter().copied())
    }

    /// The items an iterator yields, already checked sorted and unique.
    pub(crate) fn from_sorted_iter(items: impl Iterator<Item = T>) -> Self {
        let mut builder = Builder::new();
        for item in items {
            builder.push(item);
        }
        builder.finish()
    }

    /// The item for `key`, if any.
    pub(crate) fn find(&self, key: &BlockKey) -> Option<&T> {
        let at = self.index.lasts.partition_point(|last| last < key);
        let chunk = self.index.chunks.get(at)?;
        let found = chunk
            .entries
            .binary_search_by(|item| item.key().cmp(key))
            .ok()?;
        chunk.entries.get(found)
    }

    /// The state digest of these entries as `authority`'s list at
    /// `version` (see the module documentation).
    pub(crate) fn digest(&self, authority: &KeyId, version: ListVersion) -> StateDigest {
        self.digest_with(STATE_DOMAIN, authority, version, None)
    }

    /// The state digest of a compact list, whose snapshot's state digest
    /// is `base`, with these changes over it, as `authority`'s list at
    /// `version`: SHA-256 of `partcert/blocklist-state/compact-overlay/v1\0`,
    /// the key id, epoch and sequence, `base`, then the counts and chunk
    /// digests as for a sorted list.
    pub(crate) fn overlay_digest(
        &self,
        authority: &KeyId,
        version: ListVersion,
        base: &StateDigest,
    ) -> StateDigest {
        self.digest_with(OVERLAY_DOMAIN, authority, version, Some(base))
    }

    fn digest_with(
        &self,
        domain: &[u8],
        authority: &KeyId,
        version: ListVersion,
        base: Option<&StateDigest>,
    ) -> StateDigest {
        let mut hasher = Sha256::new();
        hasher.update(domain);
        hasher.update(authority.as_bytes());
        hasher.update(version.epoch.to_be_bytes());
        hasher.update(version.sequence.to_be_bytes());
        if let Some(base) = base {
            hasher.update(base.as_bytes());
        }
        hasher.update((self.index.len as u64).to_be_bytes());
        hasher.update((self.index.chunks.len() as u64).to_be_bytes());
        for chunk in &self.index.chunks {
            hasher.update(chunk.digest);
        }
        StateDigest(hasher.finalize().into())
    }

    /// These items changed by `changes` (sorted and unique by key):
    /// `(key, None)` removes the key's item, `(key, Some(item))` sets it.
    /// Chunks no change falls in are shared, not copied.
    pub(crate) fn apply_changes(
        &self,
        changes: impl Iterator<Item = (BlockKey, Option<T>)>,
    ) -> Self {
        let mut changes = changes.peekable();
        let mut builder = Builder::new();
        let count = self.index.chunks.len();
        for (at, (chunk, last)) in self.index.chunks.iter().zip(&self.index.lasts).enumerate() {
            // A change belongs to the first chunk whose last key is not
            // below it; the final chunk takes every change after it.
            let final_chunk = at + 1 == count;
            let in_chunk = |key: &BlockKey| final_chunk || key <= last;
            let touched = changes.peek().is_some_and(|(key, _)| in_chunk(key));
            if builder.at_cut() && !touched {
                builder.reuse(chunk, *last);
                continue;
            }
            let mut items = chunk.entries.iter().copied().peekable();
            loop {
                let change = changes.peek().filter(|(key, _)| in_chunk(key)).copied();
                match (items.peek().copied(), change) {
                    (None, None) => break,
                    (Some(item), None) => {
                        items.next();
                        builder.push(item);
                    }
                    (None, Some((_, set))) => {
                        changes.next();
                        if let Some(item) = set {
                            builder.push(item);
                        }
                    }
                    (Some(item), Some((key, set))) => {
                        if item.key() < key {
                            items.next();
                            builder.push(item);
                            continue;
                        }
                        if item.key() == key {
                            items.next();
                        }
                        changes.next();
                        if let Some(item) = set {
                            builder.push(item);
                        }
                    }
                }
            }
        }
        // An empty list: every change is new.
        for (_, set) in changes {
            if let Some(item) = set {
                builder.push(item);
            }
        }
        builder.finish()
    }
}

impl SortedEntries {
    /// These entries less `removals`, plus `upserts` (each sorted and
    /// unique; an upsert replaces the entry for its key, and wins over a
    /// removal of the same key).
    pub(crate) fn apply(&self, removals: &[BlockKey], upserts: &[BlocklistEntry]) -> Self {
        self.apply_changes(Changes::new(removals, upserts))
    }
}

impl Sorted<OverlayChange> {
    /// These changes, then a delta's: its removals recorded as delistings,
    /// its upserts as listings (an upsert wins over a removal of the same
    /// key, and a later change over an earlier one).
    pub(crate) fn record(&self, removals: &[BlockKey], upserts: &[BlocklistEntry]) -> Self {
        self.apply_changes(Changes::new(removals, upserts).map(|(key, upsert)| {
            let change = match upsert {
                Some(entry) => OverlayChange::Listed(entry),
                None => OverlayChange::Delisted(key),
            };
            (key, Some(change))
        }))
    }
}

/// Removals and upserts merged in key order: `(key, None)` removes,
/// `(key, Some(entry))` lists; on the same key the upsert wins.
struct Changes<'a> {
    removals: core::iter::Peekable<core::slice::Iter<'a, BlockKey>>,
    upserts: core::iter::Peekable<core::slice::Iter<'a, BlocklistEntry>>,
}

impl<'a> Changes<'a> {
    fn new(removals: &'a [BlockKey], upserts: &'a [BlocklistEntry]) -> Self {
        Changes {
            removals: removals.iter().peekable(),
            upserts: upserts.iter().peekable(),
        }
    }
}

impl Iterator for Changes<'_> {
    type Item = (BlockKey, Option<BlocklistEntry>);

    fn next(&mut self) -> Option<Self::Item> {
        let removal = self.removals.peek().map(|key| **key);
        let upsert = self.upserts.peek().map(|entry| **entry);
        match (removal, upsert) {
            (None, None) => None,
            (Some(key), None) => {
                self.removals.next();
                Some((key, None))
            }
            (Some(key), Some(entry)) if key < entry.key => {
                self.removals.next();
                Some((key, None))
            }
            (removal, Some(entry)) => {
                if removal == Some(entry.key) {
                    self.removals.next();
                }
                self.upserts.next();
                Some((entry.key, Some(entry)))
            }
        }
    }
}

impl<T: Keyed> PartialEq for Sorted<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.index, &other.index)
            || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl<T: Keyed> Eq for Sorted<T> {}

impl<T: Keyed> fmt::Debug for Sorted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocklist::{ListingStatus, Reason};
    use crate::ids::{Imei, PartId};

    fn imei_entry(n: u64) -> BlocklistEntry {
        BlocklistEntry {
            key: BlockKey::Imei(Imei::with_check_digit(35_000_000_000_000 + n).unwrap()),
            reason: Reason::Stolen,
            listed_at: 1_700_000_000 + n,
            status: ListingStatus::Final,
            handset: None,
        }
    }

    fn part_entry(n: u64) -> BlocklistEntry {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&mix(n).to_be_bytes());
        BlocklistEntry {
            key: BlockKey::Part(PartId(digest)),
            reason: Reason::Lost,
            listed_at: 1_700_000_000,
            status: ListingStatus::Suspended,
            handset: None,
        }
    }

    fn list(keys: impl IntoIterator<Item = u64>) -> Vec<BlocklistEntry> {
        let mut entries: Vec<_> = keys
            .into_iter()
            .flat_map(|n| [imei_entry(n), part_entry(n)])
            .collect();
        entries.sort_by_key(|e| e.key);
        entries.dedup_by_key(|e| e.key);
        entries
    }

    fn digest(entries: &SortedEntries) -> StateDigest {
        entries.digest(&KeyId([7; 32]), ListVersion::new(1, 2))
    }

    #[test]
    fn a_list_changed_by_deltas_has_the_digest_of_the_same_list_built_whole() {
        let base = SortedEntries::from_sorted(&list(0..20_000));
        assert!(base.chunks() > 100, "{} chunks", base.chunks());
        // Remove a run (so cuts must realign), a scattering, the first and
        // the last keys; add keys before, among and after the old ones.
        let removed: Vec<BlockKey> = list(
            (0..10)
                .chain(5_000..5_400)
                .chain((6_000..20_000).step_by(97))
                .chain([19_999]),
        )
        .iter()
        .map(|e| e.key)
        .collect();
        let mut added = list((20_000..20_050).chain([100_000_000]));
        let mut changed = imei_entry(7_000);
        changed.reason = Reason::Fraud;
        added.push(changed);
        added.sort_by_key(|e| e.key);
        let next = base.apply(&removed, &added);

        let mut expected: std::collections::BTreeMap<BlockKey, BlocklistEntry> =
            base.iter().map(|e| (e.key, *e)).collect();
        for key in &removed {
            expected.remove(key);
        }
        expected.extend(added.iter().map(|e| (e.key, *e)));
        let expected: Vec<BlocklistEntry> = expected.into_values().collect();
        let whole = SortedEntries::from_sorted(&expected);

        assert_eq!(next.iter().copied().collect::<Vec<_>>(), expected);
        assert_eq!(next.chunks(), whole.chunks());
        assert_eq!(digest(&next), digest(&whole));
        assert_ne!(digest(&next), digest(&base));
        assert_eq!(next.find(&changed.key), Some(&changed));
        assert_eq!(next.find(&removed[3]), None);
    }

    #[test]
    fn a_small_delta_rebuilds_only_the_chunks_it_falls_in() {
        let base = SortedEntries::from_sorted(&list(0..20_000));
        let removed: Vec<BlockKey> = list([3, 9_000, 15_000]).iter().map(|e| e.key).collect();
        let added = list([30_000, 30_001]);
        let next = base.apply(&removed, &added);
        let rebuilt = next
            .index
            .chunks
            .iter()
            .filter(|c| !base.index.chunks.iter().any(|b| Arc::ptr_eq(b, c)))
            .count();
        // Ten keys changed: at most a chunk each, and a neighbour where a
        // removed key was a cut.
        assert!(
            rebuilt <= 20,
            "{rebuilt} of {} chunks rebuilt",
            next.chunks()
        );
        assert_eq!(
            digest(&next),
            digest(&SortedEntries::from_sorted(
                &next.iter().copied().collect::<Vec<_>>()
            ))
        );
    }

    #[test]
    fn an_upsert_wins_over_a_removal_of_the_same_key_and_removing_the_unlisted_changes_nothing() {
        let base = SortedEntries::from_sorted(&list(0..100));
        let mut relisted = imei_entry(5);
        relisted.status = ListingStatus::Suspended;
        let next = base.apply(&[relisted.key, imei_entry(1_000).key], &[relisted]);
        assert_eq!(next.len(), base.len());
        assert_eq!(next.find(&relisted.key), Some(&relisted));
    }

    #[test]
    fn keys_without_a_natural_cut_are_still_cut_at_the_maximum() {
        // Keys chosen so no natural boundary falls among them.
        let entries: Vec<BlocklistEntry> = (0..200_000)
            .map(imei_entry)
            .filter(|e| !ends_chunk(&e.key, 0))
            .take(3 * MAX_CHUNK + 5)
            .collect();
        let whole = SortedEntries::from_sorted(&entries);
        assert_eq!(whole.chunks(), 4);
        // Removing the first entry shifts every forced cut.
        let next = SortedEntries::from_sorted(&entries[1..]);
        let applied = whole.apply(&[entries[0].key], &[]);
        assert_eq!(digest(&applied), digest(&next));
        assert_eq!(applied, next);
    }

    #[test]
    fn an_empty_list_grows_and_empties_again() {
        let empty = SortedEntries::default();
        assert_eq!(digest(&empty), digest(&SortedEntries::from_sorted(&[])));
        let entries = list(0..1_000);
        let full = empty.apply(&[], &entries);
        assert_eq!(digest(&full), digest(&SortedEntries::from_sorted(&entries)));
        let keys: Vec<BlockKey> = entries.iter().map(|e| e.key).collect();
        let emptied = full.apply(&keys, &[]);
        assert_eq!(emptied.len(), 0);
        assert_eq!(digest(&emptied), digest(&empty));
    }
}
