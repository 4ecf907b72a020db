//! A device's shared state — its trust store and the blocklists it
//! follows — each held in the core's copy-on-write holder
//! ([`partcert::Shared`], the same one the C ABI uses).
//!
//! A reader (a verification, a lookup) takes the current version and
//! never waits for an update; an update (a root pinned, a revocation list
//! or a blocklist applied) computes the next version beside it and swaps
//! it in at once, all-or-nothing: a refused update changes nothing.
//! Blocklist versions share their lists, so a delta to a national list
//! costs the delta.

use std::convert::Infallible;
use std::sync::Arc;

use partcert as pc;
use pc::Shared;
use pc::blocklist::{BlockKey, BlocklistEntry, ListChecked, ListVersion, Listing, RollbackMark};
use pc::ids::{KeyId, StateDigest};

use crate::error::Result;
use crate::objects::{Certificate, RevocationList};

/// Computes the next version of `shared` from a copy of the current one;
/// on failure nothing changes.
fn change<T: Clone, R, E>(
    shared: &Shared<T>,
    next: impl FnOnce(&mut T) -> std::result::Result<R, E>,
) -> std::result::Result<R, E> {
    shared.update(|current| {
        let mut copy = current.clone();
        let result = next(&mut copy)?;
        Ok((copy, result))
    })
}

/// The roots a verifier pins (manufacturer roots for parts and pairing
/// records, blocklist roots for blocklists) and the revocation lists they
/// signed. Safe to share between threads.
#[derive(Debug, Default, uniffi::Object)]
pub struct TrustStore(pub(crate) Shared<pc::TrustStore>);

#[uniffi::export]
impl TrustStore {
    /// An empty trust store: trusts nothing.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(TrustStore::default())
    }

    /// Pins a manufacturer root (202 if not validly self-signed, 303 if
    /// another role). Returns its key id.
    pub fn add_manufacturer_root(&self, root: Arc<Certificate>) -> Result<KeyId> {
        Ok(change(&self.0, |trust| {
            trust.add_manufacturer_root(root.0.clone())
        })?)
    }

    /// Pins a blocklist root (a registry, an operator). Returns its key id.
    pub fn add_blocklist_root(&self, root: Arc<Certificate>) -> Result<KeyId> {
        Ok(change(&self.0, |trust| {
            trust.add_blocklist_root(root.0.clone())
        })?)
    }

    /// Accepts a revocation list signed by a pinned root (400 if older than
    /// the one held), received at `now` (this device's clock): the list
    /// raises its root's clock to its issue time, but never past `now`
    /// plus `clockTolerance()`. Returns the sequence held.
    pub fn apply_revocation_list(&self, list: Arc<RevocationList>, now: u64) -> Result<u64> {
        Ok(change(&self.0, |trust| {
            trust.apply_revocation_list(&list.0, now)
        })?)
    }

    /// Since when `root` has revoked `key` (both key ids as 64 hex digits;
    /// 111 otherwise), if it has.
    pub fn revoked_since(&self, root: String, key: String) -> Result<Option<u64>> {
        let (root, key) = (KeyId::from_hex(&root)?, KeyId::from_hex(&key)?);
        Ok(self.0.load().revoked_since(&root, &key))
    }

    /// The clock `root`'s certificates are checked at for a caller's `now`.
    pub fn clock_for_root(&self, root: String, now: u64) -> Result<u64> {
        Ok(self.0.load().clock_for_root(&KeyId::from_hex(&root)?, now))
    }

    /// The pinned manufacturer roots.
    pub fn manufacturer_roots(&self) -> Vec<Arc<Certificate>> {
        certificates(self.0.load().manufacturer_roots())
    }

    /// The pinned blocklist roots.
    pub fn blocklist_roots(&self) -> Vec<Arc<Certificate>> {
        certificates(self.0.load().blocklist_roots())
    }
}

fn certificates<'a>(pinned: impl Iterator<Item = &'a pc::Certificate>) -> Vec<Arc<Certificate>> {
    pinned.cloned().map(Certificate::wrap).collect()
}

/// The list one authority has published, as a device holds it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthorityList {
    /// The authority's root key id.
    pub authority: KeyId,
    /// Its name.
    pub authority_name: String,
    /// The accepted epoch and sequence.
    pub version: ListVersion,
    /// How many keys it carries (a compact list: as its snapshot listed
    /// them).
    pub entry_count: u64,
    /// Its state digest.
    pub digest: StateDigest,
    /// The key id that signed it.
    pub signer: KeyId,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
}

