//! Checking keys against a register's list without holding it, sans I/O:
//! the core's shard check ([`partcert::blocklist::ShardCheck`]) as an
//! object, and the register's side that cuts a list into shards.
//!
//! The app asks its verifier which keys a verdict looks up
//! (`Verifier.blocklistKeys`, `Verifier.handsetBlocklistKeys`), fetches
//! the head at `repositoryHeadPath()` with its own HTTP stack, begins a
//! check (`Blocklist.beginShardCheck`), fetches each shard `nextFetch()`
//! names (reading no more than its `maxSize`, plus one), `offer`s it to the
//! core, which proves it against the root the head signs before keeping
//! it, and `finish`es: the device's blocklist then holds the register's
//! list as those shards, and its verdicts answer each key as the whole
//! list would (a key whose shard was never fetched: 408 ShardNotHeld).
//! Kotlin's suspending `Blocklist.checkShards` and Swift's async one run
//! that loop over a fetch function (`bindings/kotlin/`,
//! `bindings/swift/Sources/Partcert/`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use partcert as pc;
use pc::ErrorCode;
use pc::blocklist::{BlockKey, ListVersion, ShardFetch, ShardsRef};
use pc::ids::KeyId;

use crate::device::{Blocklist, TrustStore};
use crate::error::{PartcertError, Result};
use crate::issue::Authority;
use crate::objects::RepositoryHead;

/// What a finished shard check did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShardCheckOutcome {
    /// The register: its blocklist root's key id.
    pub authority: KeyId,
    /// The version of the register's list now consulted: the head's.
    pub version: ListVersion,
    /// How many shards were fetched and proven (none when every key's
    /// shard of this very list was already held).
    pub shards_fetched: u32,
    /// How many bytes were fetched: the head and every shard.
    pub bytes_fetched: u64,
    /// When the head expires: without a fresher head by then, the
    /// register's list reads stale (`StaleReason.NoFreshHead`), never
    /// clean.
    pub head_expires_at: u64,
}

/// A check of some keys against a register's shards, in progress, from a
/// fetched head: the shards still to fetch, each proven as it is offered.
/// The device's lists change only at `finish`, and only if every shard
/// was proven. Once a shard is refused, or the check has finished, it has
/// ended: begin another.
#[derive(uniffi::Object)]
pub struct ShardCheck {
    device: Arc<Blocklist>,
    started_from: Arc<pc::Blocklist>,
    trust: Arc<pc::TrustStore>,
    head: Arc<RepositoryHead>,
    keys: Vec<BlockKey>,
    now: u64,
    progress: Mutex<Option<Progress>>,
}

impl std::fmt::Debug for ShardCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardCheck")
            .field("head", &self.head)
            .field("keys", &self.keys.len())
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// The core's check and the shards offered so far (kept, should the
/// device change before `finish`, to prove them again over what it holds
/// then).
struct Progress {
    check: pc::blocklist::ShardCheck,
    offered: BTreeMap<u32, Vec<u8>>,
    bytes: u64,
}

#[uniffi::export]
impl Blocklist {
    /// Begins a check of `keys` (`Verifier.blocklistKeys`) against the
    /// shards a repository head names, from the head's bytes (fetched
    /// from `repositoryHeadPath()`), at `now` (this device's clock), for a
    /// device that does not hold the register's whole list. The head is
    /// checked as for `beginUpdate`: refused older than one already seen
    /// or than the list held (400 Rollback), from a key `trust` does not
    /// pin (201), altered (200), malformed (1xx); a head naming no shards
    /// (111: fetch the whole list). Nothing changes until `finish`.
    pub fn begin_shard_check(
        self: Arc<Self>,
        trust: Arc<TrustStore>,
        head: Vec<u8>,
        keys: Vec<BlockKey>,
        now: u64,
    ) -> Result<Arc<ShardCheck>> {
        let started_from = self.0.load();
        let trust = trust.0.load();
        let check = started_from.check_shards(&trust, &head, &keys, now)?;
        Ok(Arc::new(ShardCheck {
            head: RepositoryHead::wrap(check.head().clone()),
            device: self,
            started_from,
            trust,
            keys,
            now,
            progress: Mutex::new(Some(Progress {
                check,
                offered: BTreeMap::new(),
                bytes: head.len() as u64,
            })),
        }))
    }
}

#[uniffi::export]
impl ShardCheck {
    /// The head it follows.
    pub fn head(&self) -> Arc<RepositoryHead> {
        Arc::clone(&self.head)
    }

