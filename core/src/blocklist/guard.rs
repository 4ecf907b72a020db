//! A register's accidents, refused before anything is signed or served:
//! a truncated or empty export that would replace a national list, and a
//! delta over a mirror that is behind.
//!
//! A list that replaces the one devices hold may drop a key only where
//! the register meant to delist it. A snapshot that drops more than
//! [`MASS_DELISTING_SHARE`] of the held list is refused unless the
//! register confirms how many it drops: a device holding a million
//! listings must never take an empty list from a cut-short export.

use super::compact::{CompactKey, CompactList};
use super::held::{AuthorityList, Held};
use super::objects::BlockKey;
use super::publish::{Changes, SignedList};
use super::sorted::OverlayChange;
use crate::error::Error;

/// The share of a held list (in hundredths of a percent: 100 = 1 %) that a
/// replacement may drop without the register confirming the count.
pub const MASS_DELISTING_SHARE: u64 = 100;

/// A key as two lists can both say it: an IMEI exactly, a part as the
/// first `width` bits of its identity digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Said {
    Imei(u64),
    Part(u128),
}

/// The keys a list carries, sorted, with parts cut to `width` bits.
fn said(list: &SaidBy<'_>, width: u32) -> Vec<Said> {
    let cut = |bits: u128, from: u32| -> u128 {
        bits.checked_shr(from.saturating_sub(width)).unwrap_or(0)
    };
    let mut keys: Vec<Said> = match list {
        SaidBy::Keys(keys) => keys
            .iter()
            .map(|key| match key {
                BlockKey::Imei(imei) => Said::Imei(imei.as_u64()),
                BlockKey::Part(part) => Said::Part(cut(prefix(part.as_bytes()), 128)),
            })
            .collect(),
        SaidBy::Compact(list, changes) => {
            let from = list.fingerprint_width();
            let mut keys: Vec<Said> = list
                .iter()
                .map(|hit| match hit.key {
                    CompactKey::Imei(imei) => Said::Imei(imei.as_u64()),
                    CompactKey::Part(print) => Said::Part(cut(print.bits(), from)),
                })
                .collect();
            let keys_of = |delisted: bool| -> Vec<BlockKey> {
                changes
                    .iter()
                    .filter_map(|change| match change {
                        OverlayChange::Listed(entry) if !delisted => Some(entry.key),
                        OverlayChange::Delisted(key) if delisted => Some(*key),
                        _ => None,
                    })
                    .collect()
            };
            let silenced = said(&SaidBy::Keys(keys_of(true)), width);
            keys.retain(|key| silenced.binary_search(key).is_err());
            keys.extend(said(&SaidBy::Keys(keys_of(false)), width));
            keys
        }
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn prefix(digest: &[u8; 32]) -> u128 {
    digest
        .first_chunk::<16>()
        .map_or(0, |head| u128::from_be_bytes(*head))
}

/// What a list says, whatever its format.
enum SaidBy<'a> {
    Keys(Vec<BlockKey>),
    Compact(&'a CompactList, Vec<OverlayChange>),
}

impl<'a> SaidBy<'a> {
    fn held(held: &'a AuthorityList) -> Self {
        match &held.held {
            Held::Sorted(entries) => SaidBy::Keys(entries.iter().map(|entry| entry.key).collect()),
            Held::Compact { snapshot, changes } => {
                SaidBy::Compact(&snapshot.list, changes.iter().copied().collect())
            }
            // Shards say nothing of the keys outside them: no list is
            // published over them (see `base_entries`).
            Held::Shards(_) => SaidBy::Keys(Vec::new()),
        }
    }

    fn width(&self) -> u32 {
        match self {
            SaidBy::Keys(_) => 128,
            SaidBy::Compact(list, _) => list.fingerprint_width(),
        }
    }
}

/// How many of the keys `held` carries a device would no longer find
/// listed after `next` (a full list replacing it, or a delta over it).
/// Parts are compared by fingerprint where either list keeps only that.
pub fn dropped_by(held: &AuthorityList, next: &SignedList) -> u64 {
    let before = SaidBy::held(held);
    let after = match next {
        SignedList::Sorted(list) => SaidBy::Keys(list.entries().iter().map(|e| e.key).collect()),
        SignedList::Compact(list) => SaidBy::Compact(list.list(), Vec::new()),
        SignedList::Delta(delta) => {
            // Only what the delta removes and does not list again.
            let mut listed: Vec<BlockKey> = delta.upserts().iter().map(|e| e.key).collect();
            listed.sort_unstable();
            return delta
                .removals()
                .iter()
                .filter(|key| listed.binary_search(key).is_err() && held.listing_of(key).is_some())
                .count() as u64;
        }
    };
    let width = before.width().min(after.width());
    let kept = said(&after, width);
    said(&before, width)
        .iter()
        .filter(|key| kept.binary_search(key).is_err())
        .count() as u64
}

/// Refuses `next` if it drops more than [`MASS_DELISTING_SHARE`] of the
/// `held` list, unless `confirmed` is exactly the number it drops (the
/// register read the count and meant it). Returns the number dropped.
pub fn check_delisting(
    held: &AuthorityList,
    next: &SignedList,
    confirmed: Option<u64>,
) -> Result<u64, Error> {
    refuse_mass_delisting(dropped_by(held, next), held.len(), confirmed)
}

impl Changes {
    /// Refuses a publication that delisted more than
    /// [`MASS_DELISTING_SHARE`] of its base, unless `confirmed` is exactly
    /// the number it delisted: the guard of [`check_delisting`], for a
    /// register that signs from its own master list (a snapshot over
    /// `Base::Snapshot`, a delta over `Base::Held`) before any device holds
    /// it. The base's size is what these counts say it was: the keys
    /// carried, re-listed and delisted. Returns the number delisted.
    pub fn check_delisting(&self, confirmed: Option<u64>) -> Result<u64, Error> {
        let base = self
            .carried
            .saturating_add(self.relisted)
            .saturating_add(self.delisted);
        refuse_mass_delisting(self.delisted, base, confirmed)
    }
}

/// The one rule: `dropped` of `held` keys is refused when over the share,
/// unless confirmed exactly.
fn refuse_mass_delisting(dropped: u64, held: u64, confirmed: Option<u64>) -> Result<u64, Error> {
    let allowed = held.saturating_mul(MASS_DELISTING_SHARE) / 10_000;
    if dropped > allowed && confirmed != Some(dropped) {
        return Err(Error::MassDelisting { dropped, held });
    }
    Ok(dropped)
}
