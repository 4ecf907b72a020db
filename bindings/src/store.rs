//! The shared, thread-safe state — trust store and blocklist — and the
//! verifier that reads them.
//!
//! Both are `Arc` objects with an interior `RwLock`: any number of threads
//! verify at once (read locks); adding a root, applying a revocation list
//! or a blocklist update takes the write lock for the duration of the
//! core's call, which is all-or-nothing (a refused update changes
//! nothing). Locks are always taken trust store first, then blocklist.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use partcert as pc;

use crate::objects::{
    BlocklistDelta, BlocklistSnapshot, Certificate, Challenge, ChallengeResponse, PairingRecord,
    RevocationList,
};
use crate::types::{BlockKey, BlocklistEntry, ListVersion, Result, RollbackMark, imeis, key_id};
use crate::verdict::{HandsetReport, ListChecked, Listing, Verdict};

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

/// The roots a verifier pins (manufacturer roots for parts and pairing
/// records, blocklist roots for blocklists) and the revocation lists they
/// signed. Safe to share between threads.
#[derive(Debug, Default, uniffi::Object)]
pub struct TrustStore(RwLock<pc::TrustStore>);

impl TrustStore {
    /// The store as it stands, for the issuing side (`Authority.pairAfter`).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, pc::TrustStore> {
        read(&self.0)
    }
}

#[uniffi::export]
impl TrustStore {
    /// An empty trust store: trusts nothing.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(TrustStore::default())
    }

    /// Pins a manufacturer root (202 if not validly self-signed, 303 if
    /// another role). Returns its key id.
    pub fn add_manufacturer_root(&self, root: Arc<Certificate>) -> Result<String> {
        Ok(write(&self.0)
            .add_manufacturer_root(root.0.clone())?
            .to_hex())
    }

    /// Pins a blocklist root (a registry, an operator). Returns its key id.
    pub fn add_blocklist_root(&self, root: Arc<Certificate>) -> Result<String> {
        Ok(write(&self.0).add_blocklist_root(root.0.clone())?.to_hex())
    }

    /// Accepts a revocation list signed by a pinned root (400 if older than
    /// the one held), received at `now` (this device's clock): the list
    /// raises its root's clock to its issue time, but never past `now`
    /// plus `clockTolerance()`. Returns the sequence held.
    pub fn apply_revocation_list(&self, list: Arc<RevocationList>, now: u64) -> Result<u64> {
        Ok(write(&self.0).apply_revocation_list(&list.0, now)?)
    }

    /// Since when `root` has revoked `key`, if it has.
    pub fn revoked_since(&self, root: String, key: String) -> Result<Option<u64>> {
        Ok(read(&self.0).revoked_since(&key_id(&root)?, &key_id(&key)?))
    }

    /// Whether `root` has revoked `key` (from any time).
    pub fn is_revoked(&self, root: String, key: String) -> Result<bool> {
        Ok(read(&self.0).is_revoked(&key_id(&root)?, &key_id(&key)?))
    }

    /// The clock `root`'s certificates are checked at for a caller's `now`.
    pub fn clock_for_root(&self, root: String, now: u64) -> Result<u64> {
        Ok(read(&self.0).clock_for_root(&key_id(&root)?, now))
    }

    /// The pinned manufacturer roots.
    pub fn manufacturer_roots(&self) -> Vec<Arc<Certificate>> {
        read(&self.0)
            .manufacturer_roots()
            .map(|c| Certificate::wrap(c.clone()))
            .collect()
    }

    /// The pinned blocklist roots.
    pub fn blocklist_roots(&self) -> Vec<Arc<Certificate>> {
        read(&self.0)
            .blocklist_roots()
            .map(|c| Certificate::wrap(c.clone()))
            .collect()
    }
}

/// The list one authority has published, as accepted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthorityList {
    /// The authority's root key id.
    pub authority: String,
    /// Its name.
    pub authority_name: String,
    /// The accepted epoch and sequence.
    pub version: ListVersion,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// Its state digest.
    pub digest: String,
    /// The key id that signed it.
    pub signer: String,
    /// How many entries it holds.
    pub entry_count: u64,
}

