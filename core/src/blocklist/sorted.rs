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

use core::cmp::Ordering;
use core::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::objects::{BlockKey, BlocklistEntry, ListVersion};
use crate::ids::{KeyId, StateDigest};

/// A chunk ends after a key whose mix has this many low bits zero: 128
/// entries a chunk on average.
pub(crate) const TARGET_BITS: u32 = 7;
/// A chunk also ends when it holds this many entries, whatever the keys.
pub(crate) const MAX_CHUNK: usize = 1024;

const CHUNK_DOMAIN: &[u8] = b"partcert/blocklist-chunk/v1\0";
const STATE_DOMAIN: &[u8] = b"partcert/blocklist-state/v3\0";

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

struct Chunk {
    entries: Box<[BlocklistEntry]>,
    digest: [u8; 32],
}

impl Chunk {
    fn new(entries: Vec<BlocklistEntry>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(CHUNK_DOMAIN);
        hasher.update((entries.len() as u64).to_be_bytes());
        let mut buffer = [0u8; 96];
        for entry in &entries {
            // An entry encodes in well under 96 bytes; the fallback keeps this total.
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

#[derive(Default)]
struct Index {
    chunks: Vec<Arc<Chunk>>,
    /// Each chunk's last key, for the binary search.
    lasts: Vec<BlockKey>,
    len: usize,
}

/// An authority's entries, sorted by key and unique, shared between the
/// versions that hold them: cloning costs one reference count.
#[derive(Clone, Default)]
pub(crate) struct SortedEntries {
    index: Arc<Index>,
}

/// Cuts a stream of sorted entries into chunks, reusing whole chunks of
/// the previous version where a cut lines up.
#[derive(Default)]
struct Builder {
    index: Index,
    pending: Vec<BlocklistEntry>,
}

impl Builder {
    fn push(&mut self, entry: BlocklistEntry) {
        self.pending.push(entry);
        if ends_chunk(&entry.key, self.pending.len()) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        let entries = core::mem::take(&mut self.pending);
        if let Some(last) = entries.last() {
            self.index.lasts.push(last.key);
            self.index.len += entries.len();
            self.index.chunks.push(Arc::new(Chunk::new(entries)));
        }
    }

    /// Whether the next entry starts a chunk.
    fn at_cut(&self) -> bool {
        self.pending.is_empty()
    }

    fn reuse(&mut self, chunk: &Arc<Chunk>, last: BlockKey) {
        self.index.lasts.push(last);
        self.index.len += chunk.entries.len();
        self.index.chunks.push(Arc::clone(chunk));
    }

    fn finish(mut self) -> SortedEntries {
        self.cut();
        SortedEntries {
            index: Arc::new(self.index),
        }
    }
}

impl SortedEntries {
    /// The entries of a list already checked sorted and unique.
    pub(crate) fn from_sorted(entries: &[BlocklistEntry]) -> Self {
        let mut builder = Builder::default();
        for entry in entries {
            builder.push(*entry);
        }
        builder.finish()
    }

    pub(crate) fn len(&self) -> usize {
        self.index.len
    }

    /// The entry for `key`, if listed.
    pub(crate) fn find(&self, key: &BlockKey) -> Option<&BlocklistEntry> {
        let at = self.index.lasts.partition_point(|last| last < key);
        let chunk = self.index.chunks.get(at)?;
        let found = chunk.entries.binary_search_by(|e| e.key.cmp(key)).ok()?;
        chunk.entries.get(found)
    }

    /// Every entry, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &BlocklistEntry> {
        self.index
            .chunks
            .iter()
            .flat_map(|chunk| chunk.entries.iter())
    }

    /// The state digest of these entries as `authority`'s list at
    /// `version` (see the module documentation).
    pub(crate) fn digest(&self, authority: &KeyId, version: ListVersion) -> StateDigest {
        let mut hasher = Sha256::new();
        hasher.update(STATE_DOMAIN);
        hasher.update(authority.as_bytes());
        hasher.update(version.epoch.to_be_bytes());
        hasher.update(version.sequence.to_be_bytes());
        hasher.update((self.index.len as u64).to_be_bytes());
        hasher.update((self.index.chunks.len() as u64).to_be_bytes());
        for chunk in &self.index.chunks {
            hasher.update(chunk.digest);
        }
        StateDigest(hasher.finalize().into())
    }

    /// These entries less `removals`, plus `upserts` (each sorted and
    /// unique; an upsert replaces the entry for its key, and wins over a
    /// removal of the same key). Chunks no change falls in are shared.
    pub(crate) fn apply(&self, removals: &[BlockKey], upserts: &[BlocklistEntry]) -> Self {
        let mut changes = Changes::new(removals, upserts).peekable();
        let mut builder = Builder::default();
        let count = self.index.chunks.len();
        for (at, (chunk, last)) in self.index.chunks.iter().zip(&self.index.lasts).enumerate() {
            let final_chunk = at + 1 == count;
            let in_chunk = |key: &BlockKey| final_chunk || key <= last;
            let touched = changes.peek().is_some_and(|(key, _)| in_chunk(key));
            if builder.at_cut() && !touched {
                builder.reuse(chunk, *last);
                continue;
            }
            let mut entries = chunk.entries.iter().copied().peekable();
            loop {
                let change = changes.peek().filter(|(key, _)| in_chunk(key)).copied();
                match (entries.peek().copied(), change) {
                    (None, None) => break,
                    (Some(entry), None) => {
                        entries.next();
                        builder.push(entry);
                    }
                    (None, Some((_, upsert))) => {
                        changes.next();
                        if let Some(entry) = upsert {
                            builder.push(entry);
                        }
                    }
                    (Some(entry), Some((key, upsert))) => match entry.key.cmp(&key) {
                        Ordering::Less => {
                            entries.next();
                            builder.push(entry);
                        }
                        Ordering::Equal | Ordering::Greater => {
                            if entry.key == key {
                                entries.next();
                            }
                            changes.next();
                            if let Some(entry) = upsert {
                                builder.push(entry);
                            }
                        }
                    },
                }
            }
        }
        // An empty list: every upsert is new.
        for (_, upsert) in changes {
            if let Some(entry) = upsert {
                builder.push(entry);
            }
        }
        builder.finish()
    }

    /// How many chunks hold the entries.
    #[cfg(test)]
    fn chunks(&self) -> usize {
        self.index.chunks.len()
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
        match (self.removals.peek(), self.upserts.peek()) {
            (None, None) => None,
            (Some(key), None) => {
                let key = **key;
                self.removals.next();
                Some((key, None))
            }
            (removal, Some(entry)) => {
                let entry = **entry;
                match removal.map(|key| (*key).cmp(&entry.key)) {
                    Some(Ordering::Less) => {
                        let key = removal.map(|key| **key)?;
                        self.removals.next();
                        Some((key, None))
                    }
                    Some(Ordering::Equal) => {
                        self.removals.next();
                        self.upserts.next();
                        Some((entry.key, Some(entry)))
                    }
                    Some(Ordering::Greater) | None => {
                        self.upserts.next();
                        Some((entry.key, Some(entry)))
                    }
                }
            }
        }
    }
}

impl PartialEq for SortedEntries {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.index, &other.index)
            || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl Eq for SortedEntries {}

impl fmt::Debug for SortedEntries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Imei, PartId};
    use crate::{ListingStatus, Reason};

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