    /// The next shard to fetch — its path under the repository's base
    /// URL, the slice it covers and the most bytes to read (read no more
    /// than that, plus one) — or none when every one was offered (then
    /// `finish`).
    pub fn next_fetch(&self) -> Option<ShardFetch> {
        let progress = self.progress();
        progress.as_ref().and_then(|p| p.check.next_fetch())
    }

    /// Every shard left to fetch, in the order they are offered (the
    /// first is `nextFetch()`): none depends on another, so a device
    /// fetches them all at once — one round trip after the head's — and
    /// then offers each in this order. Empty once every one was offered,
    /// or once the check ended.
    pub fn fetches(&self) -> Vec<ShardFetch> {
        let progress = self.progress();
        progress
            .as_ref()
            .map_or_else(Vec::new, |p| p.check.fetches())
    }

    /// How many shards are left to fetch.
    pub fn remaining(&self) -> u32 {
        let progress = self.progress();
        progress.as_ref().map_or(0, |p| {
            u32::try_from(p.check.remaining()).unwrap_or(u32::MAX)
        })
    }

    /// Offers the bytes fetched for `nextFetch()`: proven against the
    /// root the head signs (size, structure, list, slice, proof) before
    /// anything is kept. A shard with an entry dropped, added or altered,
    /// of another list or another slice, is refused and ends the check;
    /// the device's lists are untouched.
    pub fn offer(&self, bytes: Vec<u8>) -> Result<()> {
        let mut progress = self.progress();
        let current = progress.as_mut().ok_or_else(ended)?;
        let index = current.check.next_fetch().map(|fetch| fetch.index);
        match current.check.offer(&bytes) {
            Ok(()) => {
                current.bytes += bytes.len() as u64;
                if let Some(index) = index {
                    current.offered.insert(index, bytes);
                }
                Ok(())
            }
            Err(error) => {
                *progress = None;
                Err(error.into())
            }
        }
    }

    /// Swaps the checked lists in, once every shard was offered: the
    /// register's list held as the shards proven, at the head's version
    /// (judged by the list's own times and the head's expiry, under every
    /// rollback rule), and the head recorded. A device that holds the
    /// whole list at that version keeps it. Refused (206) while a shard is
    /// still to fetch; the device's lists are then untouched.
    pub fn finish(&self) -> Result<ShardCheckOutcome> {
        let Progress {
            check,
            offered,
            bytes,
        } = self.progress().take().ok_or_else(ended)?;
        let checked = check.finish()?;
        self.device.0.update(|current| {
            // Another check, update or apply may have finished meanwhile:
            // the shards are proven again over what the device holds now.
            let next = if std::ptr::eq(current, &*self.started_from) {
                checked
            } else {
                self.finish_onto(current, &offered)?
            };
            Ok::<_, PartcertError>((next, ()))
        })?;
        let head = &self.head.0;
        Ok(ShardCheckOutcome {
            authority: head.authority(),
            version: head.version(),
            shards_fetched: u32::try_from(offered.len()).unwrap_or(u32::MAX),
            bytes_fetched: bytes,
            head_expires_at: head.expires_at(),
        })
    }
}

impl ShardCheck {
    fn progress(&self) -> MutexGuard<'_, Option<Progress>> {
        // Poisoned only by a panic elsewhere; the check inside is whole.
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lists `current` (changed since this check began) become with
    /// the same head and keys: the core plans again, and every shard it
    /// asks for is one this check was offered.
    fn finish_onto(
        &self,
        current: &pc::Blocklist,
        offered: &BTreeMap<u32, Vec<u8>>,
    ) -> Result<pc::Blocklist> {
        let mut again =
            current.check_shards(&self.trust, self.head.0.as_bytes(), &self.keys, self.now)?;
        while let Some(fetch) = again.next_fetch() {
            let bytes = offered.get(&fetch.index).ok_or_else(|| {
                PartcertError::from_code(
                    ErrorCode::DeltaBaseMismatch,
                    "the blocklist changed while this shard check ran: begin it again".into(),
                )
            })?;
            again.offer(bytes)?;
        }
        Ok(again.finish()?)
    }
}

/// A call on a check that has ended.
fn ended() -> PartcertError {
    PartcertError::invalid_argument(
        "this shard check has ended (finished, or a shard was refused): begin another",
    )
}

/// A register's list cut into shards, with the Merkle tree over them:
/// the files a repository serves beside its lists (`file(index)` at
/// `path(index)`), and what its head names (`Authority.headWithShards`).
#[derive(Debug, uniffi::Object)]
pub struct ShardSet(pc::blocklist::ShardSet);