/// The blocklists accepted from every trusted authority, with the
/// anti-rollback state guarding them. Safe to share between threads:
/// verifications read it while an update is applied all-or-nothing.
#[derive(Debug, Default, uniffi::Object)]
pub struct Blocklist(RwLock<pc::Blocklist>);

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
        let state = pc::RollbackState::decode(&state)?;
        Ok(Arc::new(Blocklist(RwLock::new(
            pc::Blocklist::with_rollback_state(state),
        ))))
    }

    /// Reads back a full state saved by `saveState()`, checked against the
    /// blocklist roots pinned in `trust`. An authority whose root `trust`
    /// no longer pins is dropped (`loadBlocklistState` says which).
    #[uniffi::constructor]
    pub fn from_saved_state(state: Vec<u8>, trust: Arc<TrustStore>) -> Result<Arc<Self>> {
        let blocklist = pc::Blocklist::decode_state(&state, &read(&trust.0))?;
        Ok(Arc::new(Blocklist(RwLock::new(blocklist))))
    }

    /// Accepts a full snapshot (signer chained to a pinned blocklist root,
    /// not older than what was accepted). Returns the version now held.
    pub fn apply_snapshot(
        &self,
        trust: Arc<TrustStore>,
        snapshot: Arc<BlocklistSnapshot>,
        now: u64,
    ) -> Result<ListVersion> {
        let trust = read(&trust.0);
        Ok(write(&self.0)
            .apply_snapshot(&trust, &snapshot.0, now)?
            .into())
    }

    /// Applies a delta to the list held for its authority. Returns the
    /// version now held.
    pub fn apply_delta(
        &self,
        trust: Arc<TrustStore>,
        delta: Arc<BlocklistDelta>,
        now: u64,
    ) -> Result<ListVersion> {
        let trust = read(&trust.0);
        Ok(write(&self.0).apply_delta(&trust, &delta.0, now)?.into())
    }

    /// Applies a blocklist object given as its exact bytes, told by its
    /// content: a sorted snapshot (as `applySnapshot`), a compact snapshot
    /// (the national-scale format: the same checks, replacing the
    /// authority's list whole) or a delta (as `applyDelta`, over a sorted
    /// or a compact list). Any other object is refused with code 105
    /// (WrongObjectType); bytes that do not decode give the decoder's code
    /// (1xx). All-or-nothing: a refused update changes nothing. Returns
    /// the version now held.
    pub fn apply(&self, trust: Arc<TrustStore>, bytes: Vec<u8>, now: u64) -> Result<ListVersion> {
        let trust = read(&trust.0);
        Ok(write(&self.0).apply_bytes(&trust, &bytes, now)?.into())
    }

    /// Replaces everything held by a copy of `other`'s state (a list
    /// prepared off to the side, swapped in at once).
    pub fn replace_with(&self, other: Arc<Blocklist>) {
        let fresh = read(&other.0).clone();
        *write(&self.0) = fresh;
    }

    /// The anti-rollback state to persist (with its checksum).
    pub fn rollback_state(&self) -> Vec<u8> {
        read(&self.0).rollback_state().encode()
    }

    /// The anti-rollback marks, one per authority followed.
    pub fn rollback_marks(&self) -> Vec<RollbackMark> {
        read(&self.0)
            .rollback_state()
            .marks()
            .map(RollbackMark::from)
            .collect()
    }

    /// Everything accepted, to persist (read back with `fromSavedState`).
    pub fn save_state(&self) -> Vec<u8> {
        read(&self.0).encode_state()
    }

    /// The lists held, one per authority.
    pub fn lists(&self) -> Vec<AuthorityList> {
        read(&self.0)
            .lists()
            .map(|l| AuthorityList {
                authority: l.authority.to_hex(),
                authority_name: l.authority_name.clone(),
                version: l.version.into(),
                issued_at: l.issued_at,
                expires_at: l.expires_at,
                digest: l.digest.to_hex(),
                signer: l.signer.to_hex(),
                entry_count: l.len(),
            })
            .collect()
    }

    /// The entries of the list held for `authority` (empty if none).
    pub fn entries(&self, authority: String) -> Result<Vec<BlocklistEntry>> {
        let authority = key_id(&authority)?;
        Ok(read(&self.0)
            .list(&authority)
            .map(|l| l.iter().map(BlocklistEntry::from).collect())
            .unwrap_or_default())
    }

    /// Whether the device follows any authority.
    pub fn follows_any(&self) -> bool {
        read(&self.0).follows_any()
    }

    /// Stops following `authority` (its root key id): after unpinning a
    /// rogue operator, or a root re-pinned under a new key. Its list and
    /// anti-rollback mark are dropped, so its missing list no longer makes
    /// verdicts stale; every other authority's are kept. Returns the mark
    /// dropped, if the authority was followed.
    pub fn unfollow(&self, authority: String) -> Result<Option<RollbackMark>> {
        let authority = key_id(&authority)?;
        Ok(write(&self.0)
            .unfollow(&authority)
            .as_ref()
            .map(RollbackMark::from))
    }

    /// Stops following every authority whose blocklist root `trust` no
    /// longer pins (see `unfollow`). Returns their root key ids.
    pub fn unfollow_unpinned(&self, trust: Arc<TrustStore>) -> Vec<String> {
        let trust = read(&trust.0);
        write(&self.0)
            .unfollow_unpinned(&trust)
            .iter()
            .map(|k| k.to_hex())
            .collect()
    }

    /// The clock `authority`'s lists are checked at for a caller's `now`.
    pub fn clock_for(&self, trust: Arc<TrustStore>, authority: String, now: u64) -> Result<u64> {
        let trust = read(&trust.0);
        Ok(read(&self.0).clock_for(&trust, &key_id(&authority)?, now))
    }

    /// Every listing of any of `keys`, at most `maxListings()`.
    pub fn lookup(&self, keys: Vec<BlockKey>) -> Result<Vec<Listing>> {
        let keys = keys
            .iter()
            .map(pc::BlockKey::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(read(&self.0)
            .lookup(&keys)
            .iter()
            .map(Listing::from)
            .collect())
    }

    /// Every followed authority's list as it would be consulted at `now`.
    pub fn lists_checked(&self, trust: Arc<TrustStore>, now: u64) -> Vec<ListChecked> {
        let trust = read(&trust.0);
        read(&self.0)
            .lists_checked(&trust, now)
            .iter()
            .map(ListChecked::from)
            .collect()
    }
}

