//! The signed objects: decoded from their exact bytes (structure and
//! bounds checked; trust is the verifier's business), read as records.

use std::sync::Arc;

use partcert as pc;

use crate::error::PartcertError;
use crate::types::{
    AuthorityRole, BlockKey, BlocklistEntry, ListVersion, PairedPart, PairingEvent, PartKind,
    Result, RevokedKey, Validity, bytes32, imei_texts,
};
use crate::verdict::AuthorityInfo;

/// The subject of an authority certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthoritySubject {
    /// What the key may do.
    pub role: AuthorityRole,
    /// Its human name.
    pub name: String,
    /// Its public key (64 hex digits).
    pub key: String,
    /// The key's id.
    pub key_id: String,
    /// For part issuers: the kinds it may certify.
    pub permitted_kinds: Vec<PartKind>,
    /// For manufacturer roots and part issuers: the makers it may certify.
    pub manufacturers: Vec<String>,
    /// For blocklist authorities: the one epoch it may sign (else 0).
    pub epoch: u64,
}

impl From<&pc::AuthoritySubject> for AuthoritySubject {
    fn from(a: &pc::AuthoritySubject) -> Self {
        AuthoritySubject {
            role: a.role.into(),
            name: a.name.clone(),
            key: a.key.to_hex(),
            key_id: a.key.key_id().to_hex(),
            permitted_kinds: a.permitted_kinds.iter().map(|k| (*k).into()).collect(),
            manufacturers: a.manufacturers.clone(),
            epoch: a.epoch,
        }
    }
}

/// The subject of a part certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartSubject {
    /// The manufacturer root it is certified under.
    pub root: String,
    /// What the part is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial.
    pub serial: String,
    /// For boards: the IMEIs it carries.
    pub imeis: Vec<String>,
    /// For keyed parts: the key it holds (64 hex digits).
    pub key: Option<String>,
    /// Its identity digest (root, maker, kind, serial).
    pub part_id: String,
}

impl From<&pc::PartSubject> for PartSubject {
    fn from(p: &pc::PartSubject) -> Self {
        PartSubject {
            root: p.root.to_hex(),
            kind: p.kind.into(),
            manufacturer: p.manufacturer.clone(),
            model: p.model.clone(),
            serial: p.serial.clone(),
            imeis: imei_texts(&p.imeis),
            key: p.key.map(|k| k.to_hex()),
            part_id: p.part_id().to_hex(),
        }
    }
}

/// Who or what a certificate is about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Subject {
    /// An authority.
    Authority {
        /// Its subject.
        authority: AuthoritySubject,
    },
    /// A part.
    Part {
        /// Its subject.
        part: PartSubject,
    },
}

/// Everything a certificate says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// The issuer's serial number for it.
    pub serial_number: u64,
    /// The signing key's id.
    pub issuer: String,
    /// When it is valid.
    pub validity: Validity,
    /// What it certifies.
    pub subject: Subject,
    /// The SHA-256 of its bytes.
    pub fingerprint: String,
}

/// A certificate: a root, an authority or a part.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq)]
pub struct Certificate(pub(crate) pc::Certificate);

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Certificate {}

impl Certificate {
    pub(crate) fn wrap(c: pc::Certificate) -> Arc<Self> {
        Arc::new(Certificate(c))
    }
}

#[uniffi::export]
impl Certificate {
    /// Decodes a certificate from its exact bytes (1xx if malformed; 105
    /// if the bytes are another object).
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Certificate::wrap(pc::Certificate::decode(&bytes)?))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Everything it says.
    pub fn info(&self) -> CertificateInfo {
        CertificateInfo {
            serial_number: self.0.serial_number(),
            issuer: self.0.issuer().to_hex(),
            validity: self.0.validity().into(),
            subject: match self.0.subject() {
                pc::Subject::Authority(a) => Subject::Authority {
                    authority: a.into(),
                },
                pc::Subject::Part(p) => Subject::Part { part: p.into() },
            },
            fingerprint: self.0.fingerprint().to_hex(),
        }
    }

    /// The SHA-256 of its bytes (64 hex digits).
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint().to_hex()
    }

    /// The signing key's id.
    pub fn issuer(&self) -> String {
        self.0.issuer().to_hex()
    }

    /// The part it certifies, if it is a part certificate.
    pub fn part(&self) -> Option<PartSubject> {
        self.0.part().map(PartSubject::from)
    }

    /// The authority it certifies, if it is an authority certificate.
    pub fn authority(&self) -> Option<AuthoritySubject> {
        self.0.authority().map(AuthoritySubject::from)
    }

    /// The core's JSON: serial_number, issuer, validity, subject, fingerprint.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// Everything a pairing record says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PairingRecordInfo {
    /// The handset's IMEIs (from its board).
    pub imeis: Vec<String>,
    /// The handset's board.
    pub board: PairedPart,
    /// Every other part fitted.
    pub parts: Vec<PairedPart>,
    /// Per-handset sequence (counts up with each repair).
    pub sequence: u64,
    /// What made it.
    pub event: PairingEvent,
    /// When it was signed.
    pub issued_at: u64,
    /// The pairing service that signed it.
    pub service: AuthorityInfo,
    /// The SHA-256 of its bytes.
    pub fingerprint: String,
}

