//! What the lists held say of a part: lookups across every authority,
//! and each followed list's standing (current, or stale and why).

use core::ops::ControlFlow;
use serde::Serialize;

use super::compact::{CompactHit, CompactKey, PartFingerprint};
use super::device::Blocklist;
use super::held::{AuthorityList, Held};
use super::objects::{BlockKey, BlocklistEntry, ListingStatus, Reason};
use super::shard::ShardAnswer;
use super::sorted::OverlayChange;
use crate::error::Error;
use crate::ids::{Imei, KeyId, PartId};
use crate::limits;
use crate::trust::TrustStore;

/// What a listing matched, as a verdict reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

impl From<BlockKey> for Probe {
    fn from(key: BlockKey) -> Self {
        Probe::key(key)
    }
}

/// A blocklist entry that matched, with who listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

impl Listing {
    /// Whether [`listed_at`](Self::listed_at) is kept to the day, not the
    /// second: a compact list keeps every listing's day only (a
    /// fingerprint match, or any time at 00:00 UTC, which is how a day
    /// reads), so it must be shown as a date, never a time of day.
    pub fn listed_to_the_day(&self) -> bool {
        self.by_fingerprint || self.listed_at % super::compact::DAY == 0
    }
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
    /// The device follows the authority through a repository, and the
    /// newest head it accepted has expired with no fresher one: a mirror
    /// frozen, or the network withheld. The list may be out of date.
    NoFreshHead {
        /// When that head was signed.
        since: u64,
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    /// Every listing, across all authorities, of any of `keys` — at most
    /// [`limits::MAX_LISTINGS`] (parts sharing a fingerprint in a compact
    /// list could otherwise make one lookup read millions of records).
    ///
    /// Errors: [`Error::FileMismatch`] when a list kept on disk was read
    /// where its file no longer holds what was applied (altered or cut
    /// short): a damaged list never answers.
    pub fn lookup(&self, keys: &[BlockKey]) -> Result<Vec<Listing>, Error> {
        Ok(self.find(keys)?.listings)
    }

    /// Every listing of any of `probes`, capped at [`limits::MAX_LISTINGS`].
    /// Allocates nothing where nothing is listed.
    pub(crate) fn find<P: Copy + Into<Probe>>(&self, probes: &[P]) -> Result<Found, Error> {
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
            // A compact list's listing (whole or in a shard): a part's is
            // reported by the fingerprint that matched.
            let hit_listing = |key: &BlockKey, hit: CompactHit| {
                let (matched, key) = match hit.key {
                    CompactKey::Imei(imei) => (MatchedKey::Imei(imei), BlockKey::Imei(imei)),
                    CompactKey::Part(print) => (MatchedKey::PartFingerprint(print), *key),
                };
                let entry = BlocklistEntry {
                    key,
                    reason: hit.reason,
                    listed_at: hit.listed_at,
                    status: hit.status,
                    handset: hit.handset,
                };
                listing(matched, &entry)
            };
            for probe in probes {
                let probe: Probe = (*probe).into();
                let key = &probe.key;
                let entry = match &list.held {
                    Held::Sorted(entries) => entries.find(key),
                    // A change since the snapshot replaces whatever the
                    // compact list says of the key.
                    Held::Compact { snapshot, changes } => match changes.find(key) {
                        Some(OverlayChange::Listed(entry)) => Some(entry),
                        Some(OverlayChange::Delisted(_)) => None,
                        None => {
                            // A list kept on disk answers only from blocks
                            // that match what was applied (checked as read).
                            snapshot.list.for_each_checked(key, |hit| {
                                if room(&found) == 0 {
                                    found.capped = true;
                                    return ControlFlow::Break(());
                                }
                                found.listings.push(hit_listing(key, hit));
                                ControlFlow::Continue(())
                            })?;
                            None
                        }
                    },
                    // The shard the key lies in answers as the whole list
                    // would (the same rules, over its slice); a key whose
                    // shard was not fetched is an error, never clean.
                    Held::Shards(shards) => match shards.answer(key)? {
                        ShardAnswer::Sorted(entry) | ShardAnswer::Changed(entry) => entry,
                        ShardAnswer::Hits(hits) => {
                            for hit in hits {
                                if room(&found) == 0 {
                                    found.capped = true;
                                    break;
                                }
                                found.listings.push(hit_listing(key, hit));
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
        Ok(found)
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
                } else if mark.head_expires_at != 0 && clock > mark.head_expires_at {
                    Some(StaleReason::NoFreshHead {
                        since: mark.head_issued_at,
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
