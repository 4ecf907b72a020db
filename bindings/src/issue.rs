//! The issuing side: keys, roots and authorities that sign certificates,
//! pairing records, blocklists and revocation lists (a factory, registry
//! or test tool on the JVM or a Mac).

use std::sync::Arc;

use partcert as pc;

use crate::objects::{
    BlocklistDelta, BlocklistSnapshot, Certificate, CompactSnapshot, PairingRecord, RevocationList,
};
use crate::store::TrustStore;
use crate::types::{
    AuthorityRole, BlockKey, BlocklistEntry, ListVersion, ListingStatus, PairingEvent, PartKind,
    Reason, Result, RevokedKey, Validity, bytes32, imeis, key_id, public_key,
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
        Ok(Arc::new(SecretKey(pc::SecretKey::from_seed(&bytes32(
            &seed, "a seed",
        )?))))
    }

    /// The 32-byte seed.
    pub fn seed(&self) -> Vec<u8> {
        self.0.to_seed().to_vec()
    }

    /// The public key (64 hex digits).
    pub fn public_key(&self) -> String {
        self.0.public_key().to_hex()
    }

    /// The public key's id (64 hex digits).
    pub fn key_id(&self) -> String {
        self.0.key_id().to_hex()
    }
}

/// What a part issuer writes into a part certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartSpec {
    /// What the part is.
    pub kind: PartKind,
    /// Who made it: a name the issuer may certify.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial (1–64 of `A-Z 0-9 -._/:#+`).
    pub serial: String,
    /// For boards: the IMEIs it carries (at least one).
    #[uniffi(default = [])]
    pub imeis: Vec<String>,
    /// For keyed parts: the public key its secure element holds (hex).
    #[uniffi(default = None)]
    pub key: Option<String>,
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
        Ok(Arc::new(Authority(pc::issue::Authority::new(
            key.0.clone(),
            certificate.0.clone(),
        )?)))
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
        Ok(Arc::new(Authority(
            pc::issue::Authority::new_manufacturer_root(
                key.0.clone(),
                &name,
                &names(&manufacturers),
                validity.into(),
            )?,
        )))
    }

    /// Creates a blocklist root (a registry, an operator), self-signed.
    #[uniffi::constructor]
    pub fn new_blocklist_root(
        key: Arc<SecretKey>,
        name: String,
        validity: Validity,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Authority(
            pc::issue::Authority::new_blocklist_root(key.0.clone(), &name, validity.into())?,
        )))
    }

    /// Its certificate.
    pub fn certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.certificate().clone())
    }

    /// Its role.
    pub fn role(&self) -> AuthorityRole {
        self.0.role().into()
    }

    /// The blocklist authority lists it signs belong to (its blocklist
    /// root's key id); 303 for other roles.
    pub fn blocklist_authority(&self) -> Result<String> {
        Ok(self.0.blocklist_authority()?.to_hex())
    }

    /// Certifies a factory line (manufacturer roots only) for part kinds
    /// and makers among the root's own.
    pub fn certify_part_issuer(
        &self,
        name: String,
        subject_key: String,
        permitted_kinds: Vec<PartKind>,
        manufacturers: Vec<String>,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        let kinds: Vec<pc::PartKind> = permitted_kinds.into_iter().map(Into::into).collect();
        Ok(Certificate::wrap(self.0.certify_part_issuer(
            &name,
            public_key(&subject_key)?,
            &kinds,
            &names(&manufacturers),
            serial_number,
            validity.into(),
        )?))
    }

    /// Certifies a pairing service (manufacturer roots only).
    pub fn certify_pairing_service(
        &self,
        name: String,
        subject_key: String,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        Ok(Certificate::wrap(self.0.certify_pairing_service(
            &name,
            public_key(&subject_key)?,
            serial_number,
            validity.into(),
        )?))
    }

    /// Certifies a delegated blocklist signing key for one epoch
    /// (blocklist roots only).
    pub fn certify_blocklist_authority(
        &self,
        name: String,
        subject_key: String,
        epoch: u64,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        Ok(Certificate::wrap(self.0.certify_blocklist_authority(
            &name,
            public_key(&subject_key)?,
            epoch,
            serial_number,
            validity.into(),
        )?))
    }

    /// Certifies a part (part issuers only; 302/308 outside their kinds
    /// or makers, 111 for a serial or name not in its one written form).
    pub fn certify_part(
        &self,
        spec: PartSpec,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Arc<Certificate>> {
        let spec = pc::issue::PartSpec {
            kind: spec.kind.into(),
            manufacturer: spec.manufacturer,
            model: spec.model,
            serial: spec.serial,
            imeis: imeis(&spec.imeis)?,
            key: spec.key.as_deref().map(public_key).transpose()?,
        };
        Ok(Certificate::wrap(self.0.certify_part(
            &spec,
            serial_number,
            validity.into(),
        )?))
    }

    /// Signs a pairing record (pairing services only, for boards of its
    /// own root: 307 otherwise). Every part is first paired now; after a
    /// repair, use `pairAfter` so the parts keep their past.
    pub fn pair(
        &self,
        board: Arc<Certificate>,
        parts: Vec<Arc<Certificate>>,
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<Arc<PairingRecord>> {
        let parts: Vec<pc::Certificate> = parts.iter().map(|c| c.0.clone()).collect();
        Ok(Arc::new(PairingRecord(self.0.pair(
            &board.0,
            &parts,
            sequence,
            event.into(),
            issued_at,
        )?)))
    }

    /// Signs the record of a handset after a repair (or any later
    /// pairing): as `pair`, and each part keeps the time a pairing service
    /// of this root first paired its certificate, as the `earlier` records
    /// say (the handset's previous record, a donor handset's record). So
    /// "made before its line's key leaked" survives any number of repairs.
    /// Every earlier record must verify against `trust` at `issuedAt` and
    /// be no later than it; only those of this service's own root carry a
    /// first-paired time.
    #[allow(clippy::too_many_arguments)] // the record's fields, each needed
    pub fn pair_after(
        &self,
        trust: Arc<TrustStore>,
        earlier: Vec<Arc<PairingRecord>>,
        board: Arc<Certificate>,
        parts: Vec<Arc<Certificate>>,
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<Arc<PairingRecord>> {
        let earlier: Vec<pc::PairingRecord> = earlier.iter().map(|r| r.0.clone()).collect();
        let parts: Vec<pc::Certificate> = parts.iter().map(|c| c.0.clone()).collect();
        let trust = trust.read();
        Ok(Arc::new(PairingRecord(self.0.pair_after(
            &trust,
            &earlier,
            &board.0,
            &parts,
            sequence,
            event.into(),
            issued_at,
        )?)))
    }

    /// Publishes a full snapshot (blocklist roots, or a delegated
    /// authority within its epoch: 406 otherwise).
    pub fn publish_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: Vec<BlocklistEntry>,
    ) -> Result<Arc<BlocklistSnapshot>> {
        let entries = entries
            .iter()
            .map(pc::BlocklistEntry::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(BlocklistSnapshot(self.0.publish_snapshot(
            version.into(),
            issued_at,
            expires_at,
            entries,
        )?)))
    }

    /// Publishes a full list in the compact format (national scale): the
    /// same signer, version, time and duplicate rules as
    /// `publishSnapshot`; listing times are kept to the day. Devices apply
    /// it with `Blocklist.apply`.
    pub fn publish_compact_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: Vec<BlocklistEntry>,
    ) -> Result<Arc<CompactSnapshot>> {
        let entries = entries
            .iter()
            .map(pc::BlocklistEntry::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(CompactSnapshot(self.0.publish_compact_snapshot(
            version.into(),
            issued_at,
            expires_at,
            &entries,
        )?)))
    }

    /// Publishes the snapshot after `base` (or a first one): `base`'s
    /// entries less `delisted` keys, plus `listed`.
    pub fn publish_next_snapshot(
        &self,
        base: Option<Arc<BlocklistSnapshot>>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: Vec<BlockKey>,
        listed: Vec<BlocklistEntry>,
    ) -> Result<Arc<BlocklistSnapshot>> {
        let delisted = delisted
            .iter()
            .map(pc::BlockKey::try_from)
            .collect::<Result<Vec<_>>>()?;
        let listed = listed
            .iter()
            .map(pc::BlocklistEntry::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(BlocklistSnapshot(self.0.publish_next_snapshot(
            base.as_ref().map(|b| &b.0),
            version.into(),
            issued_at,
            expires_at,
            &delisted,
            listed,
        )?)))
    }

    /// Publishes the delta from one snapshot to a later one of the same
    /// epoch.
    pub fn publish_delta(
        &self,
        from: Arc<BlocklistSnapshot>,
        to: Arc<BlocklistSnapshot>,
    ) -> Result<Arc<BlocklistDelta>> {
        Ok(Arc::new(BlocklistDelta(
            self.0.publish_delta(&from.0, &to.0)?,
        )))
    }

    /// Signs a revocation list (roots only) of keys it certified, each
    /// revoked from its `since` time.
    pub fn revoke(
        &self,
        sequence: u64,
        issued_at: u64,
        revoked: Vec<RevokedKey>,
    ) -> Result<Arc<RevocationList>> {
        let revoked = revoked
            .iter()
            .map(|r| {
                Ok(pc::RevokedKey {
                    key: key_id(&r.key)?,
                    since: r.since,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(RevocationList(
            self.0.revoke(sequence, issued_at, &revoked)?,
        )))
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
    pc::BlocklistEntry::for_reported_handset(&record.0, reason.into(), listed_at, status.into())
        .iter()
        .map(BlocklistEntry::from)
        .collect()
}