#[uniffi::export]
impl ShardSet {
    /// How many leading bits of a key's position name its shard.
    pub fn bits(&self) -> u32 {
        self.0.bits()
    }

    /// How many shards: 2^bits.
    pub fn count(&self) -> u32 {
        self.0.count()
    }

    /// What a head says of them: the version, bits, root, the list's
    /// times and the largest shard's size.
    pub fn reference(&self) -> ShardsRef {
        self.0.reference()
    }

    /// Shard `index`'s file (none past the last): its slice of the list
    /// and the proof to the root.
    pub fn file(&self, index: u32) -> Option<Vec<u8>> {
        self.0.file(index)
    }

    /// Where the repository serves shard `index`, under its base URL:
    /// `shards/<root>/<index, five hex digits>.pcsh` (a root names one cut
    /// of one list: no shard file ever changes once written).
    pub fn path(&self, index: u32) -> String {
        self.0.reference().path(index)
    }
}

#[uniffi::export]
impl Authority {
    /// Cuts the list `device` holds for the register this authority signs
    /// for (after applying the register's lists: sorted or compact) into
    /// shards: into 2^`bits` of them, or, with none, as many as its size
    /// needs for each shard and its proof to stay within a couple of
    /// kilobytes. Refused: more than 2^20 shards (111); a device that
    /// holds no list of the register, or holds it only as shards (503).
    #[uniffi::method(default(bits = None))]
    pub fn cut_shards(&self, device: Arc<Blocklist>, bits: Option<u32>) -> Result<Arc<ShardSet>> {
        let held = device.0.load();
        let list = self.held_list(&held)?;
        if list.shards().is_some() {
            return Err(PartcertError::invalid_argument(
                "the device holds this register's list as shards, not whole: it cannot cut it",
            ));
        }
        Ok(Arc::new(ShardSet(pc::blocklist::ShardSet::build(
            list, bits,
        )?)))
    }

    /// `head` (from `publishHead`) signed again naming `shards` (the
    /// newest list, cut with `cutShards`) beside its files: the register
    /// writes every shard file first, then this head. Refused: shards of
    /// another register (401), or of another version or list (111).
    pub fn head_with_shards(
        &self,
        head: Arc<RepositoryHead>,
        shards: Arc<ShardSet>,
    ) -> Result<Arc<RepositoryHead>> {
        Ok(RepositoryHead::wrap(
            head.0.with_shards(self.core(), &shards.0)?,
        ))
    }
}

/// What a shard file claims, read without a head to prove it against
/// (for diagnostics and the golden vectors): the list version it cuts, how
/// many bits name a shard, and the slice it covers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShardStructure {
    /// The version of the list it cuts.
    pub version: ListVersion,
    /// How many leading bits of a key's position name its shard.
    pub bits: u32,
    /// The slice it covers.
    pub index: u32,
}

/// Checks a shard file's structure without a head (its proof is not
/// checked: only `ShardCheck.offer` trusts a shard): malformed bytes
/// throw (1xx).
#[uniffi::export]
pub fn check_shard_structure(bytes: Vec<u8>) -> Result<ShardStructure> {
    let (version, bits, index) = pc::blocklist::Shard::check_structure(&bytes)?;
    Ok(ShardStructure {
        version,
        bits,
        index,
    })
}

