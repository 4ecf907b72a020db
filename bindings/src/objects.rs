//! The signed objects: decoded from their exact bytes (structure and
//! bounds checked; trust is the verifier's business), read as records.

use std::sync::Arc;

use partcert as pc;
use pc::blocklist::{BlockKey, BlocklistEntry, DeltaRef, FileRef, Format, ListVersion, ShardsRef};
use pc::certificate::{AuthoritySubject, PartSubject, Subject};
use pc::ids::{Fingerprint, KeyId, StateDigest};
use pc::pairing::{PairedPart, PairingEvent};
use pc::revocation::RevokedKey;
use pc::{Imei, ObjectType, Validity};

use crate::error::{PartcertError, Result};

/// Declares a binding object over a core object that decodes from its
/// exact bytes: its `decode` constructor, `toBytes`, equality.
macro_rules! signed_object {
    ($(#[$doc:meta])* $name:ident($core:ty)) => {
        $(#[$doc])*
        #[derive(Debug, PartialEq, Eq, uniffi::Object)]
        #[uniffi::export(Eq)]
        pub struct $name(pub(crate) $core);

        impl $name {
            pub(crate) fn wrap(object: $core) -> Arc<Self> {
                Arc::new($name(object))
            }
        }

        #[uniffi::export]
        impl $name {
            /// Decodes it from its exact bytes (1xx if malformed; 105 if
            /// the bytes are another kind of object).
            #[uniffi::constructor]
            pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
                Ok($name::wrap(<$core>::decode(&bytes)?))
            }

            /// Its exact signed bytes.
            pub fn to_bytes(&self) -> Vec<u8> {
                self.0.as_bytes().to_vec()
            }
        }
    };
}

signed_object! {
    /// A certificate: a root, an authority or a part.
    Certificate(pc::Certificate)
}

signed_object! {
    /// A signed record of the parts fitted in one handset.
    PairingRecord(pc::PairingRecord)
}

signed_object! {
    /// A signed blocklist of any format: a sorted snapshot, a compact
    /// snapshot (national scale) or a delta. `Authority.publish` signs one;
    /// `Blocklist.apply` takes its bytes.
    SignedList(pc::blocklist::SignedList)
}

signed_object! {
    /// A register's signed repository head (`head.pchd`): its newest
    /// list's version and digest, and every file a device needs to reach
    /// it. `Authority.publishHead` signs one; `Blocklist.beginUpdate` and
    /// `Blocklist.sync` take its bytes.
    RepositoryHead(pc::blocklist::Head)
}

signed_object! {
    /// A root's signed list of revoked keys.
    RevocationList(pc::revocation::RevocationList)
}

signed_object! {
    /// A keyed part's signed answer to a challenge.
    ChallengeResponse(pc::challenge::ChallengeResponse)
}

/// Everything a certificate says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// The issuer's serial number for it.
    pub serial_number: u64,
    /// The signing key's id.
    pub issuer: KeyId,
    /// When it is valid.
    pub validity: Validity,
    /// What it certifies.
    pub subject: Subject,
    /// The SHA-256 of its bytes.
    pub fingerprint: Fingerprint,
}

#[uniffi::export]
impl Certificate {
    /// Everything it says.
    pub fn info(&self) -> CertificateInfo {
        CertificateInfo {
            serial_number: self.0.serial_number(),
            issuer: self.0.issuer(),
            validity: self.0.validity(),
            subject: self.0.subject().clone(),
            fingerprint: self.0.fingerprint(),
        }
    }

    /// The SHA-256 of its bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        self.0.fingerprint()
    }

    /// The part it certifies, if it is a part certificate.
    pub fn part(&self) -> Option<PartSubject> {
        self.0.part().cloned()
    }

    /// The authority it certifies, if it is an authority certificate.
    pub fn authority(&self) -> Option<AuthoritySubject> {
        self.0.authority().cloned()
    }

    /// The core's JSON: serial_number, issuer, validity, subject, fingerprint.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// Everything a pairing record says (the service that signed it:
/// `serviceCertificate()`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PairingRecordInfo {
    /// The handset's IMEIs (from its board).
    pub imeis: Vec<Imei>,
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
    /// The SHA-256 of its bytes.
    pub fingerprint: Fingerprint,
}

#[uniffi::export]
impl PairingRecord {
    /// Everything it says.
    pub fn info(&self) -> PairingRecordInfo {
        let record = &self.0;
        PairingRecordInfo {
            imeis: record.imeis().to_vec(),
            board: *record.board(),
            parts: record.parts().to_vec(),
            sequence: record.sequence(),
            event: record.event(),
            issued_at: record.issued_at(),
            fingerprint: record.fingerprint(),
        }
    }

    /// The pairing service's certificate it carries.
    pub fn service_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.service_certificate().clone())
    }
}

