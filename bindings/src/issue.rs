//! The issuing side: keys, roots and authorities that sign certificates,
//! pairing records, blocklists and revocation lists (a factory, registry
//! or test tool on the JVM or a Mac).

use std::sync::Arc;

use partcert as pc;
use pc::blocklist::{
    Base, BlockKey, BlocklistEntry, Changes, Format, ListVersion, ListingStatus, Reason,
};
use pc::certificate::AuthorityRole;
use pc::ids::{KeyId, PublicKey};
use pc::issue::PartSpec;
use pc::pairing::PairingEvent;
use pc::revocation::RevokedKey;
use pc::{PartKind, Validity};

use crate::device::{Blocklist, TrustStore};
use crate::error::{PartcertError, Result};
use crate::objects::{
    Certificate, PairingRecord, RepositoryHead, RevocationList, SignedList, bytes32,
};

/// An Ed25519 secret key. Keep it secret: `seed()` is its whole secret.
#[derive(uniffi::Object)]
pub struct SecretKey(pub(crate) pc::SecretKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl SecretKey {
    /// A fresh key from the operating system's random source.
    #[uniffi::constructor]
    pub fn generate() -> Arc<Self> {
        Arc::new(SecretKey(pc::SecretKey::generate(&mut rand_core::OsRng)))
    }

    /// The key for a 32-byte seed (503 otherwise).
    #[uniffi::constructor]
    pub fn from_seed(seed: Vec<u8>) -> Result<Arc<Self>> {
        let seed = bytes32(&seed, "a seed")?;
        Ok(Arc::new(SecretKey(pc::SecretKey::from_seed(&seed))))
    }

    /// The 32-byte seed.
    pub fn seed(&self) -> Vec<u8> {
        self.0.to_seed().to_vec()
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }

    /// The public key's id.
    pub fn key_id(&self) -> KeyId {
        self.0.key_id()
    }
}

/// What a list starts from, for `Authority.publish`.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum ListBase {
    /// An earlier sorted snapshot of this authority (a register's master
    /// list), as its exact bytes.
    Snapshot {
        /// The snapshot's exact bytes.
        bytes: Vec<u8>,
    },
    /// This authority's list as `device` holds it, after applying the
    /// authority's lists: sorted, or compact with the changes of later
    /// deltas. A delta over it leads devices to exactly the state they
    /// compute.
    Held {
        /// The device holding the list.
        device: Arc<Blocklist>,
    },
}

/// What to sign, but for the entries listed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Publication {
    /// The form to sign it in: sorted, compact or a delta.
    pub format: Format,
    /// Its epoch and sequence: later than the base's.
    pub version: ListVersion,
    /// When it is signed.
    pub issued_at: u64,
    /// When it goes stale: after `issued_at`.
    pub expires_at: u64,
    /// What it starts from: nothing (a first list), or a base (a delta
    /// needs one).
    #[uniffi(default = None)]
    pub base: Option<ListBase>,
    /// Keys to delist from the base.
    #[uniffi(default = [])]
    pub delisted: Vec<BlockKey>,
}

/// A signed list and what it changed against its base.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Published {
    /// The signed list's exact bytes (`Blocklist.apply` takes them;
    /// `SignedList.decode` reads them).
    pub bytes: Vec<u8>,
    /// What changed: carried, listed, relisted, delisted, not listed,
    /// given twice, and the total the list carries.
    pub changes: Changes,
}

/// The records a new pairing record comes after (`Authority.pair`), and
/// the trust store they must verify against at its issue time (each no
/// later than it; only those of the signing service's own root carry a
/// first-paired time).
#[derive(Debug, Clone, uniffi::Record)]
pub struct EarlierRecords {
    /// What the earlier records are verified against.
    pub trust: Arc<TrustStore>,
    /// The handset's previous record, a donor handset's record …
    pub records: Vec<Arc<PairingRecord>>,
}

/// An authority able to sign: a secret key with its certificate.
#[derive(uniffi::Object)]
pub struct Authority(pc::issue::Authority);

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Authority")
            .field(&self.0.certificate().fingerprint())
            .finish()
    }
}

