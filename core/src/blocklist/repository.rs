//! From a register to the devices that check parts: a repository of static
//! files under a small signed head, and a sans-I/O updater.
//!
//! A register lays its signed lists out as files any web server, object
//! store or CDN serves as they are, and signs a **head** ([`Head`]): the
//! newest list's version and state digest, and the path, size and SHA-256
//! of every file a device needs to get there — the newest snapshot, and the
//! deltas that lead to the head from any version still served. The head
//! expires within hours: it is the only file that changes in place, and a
//! device that cannot get a fresh one reads its lists as stale.
//!
//! A device updates without this library touching a socket or a clock, as
//! rustls does: [`Blocklist::update`] takes a fetched head and says which
//! files to fetch ([`Update::next_fetch`]), with the exact size and hash of
//! each; [`Update::offer`] checks a file's size and hash *before* decoding
//! it and applies it to a working copy; [`Update::finish`] returns the new
//! state. Whatever fails leaves the state the device held in force. The
//! rules are TUF's for a client: a head older than one already seen is
//! refused (rollback), as is a head from a key the device does not trust;
//! a file that is not exactly what the head names is refused (mix and
//! match, endless data); and a head that has expired (a frozen mirror)
//! makes verdicts read stale — never clean — naming the register.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::device::Blocklist;
use super::held::{AuthorityList, Held};
use super::objects::BlockKey;
use super::objects::{ListHead, ListVersion};
use super::publish::SignedList;
use super::shard::{HeldShards, Shard, ShardSet, ShardsRef, shard_of};
use crate::certificate::Certificate;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId, StateDigest};
use crate::issue::Authority;
use crate::limits::{self, check_len};
use crate::trust::TrustStore;

/// One file a head names: where it is, how long, and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FileRef {
    /// Its path under the repository's root, e.g. `lists/3fa0….pcbl`:
    /// lower-case ASCII letters, digits, `.`, `-`, `_` and `/`, no `..`,
    /// not starting with `/`.
    pub path: String,
    /// Its exact size in bytes: a device reads no more.
    pub size: u64,
    /// The SHA-256 of its bytes.
    pub sha256: Fingerprint,
    /// The version of the list it is (a delta: the version it leads to).
    pub version: ListVersion,
    /// When that list was signed.
    pub issued_at: u64,
}

impl FileRef {
    /// The reference to a signed list stored at its content-addressed
    /// path ([`FileRef::path_for`]).
    pub fn of(list: &SignedList) -> Self {
        FileRef {
            path: Self::path_for(list),
            size: list.as_bytes().len() as u64,
            sha256: Fingerprint::of_bytes(list.as_bytes()),
            version: list.version(),
            issued_at: list.issued_at(),
        }
    }

    /// The content-addressed path a repository stores a list's bytes at:
    /// `lists/<sha256>.<ext>`, so a file never changes once published.
    pub fn path_for(list: &SignedList) -> String {
        let extension = match list {
            SignedList::Sorted(_) => "pcbl",
            SignedList::Compact(_) => "pccs",
            SignedList::Delta(_) => "pcbd",
        };
        format!(
            "lists/{}.{extension}",
            Fingerprint::of_bytes(list.as_bytes()).to_hex()
        )
    }

    fn check(&self) -> Result<(), Error> {
        check_len("file path", self.path.len(), limits::MAX_PATH_LEN)?;
        let plain = self.path.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"._-/".contains(&byte)
        });
        let safe = !self.path.is_empty()
            && !self.path.starts_with('/')
            && !self.path.ends_with('/')
            && self
                .path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !plain || !safe {
            return Err(Error::InvalidField(
                "a repository path is lower-case letters, digits, '.', '-', '_' and '/', \
                 relative, without '..'",
            ));
        }
        self.version.check_bounds()
    }

    /// Checks fetched bytes against this reference, before anything
    /// decodes them: the exact size, then the hash.
    pub fn check_bytes(&self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() as u64 != self.size {
            return Err(Error::FileMismatch {
                path: self.path.clone(),
                what: "size",
            });
        }
        if Fingerprint::of_bytes(bytes) != self.sha256 {
            return Err(Error::FileMismatch {
                path: self.path.clone(),
                what: "SHA-256",
            });
        }
        Ok(())
    }
}