impl From<&pc::blocklist::AuthorityList> for AuthorityList {
    fn from(list: &pc::blocklist::AuthorityList) -> Self {
        AuthorityList {
            authority: list.authority,
            authority_name: list.authority_name.clone(),
            version: list.version,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            digest: list.digest,
            signer: list.signer,
            entry_count: list.len(),
        }
    }
}

/// The blocklists accepted from every trusted authority, with the
/// anti-rollback state guarding them. Safe to share between threads:
/// verifications read the version current when they start while an update
/// is computed beside it.
#[derive(Debug, Default, uniffi::Object)]
pub struct Blocklist(pub(crate) Shared<pc::Blocklist>);

impl Blocklist {
    pub(crate) fn holding(blocklist: pc::Blocklist) -> Arc<Self> {
        Arc::new(Blocklist(Shared::new(blocklist)))
    }
}

#[uniffi::export]
impl Blocklist {
    /// An empty blocklist with no history: follows nothing.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Blocklist::default())
    }

    /// An empty blocklist that remembers a previous run's anti-rollback
    /// state (bytes from `rollbackState()`; 112 if corrupted): older lists
    /// stay refused, and every authority it follows reads stale until its
    /// list is applied again.
    #[uniffi::constructor]
    pub fn with_rollback_state(state: Vec<u8>) -> Result<Arc<Self>> {
        let state = pc::blocklist::RollbackState::decode(&state)?;
        Ok(Blocklist::holding(pc::Blocklist::with_rollback_state(
            state,
        )))
    }

    /// Reads back a full state saved by `saveState()`, checked against the
    /// blocklist roots pinned in `trust`. An authority whose root `trust`
    /// no longer pins is dropped (`loadBlocklistState` says which).
    #[uniffi::constructor]
    pub fn from_saved_state(state: Vec<u8>, trust: Arc<TrustStore>) -> Result<Arc<Self>> {
        let blocklist = pc::Blocklist::decode_state(&state, &trust.0.load())?;
        Ok(Blocklist::holding(blocklist))
    }

    /// Applies a signed list of any format, given as its exact bytes and
    /// told by its content: a sorted snapshot, a compact snapshot (national
    /// scale) or a delta over the list held for its authority. Its signer
    /// must chain to a blocklist root `trust` pins, and it must not be
    /// older than what was accepted. Any other object is refused with 105
    /// WrongObjectType; bytes that do not decode give the decoder's code
    /// (1xx). All-or-nothing: a refused list changes nothing. Verifications
    /// running meanwhile read the lists as they were. Returns the version
    /// now held for the list's authority.
    pub fn apply(&self, trust: Arc<TrustStore>, bytes: Vec<u8>, now: u64) -> Result<ListVersion> {
        // Decoded before the update starts: the writer holds nothing while
        // a national list's bytes are read.
        let list = pc::blocklist::SignedList::decode(&bytes)?;
        let trust = trust.0.load();
        Ok(change(&self.0, |blocklist| {
            blocklist.apply(&trust, &list, now)
        })?)
    }

    /// Replaces everything held by `other`'s state (lists prepared off to
    /// the side, swapped in at once; the two then share them).
    pub fn replace_with(&self, other: Arc<Blocklist>) {
        self.0.publish(other.0.load());
    }

    /// The anti-rollback state to persist (with its checksum).
    pub fn rollback_state(&self) -> Vec<u8> {
        self.0.load().rollback_state().encode()
    }

    /// The anti-rollback marks, one per authority followed.
    pub fn rollback_marks(&self) -> Vec<RollbackMark> {
        self.0.load().rollback_state().marks().copied().collect()
    }

    /// Everything accepted, to persist (read back with `fromSavedState`).
    pub fn save_state(&self) -> Vec<u8> {
        self.0.load().encode_state()
    }

    /// The lists held, one per authority.
    pub fn lists(&self) -> Vec<AuthorityList> {
        self.0.load().lists().map(AuthorityList::from).collect()
    }

    /// The entries of the sorted list held for `authority` (its root's key
    /// id; 111 if not one); none if no list is held or it is compact.
    pub fn entries(&self, authority: String) -> Result<Vec<BlocklistEntry>> {
        let authority = KeyId::from_hex(&authority)?;
        let blocklist = self.0.load();
        Ok(blocklist
            .list(&authority)
            .map(|list| list.entries())
            .unwrap_or_default())
    }

    /// Whether the device follows any authority.
    pub fn follows_any(&self) -> bool {
        self.0.load().follows_any()
    }

    /// Stops following `authority` (its root key id; 111 if not one):
    /// after unpinning a rogue operator, or a root re-pinned under a new
    /// key. Its list and anti-rollback mark are dropped, so its missing
    /// list no longer makes verdicts stale; every other authority's are
    /// kept. Returns the mark dropped, if the authority was followed.
    pub fn unfollow(&self, authority: String) -> Result<Option<RollbackMark>> {
        let authority = KeyId::from_hex(&authority)?;
        let Ok(dropped) = change(&self.0, |blocklist| {
            Ok::<_, Infallible>(blocklist.unfollow(&authority))
        });
        Ok(dropped)
    }

    /// Stops following every authority whose blocklist root `trust` no
    /// longer pins (see `unfollow`). Returns their root key ids.
    pub fn unfollow_unpinned(&self, trust: Arc<TrustStore>) -> Vec<KeyId> {
        let trust = trust.0.load();
        let Ok(dropped) = change(&self.0, |blocklist| {
            Ok::<_, Infallible>(blocklist.unfollow_unpinned(&trust))
        });
        dropped
    }

    /// The clock `authority`'s lists are checked at for a caller's `now`.
    pub fn clock_for(&self, trust: Arc<TrustStore>, authority: String, now: u64) -> Result<u64> {
        let authority = KeyId::from_hex(&authority)?;
        Ok(self.0.load().clock_for(&trust.0.load(), &authority, now))
    }

    /// Every listing of any of `keys`, at most `maxListings()` (throws
    /// only when a key is not one: it is checked as it crosses).
    pub fn lookup(&self, keys: Vec<BlockKey>) -> Result<Vec<Listing>> {
        Ok(self.0.load().lookup(&keys)?)
    }

    /// Every followed authority's list as it would be consulted at `now`.
    pub fn lists_checked(&self, trust: Arc<TrustStore>, now: u64) -> Vec<ListChecked> {
        self.0.load().lists_checked(&trust.0.load(), now)
    }
}