/// A saved state as loaded: what is still followed, and what was dropped.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LoadedState {
    /// The lists and marks of every authority the trust store still pins.
    pub blocklist: Arc<Blocklist>,
    /// The authorities (root key ids) the state followed whose roots are
    /// no longer pinned: their lists and marks were dropped.
    pub dropped: Vec<String>,
}

/// Reads back a full state saved by `Blocklist.saveState()` (112 if
/// corrupted), keeping what `trust` still pins and reporting, apart, the
/// authorities it no longer pins (a rogue operator unpinned, a root
/// re-pinned under a new key): their lists and marks are dropped, every
/// other authority's are kept.
#[uniffi::export]
pub fn load_blocklist_state(state: Vec<u8>, trust: Arc<TrustStore>) -> Result<LoadedState> {
    let loaded = pc::Blocklist::load_state(&state, &read(&trust.0))?;
    Ok(LoadedState {
        blocklist: Arc::new(Blocklist(RwLock::new(loaded.blocklist))),
        dropped: loaded.dropped.iter().map(|k| k.to_hex()).collect(),
    })
}

/// A challenge sent to a keyed part and the part's response.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ChallengeAnswer {
    /// The challenge sent.
    pub challenge: Arc<Challenge>,
    /// The part's response.
    pub response: Arc<ChallengeResponse>,
}

/// Everything presented about one part.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PartEvidence {
    /// The part's certificate.
    pub certificate: Arc<Certificate>,
    /// Certificates that may complete its chain (its factory line's).
    pub chain: Vec<Arc<Certificate>>,
    /// The pairing record of the handset it comes from.
    #[uniffi(default = None)]
    pub pairing: Option<Arc<PairingRecord>>,
    /// For keyed parts: the challenge and the part's answer.
    #[uniffi(default = None)]
    pub challenge: Option<ChallengeAnswer>,
    /// For boards: the IMEIs the modem reports.
    #[uniffi(default = [])]
    pub presented_imeis: Vec<String>,
}

/// A part found fitted in the handset running a self-check.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FittedPart {
    /// The part's certificate (read from the part).
    pub certificate: Arc<Certificate>,
    /// Its factory line's certificate(s).
    pub chain: Vec<Arc<Certificate>>,
    /// For keyed parts: the challenge and the part's answer.
    #[uniffi(default = None)]
    pub challenge: Option<ChallengeAnswer>,
}

/// What a handset presents for its self-check.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HandsetEvidence {
    /// The handset's own pairing record.
    pub pairing: Arc<PairingRecord>,
    /// The IMEIs the modem reports.
    pub modem_imeis: Vec<String>,
    /// The parts found fitted.
    pub fitted: Vec<FittedPart>,
}

fn certificates(chain: &[Arc<Certificate>]) -> Vec<pc::Certificate> {
    chain.iter().map(|c| c.0.clone()).collect()
}

fn answer(a: &Option<ChallengeAnswer>) -> Option<(pc::Challenge, pc::ChallengeResponse)> {
    a.as_ref().map(|a| (a.challenge.0, a.response.0.clone()))
}

/// Checks evidence against a trust store and, if given, a blocklist.
/// Cheap to make; safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    trust: Arc<TrustStore>,
    blocklist: Option<Arc<Blocklist>>,
    handset_imeis: Vec<pc::Imei>,
}