/// A delta a head names: the sequence it applies to, and the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeltaRef {
    /// The sequence (in the file's epoch) it applies to.
    pub from: u64,
    /// The delta's file; its version is the one it leads to.
    pub file: FileRef,
}

/// The signed content of a head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeadBody {
    /// The signer, the authority, the newest list's version, and the
    /// head's own issue and expiry times.
    pub list: ListHead,
    /// The newest list's state digest.
    pub digest: StateDigest,
    /// The newest snapshot (sorted or compact).
    pub snapshot: FileRef,
    /// The deltas served, each from a sequence to a later one, sorted by
    /// `from`; from the snapshot's version (or any older one still served)
    /// to the head's.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_HEAD_DELTAS}>")]
    pub deltas: Vec<DeltaRef>,
    /// The newest list cut into shards, if the register serves them: a
    /// device that cannot hold the list checks its keys against them.
    pub shards: Option<ShardsRef>,
}

/// A register's signed head: what a device needs to reach its newest list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    signed: Signed<HeadBody>,
    signer: Certificate,
}

impl Head {
    /// Decodes a head, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Self::checked(Signed::<HeadBody>::decode(
            bytes,
            ObjectType::RepositoryHead,
        )?)
    }

    fn checked(signed: Signed<HeadBody>) -> Result<Self, Error> {
        let body = &signed.body;
        let signer = body.list.check()?;
        body.snapshot.check()?;
        if body.snapshot.version > body.list.version() {
            return Err(Error::InvalidField(
                "a head's snapshot is newer than the head",
            ));
        }
        check_len("head deltas", body.deltas.len(), limits::MAX_HEAD_DELTAS)?;
        let mut previous: Option<u64> = None;
        for delta in &body.deltas {
            delta.file.check()?;
            if delta.file.version.sequence <= delta.from
                || delta.file.version > body.list.version()
                || previous.is_some_and(|before| before >= delta.from)
            {
                return Err(Error::NotCanonical("head deltas"));
            }
            previous = Some(delta.from);
        }
        if let Some(shards) = &body.shards {
            shards.check()?;
            if shards.version != body.list.version() {
                return Err(Error::InvalidField(
                    "a head's shards cut another list than its newest",
                ));
            }
        }
        Ok(Head { signed, signer })
    }

    /// The head a repository serves once `added` (signed lists of this
    /// register, any format, any order) join what `previous` served: the
    /// newest snapshot, and the deltas issued no more than `window`
    /// seconds before `issued_at` that still lead to the newest list (a
    /// device further behind fetches the snapshot). Signed by `authority`,
    /// expiring at `expires_at` (hours after `issued_at`). Refused: a
    /// signer that may not sign this register's lists at the newest
    /// version, lists of another register, or no snapshot at all.
    pub fn next(
        authority: &Authority,
        previous: Option<&Head>,
        added: &[SignedList],
        window: u64,
        issued_at: u64,
        expires_at: u64,
    ) -> Result<Self, Error> {
        let register = authority.blocklist_authority()?;
        if added.iter().any(|list| list.authority() != register)
            || previous.is_some_and(|head| head.authority() != register)
        {
            return Err(Error::WrongAuthority);
        }
        // The newest list: its version and digest.
        let newest = added
            .iter()
            .map(|list| (list.version(), list.state_digest()))
            .chain(previous.map(|head| (head.version(), head.digest())))
            .max_by_key(|(version, _)| *version)
            .ok_or(Error::InvalidField("a repository needs a snapshot"))?;
        let snapshot = added
            .iter()
            .filter(|list| !matches!(list, SignedList::Delta(_)))
            .map(FileRef::of)
            .chain(previous.map(|head| head.snapshot().clone()))
            .max_by_key(|file| file.version)
            .ok_or(Error::InvalidField("a repository needs a snapshot"))?;
        let mut deltas: Vec<DeltaRef> = previous
            .map(|head| head.deltas().to_vec())
            .unwrap_or_default();
        for list in added {
            if let SignedList::Delta(delta) = list {
                deltas.push(DeltaRef {
                    from: delta.from_version().sequence,
                    file: FileRef::of(list),
                });
            }
        }
        // Kept: this epoch's deltas within the window that still lead on
        // to the newest list.
        deltas.retain(|delta| {
            delta.file.version.epoch == newest.0.epoch
                && delta.file.issued_at.saturating_add(window) >= issued_at
        });
        deltas.sort_by_key(|delta| (delta.from, delta.file.version));
        deltas.dedup_by_key(|delta| delta.from);
        let leads = |from: ListVersion| {
            let mut at = from;
            while let Some(next) = deltas
                .iter()
                .find(|d| d.from == at.sequence && at < newest.0)
            {
                at = next.file.version;
            }
            at == newest.0
        };
        let kept: Vec<DeltaRef> = deltas
            .iter()
            .filter(|delta| leads(delta.file.version))
            .cloned()
            .collect();
        Self::sign(authority, newest, snapshot, kept, issued_at, expires_at)
    }

    /// Signs a head naming `snapshot` and `deltas`, whose newest list is at
    /// `newest` (version and state digest).
    fn sign(
        authority: &Authority,
        newest: (ListVersion, StateDigest),
        snapshot: FileRef,
        deltas: Vec<DeltaRef>,
        issued_at: u64,
        expires_at: u64,
    ) -> Result<Self, Error> {
        let list = authority.list_head(newest.0, issued_at, expires_at)?;
        let body = HeadBody {
            list,
            digest: newest.1,
            snapshot,
            deltas,
            shards: None,
        };
        let head = Self::checked(Signed::seal(
            ObjectType::RepositoryHead,
            body,
            authority.key(),
        )?)?;
        if head.plan_from(None).is_none() {
            return Err(Error::InvalidField(
                "the head's files do not lead from its snapshot to its newest list",
            ));
        }
        Ok(head)
    }

    /// This head, signed again with `shards` (the newest list cut into
    /// shards, [`ShardSet::build`]) named beside its files: the register
    /// writes the shard files first, then this head. Refused: shards of
    /// another register, another version or another list (state digest),
    /// or a signer that may not sign this register's lists.
    pub fn with_shards(&self, authority: &Authority, shards: &ShardSet) -> Result<Self, Error> {
        if authority.blocklist_authority()? != self.authority()
            || shards.authority() != self.authority()
        {
            return Err(Error::WrongAuthority);
        }
        if shards.version() != self.version() || shards.digest() != self.digest() {
            return Err(Error::InvalidField(
                "the shards cut another list than the head's newest",
            ));
        }
        let mut body = self.signed.body.clone();
        body.list = authority.list_head(self.version(), self.issued_at(), self.expires_at())?;
        body.shards = Some(shards.reference());
        Self::checked(Signed::seal(
            ObjectType::RepositoryHead,
            body,
            authority.key(),
        )?)
    }

    /// The newest list's shards, if the register serves them.
    pub fn shards(&self) -> Option<&ShardsRef> {
        self.signed.body.shards.as_ref()
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The authority whose lists it names.
    pub fn authority(&self) -> KeyId {
        self.signed.body.list.authority
    }

    /// The newest list's version.
    pub fn version(&self) -> ListVersion {
        self.signed.body.list.version()
    }

    /// The newest list's state digest.
    pub fn digest(&self) -> StateDigest {
        self.signed.body.digest
    }

    /// When the head was signed.
    pub fn issued_at(&self) -> u64 {
        self.signed.body.list.issued_at
    }

    /// When it expires: after that, a device that has no fresher head
    /// reads the register's list as stale.
    pub fn expires_at(&self) -> u64 {
        self.signed.body.list.expires_at
    }

    /// The newest snapshot's file.
    pub fn snapshot(&self) -> &FileRef {
        &self.signed.body.snapshot
    }

    /// The deltas served.
    pub fn deltas(&self) -> &[DeltaRef] {
        &self.signed.body.deltas
    }

    /// The embedded signer certificate.
    pub fn signer_certificate(&self) -> &Certificate {
        &self.signer
    }

    /// Every file the head names, the snapshot first.
    pub fn files(&self) -> impl Iterator<Item = &FileRef> {
        core::iter::once(self.snapshot()).chain(self.deltas().iter().map(|delta| &delta.file))
    }

    /// The files that lead from `held` (a version and its digest in the
    /// head's epoch, or nothing) to the head: the deltas from `held` where
    /// they reach, else the snapshot and the deltas from it. `None` when
    /// no path reaches the head.
    fn plan_from(&self, held: Option<ListVersion>) -> Option<Vec<FileRef>> {
        let target = self.version();
        let chain = |from: ListVersion| -> Option<Vec<FileRef>> {
            let mut files = Vec::new();
            let mut at = from;
            while at < target {
                if at.epoch != target.epoch {
                    return None;
                }
                let next = self.deltas().iter().find(|delta| {
                    delta.from == at.sequence && delta.file.version.epoch == at.epoch
                })?;
                files.push(next.file.clone());
                at = next.file.version;
            }
            (at == target).then_some(files)
        };
        if let Some(files) = held.filter(|held| *held <= target).and_then(chain) {
            return Some(files);
        }
        let mut files = vec![self.snapshot().clone()];
        files.extend(chain(self.snapshot().version)?);
        Some(files)
    }

    pub(crate) fn body(&self) -> &HeadBody {
        &self.signed.body
    }

    pub(crate) fn verify_signature(&self) -> Result<(), Error> {
        crate::envelope::verify_signed_by(&self.signed.bytes, &self.signer, "repository head")
    }
}