fn names(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[uniffi::export]
impl Authority {
    /// Pairs a key with its authority certificate (205 if they differ).
    #[uniffi::constructor]
    pub fn new(key: Arc<SecretKey>, certificate: Arc<Certificate>) -> Result<Arc<Self>> {
        let authority = pc::issue::Authority::new(key.0.clone(), certificate.0.clone())?;
        Ok(Arc::new(Authority(authority)))
    }

    /// Creates a manufacturer root, self-signed, naming the makers its
    /// lines may certify.
    #[uniffi::constructor]
    pub fn new_manufacturer_root(
        key: Arc<SecretKey>,
        name: String,
        manufacturers: Vec<String>,
        validity: Validity,
    ) -> Result<Arc<Self>> {
        let makers = names(&manufacturers);
        let root =
            pc::issue::Authority::new_manufacturer_root(key.0.clone(), &name, &makers, validity)?;
        Ok(Arc::new(Authority(root)))
    }

    /// Creates a blocklist root (a registry, an operator), self-signed.
    #[uniffi::constructor]
    pub fn new_blocklist_root(
        key: Arc<SecretKey>,
        name: String,
        validity: Validity,
    ) -> Result<Arc<Self>> {
        let root = pc::issue::Authority::new_blocklist_root(key.0.clone(), &name, validity)?;
        Ok(Arc::new(Authority(root)))
    }

    /// Its certificate.
    pub fn certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.certificate().clone())
    }

    /// Its role.
    pub fn role(&self) -> AuthorityRole {
        self.0.role()
    }

    /// Its own key's id: what a trust store, a revocation list or a
    /// blocklist names it by.
    pub fn key_id(&self) -> KeyId {
        self.0.key().key_id()
    }

    /// The blocklist authority lists it signs belong to (its blocklist
    /// root's key id); 303 for other roles.
    pub fn blocklist_authority(&self) -> Result<KeyId> {
        Ok(self.0.blocklist_authority()?)
    }

    /// Certifies a factory line (manufacturer roots only) for part kinds
    /// and makers among the root's own.
    pub fn certify_part_issuer(
        &self,
        name: String,
        subject_key: PublicKey,
        permitted_kinds: Vec<PartKind>,
        manufacturers: Vec<String>,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        let makers = names(&manufacturers);
        let line = self.0.certify_part_issuer(
            &name,
            subject_key,
            &permitted_kinds,
            &makers,
            serial_number,
            validity,
        )?;
        Ok(Certificate::wrap(line))
    }

    /// Certifies a pairing service (manufacturer roots only).
    pub fn certify_pairing_service(
        &self,
        name: String,
        subject_key: PublicKey,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        let service =
            self.0
                .certify_pairing_service(&name, subject_key, serial_number, validity)?;
        Ok(Certificate::wrap(service))
    }

    /// Certifies a delegated blocklist signing key for one epoch
    /// (blocklist roots only).
    pub fn certify_blocklist_authority(
        &self,
        name: String,
        subject_key: PublicKey,
        epoch: u64,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        let delegate = self.0.certify_blocklist_authority(
            &name,
            subject_key,
            epoch,
            serial_number,
            validity,
        )?;
        Ok(Certificate::wrap(delegate))
    }

    /// Certifies a part (part issuers only; 302/308 outside their kinds
    /// or makers, 111 for a serial or name not in its one written form).
    pub fn certify_part(
        &self,
        spec: PartSpec,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        Ok(Certificate::wrap(self.0.certify_part(
            &spec,
            serial_number,
            validity,
        )?))
    }

    /// Signs a pairing record (pairing services only, for boards of its
    /// own root: 307 otherwise). Every part is first paired now, unless
    /// the record comes `after` earlier ones (a repair): then each part
    /// keeps the time a pairing service of this root first paired its
    /// certificate, as those records say (the handset's previous record, a
    /// donor handset's record), so "made before its line's key leaked"
    /// survives any number of repairs.
    #[uniffi::method(default(after = None))]
    pub fn pair(
        &self,
        board: Arc<Certificate>,
        parts: Vec<Arc<Certificate>>,
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
        after: Option<EarlierRecords>,
    ) -> Result<Arc<PairingRecord>> {
        let parts: Vec<pc::Certificate> = parts.iter().map(|c| c.0.clone()).collect();
        let signer = &self.0;
        let record = match after {
            None => signer.pair(&board.0, &parts, sequence, event, issued_at)?,
            Some(EarlierRecords { trust, records }) => {
                let earlier: Vec<pc::PairingRecord> = records.iter().map(|r| r.0.clone()).collect();
                let trust = trust.0.load();
                signer.pair_after(
                    &trust, &earlier, &board.0, &parts, sequence, event, issued_at,
                )?
            }
        };
        Ok(PairingRecord::wrap(record))
    }

    /// Signs a blocklist (blocklist roots, or a delegated authority within
    /// its epoch: 406 otherwise) in any format: the base (if any), less the
    /// delisted keys, plus `listed` (any order), as a sorted or compact
    /// snapshot of the whole list or as the delta from the base. Returns
    /// its bytes and what changed against the base, as the core counts it.
    ///
    /// Refused before anything is signed: a list that would be stale at
    /// once; a base of another authority (401) or not older (400); a delta
    /// with no base or across epochs, or a full list over a compact base
    /// (111); a key listed twice differently (110) or both listed
    /// and delisted (113 Contradiction); a held base from a device that
    /// holds no list of this authority (503).
    pub fn publish(
        &self,
        publication: Publication,
        listed: Vec<BlocklistEntry>,
    ) -> Result<Published> {
        let snapshot;
        let device;
        let base = match &publication.base {
            None => Base::None,
            Some(ListBase::Snapshot { bytes }) => {
                snapshot = pc::blocklist::BlocklistSnapshot::decode(bytes)?;
                Base::Snapshot(&snapshot)
            }
            Some(ListBase::Held { device: held }) => {
                device = held.0.load();
                Base::Held(self.held_list(&device)?)
            }
        };
        let published = self.0.publish(
            &pc::blocklist::Publication {
                format: publication.format,
                version: publication.version,
                issued_at: publication.issued_at,
                expires_at: publication.expires_at,
                base,
                delisted: &publication.delisted,
            },
            listed,
        )?;
        Ok(Published {
            bytes: published.list.as_bytes().to_vec(),
            changes: published.changes,
        })
    }

    /// Signs the head a register's repository serves once `added` (its
    /// signed lists, any format, any order) join what `previous` served:
    /// the newest snapshot, and the deltas issued no more than `window`
    /// seconds before `issued_at` that still lead to the newest list (a
    /// device further behind fetches the snapshot); it expires at
    /// `expires_at` (hours later: a device that gets no fresher head reads
    /// the register's list as stale). The repository serves each list at
    /// `SignedList.fileRef().path` and the head, written last, at
    /// `repositoryHeadPath()`. Refused: lists of another register (401),
    /// no snapshot at all (111), a signer that may not sign the newest
    /// version (406).
    pub fn publish_head(
        &self,
        previous: Option<Arc<RepositoryHead>>,
        added: Vec<Arc<SignedList>>,
        window: u64,
        issued_at: u64,
        expires_at: u64,
    ) -> Result<Arc<RepositoryHead>> {
        let added: Vec<pc::blocklist::SignedList> = added.iter().map(|l| l.0.clone()).collect();
        let previous = previous.as_ref().map(|head| &head.0);
        let head =
            pc::blocklist::Head::next(&self.0, previous, &added, window, issued_at, expires_at)?;
        Ok(RepositoryHead::wrap(head))
    }

    /// Signs a revocation list (roots only) of keys it certified, each
    /// revoked from its `since` time.
    pub fn revoke(
        &self,
        sequence: u64,
        issued_at: u64,
        revoked: Vec<RevokedKey>,
    ) -> Result<Arc<RevocationList>> {
        let list = self.0.revoke(sequence, issued_at, &revoked)?;
        Ok(RevocationList::wrap(list))
    }
}

impl Authority {
    /// The core's authority.
    pub(crate) fn core(&self) -> &pc::issue::Authority {
        &self.0
    }

    /// The list `device` holds for the authority this one signs for.
    pub(crate) fn held_list<'a>(
        &self,
        device: &'a pc::Blocklist,
    ) -> Result<&'a pc::blocklist::AuthorityList> {
        let authority = self.0.blocklist_authority()?;
        device.list(&authority).ok_or_else(|| {
            PartcertError::invalid_argument(format!(
                "the device holds no list of authority {authority:#} to publish over"
            ))
        })
    }
}

/// Every entry for a reported handset: its IMEIs, the identities of the
/// parts paired to it and the keys of its keyed parts (`partIdOfPartKey`),
/// so its parts stay blocked when harvested or re-certified around their
/// key.
#[uniffi::export]
pub fn entries_for_reported_handset(
    record: Arc<PairingRecord>,
    reason: Reason,
    listed_at: u64,
    status: ListingStatus,
) -> Vec<BlocklistEntry> {
    pc::blocklist::BlocklistEntry::for_reported_handset(&record.0, reason, listed_at, status)
}