/// Everything a signed list says. What only one format has is empty in
/// the others.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedListInfo {
    /// Sorted, compact or delta.
    pub format: Format,
    /// Its epoch and sequence (a delta's: the version it leads to).
    pub version: ListVersion,
    /// A delta's base: the list it starts from.
    pub base: Option<DeltaBase>,
    /// The digest of the state it is (a delta's: the state it leads to).
    pub state_digest: StateDigest,
    /// A sorted snapshot's entries, sorted by key; a delta's entries
    /// listed or changed; none for a compact snapshot (it keeps parts as
    /// fingerprints: ask `Blocklist.lookup`).
    pub entries: Vec<BlocklistEntry>,
    /// A delta's keys delisted.
    pub delisted: Vec<BlockKey>,
    /// The authority it belongs to: its blocklist root's key id.
    pub authority: KeyId,
    /// When it was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// The SHA-256 of its bytes.
    pub fingerprint: Fingerprint,
}

/// The list a delta starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DeltaBase {
    /// Its epoch and sequence.
    pub version: ListVersion,
    /// Its state digest.
    pub state_digest: StateDigest,
}

#[uniffi::export]
impl SignedList {
    /// Everything it says.
    pub fn info(&self) -> SignedListInfo {
        use pc::blocklist::SignedList as List;
        let list = &self.0;
        let (state_digest, entries, delisted, base) = match list {
            List::Sorted(s) => (s.state_digest(), s.entries().to_vec(), vec![], None),
            List::Compact(s) => (s.state_digest(), vec![], vec![], None),
            List::Delta(d) => {
                let base = Some(DeltaBase {
                    version: d.from_version(),
                    state_digest: d.from_digest(),
                });
                let (upserts, removals) = (d.upserts().to_vec(), d.removals().to_vec());
                (d.result_digest(), upserts, removals, base)
            }
        };
        SignedListInfo {
            format: list.format(),
            authority: list.authority(),
            version: list.version(),
            issued_at: list.issued_at(),
            expires_at: list.expires_at(),
            state_digest,
            fingerprint: Fingerprint::of_bytes(list.as_bytes()),
            entries,
            delisted,
            base,
        }
    }

    /// The certificate of the key that signed it (the authority's root or
    /// a key it delegated to).
    pub fn signer_certificate(&self) -> Arc<Certificate> {
        use pc::blocklist::SignedList as List;
        let signer = match &self.0 {
            List::Sorted(list) => list.signer_certificate(),
            List::Compact(list) => list.signer_certificate(),
            List::Delta(list) => list.signer_certificate(),
        };
        Certificate::wrap(signer.clone())
    }

    /// Where a register's repository keeps it (`lists/<sha256>.<ext>`,
    /// never rewritten), with its size, SHA-256 and version: what a head
    /// names it by.
    pub fn file_ref(&self) -> FileRef {
        FileRef::of(&self.0)
    }
}

/// Everything a repository head says (the key that signed it:
/// `signerCertificate()`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RepositoryHeadInfo {
    /// The register whose lists it names: its blocklist root's key id.
    pub authority: KeyId,
    /// The newest list's epoch and sequence.
    pub version: ListVersion,
    /// The newest list's state digest.
    pub digest: StateDigest,
    /// When the head was signed.
    pub issued_at: u64,
    /// When it expires: after that, a device with no fresher head reads
    /// the register's list as stale (`StaleReason.NoFreshHead`).
    pub expires_at: u64,
    /// The newest snapshot's file.
    pub snapshot: FileRef,
    /// The deltas served, each from a sequence to a later one.
    pub deltas: Vec<DeltaRef>,
    /// The SHA-256 of its bytes.
    pub fingerprint: Fingerprint,
    /// The newest list's shards, if the repository serves them (a device
    /// that does not hold the list checks its keys through them:
    /// `Blocklist.beginShardCheck`).
    pub shards: Option<ShardsRef>,
}

#[uniffi::export]
impl RepositoryHead {
    /// Everything it says.
    pub fn info(&self) -> RepositoryHeadInfo {
        let head = &self.0;
        RepositoryHeadInfo {
            authority: head.authority(),
            version: head.version(),
            digest: head.digest(),
            issued_at: head.issued_at(),
            expires_at: head.expires_at(),
            snapshot: head.snapshot().clone(),
            deltas: head.deltas().to_vec(),
            fingerprint: Fingerprint::of_bytes(head.as_bytes()),
            shards: head.shards().cloned(),
        }
    }

    /// The certificate of the key that signed it (the register's root or
    /// a key it delegated to).
    pub fn signer_certificate(&self) -> Arc<Certificate> {
        Certificate::wrap(self.0.signer_certificate().clone())
    }
}

/// Everything a revocation list says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RevocationListInfo {
    /// The root that signed it.
    pub root: KeyId,
    /// Its sequence.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// The keys revoked, each from its time.
    pub revoked: Vec<RevokedKey>,
}

#[uniffi::export]
impl RevocationList {
    /// Everything it says.
    pub fn info(&self) -> RevocationListInfo {
        let list = &self.0;
        RevocationListInfo {
            root: list.root(),
            sequence: list.sequence(),
            issued_at: list.issued_at(),
            revoked: list.revoked().to_vec(),
        }
    }
}