/// An update in progress: the files still to fetch, and a working copy of
/// the device's lists they are applied to. Whatever fails, the device
/// keeps the lists it held: drop the update.
#[derive(Debug, Clone)]
pub struct Update {
    head: Head,
    working: Blocklist,
    fetches: VecDeque<FileRef>,
    now: u64,
}

impl Blocklist {
    /// What every use of a fetched head checks first, the updater's and
    /// the shard check's alike: it decodes; its signer is a key `trust`
    /// pins, or one its root certified for the head's epoch (at the clock
    /// the version is judged at); its signature holds; and it is not older
    /// than a head already seen or the list accepted (rollback), nor
    /// another list at the version accepted. Returns the head, the
    /// register's name and the signer's key id.
    fn accepted_head(
        &self,
        trust: &TrustStore,
        head_bytes: &[u8],
        now: u64,
    ) -> Result<(Head, String, KeyId), Error> {
        let head = Head::decode(head_bytes)?;
        let (authority, version) = (head.authority(), head.version());
        let (name, signer) = self.check_signer(
            trust,
            &head.signer,
            &authority,
            version,
            head.issued_at(),
            now,
        )?;
        head.verify_signature()?;
        if let Some(mark) = self.rollback.marks.get(&authority) {
            if (version, head.issued_at()) < (mark.version(), mark.head_issued_at) {
                return Err(Error::Rollback {
                    offered: version,
                    accepted: mark.version(),
                });
            }
            if version == mark.version() && head.digest() != mark.digest {
                return Err(Error::ConflictingSequence(version.sequence));
            }
        }
        Ok((head, name, signer))
    }