/// A signed record of the parts fitted in one handset.
#[derive(Debug, uniffi::Object)]
pub struct PairingRecord(pub(crate) pc::PairingRecord);

#[uniffi::export]
impl PairingRecord {
    /// Decodes a pairing record from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(PairingRecord(pc::PairingRecord::decode(&bytes)?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Everything it says.
    pub fn info(&self) -> PairingRecordInfo {
        let r = &self.0;
        PairingRecordInfo {
            imeis: imei_texts(r.imeis()),
            board: r.board().into(),
            parts: r.parts().iter().map(PairedPart::from).collect(),
            sequence: r.sequence(),
            event: r.event().into(),
            issued_at: r.issued_at(),
            service: AuthorityInfo::of(r.service_certificate()),
            fingerprint: r.fingerprint().to_hex(),
        }
    }

    /// The pairing service's certificate it carries.
    pub fn service_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.service_certificate().clone())
    }
}

/// Everything a blocklist snapshot says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BlocklistSnapshotInfo {
    /// The authority (its blocklist root's key id).
    pub authority: String,
    /// Its epoch and sequence.
    pub version: ListVersion,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// Its entries, sorted by key.
    pub entries: Vec<BlocklistEntry>,
    /// The digest of its state.
    pub state_digest: String,
    /// The key that signed it (the root or a delegated authority).
    pub signer: AuthorityInfo,
    /// The SHA-256 of its bytes.
    pub fingerprint: String,
}

/// A signed full blocklist of one authority.
#[derive(Debug, uniffi::Object)]
pub struct BlocklistSnapshot(pub(crate) pc::BlocklistSnapshot);

#[uniffi::export]
impl BlocklistSnapshot {
    /// Decodes a snapshot from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(BlocklistSnapshot(pc::BlocklistSnapshot::decode(
            &bytes,
        )?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Its epoch and sequence.
    pub fn version(&self) -> ListVersion {
        self.0.version().into()
    }

    /// Everything it says.
    pub fn info(&self) -> BlocklistSnapshotInfo {
        let s = &self.0;
        BlocklistSnapshotInfo {
            authority: s.authority().to_hex(),
            version: s.version().into(),
            issued_at: s.issued_at(),
            expires_at: s.expires_at(),
            entries: s.entries().iter().map(BlocklistEntry::from).collect(),
            state_digest: s.state_digest().to_hex(),
            signer: AuthorityInfo::of(s.signer_certificate()),
            fingerprint: s.fingerprint().to_hex(),
        }
    }

    /// The signer's certificate it carries.
    pub fn signer_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.signer_certificate().clone())
    }
}

/// Everything a compact snapshot says (its list is kept as the compact
/// format's bytes: IMEIs exact, parts as fingerprints, so no entries are
/// listed here).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CompactSnapshotInfo {
    /// The authority (its blocklist root's key id).
    pub authority: String,
    /// Its epoch and sequence.
    pub version: ListVersion,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// The digest of its state.
    pub state_digest: String,
    /// The key that signed it (the root or a delegated authority).
    pub signer: AuthorityInfo,
    /// The SHA-256 of its bytes.
    pub fingerprint: String,
}

/// A signed full blocklist of one authority in the compact format
/// (national scale). A device applies it with `Blocklist.apply`, which
/// tells it by its content.
#[derive(Debug, uniffi::Object)]
pub struct CompactSnapshot(pub(crate) pc::CompactSnapshot);

#[uniffi::export]
impl CompactSnapshot {
    /// Decodes a compact snapshot from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(CompactSnapshot(pc::CompactSnapshot::decode(
            &bytes,
        )?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Its epoch and sequence.
    pub fn version(&self) -> ListVersion {
        self.0.version().into()
    }

    /// Everything it says.
    pub fn info(&self) -> CompactSnapshotInfo {
        let s = &self.0;
        CompactSnapshotInfo {
            authority: s.authority().to_hex(),
            version: s.version().into(),
            issued_at: s.issued_at(),
            expires_at: s.expires_at(),
            state_digest: s.state_digest().to_hex(),
            signer: AuthorityInfo::of(s.signer_certificate()),
            fingerprint: s.fingerprint().to_hex(),
        }
    }

    /// The signer's certificate it carries.
    pub fn signer_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.signer_certificate().clone())
    }
}