/// A verifier's fresh nonce for a keyed part to sign.
#[derive(Debug, uniffi::Object)]
pub struct Challenge(pub(crate) pc::challenge::Challenge);

#[uniffi::export]
impl Challenge {
    /// A challenge with a fresh nonce from the operating system's
    /// cryptographic random source. Use a new one for every check.
    #[uniffi::constructor]
    pub fn generate() -> Arc<Self> {
        Arc::new(Challenge(pc::challenge::Challenge::generate(
            &mut rand_core::OsRng,
        )))
    }

    /// A challenge with a given 32-byte nonce (503 otherwise).
    #[uniffi::constructor]
    pub fn from_nonce(nonce: Vec<u8>) -> Result<Arc<Self>> {
        let nonce = bytes32(&nonce, "a nonce")?;
        Ok(Arc::new(Challenge(pc::challenge::Challenge::new(nonce))))
    }

    /// The nonce.
    pub fn nonce(&self) -> Vec<u8> {
        self.0.nonce().to_vec()
    }
}

/// 32 bytes, or 503 InvalidArgument naming `what`.
pub(crate) fn bytes32(bytes: &[u8], what: &str) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| {
        PartcertError::invalid_argument(format!("{what} must be 32 bytes, not {}", bytes.len()))
    })
}

/// What a challenge response says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChallengeResponseInfo {
    /// The nonce it answers.
    pub nonce: Vec<u8>,
    /// The fingerprint of the certificate it answers for.
    pub certificate: Fingerprint,
}

#[uniffi::export]
impl ChallengeResponse {
    /// What a keyed part computes (its secure element, or a test): signs
    /// the nonce and its certificate's fingerprint. 204 if the certificate
    /// names no key, 205 if `part_key` is not the key it names.
    #[uniffi::constructor]
    pub fn respond(
        part_key: Arc<crate::issue::SecretKey>,
        challenge: Arc<Challenge>,
        certificate: Arc<Certificate>,
    ) -> Result<Arc<Self>> {
        let response =
            pc::challenge::ChallengeResponse::respond(&part_key.0, &challenge.0, &certificate.0)?;
        Ok(ChallengeResponse::wrap(response))
    }

    /// What it says.
    pub fn info(&self) -> ChallengeResponseInfo {
        ChallengeResponseInfo {
            nonce: self.0.nonce().to_vec(),
            certificate: self.0.certificate(),
        }
    }

    /// Checks it answers `challenge` for `certificate` (203/204 if not).
    pub fn verify(&self, challenge: Arc<Challenge>, certificate: Arc<Certificate>) -> Result<()> {
        Ok(self.0.verify(&challenge.0, &certificate.0)?)
    }
}

/// The type of an encoded object, read from its header only.
#[uniffi::export]
pub fn object_type_of(bytes: Vec<u8>) -> Result<ObjectType> {
    Ok(ObjectType::of(&bytes)?)
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
    /// A blocklist: a sorted or compact snapshot, or a delta.
    SignedList {
        /// It.
        list: Arc<SignedList>,
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
    /// A register's repository head.
    RepositoryHead {
        /// It.
        head: Arc<RepositoryHead>,
    },
}

/// Decodes any object, dispatching on its type tag (what `partcert show`
/// does with a file).
#[uniffi::export]
pub fn decode_object(bytes: Vec<u8>) -> Result<PartcertObject> {
    use pc::blocklist::SignedList as List;
    let list = |list| PartcertObject::SignedList {
        list: SignedList::wrap(list),
    };
    Ok(match pc::Object::decode(&bytes)? {
        pc::Object::Certificate(certificate) => PartcertObject::Certificate {
            certificate: Certificate::wrap(certificate),
        },
        pc::Object::PairingRecord(record) => PartcertObject::PairingRecord {
            record: PairingRecord::wrap(record),
        },
        pc::Object::BlocklistSnapshot(snapshot) => list(List::Sorted(snapshot)),
        pc::Object::CompactSnapshot(snapshot) => list(List::Compact(snapshot)),
        pc::Object::BlocklistDelta(delta) => list(List::Delta(delta)),
        pc::Object::RevocationList(revocations) => PartcertObject::RevocationList {
            list: RevocationList::wrap(revocations),
        },
        pc::Object::ChallengeResponse(response) => PartcertObject::ChallengeResponse {
            response: ChallengeResponse::wrap(response),
        },
        pc::Object::RepositoryHead(head) => PartcertObject::RepositoryHead {
            head: RepositoryHead::wrap(head),
        },
        // The core's object enum is open: a type it adds later is named,
        // not guessed at.
        other => {
            return Err(PartcertError::from_code(
                pc::ErrorCode::UnknownObjectType,
                format!(
                    "an object type these bindings do not know: {}",
                    ObjectType::of(other.as_bytes())?.name()
                ),
            ));
        }
    })
}