    /// Starts an update from a fetched head: checks its signer (a key
    /// `trust` pins, or one its root certified for the head's epoch), its
    /// signature, that it is not older than the list held or a head already
    /// seen (rollback), and plans the files to fetch. A head already at the
    /// version held plans nothing: finishing it only records that the list
    /// is fresh until the head expires.
    pub fn update(&self, trust: &TrustStore, head_bytes: &[u8], now: u64) -> Result<Update, Error> {
        let (head, _, _) = self.accepted_head(trust, head_bytes, now)?;
        let (authority, version) = (head.authority(), head.version());
        // A list held only as shards is not a base for deltas: the whole
        // list is fetched from its snapshot.
        let held = self
            .list(&authority)
            .filter(|list| !matches!(list.held, Held::Shards(_)));
        let fetches = match held {
            Some(list) if list.version == version && list.digest == head.digest() => Vec::new(),
            Some(list) if list.version == version => {
                return Err(Error::ConflictingSequence(version.sequence));
            }
            _ => head
                .plan_from(held.map(|list| list.version))
                .ok_or(Error::InvalidField(
                    "the head's files do not lead to its newest list",
                ))?,
        };
        Ok(Update {
            head,
            working: self.clone(),
            fetches: fetches.into(),
            now,
        })
    }
}