impl Verifier {
    fn part_verdict(&self, evidence: &PartEvidence, now: u64) -> Result<pc::Verdict> {
        let chain = certificates(&evidence.chain);
        let challenge = answer(&evidence.challenge);
        let presented = imeis(&evidence.presented_imeis)?;
        let mut part =
            pc::PartEvidence::new(&evidence.certificate.0, &chain).with_presented_imeis(&presented);
        if let Some(record) = &evidence.pairing {
            part = part.with_pairing(&record.0);
        }
        if let Some((c, r)) = &challenge {
            part = part.with_challenge(c, r);
        }
        let trust = read(&self.trust.0);
        let mut verifier = pc::Verifier::new(&trust).on_handset(&self.handset_imeis);
        let blocklist = self.blocklist.as_ref().map(|b| read(&b.0));
        if let Some(blocklist) = &blocklist {
            verifier = verifier.with_blocklist(blocklist);
        }
        Ok(verifier.verify_part(&part, now)?)
    }

    fn handset_report(&self, evidence: &HandsetEvidence, now: u64) -> Result<pc::HandsetReport> {
        let modem = imeis(&evidence.modem_imeis)?;
        let chains: Vec<Vec<pc::Certificate>> = evidence
            .fitted
            .iter()
            .map(|f| certificates(&f.chain))
            .collect();
        let answers: Vec<_> = evidence
            .fitted
            .iter()
            .map(|f| answer(&f.challenge))
            .collect();
        let fitted: Vec<pc::FittedPart<'_>> = evidence
            .fitted
            .iter()
            .zip(&chains)
            .zip(&answers)
            .map(|((f, chain), a)| pc::FittedPart {
                certificate: &f.certificate.0,
                chain,
                challenge: a.as_ref().map(|(c, r)| (c, r)),
            })
            .collect();
        let handset = pc::HandsetEvidence {
            pairing: &evidence.pairing.0,
            modem_imeis: &modem,
            fitted: &fitted,
        };
        let trust = read(&self.trust.0);
        let mut verifier = pc::Verifier::new(&trust);
        let blocklist = self.blocklist.as_ref().map(|b| read(&b.0));
        if let Some(blocklist) = &blocklist {
            verifier = verifier.with_blocklist(blocklist);
        }
        Ok(verifier.verify_handset(&handset, now)?)
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting `trust`, consulting `blocklist` if given, and
    /// verifying on behalf of the handset with `handset_imeis` (so verdicts
    /// say "paired here" or "used"; empty for a shop's bench).
    #[uniffi::constructor(default(blocklist = None, handset_imeis = []))]
    pub fn new(
        trust: Arc<TrustStore>,
        blocklist: Option<Arc<Blocklist>>,
        handset_imeis: Vec<String>,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Verifier {
            trust,
            blocklist,
            handset_imeis: imeis(&handset_imeis)?,
        }))
    }

    /// Verifies one part at `now` (seconds since the Unix epoch). Throws
    /// when the evidence cannot be read or trusted (a counterfeit: 201);
    /// a blocked part is a verdict, not an error.
    pub fn verify_part(&self, evidence: PartEvidence, now: u64) -> Result<Verdict> {
        Ok(Verdict::from(&self.part_verdict(&evidence, now)?))
    }

    /// `verifyPart`, as the core's JSON (the shape every front prints).
    pub fn verify_part_json(&self, evidence: PartEvidence, now: u64) -> Result<String> {
        let verdict = self.part_verdict(&evidence, now)?;
        Ok(serde_json::to_string(&verdict).unwrap_or_default())
    }

    /// The boot-time self-check of every fitted part against the
    /// handset's own pairing record. Throws only if the record cannot be
    /// trusted or is not this handset's; each part's outcome is in the
    /// report (a part swapped in by a repair is reported, never failed).
    pub fn verify_handset(&self, evidence: HandsetEvidence, now: u64) -> Result<HandsetReport> {
        Ok(HandsetReport::from(&self.handset_report(&evidence, now)?))
    }

    /// `verifyHandset`, as the core's JSON.
    pub fn verify_handset_json(&self, evidence: HandsetEvidence, now: u64) -> Result<String> {
        let report = self.handset_report(&evidence, now)?;
        Ok(serde_json::to_string(&report).unwrap_or_default())
    }
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
            blocklist.unfollow("nobody".into()).map_err(|e| e.code()),
            Err(111)
        );
        let loaded = load_blocklist_state(blocklist.save_state(), trust.clone()).expect("loads");
        assert!(loaded.dropped.is_empty() && !loaded.blocklist.follows_any());
        assert_eq!(
            load_blocklist_state(vec![1, 2, 3], trust)
                .map(|l| l.dropped)
                .map_err(|e| e.code() / 100),
            Err(1)
        );
    }
}