/// Everything a blocklist delta says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BlocklistDeltaInfo {
    /// The authority.
    pub authority: String,
    /// The version it starts from.
    pub from_version: ListVersion,
    /// The version it leads to.
    pub to_version: ListVersion,
    /// The state digest it starts from.
    pub from_digest: String,
    /// The state digest it leads to.
    pub result_digest: String,
    /// When it was signed.
    pub issued_at: u64,
    /// When the resulting list goes stale.
    pub expires_at: u64,
    /// Entries added or changed.
    pub upserts: Vec<BlocklistEntry>,
    /// Keys removed.
    pub removals: Vec<BlockKey>,
    /// The key that signed it.
    pub signer: AuthorityInfo,
}

/// A signed change from one list of an authority to its next.
#[derive(Debug, uniffi::Object)]
pub struct BlocklistDelta(pub(crate) pc::BlocklistDelta);

#[uniffi::export]
impl BlocklistDelta {
    /// Decodes a delta from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(BlocklistDelta(pc::BlocklistDelta::decode(
            &bytes,
        )?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Everything it says.
    pub fn info(&self) -> BlocklistDeltaInfo {
        let d = &self.0;
        BlocklistDeltaInfo {
            authority: d.authority().to_hex(),
            from_version: d.from_version().into(),
            to_version: d.to_version().into(),
            from_digest: d.from_digest().to_hex(),
            result_digest: d.result_digest().to_hex(),
            issued_at: d.issued_at(),
            expires_at: d.expires_at(),
            upserts: d.upserts().iter().map(BlocklistEntry::from).collect(),
            removals: d.removals().iter().map(|k| (*k).into()).collect(),
            signer: AuthorityInfo::of(d.signer_certificate()),
        }
    }

    /// The signer's certificate it carries.
    pub fn signer_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.signer_certificate().clone())
    }
}

/// Everything a revocation list says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RevocationListInfo {
    /// The root that signed it.
    pub root: String,
    /// Its sequence.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// The keys revoked, each from its time.
    pub revoked: Vec<RevokedKey>,
}

/// A root's signed list of revoked keys.
#[derive(Debug, uniffi::Object)]
pub struct RevocationList(pub(crate) pc::RevocationList);

#[uniffi::export]
impl RevocationList {
    /// Decodes a revocation list from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(RevocationList(pc::RevocationList::decode(
            &bytes,
        )?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// Everything it says.
    pub fn info(&self) -> RevocationListInfo {
        let l = &self.0;
        RevocationListInfo {
            root: l.root().to_hex(),
            sequence: l.sequence(),
            issued_at: l.issued_at(),
            revoked: l.revoked().iter().map(RevokedKey::from).collect(),
        }
    }
}

/// A verifier's fresh nonce for a keyed part to sign.
#[derive(Debug, uniffi::Object)]
pub struct Challenge(pub(crate) pc::Challenge);

#[uniffi::export]
impl Challenge {
    /// A challenge with a fresh nonce from the operating system's
    /// cryptographic random source. Use a new one for every check.
    #[uniffi::constructor]
    pub fn generate() -> Arc<Self> {
        Arc::new(Challenge(pc::Challenge::generate(&mut rand_core::OsRng)))
    }

    /// A challenge with a given 32-byte nonce (503 otherwise).
    #[uniffi::constructor]
    pub fn from_nonce(nonce: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Challenge(pc::Challenge::new(bytes32(
            &nonce, "a nonce",
        )?))))
    }

    /// The nonce.
    pub fn nonce(&self) -> Vec<u8> {
        self.0.nonce().to_vec()
    }
}

/// What a challenge response says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChallengeResponseInfo {
    /// The nonce it answers.
    pub nonce: Vec<u8>,
    /// The fingerprint of the certificate it answers for.
    pub certificate: String,
}

/// A keyed part's signed answer to a challenge.
#[derive(Debug, uniffi::Object)]
pub struct ChallengeResponse(pub(crate) pc::ChallengeResponse);