/// A saved state as loaded: what is still followed, and what was dropped.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LoadedState {
    /// The lists and marks of every authority the trust store still pins.
    pub blocklist: Arc<Blocklist>,
    /// The authorities (root key ids) the state followed whose roots are
    /// no longer pinned: their lists and marks were dropped.
    pub dropped: Vec<KeyId>,
}

/// Reads back a full state saved by `Blocklist.saveState()` (112 if
/// corrupted), keeping what `trust` still pins and reporting, apart, the
/// authorities it no longer pins (a rogue operator unpinned, a root
/// re-pinned under a new key): their lists and marks are dropped, every
/// other authority's are kept.
#[uniffi::export]
pub fn load_blocklist_state(state: Vec<u8>, trust: Arc<TrustStore>) -> Result<LoadedState> {
    let loaded = pc::Blocklist::load_state(&state, &trust.0.load())?;
    Ok(LoadedState {
        blocklist: Blocklist::holding(loaded.blocklist),
        dropped: loaded.dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unfollowing what is not followed drops nothing; a saved state that
    /// followed nothing loads with nothing dropped; a bad key id is 111.
    #[test]
    fn unfollowing_and_loading_say_what_they_dropped() {
        let trust = TrustStore::new();
        let blocklist = Blocklist::new();
        let nobody = pc::SecretKey::from_seed(&[9; 32]).key_id().to_hex();
        assert_eq!(blocklist.unfollow(nobody), Ok(None));
        assert!(blocklist.unfollow_unpinned(trust.clone()).is_empty());
        assert_eq!(
            blocklist
                .unfollow("nobody".into())
                .map_err(|e| e.info().code),
            Err(111)
        );
        let loaded = load_blocklist_state(blocklist.save_state(), trust.clone()).expect("loads");
        assert!(loaded.dropped.is_empty() && !loaded.blocklist.follows_any());
        assert_eq!(
            load_blocklist_state(vec![1, 2, 3], trust)
                .map(|l| l.dropped)
                .map_err(|e| e.info().code / 100),
            Err(1)
        );
    }
}