impl Update {
    /// The head this update follows.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The next file to fetch, with its exact size and hash (read no more
    /// than its size), or `None` when every file has been offered.
    pub fn next_fetch(&self) -> Option<&FileRef> {
        self.fetches.front()
    }

    /// How many files are left to fetch.
    pub fn remaining(&self) -> usize {
        self.fetches.len()
    }

    /// Offers the bytes fetched for [`Update::next_fetch`]: their size and
    /// hash are checked before anything decodes them, then the list is
    /// applied to the working copy under every rule of
    /// [`Blocklist::apply`]. On an error the update cannot go on: drop it
    /// (the device's lists are untouched).
    pub fn offer(&mut self, trust: &TrustStore, bytes: &[u8]) -> Result<(), Error> {
        let file = self
            .fetches
            .front()
            .ok_or(Error::InvalidField("no file is left to fetch"))?;
        file.check_bytes(bytes)?;
        let list = SignedList::decode(bytes)?;
        if list.version() != file.version || list.authority() != self.head.authority() {
            return Err(Error::FileMismatch {
                path: file.path.clone(),
                what: "list",
            });
        }
        self.working.apply(trust, &list, self.now)?;
        self.fetches.pop_front();
        Ok(())
    }

    /// The device's lists after the update, once every file was offered:
    /// the register's list at the head's version and digest, and the head
    /// recorded, so the list reads fresh until the head expires.
    pub fn finish(mut self) -> Result<Blocklist, Error> {
        if let Some(file) = self.fetches.front() {
            return Err(Error::FileMismatch {
                path: file.path.clone(),
                what: "fetch (not offered)",
            });
        }
        let authority = self.head.authority();
        let list = self.working.list(&authority).ok_or(Error::InvalidField(
            "the update holds no list of the head's register",
        ))?;
        if list.version != self.head.version() || list.digest != self.head.digest() {
            return Err(Error::DeltaResultMismatch);
        }
        self.working
            .record_head(&authority, self.head.issued_at(), self.head.expires_at());
        Ok(self.working)
    }
}

/// A check of some keys against a register's shards, in progress: the
/// shard files still to fetch, and those proven so far. The device's lists
/// are untouched until [`ShardCheck::finish`]; whatever fails, drop it.
#[derive(Debug, Clone)]
pub struct ShardCheck {
    head: Head,
    shards: ShardsRef,
    authority_name: String,
    signer: KeyId,
    base: Blocklist,
    fetches: VecDeque<u32>,
    proven: BTreeMap<u32, Shard>,
    now: u64,
}

/// One shard file to fetch: where, and the most bytes to read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ShardFetch {
    /// Its path under the repository's root.
    pub path: String,
    /// The slice it covers.
    pub index: u32,
    /// Read no more than this (the head's largest shard).
    pub max_size: u64,
}