#[uniffi::export]
impl ChallengeResponse {
    /// Decodes a response from its exact bytes.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(ChallengeResponse(pc::ChallengeResponse::decode(
            &bytes,
        )?)))
    }

    /// What a keyed part computes (its secure element, or a test): signs
    /// the nonce and its certificate's fingerprint. 204 if the certificate
    /// names no key, 205 if `part_key` is not the key it names.
    #[uniffi::constructor]
    pub fn respond(
        part_key: Arc<crate::issue::SecretKey>,
        challenge: Arc<Challenge>,
        certificate: Arc<Certificate>,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(ChallengeResponse(pc::ChallengeResponse::respond(
            &part_key.0,
            &challenge.0,
            &certificate.0,
        )?)))
    }

    /// Its exact signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// What it says.
    pub fn info(&self) -> ChallengeResponseInfo {
        ChallengeResponseInfo {
            nonce: self.0.nonce().to_vec(),
            certificate: self.0.certificate().to_hex(),
        }
    }

    /// Checks it answers `challenge` for `certificate` (203/204 if not).
    pub fn verify(&self, challenge: Arc<Challenge>, certificate: Arc<Certificate>) -> Result<()> {
        Ok(self.0.verify(&challenge.0, &certificate.0)?)
    }
}

/// The type of an encoded object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ObjectType {
    /// A certificate.
    Certificate,
    /// A pairing record.
    PairingRecord,
    /// A blocklist snapshot.
    BlocklistSnapshot,
    /// A blocklist delta.
    BlocklistDelta,
    /// A revocation list.
    RevocationList,
    /// A challenge response.
    ChallengeResponse,
    /// A compact blocklist snapshot (national-scale lists).
    CompactSnapshot,
}

/// The type of an encoded object, read from its header only.
#[uniffi::export]
pub fn object_type_of(bytes: Vec<u8>) -> Result<ObjectType> {
    Ok(match pc::ObjectType::of(&bytes)? {
        pc::ObjectType::Certificate => ObjectType::Certificate,
        pc::ObjectType::PairingRecord => ObjectType::PairingRecord,
        pc::ObjectType::BlocklistSnapshot => ObjectType::BlocklistSnapshot,
        pc::ObjectType::BlocklistDelta => ObjectType::BlocklistDelta,
        pc::ObjectType::RevocationList => ObjectType::RevocationList,
        pc::ObjectType::ChallengeResponse => ObjectType::ChallengeResponse,
        pc::ObjectType::CompactSnapshot => ObjectType::CompactSnapshot,
        other => {
            return Err(PartcertError::from_code(
                pc::ErrorCode::UnknownObjectType,
                format!("an object type these bindings do not know: {other:?}"),
            ));
        }
    })
}

/// Any decoded object.
#[derive(Debug, uniffi::Enum)]
pub enum PartcertObject {
    /// A certificate.
    Certificate {
        /// It.
        certificate: Arc<Certificate>,
    },
    /// A pairing record.
    PairingRecord {
        /// It.
        record: Arc<PairingRecord>,
    },
    /// A blocklist snapshot.
    BlocklistSnapshot {
        /// It.
        snapshot: Arc<BlocklistSnapshot>,
    },
    /// A blocklist delta.
    BlocklistDelta {
        /// It.
        delta: Arc<BlocklistDelta>,
    },
    /// A revocation list.
    RevocationList {
        /// It.
        list: Arc<RevocationList>,
    },
    /// A challenge response.
    ChallengeResponse {
        /// It.
        response: Arc<ChallengeResponse>,
    },
    /// A compact blocklist snapshot.
    CompactSnapshot {
        /// It.
        snapshot: Arc<CompactSnapshot>,
    },
}

/// Decodes any object, dispatching on its type tag (what `partcert show`
/// does with a file).
#[uniffi::export]
pub fn decode_object(bytes: Vec<u8>) -> Result<PartcertObject> {
    Ok(match pc::Object::decode(&bytes)? {
        pc::Object::Certificate(c) => PartcertObject::Certificate {
            certificate: Certificate::wrap(c),
        },
        pc::Object::PairingRecord(r) => PartcertObject::PairingRecord {
            record: Arc::new(PairingRecord(r)),
        },
        pc::Object::BlocklistSnapshot(s) => PartcertObject::BlocklistSnapshot {
            snapshot: Arc::new(BlocklistSnapshot(s)),
        },
        pc::Object::BlocklistDelta(d) => PartcertObject::BlocklistDelta {
            delta: Arc::new(BlocklistDelta(d)),
        },
        pc::Object::RevocationList(l) => PartcertObject::RevocationList {
            list: Arc::new(RevocationList(l)),
        },
        pc::Object::ChallengeResponse(r) => PartcertObject::ChallengeResponse {
            response: Arc::new(ChallengeResponse(r)),
        },
        pc::Object::CompactSnapshot(s) => PartcertObject::CompactSnapshot {
            snapshot: Arc::new(CompactSnapshot(*s)),
        },
        other => {
            return Err(PartcertError::from_code(
                pc::ErrorCode::UnknownObjectType,
                format!(
                    "an object type these bindings do not know ({:?})",
                    pc::ObjectType::of(other.as_bytes())
                ),
            ));
        }
    })
}