/// The most bytes a shard file may take.
#[uniffi::export]
pub fn max_shard_len() -> u64 {
    pc::limits::MAX_SHARD_LEN as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DAY, T0, register};
    use pc::blocklist::{BlocklistEntry, Format, Head, ListingStatus, Publication, Reason};

    /// A handset the register lists as stolen.
    fn stolen(n: u64) -> BlocklistEntry {
        let imei = pc::Imei::with_check_digit(35_000_000_000_000 + n).expect("imei");
        BlocklistEntry::handset(imei, Reason::Stolen, T0, ListingStatus::Final)
    }

    /// A register serving one list of three stolen handsets, cut into 4
    /// shards: its head's bytes, and its shard files by path.
    fn served() -> (Arc<TrustStore>, Vec<u8>, BTreeMap<String, Vec<u8>>) {
        let (register, trust) = register(4);
        let publication = Publication {
            format: Format::Sorted,
            version: ListVersion::new(0, 1),
            issued_at: T0,
            expires_at: T0 + 3 * DAY,
            base: pc::blocklist::Base::None,
            delisted: &[],
        };
        let list = register
            .publish(&publication, (1..=3).map(stolen))
            .expect("list")
            .list;
        let whole = Blocklist::new();
        whole
            .apply(Arc::clone(&trust), list.as_bytes().to_vec(), T0)
            .expect("applied");
        let authority = register.blocklist_authority().expect("a register");
        let held = whole.0.load();
        let shards = pc::blocklist::ShardSet::build(held.list(&authority).expect("held"), Some(2))
            .expect("cut");
        let head = Head::next(&register, None, &[list], 30 * DAY, T0, T0 + DAY)
            .and_then(|head| head.with_shards(&register, &shards))
            .expect("head");
        let files = (0..shards.count())
            .map(|i| (shards.reference().path(i), shards.file(i).expect("file")))
            .collect();
        (trust, head.as_bytes().to_vec(), files)
    }

    /// A phone that never held the list checks one stolen handset's key:
    /// one shard fetched, the key reads listed; a key in a shard never
    /// fetched is refused (408), not read as clean.
    #[test]
    fn a_phone_that_never_held_the_list_reads_a_listing_through_its_shard() {
        let (trust, head, files) = served();
        let phone = Blocklist::new();
        let key = stolen(2).key;
        let check = Arc::clone(&phone)
            .begin_shard_check(Arc::clone(&trust), head.clone(), vec![key], T0 + 1)
            .expect("a head with shards");
        assert_eq!(check.remaining(), 1);
        assert_eq!(
            check.fetches(),
            check.next_fetch().into_iter().collect::<Vec<_>>()
        );
        while let Some(fetch) = check.next_fetch() {
            check.offer(files[&fetch.path].clone()).expect("proven");
        }
        let outcome = check.finish().expect("finished");
        assert_eq!(
            (outcome.shards_fetched, outcome.version),
            (1, ListVersion::new(0, 1))
        );
        assert_eq!(phone.lookup(vec![key]).expect("held").len(), 1);
        let elsewhere = (1..=40)
            .map(|n| stolen(10 + n).key)
            .find(|other| phone.lookup(vec![*other]).is_err())
            .expect("a key in another shard");
        let refused = phone.lookup(vec![elsewhere]).map_err(|e| e.info().code);
        assert_eq!(refused, Err(408));
    }

    /// Two checks begun at once for keys in different shards: the one
    /// finished second is proven again over the first's result, and the
    /// phone then answers both keys.
    #[test]
    fn two_checks_at_once_both_keep_their_shards() {
        let (trust, head, files) = served();
        let phone = Blocklist::new();
        let first_key = stolen(1).key;
        let begin = |key| {
            Arc::clone(&phone)
                .begin_shard_check(Arc::clone(&trust), head.clone(), vec![key], T0 + 1)
                .expect("a head with shards")
        };
        let first = begin(first_key);
        let first_path = first.next_fetch().expect("a shard").path;
        let second_key = (2..=40)
            .map(|n| stolen(n).key)
            .find(|key| begin(*key).next_fetch().expect("a shard").path != first_path)
            .expect("a key in another shard");
        let second = begin(second_key);
        for check in [&first, &second] {
            while let Some(fetch) = check.next_fetch() {
                check.offer(files[&fetch.path].clone()).expect("proven");
            }
        }
        assert_eq!(first.finish().map(|o| o.shards_fetched), Ok(1));
        assert_eq!(second.finish().map(|o| o.shards_fetched), Ok(1));
        assert_eq!(
            phone.lookup(vec![first_key, second_key]).map(|l| l.len()),
            Ok(2)
        );
    }

    /// A shard altered in transit is refused, ends the check and leaves
    /// the phone's lists as they were.
    #[test]
    fn a_tampered_shard_is_refused_and_changes_nothing() {
        let (trust, head, files) = served();
        let phone = Blocklist::new();
        let before = phone.save_state();
        let check = Arc::clone(&phone)
            .begin_shard_check(Arc::clone(&trust), head, vec![stolen(1).key], T0 + 1)
            .expect("a head with shards");
        let fetch = check.next_fetch().expect("a shard");
        let mut bytes = files[&fetch.path].clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        // The last byte is the proof's: it no longer leads to the root.
        assert_eq!(check.offer(bytes).map_err(|e| e.info().code), Err(206));
        assert_eq!(check.next_fetch(), None);
        assert_eq!(check.fetches(), Vec::new());
        assert_eq!(check.finish().map_err(|e| e.info().code), Err(503));
        assert_eq!(phone.save_state(), before);
    }
}