impl Blocklist {
    /// Starts a check of `keys` (the IMEIs and part identities a verdict
    /// looks up: [`Verifier::blocklist_keys`](crate::Verifier::blocklist_keys))
    /// against the shards a fetched head names, for a device that does not
    /// hold the register's list. The head is checked as for
    /// [`Blocklist::update`] (its signer, its signature, no rollback against
    /// what this device accepted or saw); then the shards to fetch are
    /// planned: one per slice the keys lie in, none already held at the
    /// head's version.
    pub fn check_shards(
        &self,
        trust: &TrustStore,
        head_bytes: &[u8],
        keys: &[BlockKey],
        now: u64,
    ) -> Result<ShardCheck, Error> {
        let (head, authority_name, signer) = self.accepted_head(trust, head_bytes, now)?;
        let authority = head.authority();
        let shards = head.shards().cloned().ok_or(Error::InvalidField(
            "the repository serves no shards: fetch the whole list",
        ))?;
        // Slices already held, of this very cut, need no fetch.
        let held: BTreeMap<u32, Shard> = match self.list(&authority).map(|list| &list.held) {
            Some(Held::Shards(held)) if held.reference == shards => held.shards.clone(),
            _ => BTreeMap::new(),
        };
        let mut wanted: Vec<u32> = keys
            .iter()
            .map(|key| shard_of(key, u32::from(shards.bits)))
            .filter(|index| !held.contains_key(index))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        Ok(ShardCheck {
            head,
            shards,
            authority_name,
            signer,
            base: self.clone(),
            fetches: wanted.into(),
            proven: held,
            now,
        })
    }
}

impl ShardCheck {
    /// The head this check follows.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The next shard to fetch, or `None` when every one was offered.
    pub fn next_fetch(&self) -> Option<ShardFetch> {
        self.fetches.front().map(|&index| ShardFetch {
            path: self.shards.path(index),
            index,
            max_size: self.shards.max_size,
        })
    }

    /// How many shards are left to fetch.
    pub fn remaining(&self) -> usize {
        self.fetches.len()
    }

    /// Every shard left to fetch, in the order they are offered: none
    /// depends on another, so a device fetches them all at once (one round
    /// trip after the head's) and then offers each.
    pub fn fetches(&self) -> Vec<ShardFetch> {
        self.fetches
            .iter()
            .map(|&index| ShardFetch {
                path: self.shards.path(index),
                index,
                max_size: self.shards.max_size,
            })
            .collect()
    }

    /// Offers the bytes fetched for [`ShardCheck::next_fetch`]: proven
    /// against the head's root (size, structure, list, slice, proof)
    /// before anything is kept. On an error drop the check: the device's
    /// lists are untouched.
    pub fn offer(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let index = *self
            .fetches
            .front()
            .ok_or(Error::InvalidField("no shard is left to fetch"))?;
        let shard = Shard::decode(bytes, &self.head, index)?;
        self.proven.insert(index, shard);
        self.fetches.pop_front();
        Ok(())
    }

    /// The device's lists with the register's held as the shards proven
    /// (at the head's version, judged by the list's own times and the
    /// head's expiry, under every rollback rule), once every shard was
    /// offered. Its verdicts answer each key in those shards exactly as the
    /// whole list would, and refuse a key in any other
    /// ([`Error::ShardNotHeld`]).
    pub fn finish(self) -> Result<Blocklist, Error> {
        if let Some(&index) = self.fetches.front() {
            return Err(Error::FileMismatch {
                path: self.shards.path(index),
                what: "fetch (not offered)",
            });
        }
        let authority = self.head.authority();
        let mut device = self.base;
        // A device that holds the whole list at this version keeps it: the
        // head only vouches for it until it expires.
        if device.list(&authority).is_some_and(|list| {
            list.version == self.head.version()
                && list.digest == self.head.digest()
                && !matches!(list.held, Held::Shards(_))
        }) {
            device.record_head(&authority, self.head.issued_at(), self.head.expires_at());
            return Ok(device);
        }
        device.check_not_rollback(&authority, self.head.version(), &self.head.digest())?;
        device.accept(
            AuthorityList {
                authority,
                authority_name: self.authority_name,
                version: self.head.version(),
                issued_at: self.shards.list_issued_at,
                expires_at: self.shards.list_expires_at,
                digest: self.head.digest(),
                signer: self.signer,
                held: Held::Shards(HeldShards {
                    reference: self.shards,
                    shards: self.proven,
                }),
            },
            self.now,
        )?;
        device.record_head(&authority, self.head.issued_at(), self.head.expires_at());
        Ok(device)
    }
}
